"""Time reading + validating a national-size snapshot (83,762 rows) from CSV and XLSX.

Run: python bench/bench_ingest_read.py [--tanpa-xlsx]
Prints the median of 3 runs per format and the process's peak memory (ru_maxrss).
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kdkmp import kontrak, snapshot, wilayah  # noqa: E402

MINGGU = dt.date(2026, 11, 16)


def frame_nasional() -> pd.DataFrame:
    """Every desa once, values in the spellings a province's spreadsheet would use."""
    desa = wilayah.desa()
    n = len(desa)
    rng = np.random.default_rng(7)
    ya_tidak = np.array(["ya", "tidak", "Ya", "TIDAK", "1", "0", "sudah", "belum"])
    bool_kol = {k.nama: rng.choice(ya_tidak, n) for k in kontrak.KOLOM if k.jenis == "bool"}
    return pd.DataFrame({
        "tanggal_data": np.where(rng.random(n) < 0.5, "2026-11-18", "18/11/2026"),
        "kode_koperasi": "KDKMP-" + desa["kode_desa"],
        "nama_koperasi": "Koperasi Desa Merah Putih " + desa["nama_desa"],
        "kode_desa": np.where(rng.random(n) < 0.5, desa["kode_desa"], desa["kode_desa"].str.replace(".", "")),
        "latitude": np.round(rng.uniform(-11, 6, n), 5).astype(str),
        "longitude": np.round(rng.uniform(95, 141, n), 5).astype(str),
        **bool_kol,
        "jumlah_anggota": rng.integers(0, 3000, n).astype(str),
        "status_lahan": rng.choice(list(kontrak.ENUM_STATUS_LAHAN) + ["Belum Ada"], n),
        "tahap_pembangunan": rng.choice(list(kontrak.ENUM_TAHAP) + ["Belum Mulai"], n),
        "progres_fisik": np.char.add(np.round(rng.uniform(0, 100, n), 1).astype(str), "%"),
        "kendala_utama": rng.choice(list(kontrak.ENUM_KENDALA) + ["Tenaga Kerja", "teknis"], n),
        "status_operasional": rng.choice(kontrak.ENUM_OPERASIONAL, n),
        "gerai_aktif": rng.integers(0, 8, n).astype(str),
        "omzet_bulanan": np.where(rng.random(n) < 0.7, "",
                                  pd.Series(rng.integers(0, 10**9, n)).map("Rp {:,}".format).str.replace(",", ".")),
        "tunggakan_persen": np.where(rng.random(n) < 0.9, "", np.round(rng.uniform(0, 40, n), 2).astype(str)),
        "laporan_terakhir": "2026-11-14",
    })[list(kontrak.NAMA_KOLOM)]


def ukur(fungsi, kali: int = 3) -> tuple[float, object]:
    waktu, hasil = [], None
    for _ in range(kali):
        mulai = time.perf_counter()
        hasil = fungsi()
        waktu.append(time.perf_counter() - mulai)
    return statistics.median(waktu), hasil


def main() -> None:
    frame = frame_nasional()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "nasional.csv"
        frame.to_csv(csv_path, index=False, sep=";", encoding="cp1252", errors="replace")
        t, h = ukur(lambda: snapshot.baca_snapshot(csv_path))
        print(f"CSV  {len(frame):,} baris: median {t:.2f} s, dimuat {h.baris_dimuat:,}, ditolak {h.baris_ditolak:,}")
        rusak = frame.copy()
        rng = np.random.default_rng(1)
        for kolom, nilai in (("gerai_aktif", "9"), ("kode_desa", "52.01.01.9999"), ("musdesus", "mungkin"),
                             ("progres_fisik", "")):
            rusak.loc[rng.random(len(rusak)) < 0.04, kolom] = nilai
        rusak_path = Path(tmp) / "rusak.csv"
        rusak.to_csv(rusak_path, index=False)
        t, h = ukur(lambda: snapshot.baca_snapshot(rusak_path, batas_tolak=1.0))
        print(f"CSV  dengan nilai rusak: median {t:.2f} s, dimuat {h.baris_dimuat:,}, ditolak {h.baris_ditolak:,} "
              f"({len(h.ditolak):,} masalah, file penolakan {len(h.file_penolakan()) / 1e6:.1f} MB)")
        if "--tanpa-xlsx" not in sys.argv:
            xlsx_path = Path(tmp) / "nasional.xlsx"
            mulai = time.perf_counter()
            with pd.ExcelWriter(xlsx_path, engine="xlsxwriter") as w:
                frame.to_excel(w, index=False, startrow=2, sheet_name="Laporan")
                w.sheets["Laporan"].write(0, 0, "LAPORAN MINGGUAN KDKMP")
            print(f"(menulis XLSX {time.perf_counter() - mulai:.1f} s)")
            t, h = ukur(lambda: snapshot.baca_snapshot(xlsx_path))
            print(f"XLSX {len(frame):,} baris: median {t:.2f} s, dimuat {h.baris_dimuat:,}, "
                  f"ditolak {h.baris_ditolak:,}")
    puncak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memori puncak {puncak:.0f} MB")


if __name__ == "__main__":
    main()
