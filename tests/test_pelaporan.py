"""Pelaporan berjenjang (issue 15): the status of each kabupaten's week, on SQLite and PostgreSQL
(`url_catatan` runs both): who may move it where, a returned week and its reload, a validated week
refusing a load until reopened, the share validated on a hand-worked scenario, and the page."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kdkmp import akses, catatan, ingest, pelaporan, store
from kdkmp.catatan import CatatanDitolak
from tests.conftest import MINGGU_UJI, WILAYAH_UJI, buka_app

ADMIN = akses.Pengguna(nama="admin1", peran="admin", wilayah=None, cara_masuk="proksi")
PUSAT = akses.Pengguna(nama="pmo", peran="pusat", wilayah=None, cara_masuk="proksi")
NTB = akses.Pengguna(nama="sari.ntb", peran="provinsi", wilayah="52", cara_masuk="proksi")
KALBAR = akses.Pengguna(nama="dewi.kalbar", peran="provinsi", wilayah="61", cara_masuk="proksi")
LOBAR = akses.Pengguna(nama="budi.lobar", peran="kabupaten", wilayah="52.01", cara_masuk="proksi")
LOTENG = akses.Pengguna(nama="ani.loteng", peran="kabupaten", wilayah="52.02", cara_masuk="proksi")
LOTIM = akses.Pengguna(nama="rudi.lotim", peran="kabupaten", wilayah="52.03", cara_masuk="proksi")
SAMBAS = akses.Pengguna(nama="yan.sambas", peran="kabupaten", wilayah="61.01", cara_masuk="proksi")

MINGGU = date(2026, 11, 16)

# ---------------------------------------------------------------- a hand-written week
# batch 1: the national file (admin), batch 2: Lombok Timur's own file. Reports per kabupaten:
#   52.01 Lombok Barat   5 (3 in kecamatan 52.01.01 Gerung, 2 in 52.01.02 Kediri)   batch 1
#   52.02 Lombok Tengah  3                                                          batch 1
#   52.03 Lombok Timur   2                                                          batch 2
#   61.01 Sambas         4                                                          batch 1
# every other kabupaten of NTB (7 of 10) and of Kalimantan Barat (13 of 14): belum masuk
LAPORAN = {"52.01.01": 3, "52.01.02": 2, "52.02.01": 3, "52.03.01": 2, "61.01.01": 4}
BATCH_KAB = {"52.01": 1, "52.02": 1, "52.03": 2, "61.01": 1}


def db_tangan(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE batch (batch_id INTEGER, minggu DATE, nama_file VARCHAR, dimuat_pada TIMESTAMP,
                   dimuat_oleh VARCHAR, status VARCHAR, wilayah VARCHAR)""")
    con.execute("INSERT INTO batch VALUES (1, ?, 'nasional.csv', TIMESTAMP '2026-11-17 08:00:00', 'admin1', "
                "'aktif', NULL)", [MINGGU])
    con.execute("INSERT INTO batch VALUES (2, ?, 'lotim.csv', TIMESTAMP '2026-11-17 09:30:00', 'rudi.lotim', "
                "'aktif', '52.03')", [MINGGU])
    con.execute("""CREATE TABLE laporan (minggu DATE, batch_id INTEGER, kode_koperasi VARCHAR, kode_desa VARCHAR,
                   kode_kecamatan VARCHAR, kode_kabupaten VARCHAR, kode_provinsi VARCHAR)""")
    for kec, n in LAPORAN.items():
        for i in range(n):
            desa = f"{kec}.{2001 + i}"
            con.execute("INSERT INTO laporan VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [MINGGU, BATCH_KAB[kec[:5]], f"KDKMP-{desa}", desa, kec, kec[:5], kec[:2]])
    con.close()
    return path


@pytest.fixture
def con_tangan(tmp_path):
    con = store.sambungan_baca(db_tangan(tmp_path / "tangan.duckdb"))
    yield con
    con.close()
    store.tutup_semua()


def status(con, url, wilayah=None, cakupan=None) -> dict[str, str]:
    df = pelaporan.tabel_status(con, MINGGU, wilayah, cakupan=cakupan, url=url)
    return dict(zip(df["kode_kabupaten"], df["status"]))


def ditolak(url) -> list[dict]:
    return [json.loads(r) for r in catatan.baca_jejak(peristiwa="pelaporan_ditolak", url=url, batas=None)["rincian"]]


# ---------------------------------------------------------------- states and who may move them

def test_a_week_goes_from_belum_masuk_to_validated_by_the_right_offices(con_tangan, url_catatan):
    awal = status(con_tangan, url_catatan, "52")
    assert awal["52.01"] == awal["52.03"] == "dimuat" and awal["52.04"] == "belum_masuk"
    r = pelaporan.verifikasi(con_tangan, LOBAR, "52.01", MINGGU, url=url_catatan)
    assert (r["status"], r["oleh"], r["batch_id"]) == ("diverifikasi", "budi.lobar", 1)
    pelaporan.validasi(con_tangan, NTB, "52.01", MINGGU, url=url_catatan)
    tabel = pelaporan.tabel_status(con_tangan, MINGGU, "52", url=url_catatan).set_index("kode_kabupaten")
    baris = tabel.loc["52.01"]
    assert (baris["status"], baris["label_status"], baris["status_oleh"], baris["status_peran"]) == (
        "divalidasi", "Divalidasi", "sari.ntb", "provinsi")
    assert (baris["baris"], baris["dimuat_oleh"], baris["nama_file"]) == (5, "admin1", "nasional.csv")
    assert tabel.loc["52.03", "dimuat_oleh"] == "rudi.lotim" and tabel.loc["52.03", "baris"] == 2
    assert len(tabel) == 10
    # each transition audited with its kind, in the same transaction as the row
    jejak = catatan.baca_jejak(url=url_catatan, batas=None)
    assert jejak["peristiwa"].tolist()[:2] == ["pelaporan_validasi", "pelaporan_verifikasi"]
    assert jejak["wilayah"].tolist()[:2] == ["52.01", "52.01"]


@pytest.mark.parametrize("pengguna, aksi, kab, siapkan, pesan", [
    # a kabupaten user cannot validate (not even its own week)
    (LOBAR, "validasi", "52.01", ["verifikasi"],
     "Validasi minggu kabupaten/kota dilakukan oleh PMO provinsi wilayah itu atau admin PMO pusat; peran PMO "
     "kabupaten/kota tidak boleh melakukannya."),
    # a provinsi user cannot validate another province's kabupaten
    (KALBAR, "validasi", "52.01", ["verifikasi"],
     "Kabupaten/kota Kabupaten Lombok Barat (52.01) berada di luar wilayah akun Anda (provinsi Kalimantan Barat "
     "(61)); validasi minggunya dilakukan oleh PMO provinsi wilayah itu."),
    # nor verify in place of the kabupaten; and a kabupaten user not another kabupaten's week
    (NTB, "verifikasi", "52.01", [], "Verifikasi minggu kabupaten/kota dilakukan oleh PMO kabupaten/kota"),
    (LOTENG, "verifikasi", "52.01", [], "berada di luar wilayah akun Anda (kabupaten/kota Kabupaten Lombok Tengah"),
    (PUSAT, "validasi", "52.01", ["verifikasi"], "peran PMO pusat tidak boleh melakukannya."),
    # verify before load
    (ADMIN, "verifikasi", "52.04", [], "Minggu 16 Nov 2026 Kabupaten Sumbawa (52.04) belum dimuat; verifikasi "
                                       "baru bisa setelah datanya dimuat."),
    # validate before verify
    (NTB, "validasi", "52.01", [], "Minggu 16 Nov 2026 Kabupaten Lombok Barat (52.01) belum diverifikasi PMO "
                                   "kabupaten/kota; validasi baru bisa setelah verifikasi."),
    # a transition repeated
    (LOBAR, "verifikasi", "52.01", ["verifikasi"], "sudah diverifikasi oleh budi.lobar pada"),
    (NTB, "validasi", "52.01", ["verifikasi", "validasi"], "sudah divalidasi oleh sari.ntb pada"),
    # a return needs its note; a validated week cannot be returned, only reopened
    (NTB, "kembalikan", "52.01", ["verifikasi"], "Catatan wajib diisi untuk mengembalikan"),
    (NTB, "buka_kembali", "52.01", ["verifikasi"], "berstatus diverifikasi; buka kembali hanya bisa dari status "
                                                   "divalidasi."),
], ids=["kabupaten_memvalidasi", "provinsi_lain", "provinsi_memverifikasi", "kabupaten_lain", "pusat",
        "verifikasi_sebelum_dimuat", "validasi_sebelum_verifikasi", "verifikasi_dua_kali", "validasi_dua_kali",
        "kembalikan_tanpa_catatan", "buka_kembali_belum_divalidasi"])
def test_a_wrong_transition_is_refused_with_one_sentence_changes_nothing_and_is_logged(
        con_tangan, url_catatan, pengguna, aksi, kab, siapkan, pesan):
    oleh = {"verifikasi": LOBAR, "validasi": NTB}
    for langkah in siapkan:
        pelaporan.ubah_status(con_tangan, oleh[langkah], kab, MINGGU, langkah, url=url_catatan)
    sebelum = catatan.baca_status_pelaporan(url=url_catatan)
    with pytest.raises(CatatanDitolak) as e:
        pelaporan.ubah_status(con_tangan, pengguna, kab, MINGGU, aksi, url=url_catatan,
                              catatan="alasan uji" if aksi == "buka_kembali" else None)
    kalimat = str(e.value)
    assert pesan in kalimat and kalimat.endswith(".") and "\n" not in kalimat
    assert catatan.baca_status_pelaporan(url=url_catatan).equals(sebelum)
    log = ditolak(url_catatan)
    assert [(r["aksi"], r["alasan"]) for r in log] == [(aksi, kalimat)]


def test_a_returned_week_goes_back_with_its_note_and_is_verified_only_after_a_reload(con_tangan, url_catatan):
    pelaporan.verifikasi(con_tangan, LOTIM, "52.03", MINGGU, url=url_catatan)
    pelaporan.kembalikan(con_tangan, NTB, "52.03", MINGGU, "Desa 52.03.01.2001 melapor progres 0 %, periksa lagi",
                         url=url_catatan)
    # what the kabupaten user sees on its own row
    baris = pelaporan.tabel_status(con_tangan, MINGGU, "52.03", cakupan="52.03", url=url_catatan).iloc[0]
    assert (baris["status"], baris["status_oleh"], baris["catatan"]) == (
        "dikembalikan", "sari.ntb", "Desa 52.03.01.2001 melapor progres 0 %, periksa lagi")
    assert pelaporan.aksi_tersedia(LOTIM, "52.03", "dikembalikan") == []
    with pytest.raises(CatatanDitolak, match="dikembalikan oleh sari.ntb pada .* \\(catatan: Desa 52.03.01.2001 "
                                             "melapor progres 0 %, periksa lagi\\); muat ulang data"):
        pelaporan.verifikasi(con_tangan, LOTIM, "52.03", MINGGU, url=url_catatan)


def test_the_page_shown_batch_must_still_be_the_loaded_one(con_tangan, url_catatan):
    with pytest.raises(CatatanDitolak, match="sudah dimuat ulang \\(batch 1, oleh admin1\\) sejak halaman ini dibuka"):
        pelaporan.verifikasi(con_tangan, LOBAR, "52.01", MINGGU, batch_id=7, url=url_catatan)


def test_buttons_offered_follow_role_scope_and_state():
    assert pelaporan.aksi_tersedia(LOBAR, "52.01", "dimuat") == ["verifikasi"]
    assert pelaporan.aksi_tersedia(LOBAR, "52.02", "dimuat") == []
    assert pelaporan.aksi_tersedia(NTB, "52.01", "diverifikasi") == ["validasi", "kembalikan"]
    assert pelaporan.aksi_tersedia(NTB, "61.01", "diverifikasi") == []
    assert pelaporan.aksi_tersedia(NTB, "52.01", "divalidasi") == ["buka_kembali"]
    assert pelaporan.aksi_tersedia(ADMIN, "61.01", "dimuat") == ["verifikasi"]
    assert pelaporan.aksi_tersedia(PUSAT, "52.01", "diverifikasi") == []


# ---------------------------------------------------------------- the share validated, by hand

def test_share_validated_on_a_hand_worked_week(con_tangan, url_catatan):
    for kab, kantor in (("52.01", LOBAR), ("52.02", LOTENG), ("52.03", LOTIM), ("61.01", SAMBAS)):
        pelaporan.verifikasi(con_tangan, kantor, kab, MINGGU, url=url_catatan)
    pelaporan.validasi(con_tangan, NTB, "52.01", MINGGU, url=url_catatan)       # 52.01 divalidasi   (5 reports)
    pelaporan.kembalikan(con_tangan, NTB, "52.03", MINGGU, "cek", url=url_catatan)  # 52.03 dikembalikan (2)
    pelaporan.validasi(con_tangan, ADMIN, "61.01", MINGGU, url=url_catatan)     # 61.01 divalidasi   (4)
    #                                                                              52.02 diverifikasi (3)

    def porsi(wilayah):
        return pelaporan.porsi_divalidasi(pelaporan.tabel_status(con_tangan, MINGGU, wilayah, url=url_catatan))

    assert porsi(None) == (9, 14)        # 5 + 4 of 5 + 3 + 2 + 4: 64,3 %
    assert porsi("52") == (5, 10)        # 5 of 5 + 3 + 2: 50,0 %
    assert porsi("52.01.01") == (3, 3)   # Gerung: its 3 reports, Lombok Barat validated: 100 %
    assert porsi("52.02") == (0, 3)      # verified, not validated: 0 %
    assert porsi("52.04") == (0, 0)      # nothing loaded
    # the pages cut these from the national table built once (pelaporan.potong_status): the same
    # hand-worked shares, and the same rows as the area's own table, down to kabupaten level
    nasional = pelaporan.tabel_status(con_tangan, MINGGU, url=url_catatan)
    for wilayah, harap in ((None, (9, 14)), ("52", (5, 10)), ("52.02", (0, 3)), ("52.04", (0, 0)), ("61", (4, 4))):
        potong = pelaporan.potong_status(nasional, wilayah)
        assert pelaporan.porsi_divalidasi(potong) == harap, wilayah
        pd.testing.assert_frame_equal(potong, pelaporan.tabel_status(con_tangan, MINGGU, wilayah, url=url_catatan))
        muatan = pelaporan.potong_status(pelaporan.muatan_kabupaten(con_tangan, MINGGU, None), wilayah)
        # which kabupaten have reports, from which batch, how many (what the views read of it)
        kolom = ["kode_kabupaten", "batch_id", "baris"]
        assert (muatan[kolom].to_dict("records")
                == pelaporan.muatan_kabupaten(con_tangan, MINGGU, wilayah)[kolom].to_dict("records")), wilayah
    with pytest.raises(ValueError):  # a kecamatan counts only its own reports of its kabupaten
        pelaporan.potong_status(nasional, "52.01.01")
    kalimat = pelaporan.kalimat_porsi(pelaporan.tabel_status(con_tangan, MINGGU, "52", url=url_catatan))
    assert kalimat == ("50,0 % koperasi di tampilan ini minggunya sudah divalidasi (5 dari 10 laporan; 1 dari 3 "
                       "kabupaten/kota yang sudah masuk).")
    ringkas = pelaporan.ringkas_per_provinsi(pelaporan.tabel_status(con_tangan, MINGGU, url=url_catatan))
    ringkas = ringkas.set_index("kode_provinsi")
    kolom = ["kabupaten", "belum_masuk", "dimuat", "diverifikasi", "divalidasi", "dikembalikan", "baris",
             "baris_divalidasi"]
    assert ringkas.loc["52", kolom].tolist() == [10, 7, 0, 1, 1, 1, 10, 5]
    assert ringkas.loc["61", kolom].tolist() == [14, 13, 0, 0, 1, 0, 4, 4]
    assert ringkas.loc["52", "persen_divalidasi"] == pytest.approx(50.0)
    assert ringkas.loc["61", "persen_divalidasi"] == pytest.approx(100.0)
    assert pd.isna(ringkas.loc["11", "persen_divalidasi"]) and ringkas.loc["11", "belum_masuk"] > 0


def test_a_scope_outside_the_area_is_refused_before_reading(con_tangan, url_catatan):
    with pytest.raises(akses.AksesDitolak):
        pelaporan.tabel_status(con_tangan, MINGGU, "61", cakupan="52", url=url_catatan)


# ---------------------------------------------------------------- loads: the real path on the demo database

@pytest.fixture
def db(db_demo, tmp_path, url_catatan, monkeypatch):
    """A writable copy of the demo database (national loads of NTB, Kalimantan Barat and Jember) whose
    loads check the state store under test."""
    salinan = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, salinan)
    monkeypatch.setenv("KDKMP_STATE_URL", url_catatan)
    yield salinan
    store.tutup_semua()


