"""Time a full demo build (26 national weeks: generation + validation + load) into a temp file.

    python bench/bench_demo.py [--weeks 26] [--seed 20251]

Prints seconds (total and generation alone) and the process's peak RSS; asserts nothing.
Target (issue 2): ≤ 90 s on 2 cores, peak memory ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kdkmp import demo  # noqa: E402


def rss_puncak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--seed", type=int, default=demo.SEED_BAWAAN)
    args = ap.parse_args()

    t0 = time.perf_counter()
    baris = sum(len(f) for _, f in demo.frame_minggu_semua(args.weeks, args.seed))
    t_gen = time.perf_counter() - t0
    print(f"generation only: {args.weeks} weeks, {baris:,} rows in {t_gen:.1f} s "
          f"(peak RSS so far {rss_puncak_mb():.0f} MB)")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        t0 = time.perf_counter()
        demo.bangun(db, args.weeks, args.seed)
        t_total = time.perf_counter() - t0
        ukuran = db.stat().st_size / 2**20
    print(f"full build: {args.weeks} national weeks in {t_total:.1f} s; database {ukuran:.0f} MB; "
          f"peak RSS {rss_puncak_mb():.0f} MB")


if __name__ == "__main__":
    main()
