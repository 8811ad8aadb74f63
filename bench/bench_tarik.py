"""Withdrawing and restoring the latest national week (python -m kdkmp minggu tarik / pulihkan):
rows moved to laporan_ditarik and back, every week rescored, the file swapped.

    python bench/bench_tarik.py [--ulang 3]

Prints the median seconds of each. No target in the issue: an admin's rare action, which must
only stay well inside a Monday morning's patience (it holds the one writer while it runs).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _bersama import db_nasional

from kdkmp import ingest, store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ulang", type=int, default=3)
    args = ap.parse_args()
    asal = db_nasional()
    waktu = {"tarik": [], "pulihkan": []}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "kdkmp.duckdb"
        shutil.copyfile(asal, db)
        minggu = max(store.sambungan_baca(db).execute("SELECT DISTINCT minggu FROM laporan").fetchall())[0]
        for _ in range(args.ulang):
            for aksi, fungsi, kw in (("tarik", ingest.tarik, {"alasan": "uji kecepatan"}),
                                     ("pulihkan", ingest.pulihkan, {})):
                t = time.perf_counter()
                fungsi(minggu, db_path=db, **kw)
                waktu[aksi].append(time.perf_counter() - t)
        store.tutup_semua()
    for aksi, w in waktu.items():
        print(f"minggu {aksi} {minggu}, 26 national weeks: median {statistics.median(w):.2f} s "
              f"(runs: {', '.join(f'{x:.2f}' for x in w)})")


if __name__ == "__main__":
    main()
