"""Laporan bulanan (issue 15): each level's monthly report — kabupaten/kota to its province, province
to pusat, pusat's own national one — with the numbers filled in from the data and the text the PMO
writes (analisis, hambatan, rekomendasi); draf → dikirim → diterima or dikembalikan.

Decisions, each in one line:
- Levels are data (`TINGKAT`): who writes and submits (the PMO of that area's own level, inside
  its own wilayah: a kabupaten account its kabupaten, a provinsi account its province, pusat the
  national report) and who accepts or returns (the level above: the province of a kabupaten, pusat
  for a province; the national report has no level above in the app and ends at dikirim). admin
  counts as pusat, never as a kabupaten or province office: the text is that office's analysis.
- Actions are data (`AKSI`): simpan (from nothing, draf or dikembalikan → draf), kirim (the same →
  dikirim; analisis, hambatan and rekomendasi must all be filled), terima (dikirim → diterima),
  kembalikan (dikirim → dikembalikan, with a note). Anything else — a report submitted twice, a save
  after submission, a decision on a draft, the wrong role or area, a missing text or note — is
  CatatanDitolak with one Indonesian sentence, nothing written, logged (`laporan_ditolak`).
- A month's weeks are the loaded weeks whose Monday falls in it. Stock numbers (zones, construction
  stages, legality, portal, bottlenecks) are those of the month's last loaded week, zones compared
  with the last loaded week before the month; baru merah, kembali merah and pulih are summed over
  the month's weeks (each is an event of one week), merah kronis is the state of the last week.
  Kembali merah (rapat.hitung_kembali_merah) came with layout 2 of the frozen numbers: a report
  submitted before shows "–" there, never a 0 it did not say.
- Follow-up figures are the actions' state on the day the numbers are taken (open, overdue by
  that day, started in the month); the validated share counts the month's koperasi reports whose
  kabupaten week is divalidasi (kdkmp.pelaporan).
- The numbers are frozen at submission: `kirim` stores them (JSON) with the text, and a submitted
  or accepted report shows those, because the parent must read the numbers the analysis was
  written about and accepted, not what a later reload or rescoring made of them. The view says
  which figures have moved since (`berubah`). A draft or a returned report shows live numbers.
- The text lives in the state store (kdkmp.catatan, `laporan_bulanan`), so weekly loads, replaces,
  withdrawals and rescoring never touch it; every step appends a full snapshot to its history.
- Reading a report needs the area inside the reader's scope (a province reads its kabupaten's
  reports; a kabupaten office does not read its province's).
- The legality counts are the one DuckDB read of their own (`legalitas`, declared with
  queries.tercakup); everything else comes from kdkmp.queries, kdkmp.pelaporan and kdkmp.tindaklanjut.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from kdkmp import akses, brief, kontrak, pelaporan, queries, rapat, rules
from kdkmp import catatan as simpanan  # the module; `catatan` is a parent's note
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.catatan import KOLOM_TEKS_LAPORAN, CatatanDitolak
from kdkmp.kosakata import LABEL_ZONA, SEMUA_ZONA

PANJANG_TEKS_MAKS = 20_000
VERSI_ANGKA = 2  # the layout of the frozen numbers (JSON); 2 added kembali_merah, which layout 1 lacks

LABEL_TEKS = {"analisis": "Analisis", "hambatan": "Hambatan", "rekomendasi": "Rekomendasi"}
LEGALITAS = {"badan_hukum": "Badan hukum (SK AHU)", "nib": "NIB", "npwp": "NPWP", "rekening_bank": "Rekening bank"}


# ---------------------------------------------------------------- levels, states and actions (data)

@dataclass(frozen=True)
class Tingkat:
    kode: str
    label: str
    penyusun: str  # the role that writes and submits, inside its own wilayah
    label_penyusun: str
    induk: str | None  # the role that accepts or returns (None: no level above in the app)
    label_induk: str | None


TINGKAT: dict[str, Tingkat] = {t.kode: t for t in (
    Tingkat(kode="kabupaten", label="kabupaten/kota", penyusun="kabupaten", label_penyusun="PMO kabupaten/kota",
            induk="provinsi", label_induk="PMO provinsi"),
    Tingkat(kode="provinsi", label="provinsi", penyusun="provinsi", label_penyusun="PMO provinsi",
            induk="pusat", label_induk="PMO pusat"),
    Tingkat(kode="nasional", label="nasional", penyusun="pusat", label_penyusun="PMO pusat", induk=None,
            label_induk=None),
)}

STATUS = {"belum_ada": "Belum dibuat", "draf": "Draf", "dikirim": "Dikirim", "diterima": "Diterima",
          "dikembalikan": "Dikembalikan"}
STATUS_BEKU = ("dikirim", "diterima")  # the numbers shown are those submitted


@dataclass(frozen=True)
class Aksi:
    kode: str  # the audit kind is laporan_<kode>
    label: str
    dari: tuple[str, ...]  # states it may start from ('belum_ada': no report yet)
    ke: str
    oleh_induk: bool  # False: the area's own office; True: the level above
    butuh_catatan: str | None = None  # the sentence when a required note is missing


AKSI: dict[str, Aksi] = {a.kode: a for a in (
    Aksi(kode="simpan", label="Simpan draf", dari=("belum_ada", "draf", "dikembalikan"), ke="draf", oleh_induk=False),
    Aksi(kode="kirim", label="Kirim", dari=("belum_ada", "draf", "dikembalikan"), ke="dikirim", oleh_induk=False),
    Aksi(kode="terima", label="Terima", dari=("dikirim",), ke="diterima", oleh_induk=True),
    Aksi(kode="kembalikan", label="Kembalikan", dari=("dikirim",), ke="dikembalikan", oleh_induk=True,
         butuh_catatan="Catatan wajib diisi untuk mengembalikan laporan bulanan: tulis apa yang harus diperbaiki."),
)}


# ---------------------------------------------------------------- months and areas

def periksa_bulan(teks: str | date) -> str:
    """'YYYY-MM' (a date: its month), or CatatanDitolak."""
    if isinstance(teks, date):
        return f"{teks.year:04d}-{teks.month:02d}"
    teks = (teks or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", teks)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise CatatanDitolak(f"Bulan '{teks}' tidak sah: tulis tahun-bulan, misalnya 2026-11.")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def awal_bulan(bulan: str) -> date:
    return date(int(bulan[:4]), int(bulan[5:7]), 1)


def label_bulan(bulan: str) -> str:
    """'2026-11' -> 'November 2026'."""
    from babel.dates import format_date

    return format_date(awal_bulan(bulan), "MMMM y", locale=fmt.LOKAL)


def tingkat_wilayah(kode: str | None) -> Tingkat:
    """The report level of an area, or CatatanDitolak (a kecamatan or desa has no monthly report)."""
    if kode is None:
        return TINGKAT["nasional"]
    w = _cari(kode)
    if w.tingkat not in TINGKAT:
        raise CatatanDitolak(f"Laporan bulanan dibuat per kabupaten/kota, provinsi atau nasional; {w.kode} "
                             f"({w.nama}) adalah {ref.LABEL_TINGKAT[w.tingkat].lower()}.")
    return TINGKAT[w.tingkat]


def _cari(kode: str):
    try:
        return ref.cari(kode)
    except ref.KodeTidakDikenal as e:
        raise CatatanDitolak(str(e)) from None


def normalisasi_wilayah(kode: str | None) -> str | None:
    """The dotted code (None, '' and 'nasional' are the national report), checked for its level."""
    if kode is None or str(kode).strip().lower() in ("", "nasional"):
        return None
    kode = _cari(kode).kode
    tingkat_wilayah(kode)
    return kode


def nama_laporan(kode: str | None) -> str:
    return "Nasional" if kode is None else f"{ref.cari(kode).judul} ({kode})"


def induk(kode: str | None) -> str | None:
    """The area whose office accepts this report: a kabupaten's province; pusat (None) for a province."""
    return None if kode is None else kode[:2] if len(kode) > 2 else None


