"""Serving many offices from one machine: K Streamlit processes on loopback behind one nginx.

One Streamlit process runs a session's script on about one core, so on Monday morning sessions
queue behind each other (bench/bench_beban.py measures it). `python -m kdkmp layani --proses K`
starts K replicas of the app on 127.0.0.1, ports `--port-awal` … `--port-awal + K − 1`, and keeps
them running: a replica that dies is started again (after 1 s, doubling up to 30 s while it keeps
dying), and the proxy sends its users to the others meanwhile.

Decisions, each in one line:
- A Python supervisor rather than K systemd units or a compose file: one command that works the
  same on a laptop, in CI and on a server without systemd; in production one systemd unit runs it
  (deploy/kdkmp-layani.service), so systemd restarts the supervisor and the supervisor its replicas.
- Every replica reads the same DuckDB file read-only (store.sambungan_baca attaches it and follows
  the writer's atomic file swap on the next rerun), so a week loaded by `ingest` or the upload page
  appears on every replica without restarting any; people's records live in the state store
  (SQLite on one machine, PostgreSQL shared by several), never in a replica.
- Sessions are sticky (a Streamlit session, its uploads and its state live in one process): nginx
  hashes the signed-in user (`hash $remote_user`), which spreads the offices over the replicas even
  when they sit behind one NAT address, where `ip_hash` would send them all to one. The plain hash,
  not `consistent`: K replicas on fixed ports are the whole upstream, and a name's replica then
  depends on the name alone (`replika_untuk`), evenly for many names. The consistent ring hashes
  the replicas' addresses too: over two ports its arcs are uneven, and for some port pairs every
  one of 8 test users landed on one replica.
- All replicas share one cookie secret (Streamlit's XSRF token is signed with it; after a failover
  an upload must still be accepted): `$KDKMP_COOKIE_SECRET`, else a random one kept in
  `kdkmp_cookie_secret` beside the database (mode 0600), passed in the environment, never on the
  command line where `ps` would show it.
- The database is prepared once before the replicas start (the demo built when there is none, every
  week rescored when config/zones.yaml changed), so K replicas never race to do it on first visit.
- `--upstream FILE` writes nginx's `upstream kdkmp_app { … }` block for exactly these ports (the
  shipped deploy/nginx-kdkmp.conf includes it), so the proxy and the replicas cannot disagree, and
  runs the password check nginx asks (kdkmp.penjaga, on the port below the first replica, against
  `$KDKMP_HTPASSWD`) in this supervisor: bcrypt once per signed-in credential instead of on every
  request, the supervisor's only work besides watching the replicas.
- Beside the replicas it keeps the resident writer (kdkmp.penulis) running, supervised as a replica
  is: a kabupaten's `python -m kdkmp ingest` on this machine is then done by a process that has
  its data stack loaded already.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from kdkmp import penjaga, penulis, store

AKAR = Path(__file__).resolve().parent.parent
HEADER_IDENTITAS = "X-Remote-User"
NAMA_RAHASIA = "kdkmp_cookie_secret"
NAMA_UPSTREAM = "kdkmp_app"
PROSES_MAKS = 64
JEDA_AWAL, JEDA_MAKS = 1.0, 30.0


class LayaniDitolak(ValueError):
    """The serving set-up cannot start as asked; str(e) is one Indonesian sentence."""


def rahasia_cookie(db: Path) -> str:
    """The cookie secret every replica shares (created once, readable only by its owner)."""
    env = os.environ.get("KDKMP_COOKIE_SECRET", "").strip()
    if env:
        return env
    jalur = db.resolve().parent / NAMA_RAHASIA
    try:
        return jalur.read_text().strip()
    except FileNotFoundError:
        pass
    rahasia = secrets.token_urlsafe(32)
    jalur.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(jalur, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another supervisor won the race: use its secret
        return jalur.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(rahasia + "\n")
    return rahasia


def teks_upstream(port: list[int], alamat: str = "127.0.0.1", port_penjaga: int | None = None) -> str:
    """nginx's upstream blocks: the replicas, sticky by signed-in user (a replica that refuses a
    connection is skipped for 10 s and its users go to the next one), and the password check
    (kdkmp.penjaga, asked over kept-open connections) at `port_penjaga`, one below the first
    replica's unless given."""
    baris = "\n".join(f"    server {alamat}:{p} max_fails=1 fail_timeout=10s;" for p in port)
    port_penjaga = port[0] - 1 if port_penjaga is None else port_penjaga
    return (f"# Ditulis oleh `python -m kdkmp layani --proses {len(port)}`; jangan diubah dengan tangan.\n"
            f"upstream {NAMA_UPSTREAM} {{\n    hash $remote_user;\n{baris}\n}}\n"
            f"upstream {penjaga.NAMA_UPSTREAM} {{\n    server {alamat}:{port_penjaga};\n    keepalive 8;\n}}\n")


