"""Everything the pages and the CLI read. Read-only, parameterised, one frame or dict per call.

Every function takes a cursor from store.sambungan_baca (or any connection on the schema),
the data week and the area (``wilayah``: a dotted code of any level, or None for national).
The area is applied here and nowhere else.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from kdkmp import kontrak, wilayah as ref

# Column of `laporan` that holds each level's code; a fixed mapping, never user text.
_KOLOM_TINGKAT = {"provinsi": "kode_provinsi", "kabupaten": "kode_kabupaten",
                  "kecamatan": "kode_kecamatan", "desa": "kode_desa"}
_PANJANG_KODE = {"provinsi": 2, "kabupaten": 5, "kecamatan": 8, "desa": 13}
_TINGKAT_ANAK = {None: "provinsi", "provinsi": "kabupaten", "kabupaten": "kecamatan", "kecamatan": "desa"}


def saring_wilayah(kode: str | None, alias: str = "") -> tuple[str, dict]:
    """SQL condition and parameters restricting `laporan` rows to an area (TRUE for national)."""
    if kode is None:
        return "TRUE", {}
    w = ref.cari(kode)
    awalan = f"{alias}." if alias else ""
    return f"{awalan}{_KOLOM_TINGKAT[w.tingkat]} = $kode_wilayah", {"kode_wilayah": w.kode}


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
            raise LookupError("Belum ada data mingguan yang dimuat.")
    return minggu


def ringkasan(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> dict:
    """The headline numbers of one area and week (the `summary --json` object)."""
    minggu = _minggu(con, minggu)
    syarat, param = saring_wilayah(wilayah)
    param = {**param, "minggu": minggu}
    dasar = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE masuk_portal) FROM laporan WHERE minggu = $minggu AND {syarat}",
        param).fetchall()[0]
    hasil = {
        "minggu": minggu.isoformat(),
        "wilayah": ref.cari(wilayah).kode if wilayah else None,
        "jumlah_koperasi": int(dasar[0]),
        "masuk_portal": int(dasar[1]),
    }
    for kolom in ("tahap_pembangunan", "kendala_utama"):
        hitung = dict(con.execute(
            f"SELECT {kolom}, count(*) FROM laporan WHERE minggu = $minggu AND {syarat} GROUP BY 1",
            param).fetchall())
        hasil[kolom] = {nilai: int(hitung.get(nilai, 0)) for nilai in kontrak.KOLOM_PER_NAMA[kolom].nilai}
    return hasil


def rekap_anak(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None) -> pd.DataFrame:
    """One row per child area (provinces for national): kode, nama, jumlah_desa (reference),
    jumlah_koperasi (reports this week), then one count column per construction stage
    (tahap_*) and per main bottleneck (kendala_*)."""
    minggu = _minggu(con, minggu)
    tingkat_anak = _TINGKAT_ANAK[ref.cari(wilayah).tingkat if wilayah else None]
    kolom_anak = _KOLOM_TINGKAT[tingkat_anak]
    syarat, param = saring_wilayah(wilayah, "l")
    hitung = []
    for kolom in ("tahap_pembangunan", "kendala_utama"):
        awalan = kolom.split("_")[0]
        for nilai in kontrak.KOLOM_PER_NAMA[kolom].nilai:
            hitung.append(f"count(*) FILTER (WHERE l.{kolom} = '{nilai}') AS {awalan}_{nilai}")
    syarat_ref = "w.kode_induk IS NULL" if wilayah is None else "w.kode_induk = $kode_induk"
    param = {**param, "minggu": minggu, "tingkat": tingkat_anak, "panjang": _PANJANG_KODE[tingkat_anak]}
    if wilayah is not None:
        param["kode_induk"] = ref.cari(wilayah).kode
    sql = f"""
        WITH lap AS (
            SELECT l.{kolom_anak} AS kode, count(*) AS jumlah_koperasi,
                   count(*) FILTER (WHERE l.masuk_portal) AS masuk_portal,
                   {", ".join(hitung)}
            FROM laporan l WHERE l.minggu = $minggu AND {syarat} GROUP BY 1),
        referensi AS (
            SELECT left(kode, $panjang) AS kode, count(*) AS jumlah_desa
            FROM wilayah WHERE tingkat = 'desa' GROUP BY 1)
        SELECT w.kode, w.nama, coalesce(r.jumlah_desa, 0) AS jumlah_desa, lap.* EXCLUDE (kode)
        FROM wilayah w
        LEFT JOIN referensi r ON r.kode = w.kode
        LEFT JOIN lap ON lap.kode = w.kode
        WHERE w.tingkat = $tingkat AND {syarat_ref}
        ORDER BY w.kode"""
    df = con.execute(sql, param).df()
    angka = [c for c in df.columns if c not in ("kode", "nama")]
    df[angka] = df[angka].fillna(0).astype("int64")
    return df