def anak(kode: str | None) -> pd.DataFrame:
    """The areas whose reports this one's office reads: kode, nama (a kabupaten has none)."""
    if kode is not None and tingkat_wilayah(kode).kode == "kabupaten":
        return pd.DataFrame({"kode": pd.Series(dtype="str"), "nama": pd.Series(dtype="str")})
    return ref.anak(kode)[["kode", "nama"]].reset_index(drop=True)


# ---------------------------------------------------------------- the numbers

@queries.tercakup("wilayah")
def legalitas(con: duckdb.DuckDBPyConnection, minggu: date, wilayah: str | None = None) -> dict[str, int]:
    """Reports of week `minggu` in the area that have each legal document (LEGALITAS keys)."""
    syarat, param = queries.saring_wilayah(wilayah)
    kolom = ", ".join(f"count(*) FILTER (WHERE {k})" for k in LEGALITAS)
    r = con.execute(f"SELECT {kolom} FROM laporan WHERE minggu = $minggu AND {syarat}",
                    {**param, "minggu": minggu}).fetchall()[0]
    return dict(zip(LEGALITAS, (int(n) for n in r)))


def minggu_bulan(con: duckdb.DuckDBPyConnection, bulan: str) -> list[date]:
    """The loaded weeks whose Monday falls in the month, oldest first."""
    return sorted(m for m in queries.daftar_minggu(con) if f"{m.year:04d}-{m.month:02d}" == bulan)


def bulan_dari(minggu: list[date]) -> list[str]:
    """The months of these weeks (by their Monday), newest first."""
    return sorted({f"{m.year:04d}-{m.month:02d}" for m in minggu}, reverse=True)


