"""Rules engine timings, on the national demo database or a synthetic national table.

Prints medians of wall time and of CPU time (user+sys, DuckDB's threads included: the figure to
compare while other work shares the machine); asserts nothing (figures for the README). Run:
    python bench/bench_rules.py --db /tmp/nasional.duckdb [--ulang 3]
    python bench/bench_rules.py            # synthetic: 83,762 koperasi × 26 weeks (~2.2 M rows)
The database given is never written: every measurement runs on a temporary copy, the way the
app writes (store.penulisan: a private copy inside one transaction). Timed is the rules call
itself; the copy, COMMIT and CHECKPOINT of penulisan are printed apart.
One new week is timed as a load meets it: the week's reports just inserted into a database
scored up to the week before.
Targets from issue 3: rescoring all weeks ≤ 5 s, one new week ≤ 0.5 s, what-if on the latest week ≤ 1 s.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
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


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def cpu() -> float:
    """CPU time of this process, DuckDB's threads included: less disturbed than wall time when
    other work shares the machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--db", help="an existing database with laporan (e.g. the national demo) instead of the synthetic one")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        salinan = Path(tmp) / "bench.duckdb"
        if args.db:
            shutil.copyfile(args.db, salinan)
        else:
            con = duckdb.connect(str(salinan))
            store.pastikan_skema(con)
            t = time.perf_counter()
            n = bangun_laporan(con)
            con.close()
            print(f"laporan sintetis: {n:,} baris dibuat dalam {time.perf_counter() - t:.1f} s")
        aturan = rules.muat_aturan()
        con = duckdb.connect(str(salinan), read_only=True)
        minggu = [r[0] for r in con.execute("SELECT DISTINCT minggu FROM laporan ORDER BY 1").fetchall()]
        n = con.execute("SELECT count(*), count(DISTINCT kode_koperasi) FROM laporan").fetchall()[0]
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        con.close()
        print(f"data: {n[0]:,} baris, {n[1]:,} koperasi, {len(minggu)} minggu; aturan versi {aturan.versi}; "
              f"DuckDB threads {threads}")

        def dalam_penulisan(minggu_skor, berkas=salinan) -> tuple[float, float, float]:
            t0 = time.perf_counter()
            with store.penulisan(berkas) as con:
                if minggu_skor is None:  # as ingest does: all weeks need the larger memory limit
                    store.izinkan_skor_ulang(con)
                else:  # the week arrives, as a load puts it in laporan just before scoring it
                    con.execute("INSERT INTO laporan SELECT * FROM _minggu_baru").fetchall()
                t1, c1 = time.perf_counter(), cpu()
                rules.skor(con, aturan, minggu_skor)
                t2, c2 = time.perf_counter(), cpu()
            return t2 - t1, (time.perf_counter() - t0) - (t2 - t1), c2 - c1

        # One new week: the database as it was before the latest week arrived (scored, so the
        # state that scoring leaves is there), with that week's reports set aside.
        sebelum = Path(tmp) / "sebelum.duckdb"
        shutil.copyfile(salinan, sebelum)
        with store.penulisan(sebelum) as con:
            store.izinkan_skor_ulang(con)
            con.execute("CREATE TABLE _minggu_baru AS SELECT * FROM laporan WHERE minggu = $m", {"m": minggu[-1]}).fetchall()
            con.execute("DELETE FROM laporan WHERE minggu = $m", {"m": minggu[-1]}).fetchall()
            rules.skor(con, aturan)
        jalur_cepat = []
        asli = rules.penilaian._keadaan_berlaku  # replaced where scoring looks it up
        rules.penilaian._keadaan_berlaku = lambda *a: jalur_cepat.append(asli(*a)) or jalur_cepat[-1]

        def minggu_baru() -> tuple[float, float, float]:
            berkas = Path(tmp) / "minggu_baru.duckdb"
            shutil.copyfile(sebelum, berkas)
            return dalam_penulisan(minggu[-1], berkas)

        teks = aturan.teks.replace("min: 76", "min: 80")

        def bagaimana() -> tuple[float, float, float]:
            con = store.sambungan_baca(salinan)
            try:
                t, c = time.perf_counter(), cpu()
                rules.bagaimana_jika(con, teks)
                return time.perf_counter() - t, 0.0, cpu() - c
            finally:
                con.close()

        for nama, f, target in (("skor ulang semua minggu", lambda: dalam_penulisan(None), 5.0),
                                ("skor satu minggu baru", minggu_baru, 0.5),
                                ("bagaimana-jika minggu terakhir", bagaimana, 1.0)):
            waktu = [f() for _ in range(args.ulang)]
            inti = [w[0] for w in waktu]
            sisa = median([w[1] for w in waktu])
            print(f"{nama:32s} median {median(inti):6.2f} s  (target ≤ {target} s; tiap ulang: "
                  + ", ".join(f"{x:.2f}" for x in inti) + f"; CPU median {median([w[2] for w in waktu]):.2f} s)"
                  + (f"  + salin/commit/checkpoint {sisa:.2f} s" if sisa else ""))
        print(f"minggu baru dari keadaan minggu sebelumnya (jalur cepat): {sum(jalur_cepat)} dari {len(jalur_cepat)}")
        con = duckdb.connect(str(salinan), read_only=True)
        z = con.execute("SELECT zona, count(*) FROM zona WHERE minggu = $m GROUP BY 1 ORDER BY 1", {"m": minggu[-1]}).fetchall()
        con.close()
        print("sebaran zona minggu terakhir: " + ", ".join(f"{a} {b:,}" for a, b in z))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
