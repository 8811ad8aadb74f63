"""Scoring and storage: compile the rules, run them over `laporan`, write the zones.

The zones are stored once (`zona_inti` + `penjelasan`, read through the view `zona`), so every
page reads the same zone. A load of one week continues from the state the scoring of the week
before kept (`keadaan_skor`); anything else rescores every week at once; both give the same
rows. bagaimana_jika scores candidate rules on one week without writing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kdkmp.rules.kompilasi import (_TIPE_ALASAN, Cara, Kueri, _kompilasi, _minggu_keluar, _sql_nama_zona,
                                   _sql_penjelasan_ditahan, _sql_pilar_terlemah, _sql_zona_akhir)
from kdkmp.rules.model import PILAR, SEMUA_ZONA, TIDAK_MELAPOR, ZONA, Aturan, muat_aturan_teks
# ---------------------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------------------

# `zona` is a VIEW with one row per (minggu, kode_koperasi): `zona_inti` holds the per-row
# values and the id of the row's explanation in `penjelasan`, where each distinct (gerbang,
# alasan, langkah_berikut) is stored once (~24 k for 2.2 M rows nationally). Writing the
# reasons list per row cost ≈ 1.5 s of a national rescoring (measured).
DDL_ZONA_INTI = """
CREATE TABLE IF NOT EXISTS zona_inti (
    minggu DATE NOT NULL,
    kode_koperasi VARCHAR NOT NULL,
    zona VARCHAR NOT NULL,
    skor_total DOUBLE,
    skor_kelembagaan DOUBLE,
    skor_legalitas_kepatuhan DOUBLE,
    skor_infrastruktur DOUBLE,
    skor_usaha DOUBLE,
    pilar_terlemah VARCHAR,
    id_penjelasan INTEGER,
    minggu_di_zona INTEGER,
    pergerakan VARCHAR,  -- 'baru_merah' | 'pulih' | 'merah_kronis' | NULL (see PERGERAKAN)
    versi_aturan VARCHAR,
    nama_koperasi VARCHAR,
    kode_desa VARCHAR
)"""
# `kunci` is the signature's struct as text (Kueri.ciri_struk), so that scoring one week reuses
# the ids of signatures already explained under the same rules (ids are never changed, only
# appended).
DDL_PENJELASAN = f"""
CREATE TABLE IF NOT EXISTS penjelasan (
    id INTEGER NOT NULL,
    versi_aturan VARCHAR NOT NULL,
    kunci VARCHAR NOT NULL,
    gerbang VARCHAR[],
    alasan {_TIPE_ALASAN}[],
    langkah_berikut VARCHAR
)"""
DDL_VIEW_ZONA = """
CREATE OR REPLACE VIEW zona AS
SELECT z.minggu, z.kode_koperasi, z.zona, z.skor_total, z.skor_kelembagaan, z.skor_legalitas_kepatuhan,
       z.skor_infrastruktur, z.skor_usaha, z.pilar_terlemah, p.gerbang, p.alasan, p.langkah_berikut,
       z.minggu_di_zona, z.pergerakan, z.versi_aturan, z.nama_koperasi, z.kode_desa, left(z.kode_desa, 8) AS kode_kecamatan,
       left(z.kode_desa, 5) AS kode_kabupaten, left(z.kode_desa, 2) AS kode_provinsi
