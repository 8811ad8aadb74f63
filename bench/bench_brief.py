"""What the one-click meeting brief costs (issue 12): building a province's brief (PPTX and PDF)
on the 26-week national demo database, from the queries to the bytes, and the same through the
CLI as a user runs it (a fresh process: imports included).

    python bench/bench_brief.py [--wilayah 52] [--ulang 5] [--db PATH] [--baru]

--db: another database built by `python -m kdkmp demo --db PATH`; --baru rebuilds the shared one
(bench/out/kdkmp_nasional.duckdb), e.g. when it predates the current schema.

Target: ≤ 5 s for a province. The machine's cores are shared: each in-process figure is given as
wall time and as this process's CPU time (all its threads), which other work on the machine
disturbs less.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bersama import AKAR, db_nasional

from kdkmp import brief, store


def median_wall_cpu(fungsi, ulang: int) -> str:
    """'wall 0.412 s, cpu 0.380 s': medians of `ulang` calls after one warm-up call."""
    fungsi()
    wall, cpu = [], []
    for _ in range(ulang):
        t, c = time.perf_counter(), time.process_time()
        fungsi()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return f"wall {statistics.median(wall):.3f} s, cpu {statistics.median(cpu):.3f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wilayah", default="52")
    ap.add_argument("--ulang", type=int, default=5)
    ap.add_argument("--db", type=Path, help="database (default: the shared national demo)")
    ap.add_argument("--baru", action="store_true", help="rebuild the shared national demo first")
    args = ap.parse_args()
    db = args.db or db_nasional(baru=args.baru)
    con = store.sambungan_baca(db)

    t = time.perf_counter()
    isi = brief.kumpulkan(con, None, args.wilayah, oleh="bench")
    pertama = time.perf_counter() - t
    print(f"{isi.judul}, minggu {isi.rapat.minggu}: {isi.jumlah['jumlah']:,} koperasi, "
          f"{isi.jumlah_daftar:,} merah")
    print(f"first gathering in this process (cold imports and reader): {pertama:.2f} s")

    print(f"median of {args.ulang}:")
    print(f"  gathering (queries): {median_wall_cpu(lambda: brief.kumpulkan(con, None, args.wilayah, oleh='bench'), args.ulang)}")
    print(f"  rendering PPTX: {median_wall_cpu(lambda: brief.pptx_dari(isi), args.ulang)}")
    print(f"  rendering PDF: {median_wall_cpu(lambda: brief.pdf_dari(isi), args.ulang)}")
    print(f"  buat_pptx: {median_wall_cpu(lambda: brief.buat_pptx(con, None, args.wilayah, oleh='bench'), args.ulang)}")
    print(f"  buat_pdf: {median_wall_cpu(lambda: brief.buat_pdf(con, None, args.wilayah, oleh='bench'), args.ulang)}")

    with tempfile.TemporaryDirectory() as folder:
        for ekstensi in ("pptx", "pdf"):
            keluaran = Path(folder) / f"brief.{ekstensi}"
            waktu, cpu = [], []
            for _ in range(3):
                t, anak = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([sys.executable, "-m", "kdkmp", "brief", "--wilayah", args.wilayah, "--out",
                                str(keluaran), "--db", str(db)], cwd=AKAR, check=True, capture_output=True)
                waktu.append(time.perf_counter() - t)
                sesudah = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu.append(sesudah.ru_utime + sesudah.ru_stime - anak.ru_utime - anak.ru_stime)
            print(f"python -m kdkmp brief … --out {keluaran.name} (fresh process), runs: wall "
                  + ", ".join(f"{w:.2f}" for w in waktu) + " s, cpu " + ", ".join(f"{c:.2f}" for c in cpu)
                  + f" s; {keluaran.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
