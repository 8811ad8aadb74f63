"""The Kemendagri administrative hierarchy (idn-area-data 4.0.1, ODbL) from data/wilayah/.

Codes are kept in the dotted form everywhere inside the project:
provinsi ``52``, kabupaten/kota ``52.01``, kecamatan ``52.01.01``, desa/kelurahan ``52.01.01.2001``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DIR_WILAYAH = Path(__file__).resolve().parent.parent / "data" / "wilayah"

TINGKAT = ("provinsi", "kabupaten", "kecamatan", "desa")
LABEL_TINGKAT = {
    "nasional": "Nasional",
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
}
# Digits per level when the code is written without dots: 52 / 5201 / 520101 / 5201012001.
_PANJANG_DIGIT = {2: "provinsi", 4: "kabupaten", 6: "kecamatan", 10: "desa"}
_POLA_BERTITIK = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class KodeTidakDikenal(ValueError):
    """A wilayah code that is malformed or not in the reference."""


def normalisasi_kode(kode: object) -> str | None:
    """'5201012001', ' 52.01.01.2001 ' -> '52.01.01.2001'; None when it is not a wilayah code."""
    if kode is None:
        return None
    teks = str(kode).strip()
    if teks.endswith(".0") and teks[:-2].isdigit():  # a code read as a float by a spreadsheet
        teks = teks[:-2]
    if _POLA_BERTITIK.match(teks):
        return teks
    if teks.isdigit() and len(teks) in _PANJANG_DIGIT:
        bagian = [teks[0:2], teks[2:4], teks[4:6], teks[6:10]]
        return ".".join(b for b in bagian if b)
    return None


def normalisasi_kode_series(kode: pd.Series) -> pd.Series:
    """Vectorised normalisasi_kode for a column of desa/kelurahan codes; NaN where the value
    is not a desa code in either spelling."""
    teks = kode.astype("str").str.strip().str.replace(r"\.0$", "", regex=True)
    bertitik = teks.where(teks.str.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"))
    digit = teks.where(teks.str.fullmatch(r"\d{10}"))
    dari_digit = digit.str[0:2] + "." + digit.str[2:4] + "." + digit.str[4:6] + "." + digit.str[6:10]
    return bertitik.fillna(dari_digit)


def tingkat(kode: str) -> str:
    """Level of a dotted code: provinsi / kabupaten / kecamatan / desa."""
    n = str(kode).count(".")
    return TINGKAT[n]


def induk(kode: str) -> str | None:
    """Parent code ('52.01.01.2001' -> '52.01.01'); None for a provinsi."""
    return kode.rsplit(".", 1)[0] if "." in kode else None


def leluhur(kode: str) -> list[str]:
    """The chain from provinsi down to the code itself ('52.01' -> ['52', '52.01'])."""
    bagian = kode.split(".")
    return [".".join(bagian[: i + 1]) for i in range(len(bagian))]


def jenis_desa(kode_desa: str) -> str:
    """'kelurahan' for 1xxx, 'desa' for 2xxx (the Kemendagri convention)."""
    return "kelurahan" if kode_desa.rsplit(".", 1)[-1].startswith("1") else "desa"


@dataclass(frozen=True)
class Wilayah:
    kode: str
    nama: str
    tingkat: str

    @property
    def label(self) -> str:
        return f"{self.nama} ({self.kode})"

    @property
    def judul(self) -> str:
        """How a heading names it: 'Provinsi Nusa Tenggara Barat', 'Kecamatan Gerung', 'Kelurahan
        Gerung Utara' (1xxx) or 'Desa Kebon Ayu' (2xxx); a kabupaten/kota's own name already says
        which it is ('Kabupaten Lombok Barat', 'Kota Bima')."""
        if self.tingkat == "kabupaten":
            return self.nama
        if self.tingkat == "desa":
            return f"{jenis_desa(self.kode).capitalize()} {self.nama}"
        return f"{LABEL_TINGKAT[self.tingkat]} {self.nama}"


_KOLOM_INDUK = {"provinsi": None, "kabupaten": "kode_provinsi", "kecamatan": "kode_kabupaten", "desa": "kode_kecamatan"}


@lru_cache(maxsize=None)
def _satu_tingkat(nama_tingkat: str) -> pd.DataFrame:
    """One level's file: kode, tingkat, kode_induk, nama (and lat, lon where the file has them).
    Read level by level: a `--wilayah` load names a kabupaten, and parsing the 83 k desa with the
    rest only to find its name cost ≈ 0.25 s of CPU per load process (measured)."""
    induk_kolom = _KOLOM_INDUK[nama_tingkat]
    t = pd.read_csv(DIR_WILAYAH / f"{nama_tingkat}.csv.gz", dtype={"kode": "str", induk_kolom or "kode": "str"})
    t = t.rename(columns={induk_kolom: "kode_induk"}) if induk_kolom else t.assign(kode_induk=None)
    return t.assign(tingkat=nama_tingkat)


@lru_cache(maxsize=1)
def tabel() -> pd.DataFrame:
    """Every area of every level: kode, tingkat, kode_induk, nama, lat, lon, jenis (desa/kelurahan)."""
    desa = _satu_tingkat("desa")
    desa = desa.assign(jenis=desa["kode"].str[-4].map({"1": "kelurahan", "2": "desa"}))
    semua = pd.concat([*(_satu_tingkat(t) for t in TINGKAT[:-1]), desa], ignore_index=True)
    return semua[["kode", "tingkat", "kode_induk", "nama", "lat", "lon", "jenis"]]


@lru_cache(maxsize=None)
def _indeks(nama_tingkat: str) -> dict[str, str]:
    t = _satu_tingkat(nama_tingkat)
    # Python lists first: iterating Arrow-backed columns element by element cost ≈ 0.2 s of CPU
    # for the 91 k codes (measured)
    return dict(zip(t["kode"].tolist(), t["nama"].tolist()))


def kode_desa_semua() -> pd.Series:
    """Every desa/kelurahan code, read without the rest of the reference."""
    return _satu_tingkat("desa")["kode"]


def desa() -> pd.DataFrame:
    """All desa/kelurahan with their ancestors' codes: kode_desa, nama_desa, jenis, kode_kecamatan,
    kode_kabupaten, kode_provinsi."""
    t = tabel()
    d = t[t["tingkat"] == "desa"]
    return pd.DataFrame({
        "kode_desa": d["kode"].to_numpy(),
        "nama_desa": d["nama"].to_numpy(),
        "jenis": d["jenis"].to_numpy(),
        "kode_kecamatan": d["kode"].str[:8].to_numpy(),
        "kode_kabupaten": d["kode"].str[:5].to_numpy(),
        "kode_provinsi": d["kode"].str[:2].to_numpy(),
    })


def cari(kode: object) -> Wilayah:
    """The area for a code in any spelling; KodeTidakDikenal (Indonesian message) when unknown."""
    normal = normalisasi_kode(kode)
    if normal is None:
        raise KodeTidakDikenal(f"Kode wilayah '{kode}' tidak berbentuk kode Kemendagri "
                               "(contoh: 52, 52.01, 52.01.01, 52.01.01.2001).")
    tingkat_kode = tingkat(normal)
    nama_wilayah = _indeks(tingkat_kode).get(normal)
    if nama_wilayah is None:
        raise KodeTidakDikenal(f"Kode wilayah '{normal}' tidak ada dalam daftar wilayah Kemendagri.")
    return Wilayah(normal, nama_wilayah, tingkat_kode)


def nama(kode: str) -> str:
    return cari(kode).nama


def anak(kode: str | None) -> pd.DataFrame:
    """Direct children of an area (provinces when kode is None): kode, nama, tingkat."""
    t = tabel()
    if kode is None:
        return t[t["tingkat"] == "provinsi"][["kode", "nama", "tingkat"]].reset_index(drop=True)
    return t[t["kode_induk"] == kode][["kode", "nama", "tingkat"]].reset_index(drop=True)


DIR_BATAS = DIR_WILAYAH.parent / "batas"


def batas_geojson(direktori: Path | None = None) -> dict | None:
    """Official boundaries, when a provincial office has placed GeoJSON files in data/batas/:
    one FeatureCollection of every feature whose properties carry a known `kode` (any spelling),
    normalised to the dotted form; None when there are none."""
    import json

    fitur = []
    for berkas in sorted((direktori or DIR_BATAS).glob("*.geojson")):
        try:
            isi = json.loads(berkas.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # an unreadable file must not take the dashboard down
        for f in isi.get("features", []):
            kode = normalisasi_kode((f.get("properties") or {}).get("kode"))
            if kode and kode in _indeks(tingkat(kode)) and f.get("geometry"):
                fitur.append({**f, "properties": {**f["properties"], "kode": kode}})
    return {"type": "FeatureCollection", "features": fitur} if fitur else None
