"""Maps: bubbles without a basemap, and a choropleth when official boundaries are in data/batas/."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kdkmp import charts, wilayah

BATAS = Path(__file__).parent / "data" / "batas"


def titik() -> pd.DataFrame:
    return pd.DataFrame({"kode": ["52.01", "52.02", "52.03"], "nama": ["Lombok Barat", "Lombok Tengah", "Lombok Timur"],
                         "lat": [-8.7, -8.7, -8.6], "lon": [116.0, 116.3, 116.6], "jumlah": [122, 139, 254],
                         "persen_merah": [40.0, 5.0, None]})


def test_boundaries_are_read_with_codes_in_any_spelling_and_unknown_codes_dropped():
    batas = wilayah.batas_geojson(BATAS)
    assert [f["properties"]["kode"] for f in batas["features"]] == ["52.01", "52.02"]


def test_no_boundary_files_means_no_boundaries(tmp_path):
    assert wilayah.batas_geojson(tmp_path) is None


def test_bubbles_without_boundaries_are_coloured_by_share_of_merah():
    deck = json.loads(charts.peta_zona(titik()).to_json())
    gelembung = deck["layers"][0]
    assert gelembung["@@type"] == "ScatterplotLayer"
    warna = [d["warna"] for d in gelembung["data"]]
    assert warna[0][1] < warna[1][1] < warna[2][1] + 1  # green falls from kuning to merah: 40 % is redder than 5 %
    assert deck.get("mapStyle") in (None, "")


def test_a_choropleth_replaces_the_bubbles_where_boundaries_exist():
    deck = json.loads(charts.peta_zona(titik(), batas=wilayah.batas_geojson(BATAS)).to_json())
    lapisan = deck["layers"][0]
    assert lapisan["@@type"] == "GeoJsonLayer"
    kode = [f["properties"]["kode"] for f in lapisan["data"]["features"]]
    assert kode == ["52.01", "52.02"]
    assert lapisan["data"]["features"][0]["properties"]["warna"] == charts._warna_merah(pd.Series([40.0]))[0]
    assert any(l["@@type"] == "TextLayer" for l in deck["layers"])


def test_the_map_fits_the_extent_of_its_points():
    ntb = json.loads(charts.peta_zona(titik()).to_json())["initialViewState"]
    nasional = titik().assign(lat=[5.5, -8.7, -8.0], lon=[95.3, 116.3, 140.7])
    indonesia = json.loads(charts.peta_zona(nasional).to_json())["initialViewState"]
    assert ntb["zoom"] > indonesia["zoom"] + 2
    assert abs(indonesia["longitude"] - (95.3 + 140.7) / 2) < 0.01
