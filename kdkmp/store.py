"""DuckDB storage: schema, the single writer, read-only views for the app, week loads.

Concurrency (measured, see README "Penyimpanan dan konkurensi"): DuckDB lets one
process hold a file read-write *or* many hold it read-only, never both. The app must keep
serving while a week is loaded, so a writer never opens the live file: it copies it to
``<db>.tmp``, writes there in one transaction, CHECKPOINTs, closes and ``os.replace``s
the copy over the live file. Readers ATTACH the live file READ_ONLY into an in-memory
connection cached on the file's identity (inode, mtime, size); a swap is seen on the next
query and a reader never sees half a week. Writers are serialised by an flock on
``<db>.lock``; a second writer is refused at once with a clear message instead of waiting.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from kdkmp import kontrak, wilayah

LOKASI_BAWAAN = Path(__file__).resolve().parent.parent / "data" / "kdkmp.duckdb"
# DuckDB takes up to 80 % of RAM by default. Loading and scoring one national week fits in
# 700 MB (peak 0.93 GB for the whole ingest process, measured); rescoring all 26 weeks needs
# ≈ 2 GB (it fails at 700 MB, measured) and asks for it explicitly (izinkan_skor_ulang).
# Readers in the app are capped so that many sessions fit in the app's memory.
BATAS_MEMORI_MUAT = "700MB"
BATAS_MEMORI_SKOR_ULANG = "2GB"
BATAS_MEMORI_BACA = "1GB"
VERSI_SKEMA = "1"


class GagalMuat(Exception):
    """A load that was refused or failed; the message is one Indonesian sentence."""


class BasisDataSibuk(GagalMuat):
    """Another writer holds the database."""


class MingguSudahAda(GagalMuat):
    """The week is loaded already and replacing was not asked for."""


class BasisDataKosong(Exception):
    """There is no database file (yet)."""


def lokasi_db(path: str | os.PathLike | None = None) -> Path:
    """The database path: the argument, else $KDKMP_DB, else data/kdkmp.duckdb."""
    if path:
        return Path(path)
    return Path(os.environ.get("KDKMP_DB") or LOKASI_BAWAAN)


def direktori_arsip(db_path: str | os.PathLike) -> Path:
    """Where original files are archived byte for byte: beside the database."""
    p = Path(db_path)
    return p.with_name(p.stem + "_arsip")


# `laporan` holds one row per (minggu, kode_koperasi) but does not declare it as a PRIMARY
# KEY: DuckDB's ART index made a weekly replace at 26 national weeks take 3.3 s instead of
# 0.3 s (measured). The key holds because a file's kode_koperasi are unique (validated) and a
# week is deleted whole before it is (re)inserted.
_KOLOM_LAPORAN = ",\n  ".join(f"{k.nama} {kontrak.TIPE_SQL[k.jenis]}" for k in kontrak.KOLOM)

SKEMA = f"""
CREATE TABLE IF NOT EXISTS meta (kunci VARCHAR PRIMARY KEY, nilai VARCHAR);
CREATE TABLE IF NOT EXISTS wilayah (
  kode VARCHAR PRIMARY KEY, tingkat VARCHAR, kode_induk VARCHAR, nama VARCHAR,
  lat DOUBLE, lon DOUBLE, jenis VARCHAR);
CREATE TABLE IF NOT EXISTS batch (
  batch_id INTEGER PRIMARY KEY, minggu DATE NOT NULL, nama_file VARCHAR, sha256 VARCHAR,
  baris_dibaca INTEGER, baris_dimuat INTEGER, baris_ditolak INTEGER,
  dimuat_pada TIMESTAMP, dimuat_oleh VARCHAR, versi_aturan VARCHAR, arsip VARCHAR,
  status VARCHAR NOT NULL  -- 'aktif' | 'diganti'
);
CREATE TABLE IF NOT EXISTS laporan (
  minggu DATE NOT NULL,
  batch_id INTEGER NOT NULL,
  {_KOLOM_LAPORAN},
  kode_kecamatan VARCHAR, kode_kabupaten VARCHAR, kode_provinsi VARCHAR
);
CREATE TABLE IF NOT EXISTS penolakan (
  batch_id INTEGER, baris INTEGER, kolom VARCHAR, nilai VARCHAR, alasan VARCHAR);
