"""Penulis tetap: a writer process that stays running, so that `python -m kdkmp ingest` does not pay
for starting Python's data stack on every load (issue 15: a scoped load ≤ 1 s, whole process).

A kabupaten's load of 300 rows is ≈ 0.9 s of work, but a fresh process first spends ≈ 0.4 s (and
three times that on a slow morning) importing pandas and DuckDB and reading the rules. `python -m
kdkmp penulis` (started by `layani`, beside the replicas) keeps them loaded and listens on a Unix
socket beside the database; `ingest` hands its command line to it and prints what comes back.

Decisions, each in one line:
- The writer runs the very `ingest` command (cli.jalankan on the same argv): rights, refusals, the
  audit trail, messages and exit codes are the CLI's own, not a second implementation. Its
  output goes back line by line as it is written (the "menunggu giliran" of a queued load too),
  through per-thread streams, so loads served at once do not mix their messages.
- Loads served at once each run in their own thread and meet at the writer's flock and the load
  queue (kdkmp.antrian) as separate processes do; the upload page already loads from the app's
  threads the same way.
- Who asks is read from the socket (SO_PEERCRED), not from the request: the OS user recorded in
  the trail (`pengguna_os`) is the caller's. The socket is the writer's user's only (mode 0600);
  another user's `ingest` runs in its own process as before.
- The client imports nothing heavy (this module's client half is the standard library only) and
  runs the load itself whenever the writer cannot take it: no socket, a stale one, a writer for
  another database or with another state store or load limits ($KDKMP_STATE_URL, $KDKMP_MUAT).
  `--help` is always answered locally.
- A writer that goes away in the middle of a load leaves the client unsure whether the week
  changed: it says so in one sentence and how to check (exit 70); nothing is retried blindly.
- A client that stops (Ctrl-C) does not stop its load: the writer finishes it, as the upload page
  does when its browser tab is closed.
"""

from __future__ import annotations

import io
import json
import os
import socket
import sys
import time
from pathlib import Path

from kdkmp.lokasi import LOKASI_BAWAAN, lokasi_db

SUFIKS_SOKET = ".penulis.sock"
# What a load reads from the environment besides the database path: a writer started with other
# values would load somewhere else, or by other limits, than the caller expects.
ENV_SAMA = ("KDKMP_STATE_URL", "KDKMP_MUAT")
PERINTAH_DITERUSKAN = ("ingest",)
KELUAR_TERPUTUS = 70  # as cli.KELUAR_GALAT, without importing the CLI


# sockaddr_un holds 108 bytes with its terminating zero; a few spare
PANJANG_SOKET_MAKS = 100


def jalur_soket(db: str | os.PathLike) -> Path:
    db = Path(db).resolve()
    return db.with_name(db.name + SUFIKS_SOKET)


def soket_muat(db: str | os.PathLike) -> bool:
    """Whether the writer's socket path for `db` fits a Unix socket address."""
    return len(str(jalur_soket(db)).encode()) <= PANJANG_SOKET_MAKS


# ---------------------------------------------------------------- the client (standard library only)

def _db_dari_argv(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--db" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--db="):
            return a.split("=", 1)[1]
    return None


def teruskan(argv: list[str]) -> int | None:
    """Run `python -m kdkmp <argv>` in the resident writer and return its exit code, or None when
    the writer cannot take it (the caller then runs it itself)."""
    if not argv or argv[0] not in PERINTAH_DITERUSKAN or "-h" in argv or "--help" in argv:
        return None
    jalur = jalur_soket(Path(os.getcwd()) / lokasi_db(_db_dari_argv(argv)))
    if not jalur.exists():
        return None
    sambungan = _sambung(jalur)
    if sambungan is None:
        return None
    try:
        sambungan.sendall(json.dumps({"argv": argv, "cwd": os.getcwd(), "KDKMP_DB": os.environ.get("KDKMP_DB"),
                                      "env": sidik_env()}).encode() + b"\n")
    except OSError:
        sambungan.close()
        return None
    diterima = False  # the writer has started the command: from here its outcome is the writer's
    with sambungan, sambungan.makefile("rb") as masuk:
        try:
            for baris in masuk:
                pesan = json.loads(baris)
                if "lokal" in pesan:
                    return None
                if "kode" in pesan:
                    return int(pesan["kode"])
                if "terima" in pesan:
                    diterima = True
                    continue
                _tulis(sys.stdout if "o" in pesan else sys.stderr, pesan.get("o", pesan.get("e", "")))
        except (OSError, ValueError):  # a reset, or a line cut off by a writer going down
            pass
        except KeyboardInterrupt:
            if diterima:
                print("Dihentikan di sini, tetapi pemuatan tetap dikerjakan penulis tetap sampai selesai; periksa "
                      "hasilnya dengan `python -m kdkmp minggu daftar`.", file=sys.stderr)
            return 130
    if not diterima:
        return None  # the writer went away before it started: nothing was done, the command runs here
    print(f"Sambungan ke penulis tetap ({jalur}) terputus sebelum pemuatan selesai, jadi tidak diketahui apakah "
          "minggu itu sudah berubah; periksa dengan `python -m kdkmp minggu daftar` dan ulangi bila belum.",
          file=sys.stderr)
    return KELUAR_TERPUTUS


