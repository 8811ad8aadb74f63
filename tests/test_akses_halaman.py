"""Sign-in and scope through the real pages (AppTest), as offices use them (issue 10): a proxy
header names the user, the account table gives the role and wilayah, and whatever the URL says,
nothing outside the scope is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kdkmp import catatan, queries, store
from tests.conftest import buka_app

AKAR = Path(__file__).resolve().parent.parent
NTB = "Nusa Tenggara Barat"


@pytest.fixture
def kantor(db_demo, tmp_path, monkeypatch):
    """The demo database behind a proxy (X-Remote-User → username) with five accounts."""
    monkeypatch.setenv("KDKMP_DB", str(db_demo))
    monkeypatch.setenv("KDKMP_STATE_URL", f"sqlite:///{tmp_path / 'catatan.sqlite'}")
    for nama, peran, wilayah, aktif in (("admin1", "admin", None, True), ("pusat1", "pusat", None, True),
                                        ("ntb", "provinsi", "52", True),
                                        ("lobar", "kabupaten", "52.01", True), ("lama", "provinsi", "61", False)):
        catatan.tambah_akun(nama, peran, wilayah, oleh="uji", aktif=aktif)
    lama = st.get_option("server.trustedUserHeaders")
    st.config.set_option("server.trustedUserHeaders", {"X-Remote-User": "username"})
    yield db_demo
    st.config.set_option("server.trustedUserHeaders", lama)
    catatan.tutup_semua()
    store.tutup_semua()


def buka(nama: str | None, halaman: str | None = None, **param) -> AppTest:
    """The app as user `nama` behind the proxy (None: a request without the header)."""
    return buka_app(halaman, user={"username": nama} if nama else {}, **param)


def ditolak(at: AppTest) -> str:
    """The page shows exactly one sentence and no data: no metric, chart, table or map."""
    assert len(at.error) == 1, [e.value for e in at.error]
    assert not at.metric and not at.dataframe
    assert not any(at.get(jenis) for jenis in ("vega_lite_chart", "deck_gl_json_chart"))
    return at.error[0].value


@pytest.mark.parametrize("nama, pesan", [
    ("tamu", "Akun 'tamu' belum terdaftar di dasbor ini; minta admin PMO pusat menambahkannya"),
    ("lama", "Akun 'lama' sudah dinonaktifkan"),
    (None, "Permintaan ini tidak membawa identitas pengguna"),
])
def test_unknown_deactivated_or_missing_identity_sees_one_sentence_and_is_logged(kantor, nama, pesan):
    at = buka(nama)
    assert pesan in ditolak(at)
    jejak = catatan.baca_jejak(peristiwa="akses_ditolak")
    assert jejak["oleh"].tolist() == [nama or "(tanpa identitas)"]


def test_a_provinsi_user_lands_on_its_province_and_sign_in_is_logged(kantor):
    at = buka("ntb")
    assert at.title[0].value == f"Provinsi {NTB}"
    # ranked among the provinces that have zoned koperasi (a province without data has no rank)
    from kdkmp import store

    con = store.sambungan_baca(kantor)
    n = con.execute("""SELECT count(DISTINCT kode_provinsi) FROM zona WHERE zona <> 'tidak_melapor'
                       AND minggu = (SELECT max(minggu) FROM zona)""").fetchall()[0][0]
    assert any("urutan" in c.value and f"dari {n} provinsi" in c.value for c in at.caption)
    assert catatan.baca_jejak(peristiwa="masuk")[["oleh", "wilayah"]].values.tolist() == [["ntb", "52"]]


@pytest.mark.parametrize("halaman, param, apa", [
    ("halaman/wilayah.py", {"prov": "61"}, "Wilayah 61 (Kalimantan Barat)"),
    ("halaman/wilayah.py", {"prov": "52", "kab": "52.02"}, "Wilayah 52.02"),
    ("halaman/intervensi.py", {"prov": "61"}, "Wilayah 61 (Kalimantan Barat)"),
    ("halaman/intervensi.py", {"prov": "52", "kab": "52.02"}, "Wilayah 52.02"),
    ("halaman/kualitas.py", {"prov": "35"}, "Wilayah 35"),
    ("halaman/intervensi.py", {"prov": "52", "kab": "52.01", "kec": "52.02.01"}, "Wilayah 52.02.01"),
    ("halaman/wilayah.py", {"prov": "52", "kab": "52.02", "kec": "52.02.01"}, "Wilayah 52.02.01"),
])
def test_a_kabupaten_user_is_refused_every_url_outside_its_kabupaten(kantor, halaman, param, apa):
    at = buka("lobar", halaman, **param)
    kalimat = ditolak(at)
    assert kalimat.startswith(apa) and "berada di luar cakupan akun Anda (kabupaten/kota" in kalimat


def test_with_nothing_configured_the_local_admin_sees_the_banner(db_demo, monkeypatch, tmp_path):
    monkeypatch.setenv("KDKMP_DB", str(db_demo))
    monkeypatch.setenv("KDKMP_STATE_URL", f"sqlite:///{tmp_path / 'catatan.sqlite'}")
    at = AppTest.from_file(str(AKAR / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("mode lokal — tanpa login" in i.value for i in at.sidebar.info)
    assert at.title[0].value == "Ringkasan nasional KDKMP"
    catatan.tutup_semua()


def test_a_koperasi_of_another_province_is_refused_on_its_page(kantor):
    kalbar = queries.cari_koperasi(store.sambungan_baca(kantor), "KDKMP-61", batas=1)["kode_koperasi"].iloc[0]
    at = buka("ntb", "halaman/koperasi.py", kode=kalbar)
    assert ditolak(at).startswith(f"Koperasi {kalbar} berada di luar cakupan akun Anda (provinsi {NTB} (52))")


def test_search_finds_nothing_outside_the_scope_even_right_after_a_national_user_searched_the_same(kantor):
    # same function, same arguments: only the scope differs, so only a scope-keyed cache keeps them apart
    pusat = buka("pusat1", "halaman/koperasi.py")
    pusat.text_input[0].input("KDKMP-61").run()
    assert len(pusat.get("page_link")) == 20  # the first 20 matches, as links
    at = buka("ntb", "halaman/koperasi.py")
    at.text_input[0].input("KDKMP-61").run()
    assert not at.exception
    assert any("Tidak ada koperasi" in i.value for i in at.info)
    assert not [p for p in at.get("page_link") if "KDKMP-61" in p.proto.label]


def test_the_intervention_list_of_a_kabupaten_user_holds_its_kabupaten_only_even_after_a_national_user(kantor):
    # the national user fills the cache for ?prov=52 first; the kabupaten user must not be served it
    semua = buka("pusat1", "halaman/intervensi.py", prov="52").dataframe[0].value
    assert set(semua["Kabupaten/kota"]) > {"Kabupaten Lombok Barat"}
    sendiri = buka("lobar", "halaman/intervensi.py", prov="52").dataframe[0].value
    assert set(sendiri["Kabupaten/kota"]) == {"Kabupaten Lombok Barat"}
    harap = queries.daftar_intervensi(store.sambungan_baca(kantor), None, "52.01")
    assert sendiri["Kode koperasi"].tolist() == harap["kode_koperasi"].tolist()


@pytest.mark.parametrize("halaman", ["halaman/unggah.py", "halaman/admin.py"])
def test_pages_a_role_may_not_use_refuse_in_one_logged_sentence_while_the_admin_has_them(kantor, halaman):
    # pusat reads everything but loads nothing and manages no account: a bookmark to either page
    # reaches the page's own refusal (not listed in its sidebar: the browser test checks that)
    at = buka("pusat1", halaman)
    assert not at.exception
    assert ditolak(at) == "Halaman ini tidak tersedia untuk peran PMO pusat."
    assert not at.title and not at.get("file_uploader")
    assert catatan.baca_jejak(peristiwa="akses_ditolak")["oleh"].tolist() == ["pusat1"]
    at = buka("admin1", halaman)
    assert at.title[0].value in ("Unggah data mingguan", "Pengguna & audit")


# ---------------------------------------------------------------- single sign-on (st.login), offline

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "uji-bukan-rahasia",
        "client_id": "kdkmp", "client_secret": "uji", "server_metadata_url": "https://sso.contoh.go.id/.well-known/openid-configuration"}


@pytest.fixture
def kantor_sso(db_demo, tmp_path, monkeypatch):
    monkeypatch.setenv("KDKMP_DB", str(db_demo))
    monkeypatch.setenv("KDKMP_STATE_URL", f"sqlite:///{tmp_path / 'catatan.sqlite'}")
    catatan.tambah_akun("ntb@diskop.ntbprov.go.id", "provinsi", "52", oleh="uji")
    yield
    catatan.tutup_semua()
    store.tutup_semua()


def buka_sso(user: dict) -> AppTest:
    return buka_app(user=user, secrets={"auth": AUTH})


def test_with_sso_configured_a_visitor_not_signed_in_sees_only_the_sign_in_button(kantor_sso):
    at = buka_sso({})
    assert not at.exception
    assert [b.label for b in at.button] == ["Masuk"]
    assert not at.metric and not at.dataframe and not at.error


def test_with_sso_the_email_claim_is_the_account_name(kantor_sso):
    at = buka_sso({"is_logged_in": True, "email": "NTB@diskop.ntbprov.go.id"})
    assert not at.exception
    assert at.title[0].value == f"Provinsi {NTB}"
    assert [b.label for b in at.sidebar.button] == ["Keluar"]


def test_with_sso_a_signed_in_stranger_is_refused(kantor_sso):
    at = buka_sso({"is_logged_in": True, "email": "orang@lain.id"})
    assert "Akun 'orang@lain.id' belum terdaftar" in ditolak(at)


# ---------------------------------------------------------------- the admin page

def test_the_admin_adds_an_account_on_its_page_and_sees_it_in_the_audit_trail(kantor):
    at = buka("admin1", "halaman/admin.py")
    at.text_input(key="akun_nama").input("sumbawa")
    at.selectbox(key="akun_peran").select("kabupaten")
    at.text_input(key="akun_wilayah").input("52.04")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("Akun sumbawa ditambahkan" in s.value for s in at.success)
    assert catatan.cari_akun("sumbawa") == ("kabupaten", "52.04", True, "sumbawa")
    jejak = at.dataframe[1].value
    assert jejak.iloc[0][["Oleh", "Peristiwa"]].tolist() == ["admin1", "Akun ditambahkan"]
    assert "peran: kabupaten" in jejak.iloc[0]["Rincian"] and "{" not in jejak.iloc[0]["Rincian"]


def test_a_wrong_account_on_the_admin_page_is_one_sentence_and_nothing_is_added(kantor):
    at = buka("admin1", "halaman/admin.py")
    at.text_input(key="akun_nama").input("salah")
    at.selectbox(key="akun_peran").select("kabupaten")
    at.text_input(key="akun_wilayah").input("52")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Peran kabupaten butuh kode wilayah tingkat kabupaten/kota, bukan provinsi (52 Nusa Tenggara Barat)."]
    assert catatan.cari_akun("salah") is None