FROM zona_inti z LEFT JOIN penjelasan p ON p.id = z.id_penjelasan"""
# Not declared as a PRIMARY KEY: the ART index added ≈ 2.7 s to a full rescoring (measured);
# every write deletes the weeks it rewrites first. The name and desa (from the koperasi's
# latest report) are copied in so that the dashboard filters areas and lists koperasi that
# did not report without another join; kecamatan, kabupaten and provinsi are prefixes of the
# desa code, taken in the view (storing them cost ≈ 0.3 s of a national rescoring, measured).
_KOLOM_INTI = ("minggu, kode_koperasi, zona, skor_total, skor_kelembagaan, skor_legalitas_kepatuhan, "
               "skor_infrastruktur, skor_usaha, pilar_terlemah, id_penjelasan, "
               "minggu_di_zona, pergerakan, versi_aturan, nama_koperasi, kode_desa")
_KOLOM_INTI_SET = {k.strip() for k in _KOLOM_INTI.split(",")}


# ---------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------

def _kolom_tabel(con, nama: str) -> set[str]:
    """The columns of a table of the current schema; empty when there is no such table."""
    return {r[0] for r in con.execute("""SELECT column_name FROM information_schema.columns
                                         WHERE table_schema = current_schema() AND table_name = $t""",
                                      {"t": nama}).fetchall()}


def _pastikan_tabel(con) -> bool:
    """Create zona_inti, penjelasan and the zona view; True when stored zones were dropped (or
    never existed), so that every week needs scoring."""
    jenis = dict(con.execute("""SELECT table_name, table_type FROM information_schema.tables
                                WHERE table_schema = current_schema()
                                  AND table_name IN ('zona', 'zona_inti')""").fetchall())
    kolom = _kolom_tabel(con, "zona_inti")
    # zona is derived data: an older layout (a physical zona table, or zona_inti with other
    # columns) is dropped and rebuilt by a rescoring of all weeks
    if jenis.get("zona") == "BASE TABLE":
        con.execute("DROP TABLE zona").fetchall()
    lama = "zona_inti" in jenis and kolom != _KOLOM_INTI_SET
    if lama:
        con.execute("DROP VIEW IF EXISTS zona").fetchall()
        con.execute("DROP TABLE zona_inti").fetchall()
    baru = "zona_inti" not in jenis or lama
    con.execute(DDL_ZONA_INTI).fetchall()
    con.execute(DDL_PENJELASAN).fetchall()
    con.execute(DDL_VIEW_ZONA).fetchall()
    con.execute("CREATE TABLE IF NOT EXISTS meta (kunci VARCHAR PRIMARY KEY, nilai VARCHAR)").fetchall()
    return baru


def _minggu_laporan(con) -> list[date]:
    return [r[0] for r in con.execute("SELECT DISTINCT minggu FROM laporan ORDER BY minggu").fetchall()]


def _simpan_versi(con, aturan: Aturan) -> None:
    con.execute("DELETE FROM meta WHERE kunci = 'versi_aturan'").fetchall()
    con.execute("INSERT INTO meta (kunci, nilai) VALUES ('versi_aturan', $v)", {"v": aturan.versi}).fetchall()


def skor(con, aturan: Aturan, minggu: date | None = None, *, koperasi: list[str] | None = None) -> None:
    """(Re)write zona for one week (and the weeks after it, whose look-back it feeds) or all weeks.
    `koperasi`: the only koperasi whose reports of `minggu` changed since it was scored (a load by
    area: those of the kabupaten it replaced and those of its file); only their zones and kept
    state of that week are rewritten, since a koperasi's zone depends on its own reports and state
    alone. The whole week is scored instead when it is not the latest, has no kept state under
    these rules yet (a new week: every known koperasi needs its zone), or none of them reports."""
    _skor(con, aturan, minggu, koperasi=koperasi)


def _skor(con, aturan: Aturan, minggu: date | None = None, *, langsung: bool = False,
          koperasi: list[str] | None = None) -> None:
    if not isinstance(aturan, Aturan):
        raise TypeError("skor() butuh Aturan yang sudah divalidasi (muat_aturan)")
    if _pastikan_tabel(con):
        minggu = None  # no stored zones to continue from: every week is scored
    semua = _minggu_laporan(con)
    if not semua:
        for t in ("zona_inti", "penjelasan"):
            con.execute(f"DELETE FROM {t}").fetchall()
        con.execute("DROP TABLE IF EXISTS keadaan_skor").fetchall()
        _simpan_versi(con, aturan)
        return
    if isinstance(minggu, pd.Timestamp):
        minggu = minggu.date()
    kueri = _kompilasi(aturan, Cara.LANJUT, langsung=langsung)
    ulang = [x for x in semua if minggu is not None and x >= minggu]
    # One week continues from the state the scoring of the loaded week before it kept; without
    # one (an earlier week changed, or another layout), every week is scored at once.
    sebelumnya = max((x for x in semua if minggu is not None and x < minggu), default=None)
    if not ulang or sebelumnya is None or not _keadaan_berlaku(con, sebelumnya, kueri.penanda):
        kueri = _kompilasi(aturan, Cara.SEMUA, langsung=langsung)
        con.execute("DELETE FROM zona_inti").fetchall()
        con.execute("DELETE FROM penjelasan").fetchall()  # rebuilt: no explanation outlives its rows
        _tulis(con, kueri, aturan, semua[0], semua[-1], semua[-2:])
    else:
        # A week is ~83 k rows, less than one row group: DuckDB runs its pipelines on one
        # thread anyway, and a second one only adds synchronisation (≈ 0.05 s, measured).
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        con.execute("SET threads = 1").fetchall()
        try:
            terbatas = koperasi is not None and _terbatas(con, koperasi, minggu, ulang, kueri.penanda)
            for w in ulang:
                hanya = " AND kode_koperasi IN (FROM _terbatas)" if terbatas else ""
                con.execute(f"DELETE FROM zona_inti WHERE minggu = $w{hanya}", {"w": w}).fetchall()
                _tulis(con, kueri, aturan, w, w, [w], terbatas=terbatas)
        finally:
            con.execute("DROP TABLE IF EXISTS temp._terbatas").fetchall()
            con.execute(f"SET threads = {int(threads)}").fetchall()
    if minggu is not None and minggu not in semua:  # a week that was emptied: nothing left to score
        con.execute("DELETE FROM zona_inti WHERE minggu = $w", {"w": minggu}).fetchall()
    _simpan_versi(con, aturan)


def _keadaan_berlaku(con, minggu: date, penanda: str) -> bool:
    """Whether `keadaan_skor` holds the state after `minggu` (the loaded week before the one
    to score) under the same rules and history definitions. Scoring keeps the states of the
    last two weeks it wrote (a rescoring of all weeks: the last two loaded weeks), so that a
    new week, and then corrected files for it, all continue from a kept state. Every scoring
    rewrites the states from its week on, in the same transaction as the zones, and a change to
    laporan is always followed by scoring the weeks from the changed one on: a kept state is
    never stale."""
    if not _keadaan_sejenis(con, penanda):
        return False
    r = con.execute("""SELECT minggu, penanda FROM keadaan_skor
                       WHERE minggu = (SELECT max(minggu) FROM keadaan_skor WHERE minggu <= $m) LIMIT 1""",
                    {"m": minggu}).fetchall()
    return bool(r) and r[0][0] == minggu and r[0][1] == penanda


def _terbatas(con, koperasi: list[str], minggu: date, ulang: list[date], penanda: str) -> bool:
    """Whether scoring `minggu` may rewrite only `koperasi` (see skor); if so they are in the temp
    table `_terbatas`. A koperasi missing from a scored week would lose its zone, and later weeks
    continue from this week's state: so only the latest week, already scored, qualifies."""
    if ulang != [minggu] or not _keadaan_berlaku(con, minggu, penanda):
        return False
    con.execute("CREATE OR REPLACE TEMP TABLE _terbatas AS SELECT DISTINCT unnest(CAST($k AS VARCHAR[])) AS kode_koperasi",
                {"k": list(koperasi)}).fetchall()
    # the scoring reads the weeks from `laporan`: without one of their reports it would see no week
    return con.execute("SELECT count(*) FROM laporan WHERE minggu = $w AND kode_koperasi IN (FROM _terbatas)",
                       {"w": minggu}).fetchall()[0][0] > 0


