"""The password check behind nginx's `auth_request`: bcrypt once per signed-in credential, not once
per request.

nginx's own auth_basic verifies the bcrypt hash (cost 10, ≈ 50 ms of CPU) on every request that
carries the password: a browser's first visit of a kabupaten view made nginx spend ≈ 0.33 s of CPU
against the app's ≈ 0.06 s, and with two replicas on two cores the check took a fifth of the
Monday wave's CPU (bench_beban prints nginx's share). Here the same hashes, from the same htpasswd
file the app writes from its account table (catatan.tulis_htpasswd), are checked once per
credential and the answer kept in memory:

- kept under the SHA-256 of the Authorization header, never the password itself, and only for the
  file version it was checked against: any account change rewrites the file, and the next request
  is checked against the new one (a removed, deactivated or re-passworded account is refused at once);
- a wrong password is never kept: every attempt costs its bcrypt, as under auth_basic;
- concurrent requests with the same new credential (a browser opens several at once) wait for one
  check (kdkmp.tembolok);
- it listens on loopback only; nginx asks it with an internal subrequest (deploy/nginx-kdkmp.conf)
  and passes on the name it answers as the identity header; `layani --upstream` runs it in a thread
  of the supervisor and writes its upstream block;
- it refuses at least everything nginx's own parsing would (the scheme's case aside), so the name
  it checked and nginx's `$remote_user`, which places the user on a replica, are the same.

It answers 204 with `X-Pengguna: <name>` for a valid credential, 401 with a Basic challenge otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kdkmp.tembolok import Tembolok

REALM = "Dasbor Zonasi KDKMP"
NAMA_UPSTREAM = "kdkmp_penjaga"


class _Ditolak(Exception):
    """A credential that does not match (never kept)."""


class Penjaga:
    def __init__(self, htpasswd: str | os.PathLike):
        self.htpasswd = Path(htpasswd)
        self._versi: tuple | None = None
        self._hash: dict[str, bytes] = {}
        self._kunci = threading.Lock()
        self._sah = Tembolok(4096)  # ≈ one per office signed in since the file last changed

    def _muat(self) -> tuple:
        """The file's version (inode, mtime, ctime, size), its lines read again when it changed. A
        file that is gone (or unreadable) lets nobody in, as nginx's auth_basic did: removing it is
        an emergency lock-out."""
        try:
            st = self.htpasswd.stat()
            versi = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)
            with self._kunci:
                if versi != self._versi:
                    hash_ = {}
                    for baris in self.htpasswd.read_text(encoding="ascii").splitlines():
                        nama, pisah, h = baris.partition(":")
                        if pisah and h:
                            hash_[nama] = h.encode("ascii")
                    self._ganti(hash_, versi)
        except (OSError, UnicodeDecodeError):
            versi = ("tidak terbaca",)
            with self._kunci:
                self._ganti({}, versi)
        return versi

    def _ganti(self, hash_: dict, versi: tuple) -> None:
        if versi != self._versi:
            self._hash, self._versi = hash_, versi
            self._sah.bersihkan()

    def periksa(self, authorization: str | None) -> str | None:
        """The user name of a valid `Authorization: Basic …` header, else None."""
        skema, _, isi = (authorization or "").partition(" ")
        if skema.lower() != "basic":
            return None
        try:
            nama, pisah, sandi = base64.b64decode(isi, validate=True).decode("utf-8").partition(":")
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 (UnicodeDecodeError)
            return None
        if not pisah:
            return None
        versi = self._muat()
        h = self._hash.get(nama)
        if h is None or len(sandi.encode("utf-8")) > 72:  # no account has a longer one (catatan)
            return None

        def cocokkan() -> str:
            import bcrypt

            try:
                cocok = bcrypt.checkpw(sandi.encode("utf-8"), h)
            except ValueError:  # a line that is not a bcrypt hash (written by hand): nobody gets in with it
                cocok = False
            if not cocok:
                raise _Ditolak
            return nama
        try:
            return self._sah.ambil((versi, hashlib.sha256(authorization.encode("utf-8")).digest()), cocokkan)
        except _Ditolak:
            return None


def buat_server(htpasswd: str | os.PathLike, port: int, alamat: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The checking server (not yet serving: call serve_forever, e.g. in a thread)."""
    penjaga = Penjaga(htpasswd)

    class Penangan(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # nginx keeps its connections to us open

        def do_GET(self):
            nama = penjaga.periksa(self.headers.get("Authorization"))
            if nama:
                self.send_response(204)  # no body, and so no Content-Length (RFC 9110)
                self.send_header("X-Pengguna", nama)
            else:
                self.send_response(401)
                self.send_header("WWW-Authenticate", f'Basic realm="{REALM}", charset="UTF-8"')
                self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *_):  # nginx logs every request already
            pass

    class Server(ThreadingHTTPServer):
        # a Monday's offices open their sessions together: with the default backlog of 5, nginx's
        # checks were refused (HTTP 500 to the browser) from ≈ 50 at once on (bench_beban)
        request_queue_size = 1024
        daemon_threads = True

    return Server((alamat, port), Penangan)


def jalankan_di_latar(htpasswd: str | os.PathLike, port: int, alamat: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start the server in a daemon thread (its `.benang`); `.shutdown()` stops it."""
    server = buat_server(htpasswd, port, alamat)
    server.benang = threading.Thread(target=server.serve_forever, name="penjaga", daemon=True)
    server.benang.start()
    return server


if __name__ == "__main__":
    # The check alone, in its own process: `python -m kdkmp.penjaga HTPASSWD PORT` (bench_beban puts
    # it beside the replicas it starts; layani runs it in a thread of its own process).
    import sys

    buat_server(sys.argv[1], int(sys.argv[2])).serve_forever()