@pytest.fixture(scope="module")
def minggu_terakhir_demo():
    from kdkmp import demo

    return list(demo.frame_minggu_semua(MINGGU_UJI, wilayah_kode=WILAYAH_UJI))[-1]


def muat_lombok_barat(db: Path, tmp_path: Path, minggu_terakhir_demo, oleh: str = "budi.lobar") -> int:
    minggu, frame = minggu_terakhir_demo
    berkas = tmp_path / "lombok_barat.csv"
    frame[frame["kode_desa"].str.startswith("52.01.")].assign(progres_fisik=40.0).to_csv(berkas, index=False)
    hasil = ingest.muat_file(berkas, db_path=db, wilayah="52.01", ganti=True, dimuat_oleh=oleh, tunggu=30)
    store.tutup_semua()
    return hasil.batch_id


def status_db(db: Path, minggu, kab: str, url: str) -> pd.Series:
    con = store.sambungan_baca(db)
    try:
        return pelaporan.tabel_status(con, minggu, kab, url=url).iloc[0]
    finally:
        con.close()


def ubah(db: Path, pengguna, kab, minggu, aksi, url, **kw):
    con = store.sambungan_baca(db)
    try:
        return pelaporan.ubah_status(con, pengguna, kab, minggu, aksi, url=url, **kw)
    finally:
        con.close()
        store.tutup_semua()


