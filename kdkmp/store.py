"""DuckDB storage: schema, the single writer, read-only views for the app, week loads.

Concurrency (measured, see README "Penyimpanan dan konkurensi"): DuckDB lets one
process hold a file read-write *or* many hold it read-only, never both. The app must keep
serving while a week is loaded, so a writer never opens the live file: it copies it to
``<db>.tmp``, writes there in one transaction, CHECKPOINTs, closes and ``os.replace``s
the copy over the live file. Readers ATTACH the live file READ_ONLY into an in-memory
connection cached on the file's identity (inode, mtime, size); a swap is seen on the next
query and a reader never sees half a week. Writers are serialised by an flock on
``<db>.lock``; a second writer is refused at once with a clear message, unless it asked to wait
its turn (loads do, see below).

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

Loads by area (issue 15), each in one line:
- A week is the union of its active batches. Every load is one batch; ``batch.wilayah`` is the
  area it was loaded for (``--wilayah``; NULL: a file loaded without one, e.g. the national file).
  ``laporan.batch_id`` says which batch each row came from.
- The unit that is replaced is the kabupaten/kota: a load replaces, for its week, the rows of the
  kabupaten present in its file and nothing else, so a province's or a kabupaten's file never
  wipes the rest of the country (``rencana_ganti``). Replacing more (every kabupaten inside the
  load's area, also those absent from the file) is ``ganti_semua``, which the caller allows only
  to an admin after showing what disappears (``RencanaGanti.kalimat``).
- Without ``ganti`` a load that meets rows already loaded for one of its kabupaten is refused,
  naming the kabupaten, their rows and the batch(es) holding them.
- A batch stays 'aktif' while any of its rows is in ``laporan``; it becomes 'diganti' when the
  last one has been replaced. Its row counts stay those of its file.
- A koperasi is once per week: a load whose koperasi already stand in the week under another
  kabupaten is refused, naming them (the week would otherwise hold it twice).
- Withdrawing a week withdraws all its active batches together; restoring brings back the
  batches of the latest withdrawal of that week.
- A busy writer is waited for when the caller asks (``tunggu`` seconds, polling the flock, with a
  ``kabar(menunggu, batas)`` callback about once a second), then refused with one sentence; the
  copy is made only once the lock is held, so a waiting load never works on a stale copy. Loads
  wait through kdkmp.antrian instead, which hands a queue of them to one writer.
"""

from __future__ import annotations

import contextvars
import fcntl
import getpass
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from kdkmp import format as fmt
from kdkmp import galat, kontrak, wilayah
from kdkmp.lokasi import lokasi_db

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


class KoperasiGanda(GagalMuat):
    """Koperasi of the file already stand in the week under another kabupaten."""


class MingguKosong(GagalMuat):
    """A week without a single loadable row."""


class TarikDitolak(GagalMuat):
    """A withdrawal or restore that cannot be done (not loaded, already withdrawn, no reason, …)."""


class BasisDataKosong(Exception):
    """There is no database file (yet)."""


class BelumAdaData(BasisDataKosong):
    """The database exists but no week is loaded (or every week was withdrawn)."""


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
  status VARCHAR NOT NULL,  -- 'aktif' | 'diganti' | 'ditarik'
  wilayah VARCHAR  -- the area the load was for, NULL when none was given (the national file)
);
-- databases made before loads by area get the column at the end, as above
ALTER TABLE batch ADD COLUMN IF NOT EXISTS wilayah VARCHAR;
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


def _jalur_utuh(db: Path) -> Path:
    return db.with_name(db.name + ".utuh")


def _utuh_tercatat(db: Path, ident: tuple) -> bool:
    """Whether the live file is the one this project's writer left at its last swap, whole (it
    had just been checkpointed and closed): its identity (identitas_file) is recorded beside it.
    A file put there any other way (copied from another machine, restored, truncated in place)
    has another inode, time or size, and is checked block by block (_periksa_utuh)."""
    try:
        return _jalur_utuh(db).read_text(encoding="ascii") == " ".join(map(str, ident))
    except (OSError, UnicodeDecodeError):
        return False


