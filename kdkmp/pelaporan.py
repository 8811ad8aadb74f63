"""Pelaporan berjenjang (issue 15): the status of each kabupaten/kota's week, from "belum masuk"
to "divalidasi", who may move it, and how much of a view is validated.

Decisions, each in one line:
- "Belum masuk" and "dimuat" are never stored: a kabupaten's week is dimuat when `laporan` holds
  rows of it for that week (who, when, rows: from the `batch` that holds them; a national load
  counts for every kabupaten it has rows for), else belum masuk.
- Every later step is an append-only transition in the state store (kdkmp.catatan,
  `status_pelaporan`) naming the batch it was made on; the state of a week is the last transition
  made on the batch that holds its rows now, "dimuat" when there is none. So a reload (a new
  batch) starts again at dimuat, whatever the old batch had reached, and the old transitions stay
  as history. A withdrawn and restored week keeps its batch, hence its state.
- States and transitions are data (`STATUS`, `TRANSISI`): verifikasi (PMO kabupaten of that
  kabupaten, or admin) from dimuat or dibuka kembali; validasi (PMO provinsi of its province, or
  admin) from diverifikasi; kembalikan (the same, with a note) from diverifikasi, back to the
  kabupaten, which corrects and reloads (a returned week cannot be verified again without a
  reload); buka kembali (the validator, with a reason) from divalidasi, after which the kabupaten
  may reload or verify again. pusat reads only.
- A load into a validated kabupaten week is refused (`periksa_boleh_muat`, called by the load
  path under the writer's lock for every kabupaten a load would replace or remove); the validator
  reopens it first. A verified (not yet validated) week may be reloaded: it restarts at dimuat.
- Every refusal is CatatanDitolak with one Indonesian sentence, nothing written, and is logged
  (`pelaporan_ditolak`); the state is checked inside the write transaction, so two people
  pressing at once cannot both move the same week.
- A transition can name the batch its page showed (`batch_id`): when the week was reloaded
  meanwhile, it is refused, so nobody validates data they have not seen.
- "Share validated" counts koperasi reports (rows of `laporan` in the view's area that week) whose
  kabupaten week is divalidasi, over all reports of the area that week.
- The transitions of a week are cached per process on the store's change token
  (catatan.tanda_pelaporan), like the newest actions of kdkmp.tindaklanjut.
- The one DuckDB read lives here (`muatan_kabupaten`, declared with queries.tercakup so the
  pages' cached `tanya` can call it with the scope) rather than in kdkmp.queries, whose batch
  functions another branch is changing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from kdkmp import akses, queries, store
from kdkmp import catatan as simpanan  # the module; `catatan` is a transition's note
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.catatan import CatatanDitolak
from kdkmp.tembolok import Tembolok

PANJANG_CATATAN_MAKS = 2000


class MingguTervalidasi(store.GagalMuat):
    """A load that would change a validated kabupaten week; str(e) is one Indonesian sentence."""


# ---------------------------------------------------------------- states and transitions (data)

@dataclass(frozen=True)
class Status:
    kode: str
    label: str
    tersimpan: bool  # written as a transition (False: derived from the weekly data)


STATUS: dict[str, Status] = {s.kode: s for s in (
    Status(kode="belum_masuk", label="Belum masuk", tersimpan=False),
    Status(kode="dimuat", label="Dimuat", tersimpan=False),
    Status(kode="diverifikasi", label="Diverifikasi", tersimpan=True),
    Status(kode="divalidasi", label="Divalidasi", tersimpan=True),
    Status(kode="dikembalikan", label="Dikembalikan", tersimpan=True),
    Status(kode="dibuka_kembali", label="Dibuka kembali", tersimpan=True),
)}


@dataclass(frozen=True)
class Transisi:
    kode: str  # the action; the audit kind is pelaporan_<kode>
    label: str  # the button
    dari: tuple[str, ...]  # states it may start from
    ke: str
    peran: tuple[str, ...]  # roles that may, inside their wilayah (admin: anywhere)
    pelaku: str  # who does it, for sentences
    butuh_catatan: str | None = None  # the sentence when a required note is missing


TRANSISI: dict[str, Transisi] = {t.kode: t for t in (
    Transisi(kode="verifikasi", label="Verifikasi", dari=("dimuat", "dibuka_kembali"), ke="diverifikasi",
             peran=("kabupaten", "admin"), pelaku="PMO kabupaten/kota wilayah itu"),
    Transisi(kode="validasi", label="Validasi", dari=("diverifikasi",), ke="divalidasi",
             peran=("provinsi", "admin"), pelaku="PMO provinsi wilayah itu"),
    Transisi(kode="kembalikan", label="Kembalikan", dari=("diverifikasi",), ke="dikembalikan",
             peran=("provinsi", "admin"), pelaku="PMO provinsi wilayah itu",
             butuh_catatan="Catatan wajib diisi untuk mengembalikan: tulis apa yang harus diperbaiki kabupaten/kota."),
    Transisi(kode="buka_kembali", label="Buka kembali", dari=("divalidasi",), ke="dibuka_kembali",
             peran=("provinsi", "admin"), pelaku="PMO provinsi wilayah itu (validator)",
             butuh_catatan="Alasan wajib diisi untuk membuka kembali minggu yang sudah divalidasi."),
)}


def label_status(kode: str) -> str:
    return STATUS[kode].label if kode in STATUS else kode


# ---------------------------------------------------------------- what the weekly data says

@queries.tercakup("wilayah")
def muatan_kabupaten(con: duckdb.DuckDBPyConnection, minggu: date, wilayah: str | None = None) -> pd.DataFrame:
    """Per kabupaten/kota with rows in week `minggu` inside `wilayah` (any level; None = national):
    kode_kabupaten, batch_id, batch_dimuat_pada (ISO text), dimuat_oleh, dimuat_pada, nama_file,
    wilayah_batch (NULL: a national load), baris (koperasi reports of the area in that kabupaten)."""
    syarat, params = queries.saring_wilayah(wilayah, "l")
    # a kabupaten's rows come from one batch (a load replaces a kabupaten whole); max() is defensive
    return con.execute(f"""
        WITH per AS (SELECT l.kode_kabupaten, max(l.batch_id) AS batch_id, count(*) AS baris
                     FROM laporan l WHERE l.minggu = $minggu AND {syarat} GROUP BY l.kode_kabupaten)
        SELECT per.kode_kabupaten, per.batch_id,
               strftime(b.dimuat_pada, '%Y-%m-%dT%H:%M:%S.%f') AS batch_dimuat_pada,
               b.dimuat_oleh, b.dimuat_pada, b.nama_file, {store.kolom_atau_null(con, "batch", "wilayah", "b")}
               AS wilayah_batch, per.baris
        FROM per JOIN batch b ON b.batch_id = per.batch_id
        ORDER BY per.kode_kabupaten""", {"minggu": minggu, **params}).df()


# ---------------------------------------------------------------- transitions, cached on the change token

_TRANSISI = Tembolok(1024)  # keyed by scope too: every office of a Monday's peak keeps its own


def transisi_minggu(minggu: date, *, cakupan: str | None = None, url: str | None = None) -> pd.DataFrame:
    """Every transition of week `minggu` inside `cakupan` (catatan.baca_status_pelaporan), kept per
    process on the store's change token: a page shown again after no change costs one row read."""
    url = url or simpanan.url_bawaan()
    return _TRANSISI.ambil((url, simpanan.tanda_pelaporan(url), minggu, cakupan),
                           lambda: simpanan.baca_status_pelaporan(minggu=minggu, cakupan=cakupan, url=url))


