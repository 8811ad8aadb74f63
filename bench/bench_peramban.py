"""What a meeting sees on the projector: page times in real headless Chromium (Debian's package,
driven by Playwright) against `streamlit run` on the 26-week national demo.

    python bench/bench_peramban.py [--ulang 3] [--db PATH]

For the national overview and a kabupaten view, from navigation to the first KPI on screen and to
every chart drawn (Streamlit idle, every Plotly chart and the map's canvas present), each visit a
new Streamlit session: in a new browser (nothing cached) and in a new tab of a browser that has
Streamlit's scripts cached (every later visit); and a click from the kabupaten to one of its
kecamatan. The server's caches are warm after the first visit. Prints medians; asserts nothing (figures for the README). Targets (issue 12): first
paint of a kabupaten view ≤ 1 s, national overview ≤ 1.5 s, a click to a child ≤ 1 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _bersama import AKAR, db_nasional

sys.path.insert(0, str(AKAR))
from tests.conftest import CHROMIUM, jalankan_server  # noqa: E402

SELESAI = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def semua_tergambar(page) -> bool:
    """Streamlit idle and every chart drawn: each Plotly chart has its SVG, the map its canvas."""
    return page.evaluate("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
        const plot = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
        if (plot.some(p => !p.querySelector('.main-svg'))) return false;
        const peta = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
        return peta.every(p => p.querySelector('canvas'));
    }""")


def kunjungi(browser, url: str, konteks=None) -> tuple[float, float]:
    """(seconds to the first KPI value, seconds to everything drawn) in a fresh session: a new
    browser context (nothing cached: the first visit of an office), or a new tab of `konteks`
    (Streamlit's scripts already in the browser's cache, as on every later visit)."""
    sendiri = konteks is None
    konteks = konteks or browser.new_context(viewport={"width": 1600, "height": 1400}, locale="id-ID")
    page = konteks.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=120_000)
        kpi = time.perf_counter() - t0
        while not semua_tergambar(page):
            page.wait_for_timeout(20)
        return kpi, time.perf_counter() - t0
    finally:
        page.close()
        if sendiri:
            konteks.close()


def klik_ke_anak(browser, url: str, label: str, nama: str, judul: str) -> float:
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
        while not semua_tergambar(page):
            page.wait_for_timeout(20)
        return time.perf_counter() - t0
    finally:
        konteks.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--db", help="database (default: the national demo under bench/out)")
    args = ap.parse_args()
    db = Path(args.db) if args.db else db_nasional()
    with tempfile.TemporaryDirectory() as tmp, jalankan_server(db, Path(tmp) / "streamlit.log") as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        for nama, alamat, target in (("ringkasan nasional", url, 1.5),
                                     ("kabupaten (Lombok Barat)", f"{url}/wilayah?prov=52&kab=52.01", 1.0)):
            baru = [kunjungi(browser, alamat) for _ in range(args.ulang)]
            konteks = browser.new_context(viewport={"width": 1600, "height": 1400}, locale="id-ID")
            kunjungi(browser, alamat, konteks)  # fills the browser's cache
            tersimpan = [kunjungi(browser, alamat, konteks) for _ in range(args.ulang)]
            konteks.close()
            median = lambda xs, i: statistics.median(x[i] for x in xs)
            print(f"{nama:26s} peramban baru: KPI {median(baru, 0):.2f} s, semua tergambar {median(baru, 1):.2f} s; "
                  f"skrip Streamlit sudah tersimpan: KPI {median(tersimpan, 0):.2f} s, semua {median(tersimpan, 1):.2f} s "
                  f"(median {args.ulang}; target KPI ≤ {target} s)")
        klik = [klik_ke_anak(browser, f"{url}/wilayah?prov=52&kab=52.01", "Buka kecamatan", "Gerung",
                             "Kecamatan Gerung") for _ in range(args.ulang)]
        print(f"{'klik kabupaten → kecamatan':26s} median {statistics.median(klik):.2f} s "
              f"(tiap ulang: {', '.join(f'{x:.2f}' for x in klik)}; target ≤ 1 s)")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
