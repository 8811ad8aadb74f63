"""`python -m kdkmp pengguna …` and `jejak` end to end in subprocesses: exit codes, Indonesian
output, the audit rows they leave, and nginx's htpasswd file checked by bcrypt, Apache's
`htpasswd -v` and a real nginx with auth_basic on loopback."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import bcrypt
import pytest

from kdkmp import catatan
from tests.conftest import _port_bebas

AKAR = Path(__file__).resolve().parent.parent
# English that must never reach the user (argparse's or Python's own words)
INGGRIS = re.compile(r"\b(usage|error|Traceback|invalid|required|Exception|not found)\b")


@pytest.fixture
def kdkmp(url_catatan, tmp_path):
    """Runs `python -m kdkmp ARGS` on the test's state store; returns (exit code, stdout, stderr)."""
    env = {**os.environ, "KDKMP_STATE_URL": url_catatan, "KDKMP_DB": str(tmp_path / "kdkmp.duckdb")}
    env.pop("KDKMP_HTPASSWD", None)

    def jalankan(*args, masukan: str | None = "", **env_tambah):
        hasil = subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, input=masukan, text=True,
                               capture_output=True, env={**env, **env_tambah}, timeout=60)
        assert not INGGRIS.search(hasil.stdout + hasil.stderr), hasil.stdout + hasil.stderr
        return hasil.returncode, hasil.stdout, hasil.stderr
    jalankan.url = url_catatan
    return jalankan


def test_adding_the_first_admin_with_a_password_from_stdin(kdkmp):
    kode, keluar, galat = kdkmp("pengguna", "tambah", "admin1", "--peran", "admin", "--sandi-stdin", "--oleh", "Rina",
                                masukan="sandi-admin-1\n")
    assert (kode, galat) == (0, "")
    assert keluar == "Akun admin1 ditambahkan: peran admin, wilayah nasional, dengan sandi.\n"
    assert catatan.cari_akun("ADMIN1", url=kdkmp.url) == ("admin", None, True, "admin1")
    assert catatan.periksa_sandi("admin1", "sandi-admin-1", url=kdkmp.url)
    j = catatan.baca_jejak(url=kdkmp.url)
    assert j[["oleh", "peristiwa"]].values.tolist() == [["Rina", "akun_tambah"]]
    r = json.loads(j["rincian"][0])
    assert r["lewat"] == "cli" and r["pengguna_os"] and r["sandi"] is True and "sandi-admin-1" not in j["rincian"][0]


def test_a_regional_account_is_listed_with_its_area(kdkmp):
    assert kdkmp("pengguna", "tambah", "sari", "--peran", "provinsi", "--wilayah", "52")[0] == 0
    assert kdkmp("pengguna", "tambah", "Jember1", "--peran", "kabupaten", "--wilayah", "35.09")[0] == 0
    kode, keluar, _ = kdkmp("pengguna", "daftar")
    assert kode == 0
    baris = keluar.splitlines()
    assert baris[0] == "2 akun (2 aktif):"
    assert re.fullmatch(r"  Jember1  kabupaten  aktif     tanpa sandi  35\.09 \(Kabupaten Jember\)  \(diubah \d{4}-\d\d-\d\d "
                        r"\d\d:\d\d WIB oleh .+\)", baris[1])
    assert baris[2].startswith("  sari     provinsi   aktif     tanpa sandi  52 (Nusa Tenggara Barat)  (diubah ")


def test_an_empty_account_list_says_how_to_add_the_first_admin(kdkmp):
    assert kdkmp("pengguna", "daftar") == (0, "Belum ada akun. Tambahkan admin pertama: python -m kdkmp pengguna tambah "
                                              "NAMA --peran admin --sandi-stdin\n", "")