def test_a_reload_after_a_return_starts_again_at_dimuat(db, tmp_path, minggu_terakhir_demo, url_catatan):
    minggu, _ = minggu_terakhir_demo
    awal = status_db(db, minggu, "52.01", url_catatan)
    assert awal["status"] == "dimuat" and awal["dimuat_oleh"] != "budi.lobar"  # the national demo load
    ubah(db, LOBAR, "52.01", minggu, "verifikasi", url_catatan)
    ubah(db, NTB, "52.01", minggu, "kembalikan", url_catatan, catatan="progres fisik belum diisi")
    assert status_db(db, minggu, "52.01", url_catatan)["catatan"] == "progres fisik belum diisi"
    batch = muat_lombok_barat(db, tmp_path, minggu_terakhir_demo)
    baru = status_db(db, minggu, "52.01", url_catatan)
    assert (baru["status"], baru["batch_id"], baru["dimuat_oleh"]) == ("dimuat", batch, "budi.lobar")
    assert status_db(db, minggu, "52.02", url_catatan)["status"] == "dimuat"  # the neighbour is untouched
    ubah(db, LOBAR, "52.01", minggu, "verifikasi", url_catatan)
    ubah(db, NTB, "52.01", minggu, "validasi", url_catatan)
    assert status_db(db, minggu, "52.01", url_catatan)["status"] == "divalidasi"
    # the old batch's transitions stay as history
    riwayat = pelaporan.riwayat_status("52.01", minggu, url=url_catatan)
    assert riwayat["status"].tolist() == ["diverifikasi", "dikembalikan", "diverifikasi", "divalidasi"]


