"""Tindak lanjut (issue 13): actions on koperasi in the state store, on SQLite and on PostgreSQL
(`url_catatan` runs both): concurrency between processes, the spreadsheet round trip, rejects
with reasons, scope, effectiveness on a hand-written scenario, and surviving weekly loads."""

from __future__ import annotations

import io
import json
import multiprocessing as mp
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kdkmp import akses, catatan, export, queries, store
from kdkmp import tindaklanjut as tl
from kdkmp.catatan import CatatanDitolak

AKAR = Path(__file__).resolve().parent.parent
HARI = date(2026, 11, 30)  # "today" for overdue checks

NASIONAL = akses.Pengguna(nama="pmo", peran="admin", wilayah=None, cara_masuk="proksi")
PUSAT = akses.Pengguna(nama="pusat1", peran="pusat", wilayah=None, cara_masuk="proksi")
NTB = akses.Pengguna(nama="sari.ntb", peran="provinsi", wilayah="52", cara_masuk="proksi")
LOBAR = akses.Pengguna(nama="budi.lobar", peran="kabupaten", wilayah="52.01", cara_masuk="proksi")
LOTENG = akses.Pengguna(nama="ani.loteng", peran="kabupaten", wilayah="52.02", cara_masuk="proksi")


# ---------------------------------------------------------------- a hand-written zone history

MINGGU = [date(2026, 9, 7) + timedelta(weeks=i) for i in range(10)]  # w0 … w9, Mondays; w9 = 2026-11-09

# kode koperasi → (desa, zone per week w0 … w9). h hijau, k kuning, m merah, t tidak_melapor.
ZONA = {"h": "hijau", "k": "kuning", "m": "merah", "t": "tidak_melapor"}
SKENARIO = {
    "KDKMP-A": ("52.01.01.2001", "mmmkkkkkkk"),
    "KDKMP-B": ("52.01.01.2002", "mmmmmmmmmm"),
    "KDKMP-C": ("52.01.01.2003", "mmmmmmhhhh"),
    "KDKMP-D": ("52.02.01.2001", "kkmmmmmmmm"),
    "KDKMP-E": ("52.02.01.2002", "mmmmmmmmmm"),
    "KDKMP-F": ("52.02.01.2003", "mttttttttt"),
    "KDKMP-G": ("52.01.02.2001", "mmkkkkkkkk"),
    "KDKMP-H": ("52.02.02.2001", "mmmmmmmmmm"),
    "KDKMP-I": ("52.01.02.2002", "hhhhhhhmmk"),
    "KDKMP-J": ("52.02.02.2002", "mmmmmmmkkk"),
    "KDKMP-K": ("52.01.02.2003", "hhhmhhhhhh"),
    "KDKMP-L": ("61.01.01.2001", "mmmmmmmmmm"),  # Kalimantan Barat: outside NTB's scope
}


def db_skenario(path: Path) -> Path:
    """A DuckDB file with what the action functions read: active batches, zones (with the columns the
    intervention list and the zone history show), the area names, a report row where not silent."""
    from kdkmp import wilayah

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE batch (batch_id INTEGER, minggu DATE, status VARCHAR)")
    con.execute("""CREATE TABLE zona (minggu DATE, kode_koperasi VARCHAR, nama_koperasi VARCHAR, zona VARCHAR,
                   kode_desa VARCHAR, kode_kecamatan VARCHAR, kode_kabupaten VARCHAR, kode_provinsi VARCHAR,
                   alasan STRUCT(id VARCHAR, teks VARCHAR)[], gerbang VARCHAR[], langkah_berikut VARCHAR,
                   minggu_di_zona INTEGER, skor_total DOUBLE, pilar_terlemah VARCHAR, pergerakan VARCHAR,
                   skor_kelembagaan DOUBLE, skor_legalitas_kepatuhan DOUBLE, skor_infrastruktur DOUBLE,
                   skor_usaha DOUBLE)""")
    con.execute("""CREATE TABLE laporan (minggu DATE, kode_koperasi VARCHAR, kode_desa VARCHAR, kendala_utama VARCHAR,
                   tahap_pembangunan VARCHAR, progres_fisik DOUBLE, laporan_terakhir DATE)""")
    nama = wilayah.tabel()[["kode", "nama"]]
    con.register("_nama", nama)
    con.execute("CREATE TABLE wilayah AS SELECT kode, nama FROM _nama")
    for i, m in enumerate(MINGGU):
        con.execute("INSERT INTO batch VALUES (?, ?, 'aktif')", [i + 1, m])
        for kode, (desa, zona) in SKENARIO.items():
            con.execute("INSERT INTO zona VALUES (?, ?, ?, ?, ?, ?, ?, ?, [], [], NULL, 1, 50, NULL, NULL, "
                        "50, 50, 50, 50)",
                        [m, kode, f"Koperasi {kode[-1]}", ZONA[zona[i]], desa, desa[:8], desa[:5], desa[:2]])
            if zona[i] != "t":
                con.execute("INSERT INTO laporan VALUES (?, ?, ?, 'lahan', 'tertunda', 0, ?)", [m, kode, desa, m])
    con.close()
    return path


@pytest.fixture
def con_skenario(tmp_path):
    con = store.sambungan_baca(db_skenario(tmp_path / "skenario.duckdb"))
    yield con
    store.tutup_semua()