"""


def pastikan_skema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables that are missing and fill the wilayah reference once."""
    for perintah in SKEMA.split(";"):
        if perintah.strip():
            con.execute(perintah).fetchall()  # DuckDB 2.0: an unfetched result blocks the next call
    if con.execute("SELECT count(*) FROM wilayah").fetchall()[0][0] == 0:
        ref = wilayah.tabel()
        con.register("_wilayah_ref", ref)
        con.execute("INSERT INTO wilayah SELECT kode, tingkat, kode_induk, nama, lat, lon, jenis FROM _wilayah_ref").fetchall()
        con.unregister("_wilayah_ref")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('versi_skema', ?)", [VERSI_SKEMA])


# ---------------------------------------------------------------- writing

_penulis: dict[int, dict] = {}

@contextmanager
def penulisan(db_path: str | os.PathLike | None = None, *, baru: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one writer: yields a connection on a private copy of the database inside a
    transaction; on success the copy replaces the live file atomically, on any exception
    the copy is discarded and the live file is untouched. ``baru`` starts from empty."""
    db = lokasi_db(db_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    kunci = open(db.with_name(db.name + ".lock"), "w")
    try:
        try:
            fcntl.flock(kunci, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BasisDataSibuk(
                f"Basis data {db.name} sedang diperbarui oleh proses lain (unggahan atau CLI); "
                "coba lagi setelah pemuatan itu selesai.") from None
        salinan = db.with_name(db.name + ".tmp")
        for sisa in (salinan, salinan.with_name(salinan.name + ".wal")):
            sisa.unlink(missing_ok=True)
        if db.exists() and not baru:
            shutil.copyfile(db, salinan)
        con = duckdb.connect(str(salinan), config={"memory_limit": BATAS_MEMORI_MUAT})
        # Archive files written during this load, removed again if it fails.
        _penulis[id(con)] = {"db": db, "berkas_baru": []}
        berhasil = False
        try:
            pastikan_skema(con)
            con.execute("BEGIN TRANSACTION")
            yield con
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            berhasil = True
        finally:
            berkas_baru = _penulis.pop(id(con))["berkas_baru"]
            con.close()
            if berhasil:
                os.replace(salinan, db)
            else:
                salinan.unlink(missing_ok=True)
                salinan.with_name(salinan.name + ".wal").unlink(missing_ok=True)
                for b in berkas_baru:
                    Path(b).unlink(missing_ok=True)
    finally:
        fcntl.flock(kunci, fcntl.LOCK_UN)
        kunci.close()


def izinkan_skor_ulang(con: duckdb.DuckDBPyConnection) -> None:
    """Raise the writer's memory limit for a rescoring of every week."""
    con.execute(f"SET memory_limit = '{BATAS_MEMORI_SKOR_ULANG}'").fetchall()


def _nama_aman(nama_file: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(nama_file).name)[:120] or "file"


def muat_minggu(con: duckdb.DuckDBPyConnection, hasil, *, nama_file: str, isi_file: bytes | None = None,
                dimuat_oleh: str | None = None, ganti: bool = False, versi_aturan: str | None = None) -> int:
    """Insert one validated week (a snapshot.HasilBaca) inside a penulisan; returns the batch id.
    Refuses a week that is loaded already unless ``ganti``."""
    minggu = hasil.minggu
    lama = con.execute(
        "SELECT batch_id, nama_file, dimuat_pada FROM batch WHERE minggu = ? AND status = 'aktif'",
        [minggu]).fetchall()
    if lama and not ganti:
        bid, nama, pada = lama[0]
        raise MingguSudahAda(
            f"Minggu {minggu:%Y-%m-%d} sudah dimuat (batch {bid}, file {nama}, {pada:%Y-%m-%d %H:%M}); "
            "pilih ganti (--replace) bila file ini memang menggantikannya.")
    batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchall()[0][0]
    if lama:
        con.execute("UPDATE batch SET status = 'diganti' WHERE minggu = ? AND status = 'aktif'", [minggu])
        con.execute("DELETE FROM laporan WHERE minggu = ?", [minggu])

    sha = hashlib.sha256(isi_file).hexdigest() if isi_file is not None else None
    arsip = None
    if isi_file is not None:
        penulis = _penulis.get(id(con))
        if penulis is None:
            raise RuntimeError("muat_minggu harus dipanggil di dalam store.penulisan().")
        folder = direktori_arsip(penulis["db"])
        folder.mkdir(parents=True, exist_ok=True)
        arsip = folder / f"{batch_id:05d}_{minggu:%Y-%m-%d}_{sha[:12]}_{_nama_aman(nama_file)}"
        arsip.write_bytes(isi_file)
        penulis["berkas_baru"].append(arsip)

    data = hasil.data
    con.register("_laporan_baru", data)
    kolom = ", ".join(kontrak.NAMA_KOLOM)
    pilih = ", ".join(
        f"CAST({k.nama} AS {kontrak.TIPE_SQL[k.jenis]})" for k in kontrak.KOLOM)
    con.execute(
        f"""INSERT INTO laporan (minggu, batch_id, {kolom}, kode_kecamatan, kode_kabupaten, kode_provinsi)
            SELECT $minggu, $batch, {pilih}, kode_desa[1:8], kode_desa[1:5], kode_desa[1:2]
            FROM _laporan_baru""",
        {"minggu": minggu, "batch": batch_id})
    con.unregister("_laporan_baru")

    ditolak = hasil.ditolak
    if len(ditolak):
        con.register("_penolakan_baru", ditolak)
        con.execute("""INSERT INTO penolakan SELECT $batch, CAST(baris AS INTEGER), CAST(kolom AS VARCHAR),
                       CAST(nilai AS VARCHAR), CAST(alasan AS VARCHAR) FROM _penolakan_baru""",
                    {"batch": batch_id})
        con.unregister("_penolakan_baru")

    con.execute(
        "INSERT INTO batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'aktif')",
        [batch_id, minggu, nama_file, sha, hasil.baris_dibaca, hasil.baris_dimuat, hasil.baris_ditolak,
         datetime.now().replace(microsecond=0), dimuat_oleh or _pengguna(), versi_aturan,
         str(arsip) if arsip else None])
    return batch_id


def _pengguna() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "tidak diketahui"


# ---------------------------------------------------------------- reading

_kunci_baca = threading.Lock()
_sambungan: dict[Path, tuple[tuple, duckdb.DuckDBPyConnection]] = {}


def identitas_file(db_path: str | os.PathLike | None = None) -> tuple:
    """(inode, mtime_ns, size) of the live file: changes on every swap; the cache key of the app."""
    try:
        st = os.stat(lokasi_db(db_path))
    except FileNotFoundError:
        raise BasisDataKosong(f"Basis data {lokasi_db(db_path)} belum ada.") from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def sambungan_baca(db_path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on a read-only view of the live database (one per query: a DuckDB
    connection refuses two threads at once)."""
    db = lokasi_db(db_path).resolve()
    if not db.exists():
        raise BasisDataKosong(f"Basis data {db} belum ada.")
    ident = identitas_file(db)
    with _kunci_baca:
        simpan = _sambungan.get(db)
        if simpan is None or simpan[0] != ident:
            # An in-memory connection spills to ./.tmp by default: keep that out of the checkout.
            induk = duckdb.connect(":memory:", config={
                "memory_limit": BATAS_MEMORI_BACA,
                "temp_directory": os.path.join(tempfile.gettempdir(), "kdkmp_duckdb_baca")})
            induk.execute(f"ATTACH '{_literal(str(db))}' AS kdkmp (READ_ONLY)")
            simpan = (ident, induk)
            _sambungan[db] = simpan  # the old connection closes once its last cursor is gone
    kursor = simpan[1].cursor()
    kursor.execute("USE kdkmp")
    return kursor


def _literal(teks: str) -> str:
    return teks.replace("'", "''")


def tutup_semua() -> None:
    """Drop cached read connections (tests, and before deleting a database file)."""
    with _kunci_baca:
        for _, con in _sambungan.values():
            con.close()
        _sambungan.clear()


def baca_meta(con: duckdb.DuckDBPyConnection, kunci: str) -> str | None:
    r = con.execute("SELECT nilai FROM meta WHERE kunci = ?", [kunci]).fetchall()
    return r[0][0] if r else None


def tulis_meta(con: duckdb.DuckDBPyConnection, kunci: str, nilai: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [kunci, nilai])

