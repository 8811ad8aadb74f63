"""The resident writer (kdkmp.penulis, issue 15): `python -m kdkmp ingest` handed to a writer process
that stays running lands exactly as the command's own process would, says the same refusals, keeps
each caller's messages apart when several load at once, and is bypassed whenever it cannot take
the load. Real processes throughout: the writer is `python -m kdkmp penulis`, each load a
separate `python -m kdkmp ingest`."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kdkmp import catatan, cli, penulis, store
from tests.conftest import _port_bebas
from tests.test_muat_wilayah import berubah, kabupaten, zona_sama

AKAR = Path(__file__).resolve().parent.parent
NTB_KABUPATEN = ["52.01", "52.02", "52.03", "52.04"]


@pytest.fixture
def folder(db_demo, tmp_path) -> Path:
    shutil.copyfile(db_demo, tmp_path / "kdkmp.duckdb")
    yield tmp_path
    store.tutup_semua()


@pytest.fixture
def penulis_tetap(folder):
    """`python -m kdkmp penulis` on the folder's database; yields its log file."""
    log = folder / "penulis.log"
    # under another login name: what the trail records for a caller must come from the caller
    env = {**{k: v for k, v in os.environ.items() if k not in penulis.ENV_SAMA}, "LOGNAME": "penulis-lain",
           "USER": "penulis-lain"}
    with open(log, "w") as keluaran:
        proses = subprocess.Popen([sys.executable, "-m", "kdkmp", "penulis", "--db", str(folder / "kdkmp.duckdb")],
                                  cwd=AKAR, env=env, stdout=keluaran, stderr=subprocess.STDOUT)
    try:
        batas = time.monotonic() + 60
        while "penulis tetap:" not in log.read_text():
            assert proses.poll() is None and time.monotonic() < batas, log.read_text()
            time.sleep(0.1)
        yield log
    finally:
        proses.terminate()
        proses.wait(timeout=20)


def ingest(folder: Path, *argv: str, **env) -> subprocess.CompletedProcess:
    """`python -m kdkmp ingest …` run from the folder (relative paths, as an office types them)."""
    lingkungan = {k: v for k, v in os.environ.items() if k not in penulis.ENV_SAMA}
    lingkungan.update(PYTHONPATH=str(AKAR), **env)
    return subprocess.run([sys.executable, "-m", "kdkmp", "ingest", *argv, "--db", "kdkmp.duckdb"], cwd=folder,
                          env=lingkungan, capture_output=True, text=True, timeout=300)


def berkas_kabupaten(folder: Path, minggu_demo, kode: str) -> tuple[Path, int]:
    """The latest demo week's rows of kabupaten `kode`, changed (a correction), and their count."""
    _, frame = minggu_demo[-1]
    f = berubah(frame[kabupaten(frame) == kode])
    berkas = folder / f"{kode}.csv"
    f.to_csv(berkas, index=False)
    return berkas, len(f)


def nama_os() -> str:
    """This process's OS user as the socket tells the writer (its uid's name, not $LOGNAME)."""
    return pwd.getpwuid(os.getuid()).pw_name


