"""Read side on the 26-week national demo database: every query function, every page's full
server-side run (AppTest), and the memory of a real `streamlit run` after a browser visited
every page.

    python bench/bench_app.py [--ulang 5] [--tanpa-peramban] [--db PATH]

Targets (issue 4): each query ≤ 150 ms median; each page ≤ 1.5 s median at national level and
≤ 1 s at kabupaten level; app process memory ≤ 1.5 GB after visiting every page.
Page runs are measured with Streamlit's caches cleared before every run (the cold case).

The cold kabupaten view (issue 14): the queries ui/wilayah.py runs for a kabupaten office's first
visit, each over 25 different kabupaten (nothing repeats, as 25 offices opening their own), wall and
CPU (user + sys of the process, DuckDB's threads included) per view, read from the area aggregates
(kdkmp/agregat.py) and from the rows; and what keeping the aggregates costs the writer (one week
refreshed after a load, one kabupaten's kecamatan after its reload, every week after a rescoring),
on a copy of the database.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _bersama import AKAR, db_nasional, median_detik

from kdkmp import agregat, queries, store

KABUPATEN = "52.01"
KABUPATEN_MUAT = "33.12"  # bench_muat_wilayah.py's kabupaten (291 koperasi)


def bench_query(db: Path, ulang: int) -> None:
    con = store.sambungan_baca(db)
    minggu = queries.minggu_terakhir(con)
    kode = queries.daftar_intervensi(con, minggu, KABUPATEN)["kode_koperasi"].iloc[0]
    panggilan = {
        "ringkasan": lambda w: queries.ringkasan(con, minggu, w),
        "rekap_anak": lambda w: queries.rekap_anak(con, minggu, w),
        "hitung_zona": lambda w: queries.hitung_zona(con, minggu, w),
        "zona_per_anak": lambda w: queries.zona_per_anak(con, minggu, w),
        "kendala_per_zona": lambda w: queries.kendala_per_zona(con, minggu, w),
        "tren_zona": lambda w: queries.tren_zona(con, w),
        "transisi_zona": lambda w: queries.transisi_zona(con, minggu, w),
        "hitung_pergerakan": lambda w: queries.hitung_pergerakan(con, minggu, w),
        "daftar_intervensi(baru_merah)": lambda w: queries.daftar_intervensi(con, minggu, w, (("gerak", "baru_merah"),)),
        "rata_pilar": lambda w: queries.rata_pilar(con, minggu, w),
        "titik_peta": lambda w: queries.titik_peta(con, minggu, w),
        "daftar_intervensi": lambda w: queries.daftar_intervensi(con, minggu, w),
        "kelengkapan_wilayah": lambda w: queries.kelengkapan_wilayah(con, minggu, w),
        "koperasi_tanpa_laporan": lambda w: queries.koperasi_tanpa_laporan(con, minggu, w),
        "tingkat_lapor_provinsi": lambda w: queries.tingkat_lapor_provinsi(con),
        "riwayat_koperasi": lambda w: queries.riwayat_koperasi(con, kode),
        "laporan_koperasi": lambda w: queries.laporan_koperasi(con, kode, minggu),
        "penjelasan_koperasi": lambda w: queries.penjelasan_koperasi(con, kode, minggu),
    }
    print(f"{'query':32} {'national ms':>12} {f'kab {KABUPATEN} ms':>14}")
    for nama, f in panggilan.items():
        nasional = median_detik(lambda: f(None), ulang) * 1000
        kab = median_detik(lambda: f(KABUPATEN), ulang) * 1000
        print(f"{nama:32} {nasional:12.1f} {kab:14.1f}")


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def kabupaten_bench(jumlah: int = 25) -> list[str]:
    """The kabupaten of bench_beban.py's `--skenario kabupaten` users: one per user, all different."""
    from bench_beban import susun_pengguna

    return [p.wilayah for p in susun_pengguna(jumlah, "kabupaten")]