_semua_kabupaten_ref: dict = {}


def _semua_kabupaten() -> pd.DataFrame:
    """Every kabupaten/kota of the reference with its province, built once per reference table:
    scanning the 90 k areas was half the cost of every area view's validation line."""
    t = ref.tabel()
    simpan = _semua_kabupaten_ref.get("tabel")
    if simpan is None or simpan[0] is not t:
        kab = t[t["tingkat"] == "kabupaten"][["kode", "nama"]]
        prov = dict(zip(t.loc[t["tingkat"] == "provinsi", "kode"], t.loc[t["tingkat"] == "provinsi", "nama"]))
        semua = pd.DataFrame({"kode_kabupaten": kab["kode"].to_numpy(), "nama_kabupaten": kab["nama"].to_numpy(),
                              "kode_provinsi": kab["kode"].str[:2].to_numpy(),
                              "nama_provinsi": kab["kode"].str[:2].map(prov).to_numpy()})
        simpan = _semua_kabupaten_ref["tabel"] = (t, semua)
    return simpan[1]


def _kabupaten_area(wilayah: str | None) -> pd.DataFrame:
    kab = _semua_kabupaten()
    if wilayah is not None:
        kode = ref.cari(wilayah).kode
        kab = kab[(kab["kode_kabupaten"] == kode[:5]) | kab["kode_kabupaten"].str.startswith(kode + ".")]
    return kab.reset_index(drop=True)


