"""The state store: what people do in the app (accounts, the audit trail), apart from the DuckDB file.

The weekly writer replaces the DuckDB file on every load (store.penulisan); anything written by
people in the app lives here instead, so no load, replace or withdrawal can lose it.

Decisions, each in one line:
- Where: `$KDKMP_STATE_URL` (`sqlite:///relative/path`, `sqlite:////absolute/path` or
  `postgresql://…`), else SQLite at `<database folder>/kdkmp_catatan.sqlite` (the DuckDB path is
  `store.lokasi_db()`); every function also takes `url=` for an explicit store.
- SQLite runs in WAL mode (readers never wait for a writer), `busy_timeout` 30 s, `synchronous`
  FULL (a committed audit row survives a power cut), a connection per call (threads never share
  one), every write in `BEGIN IMMEDIATE` (writers queue on the lock instead of failing on upgrade).
- PostgreSQL goes through psycopg 3 with a small pool per URL (psycopg_pool, 1–4 connections,
  checked before use so a restarted server is reconnected); a transaction per call.
- One SQL text for both: written with `?` parameters and `{id}`, `{waktu}`, `{bool}` placeholders
  that `_Dialek` fills; the upsert (`ON CONFLICT … DO …`) and `RETURNING` are the same in both.
- The schema is created and migrated by the app: `MIGRASI` is an ordered list in code, `versi_skema`
  holds one row per applied migration; they run once, in one transaction under a lock (SQLite's
  write lock, PostgreSQL's advisory lock), so several processes starting at once are safe. A store
  with a newer schema than this code knows is refused, never written.
- Times are UTC (`pada` a tz-aware timestamp); a date given to `baca_jejak` is a whole day in WIB
  (UTC+7, the PMO's time; Indonesia has no daylight saving).
- User names: 1–64 of `A–Z a–z 0–9 . _ - @ +`, starting with a letter or digit (no spaces and no
  `:`, so every name is a valid htpasswd and header value); unique ignoring case, looked up
  ignoring case, stored as first written.
- Roles and wilayah are checked by `akses.periksa_peran_wilayah`; every refusal is `CatatanDitolak`
  (a ValueError) with one Indonesian sentence, and then nothing is written.
- Every account change writes its audit row in the same transaction: both or neither.
- The audit trail is append-only: there is no function that updates or deletes a `jejak` row.
  Event kinds are data (`PERISTIWA`: name → Indonesian label); an unknown kind is a bug (ValueError).
- Passwords are bcrypt (cost `BIAYA_BCRYPT`), 8 characters to 72 bytes; the hash never leaves this
  module except into the htpasswd file. A correct password is checked once per credential and file
  version (kdkmp.penjaga, nginx's auth_request), a wrong one on every attempt: cost 10 ≈ 50 ms
  (12 ≈ 200 ms, measured with crypt(3)), hence 10.
- nginx's htpasswd file is written from the accounts (`tulis_htpasswd`): active accounts with a
  password, `name:$2y$…` (crypt(3) and Apache read `$2y$`; it is the same algorithm as `$2b$`),
  atomically (temp file + os.replace) under an flock so the last writer has read the last change;
  the file keeps its mode, a new one is 0644 (nginx's worker must read it). With `$KDKMP_HTPASSWD`
  set, every account or password change rewrites that file.
- Follow-up actions (`tindakan`, issue 13): the row holds the current state and a version number;
  every change appends a full snapshot to `riwayat_tindakan` (who, when, what changed as JSON), so
  no state is ever lost; the row is the latest snapshot, kept for the lists' speed. A change names
  the version it was made on: a stale one is refused (`CatatanDitolak`) and the first save stays
  (optimistic concurrency; SQLite serialises writers with BEGIN IMMEDIATE, PostgreSQL locks the
  row with FOR UPDATE). Every change writes its history row and its audit row in one transaction.
- An action carries the desa code of its koperasi (`kode_wilayah`, looked up by kdkmp.tindaklanjut
  when it is recorded): the scope of every read and write, checked here so no caller can skip it.
- Reporting status (`status_pelaporan`, issue 15): append-only transitions of a kabupaten's week
  (who, when, role, note), each naming the batch it was made on; a write raises the 'pelaporan'
  counter first (PostgreSQL: that row lock serialises the writers), then reads the week's
  transitions and lets kdkmp.pelaporan refuse, then appends the row and its audit row, all in one
  transaction. The states and who may do what are kdkmp.pelaporan's.
- Monthly reports (`laporan_bulanan`, issue 15): one row per area and month (national: wilayah ''),
  its current text, status and the numbers frozen at submission (JSON); every save, submission,
  acceptance and return appends a full snapshot to `riwayat_laporan_bulanan` and its audit row, in
  one transaction that first raises the 'laporan_bulanan' counter (serialising writers as for the
  reporting status) and lets kdkmp.laporan refuse after reading the current row. The states and
  who may do what are kdkmp.laporan's.
- Action dates (`mulai`, `target`) are ISO text `YYYY-MM-DD` in both dialects (text order is date
  order); the domain's values (types, statuses) are checked by kdkmp.tindaklanjut before they come here.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, sleep
from urllib.parse import urlsplit

import pandas as pd

from kdkmp import akses, galat

NAMA_BERKAS = "kdkmp_catatan.sqlite"
WIB = timezone(timedelta(hours=7), "WIB")
BIAYA_BCRYPT = 10
BATAS_JEJAK = 1000
TUNGGU_SQLITE_MS = 30_000
# PostgreSQL that cannot be reached is remembered for this long: every page asks the state store
# several times, and each attempt waited for the pool (up to 15 s), so an outage made every page
# hang for half a minute or more instead of showing at once what cannot be read.
JEDA_SETELAH_GAGAL_DETIK = 15.0
# pg_advisory_xact_lock key of the migrations (any constant bigint; "kdkmp" in ASCII)
_KUNCI_MIGRASI_PG = 0x6B646B6D70


class CatatanDitolak(ValueError):
    """A refused account change or input; str(e) is one Indonesian sentence. Nothing was written."""


class CatatanTidakTersedia(Exception):
    """The state store cannot be opened or used (bad URL, unreachable server, newer schema, …)."""


class HtpasswdGagal(CatatanDitolak):
    """The htpasswd file could not be written (the account change itself was saved)."""


# ---------------------------------------------------------------- event kinds (data)

PERISTIWA: dict[str, str] = {
    "masuk": "Masuk (login)",
    "akses_ditolak": "Akses ditolak",
    "muat": "Muat minggu",
    "ganti": "Ganti minggu",
    "muat_ditolak": "Pemuatan ditolak",
    "tarik": "Tarik minggu",
    "pulihkan": "Pulihkan minggu",
    "ekspor": "Ekspor data",
    "akun_tambah": "Akun ditambahkan",
    "akun_ubah": "Akun diubah",
    "akun_nonaktif": "Akun dinonaktifkan",
    "akun_aktif": "Akun diaktifkan kembali",
    "sandi": "Sandi diganti",
    "tindakan_catat": "Tindak lanjut dicatat",
    "tindakan_ubah": "Tindak lanjut diubah",
    "tindakan_impor": "Tindak lanjut diimpor",
    "pelaporan_verifikasi": "Minggu kabupaten/kota diverifikasi",
    "pelaporan_validasi": "Minggu kabupaten/kota divalidasi",
    "pelaporan_kembalikan": "Minggu kabupaten/kota dikembalikan",
    "pelaporan_buka_kembali": "Minggu kabupaten/kota dibuka kembali",
    "pelaporan_ditolak": "Perubahan status pelaporan ditolak",
    "laporan_simpan": "Laporan bulanan disimpan",
    "laporan_kirim": "Laporan bulanan dikirim",
    "laporan_terima": "Laporan bulanan diterima",
    "laporan_kembalikan": "Laporan bulanan dikembalikan",
    "laporan_ditolak": "Perubahan laporan bulanan ditolak",
}


# ---------------------------------------------------------------- schema, as an ordered list

@dataclass(frozen=True)
class Migrasi:
    versi: int
    nama: str
    perintah: tuple[str, ...]  # SQL with the dialect placeholders {id}, {waktu}, {bool}


MIGRASI: tuple[Migrasi, ...] = (
    Migrasi(versi=1, nama="akun dan jejak", perintah=(
        """CREATE TABLE akun (
             nama_pengguna TEXT NOT NULL PRIMARY KEY,
             peran TEXT NOT NULL,
             wilayah TEXT,
             aktif {bool} NOT NULL,
             sandi_bcrypt TEXT,
             dibuat_pada {waktu} NOT NULL, dibuat_oleh TEXT NOT NULL,
             diubah_pada {waktu} NOT NULL, diubah_oleh TEXT NOT NULL)""",
        "CREATE UNIQUE INDEX akun_nama_kecil ON akun (lower(nama_pengguna))",
        """CREATE TABLE jejak (
             id {id},
             pada {waktu} NOT NULL,
             oleh TEXT NOT NULL,
             peristiwa TEXT NOT NULL,
             wilayah TEXT,
             rincian TEXT NOT NULL)""",
        "CREATE INDEX jejak_pada ON jejak (pada)",
    )),
    Migrasi(versi=2, nama="tindak lanjut", perintah=(
        """CREATE TABLE tindakan (
             id {id},
             kode_koperasi TEXT NOT NULL,
             kode_wilayah TEXT NOT NULL,
             jenis TEXT NOT NULL,
             pic_nama TEXT NOT NULL,
             pic_kantor TEXT,
             mulai TEXT NOT NULL,
             target TEXT,
             status TEXT NOT NULL,
             catatan TEXT,
             versi INTEGER NOT NULL,
             dibuat_pada {waktu} NOT NULL, dibuat_oleh TEXT NOT NULL,
             diubah_pada {waktu} NOT NULL, diubah_oleh TEXT NOT NULL)""",
        "CREATE INDEX tindakan_koperasi ON tindakan (kode_koperasi, id)",
        "CREATE INDEX tindakan_wilayah ON tindakan (kode_wilayah)",
        """CREATE TABLE riwayat_tindakan (
             id {id},
             tindakan_id BIGINT NOT NULL REFERENCES tindakan (id),
             versi INTEGER NOT NULL,
             pada {waktu} NOT NULL,
             oleh TEXT NOT NULL,
             jenis TEXT NOT NULL, pic_nama TEXT NOT NULL, pic_kantor TEXT, mulai TEXT NOT NULL, target TEXT,
             status TEXT NOT NULL, catatan TEXT,
             perubahan TEXT NOT NULL,
             UNIQUE (tindakan_id, versi))""",
        # one counter per kind of data, raised by every write in its transaction: a change token
        # that, unlike max(id), cannot miss a transaction that took its id earlier and committed later
        "CREATE TABLE penanda (nama TEXT NOT NULL PRIMARY KEY, nilai BIGINT NOT NULL)",
        "INSERT INTO penanda (nama, nilai) VALUES ('tindakan', 0)",
    )),
    Migrasi(versi=3, nama="status pelaporan", perintah=(
        # append-only: one row per transition of one kabupaten's week, on the batch it was made on
        # (kdkmp.pelaporan decides which transitions count: those on the batch that holds the rows now)
        """CREATE TABLE status_pelaporan (
             id {id},
             kode_kabupaten TEXT NOT NULL,
             minggu TEXT NOT NULL,
             batch_id BIGINT NOT NULL,
             batch_dimuat_pada TEXT NOT NULL,
             aksi TEXT NOT NULL,
             status TEXT NOT NULL,
             pada {waktu} NOT NULL,
             oleh TEXT NOT NULL,
             peran TEXT NOT NULL,
             catatan TEXT)""",
        "CREATE INDEX status_pelaporan_minggu ON status_pelaporan (minggu, kode_kabupaten, id)",
        "INSERT INTO penanda (nama, nilai) VALUES ('pelaporan', 0)",
    )),
    Migrasi(versi=4, nama="laporan bulanan", perintah=(
        # one row per area and month: its current state (text, status, the numbers as submitted);
        # every save, submission and decision appends a full snapshot to riwayat_laporan_bulanan.
        # wilayah '' is the national report (a NULL would not take part in the UNIQUE key)
        """CREATE TABLE laporan_bulanan (
             id {id},
             wilayah TEXT NOT NULL,
             bulan TEXT NOT NULL,
             status TEXT NOT NULL,
             analisis TEXT, hambatan TEXT, rekomendasi TEXT,
             angka TEXT,
             catatan_induk TEXT,
             versi INTEGER NOT NULL,
             dibuat_pada {waktu} NOT NULL, dibuat_oleh TEXT NOT NULL,
             diubah_pada {waktu} NOT NULL, diubah_oleh TEXT NOT NULL,
             dikirim_pada {waktu}, dikirim_oleh TEXT,
             diputus_pada {waktu}, diputus_oleh TEXT,
             UNIQUE (wilayah, bulan))""",
        """CREATE TABLE riwayat_laporan_bulanan (
             id {id},
             laporan_id BIGINT NOT NULL REFERENCES laporan_bulanan (id),
             versi INTEGER NOT NULL,
             aksi TEXT NOT NULL,
             status TEXT NOT NULL,
             pada {waktu} NOT NULL,
             oleh TEXT NOT NULL,
             peran TEXT NOT NULL,
             analisis TEXT, hambatan TEXT, rekomendasi TEXT,
             angka TEXT,
             catatan TEXT,
             UNIQUE (laporan_id, versi))""",
        "INSERT INTO penanda (nama, nilai) VALUES ('laporan_bulanan', 0)",
    )),
)

_TABEL_VERSI = """CREATE TABLE IF NOT EXISTS versi_skema (
  versi INTEGER NOT NULL PRIMARY KEY, nama TEXT NOT NULL, diterapkan_pada {waktu} NOT NULL)"""


# ---------------------------------------------------------------- the dialect shim

@dataclass(frozen=True)
class _Dialek:
    nama: str
    id: str  # an auto-numbered primary key, never reused
    waktu: str
    bool: str

    def sql(self, teks: str) -> str:
        """`?` parameters in this dialect's style (psycopg: %s, with literal % doubled)."""
        if self.nama == "postgresql":
            return teks.replace("%", "%%").replace("?", "%s")
        return teks

    def ddl(self, teks: str) -> str:
        return teks.format(id=self.id, waktu=self.waktu, bool=self.bool)

    def waktu_param(self, t: datetime):
        """A UTC time as a parameter: SQLite keeps fixed-width ISO text (so text order is time order)."""
        t = t.astimezone(timezone.utc)
        return t.strftime("%Y-%m-%d %H:%M:%S.%f+00:00") if self.nama == "sqlite" else t


