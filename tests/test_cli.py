"""`python -m kdkmp …` as a user runs it: real files, a real database, exit codes and messages."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from kdkmp import cli, store
from tests.snapshot_factory import frame_contoh

AKAR = Path(__file__).resolve().parent.parent


def jalankan(*args: str) -> subprocess.CompletedProcess:
    """The real command in a subprocess, as a user types it."""
    return subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, capture_output=True, text=True)


def tulis_csv(path: Path, n: int = 20, **override) -> Path:
    frame_contoh(n, **override).to_csv(path, index=False)
    return path


@pytest.fixture
def db(tmp_path):
    yield tmp_path / "kdkmp.duckdb"
    store.tutup_semua()


def test_ingest_loads_a_week_scores_it_and_prints_the_counts(tmp_path, db):
    berkas = tulis_csv(tmp_path / "minggu.csv")
    hasil = jalankan("ingest", str(berkas), "--db", str(db))
    assert hasil.returncode == 0, hasil.stderr
    assert "Minggu 2026-11-16 dimuat sebagai batch 1" in hasil.stdout
    assert "Baris dibaca: 20; dimuat: 20; ditolak: 0." in hasil.stdout
    ringkas = json.loads(jalankan("summary", "--json", "--db", str(db)).stdout)
    assert ringkas["jumlah_koperasi"] == 20 and sum(ringkas["zona"].values()) == 20


def test_ingest_with_bad_rows_writes_the_rejects_file_beside_the_input(tmp_path, db):
    berkas = tmp_path / "minggu.csv"
    df = frame_contoh(20)
    df.loc[3, "kode_desa"] = "99.99.99.9999"
    df.loc[7, "progres_fisik"] = "150"
    df.to_csv(berkas, index=False)
    hasil = jalankan("ingest", str(berkas), "--db", str(db))
    assert hasil.returncode == 0, hasil.stderr
    assert "dimuat: 18; ditolak: 2." in hasil.stdout
    penolakan = tmp_path / "minggu.ditolak.csv"
    assert str(penolakan) in hasil.stdout
    isi = pd.read_csv(penolakan, encoding="utf-8-sig", dtype=str)
    assert sorted(isi["baris"].astype(int)) == [5, 9]


@pytest.mark.parametrize("nama, isi, pesan", [
    ("kosong.csv", b"", "kosong"),
    ("kolom.csv", b"kode_koperasi,nama_koperasi\nK1,Koperasi\n", "kolom wajib"),
    ("data.txt", b"a,b\n1,2\n", ".txt"),
])
def test_refused_file_exits_non_zero_with_one_indonesian_sentence_and_changes_nothing(tmp_path, db, nama, isi, pesan):
    jalankan("ingest", str(tulis_csv(tmp_path / "awal.csv")), "--db", str(db))
    sebelum = hashlib.sha256(db.read_bytes()).hexdigest()
    berkas = tmp_path / nama
    berkas.write_bytes(isi)
    hasil = jalankan("ingest", str(berkas), "--db", str(db))
    assert hasil.returncode == 2
    assert hasil.stderr.startswith("DITOLAK: ") and pesan in hasil.stderr.lower()
    assert "Traceback" not in hasil.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == sebelum


def test_reloading_a_week_needs_replace(tmp_path, db):
    berkas = tulis_csv(tmp_path / "minggu.csv")
    assert jalankan("ingest", str(berkas), "--db", str(db)).returncode == 0
    kedua = jalankan("ingest", str(berkas), "--db", str(db))
    assert kedua.returncode == 2 and "sudah dimuat (batch 1" in kedua.stderr
    ganti = jalankan("ingest", str(berkas), "--db", str(db), "--replace")
    assert ganti.returncode == 0 and "batch 2" in ganti.stdout


def test_week_comes_from_the_flag_when_the_file_has_no_date(tmp_path, db):
    berkas = tmp_path / "tanpa_tanggal.csv"
    frame_contoh(5).drop(columns=["tanggal_data"]).to_csv(berkas, index=False)
    assert jalankan("ingest", str(berkas), "--db", str(db)).returncode == 2
    hasil = jalankan("ingest", str(berkas), "--db", str(db), "--week", "2026-11-18")
    assert hasil.returncode == 0 and "Minggu 2026-11-16" in hasil.stdout


def test_database_path_from_the_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("KDKMP_DB", str(db))
    assert cli.main(["ingest", str(tulis_csv(tmp_path / "m.csv"))]) == 0
    assert db.exists()
    store.tutup_semua()


def test_summary_json_for_any_level_and_clear_errors(db_demo):
    ringkas = json.loads(jalankan("summary", "--json", "--db", str(db_demo), "--wilayah", "5201").stdout)
    assert ringkas["wilayah"] == "52.01" and set(ringkas) == {
        "minggu", "wilayah", "jumlah_koperasi", "masuk_portal", "tahap_pembangunan", "kendala_utama", "zona",
        "tanpa_laporan_dizonakan", "pergerakan"}
    assert set(ringkas["pergerakan"]) == {"baru_merah", "pulih", "merah_kronis"}
    lama = json.loads(jalankan("summary", "--json", "--db", str(db_demo), "--week", "2026-11-02").stdout)
    assert lama["minggu"] == "2026-11-02"
    salah = jalankan("summary", "--json", "--db", str(db_demo), "--wilayah", "99")
    assert salah.returncode == 2 and "tidak ada dalam daftar wilayah" in salah.stderr
    kosong = jalankan("summary", "--db", str(Path(db_demo).parent / "tidak_ada.duckdb"))
    assert kosong.returncode == 2 and "python -m kdkmp demo" in kosong.stderr


@pytest.mark.parametrize("ekstensi", ["csv", "xlsx"])
def test_export_writes_exactly_the_red_list(tmp_path, db_demo, ekstensi):
    keluaran = tmp_path / f"merah.{ekstensi}"
    hasil = jalankan("export", "--out", str(keluaran), "--wilayah", "52", "--zona", "merah", "--db", str(db_demo))
    assert hasil.returncode == 0, hasil.stderr
    if ekstensi == "csv":
        df = pd.read_csv(keluaran, encoding="utf-8-sig")
    else:
        df = pd.read_excel(keluaran, sheet_name="data", engine="calamine")
        meta = pd.read_excel(keluaran, sheet_name="keterangan", engine="calamine")
        assert "zona merah" in meta.set_index("Keterangan").loc["Saringan", "Nilai"]
    ringkas = json.loads(jalankan("summary", "--json", "--db", str(db_demo), "--wilayah", "52").stdout)
    assert len(df) == ringkas["zona"]["merah"] and set(df["Zona"]) == {"Merah"}


def test_export_refuses_an_unknown_format(tmp_path, db_demo):
    hasil = jalankan("export", "--out", str(tmp_path / "x.pdf"), "--db", str(db_demo))
    assert hasil.returncode == 2 and ".csv atau .xlsx" in hasil.stderr


def test_rules_check_ok_and_refusal(tmp_path):
    ok = jalankan("rules", "check")
    assert ok.returncode == 0 and ok.stdout.startswith("OK")
    salah = tmp_path / "salah.yaml"
    salah.write_text((AKAR / "config" / "zones.yaml").read_text().replace('bobot: 30', 'bobot: "tiga puluh"'))
    tolak = jalankan("rules", "check", str(salah))
    assert tolak.returncode != 0 and "bobot" in tolak.stderr and "baris" in tolak.stderr


def test_score_rescores_every_week(tmp_path, db):
    berkas = tulis_csv(tmp_path / "m.csv")
    jalankan("ingest", str(berkas), "--db", str(db))
    hasil = jalankan("score", "--db", str(db))
    assert hasil.returncode == 0 and "dinilai ulang" in hasil.stdout


def test_ingest_of_an_xlsx_names_the_sheet_it_read(tmp_path, db):
    from tests.test_muat_keras import xlsx

    sampul = pd.DataFrame({"Petunjuk": ["isi lembar Data"]})
    berkas = xlsx(tmp_path / "minggu.xlsx", {"Rahasia": sampul, "Data": frame_contoh(5)}, tersembunyi=("Rahasia",))
    hasil = jalankan("ingest", str(berkas), "--db", str(db))
    assert hasil.returncode == 0, hasil.stderr
    assert "Dibaca dari lembar 'Data'." in hasil.stdout


def test_ingest_of_a_much_smaller_new_week_loads_but_warns_how_to_undo(tmp_path, db):
    assert jalankan("ingest", str(tulis_csv(tmp_path / "a.csv", 20)), "--db", str(db)).returncode == 0
    kecil = tulis_csv(tmp_path / "b.csv", 5, minggu=date(2026, 11, 23))
    hasil = jalankan("ingest", str(kecil), "--db", str(db))
    assert hasil.returncode == 0, hasil.stderr
    assert hasil.stderr.startswith("PERINGATAN: File ini hanya berisi 5 baris, padahal minggu terakhir (2026-11-16) "
                                   "berisi 20 laporan.")
    assert "python -m kdkmp minggu tarik 2026-11-23" in hasil.stderr


def test_a_database_scored_by_an_older_version_is_refused_with_how_to_refresh_it(db_demo, tmp_path):
    # zona_inti of an earlier layout (here one column more): summary, export and brief answer
    # with a sentence naming the fix instead of a traceback; `score` then makes it current
    import shutil

    import duckdb

    salinan = tmp_path / "lama.duckdb"
    shutil.copyfile(db_demo, salinan)
    con = duckdb.connect(str(salinan))
    con.execute("ALTER TABLE zona_inti ADD COLUMN kode_provinsi VARCHAR").fetchall()
    con.close()
    for perintah in (["summary", "--json"], ["export", "--out", str(tmp_path / "x.csv")],
                     ["brief", "--wilayah", "52", "--out", str(tmp_path / "x.pptx")]):
        hasil = jalankan(*perintah, "--db", str(salinan))
        assert hasil.returncode == 2, (perintah, hasil.stderr)
        assert "python -m kdkmp score" in hasil.stderr and "Traceback" not in hasil.stderr
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.pptx").exists()
    assert jalankan("score", "--db", str(salinan)).returncode == 0
    assert jalankan("summary", "--json", "--db", str(salinan)).returncode == 0
