"""kdkmp.snapshot: reading and validating weekly snapshot files (shared/snapshot-contract.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdkmp import kontrak, snapshot
from kdkmp.snapshot import FileDitolak, baca_snapshot, validasi_frame
from tests.snapshot_factory import MINGGU_CONTOH, baris_contoh, frame_contoh, kode_desa_ntb

DATA = Path(__file__).parent / "data" / "snapshot"


def satu(**override) -> pd.DataFrame:
    """A one-row frame with `override` applied."""
    return frame_contoh(1, **override)


def satu_ditolak(**override) -> snapshot.HasilBaca:
    """A row with `override` beside a valid one: the bad row is rejected, the good one loads."""
    frame = frame_contoh(2)
    for kolom, nilai in override.items():
        frame.loc[0, kolom] = nilai
    hasil = validasi_frame(frame, batas_tolak=1.0)
    assert hasil.baris_dimuat == 1 and hasil.data["baris"].tolist() == [3]
    return hasil


def alasan(hasil: snapshot.HasilBaca, kolom: str) -> list[str]:
    return hasil.ditolak.loc[hasil.ditolak["kolom"] == kolom, "alasan"].tolist()


def sebagai_csv(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.to_csv(index=False, **kwargs).encode("utf-8")


def tulis_xlsx(path: Path, lembar: dict[str, list[list[object]]]) -> Path:
    """Write rows of Python values (None = empty cell); datetimes get a date format like Excel's."""
    import xlsxwriter

    buku = xlsxwriter.Workbook(path)
    format_tanggal = buku.add_format({"num_format": "dd/mm/yyyy"})
    for nama, baris in lembar.items():
        ws = buku.add_worksheet(nama)
        for r, isi in enumerate(baris):
            for c, v in enumerate(isi):
                if v is None:
                    continue
                if isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, format_tanggal)
                else:
                    ws.write(r, c, v)
    buku.close()
    return path


# --------------------------------------------------------------------------- value spellings

@pytest.mark.parametrize("mentah, harap", [
    ("ya", True), ("Ya", True), ("  YA ", True), ("tidak", False), ("TIDAK", False),
    ("y", True), ("t", False), ("Y", True), ("T", False),
    ("sudah", True), ("belum", False), ("Sudah", True), ("BELUM", False),
    ("ada", True), ("tidak ada", False), ("Tidak  Ada", False), ("tidak_ada", False),
    ("true", True), ("false", False), ("TRUE", True), ("False", False),
    ("1", True), ("0", False), ("1.0", True), ("0.0", False),
    ("yes", True), ("no", False), ("Yes", True), ("NO", False),
])
def test_bool_spellings_are_accepted(mentah, harap):
    hasil = validasi_frame(satu(musdesus=mentah))
    assert hasil.baris_ditolak == 0
    assert hasil.data["musdesus"].iloc[0] == harap


@pytest.mark.parametrize("mentah", ["mungkin", "ok", "2", "yaa", "-", "n/a"])
def test_unreadable_bool_rejects_the_row(mentah):
    hasil = satu_ditolak(nib=mentah)
    assert alasan(hasil, "nib") == [f"bukan nilai ya/tidak ({snapshot.EJAAN_LOGIKA})"]
    assert hasil.ditolak["nilai"].tolist() == [mentah]


@pytest.mark.parametrize("kolom, mentah, harap", [
    ("status_lahan", "Belum Ada", "belum_ada"),
    ("status_lahan", "belum-ada", "belum_ada"),
    ("status_lahan", " BELUM_ADA ", "belum_ada"),
    ("status_lahan", "Verifikasi", "verifikasi"),
    ("tahap_pembangunan", "Belum Mulai", "belum_mulai"),
    ("kendala_utama", "Tenaga Kerja", "tenaga_kerja"),
    ("kendala_utama", "tenaga - kerja", "tenaga_kerja"),
    ("kendala_utama", "teknis", "teknis_lainnya"),
    ("kendala_utama", "Teknis", "teknis_lainnya"),
    ("kendala_utama", "Teknis Lainnya", "teknis_lainnya"),
    ("kendala_utama", "Tidak Ada", "tidak_ada"),
    ("status_operasional", "Uji Coba", "uji_coba"),
    ("status_operasional", "BEROPERASI", "beroperasi"),
])
def test_enum_spellings_become_the_canonical_value(kolom, mentah, harap):
    hasil = validasi_frame(satu(**{kolom: mentah}))
    assert hasil.baris_ditolak == 0
    assert hasil.data[kolom].iloc[0] == harap


@pytest.mark.parametrize("kolom, mentah", [
    ("status_lahan", "sengketa"), ("tahap_pembangunan", "hampir selesai"), ("kendala_utama", "teknis lain"),
    ("status_operasional", "tutup"),
])
def test_unknown_enum_value_rejects_the_row_listing_the_choices(kolom, mentah):
    hasil = satu_ditolak(**{kolom: mentah})
    pilihan = ", ".join(kontrak.KOLOM_PER_NAMA[kolom].nilai)
    assert alasan(hasil, kolom) == [f"nilai tidak dikenal; pilihan: {pilihan}"]