def sidik_env() -> str:
    """A digest of what a load reads from the environment (ENV_SAMA): compared by the writer, so a
    state store's URL, which may hold a password, never travels over the socket."""
    import hashlib

    return hashlib.sha256(json.dumps([os.environ.get(k) for k in ENV_SAMA]).encode()).hexdigest()


def uid_lawan(sambungan: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket, as the kernel knows it (SO_PEERCRED)."""
    import struct

    _, uid, _ = struct.unpack("iII", sambungan.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                          struct.calcsize("iII")))
    return uid


def _sambung(jalur: Path) -> socket.socket | None:
    """A connection to the writer, or None: no writer answers there, or the one that answers is not
    this user's (nor root's), which would read the command line and could fake its outcome. A full
    backlog (many loads arriving together) is waited out for a few seconds."""
    batas = time.monotonic() + 5
    while True:
        sambungan = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sambungan.settimeout(2)
            sambungan.connect(str(jalur))
            sambungan.settimeout(None)
            break
        except BlockingIOError:
            sambungan.close()
            if time.monotonic() > batas:
                return None
            time.sleep(0.05)
        except OSError:  # a stale socket, a path too long for AF_UNIX, a writer going down
            sambungan.close()
            return None
    if uid_lawan(sambungan) not in (os.getuid(), 0):
        sambungan.close()
        return None
    return sambungan


def _tulis(aliran, teks: str) -> None:
    try:
        aliran.write(teks)
        aliran.flush()
    except BrokenPipeError:
        # the reader stopped early (`… | head`), as cli.main treats it: the rest goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), aliran.fileno())


# ---------------------------------------------------------------- the writer

class _AliranPerBenang(io.TextIOBase):
    """sys.stdout / sys.stderr of the writer: a request's thread writes to its own caller, every
    other thread to the writer's own stream."""

    def __init__(self, asli, jenis: str, lokal):
        self.asli, self.jenis, self.lokal = asli, jenis, lokal

    def write(self, teks: str) -> int:
        kirim = getattr(self.lokal, "kirim", None)
        if kirim is None:
            return self.asli.write(teks)
        kirim({self.jenis: teks})
        return len(teks)

    def flush(self) -> None:
        if getattr(self.lokal, "kirim", None) is None:
            self.asli.flush()

    def isatty(self) -> bool:
        return False


def _pemanggil(sambungan: socket.socket) -> tuple[int, str]:
    import pwd

    uid = uid_lawan(sambungan)
    try:
        return uid, pwd.getpwuid(uid).pw_name
    except KeyError:
        return uid, f"uid {uid}"


