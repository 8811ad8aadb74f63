"""kdkmp.penjaga, the password check nginx asks on every request (auth_request): the same bcrypt
hashes as the htpasswd file, checked once per correct credential and file version."""

from __future__ import annotations

import base64
import socket
import threading
import urllib.error
import urllib.request

import bcrypt
import pytest

from kdkmp import penjaga
from tests.conftest import _port_bebas


def header(nama: str, sandi: str) -> str:
    return "Basic " + base64.b64encode(f"{nama}:{sandi}".encode()).decode()


def tulis(jalur, akun: dict[str, str]) -> None:
    """An htpasswd file as catatan.tulis_htpasswd writes it ($2y$ hashes; cost 4 keeps the test fast)."""
    baris = "".join(f"{n}:$2y${bcrypt.hashpw(s.encode(), bcrypt.gensalt(4)).decode()[4:]}\n" for n, s in akun.items())
    sementara = jalur.with_name(jalur.name + ".baru")
    sementara.write_text(baris)
    sementara.replace(jalur)  # atomically, a new inode: as the app rewrites it


@pytest.fixture
def hitung_bcrypt(monkeypatch):
    panggilan = []
    asli = bcrypt.checkpw

    def dihitung(sandi, h):
        panggilan.append(sandi)
        return asli(sandi, h)
    monkeypatch.setattr(bcrypt, "checkpw", dihitung)
    return panggilan


def test_a_correct_credential_is_checked_once_a_wrong_one_every_time(tmp_path, hitung_bcrypt):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026", "pusat1": "rahasia-pusat-2026"})
    p = penjaga.Penjaga(jalur)
    for _ in range(3):
        assert p.periksa(header("ntb", "rahasia-ntb-2026")) == "ntb"
    for _ in range(2):
        assert p.periksa(header("ntb", "salah-sekali")) is None
    assert p.periksa(header("pusat1", "rahasia-pusat-2026")) == "pusat1"
    # ntb once (then remembered), the wrong password twice (never remembered), pusat1 once
    assert hitung_bcrypt == [b"rahasia-ntb-2026", b"salah-sekali", b"salah-sekali", b"rahasia-pusat-2026"]


def test_unknown_names_and_malformed_headers_are_refused_without_bcrypt(tmp_path, hitung_bcrypt):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026"})
    p = penjaga.Penjaga(jalur)
    for h in (None, "", "Bearer abc", "Basic ###", "Basic " + base64.b64encode(b"tanpa-titik-dua").decode(),
              header("tidak-ada", "rahasia-ntb-2026"), header("ntb", "x" * 73)):
        assert p.periksa(h) is None, h
    assert hitung_bcrypt == []
    assert penjaga.Penjaga(tmp_path / "belum-ada").periksa(header("ntb", "rahasia-ntb-2026")) is None


def test_a_rewritten_file_counts_from_the_next_request(tmp_path):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-lama-2026", "lama": "rahasia-lama-2026"})
    p = penjaga.Penjaga(jalur)
    assert p.periksa(header("ntb", "rahasia-lama-2026")) == "ntb"
    assert p.periksa(header("lama", "rahasia-lama-2026")) == "lama"
    # ntb's password changed, lama deactivated (the app leaves it out of the file)
    tulis(jalur, {"ntb": "rahasia-baru-2026"})
    assert p.periksa(header("ntb", "rahasia-lama-2026")) is None
    assert p.periksa(header("lama", "rahasia-lama-2026")) is None
    assert p.periksa(header("ntb", "rahasia-baru-2026")) == "ntb"


def test_a_browsers_simultaneous_first_requests_cost_one_check(tmp_path, hitung_bcrypt):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026"})
    p = penjaga.Penjaga(jalur)
    mulai = threading.Barrier(8)
    hasil = []

    def minta():
        mulai.wait()
        hasil.append(p.periksa(header("ntb", "rahasia-ntb-2026")))
    utas = [threading.Thread(target=minta) for _ in range(8)]
    for u in utas:
        u.start()
    for u in utas:
        u.join()
    assert hasil == ["ntb"] * 8 and len(hitung_bcrypt) == 1


def test_the_server_answers_204_with_the_name_or_401_with_a_challenge(tmp_path):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026"})
    port = _port_bebas()
    server = penjaga.jalankan_di_latar(jalur, port)
    try:
        permintaan = urllib.request.Request(f"http://127.0.0.1:{port}/_periksa_sandi",
                                            headers={"Authorization": header("ntb", "rahasia-ntb-2026")})
        with urllib.request.urlopen(permintaan, timeout=5) as r:
            assert r.status == 204 and r.headers["X-Pengguna"] == "ntb"
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_periksa_sandi", timeout=5)
        assert e.value.code == 401
        assert e.value.headers["WWW-Authenticate"] == 'Basic realm="Dasbor Zonasi KDKMP", charset="UTF-8"'
    finally:
        server.shutdown()
        server.server_close()


