"""The load queue: loads that find the writer busy are done together by whoever holds it next.

On a Monday morning dozens of kabupaten load within minutes, and every write costs a copy of the
database, a scoring of the week and a swap (≈ 1.5 s on the national database) whatever its size.
Done one by one, 30 loads of 300 rows queue for ≈ 45 s of writer time; done together they share
one copy, one scoring and one swap.

Decisions, each in one line:
- A load first tries the writer itself. When it is busy, the load leaves its validated week in
  ``<db>.antrian/`` (Parquet and JSON, never pickle) and waits, trying the writer every 0.05 s.
- Whoever next holds the writer (a waiting load, or any load) takes every queued load into its
  own penulisan, oldest first, plus its own.
- Each queued load is decided on its own: refusals (already loaded, a koperasi twice, …) happen in
  store.muat_minggu before it writes anything, so they refuse that load alone. An unexpected
  error discards the whole group: nothing changes and every waiter is told so in one sentence.
- The answers are written after the swap while the lock is still held (penulisan's
  ``selesai``): a waiter told "dimuat" finds its rows in the live file.
- A request is claimed by renaming it; a waiter whose time is up withdraws its request by renaming
  it too: exactly one rename succeeds. A claimed request is answered, never withdrawn.
- Only the lock holder claims, so a claimed request without an answer seen by a new lock holder
  belongs to a writer that died before its swap (nothing changed): it is taken again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from kdkmp import store

SELA_COBA = 0.05
# A claimed request is being written by the lock holder: its answer comes after that writer's
# scoring and swap, a few seconds; this only bounds a waiter against a writer that hangs.
BATAS_TUNGGU_JAWABAN = 600.0


@dataclass
class Permintaan:
    """One load: a validated week and how to load it."""
    hasil: object  # snapshot.HasilBaca (data, ditolak, minggu, baris_dibaca, …)
    isi_file: bytes | None
    nama_file: str
    ganti: bool = False
    dimuat_oleh: str | None = None
    wilayah: str | None = None
    ganti_semua: bool = False
    perbarui: bool = False  # only the reports of the file's koperasi (store.RencanaGanti.perbarui)


class _TidakAdaKerja(Exception):
    """The writer was taken, but the queue had nothing (left) for it."""


def folder_antrian(db: Path) -> Path:
    return db.with_name(db.name + ".antrian")


def muat_bergiliran(permintaan: Permintaan, db_path, *, tunggu: float,
                    kabar: Callable[[float, float], None] | None,
                    kerjakan: Callable[[object, list[Permintaan]], list]) -> object:
    """Run `permintaan` through the writer, now or in a later writer's group, waiting up to
    `tunggu` seconds. `kerjakan(con, daftar)` loads and scores a group inside a penulisan and
    returns, per request, its result or the store.GagalMuat refusing it. Returns this request's
    result or raises its refusal; BasisDataSibuk when its time ran out (nothing changed)."""
    db = store.lokasi_db(db_path)
    folder = folder_antrian(db)
    antre: list[str] = []  # this request's id once it is queued
    try:
        return _bergiliran(db, folder, permintaan, tunggu, kabar, kerjakan, antre)
    except BaseException:
        # leaving early (an error, Ctrl+C): a request nobody has claimed must not load later
        if antre:
            _batalkan(folder, antre[0])
        raise


def _bergiliran(db: Path, folder: Path, permintaan: Permintaan, tunggu: float, kabar, kerjakan,
                antre: list[str]):
    mulai = time.monotonic()
    kabar_berikut = 0.0
    while True:
        id_ = antre[0] if antre else None
        if id_ is not None:
            jawaban = _ambil_jawaban(folder, id_)
            if jawaban is not None:
                return _dari_jawaban(jawaban)
        try:
            return _sebagai_penulis(db, folder, permintaan if id_ is None else None, id_, kerjakan)
        except store.BasisDataSibuk:
            pass
        except _TidakAdaKerja:
            continue  # our request was answered by the writer before us
        menunggu = time.monotonic() - mulai
        if id_ is None:
            if tunggu <= 0:
                raise store.BasisDataSibuk(
                    f"Basis data {db.name} sedang diperbarui oleh proses lain (unggahan atau CLI); "
                    "coba lagi setelah pemuatan itu selesai.")
            id_ = _simpan_permintaan(folder, permintaan)
            antre.append(id_)
        if menunggu >= tunggu:
            if _batalkan(folder, id_):
                antre.clear()
                raise store.BasisDataSibuk(
                    f"Basis data {db.name} masih sedang diperbarui oleh proses lain setelah ditunggu "
                    f"{_detik(tunggu)} detik, jadi file ini tidak dimuat dan tidak ada yang berubah; coba lagi nanti "
                    "atau beri waktu tunggu lebih lama (--tunggu).")
            if menunggu >= tunggu + BATAS_TUNGGU_JAWABAN:
                raise store.GagalMuat(
                    f"File ini sedang dimuat oleh proses lain yang belum selesai setelah {_detik(menunggu)} detik; "
                    "periksa riwayat pemuatan sebelum memuatnya lagi.")
        if kabar is not None and menunggu >= kabar_berikut:
            kabar(menunggu, tunggu)
            kabar_berikut = menunggu + 1.0
        time.sleep(SELA_COBA)


def _detik(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _sebagai_penulis(db: Path, folder: Path, sendiri: Permintaan | None, id_sendiri: str | None, kerjakan):
    """Take the writer (BasisDataSibuk when busy) and load the queue and `sendiri` as one group."""
    diklaim: list[tuple[str, Path]] = []
    hasil: dict[str, object] = {}
    milik_sendiri = [None]

    def selesai(berhasil: bool) -> None:
        for rid, jalur in diklaim:
            if rid != id_sendiri:
                if berhasil:
                    jawaban = _jawaban(hasil[rid])
                else:
                    jawaban = {"ok": False, "jenis": "GagalMuat", "pesan": (
                        "Pemuatan bersama dengan file lain gagal di tengah jalan, jadi tidak ada yang berubah; "
                        "muat file ini lagi.")}
                _tulis_json(folder / f"{rid}.jawaban.json", jawaban)
            shutil.rmtree(jalur, ignore_errors=True)

    with store.penulisan(db, selesai=selesai) as con:
        diklaim.extend(_klaim(folder))
        daftar: list[tuple[str | None, Permintaan | None]] = []
        for rid, jalur in diklaim:
            try:
                daftar.append((rid, _baca_permintaan(jalur)))
            except Exception as e:  # a damaged request refuses itself, not the group
                hasil[rid] = store.GagalMuat(f"Permintaan muat di antrean tidak terbaca ({type(e).__name__}); "
                                             "muat file itu lagi.")
        if sendiri is not None:
            daftar.append((None, sendiri))
        if not daftar and not hasil:
            raise _TidakAdaKerja
        keluaran = kerjakan(con, [p for _, p in daftar]) if daftar else []
        for (rid, _), k in zip(daftar, keluaran):
            if rid is None or rid == id_sendiri:
                milik_sendiri[0] = k
            else:
                hasil[rid] = k
    if milik_sendiri[0] is None:
        raise _TidakAdaKerja
    if isinstance(milik_sendiri[0], Exception):
        raise milik_sendiri[0]
    return milik_sendiri[0]


# ---------------------------------------------------------------- requests on disk

def _simpan_permintaan(folder: Path, p: Permintaan) -> str:
    """Write a request atomically (a folder renamed into place); returns its id (sorts by time)."""
    folder.mkdir(exist_ok=True)
    id_ = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tulis = folder / f"{id_}.tulis"
    tulis.mkdir()
    h = p.hasil
    h.data.to_parquet(tulis / "data.parquet", index=False)
    h.ditolak.to_parquet(tulis / "ditolak.parquet", index=False)
    if p.isi_file is not None:
        (tulis / "isi").write_bytes(p.isi_file)
    _tulis_json(tulis / "meta.json", {
        "minggu": h.minggu.isoformat(), "baris_dibaca": int(h.baris_dibaca),
        "format": getattr(h, "format", "frame"), "nama_file": p.nama_file, "ganti": p.ganti,
        "dimuat_oleh": p.dimuat_oleh, "wilayah": p.wilayah, "ganti_semua": p.ganti_semua, "perbarui": p.perbarui})
    os.rename(tulis, folder / f"{id_}.minta")
    return id_


def _baca_permintaan(jalur: Path) -> Permintaan:
    from kdkmp import snapshot

    meta = json.loads((jalur / "meta.json").read_text(encoding="utf-8"))
    isi = jalur / "isi"
    hasil = snapshot.HasilBaca(data=pd.read_parquet(jalur / "data.parquet"),
                               ditolak=pd.read_parquet(jalur / "ditolak.parquet"),
                               minggu=date.fromisoformat(meta["minggu"]), baris_dibaca=meta["baris_dibaca"],
                               kolom_tambahan=[], format=meta["format"])
    return Permintaan(hasil=hasil, isi_file=isi.read_bytes() if isi.exists() else None, nama_file=meta["nama_file"],
                      ganti=meta["ganti"], dimuat_oleh=meta["dimuat_oleh"], wilayah=meta["wilayah"],
                      ganti_semua=meta["ganti_semua"], perbarui=meta.get("perbarui", False))


def _klaim(folder: Path) -> list[tuple[str, Path]]:
    """Every waiting request (and every orphan of a writer that died), oldest first, claimed."""
    if not folder.is_dir():
        return []
    diklaim = []
    for jalur in sorted(folder.iterdir()):
        rid, _, jenis = jalur.name.partition(".")
        if jenis == "minta":
            tujuan = jalur.with_name(f"{rid}.diproses")
            try:
                os.rename(jalur, tujuan)
            except FileNotFoundError:  # withdrawn by its waiter just now
                continue
            diklaim.append((rid, tujuan))
        elif jenis == "diproses" and not (folder / f"{rid}.jawaban.json").exists():
            diklaim.append((rid, jalur))
    return diklaim


def _batalkan(folder: Path, id_: str) -> bool:
    """Withdraw a request nobody has claimed; False when a writer has it already."""
    batal = folder / f"{id_}.batal"
    try:
        os.rename(folder / f"{id_}.minta", batal)
    except FileNotFoundError:
        return False
    shutil.rmtree(batal, ignore_errors=True)
    return True


def _tulis_json(jalur: Path, isi: dict) -> None:
    sementara = jalur.with_name(jalur.name + ".tmp")
    sementara.write_text(json.dumps(isi, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(sementara, jalur)


def _ambil_jawaban(folder: Path, id_: str) -> dict | None:
    jalur = folder / f"{id_}.jawaban.json"
    try:
        isi = json.loads(jalur.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    jalur.unlink(missing_ok=True)
    return isi


# ---------------------------------------------------------------- answers

def _jawaban(hasil) -> dict:
    if isinstance(hasil, store.GagalMuat):
        return {"ok": False, "jenis": type(hasil).__name__, "pesan": str(hasil)}
    return {"ok": True, "batch_id": hasil.batch_id, "rencana": asdict(hasil.rencana)}


def _dari_jawaban(j: dict):
    from kdkmp import ingest

    if not j["ok"]:
        jenis = {k.__name__: k for k in (store.GagalMuat, store.MingguSudahAda, store.MingguKosong,
                                          store.KoperasiGanda, store.BasisDataTidakBisaDibuka,
                                          ingest.WilayahMuatDitolak)}.get(j["jenis"], store.GagalMuat)
        raise jenis(j["pesan"])
    r = j["rencana"]

    def wilayah(daftar):
        return tuple(store.BarisWilayah(**w) for w in daftar)

    rencana = store.RencanaGanti(
        minggu=date.fromisoformat(r["minggu"]), wilayah=r["wilayah"], ganti_semua=r["ganti_semua"],
        baru=wilayah(r["baru"]), diganti=wilayah(r["diganti"]), hilang=wilayah(r["hilang"]),
        batch_lama=tuple((b, n, datetime.fromisoformat(p) if p else None) for b, n, p in r["batch_lama"]),
        perbarui=r["perbarui"], contoh_lepas=tuple(r["contoh_lepas"]))
    return ingest.HasilSimpan(j["batch_id"], rencana)
