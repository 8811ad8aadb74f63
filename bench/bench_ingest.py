"""Ingest of one national week (83,762 rows) through the CLI's path — read, validate, load,
score — from CSV and from XLSX: as a new week into the national database holding the 25 weeks
before it (the Monday case), and as a replacement of the latest of the 26 weeks.

    python bench/bench_ingest.py [--ulang 3] [--tanpa-xlsx]

Prints the median seconds per format and the peak memory of a single CSV ingest measured in
a fresh process. Targets (issue 2): CSV ≤ 2 s, XLSX ≤ 20 s, peak memory ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bersama import AKAR, db_nasional

from kdkmp import demo, ingest


def file_minggu(folder: Path) -> tuple[Path, Path]:
    """The demo's last week written as a provincial spreadsheet would: CSV (';', cp1252,
    decimal comma, ya/tidak) and XLSX with a title row."""
    minggu, frame = list(demo.frame_minggu_semua(1))[-1]
    teks = frame.copy()
    for kolom in teks.columns:
        if teks[kolom].dtype == bool:
            teks[kolom] = teks[kolom].map({True: "ya", False: "tidak"})
    csv = folder / f"laporan_{minggu}.csv"
    teks.to_csv(csv, sep=";", decimal=",", index=False, encoding="cp1252", errors="replace", date_format="%d/%m/%Y")
    xlsx = folder / f"laporan_{minggu}.xlsx"
    import pandas as pd

    with pd.ExcelWriter(xlsx, engine="xlsxwriter") as xl:
        pd.DataFrame([[f"LAPORAN MINGGUAN KDKMP {minggu}"]]).to_excel(xl, index=False, header=False)
        teks.to_excel(xl, index=False, startrow=2)
    return csv, xlsx


def tanpa_minggu_terakhir(db_asal: Path, folder: Path) -> Path:
    """The national database as it was before its latest week arrived (scored)."""
    from kdkmp import rules, store

    db = folder / "sebelum.duckdb"
    shutil.copyfile(db_asal, db)
    with store.penulisan(db) as con:
        terakhir = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
        con.execute("DELETE FROM laporan WHERE minggu = $m", {"m": terakhir}).fetchall()
        con.execute("DELETE FROM batch WHERE minggu = $m", {"m": terakhir}).fetchall()
        ingest.skor_ulang_semua(con, rules.muat_aturan())
    return db


def satu_ingest(db_asal: Path, berkas: Path, folder: Path, ganti: bool) -> tuple[float, float]:
    """Wall and CPU seconds (every thread: DuckDB's too) of one ingest."""
    db = folder / "salinan.duckdb"
    shutil.copyfile(db_asal, db)
    t, c = time.perf_counter(), time.process_time()
    ingest.muat_file(berkas, db_path=db, ganti=ganti)
    detik, cpu = time.perf_counter() - t, time.process_time() - c
    db.unlink()
    shutil.rmtree(folder / "salinan_arsip", ignore_errors=True)
    return detik, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--tanpa-xlsx", action="store_true")
    args = ap.parse_args()
    db = db_nasional()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv, xlsx = file_minggu(folder)
        sebelum = tanpa_minggu_terakhir(db, folder)
        satu_ingest(db, csv, folder, True)  # warm-up: imports, the validation schema's first use
        formats = [("CSV", csv)] + ([] if args.tanpa_xlsx else [("XLSX", xlsx)])
        for nama, berkas in formats:
            for keadaan, db_asal, ganti in (("new week into 25-week DB", sebelum, False),
                                            ("replacing the latest of 26 weeks", db, True)):
                waktu, cpu = zip(*(satu_ingest(db_asal, berkas, folder, ganti) for _ in range(args.ulang)))
                print(f"ingest {nama} 83,762 rows, {keadaan}: median {statistics.median(waktu):.2f} s, "
                      f"{statistics.median(cpu):.2f} s CPU (runs: {', '.join(f'{w:.2f}' for w in waktu)})")
        salinan = folder / "rss.duckdb"
        shutil.copyfile(sebelum, salinan)
        # VmHWM, not ru_maxrss: the latter carries the parent's peak over fork + exec (Linux),
        # which once made this figure 1.8 GB after the parent had rescored every week
        kode = ("import sys; sys.path.insert(0, sys.argv[1]); from kdkmp import ingest; "
                "ingest.muat_file(sys.argv[2], db_path=sys.argv[3]); "
                "print(int(next(b for b in open('/proc/self/status') if b.startswith('VmHWM')).split()[1]) / 1024)")
        keluar = subprocess.run([sys.executable, "-c", kode, str(AKAR), str(csv), str(salinan)],
                                capture_output=True, text=True, check=True)
        print(f"peak RSS of one CSV ingest in a fresh process: {float(keluar.stdout.split()[-1]):.0f} MB")


if __name__ == "__main__":
    main()
