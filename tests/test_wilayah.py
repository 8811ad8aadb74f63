"""The Kemendagri reference: counts, code spellings, parents, desa vs kelurahan."""

import pandas as pd
import pytest

from kdkmp import wilayah


def test_reference_has_the_published_counts_of_every_level():
    hitung = wilayah.tabel()["tingkat"].value_counts().to_dict()
    assert hitung == {"provinsi": 38, "kabupaten": 514, "kecamatan": 7285, "desa": 83762}


@pytest.mark.parametrize("kode, tingkat, jumlah_desa", [
    ("52", "provinsi", 1166),          # NTB (Diskop NTB: 1,166 KDKMP)
    ("61", "provinsi", 2145),          # Kalimantan Barat
    ("35.09", "kabupaten", 248),       # Jember: 226 desa + 22 kelurahan
])
def test_areas_named_in_the_domain_brief_have_their_desa(kode, tingkat, jumlah_desa):
    assert wilayah.cari(kode).tingkat == tingkat
    assert (wilayah.desa()["kode_desa"].str.startswith(kode + ".")).sum() == jumlah_desa


def test_jember_splits_into_226_desa_and_22_kelurahan():
    d = wilayah.desa()
    assert d[d["kode_kabupaten"] == "35.09"]["jenis"].value_counts().to_dict() == {"desa": 226, "kelurahan": 22}


@pytest.mark.parametrize("masukan, hasil", [
    ("5201012001", "52.01.01.2001"),
    ("52.01.01.2001", "52.01.01.2001"),
    (" 52.01.01.2001 ", "52.01.01.2001"),
    (5201012001, "52.01.01.2001"),
    ("5201012001.0", "52.01.01.2001"),  # a code a spreadsheet turned into a float
    ("520101", "52.01.01"),
    ("5201", "52.01"),
    ("52", "52"),
    ("52.1", None),
    ("abc", None),
    ("", None),
    (None, None),
])
def test_code_spellings_normalise_to_the_dotted_form(masukan, hasil):
    assert wilayah.normalisasi_kode(masukan) == hasil


def test_vectorised_desa_normalisation_accepts_only_desa_codes():
    contoh = ["5201012001", "52.01.01.2001", " 52.01.01.2001 ", "abc", "5201012001.0", "5201", "52.01.01"]
    seri = wilayah.normalisasi_kode_series(pd.Series(contoh))
    assert [s if isinstance(s, str) else None for s in seri] == ["52.01.01.2001"] * 3 + [None] + ["52.01.01.2001"] + [None] * 2


@pytest.mark.parametrize("kode, induk, leluhur", [
    ("52.01.01.2001", "52.01.01", ["52", "52.01", "52.01.01", "52.01.01.2001"]),
    ("52.01", "52", ["52", "52.01"]),
    ("52", None, ["52"]),
])
def test_parents_and_ancestors(kode, induk, leluhur):
    assert wilayah.induk(kode) == induk
    assert wilayah.leluhur(kode) == leluhur


@pytest.mark.parametrize("kode_desa, jenis", [("35.09.01.2001", "desa"), ("35.09.01.1001", "kelurahan")])
def test_last_four_digits_tell_desa_from_kelurahan(kode_desa, jenis):
    assert wilayah.jenis_desa(kode_desa) == jenis


@pytest.mark.parametrize("kode, pesan", [
    ("99", "tidak ada dalam daftar wilayah"),
    ("xx", "tidak berbentuk kode Kemendagri"),
])
def test_unknown_codes_are_refused_in_indonesian(kode, pesan):
    with pytest.raises(wilayah.KodeTidakDikenal, match=pesan):
        wilayah.cari(kode)


def test_children_of_a_kabupaten_are_its_kecamatan():
    anak = wilayah.anak("35.09")
    assert len(anak) > 20 and set(anak["tingkat"]) == {"kecamatan"}
    assert anak["kode"].str.startswith("35.09.").all()
    assert len(wilayah.anak(None)) == 38


def test_a_kabupaten_position_is_inside_the_contract_bounds_or_unknown_never_invented():
    kab = wilayah.tabel().query("tingkat == 'kabupaten'").set_index("kode")
    dikenal = kab.dropna(subset=["lat", "lon"])
    assert dikenal["lat"].between(-11.5, 6.5).all() and dikenal["lon"].between(94.5, 141.5).all()
    # Kota Bima lies inside Kabupaten Bima (east Sumbawa, ≈ 118.7° E), not beside Mataram on Lombok
    assert tuple(kab.loc["52.72", ["lat", "lon"]]) == tuple(kab.loc["52.06", ["lat", "lon"]])
    assert kab.loc["52.72", "lon"] > 118.5
    # Kota Mataram has no islands and no kabupaten of its name in the reference: unknown, not guessed
    assert kab.loc["52.71", ["lat", "lon"]].isna().all()
