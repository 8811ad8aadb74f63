"""Laporan bulanan (issue 15): the numbers of a hand-written kabupaten month loaded through the real
ingest path, who may save, submit, accept and return (on SQLite and PostgreSQL), a report submitted
twice, its text and submitted numbers surviving a reload and a rescoring, and the PDF/PPTX read back."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kdkmp import akses, catatan, ingest, laporan, pelaporan, rules, store, tindaklanjut, wilayah
from kdkmp.catatan import CatatanDitolak
from tests.snapshot_factory import baris_contoh

ADMIN = akses.Pengguna(nama="admin1", peran="admin", wilayah=None, cara_masuk="proksi")
PUSAT = akses.Pengguna(nama="pmo", peran="pusat", wilayah=None, cara_masuk="proksi")
NTB = akses.Pengguna(nama="sari.ntb", peran="provinsi", wilayah="52", cara_masuk="proksi")
KALBAR = akses.Pengguna(nama="dewi.kalbar", peran="provinsi", wilayah="61", cara_masuk="proksi")
LOBAR = akses.Pengguna(nama="budi.lobar", peran="kabupaten", wilayah="52.01", cara_masuk="proksi")
LOTENG = akses.Pengguna(nama="ani.loteng", peran="kabupaten", wilayah="52.02", cara_masuk="proksi")

# ---------------------------------------------------------------- a hand-written month
# Four koperasi in Kecamatan Gerung, Lombok Barat (52.01.01), three weekly files:
#   week A 2026-10-26 (October: the comparison), B 2026-11-02 and C 2026-11-09 (November's weeks).
#   K1 land in dispute and building stopped (status_lahan bermasalah + tertunda: the gate makes it
#      merah at once) every week; bottleneck lahan; no NIB.
#   K2 still building (konstruksi 45 %, the factory's row: kuning) in A, stopped from B on: baru
#      merah in B; bottleneck cuaca; not in the portal.
#   K3 still building in A and B, stopped in C: baru merah in C; bottleneck lahan; no bank account.
#   K4 still building every week: kuning; no bottleneck.
# November, worked by hand (stock figures from week C, the month's last):
#   zones: merah 3 (K1–K3), kuning 1 (K4); before the month (week A): merah 1, kuning 3
#   baru merah 1 (B) + 1 (C) = 2; pulih 0; merah kronis 0 (K1 is merah 3 weeks, kronis is ≥ 4)
#   tahap: tertunda 3, konstruksi 1; legality: badan hukum 4, NIB 3, NPWP 4, rekening bank 3;
#   portal 3 of 4; bottlenecks: lahan 2, cuaca 1, tidak ada 1
#   follow-up on 2026-11-30: K1 berjalan (started 5 Nov, target 20 Nov: overdue), K2 direncanakan
#   (started 20 Oct, target 15 Dec), K3 selesai (started 10 Nov): open 2, overdue 1, started in
#   November 2
#   validated: week C of 52.01 verified and validated → 4 of the month's 8 koperasi reports
A, B, C = date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)
BULAN = "2026-11"
HARI = date(2026, 11, 30)
BERHENTI = dict(status_lahan="bermasalah", tahap_pembangunan="tertunda", progres_fisik=0, status_operasional="belum",
                gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)
K1 = {**BERHENTI, "kendala_utama": "lahan", "nib": False}
K2 = {**BERHENTI, "kendala_utama": "cuaca", "masuk_portal": False}
K3 = {**BERHENTI, "kendala_utama": "lahan", "rekening_bank": False}
MINGGUAN = {A: {"K1": K1, "K2": {}, "K3": {}, "K4": {}},
            B: {"K1": K1, "K2": K2, "K3": {}, "K4": {}},
            C: {"K1": K1, "K2": K2, "K3": K3, "K4": {}}}

TEKS = {"analisis": "Tiga koperasi merah karena lahan bermasalah.", "hambatan": "Sengketa lahan di Gerung.",
        "rekomendasi": "Fasilitasi Pemda untuk penyelesaian lahan."}


def muat_minggu(folder: Path, db: Path, minggu: date, baris: dict[str, dict], *, ganti: bool = False) -> None:
    desa = sorted(d for d in wilayah.desa()["kode_desa"] if d.startswith("52.01.01."))
    isi = [baris_contoh(desa[i], kode, tanggal_data=minggu, laporan_terakhir=minggu, **ubah)
           for i, (kode, ubah) in enumerate(baris.items())]
    berkas = folder / f"{minggu}.csv"
    pd.DataFrame(isi).to_csv(berkas, index=False)
    ingest.muat_file(berkas, db_path=db, minggu=minggu, ganti=ganti)


@pytest.fixture(scope="module")
def db_bulan(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bulan")
    db = folder / "kdkmp.duckdb"
    for minggu, baris in MINGGUAN.items():
        muat_minggu(folder, db, minggu, baris)
    return db


@pytest.fixture
def con(db_bulan):
    con = store.sambungan_baca(db_bulan)
    yield con
    con.close()
    store.tutup_semua()


def tindak_lanjut_tangan(con, url) -> None:
    for kode, status, mulai, target in (("K1", "berjalan", "2026-11-05", "2026-11-20"),
                                         ("K2", "direncanakan", "2026-10-20", "2026-12-15"),
                                         ("K3", "selesai", "2026-11-10", "2026-11-15")):
        tindaklanjut.catat_tindakan(con, LOBAR, kode, jenis="verifikasi_lahan", pic_nama="Ani", status=status,
                                    mulai=mulai, target=target, url=url)


def test_the_numbers_of_a_hand_written_month(con, url_catatan):
    tindak_lanjut_tangan(con, url_catatan)
    pelaporan.verifikasi(con, LOBAR, "52.01", C, url=url_catatan)
    pelaporan.validasi(con, NTB, "52.01", C, url=url_catatan)
    a = laporan.hitung_angka(con, "52.01", BULAN, hari=HARI, url=url_catatan)
    assert (a["minggu"], a["minggu_akhir"], a["minggu_pembanding"]) == (["2026-11-02", "2026-11-09"], "2026-11-09",
                                                                        "2026-10-26")
    assert (a["koperasi"], a["melapor"]) == (4, 4)
    assert a["zona"] == {"hijau": 0, "kuning": 1, "merah": 3, "tidak_melapor": 0}
    assert a["zona_pembanding"] == {"hijau": 0, "kuning": 3, "merah": 1, "tidak_melapor": 0}
    assert a["pergerakan"] == {"baru_merah": 2, "kembali_merah": 0, "pulih": 0, "merah_kronis": 0}
    assert [(m["minggu"], m["baru_merah"]) for m in a["pergerakan_mingguan"]] == [("2026-11-02", 1), ("2026-11-09", 1)]
    assert a["tahap_pembangunan"] == {"belum_mulai": 0, "tertunda": 3, "persiapan": 0, "konstruksi": 1, "selesai": 0}
    assert a["legalitas"] == {"badan_hukum": 4, "nib": 3, "npwp": 4, "rekening_bank": 3}
    assert a["masuk_portal"] == 3
    assert {k: v for k, v in a["kendala_utama"].items() if v} == {"lahan": 2, "cuaca": 1, "tidak_ada": 1}
    assert a["tindak_lanjut"] == {"per": "2026-11-30", "status": {"direncanakan": 1, "berjalan": 1, "selesai": 1,
                                                                  "batal": 0},
                                  "terbuka": 2, "terlambat": 1, "dimulai_bulan_ini": 2}
    assert a["validasi"] == {"laporan": 8, "laporan_divalidasi": 4}
    # the province's report of the same month counts the same (its only reporting kabupaten)
    assert laporan.hitung_angka(con, "52", BULAN, hari=HARI, url=url_catatan)["zona"] == a["zona"]
    # a month with nothing loaded has no numbers
    assert laporan.hitung_angka(con, "52.01", "2026-09", hari=HARI, url=url_catatan) is None
    assert laporan.kalimat_pokok(a)[1] == ("Merah 3 (75,0 % dari 4 yang dinilai), +2 sejak sebelum bulan ini; bulan "
                                           "ini 2 baru merah, 0 kembali merah, 0 pulih, 0 merah kronis di akhir bulan.")


# A second month, worked by hand, for kembali merah: K5 stopped building (the gate: merah) in week A,
# sent nothing in B (tidak melapor: silence neither clears nor restarts merah), stopped again in C;
# K6 still building every week (kuning).
#   B: baru merah 0, kembali merah 0 (K5 is grey, not merah), pulih 0 (silence is not recovery)
#   C: K5 merah, not merah last week, merah in A (within the 4 zoned weeks before): kembali merah 1,
#      not baru merah; merah kronis 0 (merah A and C, grey B: 3 weeks in the zone, kronis is ≥ 4)
#   November: baru merah 0, kembali merah 1, pulih 0, merah kronis 0; merah 1 of 2 zoned in C, as in A
KEMBALI = {A: {"K5": K1, "K6": {}}, B: {"K6": {}}, C: {"K5": K1, "K6": {}}}


def test_a_month_with_a_koperasi_red_again_after_a_silent_week(tmp_path, url_catatan):
    db = tmp_path / "kdkmp.duckdb"
    for minggu, baris in KEMBALI.items():
        muat_minggu(tmp_path, db, minggu, baris)
    con = store.sambungan_baca(db)
    a = laporan.hitung_angka(con, "52.01", BULAN, hari=HARI, url=url_catatan)
    con.close()
    store.tutup_semua()
    assert a["pergerakan"] == {"baru_merah": 0, "kembali_merah": 1, "pulih": 0, "merah_kronis": 0}
    assert [(m["minggu"], m["baru_merah"], m["kembali_merah"], m["pulih"]) for m in a["pergerakan_mingguan"]] == [
        ("2026-11-02", 0, 0, 0), ("2026-11-09", 0, 1, 0)]
    assert laporan.kalimat_pokok(a)[1] == ("Merah 1 (50,0 % dari 2 yang dinilai), ±0 sejak sebelum bulan ini; bulan "
                                           "ini 0 baru merah, 1 kembali merah, 0 pulih, 0 merah kronis di akhir bulan.")
    assert laporan.tabel_pergerakan(a)[1] == [["2 Nov 2026", "0", "0", "0", "0"], ["9 Nov 2026", "0", "1", "0", "0"],
                                              ["Bulan ini", "0", "1", "0", "0"]]


def test_a_report_frozen_before_kembali_merah_was_counted_shows_a_dash_not_a_zero():
    # layout 1 of the frozen numbers (submitted before 2026-12-01) has no kembali_merah
    v1 = {"zona": {"hijau": 0, "kuning": 1, "merah": 3, "tidak_melapor": 0}, "melapor": 4, "koperasi": 4,
          "zona_pembanding": None, "minggu": ["2026-11-02", "2026-11-09"], "masuk_portal": 3,
          "tahap_pembangunan": {}, "legalitas": {}, "validasi": {"laporan": 0, "laporan_divalidasi": 0},
          "pergerakan": {"baru_merah": 2, "pulih": 0, "merah_kronis": 0},
          "pergerakan_mingguan": [{"minggu": "2026-11-02", "baru_merah": 1, "pulih": 0, "merah_kronis": 0},
                                  {"minggu": "2026-11-09", "baru_merah": 1, "pulih": 0, "merah_kronis": 0}]}
    assert laporan.tabel_pergerakan(v1)[1][-1] == ["Bulan ini", "2", "–", "0", "0"]
    assert laporan.kalimat_pokok(v1)[1] == ("Merah 3 (75,0 % dari 4 yang dinilai); bulan ini 2 baru merah, 0 pulih, "
                                            "0 merah kronis di akhir bulan.")
    # compared with today's numbers, the missing figure is not reported as a change
    kini = {**v1, "pergerakan": {**v1["pergerakan"], "kembali_merah": 1}}
    assert laporan.berubah(v1, kini) == []


# ---------------------------------------------------------------- states and who may move them

def test_a_kabupaten_report_goes_to_its_province_and_back_and_is_accepted(con, url_catatan):
    r = laporan.simpan(con, LOBAR, "52.01", BULAN, teks={"analisis": TEKS["analisis"]}, url=url_catatan)
    assert (r["status"], r["versi"], r["angka"]) == ("draf", 1, None)
    draf = laporan.laporan_anak("52", BULAN, url=url_catatan).set_index("kode").loc["52.01"]
    assert draf["status"] == "draf" and pd.isna(draf["analisis"]) and pd.isna(draf["merah"])  # not its word yet
    r = laporan.kirim(con, LOBAR, "52.01", BULAN, teks={k: TEKS[k] for k in ("hambatan", "rekomendasi")},
                      url=url_catatan, hari=HARI)
    assert (r["status"], r["dikirim_oleh"], r["analisis"]) == ("dikirim", "budi.lobar", TEKS["analisis"])
    assert json.loads(r["angka"])["zona"]["merah"] == 3
    assert laporan.aksi_tersedia(NTB, "52.01", "dikirim") == ["terima", "kembalikan"]
    assert laporan.aksi_tersedia(LOBAR, "52.01", "dikirim") == []
    laporan.kembalikan(con, NTB, "52.01", BULAN, catatan="Tambahkan jumlah desa yang lahannya bermasalah.",
                       url=url_catatan)
    anak = laporan.laporan_anak("52", BULAN, url=url_catatan).set_index("kode")
    assert len(anak) == 10 and anak.loc["52.02", "status"] == "belum_ada"
    assert (anak.loc["52.01", "status"], anak.loc["52.01", "catatan_induk"]) == (
        "dikembalikan", "Tambahkan jumlah desa yang lahannya bermasalah.")
    laporan.simpan(con, LOBAR, "52.01", BULAN, teks={"analisis": TEKS["analisis"] + " Lima desa."}, url=url_catatan)
    laporan.kirim(con, LOBAR, "52.01", BULAN, url=url_catatan, hari=HARI)
    laporan.terima(con, NTB, "52.01", BULAN, url=url_catatan)
    anak = laporan.laporan_anak("52", BULAN, url=url_catatan).set_index("kode")
    assert (anak.loc["52.01", "status"], anak.loc["52.01", "merah"], anak.loc["52.01", "baru_merah"]) == (
        "diterima", 3, 2)
    assert anak.loc["52.01", "analisis"].endswith("Lima desa.")
    # the province writes its own, pusat accepts it; the national one is written by pusat (admin too)
    laporan.kirim(con, NTB, "52", BULAN, teks=TEKS, url=url_catatan, hari=HARI)
    laporan.terima(con, PUSAT, "52", BULAN, catatan="Lengkap.", url=url_catatan)
    laporan.kirim(con, ADMIN, None, BULAN, teks=TEKS, url=url_catatan, hari=HARI)
    assert laporan.laporan_anak(None, BULAN, url=url_catatan).set_index("kode").loc["52", "status"] == "diterima"
    riwayat = laporan.riwayat("52.01", BULAN, url=url_catatan)
    assert riwayat["aksi"].tolist() == ["simpan", "kirim", "kembalikan", "simpan", "kirim", "terima"]
    assert riwayat["oleh"].tolist() == ["budi.lobar"] * 2 + ["sari.ntb"] + ["budi.lobar"] * 2 + ["sari.ntb"]
    # every step audited in the same transaction, with its area
    jejak = catatan.baca_jejak(peristiwa=[f"laporan_{a}" for a in laporan.AKSI], url=url_catatan, batas=None)
    assert len(jejak) == 9 and jejak["wilayah"].iloc[-1] == "52.01"


def ditolak(url) -> list[dict]:
    return [json.loads(r) for r in catatan.baca_jejak(peristiwa="laporan_ditolak", url=url, batas=None)["rincian"]]


@pytest.mark.parametrize("pengguna, aksi, kode, siapkan, argumen, pesan", [
    # only the area's own office writes and submits
    (NTB, "simpan", "52.01", [], {"teks": TEKS},
     "Simpan draf laporan bulanan Kabupaten Lombok Barat (52.01) dilakukan oleh PMO kabupaten/kota wilayah itu; "
     "peran PMO provinsi / Diskop tidak boleh melakukannya."),
    (LOTENG, "kirim", "52.01", [], {"teks": TEKS},
     "Laporan bulanan Kabupaten Lombok Barat (52.01) berada di luar wilayah akun Anda (kabupaten/kota Kabupaten "
     "Lombok Tengah (52.02)); kirim dilakukan oleh PMO kabupaten/kota wilayah itu."),
    (ADMIN, "simpan", "52.01", [], {"teks": TEKS}, "peran Admin (PMO pusat) tidak boleh melakukannya."),
    # only the level above accepts or returns
    (LOBAR, "terima", "52.01", ["kirim"], {}, "Terima laporan bulanan Kabupaten Lombok Barat (52.01) dilakukan oleh "
                                              "PMO provinsi wilayah itu; peran PMO kabupaten/kota tidak boleh"),
    (KALBAR, "terima", "52.01", ["kirim"], {}, "berada di luar wilayah akun Anda (provinsi Kalimantan Barat (61))"),
    (PUSAT, "terima", "52.01", ["kirim"], {}, "dilakukan oleh PMO provinsi wilayah itu; peran PMO pusat tidak boleh"),
    (PUSAT, "terima", None, [], {}, "Laporan bulanan nasional adalah tingkat teratas"),
    # a report submitted twice; a save after submission; a decision on a draft; twice accepted
    (LOBAR, "kirim", "52.01", ["kirim"], {"teks": TEKS},
     "Laporan bulanan November 2026 Kabupaten Lombok Barat (52.01) sudah dikirim oleh budi.lobar pada "),
    (LOBAR, "simpan", "52.01", ["kirim"], {"teks": TEKS}, "teksnya tidak dapat diubah kecuali laporan itu dikembalikan."),
    (NTB, "terima", "52.01", ["simpan"], {}, "berstatus draf; terima hanya bisa bila laporan itu sudah dikirim"),
    (NTB, "terima", "52.01", ["kirim", "terima"], {}, "sudah diterima oleh sari.ntb pada "),
    (NTB, "kembalikan", "52.01", [], {}, "Catatan wajib diisi untuk mengembalikan laporan bulanan"),
    # an empty required text when submitting
    (LOBAR, "kirim", "52.01", [], {"teks": {"analisis": "Ada.", "hambatan": "  "}},
     "Analisis, hambatan dan rekomendasi wajib diisi sebelum laporan dikirim; yang masih kosong: hambatan, "
     "rekomendasi."),
    # a stale form; a kecamatan; a bad month
    (LOBAR, "simpan", "52.01", ["simpan", "simpan"], {"teks": TEKS, "versi": 1}, "(versi 2, Anda mengubah versi 1)"),
    (LOBAR, "simpan", "52.01.01", [], {"teks": TEKS}, "Laporan bulanan dibuat per kabupaten/kota, provinsi atau "
                                                      "nasional; 52.01.01 (Gerung) adalah kecamatan."),
], ids=["provinsi_menulis_kabupaten", "kabupaten_lain", "admin_menulis_kabupaten", "kabupaten_menerima_sendiri",
        "provinsi_lain", "pusat_melompati_provinsi", "nasional_tanpa_induk", "dikirim_dua_kali",
        "simpan_setelah_dikirim", "terima_draf", "terima_dua_kali", "kembalikan_tanpa_catatan", "teks_kosong",
        "versi_basi", "kecamatan"])
def test_a_wrong_step_is_refused_with_one_sentence_changes_nothing_and_is_logged(
        con, url_catatan, pengguna, aksi, kode, siapkan, argumen, pesan):
    for langkah in siapkan:
        oleh = NTB if langkah == "terima" else LOBAR
        laporan.ubah(con, oleh, "52.01", BULAN, langkah, teks=TEKS if langkah != "terima" else None, hari=HARI,
                     url=url_catatan)
    sebelum = (catatan.baca_laporan_bulanan(url=url_catatan), catatan.baca_riwayat_laporan_bulanan("52.01", BULAN,
                                                                                                   url=url_catatan))
    with pytest.raises(CatatanDitolak) as e:
        laporan.ubah(con, pengguna, kode, BULAN, aksi, hari=HARI, url=url_catatan, **argumen)
    kalimat = str(e.value)
    assert pesan in kalimat and kalimat.endswith(".") and "\n" not in kalimat
    assert catatan.baca_laporan_bulanan(url=url_catatan).equals(sebelum[0])
    assert catatan.baca_riwayat_laporan_bulanan("52.01", BULAN, url=url_catatan).equals(sebelum[1])
    log = ditolak(url_catatan)
    assert len(log) == 1 and log[0]["alasan"] == kalimat and log[0]["aksi"] == aksi


def test_submitting_a_month_without_loaded_weeks_is_refused(con, catatan_sqlite):
    with pytest.raises(CatatanDitolak, match="Belum ada minggu yang dimuat pada September 2026"):
        laporan.kirim(con, LOBAR, "52.01", "2026-09", teks=TEKS, url=catatan_sqlite)
    with pytest.raises(CatatanDitolak, match="Bulan '2026-13' tidak sah"):
        laporan.simpan(con, LOBAR, "52.01", "2026-13", teks=TEKS, url=catatan_sqlite)
    assert catatan.baca_laporan_bulanan(url=catatan_sqlite).empty


# ---------------------------------------------------------------- the text and the numbers outlive the data

def test_text_and_submitted_numbers_survive_a_reload_and_a_rescoring(db_bulan, tmp_path, monkeypatch):
    db = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_bulan, db)
    url = "sqlite:///" + str(tmp_path / "kdkmp_catatan.sqlite")
    monkeypatch.setenv("KDKMP_STATE_URL", url)
    con = store.sambungan_baca(db)
    laporan.kirim(con, LOBAR, "52.01", BULAN, teks=TEKS, hari=HARI)
    laporan.simpan(con, NTB, "52", BULAN, teks={"analisis": "Draf provinsi."})
    con.close()
    store.tutup_semua()
    # week C is reloaded: K4 stops building too (merah 3 → 4); then every week is rescored
    muat_minggu(tmp_path, db, C, {**MINGGUAN[C], "K4": {**BERHENTI, "kendala_utama": "material"}}, ganti=True)
    with store.penulisan(db) as tulis:
        ingest.skor_ulang_semua(tulis, rules.muat_aturan())
    con = store.sambungan_baca(db)
    lap = laporan.baca(con, NTB, "52.01", BULAN, hari=HARI)
    assert lap.status == "dikirim" and lap.teks == TEKS and lap.beku
    assert lap.angka["zona"]["merah"] == 3  # what the province reads is what was submitted
    assert "Zona merah: 3 → 4" in lap.berubah and "Baru merah (bulan ini): 2 → 3" in lap.berubah
    draf = laporan.baca(con, NTB, "52", BULAN, hari=HARI)  # a draft shows the data as it is now
    assert draf.teks["analisis"] == "Draf provinsi." and not draf.beku and draf.angka["zona"]["merah"] == 4
    con.close()


# ---------------------------------------------------------------- the PDF and PPTX say the same numbers

def _teks_pptx(isi: bytes) -> tuple[str, list[list[list[str]]]]:
    import io

    from pptx import Presentation

    teks, tabel = [], []
    for slide in Presentation(io.BytesIO(isi)).slides:
        for bentuk in slide.shapes:
            if bentuk.has_text_frame:
                teks.append(bentuk.text_frame.text)
            if bentuk.has_table:
                tabel.append([[sel.text for sel in baris.cells] for baris in bentuk.table.rows])
    return "\n".join(teks), tabel


def test_the_pdf_and_pptx_carry_the_text_and_the_numbers(con, catatan_sqlite, tmp_path):
    laporan.kirim(con, LOBAR, "52.01", BULAN, teks=TEKS, hari=HARI, url=catatan_sqlite)
    lap = laporan.baca(con, NTB, "52.01", BULAN, hari=HARI, url=catatan_sqlite)
    teks, tabel = _teks_pptx(laporan.berkas(lap, ".pptx", oleh="sari.ntb"))
    assert "Laporan bulanan November 2026 · Kabupaten Lombok Barat (52.01)" in teks
    assert all(v in teks for v in TEKS.values()) and "Status: Dikirim" in teks
    per_kepala = {t[0][0]: t for t in tabel}
    assert per_kepala["Minggu"][0] == ["Minggu", "Baru merah", "Kembali merah", "Pulih", "Merah kronis"]
    assert per_kepala["Minggu"][-1] == ["Bulan ini", "2", "0", "0", "0"]
    assert per_kepala["Zona"][3] == ["Merah", "3", "75,0 %", "1", "+2"]
    capaian = {b[0]: b[1:] for b in per_kepala["Indikator"][1:]}
    assert capaian["Legalitas: NIB"] == ["3", "75,0 %"] and capaian["Masuk portal SIMKOPDES"] == ["3", "75,0 %"]
    assert capaian["Tahap pembangunan: tertunda"] == ["3", "75,0 %"]
    assert {b[0]: b[1] for b in per_kepala["Tindak lanjut"][1:]}["Terlambat per 30 Nov 2026"] == "0"
    pdf = tmp_path / "l.pdf"
    pdf.write_bytes(laporan.berkas(lap, ".pdf", oleh="sari.ntb"))
    isi = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    baris = [" ".join(b.split()) for b in isi.splitlines()]
    assert "Bulan ini 2 0 0 0" in baris and "Merah 3 75,0 % 1 +2" in baris
    assert "Legalitas: NIB 3 75,0 %" in baris and "Masuk portal SIMKOPDES 3 75,0 %" in baris
    assert all(v in " ".join(baris) for v in TEKS.values())
    # the movement definitions follow one another as sentences, not glued with ".;"
    assert "Baru merah: " in " ".join(baris) and ".;" not in isi


def test_two_submissions_at_once_one_lands_the_other_is_refused(con, url_catatan):
    import threading

    laporan.simpan(con, LOBAR, "52.01", BULAN, teks=TEKS, url=url_catatan)
    angka = laporan.hitung_angka(con, "52.01", BULAN, hari=HARI, url=url_catatan)
    hasil, mulai = [], threading.Barrier(4)

    def kirim():
        mulai.wait()
        try:
            laporan.kirim(con.cursor(), LOBAR, "52.01", BULAN, url=url_catatan, hari=HARI)
            hasil.append("ok")
        except CatatanDitolak as e:
            hasil.append(str(e))

    # the numbers are read before the write: give every thread its own cursor and the same answer
    from unittest import mock
    with mock.patch.object(laporan, "hitung_angka", return_value=angka):
        benang = [threading.Thread(target=kirim) for _ in range(4)]
        for b in benang:
            b.start()
        for b in benang:
            b.join()
    assert hasil.count("ok") == 1
    assert all("sudah dikirim oleh budi.lobar pada" in h for h in hasil if h != "ok")
    riwayat = laporan.riwayat("52.01", BULAN, url=url_catatan)
    assert riwayat["aksi"].tolist() == ["simpan", "kirim"]


def test_a_long_analysis_continues_over_slides_and_each_slide_keeps_its_text_inside_the_box():
    """A PMO's analysis as one long paragraph (≈ 4,000 characters) between two short ones. On the
    slides every word comes once and in order, under the section's title and then "(lanjutan)";
    and each slide's text, laid out again here with real font metrics (DejaVu Sans, wider than the
    slides' Calibri) at 16 pt in the box's 12.1 × 5.5 in less python-pptx's default margins, is no
    taller than the box."""
    import io
    from datetime import datetime

    from fpdf import FPDF
    from pptx import Presentation

    from kdkmp import brief

    kalimat = ("Pembangunan gerai di kecamatan pesisir terhambat karena lahan belum bersertifikat, cuaca "
               "buruk sejak awal bulan, dan tenaga kerja lokal yang terbatas selama musim tanam. ")
    teks = ("Ringkasan: tiga kecamatan tertinggal.", (kalimat * 24).strip(), "Tindak lanjut minggu depan.")
    dok = brief.Dokumen(judul="Uji", cap=("Status: Draf",), kaki="kaki", penulis="uji", dibuat_pada=datetime(2026, 11, 30),
                        bagian=(brief.Bagian(judul="Analisis", teks=teks),))
    slide = [s for s in Presentation(io.BytesIO(brief.pptx_dokumen(dok))).slides][1:]  # after the title slide
    assert [s.shapes.title.text for s in slide] == ["Analisis"] + ["Analisis (lanjutan)"] * (len(slide) - 1)
    assert len(slide) >= 3  # ≈ 4,000 characters do not fit on two slides of ≈ 20 lines
    kotak = [next(b for b in s.shapes if b.has_text_frame and b != s.shapes.title and b.text_frame.text != "kaki")
             for s in slide]
    paragraf = [[p.text for p in k.text_frame.paragraphs] for k in kotak]
    assert " ".join(" ".join(p) for p in paragraf).split() == " ".join(teks).split()

    ukur = FPDF(unit="pt")
    ukur.add_font("DejaVu", "", str(brief.jalur_huruf()[""]))
    ukur.set_font("DejaVu", "", 16)
    lebar, tinggi = 12.1 * 72 - 2 * 7.2, 5.5 * 72 - 2 * 3.6  # python-pptx's insets: 0.1 in left/right, 0.05 in top/bottom

    def baris_terbungkus(p: str) -> int:
        n, kini = 1, ""
        for kata in p.split():
            coba = f"{kini} {kata}".strip()
            if kini and ukur.get_string_width(coba) > lebar:
                n, kini = n + 1, kata
            else:
                kini = coba
        return n

    for k, ps in zip(kotak, paragraf):
        assert k.text_frame.word_wrap
        assert sum(baris_terbungkus(p) * 16 * 1.2 + 8 for p in ps) <= tinggi, ps
