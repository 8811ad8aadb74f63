"""Withdrawing and restoring a loaded week: archived, audited, reversible, and the zones of the
remaining weeks are those of a database that never had the withdrawn week."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kdkmp import catatan, demo, ingest, queries, rules, snapshot, store

AKAR = Path(__file__).resolve().parent.parent
JUMLAH_MINGGU = 4
MINGGU = demo.daftar_minggu(JUMLAH_MINGGU)  # oldest first, ending 2026-11-16

# the zones as the dashboard reads them (the view, without the explanation ids, which depend on
# the order in which weeks were scored); nested columns as text so rows compare as tuples
SQL_ZONA = """SELECT * REPLACE (CAST(gerbang AS VARCHAR) AS gerbang, CAST(alasan AS VARCHAR) AS alasan)
              FROM zona ORDER BY minggu, kode_koperasi"""
SQL_LAPORAN = "SELECT * FROM laporan ORDER BY minggu, kode_koperasi"


@pytest.fixture(scope="module")
def minggu_demo() -> list:
    """Four demo weeks of one kabupaten (Lombok Barat), validated like a real file."""
    return [snapshot.validasi_frame(frame, minggu=m)
            for m, frame in demo.frame_minggu_semua(JUMLAH_MINGGU, wilayah_kode=["52.01"])]


def bangun(db: Path, daftar_hasil) -> Path:
    """Load weeks one by one the way an office does (each load scores its week)."""
    for i, hasil in enumerate(daftar_hasil):
        ingest.simpan(hasil, isi_file=f"minggu {i}".encode(), nama_file=f"minggu_{hasil.minggu}.csv",
                      db_path=db, dimuat_oleh="uji")
    return db


def baca(db: Path, sql: str, param=None) -> list[tuple]:
    con = store.sambungan_baca(db)
    try:
        return con.execute(sql, param or []).fetchall()
    finally:
        con.close()


def sidik(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture
def db_penuh(tmp_path, minggu_demo) -> Path:
    yield bangun(tmp_path / "penuh" / "kdkmp.duckdb", minggu_demo)
    store.tutup_semua()


def test_withdrawing_the_latest_week_shows_the_week_before_with_the_zones_of_a_database_that_never_had_it(
        tmp_path, db_penuh, minggu_demo):
    tanpa = bangun(tmp_path / "tanpa" / "kdkmp.duckdb", minggu_demo[:-1])
    hasil = ingest.tarik(MINGGU[-1], alasan="file minggu ini salah kirim", oleh="admin", db_path=db_penuh)
    assert hasil["batch_id"] == JUMLAH_MINGGU and hasil["baris"] == len(minggu_demo[-1].data)
    con = store.sambungan_baca(db_penuh)
    assert queries.minggu_terakhir(con) == MINGGU[-2]
    assert queries.daftar_minggu(con) == MINGGU[-2::-1]
    zona_tanpa = baca(tanpa, SQL_ZONA)
    assert {r[0] for r in zona_tanpa} == set(MINGGU[:-1])
    assert baca(db_penuh, SQL_ZONA) == zona_tanpa
    # the rescoring dropped the withdrawn week's zones and kept state
    assert baca(db_penuh, "SELECT count(*) FROM zona_inti WHERE minggu = ?", [MINGGU[-1]]) == [(0,)]
    assert baca(db_penuh, "SELECT count(*) FROM keadaan_skor WHERE minggu = ?", [MINGGU[-1]]) == [(0,)]
    # the state the next load continues from is the one of the week before, as if never loaded
    sql_keadaan = "SELECT * FROM keadaan_skor WHERE minggu = ? ORDER BY kode_koperasi"
    assert baca(db_penuh, sql_keadaan, [MINGGU[-2]]) == baca(tanpa, sql_keadaan, [MINGGU[-2]])


def test_restoring_a_withdrawn_week_gives_back_the_original_rows_and_zones(db_penuh):
    laporan_asli, zona_asli = baca(db_penuh, SQL_LAPORAN), baca(db_penuh, SQL_ZONA)
    ingest.tarik(MINGGU[-1], alasan="periksa ulang", db_path=db_penuh)
    assert baca(db_penuh, SQL_ZONA) != zona_asli
    hasil = ingest.pulihkan(MINGGU[-1], oleh="admin", db_path=db_penuh)
    assert hasil["batch_id"] == JUMLAH_MINGGU
    assert baca(db_penuh, SQL_LAPORAN) == laporan_asli
    assert baca(db_penuh, SQL_ZONA) == zona_asli
    assert queries.minggu_terakhir(store.sambungan_baca(db_penuh)) == MINGGU[-1]
    assert baca(db_penuh, "SELECT count(*) FROM laporan_ditarik") == [(0,)]


def test_withdrawing_a_middle_week_rescores_later_weeks_as_if_it_was_never_loaded(tmp_path, db_penuh, minggu_demo):
    tanpa = bangun(tmp_path / "tanpa" / "kdkmp.duckdb", minggu_demo[:1] + minggu_demo[2:])
    ingest.tarik(MINGGU[1], alasan="minggu ganda", db_path=db_penuh)
    assert baca(db_penuh, SQL_ZONA) == baca(tanpa, SQL_ZONA)
    assert queries.minggu_terakhir(store.sambungan_baca(db_penuh)) == MINGGU[-1]


def test_withdrawn_rows_are_archived_unchanged_and_every_action_is_audited(db_penuh):
    sql_minggu = "SELECT * FROM {t} WHERE minggu = ? ORDER BY kode_koperasi"
    asli = baca(db_penuh, sql_minggu.format(t="laporan"), [MINGGU[-1]])
    ingest.tarik(MINGGU[-1], alasan="  angka ganda  ", oleh="Sari", db_path=db_penuh)
    assert baca(db_penuh, sql_minggu.format(t="laporan_ditarik"), [MINGGU[-1]]) == asli
    assert baca(db_penuh, sql_minggu.format(t="laporan"), [MINGGU[-1]]) == []
    assert baca(db_penuh, "SELECT batch_id, status FROM batch ORDER BY batch_id") == [
        (1, "aktif"), (2, "aktif"), (3, "aktif"), (4, "ditarik")]
    ingest.pulihkan(MINGGU[-1], oleh="Budi", alasan="sudah diperiksa", db_path=db_penuh)
    riwayat = baca(db_penuh, "SELECT batch_id, minggu, aksi, oleh, alasan, pada IS NOT NULL FROM riwayat_minggu "
                             "ORDER BY pada, aksi DESC")
    assert riwayat == [(4, MINGGU[-1], "tarik", "Sari", "angka ganda", True),
                       (4, MINGGU[-1], "pulihkan", "Budi", "sudah diperiksa", True)]
    # the batch keeps its archive file and rejected rows: only its status moved
    assert baca(db_penuh, "SELECT status, arsip IS NOT NULL FROM batch WHERE batch_id = 4") == [("aktif", True)]


@pytest.mark.parametrize("aksi, minggu, kw, pesan", [
    ("tarik", MINGGU[-1], {"alasan": "   "}, "Sebutkan alasan penarikan minggu 2026-11-16"),
    ("tarik", date(2026, 11, 23), {"alasan": "x"}, "Minggu 2026-11-23 belum dimuat"),
    ("pulihkan", MINGGU[-1], {}, "minggu itu sedang aktif (batch 4)"),
    ("pulihkan", date(2026, 11, 23), {}, "minggu itu belum pernah dimuat"),
])
def test_a_refused_withdrawal_or_restore_names_the_reason_and_changes_nothing(db_penuh, aksi, minggu, kw, pesan):
    sebelum = sidik(db_penuh)
    with pytest.raises(store.TarikDitolak, match=re.escape(pesan)):
        getattr(ingest, aksi)(minggu, db_path=db_penuh, **kw)
    assert sidik(db_penuh) == sebelum


def test_withdrawing_twice_is_refused_naming_the_withdrawn_batch(db_penuh):
    ingest.tarik(MINGGU[-1], alasan="salah", db_path=db_penuh)
    with pytest.raises(store.TarikDitolak, match=r"Minggu 2026-11-16 sudah ditarik \(batch 4\)"):
        ingest.tarik(MINGGU[-1], alasan="lagi", db_path=db_penuh)


def test_restore_is_refused_when_the_week_was_loaded_again_naming_that_batch(db_penuh, minggu_demo):
    ingest.tarik(MINGGU[-1], alasan="diganti file baru", db_path=db_penuh)
    batch_baru = ingest.simpan(minggu_demo[-1], isi_file=b"baru", nama_file="perbaikan.csv", db_path=db_penuh)
    assert batch_baru == JUMLAH_MINGGU + 1
    sebelum = sidik(db_penuh)
    with pytest.raises(store.TarikDitolak, match=r"sudah dimuat lagi sejak ditarik \(batch 5, file perbaikan.csv\)"):
        ingest.pulihkan(MINGGU[-1], db_path=db_penuh)
    assert sidik(db_penuh) == sebelum


def test_withdrawing_every_week_leaves_no_week_and_no_zones(db_penuh):
    for m in MINGGU:
        ingest.tarik(m, alasan="uji", db_path=db_penuh)
    con = store.sambungan_baca(db_penuh)
    assert queries.minggu_terakhir(con) is None and queries.daftar_minggu(con) == []
    assert baca(db_penuh, "SELECT (SELECT count(*) FROM zona_inti), (SELECT count(*) FROM laporan)") == [(0, 0)]
    with pytest.raises(store.BelumAdaData):
        queries.ringkasan(con)


def test_a_failure_while_rescoring_a_withdrawal_leaves_the_database_byte_for_byte(db_penuh, monkeypatch):
    sebelum = sidik(db_penuh)
    isi_folder = sorted(p.name for p in db_penuh.parent.iterdir())
    assert "kdkmp.duckdb.tmp" not in isi_folder

    def rusak(*a, **k):
        raise KeyError("gangguan buatan")

    monkeypatch.setattr(rules, "skor", rusak)
    with pytest.raises(KeyError):
        ingest.tarik(MINGGU[-1], alasan="uji", db_path=db_penuh)
    assert sidik(db_penuh) == sebelum
    assert sorted(p.name for p in db_penuh.parent.iterdir()) == isi_folder  # no copy left behind


def test_the_week_list_shows_active_and_withdrawn_batches_with_who_when_and_why(db_penuh):
    ingest.tarik(MINGGU[0], alasan="uji coba", oleh="Sari", db_path=db_penuh)
    df = queries.minggu_dan_penarikan(store.sambungan_baca(db_penuh))
    assert df["batch_id"].tolist() == [4, 3, 2, 1]
    assert df["status"].tolist() == ["aktif", "aktif", "aktif", "ditarik"]
    ditarik = df.iloc[-1]
    assert (ditarik["ditarik_oleh"], ditarik["alasan"]) == ("Sari", "uji coba")
    assert df.iloc[0][["ditarik_oleh", "alasan"]].isna().all()


# ---------------------------------------------------------------- the commands

def jalankan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, capture_output=True, text=True)


def test_minggu_commands_withdraw_list_and_restore_with_their_exit_codes(db_penuh):
    db = str(db_penuh)
    tanpa_alasan = jalankan("minggu", "tarik", "2026-11-16", "--db", db)
    assert tanpa_alasan.returncode == 2 and tanpa_alasan.stderr.count("\n") == 1
    assert "Sebutkan alasan" in tanpa_alasan.stderr
    # --oleh is an account of the state store beside the database, and only an admin's
    url = catatan.url_bawaan(db_penuh)
    catatan.tambah_akun("sari", "admin", None, oleh="uji", url=url)
    catatan.tambah_akun("budi", "kabupaten", "52.01", oleh="uji", url=url)
    for nama, pesan in (("budi", "akun 'budi' (PMO kabupaten/kota) tidak boleh menarik atau memulihkan minggu"),
                        ("tamu", "Akun 'tamu' (--oleh) tidak terdaftar")):
        ditolak = jalankan("minggu", "tarik", "2026-11-18", "--alasan", "x", "--oleh", nama, "--db", db)
        assert ditolak.returncode == 2 and pesan in ditolak.stderr and ditolak.stderr.count("\n") == 1
    tarik = jalankan("minggu", "tarik", "2026-11-18", "--alasan", "salah kirim", "--oleh", "Sari", "--db", db)
    assert tarik.returncode == 0, tarik.stderr
    assert "Minggu 2026-11-16 ditarik" in tarik.stdout and "Minggu terbaru kini 2026-11-09" in tarik.stdout
    jejak = catatan.baca_jejak(peristiwa="tarik", url=url)
    # typed "Sari", recorded as the account spells itself
    assert list(jejak["oleh"]) == ["sari"] and '"alasan": "salah kirim"' in jejak["rincian"].iloc[0]
    catatan.tutup_semua()
    daftar = jalankan("minggu", "daftar", "--db", db)
    assert daftar.returncode == 0
    aktif, ditarik = daftar.stdout.split("Minggu ditarik")
    assert "Minggu aktif (3)" in aktif and "2026-11-16" not in aktif
    assert "(1)" in ditarik and "2026-11-16  batch 4" in ditarik and "oleh sari: salah kirim" in ditarik
    lagi = jalankan("minggu", "tarik", "2026-11-16", "--alasan", "x", "--db", db)
    assert lagi.returncode == 2 and "sudah ditarik (batch 4)" in lagi.stderr
    pulih = jalankan("minggu", "pulihkan", "2026-11-16", "--db", db)
    assert pulih.returncode == 0 and "Minggu terbaru kini 2026-11-16" in pulih.stdout
    kosong = jalankan("minggu", "pulihkan", "2026-11-16", "--db", db)
    assert kosong.returncode == 2 and "tidak ada yang bisa dipulihkan" in kosong.stderr
    salah = jalankan("minggu", "tarik", "16-11-2026", "--alasan", "x", "--db", db)
    assert salah.returncode == 64 and "bukan YYYY-MM-DD" in salah.stderr and "penggunaan:" in salah.stderr
    for hasil in (tanpa_alasan, tarik, daftar, lagi, pulih, kosong, salah):
        assert "Traceback" not in hasil.stderr


def test_minggu_commands_on_a_missing_database_say_so_and_create_nothing(tmp_path):
    db = tmp_path / "tidak_ada.duckdb"
    for args in (("daftar",), ("tarik", "2026-11-16", "--alasan", "x"), ("pulihkan", "2026-11-16")):
        hasil = jalankan("minggu", *args, "--db", str(db))
        assert hasil.returncode == 2 and "belum ada" in hasil.stderr
    assert list(tmp_path.iterdir()) == []