def test_a_validated_week_refuses_a_load_until_its_validator_reopens_it(db, tmp_path, minggu_terakhir_demo,
                                                                        url_catatan):
    minggu, frame = minggu_terakhir_demo
    ubah(db, LOBAR, "52.01", minggu, "verifikasi", url_catatan)
    ubah(db, NTB, "52.01", minggu, "validasi", url_catatan)
    sidik = Path(db).read_bytes()
    with pytest.raises(pelaporan.MingguTervalidasi) as e:
        muat_lombok_barat(db, tmp_path, minggu_terakhir_demo)
    assert str(e.value).startswith(f"Minggu {pelaporan.fmt.tanggal(minggu)} Kabupaten Lombok Barat (52.01) sudah "
                                   "divalidasi oleh sari.ntb pada ")
    assert str(e.value).endswith("minta validator membuka kembali minggu itu dengan alasan sebelum memuat ulang.")
    assert Path(db).read_bytes() == sidik  # nothing changed
    assert [r["aksi"] for r in ditolak(url_catatan)] == ["muat"]
    # the national file (admin) would replace it too: refused the same way
    berkas = tmp_path / "nasional.csv"
    frame.to_csv(berkas, index=False)
    with pytest.raises(pelaporan.MingguTervalidasi):
        ingest.muat_file(berkas, db_path=db, ganti=True, dimuat_oleh="admin1", tunggu=30)
    store.tutup_semua()
    # a kabupaten user cannot reopen; the validator can, with a reason
    with pytest.raises(CatatanDitolak, match="Buka kembali minggu kabupaten/kota dilakukan oleh PMO provinsi"):
        ubah(db, LOBAR, "52.01", minggu, "buka_kembali", url_catatan, catatan="salah ketik")
    with pytest.raises(CatatanDitolak, match="Alasan wajib diisi"):
        ubah(db, NTB, "52.01", minggu, "buka_kembali", url_catatan, catatan="  ")
    ubah(db, NTB, "52.01", minggu, "buka_kembali", url_catatan, catatan="data koperasi Gerung salah ketik")
    assert status_db(db, minggu, "52.01", url_catatan)["status"] == "dibuka_kembali"
    batch = muat_lombok_barat(db, tmp_path, minggu_terakhir_demo)
    assert status_db(db, minggu, "52.01", url_catatan)[["status", "batch_id"]].tolist() == ["dimuat", batch]


