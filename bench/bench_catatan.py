"""State store (kdkmp.catatan): one audit append, one account lookup and reading the trail, on
SQLite (WAL, synchronous FULL) and, when $KDKMP_TEST_PG_URL is set, on PostgreSQL.

    python bench/bench_catatan.py            # KDKMP_TEST_PG_URL=postgresql://… for the second backend
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kdkmp import catatan  # noqa: E402

N = 500


def ms(fungsi, n: int = N) -> tuple[float, float]:
    """Median and 95th percentile of n calls, in ms (after 20 warm-up calls)."""
    for _ in range(20):
        fungsi()
    waktu = []
    for _ in range(n):
        t = time.perf_counter()
        fungsi()
        waktu.append((time.perf_counter() - t) * 1000)
    return statistics.median(waktu), statistics.quantiles(waktu, n=20)[-1]


def ukur(nama: str, url: str) -> None:
    catatan.tambah_akun("sari", "provinsi", "52", oleh="bench", url=url)
    tambah = ms(lambda: catatan.catat("ekspor", "sari", wilayah="52", url=url, baris=12, format="csv",
                                      saringan={"zona": "merah"}))
    cari = ms(lambda: catatan.cari_akun("SARI", url=url))
    baca = ms(lambda: catatan.baca_jejak(url=url, batas=1000), n=50)
    print(f"{nama:<10}  catat: median {tambah[0]:.2f} ms, p95 {tambah[1]:.2f} ms   cari_akun: median {cari[0]:.2f} ms, "
          f"p95 {cari[1]:.2f} ms   baca_jejak 1000 baris: median {baca[0]:.1f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ukur("SQLite", "sqlite:///" + str(Path(folder) / "kdkmp_catatan.sqlite"))
    pg = os.environ.get("KDKMP_TEST_PG_URL")
    if pg:
        import psycopg

        skema = f"bench_{os.getpid()}"
        with psycopg.connect(pg, autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{skema}"')
        try:
            pemisah = "&" if "?" in pg else "?"
            ukur("PostgreSQL", f"{pg}{pemisah}options=-csearch_path%3D{skema}")
        finally:
            catatan.tutup_semua()
            with psycopg.connect(pg, autocommit=True) as con:
                con.execute(f'DROP SCHEMA "{skema}" CASCADE')
    else:
        print("PostgreSQL: KDKMP_TEST_PG_URL not set, skipped")


if __name__ == "__main__":
    main()
