"""Regenerate data/wilayah/ from the npm package idn-area-data@4.0.1.

    python scripts/build_wilayah.py            # runs `npm pack idn-area-data@4.0.1`
    python scripts/build_wilayah.py --tgz F    # uses an already downloaded tarball

The package has no village coordinates. Its islands table carries a coordinate per
coastal kabupaten/kota; an approximate kabupaten position is the median of its islands
(`sumber_koordinat` "pulau"). A kota without islands takes the position of the kabupaten of
the same name in its province, which surrounds it (Kota Bima → Kabupaten Bima: "kabupaten_senama").
Any other position is unknown and left empty ("tidak_diketahui"): a point invented near the
province's centre put Kota Bima beside Mataram, 200 km from Bima, on a projector in front of
people who know where Bima is. The positions are for orientation on a map, not for surveying.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path
from statistics import median

PACKAGE = "idn-area-data@4.0.1"
OUT = Path(__file__).resolve().parent.parent / "data" / "wilayah"

# Approximate geographic centre of each province (lat, lon), from general maps.
PUSAT_PROVINSI = {
    "11": (4.37, 96.93), "12": (2.19, 99.21), "13": (-0.74, 100.80), "14": (0.51, 101.71),
    "15": (-1.61, 102.78), "16": (-3.32, 104.00), "17": (-3.79, 102.26), "18": (-4.86, 105.03),
    "19": (-2.40, 106.44), "21": (0.92, 104.45), "31": (-6.21, 106.85), "32": (-6.92, 107.60),
    "33": (-7.15, 110.14), "34": (-7.88, 110.43), "35": (-7.54, 112.24), "36": (-6.41, 106.06),
    "51": (-8.41, 115.19), "52": (-8.65, 117.36), "53": (-9.48, 121.00), "61": (-0.13, 111.10),
    "62": (-1.68, 113.38), "63": (-3.09, 115.28), "64": (0.54, 116.42), "65": (3.07, 116.04),
    "71": (1.24, 124.84), "72": (-1.43, 121.45), "73": (-3.67, 119.97), "74": (-4.14, 122.17),
    "75": (0.70, 122.45), "76": (-2.84, 119.23), "81": (-3.24, 130.15), "82": (1.57, 127.81),
    "91": (-2.10, 138.60), "92": (-1.70, 133.40), "93": (-7.00, 139.50), "94": (-3.80, 136.50),
    "95": (-4.10, 139.00), "96": (-1.10, 131.90),
}

_DMS = re.compile(r"""(\d+)°(\d+)'([\d.]+)"\s*([NSEW])""")


def _derajat(teks: str) -> list[float]:
    """'03°19'03.44" N 097°07'41.73" E' -> [3.3176, 97.128]."""
    nilai = []
    for d, m, s, arah in _DMS.findall(teks):
        v = int(d) + int(m) / 60 + float(s) / 3600
        nilai.append(-v if arah in "SW" else v)
    return nilai



def _inti_nama(nama: str) -> str:
    """'Kota Bima' and 'Kabupaten Bima' -> 'bima'."""
    return re.sub(r"^(Kota|Kabupaten)\s+", "", nama).strip().lower()


def _baca(tar: tarfile.TarFile, nama: str) -> list[dict]:
    f = tar.extractfile(f"package/data/{nama}")
    return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")))


def _tulis(nama: str, header: list[str], baris: list[list]) -> None:
    with gzip.open(OUT / nama, "wt", encoding="utf-8", newline="") as f:
        # mtime=0 in the gzip header would need GzipFile; rows are sorted so the text is stable.
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(baris)


def bangun(tgz: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        provinsi = _baca(tar, "provinces.csv")
        kabupaten = _baca(tar, "regencies.csv")
        kecamatan = _baca(tar, "districts.csv")
        desa = _baca(tar, "villages.csv")
        pulau = _baca(tar, "islands.csv")
        lisensi = tar.extractfile("package/data/LICENSE.md").read()

    koordinat_pulau: dict[str, list[tuple[float, float]]] = {}
    for p in pulau:
        v = _derajat(p["coordinate"])
        if len(v) == 2 and p["regency_code"]:
            koordinat_pulau.setdefault(p["regency_code"], []).append((v[0], v[1]))

    posisi: dict[str, tuple[float, float]] = {}
    for k in kabupaten:
        titik = koordinat_pulau.get(k["code"])
        if not titik:
            continue
        lat, lon = median(t[0] for t in titik), median(t[1] for t in titik)
        plat, plon = PUSAT_PROVINSI[k["province_code"]]
        # Islands far offshore (outer islands) would drag the point into the sea.
        if abs(lat - plat) <= 4 and abs(lon - plon) <= 6:
            posisi[k["code"]] = (lat, lon)
    senama = {(k["province_code"], _inti_nama(k["name"])): k["code"] for k in kabupaten
              if k["code"] in posisi and not k["name"].startswith("Kota ")}
    baris_kab = []
    for k in sorted(kabupaten, key=lambda r: r["code"]):
        if k["code"] in posisi:
            (lat, lon), sumber = posisi[k["code"]], "pulau"
        elif k["name"].startswith("Kota ") and (k["province_code"], _inti_nama(k["name"])) in senama:
            (lat, lon), sumber = posisi[senama[(k["province_code"], _inti_nama(k["name"]))]], "kabupaten_senama"
        else:
            baris_kab.append([k["code"], k["province_code"], k["name"], "", "", "tidak_diketahui"])
            continue
        baris_kab.append([k["code"], k["province_code"], k["name"], round(lat, 4), round(lon, 4), sumber])

    _tulis("provinsi.csv.gz", ["kode", "nama", "lat", "lon"],
           [[p["code"], p["name"], *PUSAT_PROVINSI[p["code"]]] for p in sorted(provinsi, key=lambda r: r["code"])])
    _tulis("kabupaten.csv.gz", ["kode", "kode_provinsi", "nama", "lat", "lon", "sumber_koordinat"], baris_kab)
    _tulis("kecamatan.csv.gz", ["kode", "kode_kabupaten", "nama"],
           [[d["code"], d["regency_code"], d["name"]] for d in sorted(kecamatan, key=lambda r: r["code"])])
    _tulis("desa.csv.gz", ["kode", "kode_kecamatan", "nama"],
           [[v["code"], v["district_code"], v["name"]] for v in sorted(desa, key=lambda r: r["code"])])
    (OUT / "LICENSE-ODbL.md").write_bytes(lisensi)
    print(f"{len(provinsi)} provinsi, {len(kabupaten)} kabupaten/kota, {len(kecamatan)} kecamatan, "
          f"{len(desa)} desa/kelurahan -> {OUT}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tgz", type=Path, help="tarball from `npm pack idn-area-data@4.0.1`")
    args = ap.parse_args()
    if args.tgz:
        bangun(args.tgz)
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        bangun(next(Path(tmp).glob("idn-area-data-*.tgz")))


if __name__ == "__main__":
    main()