def test_a_load_of_a_week_never_validated_does_not_create_a_state_store(db_demo, tmp_path, minggu_terakhir_demo,
                                                                        monkeypatch):
    monkeypatch.delenv("KDKMP_STATE_URL", raising=False)
    salinan = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, salinan)
    muat_lombok_barat(salinan, tmp_path, minggu_terakhir_demo)
    assert not (tmp_path / catatan.NAMA_BERKAS).exists()


# ---------------------------------------------------------------- the page

@pytest.fixture
def kantor(kantor_proksi):
    """The demo database behind a proxy (X-Remote-User → username) with an account per office."""
    return kantor_proksi(ADMIN, PUSAT, NTB, LOBAR)


def buka(nama: str, **param):
    return buka_app("halaman/pelaporan.py", user={"username": nama}, **param)


def test_page_kabupaten_verifies_its_week_then_provinsi_validates_and_views_say_how_much_is_validated(kantor):
    db, url = kantor
    at = buka("budi.lobar")
    assert at.title[0].value == "Status pelaporan"
    assert [len(d.value) for d in at.dataframe][:1] == [1]  # its own row only
    tombol = [b for b in at.button if b.label == "Verifikasi"]
    assert len(tombol) == 1
    tombol[0].click().run()
    assert not at.exception, at.exception
    assert any("diverifikasi" in s.value for s in at.success), [s.value for s in at.success]
    assert catatan.baca_jejak(peristiwa="pelaporan_verifikasi", url=url)["oleh"].tolist() == ["budi.lobar"]

    def baris_validasi() -> str:
        wilayah = buka_app("halaman/wilayah.py", user={"username": "sari.ntb"}, prov="52")
        return next(c.value for c in wilayah.caption if "minggunya sudah divalidasi" in c.value)

    assert "(0 dari " in baris_validasi() and "; 0 dari 10 kabupaten/kota" in baris_validasi()
    at = buka("sari.ntb")
    tabel = at.dataframe[0].value
    assert len(tabel) == 10  # every kabupaten/kota of NTB
    assert set(tabel["Status"]) == {"Diverifikasi", "Dimuat"}
    assert any(c.value == "Semua kabupaten/kota di sini sudah memuat data minggu ini." for c in at.caption)
    at.selectbox(key="pl_kabupaten").select("52.01").run()
    at.selectbox(key="pl_aksi").select("validasi").run()
    [b for b in at.button if b.label == "Simpan status"][0].click().run()
    assert not at.exception, at.exception
    assert catatan.baca_jejak(peristiwa="pelaporan_validasi", url=url)["oleh"].tolist() == ["sari.ntb"]
    # the area view's line follows the new status at once (it is kept until the status changes)
    assert "; 1 dari 10 kabupaten/kota" in baris_validasi() and "(0 dari " not in baris_validasi()

    at = buka("pmo", prov="35")  # pusat: per province, then Jawa Timur, where only Jember has loaded
    assert any("Per provinsi" in h.value for h in at.subheader)
    per_provinsi = at.dataframe[0].value.set_index("Kode")
    assert per_provinsi.loc["52", ["Kab/kota", "Divalidasi", "Diverifikasi", "Dimuat"]].tolist() == [10, 1, 0, 9]
    assert [w.value.split(":**")[0] for w in at.warning] == ["**Belum masuk (37 kabupaten/kota)"]
    assert not [b for b in at.button if b.label == "Simpan status"]


