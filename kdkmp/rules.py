"""Mesin zonasi: config/zones.yaml → hijau / kuning / merah per koperasi per minggu, dengan alasan.

The YAML is validated into a small model, then compiled into one DuckDB query:
row-level checks become boolean expressions, look-back checks become window functions
over (koperasi ORDER BY minggu) or joins to an earlier week, and the verdict, pillar scores,
reasons and the "next step" are computed in SQL (reasons once per distinct signature, see
_kompilasi) and stored once (`zona_inti` + `penjelasan`, read through the view `zona`), so every
page reads the same zone. Values from the YAML never reach SQL as raw text: column names are checked against
the contract, enum values against the contract's enums, numbers go through float()/int(),
and free text (gate reasons, labels) travels as query parameters.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kdkmp import kontrak

JALUR_BAWAAN = Path(__file__).resolve().parent.parent / "config" / "zones.yaml"

PILAR = ("kelembagaan", "legalitas_kepatuhan", "infrastruktur", "usaha")
ZONA = ("hijau", "kuning", "merah")  # from best to worst; the rank is the index
TIDAK_MELAPOR = "tidak_melapor"
SEMUA_ZONA = ZONA + (TIDAK_MELAPOR,)
KEPARAHAN = ("kritis", "tinggi", "sedang", "rendah")  # worst first
# Movement signals of the weekly meeting, stored per row in zona_inti.pergerakan by
# _sql_zona_akhir; their definitions, in the words of the page's help, are definisi_pergerakan.
PERGERAKAN = ("baru_merah", "pulih", "merah_kronis")
# The longest look-back a stability or movement window may ask for: a quarter. A koperasi that
# had to qualify longer than that would stay merah a season after everything was fixed.
RIWAYAT_MAKS = 12

# Columns a rule may not score on: identity and location say nothing about readiness.
_KOLOM_TERLARANG = {"tanggal_data", "kode_koperasi", "nama_koperasi", "kode_desa", "latitude", "longitude"}
KOLOM_ATURAN = tuple(n for n in kontrak.NAMA_KOLOM if n not in _KOLOM_TERLARANG)

# `alasan`: list of {id, jenis ('gerbang'|'cek'), pilar, teks, poin_hilang, keparahan}, worst
# first. A JSON text built by concatenation was tried and measured ~3× slower (escaping and
# string sorting of ~540 bytes per row), so it stays a typed list.
_TIPE_ALASAN = ("STRUCT(id VARCHAR, jenis VARCHAR, pilar VARCHAR, teks VARCHAR, "
                "poin_hilang DOUBLE, keparahan VARCHAR)")

# `zona` is a VIEW with one row per (minggu, kode_koperasi): `zona_inti` holds the per-row
# values and the id of the row's explanation in `penjelasan`, where each distinct (gerbang,
# alasan, langkah_berikut) is stored once (~24 k for 2.2 M rows nationally). Writing the
# reasons list per row cost ≈ 1.5 s of a national rescoring (measured).
DDL_ZONA_INTI = """
CREATE TABLE IF NOT EXISTS zona_inti (
    minggu DATE NOT NULL,
    kode_koperasi VARCHAR NOT NULL,
    zona VARCHAR NOT NULL,
    skor_total DOUBLE,
    skor_kelembagaan DOUBLE,
    skor_legalitas_kepatuhan DOUBLE,
    skor_infrastruktur DOUBLE,
    skor_usaha DOUBLE,
    pilar_terlemah VARCHAR,
    id_penjelasan INTEGER,
    minggu_di_zona INTEGER,
    pergerakan VARCHAR,  -- 'baru_merah' | 'pulih' | 'merah_kronis' | NULL (see PERGERAKAN)
    versi_aturan VARCHAR,
    nama_koperasi VARCHAR,
    kode_desa VARCHAR
)"""
# `kunci` is the signature as text, so that scoring one week reuses the ids of signatures
# already explained under the same rules (ids are never changed, only appended).
DDL_PENJELASAN = f"""
CREATE TABLE IF NOT EXISTS penjelasan (
    id INTEGER NOT NULL,
    versi_aturan VARCHAR NOT NULL,
    kunci VARCHAR NOT NULL,
    gerbang VARCHAR[],
    alasan {_TIPE_ALASAN}[],
    langkah_berikut VARCHAR
)"""
DDL_VIEW_ZONA = """
CREATE OR REPLACE VIEW zona AS
SELECT z.minggu, z.kode_koperasi, z.zona, z.skor_total, z.skor_kelembagaan, z.skor_legalitas_kepatuhan,
       z.skor_infrastruktur, z.skor_usaha, z.pilar_terlemah, p.gerbang, p.alasan, p.langkah_berikut,
       z.minggu_di_zona, z.pergerakan, z.versi_aturan, z.nama_koperasi, z.kode_desa, left(z.kode_desa, 8) AS kode_kecamatan,
       left(z.kode_desa, 5) AS kode_kabupaten, left(z.kode_desa, 2) AS kode_provinsi