@queries.tercakup("wilayah")
def angka_data(con: duckdb.DuckDBPyConnection, wilayah: str | None, bulan: str) -> dict | None:
    """The report's numbers read from the weekly data (JSON-ready), None when no week of the month
    is loaded: minggu, minggu_akhir, minggu_pembanding, koperasi, melapor, zona, zona_pembanding,
    masuk_portal, tahap_pembangunan, legalitas, kendala_utama, pergerakan, pergerakan_mingguan."""
    minggu = minggu_bulan(con, bulan)
    if not minggu:
        return None
    akhir = minggu[-1]
    ringkas = queries.ringkasan(con, akhir, wilayah)
    pembanding = queries.minggu_sebelumnya(con, minggu[0])
    mingguan = [{"minggu": m.isoformat(), **queries.hitung_pergerakan(con, m, wilayah),
                 "kembali_merah": rapat.hitung_kembali_merah(con, m, wilayah)[0]} for m in minggu]
    return {
        "versi": VERSI_ANGKA, "bulan": bulan, "wilayah": wilayah,
        "minggu": [m.isoformat() for m in minggu], "minggu_akhir": akhir.isoformat(),
        "minggu_pembanding": pembanding.isoformat() if pembanding else None,
        "koperasi": sum(ringkas["zona"].values()), "melapor": ringkas["jumlah_koperasi"],
        "zona": ringkas["zona"],
        "zona_pembanding": queries.hitung_zona(con, pembanding, wilayah)["zona"] if pembanding else None,
        "masuk_portal": ringkas["masuk_portal"],
        "tahap_pembangunan": ringkas["tahap_pembangunan"],
        "legalitas": legalitas(con, akhir, wilayah),
        "kendala_utama": ringkas["kendala_utama"],
        "pergerakan": {"baru_merah": sum(m["baru_merah"] for m in mingguan),
                       "kembali_merah": sum(m["kembali_merah"] for m in mingguan),
                       "pulih": sum(m["pulih"] for m in mingguan),
                       "merah_kronis": mingguan[-1]["merah_kronis"]},
        "pergerakan_mingguan": mingguan,
    }


def angka_tindak_lanjut(wilayah: str | None, bulan: str, *, hari: date, cakupan: str | None = None,
                        url: str | None = None) -> dict:
    """Follow-up actions of the area on day `hari`: per status, open, overdue by then (as the
    meeting's tindaklanjut.terlambat_per_kabupaten), started in the month."""
    from kdkmp import tindaklanjut

    semua = simpanan.baca_tindakan(cakupan=cakupan, wilayah=wilayah, tanpa_jejak=True, url=url)
    terbuka = tindaklanjut.terlambat_per_kabupaten(cakupan=cakupan, wilayah=wilayah, hari=hari, url=url)
    awal = pd.Timestamp(awal_bulan(bulan))
    return {"per": hari.isoformat(),
            "status": {s: int((semua["status"] == s).sum()) for s in tindaklanjut.STATUS},
            "terbuka": int(terbuka["terbuka"].sum()), "terlambat": int(terbuka["terlambat"].sum()),
            "dimulai_bulan_ini": int(((semua["mulai"] >= awal) & (semua["mulai"] < _awal_bulan_depan(awal))).sum())}


def _awal_bulan_depan(awal: pd.Timestamp) -> pd.Timestamp:
    return (awal + timedelta(days=32)).replace(day=1)


def angka_validasi(con, wilayah: str | None, minggu: list[str], *, cakupan: str | None = None,
                   url: str | None = None) -> dict:
    """Koperasi reports of the month's weeks in the area, and those whose kabupaten week is divalidasi."""
    sah = semua = 0
    for m in minggu:
        s, n = pelaporan.porsi_divalidasi(pelaporan.tabel_status(con, date.fromisoformat(m), wilayah,
                                                                  cakupan=cakupan, url=url))
        sah, semua = sah + s, semua + n
    return {"laporan": semua, "laporan_divalidasi": sah}


def hitung_angka(con, wilayah: str | None, bulan: str, *, hari: date | None = None, cakupan: str | None = None,
                 url: str | None = None, data: dict | None = None) -> dict | None:
    """Every number of the report now (angka_data, plus tindak_lanjut and validasi from the state
    store), None when no week of the month is loaded. `data` is angka_data already read (the page
    caches it)."""
    data = data if data is not None else angka_data(con, wilayah, bulan, cakupan=cakupan)
    if data is None:
        return None
    return {**data,
            "tindak_lanjut": angka_tindak_lanjut(wilayah, bulan, hari=hari or simpanan.hari_ini(), cakupan=cakupan,
                                                 url=url),
            "validasi": angka_validasi(con, wilayah, data["minggu"], cakupan=cakupan, url=url)}


# the figures compared between what was submitted and what the data says now (`berubah`)
def _pokok(angka: Mapping) -> dict[str, int]:
    pokok = {f"Zona {LABEL_ZONA[z].lower()}": angka["zona"][z] for z in SEMUA_ZONA}
    pokok.update({"Koperasi melapor": angka["melapor"], "Masuk portal": angka["masuk_portal"],
                  "Baru merah (bulan ini)": angka["pergerakan"]["baru_merah"],
                  "Pulih (bulan ini)": angka["pergerakan"]["pulih"],
                  "Merah kronis": angka["pergerakan"]["merah_kronis"]})
    if "kembali_merah" in angka["pergerakan"]:  # layout 1 did not count it
        pokok["Kembali merah (bulan ini)"] = angka["pergerakan"]["kembali_merah"]
    pokok.update({f"Tahap {kontrak.LABEL_NILAI['tahap_pembangunan'][k].lower()}": v
                  for k, v in angka["tahap_pembangunan"].items()})
    pokok.update({LEGALITAS[k]: v for k, v in angka["legalitas"].items()})
    return pokok


def berubah(beku: Mapping | None, kini: Mapping | None) -> list[str]:
    """'Zona merah: 12 → 14' for each main figure the data now gives differently from the submitted one."""
    if beku is None or kini is None:
        return []
    a, b = _pokok(beku), _pokok(kini)
    return [f"{k}: {fmt.angka(a[k])} → {fmt.angka(b[k])}" for k in a if k in b and a[k] != b[k]]


