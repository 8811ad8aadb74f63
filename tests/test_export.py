"""Exports: exactly the rows given, formula cells neutralised, numbers kept numeric."""

import io
from datetime import date, datetime

import pandas as pd
import pytest

from kdkmp import export


def contoh() -> pd.DataFrame:
    return pd.DataFrame({
        "kode_koperasi": ["KDKMP-1", "KDKMP-2", "KDKMP-3"],
        "nama_koperasi": ["=HYPERLINK(\"http://x\")", "Koperasi Desa Merah Putih Sukamaju", "@SUM(A1)"],
        "alasan_utama": ["-1+1", "+62 812", "\tTab"],
        "skor_total": [12.5, -3.0, None],
        "minggu_di_zona": pd.array([5, 1, None], dtype="Int64"),
    })


@pytest.mark.parametrize("nilai, hasil", [
    ("=1+1", "'=1+1"), ("+62", "'+62"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Sukamaju", "Sukamaju"), ("a=b", "a=b"),
])
def test_formula_starting_text_is_neutralised(nilai, hasil):
    assert export.netralkan(pd.DataFrame({"a": [nilai]}))["a"].iloc[0] == hasil


def test_neutralising_leaves_numbers_and_missing_values_alone_and_does_not_touch_the_input():
    df = contoh()
    hasil = export.netralkan(df)
    assert hasil["skor_total"].tolist()[:2] == [12.5, -3.0] and pd.isna(hasil["skor_total"].iloc[2])
    assert df["nama_koperasi"].iloc[0].startswith("=")


def test_csv_has_bom_all_rows_in_order_and_neutralised_cells():
    isi = export.ke_csv(contoh())
    assert isi.startswith(b"\xef\xbb\xbf")
    kembali = pd.read_csv(io.BytesIO(isi), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert kembali["kode_koperasi"].tolist() == ["KDKMP-1", "KDKMP-2", "KDKMP-3"]
    assert kembali["nama_koperasi"].tolist()[0] == "'=HYPERLINK(\"http://x\")"
    assert kembali["alasan_utama"].tolist() == ["'-1+1", "'+62 812", "'\tTab"]
    assert kembali["skor_total"].tolist() == ["12.5", "-3.0", ""]


def test_semicolon_csv_uses_decimal_comma_for_indonesian_excel():
    isi = export.ke_csv(contoh(), pemisah=";").decode("utf-8-sig")
    assert isi.splitlines()[1].endswith(";12,5;5")


def test_xlsx_has_data_and_keterangan_sheets_with_numbers_as_numbers():
    isi = export.ke_xlsx(contoh(), {"Minggu": date(2026, 11, 16), "Dibuat": datetime(2026, 11, 17, 8, 30),
                                    "Saringan": "zona merah; wilayah 52.01", "Oleh": "=jahil"})
    data = pd.read_excel(io.BytesIO(isi), sheet_name="data", engine="calamine")
    assert data["kode_koperasi"].tolist() == ["KDKMP-1", "KDKMP-2", "KDKMP-3"]
    assert data["nama_koperasi"].iloc[0] == "'=HYPERLINK(\"http://x\")"
    assert data["skor_total"].iloc[0] == 12.5 and data["minggu_di_zona"].iloc[0] == 5
    meta = pd.read_excel(io.BytesIO(isi), sheet_name="keterangan", engine="calamine")
    assert dict(zip(meta["Keterangan"], meta["Nilai"])) == {
        "Minggu": "2026-11-16", "Dibuat": "2026-11-17 08:30", "Saringan": "zona merah; wilayah 52.01", "Oleh": "'=jahil"}


def test_xlsx_cells_are_never_formulas():
    import zipfile

    isi = export.ke_xlsx(contoh(), {"Minggu": "2026-11-16"})
    with zipfile.ZipFile(io.BytesIO(isi)) as z:
        lembar = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in lembar


def test_empty_frame_exports_a_header_only():
    df = contoh().iloc[0:0]
    assert export.ke_csv(df).decode("utf-8-sig").strip() == ",".join(df.columns)
    assert pd.read_excel(io.BytesIO(export.ke_xlsx(df, {})), sheet_name="data", engine="calamine").empty


@pytest.mark.parametrize("zona, wilayah, ext, nama", [
    ("merah", "52.01", "xlsx", "kdkmp_merah_52.01_2026-11-16.xlsx"),
    (None, None, "csv", "kdkmp_semua_nasional_2026-11-16.csv"),
])
def test_file_names_say_what_they_hold(zona, wilayah, ext, nama):
    assert export.nama_file(zona, wilayah, date(2026, 11, 16), ext) == nama