def test_a_database_from_before_area_loads_reads_as_national_loads(db_demo, tmp_path):
    """A live file written before batch.wilayah existed gets the column only on its next write;
    the readers (read-only) must still show its weeks, every load national."""
    lama = tmp_path / "lama.duckdb"
    shutil.copyfile(db_demo, lama)
    with duckdb.connect(str(lama)) as con:
        con.execute("ALTER TABLE batch DROP COLUMN wilayah")
        minggu, jumlah = con.execute("SELECT max(minggu), count(*) FILTER (WHERE minggu = (SELECT max(minggu) "
                                     "FROM laporan)) FROM laporan").fetchall()[0]
    try:
        muatan = pelaporan.muatan_kabupaten(store.sambungan_baca(lama), minggu)
        assert muatan["wilayah_batch"].isna().all()
        assert int(muatan["baris"].sum()) == jumlah
    finally:
        store.tutup_semua()


def test_the_cli_takes_each_step_as_the_account_named_and_refuses_with_exit_2(kantor, capsys):
    from kdkmp import cli

    db, url = kantor
    dasar = ["--week", "2026-11-16", "--db", str(db)]
    assert cli.main(["pelaporan", "verifikasi", "--oleh", "budi.lobar", *dasar]) == 0  # its own kabupaten by default
    assert "52.01 (Kabupaten Lombok Barat) sekarang diverifikasi (oleh budi.lobar)" in capsys.readouterr().out
    assert cli.main(["pelaporan", "validasi", "--oleh", "budi.lobar", *dasar]) == 2
    assert capsys.readouterr().err.strip() == (
        "Validasi minggu kabupaten/kota dilakukan oleh PMO provinsi wilayah itu atau admin PMO pusat; peran PMO "
        "kabupaten/kota tidak boleh melakukannya.")
    assert cli.main(["pelaporan", "kembalikan", "--wilayah", "52.01", "--oleh", "sari.ntb", *dasar]) == 2  # no note
    assert cli.main(["pelaporan", "validasi", "--wilayah", "52.01", "--oleh", "sari.ntb", *dasar]) == 0
    assert cli.main(["pelaporan", "buka-kembali", "--wilayah", "52.01", "--oleh", "sari.ntb", "--catatan",
                     "Data lahan dikoreksi", *dasar]) == 0
    capsys.readouterr()
    assert cli.main(["pelaporan", "status", "--oleh", "sari.ntb", *dasar]) == 0
    keluar = capsys.readouterr().out.splitlines()
    assert keluar[0] == "Status pelaporan minggu 2026-11-16 · 52 (Nusa Tenggara Barat)"
    assert "  52.01 Kabupaten Lombok Barat: Dibuka kembali oleh sari.ntb (Data lahan dikoreksi); " in keluar[2]
    assert len(keluar) == 12  # the title, the validated share, the 10 kabupaten/kota of NTB
    langkah = catatan.baca_jejak(peristiwa=[f"pelaporan_{a}" for a in pelaporan.TRANSISI], url=url)
    assert langkah["oleh"].tolist() == ["sari.ntb", "sari.ntb", "budi.lobar"]
    assert len(ditolak(url)) == 2