def test_effectiveness_on_a_hand_written_scenario(con_skenario, url_catatan):
    # Actions (start date → its zone week, the latest loaded Monday on or before it):
    #   A 2026-09-09 → w0 merah, and a second action 2026-10-14 (A kuning then: the first counts)
    #   B 2026-09-07 → w0 merah;  C 2026-09-08 → w0 merah;  D 2026-09-07 → w0 kuning: not counted
    #   E 2026-10-28 → w7 merah, but w7 + 4 weeks (2026-11-23) is after the last week w9: not observed
    #   F 2026-09-07 → w0 merah, then silent (tidak_melapor is not leaving merah)
    #   H 2026-09-07, cancelled (batal): counts as no action
    # Start weeks of the 'dengan' group: {w0, w7}. Without an action, merah in one of them:
    #   G (w0, kuning from w2), H (w0, merah throughout), J (w0, kuning from w7), I (first merah in w7:
    #   not observed), K (merah only in w3: not a start week, not counted), L (Kalimantan Barat: other area).
    # Leaving merah = hijau or kuning in one of the 4 (8) weeks after the start week:
    #   52.01 dengan: A yes/yes, B no/no, C no/yes (hijau in w6)  → 4 weeks 1 of 3, 8 weeks 2 of 3
    #   52.01 tanpa:  G yes/yes                                   → 1 of 1, 1 of 1
    #   52.02 dengan: F no/no                                     → 0 of 1, 0 of 1
    #   52.02 tanpa:  H no/no, J no/yes (kuning in w7)            → 0 of 2, 1 of 2
    #   NTB (52):     dengan 1 of 4 (25.0 %), 2 of 4 (50.0 %); tanpa 1 of 3 (33.3 %), 2 of 3 (66.7 %)
    for kode, mulai in [("KDKMP-A", "2026-09-09"), ("KDKMP-A", "2026-10-14"), ("KDKMP-B", "2026-09-07"),
                        ("KDKMP-C", "2026-09-08"), ("KDKMP-D", "2026-09-07"), ("KDKMP-E", "2026-10-28"),
                        ("KDKMP-F", "2026-09-07")]:
        tl.catat_tindakan(con_skenario, NASIONAL, kode, jenis="verifikasi_lahan", pic_nama="Sari", mulai=mulai,
                          url=url_catatan)
    batal = tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-H", jenis="eskalasi_pemda", pic_nama="Rudi",
                              mulai="2026-09-07", url=url_catatan)
    tl.ubah_status(NASIONAL, batal["id"], 1, "batal", "salah koperasi", url=url_catatan)
    tabel = tl.efektivitas(con_skenario, "52", url=url_catatan).set_index("kode")
    kolom = ["dengan_4", "dengan_keluar_4", "dengan_8", "dengan_keluar_8",
             "tanpa_4", "tanpa_keluar_4", "tanpa_8", "tanpa_keluar_8"]
    assert tabel.loc["52.01", kolom].tolist() == [3, 1, 3, 2, 1, 1, 1, 1]
    assert tabel.loc["52.02", kolom].tolist() == [1, 0, 1, 0, 2, 0, 2, 1]
    assert tabel.loc["52", kolom].tolist() == [4, 1, 4, 2, 3, 1, 3, 2]
    assert tabel.loc["52", ["dengan_persen_4", "dengan_persen_8", "tanpa_persen_4", "tanpa_persen_8"]].tolist() \
        == [25.0, 50.0, 33.3, 66.7]
    assert tabel.loc["52.01", "nama"] == "Kabupaten Lombok Barat" and list(tabel.index) == ["52.01", "52.02", "52"]
    # a kabupaten user sees its own kabupaten only, and is refused the province
    lobar = tl.efektivitas(con_skenario, "52.01", cakupan="52.01", url=url_catatan).set_index("kode")
    assert lobar.loc["52.01", kolom].tolist() == [3, 1, 3, 2, 1, 1, 1, 1]
    with pytest.raises(akses.AksesDitolak):
        tl.efektivitas(con_skenario, "52", cakupan="52.01", url=url_catatan)


# ---------------------------------------------------------------- recording, history, versions

def test_an_action_and_every_change_are_kept_with_who_when_and_what(con_skenario, url_catatan):
    tanda = [catatan.tanda_tindakan(url_catatan)]
    baru = tl.catat_tindakan(con_skenario, LOBAR, "KDKMP-A", jenis="Verifikasi lahan", pic_nama="Budi",
                             pic_kantor="Diskop Lombok Barat", target=date(2026, 12, 15), url=url_catatan)
    assert baru["versi"] == 1 and baru["baru"]
    ubah = tl.ubah_status(LOBAR, baru["id"], 1, "berjalan", "sudah ke lapangan", url=url_catatan)
    assert ubah["versi"] == 2 and ubah["diubah"] == {"status": ["direncanakan", "berjalan"],
                                                      "catatan": [None, "sudah ke lapangan"]}
    tanda.append(catatan.tanda_tindakan(url_catatan))
    tl.ubah_tindakan(NTB, baru["id"], 2, target="2027-01-10", url=url_catatan)
    tanda.append(catatan.tanda_tindakan(url_catatan))
    assert tanda[0] < tanda[1] < tanda[2]  # a cache key that moves with every change
    hasil = tl.tindakan_koperasi(LOBAR, "KDKMP-A", hari=HARI, url=url_catatan)
    kini = hasil["tindakan"].iloc[0]
    assert (kini["status"], kini["catatan"], kini["versi"], kini["target"]) == \
        ("berjalan", "sudah ke lapangan", 3, pd.Timestamp("2027-01-10"))
    assert kini["label_jenis"] == "Verifikasi lahan" and not kini["terlambat"]
    riwayat = hasil["riwayat"]
    assert riwayat["versi"].tolist() == [1, 2, 3] and riwayat["oleh"].tolist() == ["budi.lobar", "budi.lobar", "sari.ntb"]
    assert riwayat["status"].tolist() == ["direncanakan", "berjalan", "berjalan"]  # every version's full state
    assert riwayat["ringkasan"].iloc[1] == "status Direncanakan → Berjalan; catatan (kosong) → sudah ke lapangan"
    assert riwayat["ringkasan"].iloc[2] == "target 2026-12-15 → 2027-01-10"
    assert riwayat["minggu"].dt.day_of_week.eq(0).all()  # Mondays, for the zone-history timeline
    # on the zone-history timeline: every change of today falls on the latest loaded week (w9)
    linimasa = tl.linimasa_koperasi(con_skenario, LOBAR, "KDKMP-A", url=url_catatan)
    assert linimasa["jumlah_perubahan"].tolist() == [0] * 9 + [3]
    assert linimasa["tindak_lanjut"].iloc[-1].splitlines()[1] == \
        "Verifikasi lahan: status Direncanakan → Berjalan; catatan (kosong) → sudah ke lapangan (oleh budi.lobar)"
    with pytest.raises(akses.AksesDitolak):
        tl.linimasa_koperasi(con_skenario, LOTENG, "KDKMP-A", url=url_catatan)
    jejak = catatan.baca_jejak(url=url_catatan, batas=None)
    assert jejak["peristiwa"].tolist() == ["tindakan_ubah", "tindakan_ubah", "tindakan_catat"]
    assert set(jejak["wilayah"]) == {"52.01.01.2001"}
    assert json.loads(jejak["rincian"].iloc[2])["perubahan"]["jenis"] == [None, "verifikasi_lahan"]


