"""Where the views link to: page paths and the URL parameters of an area or a list.

No Streamlit here: a link is data (a page path and its query parameters), tested without a page.
An area's URL names every ancestor (?prov=52&kab=52.01), so a link reopens the same view and
the cascading selectors fill themselves.
"""

from __future__ import annotations

from datetime import date

from kdkmp import wilayah as ref

HALAMAN_RINGKASAN = "halaman/ringkasan.py"
HALAMAN_WILAYAH = "halaman/wilayah.py"
HALAMAN_RAPAT = "halaman/rapat.py"
HALAMAN_KOPERASI = "halaman/koperasi.py"
HALAMAN_INTERVENSI = "halaman/intervensi.py"
HALAMAN_TINDAK_LANJUT = "halaman/tindaklanjut.py"

PARAM_TINGKAT = {"provinsi": "prov", "kabupaten": "kab", "kecamatan": "kec", "desa": "desa"}


def param_wilayah(kode: str | None) -> dict:
    """URL parameters of an area: every ancestor, e.g. {'prov': '52', 'kab': '52.01'}."""
    if kode is None:
        return {}
    return {PARAM_TINGKAT[ref.tingkat(k)]: k for k in ref.leluhur(kode)}


def tautan_wilayah(kode: str) -> str:
    """The relative link of an area's view, for a table's link column: 'wilayah?prov=52&kab=52.01'."""
    return "wilayah?" + "&".join(f"{a}={b}" for a, b in param_wilayah(kode).items())


def param_daftar(minggu: date, kode: str | None, **saringan) -> dict:
    """URL parameters of the intervention list of an area and week (a desa: its kecamatan's list,
    the finest area the list filters on)."""
    if kode is not None and ref.tingkat(kode) == "desa":
        kode = ref.induk(kode)
    return {**param_wilayah(kode), "minggu": minggu.isoformat(), **saringan}
