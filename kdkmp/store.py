"""DuckDB storage: schema, the single writer, read-only views for the app, week loads.

Concurrency (measured, see README "Penyimpanan dan konkurensi"): DuckDB lets one
process hold a file read-write *or* many hold it read-only, never both. The app must keep
serving while a week is loaded, so a writer never opens the live file: it copies it to
``<db>.tmp``, writes there in one transaction, CHECKPOINTs, closes and ``os.replace``s
the copy over the live file. Readers ATTACH the live file READ_ONLY into an in-memory
connection cached on the file's identity (inode, mtime, size); a swap is seen on the next
query and a reader never sees half a week. Writers are serialised by an flock on
``<db>.lock``; a second writer is refused at once with a clear message instead of waiting.

Decisions, each in one line:
- A path that is a folder, a file that is not a DuckDB database (no ``DUCK`` magic), a database
  shorter than its own block count says (truncated), or a folder that cannot be created is
  refused with one sentence before anything is written; nothing is left behind (no ``.tmp``,
  ``.tmp.wal``, no empty archive folder) and the file stays byte-identical. ``baru`` (the demo
  build) refuses the same way rather than overwrite a file it cannot read.
- A week is withdrawn, never deleted: its ``laporan`` rows move to ``laporan_ditarik`` and its
  batch becomes 'ditarik'; restoring moves them back. Every withdrawal and restore is a row of
  ``riwayat_minggu`` (who, when, why); a withdrawal needs a reason. Zones are derived data:
  the caller rescores every week in the same penulisan.
- A restore is refused when the week has been loaded again since; that batch is named.
- A week with no loadable row is refused: an empty week would become the latest week.
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

from kdkmp import format as fmt
from kdkmp import galat, kontrak, wilayah

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


class BasisDataTidakBisaDibuka(GagalMuat):
    """The database path is a folder, not a DuckDB file, truncated, or its folder cannot be made."""


class MingguKosong(GagalMuat):
    """A week without a single loadable row."""


class TarikDitolak(GagalMuat):
    """A withdrawal or restore that cannot be done (not loaded, already withdrawn, no reason, …)."""


class BasisDataKosong(Exception):
    """There is no database file (yet)."""


class BelumAdaData(BasisDataKosong):
    """The database exists but no week is loaded (or every week was withdrawn)."""


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
  status VARCHAR NOT NULL  -- 'aktif' | 'diganti' | 'ditarik'
);
CREATE TABLE IF NOT EXISTS laporan (
  minggu DATE NOT NULL,
  batch_id INTEGER NOT NULL,
  {_KOLOM_LAPORAN},
  kode_kecamatan VARCHAR, kode_kabupaten VARCHAR, kode_provinsi VARCHAR
);
CREATE TABLE IF NOT EXISTS penolakan (
  batch_id INTEGER, baris INTEGER, kolom VARCHAR, nilai VARCHAR, alasan VARCHAR);
-- the rows of withdrawn weeks, exactly as they were in laporan (same columns)
CREATE TABLE IF NOT EXISTS laporan_ditarik (
  minggu DATE NOT NULL,
  batch_id INTEGER NOT NULL,
  {_KOLOM_LAPORAN},
  kode_kecamatan VARCHAR, kode_kabupaten VARCHAR, kode_provinsi VARCHAR
);
-- every withdrawal and restore of a week: who, when, why
CREATE TABLE IF NOT EXISTS riwayat_minggu (
  batch_id INTEGER NOT NULL, minggu DATE NOT NULL,
  aksi VARCHAR NOT NULL,  -- 'tarik' | 'pulihkan'
  oleh VARCHAR NOT NULL, pada TIMESTAMP NOT NULL, alasan VARCHAR);
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

# A DuckDB file starts with a 4 KiB main header (the magic "DUCK" at byte 8) and two 4 KiB
# database headers, then the blocks: block n ends at 12,288 + (n + 1) × block size.
_AJAIB_DUCKDB = b"DUCK"
_UKURAN_KEPALA = 3 * 4096


def _periksa_jalur(db: Path) -> None:
    """Refuse a path that cannot hold the database, before anything is written."""
    if db.is_dir():
        raise BasisDataTidakBisaDibuka(f"Basis data {db} adalah folder, bukan berkas DuckDB; sebutkan jalur berkas "
                                       "(misalnya data/kdkmp.duckdb).")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BasisDataTidakBisaDibuka(f"Folder {db.parent} untuk basis data tidak dapat dibuat: "
                                       f"{galat.sebab_os(e)}.") from None
    if db.exists():
        try:
            with open(db, "rb") as f:
                kepala = f.read(16)
        except OSError as e:
            raise BasisDataTidakBisaDibuka(f"Basis data {db} tidak dapat dibaca: {galat.sebab_os(e)}.") from None
        if kepala[8:12] != _AJAIB_DUCKDB:
            raise BasisDataTidakBisaDibuka(
                f"Berkas {db} bukan basis data DuckDB{' (berkasnya kosong)' if not kepala else ''}; berkas itu "
                "tidak diubah. Periksa --db atau $KDKMP_DB.")


def _rusak(db: Path, sebab: str) -> BasisDataTidakBisaDibuka:
    return BasisDataTidakBisaDibuka(
        f"Basis data {db} rusak atau terpotong ({sebab}); berkas itu tidak diubah. Pulihkan dari cadangan, "
        "atau pindahkan berkas itu dan bangun ulang basis data.")


def _periksa_utuh(con: duckdb.DuckDBPyConnection, nama_db: str, ukuran: int, db: Path) -> None:
    """Refuse a database file that ends before the last block its tables use: a truncated copy
    opens, and fails only on the first query that reads a missing block. The header's block
    count is no test (free blocks at the end may be cut off a healthy file, measured); the
    blocks the tables' segments name are (≈ 10 ms on 10 tables)."""
    tabel = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?",
                        [nama_db]).fetchall()
    ukuran_blok = con.execute("SELECT block_size FROM pragma_database_size() WHERE database_name = ?",
                              [nama_db]).fetchall()
    if not tabel or not ukuran_blok:
        return
    sql = " UNION ALL ".join(
        f"SELECT max(block_id) FROM pragma_storage_info('{_literal(nama_db)}.{_literal(sk)}.{_literal(t)}')"
        for sk, t in tabel)
    terbesar = max((r[0] for r in con.execute(sql).fetchall() if r[0] is not None), default=-1)
    butuh = _UKURAN_KEPALA + (terbesar + 1) * int(ukuran_blok[0][0])
    if ukuran < butuh:
        raise _rusak(db, f"{fmt.angka(ukuran)} bita, padahal isinya butuh paling sedikit {fmt.angka(butuh)} bita")