# ---------------------------------------------------------------- one report, read

@dataclass(frozen=True)
class Laporan:
    """A monthly report as a page, the CLI and the export read it."""
    kode: str | None
    bulan: str
    status: str  # STATUS key
    teks: dict[str, str | None]
    angka: dict | None  # frozen (dikirim, diterima) or live; None: no week of the month loaded
    beku: bool
    berubah: list[str]
    baris: dict | None = field(default=None, compare=False)  # the stored row (versi, who, when, note)

    @property
    def tingkat(self) -> Tingkat:
        return tingkat_wilayah(self.kode)

    @property
    def nama(self) -> str:
        return nama_laporan(self.kode)

    @property
    def judul(self) -> str:
        return f"Laporan bulanan {label_bulan(self.bulan)} · {self.nama}"

    @property
    def versi(self) -> int | None:
        return None if self.baris is None else int(self.baris["versi"])


def _baris(kode: str | None, bulan: str, url: str | None) -> dict | None:
    df = simpanan.baca_laporan_bulanan(bulan=bulan, wilayah=kode, url=url)
    return None if df.empty else df.iloc[0].to_dict()


def _teks(v) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def baca(con, pengguna: akses.Pengguna, wilayah: str | None, bulan: str, *, hari: date | None = None,
         url: str | None = None, data: dict | None = None) -> Laporan:
    """The report of an area and month for `pengguna` (AksesDitolak outside its scope)."""
    kode = normalisasi_wilayah(wilayah)
    bulan = periksa_bulan(bulan)
    pengguna.periksa(kode)
    baris = _baris(kode, bulan, url)
    status = baris["status"] if baris else "belum_ada"
    kini = hitung_angka(con, kode, bulan, hari=hari, cakupan=pengguna.cakupan, url=url, data=data)
    beku = None
    if status in STATUS_BEKU and _teks(baris.get("angka")):
        beku = json.loads(baris["angka"])
    return Laporan(kode=kode, bulan=bulan, status=status,
                   teks={k: _teks(baris.get(k)) if baris else None for k in KOLOM_TEKS_LAPORAN},
                   angka=beku if beku is not None else kini, beku=beku is not None, berubah=berubah(beku, kini),
                   baris=baris)


def laporan_anak(kode: str | None, bulan: str, *, url: str | None = None) -> pd.DataFrame:
    """The children's reports of the month side by side (every child, with or without a report):
    kode, nama, status, label_status, dikirim_oleh, dikirim_pada, melapor, merah, persen_merah,
    baru_merah, kembali_merah, pulih, analisis, hambatan, rekomendasi, catatan_induk, versi — the numbers those
    submitted (numbers and text empty for a draft: they are not the child's word yet)."""
    semua = anak(kode)
    df = simpanan.baca_laporan_bulanan(bulan=periksa_bulan(bulan), anak_dari=kode, url=url)
    df = semua.merge(df.rename(columns={"wilayah": "kode"}), on="kode", how="left")
    df["status"] = df["status"].fillna("belum_ada").astype("str")
    df["label_status"] = df["status"].map(STATUS).astype("str")
    angka = [json.loads(a) if s in STATUS_BEKU and isinstance(a, str) else None
             for s, a in zip(df["status"], df["angka"])]

    def ambil(f):
        return pd.array([None if a is None else f(a) for a in angka], dtype="Int64")

    df["melapor"] = ambil(lambda a: a["melapor"])
    df["merah"] = ambil(lambda a: a["zona"]["merah"])
    df["persen_merah"] = [None if a is None or not a["melapor"] else round(100 * a["zona"]["merah"] / a["melapor"], 1)
                          for a in angka]
    df["persen_merah"] = df["persen_merah"].astype("float64")
    df["baru_merah"] = ambil(lambda a: a["pergerakan"]["baru_merah"])
    df["kembali_merah"] = ambil(lambda a: a["pergerakan"].get("kembali_merah"))
    df["pulih"] = ambil(lambda a: a["pergerakan"]["pulih"])
    # a draft is not the office's word yet: its text, like its numbers, is the office's own until sent
    draf = df["status"].isin(["draf", "belum_ada"])
    for k in KOLOM_TEKS_LAPORAN:
        df[k] = df[k].where(~draf)
    return df[["kode", "nama", "status", "label_status", "dikirim_oleh", "dikirim_pada", "melapor", "merah",
               "persen_merah", "baru_merah", "kembali_merah", "pulih", *KOLOM_TEKS_LAPORAN, "catatan_induk",
               "versi"]]


def riwayat(kode: str | None, bulan: str, *, url: str | None = None) -> pd.DataFrame:
    """Every saved version of one report, oldest first (catatan.baca_riwayat_laporan_bulanan)."""
    return simpanan.baca_riwayat_laporan_bulanan(normalisasi_wilayah(kode), periksa_bulan(bulan), url=url)


# ---------------------------------------------------------------- who may do what

