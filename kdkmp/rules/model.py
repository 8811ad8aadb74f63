"""The rules file (config/zones.yaml): its model, and loading it with every problem reported.

Structure is checked by pydantic (the classes below, strict types, unknown keys refused);
meaning by _periksa_makna (known pillars and zones, unique ids, thresholds that leave room for
kuning, windows within RIWAYAT_MAKS), and each condition by its check type in the registry
(kdkmp.rules.cek, through _Pemeriksa). Every problem found is reported at once, each with its
path in the YAML, its line and a fix (AturanTidakValid). A valid file becomes an Aturan: the
model and a version hash that ignores comments and layout.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kdkmp import kontrak
from kdkmp.kosakata import PILAR, SEMUA_ZONA, TIDAK_MELAPOR, ZONA  # noqa: F401 (the rules modules import them from here)
from kdkmp.rules.cek import CEK

# read by muat_aturan() without a path, when called (a test points this module's name elsewhere)
JALUR_BAWAAN = Path(__file__).resolve().parents[2] / "config" / "zones.yaml"

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
# Loading and validation
# ---------------------------------------------------------------------------------------

class _Pemeriksa:
    """Collects every problem with its line. A check type's `periksa` reports through salah()
    and has a nested condition checked through syarat()."""

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


# libyaml's parser, where PyYAML was built with it: zones.yaml parses in ≈ 6 ms instead of
# ≈ 64 ms (composed for the line map, then loaded), paid by every load process and every server
# start (measured); the same values and line marks.
_PEMUAT = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _peta_baris(teks: str) -> tuple[dict[tuple, int], list[Kesalahan]]:
    """Map each YAML path to its 1-based line, and report duplicate keys (safe_load hides them)."""
    peta: dict[tuple, int] = {}
    ganda: list[Kesalahan] = []
    akar = yaml.compose(teks, Loader=_PEMUAT)

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


@functools.lru_cache(maxsize=8)
def muat_aturan_teks(teks: str, sumber: str = "<teks>") -> Aturan:
    """Validate YAML text into Aturan, or raise AturanTidakValid listing every problem.

    Cached on the text: every page run reads the rules (is a rescoring due? the movement
    definitions) and parsing and validating them cost ≈ 45 ms, a sixth of a national overview's
    server time. A changed file is new text, so it is parsed again; a refusal is not cached."""
    try:
        peta, ganda = _peta_baris(teks)
        data = yaml.load(teks, Loader=_PEMUAT)
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