@pytest.mark.parametrize(("args", "kalimat"), [
    (["pengguna", "tambah", "budi", "--peran", "provinsi"], "Peran provinsi butuh kode wilayah tingkat provinsi (--wilayah)."),
    (["pengguna", "tambah", "budi", "--peran", "kabupaten", "--wilayah", "52"],
     "Peran kabupaten butuh kode wilayah tingkat kabupaten/kota, bukan provinsi (52 Nusa Tenggara Barat)."),
    (["pengguna", "tambah", "budi", "--peran", "pusat", "--wilayah", "52"],
     "Peran pusat berlaku nasional dan tidak memakai wilayah; hapus --wilayah."),
    (["pengguna", "tambah", "SARI", "--peran", "pusat"],
     "Nama pengguna 'SARI' sudah terdaftar sebagai 'sari' (huruf besar/kecil tidak dibedakan); pakai `pengguna ubah` "
     "untuk mengubahnya."),
    (["pengguna", "tambah", "budi santoso", "--peran", "pusat"], None),
    (["pengguna", "ubah", "tidakada", "--peran", "pusat"], "Akun 'tidakada' tidak terdaftar; tidak ada yang diubah."),
    (["pengguna", "ubah", "sari"], "Tidak ada yang diubah pada akun 'sari': sebutkan peran, wilayah, aktif atau nonaktif."),
    (["pengguna", "ubah", "sari", "--peran", "kabupaten"], None),
    (["pengguna", "nonaktif", "tidakada"], "Akun 'tidakada' tidak terdaftar; tidak ada yang diubah."),
    (["pengguna", "sandi", "tidakada"], "Akun 'tidakada' tidak terdaftar; tidak ada yang diubah."),
    (["pengguna", "sandi", "sari"], None),  # no password on stdin
    (["jejak", "--dari", "2026-11-30", "--sampai", "2026-11-01"], "--sampai 2026-11-01 lebih awal daripada --dari 2026-11-30."),
])
def test_a_refused_account_command_exits_2_with_one_sentence_and_changes_nothing(kdkmp, args, kalimat):
    catatan.tambah_akun("sari", "provinsi", "52", oleh="admin", url=kdkmp.url)
    sebelum = catatan.baca_jejak(url=kdkmp.url)
    kode, keluar, galat = kdkmp(*args)
    assert (kode, keluar) == (2, "")
    assert len(galat.strip().splitlines()) == 1
    if kalimat is not None:
        assert galat == kalimat + "\n"
    assert catatan.cari_akun("sari", url=kdkmp.url) == ("provinsi", "52", True, "sari")
    assert len(catatan.daftar_akun(url=kdkmp.url)) == 1
    assert catatan.baca_jejak(url=kdkmp.url)["id"].tolist() == sebelum["id"].tolist()


@pytest.mark.parametrize(("args", "pesan"), [
    (["pengguna", "tambah", "budi"], "argumen berikut wajib diisi: --peran"),
    (["pengguna", "tambah", "budi", "--peran", "bupati"], "argumen --peran: 'bupati' bukan pilihan yang sah"),
    (["pengguna", "ubah", "budi", "--aktif", "--nonaktif"], "argumen --nonaktif: tidak boleh bersama --aktif"),
    (["pengguna", "htpasswd"], "argumen berikut wajib diisi: --out"),
    (["pengguna", "hapus", "budi"], "argumen AKSI: 'hapus' bukan pilihan yang sah"),
    (["jejak", "--dari", "30-11-2026"], "argumen --dari: tanggal '30-11-2026' bukan YYYY-MM-DD"),
    (["jejak", "--peristiwa", "hapus"], "argumen --peristiwa: 'hapus' bukan pilihan yang sah"),
])
def test_a_usage_error_exits_64_in_indonesian(kdkmp, args, pesan):
    kode, keluar, galat = kdkmp(*args)
    assert kode == 64 and keluar == ""
    assert galat.startswith("penggunaan: python -m kdkmp ") and pesan in galat


def test_change_deactivate_and_password_print_what_they_did_and_are_audited(kdkmp):
    catatan.tambah_akun("sari", "provinsi", "52", oleh="admin", url=kdkmp.url)
    assert kdkmp("pengguna", "ubah", "sari", "--peran", "kabupaten", "--wilayah", "52.01", "--oleh", "rina") == (
        0, "Akun sari kini: peran kabupaten, wilayah 52.01 (Kabupaten Lombok Barat), aktif.\n", "")
    assert kdkmp("pengguna", "nonaktif", "SARI", "--oleh", "rina") == (
        0, "Akun sari kini: peran kabupaten, wilayah 52.01 (Kabupaten Lombok Barat), nonaktif.\n", "")
    assert kdkmp("pengguna", "nonaktif", "sari") == (0, "Akun sari sudah seperti itu; tidak ada yang diubah.\n", "")
    assert kdkmp("pengguna", "ubah", "sari", "--aktif", "--oleh", "rina")[0] == 0
    assert kdkmp("pengguna", "sandi", "sari", "--oleh", "rina", masukan="sandi-baru-99\n") == (
        0, "Sandi akun sari diganti.\n", "")
    assert catatan.periksa_sandi("sari", "sandi-baru-99", url=kdkmp.url)
    j = catatan.baca_jejak(url=kdkmp.url)
    assert j["peristiwa"].tolist() == ["sandi", "akun_aktif", "akun_nonaktif", "akun_ubah", "akun_tambah"]
    assert j["oleh"].tolist() == ["rina"] * 4 + ["admin"]