def bench_tampilan_dingin(db: Path) -> None:
    con = store.sambungan_baca(db)
    minggu = queries.minggu_terakhir(con)
    kabupaten = kabupaten_bench()
    # what tampilkan_wilayah asks for a kabupaten (the national per-province counts: its own province)
    panggilan = {
        "hitung_zona": lambda k: queries.hitung_zona(con, minggu, k),
        "cap_data": lambda k: queries.cap_data(con, minggu),
        "zona_per_anak(nasional)": lambda k: queries.zona_per_anak(con, minggu, None),
        "hitung_pergerakan": lambda k: queries.hitung_pergerakan(con, minggu, k),
        "zona_per_anak": lambda k: queries.zona_per_anak(con, minggu, k),
        "kendala_per_zona": lambda k: queries.kendala_per_zona(con, minggu, k),
        "rata_pilar": lambda k: queries.rata_pilar(con, minggu, k),
        "tren_zona": lambda k: queries.tren_zona(con, k),
        "transisi_zona": lambda k: queries.transisi_zona(con, minggu, k),
        "rekap_anak": lambda k: queries.rekap_anak(con, minggu, k),
        "titik_peta": lambda k: queries.titik_peta(con, minggu, k),
    }
    asli = agregat.berlaku
    if not asli(con):
        print("cold kabupaten view: this database has no current area aggregates (built before them, or by an "
              "older writer); `python -m kdkmp score --db …` on a copy builds them")
    hasil = {}
    for sumber, berlaku in (("aggregates", asli), ("rows", lambda c: False), ("aggregates", asli), ("rows", lambda c: False)):
        agregat.berlaku = berlaku
        try:
            for f in panggilan.values():  # warm DuckDB's buffers: the file is read once per process anyway
                f(kabupaten[0])
            for nama, f in panggilan.items():
                t, c = time.perf_counter(), _cpu()
                for k in kabupaten:
                    f(k)
                w, c = (time.perf_counter() - t) / len(kabupaten), (_cpu() - c) / len(kabupaten)
                hasil.setdefault((sumber, nama), []).append((w, c))
        finally:
            agregat.berlaku = asli
    print(f"{'cold kabupaten view, per view (25 kabupaten)':44} {'aggregates ms':>20} {'rows ms':>20}")
    print(f"{'':44} {'wall':>9} {'cpu':>10} {'wall':>9} {'cpu':>10}")
    jumlah = {s: [0.0, 0.0] for s in ("aggregates", "rows")}
    for nama in panggilan:
        baris = []
        for sumber in ("aggregates", "rows"):
            w = min(x[0] for x in hasil[(sumber, nama)]) * 1000  # the less disturbed of two interleaved runs
            c = min(x[1] for x in hasil[(sumber, nama)]) * 1000
            jumlah[sumber][0] += w
            jumlah[sumber][1] += c
            baris.append(f"{w:9.1f} {c:10.1f}")
        print(f"{nama:44} {' '.join(baris)}")
    print(f"{'total':44} " + " ".join(f"{jumlah[s][0]:9.1f} {jumlah[s][1]:10.1f}" for s in ("aggregates", "rows")))
    con.close()


def bench_tulis_agregat(db: Path, ulang: int) -> None:
    import shutil
    import tempfile

    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        salinan = Path(tmp) / "salinan.duckdb"
        shutil.copyfile(db, salinan)
        con = duckdb.connect(str(salinan))
        try:
            con.execute("BEGIN")
            t, c = time.perf_counter(), _cpu()
            agregat.bangun_ulang(con)
            print(f"aggregates, every week rebuilt (after a rescoring): {time.perf_counter() - t:.2f} s wall, "
                  f"{_cpu() - c:.2f} s CPU")
            waktu = []
            for _ in range(ulang):
                # the latest week's stamp changed, as after a load of that week
                con.execute("UPDATE agregat_minggu SET cap = 'lama' WHERE minggu = (SELECT max(minggu) FROM agregat_minggu)")
                t, c = time.perf_counter(), _cpu()
                agregat.segarkan(con)
                waktu.append((time.perf_counter() - t, _cpu() - c))
            w, c = statistics.median(x[0] for x in waktu), statistics.median(x[1] for x in waktu)
            print(f"aggregates, one week refreshed (after a load of the latest week), median of {ulang}: "
                  f"{w * 1000:.0f} ms wall, {c * 1000:.0f} ms CPU")
            # a kabupaten's reload of the latest week (ingest.skor_setelah_muat): its koperasi's kecamatan
            minggu = con.execute("SELECT max(minggu) FROM agregat_minggu").fetchall()[0][0]
            koperasi = [r[0] for r in con.execute("SELECT kode_koperasi FROM laporan WHERE minggu = $m AND kode_kabupaten = $k",
                                                  {"m": minggu, "k": KABUPATEN_MUAT}).fetchall()]
            waktu = []
            for _ in range(ulang):
                con.execute("UPDATE agregat_minggu SET cap = 'lama' WHERE minggu = $m", {"m": minggu})
                t, c = time.perf_counter(), _cpu()
                with agregat.penyegaran(con, minggu, koperasi):
                    pass  # the scoring would run here
                waktu.append((time.perf_counter() - t, _cpu() - c))
            w, c = statistics.median(x[0] for x in waktu), statistics.median(x[1] for x in waktu)
            print(f"aggregates, one kabupaten's kecamatan refreshed (after its reload, {KABUPATEN_MUAT}, {len(koperasi)} "
                  f"koperasi), median of {ulang}: {w * 1000:.0f} ms wall, {c * 1000:.0f} ms CPU")
            con.execute("ROLLBACK")
        finally:
            con.close()


