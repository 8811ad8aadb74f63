"""Tindak lanjut in real headless Chromium: an office records an action on a koperasi page, then
finds it on the intervention list by its PIC and downloads the list with the action's columns."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from kdkmp import catatan, queries, store
from tests.test_e2e import nilai_metric, tunggu_selesai

pytestmark = pytest.mark.e2e


def test_an_action_recorded_on_a_koperasi_page_is_on_the_intervention_list_with_its_pic(page: Page, server_salinan):
    url, db = server_salinan
    con = store.sambungan_baca(db)
    merah = queries.daftar_intervensi(con, None, "52.01")
    kode, nama = merah["kode_koperasi"].iloc[0], merah["nama_koperasi"].iloc[0]
    con.close()

    page.goto(f"{url}/koperasi?kode={kode}")
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name=nama)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Belum ada tindak lanjut untuk koperasi ini.")).to_be_visible()
    formulir = page.get_by_test_id("stForm").filter(has_text="Catat tindak lanjut baru")
    formulir.get_by_label("Nama PIC").fill("Rina Lestari")
    formulir.get_by_label("Kantor PIC").fill("Diskop Lombok Barat")
    formulir.get_by_label("Catatan").fill("Verifikasi lahan dengan BPN")
    formulir.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_text("Tindak lanjut nomor 1 dicatat.")).to_be_visible(timeout=60_000)
    tunggu_selesai(page)
    url_catatan = "sqlite:///" + str(db.resolve().parent / catatan.NAMA_BERKAS)
    simpan = catatan.baca_tindakan(url=url_catatan)
    assert simpan[["kode_koperasi", "pic_nama", "status", "dibuat_oleh"]].values.tolist() == [
        [kode, "Rina Lestari", "direncanakan", "lokal"]]

    page.goto(f"{url}/intervensi?prov=52&kab=52.01")
    tunggu_selesai(page)
    expect(page.get_by_role("heading", name="Daftar intervensi")).to_be_visible(timeout=60_000)
    assert nilai_metric(page, "Koperasi sesuai saringan") == len(merah)
    kotak = page.get_by_test_id("stSelectbox").filter(has_text="PIC").first
    kotak.click()
    page.get_by_role("option", name="Rina Lestari").click()
    tunggu_selesai(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Koperasi sesuai saringan")).to_contain_text("1")
    assert "tl_pic=Rina" in page.url
    with page.expect_download(timeout=60_000) as unduhan:
        page.get_by_test_id("stDownloadButton").filter(has_text="Unduh CSV").first.click()
    isi = pd.read_csv(unduhan.value.path(), encoding="utf-8-sig", dtype=str)
    assert isi[["Kode koperasi", "Tindakan", "PIC", "Kantor PIC", "Status", "ID tindakan", "Versi tindakan"]].values.tolist() == [
        [kode, "Verifikasi lahan", "Rina Lestari", "Diskop Lombok Barat", "Direncanakan", "1", "1"]]
    assert isi["Kode desa/kelurahan"].iloc[0].startswith("52.01.")