def test_a_stale_version_is_refused_and_the_first_save_is_kept(con_skenario, url_catatan):
    t = tl.catat_tindakan(con_skenario, LOBAR, "KDKMP-B", jenis="eskalasi_pemda", pic_nama="Budi", url=url_catatan)
    tl.ubah_status(LOBAR, t["id"], 1, "berjalan", "surat ke Bupati", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"sudah diubah oleh budi\.lobar pada .* WIB \(versi 2, Anda mengubah "
                                              r"versi 1\); perubahan Anda tidak disimpan"):
        tl.ubah_status(NTB, t["id"], 1, "batal", "tidak perlu", url=url_catatan)
    kini = catatan.baca_tindakan(id=t["id"], url=url_catatan).iloc[0]
    assert (kini["status"], kini["catatan"], kini["versi"]) == ("berjalan", "surat ke Bupati", 2)
    assert len(catatan.baca_riwayat_tindakan(tindakan_id=t["id"], url=url_catatan)) == 2
    assert len(catatan.baca_jejak(url=url_catatan, batas=None)) == 2


def _ubah_bersamaan(url: str, tindakan_id: int, status: str, penghalang, hasil) -> None:
    penghalang.wait(timeout=60)
    pengguna = akses.Pengguna(nama=f"kantor_{status}", peran="kabupaten", wilayah="52.01", cara_masuk="proksi")
    try:
        tl.ubah_status(pengguna, tindakan_id, 1, status, f"oleh {status}", url=url)
        hasil.put((status, "simpan"))
    except CatatanDitolak as e:
        hasil.put((status, str(e)))