def _buka_salinan(salinan: Path, db: Path) -> duckdb.DuckDBPyConnection:
    """Open the writer's copy, refusing a damaged database with one sentence."""
    try:
        con = duckdb.connect(str(salinan), config={"memory_limit": BATAS_MEMORI_MUAT})
    except duckdb.Error as e:
        raise _rusak(db, f"DuckDB: {str(e).splitlines()[0][:200]}") from None
    try:
        _periksa_utuh(con, con.execute("SELECT current_database()").fetchall()[0][0], salinan.stat().st_size, db)
        pastikan_skema(con)
    except BaseException as e:
        con.close()
        if isinstance(e, duckdb.IOException):
            raise _rusak(db, f"DuckDB: {str(e).splitlines()[0][:200]}") from None
        raise
    return con


@contextmanager
def penulisan(db_path: str | os.PathLike | None = None, *, baru: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one writer: yields a connection on a private copy of the database inside a
    transaction; on success the copy replaces the live file atomically, on any exception
    (including a refusal while opening) the copy, its WAL, the archive files written and an
    archive folder this writer created are removed and the live file is untouched. ``baru``
    starts from empty (but refuses to replace a file that is not a readable database)."""
    db = lokasi_db(db_path)
    _periksa_jalur(db)
    try:
        kunci = open(db.with_name(db.name + ".lock"), "w")
    except OSError as e:
        raise BasisDataTidakBisaDibuka(f"Basis data {db} tidak dapat dikunci untuk ditulis ({db.name}.lock): "
                                       f"{galat.sebab_os(e)}.") from None
    try:
        try:
            fcntl.flock(kunci, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BasisDataSibuk(
                f"Basis data {db.name} sedang diperbarui oleh proses lain (unggahan atau CLI); "
                "coba lagi setelah pemuatan itu selesai.") from None
        salinan = db.with_name(db.name + ".tmp")
        sisa = (salinan, salinan.with_name(salinan.name + ".wal"))
        arsip = direktori_arsip(db)
        catatan = {"db": db, "berkas_baru": [], "folder_baru": None if arsip.exists() else arsip}
        con = None
        berhasil = False
        try:
            for b in sisa:
                b.unlink(missing_ok=True)
            if db.exists():
                try:
                    shutil.copyfile(db, salinan)
                except OSError as e:
                    raise BasisDataTidakBisaDibuka(f"Basis data {db} tidak dapat disalin untuk ditulis: "
                                                   f"{galat.sebab_os(e)}.") from None
                if baru:  # only check that it is a database before replacing it with a new one
                    _buka_salinan(salinan, db).close()
                    for b in sisa:
                        b.unlink(missing_ok=True)
            con = _buka_salinan(salinan, db)
            # Archive files written during this load, removed again if it fails.
            _penulis[id(con)] = catatan
            con.execute("BEGIN TRANSACTION")
            yield con
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            berhasil = True
        finally:
            if con is not None:
                _penulis.pop(id(con), None)
                con.close()
            if berhasil:
                os.replace(salinan, db)
            else:
                for b in sisa:
                    b.unlink(missing_ok=True)
                for b in catatan["berkas_baru"]:
                    Path(b).unlink(missing_ok=True)
                folder = catatan["folder_baru"]
                if folder is not None and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
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
    if not len(hasil.data):
        raise MingguKosong(
            f"Tidak ada satu baris pun yang lolos pemeriksaan ({hasil.baris_ditolak} baris ditolak); minggu "
            f"{minggu.isoformat()} tidak dimuat, supaya minggu kosong tidak menjadi minggu terbaru.")
    lama = con.execute(
        "SELECT batch_id, nama_file, dimuat_pada FROM batch WHERE minggu = ? AND status = 'aktif'",
        [minggu]).fetchall()
    if lama and not ganti:
        bid, nama, pada = lama[0]
        raise MingguSudahAda(
            f"Minggu {minggu.isoformat()} sudah dimuat (batch {bid}, file {nama}, {pada.isoformat(' ', 'minutes')}); "
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
        arsip = folder / f"{batch_id:05d}_{minggu.isoformat()}_{sha[:12]}_{_nama_aman(nama_file)}"
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


def tarik_minggu(con: duckdb.DuckDBPyConnection, minggu: date, *, alasan: str, oleh: str | None = None) -> dict:
    """Withdraw the loaded week `minggu` inside a penulisan: its laporan rows move to
    laporan_ditarik, its batch becomes 'ditarik', the action is recorded in riwayat_minggu.
    Returns batch_id, nama_file and baris (rows moved). The caller rescores every week."""
    alasan = (alasan or "").strip()
    if not alasan:
        raise TarikDitolak(f"Sebutkan alasan penarikan minggu {minggu.isoformat()}; "
                           "penarikan tanpa alasan tidak dilakukan.")
    r = con.execute("SELECT batch_id, nama_file FROM batch WHERE minggu = ? AND status = 'aktif'", [minggu]).fetchall()
    if not r:
        ditarik = _batch_ditarik(con, minggu)
        if ditarik is not None:
            raise TarikDitolak(f"Minggu {minggu.isoformat()} sudah ditarik (batch {ditarik}); tidak ada yang ditarik lagi.")
        raise TarikDitolak(f"Minggu {minggu.isoformat()} belum dimuat; tidak ada yang bisa ditarik.")
    batch_id, nama_file = r[0]
    baris = con.execute("SELECT count(*) FROM laporan WHERE minggu = ?", [minggu]).fetchall()[0][0]
    con.execute("INSERT INTO laporan_ditarik BY NAME SELECT * FROM laporan WHERE minggu = ?", [minggu]).fetchall()
    con.execute("DELETE FROM laporan WHERE minggu = ?", [minggu]).fetchall()
    con.execute("UPDATE batch SET status = 'ditarik' WHERE batch_id = ?", [batch_id]).fetchall()
    _catat_riwayat(con, batch_id, minggu, "tarik", oleh, alasan)
    return {"batch_id": batch_id, "nama_file": nama_file, "baris": int(baris)}


def pulihkan_minggu(con: duckdb.DuckDBPyConnection, minggu: date, *, oleh: str | None = None,
                    alasan: str | None = None) -> dict:
    """Restore the withdrawn week `minggu` inside a penulisan (the newest withdrawn batch of
    that week when there are several): its rows move back to laporan, its batch is 'aktif'
    again, the action is recorded. Refused when the week has been loaded again since.
    Returns batch_id, nama_file and baris. The caller rescores every week."""
    batch_id = _batch_ditarik(con, minggu)
    aktif = con.execute("SELECT batch_id, nama_file FROM batch WHERE minggu = ? AND status = 'aktif'", [minggu]).fetchall()
    if batch_id is None:
        keadaan = f"minggu itu sedang aktif (batch {aktif[0][0]})" if aktif else "minggu itu belum pernah dimuat"
        raise TarikDitolak(f"Minggu {minggu.isoformat()} tidak punya data yang ditarik: {keadaan}; "
                           "tidak ada yang bisa dipulihkan.")
    if aktif:
        raise TarikDitolak(
            f"Minggu {minggu.isoformat()} sudah dimuat lagi sejak ditarik (batch {aktif[0][0]}, file {aktif[0][1]}); "
            f"tarik batch itu dulu bila batch {batch_id} yang harus kembali.")
    nama_file = con.execute("SELECT nama_file FROM batch WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
    baris = con.execute("SELECT count(*) FROM laporan_ditarik WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
    con.execute("INSERT INTO laporan BY NAME SELECT * FROM laporan_ditarik WHERE batch_id = ?", [batch_id]).fetchall()
    con.execute("DELETE FROM laporan_ditarik WHERE batch_id = ?", [batch_id]).fetchall()
    con.execute("UPDATE batch SET status = 'aktif' WHERE batch_id = ?", [batch_id]).fetchall()
    _catat_riwayat(con, batch_id, minggu, "pulihkan", oleh, (alasan or "").strip() or None)
    return {"batch_id": batch_id, "nama_file": nama_file, "baris": int(baris)}


def _batch_ditarik(con: duckdb.DuckDBPyConnection, minggu: date) -> int | None:
    """The newest withdrawn batch of a week, or None."""
    r = con.execute("SELECT max(batch_id) FROM batch WHERE minggu = ? AND status = 'ditarik'", [minggu]).fetchall()
    return r[0][0]


def _catat_riwayat(con, batch_id: int, minggu: date, aksi: str, oleh: str | None, alasan: str | None) -> None:
    con.execute("INSERT INTO riwayat_minggu VALUES (?, ?, ?, ?, ?, ?)",
                [batch_id, minggu, aksi, (oleh or "").strip() or _pengguna(),
                 datetime.now().replace(microsecond=0), alasan]).fetchall()


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
            try:
                try:
                    induk.execute(f"ATTACH '{_literal(str(db))}' AS kdkmp (READ_ONLY)")
                except duckdb.Error as e:
                    _periksa_jalur(db)  # a clearer sentence for a folder or a file that is not DuckDB
                    raise _rusak(db, f"DuckDB: {str(e).splitlines()[0][:200]}") from None
                _periksa_utuh(induk, "kdkmp", ident[2], db)
            except BaseException:
                induk.close()
                raise
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

