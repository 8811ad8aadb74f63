"""Tindak lanjut through the real pages (AppTest), as a PMO office uses them: record an action on a
koperasi page and find it on the intervention list and its filters; a stale save refused with the
first one kept; the spreadsheet round trip with one bad row; scope and the read-only role.

Expected values come from the weekly data (queries.daftar_intervensi), from what the test typed,
and from the state store read directly, never from the views under test."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kdkmp import akses, catatan, queries, store
from kdkmp import tindaklanjut as tl
from tests.conftest import buka_app
from tests.test_pages import baris_grafik

KAB = "52.01"
ADMIN = akses.Pengguna(nama="budi", peran="admin", wilayah=None, cara_masuk="proksi")
SARI = akses.Pengguna(nama="sari", peran="kabupaten", wilayah=KAB, cara_masuk="proksi")


def merah(db, wilayah: str = KAB) -> list[str]:
    return queries.daftar_intervensi(store.sambungan_baca(db), None, wilayah)["kode_koperasi"].tolist()


def tabel_dengan(at: AppTest, kolom: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if kolom in d.value.columns)


def angka(teks: str) -> int:
    return int(teks.replace(".", ""))


def metrik(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_an_action_recorded_on_the_koperasi_page_shows_on_the_list_and_its_filters(salinan_demo):
    kode_merah = merah(salinan_demo)
    kode = kode_merah[3]
    at = buka_app("halaman/koperasi.py", kode=kode)
    at.selectbox(key="tl_jenis").select("verifikasi_lahan")
    at.text_input(key="tl_pic").input("Sari Wulandari")
    at.text_input(key="tl_kantor").input("Diskop Lombok Barat")
    target = tl.hari_ini() - timedelta(days=10)  # passed and not finished: overdue
    at.date_input(key="tl_target").set_value(target)
    at.selectbox(key="tl_status").select("berjalan")
    at.text_area(key="tl_catatan").input("Surat ke Pemda dikirim")
    at.button(key="tl_simpan_baru").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Tindak lanjut nomor 1 dicatat."]
    tampil = tabel_dengan(at, "Versi")
    assert tampil[["Tindakan", "Status", "PIC", "Kantor PIC", "Target", "Terlambat", "Catatan", "Versi"]].to_dict(
        "records") == [{"Tindakan": "Verifikasi lahan", "Status": "Berjalan", "PIC": "Sari Wulandari",
                        "Kantor PIC": "Diskop Lombok Barat", "Target": target, "Terlambat": "ya",
                        "Catatan": "Surat ke Pemda dikirim", "Versi": 1}]
    assert "1 terlambat" in " ".join(c.value for c in at.caption)
    # the form is empty again for the next action
    assert at.text_input(key="tl_pic").value == ""
    # stored as typed, by the signed-in user (local mode: the admin 'lokal'), with its audit row
    disimpan = catatan.baca_tindakan(kode_koperasi=kode)
    assert disimpan[["jenis", "pic_nama", "status", "dibuat_oleh"]].values.tolist() == [
        ["verifikasi_lahan", "Sari Wulandari", "berjalan", "lokal"]]
    assert len(catatan.baca_jejak(peristiwa="tindakan_catat")) == 1
    # the change is on the zone timeline, in the newest loaded week
    riwayat = baris_grafik(next(g for g in at.get("vega_lite_chart") if "Riwayat zona" in g.proto.spec))
    jejak = riwayat[riwayat["berubah"] > 0]
    assert jejak["minggu_iso"].tolist() == [queries.minggu_terakhir(store.sambungan_baca(salinan_demo)).isoformat()]
    assert jejak["tindak_lanjut"].iloc[0].startswith("Verifikasi lahan: dicatat: tindakan Verifikasi lahan; status Berjalan")

    daftar = buka_app("halaman/intervensi.py", prov="52", kab=KAB)
    tampil = daftar.dataframe[0].value
    assert tampil["Kode koperasi"].tolist() == kode_merah  # same rows, same order
    baris = tampil.set_index("Kode koperasi").loc[kode]
    assert (baris["Tindakan"], baris["Status"], baris["PIC"], baris["Terlambat"]) == (
        "Verifikasi lahan", "Berjalan", "Sari Wulandari", "ya")
    assert pd.Timestamp(baris["Target"]).date() == target
    assert tampil["Tindakan"].notna().sum() == 1

    daftar.checkbox(key="tl_belum").check().run()
    assert angka(metrik(daftar)["Koperasi sesuai saringan"]) == len(kode_merah) - 1
    assert kode not in daftar.dataframe[0].value["Kode koperasi"].tolist()
    assert daftar.query_params["tl_belum"] == "true"
    daftar.checkbox(key="tl_belum").uncheck().run()
    daftar.checkbox(key="tl_terlambat").check().run()
    assert daftar.dataframe[0].value["Kode koperasi"].tolist() == [kode]
    daftar.checkbox(key="tl_terlambat").uncheck().run()
    daftar.selectbox(key="tl_pic").select("Sari Wulandari").run()
    assert daftar.dataframe[0].value["Kode koperasi"].tolist() == [kode]
    daftar.selectbox(key="tl_pic").select(None).run()
    daftar.selectbox(key="tl_status").select("selesai").run()
    assert angka(metrik(daftar)["Koperasi sesuai saringan"]) == 0 and not daftar.dataframe
    assert any(i.value.startswith("Tidak ada koperasi yang sesuai saringan ini.") for i in daftar.main.info)
    # a shared link reopens the same filter
    dibagi = buka_app("halaman/intervensi.py", prov="52", kab=KAB, tl_belum="true")
    assert angka(metrik(dibagi)["Koperasi sesuai saringan"]) == len(kode_merah) - 1


def test_a_stale_save_is_refused_the_first_save_kept_and_the_form_keeps_what_was_typed(salinan_demo):
    kode = merah(salinan_demo)[0]
    id_ = tl.catat_tindakan(store.sambungan_baca(salinan_demo), ADMIN, kode, jenis="verifikasi_lahan",
                            pic_nama="Budi")["id"]
    at = buka_app("halaman/koperasi.py", kode=kode)
    assert "(versi 1)" in at.selectbox(key="tl_ubah_id").options[0]
    # someone else saves first, while this form still shows version 1
    tl.ubah_status(SARI, id_, 1, "berjalan", "sari dulu")
    at.selectbox(key="tl_ubah_status").select("selesai")
    at.text_area(key="tl_ubah_catatan").input("saya kedua")
    at.button(key="tl_simpan_ubah").click().run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert f"Tindak lanjut nomor {id_} (koperasi {kode}) sudah diubah oleh sari" in at.error[0].value
    assert "perubahan Anda tidak disimpan" in at.error[0].value
    simpan = catatan.baca_tindakan(id=id_).iloc[0]
    assert (simpan["status"], simpan["catatan"], simpan["versi"], simpan["diubah_oleh"]) == (
        "berjalan", "sari dulu", 2, "sari")
    # the page now shows sari's save; what this user typed is still in the form
    assert tabel_dengan(at, "Versi")[["Status", "Catatan", "Versi"]].values.tolist() == [["Berjalan", "sari dulu", 2]]
    assert "(versi 2)" in at.selectbox(key="tl_ubah_id").options[0]
    assert at.text_area(key="tl_ubah_catatan").value == "saya kedua"
    at.button(key="tl_simpan_ubah").click().run()  # sent again, on the version it now shows
    assert [s.value for s in at.success] == [f"Tindak lanjut nomor {id_} diubah."]
    assert catatan.baca_tindakan(id=id_).iloc[0][["status", "catatan", "versi"]].tolist() == ["selesai", "saya kedua", 3]
    riwayat = catatan.baca_riwayat_tindakan(tindakan_id=id_)
    assert riwayat[["versi", "oleh", "status"]].values.tolist() == [
        [1, "budi", "direncanakan"], [2, "sari", "berjalan"], [3, "lokal", "selesai"]]
    # every version is on the page's history, newest first, with who and what changed
    sejarah = tabel_dengan(at, "Perubahan")
    assert sejarah["Oleh"].tolist() == ["lokal", "sari", "budi"]
    assert sejarah["Perubahan"].iloc[0] == "status Berjalan → Selesai; catatan sari dulu → saya kedua"


def _csv(baris: list[dict]) -> bytes:
    return pd.DataFrame(baris).to_csv(index=False).encode("utf-8")


def test_an_upload_with_one_bad_row_rejects_exactly_that_row_and_applies_the_rest(salinan_demo):
    a, b, c = merah(salinan_demo)[:3]
    isi = _csv([
        {"Kode koperasi": a, "Tindakan": "Verifikasi lahan", "PIC": "Ani", "Target": "2026-12-15", "Status": "Berjalan",
         "Catatan": "cek lapangan"},
        {"Kode koperasi": b, "Tindakan": "Verifikasi lahan", "PIC": "Ani", "Target": "31/02/2026", "Status": "",
         "Catatan": ""},
        {"Kode koperasi": c, "Tindakan": "Fasilitasi badan hukum", "PIC": "Dedi", "Target": "", "Status": "",
         "Catatan": ""},
    ])
    at = buka_app("halaman/tindaklanjut.py")
    at.file_uploader[0].set_value(("kerja.csv", isi, "text/csv")).run()
    assert not at.exception, at.exception
    assert metrik(at) == {"Baris dibaca": "3", "Akan diterapkan": "2", "Ditolak": "1", "Tanpa isian": "0",
                          "Tidak berubah": "0", **{k: v for k, v in metrik(at).items() if k not in (
                              "Baris dibaca", "Akan diterapkan", "Ditolak", "Tanpa isian", "Tidak berubah")}}
    ditolak = tabel_dengan(at, "Alasan")
    assert ditolak["Baris"].tolist() == [3] and ditolak["Kode koperasi"].tolist() == [b]
    assert ditolak["Alasan"].iloc[0].startswith("Target '31/02/2026' bukan tanggal")
    assert tabel_dengan(at, "Aksi")["Kode koperasi"].tolist() == [a, c]
    assert catatan.baca_tindakan().empty  # a preview writes nothing
    at.button(key="tl_terapkan").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("kerja.csv diterapkan: 2 tindak lanjut baru, 0 diubah, 1 baris ditolak")
    assert not at.file_uploader[0].value  # a fresh uploader once applied
    simpan = catatan.baca_tindakan().sort_values("kode_koperasi")
    assert simpan[["kode_koperasi", "jenis", "pic_nama", "status"]].values.tolist() == sorted([
        [a, "verifikasi_lahan", "Ani", "berjalan"], [c, "fasilitasi_badan_hukum", "Dedi", "direncanakan"]])
    assert catatan.baca_jejak(peristiwa="tindakan_impor")["oleh"].tolist() == ["lokal"]


@pytest.fixture
def kantor(salinan_demo, monkeypatch):
    """Behind a proxy: a kabupaten office of Lombok Barat and a PMO pusat reader."""
    catatan.tambah_akun("lobar", "kabupaten", KAB, oleh="uji")
    catatan.tambah_akun("pusat1", "pusat", None, oleh="uji")
    lama = st.get_option("server.trustedUserHeaders")
    st.config.set_option("server.trustedUserHeaders", {"X-Remote-User": "username"})
    yield salinan_demo
    st.config.set_option("server.trustedUserHeaders", lama)


def test_a_kabupaten_office_works_on_its_kabupaten_only(kantor):
    di_dalam = merah(kantor)[0]
    di_luar = merah(kantor, "52.02")[0]
    at = buka_app("halaman/tindaklanjut.py", user={"username": "lobar"})
    assert angka(metrik(at)["Merah minggu ini"]) == len(merah(kantor))
    assert set(tabel_dengan(at, "Kode koperasi")["Kode kabupaten/kota"]) == {KAB}
    at.file_uploader[0].set_value(("kerja.csv", _csv([
        {"Kode koperasi": di_dalam, "Tindakan": "Verifikasi lahan", "PIC": "Ani"},
        {"Kode koperasi": di_luar, "Tindakan": "Verifikasi lahan", "PIC": "Ani"}]), "text/csv")).run()
    ditolak = tabel_dengan(at, "Alasan")
    assert ditolak["Kode koperasi"].tolist() == [di_luar]
    assert "berada di luar cakupan akun Anda" in ditolak["Alasan"].iloc[0]
    at.button(key="tl_terapkan").click().run()
    assert catatan.baca_tindakan()["kode_koperasi"].tolist() == [di_dalam]
    assert catatan.baca_tindakan()["dibuat_oleh"].tolist() == ["lobar"]


def test_pusat_reads_actions_but_sees_no_form_and_no_upload(kantor):
    kode = merah(kantor)[0]
    tl.catat_tindakan(store.sambungan_baca(kantor), ADMIN, kode, jenis="verifikasi_lahan", pic_nama="Budi")
    at = buka_app("halaman/koperasi.py", user={"username": "pusat1"}, kode=kode)
    assert tabel_dengan(at, "Versi")["PIC"].tolist() == ["Budi"]
    assert not [b for b in at.button if b.key in ("tl_simpan_baru", "tl_simpan_ubah")]
    assert any("tidak mencatat atau mengubahnya" in c.value for c in at.caption)
    at = buka_app("halaman/tindaklanjut.py", user={"username": "pusat1"})
    assert not at.file_uploader
    assert any("tidak mencatat tindak lanjut" in i.value for i in at.info)


def test_the_work_list_downloaded_filled_and_uploaded_comes_back_with_its_actions(salinan_demo):
    import io

    from kdkmp import export

    at = buka_app("halaman/tindaklanjut.py", prov="52", kab=KAB)
    kerja = tabel_dengan(at, "Versi tindakan")
    # the list is this kabupaten's merah koperasi, in the intervention list's order, with the codes
    assert kerja["Kode koperasi"].tolist() == merah(salinan_demo)
    assert {"Kode desa/kelurahan", "Kode kecamatan", "Kode kabupaten/kota", "Kode provinsi"} <= set(kerja.columns)
    # what the XLSX button serves: the same frame and the fill-in notes (export.ke_xlsx is tested apart)
    isi = pd.read_excel(io.BytesIO(export.ke_xlsx(kerja, tl.petunjuk_isian())), sheet_name="data", dtype=str,
                        engine="calamine")
    isi.loc[0, ["Tindakan", "PIC", "Status"]] = ["Eskalasi ke Pemda", "Joko", "Berjalan"]
    isi.loc[1, ["Tindakan", "PIC"]] = ["Pendampingan usaha", "Maya"]
    berkas = io.BytesIO()
    isi.to_excel(berkas, sheet_name="data", index=False)
    at.file_uploader[0].set_value(("kerja_diisi.xlsx", berkas.getvalue(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, at.exception
    assert {k: metrik(at)[k] for k in ("Baris dibaca", "Akan diterapkan", "Ditolak", "Tanpa isian")} == {
        "Baris dibaca": fmt_angka(len(kerja)), "Akan diterapkan": "2", "Ditolak": "0",
        "Tanpa isian": fmt_angka(len(kerja) - 2)}
    at.button(key="tl_terapkan").click().run()
    kembali = tabel_dengan(at, "Versi tindakan").set_index("Kode koperasi")
    a, b = kerja["Kode koperasi"].iloc[:2]
    assert kembali.loc[[a, b], ["Tindakan", "PIC", "Status", "Versi tindakan"]].values.tolist() == [
        ["Eskalasi ke Pemda", "Joko", "Berjalan", 1], ["Pendampingan usaha", "Maya", "Direncanakan", 1]]
    assert angka(metrik(at)["Tindak lanjut masih terbuka"]) == 2


def fmt_angka(n: int) -> str:
    return f"{n:,}".replace(",", ".")
