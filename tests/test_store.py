"""The store: one transaction per load, refusals change nothing, readers never see half a week."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import time
import types
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from kdkmp import lokasi, store, wilayah

MINGGU = date(2026, 11, 16)


def hasil_minggu(minggu: date = MINGGU, n: int = 50, kode_provinsi: str = "52", tahap: str = "konstruksi"):
    """A validated week as snapshot.HasilBaca shapes it (typed columns), for n NTB desa."""
    d = wilayah.desa()
    d = d[d["kode_provinsi"] == kode_provinsi].head(n)
    n = len(d)
    data = pd.DataFrame({
        "tanggal_data": pd.to_datetime([minggu + timedelta(days=2)] * n),
        "kode_koperasi": ("KDKMP-" + d["kode_desa"].str.replace(".", "", regex=False)).to_numpy(),
        "nama_koperasi": ("Koperasi Desa Merah Putih " + d["nama_desa"]).to_numpy(),
        "kode_desa": d["kode_desa"].to_numpy(),
        "latitude": pd.array([-8.6] * n, dtype="Float64"), "longitude": pd.array([116.3] * n, dtype="Float64"),
        "musdesus": pd.array([True] * n, dtype="boolean"), "pengurus_lengkap": pd.array([True] * n, dtype="boolean"),
        "jumlah_anggota": pd.array([25] * n, dtype="Int64"), "pendamping_ba": pd.array([True] * n, dtype="boolean"),
        "badan_hukum": pd.array([True] * n, dtype="boolean"), "nib": pd.array([False] * n, dtype="boolean"),
        "npwp": pd.array([True] * n, dtype="boolean"), "rekening_bank": pd.array([True] * n, dtype="boolean"),
        "masuk_portal": pd.array([True] * n, dtype="boolean"),
        "status_lahan": "siap", "tahap_pembangunan": tahap, "progres_fisik": pd.array([40.0] * n, dtype="Float64"),
        "kendala_utama": "cuaca", "status_operasional": "belum", "gerai_aktif": pd.array([0] * n, dtype="Int64"),
        "omzet_bulanan": pd.array([None] * n, dtype="Int64"), "tunggakan_persen": pd.array([None] * n, dtype="Float64"),
        "laporan_terakhir": pd.to_datetime([minggu] * n),
    })
    ditolak = pd.DataFrame({"baris": [n + 2], "kolom": ["kode_desa"], "nilai": ["99.99.99.9999"],
                            "alasan": ["kode desa tidak ada dalam referensi Kemendagri"]})
    return types.SimpleNamespace(data=data, ditolak=ditolak, minggu=minggu, baris_dibaca=n + 1,
                                 baris_dimuat=n, baris_ditolak=1)


def muat(db, hasil, **kw):
    with store.penulisan(db) as con:
        return store.muat_minggu(con, hasil, nama_file=kw.pop("nama_file", "minggu.csv"),
                                 isi_file=kw.pop("isi_file", b"isi,file\n"), dimuat_oleh="uji", **kw)


def sidik(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hitung(db, sql: str, param=None):
    con = store.sambungan_baca(db)
    try:
        return con.execute(sql, param or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    yield tmp_path / "kdkmp.duckdb"
    store.tutup_semua()


def test_load_inserts_rows_batch_rejects_and_archive(db):
    batch_id = muat(db, hasil_minggu(), isi_file=b"asli\xff bytes")
    assert hitung(db, "SELECT count(*), min(kode_provinsi), min(kode_kabupaten) FROM laporan") == [(50, "52", "52.01")]
    (baris,) = hitung(db, "SELECT batch_id, baris_dibaca, baris_dimuat, baris_ditolak, status, dimuat_oleh, sha256, arsip FROM batch")
    assert baris[:6] == (batch_id, 51, 50, 1, "aktif", "uji")
    assert baris[6] == hashlib.sha256(b"asli\xff bytes").hexdigest()
    assert open(baris[7], "rb").read() == b"asli\xff bytes"
    assert hitung(db, "SELECT baris, kolom FROM penolakan") == [(52, "kode_desa")]


def test_wilayah_reference_is_stored_with_every_level(db):
    muat(db, hasil_minggu())
    assert dict(hitung(db, "SELECT tingkat, count(*) FROM wilayah GROUP BY 1")) == {
        "provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 83762}


def test_reloading_a_week_is_refused_naming_the_earlier_batch_and_changes_nothing(db):
    muat(db, hasil_minggu(), nama_file="pertama.csv")
    sebelum = sidik(db)
    with pytest.raises(store.MingguSudahAda, match=r"Minggu 16 Nov 2026 sudah dimuat \(batch 1, file pertama.csv"):
        muat(db, hasil_minggu(), nama_file="kedua.csv")
    assert sidik(db) == sebelum
    assert len(list(store.direktori_arsip(db).iterdir())) == 1


def test_replace_swaps_the_week_and_keeps_history(db):
    muat(db, hasil_minggu(n=50))
    muat(db, hasil_minggu(n=30, tahap="selesai"), ganti=True)
    assert hitung(db, "SELECT count(*), min(tahap_pembangunan) FROM laporan") == [(30, "selesai")]
    assert hitung(db, "SELECT batch_id, status FROM batch ORDER BY 1") == [(1, "diganti"), (2, "aktif")]


def test_replacing_with_the_same_file_twice_is_idempotent(db):
    muat(db, hasil_minggu())
    muat(db, hasil_minggu(), ganti=True)
    pertama = hitung(db, "SELECT * EXCLUDE (batch_id) FROM laporan ORDER BY kode_koperasi")
    muat(db, hasil_minggu(), ganti=True)
    assert hitung(db, "SELECT * EXCLUDE (batch_id) FROM laporan ORDER BY kode_koperasi") == pertama


@pytest.mark.parametrize("tahap_gagal", ["setelah_insert", "sebelum_commit"])
def test_failure_in_the_middle_leaves_the_database_byte_for_byte(db, tahap_gagal):
    muat(db, hasil_minggu(MINGGU - timedelta(weeks=1)))
    sebelum = sidik(db)
    arsip_sebelum = sorted(store.direktori_arsip(db).iterdir())
    with pytest.raises(RuntimeError, match="gangguan"):
        with store.penulisan(db) as con:
            store.muat_minggu(con, hasil_minggu(), nama_file="b.csv", isi_file=b"baru")
            if tahap_gagal == "sebelum_commit":
                con.execute("UPDATE laporan SET jumlah_anggota = 0")
            raise RuntimeError("gangguan buatan")
    assert sidik(db) == sebelum
    assert sorted(store.direktori_arsip(db).iterdir()) == arsip_sebelum
    assert not db.with_name(db.name + ".tmp").exists()
    assert hitung(db, "SELECT count(DISTINCT minggu), min(jumlah_anggota) FROM laporan") == [(1, 25)]


def test_a_second_writer_is_refused_with_a_clear_message(db):
    muat(db, hasil_minggu())
    with store.penulisan(db):
        with pytest.raises(store.BasisDataSibuk, match="sedang diperbarui oleh proses lain"):
            with store.penulisan(db):
                pass


def test_a_reader_sees_a_new_load_on_its_next_query(db):
    muat(db, hasil_minggu(MINGGU - timedelta(weeks=1)))
    assert hitung(db, "SELECT count(DISTINCT minggu) FROM laporan") == [(1,)]
    muat(db, hasil_minggu())
    assert hitung(db, "SELECT count(DISTINCT minggu) FROM laporan") == [(2,)]


def test_readers_keep_reading_while_a_write_is_in_progress(db):
    muat(db, hasil_minggu(MINGGU - timedelta(weeks=1)))
    with store.penulisan(db) as con:
        store.muat_minggu(con, hasil_minggu(), nama_file="b.csv")
        # Mid-transaction: the live file still shows exactly the old state.
        assert hitung(db, "SELECT count(*) FROM laporan") == [(50,)]
    assert hitung(db, "SELECT count(*) FROM laporan") == [(100,)]


def _penulis_berulang(db: str, putaran: int) -> None:
    for i in range(putaran):
        h = hasil_minggu(MINGGU + timedelta(weeks=i), n=400)
        with store.penulisan(db) as con:
            store.muat_minggu(con, h, nama_file=f"w{i}.csv")


def test_a_reader_in_another_process_never_sees_a_half_loaded_week(db):
    muat(db, hasil_minggu(MINGGU - timedelta(weeks=1), n=400))
    putaran = 6
    proses = mp.get_context("spawn").Process(target=_penulis_berulang, args=(str(db), putaran))
    proses.start()
    terlihat = set()
    batas = time.monotonic() + 120
    try:
        while proses.is_alive() and time.monotonic() < batas:
            for jumlah in hitung(db, "SELECT count(*) FROM laporan GROUP BY minggu"):
                terlihat.add(jumlah[0])
            # One statement, one snapshot: batches and weeks always agree.
            jumlah_batch, jumlah_minggu = hitung(
                db, "SELECT (SELECT count(*) FROM batch), (SELECT count(DISTINCT minggu) FROM laporan)")[0]
            assert jumlah_batch == jumlah_minggu
    finally:
        proses.join(timeout=120)
    assert proses.exitcode == 0
    assert terlihat == {400}
    assert hitung(db, "SELECT count(DISTINCT minggu) FROM laporan") == [(putaran + 1,)]


def test_database_path_comes_from_argument_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KDKMP_DB", str(tmp_path / "env.duckdb"))
    assert store.lokasi_db() == tmp_path / "env.duckdb"
    assert store.lokasi_db(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"
    monkeypatch.delenv("KDKMP_DB")
    assert store.lokasi_db() == lokasi.LOKASI_BAWAAN


def test_reading_a_missing_database_says_so(tmp_path):
    with pytest.raises(store.BasisDataKosong):
        store.sambungan_baca(tmp_path / "tidak_ada.duckdb")


def test_live_file_opens_in_plain_duckdb_after_a_load(db):
    muat(db, hasil_minggu())
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM laporan").fetchall() == [(50,)]
    con.close()


# ---------------------------------------------------------------- bad database files

def _sisa(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("bagian", [0.1, 0.5, 0.9])
def test_a_truncated_database_is_refused_by_readers_and_the_writer_and_stays_as_it_was(db, bagian):
    muat(db, hasil_minggu(MINGGU - timedelta(weeks=1)))
    muat(db, hasil_minggu())
    isi = db.read_bytes()
    db.write_bytes(isi[: int(len(isi) * bagian)])
    sebelum = sidik(db)
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="rusak atau terpotong"):
        store.sambungan_baca(db)
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="rusak atau terpotong"):
        muat(db, hasil_minggu(MINGGU + timedelta(weeks=1)))
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="rusak atau terpotong"):
        with store.penulisan(db, baru=True):
            pass
    assert sidik(db) == sebelum
    assert _sisa(db.parent) == ["kdkmp.duckdb", "kdkmp.duckdb.lock", "kdkmp.duckdb.utuh", "kdkmp_arsip"]


def test_a_healthy_database_shorter_than_its_block_count_still_opens(db):
    # Replacing a week frees blocks; the checkpoint cuts free blocks off the end, so the file is
    # shorter than its header's block count and yet whole: only blocks in use may be required.
    muat(db, hasil_minggu())
    muat(db, hasil_minggu(), ganti=True)
    muat(db, hasil_minggu(), ganti=True)
    con = duckdb.connect(str(db), read_only=True)
    ukuran_blok, jumlah = con.execute("SELECT block_size, total_blocks FROM pragma_database_size()").fetchall()[0]
    con.close()
    assert db.stat().st_size < 3 * 4096 + ukuran_blok * jumlah
    assert hitung(db, "SELECT count(*) FROM laporan") == [(50,)]
    muat(db, hasil_minggu(MINGGU + timedelta(weeks=1)))


@pytest.mark.parametrize("isi", [b"kode,nama\nK1,x\n", b""])
def test_a_file_that_is_not_duckdb_is_never_overwritten_not_even_by_a_new_build(db, isi):
    db.write_bytes(isi)
    for baru in (False, True):
        with pytest.raises(store.BasisDataTidakBisaDibuka, match="bukan basis data DuckDB"):
            with store.penulisan(db, baru=baru):
                pass
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="bukan basis data DuckDB"):
        store.sambungan_baca(db)
    assert db.read_bytes() == isi
    assert _sisa(db.parent) == ["kdkmp.duckdb"]


def test_a_failed_first_load_leaves_no_database_and_no_archive_folder(db):
    with pytest.raises(RuntimeError, match="gangguan"):
        with store.penulisan(db) as con:
            store.muat_minggu(con, hasil_minggu(), nama_file="a.csv", isi_file=b"isi")
            assert store.direktori_arsip(db).is_dir()
            raise RuntimeError("gangguan buatan")
    assert _sisa(db.parent) == ["kdkmp.duckdb.lock"]


def test_a_database_path_that_is_a_folder_is_refused(tmp_path):
    folder = tmp_path / "kdkmp.duckdb"
    folder.mkdir()
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="adalah folder"):
        store.sambungan_baca(folder)
    with pytest.raises(store.BasisDataTidakBisaDibuka, match="adalah folder"):
        with store.penulisan(folder):
            pass
    assert _sisa(tmp_path) == ["kdkmp.duckdb"]


def test_a_week_without_a_loadable_row_is_refused(db):
    kosong = hasil_minggu(n=0)
    with pytest.raises(store.MingguKosong, match="minggu 2026-11-16 tidak dimuat"):
        muat(db, kosong)
    assert not db.exists()