def test_jejak_prints_newest_first_and_writes_a_csv_that_is_itself_audited(kdkmp, tmp_path):
    catatan.tambah_akun("sari", "provinsi", "52", oleh="admin", url=kdkmp.url)
    catatan.catat("ekspor", "sari", wilayah="52", url=kdkmp.url, baris=12, format="xlsx")
    catatan.catat("akses_ditolak", "=cmd|x", url=kdkmp.url, diminta="61")
    kode, keluar, _ = kdkmp("jejak", "--oleh", "SARI")
    assert kode == 0
    baris = keluar.splitlines()
    assert baris[0] == "1 catatan jejak, terbaru dulu:"
    assert re.fullmatch(r'  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB  sari  Ekspor data  52  \{"baris": 12, "format": "xlsx"\}',
                        baris[1])
    assert kdkmp("jejak", "--oleh", "tidakada") == (0, "Tidak ada catatan jejak yang cocok.\n", "")
    berkas = tmp_path / "jejak.csv"
    kode, keluar, _ = kdkmp("jejak", "--csv", str(berkas), "--oleh", "Rina")
    assert (kode, keluar) == (0, f"0 catatan jejak ditulis ke {berkas}.\n")
    kode, keluar, _ = kdkmp("jejak", "--csv", str(berkas), "--oleh", "Rina", "--peristiwa", "ekspor")
    assert keluar == f"1 catatan jejak ditulis ke {berkas}.\n"
    kdkmp("jejak", "--csv", str(berkas))
    isi = berkas.read_bytes()
    assert isi.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    tabel = list(csv.DictReader(io.StringIO(isi.decode("utf-8-sig"))))
    assert list(tabel[0]) == ["No.", "Waktu (WIB)", "Oleh", "Peristiwa", "Wilayah", "Rincian"]
    assert [r["Peristiwa"] for r in tabel] == ["Ekspor data", "Ekspor data", "Akses ditolak", "Ekspor data",
                                               "Akun ditambahkan"]
    assert tabel[2]["Oleh"] == "'=cmd|x"  # a spreadsheet formula stays text
    terakhir = json.loads(catatan.baca_jejak(url=kdkmp.url, batas=1)["rincian"][0])
    assert {k: terakhir[k] for k in ("isi", "format", "baris", "saringan", "lewat")} == {
        "isi": "jejak", "format": "csv", "baris": 5, "saringan": {}, "lewat": "cli"}


# ---------------------------------------------------------------- nginx's htpasswd file

def _htpasswd_dari_cli(kdkmp, tmp_path) -> Path:
    for nama, peran, wilayah, sandi in [("sari", "provinsi", "52", "sandi-sari-1"), ("Budi", "pusat", None, "sandi-budi-1"),
                                        ("tanpa", "pusat", None, None), ("mantan", "pusat", None, "sandi-mantan")]:
        args = ["pengguna", "tambah", nama, "--peran", peran] + (["--wilayah", wilayah] if wilayah else [])
        assert kdkmp(*args, *(["--sandi-stdin"] if sandi else []), masukan=f"{sandi}\n" if sandi else "")[0] == 0
    assert kdkmp("pengguna", "nonaktif", "mantan")[0] == 0
    berkas = tmp_path / "kdkmp.htpasswd"
    assert kdkmp("pengguna", "htpasswd", "--out", str(berkas)) == (
        0, f"2 akun aktif bersandi ditulis ke {berkas} (untuk penjaga sandi nginx: layani --upstream).\n", "")
    return berkas


