"""Everything the pages and the CLI read. Read-only, parameterised, one frame or dict per call.

Every function takes a cursor from store.sambungan_baca (or any connection on the schema),
the data week and the area (``wilayah``: a dotted code of any level, or None for national).
The area is applied here and nowhere else.

Every function that reads about areas or koperasi also takes the user's scope (``cakupan``: a
wilayah code, None = national; see kdkmp.akses) and declares how it meets it (``@tercakup``),
so no caller can forget it and ui.dasar.tanya can always pass it (and key its cache on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import contextlib
import contextvars
import functools
import inspect

import duckdb
import numpy as np
import pandas as pd

from kdkmp import agregat, akses, kontrak, rules, store, wilayah as ref
from kdkmp.kosakata import PILAR, SEMUA_ZONA
from kdkmp.tembolok import Tembolok

# Column of `laporan` that holds each level's code; a fixed mapping, never user text.
_KOLOM_TINGKAT = {"provinsi": "kode_provinsi", "kabupaten": "kode_kabupaten",
                  "kecamatan": "kode_kecamatan", "desa": "kode_desa"}
_PANJANG_KODE = {"provinsi": 2, "kabupaten": 5, "kecamatan": 8, "desa": 13}
_TINGKAT_ANAK = {None: "provinsi", "provinsi": "kabupaten", "kabupaten": "kecamatan", "kecamatan": "desa"}


# How a read meets the user's scope, one word per function:
#   "wilayah":  its `wilayah` must lie inside the scope (lists, and counts below province level);
#   "agregat":  the same, except that national counts (at most per province) are public reporting
#               (DESIGN.md), so every scope may read them with `wilayah` None;
#   "koperasi": rows are restricted to the scope in SQL; the function takes `cakupan` itself;
#   "nasional": only for users without a scope (raw rejected cells of any area, what-if lists).
CARA_CAKUPAN = ("wilayah", "agregat", "koperasi", "nasional")


def tercakup(cara: str):
    """Declare how a query meets the scope; the wrapper refuses (akses.AksesDitolak) a request
    outside it before any SQL runs. The wrapped function gets `cakupan` only for "koperasi"."""
    if cara not in CARA_CAKUPAN:
        raise ValueError(cara)

    def hias(fungsi):
        tanda = inspect.signature(fungsi)

        def periksa(args: tuple, kwargs: dict, cakupan: str | None) -> None:
            if cara == "koperasi" or cakupan is None:
                return
            if cara == "nasional":
                raise akses.AksesDitolak("Data ini hanya untuk akun tingkat nasional (admin atau PMO pusat).")
            ikat = tanda.bind_partial(None, *args, **kwargs)
            kode = ikat.arguments.get("wilayah")
            kode = ref.cari(kode).kode if kode else None
            if not (akses.di_dalam(kode, cakupan) or (kode is None and cara == "agregat")):
                raise akses.AksesDitolak(akses.kalimat_di_luar(kode, cakupan))

        @functools.wraps(fungsi)
        def bungkus(con, *args, cakupan: str | None = None, **kwargs):
            if cara == "koperasi":
                return fungsi(con, *args, cakupan=cakupan, **kwargs)
            periksa(args, kwargs, cakupan)
            return fungsi(con, *args, **kwargs)

        bungkus.cara_cakupan = cara
        # The check alone (no SQL): a cache may run it first and then share one result between
        # scopes, since only "koperasi" reads differ by scope once the check has passed.
        bungkus.periksa_cakupan = periksa
        return bungkus
    return hias


def _syarat_cakupan(cakupan: str | None, kolom: str = "kode_desa") -> tuple[str, dict]:
    """SQL condition keeping rows whose desa lies inside the scope (TRUE for national)."""
    if cakupan is None:
        return "TRUE", {}
    return f"starts_with({kolom}, $cakupan || '.')", {"cakupan": cakupan}


def saring_wilayah(kode: str | None, alias: str = "") -> tuple[str, dict]:
    """SQL condition and parameters restricting `laporan` rows to an area (TRUE for national)."""
    if kode is None:
        return "TRUE", {}
    w = ref.cari(kode)
    awalan = f"{alias}." if alias else ""
    return f"{awalan}{_KOLOM_TINGKAT[w.tingkat]} = $kode_wilayah", {"kode_wilayah": w.kode}


# ---------------------------------------------------------------- the area aggregates (kdkmp.agregat)
# An area at kecamatan level or above is a sum over its kecamatan: the views read the writer's
# per-week × kecamatan counts instead of the rows when they hold the live data (agregat.berlaku);
# below kecamatan, and on a database written before them, the same function reads the rows.

# Whether the aggregates are current, when the caller already knows it for this very file (a view
# runs ten reads on one file version and asked once): ui.dasar sets it around each read.
_agregat_berlaku: contextvars.ContextVar[bool | None] = contextvars.ContextVar("agregat_berlaku", default=None)
# Which version of the data the reads are about, when the caller knows it (ui.dasar: the file and its
# identity, which every load and rescoring changes); None: unknown, every read on its own.
_versi: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("versi_data", default=None)


@contextlib.contextmanager
def agregat_diketahui(berlaku: bool | None, versi: tuple | None = None):
    """Within the block, the reads take `berlaku` for agregat.berlaku instead of asking (None: ask),
    and, with `versi` (a key that changes whenever the data do), answer an area's figures from the
    figures of every area of its level, read once per version (_semua_wilayah)."""
    token = _agregat_berlaku.set(berlaku)
    token_versi = _versi.set(versi)
    try:
        yield
    finally:
        _versi.reset(token_versi)
        _agregat_berlaku.reset(token)


# ---------------------------------------------------------------- every area of a level at once
# A kabupaten office's first view read its figures from the aggregates with ten queries of its own
# (≈ 58 ms of CPU on the national demo, most of it fixed cost per query: planning, the reference's
# desa counted again, frames built), and the next kabupaten did the same. The aggregates are per
# kecamatan, so one query gives a figure for every area of a level for little more than one area
# costs: when the data version is known, the first view at a level reads each figure for all its
# areas (≈ 0.25 s for the kabupaten, once per version and process) and every view cuts its rows out
# (≈ 6 ms for the ten). The same SQL answers one area (its filter instead of the grouping) when
# the version is unknown (the CLI, a one-off read), so both ways give the same frames (tested).

@dataclass(frozen=True)
class _Potongan:
    """A frame of many areas sorted by area (column `_w`), cut per area without scanning it."""
    df: pd.DataFrame
    letak: dict

    @classmethod
    def dari(cls, df: pd.DataFrame) -> "_Potongan":
        kunci = df["_w"].to_numpy()
        awal = np.flatnonzero(np.r_[True, kunci[1:] != kunci[:-1]]) if len(kunci) else np.array([], dtype=int)
        akhir = np.r_[awal[1:], len(kunci)]
        return cls(df.drop(columns="_w"), dict(zip(kunci[awal].tolist(), zip(awal.tolist(), akhir.tolist()))))

    def ambil(self, wilayah, teks_kosong_objek: bool = False) -> pd.DataFrame:
        if wilayah not in self.letak and teks_kosong_objek:
            # as DuckDB gives an empty result: its text columns of no rows are objects
            kosong = self.df.iloc[0:0].reset_index(drop=True)
            return kosong.astype({k: object for k, t in kosong.dtypes.items() if isinstance(t, pd.StringDtype)})
        a, b = self.letak.get(wilayah, (0, 0))
        return self.df.iloc[a:b].reset_index(drop=True)


# a figure of one level and week, ≈ 30 per version; the least recently used go first
_SEMUA = Tembolok(256)


def _semua_wilayah(nama: str, *kunci):
    """Whether to read the figure `nama` for every area of a level at once: the key of this data
    version's entry (versi, nama, *kunci), or None when the version is unknown (read one area)."""
    versi = _versi.get()
    return None if versi is None else (versi, nama, *kunci)


def _sekali(kunci: tuple, hitung):
    """hitung() once per key in this process: concurrent first views of the same level wait for the
    one that reads it instead of each reading it (25 offices at 09:00)."""
    return _SEMUA.ambil(kunci, hitung)


def _per_wilayah(con, nama: str, wilayah: str | None, kunci: tuple, sql: str, param: dict) -> pd.DataFrame:
    """Rows of `wilayah` of the aggregate query `sql`, whose text holds `{w}` where the area's code goes
    (`_w`, the first column, which it sorts by first) and `{saring}` where its filter goes (ANDed to
    its WHERE); read for every area of the level at once when the version is known and the area is a
    province or a kabupaten. A kecamatan reads its own: all 7,285 at once cost as much as six views
    of one (≈ 0.2 s against 35 ms, measured), and a kecamatan is opened far less often."""
    w = ref.cari(wilayah) if wilayah else None
    memo = _semua_wilayah(nama, w.tingkat, *kunci) if w is not None and w.tingkat in ("provinsi", "kabupaten") else None
    if memo is None:
        syarat, p = _saring_agregat(wilayah)
        df = con.execute(sql.format(w="$kode_wilayah" if w else "''", saring=syarat), {**param, **p}).df()
        return _Potongan.dari(df).ambil(w.kode if w else "", teks_kosong_objek=True)
    panjang = _PANJANG_KODE[w.tingkat]
    return _sekali(memo, lambda: _Potongan.dari(con.execute(
        sql.format(w=f"left(a.kode_kecamatan, {panjang})", saring="TRUE"), param).df())
                   ).ambil(w.kode, teks_kosong_objek=True)


