"""What a meeting sees on the projector: page times in real headless Chromium (Debian's package,
driven by Playwright) against `streamlit run` on the 26-week national demo.

    python bench/bench_peramban.py [--ulang 3] [--db PATH]

For the national overview, a kabupaten view and a koperasi's page (opened from the intervention
list), from navigation to the first KPI on screen (a koperasi: its zone verdict) and to every
chart drawn (Streamlit idle and as many charts drawn as the view shows once settled: a
Vega-Lite chart has its SVG or canvas, a map its canvas), each visit a new Streamlit
session: in a new browser (nothing cached) and in a new tab of a browser that has Streamlit's scripts
cached (every later visit); and a click from the kabupaten to one of its kecamatan. The server's
caches are warm after the first visit. Last, the floor: the same two figures for a bare Streamlit
app (a title and one st.metric) in the same Chromium, the part of a first paint that is Streamlit
itself. Prints medians; asserts nothing (figures for the README). Targets (issue 12): first paint of
a kabupaten view ≤ 1 s, national overview ≤ 1.5 s, a click to a child ≤ 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bersama import AKAR, db_nasional

sys.path.insert(0, str(AKAR))
from tests.conftest import CHROMIUM, jalankan_server, tunggu_sehat  # noqa: E402

SELESAI = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# A chart and what shows it drawn. A chart's element appears only once its library has loaded, so
# "every chart on the page drawn" alone is true too early: the count to reach comes from a settled visit.
GRAFIK = {"stVegaLiteChart": "svg.marks, canvas", "stDeckGlJsonChart": "canvas"}
APLIKASI_KOSONG = """import streamlit as st