def kalimat_hak(pengguna: akses.Pengguna, aksi: str, kode: str | None) -> str | None:
    """The refusal sentence when `pengguna` may not take `aksi` on the report of `kode` (role and
    area only, not the state), else None."""
    a, t = AKSI[aksi], tingkat_wilayah(kode)
    nama = nama_laporan(kode)
    if a.oleh_induk and t.induk is None:
        return (f"Laporan bulanan nasional adalah tingkat teratas: tidak ada tingkat di atasnya di dasbor ini yang "
                f"{a.label.lower()} laporan itu.")
    peran, pelaku = (t.induk, t.label_induk) if a.oleh_induk else (t.penyusun, t.label_penyusun)
    wilayah = induk(kode) if a.oleh_induk else kode
    # admin is PMO pusat: it acts where pusat acts, never in a kabupaten's or province's place
    peran_efektif = "pusat" if pengguna.peran == "admin" else pengguna.peran
    if peran_efektif != peran:
        return (f"{a.label} laporan bulanan {nama} dilakukan oleh {pelaku}"
                f"{'' if peran == 'pusat' else ' wilayah itu'}; peran {pengguna.hak.label} tidak boleh melakukannya.")
    if pengguna.wilayah != wilayah:
        return (f"Laporan bulanan {nama} berada di luar wilayah akun Anda ({akses.label_cakupan(pengguna.wilayah)}); "
                f"{a.label.lower()} dilakukan oleh {pelaku} wilayah itu.")
    return None


def aksi_tersedia(pengguna: akses.Pengguna, kode: str | None, status: str) -> list[str]:
    """The actions `pengguna` may take now on the report (for the page's buttons)."""
    return [a.kode for a in AKSI.values() if status in a.dari and kalimat_hak(pengguna, a.kode, kode) is None]


def _kalimat_keadaan(a: Aksi, kode: str | None, bulan: str, lama: Mapping | None) -> str:
    dia = f"Laporan bulanan {label_bulan(bulan)} {nama_laporan(kode)}"
    status = lama["status"] if lama else "belum_ada"
    if status == "belum_ada":
        return f"{dia} belum dibuat; {a.label.lower()} baru bisa setelah laporan itu dikirim."
    pada_kirim = _pada(lama.get("dikirim_pada"))
    pada_putus = _pada(lama.get("diputus_pada"))
    if status == "dikirim":
        if a.kode == "kirim":
            return f"{dia} sudah dikirim oleh {lama['dikirim_oleh']} pada {pada_kirim}; tidak ada yang diubah."
        return (f"{dia} sudah dikirim oleh {lama['dikirim_oleh']} pada {pada_kirim}; teksnya tidak dapat diubah "
                "kecuali laporan itu dikembalikan.")
    if status == "diterima":
        return f"{dia} sudah diterima oleh {lama['diputus_oleh']} pada {pada_putus}; tidak ada yang diubah."
    return (f"{dia} berstatus {STATUS[status].lower()}; {a.label.lower()} hanya bisa bila laporan itu sudah "
            "dikirim dan belum diputuskan.")


def _pada(t) -> str:
    if t is None or (not isinstance(t, str) and pd.isna(t)):
        return "–"
    return pd.Timestamp(t).tz_convert(simpanan.WIB).strftime("%Y-%m-%d %H:%M") + " WIB"