def _keadaan_sejenis(con, penanda: str) -> bool:
    """keadaan_skor exists and holds only states of this penanda (so the same columns)."""
    if not _kolom_tabel(con, "keadaan_skor"):
        return False
    return con.execute("SELECT count(*) FROM keadaan_skor WHERE penanda <> $p", {"p": penanda}).fetchall()[0][0] == 0


def _nama_sql(nama: str) -> str:
    return '"' + nama.replace('"', '""') + '"'


def _parameter(sql: str, param: dict) -> dict:
    """Only the parameters a statement names (DuckDB refuses unused named parameters)."""
    nama = set(re.findall(r"\$(\w+)", re.sub(r"'(?:[^']|'')*'", "''", sql)))
    return {k: v for k, v in param.items() if k in nama}


def _tulis(con, kueri: Kueri, aturan: Aturan, dari: date, sampai: date, simpan: list[date], *,
           terbatas: bool = False):
    """Score [dari, sampai] and write its zones; keep the state after each week in `simpan`.
    `terbatas` (one week): only the koperasi of the temp table `_terbatas`, whose old zones the
    caller has deleted."""
    p = {**kueri.param, "dari": dari, "sampai": sampai, "versi": aturan.versi, "simpan_dari": dari,
         "simpan_a": simpan[0], "simpan_b": simpan[-1]}
    semua = kueri.cara is Cara.SEMUA
    # identity columns: from `_kenal` for all weeks, in the rows for one week (see _kompilasi)
    gabung_kenal = "JOIN _kenal k ON k._ki = z._ki" if semua else ""
    try:
        if semua:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _kenal AS {kueri.kenal}", _parameter(kueri.kenal, p)).fetchall()
        # One week's zone is a function of its row and the kept state, not of its signature's
        # number: it is computed with the scores, and the writes join the number on (a table
        # of 83 k rows fewer, ≈ 0.04 s of scoring one week, measured).
        bawa = ("minggu", "skor_total", *(f"skor_{n}" for n in PILAR))
        if not semua:
            bawa += ("kode_koperasi", "_kode_desa", "_nama_koperasi", "_pertama",
                     *(k.replace("_k", "_s", 1) for k in kueri.kumulatif))
            bawa += tuple(c for c in kueri.ciri if c not in bawa)
        q = (f"CREATE OR REPLACE TEMP TABLE _hasil AS {kueri.sql}" if semua else
             f"CREATE OR REPLACE TEMP TABLE _hasil AS {_sql_zona_akhir(aturan.model, kueri.cara, f'({kueri.sql})', bawa)}")
        if terbatas:
            # the same statement over their reports and state only: temp views of the same names
            # come first in DuckDB's search path (a filter on the result is not pushed through the
            # FULL JOIN that finds who is known, measured: 0.19 s of CPU instead of 0.07)
            db, skema = (_nama_sql(x) for x in con.execute("SELECT current_database(), current_schema()").fetchall()[0])
            for t in ("laporan", "keadaan_skor"):
                con.execute(f"CREATE OR REPLACE TEMP VIEW {t} AS FROM {db}.{skema}.{t} "
                            "WHERE kode_koperasi IN (FROM _terbatas)").fetchall()
        try:
            con.execute(q, _parameter(q, p)).fetchall()
        finally:
            for t in ("laporan", "keadaan_skor") if terbatas else ():
                con.execute(f"DROP VIEW IF EXISTS temp.{t}").fetchall()
        # Signatures (Kueri.ciri) → their struct, whose text is the key; a few signatures may
        # share one (see _kompilasi). Keys already explained under these rules keep their number,
        # new ones are numbered on after the largest (ids are never changed, only appended). A
        # row's id is 4 × its key's number + the zone its history holds it in (0: none, see
        # _sql_penjelasan_ditahan), so the few held rows need no join of their own.
        ciri = ", ".join(f'"{c}"' for c in kueri.ciri)
        struk = kueri.ciri_struk.replace("{sumber}", f"(SELECT DISTINCT {ciri} FROM _hasil)")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _ciri_ada AS
                        SELECT *, hash({ciri}) AS _ciri_h, CAST(_ciri AS VARCHAR) AS _kunci FROM ({struk})""").fetchall()
        con.execute("""CREATE OR REPLACE TEMP TABLE _kunci_ada AS
                       SELECT c._kunci, c._ciri, j.dasar IS NULL AS _baru,
                              coalesce(j.dasar, (SELECT coalesce(max(id) // 4, 0) FROM penjelasan)
                                       + CAST(row_number() OVER (PARTITION BY j.dasar IS NULL ORDER BY c._kunci) AS INTEGER)) AS dasar
                       FROM (SELECT _kunci, any_value(_ciri) AS _ciri FROM _ciri_ada GROUP BY _kunci) c
                       LEFT JOIN (SELECT kunci, id // 4 AS dasar FROM penjelasan WHERE versi_aturan = $versi AND id % 4 = 0) j
                           ON j.kunci = c._kunci""",
                    {"versi": aturan.versi}).fetchall()
        q = ("INSERT INTO penjelasan (id, versi_aturan, kunci, gerbang, alasan, langkah_berikut) "
             "SELECT c.dasar * 4, $versi, j._kunci, j.gerbang, j.alasan, j.langkah_berikut FROM ("
             + kueri.jelas.replace("{sumber}", "(SELECT _kunci, _ciri FROM _kunci_ada WHERE _baru)")
             + ") j JOIN _kunci_ada c ON c._kunci = j._kunci")
        # a week's signatures are mostly explained already: planning this statement alone costs a
        # load ≈ 0.08 s (measured), so it runs only when there is something new to explain
        if con.execute("SELECT count(*) FROM _kunci_ada WHERE _baru").fetchall()[0][0]:
            con.execute(q, _parameter(q, p)).fetchall()
        # Rows find their signature's number by the hash of its columns, one integer, when no
        # two of the signatures present share a hash (as good as always): joining on the
        # columns themselves cost ≈ 0.3 s of CPU of a national rescoring (measured). Every row's
        # signature is among them, so the hash names it exactly. Otherwise on the columns, where
        # a NULL equals a NULL.
        if _hash_ciri_unik(con):
            sama = f"hash({', '.join(f'h.{chr(34)}{c}{chr(34)}' for c in kueri.ciri)}) = c._ciri_h"
        else:
            sama = " AND ".join(f'h."{c}" IS NOT DISTINCT FROM c."{c}"' for c in kueri.ciri)
        dengan_dasar = f"""(SELECT h.*, c.dasar FROM _hasil h
                            JOIN (SELECT *, dasar FROM _ciri_ada JOIN _kunci_ada USING (_kunci)) c ON {sama})"""
        if semua:
            # The zone over narrow rows, carrying what the writes below need (the signature's
            # number instead of the signature), so that nothing joins 2.2 M rows back: joining
            # _zona back to _hasil on (_ki, _ord) cost ≈ 0.5 s of a national rescoring, the same
            # windows over the wide rows ≈ 1 s (measured).
            sql_zona = _sql_zona_akhir(aturan.model, kueri.cara, dengan_dasar, bawa + ("dasar",))
            con.execute(f"CREATE OR REPLACE TEMP TABLE _zona AS {sql_zona}").fetchall()
            zona_tulis = zona_simpan = "_zona"
        else:
            zona_tulis, zona_simpan = dengan_dasar, "_hasil"
        nama_zona = _sql_nama_zona("z._rank_akhir")
        sumber_kolom = {"minggu": "z.minggu", "zona": nama_zona, "id_penjelasan": "z.dasar * 4 + coalesce(z._tahan, 0)",
                        "minggu_di_zona": "z.minggu_di_zona", "pergerakan": "z.pergerakan", "versi_aturan": "$versi",
                        "kode_koperasi": "kode_koperasi", "nama_koperasi": "_nama_koperasi", "kode_desa": "_kode_desa",
                        "pilar_terlemah": _sql_pilar_terlemah(aturan.model)}
        kolom = ", ".join(sumber_kolom.get(k.strip(), "z." + k.strip()) for k in _KOLOM_INTI.split(","))
        # All weeks: the rows come out of the windows koperasi by koperasi, so every row group
        # would hold every week and a read of one week would scan the whole table. The weeks kept
        # (the latest two, which the pages open first and a new week's movement compares with)
        # are written after the others, each on its own (reading the latest week nationally:
        # ≈ 0.2 → 0.16 s of CPU); a koperasi's other weeks stay together (its history 12 → 15 ms).
        # Sorting every row by week cost ≈ 1.8 s of CPU of a national rescoring (strings no
        # longer compress in runs) and made a koperasi's history 5× slower, measured.
        bagian = ([("z.minggu < $simpan_a", {"simpan_a": simpan[0]})]
                  + [("z.minggu = $w", {"w": w}) for w in sorted(set(simpan))] if semua else [("TRUE", {})])
        for syarat, nilai in bagian:
            con.execute(f"INSERT INTO zona_inti ({_KOLOM_INTI}) SELECT {kolom} FROM {zona_tulis} z {gabung_kenal} "
                        f"WHERE {syarat}", {"versi": aturan.versi, **nilai}).fetchall()
        ditahan = """(SELECT v.id, v.id // 4 * 4 AS dasar, v.id % 4 AS _tahan, (c._ciri._bit0 & 1) <> 0 AS _melapor,
                              c._ciri._rank_mentah AS _rank_mentah
                       FROM (SELECT DISTINCT id_penjelasan AS id FROM zona_inti
                             WHERE minggu BETWEEN $dari AND $sampai AND id_penjelasan % 4 <> 0
                             EXCEPT SELECT id FROM penjelasan) v
                       JOIN _kunci_ada c ON c.dasar = v.id // 4)"""
        q = f"INSERT INTO penjelasan BY NAME {_sql_penjelasan_ditahan(aturan.model, ditahan)}"
        con.execute(q, _parameter(q, p)).fetchall()
        # the state after each week in `simpan`, which the next week's scoring continues from:
        # every known koperasi has a row in that week
        if semua:  # the aggregates of `_kenal` (see _kompilasi) for the two weeks kept
            riwayat = "".join(f", CASE WHEN z.minggu = $simpan_b THEN {k.replace('_k', '_sb', 1)} "
                              f"ELSE {k.replace('_k', '_sa', 1)} END AS {k}" for k in kueri.kumulatif)
        else:
            riwayat = "".join(f", {k.replace('_k', '_s', 1)} AS {k}" for k in kueri.kumulatif)
        keadaan = f"""SELECT z.minggu, $penanda AS penanda, kode_koperasi, _pertama, _kode_desa AS kode_desa,
                             _nama_koperasi AS nama_koperasi, {nama_zona} AS zona,
                             z.minggu_di_zona, z.lapor_sejak_merah, z.lapor_sejak_kuning, z.zona_nyata,
                             z.minggu_zona_nyata, z.zona_sejak_merah{riwayat}
                      FROM (FROM {zona_simpan} WHERE minggu IN $simpan) z {gabung_kenal}"""
        nilai = {"penanda": kueri.penanda, "simpan": simpan, "simpan_b": simpan[-1]}
        # one week keeps the latest state before it (still valid: the weeks up to it are
        # unchanged) beside its own; all weeks, or states of other rules, start afresh
        if terbatas:  # their states of the week; the others' stay
            con.execute("DELETE FROM keadaan_skor WHERE minggu = $sampai AND kode_koperasi IN (FROM _terbatas)",
                        {"sampai": sampai}).fetchall()
            con.execute(f"INSERT INTO keadaan_skor BY NAME {keadaan}", _parameter(keadaan, nilai)).fetchall()
        elif not semua and _keadaan_sejenis(con, kueri.penanda):
            con.execute("""DELETE FROM keadaan_skor WHERE minggu >= $sampai
                           OR minggu < (SELECT max(minggu) FROM keadaan_skor WHERE minggu < $sampai)""",
                        {"sampai": sampai}).fetchall()
            con.execute(f"INSERT INTO keadaan_skor BY NAME {keadaan}", _parameter(keadaan, nilai)).fetchall()
        else:
            con.execute(f"CREATE OR REPLACE TABLE keadaan_skor AS {keadaan}", _parameter(keadaan, nilai)).fetchall()
    finally:
        for t in ("_kenal", "_hasil", "_zona", "_ciri_ada", "_kunci_ada"):
            con.execute(f"DROP TABLE IF EXISTS temp.{t}").fetchall()


def _hash_ciri_unik(con) -> bool:
    """No two of the signatures in `_ciri_ada` share a hash."""
    return con.execute("SELECT count(*) = count(DISTINCT _ciri_h) FROM _ciri_ada").fetchall()[0][0]


def perlu_skor_ulang(con, aturan: Aturan, kecuali: date | None = None) -> bool:
    """True when the stored zones were made by other rules or some loaded week has no zones;
    `kecuali` is a week being loaded, which has none yet and is scored on its own."""
    ada = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN ('zona', 'meta', 'laporan')").fetchall()}
    if "laporan" not in ada:
        return False
    if "zona" not in ada or "meta" not in ada:
        return True
    if _kolom_tabel(con, "zona_inti") != _KOLOM_INTI_SET:  # none, or an older layout: scoring rebuilds it
        return True
    versi = con.execute("SELECT nilai FROM meta WHERE kunci = 'versi_aturan'").fetchall()
    if not versi or versi[0][0] != aturan.versi:
        return True
    lain = con.execute("SELECT count(*) FROM zona_inti WHERE versi_aturan IS DISTINCT FROM $v", {"v": aturan.versi}).fetchall()
    if lain[0][0]:
        return True
    kurang = con.execute("""SELECT count(*) FROM (SELECT DISTINCT minggu FROM laporan)
                            WHERE minggu NOT IN (SELECT DISTINCT minggu FROM zona_inti)
                              AND minggu IS DISTINCT FROM $kecuali""", {"kecuali": kecuali}).fetchall()
    return kurang[0][0] > 0


# ---------------------------------------------------------------------------------------
# What-if: candidate rules on one week, nothing written
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HasilBagaimanaJika:
    minggu: date
    versi_kandidat: str
    matriks: pd.DataFrame  # index zona_sekarang, columns zona_kandidat, counts (incl. tidak_melapor)
    berubah: pd.DataFrame  # kode_koperasi, nama_koperasi, kode_provinsi, kode_kabupaten, zona_sekarang, zona_kandidat
    per_provinsi: pd.DataFrame  # kode_provinsi, n, berubah, membaik, memburuk, <zona>_sekarang, <zona>_kandidat


def bagaimana_jika(con, teks_yaml_kandidat: str, minggu: date | None = None) -> HasilBagaimanaJika:
    """Score one week with candidate rules without writing anything; compare with the stored zones."""
    kandidat = muat_aturan_teks(teks_yaml_kandidat, sumber="<kandidat>")
    if minggu is None:
        minggu = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
        if minggu is None:
            raise ValueError("Belum ada data laporan untuk dinilai.")
    # A zone needs the koperasi's last reports (stability) and, when it is silent, its last
    # reported zone: the candidate scores the weeks a stability window and a lateness gate
    # (three weeks) reach back. A koperasi silent for longer keeps the gate's zone.
    kembali = max(_minggu_keluar(kandidat.model, "merah"), _minggu_keluar(kandidat.model, "kuning")) + 3
    dari = con.execute(f"""SELECT min(minggu) FROM (SELECT DISTINCT minggu FROM laporan WHERE minggu <= $m
                           ORDER BY minggu DESC LIMIT {kembali})""", {"m": minggu}).fetchall()[0][0] or minggu
    kueri = _kompilasi(kandidat, Cara.RENTANG, lengkap=False)
    p = {**kueri.param, "dari": dari, "sampai": minggu, "simpan_dari": dari}
    # name and area as of this week (latest report up to it) come with the scored rows
    df = con.execute(f"""
        WITH hasil AS ({kueri.sql}), akhir AS ({_sql_zona_akhir(kandidat.model, Cara.RENTANG, 'hasil')})
        SELECT h.kode_koperasi, h._nama_koperasi AS nama_koperasi, left(h._kode_desa, 2) AS kode_provinsi,
               left(h._kode_desa, 5) AS kode_kabupaten,
               coalesce(z.zona, '{TIDAK_MELAPOR}') AS zona_sekarang, {_sql_nama_zona('a._rank_akhir')} AS zona_kandidat
        FROM hasil h JOIN akhir a USING (_ki, _ord)
        LEFT JOIN zona z ON z.minggu = h.minggu AND z.kode_koperasi = h.kode_koperasi
        WHERE h.minggu = $sampai
        ORDER BY h.kode_koperasi""", p).df()
    kat = pd.CategoricalDtype(list(SEMUA_ZONA), ordered=True)
    matriks = pd.crosstab(df["zona_sekarang"].astype(kat), df["zona_kandidat"].astype(kat), dropna=False)
    matriks = matriks.reindex(index=list(SEMUA_ZONA), columns=list(SEMUA_ZONA), fill_value=0)
    matriks.index = pd.Index([str(i) for i in matriks.index], name="zona_sekarang")
    matriks.columns = pd.Index([str(c) for c in matriks.columns], name="zona_kandidat")
    berubah = df[df["zona_sekarang"] != df["zona_kandidat"]].reset_index(drop=True)

    rank = {z: i for i, z in enumerate(ZONA)}
    r_now = df["zona_sekarang"].map(rank)
    r_new = df["zona_kandidat"].map(rank)
    bantu = df.assign(n=1, berubah=(df["zona_sekarang"] != df["zona_kandidat"]).astype(int),
                      membaik=(r_new < r_now).astype(int), memburuk=(r_new > r_now).astype(int))
    for z in SEMUA_ZONA:
        bantu[f"{z}_sekarang"] = (df["zona_sekarang"] == z).astype(int)
        bantu[f"{z}_kandidat"] = (df["zona_kandidat"] == z).astype(int)
    per_provinsi = (bantu.drop(columns=["kode_koperasi", "nama_koperasi", "kode_kabupaten", "zona_sekarang", "zona_kandidat"])
                    .groupby("kode_provinsi", as_index=False).sum())
    return HasilBagaimanaJika(minggu, kandidat.versi, matriks, berubah, per_provinsi)