def _catat_utuh(db: Path) -> None:
    """Record the identity of the file the writer has just swapped in (under its lock). Only a
    saving: a record that cannot be written or is left stale means the next opening checks."""
    try:
        sementara = _jalur_utuh(db).with_name(_jalur_utuh(db).name + ".tmp")
        sementara.write_text(" ".join(map(str, identitas_file(db))), encoding="ascii")
        os.replace(sementara, _jalur_utuh(db))
    except OSError:
        pass


def _buka_salinan(salinan: Path, db: Path, *, periksa: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the writer's copy, refusing a damaged database with one sentence (`periksa=False`: a
    copy of the file the last writer left whole, see _utuh_tercatat)."""
    try:
        con = duckdb.connect(str(salinan), config={"memory_limit": BATAS_MEMORI_MUAT})
    except duckdb.Error as e:
        raise _rusak(db, f"DuckDB: {str(e).splitlines()[0][:200]}") from None
    try:
        if periksa:
            _periksa_utuh(con, con.execute("SELECT current_database()").fetchall()[0][0], salinan.stat().st_size,
                          db)
        pastikan_skema(con)
    except BaseException as e:
        con.close()
        if isinstance(e, duckdb.IOException):
            raise _rusak(db, f"DuckDB: {str(e).splitlines()[0][:200]}") from None
        raise
    return con


@contextmanager
def penulisan(db_path: str | os.PathLike | None = None, *, baru: bool = False, tunggu: float = 0.0,
              kabar: Callable[[float, float], None] | None = None,
              selesai: Callable[[bool], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one writer: yields a connection on a private copy of the database inside a
    transaction; on success the copy replaces the live file atomically, on any exception
    (including a refusal while opening) the copy, its WAL, the archive files written and an
    archive folder this writer created are removed and the live file is untouched. ``baru``
    starts from empty (but refuses to replace a file that is not a readable database). When
    another writer holds the database, waits up to ``tunggu`` seconds for it (telling
    ``kabar(seconds waited, tunggu)`` about once a second) before refusing with BasisDataSibuk.
    ``selesai(berhasil)`` runs after the swap (True) or the discard (False), while the lock is
    still held: the load queue answers its waiters there, before another writer can start."""
    db = lokasi_db(db_path)
    _periksa_jalur(db)
    try:
        kunci = open(db.with_name(db.name + ".lock"), "w")
    except OSError as e:
        raise BasisDataTidakBisaDibuka(f"Basis data {db} tidak dapat dikunci untuk ditulis ({db.name}.lock): "
                                       f"{galat.sebab_os(e)}.") from None
    try:
        _kunci_tulis(kunci, db, tunggu, kabar)
        salinan = db.with_name(db.name + ".tmp")
        sisa = (salinan, salinan.with_name(salinan.name + ".wal"))
        arsip = direktori_arsip(db)
        catatan = {"db": db, "berkas_baru": [], "folder_baru": None if arsip.exists() else arsip}
        con = None
        berhasil = False
        try:
            for b in sisa:
                b.unlink(missing_ok=True)
            periksa = True
            if db.exists():
                # the block check costs ≈ 0.1 s on 26 national weeks (its segments listed): skipped
                # for the file the last writer left, and whose copy is as long as it
                periksa = not _utuh_tercatat(db, identitas_file(db))
                try:
                    shutil.copyfile(db, salinan)
                except OSError as e:
                    raise BasisDataTidakBisaDibuka(f"Basis data {db} tidak dapat disalin untuk ditulis: "
                                                   f"{galat.sebab_os(e)}.") from None
                periksa = periksa or salinan.stat().st_size != db.stat().st_size
                if baru:  # only check that it is a database before replacing it with a new one
                    _buka_salinan(salinan, db, periksa=periksa).close()
                    for b in sisa:
                        b.unlink(missing_ok=True)
            con = _buka_salinan(salinan, db, periksa=periksa)
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
                _catat_utuh(db)
            else:
                for b in sisa:
                    b.unlink(missing_ok=True)
                for b in catatan["berkas_baru"]:
                    Path(b).unlink(missing_ok=True)
                folder = catatan["folder_baru"]
                if folder is not None and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            if selesai is not None:
                selesai(berhasil)
    finally:
        fcntl.flock(kunci, fcntl.LOCK_UN)
        kunci.close()