def ubah(con, pengguna: akses.Pengguna, wilayah: str | None, bulan: str, aksi: str, *,
         teks: Mapping[str, str | None] | None = None, catatan: str | None = None, versi: int | None = None,
         hari: date | None = None, konteks: Mapping | None = None, url: str | None = None) -> dict:
    """Take `aksi` (an AKSI kode) on the report of `wilayah` (None = national) for month `bulan`, as
    `pengguna`. `teks` (analisis, hambatan, rekomendasi; a key left out keeps what is stored) goes
    with simpan and kirim; `catatan` with terima and kembalikan; `versi`, when given, is the version
    the form showed (a report saved by someone else since is refused). `con` reads the numbers that
    kirim freezes. Returns the stored row. Refused with CatatanDitolak (one sentence, nothing
    written, logged as laporan_ditolak)."""
    url = url or simpanan.url_bawaan()
    rincian = {"aksi": aksi, "bulan": str(bulan), "cara_masuk": pengguna.cara_masuk, **(konteks or {})}
    kode = None if wilayah in (None, "") else str(wilayah)
    try:
        if aksi not in AKSI:
            raise CatatanDitolak(f"Aksi '{aksi}' tidak dikenal; pilihan: {', '.join(AKSI)}.")
        a = AKSI[aksi]
        kode = normalisasi_wilayah(wilayah)
        bulan = periksa_bulan(bulan)
        rincian["bulan"] = bulan
        salah = kalimat_hak(pengguna, aksi, kode)
        if salah:
            raise CatatanDitolak(salah)
        isi_teks = None
        if not a.oleh_induk and teks is not None:
            tak_dikenal = set(teks) - set(KOLOM_TEKS_LAPORAN)
            if tak_dikenal:
                raise CatatanDitolak(f"Bagian laporan tidak dikenal: {', '.join(sorted(tak_dikenal))}; yang ada: "
                                     f"{', '.join(KOLOM_TEKS_LAPORAN)}.")
            isi_teks = {k: (v or "").strip() or None for k, v in teks.items()}
            for k, v in isi_teks.items():
                if v is not None and len(v) > PANJANG_TEKS_MAKS:
                    raise CatatanDitolak(f"{LABEL_TEKS[k]} terlalu panjang: {fmt.angka(len(v))} karakter, paling "
                                         f"banyak {fmt.angka(PANJANG_TEKS_MAKS)}.")
        isi_catatan = ((catatan or "").strip() or None) if a.oleh_induk else None
        if a.butuh_catatan and isi_catatan is None:
            raise CatatanDitolak(a.butuh_catatan)
        angka = None
        if aksi == "kirim":
            angka = hitung_angka(con, kode, bulan, hari=hari, url=url)
            if angka is None:
                raise CatatanDitolak(f"Belum ada minggu yang dimuat pada {label_bulan(bulan)}; laporan bulanan "
                                     f"{nama_laporan(kode)} tanpa angka tidak dapat dikirim.")

        def periksa(lama: dict | None) -> None:
            status = lama["status"] if lama else "belum_ada"
            if status not in a.dari:
                raise CatatanDitolak(_kalimat_keadaan(a, kode, bulan, lama))
            if versi is not None and lama is not None and int(lama["versi"]) != int(versi):
                raise CatatanDitolak(
                    f"Laporan bulanan {label_bulan(bulan)} {nama_laporan(kode)} sudah diubah oleh {lama['diubah_oleh']} "
                    f"pada {_pada(lama['diubah_pada'])} (versi {lama['versi']}, Anda mengubah versi {versi}); "
                    "muat ulang laporan itu lalu ulangi perubahan Anda.")
            if aksi == "kirim":
                jadi = {k: (isi_teks[k] if isi_teks is not None and k in isi_teks else _teks((lama or {}).get(k)))
                        for k in KOLOM_TEKS_LAPORAN}
                kosong = [LABEL_TEKS[k].lower() for k, v in jadi.items() if not v]
                if kosong:
                    raise CatatanDitolak(f"Analisis, hambatan dan rekomendasi wajib diisi sebelum laporan dikirim; "
                                         f"yang masih kosong: {', '.join(kosong)}.")

        return simpanan.tulis_laporan_bulanan(
            simpanan.PerubahanLaporan(wilayah=kode, bulan=bulan, aksi=aksi, status=a.ke, peran=pengguna.peran,
                                      teks=isi_teks, catatan=isi_catatan,
                                      angka=json.dumps(angka, ensure_ascii=False, sort_keys=True) if angka else None),
            oleh=pengguna.nama, periksa=periksa, konteks={"cara_masuk": pengguna.cara_masuk, **(konteks or {})},
            url=url)
    except (CatatanDitolak, akses.AksesDitolak) as e:
        simpanan.catat("laporan_ditolak", pengguna.nama, wilayah=kode, url=url, alasan=str(e), **rincian)
        raise CatatanDitolak(str(e)) from None


def simpan(con, pengguna, wilayah, bulan, **kw) -> dict:
    """ubah(…, 'simpan'): save the draft's text."""
    return ubah(con, pengguna, wilayah, bulan, "simpan", **kw)


def kirim(con, pengguna, wilayah, bulan, **kw) -> dict:
    """ubah(…, 'kirim'): submit, freezing the numbers."""
    return ubah(con, pengguna, wilayah, bulan, "kirim", **kw)


def terima(con, pengguna, wilayah, bulan, **kw) -> dict:
    """ubah(…, 'terima'), by the level above."""
    return ubah(con, pengguna, wilayah, bulan, "terima", **kw)


def kembalikan(con, pengguna, wilayah, bulan, catatan: str, **kw) -> dict:
    """ubah(…, 'kembalikan') with the note the office will read."""
    return ubah(con, pengguna, wilayah, bulan, "kembalikan", catatan=catatan, **kw)


# ---------------------------------------------------------------- the tables (page, CLI and export read the same)

def _persen(n: int, dari: int) -> str:
    return fmt.rasio_persen(n, dari) if dari else "–"


def tabel_zona(angka: Mapping) -> tuple[list[str], list[list[str]]]:
    """Zones at the month's last week, share of every koperasi known, and the change since the last
    week before the month."""
    kini, lalu, total = angka["zona"], angka["zona_pembanding"], angka["koperasi"]
    baris = [[LABEL_ZONA[z], fmt.angka(kini[z]), _persen(kini[z], total),
              "–" if lalu is None else fmt.angka(lalu[z]), "–" if lalu is None else fmt.selisih(kini[z] - lalu[z])]
             for z in SEMUA_ZONA]
    baris.append(["Jumlah koperasi", fmt.angka(total), _persen(total, total),
                  "–" if lalu is None else fmt.angka(sum(lalu.values())),
                  "–" if lalu is None else fmt.selisih(total - sum(lalu.values()))])
    pembanding = angka["minggu_pembanding"]
    return ["Zona", "Koperasi", "% dari semua",
            f"Minggu {fmt.tanggal(date.fromisoformat(pembanding))}" if pembanding else "Sebelum bulan ini",
            "Perubahan"], baris


def tabel_capaian(angka: Mapping) -> tuple[list[str], list[list[str]]]:
    """Construction stages, legality and the portal, of the koperasi reporting in the last week."""
    n = angka["melapor"]
    baris = [[f"Tahap pembangunan: {kontrak.LABEL_NILAI['tahap_pembangunan'][k].lower()}", fmt.angka(v), _persen(v, n)]
             for k, v in angka["tahap_pembangunan"].items()]
    baris += [[f"Legalitas: {LEGALITAS[k]}", fmt.angka(v), _persen(v, n)] for k, v in angka["legalitas"].items()]
    baris.append(["Masuk portal SIMKOPDES", fmt.angka(angka["masuk_portal"]), _persen(angka["masuk_portal"], n)])
    return ["Indikator", "Koperasi", "% dari yang melapor"], baris


