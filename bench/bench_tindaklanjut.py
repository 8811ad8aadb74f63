"""Tindak lanjut (issue 13) on the national demo database: importing 5,000 filled rows (preview +
apply, then 5,000 status updates of the same actions), and the national intervention list with
the action columns, on SQLite and, when $KDKMP_TEST_PG_URL is set, on PostgreSQL.

    python bench/bench_tindaklanjut.py [--db PATH]      # default: bench/out/kdkmp_nasional.duckdb
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._bersama import DB_NASIONAL, median_detik  # noqa: E402
from kdkmp import akses, catatan, export, queries, store  # noqa: E402
from kdkmp import tindaklanjut as tl  # noqa: E402

N = 5000
# national and allowed to record (PMO pusat only reads follow-up)
NASIONAL = akses.Pengguna(nama="bench", peran="admin", wilayah=None, cara_masuk="lokal")


def impor_terukur(con, berkas: bytes, nama_file: str, url: str, harapan: dict) -> tuple[float, float]:
    """Seconds of the preview and of the apply of one filled file; what was applied must be `harapan`."""
    t = time.perf_counter()
    pratinjau = tl.pratinjau_impor(con, NASIONAL, berkas, nama_file, url=url)
    t_pratinjau = time.perf_counter() - t
    t = time.perf_counter()
    hasil = tl.terapkan_impor(pratinjau, NASIONAL, url=url)
    assert hasil == harapan, hasil
    return t_pratinjau, time.perf_counter() - t


def ukur(nama: str, url: str, db: Path) -> None:
    con = store.sambungan_baca(db)
    minggu = queries.minggu_terakhir(con)
    tabel = tl.tabel_ekspor(tl.daftar_kerja(con, minggu, None, url=url))
    isian = tabel.head(N).astype(object)
    jenis = [j.label for j in tl.muat_konfigurasi().pilihan()]
    isian["Tindakan"] = [jenis[i % len(jenis)] for i in range(len(isian))]
    isian["PIC"] = [f"PIC {i % 97}" for i in range(len(isian))]
    isian["Kantor PIC"] = "Diskop"
    isian["Target"] = "2026-12-31"
    isian["Status"] = "Direncanakan"
    berkas = export.ke_csv(isian)

    t_pratinjau, t_terapkan = impor_terukur(con, berkas, "isian.csv", url, {"baru": N, "diubah": 0})
    print(f"{nama:<10}  import {N:,} new actions: preview {t_pratinjau:.2f} s + apply {t_terapkan:.2f} s "
          f"= {t_pratinjau + t_terapkan:.2f} s")

    lagi = tl.tabel_ekspor(tl.daftar_kerja(con, minggu, None, url=url))
    lagi = lagi[lagi["ID tindakan"].notna()].astype(object)
    lagi["Status"] = "Berjalan"
    lagi["Catatan"] = "sudah dikunjungi"
    berkas = export.ke_csv(lagi)
    t_pratinjau, t_terapkan = impor_terukur(con, berkas, "isian2.csv", url, {"baru": 0, "diubah": N})
    print(f"{nama:<10}  import {N:,} status updates (ID + version): preview {t_pratinjau:.2f} s + apply "
          f"{t_terapkan:.2f} s = {t_pratinjau + t_terapkan:.2f} s")

    # interleaved, so that a busy machine slows both alike (the difference is what the actions cost)
    def tanpa_tembolok():
        tl._TERAKHIR.bersihkan()  # as right after someone changed an action
        return tl.daftar_intervensi_tindakan(con, minggu, None, url=url)

    polos_w, dengan_w, baru_w = [], [], []
    for _ in range(12):
        for f, w in ((lambda: queries.daftar_intervensi(con, minggu, None), polos_w),
                     (lambda: tl.daftar_intervensi_tindakan(con, minggu, None, url=url), dengan_w),
                     (tanpa_tembolok, baru_w)):
            t = time.perf_counter()
            f()
            w.append(time.perf_counter() - t)
    polos, dengan, baru = (statistics.median(w[1:]) * 1000 for w in (polos_w, dengan_w, baru_w))

    def terakhir_baru():
        tl._TERAKHIR.bersihkan()
        return tl.tindakan_terakhir(url=url)

    terakhir = median_detik(terakhir_baru, 11) * 1000
    saring = median_detik(lambda: tl.daftar_intervensi_tindakan(con, minggu, None,
                                                                 saringan_tindakan=(("tl_belum", ""),), url=url), 11) * 1000
    efek = median_detik(lambda: tl.efektivitas(con, None, url=url), 5) * 1000
    kab = median_detik(lambda: tl.terlambat_per_kabupaten(url=url), 5) * 1000
    print(f"{nama:<10}  national intervention list (merah, {len(queries.daftar_intervensi(con, minggu, None)):,} rows), "
          f"median of 11 interleaved: without actions {polos:.0f} ms, with the action columns {dengan:.0f} ms "
          f"(right after an action changed: {baru:.0f} ms; the {N:,} latest actions alone {terakhir:.0f} ms), "
          f"filtered 'belum ada tindak lanjut' {saring:.0f} ms")
    print(f"{nama:<10}  effectiveness, national per province (median of 5): {efek:.0f} ms; overdue per kabupaten: {kab:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=DB_NASIONAL)
    args = ap.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: run bench/bench_demo.py (or pass --db)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as folder:
        ukur("SQLite", "sqlite:///" + str(Path(folder) / "kdkmp_catatan.sqlite"), args.db)
    pg = os.environ.get("KDKMP_TEST_PG_URL")
    if pg:
        import psycopg

        skema = f"bench_tl_{os.getpid()}"
        with psycopg.connect(pg, autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{skema}"')
        try:
            pemisah = "&" if "?" in pg else "?"
            ukur("PostgreSQL", f"{pg}{pemisah}options=-csearch_path%3D{skema}", args.db)
        finally:
            catatan.tutup_semua()
            with psycopg.connect(pg, autocommit=True) as con:
                con.execute(f'DROP SCHEMA "{skema}" CASCADE')


if __name__ == "__main__":
    main()