def sidik(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_load_handed_to_the_writer_lands_as_the_command_s_own_process_would(folder, penulis_tetap, minggu_demo,
                                                                              tmp_path_factory):
    berkas, n = berkas_kabupaten(folder, minggu_demo, "52.01")
    # the same load, done by the command in this process on a second copy (no writer serves that one)
    lain = tmp_path_factory.mktemp("tanpa_penulis") / "kdkmp.duckdb"
    shutil.copyfile(folder / "kdkmp.duckdb", lain)
    assert cli.main(["ingest", str(berkas), "--wilayah", "52.01", "--replace", "--db", str(lain)]) == 0
    hasil = ingest(folder, berkas.name, "--wilayah", "52.01", "--replace")
    assert hasil.returncode == 0, hasil.stderr
    assert f"Baris dibaca: {n}; dimuat: {n}; ditolak: 0." in hasil.stdout
    # the writer ran it (its log names the command and the caller's OS user, from the socket)
    assert f"ingest {berkas.name} --wilayah 52.01 --replace --db kdkmp.duckdb oleh {nama_os()}: kode 0" \
        in penulis_tetap.read_text()
    baris, hanya_a, hanya_b = zona_sama(folder / "kdkmp.duckdb", lain,
                                        "SELECT * EXCLUDE (batch_id) FROM laporan ORDER BY kode_koperasi, minggu")
    assert baris > n and hanya_a == hanya_b == 0
    assert zona_sama(folder / "kdkmp.duckdb", lain)[1:] == (0, 0)


def test_a_refusal_comes_back_as_the_same_sentence_and_exit_code_and_nothing_changes(folder, penulis_tetap,
                                                                                    minggu_demo):
    berkas, n = berkas_kabupaten(folder, minggu_demo, "52.01")
    sebelum = sidik(folder / "kdkmp.duckdb")
    hasil = ingest(folder, berkas.name, "--wilayah", "61")
    assert hasil.returncode == 2 and hasil.stdout == ""
    assert hasil.stderr.startswith(f"DITOLAK: Semua {n} baris file ini berada di luar wilayah 61 (Kalimantan Barat)")
    assert "oleh" in penulis_tetap.read_text().splitlines()[-1] and ": kode 2" in penulis_tetap.read_text()
    # a usage error is argparse's, through the writer too
    salah = ingest(folder, berkas.name, "--max-reject", "2")
    assert salah.returncode == 64 and "--max-reject" in salah.stderr
    assert "--max-reject 2 --db kdkmp.duckdb oleh" in penulis_tetap.read_text().splitlines()[-1]
    assert ": kode 64 (" in penulis_tetap.read_text().splitlines()[-1]  # argparse's refusal, in the writer
    assert sidik(folder / "kdkmp.duckdb") == sebelum


def test_loads_served_at_once_all_land_and_each_caller_reads_only_its_own_messages(folder, penulis_tetap,
                                                                                  minggu_demo):
    berkas = {k: berkas_kabupaten(folder, minggu_demo, k) for k in NTB_KABUPATEN}
    with concurrent.futures.ThreadPoolExecutor(len(berkas)) as kolam:
        hasil = dict(zip(berkas, kolam.map(lambda k: ingest(folder, berkas[k][0].name, "--wilayah", k, "--replace"),
                                           berkas)))
    minggu = minggu_demo[-1][0]
    for k, h in hasil.items():
        assert h.returncode == 0, h.stderr
        assert "dimuat sebagai batch" in h.stdout and f"untuk {k} (" in h.stdout
        assert not any(f"untuk {lain} (" in h.stdout for lain in NTB_KABUPATEN if lain != k)
        assert f"Baris dibaca: {berkas[k][1]}; dimuat: {berkas[k][1]}; ditolak: 0." in h.stdout
    assert penulis_tetap.read_text().count(": kode 0 (") == len(NTB_KABUPATEN)
    # the week holds each kabupaten's file (the correction's few members), nothing lost
    con = store.sambungan_baca(folder / "kdkmp.duckdb")
    dimuat = con.execute("""SELECT substr(kode_desa, 1, 5) AS kab, count(*), min(jumlah_anggota), max(jumlah_anggota)
                            FROM laporan WHERE minggu = ? AND substr(kode_desa, 1, 5) IN ('52.01','52.02','52.03','52.04')
                            GROUP BY 1 ORDER BY 1""", [minggu]).fetchall()
    con.close()
    assert dimuat == [(k, berkas[k][1], 4, 4) for k in NTB_KABUPATEN]


def test_without_a_writer_or_with_a_stale_socket_or_another_state_store_the_command_loads_itself(
        folder, minggu_demo):
    berkas, n = berkas_kabupaten(folder, minggu_demo, "52.01")
    # a socket left by a writer that was killed: nobody answers there
    mati = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mati.bind(str(penulis.jalur_soket(folder / "kdkmp.duckdb")))
    mati.close()
    hasil = ingest(folder, berkas.name, "--wilayah", "52.01", "--replace")
    assert hasil.returncode == 0 and f"dimuat: {n}; ditolak: 0." in hasil.stdout, hasil.stderr


def test_an_account_s_load_through_the_writer_is_audited_with_the_caller_s_os_user(folder, penulis_tetap,
                                                                                   minggu_demo):
    berkas, _ = berkas_kabupaten(folder, minggu_demo, "52.01")
    url = f"sqlite:///{folder.resolve() / catatan.NAMA_BERKAS}"  # the store beside the database, the writer's too
    catatan.tambah_akun("lobar", "kabupaten", "52.01", oleh="uji", url=url)
    hasil = ingest(folder, berkas.name, "--replace", "--oleh", "lobar")  # its own kabupaten by default
    assert hasil.returncode == 0, hasil.stderr
    assert penulis_tetap.read_text().splitlines()[-1].startswith(f"ingest {berkas.name} --replace --oleh lobar")
    jejak = catatan.baca_jejak(peristiwa=("muat", "ganti"), url=url)
    assert jejak["oleh"].tolist() == ["lobar"] and jejak["wilayah"].tolist() == ["52.01"]
    rincian = jejak["rincian"].iloc[0]
    rincian = json.loads(rincian) if isinstance(rincian, str) else rincian
    assert (rincian["pengguna_os"], rincian["lewat"]) == (nama_os(), "cli")
    # a caller with another state store: the writer would audit in the wrong one, so the caller loads itself
    lain = f"sqlite:///{folder / 'kantor_lain.sqlite'}"
    catatan.tambah_akun("lobar", "kabupaten", "52.01", oleh="uji", url=lain)
    hasil = ingest(folder, berkas.name, "--replace", "--oleh", "lobar", KDKMP_STATE_URL=lain)
    assert hasil.returncode == 0, hasil.stderr
    assert penulis_tetap.read_text().splitlines()[-1].endswith("dijalankan pemanggil sendiri (lingkungan berbeda)")
    assert catatan.baca_jejak(peristiwa=("muat", "ganti"), url=lain)["oleh"].tolist() == ["lobar"]
    catatan.tutup_semua()


def test_help_is_answered_by_the_command_itself(folder, penulis_tetap):
    hasil = ingest(folder, "--help")
    assert hasil.returncode == 0 and hasil.stdout.startswith("penggunaan: python -m kdkmp ingest")
    assert "ingest --help" not in penulis_tetap.read_text()


def test_a_database_path_too_long_for_a_unix_socket_is_said_and_layani_goes_on_without_a_writer(tmp_path):
    from kdkmp import layani

    panjang = tmp_path / ("d" * 90) / "kdkmp.duckdb"
    assert not penulis.soket_muat(panjang)
    with pytest.raises(store.GagalMuat, match="terlalu panjang untuk soket Unix"):
        penulis.PenulisTetap(panjang)
    pesan = []
    layanan = layani.Layanan(1, db=panjang, port_awal=_port_bebas(), cetak=pesan.append)
    assert layanan.penulis is None and "penulis tetap tidak dijalankan" in pesan[0]
    assert layanan._anak == layanan.replika


def test_layani_starts_the_dashboard_even_when_its_writer_cannot_start(folder):
    # e.g. a writer started by hand already serves this database: loads still work, the replicas serve
    from kdkmp import layani

    pesan = []
    layanan = layani.Layanan(1, db=folder / "kdkmp.duckdb", port_awal=_port_bebas(), cetak=pesan.append)
    layanan.penulis.perintah = [sys.executable, "-c", "raise SystemExit(2)"]
    try:
        layanan.mulai()
        assert any(m.startswith("penulis tetap berhenti saat menyala (kode 2)") for m in pesan), pesan
        assert any(m.startswith("replika 1: http://") and m.endswith("sehat") for m in pesan), pesan
        assert not any(m.startswith("penulis tetap: ") for m in pesan)
    finally:
        layanan.hentikan()
