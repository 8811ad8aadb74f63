"""Loads by area (issue 15): a kabupaten's or a province's file changes its own rows of a week and
nothing else, waits its turn behind other writers, and is refused with one sentence when it may
not load. Expected values come from the files and the database before the load, never from the
code under test."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kdkmp import akses, antrian, cli, ingest, snapshot, store
from tests.conftest import MINGGU_UJI

AKAR = Path(__file__).resolve().parent.parent
LOMBOK_BARAT = "52.01"


@pytest.fixture
def db(db_demo, tmp_path) -> Path:
    salinan = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, salinan)
    yield salinan
    store.tutup_semua()


def kabupaten(frame: pd.DataFrame) -> pd.Series:
    return frame["kode_desa"].str.slice(0, 5)


def berubah(frame: pd.DataFrame) -> pd.DataFrame:
    """The same koperasi with different facts (construction stalled, few members) and the last
    row missing: a correction that moves zones."""
    f = frame.copy().iloc[:-1]
    f["progres_fisik"] = 3.0
    f["jumlah_anggota"] = 4
    return f


def angka(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def tanggal_id(d) -> str:
    """A date as the app writes it in sentences, worked out by hand: '16 Nov 2026'."""
    bulan = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    return f"{d.day} {bulan[d.month - 1]} {d.year}"


def tulis(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def sidik(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ingest_cli(*args, capsys) -> tuple[int, str, str]:
    kode = cli.main(["ingest", *map(str, args)])
    keluar = capsys.readouterr()
    store.tutup_semua()
    return kode, keluar.out, keluar.err


@contextmanager
def penulis_ditahan(db: Path):
    """Another writer holding the database (in a thread, as another process would) until the block
    ends or the yielded event is set."""
    siap, lepas = threading.Event(), threading.Event()

    def tahan():
        with store.penulisan(db):
            siap.set()
            lepas.wait(60)

    t = threading.Thread(target=tahan)
    t.start()
    assert siap.wait(30), "the holding writer never started"
    try:
        yield lepas
    finally:
        lepas.set()
        t.join()


def tunggu_antrean(db: Path, jumlah: int, detik: float = 120) -> None:
    """Until `jumlah` loads have queued their request behind the writer (kdkmp/antrian.py)."""
    antrean = db.with_name(db.name + ".antrian")
    batas = time.monotonic() + detik
    while len(list(antrean.glob("*.minta"))) < jumlah:
        assert time.monotonic() < batas, f"{jumlah} load(s) never queued"
        time.sleep(0.05)


def baca(db: Path, sql: str, param=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, param or []).fetchall()


def beda_dua_arah(db_a: Path, db_b: Path, sql_tabel: str) -> tuple[int, int]:
    """Rows of `sql_tabel` (a query over `t`) in a but not in b, and in b but not in a (EXCEPT ALL)."""
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{db_a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{db_b}' AS b (READ_ONLY)")
        qa, qb = sql_tabel.replace("{t}", "a.laporan"), sql_tabel.replace("{t}", "b.laporan")
        return (con.execute(f"SELECT count(*) FROM ({qa} EXCEPT ALL {qb})").fetchall()[0][0],
                con.execute(f"SELECT count(*) FROM ({qb} EXCEPT ALL {qa})").fetchall()[0][0])


def zona_sama(db_a: Path, db_b: Path, sql: str = "SELECT * FROM zona") -> tuple[int, int, int]:
    """(rows, a − b, b − a) of the zona view (or `sql`) of two databases, every column (EXCEPT ALL)."""
    tabel = []
    for d in (db_a, db_b):
        with duckdb.connect(str(d), read_only=True) as con:
            tabel.append(con.sql(sql).to_arrow_table())
    with duckdb.connect() as con:
        con.register("za", tabel[0])
        con.register("zb", tabel[1])
        return (tabel[0].num_rows,
                con.execute("SELECT count(*) FROM (FROM za EXCEPT ALL FROM zb)").fetchall()[0][0],
                con.execute("SELECT count(*) FROM (FROM zb EXCEPT ALL FROM za)").fetchall()[0][0])


# ---------------------------------------------------------------- a scoped load

def test_a_scoped_load_rejects_rows_outside_one_by_one_and_leaves_other_areas_byte_for_byte(
        db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "ntb.csv", berubah(frame[frame["kode_desa"].str.startswith("52.")]))
    file = pd.read_csv(berkas, dtype=str)
    di_dalam = file[kabupaten(file) == LOMBOK_BARAT]
    di_luar = file[kabupaten(file) != LOMBOK_BARAT]
    assert len(di_dalam) > 20 and len(di_luar) > 100
    sebelum = tmp_path / "sebelum.duckdb"
    shutil.copyfile(db, sebelum)

    kode, out, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)

    assert kode == 0, err
    assert f"dimuat: {angka(len(di_dalam))}; ditolak: {angka(len(di_luar))}." in out
    tolak = pd.read_csv(tmp_path / "ntb.ditolak.csv", encoding="utf-8-sig", dtype=str)
    assert sorted(tolak["baris"].astype(int)) == sorted(di_luar.index + 2)  # file rows: header is row 1
    assert set(tolak["alasan_penolakan"]) == {"kode_desa: di luar wilayah 52.01 (Kabupaten Lombok Barat)"}
    # other areas: every week, every column, byte for byte
    assert beda_dua_arah(sebelum, db, "SELECT * FROM {t} WHERE kode_kabupaten <> '52.01'") == (0, 0)
    # Lombok Barat's week is the file's rows, the other weeks as they were
    dimuat = baca(db, "SELECT kode_koperasi, progres_fisik, jumlah_anggota FROM laporan "
                      "WHERE minggu = ? AND kode_kabupaten = '52.01' ORDER BY 1", [minggu])
    assert dimuat == sorted((k, 3.0, 4) for k in di_dalam["kode_koperasi"])
    assert beda_dua_arah(sebelum, db, f"SELECT * FROM {{t}} WHERE minggu <> DATE '{minggu}'") == (0, 0)
    assert baca(db, "SELECT status, wilayah, baris_dimuat FROM batch ORDER BY batch_id DESC LIMIT 2") == [
        ("aktif", LOMBOK_BARAT, len(di_dalam)), ("aktif", None, len(frame))]


def sama_dengan_skor_penuh(db: Path, tmp_path: Path) -> None:
    """The zones (every column, explanations included) and the state kept for the next week equal
    those of a full rescoring of a copy."""
    penuh = tmp_path / "penuh.duckdb"
    shutil.copyfile(db, penuh)
    assert cli.main(["score", "--db", str(penuh)]) == 0
    store.tutup_semua()
    baris, a_b, b_a = zona_sama(db, penuh)
    assert baris > 1000 and (a_b, b_a) == (0, 0)
    baris, a_b, b_a = zona_sama(db, penuh, "SELECT * FROM keadaan_skor")
    assert baris > 1000 and (a_b, b_a) == (0, 0)


@pytest.fixture
def skor_terbatas(monkeypatch) -> list[bool]:
    """Whether each scoring rewrote only the koperasi the load changed (kdkmp.rules.penilaian)."""
    from kdkmp.rules import penilaian

    jalur: list[bool] = []
    asli = penilaian._terbatas
    monkeypatch.setattr(penilaian, "_terbatas", lambda *a: jalur.append(asli(*a)) or jalur[-1])
    return jalur


@pytest.mark.parametrize("minggu_ke", [-1, 1], ids=["minggu_terbaru", "minggu_sebelumnya"])
def test_zones_after_a_scoped_load_equal_a_full_rescoring(db, minggu_demo, tmp_path, capsys, minggu_ke,
                                                          skor_terbatas):
    minggu, frame = minggu_demo[minggu_ke]
    berkas = tulis(tmp_path / "lombok_barat.csv", berubah(frame[kabupaten(frame) == LOMBOK_BARAT]))
    sebelum = tmp_path / "sebelum.duckdb"
    shutil.copyfile(db, sebelum)
    kode, _, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)
    assert kode == 0, err
    # the latest week rescored only the area's koperasi; an earlier one rescored every week
    assert skor_terbatas == ([True] if minggu_ke == -1 else [])
    sama_dengan_skor_penuh(db, tmp_path)
    # and the load did move zones, so the comparison is not of two unchanged databases
    assert zona_sama(sebelum, db)[1] > 0


def test_a_group_of_loads_into_the_latest_week_rescores_their_koperasi_as_a_full_rescoring_would(
        db, minggu_demo, tmp_path, skor_terbatas):
    """Two kabupaten in one writer (as the queue does): one corrected with a koperasi gone, one
    with a koperasi reporting for the first time; only theirs are rescored, all as a full
    rescoring gives them."""
    minggu, frame = minggu_demo[-1]
    kab = next(k for k in sorted(kabupaten(frame).unique()) if k != LOMBOK_BARAT)
    lain = frame[kabupaten(frame) == kab]
    pendatang = lain.iloc[[0]].assign(kode_koperasi="KDKMP-BARU-0001", nama_koperasi="Koperasi Pendatang")
    daftar = []
    for k, f in ((LOMBOK_BARAT, berubah(frame[kabupaten(frame) == LOMBOK_BARAT])), (kab, pd.concat([lain, pendatang]))):
        hasil = snapshot.baca_snapshot(tulis(tmp_path / f"{k}.csv", f), wilayah_muat=k)
        assert hasil.baris_ditolak == 0
        daftar.append(antrian.Permintaan(hasil=hasil, isi_file=None, nama_file=f"{k}.csv", ganti=True, wilayah=k))
    sebelum = baca(db, "SELECT count(*) FROM zona WHERE minggu = ?", [minggu])[0][0]
    with store.penulisan(db) as con:
        keluaran = ingest.muat_kelompok(con, daftar)
    assert [type(k) for k in keluaran] == [ingest.HasilSimpan] * 2 and skor_terbatas == [True]
    # the newcomer has its zone beside everyone's, the koperasi gone from the file is silent
    assert baca(db, "SELECT count(*) FROM zona WHERE minggu = ?", [minggu])[0][0] == sebelum + 1
    hilang = frame[kabupaten(frame) == LOMBOK_BARAT]["kode_koperasi"].iloc[-1]
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_koperasi = ?", [minggu, hilang]) == [(0,)]
    assert baca(db, "SELECT count(*) FROM zona WHERE minggu = ? AND kode_koperasi = ?", [minggu, hilang]) == [(1,)]
    sama_dengan_skor_penuh(db, tmp_path)


def test_a_file_of_some_koperasi_updates_only_them_with_perbarui_and_a_replace_says_who_turns_grey(
        db, minggu_demo, tmp_path, capsys, skor_terbatas):
    # Lombok Barat's latest week holds n reports. The file (as the fixed rejected rows would be)
    # has two of its koperasi corrected and one reporting for the first time: 3 rows, 2 of them
    # already loaded. Replacing would drop the other n − 2 reports; perbarui keeps them.
    minggu, frame = minggu_demo[-1]
    lobar = frame[kabupaten(frame) == LOMBOK_BARAT].sort_values("kode_koperasi")
    n = len(lobar)
    kode = lobar["kode_koperasi"].tolist()
    koreksi = lobar.iloc[[0, 1]].assign(progres_fisik=3.0, jumlah_anggota=4)
    pendatang = lobar.iloc[[2]].assign(kode_koperasi="KDKMP-BARU-0001", nama_koperasi="Koperasi Pendatang")
    berkas = tulis(tmp_path / "perbaikan.csv", pd.concat([koreksi, pendatang]))
    hasil = snapshot.baca_snapshot(berkas, wilayah_muat=LOMBOK_BARAT)
    assert hasil.baris_ditolak == 0

    ganti = ingest.pratinjau_muat(hasil, wilayah=LOMBOK_BARAT, db_path=db)
    (w,) = ganti.diganti
    assert (w.kode, w.baris_lama, w.baris_baru, w.baris_cocok) == (LOMBOK_BARAT, n, 3, 2)
    assert ganti.laporan_lepas == n - 2 and ganti.contoh_lepas == tuple(kode[2:7])
    assert (f"{angka(n - 2)} koperasi yang sudah melapor tetapi tidak ada di file ini ({', '.join(kode[2:7])}, …) "
            "menjadi TIDAK MELAPOR") in ganti.kalimat()
    perbarui = ingest.pratinjau_muat(hasil, wilayah=LOMBOK_BARAT, perbarui=True, db_path=db)
    assert (perbarui.laporan_lepas, perbarui.baris_diganti) == (0, 2)
    assert (f"memperbarui Kabupaten Lombok Barat (52.01, {angka(n)} baris) dengan 3 baris file ini (2 laporan "
            "koperasi yang sama diganti, 1 ditambah; laporan koperasi lain di sana tetap)") in perbarui.kalimat()

    sebelum = tmp_path / "sebelum.duckdb"
    shutil.copyfile(db, sebelum)
    kode_cli, out, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--perbarui", "--db", db, capsys=capsys)
    assert kode_cli == 0, err
    # every other report of the database, Lombok Barat's included, is as it was, row for row
    diubah = "', '".join([*kode[:2], "KDKMP-BARU-0001"])
    assert beda_dua_arah(sebelum, db, f"SELECT * FROM {{t}} WHERE kode_koperasi NOT IN ('{diubah}')") == (0, 0)
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01'", [minggu]) == [(n + 1,)]
    assert baca(db, "SELECT kode_koperasi, progres_fisik, jumlah_anggota FROM laporan WHERE minggu = ? "
                    "AND kode_koperasi IN (SELECT unnest(?)) ORDER BY 1", [minggu, kode[:2]]) == [
        (kode[0], 3.0, 4), (kode[1], 3.0, 4)]
    assert skor_terbatas == [True]
    sama_dengan_skor_penuh(db, tmp_path)

    # the same file as a replace: Lombok Barat's week is the file's 3 rows
    kode_cli, _, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)
    assert kode_cli == 0, err
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01'", [minggu]) == [(3,)]


def test_perbarui_with_replace_is_refused_and_changes_nothing(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "lombok_barat.csv", frame[kabupaten(frame) == LOMBOK_BARAT].iloc[:3])
    sebelum = sidik(db)
    kode, out, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--perbarui", "--replace", "--db", db,
                                capsys=capsys)
    assert (kode, out) == (2, "")
    assert err == ("DITOLAK: pilih salah satu: --perbarui (hanya laporan koperasi yang ada di file) atau --replace "
                   "(seluruh wilayahnya); tidak ada yang dimuat.\n")
    assert sidik(db) == sebelum


def test_replacing_an_area_without_replace_is_refused_naming_it_and_its_rows(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "lombok_barat.csv", frame[kabupaten(frame) == LOMBOK_BARAT])
    (baris,) = baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01'", [minggu])[0]
    sebelum = sidik(db)
    kode, out, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--db", db, capsys=capsys)
    assert kode == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"DITOLAK: Minggu {tanggal_id(minggu)} sudah dimuat (batch ")
    assert f"untuk Kabupaten Lombok Barat (52.01, {baris} baris)" in err and "--replace" in err
    assert sidik(db) == sebelum


def test_a_file_for_another_area_is_refused_with_one_sentence(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    kalbar = frame[frame["kode_desa"].str.startswith("61.")]
    berkas = tulis(tmp_path / "kalbar.csv", kalbar)
    sebelum = sidik(db)
    kode, out, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)
    assert kode == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"DITOLAK: Semua {angka(len(kalbar))} baris file ini berada di luar wilayah 52.01 "
                          "(Kabupaten Lombok Barat): kode desanya di 61.")
    assert sidik(db) == sebelum


@pytest.mark.parametrize("kode_wilayah, pesan", [
    ("99.99", "Kode wilayah '99.99' tidak ada dalam daftar wilayah Kemendagri"),
    ("52.01.01", "Kode 52.01.01 adalah kecamatan (Gerung); pemuatan per wilayah berlaku untuk kabupaten/kota "
                 "(52.01) atau provinsi (52)"),
    ("5201011001", "Kode 52.01.01.1001 adalah desa/kelurahan"),
])
def test_an_unknown_code_or_one_below_kabupaten_is_refused(db, minggu_demo, tmp_path, capsys, kode_wilayah, pesan):
    _, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "f.csv", frame[kabupaten(frame) == LOMBOK_BARAT])
    sebelum = sidik(db)
    kode, _, err = ingest_cli(berkas, "--wilayah", kode_wilayah, "--replace", "--db", db, capsys=capsys)
    assert kode == 2 and err.count("\n") == 1 and pesan in err, err
    assert sidik(db) == sebelum


def test_a_province_code_loads_its_kabupaten_and_rejects_the_rest(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "campur.csv", frame)
    file = pd.read_csv(berkas, dtype=str)
    ntb = int(file["kode_desa"].str.startswith("52.").sum())
    kode, out, err = ingest_cli(berkas, "--wilayah", "52", "--replace", "--db", db, capsys=capsys)
    assert kode == 0, err
    assert f"dimuat: {angka(ntb)}; ditolak: {angka(len(file) - ntb)}." in out
    assert baca(db, "SELECT wilayah FROM batch ORDER BY batch_id DESC LIMIT 1") == [("52",)]


# ---------------------------------------------------------------- no silent wipe

def test_a_file_with_fewer_areas_replaces_only_the_areas_it_covers(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    ntb = frame[frame["kode_desa"].str.startswith("52.")]
    berkas = tulis(tmp_path / "ntb.csv", berubah(ntb))
    sebelum = tmp_path / "sebelum.duckdb"
    shutil.copyfile(db, sebelum)
    kode, out, err = ingest_cli(berkas, "--replace", "--db", db, capsys=capsys)  # admin, no --wilayah
    assert kode == 0, err
    assert "wilayah lain tidak berubah" in out
    assert beda_dua_arah(sebelum, db, "SELECT * FROM {t} WHERE kode_provinsi <> '52'") == (0, 0)
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_provinsi = '52'", [minggu]) == [(len(ntb) - 1,)]


def test_replacing_everything_is_previewed_with_the_areas_and_rows_that_disappear(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    ntb = frame[frame["kode_desa"].str.startswith("52.")]
    berkas = tulis(tmp_path / "ntb.csv", ntb)
    lain = dict(baca(db, "SELECT kode_kabupaten, count(*) FROM laporan WHERE minggu = ? AND kode_provinsi <> '52' "
                         "GROUP BY 1", [minggu]))
    hasil = snapshot.baca_snapshot(berkas)
    rencana = ingest.pratinjau_muat(hasil, ganti_semua=True, db_path=db)
    assert {w.kode: w.baris_lama for w in rencana.hilang} == lain
    assert rencana.baris_hilang == sum(lain.values())
    assert not rencana.baru and {w.kode for w in rencana.diganti} == set(kabupaten(ntb))
    kalimat = rencana.kalimat()
    assert f"MENGHAPUS {angka(rencana.baris_hilang)} baris {len(lain)} kabupaten/kota" in kalimat
    assert "Kabupaten Jember (35.09" in kalimat
    # without the option nothing disappears; with it (admin) exactly the preview does
    assert not ingest.pratinjau_muat(hasil, db_path=db).hilang
    kode, out, err = ingest_cli(berkas, "--ganti-semua", "--db", db, capsys=capsys)
    assert kode == 0, err
    assert kalimat in out
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_provinsi <> '52'", [minggu]) == [(0,)]
    assert baca(db, "SELECT status FROM batch WHERE minggu = ? ORDER BY batch_id", [minggu]) == [("diganti",), ("aktif",)]


# ---------------------------------------------------------------- who may load what

def pengguna(peran: str, wilayah: str | None) -> akses.Pengguna:
    return akses.Pengguna(nama="uji", peran=peran, wilayah=wilayah, cara_masuk="uji")


@pytest.mark.parametrize("peran, cakupan, kode, ganti_semua, boleh", [
    ("admin", None, None, True, True),
    ("admin", None, "61.01", False, True),
    ("kabupaten", "52.01", "52.01", False, True),
    ("kabupaten", "52.01", "52.02", False, False),
    ("kabupaten", "52.01", "52", False, False),
    ("kabupaten", "52.01", None, False, False),
    ("provinsi", "52", "52.01", False, True),
    ("provinsi", "52", "52", False, True),
    ("provinsi", "52", "61.01", False, False),
    ("provinsi", "52", None, False, False),
    ("provinsi", "52", "52.01", True, False),
    ("pusat", None, "52.01", False, False),
    ("pusat", None, None, False, False),
])
def test_who_may_load_which_area(peran, cakupan, kode, ganti_semua, boleh):
    if boleh:
        ingest.periksa_hak_muat(pengguna(peran, cakupan), kode, ganti_semua=ganti_semua)
    else:
        with pytest.raises(akses.AksesDitolak) as e:
            ingest.periksa_hak_muat(pengguna(peran, cakupan), kode, ganti_semua=ganti_semua)
        assert str(e.value).count(".") >= 1 and "\n" not in str(e.value)


def test_a_kabupaten_account_loads_its_own_area_by_default_is_refused_elsewhere_and_is_audited(
        db, minggu_demo, tmp_path, capsys):
    from kdkmp import catatan

    minggu, frame = minggu_demo[-1]
    url = catatan.url_bawaan(db)
    catatan.tambah_akun("lobar", "kabupaten", LOMBOK_BARAT, oleh="admin", url=url)
    berkas = tulis(tmp_path / "ntb.csv", berubah(frame[frame["kode_desa"].str.startswith("52.")]))
    sebelum = sidik(db)
    kode, _, err = ingest_cli(berkas, "--wilayah", "52.02", "--replace", "--oleh", "lobar", "--db", db, capsys=capsys)
    assert kode == 2 and "berada di luar cakupan akun Anda (kabupaten/kota Kabupaten Lombok Barat (52.01))" in err
    assert sidik(db) == sebelum
    # a file wholly outside its area (Kalimantan Barat's rows) is refused too, and audited
    kalbar = tulis(tmp_path / "kalbar.csv", frame[frame["kode_desa"].str.startswith("61.")])
    kode, _, err = ingest_cli(kalbar, "--replace", "--oleh", "LOBAR", "--db", db, capsys=capsys)
    assert kode == 2 and "berada di luar wilayah 52.01" in err
    assert sidik(db) == sebelum
    # the account typed in another case acts, and is recorded, as the account spells itself
    kode, out, err = ingest_cli(berkas, "--replace", "--oleh", "LoBar", "--db", db, capsys=capsys)
    assert kode == 0, err
    assert "untuk 52.01 (Kabupaten Lombok Barat)" in out
    assert baca(db, "SELECT dimuat_oleh, wilayah FROM batch ORDER BY batch_id DESC LIMIT 1") == [("lobar", "52.01")]
    jejak = catatan.baca_jejak(oleh="lobar", url=url).sort_values("id")
    # two refusals (another kabupaten asked for; a file of another province), then the load
    assert list(jejak["peristiwa"]) == ["muat_ditolak", "muat_ditolak", "ganti"]
    assert list(jejak["oleh"]) == ["lobar"] * 3
    assert list(jejak["wilayah"]) == ["52.02", "52.01", "52.01"]
    alasan = [json.loads(r)["alasan"] for r in jejak["rincian"].iloc[:2]]
    assert "di luar cakupan akun Anda" in alasan[0] and "berada di luar wilayah 52.01" in alasan[1]
    assert [json.loads(r)["file"] for r in jejak["rincian"]] == ["ntb.csv", "kalbar.csv", "ntb.csv"]
    catatan.tutup_semua()


# ---------------------------------------------------------------- store details

def test_a_koperasi_reported_by_another_kabupaten_that_week_is_refused(db, minggu_demo):
    minggu, frame = minggu_demo[-1]
    lobar = frame[kabupaten(frame) == LOMBOK_BARAT].copy()
    (lain,) = baca(db, "SELECT min(kode_koperasi) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.02'",
                   [minggu])[0]
    lobar.iloc[0, lobar.columns.get_loc("kode_koperasi")] = lain
    hasil = snapshot.validasi_frame(lobar, wilayah_muat=LOMBOK_BARAT)
    sebelum = sidik(db)
    with pytest.raises(store.KoperasiGanda, match=rf"1 koperasi di file ini sudah dilaporkan minggu {minggu} .*{lain} \(di 52.02\)"):
        ingest.simpan(hasil, isi_file=None, nama_file="x.csv", db_path=db, ganti=True, wilayah=LOMBOK_BARAT)
    assert sidik(db) == sebelum


def test_withdrawing_a_week_of_several_batches_withdraws_and_restores_them_all(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "lombok_barat.csv", berubah(frame[kabupaten(frame) == LOMBOK_BARAT]))
    assert ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)[0] == 0
    dimuat = tmp_path / "dimuat.duckdb"
    shutil.copyfile(db, dimuat)
    ingest.tarik(minggu, alasan="uji", db_path=db)
    assert baca(db, "SELECT count(*) FROM laporan WHERE minggu = ?", [minggu]) == [(0,)]
    assert baca(db, "SELECT DISTINCT status FROM batch WHERE minggu = ?", [minggu]) == [("ditarik",)]
    hasil = ingest.pulihkan(minggu, db_path=db)
    assert len(hasil["batch"]) == 2
    assert beda_dua_arah(dimuat, db, "SELECT * FROM {t}") == (0, 0)
    assert baca(db, "SELECT DISTINCT status FROM batch WHERE minggu = ?", [minggu]) == [("aktif",)]


# ---------------------------------------------------------------- many offices at once

def jalankan(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kdkmp", "ingest", *map(str, args)], cwd=AKAR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_six_scoped_loads_started_together_all_land_and_the_week_is_their_union(db, minggu_demo, tmp_path):
    minggu, frame = minggu_demo[-1]
    baru = minggu + timedelta(weeks=1)
    frame = frame.assign(tanggal_data=baru.isoformat())
    kab = sorted(kabupaten(frame).unique())[:6]
    berkas = [tulis(tmp_path / f"{k}.csv", frame[kabupaten(frame) == k]) for k in kab]
    proses = [jalankan(b, "--wilayah", k, "--db", db, "--tunggu", 120) for b, k in zip(berkas, kab)]
    keluar = [p.communicate(timeout=300) for p in proses]
    assert [p.returncode for p in proses] == [0] * 6, [e for _, e in keluar]
    diharapkan = frame[kabupaten(frame).isin(kab)]
    with duckdb.connect() as con:
        con.register("file", diharapkan[["kode_koperasi", "kode_desa"]])
        con.execute(f"ATTACH '{db}' AS d (READ_ONLY)")
        q_db = f"SELECT kode_koperasi, kode_desa FROM d.laporan WHERE minggu = DATE '{baru}'"
        assert con.execute(f"SELECT count(*) FROM ({q_db} EXCEPT ALL FROM file)").fetchall() == [(0,)]
        assert con.execute(f"SELECT count(*) FROM (FROM file EXCEPT ALL {q_db})").fetchall() == [(0,)]
    assert sorted(baca(db, "SELECT wilayah, status FROM batch WHERE minggu = ?", [baru])) == [
        (k, "aktif") for k in kab]
    # the week is scored: a zone for every koperasi known by then, reporting or not, as a full
    # rescoring gives it (the loads after the first rescore only their koperasi)
    assert baca(db, "SELECT count(*) FROM zona WHERE minggu = ?", [baru]) == baca(
        db, "SELECT count(DISTINCT kode_koperasi) FROM laporan WHERE minggu <= ?", [baru])
    sama_dengan_skor_penuh(db, tmp_path)


def test_a_load_waits_its_turn_and_one_waiting_past_the_limit_is_refused_changing_nothing(
        db, minggu_demo, tmp_path):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "lombok_barat.csv", berubah(frame[kabupaten(frame) == LOMBOK_BARAT]))
    sebelum = sidik(db)
    with store.penulisan(db):  # another writer holds the database throughout
        p = jalankan(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, "--tunggu", 1.5)
        out, err = p.communicate(timeout=120)
    assert p.returncode == 2 and out == ""
    baris = err.strip().splitlines()
    assert baris[0].startswith("Menunggu giliran: basis data sedang dimuat proses lain (0 dari 1.5 detik)")
    assert baris[-1].startswith("DITOLAK: Basis data kdkmp.duckdb masih sedang diperbarui oleh proses lain setelah "
                                "ditunggu 1,5 detik, jadi file ini tidak dimuat dan tidak ada yang berubah")
    assert sidik(db) == sebelum
    assert not list(db.with_name(db.name + ".antrian").iterdir())  # the request was withdrawn, not left to load later

    with penulis_ditahan(db):
        p = jalankan(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, "--tunggu", 60)
        tunggu_antrean(db, 1)  # it waits its turn (released only then: a slow start-up once missed the wait)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert "Menunggu giliran" in err and "dimuat sebagai batch" in out


def test_loads_queued_behind_a_writer_are_done_together_and_a_refusal_refuses_only_its_own(
        db, minggu_demo, tmp_path):
    minggu, frame = minggu_demo[-1]
    baru = minggu + timedelta(weeks=1)
    kab = sorted(kabupaten(frame).unique())
    minggu_baru = frame.assign(tanggal_data=baru.isoformat())
    berkas = {
        "a": tulis(tmp_path / "a.csv", minggu_baru[kabupaten(frame) == kab[0]]),
        "b": tulis(tmp_path / "b.csv", minggu_baru[kabupaten(frame) == kab[1]]),
        # a kabupaten of the latest week, already loaded, without --replace: refused alone
        "c": tulis(tmp_path / "c.csv", frame[kabupaten(frame) == kab[2]]),
    }
    wilayah = {"a": kab[0], "b": kab[1], "c": kab[2]}
    antrean = db.with_name(db.name + ".antrian")
    with store.penulisan(db):
        proses = {k: jalankan(b, "--wilayah", wilayah[k], "--db", db, "--tunggu", 120) for k, b in berkas.items()}
        tunggu_antrean(db, 3)
    inode = {db.stat().st_ino}  # after the holder's own swap; the group needs ≥ 0.5 s to start its copy
    while any(p.poll() is None for p in proses.values()):
        inode.add(db.stat().st_ino)
        time.sleep(0.01)
    keluar = {k: p.communicate() for k, p in proses.items()}
    assert {k: p.returncode for k, p in proses.items()} == {"a": 0, "b": 0, "c": 2}, keluar
    assert f"DITOLAK: Minggu {tanggal_id(minggu)} sudah dimuat" in keluar["c"][1]
    assert len(inode) == 2  # one swap for the whole group
    assert sorted(baca(db, "SELECT wilayah FROM batch WHERE minggu = ?", [baru])) == [(kab[0],), (kab[1],)]
    assert not list(antrean.iterdir())


def test_the_page_s_call_reports_waiting_and_returns_what_it_replaced(db, minggu_demo):
    minggu, frame = minggu_demo[-1]
    lobar = frame[kabupaten(frame) == LOMBOK_BARAT]
    (lama,) = baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01'", [minggu])[0]
    hasil = snapshot.validasi_frame(berubah(lobar), wilayah_muat=LOMBOK_BARAT)
    kabar = []
    with penulis_ditahan(db) as lepas:
        threading.Timer(1.5, lepas.set).start()
        tersimpan = ingest.simpan_rinci(hasil, isi_file=None, nama_file="lobar.csv", db_path=db, ganti=True,
                                       wilayah=LOMBOK_BARAT, tunggu=30, kabar=lambda m, b: kabar.append((m, b)))
    assert kabar and kabar[0][1] == 30 and all(0 <= m < 30 for m, _ in kabar)
    r = tersimpan.rencana
    assert [(w.kode, w.baris_lama, w.baris_baru) for w in r.diganti] == [(LOMBOK_BARAT, lama, len(lobar) - 1)]
    assert not r.hilang and not r.baru
    assert baca(db, "SELECT wilayah, status FROM batch WHERE batch_id = ?", [tersimpan.batch_id]) == [
        (LOMBOK_BARAT, "aktif")]


def test_a_perbarui_load_that_waits_its_turn_is_still_a_perbarui_load(db, minggu_demo):
    # Two of Lombok Barat's n reports corrected while another writer holds the database: queued and
    # done by that writer's successor, the load updates those two and keeps the other n − 2.
    minggu, frame = minggu_demo[-1]
    lobar = frame[kabupaten(frame) == LOMBOK_BARAT].sort_values("kode_koperasi")
    n = len(lobar)
    hasil = snapshot.validasi_frame(lobar.iloc[[0, 1]].assign(jumlah_anggota=4), wilayah_muat=LOMBOK_BARAT)
    with penulis_ditahan(db) as lepas:
        threading.Timer(1.5, lepas.set).start()
        tersimpan = ingest.simpan_rinci(hasil, isi_file=None, nama_file="dua.csv", db_path=db, perbarui=True,
                                       wilayah=LOMBOK_BARAT, tunggu=30, kabar=lambda m, b: None)
    assert tersimpan.rencana.perbarui and tersimpan.rencana.laporan_lepas == 0
    assert baca(db, "SELECT count(*), count(*) FILTER (WHERE jumlah_anggota = 4) FROM laporan WHERE minggu = ? "
                    "AND kode_kabupaten = '52.01'", [minggu]) == [(n, 2)]


def test_the_cli_preview_names_what_would_disappear_and_writes_nothing(db, minggu_demo, tmp_path, capsys):
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "ntb.csv", frame[frame["kode_desa"].str.startswith("52.")])
    (jember,) = baca(db, "SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '35.09'", [minggu])[0]
    sebelum = sidik(db)
    kode, out, err = ingest_cli(berkas, "--ganti-semua", "--pratinjau", "--db", db, capsys=capsys)
    assert kode == 0, err
    assert out.startswith(f"PRATINJAU (belum ada yang dimuat): Minggu {tanggal_id(minggu)}: mengganti ")
    assert f"Kabupaten Jember (35.09, {angka(jember)} baris)" in out and "MENGHAPUS" in out
    assert sidik(db) == sebelum and not (tmp_path / "kdkmp_arsip").exists()


def test_a_database_from_before_loads_by_area_gains_the_column_on_its_next_load(db, minggu_demo, tmp_path, capsys):
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE batch DROP COLUMN wilayah")
    minggu, frame = minggu_demo[-1]
    berkas = tulis(tmp_path / "lombok_barat.csv", berubah(frame[kabupaten(frame) == LOMBOK_BARAT]))
    kode, _, err = ingest_cli(berkas, "--wilayah", LOMBOK_BARAT, "--replace", "--db", db, capsys=capsys)
    assert kode == 0, err
    assert baca(db, "SELECT wilayah, count(*) FROM batch GROUP BY 1 ORDER BY 1 NULLS FIRST") == [
        (None, MINGGU_UJI), (LOMBOK_BARAT, 1)]