def test_layani_starts_the_password_check_again_when_its_thread_has_ended(tmp_path):
    # Without the check nginx lets nobody in: the supervisor's next round brings it back on its port.
    from kdkmp import layani

    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026"})
    port_awal = _port_bebas(berturut=2) + 1  # the password check sits on the port below the replica
    pesan = []
    layanan = layani.Layanan(1, db=tmp_path / "kdkmp.duckdb", port_awal=port_awal, htpasswd=jalur, cetak=pesan.append)
    layanan._penjaga = penjaga.jalankan_di_latar(jalur, layanan.port_penjaga)
    permintaan = urllib.request.Request(f"http://127.0.0.1:{layanan.port_penjaga}/_periksa_sandi",
                                        headers={"Authorization": header("ntb", "rahasia-ntb-2026")})
    try:
        layanan._penjaga.shutdown()  # its loop ends, as if the thread had died
        layanan._penjaga.benang.join(5)
        with pytest.raises(OSError):  # nobody answers: accepted by the still open socket, or refused
            urllib.request.urlopen(permintaan, timeout=2)
        layanan._awasi_penjaga()
        with urllib.request.urlopen(permintaan, timeout=5) as r:
            assert r.status == 204 and r.headers["X-Pengguna"] == "ntb"
        alamat = f"http://127.0.0.1:{layanan.port_penjaga}"
        assert pesan == [f"penjaga sandi berhenti; dinyalakan lagi: {alamat}"]
        layanan._awasi_penjaga()  # alive: nothing to do
        assert len(pesan) == 1
        # it dies again at once, and its port is taken meanwhile: said, the supervisor carries on,
        # and the next try (after its pause) starts it once the port is free
        layanan._penjaga.shutdown()
        layanan._penjaga.benang.join(5)
        layanan._penjaga.server_close()
        with socket.socket() as penghalang:
            penghalang.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past the old one's TIME_WAIT
            penghalang.bind(("127.0.0.1", layanan.port_penjaga))
            penghalang.listen()
            layanan._awasi_penjaga()
            assert len(pesan) == 1  # within the pause after a restart: not yet
            layanan._penjaga_lagi = 0  # the pause over
            layanan._awasi_penjaga()
            assert pesan[1].startswith(f"penjaga sandi berhenti dan tidak dapat dinyalakan lagi di {alamat} (")
            assert pesan[1].endswith("dicoba lagi dalam 2 s")
        layanan._penjaga_lagi = 0
        layanan._awasi_penjaga()
        assert pesan[2] == f"penjaga sandi berhenti; dinyalakan lagi: {alamat}"
        with urllib.request.urlopen(permintaan, timeout=5) as r:
            assert r.status == 204
    finally:
        layanan._penjaga.shutdown()
        layanan._penjaga.server_close()


def test_layani_writes_the_check_beside_the_replicas_in_the_upstream_file():
    from kdkmp import layani

    assert layani.teks_upstream([8501, 8502]).splitlines()[1:] == [
        "upstream kdkmp_app {",
        "    hash $remote_user;",
        "    server 127.0.0.1:8501 max_fails=1 fail_timeout=10s;",
        "    server 127.0.0.1:8502 max_fails=1 fail_timeout=10s;",
        "}",
        "upstream kdkmp_penjaga {",
        "    server 127.0.0.1:8500;",
        "    keepalive 8;",
        "}",
    ]


def test_layani_for_nginx_without_the_password_file_is_refused_with_one_sentence(tmp_path, monkeypatch, capsys):
    from kdkmp import cli

    monkeypatch.delenv("KDKMP_HTPASSWD", raising=False)
    kode = cli.main(["layani", "--proses", "1", "--upstream", str(tmp_path / "upstream.conf"),
                     "--db", str(tmp_path / "kdkmp.duckdb")])
    keluaran = capsys.readouterr()
    assert kode == 2
    assert "isi KDKMP_HTPASSWD" in keluaran.err and "Traceback" not in keluaran.err
    assert not (tmp_path / "upstream.conf").exists() and not (tmp_path / "kdkmp.duckdb").exists()


def test_a_removed_file_lets_nobody_in_and_odd_headers_are_refused(tmp_path):
    jalur = tmp_path / "htpasswd"
    tulis(jalur, {"ntb": "rahasia-ntb-2026"})
    jalur.write_text(jalur.read_text() + "tangan:$apr1$bukan-bcrypt\n")  # a line written by hand
    p = penjaga.Penjaga(jalur)
    assert p.periksa("basic " + header("ntb", "rahasia-ntb-2026")[6:]) == "ntb"  # the scheme in any case
    assert p.periksa(header("tangan", "rahasia-ntb-2026")) is None
    assert p.periksa("Basic caf\u00e9==") is None  # not ASCII: refused, not an error
    jalur.unlink()  # an emergency lock-out
    assert p.periksa(header("ntb", "rahasia-ntb-2026")) is None
