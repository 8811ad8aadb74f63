"""Tindak lanjut (issue 13): actions on koperasi, their history, the intervention list's action
columns, the spreadsheet round trip, overdue counts and "did it help?".

Decisions, each in one line:
- Actions live in the state store (kdkmp.catatan: `tindakan` + append-only `riwayat_tindakan`),
  never in the DuckDB file, so every weekly load, replace, withdrawal, rescoring and restart
  leaves them alone; the two stores are joined here, in pandas, by kode_koperasi.
- Types are data in config/tindaklanjut.yaml (kode, label, aktif), validated at load naming the
  file, the key and the fix; statuses are a registry in code (`STATUS`), one row each.
- Scope: an action carries its koperasi's desa code (from the newest week, looked up when it is
  recorded); a provinsi/kabupaten user records, changes and sees only actions inside its wilayah,
  pusat and admin all (akses.di_dalam, checked again by catatan inside the write transaction).
- Two people changing one action: every change names the version it was made on; the second save
  is refused with one sentence naming who saved first and when, and the first save stays.
- "Latest action" of a koperasi is its newest recorded one (highest id); `terlambat` = a target
  date before today (WIB) and a status that is not finished (selesai, batal).
- "Belum ada tindak lanjut" = no action recorded for the koperasi at all.
- An action starts (`mulai`) on the day it is recorded unless a start date is given (an action
  begun before it was entered); the start date decides its zone week in the effectiveness table.
- Import matches rows by kode koperasi: a row with an "ID tindakan" of that koperasi and the same
  type changes that action (refused when the action changed since the export: "Versi tindakan"),
  otherwise a row changes the koperasi's newest open action of the same type, otherwise it records
  a new action. Rows with no action column filled, and rows that change nothing, are skipped.
- A preview changes nothing; applying writes every accepted row in one transaction, all or nothing.
- The newest actions are cached per process on the store's change token (catatan.tanda_tindakan,
  a counter every write raises in its transaction), so a list shown again costs only the join.
- Effectiveness compares, it proves nothing: of the koperasi merah when their first action
  started, the share that was hijau or kuning in one of the next 4 (8) weeks, beside the same
  share for merah koperasi without any action in the same start weeks; a koperasi counts for a
  window only once that many weeks after its start are loaded; a cancelled action (batal) counts
  as none.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from kdkmp import akses, queries
from kdkmp import catatan as simpanan  # the module; `catatan` is an action's comment
from kdkmp import wilayah as ref
from kdkmp.catatan import CatatanDitolak
from kdkmp.tembolok import Tembolok

_pelaksana = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kdkmp_tindakan")
LOKASI_KONFIGURASI = Path(__file__).resolve().parent.parent / "config" / "tindaklanjut.yaml"
PANJANG_CATATAN_MAKS = 2000
PANJANG_PIC_MAKS = 120
TANGGAL_PALING_AWAL = date(2025, 3, 24)  # the programme's first week (Inpres 9/2025), as config/muat.yaml
TAHUN_KE_DEPAN = 5
JENDELA_MINGGU = (4, 8)
KALIMAT_EFEKTIVITAS = (
    "Perbandingan, bukan bukti sebab-akibat: koperasi yang mendapat tindak lanjut bisa berbeda dari yang "
    "tidak (misalnya lebih mudah ditolong atau lebih diperhatikan). Keluar dari merah = hijau atau kuning "
    "dalam N minggu sesudah minggu tindak lanjut dimulai; koperasi dihitung bila N minggu itu sudah dimuat.")


class KonfigurasiTidakValid(ValueError):
    """config/tindaklanjut.yaml is unusable; the message names the file, the key and the fix."""


# ---------------------------------------------------------------- statuses (data) and types (config)

@dataclass(frozen=True)
class Status:
    kode: str
    label: str
    selesai: bool  # a finished action is never overdue


STATUS: dict[str, Status] = {s.kode: s for s in (
    Status(kode="direncanakan", label="Direncanakan", selesai=False),
    Status(kode="berjalan", label="Berjalan", selesai=False),
    Status(kode="selesai", label="Selesai", selesai=True),
    Status(kode="batal", label="Batal", selesai=True),
)}
STATUS_AWAL = "direncanakan"


@dataclass(frozen=True)
class JenisTindakan:
    kode: str
    label: str
    aktif: bool = True


@dataclass(frozen=True)
class Konfigurasi:
    versi: int
    jenis: dict[str, JenisTindakan]

    def label(self, kode: str) -> str:
        j = self.jenis.get(kode)
        return j.label if j else kode

    def pilihan(self) -> list[JenisTindakan]:
        """The types offered for a new action (active ones), in the file's order."""
        return [j for j in self.jenis.values() if j.aktif]


_POLA_KODE_JENIS = re.compile(r"[a-z0-9_]{1,40}")
_konfigurasi: dict[tuple, Konfigurasi] = {}