_SQLITE = _Dialek(nama="sqlite", id="INTEGER PRIMARY KEY AUTOINCREMENT", waktu="TEXT", bool="INTEGER")
_POSTGRES = _Dialek(nama="postgresql", id="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                    waktu="TIMESTAMPTZ", bool="BOOLEAN")


class _Kursor:
    """What a transaction sees: `jalankan(sql, params) -> rows`, SQL in the common `?` style."""

    def __init__(self, dialek: _Dialek, eksekusi, eksekusi_banyak=None):
        self.dialek = dialek
        self._eksekusi = eksekusi
        self._eksekusi_banyak = eksekusi_banyak

    def jalankan(self, sql: str, params: Iterable = ()) -> list[tuple]:
        return self._eksekusi(self.dialek.sql(sql), tuple(params))

    def jalankan_banyak(self, sql: str, daftar_params: Iterable[Iterable]) -> None:
        """One statement for many parameter rows, no result (psycopg pipelines them: one round trip)."""
        daftar_params = [tuple(p) for p in daftar_params]
        if daftar_params:
            self._eksekusi_banyak(self.dialek.sql(sql), daftar_params)


# ---------------------------------------------------------------- where the store is

def url_bawaan(db_path: str | os.PathLike | None = None) -> str:
    """$KDKMP_STATE_URL, else SQLite beside the DuckDB database (`--db`, $KDKMP_DB or data/)."""
    from kdkmp import store

    env = os.environ.get("KDKMP_STATE_URL", "").strip()
    if env:
        return env
    return "sqlite:///" + str(store.lokasi_db(db_path).resolve().parent / NAMA_BERKAS)


def tampilan_url(url: str) -> str:
    """The URL for messages, without a password."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


class _Toko:
    """One store: its dialect and how to get a transaction."""

    def __init__(self, url: str):
        self.url = url
        self._kunci = threading.Lock()
        self._siap = False
        self._kolam = None
        self._kunci_kolam = threading.Lock()
        self._gagal: tuple[float, str] | None = None  # (monotonic time, sentence) of the last failed attempt
        skema = urlsplit(url).scheme.lower()
        if skema == "sqlite" and url.lower().startswith("sqlite:///") and len(url) > len("sqlite:///"):
            self.dialek = _SQLITE
            self.jalur = Path(url[len("sqlite:///"):])
        elif skema in ("postgresql", "postgres"):
            self.dialek = _POSTGRES
            self.jalur = None
        else:
            raise CatatanTidakTersedia(
                f"Alamat penyimpanan catatan '{tampilan_url(url)}' (KDKMP_STATE_URL) tidak dikenal; pakai "
                "sqlite:///jalur/berkas.sqlite atau postgresql://pengguna@host/basisdata.")

    # -- SQLite: a connection per call

    def _sqlite(self) -> sqlite3.Connection:
        try:
            self.jalur.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.jalur, timeout=TUNGGU_SQLITE_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as e:
            sebab = galat.sebab_os(e) if isinstance(e, OSError) else str(e)
            raise CatatanTidakTersedia(f"Penyimpanan catatan {self.jalur} tidak dapat dibuka: {sebab}.") from None
        con.execute(f"PRAGMA busy_timeout = {TUNGGU_SQLITE_MS}")
        con.execute("PRAGMA synchronous = FULL")
        return con

    def _wal(self) -> None:
        """WAL is a property of the file: set once, kept by every later connection. Switching to it
        needs the file to itself and answers 'locked' at once, without the busy handler, while
        another process holds it (seen with four processes starting together): so wait here."""
        con = self._sqlite()
        try:
            batas = monotonic() + TUNGGU_SQLITE_MS / 1000
            while True:
                try:
                    if con.execute("PRAGMA journal_mode").fetchall()[0][0] != "wal":
                        con.execute("PRAGMA journal_mode = WAL").fetchall()
                    return
                except sqlite3.OperationalError as e:
                    if "locked" not in str(e) or monotonic() > batas:
                        raise
                    sleep(0.02)
        finally:
            con.close()

    # -- PostgreSQL: a small pool per URL

    def _pool(self):
        with self._kunci_kolam:
            return self._pool_terkunci()

    def _gagal_baru_saja(self) -> None:
        """Refuse at once while the last failure to reach PostgreSQL is recent."""
        gagal = self._gagal
        if gagal is not None and monotonic() - gagal[0] < JEDA_SETELAH_GAGAL_DETIK:
            raise CatatanTidakTersedia(gagal[1])

    def _tidak_terhubung(self, e: Exception) -> CatatanTidakTersedia:
        pesan = (f"Penyimpanan catatan {tampilan_url(self.url)} tidak dapat dihubungi ({type(e).__name__}); "
                 "periksa KDKMP_STATE_URL dan apakah PostgreSQL berjalan.")
        self._gagal = (monotonic(), pesan)
        return CatatanTidakTersedia(pesan)

    def _pool_terkunci(self):
        if self._kolam is None:
            import psycopg
            from psycopg_pool import ConnectionPool, PoolTimeout

            self._gagal_baru_saja()  # others who waited on the lock for a failing attempt
            kolam = ConnectionPool(self.url, min_size=1, max_size=4, open=False, timeout=15,
                                   check=ConnectionPool.check_connection, name="kdkmp_catatan")
            try:
                kolam.open(wait=True, timeout=5)
            except (PoolTimeout, psycopg.Error) as e:
                kolam.close()
                raise self._tidak_terhubung(e) from None
            self._kolam = kolam
        return self._kolam

    @contextmanager
    def _transaksi_mentah(self, tulis: bool) -> Iterator[_Kursor]:
        if self.dialek is _SQLITE:
            con = self._sqlite()
            try:
                def eksekusi(sql, params):
                    return con.execute(sql, params).fetchall()
                con.execute("BEGIN IMMEDIATE" if tulis else "BEGIN")
                try:
                    yield _Kursor(self.dialek, eksekusi, con.executemany)
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()
        else:
            import psycopg
            from psycopg_pool import PoolTimeout

            self._gagal_baru_saja()
            with ExitStack() as tumpukan:
                try:
                    # the pool's context commits on success and rolls back on an exception
                    con = tumpukan.enter_context(self._pool().connection())
                except (PoolTimeout, psycopg.OperationalError) as e:
                    raise self._tidak_terhubung(e) from None
                self._gagal = None
                cur = tumpukan.enter_context(con.cursor())

                def eksekusi(sql, params):
                    cur.execute(sql, params)
                    return cur.fetchall() if cur.description is not None else []
                yield _Kursor(self.dialek, eksekusi, cur.executemany)

    @contextmanager
    def transaksi(self, tulis: bool = False) -> Iterator[_Kursor]:
        self._pastikan_skema()
        with self._transaksi_mentah(tulis) as k:
            yield k

    # -- migrations

    def _pastikan_skema(self) -> None:
        if self._siap and (self.jalur is None or self.jalur.exists()):
            return
        with self._kunci:
            if self.dialek is _SQLITE:
                self._wal()
            with self._transaksi_mentah(tulis=True) as k:
                if self.dialek is _POSTGRES:
                    k.jalankan("SELECT pg_advisory_xact_lock(?)", [_KUNCI_MIGRASI_PG])
                k.jalankan(self.dialek.ddl(_TABEL_VERSI))
                sudah = k.jalankan("SELECT coalesce(max(versi), 0) FROM versi_skema")[0][0]
                terbaru = MIGRASI[-1].versi
                if sudah > terbaru:
                    raise CatatanTidakTersedia(
                        f"Penyimpanan catatan {tampilan_url(self.url)} memakai skema versi {sudah}, lebih baru "
                        f"daripada yang dikenal aplikasi ini ({terbaru}); perbarui aplikasi lebih dulu.")
                for m in MIGRASI:
                    if m.versi > sudah:
                        for perintah in m.perintah:
                            k.jalankan(self.dialek.ddl(perintah))
                        k.jalankan("INSERT INTO versi_skema (versi, nama, diterapkan_pada) VALUES (?, ?, ?)",
                                   [m.versi, m.nama, self.dialek.waktu_param(_sekarang())])
            self._siap = True

    def tutup(self) -> None:
        with self._kunci_kolam:
            if self._kolam is not None:
                self._kolam.close()
                self._kolam = None
        self._siap = False


_toko_per_url: dict[str, _Toko] = {}
_kunci_toko = threading.Lock()


def _toko(url: str | None = None) -> _Toko:
    url = url or url_bawaan()
    with _kunci_toko:
        toko = _toko_per_url.get(url)
        if toko is None:
            toko = _toko_per_url[url] = _Toko(url)
        return toko


def tutup_semua() -> None:
    """Close every pool and forget which stores were migrated (tests; process exit)."""
    with _kunci_toko:
        for toko in _toko_per_url.values():
            toko.tutup()
        _toko_per_url.clear()


atexit.register(tutup_semua)


def siapkan(url: str | None = None) -> int:
    """Create or migrate the store now; returns its schema version."""
    return versi_skema(url)


def versi_skema(url: str | None = None) -> int:
    """The highest migration applied to the store (after applying what is missing)."""
    with _toko(url).transaksi() as k:
        return int(k.jalankan("SELECT coalesce(max(versi), 0) FROM versi_skema")[0][0])


def _sekarang() -> datetime:
    return datetime.now(timezone.utc)


def hari_ini() -> date:
    """Today in WIB, the PMO's day: what a date given to baca_jejak, a follow-up's target or a
    reporting week means (the server's own date is UTC: from 17:00 it is still yesterday)."""
    return _sekarang().astimezone(WIB).date()


# ---------------------------------------------------------------- the audit trail

def _json(rincian: Mapping) -> str:
    return json.dumps(dict(rincian), ensure_ascii=False, sort_keys=True, default=str)


def _catat(k: _Kursor, peristiwa: str, oleh: str, wilayah: str | None, rincian: Mapping) -> int:
    if peristiwa not in PERISTIWA:
        raise ValueError(f"unknown audit event kind {peristiwa!r}; add it to catatan.PERISTIWA")
    oleh = (oleh or "").strip() or "tidak diketahui"
    return int(k.jalankan(
        "INSERT INTO jejak (pada, oleh, peristiwa, wilayah, rincian) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [k.dialek.waktu_param(_sekarang()), oleh, peristiwa, wilayah, _json(rincian)])[0][0])


def catat(peristiwa: str, oleh: str, *, wilayah: str | None = None, url: str | None = None, **rincian) -> int:
    """Append one audit row (rincian as JSON: file, sha256, minggu, saringan, baris, format, …); its id."""
    with _toko(url).transaksi(tulis=True) as k:
        return _catat(k, peristiwa, oleh, wilayah, rincian)


_KOLOM_JEJAK = ["id", "pada", "oleh", "peristiwa", "wilayah", "rincian"]


def _batas_waktu(t: date | datetime, akhir: bool) -> datetime:
    if isinstance(t, datetime):
        return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    hari = t + timedelta(days=1) if akhir else t
    return datetime.combine(hari, time(0), tzinfo=WIB)


def baca_jejak(dari: date | datetime | None = None, sampai: date | datetime | None = None,
               oleh: str | None = None, peristiwa: str | Iterable[str] | None = None, *,
               wilayah: str | None = None, batas: int | None = BATAS_JEJAK, url: str | None = None) -> pd.DataFrame:
    """Audit rows, newest first. A date bound is a whole WIB day (both ends inclusive); `oleh`
    ignores case; `wilayah` matches the area and everything inside it; `batas` None = all."""
    toko = _toko(url)
    d = toko.dialek
    syarat, params = [], []
    if dari is not None:
        syarat.append("pada >= ?")
        params.append(d.waktu_param(_batas_waktu(dari, akhir=False)))
    if sampai is not None:
        # a datetime is an inclusive end; a date ends at the next WIB midnight (exclusive)
        syarat.append("pada < ?" if not isinstance(sampai, datetime) else "pada <= ?")
        params.append(d.waktu_param(_batas_waktu(sampai, akhir=True)))
    if oleh:
        syarat.append("lower(oleh) = lower(?)")
        params.append(oleh.strip())
    if peristiwa:
        jenis = [peristiwa] if isinstance(peristiwa, str) else list(peristiwa)
        syarat.append(f"peristiwa IN ({', '.join('?' * len(jenis))})")
        params.extend(jenis)
    if wilayah:
        syarat.append("(wilayah = ? OR wilayah LIKE ?)")
        params.extend([wilayah, wilayah.replace("%", "").replace("_", "") + ".%"])
    sql = f"SELECT {', '.join(_KOLOM_JEJAK)} FROM jejak"
    if syarat:
        sql += " WHERE " + " AND ".join(syarat)
    sql += " ORDER BY pada DESC, id DESC"
    if batas is not None:
        sql += " LIMIT ?"
        params.append(int(batas))
    with toko.transaksi() as k:
        baris = k.jalankan(sql, params)
    df = pd.DataFrame(baris, columns=_KOLOM_JEJAK)
    df["id"] = df["id"].astype("int64")
    df["pada"] = pd.to_datetime(df["pada"], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    for kolom in ("oleh", "peristiwa", "wilayah", "rincian"):
        df[kolom] = df[kolom].astype("str")
    return df


KOLOM_JEJAK_ORANG = {"id": "No.", "waktu": "Waktu (WIB)", "oleh": "Oleh", "label": "Peristiwa",
                     "wilayah": "Wilayah", "rincian": "Rincian"}


def jejak_untuk_orang(df: pd.DataFrame) -> pd.DataFrame:
    """The audit frame for people (screen, CSV): time in WIB without zone, Indonesian event label."""
    return pd.DataFrame({
        "id": df["id"],
        "waktu": df["pada"].dt.tz_convert(WIB).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "oleh": df["oleh"],
        "label": df["peristiwa"].map(lambda p: PERISTIWA.get(p, p)),
        "wilayah": df["wilayah"],
        "rincian": df["rincian"],
    }).rename(columns=KOLOM_JEJAK_ORANG)


# ---------------------------------------------------------------- accounts

_POLA_NAMA = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
PANJANG_SANDI_MIN = 8
PANJANG_SANDI_MAKS_BITA = 72  # bcrypt reads no further (bcrypt 5 refuses longer input)


def periksa_nama(nama: str) -> str:
    """The user name, stripped, or CatatanDitolak saying what is allowed."""
    nama = (nama or "").strip()
    if not _POLA_NAMA.fullmatch(nama):
        raise CatatanDitolak(
            f"Nama pengguna '{nama}' tidak sah: pakai 1 sampai 64 huruf, angka, titik, garis bawah, tanda minus, "
            "@ atau +, diawali huruf atau angka, tanpa spasi dan titik dua.")
    return nama


def _hash_sandi(sandi: str) -> str:
    import bcrypt

    if "\n" in sandi or "\r" in sandi:
        raise CatatanDitolak("Sandi tidak boleh berisi baris baru.")
    if len(sandi) < PANJANG_SANDI_MIN:
        raise CatatanDitolak(f"Sandi terlalu pendek: paling sedikit {PANJANG_SANDI_MIN} karakter.")
    if len(sandi.encode("utf-8")) > PANJANG_SANDI_MAKS_BITA:
        raise CatatanDitolak(f"Sandi terlalu panjang: paling banyak {PANJANG_SANDI_MAKS_BITA} bita "
                             "(bcrypt tidak membaca lebih dari itu).")
    return bcrypt.hashpw(sandi.encode("utf-8"), bcrypt.gensalt(BIAYA_BCRYPT)).decode("ascii")


def _peran_wilayah(peran: str, wilayah: str | None) -> str | None:
    try:
        return akses.periksa_peran_wilayah(peran, wilayah)
    except ValueError as e:
        raise CatatanDitolak(str(e)) from None


_KOLOM_AKUN = ["nama_pengguna", "peran", "wilayah", "aktif", "sandi_bcrypt",
               "dibuat_pada", "dibuat_oleh", "diubah_pada", "diubah_oleh"]


def _ambil(k: _Kursor, nama: str) -> dict | None:
    r = k.jalankan(f"SELECT {', '.join(_KOLOM_AKUN)} FROM akun WHERE lower(nama_pengguna) = lower(?)", [nama])
    if not r:
        return None
    akun = dict(zip(_KOLOM_AKUN, r[0]))
    akun["aktif"] = bool(akun["aktif"])
    return akun


def _harus_ada(k: _Kursor, nama: str) -> dict:
    akun = _ambil(k, nama)
    if akun is None:
        raise CatatanDitolak(f"Akun '{nama}' tidak terdaftar; tidak ada yang diubah.")
    return akun


def _ringkas(akun: Mapping) -> dict:
    return {"peran": akun["peran"], "wilayah": akun["wilayah"], "aktif": bool(akun["aktif"])}


def tambah_akun(nama: str, peran: str, wilayah: str | None = None, *, oleh: str, sandi: str | None = None,
                aktif: bool = True, konteks: Mapping | None = None, url: str | None = None) -> dict:
    """Add an account (role and wilayah checked, optional password hashed); audited as akun_tambah.
    Returns the account as stored (without the hash)."""
    nama = periksa_nama(nama)
    kode = _peran_wilayah(peran, wilayah)
    hash_sandi = _hash_sandi(sandi) if sandi is not None else None
    toko = _toko(url)
    try:
        with toko.transaksi(tulis=True) as k:
            lama = _ambil(k, nama)
            if lama is not None:
                raise CatatanDitolak(_pesan_kembar(nama, lama["nama_pengguna"]))
            t = k.dialek.waktu_param(_sekarang())
            k.jalankan(f"INSERT INTO akun ({', '.join(_KOLOM_AKUN)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [nama, peran, kode, bool(aktif), hash_sandi, t, oleh, t, oleh])
            akun = {"nama_pengguna": nama, "peran": peran, "wilayah": kode, "aktif": bool(aktif)}
            _catat(k, "akun_tambah", oleh, kode, {"akun": nama, **_ringkas(akun), "sandi": hash_sandi is not None,
                                                  **(konteks or {})})
    except _galat_unik(toko) as e:  # the same name added at the same moment elsewhere
        raise CatatanDitolak(_pesan_kembar(nama, nama)) from e
    _segarkan_htpasswd(url)
    return akun


def _pesan_kembar(nama: str, yang_ada: str) -> str:
    sebutan = f"'{yang_ada}'" if yang_ada == nama else f"'{yang_ada}' (huruf besar/kecil tidak dibedakan)"
    return f"Nama pengguna '{nama}' sudah terdaftar sebagai {sebutan}; pakai `pengguna ubah` untuk mengubahnya."


def _galat_unik(toko: _Toko) -> type[Exception] | tuple:
    if toko.dialek is _SQLITE:
        return sqlite3.IntegrityError
    import psycopg

    return psycopg.errors.UniqueViolation


_TETAP = object()


def ubah_akun(nama: str, *, oleh: str, peran: str | None = None, wilayah: object = _TETAP,
              aktif: bool | None = None, konteks: Mapping | None = None, url: str | None = None) -> dict | None:
    """Change role, wilayah and/or active; returns the account after, or None when nothing changed.

    A role changed to a national one drops the wilayah unless one is given (and then refuses it);
    a role changed to a regional one keeps the wilayah unless one is given, and is checked with it.
    Audited as akun_ubah (akun_nonaktif / akun_aktif when only `aktif` changes)."""
    if peran is None and wilayah is _TETAP and aktif is None:
        raise CatatanDitolak(f"Tidak ada yang diubah pada akun '{nama}': sebutkan peran, wilayah, aktif atau nonaktif.")
    with _toko(url).transaksi(tulis=True) as k:
        lama = _harus_ada(k, nama)
        peran_baru = lama["peran"] if peran is None else peran
        if wilayah is _TETAP:
            nasional = peran_baru in akses.PERAN and akses.PERAN[peran_baru].tingkat_wilayah is None
            wilayah_baru = None if nasional else lama["wilayah"]
        else:
            wilayah_baru = wilayah
        kode = _peran_wilayah(peran_baru, wilayah_baru)
        baru = {"peran": peran_baru, "wilayah": kode, "aktif": lama["aktif"] if aktif is None else bool(aktif)}
        sebelum = _ringkas(lama)
        if baru == sebelum:
            return None
        k.jalankan("UPDATE akun SET peran = ?, wilayah = ?, aktif = ?, diubah_pada = ?, diubah_oleh = ? "
                   "WHERE nama_pengguna = ?",
                   [baru["peran"], kode, baru["aktif"], k.dialek.waktu_param(_sekarang()), oleh, lama["nama_pengguna"]])
        hanya_aktif = {x for x in baru if baru[x] != sebelum[x]} == {"aktif"}
        jenis = ("akun_aktif" if baru["aktif"] else "akun_nonaktif") if hanya_aktif else "akun_ubah"
        _catat(k, jenis, oleh, kode or sebelum["wilayah"],
               {"akun": lama["nama_pengguna"], "sebelum": sebelum, "sesudah": baru, **(konteks or {})})
    _segarkan_htpasswd(url)
    return {"nama_pengguna": lama["nama_pengguna"], **baru}


def nonaktifkan_akun(nama: str, *, oleh: str, konteks: Mapping | None = None, url: str | None = None) -> dict | None:
    """Deactivate an account (kept, with its history; it can sign in no more); None if it already was."""
    return ubah_akun(nama, oleh=oleh, aktif=False, konteks=konteks, url=url)


def aktifkan_akun(nama: str, *, oleh: str, konteks: Mapping | None = None, url: str | None = None) -> dict | None:
    """Activate a deactivated account again; None if it was active."""
    return ubah_akun(nama, oleh=oleh, aktif=True, konteks=konteks, url=url)


aktifkan = aktifkan_akun  # the name the brief uses


def ganti_sandi(nama: str, sandi: str, *, oleh: str, konteks: Mapping | None = None, url: str | None = None) -> None:
    """Store a new bcrypt hash for the account; audited as 'sandi' (never the password or hash)."""
    hash_sandi = _hash_sandi(sandi)
    with _toko(url).transaksi(tulis=True) as k:
        akun = _harus_ada(k, nama)
        k.jalankan("UPDATE akun SET sandi_bcrypt = ?, diubah_pada = ?, diubah_oleh = ? WHERE nama_pengguna = ?",
                   [hash_sandi, k.dialek.waktu_param(_sekarang()), oleh, akun["nama_pengguna"]])
        _catat(k, "sandi", oleh, akun["wilayah"], {"akun": akun["nama_pengguna"], **(konteks or {})})
    _segarkan_htpasswd(url)


def cari_akun(nama: str, url: str | None = None) -> tuple[str, str | None, bool, str] | None:
    """(peran, wilayah, aktif, the name as the account spells it) of a user name, ignoring case;
    None when there is no such account (also for a name that could never be one). The shape
    `akses.tentukan_pengguna` expects: whoever signs in as "Sari" acts, and is audited, as "sari"."""
    if not nama or not _POLA_NAMA.fullmatch(nama.strip()):
        return None
    with _toko(url).transaksi() as k:
        r = k.jalankan("SELECT peran, wilayah, aktif, nama_pengguna FROM akun WHERE lower(nama_pengguna) = lower(?)",
                       [nama.strip()])
    return (r[0][0], r[0][1], bool(r[0][2]), r[0][3]) if r else None


def periksa_sandi(nama: str, sandi: str, url: str | None = None) -> bool:
    """Whether `sandi` is the password of the active account `nama`."""
    import bcrypt

    with _toko(url).transaksi() as k:
        akun = _ambil(k, nama) if _POLA_NAMA.fullmatch((nama or "").strip()) else None
    if akun is None or not akun["aktif"] or not akun["sandi_bcrypt"]:
        return False
    try:
        return bcrypt.checkpw(sandi.encode("utf-8"), akun["sandi_bcrypt"].encode("ascii"))
    except ValueError:  # longer than 72 bytes: never a stored password
        return False


def daftar_akun(url: str | None = None) -> pd.DataFrame:
    """Every account (hash left out; `ada_sandi` says whether it has one), by name."""
    with _toko(url).transaksi() as k:
        baris = k.jalankan(f"SELECT {', '.join(_KOLOM_AKUN)} FROM akun ORDER BY lower(nama_pengguna)")
    df = pd.DataFrame(baris, columns=_KOLOM_AKUN)
    df["aktif"] = df["aktif"].astype(bool)
    df.insert(4, "ada_sandi", df.pop("sandi_bcrypt").notna().astype(bool))
    for kolom in ("dibuat_pada", "diubah_pada"):
        df[kolom] = pd.to_datetime(df[kolom], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    for kolom in ("nama_pengguna", "peran", "wilayah", "dibuat_oleh", "diubah_oleh"):
        df[kolom] = df[kolom].astype("str")
    return df


# ---------------------------------------------------------------- nginx's htpasswd file

def isi_htpasswd(url: str | None = None) -> str:
    """htpasswd lines `name:$2y$…` (kdkmp.penjaga; nginx's auth_basic reads them too) for active
    accounts with a password, by name."""
    with _toko(url).transaksi() as k:
        baris = k.jalankan("SELECT nama_pengguna, sandi_bcrypt FROM akun WHERE aktif = ? AND sandi_bcrypt IS NOT NULL "
                           "ORDER BY lower(nama_pengguna)", [True])
    return "".join(f"{nama}:$2y${h[4:]}\n" for nama, h in baris)


def tulis_htpasswd(jalur: str | os.PathLike, url: str | None = None) -> int:
    """Write the htpasswd file atomically; returns how many accounts it holds."""
    jalur = Path(jalur)
    try:
        jalur.parent.mkdir(parents=True, exist_ok=True)
        with open(jalur.with_name(jalur.name + ".lock"), "w") as kunci:
            fcntl.flock(kunci, fcntl.LOCK_EX)  # read after every change that locked before us
            isi = isi_htpasswd(url)
            mode = jalur.stat().st_mode & 0o7777 if jalur.exists() else 0o644
            fd, sementara = tempfile.mkstemp(dir=jalur.parent, prefix=f".{jalur.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(isi)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(sementara, mode)
                if jalur.exists():
                    st = jalur.stat()
                    try:
                        os.chown(sementara, st.st_uid, st.st_gid)
                    except PermissionError:
                        pass
                os.replace(sementara, jalur)
            except BaseException:
                Path(sementara).unlink(missing_ok=True)
                raise
    except OSError as e:
        raise HtpasswdGagal(f"Berkas htpasswd {jalur} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
    return isi.count("\n")


def _segarkan_htpasswd(url: str | None) -> None:
    jalur = os.environ.get("KDKMP_HTPASSWD", "").strip()
    if not jalur:
        return
    try:
        tulis_htpasswd(jalur, url)
    except HtpasswdGagal as e:
        raise HtpasswdGagal(f"Perubahan akun sudah disimpan, tetapi {str(e)[0].lower()}{str(e)[1:-1]}; perbaiki lalu "
                            f"jalankan `python -m kdkmp pengguna htpasswd --out {jalur}`.") from None


# ---------------------------------------------------------------- follow-up actions (tindakan)

KOLOM_ISI_TINDAKAN = ("jenis", "pic_nama", "pic_kantor", "mulai", "target", "status", "catatan")
_KOLOM_TINDAKAN = ["id", "kode_koperasi", "kode_wilayah", *KOLOM_ISI_TINDAKAN, "versi",
                   "dibuat_pada", "dibuat_oleh", "diubah_pada", "diubah_oleh"]
_KOLOM_RIWAYAT = ["tindakan_id", "kode_koperasi", "versi", "pada", "oleh", *KOLOM_ISI_TINDAKAN, "perubahan"]
# an IN list longer than this is split (SQLite allows 32,766 parameters, psycopg 65,535)
_POTONG_IN = 900


@dataclass(frozen=True)
class TindakanBaru:
    """A new action: its koperasi, the koperasi's desa code (the scope) and every field of
    KOLOM_ISI_TINDAKAN (already checked by kdkmp.tindaklanjut; dates as date or ISO text)."""
    kode_koperasi: str
    kode_wilayah: str
    isi: Mapping


@dataclass(frozen=True)
class UbahTindakan:
    """A change of action `id` made on version `versi`; `isi` holds only the fields that change."""
    id: int
    versi: int
    isi: Mapping


def _nilai_isi(kolom: str, v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if kolom in ("mulai", "target") and isinstance(v, (date, datetime)):
        return (v.date() if isinstance(v, datetime) else v).isoformat()
    v = str(v).strip()
    return v or None


def tulis_tindakan(perubahan: Iterable[TindakanBaru | UbahTindakan], *, oleh: str, cakupan: str | None,
                   konteks: Mapping | None = None, impor: Mapping | None = None,
                   url: str | None = None) -> list[dict]:
    """Record new actions and change existing ones, all in one transaction (all or nothing).

    Every change appends its snapshot to riwayat_tindakan and its audit row (tindakan_catat /
    tindakan_ubah) in the same transaction; `impor` (file, counts) adds one tindakan_impor row.
    Refused with CatatanDitolak, nothing written: an action outside `cakupan`, an unknown id, a
    stale version (someone saved first: that save is kept), a change that changes nothing, one
    action changed twice in one call. Returns per change, in the given order, {id, kode_koperasi,
    versi (the new one), baru, diubah: {kolom: [lama, baru]}}."""
    perubahan = list(perubahan)
    oleh = (oleh or "").strip() or "tidak diketahui"
    baru = [p for p in perubahan if isinstance(p, TindakanBaru)]
    ubah = [p for p in perubahan if not isinstance(p, TindakanBaru)]
    for p in baru:
        if not akses.di_dalam(p.kode_wilayah, cakupan):
            raise CatatanDitolak(akses.kalimat_di_luar(None, cakupan, apa=f"Koperasi {p.kode_koperasi}"))
    id_ubah = [int(p.id) for p in ubah]
    if len(set(id_ubah)) < len(id_ubah):
        kembar = next(i for i in id_ubah if id_ubah.count(i) > 1)
        raise CatatanDitolak(f"Tindak lanjut nomor {kembar} diubah dua kali sekaligus; ubah sekali saja.")
    toko = _toko(url)
    d = toko.dialek
    hasil: dict[int, dict] = {}  # position in `perubahan` → result
    riwayat, jejak, pembaruan = [], [], []
    with toko.transaksi(tulis=True) as k:
        t = d.waktu_param(_sekarang())
        # changes: read and lock every row first (SQLite: BEGIN IMMEDIATE already serialises writers)
        lama_per_id = {}
        kunci = " FOR UPDATE" if d is _POSTGRES else ""
        for potong in _potongan(id_ubah) if id_ubah else []:
            for r in k.jalankan(f"SELECT {', '.join(_KOLOM_TINDAKAN)} FROM tindakan WHERE id IN "
                                f"({', '.join('?' * len(potong))}){kunci}", potong):
                lama_per_id[int(r[0])] = dict(zip(_KOLOM_TINDAKAN, r))
        for posisi, p in enumerate(perubahan):
            if isinstance(p, TindakanBaru):
                continue
            lama = lama_per_id.get(int(p.id))
            if lama is None:
                raise CatatanDitolak(f"Tindak lanjut nomor {p.id} tidak ada; tidak ada yang diubah.")
            kode, wil = lama["kode_koperasi"], lama["kode_wilayah"]
            if not akses.di_dalam(wil, cakupan):
                raise CatatanDitolak(akses.kalimat_di_luar(None, cakupan, apa=f"Koperasi {kode}"))
            if int(lama["versi"]) != int(p.versi):
                pada = pd.Timestamp(lama["diubah_pada"]).tz_convert(WIB).strftime("%Y-%m-%d %H:%M")
                raise CatatanDitolak(
                    f"Tindak lanjut nomor {p.id} (koperasi {kode}) sudah diubah oleh {lama['diubah_oleh']} pada "
                    f"{pada} WIB (versi {lama['versi']}, Anda mengubah versi {p.versi}); perubahan Anda tidak "
                    "disimpan: muat ulang tindak lanjut itu lalu ulangi perubahan Anda.")
            isi = {kol: _nilai_isi(kol, p.isi[kol]) if kol in p.isi else lama[kol] for kol in KOLOM_ISI_TINDAKAN}
            diubah = {kol: [lama[kol], isi[kol]] for kol in KOLOM_ISI_TINDAKAN if isi[kol] != lama[kol]}
            if not diubah:
                raise CatatanDitolak(f"Tidak ada yang diubah pada tindak lanjut nomor {p.id} (koperasi {kode}).")
            versi = int(lama["versi"]) + 1
            pembaruan.append([*isi.values(), versi, t, oleh, int(p.id), int(p.versi)])
            riwayat.append([int(p.id), versi, t, oleh, *isi.values(), _json(diubah)])
            jejak.append(("tindakan_ubah", wil, {"tindakan": int(p.id), "kode_koperasi": kode, "versi": versi,
                                                 "perubahan": diubah}))
            hasil[posisi] = {"id": int(p.id), "kode_koperasi": kode, "versi": versi, "baru": False, "diubah": diubah}
        k.jalankan_banyak(f"UPDATE tindakan SET {', '.join(f'{kol} = ?' for kol in KOLOM_ISI_TINDAKAN)}, versi = ?, "
                          "diubah_pada = ?, diubah_oleh = ? WHERE id = ? AND versi = ?", pembaruan)
        # new actions: many rows per INSERT; RETURNING hands back each id with the row's content, so
        # ids are matched by content (two rows alike in everything are interchangeable)
        posisi_baru: dict[tuple, list[int]] = {}
        for posisi, p in enumerate(perubahan):
            if isinstance(p, TindakanBaru):
                isi = tuple(_nilai_isi(kol, p.isi.get(kol)) for kol in KOLOM_ISI_TINDAKAN)
                posisi_baru.setdefault((p.kode_koperasi, p.kode_wilayah, *isi), []).append(posisi)
        baris_baru = [kunci_isi for kunci_isi, daftar in posisi_baru.items() for _ in daftar]
        kolom_baru = ["kode_koperasi", "kode_wilayah", *KOLOM_ISI_TINDAKAN]
        for i in range(0, len(baris_baru), 200):
            potong = baris_baru[i:i + 200]
            nilai = ", ".join(f"({', '.join('?' * (len(kolom_baru) + 5))})" for _ in potong)
            params = [v for b in potong for v in (*b, 1, t, oleh, t, oleh)]
            for r in k.jalankan(f"INSERT INTO tindakan ({', '.join(kolom_baru)}, versi, dibuat_pada, dibuat_oleh, "
                                f"diubah_pada, diubah_oleh) VALUES {nilai} RETURNING id, {', '.join(kolom_baru)}",
                                params):
                posisi = posisi_baru[tuple(r[1:])].pop()
                id_ = int(r[0])
                kode, wil, isi = r[1], r[2], dict(zip(KOLOM_ISI_TINDAKAN, r[3:]))
                diubah = {kol: [None, v] for kol, v in isi.items() if v is not None}
                riwayat.append([id_, 1, t, oleh, *isi.values(), _json(diubah)])
                jejak.append(("tindakan_catat", wil, {"tindakan": id_, "kode_koperasi": kode, "versi": 1,
                                                      "perubahan": diubah}))
                hasil[posisi] = {"id": id_, "kode_koperasi": kode, "versi": 1, "baru": True, "diubah": diubah}
        k.jalankan_banyak(f"INSERT INTO riwayat_tindakan (tindakan_id, versi, pada, oleh, "
                          f"{', '.join(KOLOM_ISI_TINDAKAN)}, perubahan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          riwayat)
        k.jalankan_banyak("INSERT INTO jejak (pada, oleh, peristiwa, wilayah, rincian) VALUES (?, ?, ?, ?, ?)",
                          [(t, oleh, jenis, wil, _json({**rincian, **(konteks or {})})) for jenis, wil, rincian in jejak])
        if impor is not None:
            _catat(k, "tindakan_impor", oleh, cakupan, {**impor, **(konteks or {})})
        k.jalankan("UPDATE penanda SET nilai = nilai + 1 WHERE nama = 'tindakan'")
    return [hasil[i] for i in range(len(perubahan))]


def tanda_tindakan(url: str | None = None) -> tuple[int, str]:
    """A cache key for frames built from the actions, one row read: (a number that grows with every
    committed write of actions: the `penanda` row each write raises in its transaction, when this
    store's actions table was created: a store made anew at the same address starts again at 0)."""
    return _tanda("tindakan", 2, url)


def _tanda(nama: str, versi: int, url: str | None) -> tuple[int, str]:
    with _toko(url).transaksi() as k:
        r = k.jalankan("SELECT p.nilai, v.diterapkan_pada FROM penanda p JOIN versi_skema v ON v.versi = ? "
                       "WHERE p.nama = ?", [versi, nama])[0]
    return int(r[0]), str(r[1])


def _saring_tindakan(cakupan: str | None, wilayah: str | None, alias: str = "") -> tuple[list[str], list]:
    syarat, params = [], []
    for kode in (cakupan, wilayah):
        if kode:
            syarat.append(f"({alias}kode_wilayah = ? OR {alias}kode_wilayah LIKE ?)")
            params.extend([kode, kode.replace("%", "").replace("_", "") + ".%"])
    return syarat, params


def _potongan(kode_koperasi) -> list[list[str] | None]:
    if kode_koperasi is None:
        return [None]
    daftar = [kode_koperasi] if isinstance(kode_koperasi, str) else list(dict.fromkeys(kode_koperasi))
    return [daftar[i:i + _POTONG_IN] for i in range(0, len(daftar), _POTONG_IN)]


def _tanggal_kolom(df: pd.DataFrame, waktu: Iterable[str], tanggal: Iterable[str]) -> pd.DataFrame:
    for kolom in waktu:
        df[kolom] = pd.to_datetime(df[kolom], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    for kolom in tanggal:
        df[kolom] = pd.to_datetime(df[kolom], format="%Y-%m-%d").astype("datetime64[us]")
    return df


def baca_tindakan(*, kode_koperasi: str | Iterable[str] | None = None, id: int | None = None,
                  cakupan: str | None = None, wilayah: str | None = None, hanya_terakhir: bool = False,
                  tanpa_jejak: bool = False, url: str | None = None) -> pd.DataFrame:
    """Actions (current state) inside `cakupan` and `wilayah` (None = all), newest first; only the
    newest action of each koperasi with `hanya_terakhir`. Columns: id, kode_koperasi, kode_wilayah,
    jenis, pic_nama, pic_kantor, mulai, target (datetime64, dates), status, catatan, versi,
    dibuat_pada, dibuat_oleh, diubah_pada, diubah_oleh (the last four left out with `tanpa_jejak`:
    the lists do not show them, and parsing their times is a third of the cost)."""
    kolom_tindakan = _KOLOM_TINDAKAN[:-4] if tanpa_jejak else _KOLOM_TINDAKAN
    syarat, params = _saring_tindakan(cakupan, wilayah, "t.")
    if id is not None:
        syarat.append("t.id = ?")
        params.append(int(id))
    baris = []
    with _toko(url).transaksi() as k:
        for potong in _potongan(kode_koperasi):
            s, p = list(syarat), list(params)
            if potong is not None:
                s.append(f"t.kode_koperasi IN ({', '.join('?' * len(potong))})")
                p.extend(potong)
            where = (" WHERE " + " AND ".join(s)) if s else ""
            if hanya_terakhir:
                sql = (f"SELECT {', '.join('t.' + c for c in kolom_tindakan)} FROM tindakan t WHERE t.id IN "
                       f"(SELECT max(t.id) FROM tindakan t{where} GROUP BY t.kode_koperasi)")
            else:
                sql = f"SELECT {', '.join('t.' + c for c in kolom_tindakan)} FROM tindakan t{where}"
            baris += k.jalankan(sql, p)
    df = pd.DataFrame(baris, columns=kolom_tindakan)
    df["id"] = df["id"].astype("int64")
    df["versi"] = df["versi"].astype("int64")
    df = _tanggal_kolom(df, () if tanpa_jejak else ("dibuat_pada", "diubah_pada"), ("mulai", "target"))
    for kolom in ("kode_koperasi", "kode_wilayah", "jenis", "pic_nama", "pic_kantor", "status", "catatan",
                  *(() if tanpa_jejak else ("dibuat_oleh", "diubah_oleh"))):
        df[kolom] = df[kolom].astype("str")
    return df.sort_values("id", ascending=False).reset_index(drop=True)


def baca_riwayat_tindakan(*, kode_koperasi: str | None = None, tindakan_id: int | None = None,
                          cakupan: str | None = None, url: str | None = None) -> pd.DataFrame:
    """Every saved version of the actions of one koperasi (or one action) inside `cakupan`, oldest
    first: tindakan_id, kode_koperasi, versi, pada, oleh, the fields as saved, perubahan ({kolom:
    [lama, baru]}; at version 1 lama is None)."""
    syarat, params = _saring_tindakan(cakupan, None, "t.")
    if kode_koperasi is not None:
        syarat.append("t.kode_koperasi = ?")
        params.append(kode_koperasi)
    if tindakan_id is not None:
        syarat.append("t.id = ?")
        params.append(int(tindakan_id))
    kolom = ", ".join(["r.tindakan_id", "t.kode_koperasi", "r.versi", "r.pada", "r.oleh",
                       *(f"r.{c}" for c in KOLOM_ISI_TINDAKAN), "r.perubahan"])
    where = (" WHERE " + " AND ".join(syarat)) if syarat else ""
    with _toko(url).transaksi() as k:
        baris = k.jalankan(f"SELECT {kolom} FROM riwayat_tindakan r JOIN tindakan t ON t.id = r.tindakan_id{where} "
                           "ORDER BY r.pada, r.tindakan_id, r.versi", params)
    df = pd.DataFrame(baris, columns=_KOLOM_RIWAYAT)
    df["tindakan_id"] = df["tindakan_id"].astype("int64")
    df["versi"] = df["versi"].astype("int64")
    df = _tanggal_kolom(df, ("pada",), ("mulai", "target"))
    df["perubahan"] = df["perubahan"].map(json.loads).astype("object")
    return df


# ---------------------------------------------------------------- reporting status (status_pelaporan)

_KOLOM_PELAPORAN = ["id", "kode_kabupaten", "minggu", "batch_id", "batch_dimuat_pada", "aksi", "status", "pada",
                    "oleh", "peran", "catatan"]


@dataclass(frozen=True)
class TransisiPelaporan:
    """One transition of a kabupaten's week, made on batch `batch_id` (loaded at `batch_dimuat_pada`,
    ISO text: with the id it names one load even in a database rebuilt from scratch)."""
    kode_kabupaten: str
    minggu: date
    batch_id: int
    batch_dimuat_pada: str
    aksi: str
    status: str
    peran: str
    catatan: str | None = None


def tulis_status_pelaporan(transisi: TransisiPelaporan, *, oleh: str, periksa, konteks: Mapping | None = None,
                           url: str | None = None) -> dict:
    """Append one transition and its audit row (`pelaporan_<aksi>`) in one transaction. Inside it,
    after the writers are serialised, `periksa(riwayat)` gets the week's transitions on that batch
    (dicts, oldest first) and raises CatatanDitolak to refuse: then nothing is written. Returns the
    row as stored."""
    oleh = (oleh or "").strip() or "tidak diketahui"
    t = transisi
    with _toko(url).transaksi(tulis=True) as k:
        # first: on PostgreSQL this row lock makes a second writer wait for our commit before it reads
        k.jalankan("UPDATE penanda SET nilai = nilai + 1 WHERE nama = 'pelaporan'")
        riwayat = [dict(zip(_KOLOM_PELAPORAN, r)) for r in k.jalankan(
            f"SELECT {', '.join(_KOLOM_PELAPORAN)} FROM status_pelaporan WHERE kode_kabupaten = ? AND minggu = ? "
            "AND batch_id = ? AND batch_dimuat_pada = ? ORDER BY id",
            [t.kode_kabupaten, t.minggu.isoformat(), int(t.batch_id), t.batch_dimuat_pada])]
        periksa(riwayat)
        pada = _sekarang()
        id_ = int(k.jalankan(
            "INSERT INTO status_pelaporan (kode_kabupaten, minggu, batch_id, batch_dimuat_pada, aksi, status, pada, "
            "oleh, peran, catatan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [t.kode_kabupaten, t.minggu.isoformat(), int(t.batch_id), t.batch_dimuat_pada, t.aksi, t.status,
             k.dialek.waktu_param(pada), oleh, t.peran, t.catatan])[0][0])
        _catat(k, f"pelaporan_{t.aksi}", oleh, t.kode_kabupaten,
               {"minggu": t.minggu.isoformat(), "batch": int(t.batch_id), "status": t.status, "catatan": t.catatan,
                "peran": t.peran, **(konteks or {})})
    return {"id": id_, "kode_kabupaten": t.kode_kabupaten, "minggu": t.minggu, "batch_id": int(t.batch_id),
            "aksi": t.aksi, "status": t.status, "pada": pada, "oleh": oleh, "peran": t.peran, "catatan": t.catatan}


def baca_status_pelaporan(*, minggu: date | None = None, cakupan: str | None = None,
                          kode_kabupaten: str | Iterable[str] | None = None, url: str | None = None) -> pd.DataFrame:
    """Every transition of kabupaten weeks (of one week, inside `cakupan`), oldest first: the columns
    of status_pelaporan, minggu as a date, pada as UTC time."""
    syarat, params = [], []
    if minggu is not None:
        syarat.append("minggu = ?")
        params.append(minggu.isoformat())
    if cakupan:
        syarat.append("(kode_kabupaten = ? OR kode_kabupaten LIKE ?)")
        params.extend([cakupan, cakupan.replace("%", "").replace("_", "") + ".%"])
    if kode_kabupaten is not None:
        daftar = [kode_kabupaten] if isinstance(kode_kabupaten, str) else list(kode_kabupaten)
        if not daftar:
            daftar = [""]
        syarat.append(f"kode_kabupaten IN ({', '.join('?' * len(daftar))})")
        params.extend(daftar)
    where = (" WHERE " + " AND ".join(syarat)) if syarat else ""
    with _toko(url).transaksi() as k:
        baris = k.jalankan(f"SELECT {', '.join(_KOLOM_PELAPORAN)} FROM status_pelaporan{where} ORDER BY id", params)
    df = pd.DataFrame(baris, columns=_KOLOM_PELAPORAN)
    df["id"] = df["id"].astype("int64")
    df["batch_id"] = df["batch_id"].astype("int64")
    df["minggu"] = pd.to_datetime(df["minggu"], format="%Y-%m-%d").dt.date.astype("object")
    df["pada"] = pd.to_datetime(df["pada"], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    for kolom in ("kode_kabupaten", "batch_dimuat_pada", "aksi", "status", "oleh", "peran", "catatan"):
        df[kolom] = df[kolom].astype("str")
    return df


def tanda_pelaporan(url: str | None = None) -> tuple[int, str]:
    """A cache key for frames built from the reporting status (as tanda_tindakan, for status_pelaporan)."""
    return _tanda("pelaporan", 3, url)


# ---------------------------------------------------------------- monthly reports (laporan_bulanan)

KOLOM_TEKS_LAPORAN = ("analisis", "hambatan", "rekomendasi")
_KOLOM_LAPORAN = ["id", "wilayah", "bulan", "status", *KOLOM_TEKS_LAPORAN, "angka", "catatan_induk", "versi",
                  "dibuat_pada", "dibuat_oleh", "diubah_pada", "diubah_oleh", "dikirim_pada", "dikirim_oleh",
                  "diputus_pada", "diputus_oleh"]
_WAKTU_LAPORAN = ("dibuat_pada", "diubah_pada", "dikirim_pada", "diputus_pada")
_KOLOM_RIWAYAT_LAPORAN = ["id", "laporan_id", "versi", "aksi", "status", "pada", "oleh", "peran",
                          *KOLOM_TEKS_LAPORAN, "angka", "catatan"]


@dataclass(frozen=True)
class PerubahanLaporan:
    """One step on a monthly report: `teks` (analisis/hambatan/rekomendasi) replaces the stored text
    when given; `angka` (JSON text) is stored as the submitted numbers when given, kept otherwise;
    `catatan` is the parent's note of an acceptance or return."""
    wilayah: str | None
    bulan: str
    aksi: str
    status: str
    peran: str
    teks: Mapping[str, str | None] | None = None
    angka: str | None = None
    catatan: str | None = None


def _baris_laporan(r) -> dict:
    d = dict(zip(_KOLOM_LAPORAN, r))
    d["wilayah"] = d["wilayah"] or None
    return d


def tulis_laporan_bulanan(p: PerubahanLaporan, *, oleh: str, periksa, konteks: Mapping | None = None,
                          url: str | None = None) -> dict:
    """Apply one step and append its history and audit row (`laporan_<aksi>`) in one transaction.
    Inside it, after the writers are serialised, `periksa(laporan)` gets the current row (a dict, or
    None when the area has no report that month yet) and raises CatatanDitolak to refuse: then
    nothing is written. Returns the row as stored."""
    oleh = (oleh or "").strip() or "tidak diketahui"
    kunci = p.wilayah or ""
    with _toko(url).transaksi(tulis=True) as k:
        k.jalankan("UPDATE penanda SET nilai = nilai + 1 WHERE nama = 'laporan_bulanan'")
        r = k.jalankan(f"SELECT {', '.join(_KOLOM_LAPORAN)} FROM laporan_bulanan WHERE wilayah = ? AND bulan = ?",
                       [kunci, p.bulan])
        lama = _baris_laporan(r[0]) if r else None
        periksa(lama)
        t = k.dialek.waktu_param(_sekarang())
        teks = {kol: (p.teks.get(kol) if p.teks is not None and kol in p.teks else (lama or {}).get(kol))
                for kol in KOLOM_TEKS_LAPORAN}
        angka = p.angka if p.angka is not None else (lama or {}).get("angka")
        kirim = p.aksi == "kirim"
        putus = p.aksi in ("terima", "kembalikan")
        if lama is None:
            versi = 1
            id_ = int(k.jalankan(
                f"INSERT INTO laporan_bulanan (wilayah, bulan, status, {', '.join(KOLOM_TEKS_LAPORAN)}, angka, "
                "catatan_induk, versi, dibuat_pada, dibuat_oleh, diubah_pada, diubah_oleh, dikirim_pada, dikirim_oleh) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [kunci, p.bulan, p.status, *teks.values(), angka, None, versi, t, oleh, t, oleh,
                 t if kirim else None, oleh if kirim else None])[0][0])
        else:
            versi = int(lama["versi"]) + 1
            id_ = int(lama["id"])
            k.jalankan(
                f"UPDATE laporan_bulanan SET status = ?, {', '.join(f'{kol} = ?' for kol in KOLOM_TEKS_LAPORAN)}, "
                "angka = ?, catatan_induk = ?, versi = ?, diubah_pada = ?, diubah_oleh = ?, "
                "dikirim_pada = ?, dikirim_oleh = ?, diputus_pada = ?, diputus_oleh = ? WHERE id = ?",
                [p.status, *teks.values(), angka, p.catatan if putus else lama["catatan_induk"], versi, t, oleh,
                 t if kirim else lama["dikirim_pada"], oleh if kirim else lama["dikirim_oleh"],
                 t if putus else (None if kirim else lama["diputus_pada"]),
                 oleh if putus else (None if kirim else lama["diputus_oleh"]), id_])
        k.jalankan(f"INSERT INTO riwayat_laporan_bulanan (laporan_id, versi, aksi, status, pada, oleh, peran, "
                   f"{', '.join(KOLOM_TEKS_LAPORAN)}, angka, catatan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [id_, versi, p.aksi, p.status, t, oleh, p.peran, *teks.values(), angka, p.catatan])
        _catat(k, f"laporan_{p.aksi}", oleh, p.wilayah,
               {"bulan": p.bulan, "status": p.status, "versi": versi, "peran": p.peran, "catatan": p.catatan,
                "teks_diubah": sorted(kol for kol in KOLOM_TEKS_LAPORAN
                                      if teks[kol] != (lama or {}).get(kol)), **(konteks or {})})
        baru = k.jalankan(f"SELECT {', '.join(_KOLOM_LAPORAN)} FROM laporan_bulanan WHERE id = ?", [id_])[0]
    return _baris_laporan(baru)


def _frame_laporan(baris: list, kolom: list[str], waktu: Iterable[str]) -> pd.DataFrame:
    df = pd.DataFrame(baris, columns=kolom)
    for kol in waktu:
        df[kol] = pd.to_datetime(df[kol], utc=True, format="ISO8601").astype("datetime64[us, UTC]")
    for kol in ("id", "versi", "laporan_id"):
        if kol in df:
            df[kol] = df[kol].astype("int64")
    return df


def baca_laporan_bulanan(*, bulan: str | None = None, wilayah: str | None | object = _TETAP,
                         anak_dari: str | None | object = _TETAP, url: str | None = None) -> pd.DataFrame:
    """Monthly reports (current state): of one month, of one area (`wilayah`, None = the national
    report) or of the children of one (`anak_dari`: None = the provinces, a province = its
    kabupaten/kota). Columns of laporan_bulanan, wilayah None for national, times as UTC."""
    syarat, params = [], []
    if bulan is not None:
        syarat.append("bulan = ?")
        params.append(bulan)
    if wilayah is not _TETAP:
        syarat.append("wilayah = ?")
        params.append(wilayah or "")
    if anak_dari is not _TETAP:
        if anak_dari is None:
            syarat.append("length(wilayah) = 2")
        else:
            syarat.append("wilayah LIKE ? AND length(wilayah) = ?")
            params.extend([str(anak_dari).replace("%", "").replace("_", "") + ".%", len(anak_dari) + 3])
    where = (" WHERE " + " AND ".join(syarat)) if syarat else ""
    with _toko(url).transaksi() as k:
        baris = [_baris_laporan(r) for r in k.jalankan(
            f"SELECT {', '.join(_KOLOM_LAPORAN)} FROM laporan_bulanan{where} ORDER BY wilayah, bulan", params)]
    return _frame_laporan([list(b.values()) for b in baris], _KOLOM_LAPORAN, _WAKTU_LAPORAN)


def baca_riwayat_laporan_bulanan(wilayah: str | None, bulan: str, *, url: str | None = None) -> pd.DataFrame:
    """Every saved version of one area's report of one month, oldest first (_KOLOM_RIWAYAT_LAPORAN)."""
    kolom = ", ".join(f"r.{c}" for c in _KOLOM_RIWAYAT_LAPORAN)
    with _toko(url).transaksi() as k:
        baris = k.jalankan(f"SELECT {kolom} FROM riwayat_laporan_bulanan r JOIN laporan_bulanan l "
                           "ON l.id = r.laporan_id WHERE l.wilayah = ? AND l.bulan = ? ORDER BY r.versi",
                           [wilayah or "", bulan])
    return _frame_laporan(baris, _KOLOM_RIWAYAT_LAPORAN, ("pada",))