def _pakai_agregat(con: duckdb.DuckDBPyConnection, wilayah: str | None, anak: bool = False) -> bool:
    """Whether the aggregates answer for `wilayah` (and, with `anak`, per child area)."""
    tingkat = ref.cari(wilayah).tingkat if wilayah else None
    if tingkat == "desa" or (anak and tingkat == "kecamatan"):
        return False
    diketahui = _agregat_berlaku.get()
    return agregat.berlaku(con) if diketahui is None else diketahui


def _saring_agregat(kode: str | None) -> tuple[str, dict]:
    """SQL condition and parameters restricting aggregate rows `a` to an area (TRUE for national)."""
    if kode is None:
        return "TRUE", {}
    w = ref.cari(kode)
    return f"left(a.kode_kecamatan, {_PANJANG_KODE[w.tingkat]}) = $kode_wilayah", {"kode_wilayah": w.kode}


def _urai(kolom: str, nilai, nama: str) -> str:
    """`nama` and `jumlah` from one count column per value (awalan_nilai), one row per value."""
    return (f"unnest([{', '.join(repr(v) for v in nilai)}]) AS {nama}, "
            f"unnest([{', '.join(f'a.{kolom}_{v}' for v in nilai)}]) AS jumlah")


def minggu_terakhir(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest loaded week, or None when nothing is loaded."""
    r = con.execute("SELECT max(minggu) FROM batch WHERE status = 'aktif'").fetchall()
    return r[0][0] if r else None


def daftar_minggu(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Loaded weeks, newest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT minggu FROM batch WHERE status = 'aktif' ORDER BY minggu DESC").fetchall()]


def _minggu(con, minggu: date | None) -> date:
    if minggu is None:
        minggu = minggu_terakhir(con)
        if minggu is None:
            raise store.BelumAdaData("Belum ada data mingguan yang dimuat.")
    return minggu


@tercakup("agregat")
def ringkasan(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> dict:
    """The headline numbers of one area and week (the `summary --json` object)."""
    minggu = _minggu(con, minggu)
    hasil = {"minggu": minggu.isoformat(), "wilayah": ref.cari(wilayah).kode if wilayah else None}
    if _pakai_agregat(con, wilayah):
        syarat, param = _saring_agregat(wilayah)
        nilai = {k: kontrak.KOLOM_PER_NAMA[k].nilai for k in ("tahap_pembangunan", "kendala_utama")}
        kolom = [f"{k.split('_')[0]}_{v}" for k, vs in nilai.items() for v in vs]
        r = con.execute(f"""SELECT {", ".join(f"coalesce(sum({k}), 0)" for k in ("jumlah", "masuk_portal", *kolom))}
                            FROM agregat_laporan a WHERE minggu = $minggu AND {syarat}""",
                        {**param, "minggu": minggu}).fetchall()[0]
        hasil["jumlah_koperasi"], hasil["masuk_portal"] = int(r[0]), int(r[1])
        angka = iter(r[2:])
        for k, vs in nilai.items():
            hasil[k] = {v: int(next(angka)) for v in vs}
    else:
        syarat, param = saring_wilayah(wilayah)
        param = {**param, "minggu": minggu}
        dasar = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE masuk_portal) FROM laporan WHERE minggu = $minggu AND {syarat}",
            param).fetchall()[0]
        hasil["jumlah_koperasi"], hasil["masuk_portal"] = int(dasar[0]), int(dasar[1])
        for kolom in ("tahap_pembangunan", "kendala_utama"):
            hitung = dict(con.execute(
                f"SELECT {kolom}, count(*) FROM laporan WHERE minggu = $minggu AND {syarat} GROUP BY 1",
                param).fetchall())
            hasil[kolom] = {nilai: int(hitung.get(nilai, 0)) for nilai in kontrak.KOLOM_PER_NAMA[kolom].nilai}
    zona = hitung_zona(con, minggu, wilayah)
    hasil["zona"] = zona["zona"]
    hasil["tanpa_laporan_dizonakan"] = zona["tanpa_laporan_dizonakan"]
    hasil["pergerakan"] = hitung_pergerakan(con, minggu, wilayah)  # the page's three movement counts
    return hasil


@tercakup("agregat")
def rekap_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """One row per child area (provinces for national): kode, nama, jumlah_desa (reference),
    jumlah_koperasi (reports this week), then one count column per construction stage
    (tahap_*) and per main bottleneck (kendala_*)."""
    minggu = _minggu(con, minggu)
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]
    kolom_anak = _KOLOM_TINGKAT[tingkat_anak]
    # (column, value) of every stage and bottleneck, counted as tahap_<value> / kendala_<value>
    kategori = [(kolom, nilai) for kolom in ("tahap_pembangunan", "kendala_utama")
                for nilai in kontrak.KOLOM_PER_NAMA[kolom].nilai]

    def rapikan(df: pd.DataFrame) -> pd.DataFrame:
        angka = [c for c in df.columns if c not in ("_w", "kode", "nama")]
        df[angka] = df[angka].fillna(0).astype("int64")
        return df

    if _pakai_agregat(con, wilayah, anak=True):
        jumlah = ", ".join(f"sum(a.{k.split('_')[0]}_{v}) AS {k.split('_')[0]}_{v}" for k, v in kategori)
        return _anak_per_wilayah(con, "rekap_anak", minggu, wilayah, f"""
            SELECT left(a.kode_kecamatan, $panjang) AS kode, sum(a.jumlah) AS jumlah_koperasi,
                   sum(a.masuk_portal) AS masuk_portal, {jumlah}
            FROM agregat_laporan a WHERE a.minggu = $minggu AND {{saring}} GROUP BY 1""", rapikan)
    syarat, param = saring_wilayah(wilayah, "l")
    jumlah = ", ".join(f"count(*) FILTER (WHERE l.{k} = '{v}') AS {k.split('_')[0]}_{v}" for k, v in kategori)
    return rapikan(_anak_dan_referensi(con, f"""
        SELECT l.{kolom_anak} AS kode, count(*) AS jumlah_koperasi,
               count(*) FILTER (WHERE l.masuk_portal) AS masuk_portal, {jumlah}
        FROM laporan l WHERE l.minggu = $minggu AND {syarat} GROUP BY 1""", {**param, "minggu": minggu},
        tingkat_anak, wilayah)).drop(columns="_w")


def _anak_dan_referensi(con, hitung: str, param: dict, tingkat_anak: str, wilayah: str | None,
                        semua: bool = False) -> pd.DataFrame:
    """The reference's child areas of `wilayah` (of every area of its level with `semua`): `_w` (their
    parent, '' for provinces), kode, nama, jumlah_desa (reference), then the columns of the query
    `hitung` (its `kode`: a child's code; NULL where it has no row), sorted by parent and code."""
    param = {**param, "tingkat": tingkat_anak, "panjang": _PANJANG_KODE[tingkat_anak]}
    if semua:
        syarat_ref, param["awalan"] = "TRUE", ""
    elif wilayah is None:
        syarat_ref, param["awalan"] = "w.kode_induk IS NULL", ""
    else:
        syarat_ref = "w.kode_induk = $kode_induk"
        param["kode_induk"] = param["awalan"] = ref.cari(wilayah).kode  # only the area's desa are counted
    return con.execute(f"""
        WITH z AS ({hitung}),
        r AS (SELECT left(kode, $panjang) AS kode, count(*) AS jumlah_desa
              FROM wilayah WHERE tingkat = 'desa' AND starts_with(kode, $awalan) GROUP BY 1)
        SELECT coalesce(w.kode_induk, '') AS _w, w.kode, w.nama, coalesce(r.jumlah_desa, 0) AS jumlah_desa,
               z.* EXCLUDE (kode)
        FROM wilayah w LEFT JOIN r ON r.kode = w.kode LEFT JOIN z ON z.kode = w.kode
        WHERE w.tingkat = $tingkat AND {syarat_ref} ORDER BY _w, w.kode""", param).df()


def _anak_per_wilayah(con, nama: str, minggu: date, wilayah: str | None, hitung: str, rapikan) -> pd.DataFrame:
    """_anak_dan_referensi of an aggregate query `hitung` (its area filter `{saring}`), then `rapikan`
    (row by row); for every area of the level at once when the version is known (_per_wilayah)."""
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]
    memo = _semua_wilayah(nama, tingkat_anak, minggu) if wilayah is not None else None
    if memo is None:
        syarat, param = _saring_agregat(wilayah)
        df = _anak_dan_referensi(con, hitung.format(saring=syarat), {**param, "minggu": minggu}, tingkat_anak, wilayah)
        return rapikan(df).drop(columns="_w")
    return _sekali(memo, lambda: _Potongan.dari(rapikan(_anak_dan_referensi(
        con, hitung.format(saring="TRUE"), {"minggu": minggu}, tingkat_anak, None, semua=True)))
                   ).ambil(ref.cari(wilayah).kode)


# ---------------------------------------------------------------- zones
# `zona` holds one row per koperasi known by that week (reported that week or before), with
# 'tidak_melapor' for those without a report that week, and the area codes copied from the
# latest report so that areas filter without a join.