FROM zona_inti z LEFT JOIN penjelasan p ON p.id = z.id_penjelasan"""
# Not declared as a PRIMARY KEY: the ART index added ≈ 2.7 s to a full rescoring (measured);
# every write deletes the weeks it rewrites first. The name and desa (from the koperasi's
# latest report) are copied in so that the dashboard filters areas and lists koperasi that
# did not report without another join; kecamatan, kabupaten and provinsi are prefixes of the
# desa code, taken in the view (storing them cost ≈ 0.3 s of a national rescoring, measured).
_KOLOM_INTI = ("minggu, kode_koperasi, zona, skor_total, skor_kelembagaan, skor_legalitas_kepatuhan, "
               "skor_infrastruktur, skor_usaha, pilar_terlemah, id_penjelasan, "
               "minggu_di_zona, pergerakan, versi_aturan, nama_koperasi, kode_desa")
_KOLOM_INTI_SET = {k.strip() for k in _KOLOM_INTI.split(",")}


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kesalahan:
    jalur: str
    baris: int | None
    pesan: str
    perbaikan: str

    def __str__(self) -> str:
        tempat = f"baris {self.baris}" if self.baris else "baris ?"
        return f"{tempat}, {self.jalur or '(akar)'}: {self.pesan} Perbaikan: {self.perbaikan}"


class AturanTidakValid(ValueError):
    """The rules file is refused; every problem found is listed, each with path, line and fix."""

    def __init__(self, sumber: str, kesalahan: list[Kesalahan]):
        self.sumber = sumber
        self.kesalahan = list(kesalahan)
        baris = [f"Aturan zona di {sumber} tidak valid ({len(self.kesalahan)} masalah):"]
        baris += [f"- {sumber} {k}" for k in self.kesalahan]
        super().__init__("\n".join(baris))


# ---------------------------------------------------------------------------------------
# Model (structure checked by pydantic; meaning checked by _periksa_makna)
# ---------------------------------------------------------------------------------------

Angka = Annotated[float, Field(strict=True)]
Bulat = Annotated[int, Field(strict=True)]
Teks = Annotated[str, Field(strict=True)]
Benar = Annotated[bool, Field(strict=True)]


class _Dasar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Syarat(_Dasar):
    kolom: Teks | None = None
    cek: Teks
    nilai: Any = None
    termasuk: Benar | None = None
    minggu: Bulat | None = None
    hari: Bulat | None = None
    syarat: "Syarat | None" = None
    label: Teks | None = None


class Indikator(Syarat):
    id: Teks
    poin: Angka
    berlaku_jika: list[Syarat] = []
    jika_kosong: Literal["gagal", "tidak_berlaku"] = "gagal"
    keparahan: Literal["kritis", "tinggi", "sedang", "rendah"] = "rendah"


class Pilar(_Dasar):
    label: Teks
    bobot: Angka
    indikator: list[Indikator]


class Gerbang(_Dasar):
    id: Teks
    teks: Teks
    keparahan: Literal["kritis", "tinggi", "sedang", "rendah"]
    zona: Literal["merah", "kuning"]
    syarat: list[Syarat]


class Batas(_Dasar):
    min: Angka
    termasuk: Benar


class AmbangZona(_Dasar):
    skor_total: Batas
    pilar_terendah: Batas


class Ambang(_Dasar):
    hijau: AmbangZona
    kuning: AmbangZona


class Stabilitas(_Dasar):
    # zone -> reported weeks in a row that must qualify for a better zone before leaving it
    minggu_keluar: dict[str, Bulat] = {}


class Pergerakan(_Dasar):
    minggu_baru_merah: Bulat = 4  # baru merah: not merah in any of this many earlier zoned weeks
    minggu_kronis: Bulat = 4      # merah kronis: merah for at least this many weeks


class ModelAturan(_Dasar):
    version: Teks
    pilar: dict[str, Pilar]
    gerbang: list[Gerbang] = []
    zona: Ambang
    stabilitas: Stabilitas = Stabilitas()
    pergerakan: Pergerakan = Pergerakan()


@dataclass(frozen=True)
class Aturan:
    versi: str  # first 12 hex of sha256 over the normalised YAML (comments/whitespace ignored)
    model: ModelAturan
    sumber: str = "<teks>"
    teks: str = field(default="", repr=False, compare=False)

    @property
    def label_versi(self) -> str:
        return self.model.version


# ---------------------------------------------------------------------------------------
# Formatting helpers (Python and SQL produce the same spelling)
# ---------------------------------------------------------------------------------------

# Short names as they read in a reason sentence ("NIB: belum (harus sudah)").
_LABEL_KOLOM = {
    "musdesus": "musdesus", "pengurus_lengkap": "pengurus lengkap", "jumlah_anggota": "jumlah anggota",
    "pendamping_ba": "pendamping BA", "badan_hukum": "badan hukum", "nib": "NIB", "npwp": "NPWP",
    "rekening_bank": "rekening bank", "masuk_portal": "terdaftar di SIMKOPDES", "status_lahan": "status lahan",
    "tahap_pembangunan": "tahap pembangunan", "progres_fisik": "progres fisik", "kendala_utama": "kendala utama",
    "status_operasional": "status operasional", "gerai_aktif": "gerai aktif", "omzet_bulanan": "omzet bulanan",
    "tunggakan_persen": "tunggakan", "laporan_terakhir": "laporan terakhir",
}


def _label_kolom(kolom: str) -> str:
    return _LABEL_KOLOM.get(kolom) or re.sub(r"\s*\([^)]*\)\s*$", "", kontrak.KOLOM_PER_NAMA[kolom].keterangan)


def fmt_angka(v: float, kolom: str | None = None) -> str:
    """Indonesian spelling: 1.500.000 · 12,5 · 30 %."""
    teks = f"{int(round(v)):,}".replace(",", ".") if float(v) == round(v) else f"{v:.1f}".replace(".", ",")
    return _dengan_satuan(teks, kolom)


def _dengan_satuan(teks: str, kolom: str | None) -> str:
    if kolom and kontrak.KOLOM_PER_NAMA[kolom].persen:
        return f"{teks} %"
    if kolom == "omzet_bulanan":
        return f"Rp {teks}"
    return teks


def _lit_teks(s: str) -> str:
    """A string literal for text that comes from our own code (kontrak labels, enum values)."""
    return "'" + str(s).replace("'", "''") + "'"


def _lit_angka(v: Any) -> str:
    f = float(v)
    if not math.isfinite(f):
        raise ValueError("angka tidak hingga")
    return repr(f)


def _sql_fmt_angka(expr: str, kolom: str | None) -> str:
    inti = (f"CASE WHEN {expr} = round({expr}) THEN format('{{:t.}}', CAST(round({expr}) AS BIGINT)) "
            f"ELSE replace(printf('%.1f', {expr}), '.', ',') END")
    if kolom and kontrak.KOLOM_PER_NAMA[kolom].persen:
        return f"({inti} || ' %')"
    if kolom == "omzet_bulanan":
        return f"('Rp ' || {inti})"
    return f"({inti})"


def _label_nilai(kolom: str, nilai: Any) -> str:
    k = kontrak.KOLOM_PER_NAMA[kolom]
    if k.jenis == "bool":
        return "sudah" if nilai else "belum"
    if k.jenis == "enum":
        return kontrak.LABEL_NILAI.get(kolom, {}).get(nilai, str(nilai)).lower()
    return fmt_angka(float(nilai), kolom)


def _sql_label_nilai(kolom: str) -> str:
    """SQL expression spelling the observed value of a column the way users read it."""
    k = kontrak.KOLOM_PER_NAMA[kolom]
    c = _q(kolom)
    if k.jenis == "bool":
        return f"CASE WHEN {c} THEN 'sudah' ELSE 'belum' END"
    if k.jenis == "enum":
        cabang = " ".join(f"WHEN {_lit_teks(v)} THEN {_lit_teks(_label_nilai(kolom, v))}" for v in k.nilai)
        return f"CASE {c} {cabang} ELSE {c} END"
    if k.jenis == "date":
        return f"strftime({c}, '%d-%m-%Y')"
    return _sql_fmt_angka(c, kolom)


def _q(kolom: str) -> str:
    if kolom not in kontrak.KOLOM_PER_NAMA:  # defensive: validation already refused it
        raise ValueError(f"kolom tidak dikenal: {kolom}")
    return '"' + kolom + '"'


# ---------------------------------------------------------------------------------------
# Compile context
# ---------------------------------------------------------------------------------------

class _Konteks:
    """Collects query parameters and the window / history columns the checks need."""

    def __init__(self) -> None:
        self.param: dict[str, Any] = {}
        # running maxima over the reported weeks up to this one: (value, condition) -> alias
        self.kumulatif: dict[tuple[str, str], str] = {}
        self.turunan: dict[str, str] = {}  # look-back value built from the above -> alias (in `turunan`)
        self.lalu: dict[tuple[int, str], str] = {}  # (days back, column) -> alias (joined in `basis`)
        self.horizon = 0  # weeks of history a bounded window looks back

    def p(self, nilai: Any) -> str:
        for k, v in self.param.items():
            if v == nilai and type(v) is type(nilai):
                return "$" + k
        nama = f"p{len(self.param)}"
        self.param[nama] = nilai
        return "$" + nama

    def k(self, nilai: str, syarat: str = "TRUE") -> str:
        """The latest `nilai` (a date) among the koperasi's reports up to this week where
        `syarat` holds. Computed as the history before the scored range (an aggregate, or the
        state kept by the previous week's scoring) joined with a running max inside it, so
        one week scores exactly like all weeks at once."""
        if (nilai, syarat) not in self.kumulatif:
            self.kumulatif[(nilai, syarat)] = f"_k{len(self.kumulatif)}"
        return self.kumulatif[(nilai, syarat)]

    def l(self, hari: int, kolom: str) -> str:
        kunci = (int(hari), kolom)
        if kunci not in self.lalu:
            self.lalu[kunci] = f"_ll{len(self.lalu)}"
        return self.lalu[kunci]

    def d(self, expr: str) -> str:
        # A named column, so that reason texts read the look-back value and not `minggu`
        # (rows are explained once per distinct signature; `minggu` would split them by week).
        if expr not in self.turunan:
            self.turunan[expr] = f"_d{len(self.turunan)}"
        return self.turunan[expr]


_W = "PARTITION BY _ki ORDER BY minggu"
_W_KUMULATIF = f"({_W} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"


# ---------------------------------------------------------------------------------------
# Check registry: each type validates, evaluates (SQL) and explains (sentence with numbers)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JenisCek:
    nama: str
    keterangan: str
    lihat_belakang: bool
    periksa: Callable[[Syarat, str, "_Pemeriksa"], None]
    sql: Callable[[Syarat, _Konteks], str]
    teks_sql: Callable[[Syarat, _Konteks], str]  # the observed situation, e.g. "progres fisik 12 % < 30 %"
    uraikan: Callable[[Syarat], str]  # the rule itself, e.g. "progres fisik ≥ 30 %"
    butuh_kolom: bool = True


def _label(s: Syarat) -> str:
    return s.label or _label_kolom(s.kolom)


def _periksa_nilai_tunggal(s: Syarat, jalur: str, P: "_Pemeriksa", nilai: Any, jalur_nilai: str) -> None:
    k = kontrak.KOLOM_PER_NAMA[s.kolom]
    if k.jenis == "bool":
        if not isinstance(nilai, bool):
            P.salah(jalur_nilai, f"kolom '{s.kolom}' berisi ya/tidak, tetapi nilainya {nilai!r}.",
                    "tulis true atau false (tanpa tanda kutip).")
    elif k.jenis == "enum":
        if not isinstance(nilai, str) or nilai not in k.nilai:
            usul = difflib.get_close_matches(str(nilai), k.nilai, n=1)
            P.salah(jalur_nilai, f"nilai {nilai!r} tidak ada dalam daftar '{s.kolom}'.",
                    f"pakai salah satu dari: {', '.join(k.nilai)}"
                    + (f" (mungkin maksudnya '{usul[0]}')." if usul else "."))
    elif k.jenis in ("int", "float"):
        if isinstance(nilai, bool) or not isinstance(nilai, (int, float)) or not math.isfinite(float(nilai)):
            P.salah(jalur_nilai, f"kolom '{s.kolom}' berisi angka, tetapi nilainya {nilai!r}.",
                    "tulis angka tanpa tanda kutip, mis. 30.")
    else:
        P.salah(jalur, f"kolom '{s.kolom}' ({k.jenis}) tidak dapat dibandingkan dengan cek '{s.cek}'.",
                "pilih kolom ya/tidak, pilihan, atau angka.")


def _sql_nilai(s: Syarat, nilai: Any, ctx: _Konteks) -> str:
    k = kontrak.KOLOM_PER_NAMA[s.kolom]
    if k.jenis == "bool":
        return "TRUE" if nilai else "FALSE"
    if k.jenis == "enum":
        assert nilai in k.nilai
        return _lit_teks(nilai)
    return _lit_angka(nilai)


def _tanpa_tambahan(s: Syarat, jalur: str, P: "_Pemeriksa", boleh: set[str]) -> None:
    for kunci in ("nilai", "termasuk", "minggu", "hari", "syarat"):
        if kunci not in boleh and getattr(s, kunci) is not None:
            P.salah(f"{jalur}.{kunci}", f"cek '{s.cek}' tidak memakai '{kunci}'.", f"hapus '{kunci}'.")


def _tidak_dilaporkan(s: Syarat) -> str:
    return f"{_q(s.kolom)} IS NULL"


def _teks_kosong_atau(s: Syarat, ctx: _Konteks, teks: str) -> str:
    return (f"CASE WHEN {_tidak_dilaporkan(s)} THEN {ctx.p(_label(s))} || ' tidak dilaporkan' "
            f"ELSE {teks} END")


# equals ---------------------------------------------------------------------------------
def _periksa_equals(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"nilai"})
    if s.nilai is None:
        P.salah(f"{jalur}.nilai", "cek 'equals' butuh 'nilai'.", "tambahkan mis. 'nilai: true'.")
    else:
        _periksa_nilai_tunggal(s, jalur, P, s.nilai, f"{jalur}.nilai")


def _uraian_equals(s):
    return f"{_label(s)} = {_label_nilai(s.kolom, s.nilai)}"


def _teks_equals(s, ctx):
    return _teks_kosong_atau(
        s, ctx, f"{ctx.p(_label(s) + ': ')} || ({_sql_label_nilai(s.kolom)}) || "
                f"{ctx.p(' (harus ' + _label_nilai(s.kolom, s.nilai) + ')')}")


# in / not_in ----------------------------------------------------------------------------
def _periksa_in(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"nilai"})
    if not isinstance(s.nilai, list) or not s.nilai:
        P.salah(f"{jalur}.nilai", f"cek '{s.cek}' butuh daftar nilai yang tidak kosong.",
                "tulis mis. 'nilai: [\"siap\", \"verifikasi\"]'.")
        return
    for i, v in enumerate(s.nilai):
        _periksa_nilai_tunggal(s, jalur, P, v, f"{jalur}.nilai[{i}]")


def _daftar(s):
    return ", ".join(_label_nilai(s.kolom, v) for v in s.nilai)


def _uraian_in(s):
    return f"{_label(s)} salah satu dari: {_daftar(s)}"


def _uraian_not_in(s):
    return f"{_label(s)} bukan: {_daftar(s)}"


def _sql_in(s, ctx, negasi=False):
    isi = ", ".join(_sql_nilai(s, v, ctx) for v in s.nilai)
    return f"({_q(s.kolom)} {'NOT ' if negasi else ''}IN ({isi}))"


def _teks_in(s, ctx):
    return _teks_kosong_atau(
        s, ctx, f"{ctx.p(_label(s) + ': ')} || ({_sql_label_nilai(s.kolom)}) || "
                f"{ctx.p(' (harus salah satu dari: ' + _daftar(s) + ')')}")


def _teks_not_in(s, ctx):
    return _teks_kosong_atau(s, ctx, f"{ctx.p(_label(s) + ': ')} || ({_sql_label_nilai(s.kolom)})")


# min / max / between --------------------------------------------------------------------
def _periksa_numerik(s, jalur, P):
    k = kontrak.KOLOM_PER_NAMA[s.kolom]
    if k.jenis not in ("int", "float"):
        P.salah(f"{jalur}.kolom", f"cek '{s.cek}' hanya untuk kolom angka; '{s.kolom}' berjenis {k.jenis}.",
                "pakai 'equals' atau 'in' untuk kolom ini, atau pilih kolom angka.")
        return False
    return True


def _periksa_min_max(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"nilai", "termasuk"})
    if not _periksa_numerik(s, jalur, P):
        return
    if s.nilai is None:
        P.salah(f"{jalur}.nilai", f"cek '{s.cek}' butuh 'nilai' (angka batas).", "tambahkan mis. 'nilai: 30'.")
    else:
        _periksa_nilai_tunggal(s, jalur, P, s.nilai, f"{jalur}.nilai")
    if s.termasuk is None:
        P.salah(f"{jalur}.termasuk", "batas harus menyatakan apakah nilainya sendiri termasuk (≥/≤) atau tidak (>/<).",
                "tambahkan 'termasuk: true' (≥ atau ≤) atau 'termasuk: false' (> atau <).")


def _op(s, naik: bool, gagal=False) -> str:
    # naik: min-type bound. gagal: the operator that describes the failing side.
    if not gagal:
        return (">=" if s.termasuk else ">") if naik else ("<=" if s.termasuk else "<")
    return ("<" if s.termasuk else "<=") if naik else (">" if s.termasuk else ">=")


_TAMPIL_OP = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _uraian_min(s):
    return f"{_label(s)} {_TAMPIL_OP[_op(s, True)]} {fmt_angka(float(s.nilai), s.kolom)}"


def _uraian_max(s):
    return f"{_label(s)} {_TAMPIL_OP[_op(s, False)]} {fmt_angka(float(s.nilai), s.kolom)}"


def _teks_banding(s, ctx, naik):
    akhir = f" {_TAMPIL_OP[_op(s, naik, gagal=True)]} {fmt_angka(float(s.nilai), s.kolom)}"
    return _teks_kosong_atau(s, ctx, f"{ctx.p(_label(s) + ' ')} || {_sql_fmt_angka(_q(s.kolom), s.kolom)} || {ctx.p(akhir)}")


def _periksa_between(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"nilai", "termasuk"})
    if not _periksa_numerik(s, jalur, P):
        return
    if (not isinstance(s.nilai, list) or len(s.nilai) != 2
            or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in s.nilai)):
        P.salah(f"{jalur}.nilai", "cek 'between' butuh dua angka [bawah, atas].", "tulis mis. 'nilai: [30, 100]'.")
    elif s.nilai[0] > s.nilai[1]:
        P.salah(f"{jalur}.nilai", f"batas bawah {s.nilai[0]} lebih besar dari batas atas {s.nilai[1]}.",
                "tukar urutannya: [bawah, atas].")
    if s.termasuk is None:
        P.salah(f"{jalur}.termasuk", "rentang harus menyatakan apakah kedua batas termasuk.",
                "tambahkan 'termasuk: true' atau 'termasuk: false'.")


def _uraian_between(s):
    a, b = (fmt_angka(float(v), s.kolom) for v in s.nilai)
    return f"{_label(s)} antara {a} dan {b}" + (" (batas termasuk)" if s.termasuk else " (batas tidak termasuk)")


def _sql_between(s, ctx):
    a, b = (_lit_angka(v) for v in s.nilai)
    c = _q(s.kolom)
    return f"({c} BETWEEN {a} AND {b})" if s.termasuk else f"({c} > {a} AND {c} < {b})"


def _teks_between(s, ctx):
    a, b = (fmt_angka(float(v), s.kolom) for v in s.nilai)
    return _teks_kosong_atau(s, ctx, f"{ctx.p(_label(s) + ' ')} || {_sql_fmt_angka(_q(s.kolom), s.kolom)} || "
                                     f"{ctx.p(f' di luar {a}–{b}')}")


# not_null -------------------------------------------------------------------------------
def _periksa_not_null(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, set())


# berturut_turut -------------------------------------------------------------------------
def _periksa_berturut(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"minggu", "syarat"})
    if s.minggu is None or s.minggu < 1:
        P.salah(f"{jalur}.minggu", "cek 'berturut_turut' butuh 'minggu' (bilangan bulat ≥ 1).", "tulis mis. 'minggu: 4'.")
    if s.syarat is None:
        P.salah(f"{jalur}.syarat", "cek 'berturut_turut' butuh 'syarat' yang harus terpenuhi tiap minggu.",
                "tulis mis. 'syarat: {cek: in, nilai: [\"tertunda\"]}'.")
        return
    dalam = s.syarat if s.syarat.kolom else s.syarat.model_copy(update={"kolom": s.kolom})
    P.syarat(dalam, f"{jalur}.syarat", boleh_lihat_belakang=False)


def _dalam(s: Syarat) -> Syarat:
    return s.syarat if s.syarat.kolom else s.syarat.model_copy(update={"kolom": s.kolom})


def _lama_berturut(s, ctx) -> str:
    """SQL: weeks the inner condition has held up to this week (NULL when it does not hold now)."""
    dalam = f"coalesce({kompilasi_syarat(_dalam(s), ctx)}, FALSE)"
    terakhir_tidak = ctx.k("minggu", f"NOT {dalam}")
    return ctx.d(f"(CASE WHEN _melapor AND {dalam} THEN CASE WHEN {terakhir_tidak} IS NULL "
                 f"THEN date_diff('day', _pertama, minggu) // 7 + 1 "
                 f"ELSE date_diff('day', {terakhir_tidak}, minggu) // 7 END END)")


def _sql_berturut(s, ctx):
    return f"({_lama_berturut(s, ctx)} >= {int(s.minggu)})"


def _uraian_berturut(s):
    return f"{uraikan_syarat(_dalam(s))} selama ≥ {int(s.minggu)} minggu berturut-turut"


def _teks_berturut(s, ctx):
    d = _dalam(s)
    return (f"{ctx.p(_label(d) + ': ')} || ({_sql_label_nilai(d.kolom)}) || ' selama ' || "
            f"CAST({_lama_berturut(s, ctx)} AS VARCHAR) || {ctx.p(f' minggu berturut-turut (batas {int(s.minggu)})')}")


# tidak_naik -----------------------------------------------------------------------------
def _periksa_tidak_naik(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"minggu"})
    _periksa_numerik(s, jalur, P)
    if s.minggu is None or s.minggu < 1:
        P.salah(f"{jalur}.minggu", "cek 'tidak_naik' butuh 'minggu' (bilangan bulat ≥ 1).", "tulis mis. 'minggu: 3'.")


def _nilai_lalu(s, ctx) -> str:
    # The report of exactly n weeks before, joined from laporan rather than a RANGE window:
    # the same value (one row per week and koperasi), one wide sort fewer, and exact however
    # few weeks the scored range holds.
    return ctx.l(7 * int(s.minggu), s.kolom)


def _sql_tidak_naik(s, ctx):
    return f"({_q(s.kolom)} <= {_nilai_lalu(s, ctx)})"


def _uraian_tidak_naik(s):
    return f"{_label(s)} tidak naik dibanding {int(s.minggu)} minggu sebelumnya"


def _teks_tidak_naik(s, ctx):
    return (f"{ctx.p(_label(s) + f' tidak naik dalam {int(s.minggu)} minggu (')} || "
            f"{_sql_fmt_angka(_nilai_lalu(s, ctx), s.kolom)} || ' → ' || {_sql_fmt_angka(_q(s.kolom), s.kolom)} || ')'")


# tanpa_laporan_hari / laporan_dalam_hari ------------------------------------------------
def _periksa_hari(s, jalur, P):
    _tanpa_tambahan(s, jalur, P, {"hari"})
    if s.kolom is not None:
        P.salah(f"{jalur}.kolom", f"cek '{s.cek}' memakai tanggal laporan, bukan kolom.", "hapus 'kolom'.")
    if s.hari is None or s.hari < 1:
        P.salah(f"{jalur}.hari", f"cek '{s.cek}' butuh 'hari' (bilangan bulat ≥ 1).", "tulis mis. 'hari: 21'.")


def _hari_sejak_laporan(ctx) -> str:
    # A row without laporan_terakhir still is a report for its own week. A date after its own
    # week (a typo in the year, refused by the reader since, but perhaps loaded before) counts
    # as the week's Sunday: the latest date is kept for good, and a future one would keep the
    # koperasi from ever being "tanpa laporan".
    return ctx.d(f"date_diff('day', {ctx.k('least(coalesce(laporan_terakhir, minggu), minggu + 6)')}, minggu)")


def _sql_tanpa_laporan(s, ctx):
    return f"({_hari_sejak_laporan(ctx)} >= {int(s.hari)})"


def _sql_laporan_dalam(s, ctx):
    return f"({_hari_sejak_laporan(ctx)} < {int(s.hari)})"


def _teks_hari(s, ctx):
    return (f"'tidak ada laporan selama ' || CAST({_hari_sejak_laporan(ctx)} AS VARCHAR) || "
            f"{ctx.p(f' hari (batas {int(s.hari)} hari)')}")


CEK: dict[str, JenisCek] = {c.nama: c for c in (
    JenisCek("equals", "nilai kolom sama dengan 'nilai'", False, _periksa_equals,
             lambda s, ctx: f"({_q(s.kolom)} = {_sql_nilai(s, s.nilai, ctx)})", _teks_equals, _uraian_equals),
    JenisCek("in", "nilai kolom salah satu dari daftar 'nilai'", False, _periksa_in,
             lambda s, ctx: _sql_in(s, ctx), _teks_in, _uraian_in),
    JenisCek("not_in", "nilai kolom bukan salah satu dari daftar 'nilai'", False, _periksa_in,
             lambda s, ctx: _sql_in(s, ctx, negasi=True), _teks_not_in, _uraian_not_in),
    JenisCek("min", "angka ≥ 'nilai' (termasuk: true) atau > 'nilai' (termasuk: false)", False, _periksa_min_max,
             lambda s, ctx: f"({_q(s.kolom)} {_op(s, True)} {_lit_angka(s.nilai)})",
             lambda s, ctx: _teks_banding(s, ctx, True), _uraian_min),
    JenisCek("max", "angka ≤ 'nilai' (termasuk: true) atau < 'nilai' (termasuk: false)", False, _periksa_min_max,
             lambda s, ctx: f"({_q(s.kolom)} {_op(s, False)} {_lit_angka(s.nilai)})",
             lambda s, ctx: _teks_banding(s, ctx, False), _uraian_max),
    JenisCek("between", "angka di antara 'nilai: [bawah, atas]'", False, _periksa_between,
             _sql_between, _teks_between, _uraian_between),
    JenisCek("not_null", "kolom diisi (tidak kosong)", False, _periksa_not_null,
             lambda s, ctx: f"({_q(s.kolom)} IS NOT NULL)",
             lambda s, ctx: f"{ctx.p(_label(s) + ' tidak dilaporkan')}",
             lambda s: f"{_label(s)} dilaporkan"),
    JenisCek("berturut_turut", "'syarat' terpenuhi ≥ 'minggu' minggu berturut-turut sampai minggu ini", True,
             _periksa_berturut, _sql_berturut, _teks_berturut, _uraian_berturut),
    JenisCek("tidak_naik", "angka tidak lebih tinggi dari nilainya 'minggu' minggu sebelumnya", True,
             _periksa_tidak_naik, _sql_tidak_naik, _teks_tidak_naik, _uraian_tidak_naik),
    JenisCek("tanpa_laporan_hari", "laporan terakhir (laporan_terakhir, atau baris minggu itu) ≥ 'hari' hari lalu",
             True, _periksa_hari, _sql_tanpa_laporan, _teks_hari,
             lambda s: f"tidak ada laporan ≥ {int(s.hari)} hari", butuh_kolom=False),
    JenisCek("laporan_dalam_hari", "laporan terakhir < 'hari' hari lalu (kebalikan tanpa_laporan_hari)",
             True, _periksa_hari, _sql_laporan_dalam, _teks_hari,
             lambda s: f"laporan terakhir < {int(s.hari)} hari lalu", butuh_kolom=False),
)}


def kompilasi_syarat(s: Syarat, ctx: _Konteks) -> str:
    """Boolean SQL for one condition; NULL when the value is unknown."""
    return CEK[s.cek].sql(s, ctx)


def uraikan_syarat(s: Syarat) -> str:
    return CEK[s.cek].uraikan(s)


# ---------------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------------

class _Pemeriksa:
    def __init__(self, baris: dict[tuple, int]):
        self.baris = baris
        self.daftar: list[Kesalahan] = []

    def salah(self, jalur: str, pesan: str, perbaikan: str) -> None:
        self.daftar.append(Kesalahan(jalur, _baris_untuk(self.baris, jalur), pesan, perbaikan))

    def syarat(self, s: Syarat, jalur: str, boleh_lihat_belakang: bool = True) -> None:
        jenis = CEK.get(s.cek)
        if jenis is None:
            usul = difflib.get_close_matches(s.cek, list(CEK), n=1)
            self.salah(f"{jalur}.cek", f"jenis cek '{s.cek}' tidak dikenal.",
                       f"pakai salah satu dari: {', '.join(CEK)}" + (f" (mungkin '{usul[0]}')." if usul else "."))
            return
        if jenis.lihat_belakang and not boleh_lihat_belakang:
            self.salah(f"{jalur}.cek", f"cek '{s.cek}' melihat ke minggu-minggu lalu dan tidak boleh bersarang di sini.",
                       "pakai cek satu-baris (equals, in, min, …) di dalam 'berturut_turut'.")
            return
        if jenis.butuh_kolom:
            if s.kolom is None:
                self.salah(f"{jalur}.kolom", f"cek '{s.cek}' butuh 'kolom'.", "tambahkan mis. 'kolom: status_lahan'.")
                return
            if s.kolom not in KOLOM_ATURAN:
                usul = difflib.get_close_matches(s.kolom, KOLOM_ATURAN, n=1)
                self.salah(f"{jalur}.kolom", f"kolom '{s.kolom}' tidak ada dalam kontrak snapshot (atau tidak boleh dinilai).",
                           (f"mungkin maksudnya '{usul[0]}'; " if usul else "")
                           + f"kolom yang boleh: {', '.join(KOLOM_ATURAN)}.")
                return
        jenis.periksa(s, jalur, self)


def _peta_baris(teks: str) -> tuple[dict[tuple, int], list[Kesalahan]]:
    """Map each YAML path to its 1-based line, and report duplicate keys (safe_load hides them)."""
    peta: dict[tuple, int] = {}
    ganda: list[Kesalahan] = []
    akar = yaml.compose(teks)

    def jalan(node, jalur: tuple):
        if isinstance(node, yaml.MappingNode):
            terlihat = set()
            for k, v in node.value:
                kunci = k.value
                if kunci in terlihat:
                    ganda.append(Kesalahan(_jalur_teks(jalur + (kunci,)), k.start_mark.line + 1,
                                           f"kunci '{kunci}' ditulis dua kali.", "hapus atau ganti nama salah satunya."))
                terlihat.add(kunci)
                peta[jalur + (kunci,)] = k.start_mark.line + 1
                jalan(v, jalur + (kunci,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                peta[jalur + (i,)] = v.start_mark.line + 1
                jalan(v, jalur + (i,))

    if akar is not None:
        peta[()] = akar.start_mark.line + 1
        jalan(akar, ())
    return peta, ganda


def _jalur_teks(jalur: tuple) -> str:
    out = ""
    for bagian in jalur:
        out += f"[{bagian}]" if isinstance(bagian, int) else (f".{bagian}" if out else str(bagian))
    return out


def _jalur_tuple(jalur: str) -> tuple:
    bagian: list = []
    for kunci, idx in re.findall(r"([^.\[\]]+)|\[(\d+)\]", jalur):
        bagian.append(int(idx) if idx else kunci)
    return tuple(bagian)


def _baris_untuk(peta: dict[tuple, int], jalur: str) -> int | None:
    t = _jalur_tuple(jalur)
    while t not in peta and t:
        t = t[:-1]
    return peta.get(t)


_PESAN_PYDANTIC = {
    "missing": ("wajib diisi tetapi tidak ada.", "tambahkan kunci ini."),
    "extra_forbidden": ("kunci tidak dikenal.", "hapus kunci ini atau periksa ejaannya."),
    "float_type": ("harus angka.", "tulis angka tanpa tanda kutip, mis. 25."),
    "float_parsing": ("harus angka.", "tulis angka tanpa tanda kutip, mis. 25."),
    "int_type": ("harus bilangan bulat.", "tulis bilangan bulat, mis. 3."),
    "int_from_float": ("harus bilangan bulat.", "tulis bilangan bulat, mis. 3."),
    "bool_type": ("harus true atau false.", "tulis true atau false tanpa tanda kutip."),
    "string_type": ("harus teks.", "tulis teks dalam tanda kutip, mis. \"2026.1\"."),
    "list_type": ("harus daftar.", "tulis sebagai daftar YAML (baris diawali '- ')."),
    "dict_type": ("harus pemetaan kunci: nilai.", "periksa indentasi bagian ini."),
    "model_type": ("harus pemetaan kunci: nilai.", "periksa indentasi bagian ini."),
}


def _dari_pydantic(e: ValidationError, peta: dict[tuple, int]) -> list[Kesalahan]:
    out = []
    for err in e.errors():
        jalur = _jalur_teks(tuple(err["loc"]))
        if err["type"] == "literal_error":
            pilihan = err.get("ctx", {}).get("expected", "")
            pesan, perbaikan = f"nilai {err.get('input')!r} tidak diizinkan.", f"pakai salah satu dari: {pilihan}."
        else:
            pesan, perbaikan = _PESAN_PYDANTIC.get(err["type"], (err["msg"] + ".", "perbaiki nilai ini."))
        out.append(Kesalahan(jalur, _baris_untuk(peta, jalur), pesan, perbaikan))
    return out


def _lebih_ketat(a: Batas, b: Batas) -> bool | None:
    """True if bound a admits a subset of b, False if looser; None if identical."""
    if a.min != b.min:
        return a.min > b.min
    if a.termasuk == b.termasuk:
        return None
    return not a.termasuk


def _periksa_makna(m: ModelAturan, P: _Pemeriksa) -> None:
    if not m.pilar:
        P.salah("pilar", "tidak ada pilar.", f"tulis minimal satu dari: {', '.join(PILAR)}.")
    id_terlihat: dict[str, str] = {}

    def catat_id(ident: str, jalur: str):
        if not re.fullmatch(r"[a-z0-9_]+", ident):
            P.salah(jalur, f"id '{ident}' memakai huruf yang tidak diizinkan.", "pakai huruf kecil, angka dan garis bawah.")
        if ident in id_terlihat:
            P.salah(jalur, f"id '{ident}' sudah dipakai di {id_terlihat[ident]}.", "beri id yang unik.")
        else:
            id_terlihat[ident] = jalur

    for nama, pilar in m.pilar.items():
        jp = f"pilar.{nama}"
        if nama not in PILAR:
            usul = difflib.get_close_matches(nama, PILAR, n=1)
            P.salah(jp, f"pilar '{nama}' tidak dikenal.",
                    f"pakai salah satu dari: {', '.join(PILAR)}" + (f" (mungkin '{usul[0]}')." if usul else "."))
        if not pilar.bobot > 0:
            P.salah(f"{jp}.bobot", f"bobot {pilar.bobot} harus lebih dari 0.", "tulis bobot positif, mis. 25.")
        if not pilar.indikator:
            P.salah(f"{jp}.indikator", "pilar tanpa indikator.", "tambahkan minimal satu indikator atau hapus pilar ini.")
        for i, ind in enumerate(pilar.indikator):
            ji = f"{jp}.indikator[{i}]"
            catat_id(ind.id, f"{ji}.id")
            if not ind.poin > 0:
                P.salah(f"{ji}.poin", f"poin {ind.poin} harus lebih dari 0.", "tulis poin positif, mis. 20.")
            P.syarat(ind, ji)
            for j, b in enumerate(ind.berlaku_jika):
                P.syarat(b, f"{ji}.berlaku_jika[{j}]")
    for i, g in enumerate(m.gerbang):
        jg = f"gerbang[{i}]"
        catat_id(g.id, f"{jg}.id")
        if not g.syarat:
            P.salah(f"{jg}.syarat", "gerbang tanpa syarat.", "tambahkan minimal satu syarat.")
        for j, s in enumerate(g.syarat):
            P.syarat(s, f"{jg}.syarat[{j}]")
    for z in ("hijau", "kuning"):
        for nama in ("skor_total", "pilar_terendah"):
            b: Batas = getattr(getattr(m.zona, z), nama)
            if not 0 <= b.min <= 100:
                P.salah(f"zona.{z}.{nama}.min", f"batas {b.min} di luar 0–100.", "tulis angka antara 0 dan 100.")
    longgar = [n for n in ("skor_total", "pilar_terendah")
               if _lebih_ketat(getattr(m.zona.hijau, n), getattr(m.zona.kuning, n)) is False]
    for n in longgar:
        P.salah(f"zona.hijau.{n}", f"batas hijau untuk {n} lebih longgar daripada batas kuning.",
                f"naikkan zona.hijau.{n}.min atau turunkan zona.kuning.{n}.min (hijau harus lebih ketat).")
    if not longgar and all(_lebih_ketat(getattr(m.zona.hijau, n), getattr(m.zona.kuning, n)) is None
                           for n in ("skor_total", "pilar_terendah")):
        P.salah("zona.hijau", "batas hijau sama persis dengan batas kuning, sehingga zona kuning tidak mungkin terjadi.",
                "buat salah satu batas hijau lebih ketat.")
    for zona, n in m.stabilitas.minggu_keluar.items():
        jalur = f"stabilitas.minggu_keluar.{zona}"
        if zona not in ZONA:
            usul = difflib.get_close_matches(zona, ZONA, n=1)
            P.salah(jalur, f"zona '{zona}' tidak dikenal.",
                    "pakai merah atau kuning" + (f" (mungkin '{usul[0]}')." if usul else "."))
        elif zona == ZONA[0]:
            P.salah(jalur, "hijau adalah zona terbaik: tidak ada zona lebih baik untuk dituju.",
                    "hapus baris ini; stabilitas hanya berlaku untuk merah dan kuning.")
        if n < 1:
            P.salah(jalur, f"{n} minggu tidak mungkin: jendela stabilitas minimal 1 minggu laporan.",
                    "tulis 1 (langsung keluar, tanpa stabilitas) atau jumlah minggu, mis. 2.")
        elif n > RIWAYAT_MAKS:
            P.salah(jalur, f"{n} minggu lebih panjang dari riwayat yang ditinjau ({RIWAYAT_MAKS} minggu).",
                    f"tulis antara 1 dan {RIWAYAT_MAKS}, mis. 2.")
    # kronis from 2: a koperasi merah for one week is baru merah, not kronis
    for nama, bawah in (("minggu_baru_merah", 1), ("minggu_kronis", 2)):
        n = getattr(m.pergerakan, nama)
        if not bawah <= n <= RIWAYAT_MAKS:
            P.salah(f"pergerakan.{nama}", f"{n} minggu di luar rentang {bawah}–{RIWAYAT_MAKS}.",
                    f"tulis jumlah minggu antara {bawah} dan {RIWAYAT_MAKS}, mis. 4.")


def _versi(data: Any) -> str:
    normal = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def muat_aturan_teks(teks: str, sumber: str = "<teks>") -> Aturan:
    """Validate YAML text into Aturan, or raise AturanTidakValid listing every problem."""
    try:
        peta, ganda = _peta_baris(teks)
        data = yaml.safe_load(teks)
    except yaml.YAMLError as e:
        tanda = getattr(e, "problem_mark", None)
        masalah = getattr(e, "problem", None) or str(e)
        raise AturanTidakValid(sumber, [Kesalahan("", tanda.line + 1 if tanda else None,
                                                  f"YAML tidak dapat dibaca ({masalah}).",
                                                  "periksa indentasi, titik dua dan tanda kutip di sekitar baris ini.")]) from None
    if ganda:
        raise AturanTidakValid(sumber, ganda)
    if not isinstance(data, dict):
        raise AturanTidakValid(sumber, [Kesalahan("", 1, "isi berkas harus pemetaan (version, pilar, gerbang, zona).",
                                                  "lihat config/zones.yaml sebagai contoh.")])
    try:
        model = ModelAturan.model_validate(data)
    except ValidationError as e:
        raise AturanTidakValid(sumber, _dari_pydantic(e, peta)) from None
    P = _Pemeriksa(peta)
    _periksa_makna(model, P)
    if P.daftar:
        raise AturanTidakValid(sumber, P.daftar)
    return Aturan(versi=_versi(data), model=model, sumber=sumber, teks=teks)


def muat_aturan(path: str | Path | None = None) -> Aturan:
    p = Path(path) if path is not None else JALUR_BAWAAN
    try:
        teks = p.read_text(encoding="utf-8")
    except OSError as e:
        raise AturanTidakValid(str(p), [Kesalahan("", None, f"berkas tidak dapat dibaca ({e.strerror}).",
                                                  "periksa nama dan lokasi berkas.")]) from None
    return muat_aturan_teks(teks, sumber=str(p))


# ---------------------------------------------------------------------------------------
# Compilation to SQL
# ---------------------------------------------------------------------------------------

def _batas_sql(expr: str, b: Batas) -> str:
    return f"({expr} {'>=' if b.termasuk else '>'} {_lit_angka(b.min)})"


def _alasan_sql(id_: str, jenis: str, pilar: str | None, teks: str, poin: str | None, keparahan: str,
                ctx: _Konteks) -> str:
    return (f"{{'id': {ctx.p(id_)}, 'jenis': '{jenis}', 'pilar': {ctx.p(pilar) if pilar else 'NULL::VARCHAR'}, "
            f"'teks': {teks}, 'poin_hilang': CAST({poin or 'NULL'} AS DOUBLE), 'keparahan': {ctx.p(keparahan)}}}")


def _urut_gerbang(m: ModelAturan) -> list[Gerbang]:
    # Worst first: a merah gate before a kuning one, then by severity, then config order.
    return sorted(m.gerbang, key=lambda g: (-ZONA.index(g.zona), KEPARAHAN.index(g.keparahan)))


def _kolom_dipakai(m: ModelAturan) -> list[str]:
    """Contract columns the rules read (only these travel through the window sort)."""
    kolom = {"laporan_terakhir"}

    def tambah(s: Syarat) -> None:
        if s.kolom:
            kolom.add(s.kolom)
        if s.syarat is not None:
            tambah(s.syarat)

    for p in m.pilar.values():
        for i in p.indikator:
            tambah(i)
            for b in i.berlaku_jika:
                tambah(b)
    for g in m.gerbang:
        for s in g.syarat:
            tambah(s)
    return [k for k in kontrak.NAMA_KOLOM if k in kolom]


class Cara(enum.Enum):
    """Which weeks one compiled SELECT scores, and where the history before them comes from."""
    SEMUA = "semua"      # every loaded week at once; identity in the temp table `_kenal`
    LANJUT = "lanjut"    # one week ($dari = $sampai), continuing from the state in keadaan_skor
    RENTANG = "rentang"  # weeks [$dari, $sampai], history before them aggregated (what-if)


# The state columns a week continues from (keadaan_skor), besides the running history values;
# _sql_zona_akhir computes them, the one-week SELECT carries last week's as `_s_<name>`.
LANJUT_KOLOM = ("zona", "minggu_di_zona", "lapor_sejak_merah", "lapor_sejak_kuning", "zona_nyata",
                "minggu_zona_nyata", "zona_sejak_merah")


def _kompilasi(aturan: Aturan, cara: Cara, *, lengkap: bool = True, langsung: bool = False) -> tuple[str, dict[str, Any]]:
    """SELECT producing, for every grid row (koperasi × loaded week from its first) in
    [$simpan_dari, $sampai], the scores, the raw rank (`_rank_mentah`: score and gates;
    `_rank_gerbang`: gates alone) and the koperasi's `_ki` and week `_ord`; the zone itself,
    which depends on earlier weeks, is computed over these by _sql_zona_akhir.

    lengkap=False skips reasons and next steps (what-if only needs the zone). With
    lengkap=True the SELECT also yields the row's signature `_ciri`; param["_jelas"] is then a
    template whose {sumber} is a relation of (_kunci, _ciri) and which yields
    (_kunci, gerbang, alasan, langkah_berikut) for each of its rows. langsung=True masks
    nothing in the signature (slower, the reference the tests compare with).
    Entries of param starting with "_" describe the statement; the rest are its SQL parameters.
    The state after each row's week that keadaan_skor keeps is in the rows (`_s*`); for all
    weeks, identity is in `_kenal` (param["_kenal"]); param["_penanda"] names the state's meaning.
    """
    m = aturan.model
    ctx = _Konteks()
    pilar = [(n, p) for n, p in m.pilar.items()]
    gerbang = _urut_gerbang(m)

    # level `nilai`: applicability and pass per indicator, firing per gate
    kol_nilai = []
    for n, p in pilar:
        for ind in p.indikator:
            berlaku = " AND ".join(f"coalesce({kompilasi_syarat(b, ctx)}, FALSE)" for b in ind.berlaku_jika) or "TRUE"
            if ind.jika_kosong == "tidak_berlaku" and ind.kolom:
                berlaku += f" AND {_q(ind.kolom)} IS NOT NULL"
            kol_nilai.append(f"(_melapor AND {berlaku}) AS \"_b_{ind.id}\"")
            kol_nilai.append(f"coalesce({kompilasi_syarat(ind, ctx)}, FALSE) AS \"_l_{ind.id}\"")
    for g in gerbang:
        kena = " AND ".join(f"coalesce({kompilasi_syarat(s, ctx)}, FALSE)" for s in g.syarat)
        kol_nilai.append(f"({kena}) AS \"_g_{g.id}\"")

    # level `skor`
    kol_skor = []
    skor_p = {}
    for n, p in pilar:
        berlaku = " + ".join(f"CASE WHEN \"_b_{i.id}\" THEN {_lit_angka(i.poin)} ELSE 0 END" for i in p.indikator)
        dapat = " + ".join(f"CASE WHEN \"_b_{i.id}\" AND \"_l_{i.id}\" THEN {_lit_angka(i.poin)} ELSE 0 END"
                           for i in p.indikator)
        kol_skor.append(f"({berlaku}) AS \"_pb_{n}\"")
        kol_skor += [f'("_b_{i.id}" AND NOT "_l_{i.id}") AS "_f_{i.id}"' for i in p.indikator]
        kol_skor.append(f"CASE WHEN ({berlaku}) > 0 THEN round(100.0 * ({dapat}) / ({berlaku}), 1) END AS \"skor_{n}\"")
        skor_p[n] = f'"skor_{n}"'
    for n in PILAR:
        if n not in m.pilar:
            kol_skor.append(f"NULL::DOUBLE AS \"skor_{n}\"")

    # level `total`
    pembilang = " + ".join(f"coalesce({_lit_angka(p.bobot)} * {skor_p[n]}, 0)" for n, p in pilar)
    penyebut = " + ".join(f"CASE WHEN {skor_p[n]} IS NOT NULL THEN {_lit_angka(p.bobot)} ELSE 0 END" for n, p in pilar)
    terendah = f"least({', '.join(skor_p[n] for n, _ in pilar)})"
    kol_total = [
        f"round(({pembilang}) / nullif({penyebut}, 0), 1) AS skor_total",
        f"{terendah} AS _pilar_terendah",
        f"({penyebut}) AS _bobot_berlaku",
        "CASE " + " ".join(f"WHEN {skor_p[n]} = {terendah} THEN {ctx.p(n)}" for n, _ in pilar) + " END AS pilar_terlemah",
    ]
    # level `mentah`: zone from score, then the worst of score and gates
    zh, zk = m.zona.hijau, m.zona.kuning
    lolos_h = f"{_batas_sql('skor_total', zh.skor_total)} AND {_batas_sql('_pilar_terendah', zh.pilar_terendah)}"
    lolos_k = f"{_batas_sql('skor_total', zk.skor_total)} AND {_batas_sql('_pilar_terendah', zk.pilar_terendah)}"
    cabang_g = [f'CASE WHEN "_g_{g.id}" THEN {ZONA.index(g.zona)} END' for g in gerbang]
    rank_gerbang = f"greatest({', '.join(cabang_g)})" if gerbang else "NULL::INTEGER"
    kol_mentah = [
        f"CASE WHEN {lolos_h} THEN 0 WHEN {lolos_k} THEN 1 ELSE 2 END AS _rank_skor",
        f"{rank_gerbang} AS _rank_gerbang",
    ]
    rank_mentah = ("CASE WHEN _melapor THEN greatest(_rank_skor, coalesce(_rank_gerbang, 0)) "
                   "ELSE _rank_gerbang END")

    lapor = LANJUT_KOLOM if cara is Cara.LANJUT else ()
    kol_akhir = ["minggu", "skor_total"] + [f'"skor_{n}"' for n in PILAR]
    kol_akhir.append("CASE WHEN _melapor THEN pilar_terlemah END AS pilar_terlemah")
    # the zone itself needs the koperasi's earlier weeks: _sql_zona_akhir, over these columns
    kol_akhir += ["_melapor", "_rank_mentah", "_rank_gerbang", "_ki", "_ord"]
    if cara is not Cara.LANJUT:  # reports so far, counted in the window sort the look-backs make anyway
        kol_akhir.append("_nlap")
    if cara is not Cara.SEMUA:  # identity; all weeks take it from `_kenal`
        kol_akhir += ["kode_koperasi", "_kode_desa", "_nama_koperasi", "_pertama"]
    kol_akhir += [f"_s_{k}" for k in lapor]
    if cara is Cara.LANJUT:  # the running history values: the state after the week (see keadaan_skor)
        kol_akhir += [f"{a} AS {a.replace('_k', '_s', 1)}" for a in ctx.kumulatif.values()]

    lapis_ciri = ""
    if lengkap:
        komponen: list[tuple[str, str]] = []
        penjelasan = _kolom_penjelasan(m, pilar, gerbang, skor_p, ctx, komponen)
        # Reasons and next step are a function of few values (which checks fail, which gates
        # fire, and the values their texts quote): ~24 k distinct signatures among 2.2 M rows
        # nationally. Each is explained once and joined back; a value a part of the text does
        # not read in that row is masked to NULL so it does not split signatures (langsung:
        # nothing is masked, the reference the tests compare with). The explained rows see only
        # the signature's fields, so a value missing from it fails loudly. Whether history holds
        # the zone is known only after _sql_zona_akhir: see _sql_penjelasan_ditahan.
        calon = (set(_kolom_dipakai(m)) | set(ctx.kumulatif.values())
                 | {a.replace("_k", "_rw", 1) for a in ctx.kumulatif.values()} | set(ctx.turunan.values()) | set(ctx.lalu.values())
                 | {f"_pb_{n}" for n, _ in pilar} | {f"skor_{n}" for n in PILAR}
                 | {"minggu", "_ord", "_ki", "_pertama", "_kode_desa", "_nama_koperasi", "skor_total",
                    "_pilar_terendah", "_bobot_berlaku", "pilar_terlemah", "_rank_skor", "_rank_gerbang"})
        # never NULL (coalesced or IS NOT NULL above), so a bit each loses nothing
        bendera = (["_melapor"] + [f"_g_{g.id}" for g in gerbang]
                   + [f"_f_{i.id}" for _, p in pilar for i in p.indikator])
        kelompok = [bendera[i:i + 62] for i in range(0, len(bendera), 62)]
        kapan: dict[str, list[str]] = {}
        for kondisi, expr in komponen:
            for nama in _nama_dibaca(expr, calon):
                kapan.setdefault(nama, []).append(kondisi)
        ruas = [f"'_bit{j}': " + " + ".join(f'CASE WHEN "{b}" THEN {1 << k} ELSE 0 END' for k, b in enumerate(grup))
                for j, grup in enumerate(kelompok)]
        ruas.append("'_rank_mentah': _rank_mentah")
        if langsung:
            ruas += [f"'{n}': \"{n}\"" for n in sorted(kapan)]
        else:
            ruas += [f"'{n}': CASE WHEN {' OR '.join(f'({k})' for k in kapan[n])} THEN \"{n}\" END" for n in sorted(kapan)]
        buka = ", ".join(f'(_bit{j} & {1 << k}) <> 0 AS "{b}"' for j, grup in enumerate(kelompok) for k, b in enumerate(grup))
        lapis_ciri = f"""
), ciri AS (
    SELECT *, {{{', '.join(ruas)}}} AS _ciri FROM mentah2"""
        kol_akhir.append("_ciri")
        ctx.param["_jelas"] = (f"SELECT _kunci, {', '.join(penjelasan)} "
                               f"FROM (SELECT *, {buka} FROM (SELECT _kunci, unnest(_ciri) FROM {{sumber}}))")
    kolom_pakai = ", ".join(f"l.{_q(k)}" for k in _kolom_dipakai(m))
    # history: `_rwN` before $dari, `_kN` up to the row's week (see _Konteks.k)
    satu_baris = cara is Cara.LANJUT
    riwayat, jendela, rw_kol = "", "", ""
    for (nilai, syarat), a in ctx.kumulatif.items():
        dilapor = f"CASE WHEN _melapor AND {syarat} THEN {nilai} END"
        if cara is Cara.SEMUA:
            # nothing before the first week; the state after the weeks kept (see _tulis) is an
            # aggregate here, rather than a column riding through the window sort
            for ke in ("a", "b"):
                riwayat += f", max({nilai}) FILTER (WHERE minggu <= $simpan_{ke} AND {syarat}) AS {a.replace('_k', '_s' + ke, 1)}"
            jendela += f", max({dilapor}) OVER {_W_KUMULATIF} AS {a}"
            continue
        rw = a.replace("_k", "_rw", 1)
        riwayat += f", max({nilai}) FILTER (WHERE minggu < $dari AND {syarat}) AS {rw}"
        rw_kol += f", k.{rw}"
        # a running max over a partition of one row is that row's value: the window sort of
        # the 83 k rows of one week cost ≈ 0.1 s of scoring it (measured nationally)
        jendela += f", greatest({dilapor if satu_baris else f'max({dilapor}) OVER {_W_KUMULATIF}'}, {rw}) AS {a}"
    if cara is not Cara.LANJUT:
        jendela += f", count(*) FILTER (WHERE _melapor) OVER {_W_KUMULATIF} AS _nlap"
    turunan = "".join(f", {e} AS {a}" for e, a in ctx.turunan.items())
    ctx.param["_penanda"] = f"{aturan.versi}:" + hashlib.sha256(repr((
        _FORMAT_KEADAAN, sorted(ctx.kumulatif.items()), sorted((k, v) for k, v in ctx.param.items() if k[0] != "_")
    )).encode()).hexdigest()[:12]
    ctx.param["_kumulatif"] = list(ctx.kumulatif.values())
    # one week has no sorts: code, name and area ride along from `kenal` (see below)
    identitas = "" if cara is Cara.SEMUA else ", k.kode_koperasi, k._kode_desa, k._nama_koperasi"
    identitas += "".join(f", k._s_{k}" for k in lapor)
    if cara is Cara.LANJUT:
        rw_keadaan = "".join(f", s.{a} AS {a.replace('_k', '_rw', 1)}" for a in ctx.kumulatif.values())
        keadaan_lalu = "".join(f", s.{k} AS _s_{k}" for k in lapor)
        kenal = f"""
    SELECT coalesce(l.kode_koperasi, s.kode_koperasi) AS kode_koperasi, coalesce(s._pertama, $sampai) AS _pertama,
           CASE WHEN l.kode_koperasi IS NULL THEN s.kode_desa ELSE l.kode_desa END AS _kode_desa,
           CASE WHEN l.kode_koperasi IS NULL THEN s.nama_koperasi ELSE l.nama_koperasi END AS _nama_koperasi{rw_keadaan}{keadaan_lalu},
           row_number() OVER () AS _ki
    FROM (FROM keadaan_skor WHERE minggu = (SELECT max(minggu) FROM keadaan_skor WHERE minggu < $sampai)) s
    FULL JOIN (SELECT kode_koperasi, kode_desa, nama_koperasi FROM laporan WHERE minggu = $sampai) l
        ON l.kode_koperasi = s.kode_koperasi"""
    else:
        # name and desa from the latest report, joined rather than arg_max: carrying the
        # strings through the aggregate of every report cost ≈ 0.1 s (measured)
        kenal = f"""
    SELECT g.*, l.kode_desa AS _kode_desa, l.nama_koperasi AS _nama_koperasi, row_number() OVER () AS _ki
    FROM (SELECT kode_koperasi, min(minggu) AS _pertama, max(minggu) AS _terakhir{riwayat}
          FROM laporan WHERE minggu <= $sampai GROUP BY kode_koperasi) g
    JOIN laporan l ON l.kode_koperasi = g.kode_koperasi AND l.minggu = g._terakhir"""
    lalu_kol = "".join(f", l{h}.{_q(k)} AS {a}" for (h, k), a in ctx.lalu.items())
    # the week bounds as constants let DuckDB skip the other weeks' row groups
    lalu_join = "".join(f"\n    LEFT JOIN (FROM laporan WHERE minggu BETWEEN $dari - {h} AND $sampai - {h}) l{h}"
                        f" ON l{h}.minggu = m.minggu - {h} AND l{h}.kode_koperasi = k.kode_koperasi"
                        for h in sorted({h for h, _ in ctx.lalu}))
    # A koperasi travels as the integer _ki. Its code, name and area are strings that would
    # ride along in every sort and in the intermediate table: for all weeks they stay in the
    # temp table `_kenal`, which the caller makes from param["_kenal"] before running the
    # SELECT and joins back when writing; one week (83 k rows, no sorts) carries them along.
    sql = f"""
WITH minggu_ada AS (
    SELECT minggu, row_number() OVER (ORDER BY minggu) AS _ord
    FROM (SELECT DISTINCT minggu FROM laporan WHERE minggu BETWEEN $dari AND $sampai)
), kenal AS ({"FROM _kenal" if cara is Cara.SEMUA else kenal}
), basis AS (
    SELECT m.minggu, m._ord, k._ki, k._pertama{rw_kol}{identitas}, {kolom_pakai}{lalu_kol},
           l.kode_koperasi IS NOT NULL AS _melapor
    FROM minggu_ada m JOIN kenal k ON k._pertama <= m.minggu
    LEFT JOIN (FROM laporan WHERE minggu BETWEEN $dari AND $sampai) l
        ON l.minggu = m.minggu AND l.kode_koperasi = k.kode_koperasi{lalu_join}
), lb AS (
    SELECT *{jendela} FROM basis
), turunan AS (
    SELECT *{turunan} FROM lb
), nilai AS (
    SELECT *, {', '.join(kol_nilai)} FROM turunan
), skor AS (
    SELECT *, {', '.join(kol_skor)} FROM nilai
), total AS (
    SELECT *, {', '.join(kol_total)} FROM skor
), mentah AS (
    SELECT *, {', '.join(kol_mentah)} FROM total
), mentah2 AS (
    SELECT *, {rank_mentah} AS _rank_mentah FROM mentah{lapis_ciri}
)
SELECT {', '.join(kol_akhir)} FROM {"ciri" if lengkap else "mentah2"} WHERE minggu >= $simpan_dari"""
    ctx.param["_kenal"] = kenal if cara is Cara.SEMUA else None
    return sql, ctx.param


def _nama_dibaca(expr: str, calon: set[str]) -> set[str]:
    """Which of the column names `calon` an SQL expression reads (string literals ignored)."""
    tanpa_literal = re.sub(r"'(?:[^']|'')*'", "''", expr)
    return {n for n in calon if re.search(rf"(?<![\w$]){re.escape(n)}(?!\w)", tanpa_literal)}


def _teks_amatan(s: Syarat, ctx: _Konteks) -> str:
    """What a gate saw: 'status lahan: bermasalah' (a gate's condition is not a requirement)."""
    if CEK[s.cek].lihat_belakang:
        return CEK[s.cek].teks_sql(s, ctx)
    return (f"{ctx.p(_label(s) + ': ')} || coalesce({_sql_label_nilai(s.kolom)}, 'tidak dilaporkan')")


def keluarga_cek(p: Pilar) -> list[list[Indikator]]:
    """The pillar's indicators grouped by the value they judge, in config order: the checks of
    one column (status lahan: teridentifikasi, siap, tidak bermasalah) are one problem when it
    fails, named once with what it costs together, and filtered by the first one's id. A check
    that looks back over weeks is its own family."""
    keluarga: dict[str, list[Indikator]] = {}
    for i in p.indikator:
        kunci = i.kolom if i.kolom and not CEK[i.cek].lihat_belakang else f"#{i.id}"
        keluarga.setdefault(kunci, []).append(i)
    return list(keluarga.values())


def _minggu_keluar(m: ModelAturan, zona: str) -> int:
    """Reported weeks in a row a koperasi must qualify for a better zone before leaving `zona`."""
    return int(m.stabilitas.minggu_keluar.get(zona, 1))


def definisi_pergerakan(aturan: Aturan) -> dict[str, tuple[str, str]]:
    """{jenis: (judul, definisi)} for PERGERAKAN, with the windows of these rules."""
    m = aturan.model
    return {
        "baru_merah": ("Baru merah", f"Merah minggu ini dan tidak merah pada {m.pergerakan.minggu_baru_merah} minggu "
                                     "berzona sebelumnya (minggu tanpa laporan dilewati: bolos satu minggu bukan baru merah)."),
        "pulih": ("Pulih", f"Keluar dari merah ke kuning atau hijau minggu ini, setelah {_minggu_keluar(m, 'merah')} minggu "
                           "laporan berturut-turut memenuhi syarat (kembali dari tanpa laporan ke zona yang sama bukan pulih)."),
        "merah_kronis": ("Merah kronis", f"Merah selama {m.pergerakan.minggu_kronis} minggu atau lebih; minggu tanpa laporan "
                                         "tidak memutus hitungan."),
    }


def _sql_nama_zona(rank: str) -> str:
    """SQL: the zone name of a rank (0 hijau … 3 tidak_melapor). A CASE: a list literal indexed
    per row cost ≈ 0.45 s of a national rescoring (measured)."""
    return f"CASE {rank} " + " ".join(f"WHEN {i} THEN '{z}'" for i, z in enumerate(SEMUA_ZONA)) + " END"


def _sql_penjelasan_ditahan(m: ModelAturan, sumber: str) -> str:
    """The explanation of a row whose history holds its zone (_tahan, see _sql_zona_akhir), from
    the explanation of its signature: a reported week that does not yet qualify to leave, or a
    silent one that may not improve on its last report. `sumber` has (id, dasar, _tahan,
    _melapor, _rank_mentah): the new id, the signature's explanation id and what it needs."""
    n_keluar = f"CASE _tahan WHEN 2 THEN {_minggu_keluar(m, 'merah')} ELSE {_minggu_keluar(m, 'kuning')} END"
    zona = _sql_nama_zona("_tahan")
    teks = (f"CASE WHEN _melapor THEN 'Masih ' || {zona} || ': minggu ini sudah memenuhi syarat ' "
            f"|| {_sql_nama_zona('_rank_mentah')} || ', tetapi keluar dari ' || {zona} || ' perlu ' "
            f"|| CAST({n_keluar} AS VARCHAR) || ' minggu laporan berturut-turut yang memenuhi syarat' "
            f"ELSE 'Tidak melapor: zona tidak membaik tanpa laporan (zona pada laporan terakhir: ' || {zona} || ')' END")
    alasan = (f"{{'id': 'stabilitas', 'jenis': 'gerbang', 'pilar': NULL::VARCHAR, 'teks': {teks}, "
              f"'poin_hilang': NULL::DOUBLE, 'keparahan': 'sedang'}}")
    langkah = (f"CASE WHEN _melapor THEN 'tetap ' || {zona} || ' sampai ' || CAST({n_keluar} AS VARCHAR) "
               f"|| ' minggu laporan berturut-turut memenuhi syarat; pertahankan' ELSE p.langkah_berikut END")
    # the reason the zone is what it is comes first
    return f"""SELECT s.id, p.versi_aturan, p.kunci, p.gerbang, list_prepend({alasan}, p.alasan) AS alasan,
                      {langkah} AS langkah_berikut
               FROM {sumber} s JOIN penjelasan p ON p.id = s.dasar"""


def _kolom_penjelasan(m: ModelAturan, pilar, gerbang, skor_p, ctx: _Konteks,
                      komponen: list[tuple[str, str]]) -> list[str]:
    """gerbang, alasan and langkah_berikut; `komponen` receives (when it is evaluated, SQL) for
    every part, so the caller knows which values each part reads and when."""
    id_g = [f'CASE WHEN "_g_{g.id}" THEN {ctx.p(g.id)} END' for g in gerbang]
    gerbang_list = f"list_filter([{', '.join(id_g)}], lambda x: x IS NOT NULL)" if gerbang else "[]::VARCHAR[]"
    # gates: text from the YAML (a parameter) followed by what was observed
    alasan_g = []
    for g in gerbang:
        detail = " || '; ' || ".join(f"({_teks_amatan(s, ctx)})" for s in g.syarat)
        teks = f"{ctx.p(g.teks + ' (')} || {detail} || ')'"
        alasan_g.append(f"CASE WHEN \"_g_{g.id}\" THEN {_alasan_sql(g.id, 'gerbang', None, teks, None, g.keparahan, ctx)} END")
        komponen.append((f'"_g_{g.id}"', alasan_g[-1]))
    # failed checks, sorted by what they cost the total score; the checks of one value (a
    # family, see keluarga_cek) are one reason with what they cost together
    alasan_c = []
    for n, p in pilar:
        for anggota in keluarga_cek(p):
            hilang = {i.id: f"round(100.0 * {_lit_angka(i.poin)} / \"_pb_{n}\", 1)" for i in anggota}
            gagal = {i.id: f'"_f_{i.id}"' for i in anggota}
            if len(anggota) == 1:
                ind = anggota[0]
                teks, keparahan = CEK[ind.cek].teks_sql(ind, ctx), ctx.p(ind.keparahan)
                jumlah_hilang, kena = hilang[ind.id], gagal[ind.id]
            else:
                kena = "(" + " OR ".join(gagal.values()) + ")"
                jumlah_hilang = " + ".join(f"CASE WHEN {gagal[i.id]} THEN {hilang[i.id]} ELSE 0 END" for i in anggota)
                n_gagal = " + ".join(f"CASE WHEN {gagal[i.id]} THEN 1 ELSE 0 END" for i in anggota)
                sendiri = " ".join(f"WHEN {gagal[i.id]} THEN {CEK[i.cek].teks_sql(i, ctx)}" for i in anggota)
                syarat = ", ".join(f"CASE WHEN {gagal[i.id]} THEN {ctx.p(uraikan_syarat(i))} END" for i in anggota)
                teks = (f"CASE WHEN {n_gagal} = 1 THEN CASE {sendiri} END ELSE {_teks_amatan(anggota[0], ctx)} || ' (' "
                        f"|| CAST({n_gagal} AS VARCHAR) || ' cek gagal: ' "
                        f"|| array_to_string(list_filter([{syarat}], lambda x: x IS NOT NULL), '; ') || ')' END")
                terburuk = sorted(anggota, key=lambda i: KEPARAHAN.index(i.keparahan))
                keparahan = "CASE " + " ".join(f"WHEN {gagal[i.id]} THEN {ctx.p(i.keparahan)}" for i in terburuk) + " END"
            dampak = f"({jumlah_hilang}) * {_lit_angka(p.bobot)} / _bobot_berlaku"
            struk = (f"{{'id': {ctx.p(anggota[0].id)}, 'jenis': 'cek', 'pilar': {ctx.p(n)}, 'teks': {teks}, "
                     f"'poin_hilang': CAST({jumlah_hilang} AS DOUBLE), 'keparahan': {keparahan}}}")
            alasan_c.append(f"CASE WHEN {kena} THEN {{'u': -({dampak}), 'a': {struk}}} END")
            komponen.append((kena, alasan_c[-1]))
    kosong = f"[]::{_TIPE_ALASAN}[]"
    bag_g = f"list_filter([{', '.join(alasan_g)}], lambda x: x IS NOT NULL)" if alasan_g else kosong
    # sorted by the first struct field: the cost to the total score, largest first
    bag_c = (f"list_transform(list_sort(list_filter([{', '.join(alasan_c)}], lambda x: x IS NOT NULL)), lambda x: x.a)"
             if alasan_c else kosong)
    alasan = f"CASE WHEN _melapor THEN list_concat({bag_g}, {bag_c}) ELSE {bag_g} END"

    # next step toward the next better zone
    def kurang(expr: str, b: Batas, label: str) -> str:
        celah = f"{_lit_angka(b.min)} - {expr}"
        awalan = "+" if b.termasuk else "lebih dari +"
        return (f"CASE WHEN NOT {_batas_sql(expr, b)} THEN {ctx.p(awalan)} || "
                f"{_sql_fmt_angka(f'ceil(({celah}) * 10) / 10', None)} || {ctx.p(' poin ' + label)} END")

    def langkah_ke(target: str) -> str:
        a: AmbangZona = getattr(m.zona, target)
        bagian = [kurang(skor_p[n], a.pilar_terendah, p.label.lower()) for n, p in pilar]
        bagian.append(kurang("skor_total", a.skor_total, "skor total"))
        return (f"'butuh ' || array_to_string(list_filter([{', '.join(bagian)}], lambda x: x IS NOT NULL), ' dan ') "
                f"|| ' untuk {target}'")

    def penghalang(rank: int) -> str:
        """First fired gate at least as bad as the current zone (it must clear before moving up)."""
        cabang = []
        for g in gerbang:
            if ZONA.index(g.zona) >= rank:
                pesan = ctx.p(f'gerbang "{g.teks}" harus selesai dulu')
                cabang.append(f'WHEN "_g_{g.id}" THEN {pesan}')
        return f"CASE {' '.join(cabang)} END" if cabang else "NULL::VARCHAR"

    langkah = f"""CASE
        WHEN NOT _melapor THEN {ctx.p('kirim laporan minggu ini agar koperasi dapat dinilai')}
        WHEN _rank_mentah = 0 THEN {ctx.p('sudah hijau: pertahankan')}
        WHEN _rank_mentah = 1 THEN coalesce({penghalang(1)}, {langkah_ke('hijau')})
        ELSE coalesce({penghalang(2)}, {langkah_ke('kuning')}) END"""
    # the score columns are read only past the first two branches (_rank_mentah is never NULL when reporting)
    komponen.append(("_melapor AND _rank_mentah > 0", langkah))
    return [f"{gerbang_list} AS gerbang", f"{alasan} AS alasan", f"{langkah} AS langkah_berikut"]


# ---------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------

def _kolom_tabel(con, nama: str) -> set[str]:
    """The columns of a table of the current schema; empty when there is no such table."""
    return {r[0] for r in con.execute("""SELECT column_name FROM information_schema.columns
                                         WHERE table_schema = current_schema() AND table_name = $t""",
                                      {"t": nama}).fetchall()}


def _pastikan_tabel(con) -> bool:
    """Create zona_inti, penjelasan and the zona view; True when stored zones were dropped (or
    never existed), so that every week needs scoring."""
    jenis = dict(con.execute("""SELECT table_name, table_type FROM information_schema.tables
                                WHERE table_schema = current_schema()
                                  AND table_name IN ('zona', 'zona_inti')""").fetchall())
    kolom = _kolom_tabel(con, "zona_inti")
    # zona is derived data: an older layout (a physical zona table, or zona_inti with other
    # columns) is dropped and rebuilt by a rescoring of all weeks
    if jenis.get("zona") == "BASE TABLE":
        con.execute("DROP TABLE zona").fetchall()
    lama = "zona_inti" in jenis and kolom != _KOLOM_INTI_SET
    if lama:
        con.execute("DROP VIEW IF EXISTS zona").fetchall()
        con.execute("DROP TABLE zona_inti").fetchall()
    baru = "zona_inti" not in jenis or lama
    con.execute(DDL_ZONA_INTI).fetchall()
    con.execute(DDL_PENJELASAN).fetchall()
    con.execute(DDL_VIEW_ZONA).fetchall()
    con.execute("CREATE TABLE IF NOT EXISTS meta (kunci VARCHAR PRIMARY KEY, nilai VARCHAR)").fetchall()
    return baru


def _minggu_laporan(con) -> list[date]:
    return [r[0] for r in con.execute("SELECT DISTINCT minggu FROM laporan ORDER BY minggu").fetchall()]


def _simpan_versi(con, aturan: Aturan) -> None:
    con.execute("DELETE FROM meta WHERE kunci = 'versi_aturan'").fetchall()
    con.execute("INSERT INTO meta (kunci, nilai) VALUES ('versi_aturan', $v)", {"v": aturan.versi}).fetchall()


def skor(con, aturan: Aturan, minggu: date | None = None) -> None:
    """(Re)write zona for one week (and the weeks after it, whose look-back it feeds) or all weeks."""
    _skor(con, aturan, minggu)


def _sql_zona_akhir(m: ModelAturan, cara: Cara, sumber: str) -> str:
    """Zone, weeks in zone and movement of each row of `sumber` (the SELECT of _kompilasi) from
    its raw rank and the koperasi's earlier weeks — the rows before it in `sumber` (all weeks,
    a range), or last week's state carried as `_s_*` (one week). Both read the same counters:
      lapor_sejak_merah/kuning: reported weeks since the last report whose raw rank was merah /
        at least kuning (0 = this week's). A reported week stays merah while one of its last
        N reports (minggu_keluar.merah) was merah: worsening is immediate, leaving needs N
        qualifying reports in a row; silent weeks neither count nor reset.
      A silent week is grey unless a gate fires; then it is the worse of the gate and the zone
        of its last report (silence never improves a zone).
      zona_nyata, minggu_zona_nyata: the last zone that was not grey and the weeks since the
        koperasi entered it, grey weeks included (a missed report does not restart the run).
      zona_sejak_merah: zoned weeks since the last merah one (0 = this week's), for baru merah.
    The counters are the state keadaan_skor keeps, so one week continues exactly where all
    weeks at once would be (tested row for row)."""
    nm, nk = _minggu_keluar(m, "merah"), _minggu_keluar(m, "kuning")
    w = "PARTITION BY _ki ORDER BY _ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    sebelum = "PARTITION BY _ki ORDER BY _ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    rank_lapor = f"CASE WHEN {{m}} < {nm} THEN 2 WHEN {{k}} < {nk} THEN 1 ELSE 0 END"
    rank_akhir = ("CASE WHEN _melapor THEN _rank_lapor WHEN _rank_gerbang IS NOT NULL "
                  "THEN greatest(_rank_gerbang, _rank_lapor) ELSE 3 END")
    if cara is Cara.LANJUT:
        lapor = f"""
        SELECT *, CASE WHEN NOT _melapor THEN _s_lapor_sejak_merah WHEN _rank_mentah = 2 THEN 0
                       ELSE _s_lapor_sejak_merah + 1 END AS _lsm,
                  CASE WHEN NOT _melapor THEN _s_lapor_sejak_kuning WHEN _rank_mentah >= 1 THEN 0
                       ELSE _s_lapor_sejak_kuning + 1 END AS _lsk
        FROM {sumber}"""
        akhir = f"""
        SELECT *, {rank_akhir} AS _rank_akhir
        FROM (SELECT *, {rank_lapor.format(m="_lsm", k="_lsk")} AS _rank_lapor FROM ({lapor}))"""
        lari = f"""
        SELECT *, _s_zona_nyata AS _zn_lalu, _s_zona_sejak_merah AS _zsm_lalu,
               CAST(CASE WHEN _rank_akhir < 3 AND _rank_akhir IS DISTINCT FROM _s_zona_nyata THEN 1
                         ELSE _s_minggu_zona_nyata + 1 END AS INTEGER) AS minggu_zona_nyata,
               CAST(CASE WHEN _rank_akhir < 3 THEN NULL WHEN _s_zona = '{TIDAK_MELAPOR}' THEN _s_minggu_di_zona + 1
                         ELSE 1 END AS INTEGER) AS _minggu_abu
        FROM ({akhir})"""
    else:
        # Two window levels over the narrow rows (each costs ≈ 0.3 s nationally): the first gives
        # the counters, and also those of the last zoned week before the row (`_p` packs its
        # week, whether it reported and its gate), from which that week's zone follows as it
        # does for the row itself: nothing in between reported. The second needs the zones.
        dizonakan = "(_melapor OR _rank_gerbang IS NOT NULL)"  # a row is grey when neither
        tanpa_ini = "(_nlap - CASE WHEN _melapor THEN 1 ELSE 0 END)"
        tingkat1 = f"""
        SELECT _ki, _ord, _melapor, _rank_mentah, _rank_gerbang,
               _nlap - max(CASE WHEN _melapor AND _rank_mentah = 2 THEN _nlap END) OVER ({w}) AS _lsm,
               _nlap - max(CASE WHEN _melapor AND _rank_mentah >= 1 THEN _nlap END) OVER ({w}) AS _lsk,
               {tanpa_ini} - max(CASE WHEN _melapor AND _rank_mentah = 2 THEN _nlap END) OVER ({sebelum}) AS _lsm_p,
               {tanpa_ini} - max(CASE WHEN _melapor AND _rank_mentah >= 1 THEN _nlap END) OVER ({sebelum}) AS _lsk_p,
               count(*) FILTER (WHERE {dizonakan}) OVER ({w}) AS _nzona,
               max(CASE WHEN {dizonakan} THEN _ord * 8 + CASE WHEN _melapor THEN 4 ELSE 0 END
                        + coalesce(_rank_gerbang + 1, 0) END) OVER ({sebelum}) AS _p
        FROM {sumber}"""
        zona_p = "CASE WHEN _p % 8 >= 4 THEN _rank_lapor_p ELSE greatest(_p % 4 - 1, _rank_lapor_p) END"
        akhir = f"""
        SELECT *, {rank_akhir} AS _rank_akhir, CASE WHEN _p IS NOT NULL THEN {zona_p} END AS _zn_lalu
        FROM (SELECT *, {rank_lapor.format(m="_lsm", k="_lsk")} AS _rank_lapor,
                        {rank_lapor.format(m="_lsm_p", k="_lsk_p")} AS _rank_lapor_p FROM ({tingkat1}))"""
        lari = f"""
        SELECT *, CAST(_ord + 1 - _masuk AS INTEGER) AS minggu_zona_nyata,
               CAST(CASE WHEN _rank_akhir = 3 THEN _ord - _p // 8 END AS INTEGER) AS _minggu_abu,
               (_nzona - CASE WHEN _rank_akhir < 3 THEN 1 ELSE 0 END) - _nz_merah_lalu AS _zsm_lalu
        FROM (SELECT *, max(CASE WHEN _rank_akhir < 3 AND _rank_akhir IS DISTINCT FROM _zn_lalu THEN _ord END) OVER ({w}) AS _masuk,
                        max(CASE WHEN _rank_akhir = 2 THEN _nzona END) OVER ({sebelum}) AS _nz_merah_lalu
              FROM ({akhir}))"""
    return f"""
    SELECT _ki, _ord, _rank_akhir,
           CASE WHEN _rank_akhir < 3 AND _rank_akhir > CASE WHEN _melapor THEN _rank_mentah ELSE _rank_gerbang END
                THEN _rank_akhir END AS _tahan,
           coalesce(_minggu_abu, minggu_zona_nyata) AS minggu_di_zona,
           CASE WHEN _rank_akhir = 2 AND coalesce(_zsm_lalu >= {int(m.pergerakan.minggu_baru_merah)}, TRUE) THEN 'baru_merah'
                WHEN _rank_akhir = 2 AND coalesce(_minggu_abu, minggu_zona_nyata) >= {int(m.pergerakan.minggu_kronis)}
                     THEN 'merah_kronis'
                WHEN _rank_akhir < 2 AND _zn_lalu = 2 THEN 'pulih' END AS pergerakan,
           _lsm AS lapor_sejak_merah, _lsk AS lapor_sejak_kuning,
           CASE WHEN _rank_akhir < 3 THEN _rank_akhir ELSE _zn_lalu END AS zona_nyata, minggu_zona_nyata,
           CASE WHEN _rank_akhir = 2 THEN 0 WHEN _rank_akhir < 3 THEN _zsm_lalu + 1 ELSE _zsm_lalu END AS zona_sejak_merah
    FROM ({lari})"""


def _skor(con, aturan: Aturan, minggu: date | None = None, *, langsung: bool = False) -> None:
    if not isinstance(aturan, Aturan):
        raise TypeError("skor() butuh Aturan yang sudah divalidasi (muat_aturan)")
    if _pastikan_tabel(con):
        minggu = None  # no stored zones to continue from: every week is scored
    semua = _minggu_laporan(con)
    if not semua:
        for t in ("zona_inti", "penjelasan"):
            con.execute(f"DELETE FROM {t}").fetchall()
        con.execute("DROP TABLE IF EXISTS keadaan_skor").fetchall()
        _simpan_versi(con, aturan)
        return
    if isinstance(minggu, pd.Timestamp):
        minggu = minggu.date()
    sql, param = _kompilasi(aturan, Cara.LANJUT, langsung=langsung)
    ulang = [x for x in semua if minggu is not None and x >= minggu]
    # One week continues from the state the scoring of the loaded week before it kept; without
    # one (an earlier week changed, or another layout), every week is scored at once.
    sebelumnya = max((x for x in semua if minggu is not None and x < minggu), default=None)
    if not ulang or sebelumnya is None or not _keadaan_berlaku(con, sebelumnya, param["_penanda"]):
        sql, param = _kompilasi(aturan, Cara.SEMUA, langsung=langsung)
        con.execute("DELETE FROM zona_inti").fetchall()
        con.execute("DELETE FROM penjelasan").fetchall()  # rebuilt: no explanation outlives its rows
        _tulis(con, sql, param, aturan, Cara.SEMUA, semua[0], semua[-1], semua[-2:])
    else:
        # A week is ~83 k rows, less than one row group: DuckDB runs its pipelines on one
        # thread anyway, and a second one only adds synchronisation (≈ 0.05 s, measured).
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        con.execute("SET threads = 1").fetchall()
        try:
            for w in ulang:
                con.execute("DELETE FROM zona_inti WHERE minggu = $w", {"w": w}).fetchall()
                _tulis(con, sql, param, aturan, Cara.LANJUT, w, w, [w])
        finally:
            con.execute(f"SET threads = {int(threads)}").fetchall()
    if minggu is not None and minggu not in semua:  # a week that was emptied: nothing left to score
        con.execute("DELETE FROM zona_inti WHERE minggu = $w", {"w": minggu}).fetchall()
    _simpan_versi(con, aturan)


_FORMAT_KEADAAN = 3  # the columns of keadaan_skor; part of its penanda


def _keadaan_berlaku(con, minggu: date, penanda: str) -> bool:
    """Whether `keadaan_skor` holds the state after `minggu` (the loaded week before the one
    to score) under the same rules and history definitions. Scoring keeps the states of the
    last two weeks it wrote (a rescoring of all weeks: the last two loaded weeks), so that a
    new week, and then corrected files for it, all continue from a kept state. Every scoring
    rewrites the states from its week on, in the same transaction as the zones, and a change to
    laporan is always followed by scoring the weeks from the changed one on: a kept state is
    never stale."""
    if not _keadaan_sejenis(con, penanda):
        return False
    r = con.execute("""SELECT minggu, penanda FROM keadaan_skor
                       WHERE minggu = (SELECT max(minggu) FROM keadaan_skor WHERE minggu <= $m) LIMIT 1""",
                    {"m": minggu}).fetchall()
    return bool(r) and r[0][0] == minggu and r[0][1] == penanda


def _keadaan_sejenis(con, penanda: str) -> bool:
    """keadaan_skor exists and holds only states of this penanda (so the same columns)."""
    if not _kolom_tabel(con, "keadaan_skor"):
        return False
    return con.execute("SELECT count(*) FROM keadaan_skor WHERE penanda <> $p", {"p": penanda}).fetchall()[0][0] == 0


def _parameter(sql: str, param: dict) -> dict:
    """Only the parameters a statement names (DuckDB refuses unused named parameters)."""
    nama = set(re.findall(r"\$(\w+)", re.sub(r"'(?:[^']|'')*'", "''", sql)))
    return {k: v for k, v in param.items() if k in nama}


def _tulis(con, sql: str, param: dict, aturan: Aturan, cara: Cara, dari: date, sampai: date, simpan: list[date]):
    """Score [dari, sampai] and write its zones; keep the state after each week in `simpan`."""
    jelas = param["_jelas"]
    p = {k: v for k, v in param.items() if not k.startswith("_")}  # "_…" entries describe, they are not SQL parameters
    p.update(dari=dari, sampai=sampai, versi=aturan.versi, simpan_dari=dari, simpan_a=simpan[0], simpan_b=simpan[-1])
    semua = cara is Cara.SEMUA
    # identity columns: from `_kenal` for all weeks, in the rows for one week (see _kompilasi)
    gabung_kenal = "JOIN _kenal k ON k._ki = h._ki" if semua else ""
    try:
        if semua:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _kenal AS {param['_kenal']}", _parameter(param["_kenal"], p)).fetchall()
        q = f"CREATE OR REPLACE TEMP TABLE _hasil AS {sql}"
        con.execute(q, _parameter(q, p)).fetchall()
        # the zone over narrow columns: the same windows over the wide rows cost ≈ 1 s more of
        # a national rescoring (measured)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _zona AS {_sql_zona_akhir(aturan.model, cara, '_hasil')}").fetchall()
        # Signatures as text; those already explained under these rules keep their number, new
        # ones are numbered on after the largest (ids are never changed, only appended). A row's
        # id is 4 × its signature's number + the zone its history holds it in (0: none, see
        # _sql_penjelasan_ditahan), so the few held rows need no join of their own.
        con.execute("""CREATE OR REPLACE TEMP TABLE _ciri_ada AS
                       SELECT c._ciri, c._kunci, j.dasar IS NULL AS _baru,
                              coalesce(j.dasar, (SELECT coalesce(max(id) // 4, 0) FROM penjelasan)
                                       + CAST(row_number() OVER (PARTITION BY j.dasar IS NULL ORDER BY c._kunci) AS INTEGER)) AS dasar
                       FROM (SELECT _ciri, CAST(_ciri AS VARCHAR) AS _kunci FROM (SELECT DISTINCT _ciri FROM _hasil)) c
                       LEFT JOIN (SELECT kunci, id // 4 AS dasar FROM penjelasan WHERE versi_aturan = $versi AND id % 4 = 0) j
                           ON j.kunci = c._kunci""",
                    {"versi": aturan.versi}).fetchall()
        q = (f"INSERT INTO penjelasan (id, versi_aturan, kunci, gerbang, alasan, langkah_berikut) "
             f"SELECT c.dasar * 4, $versi, j._kunci, j.gerbang, j.alasan, j.langkah_berikut FROM ("
             + jelas.replace("{sumber}", "(SELECT _kunci, _ciri FROM _ciri_ada WHERE _baru)")
             + ") j JOIN _ciri_ada c ON c._kunci = j._kunci")
        con.execute(q, _parameter(q, p)).fetchall()
        nama_zona = _sql_nama_zona("z._rank_akhir")
        # joined back on (_ki, _ord): a POSITIONAL JOIN of _zona made in _hasil's order ran on
        # one thread and cost ≈ 1.9 s more (measured)
        sumber_kolom = {"minggu": "h.minggu", "zona": nama_zona, "id_penjelasan": "c.dasar * 4 + coalesce(z._tahan, 0)",
                        "minggu_di_zona": "z.minggu_di_zona", "pergerakan": "z.pergerakan", "versi_aturan": "$versi",
                        "nama_koperasi": "_nama_koperasi", "kode_desa": "_kode_desa"}
        kolom = ", ".join(sumber_kolom.get(k.strip(), k.strip()) for k in _KOLOM_INTI.split(","))
        con.execute(f"""INSERT INTO zona_inti ({_KOLOM_INTI})
                        SELECT {kolom} FROM _hasil h JOIN _zona z ON z._ki = h._ki AND z._ord = h._ord
                        JOIN _ciri_ada c USING (_ciri)  -- struct '=' treats NULL fields as equal
                        {gabung_kenal}""",
                    {"versi": aturan.versi}).fetchall()
        ditahan = f"""(SELECT v.id, v.id // 4 * 4 AS dasar, v.id % 4 AS _tahan, (c._ciri._bit0 & 1) <> 0 AS _melapor,
                              c._ciri._rank_mentah AS _rank_mentah
                       FROM (SELECT DISTINCT id_penjelasan AS id FROM zona_inti
                             WHERE minggu BETWEEN $dari AND $sampai AND id_penjelasan % 4 <> 0
                             EXCEPT SELECT id FROM penjelasan) v
                       JOIN _ciri_ada c ON c.dasar = v.id // 4)"""
        q = f"INSERT INTO penjelasan BY NAME {_sql_penjelasan_ditahan(aturan.model, ditahan)}"
        con.execute(q, _parameter(q, p)).fetchall()
        # the state after each week in `simpan`, which the next week's scoring continues from:
        # every known koperasi has a row in that week
        if semua:  # the aggregates of `_kenal` (see _kompilasi) for the two weeks kept
            riwayat = "".join(f", CASE WHEN h.minggu = $simpan_b THEN {k.replace('_k', '_sb', 1)} "
                              f"ELSE {k.replace('_k', '_sa', 1)} END AS {k}" for k in param["_kumulatif"])
        else:
            riwayat = "".join(f", {k.replace('_k', '_s', 1)} AS {k}" for k in param["_kumulatif"])
        keadaan = f"""SELECT h.minggu, $penanda AS penanda, kode_koperasi, _pertama, _kode_desa AS kode_desa,
                             _nama_koperasi AS nama_koperasi, {nama_zona} AS zona,
                             z.minggu_di_zona, z.lapor_sejak_merah, z.lapor_sejak_kuning, z.zona_nyata,
                             z.minggu_zona_nyata, z.zona_sejak_merah{riwayat}
                      FROM (FROM _hasil WHERE minggu IN $simpan) h JOIN _zona z ON z._ki = h._ki AND z._ord = h._ord
                      {gabung_kenal}"""
        nilai = {"penanda": param["_penanda"], "simpan": simpan, "simpan_b": simpan[-1]}
        # one week keeps the latest state before it (still valid: the weeks up to it are
        # unchanged) beside its own; all weeks, or states of other rules, start afresh
        if not semua and _keadaan_sejenis(con, param["_penanda"]):
            con.execute("""DELETE FROM keadaan_skor WHERE minggu >= $sampai
                           OR minggu < (SELECT max(minggu) FROM keadaan_skor WHERE minggu < $sampai)""",
                        {"sampai": sampai}).fetchall()
            con.execute(f"INSERT INTO keadaan_skor BY NAME {keadaan}", _parameter(keadaan, nilai)).fetchall()
        else:
            con.execute(f"CREATE OR REPLACE TABLE keadaan_skor AS {keadaan}", _parameter(keadaan, nilai)).fetchall()
    finally:
        for t in ("_kenal", "_hasil", "_zona", "_ciri_ada"):
            con.execute(f"DROP TABLE IF EXISTS temp.{t}").fetchall()


def perlu_skor_ulang(con, aturan: Aturan, kecuali: date | None = None) -> bool:
    """True when the stored zones were made by other rules or some loaded week has no zones;
    `kecuali` is a week being loaded, which has none yet and is scored on its own."""
    ada = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN ('zona', 'meta', 'laporan')").fetchall()}
    if "laporan" not in ada:
        return False
    if "zona" not in ada or "meta" not in ada:
        return True
    if _kolom_tabel(con, "zona_inti") != _KOLOM_INTI_SET:  # none, or an older layout: scoring rebuilds it
        return True
    versi = con.execute("SELECT nilai FROM meta WHERE kunci = 'versi_aturan'").fetchall()
    if not versi or versi[0][0] != aturan.versi:
        return True
    lain = con.execute("SELECT count(*) FROM zona_inti WHERE versi_aturan IS DISTINCT FROM $v", {"v": aturan.versi}).fetchall()
    if lain[0][0]:
        return True
    kurang = con.execute("""SELECT count(*) FROM (SELECT DISTINCT minggu FROM laporan)
                            WHERE minggu NOT IN (SELECT DISTINCT minggu FROM zona_inti)
                              AND minggu IS DISTINCT FROM $kecuali""", {"kecuali": kecuali}).fetchall()
    return kurang[0][0] > 0


def jelaskan(con, kode_koperasi: str, minggu: date) -> dict:
    """Zone, pillar scores, reasons (worst first) and next step of one koperasi in one week."""
    df = con.execute("""SELECT * FROM zona WHERE kode_koperasi = $k AND minggu = $m""",
                     {"k": kode_koperasi, "m": minggu}).df()
    if df.empty:
        return {"kode_koperasi": kode_koperasi, "minggu": minggu, "zona": None, "alasan": [],
                "langkah_berikut": "belum ada penilaian untuk minggu ini", "skor_pilar": {}}
    r = df.iloc[0]

    def angka(v):
        return None if v is None or pd.isna(v) else float(v)

    alasan = [dict(a) for a in (r["alasan"] if r["alasan"] is not None else [])]
    for a in alasan:
        a["poin_hilang"] = angka(a.get("poin_hilang"))
    return {
        "kode_koperasi": kode_koperasi,
        "minggu": minggu,
        "zona": r["zona"],
        "skor_total": angka(r["skor_total"]),
        "skor_pilar": {n: angka(r[f"skor_{n}"]) for n in PILAR},
        "pilar_terlemah": None if pd.isna(r["pilar_terlemah"]) else r["pilar_terlemah"],
        "gerbang": list(r["gerbang"]) if r["gerbang"] is not None else [],
        "alasan": alasan,
        "langkah_berikut": None if pd.isna(r["langkah_berikut"]) else r["langkah_berikut"],
        "minggu_di_zona": int(r["minggu_di_zona"]) if not pd.isna(r["minggu_di_zona"]) else None,
        "versi_aturan": r["versi_aturan"],
    }


@dataclass(frozen=True)
class HasilBagaimanaJika:
    minggu: date
    versi_kandidat: str
    matriks: pd.DataFrame  # index zona_sekarang, columns zona_kandidat, counts (incl. tidak_melapor)
    berubah: pd.DataFrame  # kode_koperasi, nama_koperasi, kode_provinsi, kode_kabupaten, zona_sekarang, zona_kandidat
    per_provinsi: pd.DataFrame  # kode_provinsi, n, berubah, membaik, memburuk, <zona>_sekarang, <zona>_kandidat


def bagaimana_jika(con, teks_yaml_kandidat: str, minggu: date | None = None) -> HasilBagaimanaJika:
    """Score one week with candidate rules without writing anything; compare with the stored zones."""
    kandidat = muat_aturan_teks(teks_yaml_kandidat, sumber="<kandidat>")
    if minggu is None:
        minggu = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
        if minggu is None:
            raise ValueError("Belum ada data laporan untuk dinilai.")
    # A zone needs the koperasi's last reports (stability) and, when it is silent, its last
    # reported zone: the candidate scores the weeks a stability window and a lateness gate
    # (three weeks) reach back. A koperasi silent for longer keeps the gate's zone.
    kembali = max(_minggu_keluar(kandidat.model, "merah"), _minggu_keluar(kandidat.model, "kuning")) + 3
    dari = con.execute(f"""SELECT min(minggu) FROM (SELECT DISTINCT minggu FROM laporan WHERE minggu <= $m
                           ORDER BY minggu DESC LIMIT {kembali})""", {"m": minggu}).fetchall()[0][0] or minggu
    sql, param = _kompilasi(kandidat, Cara.RENTANG, lengkap=False)
    p = {k: v for k, v in param.items() if not k.startswith("_")}
    p.update(dari=dari, sampai=minggu, simpan_dari=dari)
    # name and area as of this week (latest report up to it) come with the scored rows
    df = con.execute(f"""
        WITH hasil AS ({sql}), akhir AS ({_sql_zona_akhir(kandidat.model, Cara.RENTANG, 'hasil')})
        SELECT h.kode_koperasi, h._nama_koperasi AS nama_koperasi, left(h._kode_desa, 2) AS kode_provinsi,
               left(h._kode_desa, 5) AS kode_kabupaten,
               coalesce(z.zona, '{TIDAK_MELAPOR}') AS zona_sekarang, {_sql_nama_zona('a._rank_akhir')} AS zona_kandidat
        FROM hasil h JOIN akhir a USING (_ki, _ord)
        LEFT JOIN zona z ON z.minggu = h.minggu AND z.kode_koperasi = h.kode_koperasi
        WHERE h.minggu = $sampai
        ORDER BY h.kode_koperasi""", p).df()
    kat = pd.CategoricalDtype(list(SEMUA_ZONA), ordered=True)
    matriks = pd.crosstab(df["zona_sekarang"].astype(kat), df["zona_kandidat"].astype(kat), dropna=False)
    matriks = matriks.reindex(index=list(SEMUA_ZONA), columns=list(SEMUA_ZONA), fill_value=0)
    matriks.index = pd.Index([str(i) for i in matriks.index], name="zona_sekarang")
    matriks.columns = pd.Index([str(c) for c in matriks.columns], name="zona_kandidat")
    berubah = df[df["zona_sekarang"] != df["zona_kandidat"]].reset_index(drop=True)

    rank = {z: i for i, z in enumerate(ZONA)}
    r_now = df["zona_sekarang"].map(rank)
    r_new = df["zona_kandidat"].map(rank)
    bantu = df.assign(n=1, berubah=(df["zona_sekarang"] != df["zona_kandidat"]).astype(int),
                      membaik=(r_new < r_now).astype(int), memburuk=(r_new > r_now).astype(int))
    for z in SEMUA_ZONA:
        bantu[f"{z}_sekarang"] = (df["zona_sekarang"] == z).astype(int)
        bantu[f"{z}_kandidat"] = (df["zona_kandidat"] == z).astype(int)
    per_provinsi = (bantu.drop(columns=["kode_koperasi", "nama_koperasi", "kode_kabupaten", "zona_sekarang", "zona_kandidat"])
                    .groupby("kode_provinsi", as_index=False).sum())
    return HasilBagaimanaJika(minggu, kandidat.versi, matriks, berubah, per_provinsi)


# ---------------------------------------------------------------------------------------
# Summaries and CLI helper
# ---------------------------------------------------------------------------------------

def _uraian_batas(nama: str, b: Batas) -> str:
    return f"{nama} {'≥' if b.termasuk else '>'} {fmt_angka(b.min)}"


def ringkas_aturan(aturan: Aturan) -> str:
    """The 'OK' summary of `python -m kdkmp rules check`."""
    m = aturan.model
    baris = [f"OK: {aturan.sumber} — versi {m.version} (hash {aturan.versi})", "Pilar:"]
    total_bobot = sum(p.bobot for p in m.pilar.values())
    for n, p in m.pilar.items():
        baris.append(f"  - {p.label} ({n}): bobot {fmt_angka(p.bobot)} ({fmt_angka(100 * p.bobot / total_bobot)} %), "
                     f"{len(p.indikator)} indikator")
        for i in p.indikator:
            syarat = "" if not i.berlaku_jika else " — berlaku jika " + " dan ".join(uraikan_syarat(b) for b in i.berlaku_jika)
            baris.append(f"      · {i.id}: {uraikan_syarat(i)} ({fmt_angka(i.poin)} poin){syarat}")
    baris.append(f"Gerbang ({len(m.gerbang)}):")
    for g in _urut_gerbang(m):
        baris.append(f"  - {g.id} → {g.zona} [{g.keparahan}]: {g.teks} — jika " + " dan ".join(uraikan_syarat(s) for s in g.syarat))
    for z in ("hijau", "kuning"):
        a = getattr(m.zona, z)
        baris.append(f"Zona {z}: {_uraian_batas('skor total', a.skor_total)} dan {_uraian_batas('pilar terendah', a.pilar_terendah)}")
    baris.append("Zona merah: selain itu, atau bila gerbang merah terpicu")
    for z in ("merah", "kuning"):
        n = _minggu_keluar(m, z)
        baris.append(f"Stabilitas {z}: keluar setelah {n} minggu laporan berturut-turut memenuhi syarat zona yang lebih baik"
                     if n > 1 else f"Stabilitas {z}: mati (langsung keluar)")
    baris.append(f"Pergerakan: baru merah = merah dan tidak merah dalam {m.pergerakan.minggu_baru_merah} minggu "
                 f"berzona sebelumnya; merah kronis = merah ≥ {m.pergerakan.minggu_kronis} minggu")
    return "\n".join(baris)


def main_rules_check(path: str | None) -> int:
    try:
        aturan = muat_aturan(path)
    except AturanTidakValid as e:
        print(str(e), file=sys.stderr)
        return 1
    print(ringkas_aturan(aturan))
    return 0
