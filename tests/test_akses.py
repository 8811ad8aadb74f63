"""Who may see what (issue 10): the identity decision, roles, and the scope every query meets."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from kdkmp import akses, queries, store
from kdkmp.akses import AksesDitolak, Permintaan, tentukan_pengguna

MINGGU = date(2026, 11, 16)
AKUN = {"ntb": ("provinsi", "52", True), "lobar": ("kabupaten", "52.01", True), "pusat": ("pusat", None, True),
        "lama": ("provinsi", "61", False)}


def cari(nama):
    """As catatan.cari_akun: ignoring case, with the account's own spelling."""
    kunci = next((k for k in AKUN if k.lower() == nama.lower()), None)
    return (*AKUN[kunci], kunci) if kunci else None


# ---------------------------------------------------------------- the identity decision

@pytest.mark.parametrize("alamat, lokal", [(None, True), ("127.0.0.1", True), ("::1", True), ("127.8.9.1", True),
                                           ("192.168.1.20", False), ("10.0.0.5", False), ("2001:db8::1", False),
                                           ("bukan-alamat", False),
                                           # a dual-stack server ('::', Streamlit's default) sees IPv4 as mapped
                                           ("::ffff:127.0.0.1", True), ("::ffff:192.168.1.20", False)])
def test_only_a_loopback_client_is_local(alamat, lokal):
    assert akses.klien_lokal(alamat) is lokal


def test_nothing_configured_a_browser_on_this_machine_is_the_local_admin():
    p = tentukan_pengguna(Permintaan(nama_pengguna=None, alamat_klien=None, cara_login=None), cari)
    assert (p.nama, p.peran, p.wilayah, p.cara_masuk) == ("lokal", "admin", None, "lokal")


def test_nothing_configured_another_machine_is_told_how_to_set_up_sign_in():
    with pytest.raises(AksesDitolak, match="belum dipasang dengan login") as e:
        tentukan_pengguna(Permintaan(nama_pengguna=None, alamat_klien="192.168.1.20", cara_login=None), cari)
    assert "deploy/nginx.conf" in str(e.value) and "[auth]" in str(e.value)


@pytest.mark.parametrize("cara", ["proksi", "sso"])
def test_with_sign_in_configured_no_identity_is_refused_even_from_loopback(cara):
    # behind a proxy every client is loopback: it must never become the local admin
    with pytest.raises(AksesDitolak, match="tidak membawa identitas pengguna"):
        tentukan_pengguna(Permintaan(nama_pengguna=None, alamat_klien=None, cara_login=cara), cari)


def test_a_known_account_becomes_its_pengguna():
    p = tentukan_pengguna(Permintaan(nama_pengguna=" ntb ", alamat_klien=None, cara_login="proksi"), cari)
    assert (p.nama, p.peran, p.wilayah, p.cara_masuk) == ("ntb", "provinsi", "52", "proksi")


def test_a_name_sent_in_another_case_is_named_as_the_account_spells_it():
    # a single sign-on that sends "NTB": the audit trail and the screen say "ntb", as everywhere else
    p = tentukan_pengguna(Permintaan(nama_pengguna="NTB", alamat_klien=None, cara_login="sso"), cari)
    assert (p.nama, p.peran, p.wilayah) == ("ntb", "provinsi", "52")


@pytest.mark.parametrize("nama, pesan", [
    ("tamu", "Akun 'tamu' belum terdaftar di dasbor ini; minta admin PMO pusat menambahkannya"),
    ("lama", "Akun 'lama' sudah dinonaktifkan"),
])
def test_unknown_and_deactivated_accounts_are_refused_naming_whom_to_ask(nama, pesan):
    with pytest.raises(AksesDitolak, match=pesan):
        tentukan_pengguna(Permintaan(nama_pengguna=nama, alamat_klien=None, cara_login="proksi"), cari)


# ---------------------------------------------------------------- roles

@pytest.mark.parametrize("peran, kode, harap", [
    ("provinsi", "52", "52"), ("kabupaten", "5201", "52.01"), ("admin", None, None), ("pusat", "", None)])
def test_a_role_takes_a_wilayah_of_its_level(peran, kode, harap):
    assert akses.periksa_peran_wilayah(peran, kode) == harap


@pytest.mark.parametrize("peran, kode, pesan", [
    ("provinsi", None, "Peran provinsi butuh kode wilayah tingkat provinsi"),
    ("kabupaten", "52", "bukan provinsi \\(52 Nusa Tenggara Barat\\)"),
    ("provinsi", "52.01", "butuh kode wilayah tingkat provinsi, bukan kabupaten/kota"),
    ("provinsi", "99", "Kode wilayah '99' tidak ada dalam daftar wilayah Kemendagri"),
    ("pusat", "52", "Peran pusat berlaku nasional"),
    ("raja", None, "Peran 'raja' tidak dikenal; pilihan: admin, pusat, provinsi, kabupaten"),
])
def test_a_role_with_a_wrong_wilayah_is_refused_in_a_sentence(peran, kode, pesan):
    with pytest.raises(ValueError, match=pesan):
        akses.periksa_peran_wilayah(peran, kode)