@pytest.mark.parametrize("kolom, mentah, harap", [
    ("jumlah_anggota", "1234567", 1234567),
    ("jumlah_anggota", "1.234.567", 1234567),
    ("jumlah_anggota", "1,234,567", 1234567),
    ("jumlah_anggota", "1.234", 1234),  # int column: three digits after the separator = thousands
    ("jumlah_anggota", "1,234", 1234),
    ("jumlah_anggota", "12,0", 12),
    ("jumlah_anggota", "12.00", 12),
    ("jumlah_anggota", "1.234,00", 1234),
    ("jumlah_anggota", " 25 ", 25),
    ("omzet_bulanan", "Rp 1.500.000", 1500000),
    ("omzet_bulanan", "Rp1.500.000", 1500000),
    ("omzet_bulanan", "rp. 1.500.000", 1500000),
    ("omzet_bulanan", "RP 1,500,000", 1500000),
    ("omzet_bulanan", "0", 0),
    ("gerai_aktif", "7", 7),
])
def test_int_spellings_are_accepted(kolom, mentah, harap):
    hasil = validasi_frame(satu(**{kolom: mentah}))
    assert hasil.baris_ditolak == 0, hasil.ditolak
    assert hasil.data[kolom].iloc[0] == harap
    assert hasil.data[kolom].dtype == "Int64"


@pytest.mark.parametrize("kolom, mentah, harap", [
    ("progres_fisik", "12,5", 12.5),
    ("progres_fisik", "12.5", 12.5),
    ("progres_fisik", "45%", 45.0),
    ("progres_fisik", "45 %", 45.0),
    ("progres_fisik", "12,5%", 12.5),
    ("progres_fisik", "100", 100.0),
    ("tunggakan_persen", "2,75 %", 2.75),
    ("latitude", "-8,5833", -8.5833),
    ("latitude", "\u22128,5", -8.5),  # a typographic minus from a word processor
    ("longitude", "116.1167", 116.1167),
    ("longitude", "116,1167", 116.1167),
])
def test_float_spellings_are_accepted(kolom, mentah, harap):
    hasil = validasi_frame(satu(**{kolom: mentah}))
    assert hasil.baris_ditolak == 0, hasil.ditolak
    assert hasil.data[kolom].iloc[0] == pytest.approx(harap)
    assert hasil.data[kolom].dtype == "Float64"


@pytest.mark.parametrize("mentah, harap", [
    ("1,234", 1.234),  # float column: a single separator is the decimal one
    ("1.234", 1.234),
    ("1.234.567", 1234567.0),  # several of the same are thousands
    ("1,234,567", 1234567.0),
    ("1.234.567,5", 1234567.5),  # both: the last one is the decimal separator
    ("1,234,567.5", 1234567.5),
    ("1.234,5", 1234.5),
    (".5", 0.5),
    ("1e-05", 0.00001),
    ("Rp 2.500,50", 2500.5),
])
def test_float_separator_rules(mentah, harap):
    assert snapshot.baca_angka(pd.Series([mentah])).iloc[0] == pytest.approx(harap)


@pytest.mark.parametrize("mentah, bulat", [
    ("abc", False), ("1.2.3", False), ("12,34,5", False), ("1.234,5.6", False), ("--5", False), ("Rp", False),
    ("5%", False),  # % only in percent columns
    ("12,5", True), ("1.5", True), ("1.2345", True),  # int columns must be whole
])
def test_unreadable_or_fractional_numbers_give_na(mentah, bulat):
    assert pd.isna(snapshot.baca_angka(pd.Series([mentah]), bulat=bulat).iloc[0])


@pytest.mark.parametrize("mentah, harap", [
    ("2026-11-14", dt.date(2026, 11, 14)),
    ("14/11/2026", dt.date(2026, 11, 14)),
    ("4/1/2026", dt.date(2026, 1, 4)),
    ("2026-11-14 00:00:00", dt.date(2026, 11, 14)),
    ("2026-11-14T08:30:00", dt.date(2026, 11, 14)),
    (" 2026-11-14 ", dt.date(2026, 11, 14)),
])
def test_date_spellings_are_accepted_and_lose_their_time(mentah, harap):
    hasil = validasi_frame(satu(laporan_terakhir=mentah))
    assert hasil.baris_ditolak == 0, hasil.ditolak
    nilai = hasil.data["laporan_terakhir"].iloc[0]
    assert nilai == pd.Timestamp(harap)
    assert nilai == nilai.normalize()


@pytest.mark.parametrize("mentah", ["14-11-2026", "31/02/2026", "kemarin", "2026/11/14", "2026-13-01", "14.11.2026"])
def test_unreadable_date_rejects_the_row(mentah):
    hasil = satu_ditolak(laporan_terakhir=mentah)
    assert alasan(hasil, "laporan_terakhir") == ["bukan tanggal yang bisa dibaca (YYYY-MM-DD atau DD/MM/YYYY)"]