def tabel_pergerakan(angka: Mapping) -> tuple[list[str], list[list[str]]]:
    """Baru merah, kembali merah, pulih and merah kronis per week of the month; the month's line last."""
    def sel(g: Mapping) -> list[str]:
        return [fmt.angka(g[j]) if j in g else "–" for j in ("baru_merah", "kembali_merah", "pulih", "merah_kronis")]
    baris = [[fmt.tanggal(date.fromisoformat(m["minggu"])), *sel(m)] for m in angka["pergerakan_mingguan"]]
    baris.append(["Bulan ini", *sel(angka["pergerakan"])])
    return ["Minggu", "Baru merah", "Kembali merah", "Pulih", "Merah kronis"], baris


def tabel_kendala(angka: Mapping) -> tuple[list[str], list[list[str]]]:
    """Main bottleneck reported in the last week, most frequent first (none last)."""
    n = angka["melapor"]
    urut = sorted(angka["kendala_utama"].items(), key=lambda kv: (kv[0] == "tidak_ada", -kv[1]))
    return ["Kendala utama", "Koperasi", "% dari yang melapor"], [
        [kontrak.LABEL_NILAI["kendala_utama"][k], fmt.angka(v), _persen(v, n)] for k, v in urut]


def tabel_tindak_lanjut(angka: Mapping) -> tuple[list[str], list[list[str]]]:
    from kdkmp import tindaklanjut

    tl = angka["tindak_lanjut"]
    baris = [[f"Status: {tindaklanjut.STATUS[k].label.lower()}", fmt.angka(v)] for k, v in tl["status"].items()]
    baris += [["Terbuka (direncanakan atau berjalan)", fmt.angka(tl["terbuka"])],
              [f"Terlambat per {fmt.tanggal(date.fromisoformat(tl['per']))}", fmt.angka(tl["terlambat"])],
              ["Dimulai bulan ini", fmt.angka(tl["dimulai_bulan_ini"])]]
    return ["Tindak lanjut", "Tindakan"], baris


def kalimat_validasi(angka: Mapping) -> str:
    v = angka["validasi"]
    if not v["laporan"]:
        return "Belum ada laporan koperasi pada minggu-minggu bulan ini."
    return (f"{_persen(v['laporan_divalidasi'], v['laporan'])} laporan koperasi minggu-minggu bulan ini sudah "
            f"divalidasi ({fmt.angka(v['laporan_divalidasi'])} dari {fmt.angka(v['laporan'])}).")


def kalimat_pokok(angka: Mapping) -> list[str]:
    """The report's headline sentences."""
    z, p, n = angka["zona"], angka["pergerakan"], angka["melapor"]
    minggu = [date.fromisoformat(m) for m in angka["minggu"]]
    kalimat = [f"Data {fmt.angka(len(minggu))} minggu ({fmt.tanggal(minggu[0])} sampai {fmt.tanggal(minggu[-1])}); "
               f"angka stok dari minggu {fmt.tanggal(minggu[-1])}: {fmt.angka(n)} koperasi melapor dari "
               f"{fmt.angka(angka['koperasi'])} yang dikenal."]
    dinilai = sum(z[k] for k in ("hijau", "kuning", "merah"))
    merah = f"Merah {fmt.angka(z['merah'])} ({_persen(z['merah'], dinilai)} dari {fmt.angka(dinilai)} yang dinilai)"
    if angka["zona_pembanding"] is not None:
        merah += f", {fmt.selisih(z['merah'] - angka['zona_pembanding']['merah'])} sejak sebelum bulan ini"
    kembali = f"{fmt.angka(p['kembali_merah'])} kembali merah, " if "kembali_merah" in p else ""
    kalimat.append(f"{merah}; bulan ini {fmt.angka(p['baru_merah'])} baru merah, {kembali}{fmt.angka(p['pulih'])} "
                   f"pulih, {fmt.angka(p['merah_kronis'])} merah kronis di akhir bulan.")
    kalimat.append(kalimat_validasi(angka))
    return kalimat


KOLOM_ANAK = {"nama": "Wilayah", "label_status": "Status", "dikirim_oleh": "Dikirim oleh", "dikirim_pada": "Dikirim",
              "melapor": "Melapor", "merah": "Merah", "persen_merah": "% merah", "baru_merah": "Baru merah",
              "kembali_merah": "Kembali merah", "pulih": "Pulih", "analisis": "Analisis", "hambatan": "Hambatan", "rekomendasi": "Rekomendasi",
              "catatan_induk": "Catatan"}


KOLOM_ANAK_ANGKA = [k for k in KOLOM_ANAK if k not in KOLOM_TEKS_LAPORAN]