def muat_konfigurasi(path: str | os.PathLike | None = None) -> Konfigurasi:
    """The action types from config/tindaklanjut.yaml (or $KDKMP_TINDAKLANJUT, or `path`), cached
    on the file's identity; KonfigurasiTidakValid naming the key and the fix."""
    import yaml

    lokasi = Path(path or os.environ.get("KDKMP_TINDAKLANJUT") or LOKASI_KONFIGURASI)
    try:
        st = lokasi.stat()
        kunci = (str(lokasi), st.st_mtime_ns, st.st_size)
        if kunci in _konfigurasi:
            return _konfigurasi[kunci]
        data = yaml.safe_load(lokasi.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise KonfigurasiTidakValid(f"Berkas jenis tindak lanjut {lokasi} tidak dapat dibaca ({e.strerror}).") from None
    except yaml.YAMLError as e:
        raise KonfigurasiTidakValid(f"Berkas jenis tindak lanjut {lokasi} bukan YAML yang sah: {e}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("jenis"), list) or not data["jenis"]:
        raise KonfigurasiTidakValid(f"{lokasi}: kunci 'jenis' harus berisi daftar jenis tindak lanjut "
                                    "(- kode: verifikasi_lahan, label: Verifikasi lahan).")
    tak_dikenal = set(data) - {"version", "jenis"}
    if tak_dikenal:
        raise KonfigurasiTidakValid(f"{lokasi}: kunci tidak dikenal: {', '.join(sorted(map(str, tak_dikenal)))}; "
                                    "yang dikenal: version, jenis.")
    jenis: dict[str, JenisTindakan] = {}
    label_dipakai: dict[str, str] = {}
    for i, j in enumerate(data["jenis"], start=1):
        tempat = f"{lokasi}: jenis ke-{i}"
        if not isinstance(j, dict) or set(j) - {"kode", "label", "aktif"}:
            raise KonfigurasiTidakValid(f"{tempat} harus berisi kode, label dan (pilihan) aktif saja.")
        kode, label = str(j.get("kode") or ""), str(j.get("label") or "").strip()
        if not _POLA_KODE_JENIS.fullmatch(kode):
            raise KonfigurasiTidakValid(f"{tempat}: kode '{kode}' tidak sah; pakai huruf kecil, angka dan garis "
                                        "bawah (misalnya verifikasi_lahan).")
        if not label:
            raise KonfigurasiTidakValid(f"{tempat} ({kode}): label kosong; tulis teks yang dilihat pengguna.")
        if kode in jenis or label.casefold() in label_dipakai:
            raise KonfigurasiTidakValid(f"{tempat}: kode '{kode}' atau label '{label}' sudah dipakai jenis lain; "
                                        "setiap kode dan label harus unik.")
        aktif = j.get("aktif", True)
        if not isinstance(aktif, bool):
            raise KonfigurasiTidakValid(f"{tempat} ({kode}): aktif harus true atau false, bukan '{aktif}'.")
        jenis[kode] = JenisTindakan(kode=kode, label=label, aktif=aktif)
        label_dipakai[label.casefold()] = kode
    hasil = Konfigurasi(versi=int(data.get("version") or 1), jenis=jenis)
    _konfigurasi[kunci] = hasil
    return hasil


def hari_ini() -> date:
    """Today in WIB (the PMO's day decides what is overdue)."""
    return simpanan.hari_ini()


# ---------------------------------------------------------------- checking one action's fields

def _kosong(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()) or v is pd.NaT


def _cari_jenis(teks, konfigurasi: Konfigurasi, *, baru: bool) -> str:
    t = str(teks).strip()
    for j in konfigurasi.jenis.values():
        if t.casefold() in (j.kode, j.label.casefold()):
            if baru and not j.aktif:
                raise CatatanDitolak(f"Tindakan '{t}' tidak ditawarkan lagi untuk tindak lanjut baru; pilihan: "
                                     f"{', '.join(x.label for x in konfigurasi.pilihan())}.")
            return j.kode
    raise CatatanDitolak(f"Tindakan '{t}' tidak dikenal; pilihan: {', '.join(x.label for x in konfigurasi.pilihan())}.")


def _cari_status(teks) -> str:
    t = str(teks).strip().casefold()
    for s in STATUS.values():
        if t in (s.kode, s.label.casefold()):
            return s.kode
    raise CatatanDitolak(f"Status '{str(teks).strip()}' tidak dikenal; pilihan: {', '.join(STATUS)}.")


_FORMAT_TANGGAL = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def _tanggal(v, apa: str, *, paling_lambat: date | None = None) -> date:
    if isinstance(v, datetime):
        d = v.date()
    elif isinstance(v, date):
        d = v
    else:
        t = str(v).strip()
        t = re.sub(r"[ T]00:00(:00(\.0+)?)?$", "", t)  # a spreadsheet date cell read as text
        for f in _FORMAT_TANGGAL:
            try:
                d = datetime.strptime(t, f).date()
                break
            except ValueError:
                continue
        else:
            raise CatatanDitolak(f"{apa} '{t}' bukan tanggal; tulis YYYY-MM-DD (misalnya 2026-12-15) atau DD/MM/YYYY.")
    batas = paling_lambat or date(hari_ini().year + TAHUN_KE_DEPAN, 12, 31)
    if not TANGGAL_PALING_AWAL <= d <= batas:
        raise CatatanDitolak(f"{apa} {d.isoformat()} tidak masuk akal: harus antara "
                             f"{TANGGAL_PALING_AWAL.isoformat()} dan {batas.isoformat()}.")
    return d


def _teks(v, apa: str, maks: int) -> str | None:
    if _kosong(v):
        return None
    t = str(v).strip()
    if len(t) > maks:
        raise CatatanDitolak(f"{apa} terlalu panjang: {len(t)} karakter, paling banyak {maks}.")
    return t


def _isi_baru(konfigurasi: Konfigurasi, *, jenis, pic_nama, pic_kantor, target, status, catatan, mulai) -> dict:
    if _kosong(jenis):
        raise CatatanDitolak("Tindakan kosong: pilih jenis tindak lanjut.")
    isi = {"jenis": _cari_jenis(jenis, konfigurasi, baru=True)}
    isi["pic_nama"] = _teks(pic_nama, "Nama PIC", PANJANG_PIC_MAKS)
    if isi["pic_nama"] is None:
        raise CatatanDitolak("PIC kosong: tulis nama penanggung jawab tindak lanjut.")
    isi["pic_kantor"] = _teks(pic_kantor, "Kantor PIC", PANJANG_PIC_MAKS)
    isi["target"] = None if _kosong(target) else _tanggal(target, "Target")
    isi["status"] = STATUS_AWAL if _kosong(status) else _cari_status(status)
    isi["catatan"] = _teks(catatan, "Catatan", PANJANG_CATATAN_MAKS)
    isi["mulai"] = hari_ini() if _kosong(mulai) else _tanggal(mulai, "Tanggal mulai", paling_lambat=hari_ini())
    return isi


# ---------------------------------------------------------------- recording and changing (UI)

def _konteks(pengguna: akses.Pengguna, konteks: Mapping | None) -> dict:
    return {"cara_masuk": pengguna.cara_masuk, **(konteks or {})}


def wajib_hak(pengguna: akses.Pengguna) -> None:
    """Only the offices that act record actions (akses.Peran.boleh_tindak_lanjut); the pages hide the
    forms, and this refuses the same to any other caller (the CLI's --oleh, an import)."""
    if not pengguna.hak.boleh_tindak_lanjut:
        raise CatatanDitolak(f"Peran {pengguna.hak.label} hanya membaca tindak lanjut; yang mencatat adalah kantor "
                             "provinsi atau kabupaten/kota di wilayahnya, atau admin. Tidak ada yang disimpan.")


def catat_tindakan(con, pengguna: akses.Pengguna, kode_koperasi: str, *, jenis: str, pic_nama: str,
                   pic_kantor: str | None = None, target: date | str | None = None, status: str | None = None,
                   catatan: str | None = None, mulai: date | str | None = None, konteks: Mapping | None = None,
                   url: str | None = None) -> dict:
    """Record a new action on a koperasi (`con`: a DuckDB cursor, to find the koperasi and its desa).
    `jenis` is a type's kode or label, `status` defaults to direncanakan, `mulai` to today (WIB).
    Returns {id, kode_koperasi, versi: 1, baru: True, diubah}; CatatanDitolak (one sentence, nothing
    written) for an unknown koperasi, one outside the user's scope or a bad field."""
    wajib_hak(pengguna)
    kode = (kode_koperasi or "").strip()
    dikenal = queries.koperasi_dikenal(con, [kode])
    if dikenal.empty:
        raise CatatanDitolak(f"Kode koperasi '{kode}' tidak dikenal di data mingguan; tidak ada yang dicatat.")
    isi = _isi_baru(muat_konfigurasi(), jenis=jenis, pic_nama=pic_nama, pic_kantor=pic_kantor, target=target,
                    status=status, catatan=catatan, mulai=mulai)
    baru = simpanan.TindakanBaru(kode_koperasi=kode, kode_wilayah=dikenal["kode_desa"].iloc[0], isi=isi)
    return simpanan.tulis_tindakan([baru], oleh=pengguna.nama, cakupan=pengguna.cakupan,
                                  konteks=_konteks(pengguna, konteks), url=url)[0]


def ubah_tindakan(pengguna: akses.Pengguna, tindakan_id: int, versi: int, *, status: str | None = None,
                  catatan: str | None = None, target: date | str | None = None, pic_nama: str | None = None,
                  pic_kantor: str | None = None, konteks: Mapping | None = None, url: str | None = None) -> dict:
    """Change an action made on version `versi` (the one the form showed): status with a comment,
    or target / PIC. Arguments left None stay as they are. Returns {id, kode_koperasi, versi (new),
    baru: False, diubah: {kolom: [lama, baru]}}; CatatanDitolak when someone saved first (their save
    is kept), outside the scope, a bad field or nothing changed."""
    wajib_hak(pengguna)
    isi: dict = {}
    if status is not None:
        isi["status"] = _cari_status(status)
    if catatan is not None:
        isi["catatan"] = _teks(catatan, "Catatan", PANJANG_CATATAN_MAKS)
    if target is not None:
        isi["target"] = None if _kosong(target) else _tanggal(target, "Target")
    if pic_nama is not None:
        isi["pic_nama"] = _teks(pic_nama, "Nama PIC", PANJANG_PIC_MAKS)
        if isi["pic_nama"] is None:
            raise CatatanDitolak("PIC kosong: tulis nama penanggung jawab tindak lanjut.")
    if pic_kantor is not None:
        isi["pic_kantor"] = _teks(pic_kantor, "Kantor PIC", PANJANG_PIC_MAKS)
    if not isi:
        raise CatatanDitolak(f"Tidak ada yang diubah pada tindak lanjut nomor {tindakan_id}: isi status, catatan, "
                             "target atau PIC.")
    return simpanan.tulis_tindakan([simpanan.UbahTindakan(id=int(tindakan_id), versi=int(versi), isi=isi)],
                                  oleh=pengguna.nama, cakupan=pengguna.cakupan, konteks=_konteks(pengguna, konteks),
                                  url=url)[0]


def ubah_status(pengguna: akses.Pengguna, tindakan_id: int, versi: int, status: str, catatan: str | None = None,
                *, konteks: Mapping | None = None, url: str | None = None) -> dict:
    """Update an action's status with a comment (the form's most common change); see ubah_tindakan."""
    return ubah_tindakan(pengguna, tindakan_id, versi, status=status, catatan=catatan, konteks=konteks, url=url)


# ---------------------------------------------------------------- reading for the pages

def _dengan_label(df: pd.DataFrame, hari: date) -> pd.DataFrame:
    k = muat_konfigurasi()
    df = df.copy()
    df["label_jenis"] = df["jenis"].map(k.label).astype("str")
    df["label_status"] = df["status"].map(lambda s: STATUS[s].label if s in STATUS else s).astype("str")
    selesai = df["status"].map(lambda s: STATUS[s].selesai if s in STATUS else False).astype(bool)
    df["terlambat"] = (df["target"].notna() & (df["target"] < pd.Timestamp(hari)) & ~selesai).astype(bool)
    return df


def tindakan_koperasi(pengguna: akses.Pengguna, kode_koperasi: str, *, hari: date | None = None,
                      url: str | None = None) -> dict:
    """A koperasi's actions for its page: {'tindakan': the current state, newest first (columns of
    catatan.baca_tindakan + label_jenis, label_status, terlambat), 'riwayat': every saved version,
    oldest first (catatan.baca_riwayat_tindakan + minggu: the Monday of the change in WIB, to put it
    on the zone-history timeline, and ringkasan: what changed, as one Indonesian line)}. Actions
    outside the user's scope are not returned (the page refuses the koperasi before, by its desa)."""
    hari = hari or hari_ini()
    tindakan = _dengan_label(simpanan.baca_tindakan(kode_koperasi=kode_koperasi, cakupan=pengguna.cakupan, url=url),
                             hari)
    riwayat = simpanan.baca_riwayat_tindakan(kode_koperasi=kode_koperasi, cakupan=pengguna.cakupan, url=url)
    lokal = riwayat["pada"].dt.tz_convert(simpanan.WIB).dt.tz_localize(None).dt.normalize()
    riwayat["minggu"] = (lokal - pd.to_timedelta(lokal.dt.day_of_week, unit="D")).astype("datetime64[us]")
    riwayat["ringkasan"] = [ringkas_perubahan(p, versi) for p, versi in zip(riwayat["perubahan"], riwayat["versi"])]
    return {"tindakan": tindakan, "riwayat": riwayat}


# in the order a change is told: what, how far, by when, who, then the comment
def linimasa_koperasi(con, pengguna: akses.Pengguna, kode_koperasi: str, *, url: str | None = None) -> pd.DataFrame:
    """The koperasi's zone history (queries.riwayat_koperasi, refused outside the user's scope) with
    its action changes on the week they happened: the columns of riwayat_koperasi + tindak_lanjut
    (one line per change, 'Verifikasi lahan: status Direncanakan → Berjalan (oleh sari)', joined by
    newlines; '' when none) and jumlah_perubahan. A change falls on the latest loaded week on or
    before its day (WIB); one before the first loaded week, on the first."""
    zona = queries.riwayat_koperasi(con, kode_koperasi, cakupan=pengguna.cakupan)
    riwayat = tindakan_koperasi(pengguna, kode_koperasi, url=url)["riwayat"]
    zona = zona.assign(tindak_lanjut="", jumlah_perubahan=0)
    if zona.empty or riwayat.empty:
        return zona
    k = muat_konfigurasi()
    hari = riwayat["pada"].dt.tz_convert(simpanan.WIB).dt.tz_localize(None).astype("datetime64[us]")
    minggu = pd.Series(pd.to_datetime(zona["minggu"]).astype("datetime64[us]").sort_values().to_numpy())
    posisi = minggu.searchsorted(hari, side="right") - 1
    riwayat = riwayat.assign(minggu_zona=minggu.to_numpy()[posisi.clip(min=0)],
                             baris=[f"{k.label(j)}: {r} (oleh {o})"
                                    for j, r, o in zip(riwayat["jenis"], riwayat["ringkasan"], riwayat["oleh"])])
    per_minggu = riwayat.groupby("minggu_zona")["baris"].agg(["\n".join, "size"])
    kunci = pd.to_datetime(zona["minggu"]).astype("datetime64[us]")
    zona["tindak_lanjut"] = kunci.map(per_minggu["join"]).fillna("").astype("str").to_numpy()
    zona["jumlah_perubahan"] = kunci.map(per_minggu["size"]).fillna(0).astype("int64").to_numpy()
    return zona


_NAMA_KOLOM_ISI = {"jenis": "tindakan", "status": "status", "target": "target", "pic_nama": "PIC",
                   "pic_kantor": "kantor PIC", "mulai": "mulai", "catatan": "catatan"}


def ringkas_perubahan(perubahan: Mapping, versi: int) -> str:
    """'dicatat: tindakan Verifikasi lahan; PIC Sari; …' or 'status Direncanakan → Berjalan; catatan …'."""
    k = muat_konfigurasi()

    def nilai(kol, v):
        if v is None:
            return "(kosong)"
        if kol == "jenis":
            return k.label(v)
        if kol == "status":
            return STATUS[v].label if v in STATUS else v
        return str(v)

    urut = sorted(perubahan.items(), key=lambda kv: list(_NAMA_KOLOM_ISI).index(kv[0]) if kv[0] in _NAMA_KOLOM_ISI else 99)
    if versi == 1:
        return "dicatat: " + "; ".join(f"{_NAMA_KOLOM_ISI.get(c, c)} {nilai(c, b)}" for c, (_, b) in urut)
    return "; ".join(f"{_NAMA_KOLOM_ISI.get(c, c)} {nilai(c, a)} → {nilai(c, b)}" for c, (a, b) in urut)


_TERAKHIR = Tembolok(64)


def tindakan_terakhir(kode_koperasi: Iterable[str] | None = None, *, cakupan: str | None = None,
                      wilayah: str | None = None, hari: date | None = None, url: str | None = None) -> pd.DataFrame:
    """The newest action of each koperasi (of these codes, or all in the area and scope): columns
    of catatan.baca_tindakan without who/when (tanpa_jejak) + label_jenis, label_status, terlambat.
    Kept per process on the store's change token (catatan.tanda_tindakan: one row read), so a list
    shown again after no action changed anywhere costs only the join."""
    hari = hari or hari_ini()
    url = url or simpanan.url_bawaan()
    kode = None if kode_koperasi is None else ((kode_koperasi,) if isinstance(kode_koperasi, str)
                                               else tuple(kode_koperasi))
    kunci = (url, simpanan.tanda_tindakan(url), kode, cakupan, wilayah, hari, id(muat_konfigurasi()))
    df = _TERAKHIR.ambil(kunci, lambda: _dengan_label(simpanan.baca_tindakan(
        kode_koperasi=kode, cakupan=cakupan, wilayah=wilayah, hanya_terakhir=True, tanpa_jejak=True, url=url), hari))
    return df  # pandas 3 copies on write: a caller changing it changes its own copy


# The action columns of the intervention list, in order, with their labels (screen and export).
KOLOM_TINDAKAN = {
    "tindakan": "Tindakan", "pic": "PIC", "kantor_pic": "Kantor PIC", "target": "Target",
    "status_tindakan": "Status", "terlambat": "Terlambat", "catatan_tindakan": "Catatan",
    "tindakan_id": "ID tindakan", "versi_tindakan": "Versi tindakan",
}


@dataclass(frozen=True)
class SaringanTindakan:
    kunci: str  # URL parameter
    label: str  # widget label
    kalimat: str  # human form; {nilai} is the value
    saring: Callable[[pd.DataFrame, str], pd.Series]  # the rows kept
    bendera: bool = False  # present or absent, no value of its own


SARINGAN_TINDAKAN = (
    SaringanTindakan(kunci="tl_belum", label="Belum ada tindak lanjut", kalimat="belum ada tindak lanjut",
                     saring=lambda df, v: df["tindakan_id"].isna(), bendera=True),
    SaringanTindakan(kunci="tl_terlambat", label="Tindak lanjut terlambat", kalimat="tindak lanjut terlambat",
                     saring=lambda df, v: df["terlambat"].astype(bool), bendera=True),
    SaringanTindakan(kunci="tl_pic", label="PIC", kalimat="PIC {nilai}",
                     saring=lambda df, v: df["pic"].fillna("").str.strip().str.casefold() == str(v).strip().casefold()),
    SaringanTindakan(kunci="tl_status", label="Status tindak lanjut", kalimat="status tindak lanjut {nilai}",
                     saring=lambda df, v: df["status_tindakan"] == _cari_status(v)),
)
SARINGAN_TINDAKAN_PER_KUNCI = {s.kunci: s for s in SARINGAN_TINDAKAN}


def kalimat_saringan_tindakan(saringan: tuple[tuple[str, str], ...]) -> str:
    """The action filters as words to append to queries.kalimat_saringan ('' when none)."""
    bagian = []
    for kunci, nilai in saringan:
        s = SARINGAN_TINDAKAN_PER_KUNCI[kunci]
        v = STATUS[_cari_status(nilai)].label.lower() if kunci == "tl_status" else nilai
        bagian.append(s.kalimat.format(nilai=v))
    return "; ".join(bagian)


def gabung_tindakan(daftar: pd.DataFrame, terakhir: pd.DataFrame) -> pd.DataFrame:
    """The list with the newest action's columns (KOLOM_TINDAKAN) joined by kode_koperasi; a copy."""
    kanan = pd.DataFrame({
        "tindakan": terakhir["label_jenis"], "pic": terakhir["pic_nama"], "kantor_pic": terakhir["pic_kantor"],
        "target": terakhir["target"], "status_tindakan": terakhir["status"], "terlambat": terakhir["terlambat"],
        "catatan_tindakan": terakhir["catatan"], "tindakan_id": terakhir["id"].astype("Int64"),
        "versi_tindakan": terakhir["versi"].astype("Int64")})
    kanan.index = pd.Index(terakhir["kode_koperasi"])
    # one newest action per koperasi (catatan.baca_tindakan's hanya_terakhir): a reindex, not a merge
    cocok = kanan.reindex(daftar["kode_koperasi"].to_numpy())
    cocok.index = daftar.index
    cocok["terlambat"] = cocok["terlambat"].fillna(False).astype(bool)
    return pd.concat([daftar, cocok], axis=1)


def daftar_intervensi_tindakan(con, minggu: date | None = None, wilayah: str | None = None,
                               saringan: tuple[tuple[str, str], ...] = (("zona", "merah"),),
                               saringan_tindakan: tuple[tuple[str, str], ...] = (), *, cakupan: str | None = None,
                               hari: date | None = None, url: str | None = None) -> pd.DataFrame:
    """queries.daftar_intervensi (same order, same scope refusal) with the newest action of each
    koperasi (KOLOM_TINDAKAN), then the action filters ((kunci, nilai), … from SARINGAN_TINDAKAN)."""
    # the state store is read in a thread while DuckDB runs the list (both release the GIL while
    # they work), so the action columns add little more than the join to the list's time
    nanti = _pelaksana.submit(tindakan_terakhir, cakupan=cakupan, wilayah=wilayah, hari=hari, url=url)
    try:
        daftar = queries.daftar_intervensi(con, minggu, wilayah, saringan, cakupan=cakupan)
    except BaseException:  # a refused scope or area: its sentence, not the reader's (which then ends alone)
        nanti.cancel()
        raise
    terakhir = nanti.result()
    return saring_tindakan(gabung_tindakan(daftar, terakhir), saringan_tindakan)


def saring_tindakan(daftar: pd.DataFrame, saringan_tindakan: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The rows of a list with action columns (gabung_tindakan) that match every action filter. For
    a page that caches the list and the latest actions apart (the actions keyed on
    catatan.tanda_tindakan), then joins and filters on every rerun."""
    for kunci, nilai in saringan_tindakan:
        daftar = daftar[SARINGAN_TINDAKAN_PER_KUNCI[kunci].saring(daftar, nilai)]
    return daftar.reset_index(drop=True)


def daftar_kerja(con, minggu: date | None = None, wilayah: str | None = None, *, cakupan: str | None = None,
                 hari: date | None = None, url: str | None = None) -> pd.DataFrame:
    """The round trip's list: koperasi merah this week, plus any koperasi whose newest action is
    still open (direncanakan, berjalan) even if it left merah, so no open action drops out of the
    office's spreadsheet; in the intervention list's order, with the action columns."""
    semua = daftar_intervensi_tindakan(con, minggu, wilayah, (), cakupan=cakupan, hari=hari, url=url)
    terbuka = semua["status_tindakan"].isin([s.kode for s in STATUS.values() if not s.selesai])
    return semua[(semua["zona"] == "merah") | terbuka].reset_index(drop=True)


def tabel_ekspor(daftar: pd.DataFrame) -> pd.DataFrame:
    """The list as exported (people's labels, the action columns ready to fill), for export.ke_csv /
    ke_xlsx: statuses as labels, terlambat as 'ya' or empty, dates as dates."""
    from kdkmp import export

    df = daftar.copy()
    if "status_tindakan" in df:
        df["status_tindakan"] = df["status_tindakan"].map(
            lambda s: STATUS[s].label if isinstance(s, str) and s in STATUS else s)
    if "terlambat" in df:
        df["terlambat"] = df["terlambat"].map(lambda v: "ya" if v is True else "").astype("str")
    kolom = {**queries.KOLOM_INTERVENSI, **KOLOM_TINDAKAN}
    return export.untuk_orang(df).rename(columns=kolom)


def petunjuk_isian() -> dict[str, str]:
    """How to fill the exported list, for the XLSX's keterangan sheet."""
    k = muat_konfigurasi()
    return {
        "Cara mengisi": "Isi kolom Tindakan, PIC, Kantor PIC, Target, Status, Catatan; jangan ubah Kode koperasi, "
                        "ID tindakan dan Versi tindakan. Baris yang kolom-kolom itu kosong dilewati.",
        "Tindakan (pilihan)": ", ".join(j.label for j in k.pilihan()),
        "Status (pilihan)": ", ".join(s.label for s in STATUS.values()),
        "Target": "tanggal YYYY-MM-DD (misalnya 2026-12-15) atau DD/MM/YYYY",
        "Baris berisi ID tindakan": "mengubah tindak lanjut itu bila Tindakan sama; Tindakan lain = tindak lanjut baru",
    }


# ---------------------------------------------------------------- overdue counts

def _terbuka(cakupan, wilayah, hari, url) -> pd.DataFrame:
    df = _dengan_label(simpanan.baca_tindakan(cakupan=cakupan, wilayah=wilayah, url=url), hari or hari_ini())
    return df[~df["status"].map(lambda s: STATUS[s].selesai if s in STATUS else False).astype(bool)]


def terlambat_per_kabupaten(*, cakupan: str | None = None, wilayah: str | None = None, hari: date | None = None,
                            url: str | None = None) -> pd.DataFrame:
    """Open actions (direncanakan, berjalan) per kabupaten/kota in the area: kode_kabupaten,
    kabupaten, terbuka, terlambat, persen_terlambat; most overdue first."""
    df = _terbuka(cakupan, wilayah, hari, url)
    df = df.assign(kode_kabupaten=df["kode_wilayah"].str.slice(0, 5))
    hasil = df.groupby("kode_kabupaten", as_index=False).agg(terbuka=("id", "size"), terlambat=("terlambat", "sum"))
    hasil.insert(1, "kabupaten", hasil["kode_kabupaten"].map(_nama_wilayah).astype("str"))
    hasil["terlambat"] = hasil["terlambat"].astype("int64")
    hasil["terbuka"] = hasil["terbuka"].astype("int64")
    hasil["persen_terlambat"] = (100 * hasil["terlambat"] / hasil["terbuka"]).round(1)
    return hasil.sort_values(["terlambat", "kode_kabupaten"], ascending=[False, True]).reset_index(drop=True)


def terlambat_per_pic(*, cakupan: str | None = None, wilayah: str | None = None, hari: date | None = None,
                      url: str | None = None) -> pd.DataFrame:
    """Open actions per PIC (name and office) in the area: pic_nama, pic_kantor, terbuka, terlambat,
    hari_terlambat_maks (days past the oldest missed target); most overdue first."""
    hari = hari or hari_ini()
    df = _terbuka(cakupan, wilayah, hari, url)
    lewat = (pd.Timestamp(hari) - df["target"]).dt.days.where(df["terlambat"])
    df = df.assign(pic_kantor=df["pic_kantor"].fillna(""), hari_lewat=lewat)
    hasil = df.groupby(["pic_nama", "pic_kantor"], as_index=False).agg(
        terbuka=("id", "size"), terlambat=("terlambat", "sum"), hari_terlambat_maks=("hari_lewat", "max"))
    hasil["terbuka"] = hasil["terbuka"].astype("int64")
    hasil["terlambat"] = hasil["terlambat"].astype("int64")
    hasil["hari_terlambat_maks"] = hasil["hari_terlambat_maks"].astype("Int64")
    return hasil.sort_values(["terlambat", "hari_terlambat_maks", "pic_nama"], ascending=[False, False, True],
                             na_position="last").reset_index(drop=True)


def _nama_wilayah(kode: str) -> str:
    try:
        return ref.nama(kode)
    except ref.KodeTidakDikenal:
        return kode


# ---------------------------------------------------------------- did it help?

def efektivitas(con, wilayah: str | None = None, *, cakupan: str | None = None, jendela: tuple[int, ...] = JENDELA_MINGGU,
                url: str | None = None) -> pd.DataFrame:
    """Per child area of `wilayah` (provinces for national), then a last row for the area itself
    (kode = the area, or None nationally): for each N in `jendela`, dengan_N (koperasi merah when
    their first action started, N weeks observed), dengan_keluar_N (of which hijau or kuning within
    N weeks), dengan_persen_N, and tanpa_N, tanpa_keluar_N, tanpa_persen_N for merah koperasi without
    an action in the same start weeks (queries.keluar_merah_setelah). Show KALIMAT_EFEKTIVITAS beside it."""
    aksi = simpanan.baca_tindakan(cakupan=cakupan, wilayah=wilayah, tanpa_jejak=True, url=url)
    aksi = aksi.loc[aksi["status"] != "batal", ["kode_koperasi", "mulai"]]  # a cancelled action was never done
    rinci = queries.keluar_merah_setelah(con, aksi, wilayah, jendela, cakupan=cakupan)
    return ringkas_efektivitas(rinci, wilayah, jendela)


_PANJANG_ANAK = {None: 2, "provinsi": 5, "kabupaten": 8, "kecamatan": 13, "desa": 13}


def ringkas_efektivitas(rinci: pd.DataFrame, wilayah: str | None, jendela: tuple[int, ...] = JENDELA_MINGGU) -> pd.DataFrame:
    """queries.keluar_merah_setelah's rows counted per child area and for the whole area."""
    tingkat = ref.cari(wilayah).tingkat if wilayah else None
    rinci = rinci.assign(kode=rinci["kode_desa"].str.slice(0, _PANJANG_ANAK[tingkat]))
    total_kode = ref.cari(wilayah).kode if wilayah else None

    def hitung(bagian: pd.DataFrame) -> dict:
        baris = {}
        for n in jendela:
            for kel in ("dengan", "tanpa"):
                b = bagian[(bagian["kelompok"] == kel) & bagian[f"teramati_{n}"].astype(bool)]
                jumlah, keluar = len(b), int(b[f"keluar_{n}"].astype(bool).sum())
                baris[f"{kel}_{n}"] = jumlah
                baris[f"{kel}_keluar_{n}"] = keluar
                baris[f"{kel}_persen_{n}"] = round(100 * keluar / jumlah, 1) if jumlah else float("nan")
        return baris

    baris = [{"kode": k, "nama": _nama_wilayah(k), **hitung(b)} for k, b in rinci.groupby("kode", sort=True)]
    baris.append({"kode": total_kode, "nama": _nama_wilayah(total_kode) if total_kode else "Seluruh Indonesia",
                  **hitung(rinci)})
    return pd.DataFrame(baris)


# ---------------------------------------------------------------- the spreadsheet round trip

# Header → field: any case, spaces, '_' or '/' (the export's labels and the internal names both work).
_KEPALA = {
    "kodekoperasi": "kode_koperasi", "tindakan": "jenis", "jenistindakan": "jenis", "pic": "pic_nama",
    "namapic": "pic_nama", "kantorpic": "pic_kantor", "target": "target", "tanggaltarget": "target",
    "status": "status", "statustindakan": "status", "catatan": "catatan", "catatantindakan": "catatan",
    "idtindakan": "tindakan_id", "tindakanid": "tindakan_id", "versitindakan": "versi",
    "tanggalmulai": "mulai", "mulai": "mulai",
}
_KOLOM_ISIAN = ("jenis", "pic_nama", "pic_kantor", "target", "status", "catatan", "mulai")


def _kunci_kepala(nama) -> str:
    return re.sub(r"[^a-z0-9]", "", str(nama).casefold())


def baca_berkas(isi: bytes, nama_file: str) -> pd.DataFrame:
    """export.baca_tabel, refusing an unreadable file with CatatanDitolak."""
    from kdkmp import export

    try:
        return export.baca_tabel(isi, nama_file)
    except export.BerkasTidakTerbaca as e:
        raise CatatanDitolak(str(e)) from None


@dataclass
class PratinjauImpor:
    """What an import would do; nothing is written until `terapkan_impor`."""
    nama_file: str
    sha256: str
    baris_dibaca: int
    diterima: pd.DataFrame  # baris, kode_koperasi, aksi ('baru' | 'ubah'), tindakan_id, perubahan (one line)
    ditolak: pd.DataFrame  # baris, kode_koperasi, alasan, then the row's columns as read
    kosong: int  # rows with no action column filled
    tidak_berubah: int  # rows that match the action as it is
    rencana: list = field(default_factory=list, repr=False)  # catatan.TindakanBaru / UbahTindakan

    def ringkasan(self) -> str:
        return (f"Baris dibaca: {self.baris_dibaca}; diterima: {len(self.diterima)}; ditolak: {len(self.ditolak)}; "
                f"tanpa isian: {self.kosong}; tidak berubah: {self.tidak_berubah}.")


def pratinjau_impor(con, pengguna: akses.Pengguna, isi: bytes, nama_file: str, *, url: str | None = None) -> PratinjauImpor:
    """Read a filled export and say, row by row, what applying it would do: accepted rows and
    rejected rows each with an Indonesian reason (unknown code, bad date, unknown status or type,
    outside the uploader's scope, an action changed since the export, a repeated row, …).
    CatatanDitolak for a file that cannot be read or lacks the 'Kode koperasi' column, or for a role
    that does not record actions."""
    wajib_hak(pengguna)
    sidik = hashlib.sha256(isi).hexdigest()
    mentah = baca_berkas(isi, nama_file)
    kolom = {}
    for nama in mentah.columns:
        kunci = _KEPALA.get(_kunci_kepala(nama))
        if kunci and kunci not in kolom:
            kolom[kunci] = nama
    if "kode_koperasi" not in kolom:
        raise CatatanDitolak(f"Berkas {nama_file} tidak punya kolom 'Kode koperasi'; pakai berkas hasil ekspor daftar "
                             "intervensi dan isi kolom Tindakan, PIC, Target, Status, Catatan.")
    if not {"jenis", "status"} & set(kolom):
        raise CatatanDitolak(f"Berkas {nama_file} tidak punya kolom 'Tindakan' maupun 'Status'; isi kolom Tindakan, "
                             "PIC, Target, Status, Catatan pada berkas hasil ekspor.")
    konfigurasi = muat_konfigurasi()
    data = pd.DataFrame({k: mentah[n].astype("str").str.strip() for k, n in kolom.items()})
    data["baris"] = range(2, len(data) + 2)  # the spreadsheet's line numbers (line 1 = header)
    data = data.reset_index(drop=True)
    diisi = data[[k for k in _KOLOM_ISIAN if k in data]].ne("").any(axis=1)
    kosong = int((~diisi).sum())
    kenal = queries.koperasi_dikenal(con, data.loc[diisi, "kode_koperasi"].tolist())
    desa_per_kode = dict(zip(kenal["kode_koperasi"], kenal["kode_desa"]))
    kode_ada = [k for k in data.loc[diisi, "kode_koperasi"].unique() if k]
    ada = simpanan.baca_tindakan(kode_koperasi=kode_ada, url=url) if kode_ada else simpanan.baca_tindakan(id=-1, url=url)
    per_id = {int(r.id): r for r in ada.itertuples(index=False)}
    terbuka_per_jenis = {}
    for r in ada.sort_values("id").itertuples(index=False):  # the newest open action of each (koperasi, type)
        if r.status in STATUS and not STATUS[r.status].selesai:
            terbuka_per_jenis[(r.kode_koperasi, r.jenis)] = r

    diterima, ditolak, rencana = [], [], []
    tidak_berubah = 0
    sudah: dict[tuple, int] = {}
    kunci_nilai = ("kode_koperasi", *_KOLOM_ISIAN, "tindakan_id", "versi")
    for i, r in zip(data.index[diisi], data[diisi].to_dict("records")):  # plain dicts: 10× faster than .loc
        nilai = {k: r.get(k, "") for k in kunci_nilai}
        alasan = []

        def tolak(pesan: str) -> None:
            alasan.append(pesan)

        kode = nilai["kode_koperasi"]
        if not kode:
            tolak("Kode koperasi kosong.")
        elif kode not in desa_per_kode:
            tolak(f"Kode koperasi {kode} tidak dikenal di data mingguan.")
        elif not akses.di_dalam(desa_per_kode[kode], pengguna.cakupan):
            tolak(akses.kalimat_di_luar(None, pengguna.cakupan, apa=f"Koperasi {kode}"))
        isi = {}
        for kol, periksa in (("jenis", lambda v: _cari_jenis(v, konfigurasi, baru=False)),
                             ("status", _cari_status), ("target", lambda v: _tanggal(v, "Target")),
                             ("mulai", lambda v: _tanggal(v, "Tanggal mulai", paling_lambat=hari_ini())),
                             ("pic_nama", lambda v: _teks(v, "Nama PIC", PANJANG_PIC_MAKS)),
                             ("pic_kantor", lambda v: _teks(v, "Kantor PIC", PANJANG_PIC_MAKS)),
                             ("catatan", lambda v: _teks(v, "Catatan", PANJANG_CATATAN_MAKS))):
            if nilai[kol]:
                try:
                    isi[kol] = periksa(nilai[kol])
                except CatatanDitolak as e:
                    tolak(str(e))
        lama = None
        if nilai["tindakan_id"] and not alasan:
            try:
                lama = per_id.get(int(float(nilai["tindakan_id"])))
            except ValueError:
                lama = None
            if lama is None or lama.kode_koperasi != kode:
                tolak(f"ID tindakan {nilai['tindakan_id']} bukan tindak lanjut koperasi {kode}; kosongkan kolom ID "
                      "tindakan untuk mencatat tindak lanjut baru.")
                lama = None
            elif "jenis" in isi and isi["jenis"] != lama.jenis:
                lama = None  # another type typed over an exported action: a new action beside it
            elif nilai["versi"] and nilai["versi"] != str(lama.versi):
                pada = lama.diubah_pada.tz_convert(simpanan.WIB).strftime("%Y-%m-%d %H:%M")
                tolak(f"Tindak lanjut nomor {lama.id} sudah diubah oleh {lama.diubah_oleh} pada {pada} WIB sejak "
                      f"berkas ini diekspor (versi {lama.versi}, berkas versi {nilai['versi']}); ekspor ulang lalu "
                      "isi lagi.")
        elif not alasan:
            jenis = isi.get("jenis")
            if jenis is None:  # no type: the koperasi's newest open action, whatever its type
                calon = [v for (k, _), v in terbuka_per_jenis.items() if k == kode]
                lama = max(calon, key=lambda v: v.id) if calon else None
            else:
                lama = terbuka_per_jenis.get((kode, jenis))
        if not alasan and lama is None:
            try:
                isi_baru = _isi_baru(konfigurasi, jenis=nilai["jenis"], pic_nama=nilai["pic_nama"],
                                     pic_kantor=nilai["pic_kantor"], target=nilai["target"], status=nilai["status"],
                                     catatan=nilai["catatan"], mulai=nilai["mulai"])
            except CatatanDitolak as e:
                tolak(str(e))
        kunci_kembar = (kode, lama.id if lama is not None else ("baru", isi.get("jenis")))
        if not alasan and kunci_kembar in sudah:
            tolak(f"Tindak lanjut yang sama untuk koperasi {kode} sudah ada di baris {sudah[kunci_kembar]} berkas ini.")
        if alasan:
            ditolak.append({"baris": int(r["baris"]), "kode_koperasi": kode, "alasan": " ".join(alasan), "_i": i})
            continue
        sudah[kunci_kembar] = int(r["baris"])
        if lama is None:
            rencana.append(simpanan.TindakanBaru(kode_koperasi=kode, kode_wilayah=desa_per_kode[kode],
                                                isi=isi_baru))
            perubahan = {k: [None, v.isoformat() if isinstance(v, date) else v] for k, v in isi_baru.items()
                         if v is not None}
            diterima.append({"baris": int(r["baris"]), "kode_koperasi": kode, "aksi": "baru", "tindakan_id": pd.NA,
                             "perubahan": ringkas_perubahan(perubahan, 1)})
            continue
        isi.pop("mulai", None)  # the start of an existing action is the day it was recorded
        perubahan = {}
        for kol, v in isi.items():
            sebelum = getattr(lama, kol)
            sebelum = None if _kosong(sebelum) else (sebelum.date().isoformat() if isinstance(sebelum, pd.Timestamp)
                                                     else sebelum)
            sesudah = v.isoformat() if isinstance(v, date) else v
            if sesudah != sebelum:
                perubahan[kol] = [sebelum, sesudah]
        if not perubahan:
            tidak_berubah += 1
            continue
        rencana.append(simpanan.UbahTindakan(id=int(lama.id), versi=int(lama.versi), isi={k: isi[k] for k in perubahan}))
        diterima.append({"baris": int(r["baris"]), "kode_koperasi": kode, "aksi": "ubah", "tindakan_id": int(lama.id),
                         "perubahan": ringkas_perubahan(perubahan, 2)})

    tabel_tolak = pd.DataFrame(ditolak, columns=["baris", "kode_koperasi", "alasan", "_i"])
    asli = mentah.loc[tabel_tolak["_i"]].reset_index(drop=True) if len(tabel_tolak) else mentah.iloc[0:0]
    asli = asli.drop(columns=[c for c in asli.columns if c in ("baris", "alasan")])
    tabel_tolak = pd.concat([tabel_tolak.drop(columns="_i").reset_index(drop=True),
                             asli.drop(columns=[kolom["kode_koperasi"]])], axis=1)
    tabel_terima = pd.DataFrame(diterima, columns=["baris", "kode_koperasi", "aksi", "tindakan_id", "perubahan"])
    tabel_terima["tindakan_id"] = tabel_terima["tindakan_id"].astype("Int64")
    return PratinjauImpor(nama_file=nama_file, sha256=sidik, baris_dibaca=len(data),
                          diterima=tabel_terima, ditolak=tabel_tolak, kosong=kosong, tidak_berubah=tidak_berubah,
                          rencana=rencana)


def terapkan_impor(pratinjau: PratinjauImpor, pengguna: akses.Pengguna, *, konteks: Mapping | None = None,
                   url: str | None = None) -> dict:
    """Write the preview's accepted rows in one transaction: {'baru': n, 'diubah': n}. CatatanDitolak,
    nothing written, when an action changed between the preview and now (preview again), or when
    there is nothing to apply."""
    wajib_hak(pengguna)
    if not pratinjau.rencana:
        raise CatatanDitolak(f"Tidak ada baris yang dapat diterapkan dari {pratinjau.nama_file}: "
                             f"{len(pratinjau.ditolak)} baris ditolak, {pratinjau.kosong} tanpa isian, "
                             f"{pratinjau.tidak_berubah} tidak berubah.")
    impor = {"file": pratinjau.nama_file, "sha256": pratinjau.sha256, "baris_dibaca": pratinjau.baris_dibaca,
             "diterapkan": len(pratinjau.rencana), "ditolak": len(pratinjau.ditolak)}
    try:
        hasil = simpanan.tulis_tindakan(pratinjau.rencana, oleh=pengguna.nama, cakupan=pengguna.cakupan,
                                       konteks={**_konteks(pengguna, konteks), "impor": pratinjau.nama_file},
                                       impor=impor, url=url)
    except CatatanDitolak as e:
        raise CatatanDitolak(f"Impor {pratinjau.nama_file} tidak diterapkan, tidak ada yang disimpan: {e} "
                             "Buat pratinjau lagi.") from None
    return {"baru": sum(h["baru"] for h in hasil), "diubah": sum(not h["baru"] for h in hasil)}