def replika_untuk(nama: str, jumlah: int) -> int:
    """Index of the replica (in the upstream block's order) nginx's `hash $remote_user` sends
    `nama` to while all are up: ((crc32(key) >> 16) & 0x7fff) mod the number of equal-weight
    servers (ngx_http_upstream_hash_module, compatible with Cache::Memcached)."""
    return ((zlib.crc32(nama.encode("utf-8")) >> 16) & 0x7FFF) % jumlah


def tulis_upstream(jalur: Path, port: list[int], alamat: str = "127.0.0.1", port_penjaga: int | None = None) -> None:
    """Atomically (temp file + rename): nginx reloading meanwhile reads the old or the new file."""
    jalur.parent.mkdir(parents=True, exist_ok=True)
    fd, sementara = tempfile.mkstemp(dir=jalur.parent, prefix=jalur.name + ".")
    with os.fdopen(fd, "w") as f:
        f.write(teks_upstream(port, alamat, port_penjaga))
    os.chmod(sementara, 0o644)  # nginx's workers read it
    os.replace(sementara, jalur)


def _port_terpakai(alamat: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in alamat else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((alamat, port))
        except OSError:
            return True
    return False


def periksa(jumlah: int, port_awal: int, alamat: str) -> list[int]:
    if not 1 <= jumlah <= PROSES_MAKS:
        raise LayaniDitolak(f"Jumlah proses harus 1 sampai {PROSES_MAKS} (satu per inti prosesor); diberikan {jumlah}.")
    port = list(range(port_awal, port_awal + jumlah))
    if port[0] < 1024 or port[-1] > 65535:
        raise LayaniDitolak(f"Port {port[0]}–{port[-1]} di luar 1024–65535; pilih --port-awal lain.")
    dipakai = [p for p in port if _port_terpakai(alamat, p)]
    if dipakai:
        raise LayaniDitolak(f"Port {', '.join(map(str, dipakai))} di {alamat} sudah dipakai proses lain; "
                            "hentikan proses itu atau pilih --port-awal lain.")
    return port


def siapkan_basis_data(db: Path, cetak=print) -> None:
    """What the first visitor would otherwise trigger in every replica at once."""
    from kdkmp import ingest, rules

    aturan = rules.muat_aturan()  # an invalid config/zones.yaml stops here, before any replica starts
    if not db.exists():
        from kdkmp import demo

        cetak(f"Belum ada basis data di {db}: membangun data demo nasional (sekali, 1–2 menit)…")
        demo.bangun(db)
        return
    con = store.sambungan_baca(db)
    try:
        perlu = rules.perlu_skor_ulang(con, aturan)
    finally:
        con.close()
    if perlu:
        cetak(f"Aturan zona berubah (versi {aturan.versi}): menilai ulang semua minggu…")
        with store.penulisan(db) as tulis:
            ingest.skor_ulang_semua(tulis, aturan)


# How long a stop waits for the resident writer to finish the loads it holds (a queued one waits
# its turn up to `ingest --tunggu`, 120 s by default); deploy/kdkmp-layani.service's TimeoutStopSec
# is above it, so systemd does not kill it first.
BATAS_BERHENTI_PENULIS = 130


@dataclass
class Replika:
    """A supervised child: a replica of the app on `port`, or the resident writer (`soket`)."""
    nomor: int
    port: int
    log: Path
    perintah: list[str] = field(default_factory=list)
    soket: Path | None = None  # the resident writer's: healthy when it answers there
    proses: subprocess.Popen | None = None
    mulai_ulang: int = 0
    jeda: float = JEDA_AWAL
    mati_sejak: float | None = None
    hidup_sejak: float = 0.0
    _berkas_log: object = field(default=None, repr=False)


def perintah_replika(port: int, alamat: str) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(AKAR / "app.py"), "--server.headless", "true",
            "--server.address", alamat, "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            "--server.trustedUserHeaders", f'{{"{HEADER_IDENTITAS}": "username"}}']


class Layanan:
    """K replicas and their supervision; `jalankan()` blocks until SIGTERM/SIGINT."""

    def __init__(self, jumlah: int, *, db: Path, port_awal: int = 8501, alamat: str = "127.0.0.1",
                 folder_log: Path | None = None, cetak=print, htpasswd: Path | None = None):
        self.alamat = alamat
        self.db = db.resolve()
        # the password check nginx asks (kdkmp.penjaga), one port below the replicas
        self.htpasswd = htpasswd
        port = periksa(jumlah, port_awal, alamat)
        self.port_penjaga = port_awal - 1 if htpasswd is not None else None
        if self.port_penjaga is not None and (self.port_penjaga < 1024 or _port_terpakai(alamat, self.port_penjaga)):
            raise LayaniDitolak(f"Port {self.port_penjaga} di {alamat} (penjaga sandi, satu di bawah replika pertama) "
                                "tidak bisa dipakai; pilih --port-awal lain.")
        self._penjaga = None
        # the check's restarts, paced as a replica's: (its pause, not before, up since)
        self._jeda_penjaga, self._penjaga_lagi, self._penjaga_sejak = JEDA_AWAL, 0.0, time.monotonic()
        self.folder_log = folder_log or self.db.parent / "kdkmp_layani"
        self.folder_log.mkdir(parents=True, exist_ok=True)
        self.replika = [Replika(i + 1, p, self.folder_log / f"replika-{i + 1}.log", perintah_replika(p, alamat))
                        for i, p in enumerate(port)]
        self.penulis = None
        if penulis.soket_muat(self.db):
            self.penulis = Replika(0, 0, self.folder_log / "penulis.log", soket=penulis.jalur_soket(self.db),
                                   perintah=[sys.executable, "-m", "kdkmp", "penulis", "--db", str(self.db)])
        else:  # loads still work, each in its own process
            cetak(f"penulis tetap tidak dijalankan: jalur soketnya di samping {self.db} terlalu panjang untuk "
                  "soket Unix; `ingest` memuat dalam prosesnya sendiri.")
        self.cetak = cetak
        self._berhenti = False
        self.env = {**os.environ, "KDKMP_DB": str(self.db),
                    "STREAMLIT_SERVER_COOKIE_SECRET": rahasia_cookie(self.db)}

    @property
    def port(self) -> list[int]:
        return [r.port for r in self.replika]

    @property
    def _anak(self) -> list[Replika]:
        return [*self.replika, *([self.penulis] if self.penulis else [])]

    @staticmethod
    def _nama(r: Replika) -> str:
        return "penulis tetap" if r.soket is not None else f"replika {r.nomor} (port {r.port})"

    def _mulai(self, r: Replika) -> None:
        if r._berkas_log is None:
            r._berkas_log = open(r.log, "a")
        r.proses = subprocess.Popen(r.perintah, cwd=AKAR, env=self.env,
                                    stdout=r._berkas_log, stderr=subprocess.STDOUT, start_new_session=True)
        r.mati_sejak, r.hidup_sejak = None, time.monotonic()

    def _sehat(self, r: Replika) -> bool:
        if r.soket is not None:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                try:
                    s.connect(str(r.soket))
                    return True
                except OSError:
                    return False
        try:
            with urllib.request.urlopen(f"http://{self.alamat}:{r.port}/_stcore/health", timeout=1) as j:
                return j.status == 200
        except OSError:
            return False

    def mulai(self, batas_detik: float = 90) -> None:
        if self.htpasswd is not None:
            self._penjaga = penjaga.jalankan_di_latar(self.htpasswd, self.port_penjaga, self.alamat)
            self.cetak(f"penjaga sandi: http://{self.alamat}:{self.port_penjaga} · {self.htpasswd}")
        for r in self._anak:
            self._mulai(r)
        akhir = time.monotonic() + batas_detik
        menunggu = list(self._anak)
        while menunggu:
            for r in list(menunggu):
                if r.proses.poll() is not None and r.soket is not None:
                    # the writer only speeds loads up: the dashboard starts without it, and the
                    # supervision below starts it again (a second writer on this database, a busy socket)
                    self.cetak(f"penulis tetap berhenti saat menyala (kode {r.proses.returncode}), lihat {r.log}; "
                               "`ingest` memuat dalam prosesnya sendiri sampai penulis menyala lagi.")
                    menunggu.remove(r)
                    continue
                if r.proses.poll() is not None:
                    self.hentikan()
                    nama = self._nama(r)
                    raise LayaniDitolak(f"{nama[0].upper()}{nama[1:]} berhenti saat menyala; lihat {r.log}.")
                if self._sehat(r):
                    menunggu.remove(r)
            if menunggu and time.monotonic() > akhir and all(r.soket is not None for r in menunggu):
                self.cetak(f"penulis tetap belum menjawab setelah {batas_detik:.0f} detik; lihat {self.penulis.log}.")
                break
            if menunggu and time.monotonic() > akhir:
                self.hentikan()
                nama = ", ".join(self._nama(r) for r in menunggu)
                raise LayaniDitolak(f"{nama[0].upper()}{nama[1:]} tidak sehat setelah "
                                    f"{batas_detik:.0f} detik; lihat log di {self.folder_log}.")
            time.sleep(0.2)
        for r in self.replika:
            self.cetak(f"replika {r.nomor}: http://{self.alamat}:{r.port} · pid {r.proses.pid} · sehat")
        if self.penulis is not None and self.penulis.proses.poll() is None and self._sehat(self.penulis):
            self.cetak(f"penulis tetap: {self.penulis.soket} · pid {self.penulis.proses.pid} · sehat")

    def awasi_sekali(self) -> None:
        """Start again every replica that died, after a pause that doubles while it keeps dying,
        and the password check at once if its thread ended: without it nginx lets nobody in."""
        self._awasi_penjaga()
        sekarang = time.monotonic()
        for r in self._anak:
            if r.proses.poll() is None:
                if sekarang - r.hidup_sejak > 60:
                    r.jeda = JEDA_AWAL  # up for a minute: healthy again
                continue
            if r.mati_sejak is None:
                r.mati_sejak = sekarang
                self.cetak(f"{self._nama(r)} berhenti (kode {r.proses.returncode}); "
                           f"dinyalakan lagi dalam {r.jeda:.0f} s")
            elif sekarang >= r.mati_sejak + r.jeda:
                r.mulai_ulang += 1
                r.jeda = min(r.jeda * 2, JEDA_MAKS)
                self._mulai(r)
                self.cetak(f"{self._nama(r).split(' (')[0]} dinyalakan lagi: pid {r.proses.pid}")

    def _awasi_penjaga(self) -> None:
        """A check whose thread ended is started again at once, or after a pause that doubles while
        it keeps dying within a minute; a start that fails (its port taken) is said and tried again
        after that pause. The replicas keep running meanwhile."""
        if self._penjaga is None or self._penjaga.benang.is_alive():
            return
        sekarang = time.monotonic()
        if sekarang < self._penjaga_lagi:
            return
        alamat = f"http://{self.alamat}:{self.port_penjaga}"
        if sekarang - self._penjaga_sejak > 60:
            self._jeda_penjaga = JEDA_AWAL  # up for a minute: healthy again
        self._penjaga.server_close()
        try:
            baru = penjaga.jalankan_di_latar(self.htpasswd, self.port_penjaga, self.alamat)
        except OSError as e:
            self.cetak(f"penjaga sandi berhenti dan tidak dapat dinyalakan lagi di {alamat} ({e.strerror or e}); "
                       f"dicoba lagi dalam {self._jeda_penjaga:.0f} s")
        else:
            self._penjaga, self._penjaga_sejak = baru, sekarang
            self.cetak(f"penjaga sandi berhenti; dinyalakan lagi: {alamat}")
        self._penjaga_lagi = sekarang + self._jeda_penjaga
        self._jeda_penjaga = min(self._jeda_penjaga * 2, JEDA_MAKS)

    def jalankan(self) -> int:
        def berhenti(*_):
            self._berhenti = True

        signal.signal(signal.SIGTERM, berhenti)
        signal.signal(signal.SIGINT, berhenti)
        while not self._berhenti:
            self.awasi_sekali()
            time.sleep(0.5)
        self.hentikan()
        return 0

    def hentikan(self) -> None:
        for r in self._anak:
            if r.proses is not None and r.proses.poll() is None:
                r.proses.terminate()
        for r in self._anak:
            if r.proses is not None:
                try:
                    # the writer finishes the loads in hand, queued ones included, before it ends
                    r.proses.wait(timeout=15 if r.soket is None else BATAS_BERHENTI_PENULIS)
                except subprocess.TimeoutExpired:
                    r.proses.kill()
                    r.proses.wait()
            if r._berkas_log is not None:
                r._berkas_log.close()
                r._berkas_log = None
        if self._penjaga is not None:
            self._penjaga.shutdown()
            self._penjaga.server_close()
            self._penjaga = None
        self.cetak("semua replika berhenti")