KOLOM_STATUS = ["kode_kabupaten", "nama_kabupaten", "kode_provinsi", "nama_provinsi", "status", "label_status",
                "baris", "batch_id", "batch_dimuat_pada", "dimuat_oleh", "dimuat_pada", "nama_file", "status_oleh",
                "status_pada", "status_peran", "catatan"]


def susun_status(muatan: pd.DataFrame, transisi: pd.DataFrame, wilayah: str | None = None) -> pd.DataFrame:
    """One row per kabupaten/kota of the area (a kecamatan or desa: its kabupaten): KOLOM_STATUS.
    `muatan` is muatan_kabupaten of the week, `transisi` the week's transitions; status_oleh,
    status_pada, status_peran and catatan are those of the last transition on the current batch
    (empty at dimuat and belum masuk). Pure: the caller reads and caches both frames."""
    df = _kabupaten_area(wilayah).merge(muatan, on="kode_kabupaten", how="left")
    df["baris"] = df["baris"].fillna(0).astype("int64")
    terakhir = transisi.copy()
    if not terakhir.empty:
        terakhir = terakhir.sort_values("id").groupby(["kode_kabupaten", "batch_id", "batch_dimuat_pada"]).tail(1)
    terakhir = terakhir[["kode_kabupaten", "batch_id", "batch_dimuat_pada", "status", "oleh", "pada", "peran",
                         "catatan"]].rename(columns={"status": "status_tersimpan", "oleh": "status_oleh",
                                                     "pada": "status_pada", "peran": "status_peran"})
    terakhir["batch_id"] = terakhir["batch_id"].astype("float64")  # the left side has NaN for belum masuk
    df["batch_id"] = df["batch_id"].astype("float64")
    df = df.merge(terakhir, on=["kode_kabupaten", "batch_id", "batch_dimuat_pada"], how="left")
    dimuat = df["batch_id"].notna()
    df["status"] = df["status_tersimpan"].where(df["status_tersimpan"].notna() & dimuat,
                                                 pd.Series(["dimuat" if d else "belum_masuk" for d in dimuat],
                                                           index=df.index)).astype("str")
    df["label_status"] = df["status"].map(label_status).astype("str")
    df["batch_id"] = df["batch_id"].astype("Int64")
    for kolom in ("dimuat_oleh", "nama_file", "status_oleh", "status_peran", "catatan", "batch_dimuat_pada"):
        df[kolom] = df[kolom].astype("str")
    if "dimuat_pada" not in df or df["dimuat_pada"].isna().all():
        df["dimuat_pada"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    if df["status_pada"].isna().all():
        df["status_pada"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us, UTC]")
    return df[KOLOM_STATUS].sort_values("kode_kabupaten").reset_index(drop=True)


def potong_status(status_nasional: pd.DataFrame, wilayah: str | None) -> pd.DataFrame:
    """The rows of a national table per kabupaten sorted by kode_kabupaten (susun_status or
    muatan_kabupaten of wilayah None) for an area at kabupaten level or above (None: all): equal to
    that table for the area, since a kabupaten's row depends on that kabupaten alone. Below a
    kabupaten the rows count only the area's own reports: ValueError. An area's kabupaten are one
    run of the sorted codes, so the cut is a slice: selecting the rows by a mask cost a first view
    ≈ 3 ms, three times over."""
    if wilayah is None:
        return status_nasional
    w = ref.cari(wilayah)
    if w.tingkat not in ("provinsi", "kabupaten"):
        raise ValueError(f"potong_status: {wilayah} di bawah kabupaten/kota; pakai susun_status wilayah itu")
    kode = status_nasional["kode_kabupaten"].to_numpy(dtype=object)
    # a province: its codes all start "52." and sort before "52/" ('/' follows '.')
    awal, akhir = (w.kode, w.kode) if w.tingkat == "kabupaten" else (w.kode + ".", w.kode + "/")
    return status_nasional.iloc[kode.searchsorted(awal, "left"):kode.searchsorted(akhir, "right")].reset_index(drop=True)


def tabel_status(con, minggu: date, wilayah: str | None = None, *, cakupan: str | None = None,
                 url: str | None = None) -> pd.DataFrame:
    """susun_status read now (for the CLI and tests; the pages cache the two reads apart)."""
    muatan = muatan_kabupaten(con, minggu, wilayah, cakupan=cakupan)
    return susun_status(muatan, transisi_minggu(minggu, cakupan=cakupan, url=url), wilayah)


def porsi_divalidasi(status: pd.DataFrame) -> tuple[int, int]:
    """(koperasi reports whose kabupaten week is divalidasi, all reports) of a susun_status frame."""
    return int(status.loc[status["status"] == "divalidasi", "baris"].sum()), int(status["baris"].sum())


def kalimat_porsi(status: pd.DataFrame) -> str:
    """'12,5 % koperasi di tampilan ini minggunya sudah divalidasi (146 dari 1.166 laporan; 1 dari 10
    kabupaten/kota).'"""
    sah, semua = porsi_divalidasi(status)
    if semua == 0:
        return "Belum ada laporan koperasi minggu ini di tampilan ini, jadi belum ada yang divalidasi."
    kab_sah = int((status["status"] == "divalidasi").sum())
    kab_masuk = int((status["status"] != "belum_masuk").sum())
    return (f"{fmt.rasio_persen(sah, semua)} koperasi di tampilan ini minggunya sudah divalidasi "
            f"({fmt.angka(sah)} dari {fmt.angka(semua)} laporan; {fmt.angka(kab_sah)} dari {fmt.angka(kab_masuk)} "
            "kabupaten/kota yang sudah masuk).")


def belum_masuk_lagi(muatan: pd.DataFrame, muatan_lalu: pd.DataFrame) -> list[str]:
    """The kabupaten/kota (codes, sorted) that had reports in the week before (`muatan_lalu`) but none
    yet in this one (`muatan`; both muatan_kabupaten of the same area). On a Monday morning the
    first office to load a new week makes it the latest everywhere, and the koperasi of those not
    in yet show as not reporting: a view must say so rather than let it read as silence."""
    return sorted(set(muatan_lalu["kode_kabupaten"]) - set(muatan["kode_kabupaten"]))


def kalimat_belum_masuk(kode: list[str], minggu_lalu: date, paling_banyak: int = 5) -> str | None:
    """'Minggu ini belum dimuat untuk 3 kabupaten/kota yang melapor minggu 9 Nov 2026 (…): …', or None."""
    if not kode:
        return None
    nama = ", ".join(_nama_kab(k) for k in kode[:paling_banyak])
    if len(kode) > paling_banyak:
        nama += f", dan {fmt.angka(len(kode) - paling_banyak)} lainnya"
    return (f"Minggu ini belum dimuat untuk {fmt.angka(len(kode))} kabupaten/kota yang melapor minggu "
            f"{fmt.tanggal(minggu_lalu)} ({nama}): koperasinya tampil tidak melapor sampai file minggu ini dimuat.")


def ringkas_per_provinsi(status: pd.DataFrame) -> pd.DataFrame:
    """Per province of a susun_status frame: kode_provinsi, nama_provinsi, kabupaten, one count column
    per state (STATUS order), baris, baris_divalidasi, persen_divalidasi (NaN without reports)."""
    hitung = pd.crosstab(status["kode_provinsi"], status["status"]).reindex(columns=list(STATUS), fill_value=0)
    baris = status.groupby("kode_provinsi").agg(nama_provinsi=("nama_provinsi", "first"),
                                                  kabupaten=("kode_kabupaten", "size"), baris=("baris", "sum"))
    baris["baris_divalidasi"] = status[status["status"] == "divalidasi"].groupby("kode_provinsi")["baris"].sum()
    df = baris.join(hitung).fillna({"baris_divalidasi": 0}).reset_index()
    df["baris_divalidasi"] = df["baris_divalidasi"].astype("int64")
    df["persen_divalidasi"] = (100 * df["baris_divalidasi"] / df["baris"].where(df["baris"] > 0)).astype("float64")
    return df[["kode_provinsi", "nama_provinsi", "kabupaten", *STATUS, "baris", "baris_divalidasi",
               "persen_divalidasi"]]


# ---------------------------------------------------------------- who may do what

def _nama_kab(kode: str) -> str:
    return f"{ref.nama(kode)} ({kode})"


def kalimat_hak(pengguna: akses.Pengguna, aksi: str, kode_kabupaten: str) -> str | None:
    """The refusal sentence when `pengguna` may not take `aksi` on this kabupaten (role and scope
    only, not the state), else None."""
    t = TRANSISI[aksi]
    if pengguna.peran not in t.peran:
        return (f"{t.label} minggu kabupaten/kota dilakukan oleh {t.pelaku} atau admin PMO pusat; peran "
                f"{pengguna.hak.label} tidak boleh melakukannya.")
    if not akses.di_dalam(kode_kabupaten, pengguna.wilayah):
        return (f"Kabupaten/kota {_nama_kab(kode_kabupaten)} berada di luar wilayah akun Anda "
                f"({akses.label_cakupan(pengguna.wilayah)}); {t.label.lower()} minggunya dilakukan oleh {t.pelaku}.")
    return None


def aksi_tersedia(pengguna: akses.Pengguna, kode_kabupaten: str, status: str) -> list[str]:
    """The actions `pengguna` may take now on a kabupaten week in `status` (for the page's buttons)."""
    return [t.kode for t in TRANSISI.values() if status in t.dari and kalimat_hak(pengguna, t.kode, kode_kabupaten) is None]


def _kalimat_keadaan(t: Transisi, minggu: date, kode: str, status: str, terakhir: Mapping | None) -> str:
    dia = f"Minggu {fmt.tanggal(minggu)} {_nama_kab(kode)}"
    oleh = ""
    if terakhir is not None:
        pada = pd.Timestamp(terakhir["pada"]).tz_convert(simpanan.WIB).strftime("%Y-%m-%d %H:%M")
        oleh = f" oleh {terakhir['oleh']} pada {pada} WIB"
    if status == "belum_masuk":
        return f"{dia} belum dimuat; {t.label.lower()} baru bisa setelah datanya dimuat."
    if status == t.ke:
        return f"{dia} sudah {label_status(status).lower()}{oleh}; tidak ada yang diubah."
    if t.kode == "validasi" and status in ("dimuat", "dibuka_kembali"):
        return f"{dia} belum diverifikasi PMO kabupaten/kota; validasi baru bisa setelah verifikasi."
    if status == "dikembalikan":
        isi = f" (catatan: {terakhir['catatan']})" if terakhir is not None and terakhir.get("catatan") else ""
        return (f"{dia} dikembalikan{oleh}{isi}; muat ulang data yang sudah diperbaiki, lalu verifikasi lagi.")
    if status == "divalidasi":
        return (f"{dia} sudah divalidasi{oleh}; untuk mengubahnya, validator membuka kembali minggu itu dulu "
                "dengan alasan.")
    return (f"{dia} berstatus {label_status(status).lower()}; {t.label.lower()} hanya bisa dari status "
            f"{' atau '.join(label_status(s).lower() for s in t.dari)}.")


def _status_dari(riwayat: list[dict]) -> tuple[str, dict | None]:
    return (riwayat[-1]["status"], riwayat[-1]) if riwayat else ("dimuat", None)


def ubah_status(con, pengguna: akses.Pengguna, kode_kabupaten: str, minggu: date, aksi: str, *,
                catatan: str | None = None, batch_id: int | None = None, konteks: Mapping | None = None,
                url: str | None = None) -> dict:
    """Take `aksi` (a TRANSISI kode) on kabupaten `kode_kabupaten`'s week `minggu`, as `pengguna`.
    `con` reads the weekly data (which batch holds the week now); `batch_id`, when given, is the
    batch the page showed. Returns the stored transition (catatan.tulis_status_pelaporan). Refused
    with CatatanDitolak (one sentence, nothing written, logged as pelaporan_ditolak): wrong role or
    scope, a week not loaded, not in a state the action starts from (repeated, validate before
    verify, verify a returned week), a missing note, or a week reloaded since the page showed it."""
    url = url or simpanan.url_bawaan()
    kode = (kode_kabupaten or "").strip()
    rincian = {"aksi": aksi, "minggu": minggu.isoformat(), "cara_masuk": pengguna.cara_masuk, **(konteks or {})}
    try:
        if aksi not in TRANSISI:
            raise CatatanDitolak(f"Aksi '{aksi}' tidak dikenal; pilihan: {', '.join(TRANSISI)}.")
        t = TRANSISI[aksi]
        try:
            w = ref.cari(kode)
        except ref.KodeTidakDikenal as e:
            raise CatatanDitolak(str(e)) from None
        if w.tingkat != "kabupaten":
            raise CatatanDitolak(f"Status pelaporan berlaku per kabupaten/kota; {w.kode} ({w.nama}) adalah "
                                 f"{ref.LABEL_TINGKAT[w.tingkat].lower()}.")
        kode = w.kode
        salah = kalimat_hak(pengguna, aksi, kode)
        if salah:
            raise CatatanDitolak(salah)
        isi = (catatan or "").strip() or None
        if t.butuh_catatan and isi is None:
            raise CatatanDitolak(t.butuh_catatan)
        if isi is not None and len(isi) > PANJANG_CATATAN_MAKS:
            raise CatatanDitolak(f"Catatan terlalu panjang: {len(isi)} karakter, paling banyak {PANJANG_CATATAN_MAKS}.")
        muatan = muatan_kabupaten(con, minggu, kode)
        if muatan.empty:
            raise CatatanDitolak(_kalimat_keadaan(t, minggu, kode, "belum_masuk", None))
        kini = muatan.iloc[0]
        if batch_id is not None and int(batch_id) != int(kini["batch_id"]):
            raise CatatanDitolak(
                f"Minggu {fmt.tanggal(minggu)} {_nama_kab(kode)} sudah dimuat ulang (batch {int(kini['batch_id'])}, "
                f"oleh {kini['dimuat_oleh'] or 'tidak diketahui'}) sejak halaman ini dibuka; periksa data barunya "
                "lalu ulangi.")

        def periksa(riwayat: list[dict]) -> None:
            status, terakhir = _status_dari(riwayat)
            if status not in t.dari:
                raise CatatanDitolak(_kalimat_keadaan(t, minggu, kode, status, terakhir))

        return simpanan.tulis_status_pelaporan(
            simpanan.TransisiPelaporan(kode_kabupaten=kode, minggu=minggu, batch_id=int(kini["batch_id"]),
                                       batch_dimuat_pada=str(kini["batch_dimuat_pada"]), aksi=aksi, status=t.ke,
                                       peran=pengguna.peran, catatan=isi),
            oleh=pengguna.nama, periksa=periksa, konteks={"cara_masuk": pengguna.cara_masuk, **(konteks or {})},
            url=url)
    except CatatanDitolak as e:
        simpanan.catat("pelaporan_ditolak", pengguna.nama, wilayah=kode or None, url=url, alasan=str(e), **rincian)
        raise


def verifikasi(con, pengguna, kode_kabupaten, minggu, **kw) -> dict:
    """ubah_status(…, 'verifikasi')."""
    return ubah_status(con, pengguna, kode_kabupaten, minggu, "verifikasi", **kw)


def validasi(con, pengguna, kode_kabupaten, minggu, **kw) -> dict:
    """ubah_status(…, 'validasi')."""
    return ubah_status(con, pengguna, kode_kabupaten, minggu, "validasi", **kw)


def kembalikan(con, pengguna, kode_kabupaten, minggu, catatan: str, **kw) -> dict:
    """ubah_status(…, 'kembalikan') with the note the kabupaten will read."""
    return ubah_status(con, pengguna, kode_kabupaten, minggu, "kembalikan", catatan=catatan, **kw)


def buka_kembali(con, pengguna, kode_kabupaten, minggu, alasan: str, **kw) -> dict:
    """ubah_status(…, 'buka_kembali') with the reason."""
    return ubah_status(con, pengguna, kode_kabupaten, minggu, "buka_kembali", catatan=alasan, **kw)


def riwayat_status(kode_kabupaten: str, minggu: date, *, url: str | None = None) -> pd.DataFrame:
    """Every transition of one kabupaten week, oldest first, on every batch (old loads included)."""
    df = simpanan.baca_status_pelaporan(minggu=minggu, kode_kabupaten=kode_kabupaten, url=url)
    df["label_status"] = df["status"].map(label_status).astype("str")
    return df


# ---------------------------------------------------------------- the load path

def _ada_catatan(url: str) -> bool:
    """Whether the store can hold anything: a SQLite file not made yet holds no validation (and a
    load, e.g. into a test's temp folder, should not create one just to look)."""
    if url.lower().startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]).exists()
    return True


