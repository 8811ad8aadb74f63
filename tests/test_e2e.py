"""End to end in real headless Chromium (Debian's package, driven by Playwright): the overview,
then NTB, a kabupaten, a kecamatan, a desa and its koperasi; the numbers on screen equal
`python -m kdkmp summary --json` for the same place and week. Screenshots of every step go to
$KDKMP_SCREENSHOTS (the README's pictures) or a temp folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
AKAR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def folder_gambar(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("KDKMP_SCREENSHOTS") or tmp_path_factory.mktemp("gambar"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ringkasan_cli(db: Path, kode: str | None) -> dict:
    perintah = [sys.executable, "-m", "kdkmp", "summary", "--json", "--db", str(db)]
    if kode:
        perintah += ["--wilayah", kode]
    keluar = subprocess.run(perintah, cwd=AKAR, capture_output=True, text=True, check=True)
    return json.loads(keluar.stdout)


def tunggu_selesai(page: Page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def angka(teks: str) -> int:
    return int(teks.strip().replace(".", ""))


def nilai_metric(page: Page, label: str) -> int:
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").filter(has_text=label)).first
    return angka(metric.get_by_test_id("stMetricValue").inner_text())


def periksa_angka(page: Page, db: Path, kode: str | None) -> None:
    ringkas = ringkasan_cli(db, kode)
    for zona, label in (("hijau", "Hijau"), ("kuning", "Kuning"), ("merah", "Merah")):
        assert nilai_metric(page, label) == ringkas["zona"][zona], (kode, zona)
    assert nilai_metric(page, "Tidak melapor") == ringkas["zona"]["tidak_melapor"]
    melapor = f"melapor {ringkas['jumlah_koperasi']:,}".replace(",", ".")
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text="aturan versi").first).to_contain_text(melapor)


def buka_anak(page: Page, label: str, nama: str) -> None:
    kotak = page.get_by_test_id("stSelectbox").filter(has_text=label)
    kotak.click()
    page.keyboard.type(nama)  # the option list is virtualised: filter it to bring the option into view
    page.get_by_role("option", name=re.compile(rf"^{re.escape(nama)}")).first.click()
    tunggu_selesai(page)


def test_drill_down_from_overview_to_a_koperasi(page: Page, server_streamlit, db_demo, folder_gambar):
    page.goto(server_streamlit)
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Ringkasan nasional KDKMP")).to_be_visible(timeout=60_000)
    periksa_angka(page, db_demo, None)
    page.screenshot(path=folder_gambar / "1_nasional.png")

    langkah = [("Buka provinsi", "Nusa Tenggara Barat", "52", "Provinsi Nusa Tenggara Barat"),
               ("Buka kabupaten/kota", "Kabupaten Lombok Barat", "52.01", "Kabupaten Lombok Barat"),
               ("Buka kecamatan", "Gerung", "52.01.01", "Kecamatan Gerung"),
               ("Buka desa/kelurahan", "Gerung Utara", "52.01.01.1001", "Kelurahan Gerung Utara")]
    for i, (label, nama, kode, judul) in enumerate(langkah, start=2):
        buka_anak(page, label, nama)
        expect(page.get_by_role("heading", name=judul)).to_be_visible(timeout=60_000)
        assert f"={kode}" in page.url.replace("%2E", ".")
        periksa_angka(page, db_demo, kode)
        page.screenshot(path=folder_gambar / f"{i}_{kode}.png")

    page.get_by_test_id("stPageLink").filter(has_text="Buka Koperasi").first.click()
    tunggu_selesai(page)
    expect(page.get_by_text("Riwayat zona")).to_be_visible(timeout=60_000)
    assert "kode=KDKMP-5201011001" in page.url
    page.screenshot(path=folder_gambar / "6_koperasi.png")


def test_breadcrumb_goes_back_up(page: Page, server_streamlit):
    page.goto(f"{server_streamlit}/wilayah?prov=52&kab=52.01")
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Kabupaten Lombok Barat")).to_be_visible(timeout=60_000)
    page.get_by_test_id("stPageLink").filter(has_text="Nusa Tenggara Barat").first.click()
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Provinsi Nusa Tenggara Barat")).to_be_visible(timeout=60_000)


def runtun_melapor(zona: list[str]) -> int:
    """How many separate runs of reported weeks a koperasi's zone list has: the pieces its score line
    must be drawn in (a silent week breaks it)."""
    return sum(1 for i, z in enumerate(zona) if z != "tidak_melapor" and (i == 0 or zona[i - 1] == "tidak_melapor"))


def test_every_chart_of_an_area_view_and_a_koperasi_s_history_is_drawn_by_vega(page: Page, server_streamlit, db_demo):
    # Each spec is drawn by Streamlit's own Vega in Chromium (an invalid spec would draw nothing):
    # every chart of the kabupaten view holds marks, and a koperasi that missed a week between
    # reported ones has its score line in as many pieces as it has runs of reported weeks.
    page.goto(f"{server_streamlit}/wilayah?prov=52&kab=52.01")
    tunggu_selesai(page)
    grafik = page.get_by_test_id("stVegaLiteChart")
    expect(grafik.first.locator("svg g.role-mark").first).to_be_attached(timeout=60_000)
    assert grafik.count() >= 5
    for i in range(grafik.count()):
        tanda = grafik.nth(i).locator("svg g.role-mark > *")
        expect(tanda.first).to_be_attached(timeout=30_000)
    import duckdb

    with duckdb.connect(str(db_demo), read_only=True) as con:
        kode, zona = con.execute("""
            SELECT kode_koperasi, list(zona ORDER BY minggu) AS z FROM zona GROUP BY 1
            HAVING list_position(z, 'tidak_melapor') BETWEEN 2 AND len(z) - 1 AND z[1] <> 'tidak_melapor'
               AND z[len(z)] <> 'tidak_melapor'
            ORDER BY 1 LIMIT 1""").fetchone()
    page.goto(f"{server_streamlit}/koperasi?kode={kode}")
    tunggu_selesai(page)
    garis = page.get_by_test_id("stVegaLiteChart").locator("g.mark-line path")
    expect(garis.first).to_be_attached(timeout=60_000)
    d = garis.first.get_attribute("d")
    assert d.count("M") == runtun_melapor(zona) >= 2, (kode, zona, d)
    # the silent weeks are marked by a cross each, labelled as such for a screen reader too
    diam = page.get_by_test_id("stVegaLiteChart").locator("g.mark-symbol path[aria-label*='Tidak melapor']")
    assert diam.count() == zona.count("tidak_melapor")


def test_the_map_renders_in_software_webgl(page: Page, server_streamlit, folder_gambar):
    page.goto(f"{server_streamlit}/wilayah?prov=52")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stDeckGlJsonChart")).to_have_count(0)  # drawn only when asked
    page.get_by_test_id("stCheckbox").filter(has_text="Tampilkan peta").click()
    peta = page.get_by_test_id("stDeckGlJsonChart").first
    peta.scroll_into_view_if_needed()
    expect(peta.locator("canvas").first).to_be_visible(timeout=60_000)
    peta.screenshot(path=folder_gambar / "peta_ntb.png")


def test_upload_a_week_then_download_the_red_list(page: Page, server_salinan, tmp_path):
    import pandas as pd

    from kdkmp import queries, store
    from tests.snapshot_factory import frame_contoh

    url, db = server_salinan
    berkas = tmp_path / "laporan_23_nov.csv"
    df = frame_contoh(15, minggu=__import__("datetime").date(2026, 11, 23))
    df.loc[4, "kode_desa"] = "99.99.99.9999"
    df.to_csv(berkas, index=False, sep=";")

    page.goto(f"{url}/unggah")
    tunggu_selesai(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(berkas))
    expect(page.get_by_test_id("stMetric").filter(has_text="Baris ditolak")).to_contain_text("1", timeout=60_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Minggu terdeteksi")).to_contain_text("23 Nov 2026")
    page.get_by_test_id("stCheckbox").filter(has_text="Ya, file ini memang seluruh data minggu itu").click()
    page.get_by_role("button", name="Muat ke basis data").click()
    expect(page.get_by_text("dimuat sebagai batch")).to_be_visible(timeout=60_000)
    con = store.sambungan_baca(db)
    assert queries.minggu_terakhir(con) == __import__("datetime").date(2026, 11, 23)

    page.goto(f"{url}/intervensi?prov=52")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stDownloadButton").first).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=60_000) as unduhan:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").first.click()
    assert unduhan.value.suggested_filename == "kdkmp_merah_52_2026-11-23.csv"
    isi = pd.read_csv(unduhan.value.path(), encoding="utf-8-sig")
    harap = queries.daftar_intervensi(con, None, "52", (("zona", "merah"),))
    assert isi["Kode koperasi"].tolist() == harap["kode_koperasi"].tolist()
    con.close()
    # the load and the export are in the audit trail, by the signed-in user (the local admin here)
    import json

    from kdkmp import catatan

    url_catatan = "sqlite:///" + str(db.resolve().parent / catatan.NAMA_BERKAS)
    muat = catatan.baca_jejak(peristiwa="muat", url=url_catatan).iloc[0]
    assert muat["oleh"] == "lokal" and json.loads(muat["rincian"])["file"] == "laporan_23_nov.csv"
    # the export's audit row is committed when the file is made, before the browser receives it
    jejak = catatan.baca_jejak(peristiwa="ekspor", url=url_catatan)
    assert len(jejak) == 1
    ekspor = jejak.iloc[0]
    rincian = json.loads(ekspor["rincian"])
    assert (ekspor["oleh"], ekspor["wilayah"], rincian["format"], rincian["baris"]) == ("lokal", "52", "csv", len(harap))


def test_from_a_province_to_its_red_list_and_csv_in_two_clicks(page: Page, server_streamlit, db_demo):
    # The meeting's fifth question from the province's own page: one click to its list, one to
    # the CSV. The file holds as many koperasi as the province's merah card says (summary --json).
    import pandas as pd

    page.goto(f"{server_streamlit}/wilayah?prov=52")
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Provinsi Nusa Tenggara Barat")).to_be_visible(timeout=60_000)
    merah = ringkasan_cli(db_demo, "52")["zona"]["merah"]
    klik = 0
    page.get_by_test_id("stPageLink").filter(has_text="Daftar intervensi Nusa Tenggara Barat").first.click()
    klik += 1
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Daftar intervensi")).to_be_visible(timeout=60_000)
    assert nilai_metric(page, "Koperasi sesuai saringan") == merah
    with page.expect_download(timeout=60_000) as unduhan:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").first.click()
    klik += 1
    isi = pd.read_csv(unduhan.value.path(), encoding="utf-8-sig")
    assert klik == 2 and len(isi) == merah
    assert set(isi["Zona"]) == {"Merah"} and isi["Provinsi"].eq("Nusa Tenggara Barat").all()


def test_the_meeting_view_hands_out_its_brief(page: Page, server_streamlit, db_demo):
    # From the meeting view of NTB: the PPTX brief, read back, carries the province's merah count
    # as summary --json gives it
    from pptx import Presentation

    page.goto(f"{server_streamlit}/rapat?prov=52")
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Rapat mingguan · Provinsi Nusa Tenggara Barat")).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=60_000) as unduhan:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh brief (PPTX)").first.click()
    assert unduhan.value.suggested_filename.endswith(".pptx")
    teks = []
    for slide in Presentation(unduhan.value.path()).slides:
        for bentuk in slide.shapes:
            if bentuk.has_text_frame:
                teks.append(bentuk.text_frame.text)
            if bentuk.has_table:
                teks += [sel.text for baris in bentuk.table.rows for sel in baris.cells]
    semua = "\n".join(teks)
    merah = ringkasan_cli(db_demo, "52")["zona"]["merah"]
    assert "Nusa Tenggara Barat" in semua and f"{merah:,}".replace(",", ".") in semua


def test_the_readme_start_serves_the_local_browser_on_a_dual_stack_server(page: Page, db_demo, tmp_path):
    # `streamlit run app.py` binds '::' by default, so a browser at 127.0.0.1 arrives as
    # ::ffff:127.0.0.1; it is the local user all the same, not a stranger to refuse
    from tests.conftest import jalankan_server

    with jalankan_server(db_demo, tmp_path / "streamlit.log", argumen=["--server.address", "::"]) as url:
        page.goto(url)  # http://127.0.0.1:PORT, an IPv4 client of the IPv6 socket
        tunggu_selesai(page)
        expect(page.get_by_role("heading", name="Ringkasan nasional KDKMP")).to_be_visible(timeout=60_000)