def test_htpasswd_file_holds_active_accounts_with_a_password_as_bcrypt(kdkmp, tmp_path):
    berkas = _htpasswd_dari_cli(kdkmp, tmp_path)
    baris = dict(b.split(":", 1) for b in berkas.read_text().splitlines())
    assert list(baris) == ["Budi", "sari"]
    assert bcrypt.checkpw(b"sandi-budi-1", baris["Budi"].encode()) and baris["Budi"].startswith("$2y$10$")
    assert bcrypt.checkpw(b"sandi-sari-1", baris["sari"].encode())
    if shutil.which("htpasswd") is None:
        if os.environ.get("CI"):
            pytest.fail("htpasswd (apache2-utils) tidak terpasang; .ci/run seharusnya memasangnya")
        return
    for nama, sandi, hasil in [("sari", "sandi-sari-1", 0), ("Budi", "sandi-budi-1", 0), ("sari", "salah-sandi", 3)]:
        assert subprocess.run(["htpasswd", "-vb", str(berkas), nama, sandi], capture_output=True).returncode == hasil


def test_kdkmp_htpasswd_makes_adding_a_person_one_command(kdkmp, tmp_path):
    berkas = tmp_path / "nginx" / "kdkmp.htpasswd"
    kode, keluar, _ = kdkmp("pengguna", "tambah", "sari", "--peran", "provinsi", "--wilayah", "52", "--sandi-stdin",
                            masukan="sandi-sari-1\n", KDKMP_HTPASSWD=str(berkas))
    assert kode == 0 and keluar.endswith(f"Berkas htpasswd {berkas} diperbarui.\n")
    assert bcrypt.checkpw(b"sandi-sari-1", berkas.read_text().split(":", 1)[1].strip().encode())
    assert kdkmp("pengguna", "nonaktif", "sari", KDKMP_HTPASSWD=str(berkas))[0] == 0
    assert berkas.read_text() == ""


def _minta(url: str, nama: str | None = None, sandi: str | None = None) -> tuple[int, str]:
    permintaan = urllib.request.Request(url)
    if nama is not None:
        permintaan.add_header("Authorization", "Basic " + base64.b64encode(f"{nama}:{sandi}".encode()).decode())
    try:
        with urllib.request.urlopen(permintaan, timeout=10) as r:
            return r.status, f"{r.read().decode()} sebagai {r.headers.get('X-Pengguna')}"
    except urllib.error.HTTPError as e:
        return e.code, ""


def test_real_nginx_accepts_the_written_passwords_and_nothing_else(kdkmp, tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx tidak terpasang; .ci/run seharusnya memasangnya (apt-get install nginx)")
        pytest.skip("nginx tidak terpasang (apt-get install nginx)")
    berkas = _htpasswd_dari_cli(kdkmp, tmp_path)
    port = _port_bebas()
    folder = tmp_path / "nginx"
    (folder / "www").mkdir(parents=True)
    (folder / "www" / "index.html").write_text("dasbor")
    pengguna = "user root;\n" if os.geteuid() == 0 else ""  # the worker must read the 0700 pytest folder
    (folder / "nginx.conf").write_text(f"""{pengguna}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      auth_basic "Dasbor KDKMP";
      auth_basic_user_file {berkas};
      # a static file, not `return`: return runs in the rewrite phase, before auth_basic checks
      root {folder}/www;
      add_header X-Pengguna $remote_user always;
    }}
  }}
}}
""")
    proses = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        batas = time.monotonic() + 20
        while _coba(url) is None:
            assert proses.poll() is None, proses.stderr.read().decode()
            assert time.monotonic() < batas, "nginx tidak menyala"
            time.sleep(0.1)
        assert _minta(url) == (401, "")
        assert _minta(url, "sari", "sandi-sari-1") == (200, "dasbor sebagai sari")
        assert _minta(url, "Budi", "sandi-budi-1") == (200, "dasbor sebagai Budi")
        assert _minta(url, "sari", "sandi-budi-1")[0] == 401
        assert _minta(url, "mantan", "sandi-mantan")[0] == 401  # deactivated
        assert _minta(url, "tanpa", "")[0] == 401  # no password
        # a change rewrites the file; nginx reads it on the next request
        assert kdkmp("pengguna", "nonaktif", "sari", KDKMP_HTPASSWD=str(berkas))[0] == 0
        assert _minta(url, "sari", "sandi-sari-1")[0] == 401
        assert _minta(url, "Budi", "sandi-budi-1")[0] == 200
    finally:
        proses.terminate()
        proses.wait(timeout=10)


def _coba(url: str):
    try:
        return _minta(url)
    except OSError:
        return None
