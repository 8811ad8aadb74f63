"""One week from a file into the database: read + validate, then load and score in one
transaction. Shared by the CLI, the upload page and the demo builder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from kdkmp import galat, snapshot, store


@dataclass
class HasilMuat:
    minggu: date
    batch_id: int
    baris_dibaca: int
    baris_dimuat: int
    baris_ditolak: int
    file_penolakan: Path | None
    lembar: str | None = None  # the XLSX sheet read


# A new latest week with fewer rows than this share of the week before is probably one area's
# file (a province's spreadsheet), not the national week: it would become "this week" for every
# user, with everyone else grey. Said before loading; the whole-area loads are issue 15's.
PORSI_CAKUPAN_WAJAR = 0.5


def peringatan_cakupan(minggu_baru: date, baris_baru: int, terakhir: dict | None) -> str | None:
    """The warning for a file that would become the latest week with far fewer rows than the
    latest loaded week (`terakhir`: queries.batch_aktif of that week, with its 'minggu'), else None."""
    if not terakhir or minggu_baru <= terakhir["minggu"] or baris_baru >= PORSI_CAKUPAN_WAJAR * terakhir["baris_dimuat"]:
        return None
    from kdkmp import format as fmt

    return (f"File ini hanya berisi {fmt.angka(baris_baru)} baris, padahal minggu terakhir "
            f"({terakhir['minggu'].isoformat()}) berisi {fmt.angka(terakhir['baris_dimuat'])} laporan. Bila dimuat, minggu {minggu_baru.isoformat()} menjadi "
            "minggu terbaru di semua halaman dan koperasi lain tampil tidak melapor.")


def skor_ulang_semua(con: duckdb.DuckDBPyConnection, aturan) -> None:
    """Rescore every week (inside a penulisan), with the memory that needs."""
    from kdkmp import rules

    store.izinkan_skor_ulang(con)
    rules.skor(con, aturan)


def skor_setelah_muat(con: duckdb.DuckDBPyConnection, minggu: date) -> None:
    """Score the new week inside the load's transaction. Look-back gates make later weeks
    depend on earlier ones, so a week loaded behind the newest one rescores everything, as
    does a change of the rules."""
    from kdkmp import rules

    aturan = rules.muat_aturan()
    terbaru = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
    if rules.perlu_skor_ulang(con, aturan, kecuali=minggu) or (terbaru is not None and minggu < terbaru):
        skor_ulang_semua(con, aturan)
    else:
        rules.skor(con, aturan, minggu)


def simpan(hasil: snapshot.HasilBaca, *, isi_file: bytes | None, nama_file: str,
           db_path: str | os.PathLike | None = None, ganti: bool = False,
           dimuat_oleh: str | None = None) -> int:
    """Load a validated week and score it, all or nothing; returns the batch id."""
    with store.penulisan(db_path) as con:
        batch_id = store.muat_minggu(con, hasil, nama_file=nama_file, isi_file=isi_file,
                                     dimuat_oleh=dimuat_oleh, ganti=ganti)
        skor_setelah_muat(con, hasil.minggu)
        versi = store.baca_meta(con, "versi_aturan")
        con.execute("UPDATE batch SET versi_aturan = ? WHERE batch_id = ?", [versi, batch_id])
    return batch_id


def tarik(minggu: date, *, alasan: str, oleh: str | None = None,
          db_path: str | os.PathLike | None = None) -> dict:
    """Withdraw a loaded week and rescore every week, all or nothing (store.tarik_minggu)."""
    return _ubah_minggu(store.tarik_minggu, minggu, db_path, alasan=alasan, oleh=oleh)


def pulihkan(minggu: date, *, oleh: str | None = None, alasan: str | None = None,
             db_path: str | os.PathLike | None = None) -> dict:
    """Restore a withdrawn week and rescore every week, all or nothing (store.pulihkan_minggu)."""
    return _ubah_minggu(store.pulihkan_minggu, minggu, db_path, alasan=alasan, oleh=oleh)


def _ubah_minggu(aksi, minggu: date, db_path, **kw) -> dict:
    # Every week is rescored, not only those after `minggu`: the look-back gates and the
    # weeks-in-zone runs count loaded weeks, and the kept state (keadaan_skor) must not
    # continue from a withdrawn week. The rules are read before the copy is made, so an
    # invalid zones.yaml refuses the action before anything is written.
    from kdkmp import rules

    if not store.lokasi_db(db_path).exists():
        raise store.BasisDataKosong(f"Basis data {store.lokasi_db(db_path)} belum ada.")
    aturan = rules.muat_aturan()
    with store.penulisan(db_path) as con:
        hasil = aksi(con, minggu, **kw)
        skor_ulang_semua(con, aturan)
    return hasil


def muat_file(path: str | os.PathLike, *, db_path: str | os.PathLike | None = None, minggu: date | None = None,
              ganti: bool = False, batas_tolak: float = 0.2, sheet: str | None = None,
              dimuat_oleh: str | None = None) -> HasilMuat:
    """The CLI's ingest: the rejected rows go to `<file>.ditolak.csv` beside the input
    (or beside the database when that folder is not writable)."""
    path = Path(path)
    try:
        isi = path.read_bytes()
    except OSError as e:
        raise snapshot.FileDitolak(f"File {path} tidak dapat dibaca: {galat.sebab_os(e)}.") from None
    hasil = snapshot.baca_snapshot(isi, nama_file=path.name, minggu=minggu, sheet=sheet, batas_tolak=batas_tolak)
    batch_id = simpan(hasil, isi_file=isi, nama_file=path.name, db_path=db_path, ganti=ganti,
                      dimuat_oleh=dimuat_oleh)
    file_penolakan = None
    if hasil.baris_ditolak:
        file_penolakan = path.with_name(path.stem + ".ditolak.csv")
        try:
            file_penolakan.write_bytes(hasil.file_penolakan())
        except OSError:
            file_penolakan = store.direktori_arsip(store.lokasi_db(db_path)) / f"{batch_id:05d}_{path.stem}.ditolak.csv"
            file_penolakan.write_bytes(hasil.file_penolakan())
    return HasilMuat(hasil.minggu, batch_id, hasil.baris_dibaca, hasil.baris_dimuat, hasil.baris_ditolak,
                     file_penolakan, lembar=hasil.lembar)
