"""The upload page for the offices (issue 15), through AppTest behind the proxy header: a kabupaten
office loads its own kabupaten, a provinsi office picks among its own, the admin's "ganti semua"
names what disappears, a file for the wrong area and a writer busy past the limit are one sentence.
Expected numbers come from the fixture files and from the database read directly, never from the
page's own queries."""

from __future__ import annotations

import hashlib
import json
import threading

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kdkmp import catatan, ingest, store
from kdkmp import wilayah as ref
from tests.conftest import MINGGU_UJI, WILAYAH_UJI, buka_app

LOMBOK_BARAT = "52.01"


@pytest.fixture(scope="module")
def minggu_terakhir() -> tuple:
    """The latest demo week of the test areas as its raw file frame (what db_demo loaded for it)."""
    from kdkmp import demo

    return list(demo.frame_minggu_semua(MINGGU_UJI, wilayah_kode=WILAYAH_UJI))[-1]


@pytest.fixture
def kantor(salinan_demo, tmp_path, monkeypatch):
    """A writable demo database behind the proxy (X-Remote-User → username) with an admin, a
    provinsi office (NTB) and a kabupaten office (Lombok Barat)."""
    monkeypatch.setenv("KDKMP_STATE_URL", f"sqlite:///{tmp_path / 'catatan.sqlite'}")
    for nama, peran, wilayah in (("admin1", "admin", None), ("ntb", "provinsi", "52"),
                                 ("lobar", "kabupaten", LOMBOK_BARAT)):
        catatan.tambah_akun(nama, peran, wilayah, oleh="uji")
    lama = st.get_option("server.trustedUserHeaders")
    st.config.set_option("server.trustedUserHeaders", {"X-Remote-User": "username"})
    yield salinan_demo
    st.config.set_option("server.trustedUserHeaders", lama)
    catatan.tutup_semua()


def buka(nama: str, halaman: str | None = "halaman/unggah.py") -> AppTest:
    return buka_app(halaman, user={"username": nama})


def baca(db, sql: str, param=None) -> list:
    store.tutup_semua()  # a cached reader would still see the file from before the swap
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, param or []).fetchall()