@pytest.mark.parametrize("kode, cakupan, boleh", [
    ("52", "52", True), ("52.01.01.2001", "52", True), ("52.01", "52.01", True), (None, None, True),
    ("61", None, True), (None, "52", False), ("61", "52", False), ("52.02", "52.01", False), ("52", "52.01", False),
    ("5", "52", False)])
def test_inside_a_scope_means_a_code_under_it_at_a_level_boundary(kode, cakupan, boleh):
    assert akses.di_dalam(kode, cakupan) is boleh


# ---------------------------------------------------------------- every query meets the scope

TANPA_WILAYAH = {"minggu_terakhir", "daftar_minggu", "minggu_sebelumnya", "cap_data"}


def test_every_query_declares_how_it_meets_the_scope():
    fungsi = {n: f for n, f in vars(queries).items() if inspect.isfunction(f) and not n.startswith("_")
              and f.__module__ == queries.__name__ and list(inspect.signature(f).parameters)[:1] == ["con"]}
    tanpa = {n for n, f in fungsi.items() if not getattr(f, "cara_cakupan", None)}
    assert tanpa == TANPA_WILAYAH  # these read only weeks and the load stamp, nothing about an area


@pytest.fixture
def con(db_demo):
    return store.sambungan_baca(db_demo)


DI_LUAR = [  # (function, arguments asking about Kalimantan Barat (61) or another kabupaten)
    (queries.hitung_zona, (MINGGU, "61")), (queries.zona_per_anak, (MINGGU, "61")),
    (queries.rekap_anak, (MINGGU, "61.01")), (queries.kendala_per_zona, (MINGGU, "52.02")),
    (queries.tren_zona, ("61",)), (queries.transisi_zona, (MINGGU, "61")), (queries.rata_pilar, (MINGGU, "61")),
    (queries.hitung_pergerakan, (MINGGU, "61")), (queries.daftar_intervensi, (MINGGU, "61", (("gerak", "baru_merah"),))),
    (queries.titik_peta, (MINGGU, "61")), (queries.daftar_intervensi, (MINGGU, "61")),
    (queries.kelengkapan_wilayah, (MINGGU, "61")), (queries.koperasi_tanpa_laporan, (MINGGU, "61")),
    (queries.ringkasan, (MINGGU, "52.02")), (queries.koperasi_di_desa, ("61.01.01.2001", MINGGU)),
    (queries.daftar_intervensi, (MINGGU, None)), (queries.titik_peta, (MINGGU, None)),
    (queries.penolakan_per_batch, ()), (queries.rincian_penolakan, (1,)), (queries.minggu_dan_penarikan, ()),
]


@pytest.mark.parametrize("fungsi, args", DI_LUAR, ids=lambda x: getattr(x, "__name__", None) or str(x))
def test_a_kabupaten_scope_is_refused_everything_outside_it(con, fungsi, args):
    with pytest.raises(AksesDitolak, match="berada di luar cakupan akun Anda|hanya untuk akun tingkat nasional"):
        fungsi(con, *args, cakupan="52.01")


@pytest.mark.parametrize("fungsi", [queries.hitung_zona, queries.zona_per_anak, queries.tingkat_lapor_provinsi])
def test_national_counts_per_province_are_public_to_every_scope(con, fungsi):
    args = () if fungsi is queries.tingkat_lapor_provinsi else (MINGGU, None)
    hasil = fungsi(con, *args, cakupan="52.01")
    sama = fungsi(con, *args)
    assert str(hasil) == str(sama)


def test_inside_the_scope_a_list_is_what_a_national_user_gets_for_that_area(con):
    # an invariant: scoping changes who may ask, never the answer
    tercakup = queries.daftar_intervensi(con, MINGGU, "52.01", cakupan="52")
    assert tercakup.equals(queries.daftar_intervensi(con, MINGGU, "52.01"))
    assert len(tercakup) > 0


def test_search_returns_only_koperasi_inside_the_scope(con):
    semua = queries.cari_koperasi(con, "KDKMP", batas=100_000)
    assert set(semua["kode_desa"].str[:2]) == {"35", "52", "61"}  # the test database: Jember, NTB, Kalbar
    ntb = queries.cari_koperasi(con, "KDKMP", batas=100_000, cakupan="52")
    assert len(ntb) == (semua["kode_desa"].str[:3] == "52.").sum()
    assert ntb["kode_desa"].str.startswith("52.").all()


def test_a_koperasi_outside_the_scope_is_refused_without_saying_whether_it_exists(con):
    kalbar = queries.cari_koperasi(con, "KDKMP-61", batas=1)["kode_koperasi"].iloc[0]
    for fungsi in (queries.laporan_koperasi, queries.riwayat_koperasi, queries.penjelasan_koperasi):
        with pytest.raises(AksesDitolak) as ada:
            fungsi(con, kalbar, cakupan="52")
        with pytest.raises(AksesDitolak) as tidak_ada:
            fungsi(con, "KDKMP-TIDAK-ADA", cakupan="52")
        assert str(ada.value).replace(kalbar, "X") == str(tidak_ada.value).replace("KDKMP-TIDAK-ADA", "X")
    assert queries.laporan_koperasi(con, kalbar, cakupan="61")["kode_koperasi"] == kalbar