def test_two_processes_changing_one_action_one_wins_and_nothing_is_lost(con_skenario, url_catatan):
    ctx = mp.get_context("spawn")
    for putaran, kode in enumerate(["KDKMP-A", "KDKMP-B", "KDKMP-C"]):
        t = tl.catat_tindakan(con_skenario, LOBAR, kode, jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
        penghalang, hasil = ctx.Barrier(2), ctx.Queue()
        proses = [ctx.Process(target=_ubah_bersamaan, args=(url_catatan, t["id"], s, penghalang, hasil))
                  for s in ("berjalan", "selesai")]
        for p in proses:
            p.start()
        jawaban = dict(hasil.get(timeout=120) for _ in proses)
        for p in proses:
            p.join(timeout=60)
        assert [p.exitcode for p in proses] == [0, 0]
        menang = [s for s, j in jawaban.items() if j == "simpan"]
        kalah = [s for s, j in jawaban.items() if j != "simpan"]
        assert len(menang) == 1 and len(kalah) == 1, jawaban
        assert f"sudah diubah oleh kantor_{menang[0]}" in jawaban[kalah[0]]
        kini = catatan.baca_tindakan(id=t["id"], url=url_catatan).iloc[0]
        assert (kini["status"], kini["catatan"], kini["versi"]) == (menang[0], f"oleh {menang[0]}", 2)
        riwayat = catatan.baca_riwayat_tindakan(tindakan_id=t["id"], url=url_catatan)
        assert riwayat["versi"].tolist() == [1, 2] and riwayat["oleh"].tolist() == ["budi.lobar", f"kantor_{menang[0]}"]
    assert catatan.baca_jejak(url=url_catatan, batas=None)["peristiwa"].value_counts().to_dict() == \
        {"tindakan_catat": 3, "tindakan_ubah": 3}


@pytest.mark.parametrize(("ubah", "kalimat"), [
    ({"jenis": "pindah kantor"}, r"Tindakan 'pindah kantor' tidak dikenal; pilihan: Verifikasi lahan, "),
    ({"jenis": ""}, r"Tindakan kosong"),
    ({"pic_nama": " "}, r"PIC kosong"),
    ({"status": "tuntas"}, r"Status 'tuntas' tidak dikenal; pilihan: direncanakan, berjalan, selesai, batal\."),
    ({"target": "31/02/2026"}, r"Target '31/02/2026' bukan tanggal"),
    ({"target": "0026-12-01"}, r"Target 0026-12-01 tidak masuk akal"),
    ({"mulai": "2099-01-01"}, r"Tanggal mulai 2099-01-01 tidak masuk akal"),
    ({"catatan": "x" * 2001}, r"Catatan terlalu panjang: 2001 karakter, paling banyak 2000\."),
])
def test_a_bad_field_is_refused_in_one_sentence_and_nothing_is_written(con_skenario, url_catatan, ubah, kalimat):
    isian = {"jenis": "verifikasi_lahan", "pic_nama": "Budi", **ubah}
    with pytest.raises(CatatanDitolak, match=kalimat):
        tl.catat_tindakan(con_skenario, LOBAR, "KDKMP-A", url=url_catatan, **isian)
    assert catatan.baca_tindakan(url=url_catatan).empty and catatan.baca_jejak(url=url_catatan).empty


# ---------------------------------------------------------------- scope

def test_a_regional_user_records_changes_and_sees_only_inside_its_wilayah(con_skenario, url_catatan):
    a = tl.catat_tindakan(con_skenario, LOBAR, "KDKMP-A", jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
    d = tl.catat_tindakan(con_skenario, LOTENG, "KDKMP-D", jenis="verifikasi_lahan", pic_nama="Ani", url=url_catatan)
    l = tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-L", jenis="eskalasi_pemda", pic_nama="Rudi", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"Koperasi KDKMP-D berada di luar cakupan akun Anda \(kabupaten/kota "
                                              r"Kabupaten Lombok Barat \(52\.01\)\)"):
        tl.catat_tindakan(con_skenario, LOBAR, "KDKMP-D", jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"Koperasi KDKMP-L berada di luar cakupan"):
        tl.ubah_status(NTB, l["id"], 1, "batal", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"Kode koperasi 'KDKMP-Z' tidak dikenal"):
        tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-Z", jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
    # PMO pusat reads everything and records nothing (akses.Peran.boleh_tindak_lanjut), whatever the caller
    with pytest.raises(CatatanDitolak, match=r"Peran PMO pusat hanya membaca tindak lanjut"):
        tl.catat_tindakan(con_skenario, PUSAT, "KDKMP-L", jenis="eskalasi_pemda", pic_nama="Rudi", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"Peran PMO pusat hanya membaca tindak lanjut"):
        tl.ubah_status(PUSAT, l["id"], 1, "batal", url=url_catatan)
    with pytest.raises(CatatanDitolak, match=r"Peran PMO pusat hanya membaca tindak lanjut"):
        tl.pratinjau_impor(con_skenario, PUSAT, b"Kode koperasi,Tindakan\nKDKMP-L,eskalasi_pemda\n", "isi.csv",
                           url=url_catatan)
    assert len(catatan.baca_jejak(url=url_catatan, batas=None)) == 3  # the refusals wrote nothing
    assert set(tl.tindakan_terakhir(cakupan="52.01", url=url_catatan)["id"]) == {a["id"]}
    assert set(tl.tindakan_terakhir(cakupan="52", url=url_catatan)["id"]) == {a["id"], d["id"]}
    assert set(tl.tindakan_terakhir(url=url_catatan)["id"]) == {a["id"], d["id"], l["id"]}
    assert tl.tindakan_koperasi(LOBAR, "KDKMP-D", url=url_catatan)["riwayat"].empty
    assert tl.terlambat_per_kabupaten(cakupan="52.02", url=url_catatan)["kode_kabupaten"].tolist() == ["52.02"]
    tl.ubah_status(NTB, d["id"], 1, "berjalan", url=url_catatan)  # the province acts on its kabupaten
    daftar = tl.daftar_intervensi_tindakan(con_skenario, None, "52.01", (), cakupan="52.01", url=url_catatan)
    assert daftar.loc[daftar["tindakan_id"].notna(), "kode_koperasi"].tolist() == ["KDKMP-A"]
    with pytest.raises(akses.AksesDitolak, match=r"Wilayah 52\.02 \(Kabupaten Lombok Tengah\) berada di luar cakupan"):
        tl.daftar_intervensi_tindakan(con_skenario, None, "52.02", (), cakupan="52.01", url=url_catatan)


def test_overdue_latest_action_and_the_list_filters(con_skenario, url_catatan):
    t = {}
    for kode, pic, target, status in [("KDKMP-A", "Budi", "2026-11-01", "berjalan"),
                                      ("KDKMP-B", "budi ", "2026-11-20", "selesai"),
                                      ("KDKMP-C", "Sari", "2026-12-31", "direncanakan"),
                                      ("KDKMP-E", "Sari", "2026-10-01", "direncanakan")]:
        t[kode] = tl.catat_tindakan(con_skenario, NASIONAL, kode, jenis="pendampingan_usaha", pic_nama=pic,
                                    pic_kantor="Diskop", target=target, status=status, url=url_catatan)
    # a newer action on E: the latest is what the list shows
    tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-E", jenis="eskalasi_pemda", pic_nama="Rudi", target="2026-12-20",
                      url=url_catatan)
    daftar = tl.daftar_intervensi_tindakan(con_skenario, None, "52", saringan=(), hari=HARI, url=url_catatan)
    baris = daftar.set_index("kode_koperasi")
    assert baris.loc["KDKMP-A", ["tindakan", "pic", "status_tindakan", "terlambat"]].tolist() == \
        ["Pendampingan usaha", "Budi", "berjalan", True]
    assert not baris.loc["KDKMP-B", "terlambat"] and not baris.loc["KDKMP-C", "terlambat"]
    assert baris.loc["KDKMP-E", ["tindakan", "pic", "terlambat"]].tolist() == ["Eskalasi ke Pemda", "Rudi", False]
    assert pd.isna(baris.loc["KDKMP-D", "tindakan_id"]) and not baris.loc["KDKMP-D", "terlambat"]
    ekspor = tl.tabel_ekspor(daftar).set_index("Kode koperasi")
    assert ekspor.loc["KDKMP-A", ["Status", "Terlambat"]].tolist() == ["Berjalan", "ya"]
    assert ekspor.loc["KDKMP-B", ["Status", "Terlambat"]].tolist() == ["Selesai", ""]

    def kode(*saringan, zona=None):
        return sorted(tl.daftar_intervensi_tindakan(con_skenario, None, "52", (("zona", zona),) if zona else (),
                                                    saringan_tindakan=saringan, hari=HARI,
                                                    url=url_catatan)["kode_koperasi"])

    assert kode(("tl_terlambat", "")) == ["KDKMP-A"]
    assert kode(("tl_belum", ""), zona="merah") == ["KDKMP-D", "KDKMP-H"]  # merah in w9 (B C D E H), no action
    assert kode(("tl_pic", "BUDI")) == ["KDKMP-A", "KDKMP-B"]
    assert kode(("tl_pic", "BUDI"), zona="merah") == ["KDKMP-B"]
    assert kode(("tl_status", "Direncanakan")) == ["KDKMP-C", "KDKMP-E"]
    assert kode(("tl_status", "berjalan"), ("tl_terlambat", "")) == ["KDKMP-A"]
    assert tl.kalimat_saringan_tindakan((("tl_terlambat", ""), ("tl_status", "berjalan"))) == \
        "tindak lanjut terlambat; status tindak lanjut berjalan"
    per_kab = tl.terlambat_per_kabupaten(hari=HARI, url=url_catatan)
    assert per_kab[["kode_kabupaten", "terbuka", "terlambat"]].values.tolist() == [["52.01", 2, 1], ["52.02", 2, 1]]
    per_pic = tl.terlambat_per_pic(hari=HARI, url=url_catatan)  # B is selesai: not open
    assert per_pic[["pic_nama", "terbuka", "terlambat"]].values.tolist() == [["Sari", 2, 1], ["Budi", 1, 1], ["Rudi", 1, 0]]
    assert per_pic["hari_terlambat_maks"].tolist()[:2] == [60, 29] and pd.isna(per_pic["hari_terlambat_maks"].iloc[2])


# ---------------------------------------------------------------- the round trip on the demo database

@pytest.fixture
def con_demo(db_demo):
    yield store.sambungan_baca(db_demo)
    store.tutup_semua()


def _isi(df: pd.DataFrame, i: int, **nilai) -> None:
    for kolom, v in nilai.items():
        df.loc[i, kolom] = v


@pytest.mark.parametrize("format_", ["xlsx", "csv;"])
def test_round_trip_export_fill_import_shows_the_actions_on_the_same_rows(con_demo, url_catatan, format_):
    daftar = tl.daftar_kerja(con_demo, None, "52.01", url=url_catatan)
    tabel = tl.tabel_ekspor(daftar)
    for kolom in ("Kode desa/kelurahan", "Kode kecamatan", "Kode kabupaten/kota", "Kode provinsi", "Tindakan", "PIC",
                  "Target", "Status", "Catatan", "ID tindakan", "Versi tindakan"):
        assert kolom in tabel.columns
    assert (tabel["Kode kabupaten/kota"] == "52.01").all() and tabel["Kode desa/kelurahan"].str.startswith("52.01.").all()
    if format_ == "xlsx":
        berkas, nama = export.ke_xlsx(tabel, tl.petunjuk_isian()), "daftar.xlsx"
        kantor = pd.read_excel(io.BytesIO(berkas), sheet_name="data", engine="calamine", dtype=object)
    else:
        berkas, nama = export.ke_csv(tabel, pemisah=";"), "daftar.csv"
        kantor = pd.read_csv(io.BytesIO(berkas), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    kantor = kantor.astype(object)
    # the office fills four rows, as people type: labels, codes, two date styles, a comment like a formula
    _isi(kantor, 0, Tindakan="Verifikasi lahan", PIC="Budi", **{"Kantor PIC": "Diskop Lobar"}, Target="2026-12-15")
    _isi(kantor, 1, Tindakan="fasilitasi_badan_hukum", PIC="Sari", Target="20/12/2026", Status="berjalan")
    _isi(kantor, 2, Tindakan="ESKALASI KE PEMDA", PIC="Rudi", Catatan="-surat belum dibalas")
    _isi(kantor, 3, Tindakan="Pendampingan usaha", PIC="Ani", Target=date(2027, 1, 5), Status="Direncanakan")
    isi = _tulis(kantor, format_)
    pratinjau = tl.pratinjau_impor(con_demo, LOBAR, isi, nama, url=url_catatan)
    assert (pratinjau.baris_dibaca, len(pratinjau.diterima), len(pratinjau.ditolak), pratinjau.kosong) == \
        (len(tabel), 4, 0, len(tabel) - 4)
    assert catatan.baca_tindakan(url=url_catatan).empty  # a preview writes nothing
    assert tl.terapkan_impor(pratinjau, LOBAR, url=url_catatan) == {"baru": 4, "diubah": 0}

    sesudah = tl.daftar_kerja(con_demo, None, "52.01", url=url_catatan).set_index("kode_koperasi")
    kode = daftar["kode_koperasi"].tolist()
    harap = [("Verifikasi lahan", "Budi", "Diskop Lobar", pd.Timestamp("2026-12-15"), "direncanakan", None),
             ("Fasilitasi badan hukum", "Sari", None, pd.Timestamp("2026-12-20"), "berjalan", None),
             ("Eskalasi ke Pemda", "Rudi", None, None, "direncanakan", "-surat belum dibalas"),
             ("Pendampingan usaha", "Ani", None, pd.Timestamp("2027-01-05"), "direncanakan", None)]
    for i, h in enumerate(harap):
        r = sesudah.loc[kode[i]]
        dapat = (r["tindakan"], r["pic"], r["kantor_pic"], r["target"], r["status_tindakan"], r["catatan_tindakan"])
        assert tuple(None if pd.isna(v) else v for v in dapat) == h
    assert sesudah.loc[kode[4:], "tindakan_id"].isna().all()
    assert sorted(sesudah.index) == sorted(kode)  # the same rows, in a list that still holds them all

    # the next week's sheet carries ID and version: a status change updates that action
    lagi = _baca(tl.tabel_ekspor(tl.daftar_kerja(con_demo, None, "52.01", url=url_catatan)), format_)
    i = lagi.index[lagi["Kode koperasi"] == kode[0]][0]
    _isi(lagi, i, Status="Selesai", Catatan="lahan sudah bersertifikat")
    pratinjau = tl.pratinjau_impor(con_demo, LOBAR, _tulis(lagi, format_), nama, url=url_catatan)
    assert (len(pratinjau.diterima), pratinjau.tidak_berubah, len(pratinjau.ditolak)) == (1, 3, 0)
    assert pratinjau.diterima["perubahan"].iloc[0] == \
        "status Direncanakan → Selesai; catatan (kosong) → lahan sudah bersertifikat"
    assert tl.terapkan_impor(pratinjau, LOBAR, url=url_catatan) == {"baru": 0, "diubah": 1}
    r = catatan.baca_tindakan(kode_koperasi=kode[0], url=url_catatan).iloc[0]
    assert (r["status"], r["versi"]) == ("selesai", 2)
    jejak = catatan.baca_jejak(url=url_catatan, batas=None)
    assert jejak["peristiwa"].value_counts().to_dict() == {"tindakan_catat": 4, "tindakan_impor": 2, "tindakan_ubah": 1}


def _tulis(df: pd.DataFrame, format_: str) -> bytes:
    if format_ == "xlsx":
        buf = io.BytesIO()
        df.to_excel(buf, index=False, sheet_name="data")  # as an office saves it (openpyxl, real date cells)
        return buf.getvalue()
    return df.to_csv(index=False, sep=";").encode("utf-8")  # without a BOM, as some editors save it


def _baca(tabel: pd.DataFrame, format_: str) -> pd.DataFrame:
    if format_ == "xlsx":
        return pd.read_excel(io.BytesIO(export.ke_xlsx(tabel, {})), sheet_name="data", engine="calamine",
                             dtype=object).astype(object)
    return pd.read_csv(io.BytesIO(export.ke_csv(tabel, pemisah=";")), sep=";", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False).astype(object)


def _berkas(baris: list[dict]) -> bytes:
    kolom = ["Kode koperasi", "Tindakan", "PIC", "Target", "Status", "Catatan", "ID tindakan", "Versi tindakan"]
    return pd.DataFrame(baris, columns=kolom).astype(object).fillna("").to_csv(index=False).encode("utf-8-sig")


def test_import_rejects_bad_rows_one_by_one_with_reasons_and_applies_the_rest(con_skenario, url_catatan):
    lama = tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-B", jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
    tl.ubah_status(NASIONAL, lama["id"], 1, "berjalan", url=url_catatan)  # now version 2; the sheet says 1
    baris = [
        {"Kode koperasi": "KDKMP-A", "Tindakan": "Verifikasi lahan", "PIC": "Budi", "Target": "2026-12-15"},  # ok
        {"Kode koperasi": "KDKMP-Z", "Tindakan": "Verifikasi lahan", "PIC": "Budi"},
        {"Kode koperasi": "KDKMP-C", "Tindakan": "Verifikasi lahan", "PIC": "Budi", "Target": "15 Desember"},
        {"Kode koperasi": "KDKMP-C", "Tindakan": "Verifikasi lahan", "PIC": "Budi", "Status": "beres"},
        {"Kode koperasi": "KDKMP-C", "Tindakan": "Sosialisasi", "PIC": "Budi"},
        {"Kode koperasi": "KDKMP-D", "Tindakan": "Verifikasi lahan", "PIC": "Budi"},
        {"Kode koperasi": "", "Tindakan": "Verifikasi lahan", "PIC": "Budi"},
        {"Kode koperasi": "KDKMP-C", "Tindakan": "Verifikasi lahan"},
        {"Kode koperasi": "KDKMP-A", "Tindakan": "Verifikasi lahan", "PIC": "Budi"},
        {"Kode koperasi": "KDKMP-B", "Tindakan": "Verifikasi lahan", "Status": "Selesai", "ID tindakan": str(lama["id"]),
         "Versi tindakan": "1"},
        {"Kode koperasi": "KDKMP-C", "Status": "Selesai", "ID tindakan": str(lama["id"])},
        {"Kode koperasi": "KDKMP-G"},  # nothing filled: skipped, not rejected
    ]
    pratinjau = tl.pratinjau_impor(con_skenario, LOBAR, _berkas(baris), "isian.csv", url=url_catatan)
    alasan = dict(zip(pratinjau.ditolak["baris"], pratinjau.ditolak["alasan"]))
    harap = {
        3: r"^Kode koperasi KDKMP-Z tidak dikenal di data mingguan\.$",
        4: r"^Target '15 Desember' bukan tanggal; tulis YYYY-MM-DD",
        5: r"^Status 'beres' tidak dikenal; pilihan: direncanakan, berjalan, selesai, batal\.$",
        6: r"^Tindakan 'Sosialisasi' tidak dikenal; pilihan: ",
        7: r"^Koperasi KDKMP-D berada di luar cakupan akun Anda \(kabupaten/kota Kabupaten Lombok Barat \(52\.01\)\)",
        8: r"^Kode koperasi kosong\.$",
        9: r"^PIC kosong: tulis nama penanggung jawab tindak lanjut\.$",
        10: r"^Tindak lanjut yang sama untuk koperasi KDKMP-A sudah ada di baris 2 berkas ini\.$",
        11: rf"^Tindak lanjut nomor {lama['id']} sudah diubah oleh pmo pada .* WIB sejak berkas ini diekspor \(versi 2, "
            r"berkas versi 1\); ekspor ulang lalu isi lagi\.$",
        12: rf"^ID tindakan {lama['id']} bukan tindak lanjut koperasi KDKMP-C;",
    }
    assert sorted(alasan) == sorted(harap)
    for nomor, pola in harap.items():
        assert pd.Series([alasan[nomor]]).str.contains(pola, regex=True).iloc[0], (nomor, alasan[nomor])
    assert pratinjau.diterima["baris"].tolist() == [2] and pratinjau.kosong == 1
    # the rejects are downloadable with the row as it was read, and the file says why
    unduh = pd.read_csv(io.BytesIO(export.ke_csv(pratinjau.ditolak)), encoding="utf-8-sig", dtype=str)
    assert list(unduh.columns[:3]) == ["baris", "kode_koperasi", "alasan"] and "Tindakan" in unduh.columns
    assert unduh.loc[unduh["baris"] == "4", "Target"].iloc[0] == "15 Desember"
    assert len(catatan.baca_jejak(url=url_catatan, batas=None)) == 2  # the preview wrote nothing
    assert tl.terapkan_impor(pratinjau, LOBAR, url=url_catatan) == {"baru": 1, "diubah": 0}
    assert catatan.baca_tindakan(kode_koperasi="KDKMP-A", url=url_catatan)["pic_nama"].tolist() == ["Budi"]


@pytest.mark.parametrize(("isi", "nama", "kalimat"), [
    (b"kode,nama\nKDKMP-A,x\n", "a.csv", r"tidak punya kolom 'Kode koperasi'"),
    (b"Kode koperasi,PIC\nKDKMP-A,x\n", "a.csv", r"tidak punya kolom 'Tindakan' maupun 'Status'"),
    (b"%PDF-1.4", "a.pdf", r"harus berakhiran \.csv atau \.xlsx"),
    (b"PK\x03\x04rusak", "a.xlsx", r"bukan XLSX yang dapat dibaca"),
])
def test_an_unusable_file_is_refused_in_one_sentence(con_skenario, url_catatan, isi, nama, kalimat):
    with pytest.raises(CatatanDitolak, match=kalimat):
        tl.pratinjau_impor(con_skenario, NASIONAL, isi, nama, url=url_catatan)


def test_an_apply_after_someone_else_changed_the_action_writes_nothing(con_skenario, url_catatan):
    t = tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-A", jenis="verifikasi_lahan", pic_nama="Budi", url=url_catatan)
    berkas = _berkas([{"Kode koperasi": "KDKMP-A", "Tindakan": "Verifikasi lahan", "Status": "Selesai",
                       "ID tindakan": str(t["id"]), "Versi tindakan": "1"},
                      {"Kode koperasi": "KDKMP-C", "Tindakan": "Verifikasi lahan", "PIC": "Sari"}])
    pratinjau = tl.pratinjau_impor(con_skenario, LOBAR, berkas, "isian.csv", url=url_catatan)
    assert len(pratinjau.diterima) == 2
    tl.ubah_status(NTB, t["id"], 1, "batal", "dobel", url=url_catatan)  # between preview and apply
    with pytest.raises(CatatanDitolak, match=r"^Impor isian\.csv tidak diterapkan, tidak ada yang disimpan: .*"
                                              r"sudah diubah oleh sari\.ntb"):
        tl.terapkan_impor(pratinjau, LOBAR, url=url_catatan)
    assert catatan.baca_tindakan(kode_koperasi="KDKMP-C", url=url_catatan).empty
    assert catatan.baca_tindakan(id=t["id"], url=url_catatan)["status"].tolist() == ["batal"]


# ---------------------------------------------------------------- weekly loads, rescoring, restarts

def test_actions_survive_a_weekly_load_a_replace_a_rescoring_and_a_restart(tmp_path, url_catatan):
    from kdkmp import ingest, rules
    from tests.snapshot_factory import MINGGU_CONTOH, frame_contoh

    db = tmp_path / "kdkmp.duckdb"
    frame_contoh(12).to_csv(tmp_path / "m1.csv", index=False)
    ingest.muat_file(tmp_path / "m1.csv", db_path=db)
    con = store.sambungan_baca(db)
    kode = queries.daftar_intervensi(con, None, None, ())["kode_koperasi"].tolist()[:3]
    for k in kode:
        tl.catat_tindakan(con, NASIONAL, k, jenis="pendampingan_usaha", pic_nama="Sari", target="2026-12-31",
                          url=url_catatan)

    def lihat():
        con = store.sambungan_baca(db)
        daftar = tl.daftar_intervensi_tindakan(con, None, None, (), hari=HARI, url=url_catatan)
        return daftar.loc[daftar["tindakan_id"].notna(), ["kode_koperasi", "tindakan", "pic", "versi_tindakan"]] \
            .sort_values("kode_koperasi").values.tolist()

    harap = [[k, "Pendampingan usaha", "Sari", 1] for k in sorted(kode)]
    assert lihat() == harap
    minggu2 = MINGGU_CONTOH + timedelta(weeks=1)
    frame_contoh(12, minggu=minggu2).to_csv(tmp_path / "m2.csv", index=False)
    ingest.muat_file(tmp_path / "m2.csv", db_path=db)  # a new week: a new DuckDB file swapped in
    assert queries.minggu_terakhir(store.sambungan_baca(db)) == minggu2 and lihat() == harap
    frame_contoh(12, minggu=minggu2, progres_fisik="5").to_csv(tmp_path / "m2b.csv", index=False)
    ingest.muat_file(tmp_path / "m2b.csv", db_path=db, ganti=True)  # the week replaced
    assert lihat() == harap
    with store.penulisan(db) as tulis:  # every week rescored
        ingest.skor_ulang_semua(tulis, rules.muat_aturan())
    assert lihat() == harap
    store.tutup_semua()
    catatan.tutup_semua()  # a restart: nothing cached in the process
    assert lihat() == harap


# ---------------------------------------------------------------- the command line

def _jalankan(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, capture_output=True, text=True,
                          env={**os.environ, "KDKMP_STATE_URL": url})


def test_cli_export_then_import_applies_and_reports_rows_read_applied_rejected(tmp_path, db_demo, url_catatan):
    keluaran = tmp_path / "kerja.xlsx"
    hasil = _jalankan(url_catatan, "tindaklanjut", "ekspor", "--out", str(keluaran), "--wilayah", "52.01",
                      "--db", str(db_demo))
    assert hasil.returncode == 0, hasil.stderr
    df = pd.read_excel(keluaran, sheet_name="data", engine="calamine", dtype=object).astype(object)
    _isi(df, 0, Tindakan="Verifikasi lahan", PIC="Budi", Target="2026-12-15")
    _isi(df, 1, Tindakan="Verifikasi lahan", PIC="Budi", Target="kemarin")
    isian = tmp_path / "isian.csv"
    df.to_csv(isian, index=False)
    catatan.tambah_akun("budi.lobar", "kabupaten", "52.01", oleh="admin", url=url_catatan)
    catatan.tambah_akun("ani.kalbar", "provinsi", "61", oleh="admin", url=url_catatan)

    assert tl.tindakan_terakhir(url=url_catatan).empty  # kept in this process's cache until the store changes
    hasil = _jalankan(url_catatan, "tindaklanjut", "impor", str(isian), "--oleh", "budi.lobar", "--db", str(db_demo))
    assert hasil.returncode == 0, hasil.stderr
    assert tl.tindakan_terakhir(url=url_catatan)["pic_nama"].tolist() == ["Budi"]  # another process wrote it
    assert f"Baris dibaca: {len(df)}; diterapkan: 1 (1 baru, 0 diubah); ditolak: 1;" in hasil.stdout
    tolak = pd.read_csv(tmp_path / "isian.ditolak.csv", encoding="utf-8-sig", dtype=str)
    assert tolak["alasan"].tolist() == ["Target 'kemarin' bukan tanggal; tulis YYYY-MM-DD (misalnya 2026-12-15) atau "
                                        "DD/MM/YYYY."]
    assert catatan.baca_tindakan(url=url_catatan)["kode_koperasi"].tolist() == [df.loc[0, "Kode koperasi"]]

    # an account of another province: every filled row is outside its scope → refused, exit 2
    hasil = _jalankan(url_catatan, "tindaklanjut", "impor", str(isian), "--oleh", "ani.kalbar", "--db", str(db_demo))
    assert hasil.returncode == 2 and hasil.stderr.count("\n") == 1
    assert "Tidak ada yang diimpor dari isian.csv" in hasil.stderr
    hasil = _jalankan(url_catatan, "tindaklanjut", "impor", str(isian), "--oleh", "siapa", "--db", str(db_demo))
    assert hasil.returncode == 2 and "Akun 'siapa' (--oleh) tidak terdaftar" in hasil.stderr
    assert len(catatan.baca_tindakan(url=url_catatan)) == 1
    # the intervention list's export carries the codes and the action
    keluar = tmp_path / "merah.csv"
    hasil = _jalankan(url_catatan, "export", "--out", str(keluar), "--wilayah", "52.01", "--db", str(db_demo))
    assert hasil.returncode == 0, hasil.stderr
    ekspor = pd.read_csv(keluar, encoding="utf-8-sig", dtype=str, keep_default_na=False).set_index("Kode koperasi")
    assert ekspor.loc[df.loc[0, "Kode koperasi"], ["Tindakan", "PIC", "Target", "Status"]].tolist() == \
        ["Verifikasi lahan", "Budi", "2026-12-15", "Direncanakan"]
    assert (ekspor["Kode kabupaten/kota"] == "52.01").all()


# ---------------------------------------------------------------- the action types (config)

def test_the_shipped_action_types_are_valid_and_offered_in_file_order():
    k = tl.muat_konfigurasi()
    assert [j.kode for j in k.pilihan()][:2] == ["verifikasi_lahan", "fasilitasi_badan_hukum"]
    assert "eskalasi_pemda" in k.jenis and k.label("eskalasi_pemda") == "Eskalasi ke Pemda"


@pytest.mark.parametrize(("isi", "kalimat"), [
    ("jenis: []\n", r"kunci 'jenis' harus berisi daftar"),
    ("jenis:\n  - kode: Verifikasi Lahan\n    label: x\n", r"jenis ke-1: kode 'Verifikasi Lahan' tidak sah"),
    ("jenis:\n  - kode: a\n    label: ''\n", r"jenis ke-1 \(a\): label kosong"),
    ("jenis:\n  - kode: a\n    label: A\n  - kode: b\n    label: a\n", r"jenis ke-2: .* sudah dipakai"),
    ("jenis:\n  - kode: a\n    label: A\n    aktif: mungkin\n", r"aktif harus true atau false"),
    ("jenis:\n  - kode: a\n    label: A\nwarna: merah\n", r"kunci tidak dikenal: warna"),
    ("jenis: [\n", r"bukan YAML yang sah"),
])
def test_a_bad_action_types_file_is_refused_naming_the_key(tmp_path, isi, kalimat):
    berkas = tmp_path / "tindaklanjut.yaml"
    berkas.write_text(isi, encoding="utf-8")
    with pytest.raises(tl.KonfigurasiTidakValid, match=kalimat):
        tl.muat_konfigurasi(berkas)


def test_an_inactive_type_stays_readable_but_is_not_offered_for_new_actions(tmp_path, monkeypatch, con_skenario,
                                                                            catatan_sqlite):
    berkas = tmp_path / "tindaklanjut.yaml"
    berkas.write_text("version: 2\njenis:\n  - kode: verifikasi_lahan\n    label: Verifikasi lahan\n"
                      "  - kode: lama\n    label: Jenis lama\n    aktif: false\n", encoding="utf-8")
    monkeypatch.setenv("KDKMP_TINDAKLANJUT", str(berkas))
    assert [j.kode for j in tl.muat_konfigurasi().pilihan()] == ["verifikasi_lahan"]
    with pytest.raises(CatatanDitolak, match=r"Tindakan 'Jenis lama' tidak ditawarkan lagi untuk tindak lanjut baru"):
        tl.catat_tindakan(con_skenario, NASIONAL, "KDKMP-A", jenis="Jenis lama", pic_nama="Budi", url=catatan_sqlite)