def angka(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def kabupaten(frame: pd.DataFrame) -> pd.Series:
    return frame["kode_desa"].str.slice(0, 5)


def unggah(at: AppTest, nama_file: str, frame: pd.DataFrame) -> AppTest:
    at.file_uploader[0].set_value((nama_file, frame.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def tombol_muat(at: AppTest):
    return next(b for b in at.button if b.label == "Muat ke basis data")


def sidik(db) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_a_kabupaten_office_loads_its_kabupaten_other_areas_stay_and_the_stamp_counts_both_files(
        kantor, minggu_terakhir):
    minggu, frame = minggu_terakhir
    file = frame[kabupaten(frame) == LOMBOK_BARAT].iloc[:-1].copy()  # one koperasi fewer, stalled construction
    file["progres_fisik"] = 3.0
    per_kab = "SELECT kode_kabupaten, count(*) FROM laporan WHERE minggu = ? GROUP BY 1 ORDER BY 1"
    sebelum = dict(baca(kantor, per_kab, [minggu]))

    at = buka("lobar")
    assert not [s for s in at.selectbox if s.key == "wilayah_muat"]  # its area is fixed, not chosen
    assert any("Wilayah file ini: **Kabupaten Lombok Barat (52.01)**" in m.value for m in at.markdown)
    unggah(at, "lobar.csv", file)
    assert {m.label: m.value for m in at.metric}["Baris akan dimuat"] == angka(len(file))
    lama = int((kabupaten(frame) == LOMBOK_BARAT).sum())
    # the file lacks one koperasi that reported: "perbarui" (keep it) is offered first
    assert at.radio(key="cara_muat").value == "perbarui"
    assert at.dataframe[0].value.values.tolist() == [
        [LOMBOK_BARAT, "Kabupaten Lombok Barat", "Diperbarui", lama, lama]]
    at.radio(key="cara_muat").set_value("ganti").run()
    rencana = at.dataframe[0].value
    assert rencana.values.tolist() == [[LOMBOK_BARAT, "Kabupaten Lombok Barat", "Diganti", lama, len(file)]]
    terakhir = frame[kabupaten(frame) == LOMBOK_BARAT]["kode_koperasi"].iloc[-1]
    assert [e.value for e in at.error] == [
        f"1 koperasi yang sudah melapor minggu ini tidak ada di file ini ({terakhir}) dan akan tampil TIDAK MELAPOR."]
    assert tombol_muat(at).disabled
    at.checkbox(key="konfirmasi_ganti").check().run()
    tombol_muat(at).click().run()
    assert not at.exception, at.exception
    assert any("dimuat sebagai batch" in s.value and "Kabupaten Lombok Barat (52.01)" in s.value for s in at.success)

    sesudah = dict(baca(kantor, per_kab, [minggu]))
    assert sesudah.pop(LOMBOK_BARAT) == len(file)
    assert sesudah == {k: n for k, n in sebelum.items() if k != LOMBOK_BARAT}
    assert baca(kantor, "SELECT dimuat_oleh, wilayah, status FROM batch ORDER BY batch_id DESC LIMIT 2") == [
        ("lobar", LOMBOK_BARAT, "aktif"), ("demo", None, "aktif")]
    # the stamp: the national file's rows outside Lombok Barat plus the office's file, from 2 files
    total = (len(frame) - lama) + len(file)
    cap = next(c.value for c in buka("lobar", None).caption if c.value.startswith("Data minggu"))
    assert f"{angka(total)} baris dari 2 file (terakhir: lobar.csv, " in cap and " oleh lobar)" in cap
    # the office's own history lists its load first, and the province's too; below it the national
    # files whose rows still stand for the area (every earlier week), with those rows counted
    nasional = baca(kantor, "SELECT batch_id, count(*) FILTER (WHERE kode_kabupaten = '52.01'), "
                            "count(*) FILTER (WHERE kode_provinsi = '52') FROM laporan WHERE batch_id IN "
                            "(SELECT batch_id FROM batch WHERE wilayah IS NULL) GROUP BY 1 ORDER BY 1 DESC")
    for nama, kolom in (("lobar", 1), ("ntb", 2)):
        riwayat = buka(nama).dataframe[0].value
        assert riwayat["nama_file"].iloc[0] == "lobar.csv" and riwayat["dimuat_oleh"].iloc[0] == "lobar"
        assert riwayat["baris_wilayah"].iloc[0] == len(file)
        lain = riwayat.iloc[1:]
        assert lain["batch_id"].tolist() == [b[0] for b in nasional if b[kolom]]
        assert lain["baris_wilayah"].tolist() == [b[kolom] for b in nasional if b[kolom]]
        assert set(lain["wilayah"]) == {"Nasional (file seluruh Indonesia)"}
        assert riwayat["dimuat_pada"].str.endswith(" WIB").all()
    jejak = catatan.baca_jejak(oleh="lobar", peristiwa="ganti")
    assert jejak["wilayah"].tolist() == [LOMBOK_BARAT]
    assert f'"baris_diganti": {lama}' in jejak["rincian"].iloc[0]


def test_a_provinsi_office_picks_only_its_own_kabupaten_and_rows_outside_the_pick_are_rejected_with_reason(
        kantor, minggu_terakhir):
    _, frame = minggu_terakhir
    at = buka("ntb")
    pilihan = at.selectbox(key="wilayah_muat")
    ntb = ref.anak("52")
    assert pilihan.options == ["Seluruh provinsi Nusa Tenggara Barat (52)",
                               *[f"{n} ({k})" for k, n in zip(ntb["kode"], ntb["nama"])]]
    assert not [o for o in pilihan.options if "(61" in o or "(35" in o]
    pilihan.select("52.02").run()
    file = frame[frame["kode_desa"].str.startswith("52.")]
    unggah(at, "ntb.csv", file)
    di_luar = int((kabupaten(file) != "52.02").sum())
    assert {m.label: m.value for m in at.metric}["Baris ditolak"] == angka(di_luar)
    ditolak = at.dataframe[0].value
    assert len(ditolak) == di_luar
    assert set(ditolak["alasan"]) == {"di luar wilayah 52.02 (Kabupaten Lombok Tengah)"}
    # and the rules behind the list: another province's kabupaten is refused to this account
    from kdkmp import akses

    with pytest.raises(akses.AksesDitolak, match="di luar cakupan akun Anda"):
        ingest.periksa_hak_muat(akses.Pengguna("ntb", "provinsi", "52", "uji"), "61.01")


def test_the_admin_s_ganti_semua_names_the_areas_that_disappear_with_their_rows(kantor, minggu_terakhir):
    minggu, frame = minggu_terakhir
    file = frame[frame["kode_desa"].str.startswith("52.")]
    lain = frame[~frame["kode_desa"].str.startswith("52.")]
    per_kab = kabupaten(lain).value_counts()  # by hand, from the fixture file
    at = buka("admin1")
    assert at.selectbox(key="wilayah_muat").value is None  # the national file
    at.checkbox(key="ganti_semua").check().run()
    unggah(at, "ntb.csv", file)
    peringatan = next(e.value for e in at.error if "HILANG" in e.value)
    assert peringatan.startswith(f"{angka(len(lain))} baris dari {len(per_kab)} kabupaten/kota yang tidak ada di file "
                                 f"ini akan HILANG dari minggu ")
    for kode, n in per_kab.items():
        assert f"{ref.nama(kode)} ({kode}, {angka(n)} baris)" in peringatan
    hapus = at.checkbox(key="konfirmasi_hilang")
    assert hapus.label == (f"Ya, hapus {angka(len(lain))} baris dari {len(per_kab)} kabupaten/kota yang tidak ada "
                           "di file ini")
    at.checkbox(key="konfirmasi_ganti").check().run()
    assert tombol_muat(at).disabled  # replacing NTB is confirmed, the disappearing rows are not yet
    at.checkbox(key="konfirmasi_hilang").check().run()
    tombol_muat(at).click().run()
    assert not at.exception, at.exception
    assert baca(kantor, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_provinsi <> '52'", [minggu]) == [(0,)]
    assert f'"baris_dihapus": {len(lain)}' in catatan.baca_jejak(oleh="admin1", peristiwa="ganti")["rincian"].iloc[0]


def test_without_ganti_semua_nothing_disappears_and_a_regional_office_is_not_offered_it(kantor, minggu_terakhir):
    _, frame = minggu_terakhir
    at = unggah(buka("admin1"), "ntb.csv", frame[frame["kode_desa"].str.startswith("52.")])
    assert not [c for c in at.checkbox if c.key == "konfirmasi_hilang"]
    assert not [e for e in at.error if "HILANG" in e.value]
    assert any("wilayah lain tidak berubah" in m.value for m in at.markdown)
    assert not [c for c in buka("ntb").checkbox if c.key == "ganti_semua"]


def test_a_file_for_another_area_is_refused_with_one_sentence_and_changes_nothing(kantor, minggu_terakhir):
    _, frame = minggu_terakhir
    kalbar = frame[frame["kode_desa"].str.startswith("61.")]
    sebelum = sidik(kantor)
    at = unggah(buka("lobar"), "kalbar.csv", kalbar)
    assert len(at.error) == 1
    kalimat = at.error[0].value
    assert kalimat.startswith(f"File ditolak, tidak ada data yang diubah: Semua {angka(len(kalbar))} baris file ini "
                              "berada di luar wilayah 52.01 (Kabupaten Lombok Barat): kode desanya di 61.")
    assert kalimat.endswith("unggah file wilayah 52.01.") and kalimat.count(". ") == 0 and "\n" not in kalimat
    assert not at.metric and not [b for b in at.button if b.label == "Muat ke basis data"]
    assert sidik(kantor) == sebelum
    # the refusal is in the audit trail: who, the area, the file, why
    jejak = catatan.baca_jejak(oleh="lobar", peristiwa="muat_ditolak")
    assert list(jejak["wilayah"]) == [LOMBOK_BARAT]
    rincian = json.loads(jejak["rincian"].iloc[0])
    assert rincian["file"] == "kalbar.csv" and "berada di luar wilayah 52.01" in rincian["alasan"]
    assert rincian["sha256"] == hashlib.sha256(kalbar.to_csv(index=False).encode()).hexdigest()


def test_a_load_waiting_past_the_limit_is_one_sentence_and_changes_nothing(kantor, minggu_terakhir, monkeypatch):
    minggu, frame = minggu_terakhir
    monkeypatch.setattr(ingest, "WAKTU_TUNGGU", 1.5)
    dikabari = []
    asli = ingest.simpan_rinci

    def mencatat(*a, kabar, **k):
        def juga(menunggu, batas):
            dikabari.append((menunggu, batas))
            kabar(menunggu, batas)
        return asli(*a, kabar=juga, **k)

    monkeypatch.setattr(ingest, "simpan_rinci", mencatat)
    at = unggah(buka("lobar"), "lobar.csv", frame[kabupaten(frame) == LOMBOK_BARAT])
    at.checkbox(key="konfirmasi_ganti").check().run()
    lepas, dipegang = threading.Event(), threading.Event()

    def tahan():
        with store.penulisan(kantor):
            dipegang.set()
            lepas.wait(60)

    t = threading.Thread(target=tahan)
    t.start()
    dipegang.wait(30)
    sebelum = sidik(kantor)
    try:
        tombol_muat(at).click().run()
    finally:
        lepas.set()
        t.join()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Basis data masih dipakai pemuatan kantor lain setelah ditunggu 1,5 detik, jadi file ini belum dimuat dan "
        "tidak ada yang berubah; tekan Muat lagi beberapa saat lagi."]
    assert dikabari and all(b == 1.5 for _, b in dikabari)  # the page was told about the wait, about once a second
    assert sidik(kantor) == sebelum
    assert baca(kantor, "SELECT count(*) FROM batch WHERE minggu = ?", [minggu]) == [(1,)]


def test_the_fixed_rejected_rows_update_only_their_koperasi_by_default(kantor, minggu_terakhir):
    # Lombok Barat's week is loaded (n reports). The office sends back two of its koperasi
    # corrected, as it would after fixing the rejected rows: the page offers "perbarui" first, and
    # loading keeps the n − 2 other reports as they were.
    minggu, frame = minggu_terakhir
    lobar = frame[kabupaten(frame) == LOMBOK_BARAT]
    n = len(lobar)
    file = lobar.iloc[:2].assign(progres_fisik=3.0)
    kode = file["kode_koperasi"].tolist()
    lain = ("SELECT * FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01' "
            "AND kode_koperasi NOT IN (SELECT unnest(?)) ORDER BY kode_koperasi")
    sebelum = baca(kantor, lain, [minggu, kode])
    assert len(sebelum) == n - 2

    at = unggah(buka("lobar"), "lobar.ditolak.csv", file)
    assert at.radio(key="cara_muat").value == "perbarui"
    assert at.dataframe[0].value.values.tolist() == [[LOMBOK_BARAT, "Kabupaten Lombok Barat", "Diperbarui", n, n]]
    assert not at.error
    assert tombol_muat(at).disabled
    at.checkbox(key="konfirmasi_perbarui").check().run()
    tombol_muat(at).click().run()
    assert not at.exception, at.exception
    assert any("dimuat sebagai batch" in s.value for s in at.success)
    assert baca(kantor, lain, [minggu, kode]) == sebelum
    assert baca(kantor, "SELECT kode_koperasi, progres_fisik FROM laporan WHERE minggu = ? AND kode_koperasi IN "
                        "(SELECT unnest(?)) ORDER BY 1", [minggu, kode]) == [(k, 3.0) for k in sorted(kode)]
    jejak = catatan.baca_jejak(oleh="lobar", peristiwa="ganti")
    assert '"perbarui": true' in jejak["rincian"].iloc[0] and '"baris_diganti": 2' in jejak["rincian"].iloc[0]


def test_a_validated_week_is_said_in_the_preview_and_the_load_stays_off(kantor, minggu_terakhir):
    from kdkmp import akses, pelaporan

    minggu, frame = minggu_terakhir
    ntb = akses.Pengguna(nama="ntb", peran="provinsi", wilayah="52", cara_masuk="proksi")
    lobar = akses.Pengguna(nama="lobar", peran="kabupaten", wilayah=LOMBOK_BARAT, cara_masuk="proksi")
    con = store.sambungan_baca(kantor)
    try:
        pelaporan.verifikasi(con, lobar, LOMBOK_BARAT, minggu)
        pelaporan.validasi(con, ntb, LOMBOK_BARAT, minggu)
    finally:
        con.close()
    sebelum = sidik(kantor)
    ditolak_sebelum = len(catatan.baca_jejak(peristiwa="pelaporan_ditolak"))

    at = unggah(buka("lobar"), "lobar.csv", frame[kabupaten(frame) == LOMBOK_BARAT])
    (kalimat,) = [e.value for e in at.error]
    assert kalimat.startswith(f"Minggu {minggu.day} Nov {minggu.year} Kabupaten Lombok Barat (52.01) sudah "
                              "divalidasi oleh ntb pada ")
    assert kalimat.endswith(" WIB; minta validator membuka kembali minggu itu dengan alasan sebelum memuat ulang. "
                            "Pemuatan ini akan ditolak; data yang sudah tersimpan tidak berubah.")
    at.checkbox(key="konfirmasi_ganti").check().run()
    assert tombol_muat(at).disabled
    assert sidik(kantor) == sebelum
    # a preview tried nothing: no refusal in the audit trail
    assert len(catatan.baca_jejak(peristiwa="pelaporan_ditolak")) == ditolak_sebelum
