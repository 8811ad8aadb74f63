"""The state store (kdkmp.catatan): migrations, accounts, the audit trail and concurrent writers,
each on a real SQLite file and on a real PostgreSQL (the `url_catatan` fixture runs both)."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import bcrypt
import pytest

from kdkmp import catatan

UTC = timezone.utc
TERBARU = catatan.MIGRASI[-1].versi  # the schema this code migrates to


def jejak(url, **kw):
    return catatan.baca_jejak(url=url, batas=None, **kw)


def rincian(df) -> list[dict]:
    return [json.loads(r) for r in df["rincian"]]


# ---------------------------------------------------------------- schema and migrations

def test_a_new_store_gets_the_latest_schema_and_migrating_again_changes_nothing(url_catatan):
    assert catatan.siapkan(url_catatan) == TERBARU
    catatan.tambah_akun("budi", "pusat", oleh="uji", url=url_catatan)
    catatan.tutup_semua()  # a new process: the store is looked at again
    assert catatan.siapkan(url_catatan) == TERBARU
    assert catatan.cari_akun("budi", url=url_catatan) == ("pusat", None, True, "budi")
    assert len(jejak(url_catatan)) == 1


def test_a_later_migration_is_applied_once_and_keeps_the_data(url_catatan, monkeypatch):
    catatan.tambah_akun("budi", "pusat", oleh="uji", url=url_catatan)
    catatan.tutup_semua()
    v2 = catatan.Migrasi(versi=TERBARU + 1, nama="uji", perintah=(
        "CREATE TABLE uji_migrasi (id {id}, kode_koperasi TEXT NOT NULL, pada {waktu} NOT NULL)",))
    monkeypatch.setattr(catatan, "MIGRASI", catatan.MIGRASI + (v2,))
    assert catatan.siapkan(url_catatan) == TERBARU + 1
    catatan.tutup_semua()
    assert catatan.siapkan(url_catatan) == TERBARU + 1  # a second start applies nothing (the CREATE would fail)
    assert catatan.cari_akun("budi", url=url_catatan) == ("pusat", None, True, "budi")


def test_a_store_with_a_newer_schema_than_the_code_is_refused(url_catatan, monkeypatch):
    lama = catatan.MIGRASI
    monkeypatch.setattr(catatan, "MIGRASI", lama + (catatan.Migrasi(versi=TERBARU + 1, nama="baru", perintah=()),))
    catatan.siapkan(url_catatan)
    catatan.tutup_semua()
    monkeypatch.setattr(catatan, "MIGRASI", lama)
    with pytest.raises(catatan.CatatanTidakTersedia, match=rf"skema versi {TERBARU + 1}, lebih baru daripada .* \({TERBARU}\); perbarui"):
        catatan.cari_akun("budi", url=url_catatan)


def _mulai_bersamaan(url: str, penghalang, nomor: int) -> None:
    penghalang.wait(timeout=60)
    catatan.catat("masuk", f"proses{nomor}", url=url)


def test_processes_starting_at_once_migrate_exactly_once(url_catatan):
    ctx = mp.get_context("spawn")
    penghalang = ctx.Barrier(4)
    proses = [ctx.Process(target=_mulai_bersamaan, args=(url_catatan, penghalang, i)) for i in range(4)]
    for p in proses:
        p.start()
    for p in proses:
        p.join(timeout=120)
    assert [p.exitcode for p in proses] == [0, 0, 0, 0]
    assert catatan.versi_skema(url_catatan) == TERBARU
    assert sorted(jejak(url_catatan, peristiwa="masuk")["oleh"]) == ["proses0", "proses1", "proses2", "proses3"]


def test_a_postgresql_that_cannot_be_reached_is_refused_at_once_until_the_pause_is_over(monkeypatch):
    # Nothing listens on port 1: the first read tries and fails with a sentence; for the next
    # JEDA_SETELAH_GAGAL_DETIK every read is refused with the same sentence without trying again
    # (no page waits for the pool), then the store is tried again.
    url = "postgresql://kdkmp@127.0.0.1:1/tidak_ada"
    catatan.tutup_semua()
    with pytest.raises(catatan.CatatanTidakTersedia) as pertama:
        catatan.baca_jejak(url=url)
    assert str(pertama.value) == ("Penyimpanan catatan postgresql://kdkmp@127.0.0.1:1/tidak_ada tidak dapat dihubungi "
                                  "(PoolTimeout); periksa KDKMP_STATE_URL dan apakah PostgreSQL berjalan.")
    dicoba = []
    import psycopg_pool

    asli = psycopg_pool.ConnectionPool.open
    monkeypatch.setattr(psycopg_pool.ConnectionPool, "open", lambda self, *a, **k: (dicoba.append(1), asli(self, *a, **k))[1])
    with pytest.raises(catatan.CatatanTidakTersedia) as kedua:
        catatan.cari_akun("budi", url=url)
    assert str(kedua.value) == str(pertama.value) and dicoba == []
    monkeypatch.setattr(catatan, "JEDA_SETELAH_GAGAL_DETIK", 0.0)
    with pytest.raises(catatan.CatatanTidakTersedia):
        catatan.baca_jejak(url=url)
    assert dicoba == [1]  # after the pause: tried again
    catatan.tutup_semua()


def test_an_unknown_store_address_is_refused_with_a_sentence():
    with pytest.raises(catatan.CatatanTidakTersedia, match=r"'mysql://a:\*\*\*@h/db' \(KDKMP_STATE_URL\) tidak dikenal"):
        catatan.cari_akun("budi", url="mysql://a:rahasia@h/db")


def test_default_store_is_sqlite_beside_the_duckdb_database(tmp_path, monkeypatch):
    monkeypatch.delenv("KDKMP_STATE_URL", raising=False)
    monkeypatch.setenv("KDKMP_DB", str(tmp_path / "x" / "kdkmp.duckdb"))
    assert catatan.url_bawaan() == "sqlite:///" + str(tmp_path / "x" / "kdkmp_catatan.sqlite")
    monkeypatch.setenv("KDKMP_STATE_URL", "postgresql://u@h/d")
    assert catatan.url_bawaan() == "postgresql://u@h/d"


def test_sqlite_store_is_in_wal_mode(catatan_sqlite):
    import sqlite3

    catatan.siapkan(catatan_sqlite)
    con = sqlite3.connect(catatan_sqlite[len("sqlite:///"):])
    assert con.execute("PRAGMA journal_mode").fetchall() == [("wal",)]
    con.close()


# ---------------------------------------------------------------- accounts

def test_an_added_account_is_found_ignoring_case_and_audited(url_catatan):
    hasil = catatan.tambah_akun("Sari.NTB", "provinsi", "52", oleh="admin1", url=url_catatan)
    assert hasil == {"nama_pengguna": "Sari.NTB", "peran": "provinsi", "wilayah": "52", "aktif": True}
    assert catatan.cari_akun("sari.ntb", url=url_catatan) == ("provinsi", "52", True, "Sari.NTB")
    assert catatan.cari_akun("SARI.NTB ", url=url_catatan) == ("provinsi", "52", True, "Sari.NTB")
    assert catatan.cari_akun("sari", url=url_catatan) is None
    daftar = catatan.daftar_akun(url=url_catatan)
    assert daftar[["nama_pengguna", "peran", "wilayah", "aktif", "ada_sandi", "dibuat_oleh", "diubah_oleh"]].values.tolist() \
        == [["Sari.NTB", "provinsi", "52", True, False, "admin1", "admin1"]]
    assert "sandi_bcrypt" not in daftar.columns
    j = jejak(url_catatan)
    assert j[["oleh", "peristiwa", "wilayah"]].values.tolist() == [["admin1", "akun_tambah", "52"]]
    assert rincian(j) == [{"akun": "Sari.NTB", "peran": "provinsi", "wilayah": "52", "aktif": True, "sandi": False}]


def test_a_wilayah_code_is_stored_normalised(url_catatan):
    catatan.tambah_akun("jember", "kabupaten", " 35.09 ", oleh="admin", url=url_catatan)
    assert catatan.cari_akun("jember", url=url_catatan) == ("kabupaten", "35.09", True, "jember")


@pytest.mark.parametrize(("peran", "kode", "kalimat"), [
    ("bupati", None, r"Peran 'bupati' tidak dikenal; pilihan: admin, pusat, provinsi, kabupaten\."),
    ("provinsi", None, r"Peran provinsi butuh kode wilayah tingkat provinsi \(--wilayah\)\."),
    ("provinsi", "52.01", r"Peran provinsi butuh kode wilayah tingkat provinsi, bukan kabupaten/kota \(52\.01 Kabupaten Lombok Barat\)\."),
    ("kabupaten", "52", r"Peran kabupaten butuh kode wilayah tingkat kabupaten/kota, bukan provinsi \(52 Nusa Tenggara Barat\)\."),
    ("kabupaten", "52.99", r"52\.99"),
    ("pusat", "52", r"Peran pusat berlaku nasional dan tidak memakai wilayah; hapus --wilayah\."),
    ("admin", "52", r"Peran admin berlaku nasional"),
])
def test_a_bad_role_or_wilayah_is_refused_with_a_sentence_and_nothing_is_written(url_catatan, peran, kode, kalimat):
    with pytest.raises(catatan.CatatanDitolak, match=kalimat):
        catatan.tambah_akun("budi", peran, kode, oleh="admin", url=url_catatan)
    assert catatan.cari_akun("budi", url=url_catatan) is None
    assert jejak(url_catatan).empty


@pytest.mark.parametrize("nama", ["budi santoso", "a:b", "", "-budi", "x" * 65, "büdi"])
def test_a_user_name_that_cannot_be_one_is_refused(url_catatan, nama):
    with pytest.raises(catatan.CatatanDitolak, match=r"Nama pengguna .* tidak sah: pakai 1 sampai 64 huruf"):
        catatan.tambah_akun(nama, "pusat", oleh="admin", url=url_catatan)
    assert catatan.daftar_akun(url=url_catatan).empty
    assert catatan.cari_akun(nama, url=url_catatan) is None


def test_a_user_name_taken_in_another_case_is_refused_and_the_first_is_kept(url_catatan):
    catatan.tambah_akun("Budi", "provinsi", "52", oleh="admin", url=url_catatan)
    with pytest.raises(catatan.CatatanDitolak,
                       match=r"Nama pengguna 'BUDI' sudah terdaftar sebagai 'Budi' \(huruf besar/kecil tidak dibedakan\)"):
        catatan.tambah_akun("BUDI", "pusat", oleh="admin", url=url_catatan)
    assert catatan.cari_akun("budi", url=url_catatan) == ("provinsi", "52", True, "Budi")
    assert jejak(url_catatan)["peristiwa"].tolist() == ["akun_tambah"]


@pytest.mark.parametrize("aksi", [
    lambda url: catatan.ubah_akun("tidakada", oleh="admin", peran="pusat", url=url),
    lambda url: catatan.nonaktifkan_akun("tidakada", oleh="admin", url=url),
    lambda url: catatan.aktifkan_akun("tidakada", oleh="admin", url=url),
    lambda url: catatan.ganti_sandi("tidakada", "sandi-panjang", oleh="admin", url=url),
], ids=["ubah", "nonaktif", "aktifkan", "sandi"])
def test_changing_an_unknown_user_is_refused(url_catatan, aksi):
    with pytest.raises(catatan.CatatanDitolak, match=r"Akun 'tidakada' tidak terdaftar; tidak ada yang diubah\."):
        aksi(url_catatan)
    assert jejak(url_catatan).empty


def test_changing_role_and_wilayah_is_audited_with_before_and_after(url_catatan):
    catatan.tambah_akun("budi", "provinsi", "52", oleh="admin", url=url_catatan)
    assert catatan.ubah_akun("BUDI", oleh="admin2", peran="kabupaten", wilayah="52.01", url=url_catatan) == \
        {"nama_pengguna": "budi", "peran": "kabupaten", "wilayah": "52.01", "aktif": True}
    # a national role drops the wilayah by itself
    assert catatan.ubah_akun("budi", oleh="admin2", peran="pusat", url=url_catatan)["wilayah"] is None
    assert catatan.cari_akun("budi", url=url_catatan) == ("pusat", None, True, "budi")
    j = jejak(url_catatan)
    assert j["peristiwa"].tolist() == ["akun_ubah", "akun_ubah", "akun_tambah"]
    assert j["oleh"].tolist() == ["admin2", "admin2", "admin"]
    assert rincian(j)[:2] == [
        {"akun": "budi", "sebelum": {"peran": "kabupaten", "wilayah": "52.01", "aktif": True},
         "sesudah": {"peran": "pusat", "wilayah": None, "aktif": True}},
        {"akun": "budi", "sebelum": {"peran": "provinsi", "wilayah": "52", "aktif": True},
         "sesudah": {"peran": "kabupaten", "wilayah": "52.01", "aktif": True}},
    ]
    assert catatan.daftar_akun(url=url_catatan)["diubah_oleh"].tolist() == ["admin2"]


@pytest.mark.parametrize(("ubah", "kalimat"), [
    ({"peran": "kabupaten"}, r"Peran kabupaten butuh kode wilayah tingkat kabupaten/kota, bukan provinsi \(52 "),
    ({"wilayah": "61"}, None),  # a valid change, for contrast: see below
    ({"wilayah": "52.01"}, r"Peran provinsi butuh kode wilayah tingkat provinsi, bukan kabupaten/kota"),
    ({"wilayah": None}, r"Peran provinsi butuh kode wilayah tingkat provinsi \(--wilayah\)"),
    ({"peran": "pusat", "wilayah": "52"}, r"Peran pusat berlaku nasional"),
    ({"peran": "raja"}, r"Peran 'raja' tidak dikenal"),
    ({}, r"Tidak ada yang diubah pada akun 'budi': sebutkan peran, wilayah, aktif atau nonaktif\."),
])
def test_a_bad_change_is_refused_and_the_account_stays_as_it_was(url_catatan, ubah, kalimat):
    catatan.tambah_akun("budi", "provinsi", "52", oleh="admin", url=url_catatan)
    if kalimat is None:
        catatan.ubah_akun("budi", oleh="admin", url=url_catatan, **ubah)
        assert catatan.cari_akun("budi", url=url_catatan) == ("provinsi", "61", True, "budi")
        return
    with pytest.raises(catatan.CatatanDitolak, match=kalimat):
        catatan.ubah_akun("budi", oleh="admin", url=url_catatan, **ubah)
    assert catatan.cari_akun("budi", url=url_catatan) == ("provinsi", "52", True, "budi")
    assert jejak(url_catatan)["peristiwa"].tolist() == ["akun_tambah"]


def test_deactivating_and_activating_are_their_own_audit_events_and_repeats_change_nothing(url_catatan):
    catatan.tambah_akun("budi", "kabupaten", "35.09", oleh="admin", url=url_catatan)
    assert catatan.nonaktifkan_akun("budi", oleh="admin", url=url_catatan)["aktif"] is False
    assert catatan.cari_akun("budi", url=url_catatan) == ("kabupaten", "35.09", False, "budi")
    assert catatan.nonaktifkan_akun("budi", oleh="admin", url=url_catatan) is None
    assert catatan.aktifkan("budi", oleh="admin", url=url_catatan)["aktif"] is True
    j = jejak(url_catatan)
    assert j["peristiwa"].tolist() == ["akun_aktif", "akun_nonaktif", "akun_tambah"]
    assert j["wilayah"].tolist() == ["35.09"] * 3


def test_a_password_is_stored_as_bcrypt_and_its_change_audited_without_it(url_catatan):
    catatan.tambah_akun("budi", "pusat", oleh="admin", sandi="kata-sandi-1", url=url_catatan)
    assert catatan.periksa_sandi("Budi", "kata-sandi-1", url=url_catatan)
    catatan.ganti_sandi("budi", "kata-sandi-2", oleh="budi", url=url_catatan)
    assert not catatan.periksa_sandi("budi", "kata-sandi-1", url=url_catatan)
    assert catatan.periksa_sandi("budi", "kata-sandi-2", url=url_catatan)
    catatan.nonaktifkan_akun("budi", oleh="admin", url=url_catatan)
    assert not catatan.periksa_sandi("budi", "kata-sandi-2", url=url_catatan)
    j = jejak(url_catatan)
    assert j["peristiwa"].tolist() == ["akun_nonaktif", "sandi", "akun_tambah"]
    assert "kata-sandi" not in "".join(j["rincian"]) and "$2" not in "".join(j["rincian"])
    assert rincian(j)[2]["sandi"] is True


@pytest.mark.parametrize(("sandi", "kalimat"), [
    ("pendek", r"Sandi terlalu pendek: paling sedikit 8 karakter\."),
    ("a" * 73, r"Sandi terlalu panjang: paling banyak 72 bita"),
    ("baris\nbaru-panjang", r"Sandi tidak boleh berisi baris baru\."),
])
def test_a_bad_password_is_refused_and_the_old_one_kept(url_catatan, sandi, kalimat):
    catatan.tambah_akun("budi", "pusat", oleh="admin", sandi="kata-sandi-1", url=url_catatan)
    with pytest.raises(catatan.CatatanDitolak, match=kalimat):
        catatan.ganti_sandi("budi", sandi, oleh="admin", url=url_catatan)
    assert catatan.periksa_sandi("budi", "kata-sandi-1", url=url_catatan)
    assert len(jejak(url_catatan)) == 1


def test_an_account_change_and_its_audit_row_are_written_together_or_not_at_all(url_catatan, monkeypatch):
    def gagal(*a, **kw):
        raise RuntimeError("audit gagal")

    monkeypatch.setattr(catatan, "_catat", gagal)
    with pytest.raises(RuntimeError):
        catatan.tambah_akun("budi", "pusat", oleh="admin", url=url_catatan)
    monkeypatch.undo()
    assert catatan.cari_akun("budi", url=url_catatan) is None
    catatan.tambah_akun("budi", "pusat", oleh="admin", url=url_catatan)
    monkeypatch.setattr(catatan, "_catat", gagal)
    with pytest.raises(RuntimeError):
        catatan.nonaktifkan_akun("budi", oleh="admin", url=url_catatan)
    monkeypatch.undo()
    assert catatan.cari_akun("budi", url=url_catatan) == ("pusat", None, True, "budi")


# ---------------------------------------------------------------- the audit trail

def _pada(monkeypatch, t: datetime) -> None:
    monkeypatch.setattr(catatan, "_sekarang", lambda: t)


def test_audit_rows_come_back_newest_first_with_their_details(url_catatan, monkeypatch):
    _pada(monkeypatch, datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    a = catatan.catat("muat", "admin", url=url_catatan, file="minggu 47.csv", sha256="ab" * 32,
                      minggu=date(2026, 11, 16), baris=83762)
    _pada(monkeypatch, datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    b = catatan.catat("ekspor", "sari", wilayah="52", url=url_catatan, saringan={"zona": "merah"}, baris=12,
                      format="xlsx", catatan="Lombok “Utara”")
    assert b > a
    j = jejak(url_catatan)
    assert j["id"].tolist() == [b, a]
    assert j["pada"].tolist() == [datetime(2026, 11, 30, 3, 0, tzinfo=UTC), datetime(2026, 11, 30, 2, 0, tzinfo=UTC)]
    assert str(j["pada"].dtype) == "datetime64[us, UTC]"
    assert j["wilayah"].isna().tolist() == [False, True]
    assert rincian(j) == [
        {"saringan": {"zona": "merah"}, "baris": 12, "format": "xlsx", "catatan": "Lombok “Utara”"},
        {"file": "minggu 47.csv", "sha256": "ab" * 32, "minggu": "2026-11-16", "baris": 83762},
    ]


def test_an_unknown_event_kind_is_a_bug_not_a_row(url_catatan):
    with pytest.raises(ValueError, match="unknown audit event kind 'hapus'"):
        catatan.catat("hapus", "admin", url=url_catatan)
    assert jejak(url_catatan).empty


def test_audit_filters_by_wib_day_user_kind_and_area(url_catatan, monkeypatch):
    # 16:59:59 UTC on the 29th is 23:59:59 WIB on the 29th; 17:00 UTC is midnight WIB on the 30th.
    for t, peristiwa, oleh, kode in [
        (datetime(2026, 11, 29, 16, 59, 59, tzinfo=UTC), "masuk", "Sari", "52"),
        (datetime(2026, 11, 29, 17, 0, 0, tzinfo=UTC), "ekspor", "sari", "52.01"),
        (datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC), "akses_ditolak", "budi", "5201"),
        (datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC), "masuk", "budi", "53"),
    ]:
        _pada(monkeypatch, t)
        catatan.catat(peristiwa, oleh, wilayah=kode, url=url_catatan)

    def oleh_dan_jenis(**kw):
        return jejak(url_catatan, **kw)[["oleh", "peristiwa"]].values.tolist()

    assert oleh_dan_jenis(dari=date(2026, 11, 30)) == [["budi", "masuk"], ["budi", "akses_ditolak"], ["sari", "ekspor"]]
    assert oleh_dan_jenis(sampai=date(2026, 11, 29)) == [["Sari", "masuk"]]
    assert oleh_dan_jenis(dari=date(2026, 11, 30), sampai=date(2026, 11, 30)) == [["budi", "akses_ditolak"], ["sari", "ekspor"]]
    assert oleh_dan_jenis(oleh="SARI") == [["sari", "ekspor"], ["Sari", "masuk"]]
    assert oleh_dan_jenis(peristiwa="masuk") == [["budi", "masuk"], ["Sari", "masuk"]]
    assert oleh_dan_jenis(peristiwa=["masuk", "ekspor"], oleh="budi") == [["budi", "masuk"]]
    assert oleh_dan_jenis(wilayah="52") == [["sari", "ekspor"], ["Sari", "masuk"]]  # not 5201, not 53
    assert len(catatan.baca_jejak(url=url_catatan, batas=2)) == 2
    kosong = jejak(url_catatan, oleh="tidakada")
    assert kosong.empty and list(kosong.columns) == ["id", "pada", "oleh", "peristiwa", "wilayah", "rincian"]


def test_every_event_kind_has_an_indonesian_label():
    assert {"masuk", "akses_ditolak", "muat", "ganti", "tarik", "pulihkan", "ekspor", "akun_tambah", "akun_ubah",
            "akun_nonaktif", "sandi"} <= set(catatan.PERISTIWA)
    assert all(label and label[0].isupper() for label in catatan.PERISTIWA.values())


# ---------------------------------------------------------------- nginx's htpasswd file

def test_htpasswd_lists_active_accounts_with_a_password_as_2y_bcrypt(url_catatan, tmp_path):
    catatan.tambah_akun("sari", "provinsi", "52", oleh="admin", sandi="sandi-sari-1", url=url_catatan)
    catatan.tambah_akun("Budi", "pusat", oleh="admin", sandi="sandi-budi-1", url=url_catatan)
    catatan.tambah_akun("tanpa", "pusat", oleh="admin", url=url_catatan)
    catatan.tambah_akun("mantan", "pusat", oleh="admin", sandi="sandi-mantan", url=url_catatan)
    catatan.nonaktifkan_akun("mantan", oleh="admin", url=url_catatan)
    berkas = tmp_path / "nginx" / "kdkmp.htpasswd"
    assert catatan.tulis_htpasswd(berkas, url=url_catatan) == 2
    baris = berkas.read_text().splitlines()
    assert [b.split(":")[0] for b in baris] == ["Budi", "sari"]
    for b, sandi in zip(baris, ["sandi-budi-1", "sandi-sari-1"]):
        hash_ = b.split(":", 1)[1]
        assert hash_.startswith(f"$2y${catatan.BIAYA_BCRYPT:02d}$") and len(hash_) == 60
        assert bcrypt.checkpw(sandi.encode(), hash_.encode())
    assert oct(berkas.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in berkas.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_htpasswd_keeps_the_mode_the_admin_gave_it(url_catatan, tmp_path):
    berkas = tmp_path / "kdkmp.htpasswd"
    berkas.write_text("lama:x\n")
    os.chmod(berkas, 0o640)
    catatan.tulis_htpasswd(berkas, url=url_catatan)
    assert berkas.read_text() == "" and oct(berkas.stat().st_mode & 0o777) == "0o640"


def test_with_kdkmp_htpasswd_every_account_change_rewrites_the_file(url_catatan, tmp_path, monkeypatch):
    berkas = tmp_path / "kdkmp.htpasswd"
    monkeypatch.setenv("KDKMP_HTPASSWD", str(berkas))
    catatan.tambah_akun("sari", "provinsi", "52", oleh="admin", sandi="sandi-sari-1", url=url_catatan)
    assert berkas.read_text().startswith("sari:$2y$")
    catatan.ganti_sandi("sari", "sandi-sari-2", oleh="admin", url=url_catatan)
    assert bcrypt.checkpw(b"sandi-sari-2", berkas.read_text().split(":", 1)[1].strip().encode())
    catatan.nonaktifkan_akun("sari", oleh="admin", url=url_catatan)
    assert berkas.read_text() == ""


def test_an_htpasswd_file_that_cannot_be_written_says_the_change_was_saved(url_catatan, tmp_path, monkeypatch):
    (tmp_path / "berkas").write_text("bukan folder")
    monkeypatch.setenv("KDKMP_HTPASSWD", str(tmp_path / "berkas" / "kdkmp.htpasswd"))
    with pytest.raises(catatan.HtpasswdGagal, match=r"Perubahan akun sudah disimpan, tetapi berkas htpasswd .* tidak "
                                                     r"dapat ditulis: .*; perbaiki lalu jalankan `python -m kdkmp pengguna htpasswd"):
        catatan.tambah_akun("sari", "pusat", oleh="admin", sandi="sandi-sari-1", url=url_catatan)
    assert catatan.cari_akun("sari", url=url_catatan) == ("pusat", None, True, "sari")


# ---------------------------------------------------------------- concurrent writers and a week load

def _penambah(url: str | None, nomor: int, berhenti: str, hasil: str) -> None:
    """Append audit rows from 3 threads (sessions) until told to stop; write every id got back."""
    import threading

    id_id: list[tuple[int, int, int]] = []
    kunci = threading.Lock()

    def kerja(utas: int) -> None:
        urut = 0
        while not os.path.exists(berhenti) or urut < 20:
            i = catatan.catat("ekspor", f"proses{nomor}", wilayah="52", url=url, proses=nomor, utas=utas, urut=urut)
            with kunci:
                id_id.append((i, utas, urut))
            urut += 1
            time.sleep(0.01)  # a busy office, not a flood: leaves the cores to the loader

    utas = [threading.Thread(target=kerja, args=(u,)) for u in range(3)]
    for u in utas:
        u.start()
    for u in utas:
        u.join()
    Path(hasil).write_text(json.dumps(id_id))


def _pemuat(db: str, minggu_minggu: int) -> None:
    """Load weeks one after another through the one writer (each load swaps the DuckDB file)."""
    from kdkmp import ingest, snapshot
    from tests.snapshot_factory import MINGGU_CONTOH, frame_contoh

    for i in range(minggu_minggu):
        minggu = MINGGU_CONTOH - timedelta(weeks=minggu_minggu - 1 - i)
        hasil = snapshot.validasi_frame(frame_contoh(60, minggu=minggu))
        ingest.simpan(hasil, isi_file=f"minggu {i}".encode(), nama_file=f"m{i}.csv", db_path=db)


def test_concurrent_writers_lose_nothing_while_weeks_are_loaded_and_the_duckdb_file_swapped(
        url_catatan, tmp_path, monkeypatch):
    db = tmp_path / "kdkmp.duckdb"
    url = url_catatan
    if url_catatan.startswith("sqlite"):
        # the default place: beside the DuckDB file that the loads replace
        monkeypatch.delenv("KDKMP_STATE_URL", raising=False)
        url = catatan.url_bawaan(db)
        assert Path(url[len("sqlite:///"):]).parent == db.parent
    catatan.siapkan(url)
    ctx = mp.get_context("spawn")
    berhenti = tmp_path / "berhenti"
    penambah = [ctx.Process(target=_penambah, args=(url, n, str(berhenti), str(tmp_path / f"id{n}.json")))
                for n in range(2)]
    for p in penambah:
        p.start()
    time.sleep(1.0)  # the appenders are writing before the first load starts
    pemuat = ctx.Process(target=_pemuat, args=(str(db), 3))
    pemuat.start()
    pemuat.join(timeout=240)
    sebelum_berhenti = len(jejak(url, peristiwa="ekspor"))
    berhenti.write_text("")
    for p in penambah:
        p.join(timeout=120)
    assert pemuat.exitcode == 0 and [p.exitcode for p in penambah] == [0, 0]

    from kdkmp import store

    con = store.sambungan_baca(db)
    assert con.execute("SELECT count(*) FROM batch WHERE status = 'aktif'").fetchall() == [(3,)]
    con.close()
    dikembalikan = [tuple(x) + (n,) for n in range(2) for x in json.loads((tmp_path / f"id{n}.json").read_text())]
    j = jejak(url, peristiwa="ekspor")
    assert len(j) == len(dikembalikan) >= sebelum_berhenti > 0
    assert sorted(j["id"]) == sorted(x[0] for x in dikembalikan)
    tersimpan = {(r["proses"], r["utas"], r["urut"]) for r in rincian(j)}
    assert tersimpan == {(n, u, urut) for _, u, urut, n in dikembalikan}
    assert len(tersimpan) == len(j)