def periksa_boleh_muat(kode_kabupaten: str | Iterable[str], minggu: date, *, con=None,
                       db_path=None, oleh: str | None = None, url: str | None = None, catat: bool = True) -> None:
    """MingguTervalidasi (a store.GagalMuat, one sentence) when a load would change the week
    `minggu` of a kabupaten (or any of several) that is divalidasi now; the refusal is logged
    (pelaporan_ditolak, by `oleh`) unless `catat` is False (a preview: nothing was tried yet).
    `con` reads the weekly data the load is about to change (the writer's connection), else the
    live database at `db_path`."""
    kode = [kode_kabupaten] if isinstance(kode_kabupaten, str) else list(kode_kabupaten)
    url = url or simpanan.url_bawaan(db_path)
    if not kode or not _ada_catatan(url):
        return
    transisi = simpanan.baca_status_pelaporan(minggu=minggu, kode_kabupaten=kode, url=url)
    if not (transisi["status"] == "divalidasi").any():
        return  # the common case: nothing of these was ever validated, no need to read the week
    tutup = con is None
    con = con if con is not None else store.sambungan_baca(db_path)
    try:
        muatan = muatan_kabupaten(con, minggu, None)
    finally:
        if tutup:
            con.close()
    status = susun_status(muatan, transisi, None)
    sah = status[(status["status"] == "divalidasi") & status["kode_kabupaten"].isin(kode)]
    if sah.empty:
        return
    r = sah.iloc[0]
    lain = f" (dan {len(sah) - 1} kabupaten/kota lain yang juga sudah divalidasi)" if len(sah) > 1 else ""
    pesan = (f"Minggu {fmt.tanggal(minggu)} {_nama_kab(r['kode_kabupaten'])}{lain} sudah divalidasi oleh "
             f"{r['status_oleh']} pada {fmt.waktu(pd.Timestamp(r['status_pada']))}; minta validator membuka kembali "
             "minggu itu dengan alasan sebelum memuat ulang.")
    if not catat:
        raise MingguTervalidasi(pesan)
    simpanan.catat("pelaporan_ditolak", oleh or "tidak diketahui", wilayah=r["kode_kabupaten"], url=url,
                   aksi="muat", minggu=minggu.isoformat(), alasan=pesan,
                   kabupaten=sah["kode_kabupaten"].tolist())
    raise MingguTervalidasi(pesan)
