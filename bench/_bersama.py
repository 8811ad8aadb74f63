"""Shared by the benchmark scripts: the national demo database and timing helpers."""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

AKAR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(AKAR))
KELUARAN = AKAR / "bench" / "out"
DB_NASIONAL = KELUARAN / "kdkmp_nasional.duckdb"


def db_nasional(baru: bool = False) -> Path:
    """The 26-week national demo database (built once, reused by every script)."""
    from kdkmp import demo

    KELUARAN.mkdir(parents=True, exist_ok=True)
    if baru or not DB_NASIONAL.exists():
        t = time.perf_counter()
        demo.bangun(DB_NASIONAL)
        print(f"built {DB_NASIONAL.name}: 26 national weeks in {time.perf_counter() - t:.1f} s")
    return DB_NASIONAL


def median_detik(fungsi, ulang: int = 5) -> float:
    """Median wall time of `ulang` calls, after one warm-up call."""
    fungsi()
    waktu = []
    for _ in range(ulang):
        t = time.perf_counter()
        fungsi()
        waktu.append(time.perf_counter() - t)
    return statistics.median(waktu)


def rss_puncak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_sekarang_mb() -> float:
    with open("/proc/self/status") as f:
        for baris in f:
            if baris.startswith("VmRSS:"):
                return int(baris.split()[1]) / 1024
    return float("nan")
