"""The check registry: every `cek:` type of the YAML validates its keys, compiles to SQL and
explains itself, once for the rule ("progres fisik ≥ 30 %") and once for what a row shows
("progres fisik 12 % < 30 %").

Values from the YAML never reach SQL as raw text: column names are checked against the
contract (kdkmp.kontrak), enum values against the contract's enums, numbers go through
float()/int(), and free text (labels) travels as query parameters (_Konteks.p). Python and SQL
spell numbers and values the same way (fmt_angka / _sql_fmt_angka, _label_nilai /
_sql_label_nilai), so a sentence reads alike wherever it was made.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from kdkmp import format as fmt
from kdkmp import kontrak

if TYPE_CHECKING:  # the model imports this registry to validate each condition
    from kdkmp.rules.model import Indikator, Pilar, Syarat, _Pemeriksa


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
    teks = fmt.angka(v) if float(v) == round(v) else fmt.angka(v, 1, ribuan=False)  # as _sql_fmt_angka
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


# ---------------------------------------------------------------------------------------
# Check registry: each type validates, evaluates (SQL) and explains (sentence with numbers)
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class JenisCek:
    """One check type of the YAML (`cek: <nama>`). A new type is one entry in CEK below, and a
    line in the comments of config/zones.yaml (tests/test_docs.py checks that it is there)."""
    nama: str
    keterangan: str  # what it checks, one line
    lihat_belakang: bool  # reads earlier weeks (may not nest inside berturut_turut)
    periksa: Callable[[Syarat, str, _Pemeriksa], None]  # meaning of its keys; problems go to P.salah
    sql: Callable[[Syarat, _Konteks], str]  # boolean SQL, NULL when the value is unknown
    teks_sql: Callable[[Syarat, _Konteks], str]  # the observed situation, e.g. "progres fisik 12 % < 30 %"
    uraikan: Callable[[Syarat], str]  # the rule itself, e.g. "progres fisik ≥ 30 %"
    butuh_kolom: bool = True  # False: reads the report's date, not a column


def _label(s: Syarat) -> str:
    return s.label or _label_kolom(s.kolom)


def _periksa_nilai_tunggal(s: Syarat, jalur: str, P: _Pemeriksa, nilai: Any, jalur_nilai: str) -> None:
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


def _tanpa_tambahan(s: Syarat, jalur: str, P: _Pemeriksa, boleh: set[str]) -> None:
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
    JenisCek(nama="equals", keterangan="nilai kolom sama dengan 'nilai'", lihat_belakang=False,
             periksa=_periksa_equals,
             sql=lambda s, ctx: f"({_q(s.kolom)} = {_sql_nilai(s, s.nilai, ctx)})",
             teks_sql=_teks_equals, uraikan=_uraian_equals),
    JenisCek(nama="in", keterangan="nilai kolom salah satu dari daftar 'nilai'", lihat_belakang=False,
             periksa=_periksa_in, sql=lambda s, ctx: _sql_in(s, ctx), teks_sql=_teks_in, uraikan=_uraian_in),
    JenisCek(nama="not_in", keterangan="nilai kolom bukan salah satu dari daftar 'nilai'", lihat_belakang=False,
             periksa=_periksa_in, sql=lambda s, ctx: _sql_in(s, ctx, negasi=True),
             teks_sql=_teks_not_in, uraikan=_uraian_not_in),
    JenisCek(nama="min", keterangan="angka ≥ 'nilai' (termasuk: true) atau > 'nilai' (termasuk: false)",
             lihat_belakang=False, periksa=_periksa_min_max,
             sql=lambda s, ctx: f"({_q(s.kolom)} {_op(s, True)} {_lit_angka(s.nilai)})",
             teks_sql=lambda s, ctx: _teks_banding(s, ctx, True), uraikan=_uraian_min),
    JenisCek(nama="max", keterangan="angka ≤ 'nilai' (termasuk: true) atau < 'nilai' (termasuk: false)",
             lihat_belakang=False, periksa=_periksa_min_max,
             sql=lambda s, ctx: f"({_q(s.kolom)} {_op(s, False)} {_lit_angka(s.nilai)})",
             teks_sql=lambda s, ctx: _teks_banding(s, ctx, False), uraikan=_uraian_max),
    JenisCek(nama="between", keterangan="angka di antara 'nilai: [bawah, atas]'", lihat_belakang=False,
             periksa=_periksa_between, sql=_sql_between, teks_sql=_teks_between, uraikan=_uraian_between),
    JenisCek(nama="not_null", keterangan="kolom diisi (tidak kosong)", lihat_belakang=False,
             periksa=_periksa_not_null,
             sql=lambda s, ctx: f"({_q(s.kolom)} IS NOT NULL)",
             teks_sql=lambda s, ctx: f"{ctx.p(_label(s) + ' tidak dilaporkan')}",
             uraikan=lambda s: f"{_label(s)} dilaporkan"),
    JenisCek(nama="berturut_turut", keterangan="'syarat' terpenuhi ≥ 'minggu' minggu berturut-turut sampai minggu ini",
             lihat_belakang=True, periksa=_periksa_berturut,
             sql=_sql_berturut, teks_sql=_teks_berturut, uraikan=_uraian_berturut),
    JenisCek(nama="tidak_naik", keterangan="angka tidak lebih tinggi dari nilainya 'minggu' minggu sebelumnya",
             lihat_belakang=True, periksa=_periksa_tidak_naik,
             sql=_sql_tidak_naik, teks_sql=_teks_tidak_naik, uraikan=_uraian_tidak_naik),
    JenisCek(nama="tanpa_laporan_hari",
             keterangan="laporan terakhir (laporan_terakhir, atau baris minggu itu) ≥ 'hari' hari lalu",
             lihat_belakang=True, butuh_kolom=False, periksa=_periksa_hari,
             sql=_sql_tanpa_laporan, teks_sql=_teks_hari,
             uraikan=lambda s: f"tidak ada laporan ≥ {int(s.hari)} hari"),
    JenisCek(nama="laporan_dalam_hari", keterangan="laporan terakhir < 'hari' hari lalu (kebalikan tanpa_laporan_hari)",
             lihat_belakang=True, butuh_kolom=False, periksa=_periksa_hari,
             sql=_sql_laporan_dalam, teks_sql=_teks_hari,
             uraikan=lambda s: f"laporan terakhir < {int(s.hari)} hari lalu"),
)}


def kompilasi_syarat(s: Syarat, ctx: _Konteks) -> str:
    """Boolean SQL for one condition; NULL when the value is unknown."""
    return CEK[s.cek].sql(s, ctx)


def uraikan_syarat(s: Syarat) -> str:
    return CEK[s.cek].uraikan(s)


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


# ---------------------------------------------------------------------------------------
# What is wrong when a check fails, said of many koperasi at once (the meeting's reasons)
# ---------------------------------------------------------------------------------------

def uraikan_masalah(syarat: list[Syarat]) -> str:
    """What is wrong when one of `syarat` fails, in words that hold for many koperasi at once
    (each one's own value may differ): the negation of the condition, not the condition itself.
    `syarat` are the checks of one value (a family, keluarga_cek) or one check; a family fails
    when any of its checks fails. Conditions on a value are first intersected into what the
    family allows, then negated: ya/tidak → "belum NIB"; a choice → the values that fail
    ("kendala utama: lahan") or, when those are more, "bukan" and the values that pass ("status
    lahan bukan siap"); a number → the side that fails ("progres fisik kurang dari 30 %").
    A check of another kind says its own negation; checks that cannot be intersected are joined
    with "atau". Spelling as in the reasons of a koperasi (_label, _label_nilai, fmt_angka)."""
    if not syarat:
        raise ValueError("uraikan_masalah butuh paling sedikit satu syarat")
    izin = [_izin(s) for s in syarat]
    jenis = {i[0] for i in izin if i is not None and i[0] != "apa_saja"}
    kolom = {s.kolom for s in syarat}
    if None not in izin and len(kolom) == 1 and len(jenis) <= 1:
        s = syarat[0]
        if not jenis:  # only "is reported"
            return f"{_label(s)} tidak dilaporkan"
        if jenis == {"himpunan"}:
            return _masalah_himpunan(s, [i for i in izin if i[0] == "himpunan"])
        return _masalah_rentang(s, [i for i in izin if i[0] == "rentang"])
    return " atau ".join(dict.fromkeys(_negasi(s) for s in syarat))


def _izin(s: Syarat) -> tuple | None:
    """What a condition on this week's value allows: ("himpunan", semesta, izin) for a ya/tidak or
    choice column, ("rentang", bawah, termasuk, atas, termasuk) for a number (None: no bound),
    ("apa_saja",) for not_null; None for a check that cannot be intersected (it looks back, or
    compares a number for equality)."""
    if CEK[s.cek].lihat_belakang or not s.kolom:
        return None
    k = kontrak.KOLOM_PER_NAMA[s.kolom]
    if s.cek == "not_null":
        return ("apa_saja",)
    if s.cek in ("equals", "in", "not_in") and k.jenis in ("bool", "enum"):
        semesta = (True, False) if k.jenis == "bool" else tuple(k.nilai)
        daftar = [s.nilai] if s.cek == "equals" else list(s.nilai)
        # `is`/== per kind: True == 1 must not make a choice value count as ya
        ada = [any(type(v) is type(d) and v == d for d in daftar) for v in semesta]
        return ("himpunan", semesta, tuple(v for v, a in zip(semesta, ada) if a != (s.cek == "not_in")))
    if s.cek in ("min", "max") and k.jenis in ("int", "float"):
        batas = (float(s.nilai), bool(s.termasuk))
        return ("rentang", *batas, None, None) if s.cek == "min" else ("rentang", None, None, *batas)
    if s.cek == "between" and k.jenis in ("int", "float"):
        return ("rentang", float(s.nilai[0]), bool(s.termasuk), float(s.nilai[1]), bool(s.termasuk))
    return None


def _masalah_himpunan(s: Syarat, izin: list[tuple]) -> str:
    semesta = izin[0][1]
    boleh = [v for v in semesta if all(v in i[2] for i in izin)]
    gagal = [v for v in semesta if v not in boleh]
    label = _label(s)
    if not gagal:  # every value passes: only an unreported one fails
        return f"{label} tidak dilaporkan"
    if kontrak.KOLOM_PER_NAMA[s.kolom].jenis == "bool" and len(gagal) == 1:
        return f"{_label_nilai(s.kolom, gagal[0])} {label}"  # "belum NIB"
    if len(gagal) <= len(boleh) or not boleh:
        return f"{label}: {' atau '.join(_label_nilai(s.kolom, v) for v in gagal)}"
    return f"{label} bukan {' atau '.join(_label_nilai(s.kolom, v) for v in boleh)}"


def _masalah_rentang(s: Syarat, izin: list[tuple]) -> str:
    bawah = atas = None  # (value, inclusive)
    for _, b, bt, a, at in izin:
        if b is not None and (bawah is None or b > bawah[0] or (b == bawah[0] and not bt)):
            bawah = (b, bt)
        if a is not None and (atas is None or a < atas[0] or (a == atas[0] and not at)):
            atas = (a, at)
    label = _label(s)

    def n(v: float) -> str:
        return fmt_angka(v, s.kolom)

    if bawah and atas:
        return f"{label} di luar {n(bawah[0])}–{n(atas[0])}"
    if bawah:  # ≥ b fails below b; > b fails at b and below
        return f"{label} kurang dari {n(bawah[0])}" if bawah[1] else f"{label} {n(bawah[0])} atau kurang"
    if atas:   # ≤ a fails above a; < a fails at a and above
        return f"{label} lebih dari {n(atas[0])}" if atas[1] else f"{label} {n(atas[0])} atau lebih"
    return f"{label} tidak dilaporkan"


def _negasi(s: Syarat) -> str:
    """One check's failure on its own (uraikan_masalah of a check that cannot be intersected)."""
    if _izin(s) is not None:
        return uraikan_masalah([s])
    if s.cek == "berturut_turut":
        return f"{uraikan_syarat(_dalam(s))} selama kurang dari {int(s.minggu)} minggu berturut-turut"
    if s.cek == "tidak_naik":
        return f"{_label(s)} naik dibanding {int(s.minggu)} minggu sebelumnya"
    if s.cek == "laporan_dalam_hari":
        return f"tidak ada laporan {int(s.hari)} hari atau lebih"
    if s.cek == "tanpa_laporan_hari":
        return f"ada laporan dalam {int(s.hari)} hari terakhir"
    if s.cek == "equals":  # a number compared for equality
        return f"{_label(s)} bukan {_label_nilai(s.kolom, s.nilai)}"
    return f"tidak memenuhi: {uraikan_syarat(s)}"