st.set_page_config(layout="wide")
st.title("Lantai")
st.metric("Koperasi", "1.166")
"""


def grafik_tergambar(page) -> int | None:
    """How many charts are drawn, or None while Streamlit is still running the script."""
    return page.evaluate("""(grafik) => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
        let n = 0;
        for (const [id, tanda] of Object.entries(grafik))
            for (const g of document.querySelectorAll(`[data-testid="${id}"]`)) if (g.querySelector(tanda)) n++;
        return n;
    }""", GRAFIK)


def tunggu_tergambar(page, jumlah: int) -> None:
    while (n := grafik_tergambar(page)) is None or n < jumlah:
        page.wait_for_timeout(20)


def jumlah_grafik(browser, url: str) -> int:
    """The charts a view shows once settled (a visit that is not timed)."""
    page = browser.new_page(viewport={"width": 1600, "height": 1400}, locale="id-ID")
    try:
        page.goto(url)
        page.wait_for_selector(SELESAI, timeout=120_000)
        page.wait_for_timeout(5000)
        return grafik_tergambar(page) or 0
    finally:
        page.close()


KPI = '[data-testid="stMetricValue"]'
VONIS = '[data-testid="stMarkdownContainer"] h2 span'  # a koperasi page's "■ Merah · skor …"


def kunjungi(browser, url: str, jumlah: int, konteks=None, tanda: str = KPI) -> tuple[float, float]:
    """(seconds to the first KPI value — or what `tanda` selects —, seconds to its `jumlah` charts
    drawn) in a fresh session: a new browser context (nothing cached: the first visit of an office),
    or a new tab of `konteks` (Streamlit's scripts already in the browser's cache, as on every later
    visit)."""
    sendiri = konteks is None
    konteks = konteks or browser.new_context(viewport={"width": 1600, "height": 1400}, locale="id-ID")
    page = konteks.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(tanda, timeout=120_000)
        kpi = time.perf_counter() - t0
        tunggu_tergambar(page, jumlah)
        return kpi, time.perf_counter() - t0
    finally:
        page.close()
        if sendiri:
            konteks.close()


def klik_ke_anak(browser, url: str, label: str, nama: str, judul: str, jumlah: int) -> float:
    """Seconds from choosing a child area in its selector to its view drawn."""
    konteks = browser.new_context(viewport={"width": 1600, "height": 1400}, locale="id-ID")
    page = konteks.new_page()
    try:
        page.goto(url)
        page.wait_for_selector(SELESAI, timeout=120_000)
        kotak = page.get_by_test_id("stSelectbox").filter(has_text=label)
        kotak.click()
        page.keyboard.type(nama)
        page.get_by_role("option", name=re.compile(rf"^{re.escape(nama)}")).first.wait_for()
        t0 = time.perf_counter()
        page.keyboard.press("Enter")  # the first match; its element is redrawn as the list filters
        page.get_by_role("heading", name=judul).wait_for(timeout=120_000)
        tunggu_tergambar(page, jumlah)
        return time.perf_counter() - t0
    finally:
        konteks.close()


@contextlib.contextmanager
def server_kosong(folder: Path):
    """A bare Streamlit app (a title and one metric) served the way jalankan_server serves ours:
    the same options, the same .streamlit/config.toml (run from the project's folder)."""
    app = folder / "kosong.py"
    app.write_text(APLIKASI_KOSONG)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(folder / "kosong.log", "w") as log:
        proses = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=AKAR, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        tunggu_sehat(url, proses, lambda: (folder / "kosong.log").read_text(), detik=60)
        yield url
    finally:
        proses.terminate()
        proses.wait(timeout=10)


def koperasi_merah(db: Path) -> str:
    """The first koperasi of Lombok Barat's intervention list: the page a PMO officer opens from it."""
    from kdkmp import queries, store

    con = store.sambungan_baca(db)
    try:
        return queries.daftar_intervensi(con, None, "52.01")["kode_koperasi"].iloc[0]
    finally:
        con.close()


def cetak(nama: str, browser, alamat: str, target: float | None, ulang: int, tanda: str = KPI) -> None:
    jumlah = jumlah_grafik(browser, alamat)
    baru = [kunjungi(browser, alamat, jumlah, tanda=tanda) for _ in range(ulang)]
    konteks = browser.new_context(viewport={"width": 1600, "height": 1400}, locale="id-ID")
    kunjungi(browser, alamat, jumlah, konteks, tanda)  # fills the browser's cache
    tersimpan = [kunjungi(browser, alamat, jumlah, konteks, tanda) for _ in range(ulang)]
    konteks.close()
    median = lambda xs, i: statistics.median(x[i] for x in xs)
    print(f"{nama:26s} peramban baru: KPI {median(baru, 0):.2f} s, semua tergambar {median(baru, 1):.2f} s; "
          f"skrip Streamlit sudah tersimpan: KPI {median(tersimpan, 0):.2f} s, semua {median(tersimpan, 1):.2f} s "
          f"(median {ulang}; {jumlah} grafik" + (f"; target KPI ≤ {target} s)" if target else ")"), flush=True)


def main() -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--db", help="database (default: the national demo under bench/out)")
    args = ap.parse_args()
    db = Path(args.db) if args.db else db_nasional()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        with jalankan_server(db, Path(tmp) / "streamlit.log") as url:
            for nama, alamat, target, tanda in (
                    ("ringkasan nasional", url, 1.5, KPI),
                    ("kabupaten (Lombok Barat)", f"{url}/wilayah?prov=52&kab=52.01", 1.0, KPI),
                    ("koperasi (dari daftar)", f"{url}/koperasi?kode={koperasi_merah(db)}", None, VONIS)):
                cetak(nama, browser, alamat, target, args.ulang, tanda)
            kabupaten = f"{url}/wilayah?prov=52&kab=52.01"
            jumlah = jumlah_grafik(browser, f"{kabupaten}&kec=52.01.01")
            klik = [klik_ke_anak(browser, kabupaten, "Buka kecamatan", "Gerung", "Kecamatan Gerung", jumlah)
                    for _ in range(args.ulang)]
            print(f"{'klik kabupaten → kecamatan':26s} median {statistics.median(klik):.2f} s "
                  f"(tiap ulang: {', '.join(f'{x:.2f}' for x in klik)}; target ≤ 1 s)", flush=True)
        # The floor: Streamlit's own start of a session in this browser, with nothing of ours.
        with server_kosong(Path(tmp)) as url:
            cetak("lantai: Streamlit kosong", browser, url, None, args.ulang)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