class PenulisTetap:
    """The writer's socket server for database `db`; `layani()` blocks until `berhenti()`."""

    def __init__(self, db: str | os.PathLike, cetak=None):
        import importlib
        import socketserver
        import threading

        for modul in ("cli", "ingest", "snapshot", "antrian", "catatan", "queries"):  # loaded once, here
            importlib.import_module(f"kdkmp.{modul}")
        from kdkmp import rules

        self.db = Path(db).resolve()
        self.jalur = jalur_soket(self.db)
        self.cetak = cetak or (lambda teks: print(teks, file=sys.__stdout__, flush=True))
        rules.muat_aturan()  # an invalid config/zones.yaml stops the writer here, not a load
        self._lokal = threading.local()
        self._siapkan_soket()
        penulis = self

        class Penangan(socketserver.StreamRequestHandler):
            timeout = 30  # a caller that connects and says nothing does not hold a thread (or a stop)

            def handle(self):
                penulis._layani_satu(self.request, self.rfile, self.wfile)

        class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            # a stop (SIGTERM) lets the loads in hand finish and answer before the process ends
            daemon_threads = False
            block_on_close = True
            request_queue_size = socket.SOMAXCONN  # dozens of offices' loads arriving together

        lama = os.umask(0o177)  # the socket is born 0600: no other user can hand it a load
        try:
            self.server = Server(str(self.jalur), Penangan)
        finally:
            os.umask(lama)
        sys.stdout = _AliranPerBenang(sys.stdout, "o", self._lokal)
        sys.stderr = _AliranPerBenang(sys.stderr, "e", self._lokal)

    def _siapkan_soket(self) -> None:
        from kdkmp import store

        if not soket_muat(self.db):
            raise store.GagalMuat(f"Jalur soket {self.jalur} terlalu panjang untuk soket Unix (maks. "
                                  f"{PANJANG_SOKET_MAKS} byte); letakkan basis data di folder yang lebih pendek.")
        if self.jalur.exists():
            uji = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                uji.connect(str(self.jalur))
            except (ConnectionRefusedError, FileNotFoundError):
                self.jalur.unlink(missing_ok=True)  # left by a writer that was killed
            except OSError as e:
                raise store.GagalMuat(f"Soket penulis tetap {self.jalur} tidak dapat diperiksa ({e.strerror or e}).")
            else:
                raise store.GagalMuat(f"Penulis tetap lain sudah melayani {self.db} ({self.jalur}).")
            finally:
                uji.close()

    def layani(self) -> None:
        self.cetak(f"penulis tetap: {self.jalur} · {self.db}")
        self.server.serve_forever(poll_interval=0.2)

    def berhenti(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.jalur.unlink(missing_ok=True)
        sys.stdout, sys.stderr = sys.stdout.asli, sys.stderr.asli

    def _layani_satu(self, sambungan, masuk, keluar) -> None:
        import threading

        from kdkmp import cli, store

        kunci = threading.Lock()

        def kirim(pesan: dict) -> None:
            try:
                with kunci:
                    keluar.write(json.dumps(pesan).encode() + b"\n")
                    keluar.flush()
            except OSError:
                pass  # the caller went away: its load goes on, its outcome is in this writer's log

        mulai = time.monotonic()
        permintaan = json.loads(masuk.readline() or b"{}")
        _, nama_os = _pemanggil(sambungan)
        argv = list(permintaan.get("argv") or [])
        if not argv:  # a health check (layani) connects and says nothing
            return
        self._lokal.kirim = kirim
        token = store.pengguna_os.set(nama_os)
        try:
            alasan = self._alasan_lokal(permintaan, argv)
            try:
                args = cli.parser().parse_args(argv) if alasan is None else None
            except SystemExit as e:  # argparse has written its usage to the caller
                kode = e.code if isinstance(e.code, int) else cli.KELUAR_PENGGUNAAN
            else:
                if args is not None:
                    # the caller's paths, as its own process would have read them
                    cwd = Path(permintaan.get("cwd") or "/")
                    db = cwd / (args.db or permintaan.get("KDKMP_DB") or str(LOKASI_BAWAAN))
                    if db.resolve() != self.db:
                        alasan = "basis data lain"
                if alasan is None:
                    args.file, args.db = str(cwd / args.file), str(self.db)
                    kirim({"terima": True})
                    kode = cli.jalankan(args, argv)
        finally:
            store.pengguna_os.reset(token)
            self._lokal.kirim = None
        if alasan is not None:
            self.cetak(f"{' '.join(argv[:1])} oleh {nama_os}: dijalankan pemanggil sendiri ({alasan})")
            kirim({"lokal": alasan})
            return
        self.cetak(f"{' '.join(argv)} oleh {nama_os}: kode {kode} ({time.monotonic() - mulai:.2f} s)")
        kirim({"kode": kode})

    def _alasan_lokal(self, permintaan: dict, argv: list[str]) -> str | None:
        """Why the caller should run this itself, before its command line is read; None: so far
        this writer is the right one (its database is compared once the command line is parsed)."""
        if not argv or argv[0] not in PERINTAH_DITERUSKAN:
            return "bukan perintah pemuatan"
        if permintaan.get("env") != sidik_env():
            return "lingkungan berbeda"
        return None
