"""The views' pure helpers (kdkmp.ui.tabel, kdkmp.ui.tautan): plain frames and dicts, no Streamlit; and
the names of the former single module kdkmp/ui.py, still reachable as ui.<name>."""

import subprocess
import sys
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from kdkmp import wilayah as ref
from kdkmp.ui import tabel, tautan


def test_the_pure_helpers_import_without_streamlit():
    kode = "import sys, kdkmp.ui.tabel, kdkmp.ui.tautan; print('streamlit' in sys.modules)"
    keluar = subprocess.run([sys.executable, "-c", kode], capture_output=True, text=True, check=True).stdout
    assert keluar.strip() == "False"


def test_an_areas_url_names_every_ancestor_and_a_desas_list_is_its_kecamatans():
    kab = ref.anak("52")["kode"].iloc[0]
    kec = ref.anak(kab)["kode"].iloc[0]
    desa = ref.anak(kec)["kode"].iloc[0]
    assert tautan.param_wilayah(None) == {}
    assert tautan.param_wilayah(kec) == {"prov": "52", "kab": kab, "kec": kec}
    assert tautan.tautan_wilayah(kab) == f"wilayah?prov=52&kab={kab}"
    assert tautan.param_daftar(date(2026, 11, 16), desa, zona="merah") == {
        "prov": "52", "kab": kab, "kec": kec, "minggu": "2026-11-16", "zona": "merah"}


def test_children_are_ranked_worst_first_with_links_and_the_input_is_left_alone():
    kab = ref.anak("52")["kode"].head(3).tolist()
    anak = pd.DataFrame({"kode": kab, "nama": ["A", "B", "C"], "persen_merah": [10.0, None, 30.0], "merah": [1, 0, 3]})
    salinan = anak.copy()
    hasil = tabel.peringkat_anak(anak)
    assert hasil["nama"].tolist() == ["C", "A", "B"]  # no share yet: last
    assert hasil["tautan"].tolist() == [tautan.tautan_wilayah(k) for k in (kab[2], kab[0], kab[1])]
    pd.testing.assert_frame_equal(anak, salinan)


@dataclass
class _Anak:
    nama: str
    dinilai: int
    merah: int
    persen_merah: float
    merah_lalu: int | None


def test_the_meeting_table_keeps_scored_children_worst_first_with_the_change():
    anak = [_Anak("Kota", 10, 2, 20.0, 3), _Anak("Kosong", 0, 0, 0.0, None), _Anak("Kab", 8, 4, 50.04, None)]
    t = tabel.tabel_anak_rapat(anak)
    assert t["Wilayah"].tolist() == ["Kab", "Kota"]
    assert t["% merah"].tolist() == [50.0, 20.0]
    assert t["Perubahan"].isna().tolist() == [True, False] and t["Perubahan"].iloc[1] == -1
    assert tabel.tabel_anak_rapat([]).empty


@pytest.mark.parametrize("nilai, tanggal", [(pd.NaT, None), (None, None), (pd.Timestamp("2026-11-16 00:00"), date(2026, 11, 16)),
                                            (date(2026, 1, 5), date(2026, 1, 5))])
def test_sebagai_tanggal(nilai, tanggal):
    assert tabel.sebagai_tanggal(nilai) == tanggal


def test_a_report_reads_as_labelled_rows():
    baris = tabel.tabel_indikator({"progres_fisik": 12.5, "status_lahan": "siap", "npwp": False,
                                   "omzet_bulanan": 1500000, "laporan_terakhir": pd.NaT})
    nilai = dict(zip(baris["Indikator"], baris["Nilai"]))
    assert nilai["Progres fisik (%)"] == "12,5 %" and nilai["Status lahan"] == "Siap" and nilai["NPWP"] == "tidak"
    assert nilai["Omzet bulan ini (Rp)"] == "Rp 1.500.000" and nilai["Tanggal laporan BA terakhir"] == "tidak dilaporkan"


def test_ui_names_of_the_single_module_still_resolve():
    from kdkmp import ui

    for nama in ui._MODUL:
        # a function of the old module must not be shadowed by a submodule of the same name
        assert callable(getattr(ui, nama)) or nama.isupper(), nama
    assert ui.masuk is ui.sesi.masuk and ui.tanya is ui.dasar.tanya
    with pytest.raises(AttributeError):
        ui.tidak_ada


def test_the_ranking_table_is_worst_first_with_a_link_per_area_and_indonesian_numbers():
    kab = ref.anak("52")["kode"].head(2).tolist()
    anak = pd.DataFrame({"kode": kab, "nama": ["Kab <A>", "Kab B"], "jumlah": [1200, 10], "hijau": [1000, 5],
                         "kuning": [100, 2], "merah": [50, 3], "tidak_melapor": [50, 0],
                         "persen_merah": [4.3, 30.0], "tingkat_lapor": [95.8, None]})
    html = tabel.peringkat_html(anak, "Kabupaten/kota")
    baris = html.split("<tr>")[2:]  # after the header row
    assert "Kab B" in baris[0] and "Kab &lt;A&gt;" in baris[1]  # 30 % merah first; names escaped
    assert f'href="{tautan.tautan_wilayah(kab[0]).replace("&", "&amp;")}"' in baris[1]  # & escaped in HTML
    assert ">1.200<" in baris[1] and ">4,3 %<" in baris[1] and ">95,8 %<" in baris[1]
    assert ">–<" in baris[0]  # no reporting rate known