def tabel_anak(df: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """laporan_anak as text rows (export): status, who sent it and the numbers, side by side; the
    texts are paragraphs (teks_anak), which a slide's table cannot hold."""
    def sel(k, v) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return "–"
        if k == "dikirim_pada":
            return fmt.waktu(v)
        if k == "persen_merah":
            return fmt.persen(v)
        if k in ("melapor", "merah", "baru_merah", "kembali_merah", "pulih"):
            return fmt.angka(int(v))
        return str(v)
    return [KOLOM_ANAK[k] for k in KOLOM_ANAK_ANGKA], [[sel(k, r[k]) for k in KOLOM_ANAK_ANGKA] for _, r in df.iterrows()]


def teks_anak(df: pd.DataFrame) -> list[str]:
    """One paragraph per child report with text: 'Kabupaten X (dikirim) — Analisis: …'."""
    hasil = []
    for _, r in df.iterrows():
        isi = [f"{LABEL_TEKS[k]}: {r[k]}" for k in KOLOM_TEKS_LAPORAN if isinstance(r[k], str) and r[k].strip()]
        if isi:
            hasil.append(f"{r['nama']} ({r['label_status'].lower()}) — " + " · ".join(isi))
    return hasil


# ---------------------------------------------------------------- the document (PDF / PPTX through kdkmp.brief)

def dokumen(lap: Laporan, *, anak_df: pd.DataFrame | None = None, oleh: str,
            pada: datetime | None = None) -> brief.Dokumen:
    """The report as a brief.Dokumen: status and stamp, the headline, the PMO's text, the numbers'
    tables, and the children's reports side by side when given."""
    pada = pada or datetime.now(fmt.WIB)
    b = lap.baris or {}
    cap = [f"Status: {STATUS[lap.status]}"]
    if b.get("dikirim_oleh") and lap.status in STATUS_BEKU + ("dikembalikan",):
        cap.append(f"Dikirim oleh {b['dikirim_oleh']} pada {fmt.waktu(b['dikirim_pada'])}")
    if b.get("diputus_oleh") and lap.status in ("diterima", "dikembalikan"):
        cap.append(f"{STATUS[lap.status]} oleh {b['diputus_oleh']} pada {fmt.waktu(b['diputus_pada'])}"
                   + (f": {b['catatan_induk']}" if _teks(b.get("catatan_induk")) else ""))
    cap.append("Angka: yang dikirim (dibekukan saat pengiriman)" if lap.beku else "Angka: dari data terkini")
    cap.append(f"Dibuat: {fmt.waktu(pada)} oleh {oleh}")
    bagian = []
    if lap.angka is not None:
        bagian.append(brief.Bagian(judul="Pokok bulan ini", teks=tuple(kalimat_pokok(lap.angka))
                                   + tuple(f"Berubah sejak dikirim — {k}" for k in lap.berubah)))
    bagian += [brief.Bagian(judul=LABEL_TEKS[k], teks=tuple((lap.teks[k] or "(belum diisi)").splitlines() or ["–"]))
               for k in KOLOM_TEKS_LAPORAN]
    if lap.angka is not None:
        a = lap.angka
        bagian += [
            brief.Bagian(judul="Zona", tabel=tabel_zona(a), lebar=(3, 1.5, 1.5, 2, 1.5), tebal_akhir=True),
            brief.Bagian(judul="Pembangunan, legalitas dan portal", tabel=tabel_capaian(a), lebar=(5, 1.5, 2)),
            brief.Bagian(judul="Pergerakan", tabel=tabel_pergerakan(a), lebar=(2.5, 1.5, 1.5, 1.5, 1.5),
                         tebal_akhir=True, catatan=brief.teks_definisi(rapat.definisi_pergerakan(rules.muat_aturan()))),
            brief.Bagian(judul="Kendala utama", tabel=tabel_kendala(a), lebar=(3, 1.5, 2)),
            brief.Bagian(judul="Tindak lanjut", tabel=tabel_tindak_lanjut(a), lebar=(4, 1.5)),
        ]
    if anak_df is not None and not anak_df.empty:
        bagian.append(brief.Bagian(judul="Laporan wilayah di bawahnya", tabel=tabel_anak(anak_df),
                                   lebar=(3, 1.4, 1.6, 2.2, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 3.5),
                                   catatan="Angka: yang dikirim; draf belum ditampilkan."))
        teks = teks_anak(anak_df)
        if teks:
            bagian.append(brief.Bagian(judul="Analisis, hambatan dan rekomendasi wilayah di bawahnya",
                                       teks=tuple(teks)))
    minggu = lap.angka["minggu_akhir"] if lap.angka else None
    kaki = (f"KDKMP · {lap.nama} · laporan bulanan {label_bulan(lap.bulan)} · {STATUS[lap.status].lower()}"
            + (f" · data s.d. minggu {fmt.tanggal(date.fromisoformat(minggu))}" if minggu else "")
            + f" · dibuat {fmt.waktu(pada)} oleh {oleh}")
    return brief.Dokumen(judul=lap.judul, cap=tuple(cap), kaki=kaki, penulis=oleh, dibuat_pada=pada,
                         bagian=tuple(bagian))


FORMAT = brief.FORMAT_DOKUMEN


def berkas(lap: Laporan, ekstensi: str, *, anak_df: pd.DataFrame | None = None, oleh: str,
           pada: datetime | None = None) -> bytes:
    """The report as .pdf or .pptx bytes."""
    return FORMAT[ekstensi](dokumen(lap, anak_df=anak_df, oleh=oleh, pada=pada))