# How often a waiting writer tries the lock: short enough that a queue of loads loses little
# between one writer's swap and the next one's start, long enough to cost nothing.
_SELA_COBA_KUNCI = 0.05


def _kunci_tulis(kunci, db: Path, tunggu: float, kabar) -> None:
    """Take the writer's flock, waiting up to `tunggu` seconds; BasisDataSibuk after that."""
    mulai = time.monotonic()
    kabar_berikut = 0.0
    while True:
        try:
            fcntl.flock(kunci, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        menunggu = time.monotonic() - mulai
        if menunggu >= tunggu:
            if tunggu <= 0:
                raise BasisDataSibuk(
                    f"Basis data {db.name} sedang diperbarui oleh proses lain (unggahan atau CLI); "
                    "coba lagi setelah pemuatan itu selesai.")
            raise BasisDataSibuk(
                f"Basis data {db.name} masih sedang diperbarui oleh proses lain setelah ditunggu "
                f"{_detik(tunggu)} detik, jadi file ini tidak dimuat dan tidak ada yang berubah; coba lagi nanti "
                "atau beri waktu tunggu lebih lama (--tunggu).")
        if kabar is not None and menunggu >= kabar_berikut:
            kabar(menunggu, tunggu)
            kabar_berikut = menunggu + 1.0
        time.sleep(min(_SELA_COBA_KUNCI, max(tunggu - menunggu, 0.0)))


def _detik(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def izinkan_skor_ulang(con: duckdb.DuckDBPyConnection) -> None:
    """Raise the writer's memory limit for a rescoring of every week."""
    con.execute(f"SET memory_limit = '{BATAS_MEMORI_SKOR_ULANG}'").fetchall()


def _nama_aman(nama_file: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(nama_file).name)[:120] or "file"


@dataclass(frozen=True)
class BarisWilayah:
    """One kabupaten/kota's rows in a week: what is loaded now and what the file brings."""
    kode: str
    nama: str
    baris_lama: int
    baris_baru: int
    baris_cocok: int = 0  # of baris_lama: the reports of koperasi that are in the file too


@dataclass(frozen=True)
class RencanaGanti:
    """What a load would do to its week, kabupaten by kabupaten (before anything is written)."""
    minggu: date
    wilayah: str | None  # the load's area; None = national
    ganti_semua: bool
    baru: tuple[BarisWilayah, ...]  # in the file, nothing loaded yet: added
    diganti: tuple[BarisWilayah, ...]  # in the file and loaded: the loaded rows are replaced
    hilang: tuple[BarisWilayah, ...]  # loaded, not in the file: removed (only with ganti_semua)
    batch_lama: tuple[tuple[int, str, datetime], ...]  # (batch_id, nama_file, dimuat_pada) holding replaced rows
    # True: in a kabupaten already loaded only the reports of the file's koperasi are replaced and
    # the others stay (a file of corrections, e.g. the fixed rejected rows); False: its rows are
    # replaced by the file's, and a koperasi missing from the file becomes tidak melapor
    perbarui: bool = False
    contoh_lepas: tuple[str, ...] = ()  # a few loaded koperasi of `diganti` missing from the file

    @property
    def baris_hilang(self) -> int:
        return sum(w.baris_lama for w in self.hilang)

    @property
    def baris_diganti(self) -> int:
        return sum(w.baris_cocok if self.perbarui else w.baris_lama for w in self.diganti)

    @property
    def laporan_lepas(self) -> int:
        """Loaded reports in the replaced kabupaten of koperasi missing from the file: gone with a
        replace (those koperasi show tidak melapor), kept with perbarui."""
        return 0 if self.perbarui else sum(w.baris_lama - w.baris_cocok for w in self.diganti)

    @property
    def kode_dihapus(self) -> list[str]:
        return [w.kode for w in (*self.diganti, *self.hilang)]

    def kalimat(self) -> str:
        """The sentence a confirmation shows: which areas are replaced, and which disappear."""
        m = fmt.tanggal(self.minggu)
        bagian = []
        if self.diganti and self.perbarui:
            file = sum(w.baris_baru for w in self.diganti)
            bagian.append(f"memperbarui {_daftar_wilayah(self.diganti)} dengan {fmt.angka(file)} baris file ini "
                          f"({fmt.angka(self.baris_diganti)} laporan koperasi yang sama diganti, "
                          f"{fmt.angka(file - self.baris_diganti)} ditambah; laporan koperasi lain di sana tetap)")
        elif self.diganti:
            bagian.append(f"mengganti {fmt.angka(self.baris_diganti)} baris {_daftar_wilayah(self.diganti)} "
                          "dengan baris file ini")
            if self.laporan_lepas:
                contoh = ", ".join(self.contoh_lepas)
                lagi = ", …" if self.laporan_lepas > len(self.contoh_lepas) else ""
                bagian.append(f"{fmt.angka(self.laporan_lepas)} koperasi yang sudah melapor tetapi tidak ada di file "
                              f"ini ({contoh}{lagi}) menjadi TIDAK MELAPOR")
        if self.baru:
            bagian.append(f"menambah {fmt.angka(sum(w.baris_baru for w in self.baru))} baris "
                          f"{_daftar_wilayah(self.baru, lama=False)}")
        if self.hilang:
            bagian.append(f"MENGHAPUS {fmt.angka(self.baris_hilang)} baris {_daftar_wilayah(self.hilang)} yang tidak "
                          "ada di file ini")
        if not bagian:
            return f"Minggu {m}: tidak ada yang berubah."
        tetap = "" if self.ganti_semua and self.wilayah is None else "; wilayah lain tidak berubah"
        return f"Minggu {m}: " + ", ".join(bagian) + tetap + "."


def _daftar_wilayah(daftar, *, lama: bool = True, paling_banyak: int = 5) -> str:
    nama = [f"{w.nama} ({w.kode}, {fmt.angka(w.baris_lama if lama else w.baris_baru)} baris)"
            for w in daftar[:paling_banyak]]
    if len(daftar) == 1:
        return nama[0]
    lagi = f" dan {len(daftar) - paling_banyak} lainnya" if len(daftar) > paling_banyak else ""
    return f"{len(daftar)} kabupaten/kota: " + "; ".join(nama) + lagi


def _di_dalam(kode: str, wilayah_muat: str | None) -> bool:
    return wilayah_muat is None or kode == wilayah_muat or kode.startswith(wilayah_muat + ".")


def rencana_ganti(con: duckdb.DuckDBPyConnection, minggu: date, baris_file: dict[str, int], *,
                  wilayah: str | None = None, ganti_semua: bool = False, koperasi_file=None,
                  perbarui: bool = False) -> RencanaGanti:
    """What loading a file with `baris_file` (kode_kabupaten → rows) and koperasi `koperasi_file`
    into `minggu` for area `wilayah` would add, replace and remove (`perbarui`: in a kabupaten
    already loaded, only the reports of the file's koperasi); reads only (a writer's or a
    reader's connection)."""
    if perbarui and ganti_semua:
        raise ValueError("perbarui dan ganti_semua tidak bisa dipakai bersama")
    ada = dict(con.execute("SELECT kode_kabupaten, count(*) FROM laporan WHERE minggu = ? GROUP BY 1",
                           [minggu]).fetchall())
    nama = dict(con.execute("SELECT kode, nama FROM wilayah WHERE tingkat = 'kabupaten'").fetchall())
    kab_diganti = [k for k in sorted(baris_file) if k in ada]
    cocok: dict = {}
    contoh_lepas: tuple[str, ...] = ()
    if kab_diganti and koperasi_file is not None:
        n = {"m": minggu, "k": kab_diganti, "f": [str(k) for k in koperasi_file]}
        sama = "kode_koperasi IN (SELECT unnest(CAST($f AS VARCHAR[])))"
        cocok = dict(con.execute(f"""SELECT kode_kabupaten, count(*) FROM laporan WHERE minggu = $m
                                     AND kode_kabupaten IN (SELECT unnest($k)) AND {sama} GROUP BY 1""", n).fetchall())
        contoh_lepas = tuple(r[0] for r in con.execute(
            f"""SELECT kode_koperasi FROM laporan WHERE minggu = $m AND kode_kabupaten IN (SELECT unnest($k))
                AND NOT {sama} ORDER BY kode_koperasi LIMIT 5""", n).fetchall())

    def baris(kode: str) -> BarisWilayah:
        lama = int(ada.get(kode, 0))
        # without the file's koperasi, every loaded report counts as one of theirs (nothing said lost)
        return BarisWilayah(kode, nama.get(kode, kode), lama, int(baris_file.get(kode, 0)),
                            int(cocok.get(kode, 0)) if koperasi_file is not None else lama)

    baru = tuple(baris(k) for k in sorted(baris_file) if k not in ada)
    diganti = tuple(baris(k) for k in kab_diganti)
    hilang = tuple(baris(k) for k in sorted(ada) if ganti_semua and k not in baris_file and _di_dalam(k, wilayah))
    kode = [w.kode for w in (*diganti, *hilang)]
    batch_lama = tuple(con.execute(
        """SELECT b.batch_id, b.nama_file, b.dimuat_pada FROM batch b
           WHERE b.batch_id IN (SELECT DISTINCT batch_id FROM laporan
                                WHERE minggu = $m AND kode_kabupaten IN (SELECT unnest($k)))
           ORDER BY b.batch_id""", {"m": minggu, "k": kode}).fetchall()) if kode else ()
    return RencanaGanti(minggu, wilayah, ganti_semua, baru, diganti, hilang, batch_lama, perbarui, contoh_lepas)


def _kalimat_sudah_ada(r: RencanaGanti) -> str:
    if len(r.batch_lama) == 1:
        bid, nama, pada = r.batch_lama[0]
        oleh = f"batch {bid}, file {nama}, {pada.isoformat(' ', 'minutes')}"
    else:
        oleh = "batch " + ", ".join(str(b[0]) for b in r.batch_lama)
    return (f"Minggu {fmt.tanggal(r.minggu)} sudah dimuat ({oleh}) untuk {_daftar_wilayah(r.diganti)}; "
            "pilih ganti (--replace) bila file ini memang menggantikannya, atau perbarui (--perbarui) bila file ini "
            "hanya memperbaiki atau menambah laporan sebagian koperasinya; wilayah lain tidak akan berubah.")


def muat_minggu(con: duckdb.DuckDBPyConnection, hasil, *, nama_file: str, isi_file: bytes | None = None,
                dimuat_oleh: str | None = None, ganti: bool = False, versi_aturan: str | None = None,
                wilayah: str | None = None, ganti_semua: bool = False, perbarui: bool = False) -> int:
    """Insert one validated week (a snapshot.HasilBaca) inside a penulisan; returns the batch id.
    Only the kabupaten present in the file are touched (see rencana_ganti); those already loaded
    are refused unless ``ganti`` (their rows replaced by the file's) or ``perbarui`` (only the
    reports of the file's koperasi replaced, the others kept). ``ganti_semua`` also removes the
    week's other kabupaten inside ``wilayah`` (all of them when None): the caller must have shown
    RencanaGanti.kalimat first."""
    minggu = hasil.minggu
    if not len(hasil.data):
        raise MingguKosong(
            f"Tidak ada satu baris pun yang lolos pemeriksaan ({hasil.baris_ditolak} baris ditolak); minggu "
            f"{minggu.isoformat()} tidak dimuat, supaya minggu kosong tidak menjadi minggu terbaru.")
    data = hasil.data
    baris_file = data["kode_desa"].str.slice(0, 5).value_counts().to_dict()
    rencana = rencana_ganti(con, minggu, baris_file, wilayah=wilayah, ganti_semua=ganti_semua, perbarui=perbarui)
    if rencana.diganti and not (ganti or ganti_semua or perbarui):
        raise MingguSudahAda(_kalimat_sudah_ada(rencana))
    batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batch").fetchall()[0][0]
    con.register("_laporan_baru", data)
    try:
        # every refusal comes before the first write: a group of loads (kdkmp.antrian) refuses
        # one of them without undoing the others
        _tolak_koperasi_ganda(con, minggu, rencana.kode_dihapus)
        _tulis_minggu(con, hasil, rencana, batch_id, nama_file, isi_file, dimuat_oleh, versi_aturan, wilayah)
    finally:
        con.unregister("_laporan_baru")
    return batch_id


def _tulis_minggu(con, hasil, rencana: RencanaGanti, batch_id: int, nama_file: str, isi_file: bytes | None,
                  dimuat_oleh: str | None, versi_aturan: str | None, wilayah: str | None) -> None:
    minggu = hasil.minggu
    if rencana.perbarui:  # _tolak_koperasi_ganda found the file's koperasi nowhere else in the week
        con.execute("DELETE FROM laporan WHERE minggu = $m AND kode_koperasi IN (SELECT kode_koperasi FROM _laporan_baru)",
                    {"m": minggu}).fetchall()
    elif rencana.kode_dihapus:
        con.execute("DELETE FROM laporan WHERE minggu = $m AND kode_kabupaten IN (SELECT unnest($k))",
                    {"m": minggu, "k": rencana.kode_dihapus}).fetchall()

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

    kolom = ", ".join(kontrak.NAMA_KOLOM)
    pilih = ", ".join(
        f"CAST({k.nama} AS {kontrak.TIPE_SQL[k.jenis]})" for k in kontrak.KOLOM)
    con.execute(
        f"""INSERT INTO laporan (minggu, batch_id, {kolom}, kode_kecamatan, kode_kabupaten, kode_provinsi)
            SELECT $minggu, $batch, {pilih}, kode_desa[1:8], kode_desa[1:5], kode_desa[1:2]
            FROM _laporan_baru""",
        {"minggu": minggu, "batch": batch_id})
    # a batch whose every row was replaced is history; one that still holds rows stays aktif
    con.execute("""UPDATE batch SET status = 'diganti'
                   WHERE minggu = $m AND status = 'aktif'
                     AND batch_id NOT IN (SELECT DISTINCT batch_id FROM laporan WHERE minggu = $m)""",
                {"m": minggu}).fetchall()

    ditolak = hasil.ditolak
    if len(ditolak):
        con.register("_penolakan_baru", ditolak)
        con.execute("""INSERT INTO penolakan SELECT $batch, CAST(baris AS INTEGER), CAST(kolom AS VARCHAR),
                       CAST(nilai AS VARCHAR), CAST(alasan AS VARCHAR) FROM _penolakan_baru""",
                    {"batch": batch_id})
        con.unregister("_penolakan_baru")

    con.execute(
        """INSERT INTO batch (batch_id, minggu, nama_file, sha256, baris_dibaca, baris_dimuat, baris_ditolak,
                              dimuat_pada, dimuat_oleh, versi_aturan, arsip, status, wilayah)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'aktif', ?)""",
        [batch_id, minggu, nama_file, sha, hasil.baris_dibaca, hasil.baris_dimuat, hasil.baris_ditolak,
         datetime.now().replace(microsecond=0), dimuat_oleh or _pengguna(), versi_aturan,
         str(arsip) if arsip else None, wilayah])


def _tolak_koperasi_ganda(con: duckdb.DuckDBPyConnection, minggu: date, diganti: list[str]) -> None:
    """KoperasiGanda when koperasi of `_laporan_baru` stay in the week under a kabupaten that
    the load does not replace (`diganti`)."""
    ganda = con.execute(
        """SELECT l.kode_koperasi, l.kode_kabupaten, count(*) OVER () FROM laporan l
           JOIN _laporan_baru n ON n.kode_koperasi = l.kode_koperasi
           WHERE l.minggu = $m AND NOT list_contains(CAST($k AS VARCHAR[]), l.kode_kabupaten)
           ORDER BY l.kode_koperasi LIMIT 3""", {"m": minggu, "k": diganti}).fetchall()
    if ganda:
        contoh = ", ".join(f"{k} (di {kab})" for k, kab, _ in ganda)
        raise KoperasiGanda(
            f"{fmt.angka(ganda[0][2])} koperasi di file ini sudah dilaporkan minggu {minggu.isoformat()} di kabupaten/kota "
            f"lain, misalnya {contoh}; satu koperasi hanya boleh dilaporkan satu wilayah per minggu, jadi file ini "
            "tidak dimuat. Periksa kode desanya.")


def tarik_minggu(con: duckdb.DuckDBPyConnection, minggu: date, *, alasan: str, oleh: str | None = None) -> dict:
    """Withdraw the loaded week `minggu` inside a penulisan: its laporan rows move to
    laporan_ditarik, its active batches (several after loads by area) become 'ditarik', the
    action is recorded in riwayat_minggu (a row per batch). Returns batch_id (the newest),
    batch (all), nama_file and baris (rows moved). The caller rescores every week."""
    alasan = (alasan or "").strip()
    if not alasan:
        raise TarikDitolak(f"Sebutkan alasan penarikan minggu {minggu.isoformat()}; "
                           "penarikan tanpa alasan tidak dilakukan.")
    r = con.execute("SELECT batch_id, nama_file FROM batch WHERE minggu = ? AND status = 'aktif' ORDER BY batch_id",
                    [minggu]).fetchall()
    if not r:
        ditarik = _batch_ditarik(con, minggu)
        if ditarik:
            raise TarikDitolak(f"Minggu {minggu.isoformat()} sudah ditarik (batch {_daftar_batch(ditarik)}); "
                               "tidak ada yang ditarik lagi.")
        raise TarikDitolak(f"Minggu {minggu.isoformat()} belum dimuat; tidak ada yang bisa ditarik.")
    semua = [b for b, _ in r]
    baris = con.execute("SELECT count(*) FROM laporan WHERE minggu = ?", [minggu]).fetchall()[0][0]
    con.execute("INSERT INTO laporan_ditarik BY NAME SELECT * FROM laporan WHERE minggu = ?", [minggu]).fetchall()
    con.execute("DELETE FROM laporan WHERE minggu = ?", [minggu]).fetchall()
    pada = datetime.now().replace(microsecond=0)
    for batch_id in semua:
        con.execute("UPDATE batch SET status = 'ditarik' WHERE batch_id = ?", [batch_id]).fetchall()
        _catat_riwayat(con, batch_id, minggu, "tarik", oleh, alasan, pada)
    return {"batch_id": semua[-1], "batch": semua, "nama_file": r[-1][1], "baris": int(baris)}


def pulihkan_minggu(con: duckdb.DuckDBPyConnection, minggu: date, *, oleh: str | None = None,
                    alasan: str | None = None) -> dict:
    """Restore the withdrawn week `minggu` inside a penulisan (the batches of its latest
    withdrawal when it was withdrawn several times): their rows move back to laporan, the
    batches are 'aktif' again, the action is recorded. Refused when the week has been loaded
    again since. Returns batch_id (the newest), batch (all), nama_file and baris. The caller
    rescores every week."""
    ditarik = _batch_ditarik(con, minggu)
    aktif = con.execute("SELECT batch_id, nama_file FROM batch WHERE minggu = ? AND status = 'aktif'", [minggu]).fetchall()
    if not ditarik:
        keadaan = f"minggu itu sedang aktif (batch {aktif[0][0]})" if aktif else "minggu itu belum pernah dimuat"
        raise TarikDitolak(f"Minggu {minggu.isoformat()} tidak punya data yang ditarik: {keadaan}; "
                           "tidak ada yang bisa dipulihkan.")
    if aktif:
        raise TarikDitolak(
            f"Minggu {minggu.isoformat()} sudah dimuat lagi sejak ditarik (batch {aktif[0][0]}, file {aktif[0][1]}); "
            f"tarik batch itu dulu bila batch {_daftar_batch(ditarik)} yang harus kembali.")
    nama_file = con.execute("SELECT nama_file FROM batch WHERE batch_id = ?", [ditarik[-1]]).fetchall()[0][0]
    baris = con.execute("SELECT count(*) FROM laporan_ditarik WHERE batch_id IN (SELECT unnest(?))",
                        [ditarik]).fetchall()[0][0]
    con.execute("INSERT INTO laporan BY NAME SELECT * FROM laporan_ditarik WHERE batch_id IN (SELECT unnest(?))",
                [ditarik]).fetchall()
    con.execute("DELETE FROM laporan_ditarik WHERE batch_id IN (SELECT unnest(?))", [ditarik]).fetchall()
    pada = datetime.now().replace(microsecond=0)
    for batch_id in ditarik:
        con.execute("UPDATE batch SET status = 'aktif' WHERE batch_id = ?", [batch_id]).fetchall()
        _catat_riwayat(con, batch_id, minggu, "pulihkan", oleh, (alasan or "").strip() or None, pada)
    return {"batch_id": ditarik[-1], "batch": ditarik, "nama_file": nama_file, "baris": int(baris)}


def _batch_ditarik(con: duckdb.DuckDBPyConnection, minggu: date) -> list[int]:
    """The batches of the latest withdrawal of a week still withdrawn (one withdrawal = the
    batches whose 'tarik' was recorded at the same moment), oldest first; [] when none."""
    r = con.execute(
        """WITH t AS (SELECT r.batch_id, max(r.pada) AS pada FROM riwayat_minggu r
                      JOIN batch b USING (batch_id)
                      WHERE b.minggu = $m AND b.status = 'ditarik' AND r.aksi = 'tarik' GROUP BY 1)
           SELECT batch_id FROM t WHERE pada = (SELECT max(pada) FROM t) ORDER BY batch_id""",
        {"m": minggu}).fetchall()
    if r:
        return [x[0] for x in r]
    # a withdrawal recorded before riwayat_minggu kept one row per batch: the newest batch
    r = con.execute("SELECT max(batch_id) FROM batch WHERE minggu = ? AND status = 'ditarik'", [minggu]).fetchall()
    return [r[0][0]] if r[0][0] is not None else []


def _daftar_batch(batch: list[int]) -> str:
    return ", ".join(str(b) for b in batch)


def _catat_riwayat(con, batch_id: int, minggu: date, aksi: str, oleh: str | None, alasan: str | None,
                   pada: datetime) -> None:
    con.execute("INSERT INTO riwayat_minggu VALUES (?, ?, ?, ?, ?, ?)",
                [batch_id, minggu, aksi, (oleh or "").strip() or _pengguna(), pada, alasan]).fetchall()


# The OS user a request acts for when a process serves others' commands (the resident writer,
# kdkmp.penulis, sets the caller's for the request's thread); None: this process's own user.
pengguna_os: contextvars.ContextVar[str | None] = contextvars.ContextVar("pengguna_os", default=None)


def _pengguna() -> str:
    if pengguna_os.get() is not None:
        return pengguna_os.get()
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "tidak diketahui"


# ---------------------------------------------------------------- reading

_kunci_baca = threading.Lock()
_sambungan: dict[Path, tuple[tuple, duckdb.DuckDBPyConnection]] = {}


def kolom_atau_null(con: duckdb.DuckDBPyConnection, tabel: str, kolom: str, alias: str) -> str:
    """`alias.kolom`, or a NULL of text when the table lacks the column: the readers open the file
    read-only, and a database written before a column existed gets it only on its next write
    (store.pastikan_skema), e.g. batch.wilayah before area-scoped loads (all its loads national)."""
    ada = con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                      [tabel, kolom]).fetchall()[0][0]
    return f"{alias}.{kolom}" if ada else "CAST(NULL AS VARCHAR)"


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
                if not _utuh_tercatat(db, ident):
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