def bench_halaman(db: Path, ulang: int) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["KDKMP_DB"] = str(db)
    con = store.sambungan_baca(db)
    kode = queries.daftar_intervensi(con, None, KABUPATEN)["kode_koperasi"].iloc[0]
    kasus = [("halaman/ringkasan.py", {}, "national"), ("halaman/wilayah.py", {"prov": "52", "kab": KABUPATEN}, "kabupaten"),
             ("halaman/wilayah.py", {"prov": "52"}, "provinsi"), ("halaman/koperasi.py", {"kode": kode}, "koperasi"),
             ("halaman/intervensi.py", {}, "national"), ("halaman/kualitas.py", {}, "national"),
             ("halaman/aturan.py", {}, "national"), ("halaman/unggah.py", {}, "-")]

    def jalankan(halaman, param):
        st.cache_data.clear()
        at = AppTest.from_file(str(AKAR / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(halaman)
        for k, v in param.items():
            at.query_params[k] = v
        st.cache_data.clear()  # the first run (the default page) must not warm this one
        t = time.perf_counter()
        at.run()
        detik = time.perf_counter() - t
        assert not at.exception, at.exception
        return detik

    print(f"{'page (cold cache, AppTest)':40} {'median s':>9}")
    for halaman, param, tingkat in kasus:
        waktu = [jalankan(halaman, param) for _ in range(ulang)]
        print(f"{halaman + ' ' + tingkat:40} {statistics.median(waktu):9.2f}")


def bench_memori(db: Path) -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proses = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=AKAR, env={**os.environ, "KDKMP_DB": str(db)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        alamat = ["", "wilayah?prov=52", "wilayah?prov=52&kab=52.01", "wilayah?prov=35&kab=35.09",
                  "koperasi?kode=KDKMP-5201011001", "intervensi", "kualitas", "aturan", "unggah"]
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium",
                                  args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            halaman = b.new_page(viewport={"width": 1600, "height": 1400})
            for a in alamat:
                t = time.perf_counter()
                halaman.goto(f"{url}/{a}")
                halaman.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
                print(f"browser: /{a:35} loaded in {time.perf_counter() - t:5.2f} s")
            b.close()
        with open(f"/proc/{proses.pid}/status") as f:
            rss = next(int(b.split()[1]) for b in f if b.startswith("VmRSS:")) / 1024
            f.seek(0)
            puncak = next(int(b.split()[1]) for b in f if b.startswith("VmHWM:")) / 1024
        print(f"streamlit server after visiting every page: RSS {rss:.0f} MB (peak {puncak:.0f} MB)")
    finally:
        proses.terminate()
        proses.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ulang", type=int, default=5)
    ap.add_argument("--tanpa-peramban", action="store_true", help="skip the browser memory run")
    ap.add_argument("--db", help="database (default: the national demo under bench/out); only read")
    ap.add_argument("--hanya-dingin", action="store_true",
                    help="only the cold kabupaten view and the aggregates' write cost")
    args = ap.parse_args()
    db = Path(args.db) if args.db else db_nasional()
    bench_tampilan_dingin(db)
    bench_tulis_agregat(db, args.ulang)
    if args.hanya_dingin:
        return
    bench_query(db, args.ulang)
    bench_halaman(db, max(3, args.ulang // 2 + 1))
    if not args.tanpa_peramban:
        bench_memori(db)


if __name__ == "__main__":
    main()