def minggu_sebelumnya(con: duckdb.DuckDBPyConnection, minggu: date) -> date | None:
    """The loaded week just before `minggu`, or None."""
    r = con.execute("SELECT max(minggu) FROM batch WHERE status = 'aktif' AND minggu < ?", [minggu]).fetchall()
    return r[0][0]


def cap_data(con: duckdb.DuckDBPyConnection, minggu: date) -> dict:
    """The stamp every view shows, for the week as the union of its active batches: baris (the
    week's rows now), jumlah_file (active batches), the latest batch (batch_id, nama_file,
    dimuat_pada, dimuat_oleh) and the rules version; batch_id None when the week is not loaded."""
    # rows are counted in laporan, not summed from batch.baris_dimuat: a national batch whose
    # kabupaten were replaced by their own files keeps its file's count but holds fewer rows
    r = con.execute(
        """WITH aktif AS (SELECT batch_id, nama_file, dimuat_pada, dimuat_oleh FROM batch
                          WHERE minggu = $m AND status = 'aktif')
           SELECT (SELECT count(*) FROM laporan WHERE minggu = $m), (SELECT count(*) FROM aktif),
                  a.batch_id, a.nama_file, a.dimuat_pada, a.dimuat_oleh,
                  (SELECT nilai FROM meta WHERE kunci = 'versi_aturan')
           FROM (SELECT 1) LEFT JOIN (FROM aktif ORDER BY dimuat_pada DESC, batch_id DESC LIMIT 1) a ON TRUE""",
        {"m": minggu}).fetchall()[0]
    baris, jumlah_file, batch_id, nama_file, dimuat_pada, dimuat_oleh, versi = r
    if batch_id is None:
        return {"minggu": minggu, "batch_id": None, "nama_file": None, "dimuat_pada": None, "dimuat_oleh": None,
                "jumlah_file": 0, "baris": 0, "versi_aturan": None}
    return {"minggu": minggu, "batch_id": batch_id, "nama_file": nama_file, "dimuat_pada": dimuat_pada,
            "dimuat_oleh": dimuat_oleh, "jumlah_file": int(jumlah_file), "baris": int(baris), "versi_aturan": versi}


def _jumlah_desa(con, wilayah: str | None) -> int:
    memo = _semua_wilayah("jumlah_desa", ref.tingkat(wilayah)) if wilayah else None
    if memo is not None:
        panjang = len(ref.cari(wilayah).kode)
        return _sekali(memo, lambda: dict(con.execute(f"""SELECT left(kode, {panjang}), count(*) FROM wilayah
                                                          WHERE tingkat = 'desa' GROUP BY 1""").fetchall())
                       ).get(ref.cari(wilayah).kode, 0)
    if wilayah is None:
        return con.execute("SELECT count(*) FROM wilayah WHERE tingkat = 'desa'").fetchall()[0][0]
    kode = ref.cari(wilayah).kode
    return con.execute("SELECT count(*) FROM wilayah WHERE tingkat = 'desa' AND (kode = $k OR starts_with(kode, $k || '.'))",
                       {"k": kode}).fetchall()[0][0]


@tercakup("agregat")
def hitung_zona(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> dict:
    """Zone counts of an area this week and last week: {'zona': {z: n}, 'zona_lalu': {z: n} or None,
    'melapor': n (koperasi that sent a report this week), 'tanpa_laporan_dizonakan': n (no report
    this week, zoned by a lateness gate), 'jumlah': n (koperasi known), 'jumlah_desa': n (expected,
    from the reference)}; jumlah = melapor + tanpa_laporan_dizonakan + tidak_melapor."""
    minggu = _minggu(con, minggu)
    lalu = minggu_sebelumnya(con, minggu)
    dua_minggu = {"minggu": minggu, "lalu": lalu or minggu}
    if _pakai_agregat(con, wilayah):
        baris = _per_wilayah(con, "hitung_zona", wilayah, (minggu, lalu), """
            SELECT {w} AS _w, minggu, zona, sum(a.jumlah) AS jumlah FROM agregat_zona a
            WHERE minggu IN ($minggu, $lalu) AND {saring} GROUP BY 1, 2, 3 ORDER BY 1""", dua_minggu)
        baris = [(m.date(), z, n) for m, z, n in baris.itertuples(index=False)]
        # "melapor" is a report received, not a zone given: a silent koperasi a gate zoned is apart
        melapor = _per_wilayah(con, "melapor", wilayah, (minggu,), """
            SELECT {w} AS _w, sum(a.jumlah) AS melapor FROM agregat_laporan a WHERE minggu = $minggu AND {saring}
            GROUP BY 1 ORDER BY 1""", {"minggu": minggu})["melapor"].sum()
    else:
        syarat, param = saring_wilayah(wilayah)
        baris = con.execute(f"SELECT minggu, zona, count(*) FROM zona WHERE minggu IN ($minggu, $lalu) AND {syarat} "
                            "GROUP BY 1, 2", {**param, **dua_minggu}).fetchall()
        melapor = con.execute(f"SELECT count(*) FROM laporan WHERE minggu = $minggu AND {syarat}",
                              {**param, "minggu": minggu}).fetchall()[0][0]
    kini = {z: 0 for z in SEMUA_ZONA}
    sebelum = {z: 0 for z in SEMUA_ZONA} if lalu else None
    for m, z, n in baris:
        (kini if m == minggu else sebelum)[z] = int(n)
    jumlah = sum(kini.values())
    return {"zona": kini, "zona_lalu": sebelum, "minggu_lalu": lalu, "jumlah": jumlah, "melapor": int(melapor),
            "tanpa_laporan_dizonakan": jumlah - kini["tidak_melapor"] - int(melapor),
            "jumlah_desa": _jumlah_desa(con, wilayah)}


@tercakup("agregat")
def zona_per_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """Child areas of `wilayah` with their zone counts: kode, nama, jumlah_desa, hijau, kuning,
    merah, tidak_melapor, jumlah, melapor, persen_merah (of those reporting), tingkat_lapor (%)."""
    minggu = _minggu(con, minggu)
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]

    def rapikan(df: pd.DataFrame) -> pd.DataFrame:
        df[list(SEMUA_ZONA)] = df[list(SEMUA_ZONA)].fillna(0).astype("int64")
        df["jumlah"] = df[list(SEMUA_ZONA)].sum(axis=1)
        df["melapor"] = df["jumlah"] - df["tidak_melapor"]
        df["persen_merah"] = (100 * df["merah"] / df["melapor"].where(df["melapor"] > 0)).round(1)
        df["tingkat_lapor"] = (100 * df["melapor"] / df["jumlah_desa"].where(df["jumlah_desa"] > 0)).round(1)
        return df

    if _pakai_agregat(con, wilayah, anak=True):
        hitung = ", ".join(f"sum(a.jumlah) FILTER (WHERE a.zona = '{z}') AS {z}" for z in SEMUA_ZONA)
        return _anak_per_wilayah(con, "zona_per_anak", minggu, wilayah, f"""
            SELECT left(a.kode_kecamatan, $panjang) AS kode, {hitung}
            FROM agregat_zona a WHERE a.minggu = $minggu AND {{saring}} GROUP BY 1""", rapikan)
    syarat, param = saring_wilayah(wilayah, "z")
    hitung = ", ".join(f"count(*) FILTER (WHERE z.zona = '{z}') AS {z}" for z in SEMUA_ZONA)
    return rapikan(_anak_dan_referensi(con, f"""
        SELECT z.{_KOLOM_TINGKAT[tingkat_anak]} AS kode, {hitung}
        FROM zona z WHERE z.minggu = $minggu AND {syarat} GROUP BY 1""", {**param, "minggu": minggu},
        tingkat_anak, wilayah)).drop(columns="_w")


