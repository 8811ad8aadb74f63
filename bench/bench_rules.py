"""Rules engine timings on a synthetic national table: 83,762 koperasi × 26 weeks (~2.2 M rows).

Prints medians; asserts nothing (figures for the README). Run: python bench/bench_rules.py [--ulang 3]
Targets from issue 3: rescoring all weeks ≤ 5 s, one new week ≤ 0.5 s, what-if on the latest week ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kdkmp import rules, store, wilayah  # noqa: E402

MINGGU_PERTAMA = date(2026, 5, 25)


def bangun_laporan(con, jumlah_minggu: int = 26) -> int:
    """Fill `laporan` with a deterministic, stage-shaped programme (hash-based, vectorised in SQL)."""
    desa = wilayah.desa()[["kode_desa"]]
    con.register("_desa", desa)
    con.execute("CREATE TEMP TABLE _k AS SELECT kode_desa, row_number() OVER (ORDER BY kode_desa) AS i FROM _desa").fetchall()
    con.execute(f"""
    INSERT INTO laporan BY NAME
    WITH w AS (SELECT range AS j, DATE '{MINGGU_PERTAMA}' + CAST(range * 7 AS INTEGER) AS minggu FROM range({jumlah_minggu})),
    g AS (SELECT k.*, w.*, hash(k.i, 7) % 1000 AS u, hash(k.i, w.j) % 1000 AS v,
                 -- Java starts earlier; each koperasi advances one stage every ~6-10 weeks
                 CASE WHEN kode_desa[:1] = '3' THEN 2.0 ELSE 0.8 END + w.j / (6.0 + hash(k.i) % 5) AS maju
          FROM _k k CROSS JOIN w)
    SELECT minggu, 1 AS batch_id, minggu AS tanggal_data, 'KDKMP-' || replace(kode_desa, '.', '') AS kode_koperasi,
           'Koperasi Desa Merah Putih ' || i AS nama_koperasi, kode_desa, NULL AS latitude, NULL AS longitude,
           u > 1 AS musdesus, u % 13 <> 0 AS pengurus_lengkap, CAST(5 + (u * 7) % 60 AS BIGINT) AS jumlah_anggota,
           u % 11 <> 0 AS pendamping_ba, u <> 999 AS badan_hukum, u % 4 <> 0 AS nib, u % 31 <> 0 AS npwp,
           u % 23 <> 0 AS rekening_bank, u % 19 <> 0 AS masuk_portal,
           CASE WHEN u < 80 THEN 'bermasalah' WHEN u < 180 AND maju < 3 THEN 'belum_ada'
                WHEN maju < 1.5 THEN 'verifikasi' ELSE 'siap' END AS status_lahan,
           CASE WHEN u < 80 AND maju > 1 THEN 'tertunda' WHEN maju < 1.5 THEN 'belum_mulai' WHEN maju < 2 THEN 'persiapan'
                WHEN maju < 3.5 THEN 'konstruksi' ELSE 'selesai' END AS tahap_pembangunan,
           CASE WHEN maju >= 3.5 THEN 100.0 WHEN maju >= 2 THEN least(99.0, round((maju - 2) * 66)) ELSE 0.0 END AS progres_fisik,
           CASE WHEN u < 180 THEN 'lahan' WHEN v < 100 THEN 'cuaca' WHEN v < 150 THEN 'material' ELSE 'tidak_ada' END AS kendala_utama,
           CASE WHEN maju >= 4.5 THEN 'beroperasi' WHEN maju >= 3.8 THEN 'uji_coba' ELSE 'belum' END AS status_operasional,
           CAST(CASE WHEN maju >= 3.8 THEN least(7, 1 + u % 5 + floor(maju - 3.8)) ELSE 0 END AS BIGINT) AS gerai_aktif,
           CASE WHEN maju >= 4.5 AND u % 3 = 0 THEN CAST(1000000 + u * 25000 AS BIGINT) END AS omzet_bulanan,
           CASE WHEN maju >= 4.5 AND u % 2 = 0 THEN (u % 20) * 1.0 END AS tunggakan_persen,
           minggu - CAST(v % 5 AS INTEGER) AS laporan_terakhir,
           kode_desa[:8] AS kode_kecamatan, kode_desa[:5] AS kode_kabupaten, kode_desa[:2] AS kode_provinsi
    FROM g WHERE v >= 35  -- ~3.5 % of koperasi miss a given week
    """).fetchall()
    con.unregister("_desa")
    return con.execute("SELECT count(*) FROM laporan").fetchall()[0][0]


def ukur(fungsi, ulang: int) -> tuple[float, list[float]]:
    waktu = []
    for _ in range(ulang):
        t = time.perf_counter()
        fungsi()
        waktu.append(time.perf_counter() - t)
    return statistics.median(waktu), waktu


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--db", help="an existing database with laporan (e.g. the demo) instead of the synthetic one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            con = duckdb.connect(args.db)
        else:
            con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
            store.pastikan_skema(con)
            t = time.perf_counter()
            n = bangun_laporan(con)
            print(f"laporan sintetis: {n:,} baris dibuat dalam {time.perf_counter() - t:.1f} s")
        aturan = rules.muat_aturan()
        minggu = [r[0] for r in con.execute("SELECT DISTINCT minggu FROM laporan ORDER BY 1").fetchall()]
        n = con.execute("SELECT count(*), count(DISTINCT kode_koperasi) FROM laporan").fetchall()[0]
        print(f"data: {n[0]:,} baris, {n[1]:,} koperasi, {len(minggu)} minggu; aturan versi {aturan.versi}")

        def semua():
            con.begin()
            rules.skor(con, aturan)
            con.commit()

        def satu():
            con.begin()
            rules.skor(con, aturan, minggu[-1])
            con.commit()

        teks = aturan.teks.replace("min: 76", "min: 80")

        def bagaimana():
            rules.bagaimana_jika(con, teks)

        hasil = {}
        for nama, f, target in (("skor ulang semua minggu", semua, 5.0), ("skor satu minggu baru", satu, 0.5),
                                ("bagaimana-jika minggu terakhir", bagaimana, 1.0)):
            med, semua_waktu = ukur(f, args.ulang)
            hasil[nama] = med
            print(f"{nama:32s} median {med:6.2f} s  (target ≤ {target} s; tiap ulang: "
                  + ", ".join(f"{x:.2f}" for x in semua_waktu) + ")")
        z = con.execute("SELECT zona, count(*) FROM zona WHERE minggu = $m GROUP BY 1 ORDER BY 1", {"m": minggu[-1]}).fetchall()
        print("sebaran zona minggu terakhir: " + ", ".join(f"{a} {b:,}" for a, b in z))
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
