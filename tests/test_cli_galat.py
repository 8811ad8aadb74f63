"""The CLI's exit codes and messages: 2 only for documented refusals, 64 for usage errors (in
Indonesian), 70 for a bug (logged, nothing changed); bad database paths refused cleanly."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kdkmp import cli, galat, ingest, queries, rules, store
from tests.snapshot_factory import frame_contoh

AKAR = Path(__file__).resolve().parent.parent


def jalankan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, capture_output=True, text=True)


def sidik(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def db_kecil(tmp_path_factory) -> Path:
    """One loaded week of 20 koperasi (read-only template: tests copy it)."""
    folder = tmp_path_factory.mktemp("kecil")
    berkas = folder / "minggu.csv"
    frame_contoh(20).to_csv(berkas, index=False)
    db = folder / "kdkmp.duckdb"
    assert cli.main(["ingest", str(berkas), "--db", str(db)]) == 0
    store.tutup_semua()
    return db


@pytest.fixture
def db(tmp_path, db_kecil) -> Path:
    salinan = tmp_path / "data" / "kdkmp.duckdb"
    salinan.parent.mkdir()
    shutil.copyfile(db_kecil, salinan)
    yield salinan
    store.tutup_semua()


# ---------------------------------------------------------------- usage errors: 64, Indonesian

@pytest.mark.parametrize("args, pesan", [
    ([], "argumen berikut wajib diisi: PERINTAH"),
    (["impor"], "argumen PERINTAH: 'impor' bukan pilihan yang sah"),
    (["ingest"], "argumen berikut wajib diisi: file"),
    (["summary", "--kota", "x"], "argumen tidak dikenal: --kota x"),
    (["export", "--out", "a.csv", "--zona", "biru"], "argumen --zona: 'biru' bukan pilihan yang sah"),
    (["summary", "--week", "16/11/2026"], "argumen --week: tanggal '16/11/2026' bukan YYYY-MM-DD"),
    (["ingest", "a.csv", "--max-reject", "nan"], "argumen --max-reject: nan di luar 0 sampai 1"),
    (["ingest", "a.csv", "--max-reject", "inf"], "argumen --max-reject: inf di luar 0 sampai 1"),
    (["ingest", "a.csv", "--max-reject=-1"], "argumen --max-reject: -1 di luar 0 sampai 1"),
    (["ingest", "a.csv", "--max-reject", "1.5"], "argumen --max-reject: 1.5 di luar 0 sampai 1"),
    (["ingest", "a.csv", "--max-reject", "dua"], "argumen --max-reject: 'dua' bukan angka"),
    (["ingest", "a.csv", "--max-reject"], "argumen --max-reject: butuh tepat satu nilai"),
    (["demo", "--weeks", "0"], "argumen --weeks: 0 di luar 1 sampai 104"),
    (["demo", "--weeks", "105"], "argumen --weeks: 105 di luar 1 sampai 104"),
    (["demo", "--weeks", "2.5"], "argumen --weeks: '2.5' bukan bilangan bulat"),
    (["demo", "--seed", "-1"], "argumen --seed: -1 di luar 0 sampai 4294967295"),
    (["minggu"], "argumen berikut wajib diisi: AKSI"),
    (["rules"], "argumen berikut wajib diisi: AKSI"),
])
def test_a_usage_error_exits_64_with_the_usage_and_an_indonesian_sentence(capsys, args, pesan):
    assert cli.main(args) == cli.KELUAR_PENGGUNAAN == 64
    err = capsys.readouterr().err
    assert err.startswith("penggunaan: python -m kdkmp")
    assert f"galat: {pesan}" in err
    for inggris in ("usage:", "error:", "required", "invalid", "choose from", "unrecognized", "expected"):
        assert inggris not in err


def test_a_usage_error_is_exit_64_for_the_real_command_too():
    hasil = jalankan("ingest", "x.csv", "--max-reject", "-0.5")
    assert hasil.returncode == 64 and "Traceback" not in hasil.stderr


@pytest.mark.parametrize("inggris, indonesia", [
    ("the following arguments are required: --out", "argumen berikut wajib diisi: --out"),
    ("unrecognized arguments: --x 1", "argumen tidak dikenal: --x 1"),
    ("argument --zona: invalid choice: 'biru' (choose from 'merah', 'kuning')",
     "argumen --zona: 'biru' bukan pilihan yang sah (pilih salah satu: 'merah', 'kuning')"),
    ("argument --weeks: invalid int value: 'x'", "argumen --weeks: 'x' bukan bilangan bulat"),
    ("argument --max-reject: invalid float value: 'x'", "argumen --max-reject: 'x' bukan angka"),
    ("argument --out: expected one argument", "argumen --out: butuh tepat satu nilai"),
    ("argument --json: ignored explicit argument 'ya'", "argumen --json: tidak menerima nilai 'ya'"),
    ("ambiguous option: --w could match --week, --wilayah", "opsi --w tidak jelas: bisa berarti --week, --wilayah"),
    ("argument --week: tanggal 'x' bukan YYYY-MM-DD", "argumen --week: tanggal 'x' bukan YYYY-MM-DD"),
])
def test_argparse_messages_are_mapped_to_indonesian(inggris, indonesia):
    assert cli.terjemahkan_galat_argparse(inggris) == indonesia


def test_help_is_indonesian_and_exits_0(capsys):
    assert cli.main(["ingest", "--help"]) == 0
    bantuan = capsys.readouterr().out
    assert bantuan.startswith("penggunaan: python -m kdkmp ingest")
    assert "argumen posisi:" in bantuan and "opsi:" in bantuan and "tampilkan bantuan ini lalu keluar" in bantuan
    assert "usage:" not in bantuan and "options:" not in bantuan and "show this help" not in bantuan
    assert cli.main(["-h"]) == 0
    assert "64 salah penggunaan" in capsys.readouterr().out


def test_max_reject_accepts_a_decimal_comma(tmp_path):
    # 10 rows, 3 bad: 30 % rejected is above the default 0.2 (file refused) and below 0,5 (loaded)
    berkas = tmp_path / "minggu.csv"
    df = frame_contoh(10)
    df.loc[[1, 4, 7], "progres_fisik"] = "150"
    df.to_csv(berkas, index=False)
    db = tmp_path / "kdkmp.duckdb"
    assert jalankan("ingest", str(berkas), "--db", str(db)).returncode == 2
    hasil = jalankan("ingest", str(berkas), "--db", str(db), "--max-reject", "0,5")
    assert hasil.returncode == 0, hasil.stderr
    assert "dimuat: 7; ditolak: 3." in hasil.stdout


def test_a_file_with_every_row_rejected_is_refused_not_loaded_as_an_empty_week(tmp_path, db):
    berkas = tmp_path / "semua_salah.csv"
    frame_contoh(5, minggu=date(2026, 11, 23), progres_fisik="150").to_csv(berkas, index=False)
    sebelum = sidik(db)
    hasil = jalankan("ingest", str(berkas), "--db", str(db), "--max-reject", "1")
    assert hasil.returncode == 2 and "Traceback" not in hasil.stderr
    assert sidik(db) == sebelum
    assert jalankan("summary", "--json", "--db", str(db)).stdout.startswith('{"minggu": "2026-11-16"')


def test_a_week_is_printed_with_iso_zero_padding(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(ingest, "muat_file", lambda *a, **k: ingest.HasilMuat(date(1, 1, 1), 7, 3, 3, 0, None))
    assert cli.main(["ingest", str(tmp_path / "x.csv"), "--db", str(tmp_path / "k.duckdb")]) == 0
    assert capsys.readouterr().out.startswith("Minggu 0001-01-01 dimuat sebagai batch 7")


# ---------------------------------------------------------------- refusals: 2, one sentence

def test_summary_and_export_of_a_week_that_is_not_loaded_are_refused(db, tmp_path):
    for args in (["summary", "--week", "2026-11-25"], ["export", "--out", str(tmp_path / "x.csv"), "--week", "2026-11-25"]):
        hasil = jalankan(*args, "--db", str(db))
        assert hasil.returncode == 2
        assert hasil.stderr == ("Minggu 2026-11-23 belum dimuat; minggu yang dimuat: 2026-11-16 sampai "
                                "2026-11-16 (1 minggu).\n")
    assert not (tmp_path / "x.csv").exists()


def test_a_database_without_weeks_is_refused_with_the_hint_to_load_one(tmp_path, db):
    ingest.tarik(date(2026, 11, 16), alasan="uji", db_path=db)
    for args in (["summary"], ["export", "--out", str(tmp_path / "x.csv")]):
        hasil = jalankan(*args, "--db", str(db))
        assert hasil.returncode == 2
        assert hasil.stderr.startswith("Belum ada data mingguan yang dimuat. Jalankan `python -m kdkmp demo`")


def test_export_into_a_missing_folder_is_refused(tmp_path, db):
    hasil = jalankan("export", "--out", str(tmp_path / "tidak_ada" / "x.csv"), "--db", str(db))
    assert hasil.returncode == 2
    assert hasil.stderr.endswith("tidak dapat ditulis: tidak ditemukan.\n")


def test_score_without_a_database_is_refused_and_creates_nothing(tmp_path):
    hasil = jalankan("score", "--db", str(tmp_path / "k.duckdb"))
    assert hasil.returncode == 2 and "belum ada" in hasil.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("buat, sebab", [
    (lambda p: None, "tidak ditemukan"),
    (lambda p: p.mkdir(), "itu folder, bukan berkas"),
])
def test_an_unreadable_input_file_is_refused_in_indonesian(tmp_path, db, buat, sebab):
    berkas = tmp_path / "minggu.csv"
    buat(berkas)
    hasil = jalankan("ingest", str(berkas), "--db", str(db))
    assert hasil.returncode == 2
    assert sebab in hasil.stderr and "No such file" not in hasil.stderr and "Is a directory" not in hasil.stderr


# ---------------------------------------------------------------- bugs: 70, logged, nothing changed

def test_a_bug_during_a_load_exits_70_logs_the_traceback_and_changes_nothing(monkeypatch, capsys, tmp_path, db):
    berkas = tmp_path / "minggu.csv"
    frame_contoh(8, minggu=date(2026, 11, 23)).to_csv(berkas, index=False)
    sebelum = sidik(db)
    isi_folder = sorted(p.name for p in db.parent.iterdir())

    def rusak(*a, **k):
        return [][1]  # an IndexError deep inside the load, as a real bug would raise

    monkeypatch.setattr(rules, "skor", rusak)
    assert cli.main(["ingest", str(berkas), "--db", str(db)]) == cli.KELUAR_GALAT == 70
    err = capsys.readouterr().err
    log = db.parent / "kdkmp_galat.log"
    assert err == (f"Terjadi galat internal (IndexError); tidak ada data di basis data yang diubah. "
                   f"Rincian galat dicatat di {log}; kirimkan berkas itu kepada pengelola aplikasi.\n")
    isi = log.read_text()
    assert "Traceback (most recent call last)" in isi and "IndexError" in isi and "in rusak" in isi
    assert f"python -m kdkmp ingest {berkas}" in isi
    assert sidik(db) == sebelum
    assert sorted(p.name for p in db.parent.iterdir()) == sorted({*isi_folder, "kdkmp.duckdb.lock", "kdkmp_galat.log"})


def test_a_lookup_error_is_a_bug_not_a_refusal(monkeypatch, capsys, db):
    def rusak(*a, **k):
        raise KeyError("kolom")

    monkeypatch.setattr(queries, "ringkasan", rusak)
    assert cli.main(["summary", "--db", str(db)]) == 70
    assert "galat internal (KeyError)" in capsys.readouterr().err


def test_the_log_goes_to_the_temp_folder_when_the_database_folder_cannot_be_written(monkeypatch, tmp_path):
    sementara = tmp_path / "sementara"
    sementara.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(sementara))
    bukan_folder = tmp_path / "berkas"
    bukan_folder.write_text("x")
    assert galat.lokasi_log(bukan_folder / "kdkmp.duckdb") == sementara / "kdkmp_galat.log"
    try:
        raise ValueError("uji")
    except ValueError as e:
        assert galat.catat(e, konteks="uji", db_path=bukan_folder / "kdkmp.duckdb") == sementara / "kdkmp_galat.log"
    assert "ValueError: uji" in (sementara / "kdkmp_galat.log").read_text()


# ---------------------------------------------------------------- bad database paths: 2, nothing left behind

def _bukan_duckdb(p: Path) -> None:
    p.write_text("kode_koperasi,nama\nK1,x\n")


def _kosong(p: Path) -> None:
    p.write_bytes(b"")


def _terpotong(p: Path, asal: Path) -> None:
    isi = asal.read_bytes()
    p.write_bytes(isi[: len(isi) // 2])


def _folder(p: Path) -> None:
    p.mkdir()
    (p / "isi.txt").write_text("x")


JALUR_BURUK = {"bukan_duckdb": _bukan_duckdb, "kosong": _kosong, "terpotong": _terpotong, "folder": _folder}
PERINTAH = {
    "ingest": lambda t: ["ingest", str(t / "minggu.csv")],
    "summary": lambda t: ["summary", "--json"],
    "export": lambda t: ["export", "--out", str(t / "keluar.csv")],
    "score": lambda t: ["score"],
    "demo": lambda t: ["demo", "--weeks", "1"],
    "minggu_daftar": lambda t: ["minggu", "daftar"],
    "minggu_tarik": lambda t: ["minggu", "tarik", "2026-11-16", "--alasan", "uji"],
}


def _isi_folder(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): (sidik(p) if p.is_file() else "folder") for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("perintah", PERINTAH)
@pytest.mark.parametrize("jenis", JALUR_BURUK)
def test_a_bad_database_path_is_refused_in_one_sentence_and_left_as_it_was(capsys, tmp_path, db_kecil, jenis, perintah):
    frame_contoh(5, minggu=date(2026, 11, 23)).to_csv(tmp_path / "minggu.csv", index=False)
    folder = tmp_path / "data"
    folder.mkdir()
    buruk = folder / "kdkmp.duckdb"
    if jenis == "terpotong":
        _terpotong(buruk, db_kecil)
    else:
        JALUR_BURUK[jenis](buruk)
    sebelum = _isi_folder(folder)
    kode = cli.main(PERINTAH[perintah](tmp_path) + ["--db", str(buruk)])
    keluaran = capsys.readouterr()
    assert kode == 2, keluaran.err
    assert keluaran.err.count("\n") == 1 and str(buruk) in keluaran.err
    assert "Traceback" not in keluaran.err and "Error" not in keluaran.err.replace("IO Error", "")
    if jenis == "terpotong":  # the sizes, Indonesian style, inside the sentence
        assert re.search(r"\(\d{1,3}(\.\d{3})* bita, padahal isinya butuh paling sedikit \d{1,3}(\.\d{3})* bita\)",
                         keluaran.err), keluaran.err
    sesudah = _isi_folder(folder)
    sesudah.pop("kdkmp.duckdb.lock", None)  # the writer's lock file is expected beside a database
    assert sesudah == sebelum
    assert not (tmp_path / "keluar.csv").exists()


def test_the_file_the_writer_left_is_not_checked_again_but_one_cut_short_in_place_is(capsys, tmp_path, db_kecil,
                                                                                    monkeypatch):
    # The block check (store._periksa_utuh) is skipped for the very file the last writer swapped
    # in (its inode, time and size recorded beside it); truncating that file in place changes its
    # size, and both the reader and the next writer refuse it again.
    db = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_kecil, db)
    frame_contoh(20, minggu=date(2026, 11, 23)).to_csv(tmp_path / "minggu.csv", index=False)
    assert cli.main(["ingest", str(tmp_path / "minggu.csv"), "--db", str(db)]) == 0
    dicek = []
    asli = store._periksa_utuh
    monkeypatch.setattr(store, "_periksa_utuh", lambda *a: dicek.append(a) or asli(*a))
    store.tutup_semua()
    assert cli.main(["summary", "--json", "--db", str(db)]) == 0
    assert dicek == []
    capsys.readouterr()
    with open(db, "r+b") as f:
        f.truncate(db.stat().st_size // 2)
    store.tutup_semua()
    for args in (["summary", "--json"], ["ingest", str(tmp_path / "minggu.csv"), "--replace"]):
        assert cli.main(args + ["--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert "rusak atau terpotong" in err and "padahal isinya butuh paling sedikit" in err, err
    assert len(dicek) == 2


def test_a_database_whose_folder_cannot_be_created_is_refused(capsys, tmp_path):
    (tmp_path / "berkas").write_text("bukan folder")
    db = tmp_path / "berkas" / "sub" / "kdkmp.duckdb"
    frame_contoh(5).to_csv(tmp_path / "minggu.csv", index=False)
    for args in (["ingest", str(tmp_path / "minggu.csv")], ["demo", "--weeks", "1"]):
        assert cli.main(args + ["--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"GAGAL: Folder {db.parent} untuk basis data tidak dapat dibuat: ") or \
            err.startswith(f"DITOLAK: Folder {db.parent} untuk basis data tidak dapat dibuat: ")
    assert (tmp_path / "berkas").read_text() == "bukan folder"


@pytest.mark.parametrize("isi", [b"ini bukan basis data\n" * 100, b""])
def test_the_app_on_a_database_it_cannot_open_says_so_instead_of_a_traceback(tmp_path, monkeypatch, isi):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "kdkmp.duckdb"
    db.write_bytes(isi)
    monkeypatch.setenv("KDKMP_DB", str(db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and str(db) in at.error[0].value and "KDKMP_DB" in at.error[0].value
    assert db.read_bytes() == isi