@tercakup("agregat")
def kendala_per_zona(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """Main bottleneck × zone counts of the reporting koperasi: kendala_utama, zona, jumlah."""
    minggu = _minggu(con, minggu)
    if _pakai_agregat(con, wilayah):
        return _per_wilayah(con, "kendala_per_zona", wilayah, (minggu,), f"""
            SELECT _w, kendala_utama, zona, CAST(sum(jumlah) AS BIGINT) AS jumlah
            FROM (SELECT {{w}} AS _w, a.zona,
                         {_urai("kendala", kontrak.KOLOM_PER_NAMA["kendala_utama"].nilai, "kendala_utama")}
                  FROM agregat_laporan a WHERE a.minggu = $minggu AND a.zona IS NOT NULL AND {{saring}})
            GROUP BY 1, 2, 3 HAVING sum(jumlah) > 0 ORDER BY 1, 2, 3""", {"minggu": minggu})
    syarat, param = saring_wilayah(wilayah, "l")
    return con.execute(f"""
        SELECT l.kendala_utama, z.zona, count(*) AS jumlah
        FROM laporan l JOIN zona z USING (minggu, kode_koperasi)
        WHERE l.minggu = $minggu AND {syarat} GROUP BY 1, 2 ORDER BY 1, 2""",
        {**param, "minggu": minggu}).df()


@tercakup("agregat")
def tren_zona(con: duckdb.DuckDBPyConnection, wilayah: str | None = None) -> pd.DataFrame:
    """Zone counts of an area over all loaded weeks: minggu, zona, jumlah."""
    if _pakai_agregat(con, wilayah):
        return _per_wilayah(con, "tren_zona", wilayah, (), """
            SELECT {w} AS _w, minggu, zona, CAST(sum(jumlah) AS BIGINT) AS jumlah FROM agregat_zona a WHERE {saring}
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""", {})
    syarat, param = saring_wilayah(wilayah)
    return con.execute(f"SELECT minggu, zona, count(*) AS jumlah FROM zona WHERE {syarat} GROUP BY 1, 2 ORDER BY 1, 2",
                       param).df()


@tercakup("agregat")
def transisi_zona(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """How many koperasi moved from each zone last week to each zone this week:
    zona_lalu, zona_kini, jumlah (koperasi new this week count as zona_lalu 'baru')."""
    minggu = _minggu(con, minggu)
    if _pakai_agregat(con, wilayah):
        return _per_wilayah(con, "transisi_zona", wilayah, (minggu,), f"""
            SELECT _w, zona_lalu, zona_kini, CAST(sum(jumlah) AS BIGINT) AS jumlah
            FROM (SELECT {{w}} AS _w, a.zona AS zona_kini,
                         {_urai("dari", (*SEMUA_ZONA, agregat.ASAL_BARU), "zona_lalu")}
                  FROM agregat_zona a WHERE a.minggu = $minggu AND {{saring}})
            GROUP BY 1, 2, 3 HAVING sum(jumlah) > 0 ORDER BY 1, 2, 3""", {"minggu": minggu})
    lalu = minggu_sebelumnya(con, minggu)
    syarat, param = saring_wilayah(wilayah, "k")
    return con.execute(f"""
        SELECT coalesce(l.zona, 'baru') AS zona_lalu, k.zona AS zona_kini, count(*) AS jumlah
        FROM zona k LEFT JOIN zona l ON l.kode_koperasi = k.kode_koperasi AND l.minggu = $lalu
        WHERE k.minggu = $minggu AND {syarat} GROUP BY 1, 2 ORDER BY 1, 2""",
        {**param, "minggu": minggu, "lalu": lalu}).df()


@tercakup("agregat")
def hitung_pergerakan(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> dict:
    """{'baru_merah': n, 'pulih': n, 'merah_kronis': n} for an area and week (defined where the
    engine computes them: rules.PERGERAKAN, rules._sql_zona_akhir)."""
    minggu = _minggu(con, minggu)
    if _pakai_agregat(con, wilayah):
        kolom = ", ".join(f"sum(a.gerak_{j}) AS {j}" for j in rules.PERGERAKAN)
        df = _per_wilayah(con, "hitung_pergerakan", wilayah, (minggu,), f"""
            SELECT {{w}} AS _w, {kolom} FROM agregat_zona a WHERE minggu = $minggu AND {{saring}} GROUP BY 1 ORDER BY 1""",
                          {"minggu": minggu})
        return {j: int(df[j].sum()) for j in rules.PERGERAKAN}  # no row: an area without zones, all 0
    syarat, param = saring_wilayah(wilayah, "k")
    kolom = ", ".join(f"count(*) FILTER (WHERE k.pergerakan = '{j}')" for j in rules.PERGERAKAN)
    r = con.execute(f"SELECT {kolom} FROM zona k WHERE minggu = $minggu AND {syarat}",
                    {**param, "minggu": minggu}).fetchall()[0]
    return dict(zip(rules.PERGERAKAN, (int(n) for n in r)))


@tercakup("agregat")
def masih_merah(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> tuple[int, int]:
    """Last week's red list a week on: (koperasi merah last week in the area, of which merah now)."""
    minggu = _minggu(con, minggu)
    lalu = minggu_sebelumnya(con, minggu)
    if lalu is None:
        return 0, 0
    syarat, param = saring_wilayah(wilayah, "l")
    r = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE k.zona = 'merah')
        FROM zona l LEFT JOIN zona k ON k.kode_koperasi = l.kode_koperasi AND k.minggu = $minggu
        WHERE l.minggu = $lalu AND l.zona = 'merah' AND {syarat}""", {**param, "minggu": minggu, "lalu": lalu}).fetchall()[0]
    return int(r[0]), int(r[1])


@tercakup("agregat")
def alasan_merah_per_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None,
                          wilayah: str | None = None) -> pd.DataFrame:
    """What keeps the area's merah koperasi merah, per child area: kode (the child), id (a gate,
    a check family or 'stabilitas'), jumlah (merah koperasi with that reason)."""
    minggu = _minggu(con, minggu)
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]
    syarat, param = saring_wilayah(wilayah, "z")
    return con.execute(f"""
        SELECT kode, id, count(*) AS jumlah
        FROM (SELECT z.{_KOLOM_TINGKAT[tingkat_anak]} AS kode, unnest(list_distinct(list_transform(z.alasan, lambda a: a.id))) AS id
              FROM zona z WHERE z.minggu = $minggu AND z.zona = 'merah' AND {syarat})
        GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2""", {**param, "minggu": minggu}).df()


def _kolom_daftar(alias_z: str = "k") -> str:
    return f"""{alias_z}.kode_koperasi, {alias_z}.nama_koperasi, wd.nama AS desa, wk.nama AS kabupaten,
               {alias_z}.kode_desa, {alias_z}.zona, {alias_z}.skor_total, {alias_z}.pilar_terlemah,
               {alias_z}.minggu_di_zona, {alias_z}.alasan[1].teks AS alasan_utama, {alias_z}.langkah_berikut"""


@tercakup("agregat")
def rata_pilar(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """Per pillar: mean score of the reporting koperasi and how many have it as their weakest:
    pilar, skor_rata, jumlah_terlemah — weakest pillar first."""
    minggu = _minggu(con, minggu)
    if _pakai_agregat(con, wilayah):
        rata = ", ".join(f"CAST(sum(a.skor_{p}_jumlah) AS DOUBLE) / nullif({agregat.SKALA_SKOR} * sum(a.skor_{p}_n), 0)"
                         for p in PILAR)
        terlemah = ", ".join(f"sum(a.terlemah_{p})" for p in PILAR)
        df = _per_wilayah(con, "rata_pilar", wilayah, (minggu,), f"""
            SELECT {{w}} AS _w, {rata}, {terlemah} FROM agregat_zona a
            WHERE minggu = $minggu AND zona <> 'tidak_melapor' AND {{saring}} GROUP BY 1 ORDER BY 1""", {"minggu": minggu})
        # no row: no koperasi with a score in the area
        r = [None if pd.isna(v) else float(v) for v in df.iloc[0, :4]] + [int(v) for v in df.iloc[0, 4:]] \
            if len(df) else [None] * len(PILAR) + [0] * len(PILAR)
    else:
        syarat, param = saring_wilayah(wilayah)
        # an exact sum (agregat.skor_utuh): the same mean as the aggregates', whatever the order
        rata = ", ".join(f"CAST(sum({agregat.skor_utuh(f'skor_{p}')}) AS DOUBLE) / nullif({agregat.SKALA_SKOR} * count(skor_{p}), 0)"
                         for p in PILAR)
        terlemah = ", ".join(f"count(*) FILTER (WHERE pilar_terlemah = '{p}') AS t_{p}" for p in PILAR)
        r = con.execute(f"SELECT {rata}, {terlemah} FROM zona WHERE minggu = $minggu AND zona <> 'tidak_melapor' AND {syarat}",
                        {**param, "minggu": minggu}).fetchall()[0]
    df = pd.DataFrame({"pilar": list(PILAR), "skor_rata": [None if v is None else round(v, 1) for v in r[:4]],
                       "jumlah_terlemah": [int(v) for v in r[4:]]})
    return df.sort_values("skor_rata", na_position="last").reset_index(drop=True)


_posisi_ref: dict[str, tuple] = {}


def _posisi_referensi() -> pd.DataFrame:
    """The reference's approximate positions, indexed by code (built once per reference table)."""
    tabel = ref.tabel()
    simpan = _posisi_ref.get("tabel")
    if simpan is None or simpan[0] is not tabel:
        simpan = _posisi_ref["tabel"] = (tabel, tabel.set_index("kode")[["lat", "lon"]])
    return simpan[1]


@tercakup("wilayah")
def titik_peta(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """Bubbles for the map, one per child area: kode, nama, lat, lon (mean of its koperasi's
    reported positions, else the reference's approximate position), jumlah, merah, persen_merah,
    and the zone counts. Below kecamatan level, one point per koperasi with its zone and desa."""
    minggu = _minggu(con, minggu)
    w = ref.cari(wilayah) if wilayah else None
    if w is not None and w.tingkat in ("kecamatan", "desa"):
        syarat, param = saring_wilayah(wilayah, "z")
        return con.execute(f"""
            SELECT z.kode_koperasi AS kode, z.nama_koperasi AS nama, z.kode_desa, lp.latitude AS lat, lp.longitude AS lon,
                   1 AS jumlah, z.zona, CASE WHEN z.zona = 'merah' THEN 100.0 ELSE 0.0 END AS persen_merah
            FROM zona z JOIN laporan lp ON lp.minggu = z.minggu AND lp.kode_koperasi = z.kode_koperasi
            WHERE z.minggu = $minggu AND {syarat} AND lp.latitude IS NOT NULL AND lp.longitude IS NOT NULL""",
            {**param, "minggu": minggu}).df()
    return zona_per_anak(con, minggu, wilayah).merge(posisi_anak(con, minggu, wilayah), on="kode")


@tercakup("wilayah")
def posisi_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """Where titik_peta places each child area of a kecamatan or above: kode, lat, lon (mean of its
    koperasi's reported positions, else the reference's approximate position); an area with
    neither is left out. Apart from the zone counts, so a view that has them already (and draws
    the map only on request) can name the areas it cannot place without reading them twice."""
    minggu = _minggu(con, minggu)
    w = ref.cari(wilayah) if wilayah else None
    tingkat_anak = _TINGKAT_ANAK[w.tingkat if w else None]
    if _pakai_agregat(con, wilayah, anak=True):
        # exact sums of the kecamatan's exact sums (billionths of a degree): the same bits whether
        # one area or every area of its level is read, in whatever order DuckDB adds them
        def rata(kolom: str, n: str) -> str:
            return f"CAST(sum(CAST(round(a.{kolom} * 1e9) AS HUGEINT)) AS DOUBLE) / 1e9 / nullif(sum(a.{n}), 0)"

        sql = f"""SELECT left(a.kode_kecamatan, {_PANJANG_KODE[tingkat_anak]}) AS kode, {rata("lat_jumlah", "lat_n")} AS lat_lapor,
                         {rata("lon_jumlah", "lon_n")} AS lon_lapor
                  FROM agregat_laporan a WHERE a.minggu = $minggu AND {{saring}} GROUP BY 1 HAVING sum(a.lat_n) > 0"""
        memo = _semua_wilayah("posisi_anak", tingkat_anak, minggu) if w is not None else None
        if memo is not None:
            def semua() -> _Potongan:
                t = ref.tabel()
                df = _tempatkan(con.execute(sql.format(saring="TRUE"), {"minggu": minggu}).df(),
                                t[t["tingkat"] == tingkat_anak])
                return _Potongan.dari(df.assign(_w=df["kode"].str[:len(w.kode)]))
            return _sekali(memo, semua).ambil(w.kode)
        syarat, param = _saring_agregat(wilayah)
        posisi = con.execute(sql.format(saring=syarat), {**param, "minggu": minggu}).df()
    else:
        syarat, param = saring_wilayah(wilayah)
        posisi = con.execute(f"""
            SELECT {_KOLOM_TINGKAT[tingkat_anak]} AS kode, avg(latitude) AS lat_lapor, avg(longitude) AS lon_lapor
            FROM laporan WHERE minggu = $minggu AND {syarat} AND latitude IS NOT NULL GROUP BY 1""",
            {**param, "minggu": minggu}).df()
    return _tempatkan(posisi, ref.anak(w.kode if w else None))


def _tempatkan(posisi: pd.DataFrame, anak: pd.DataFrame) -> pd.DataFrame:
    """kode, lat, lon of the reference's areas `anak` and of any area with reported positions
    (`posisi`: kode, lat_lapor, lon_lapor), in code order: the reported mean, else the reference's
    approximate position; an area with neither is left out."""
    df = anak[["kode"]].merge(posisi, on="kode", how="outer")
    cadangan = _posisi_referensi().reindex(df["kode"])  # not a merge with 90 k areas: ≈ 40 ms (measured)
    df["lat"] = df["lat_lapor"].fillna(pd.Series(cadangan["lat"].to_numpy(), index=df.index))
    df["lon"] = df["lon_lapor"].fillna(pd.Series(cadangan["lon"].to_numpy(), index=df.index))
    return df[["kode", "lat", "lon"]].dropna(subset=["lat", "lon"]).reset_index(drop=True)


# ---------------------------------------------------------------- one koperasi

@tercakup("koperasi")
def cari_koperasi(con: duckdb.DuckDBPyConnection, teks: str, batas: int = 20, *,
                  cakupan: str | None = None) -> pd.DataFrame:
    """Koperasi whose code or name contains `teks` (latest report) and whose latest desa lies in
    the scope: kode_koperasi, nama_koperasi, kode_desa."""
    syarat, param = _syarat_cakupan(cakupan, "arg_max(kode_desa, minggu)")
    return con.execute(f"""
        SELECT kode_koperasi, arg_max(nama_koperasi, minggu) AS nama_koperasi, arg_max(kode_desa, minggu) AS kode_desa
        FROM laporan WHERE kode_koperasi ILIKE $pola OR nama_koperasi ILIKE $pola
        GROUP BY 1 HAVING {syarat} ORDER BY 1 LIMIT $batas""", {**param, "pola": f"%{teks}%", "batas": batas}).df()


def _periksa_koperasi(con, kode_koperasi: str, cakupan: str | None) -> None:
    """AksesDitolak when the koperasi's latest desa lies outside the scope (or it is unknown:
    the sentence is the same, so a scope learns nothing about koperasi elsewhere)."""
    if cakupan is None:
        return
    r = con.execute("SELECT arg_max(kode_desa, minggu) FROM laporan WHERE kode_koperasi = ?",
                    [kode_koperasi]).fetchall()
    if not r or r[0][0] is None or not akses.di_dalam(r[0][0], cakupan):
        raise akses.AksesDitolak(akses.kalimat_di_luar(None, cakupan, apa=f"Koperasi {kode_koperasi}"))


@tercakup("koperasi")
def koperasi_di_desa(con: duckdb.DuckDBPyConnection, kode_desa: str, minggu: date | None = None, *,
                     cakupan: str | None = None) -> pd.DataFrame:
    """The koperasi of one desa with this week's zone (normally one)."""
    if not akses.di_dalam(ref.cari(kode_desa).kode, cakupan):
        raise akses.AksesDitolak(akses.kalimat_di_luar(ref.cari(kode_desa).kode, cakupan))
    minggu = _minggu(con, minggu)
    return con.execute(f"""
        SELECT {_kolom_daftar()}
        FROM zona k LEFT JOIN laporan lp ON lp.minggu = k.minggu AND lp.kode_koperasi = k.kode_koperasi
        LEFT JOIN wilayah wd ON wd.kode = k.kode_desa LEFT JOIN wilayah wk ON wk.kode = k.kode_kabupaten
        WHERE k.minggu = $minggu AND k.kode_desa = $desa ORDER BY k.kode_koperasi""",
        {"minggu": minggu, "desa": ref.cari(kode_desa).kode}).df()


@tercakup("koperasi")
def riwayat_koperasi(con: duckdb.DuckDBPyConnection, kode_koperasi: str, *, cakupan: str | None = None) -> pd.DataFrame:
    """Zone and pillar scores of one koperasi over every loaded week."""
    _periksa_koperasi(con, kode_koperasi, cakupan)
    skor = ", ".join(f"skor_{p}" for p in PILAR)
    return con.execute(f"""SELECT minggu, zona, skor_total, {skor}, pilar_terlemah, alasan[1].teks AS alasan_utama
                           FROM zona WHERE kode_koperasi = ? ORDER BY minggu""", [kode_koperasi]).df()


@tercakup("koperasi")
def laporan_koperasi(con: duckdb.DuckDBPyConnection, kode_koperasi: str, minggu: date | None = None, *,
                     cakupan: str | None = None) -> dict | None:
    """The latest report of a koperasi up to `minggu` (all contract columns + area names), or None."""
    _periksa_koperasi(con, kode_koperasi, cakupan)
    minggu = _minggu(con, minggu)
    df = con.execute("""
        SELECT l.*, wd.nama AS nama_desa, wc.nama AS nama_kecamatan, wk.nama AS nama_kabupaten, wp.nama AS nama_provinsi
        FROM laporan l
        LEFT JOIN wilayah wd ON wd.kode = l.kode_desa LEFT JOIN wilayah wc ON wc.kode = l.kode_kecamatan
        LEFT JOIN wilayah wk ON wk.kode = l.kode_kabupaten LEFT JOIN wilayah wp ON wp.kode = l.kode_provinsi
        WHERE l.kode_koperasi = ? AND l.minggu <= ? ORDER BY l.minggu DESC LIMIT 1""",
        [kode_koperasi, minggu]).df()
    return None if df.empty else df.iloc[0].to_dict()


@tercakup("koperasi")
def penjelasan_koperasi(con: duckdb.DuckDBPyConnection, kode_koperasi: str, minggu: date | None = None, *,
                        cakupan: str | None = None) -> dict:
    """Why a koperasi is in its zone this week: zone, pillar scores, reasons worst first, what it
    would take (as the rules engine stored them). Without a zone that week, `zona` is None."""
    _periksa_koperasi(con, kode_koperasi, cakupan)
    minggu = _minggu(con, minggu)
    df = con.execute("""SELECT * FROM zona WHERE kode_koperasi = $k AND minggu = $m""",
                     {"k": kode_koperasi, "m": minggu}).df()
    if df.empty:
        return {"kode_koperasi": kode_koperasi, "minggu": minggu, "zona": None, "alasan": [],
                "langkah_berikut": "belum ada penilaian untuk minggu ini", "skor_pilar": {}}
    r = df.iloc[0]

    def angka(v):
        return None if v is None or pd.isna(v) else float(v)

    alasan = [dict(a) for a in (r["alasan"] if r["alasan"] is not None else [])]
    for a in alasan:
        a["poin_hilang"] = angka(a.get("poin_hilang"))
    return {
        "kode_koperasi": kode_koperasi,
        "minggu": minggu,
        "zona": r["zona"],
        "skor_total": angka(r["skor_total"]),
        "skor_pilar": {n: angka(r[f"skor_{n}"]) for n in PILAR},
        "pilar_terlemah": None if pd.isna(r["pilar_terlemah"]) else r["pilar_terlemah"],
        "gerbang": list(r["gerbang"]) if r["gerbang"] is not None else [],
        "alasan": alasan,
        "langkah_berikut": None if pd.isna(r["langkah_berikut"]) else r["langkah_berikut"],
        "minggu_di_zona": int(r["minggu_di_zona"]) if not pd.isna(r["minggu_di_zona"]) else None,
        "versi_aturan": r["versi_aturan"],
    }


# ---------------------------------------------------------------- intervention list
# Filters are declared as data (datasette's TemplatedFilter): each yields a SQL condition on
# this week's zone row `k`, last week's `l` and the report `lp`, and a human sentence for the
# export's keterangan sheet. Values always travel as parameters.


@dataclass(frozen=True)
class Saringan:
    kunci: str       # URL parameter and SQL parameter name
    label: str       # widget label
    sql: str         # condition; the value is the parameter ${kunci}
    kalimat: str     # human form, {nilai} is the value
    # a value with a condition of its own on last week's row `l` too (joined for it, the week $lalu)
    sql_minggu_lalu: dict[str, str] = field(default_factory=dict)


# Merah this week, not merah last week (kuning, hijau, or grey: a silent week is not merah) and not
# baru merah (the engine's flag: so merah in one of the earlier zoned weeks it looks at): kembali
# merah, the meeting's fourth movement (kdkmp.rapat.definisi_pergerakan), on `k` and last week's `l`
# (the week $lalu). Without a week before, every merah is baru merah: none is kembali.
SYARAT_KEMBALI_MERAH = ("($lalu IS NOT NULL AND k.zona = 'merah' AND k.pergerakan IS DISTINCT FROM 'baru_merah' "
                        "AND l.zona IS DISTINCT FROM 'merah')")


SARINGAN = (
    Saringan("zona", "Zona", "k.zona = $zona", "zona {nilai}"),
    Saringan("pilar", "Pilar terlemah", "k.pilar_terlemah = $pilar", "pilar terlemah {nilai}"),
    Saringan("alasan", "Gerbang atau cek yang gagal",
             "list_contains(list_transform(k.alasan, lambda a: a.id), $alasan)", "alasan {nilai}"),
    Saringan("kendala", "Kendala utama", "lp.kendala_utama = $kendala", "kendala utama {nilai}"),
    Saringan("tahap", "Tahap pembangunan", "lp.tahap_pembangunan = $tahap", "tahap pembangunan {nilai}"),
    Saringan("min_minggu", "Minggu di zona ini (≥)", "k.minggu_di_zona >= CAST($min_minggu AS INTEGER)",
             "sudah {nilai} minggu atau lebih di zona ini"),
    Saringan("gerak", "Pergerakan minggu ini", "k.pergerakan = $gerak", "{nilai} minggu ini",
             {"kembali_merah": SYARAT_KEMBALI_MERAH}),
    Saringan("stagnan", "Konstruksi stagnan", "list_contains(k.gerbang, $id_stagnan)",
             "konstruksi stagnan"),
)
SARINGAN_PER_KUNCI = {s.kunci: s for s in SARINGAN}
# Flags: present or absent, no value of their own.
SARINGAN_BENDERA = ("stagnan",)
ID_GERBANG_STAGNAN = "konstruksi_stagnan"

KOLOM_INTERVENSI = {  # in the order shown and exported: who, why, what it takes, then where and what
    "kode_koperasi": "Kode koperasi", "nama_koperasi": "Nama koperasi", "zona": "Zona",
    "alasan_utama": "Alasan utama", "langkah_berikut": "Yang dibutuhkan", "minggu_di_zona": "Minggu di zona",
    "skor_total": "Skor total", "pilar_terlemah": "Pilar terlemah", "provinsi": "Provinsi",
    "kode_provinsi": "Kode provinsi", "kabupaten": "Kabupaten/kota", "kode_kabupaten": "Kode kabupaten/kota",
    "kecamatan": "Kecamatan", "kode_kecamatan": "Kode kecamatan", "desa": "Desa/kelurahan",
    "kode_desa": "Kode desa/kelurahan",
    "kendala_utama": "Kendala utama", "tahap_pembangunan": "Tahap pembangunan", "progres_fisik": "Progres fisik (%)",
    "laporan_terakhir": "Laporan BA terakhir",
}


@tercakup("wilayah")
def daftar_intervensi(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None,
                      saringan: tuple[tuple[str, str], ...] = (("zona", "merah"),)) -> pd.DataFrame:
    """Koperasi matching every filter, by priority: gates first, then longest in the zone, then
    lowest score. `saringan` is ((kunci, nilai), …) with keys from SARINGAN. Every area name has
    its Kemendagri code beside it (kode_provinsi … kode_desa), so an office can join the export
    with its own lists."""
    minggu = _minggu(con, minggu)
    syarat_wilayah, param = saring_wilayah(wilayah, "k")
    syarat = [syarat_wilayah]
    minggu_lalu = ""
    for kunci, nilai in saringan:
        s = SARINGAN_PER_KUNCI[kunci]
        if nilai in s.sql_minggu_lalu:
            syarat.append(s.sql_minggu_lalu[nilai])
            # a week without one before: no row, NULL
            minggu_lalu = "LEFT JOIN zona l ON l.kode_koperasi = k.kode_koperasi AND l.minggu = $lalu"
            param["lalu"] = minggu_sebelumnya(con, minggu)
            continue
        syarat.append(s.sql)
        if kunci == "stagnan":
            param["id_stagnan"] = ID_GERBANG_STAGNAN
        elif kunci not in SARINGAN_BENDERA:
            param[kunci] = nilai
    return con.execute(f"""
        SELECT k.kode_koperasi, k.nama_koperasi, k.zona, k.alasan[1].teks AS alasan_utama, k.langkah_berikut,
               k.minggu_di_zona, round(k.skor_total, 1) AS skor_total, k.pilar_terlemah,
               wp.nama AS provinsi, k.kode_provinsi, wk.nama AS kabupaten, k.kode_kabupaten,
               wc.nama AS kecamatan, k.kode_kecamatan, wd.nama AS desa, k.kode_desa,
               lp.kendala_utama, lp.tahap_pembangunan, lp.progres_fisik, lp.laporan_terakhir
        FROM zona k
        LEFT JOIN laporan lp ON lp.minggu = k.minggu AND lp.kode_koperasi = k.kode_koperasi
        LEFT JOIN wilayah wp ON wp.kode = k.kode_provinsi LEFT JOIN wilayah wk ON wk.kode = k.kode_kabupaten
        LEFT JOIN wilayah wc ON wc.kode = k.kode_kecamatan LEFT JOIN wilayah wd ON wd.kode = k.kode_desa
        {minggu_lalu}
        WHERE k.minggu = $minggu AND {" AND ".join(syarat)}
        ORDER BY len(k.gerbang) > 0 DESC, k.minggu_di_zona DESC, k.skor_total ASC NULLS FIRST, k.kode_koperasi""",
        {**param, "minggu": minggu}).df()


def kalimat_saringan(wilayah: str | None, saringan: tuple[tuple[str, str], ...]) -> str:
    """The filters as one Indonesian sentence for the export's keterangan sheet."""
    bagian = [f"wilayah {ref.cari(wilayah).label}" if wilayah else "seluruh Indonesia"]
    bagian += [SARINGAN_PER_KUNCI[k].kalimat.format(nilai=str(v).replace("_", " ")) for k, v in saringan]
    return "; ".join(bagian)


# ---------------------------------------------------------------- data completeness

@tercakup("wilayah")
def kelengkapan_wilayah(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None,
                        tingkat: str = "kabupaten") -> pd.DataFrame:
    """Per kabupaten/kota or kecamatan: desa expected (reference), reports received this week,
    missing, rate (%). Lowest rate first, silent areas (no report at all) on top."""
    minggu = _minggu(con, minggu)
    panjang = _PANJANG_KODE[tingkat]
    awalan = ref.cari(wilayah).kode if wilayah else ""
    if panjang <= _PANJANG_KODE["kecamatan"] and _pakai_agregat(con, wilayah):
        syarat, param = _saring_agregat(wilayah)
        lapor = f"""SELECT left(a.kode_kecamatan, $panjang) AS kode, CAST(sum(a.jumlah) AS BIGINT) AS melapor FROM agregat_laporan a
                    WHERE a.minggu = $minggu AND {syarat} GROUP BY 1"""
    else:
        syarat, param = saring_wilayah(wilayah, "l")
        lapor = f"""SELECT left(l.kode_desa, $panjang) AS kode, count(*) AS melapor FROM laporan l
                    WHERE l.minggu = $minggu AND {syarat} GROUP BY 1"""
    df = con.execute(f"""
        WITH harap AS (SELECT left(kode, $panjang) AS kode, count(*) AS diharapkan FROM wilayah
                       WHERE tingkat = 'desa' AND starts_with(kode, $awalan) GROUP BY 1),
        lapor AS ({lapor})
        SELECT h.kode, w.nama, wp.nama AS provinsi, h.diharapkan, coalesce(lapor.melapor, 0) AS melapor
        FROM harap h JOIN wilayah w ON w.kode = h.kode LEFT JOIN wilayah wp ON wp.kode = left(h.kode, 2)
        LEFT JOIN lapor ON lapor.kode = h.kode""",
        {**param, "minggu": minggu, "panjang": panjang, "awalan": awalan}).df()
    df["kurang"] = df["diharapkan"] - df["melapor"]
    df["tingkat_lapor"] = (100 * df["melapor"] / df["diharapkan"]).round(1)
    return df.sort_values(["tingkat_lapor", "kurang"], ascending=[True, False]).reset_index(drop=True)


@tercakup("wilayah")
def koperasi_tanpa_laporan(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None,
                           min_minggu: int = 2) -> pd.DataFrame:
    """Koperasi known by `minggu` with no report in its last `min_minggu` weeks, longest silent first."""
    minggu = _minggu(con, minggu)
    syarat, param = saring_wilayah(wilayah, "z")
    # Only the silent few go through the history: 0.11 s nationally instead of 0.28 s (measured).
    return con.execute(f"""
        WITH diam AS (
            SELECT z.kode_koperasi, z.nama_koperasi, z.kode_desa FROM zona z
            WHERE z.minggu = $minggu AND {syarat} AND z.kode_koperasi NOT IN (
                SELECT kode_koperasi FROM laporan
                WHERE minggu > $minggu - INTERVAL (7 * $min_minggu) DAY AND minggu <= $minggu))
        SELECT d.kode_koperasi, d.nama_koperasi, d.kode_desa, max(l.minggu) AS minggu_lapor_terakhir,
               CAST(date_diff('day', max(l.minggu), $minggu) / 7 AS INTEGER) AS minggu_tanpa_laporan
        FROM diam d JOIN laporan l ON l.kode_koperasi = d.kode_koperasi AND l.minggu <= $minggu
        GROUP BY ALL ORDER BY minggu_lapor_terakhir, 1""",
        {**param, "minggu": minggu, "min_minggu": min_minggu}).df()


@tercakup("nasional")
def penolakan_per_batch(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load with its counts and the most common rejection reason."""
    return con.execute("""
        SELECT b.batch_id, b.minggu, b.nama_file, b.dimuat_pada, b.dimuat_oleh, b.status, b.baris_dibaca,
               b.baris_dimuat, b.baris_ditolak, round(100.0 * b.baris_ditolak / nullif(b.baris_dibaca, 0), 1) AS persen_ditolak,
               (SELECT mode(p.alasan) FROM penolakan p WHERE p.batch_id = b.batch_id) AS alasan_tersering,
               b.sha256, b.versi_aturan
        FROM batch b ORDER BY b.batch_id DESC""").df()


@tercakup("koperasi")
def riwayat_muat_wilayah(con: duckdb.DuckDBPyConnection, cakupan: str | None = None) -> pd.DataFrame:
    """The loads that made the area's weeks, newest first: those made for the area or inside it,
    and a national (or wider) file whose rows still stand for it: batch_id, minggu, wilayah,
    nama_file, dimuat_pada, dimuat_oleh, status, baris_dibaca, baris_dimuat, baris_ditolak (the
    file's counts) and baris_wilayah (its reports of the area now). Counts only: the rejected
    cells stay national."""
    # a database from before loads by area has no batch.wilayah until its next load: every load national
    wilayah = store.kolom_atau_null(con, "batch", "wilayah", "b")
    return con.execute(f"""
        WITH di_wilayah AS (SELECT batch_id, count(*) AS baris_wilayah FROM laporan
                            WHERE $c IS NULL OR starts_with(kode_desa, $c || '.') GROUP BY 1)
        SELECT b.batch_id, b.minggu, {wilayah} AS wilayah, b.nama_file, b.dimuat_pada, b.dimuat_oleh, b.status,
               b.baris_dibaca, b.baris_dimuat, b.baris_ditolak, coalesce(d.baris_wilayah, 0) AS baris_wilayah
        FROM batch b LEFT JOIN di_wilayah d USING (batch_id)
        WHERE $c IS NULL OR d.batch_id IS NOT NULL OR {wilayah} = $c OR starts_with({wilayah}, $c || '.')
        ORDER BY b.batch_id DESC""", {"c": cakupan}).df()


@tercakup("nasional")
def rincian_penolakan(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """The rejected rows of one batch: baris, kolom, nilai, alasan."""
    return con.execute("SELECT baris, kolom, nilai, alasan FROM penolakan WHERE batch_id = ? ORDER BY baris, kolom",
                       [batch_id]).df()


@tercakup("agregat")
def tingkat_lapor_provinsi(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Reporting rate per province per loaded week (%): kode, nama, minggu, melapor, diharapkan, tingkat_lapor."""
    return con.execute("""
        WITH harap AS (SELECT left(kode, 2) AS kode, count(*) AS diharapkan FROM wilayah WHERE tingkat = 'desa' GROUP BY 1),
        lapor AS (SELECT minggu, kode_provinsi AS kode, count(*) AS melapor FROM laporan GROUP BY 1, 2),
        minggu AS (SELECT DISTINCT minggu FROM batch WHERE status = 'aktif')
        SELECT h.kode, w.nama, m.minggu, coalesce(l.melapor, 0) AS melapor, h.diharapkan,
               round(100.0 * coalesce(l.melapor, 0) / h.diharapkan, 1) AS tingkat_lapor
        FROM harap h CROSS JOIN minggu m JOIN wilayah w ON w.kode = h.kode
        LEFT JOIN lapor l ON l.kode = h.kode AND l.minggu = m.minggu
        ORDER BY h.kode, m.minggu""").df()


def _ada_tabel(con: duckdb.DuckDBPyConnection, nama: str) -> bool:
    # a database written before withdrawals existed has no riwayat_minggu until its next write
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [nama]).fetchall()[0][0])


@tercakup("nasional")
def minggu_dan_penarikan(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per loaded week (its active batches together, as a withdrawal takes them) and one
    per withdrawal of a week still withdrawn, newest week first: minggu, status ('aktif' |
    'ditarik'), batch_id (the newest), batch (all, oldest first), jumlah_file, nama_file (the
    newest batch's), baris (rows now in laporan, or archived by that withdrawal), dimuat_pada,
    dimuat_oleh (the newest batch's), and for a withdrawal ditarik_pada, ditarik_oleh, alasan."""
    tarik = ("""(SELECT batch_id, max(pada) AS ditarik_pada, arg_max(oleh, pada) AS ditarik_oleh,
                        arg_max(alasan, pada) AS alasan
                 FROM riwayat_minggu WHERE aksi = 'tarik' GROUP BY batch_id)"""
             if _ada_tabel(con, "riwayat_minggu") else
             "(SELECT NULL::INTEGER AS batch_id, NULL::TIMESTAMP AS ditarik_pada, NULL AS ditarik_oleh, NULL AS alasan)")
    # batches withdrawn together share their 'tarik' moment: that moment is one withdrawal
    return con.execute(f"""
        WITH b AS (
            SELECT b.minggu, b.batch_id, b.status, b.nama_file, b.dimuat_pada, b.dimuat_oleh,
                   CASE WHEN b.status = 'ditarik' THEN t.ditarik_pada END AS ditarik_pada,
                   CASE WHEN b.status = 'ditarik' THEN t.ditarik_oleh END AS ditarik_oleh,
                   CASE WHEN b.status = 'ditarik' THEN t.alasan END AS alasan,
                   CASE WHEN b.status = 'aktif'
                        THEN (SELECT count(*) FROM laporan l WHERE l.minggu = b.minggu AND l.batch_id = b.batch_id)
                        ELSE (SELECT count(*) FROM laporan_ditarik d WHERE d.batch_id = b.batch_id) END AS baris
            FROM batch b LEFT JOIN {tarik} t USING (batch_id)
            WHERE b.status IN ('aktif', 'ditarik'))
        SELECT minggu, status, max(batch_id) AS batch_id, list(batch_id ORDER BY batch_id) AS batch,
               count(*) AS jumlah_file, arg_max(nama_file, batch_id) AS nama_file, sum(baris)::BIGINT AS baris,
               arg_max(dimuat_pada, batch_id) AS dimuat_pada, arg_max(dimuat_oleh, batch_id) AS dimuat_oleh,
               any_value(ditarik_pada) AS ditarik_pada, arg_max(ditarik_oleh, batch_id) AS ditarik_oleh,
               arg_max(alasan, batch_id) AS alasan
        FROM b GROUP BY minggu, status, ditarik_pada
        ORDER BY minggu DESC, batch_id DESC""").df()


@tercakup("nasional")
def riwayat_penarikan(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The audit trail of withdrawals and restores, newest first: pada, aksi, minggu, batch_id, oleh, alasan."""
    if not _ada_tabel(con, "riwayat_minggu"):
        return pd.DataFrame({"pada": pd.Series(dtype="datetime64[us]"), "aksi": pd.Series(dtype="str"),
                             "minggu": pd.Series(dtype="datetime64[us]"), "batch_id": pd.Series(dtype="int64"),
                             "oleh": pd.Series(dtype="str"), "alasan": pd.Series(dtype="str")})
    return con.execute("""SELECT pada, aksi, minggu, batch_id, oleh, alasan FROM riwayat_minggu
                          ORDER BY pada DESC, batch_id DESC""").df()


@tercakup("nasional")
def bagaimana_jika(con: duckdb.DuckDBPyConnection, teks_yaml: str, minggu: date | None = None):
    """Zones of a week under candidate rules, without writing (rules.bagaimana_jika)."""
    from kdkmp import rules

    return rules.bagaimana_jika(con, teks_yaml, _minggu(con, minggu))


# ---------------------------------------------------------------- the weekly meeting (kdkmp.rapat)

@tercakup("wilayah")
def merah_minggu_lalu(con: duckdb.DuckDBPyConnection, minggu: date | None = None,
                      wilayah: str | None = None) -> pd.DataFrame:
    """Last week's merah koperasi of the area (as masih_merah counts them) and where each is now:
    kode_koperasi, nama_koperasi, desa, kecamatan, kabupaten, minggu_merah_lalu (its weeks in merah
    last week), zona and minggu_di_zona now, melapor (a report this week), bergerbang, skor_total,
    alasan (this week's reason texts, worst first), langkah_berikut. Empty without a week before."""
    minggu = _minggu(con, minggu)
    lalu = minggu_sebelumnya(con, minggu)
    syarat, param = saring_wilayah(wilayah, "l")
    # the area is last week's (as masih_merah); names are this week's, where the koperasi is now
    return con.execute(f"""
        SELECT l.kode_koperasi, coalesce(k.nama_koperasi, l.nama_koperasi) AS nama_koperasi, wd.nama AS desa,
               wc.nama AS kecamatan, wk.nama AS kabupaten, l.minggu_di_zona AS minggu_merah_lalu, k.zona,
               k.minggu_di_zona, lp.kode_koperasi IS NOT NULL AS melapor, coalesce(len(k.gerbang), 0) > 0 AS bergerbang,
               round(k.skor_total, 1) AS skor_total, list_transform(k.alasan, lambda a: a.teks) AS alasan,
               k.langkah_berikut
        FROM zona l
        LEFT JOIN zona k ON k.kode_koperasi = l.kode_koperasi AND k.minggu = $minggu
        LEFT JOIN laporan lp ON lp.minggu = $minggu AND lp.kode_koperasi = l.kode_koperasi
        LEFT JOIN wilayah wd ON wd.kode = coalesce(k.kode_desa, l.kode_desa)
        LEFT JOIN wilayah wc ON wc.kode = coalesce(k.kode_kecamatan, l.kode_kecamatan)
        LEFT JOIN wilayah wk ON wk.kode = coalesce(k.kode_kabupaten, l.kode_kabupaten)
        WHERE l.minggu = $lalu AND l.zona = 'merah' AND {syarat}
        ORDER BY l.kode_koperasi""", {**param, "minggu": minggu, "lalu": lalu}).df()


@tercakup("agregat")
def kendala_per_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None,
                     wilayah: str | None = None) -> pd.DataFrame:
    """The main bottleneck of this week's reports per child area: kode (the child), kendala_utama,
    jumlah; every reporting koperasi, as summary's kendala_utama counts them."""
    minggu = _minggu(con, minggu)
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]
    if _pakai_agregat(con, wilayah, anak=True):
        syarat, param = _saring_agregat(wilayah)
        return con.execute(f"""
            SELECT kode, kendala_utama, CAST(sum(jumlah) AS BIGINT) AS jumlah
            FROM (SELECT left(a.kode_kecamatan, {_PANJANG_KODE[tingkat_anak]}) AS kode,
                         {_urai("kendala", kontrak.KOLOM_PER_NAMA["kendala_utama"].nilai, "kendala_utama")}
                  FROM agregat_laporan a WHERE a.minggu = $minggu AND {syarat})
            GROUP BY 1, 2 HAVING sum(jumlah) > 0 ORDER BY 1, 2""", {**param, "minggu": minggu}).df()
    syarat, param = saring_wilayah(wilayah)
    return con.execute(f"""
        SELECT {_KOLOM_TINGKAT[tingkat_anak]} AS kode, kendala_utama, count(*) AS jumlah
        FROM laporan WHERE minggu = $minggu AND {syarat} GROUP BY 1, 2 ORDER BY 1, 2""",
        {**param, "minggu": minggu}).df()
# ---------------------------------------------------------------- follow-up actions (issue 13)
# The actions live in the state store (kdkmp.catatan), never in this file; kdkmp.tindaklanjut
# joins them to these frames in pandas, or hands them in as a registered DataFrame.

@tercakup("nasional")
def koperasi_dikenal(con: duckdb.DuckDBPyConnection, kode_koperasi: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Which of these codes the weekly data knows, with the koperasi's name and latest desa (as of
    the newest week): kode_koperasi, nama_koperasi, kode_desa. For the write side (recording and
    importing actions), which applies the user's scope to each row itself."""
    kode = pd.DataFrame({"kode_koperasi": pd.Series(list(dict.fromkeys(kode_koperasi)), dtype="str")})
    minggu = minggu_terakhir(con)
    if minggu is None or kode.empty:
        return pd.DataFrame({"kode_koperasi": pd.Series(dtype="str"), "nama_koperasi": pd.Series(dtype="str"),
                             "kode_desa": pd.Series(dtype="str")})
    con.register("_kode_dicari", kode)
    try:
        return con.execute("""SELECT z.kode_koperasi, z.nama_koperasi, z.kode_desa FROM zona z
                              WHERE z.minggu = ? AND z.kode_koperasi IN (SELECT kode_koperasi FROM _kode_dicari)""",
                           [minggu]).df()
    finally:
        con.unregister("_kode_dicari")


@tercakup("wilayah")
def keluar_merah_setelah(con: duckdb.DuckDBPyConnection, mulai: pd.DataFrame, wilayah: str | None = None,
                         jendela: tuple[int, ...] = (4, 8)) -> pd.DataFrame:
    """Did koperasi leave merah after an action? One row per koperasi of two groups in the area:

    - 'dengan': koperasi with an action (`mulai`: kode_koperasi, mulai = the action's start date)
      that were merah in the zone week of that start (the latest loaded week on or before it);
      the first such action counts;
    - 'tanpa': koperasi that never had an action, merah in one of those same start weeks; the
      first such week counts.

    Columns: kelompok, kode_koperasi, kode_desa, minggu_awal, and per N in `jendela`: teramati_N
    (N weeks of data after minggu_awal are loaded) and keluar_N (hijau or kuning in one of the N
    weeks after minggu_awal; tidak_melapor is not leaving merah)."""
    syarat, param = saring_wilayah(wilayah, "z")
    aksi = pd.DataFrame({"kode_koperasi": mulai["kode_koperasi"].astype("str"),
                         "mulai": pd.to_datetime(mulai["mulai"]).astype("datetime64[us]")})
    per_jendela = []
    for n in jendela:
        n = int(n)
        per_jendela.append(f"(SELECT m FROM akhir) >= k.minggu_awal + INTERVAL {7 * n} DAY AS teramati_{n}")
        per_jendela.append(f"coalesce(bool_or(z.zona IN ('hijau', 'kuning') AND z.minggu <= k.minggu_awal "
                           f"+ INTERVAL {7 * n} DAY), false) AS keluar_{n}")
    terpanjang = 7 * max(int(n) for n in jendela)
    con.register("_mulai_tindakan", aksi)
    try:
        return con.execute(f"""
            WITH mg AS (SELECT DISTINCT minggu FROM batch WHERE status = 'aktif'),
            akhir AS (SELECT max(minggu) AS m FROM mg),
            awal AS (SELECT a.kode_koperasi, max(mg.minggu) AS minggu_awal
                     FROM _mulai_tindakan a JOIN mg ON mg.minggu <= CAST(a.mulai AS DATE)
                     GROUP BY a.kode_koperasi, a.mulai),
            dengan AS (SELECT 'dengan' AS kelompok, z.kode_koperasi, arg_min(z.kode_desa, z.minggu) AS kode_desa,
                              min(z.minggu) AS minggu_awal
                       FROM awal a JOIN zona z ON z.kode_koperasi = a.kode_koperasi AND z.minggu = a.minggu_awal
                       WHERE z.zona = 'merah' AND {syarat} GROUP BY z.kode_koperasi),
            s AS (SELECT DISTINCT minggu_awal FROM dengan),
            tanpa AS (SELECT 'tanpa' AS kelompok, z.kode_koperasi, arg_min(z.kode_desa, z.minggu) AS kode_desa,
                             min(z.minggu) AS minggu_awal
                      FROM zona z JOIN s ON z.minggu = s.minggu_awal
                      WHERE z.zona = 'merah' AND {syarat}
                        AND z.kode_koperasi NOT IN (SELECT kode_koperasi FROM _mulai_tindakan)
                      GROUP BY z.kode_koperasi),
            k AS (SELECT * FROM dengan UNION ALL SELECT * FROM tanpa)
            SELECT k.kelompok, k.kode_koperasi, k.kode_desa, k.minggu_awal, {", ".join(per_jendela)}
            FROM k LEFT JOIN zona z ON z.kode_koperasi = k.kode_koperasi AND z.minggu > k.minggu_awal
                 AND z.minggu <= k.minggu_awal + INTERVAL {terpanjang} DAY
            GROUP BY ALL ORDER BY k.kelompok, k.kode_koperasi""", param).df()
    finally:
        con.unregister("_mulai_tindakan")
