"""Numbers in the dashboard's grids the Indonesian way whatever the browser's language (a projector
laptop set to English showed 6,364 and 66.7), an empty table as a sentence, and an intervention
list's file named after the list it holds."""

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from kdkmp import export
from kdkmp.ui import tabel
from kdkmp.ui.intervensi import nama_daftar


def test_whole_numbers_shares_and_fractions_each_get_their_indonesian_form():
    df = pd.DataFrame({"Provinsi": ["A", "B"], "Laporan koperasi": [6364, 5637], "% merah": [39.3, 50.0],
                       "Skor": [42.5, None], "Merah minggu lalu": [3.0, None], "Terlambat": [True, False]})
    bentuk = tabel.bentuk_angka(df)
    assert bentuk == {"Laporan koperasi": "%'.,d", "% merah": tabel.teks_persen, "Skor": tabel.teks_pecahan,
                      "Merah minggu lalu": "%'.,d"}  # a count with a gap is still whole; text and booleans are not numbers
    assert [bentuk["% merah"](v) for v in df["% merah"]] == ["39,3 %", "50,0 %"]
    assert [bentuk["Skor"](v) for v in (42.5, 1234.0, 0.125, None)] == ["42,5", "1.234", "0,12", "–"]


def test_the_header_says_a_share_even_when_the_column_is_named_otherwise():
    df = pd.DataFrame({"tingkat_lapor": [95.8, 100.0], "persen_ditolak": [0.0, 12.0]})
    assert tabel.bentuk_angka(df, {"tingkat_lapor": "% melapor", "persen_ditolak": "% ditolak"}) == {
        "tingkat_lapor": tabel.teks_persen, "persen_ditolak": tabel.teks_persen}
    assert tabel.bentuk_angka(df, kolom=["tingkat_lapor"]) == {"tingkat_lapor": tabel.teks_pecahan}


def test_a_long_grid_keeps_whole_numbers_indonesian_and_leaves_fractions_to_the_browser():
    baris = tabel.BATAS_SEL_TEKS // 2 + 1  # two columns: one cell over the limit
    df = pd.DataFrame({"Minggu di zona": [4] * baris, "Skor total": [42.5] * baris})
    assert tabel.bentuk_angka(df) == {"Minggu di zona": "%'.,d", "Skor total": "localized"}


def _formatter_grid(tmp_path: Path) -> Path | None:
    """Streamlit's own number formatter of the grid (formatNumber.*.js and what it imports), copied
    where node can import it as ES modules; None without node."""
    if shutil.which("node") is None:
        return None
    import streamlit

    js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    antre, disalin = [next(js.glob("formatNumber.*.js")).name], set()
    while antre:
        nama = antre.pop()
        if nama in disalin:
            continue
        disalin.add(nama)
        isi = (js / nama).read_text()
        (tmp_path / nama).write_text(isi)
        antre += re.findall(r'(?:from|import)\s*"\./([^"]+)"', isi)
    (tmp_path / "package.json").write_text('{"type": "module"}')
    return tmp_path / next(n for n in disalin if n.startswith("formatNumber."))


def test_the_grid_spells_whole_numbers_indonesian_in_an_english_browser(tmp_path):
    modul = _formatter_grid(tmp_path)
    if modul is None:
        pytest.skip("node is not installed")
    kasus = [[6364, tabel.POLA_BULAT], [1234567, tabel.POLA_BULAT], [12, tabel.POLA_BULAT], [-1234, tabel.POLA_BULAT],
             [6364, "localized"], [39.3, "%.1f %%"]]
    skrip = tmp_path / "cek.mjs"
    skrip.write_text(
        "globalThis.window = globalThis;\n"
        "Object.defineProperty(globalThis, 'navigator', {value: {languages: ['en-US']}, configurable: true});\n"
        f"const {{n: format}} = await import('./{modul.name}');\n"
        f"console.log(JSON.stringify({json.dumps(kasus)}.map(([v, f]) => format(v, f))));\n")
    keluar = subprocess.run(["node", str(skrip)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert keluar.returncode == 0, keluar.stderr
    # the last two are the defect: the browser's language, and a fixed printf pattern
    assert json.loads(keluar.stdout) == ["6.364", "1.234.567", "12", "-1.234", "6,364", "39.3 %"]


HALAMAN = """
import pandas as pd
import streamlit as st

from kdkmp.ui import dasar

dasar.tabel_data(pd.DataFrame({"Provinsi": ["A", "B"], "Laporan koperasi": [6364, 5637], "% merah": [39.3, 50.0],
                               "Batch": [1201, 7], "tingkat_lapor": [95.8, None]}),
                 column_config={"Batch": st.column_config.NumberColumn(format="%d"), "tingkat_lapor": "% melapor"})
dasar.tabel_data(pd.DataFrame({"kode": pd.Series([], dtype="str")}),
                 kosong="Tidak ada wilayah yang laporannya kurang minggu ini.")
dasar.tabel_data(pd.DataFrame({"kode": pd.Series([], dtype="str")}))
"""


def test_a_table_sends_indonesian_text_with_its_numbers_and_an_empty_one_a_sentence():
    at = AppTest.from_string(HALAMAN).run()
    assert not at.exception, at.exception
    [grid] = at.dataframe
    kolom = json.loads(grid.proto.columns)
    assert kolom["Laporan koperasi"]["type_config"]["format"] == "%'.,d"
    assert kolom["Batch"]["type_config"]["format"] == "%d"  # an ID keeps the caller's format
    assert "format" not in kolom["% merah"]["type_config"]  # so the grid shows the text below
    assert kolom["tingkat_lapor"]["label"] == "% melapor"
    teks = pa.ipc.open_stream(grid.proto.arrow_data.styler.display_values).read_pandas()
    assert teks["% merah"].tolist() == ["39,3 %", "50,0 %"] and teks["tingkat_lapor"].tolist() == ["95,8 %", "–"]
    # the cells keep their numbers: the grid sorts by them, and readers of the page get numbers
    assert grid.value["% merah"].tolist() == [39.3, 50.0] and grid.value["Laporan koperasi"].tolist() == [6364, 5637]
    assert [i.value for i in at.info] == ["Tidak ada wilayah yang laporannya kurang minggu ini.",
                                          "Tidak ada data untuk ditampilkan."]


@pytest.mark.parametrize("saringan, nama", [
    ((("zona", "merah"), ("gerak", "baru_merah")), "kdkmp_baru_merah_52_2026-11-16.csv"),
    ((("zona", "merah"), ("gerak", "merah_kronis")), "kdkmp_merah_kronis_52_2026-11-16.csv"),
    ((("gerak", "pulih"),), "kdkmp_pulih_52_2026-11-16.csv"),  # the card's link: every zone
    ((("zona", "kuning"), ("gerak", "pulih")), "kdkmp_pulih_kuning_52_2026-11-16.csv"),
    ((("zona", "merah"), ("pilar", "legalitas")), "kdkmp_merah_52_2026-11-16.csv"),
    ((), "kdkmp_semua_52_2026-11-16.csv"),
])
def test_an_intervention_lists_file_says_which_list_it_is(saringan, nama):
    assert export.nama_file(nama_daftar(saringan), "52", date(2026, 11, 16), "csv") == nama