def test_typed_values_from_code_are_accepted():
    frame = frame_contoh(2).astype(object)
    frame["musdesus"] = [True, False]
    frame["nib"] = [1.0, 0.0]
    frame["jumlah_anggota"] = [25.0, 7]
    frame["kode_desa"] = [5201011001.0, "52.01.01.1004"]
    frame["tanggal_data"] = [pd.Timestamp("2026-11-16 10:00"), dt.date(2026, 11, 17)]
    frame["laporan_terakhir"] = [dt.datetime(2026, 11, 14, 9, 0), None]
    hasil = validasi_frame(frame)
    assert hasil.baris_ditolak == 0, hasil.ditolak
    d = hasil.data
    assert d["musdesus"].tolist() == [True, False]
    assert d["nib"].tolist() == [True, False]
    assert d["jumlah_anggota"].tolist() == [25, 7]
    assert d["kode_desa"].tolist() == ["52.01.01.1001", "52.01.01.1004"]
    assert d["tanggal_data"].tolist() == [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-17")]
    assert d["laporan_terakhir"].iloc[0] == pd.Timestamp("2026-11-14")
    assert pd.isna(d["laporan_terakhir"].iloc[1])


def test_kode_desa_without_dots_is_normalised():
    kode = kode_desa_ntb(1)[0]
    hasil = validasi_frame(satu(kode_desa=kode.replace(".", "")))
    assert hasil.data["kode_desa"].tolist() == [kode]


# --------------------------------------------------------------------------- the typed result

def test_result_columns_and_types_follow_the_contract():
    hasil = validasi_frame(frame_contoh(3))
    assert list(hasil.data.columns) == [*kontrak.NAMA_KOLOM, "baris"]
    harap = {"date": "datetime64[us]", "bool": "boolean", "int": "Int64", "float": "Float64",
             "enum": "str", "text": "str", "kode_desa": "str"}
    for k in kontrak.KOLOM:
        assert str(hasil.data[k.nama].dtype) == harap[k.jenis], k.nama
    assert hasil.data["baris"].tolist() == [2, 3, 4]
    assert hasil.format == "frame"
    assert hasil.minggu == MINGGU_CONTOH
    assert (hasil.baris_dibaca, hasil.baris_dimuat, hasil.baris_ditolak) == (3, 3, 0)
    assert list(hasil.ditolak.columns) == ["baris", "kolom", "nilai", "alasan"]


@pytest.mark.parametrize("kolom", ["omzet_bulanan", "tunggakan_persen", "latitude", "longitude", "laporan_terakhir"])
def test_empty_optional_cell_is_null_not_zero(kolom):
    hasil = validasi_frame(frame_contoh(2, **{kolom: ["", "  "]}))
    assert hasil.baris_ditolak == 0
    assert hasil.data[kolom].isna().all()


def test_absent_optional_columns_are_null():
    frame = frame_contoh(2).drop(columns=["omzet_bulanan", "latitude", "laporan_terakhir"])
    hasil = validasi_frame(frame)
    assert hasil.baris_dimuat == 2
    assert hasil.data[["omzet_bulanan", "latitude", "laporan_terakhir"]].isna().all().all()


def test_minggu_iso_is_the_monday():
    assert snapshot.minggu_iso(dt.date(2026, 11, 22)) == dt.date(2026, 11, 16)  # Sunday
    assert snapshot.minggu_iso(dt.date(2026, 11, 16)) == dt.date(2026, 11, 16)
    assert snapshot.minggu_iso(dt.datetime(2026, 1, 1, 12)) == dt.date(2025, 12, 29)  # ISO week 1 starts in 2025


def test_week_is_the_monday_of_tanggal_data():
    hasil = validasi_frame(frame_contoh(2, tanggal_data=["2026-11-18", "22/11/2026"]))
    assert hasil.minggu == dt.date(2026, 11, 16)
    assert hasil.data["tanggal_data"].tolist() == [pd.Timestamp("2026-11-18"), pd.Timestamp("2026-11-22")]


# --------------------------------------------------------------------------- row-level rejects

@pytest.mark.parametrize("kolom, mentah, pesan", [
    ("kode_desa", "52.01.01.9999", "kode desa tidak ada dalam referensi Kemendagri"),
    ("kode_desa", "5201019999", "kode desa tidak ada dalam referensi Kemendagri"),
    ("kode_desa", "52.01.01", "kode desa tidak berbentuk kode Kemendagri (contoh 52.01.01.2001 atau 5201012001)"),
    ("kode_desa", "Gerung", "kode desa tidak berbentuk kode Kemendagri (contoh 52.01.01.2001 atau 5201012001)"),
    ("gerai_aktif", "8", "di luar rentang 0 sampai 7"),
    ("gerai_aktif", "-1", "di luar rentang 0 sampai 7"),
    ("progres_fisik", "101", "di luar rentang 0 sampai 100"),
    ("progres_fisik", "100,5%", "di luar rentang 0 sampai 100"),
    ("tunggakan_persen", "-0,5", "di luar rentang 0 sampai 100"),
    ("latitude", "7", "di luar rentang -11,5 sampai 6,5"),
    ("latitude", "-11,6", "di luar rentang -11,5 sampai 6,5"),
    ("longitude", "94", "di luar rentang 94,5 sampai 141,5"),
    ("longitude", "142", "di luar rentang 94,5 sampai 141,5"),
    ("jumlah_anggota", "-1", "kurang dari 0"),
    ("omzet_bulanan", "-5.000", "kurang dari 0"),
    ("jumlah_anggota", "12,5", "harus bilangan bulat"),
    ("gerai_aktif", "2.5", "harus bilangan bulat"),
    ("jumlah_anggota", "dua puluh", "bukan angka yang bisa dibaca"),
    ("progres_fisik", "setengah", "bukan angka yang bisa dibaca"),
    ("tanggal_data", "minggu lalu", "bukan tanggal yang bisa dibaca (YYYY-MM-DD atau DD/MM/YYYY)"),
])
def test_bad_value_rejects_the_row_naming_column_value_and_reason(kolom, mentah, pesan):
    frame = frame_contoh(5)
    frame.loc[2, kolom] = mentah
    hasil = validasi_frame(frame, batas_tolak=0.5)
    assert hasil.ditolak.to_dict("records") == [{"baris": 4, "kolom": kolom, "nilai": mentah, "alasan": pesan}]
    assert hasil.baris_dimuat == 4
    assert 4 not in hasil.data["baris"].tolist()


@pytest.mark.parametrize("kolom, mentah", [
    ("gerai_aktif", "7"), ("gerai_aktif", "0"), ("progres_fisik", "100"), ("progres_fisik", "0"),
    ("latitude", "-11,5"), ("latitude", "6.5"), ("longitude", "94.5"), ("longitude", "141,5"),
    ("tunggakan_persen", "100 %"),
])
def test_range_ends_are_inclusive(kolom, mentah):
    assert validasi_frame(satu(**{kolom: mentah})).baris_ditolak == 0


@pytest.mark.parametrize("kolom", kontrak.KOLOM_WAJIB)
def test_empty_required_cell_rejects_the_row(kolom):
    frame = frame_contoh(5)
    frame.loc[1, kolom] = " "
    hasil = validasi_frame(frame, batas_tolak=0.5)
    assert hasil.ditolak.to_dict("records") == [
        {"baris": 3, "kolom": kolom, "nilai": " ", "alasan": "kolom wajib kosong"}]


def test_duplicate_kode_koperasi_rejects_every_later_occurrence():
    frame = frame_contoh(6)
    frame.loc[3, "kode_koperasi"] = frame.loc[1, "kode_koperasi"]
    frame.loc[5, "kode_koperasi"] = frame.loc[1, "kode_koperasi"]
    hasil = validasi_frame(frame, batas_tolak=0.5)
    assert hasil.ditolak[["baris", "alasan"]].to_dict("records") == [
        {"baris": 5, "alasan": "kode_koperasi ganda, sudah ada di baris 3"},
        {"baris": 7, "alasan": "kode_koperasi ganda, sudah ada di baris 3"},
    ]
    assert hasil.data["baris"].tolist() == [2, 3, 4, 6]


def test_every_problem_of_every_row_is_reported_at_once():
    frame = frame_contoh(10)
    frame.loc[0, ["gerai_aktif", "musdesus", "kode_desa"]] = ["9", "mungkin", "99.99.99.9999"]
    frame.loc[4, "status_lahan"] = "sengketa"
    hasil = validasi_frame(frame, batas_tolak=0.5)
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [
        [2, "kode_desa"], [2, "musdesus"], [2, "gerai_aktif"], [6, "status_lahan"]]
    assert hasil.baris_ditolak == 2
    assert hasil.baris_dimuat == 8


def test_rejects_file_holds_raw_values_and_reasons_of_rejected_rows_only():
    frame = frame_contoh(5)
    frame.loc[1, ["jumlah_anggota", "musdesus"]] = ["1.5", "mungkin"]
    frame["catatan"] = ["a", "b", "c", "d", "e"]
    hasil = validasi_frame(frame, batas_tolak=0.5)
    isi = hasil.file_penolakan()
    assert isi.startswith(b"\xef\xbb\xbf")
    ditolak = pd.read_csv(io.BytesIO(isi), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(ditolak) == 1
    baris = ditolak.iloc[0]
    assert baris["baris"] == "3"
    assert baris["jumlah_anggota"] == "1.5" and baris["musdesus"] == "mungkin" and baris["catatan"] == "b"
    assert baris["alasan_penolakan"] == ("musdesus: bukan nilai ya/tidak (" + snapshot.EJAAN_LOGIKA + "); "
                                         "jumlah_anggota: harus bilangan bulat")


def test_rejects_file_of_a_clean_load_has_only_the_header():
    hasil = validasi_frame(frame_contoh(2))
    assert pd.read_csv(io.BytesIO(hasil.file_penolakan()), encoding="utf-8-sig").empty


# --------------------------------------------------------------------------- file-level refusals

def test_too_many_rejects_refuses_the_file_in_indonesian_number_format():
    frame = frame_contoh(8)
    frame.loc[[0, 1], "gerai_aktif"] = "9"  # 2 of 8 = 25 %
    with pytest.raises(FileDitolak) as e:
        validasi_frame(frame)
    assert str(e.value).startswith("25,0 % baris ditolak (batas 20 %): 2 dari 8 baris bermasalah")
    assert "di luar rentang 0 sampai 7" in str(e.value)
    assert e.value.hasil is not None and e.value.hasil.baris_ditolak == 2  # the form can still offer the rejects
    assert validasi_frame(frame, batas_tolak=0.25).baris_dimuat == 6


def test_share_just_over_the_limit_shows_enough_decimals():
    frame = frame_contoh(499)
    frame.loc[:99, "gerai_aktif"] = "9"  # 100 / 499 = 20.04 %
    with pytest.raises(FileDitolak, match=r"^20,04 % baris ditolak \(batas 20 %\)"):
        validasi_frame(frame)


@pytest.mark.parametrize("buang", [["musdesus"], ["kode_desa", "gerai_aktif"]])
def test_missing_required_columns_refuse_the_file_listing_them(buang):
    with pytest.raises(FileDitolak) as e:
        validasi_frame(frame_contoh(2).drop(columns=buang))
    pesan = str(e.value)
    assert pesan.startswith("Kolom wajib tidak ditemukan: " + ", ".join(buang))
    assert "kolom yang ada: tanggal_data, kode_koperasi" in pesan


def test_missing_columns_in_a_csv_header_are_listed():
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(DATA / "kolom_hilang.csv")
    assert "kode_desa, musdesus, pendamping_ba" in str(e.value)
    assert "tanggal_data" not in str(e.value).split(":", 1)[1]


@pytest.mark.parametrize("isi, pesan", [
    (b"", "File kosong."),
    (b"  \r\n\n ", "File kosong."),
    (b"\xef\xbb\xbf", "File kosong."),
])
def test_empty_file_is_refused(isi, pesan):
    with pytest.raises(FileDitolak, match=f"^{pesan}$"):
        baca_snapshot(isi, nama_file="laporan.csv")


def test_empty_fixture_file_is_refused():
    with pytest.raises(FileDitolak, match="^File kosong"):
        baca_snapshot(DATA / "kosong.csv")


def test_header_without_data_rows_is_refused():
    with pytest.raises(FileDitolak, match="tidak berisi baris data"):
        baca_snapshot(DATA / "hanya_judul.csv")


def test_binary_garbage_named_csv_is_not_a_table():
    with pytest.raises(FileDitolak, match="bukan tabel CSV"):
        baca_snapshot(DATA / "sampah.csv")


def test_text_without_a_header_is_not_a_table():
    with pytest.raises(FileDitolak, match="bukan tabel laporan KDKMP"):
        baca_snapshot(b"halo dunia\nini bukan laporan\n", nama_file="catatan.csv")


def test_unreadable_encoding_is_refused_naming_the_problem():
    with pytest.raises(FileDitolak, match="Pengodean huruf file tidak terbaca: bukan UTF-8 dan bukan Windows-1252"):
        baca_snapshot(DATA / "pengodean_rusak.csv")


@pytest.mark.parametrize("pengodean", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_load(pengodean):
    # Excel's "Teks Unicode" is UTF-16 with a BOM and tab separators
    teks = pd.read_csv(DATA / "koma.csv", dtype=str, keep_default_na=False).to_csv(sep="\t", index=False)
    isi = ("\ufeff" if pengodean == "utf-16-le" else "").encode(pengodean) + teks.encode(pengodean)
    hasil = baca_snapshot(isi, nama_file="x.csv")
    assert hasil.baris_dimuat == 3
    assert hasil.data["nama_koperasi"].iloc[2] == "Koperasi Desa Merah Putih Gerung Selatan, Lombok Barat"


def test_utf16_without_a_byte_order_mark_is_refused_naming_it():
    with pytest.raises(FileDitolak, match="UTF-16 atau UTF-32 tanpa penanda urutan byte"):
        baca_snapshot((DATA / "koma.csv").read_text().encode("utf-16-le"), nama_file="x.csv")


def test_xlsx_named_csv_is_refused_with_a_fix(tmp_path):
    path = tulis_xlsx(tmp_path / "a.xlsx", {"Data": [["x"]]})
    with pytest.raises(FileDitolak, match=r"file Excel \(\.xlsx\) yang bernama \.csv"):
        baca_snapshot(path.read_bytes(), nama_file="laporan.csv")


@pytest.mark.parametrize("nama_file, pesan", [
    ("laporan.xlsx", "bukan file Excel .xlsx yang sah"),
    ("laporan.parquet", "bukan file Parquet yang sah"),
])
def test_garbage_with_a_binary_extension_is_refused(nama_file, pesan):
    with pytest.raises(FileDitolak, match=pesan):
        baca_snapshot(b"ini bukan file yang benar" * 10, nama_file=nama_file)


@pytest.mark.parametrize("nama_file, pesan", [
    ("laporan.txt", "Format file '.txt' tidak didukung; gunakan .csv, .xlsx atau .parquet."),
    ("laporan.xls",
     "Format file '.xls' tidak didukung (simpan ulang sebagai .xlsx); gunakan .csv, .xlsx atau .parquet."),
    ("laporan", "Format file 'laporan' tidak didukung; gunakan .csv, .xlsx atau .parquet."),
])
def test_unknown_extension_is_refused_naming_it(nama_file, pesan):
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(b"a,b\n1,2\n", nama_file=nama_file)
    assert str(e.value) == pesan


def test_extension_is_case_insensitive():
    assert baca_snapshot((DATA / "koma.csv").read_bytes(), nama_file="LAPORAN.CSV").format == "csv"


def test_bytes_need_a_file_name():
    with pytest.raises(ValueError):
        baca_snapshot(b"a,b\n")


def test_missing_path_is_refused():
    with pytest.raises(FileDitolak, match="tidak ditemukan"):
        baca_snapshot(DATA / "tidak_ada.csv")


def test_mixed_weeks_are_refused_naming_the_weeks():
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(DATA / "dua_minggu.csv")
    assert str(e.value) == ("File berisi data dari lebih dari satu minggu: 9 Nov 2026 (1 baris), "
                            "16 Nov 2026 (1 baris).")


def test_file_week_must_match_the_week_given():
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(DATA / "koma.csv", minggu=dt.date(2026, 11, 23))
    assert str(e.value) == "Data file ini untuk minggu 16 Nov 2026, bukan minggu 23 Nov 2026 yang dipilih."


def test_given_week_any_day_is_taken_as_its_monday():
    assert baca_snapshot(DATA / "koma.csv", minggu=dt.date(2026, 11, 19)).minggu == dt.date(2026, 11, 16)


def test_without_tanggal_data_the_week_must_be_given():
    frame = frame_contoh(2).drop(columns=["tanggal_data"])
    with pytest.raises(FileDitolak, match="tanggal_data"):
        validasi_frame(frame)
    hasil = validasi_frame(frame, minggu=dt.date(2026, 11, 20))
    assert hasil.minggu == dt.date(2026, 11, 16)
    assert hasil.data["tanggal_data"].tolist() == [pd.Timestamp("2026-11-16")] * 2


def test_with_the_week_given_an_empty_tanggal_data_takes_the_monday():
    hasil = validasi_frame(frame_contoh(2, tanggal_data=["2026-11-18", ""]), minggu=dt.date(2026, 11, 16))
    assert hasil.baris_ditolak == 0
    assert hasil.data["tanggal_data"].tolist() == [pd.Timestamp("2026-11-18"), pd.Timestamp("2026-11-16")]


def test_no_readable_tanggal_data_and_no_week_is_refused():
    with pytest.raises(FileDitolak, match="minggu data tidak bisa ditentukan"):
        validasi_frame(frame_contoh(2, tanggal_data="kemarin"), batas_tolak=1.0)


def test_a_row_with_more_values_than_the_header_is_rejected_alone():
    # koma.csv: header on row 1, three data rows; row 3 gets one value too many (24 columns)
    teks = (DATA / "koma.csv").read_text().splitlines()
    teks[2] += ",lebih"
    hasil = baca_snapshot("\n".join(teks).encode(), nama_file="x.csv", batas_tolak=0.5)
    assert hasil.data["baris"].tolist() == [2, 4]
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [[3, "(seluruh baris)"]]
    assert hasil.ditolak["alasan"].iloc[0].startswith("baris berisi 25 nilai, padahal baris judul berisi 24 kolom")


def test_rows_of_several_widths_are_each_rejected_with_their_count():
    teks = (DATA / "koma.csv").read_text().splitlines()
    teks[1] += ",x,y"
    teks[3] += ",z"
    hasil = baca_snapshot("\n".join(teks).encode(), nama_file="x.csv", batas_tolak=1.0)
    assert hasil.data["baris"].tolist() == [3]
    assert sorted(hasil.ditolak["alasan"].str.slice(0, 24).tolist()) == ["baris berisi 25 nilai, p",
                                                                          "baris berisi 26 nilai, p"]


# --------------------------------------------------------------------------- CSV reading

@pytest.mark.parametrize("nama", ["koma.csv", "bom.csv"])
def test_utf8_csv_with_and_without_bom_loads(nama):
    hasil = baca_snapshot(DATA / nama)
    assert hasil.format == "csv"
    assert hasil.baris_dimuat == 3 and hasil.baris_ditolak == 0
    assert hasil.kolom_tambahan == []
    assert hasil.data["baris"].tolist() == [2, 3, 4]
    assert hasil.data["nama_koperasi"].iloc[2] == "Koperasi Desa Merah Putih Gerung Selatan, Lombok Barat"
    assert hasil.data["jumlah_anggota"].tolist() == [25, 12, 1234]
    assert hasil.data["omzet_bulanan"].iloc[2] == 1500000
    assert pd.isna(hasil.data["omzet_bulanan"].iloc[0])


def test_excel_csv_cp1252_semicolon_decimal_comma_title_rows_and_spaced_headers():
    hasil = baca_snapshot(DATA / "titik_koma_cp1252.csv")
    assert hasil.baris_ditolak == 0, hasil.ditolak
    d = hasil.data
    assert d["baris"].tolist() == [5, 6]  # two title rows and a blank row, header on row 4
    assert hasil.kolom_tambahan == ["Catatan PMO"]
    assert d["latitude"].iloc[0] == pytest.approx(-8.6872)
    assert d["progres_fisik"].tolist() == [12.5, 0.0]
    assert d["tunggakan_persen"].iloc[0] == pytest.approx(2.5)
    assert d["omzet_bulanan"].iloc[0] == 1500000
    assert d["jumlah_anggota"].tolist() == [1234, 8]
    assert d["kendala_utama"].tolist() == ["tenaga_kerja", "teknis_lainnya"]
    assert d["status_lahan"].tolist() == ["siap", "belum_ada"]
    assert d["tanggal_data"].tolist() == [pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-18")]
    assert d["kode_desa"].tolist() == ["52.01.01.1001", "52.01.01.1004"]


def test_cp1252_text_is_decoded_in_rejects():
    isi = (DATA / "titik_koma_cp1252.csv").read_bytes().replace(b";2;Rp", b";9;Rp")  # gerai_aktif out of range
    hasil = baca_snapshot(isi, nama_file="x.csv", batas_tolak=1.0)
    assert hasil.ditolak["baris"].tolist() == [5]
    tabel = pd.read_csv(io.BytesIO(hasil.file_penolakan()), dtype=str, encoding="utf-8-sig")
    assert tabel["Catatan PMO"].iloc[0] == "dicek Andrés – OK"


@pytest.mark.parametrize("judul", ["Kode Desa", " KODE-DESA ", "kode desa", "Kode_Desa"])
def test_header_aliases_are_matched(judul):
    frame = frame_contoh(2).rename(columns={"kode_desa": judul, "nama_koperasi": "Nama Koperasi"})
    hasil = baca_snapshot(sebagai_csv(frame), nama_file="x.csv")
    assert hasil.data["kode_desa"].tolist() == kode_desa_ntb(2)


def test_extra_columns_are_reported_and_ignored():
    frame = frame_contoh(2)
    frame.insert(3, "Catatan", ["ok", ""])
    frame["PMO kab"] = "Lombok Barat"
    hasil = baca_snapshot(sebagai_csv(frame), nama_file="x.csv")
    assert hasil.kolom_tambahan == ["Catatan", "PMO kab"]
    assert list(hasil.data.columns) == [*kontrak.NAMA_KOLOM, "baris"]


def test_unnamed_columns_with_values_and_repeated_names_are_extra_while_empty_unnamed_ones_vanish():
    frame = frame_contoh(2)
    badan = sebagai_csv(frame).decode().splitlines()
    teks = [badan[0] + ",,,Kode Desa", badan[1] + ",,catatan,52.01.01.1011", badan[2] + ",,,"]
    hasil = baca_snapshot("\n".join(teks).encode(), nama_file="x.csv")
    assert hasil.kolom_tambahan == ["kolom_26", "Kode Desa"]  # the first kode_desa column is the one used
    assert hasil.data["kode_desa"].tolist() == kode_desa_ntb(2)


def test_validasi_frame_leaves_its_input_alone():
    frame = frame_contoh(3, gerai_aktif=["1", "9", "2"])
    salinan = frame.copy()
    validasi_frame(frame, batas_tolak=0.5)
    pd.testing.assert_frame_equal(frame, salinan)


def test_csv_header_below_title_rows_and_blank_rows_inside_keep_row_numbers():
    frame = frame_contoh(3)
    frame.loc[2, "gerai_aktif"] = "9"
    badan = sebagai_csv(frame).decode().splitlines()
    teks = ["LAPORAN MINGGUAN KDKMP,,", "Provinsi NTB,,", "", badan[0], badan[1], "", badan[2], badan[3]]
    hasil = baca_snapshot("\n".join(teks).encode(), nama_file="x.csv", batas_tolak=0.5)
    assert hasil.data["baris"].tolist() == [5, 7]  # row 6 is blank: skipped, not counted
    assert hasil.ditolak["baris"].tolist() == [8]
    assert hasil.baris_dibaca == 3


def test_semicolon_csv_with_comma_text_is_detected():
    frame = frame_contoh(2, nama_koperasi="Koperasi Desa Merah Putih Gerung, Lombok Barat", progres_fisik="12,5")
    hasil = baca_snapshot(sebagai_csv(frame, sep=";"), nama_file="x.csv")
    assert hasil.data["nama_koperasi"].iloc[0] == "Koperasi Desa Merah Putih Gerung, Lombok Barat"
    assert hasil.data["progres_fisik"].tolist() == [12.5, 12.5]


def test_header_further_down_than_30_rows_is_not_found():
    teks = "judul\n" * 30 + (DATA / "koma.csv").read_text()
    with pytest.raises(FileDitolak, match="tidak ada baris judul kolom dalam 30 baris pertama"):
        baca_snapshot(teks.encode(), nama_file="x.csv")


# --------------------------------------------------------------------------- XLSX and Parquet

def _baris_xlsx(frame: pd.DataFrame) -> list[list[object]]:
    return [list(frame.columns)] + frame.astype(object).where(frame != "", None).values.tolist()


def test_xlsx_header_below_title_and_blank_rows(tmp_path):
    frame = frame_contoh(3)
    frame.loc[1, "gerai_aktif"] = "9"
    baris = [["LAPORAN MINGGUAN KDKMP"], [None], ["Minggu 47"], [None]] + _baris_xlsx(frame)
    path = tulis_xlsx(tmp_path / "laporan.xlsx", {"Laporan": baris})
    hasil = baca_snapshot(path, batas_tolak=0.5)
    assert hasil.format == "xlsx"
    assert hasil.data["baris"].tolist() == [6, 8]  # header on row 5
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [[7, "gerai_aktif"]]


def test_xlsx_typed_cells_are_accepted(tmp_path):
    kode = kode_desa_ntb(2)
    frame = frame_contoh(2)
    baris = _baris_xlsx(frame)
    kolom = list(frame.columns)
    for i, b in enumerate(baris[1:]):
        b[kolom.index("kode_desa")] = float(kode[i].replace(".", ""))  # a code Excel turned into a number
        b[kolom.index("tanggal_data")] = dt.datetime(2026, 11, 17)
        b[kolom.index("musdesus")] = i == 0  # TRUE / FALSE cells
        b[kolom.index("nib")] = 1 - i  # 1 / 0 numbers
        b[kolom.index("jumlah_anggota")] = 25.0
        b[kolom.index("progres_fisik")] = 12.5
        b[kolom.index("omzet_bulanan")] = 1500000
    baris[2][kolom.index("laporan_terakhir")] = 46340  # a date cell that lost its format: 2026-11-14
    path = tulis_xlsx(tmp_path / "laporan.xlsx", {"Data": baris})
    hasil = baca_snapshot(path)
    assert hasil.baris_ditolak == 0, hasil.ditolak
    d = hasil.data
    assert d["kode_desa"].tolist() == kode
    assert d["tanggal_data"].tolist() == [pd.Timestamp("2026-11-17")] * 2
    assert d["musdesus"].tolist() == [True, False]
    assert d["nib"].tolist() == [True, False]
    assert d["jumlah_anggota"].tolist() == [25, 25]
    assert d["progres_fisik"].tolist() == [12.5, 12.5]
    assert d["omzet_bulanan"].tolist() == [1500000, 1500000]
    assert d["laporan_terakhir"].iloc[1] == pd.Timestamp("2026-11-14")


def test_xlsx_named_sheet_is_read_and_unknown_sheet_is_refused_listing_sheets(tmp_path):
    path = tulis_xlsx(tmp_path / "laporan.xlsx", {"Ringkasan": [["Ringkasan saja"]],
                                                  "Data NTB": _baris_xlsx(frame_contoh(2))})
    with pytest.raises(FileDitolak, match="bukan tabel laporan KDKMP"):
        baca_snapshot(path)  # the first sheet holds no table
    assert baca_snapshot(path, sheet="Data NTB").baris_dimuat == 2
    assert baca_snapshot(path, sheet="data ntb").baris_dimuat == 2
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(path, sheet="Data Kalbar")
    assert str(e.value) == "Lembar (sheet) 'Data Kalbar' tidak ada di file; lembar yang tersedia: Ringkasan, Data NTB."


def test_xlsx_empty_sheet_is_refused(tmp_path):
    path = tulis_xlsx(tmp_path / "kosong.xlsx", {"Data": []})
    with pytest.raises(FileDitolak, match="kosong"):
        baca_snapshot(path)


def test_parquet_with_typed_columns_loads(tmp_path):
    frame = frame_contoh(3)
    typed = frame.assign(
        tanggal_data=pd.to_datetime(frame["tanggal_data"]),
        musdesus=pd.array([True, False, True], dtype="boolean"),
        jumlah_anggota=pd.array([25, 0, 7], dtype="Int64"),
        progres_fisik=[12.5, 0.0, 100.0],
        omzet_bulanan=pd.array([None, 5, None], dtype="Int64"),
    )
    path = tmp_path / "laporan.parquet"
    typed.to_parquet(path)
    hasil = baca_snapshot(path)
    assert hasil.format == "parquet"
    assert hasil.baris_ditolak == 0, hasil.ditolak
    assert hasil.data["musdesus"].tolist() == [True, False, True]
    assert hasil.data["jumlah_anggota"].tolist() == [25, 0, 7]
    assert hasil.data["omzet_bulanan"].isna().tolist() == [True, False, True]
    assert hasil.data["baris"].tolist() == [2, 3, 4]


# --------------------------------------------------------------------------- the factory others reuse

def test_factory_rows_are_valid_and_overridable():
    kode = kode_desa_ntb(1)[0]
    baris = baris_contoh(kode, "KOP-1", gerai_aktif=3, omzet_bulanan=None, musdesus=False)
    assert baris["gerai_aktif"] == "3" and baris["omzet_bulanan"] == "" and baris["musdesus"] == "tidak"
    assert validasi_frame(pd.DataFrame([baris])).baris_dimuat == 1
    with pytest.raises(KeyError):
        baris_contoh(kode, "KOP-1", zona="merah")
    frame = frame_contoh(4, minggu=dt.date(2026, 11, 23), gerai_aktif=[0, 1, 2, 3])
    hasil = validasi_frame(frame)
    assert hasil.minggu == dt.date(2026, 11, 23)
    assert hasil.data["gerai_aktif"].tolist() == [0, 1, 2, 3]
    assert hasil.data["kode_desa"].str.startswith("52.").all()


# --------------------------------------------------------------------------- properties of the parsers

def _ribuan(n: int, pemisah: str) -> str:
    return f"{n:,}".replace(",", pemisah)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=10**13), pemisah=st.sampled_from([".", ","]),
       rp=st.sampled_from(["", "Rp ", "Rp", "rp. "]))
def test_int_with_thousands_separators_reads_back(n, pemisah, rp):
    teks = rp + _ribuan(n, pemisah)
    assert snapshot.baca_angka(pd.Series([teks]), bulat=True).iloc[0] == n


@settings(max_examples=200, deadline=None)
@given(sen=st.integers(min_value=-10**9, max_value=10**9))
def test_indonesian_decimal_number_reads_back(sen):
    x = sen / 100
    indonesia = f"{x:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")  # 1.234,56
    inggris = f"{x:,.2f}"  # 1,234.56
    polos_koma = f"{x:.2f}".replace(".", ",")  # 1234,56
    hasil = snapshot.baca_angka(pd.Series([indonesia, inggris, polos_koma]))
    assert hasil.tolist() == pytest.approx([x, x, x])


@settings(max_examples=200, deadline=None)
@given(ejaan=st.sampled_from(list(snapshot._PETA_LOGIKA.items())), besar=st.lists(st.booleans(), min_size=12,
                                                                                  max_size=12),
       kiri=st.sampled_from(["", " ", "  "]), kanan=st.sampled_from(["", " ", "\t"]))
def test_bool_spelling_in_any_case_with_spaces_reads_back(ejaan, besar, kiri, kanan):
    teks, harap = ejaan
    acak = "".join(c.upper() if b else c for c, b in zip(teks, besar + [False] * len(teks)))
    assert snapshot.baca_logika(pd.Series([kiri + acak + kanan])).iloc[0] == harap


@settings(max_examples=100, deadline=None)
@given(teks=st.text(max_size=12))
def test_number_parser_never_raises(teks):
    hasil = snapshot.baca_angka(pd.Series([teks]), bulat=True)
    assert len(hasil) == 1 and (pd.isna(hasil.iloc[0]) or isinstance(int(hasil.iloc[0]), int))