# ---------------------------------------------------------------- a week not yet in everywhere

def test_the_kabupaten_not_yet_in_are_those_that_reported_the_week_before():
    kini = pd.DataFrame({"kode_kabupaten": ["52.01"]})
    lalu = pd.DataFrame({"kode_kabupaten": ["52.03", "52.01", "52.02"]})
    assert pelaporan.belum_masuk_lagi(kini, lalu) == ["52.02", "52.03"]
    assert pelaporan.belum_masuk_lagi(lalu, kini) == []  # a kabupaten new this week is not "missing"
    assert pelaporan.kalimat_belum_masuk([], date(2026, 11, 16)) is None
    assert pelaporan.kalimat_belum_masuk(["52.02", "52.03"], date(2026, 11, 16)) == (
        "Minggu ini belum dimuat untuk 2 kabupaten/kota yang melapor minggu 16 Nov 2026 (Kabupaten Lombok Tengah "
        "(52.02), Kabupaten Lombok Timur (52.03)): koperasinya tampil tidak melapor sampai file minggu ini dimuat.")


def test_when_one_kabupaten_opens_a_new_week_the_province_view_names_those_not_in_yet(kantor, minggu_terakhir_demo):
    """Monday morning: Lombok Barat loads the week after the demo's last one first. NTB's view of the
    new week names the other 9 kabupaten/kota of NTB (all 10 reported the week before, in the demo);
    Lombok Barat's own view has nothing missing."""
    from datetime import timedelta

    db, _ = kantor
    minggu, frame = minggu_terakhir_demo
    baru = minggu + timedelta(weeks=1)
    berkas = db.parent / "lombok_barat_baru.csv"
    frame[frame["kode_desa"].str.startswith("52.01.")].assign(tanggal_data=baru.isoformat()).to_csv(berkas, index=False)
    ingest.muat_file(berkas, db_path=db, wilayah="52.01", dimuat_oleh="budi.lobar", tunggu=30)
    store.tutup_semua()
    provinsi = buka_app("halaman/wilayah.py", user={"username": "sari.ntb"}, prov="52")
    assert not provinsi.exception, provinsi.exception
    peringatan = [w.value for w in provinsi.warning if w.value.startswith("Minggu ini belum dimuat")]
    tanggal = f"{minggu.day} {['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'][minggu.month - 1]} {minggu.year}"
    assert peringatan == [
        f"Minggu ini belum dimuat untuk 9 kabupaten/kota yang melapor minggu {tanggal} (Kabupaten Lombok Tengah "
        "(52.02), Kabupaten Lombok Timur (52.03), Kabupaten Sumbawa (52.04), Kabupaten Dompu (52.05), Kabupaten "
        "Bima (52.06), dan 4 lainnya): koperasinya tampil tidak melapor sampai file minggu ini dimuat."]
    kabupaten = buka_app("halaman/wilayah.py", user={"username": "budi.lobar"}, prov="52", kab="52.01")
    assert not kabupaten.exception, kabupaten.exception
    assert not [w for w in kabupaten.warning if w.value.startswith("Minggu ini belum dimuat")]
    # a kecamatan of Lombok Tengah (its own reports counted, not its kabupaten's status row): its one
    # kabupaten is not in yet
    kecamatan = buka_app("halaman/wilayah.py", user={"username": "sari.ntb"}, prov="52", kab="52.02", kec="52.02.01")
    assert not kecamatan.exception, kecamatan.exception
    assert [w.value for w in kecamatan.warning if w.value.startswith("Minggu ini belum dimuat")] == [
        f"Minggu ini belum dimuat untuk 1 kabupaten/kota yang melapor minggu {tanggal} (Kabupaten Lombok Tengah "
        "(52.02)): koperasinya tampil tidak melapor sampai file minggu ini dimuat."]
