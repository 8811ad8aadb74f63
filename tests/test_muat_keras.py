"""Weekly load hardening (issue 9): each file is built the way an office makes it, and each
expected value is worked out by hand beside the test."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from kdkmp import kontrak, snapshot
from kdkmp.snapshot import FileDitolak, baca_snapshot, validasi_frame
from tests.snapshot_factory import MINGGU_CONTOH, frame_contoh

DATA = Path(__file__).parent / "data" / "snapshot"
# A fixed "today" one week after the sample week, so that the bounds do not move with the calendar.
BATAS = kontrak.BatasTanggal(minggu_paling_awal=dt.date(2025, 3, 24), hari_ke_depan=7,
                             hari_ini=MINGGU_CONTOH + dt.timedelta(days=7))


def csv_dari(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.to_csv(index=False, **kwargs).encode("utf-8")


def baca_csv(isi: bytes, **kwargs) -> snapshot.HasilBaca:
    return baca_snapshot(isi, nama_file="minggu.csv", batas=BATAS, **kwargs)


# --------------------------------------------------------------------------- 1. the rejects file, uploaded again

def test_rejects_file_fixed_and_uploaded_again_loads_the_fixed_rows():
    # five rows; rows 3 and 5 (file rows) have an unknown status_lahan
    frame = frame_contoh(5, status_lahan=["siap", "sengketa", "siap", "lupa", "siap"])
    pertama = baca_csv(csv_dari(frame), batas_tolak=0.5)
    assert pertama.data["baris"].tolist() == [2, 4, 6]
    penolakan = pd.read_csv(io.BytesIO(pertama.file_penolakan()), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    assert list(penolakan.columns) == ["baris", *kontrak.NAMA_KOLOM, "alasan_penolakan"]
    assert penolakan["baris"].tolist() == ["3", "5"]

    # the office fixes the two values and uploads the rejects file as it is
    penolakan["status_lahan"] = "verifikasi"
    kedua = baca_csv(csv_dari(penolakan))
    assert kedua.baris_dimuat == 2 and kedua.baris_ditolak == 0
    assert kedua.data["kode_koperasi"].tolist() == frame["kode_koperasi"].iloc[[1, 3]].tolist()
    assert kedua.kolom_tambahan == ["baris", "alasan_penolakan"]


def test_rejects_file_rejected_again_keeps_the_earlier_row_numbers_and_reasons():
    frame = frame_contoh(4, status_lahan=["siap", "sengketa", "siap", "siap"], gerai_aktif=[0, 0, 9, 0])
    pertama = baca_csv(csv_dari(frame), batas_tolak=1.0)
    penolakan = pd.read_csv(io.BytesIO(pertama.file_penolakan()), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    penolakan.loc[0, "status_lahan"] = "siap"  # only the first of the two is fixed
    kedua = baca_csv(csv_dari(penolakan), batas_tolak=1.0)
    ulang = pd.read_csv(io.BytesIO(kedua.file_penolakan()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    # this file's row number first, the earlier ones kept under another name, the new reason last
    assert ulang.columns[0] == "baris" and ulang.columns[-1] == "alasan_penolakan"
    assert ulang["baris"].tolist() == ["3"]
    assert ulang["baris (sebelumnya)"].tolist() == ["4"]
    assert ulang["alasan_penolakan (sebelumnya)"].tolist() == ["gerai_aktif: di luar rentang 0 sampai 7"]
    assert ulang["alasan_penolakan"].tolist() == ["gerai_aktif: di luar rentang 0 sampai 7"]


@pytest.mark.parametrize("format_", ["csv", "xlsx", "parquet"])
def test_a_user_column_named_baris_or_alasan_penolakan_is_never_overwritten(format_, tmp_path):
    frame = frame_contoh(3, gerai_aktif=["0", "8", "0"])
    frame.insert(0, "baris", ["a", "b", "c"])
    frame["alasan_penolakan"] = ["catatan 1", "catatan 2", "catatan 3"]
    path = tmp_path / f"minggu.{format_}"
    if format_ == "csv":
        path.write_bytes(csv_dari(frame))
    elif format_ == "xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    hasil = baca_snapshot(path, batas=BATAS, batas_tolak=0.5)
    assert hasil.data["baris"].tolist() == [2, 4]
    tabel = pd.read_csv(io.BytesIO(hasil.file_penolakan()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert tabel["baris"].tolist() == ["3"]
    assert tabel["baris (sebelumnya)"].tolist() == ["b"]
    assert tabel["alasan_penolakan (sebelumnya)"].tolist() == ["catatan 2"]
    assert tabel["alasan_penolakan"].tolist() == ["gerai_aktif: di luar rentang 0 sampai 7"]


# --------------------------------------------------------------------------- 2. encodings decided with evidence

NAMA_BERAKSEN = "Koperasi Désa Ñagi’s – Sukamaju"


def test_one_stray_byte_in_a_utf8_file_rejects_its_row_and_keeps_every_name():
    frame = frame_contoh(6, nama_koperasi=NAMA_BERAKSEN)
    isi = csv_dari(frame)
    baris_4 = isi.split(b"\n")[3]
    rusak = isi.replace(baris_4, baris_4.replace(b"Sukamaju", b"Suka\xffmaju"), 1)
    hasil = baca_csv(rusak)
    assert hasil.data["nama_koperasi"].tolist() == [NAMA_BERAKSEN] * 5  # not "DÃ©sa"
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [[4, "nama_koperasi"]]
    assert hasil.ditolak["alasan"].iloc[0].startswith("berisi karakter rusak")


def test_a_utf8_file_cut_in_the_middle_of_a_character_rejects_only_the_last_row():
    frame = frame_contoh(6, nama_koperasi=NAMA_BERAKSEN)
    frame = frame[[c for c in frame.columns if c != "nama_koperasi"] + ["nama_koperasi"]]  # name last
    isi = csv_dari(frame).rstrip(b"\n")
    potong = isi[:isi.rindex("’".encode()) + 1]  # the first byte of a three-byte character
    hasil = baca_csv(potong)
    assert hasil.baris_dimuat == 5 and hasil.ditolak["baris"].tolist() == [7]
    assert hasil.data["nama_koperasi"].tolist() == [NAMA_BERAKSEN] * 5


def test_a_windows_1252_file_is_still_read_as_windows_1252():
    frame = frame_contoh(3, nama_koperasi=NAMA_BERAKSEN)
    hasil = baca_csv(frame.to_csv(index=False, sep=";").encode("cp1252"))
    assert hasil.data["nama_koperasi"].tolist() == [NAMA_BERAKSEN] * 3


def test_bytes_neither_utf8_nor_windows_1252_refuse_the_file_naming_the_line():
    isi = csv_dari(frame_contoh(3)).replace(b"Merah Putih", b"Merah \x81Putih", 1)  # 0x81: undefined in cp1252
    with pytest.raises(FileDitolak, match=r"byte 0x81 di baris 2\)"):
        baca_csv(isi)


# --------------------------------------------------------------------------- 3./4. dates and weeks within bounds

@pytest.mark.parametrize("tanggal", ["9999-12-31", "2062-11-14", "2026-11-23"])
def test_laporan_terakhir_after_the_week_rejects_the_row(tanggal):
    # the week of 2026-11-16 ends on Sunday 2026-11-22
    frame = frame_contoh(2, laporan_terakhir=[tanggal, "2026-11-22"])
    hasil = baca_csv(csv_dari(frame), batas_tolak=1.0)
    assert hasil.data["baris"].tolist() == [3]
    assert hasil.ditolak["alasan"].tolist() == [
        "setelah akhir minggu data (22 Nov 2026); laporan terakhir tidak boleh lebih baru dari minggu yang dilaporkan"]


def test_laporan_terakhir_before_the_programme_rejects_the_row():
    hasil = baca_csv(csv_dari(frame_contoh(2, laporan_terakhir=["2025-03-23", "2025-03-24"])), batas_tolak=1.0)
    assert hasil.ditolak["alasan"].tolist() == ["sebelum program KDKMP dimulai (24 Mar 2025)"]


@pytest.mark.parametrize("tanggal, pesan", [
    ("0001-01-01", "Minggu data 1 Jan 1 sebelum program KDKMP dimulai (paling awal minggu 24 Mar 2025)"),
    ("2025-03-23", "Minggu data 17 Mar 2025 sebelum program KDKMP dimulai"),
    ("2099-11-16", "Tanggal data 16 Nov 2099 berada di masa depan (paling lambat 30 Nov 2026, yaitu hari ini + 7 hari)"),
    ("9999-12-27", "Tanggal data 27 Des 9999 berada di masa depan"),
    ("2026-12-01", "Tanggal data 1 Des 2026 berada di masa depan"),
])
def test_impossible_weeks_are_refused(tanggal, pesan):
    with pytest.raises(FileDitolak, match=pesan.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        baca_csv(csv_dari(frame_contoh(2, tanggal_data=tanggal, laporan_terakhir=None)))


def test_the_last_allowed_day_loads():
    hasil = baca_csv(csv_dari(frame_contoh(2, minggu=dt.date(2026, 11, 30), tanggal_data="2026-11-30")))
    assert hasil.minggu == dt.date(2026, 11, 30)


def test_a_week_given_by_the_caller_is_bounded_too():
    frame = frame_contoh(2).drop(columns="tanggal_data")
    with pytest.raises(FileDitolak, match="Tanggal data 16 Nov 2099 berada di masa depan"):
        baca_csv(csv_dari(frame), minggu=dt.date(2099, 11, 18))


def test_bounds_come_from_config_muat_yaml(tmp_path):
    bawaan = kontrak.muat_batas()
    assert (bawaan.minggu_paling_awal, bawaan.hari_ke_depan) == (dt.date(2025, 3, 24), 7)
    lain = tmp_path / "muat.yaml"
    lain.write_text('minggu_paling_awal: "2026-01-05"\nhari_ke_depan: 0\n')
    assert kontrak.muat_batas(lain) == kontrak.BatasTanggal(dt.date(2026, 1, 5), 0)


@pytest.mark.parametrize("isi, pesan", [
    ('minggu_paling_awal: "kemarin"\n', "minggu_paling_awal 'kemarin' bukan tanggal YYYY-MM-DD"),
    ("hari_ke_depan: -1\n", "hari_ke_depan harus bilangan bulat 0 sampai 366"),
    ("hari_kedepan: 3\n", "kunci tidak dikenal: hari_kedepan"),
])
def test_a_wrong_bounds_file_is_named(tmp_path, isi, pesan):
    salah = tmp_path / "muat.yaml"
    salah.write_text(isi)
    with pytest.raises(kontrak.BatasTidakValid, match=pesan):
        kontrak.muat_batas(salah)


# --------------------------------------------------------------------------- 6. valid files read right

def test_a_140000_character_name_in_an_early_row_loads():
    nama = "Koperasi " + "x" * 140_000
    hasil = baca_csv(csv_dari(frame_contoh(3, nama_koperasi=["a", nama, "b"])))
    assert hasil.baris_dimuat == 3 and len(hasil.data["nama_koperasi"].iloc[1]) == 140_009


def test_a_quoted_line_break_in_a_title_row_above_the_header():
    judul = '"LAPORAN MINGGUAN KDKMP\nPROVINSI NTB"\n\n'
    hasil = baca_csv(judul.encode() + csv_dari(frame_contoh(2)))
    # records as a spreadsheet shows them: title (1), blank (2), header (3), data (4, 5)
    assert hasil.data["baris"].tolist() == [4, 5]
    assert hasil.data["kode_koperasi"].tolist() == frame_contoh(2)["kode_koperasi"].tolist()


def test_old_mac_line_endings_carriage_return_only():
    hasil = baca_csv(csv_dari(frame_contoh(3)).replace(b"\n", b"\r"))
    assert hasil.baris_dimuat == 3 and hasil.data["baris"].tolist() == [2, 3, 4]


def test_an_unclosed_quote_names_its_row_in_indonesian():
    isi = csv_dari(frame_contoh(3))
    baris = isi.split(b"\n")
    baris[3] = baris[3].replace(b"Koperasi", b'"Koperasi', 1)  # file row 4
    with pytest.raises(FileDitolak) as e:
        baca_csv(b"\n".join(baris))
    assert str(e.value) == ('Tanda kutip (") yang dibuka di baris 4 tidak pernah ditutup sampai akhir file; '
                            "perbaiki sel itu lalu unggah ulang.")


# --------------------------------------------------------------------------- 8. smaller ones

def test_a_nul_byte_far_into_the_file_rejects_its_row():
    frame = frame_contoh(600)
    isi = csv_dari(frame)
    assert len(isi) > 65536 * 1.5
    posisi = isi.index(b"\n", 100_000) + 1
    baris_nul = isi[:posisi].count(b"\n") + 1  # the file row starting there
    akhir = isi.index(b"\n", posisi)
    isi = isi[:posisi] + isi[posisi:akhir].replace(b"Koperasi", b"Kope\x00rasi", 1) + isi[akhir:]
    hasil = baca_csv(isi)
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [[baris_nul, "nama_koperasi"]]
    assert not hasil.data["nama_koperasi"].str.contains("\x00").any()


@pytest.mark.parametrize("mentah", ["99999999999999999999", str(2**63), "1e19", str(2**53 + 1), str(2**53)])
def test_whole_numbers_beyond_two_to_the_53_are_too_large_not_negative(mentah):
    hasil = validasi_frame(frame_contoh(2, omzet_bulanan=[mentah, "0"]), batas_tolak=1.0, batas=BATAS)
    assert hasil.ditolak["alasan"].tolist() == ["angka terlalu besar (paling besar 9.007.199.254.740.991)"]


def test_the_largest_exact_whole_number_loads_exactly():
    hasil = validasi_frame(frame_contoh(1, omzet_bulanan="9007199254740991"), batas=BATAS)
    assert int(hasil.data["omzet_bulanan"].iloc[0]) == 9_007_199_254_740_991


def test_kode_koperasi_in_lower_case_is_the_same_koperasi():
    frame = frame_contoh(2)
    frame.loc[1, "kode_koperasi"] = " " + frame.loc[0, "kode_koperasi"].lower() + " "
    hasil = validasi_frame(frame, batas_tolak=1.0, batas=BATAS)
    assert hasil.data["kode_koperasi"].tolist() == [frame.loc[0, "kode_koperasi"]]
    assert hasil.ditolak["alasan"].tolist() == ["kode_koperasi ganda, sudah ada di baris 2"]
    kecil = validasi_frame(frame.iloc[[1]], batas=BATAS)
    assert kecil.data["kode_koperasi"].tolist() == [frame.loc[0, "kode_koperasi"]]


# --------------------------------------------------------------------------- messages, exact and Indonesian

def test_many_duplicates_are_counted_as_one_kind_of_problem():
    frame = frame_contoh(100)
    frame = pd.concat([frame, frame], ignore_index=True)  # rows 102-201 repeat rows 2-101
    with pytest.raises(FileDitolak) as e:
        validasi_frame(frame, batas=BATAS)
    assert "masalah terbanyak kode_koperasi: kode_koperasi ganda (100 baris)" in str(e.value)


def test_every_row_rejected_is_refused_even_when_the_limit_allows_it():
    with pytest.raises(FileDitolak, match=r"^Tidak ada baris yang bisa dimuat: semua 2 baris ditolak") as e:
        validasi_frame(frame_contoh(2, gerai_aktif="9"), batas_tolak=1.0, batas=BATAS)
    assert e.value.hasil is not None and e.value.hasil.baris_ditolak == 2


@pytest.mark.parametrize("batas_tolak", [-1, 1.5, float("nan")])
def test_a_reject_limit_outside_0_to_1_is_a_programming_error(batas_tolak):
    with pytest.raises(ValueError):
        validasi_frame(frame_contoh(1), batas_tolak=batas_tolak, batas=BATAS)


def xlsx(path: Path, lembar: dict[str, pd.DataFrame], tersembunyi: tuple[str, ...] = ()) -> Path:
    import openpyxl

    buku = openpyxl.Workbook()
    buku.remove(buku.active)
    for nama, frame in lembar.items():
        ws = buku.create_sheet(nama)
        ws.append(list(frame.columns))
        for baris in frame.itertuples(index=False):
            ws.append(list(baris))
        if nama in tersembunyi:
            ws.sheet_state = "hidden"
    buku.save(path)
    return path


def test_a_hidden_first_sheet_is_skipped_and_the_sheet_read_is_named(tmp_path):
    sampul = pd.DataFrame({"Petunjuk": ["isi lembar Data"]})
    path = xlsx(tmp_path / "m.xlsx", {"Rahasia": sampul, "Data": frame_contoh(2)}, tersembunyi=("Rahasia",))
    hasil = baca_snapshot(path, batas=BATAS)
    assert hasil.baris_dimuat == 2 and hasil.lembar == "Data"


def test_data_on_a_second_sheet_is_refused_naming_the_sheets(tmp_path):
    sampul = pd.DataFrame({"Petunjuk": ["isi lembar Data"]})
    path = xlsx(tmp_path / "m.xlsx", {"Rahasia": sampul, "Sampul": sampul, "Data": frame_contoh(2)},
                tersembunyi=("Rahasia",))
    with pytest.raises(FileDitolak) as e:
        baca_snapshot(path, batas=BATAS)
    assert ("(lembar yang dibaca: 'Sampul'; lembar di file: Rahasia (tersembunyi), Sampul, Data); pilih lembar "
            "lain dengan --sheet atau kolom 'Nama sheet'.") in str(e.value)
    assert baca_snapshot(path, sheet="Data", batas=BATAS).baris_dimuat == 2


def test_formulas_without_values_and_excel_errors_are_named(tmp_path):
    import openpyxl

    path = xlsx(tmp_path / "m.xlsx", {"Data": frame_contoh(3)})
    buku = openpyxl.load_workbook(path)
    ws = buku["Data"]
    kolom = {c.value: c.column_letter for c in ws[1]}
    ws[f"{kolom['jumlah_anggota']}2"] = "=10+15"  # openpyxl stores formulas without a value
    ws[f"{kolom['gerai_aktif']}3"] = "#N/A"
    ws[f"{kolom['gerai_aktif']}3"].data_type = "e"
    buku.save(path)
    hasil = baca_snapshot(path, batas=BATAS, batas_tolak=1.0)
    assert hasil.data["baris"].tolist() == [4]
    alasan = dict(zip(hasil.ditolak["kolom"], hasil.ditolak["alasan"]))
    assert alasan == {
        "jumlah_anggota": "sel berisi rumus tanpa nilai tersimpan (file dibuat program dan belum dihitung); "
                          "buka di Excel lalu simpan ulang agar nilainya dihitung",
        "gerai_aktif": "sel berisi galat Excel #N/A (rumus yang gagal); isi nilainya atau perbaiki rumusnya"}


def test_a_parquet_list_column_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tabel = pa.Table.from_pandas(frame_contoh(2), preserve_index=False)
    tabel = tabel.set_column(tabel.schema.get_field_index("kendala_utama"), "kendala_utama",
                             pa.array([["lahan"], ["cuaca", "lahan"]]))
    pq.write_table(tabel, tmp_path / "m.parquet")
    with pytest.raises(FileDitolak, match="^Kolom 'kendala_utama' di file Parquet berisi daftar atau struktur, "
                                          "bukan satu nilai per sel"):
        baca_snapshot(tmp_path / "m.parquet", batas=BATAS)


def test_a_parquet_file_with_a_repeated_column_uses_the_first(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = frame_contoh(2)
    tabel = pa.Table.from_pandas(frame, preserve_index=False)
    tabel = tabel.append_column("nama_koperasi", pa.array(["lain", "lain"]))
    pq.write_table(tabel, tmp_path / "m.parquet")
    hasil = baca_snapshot(tmp_path / "m.parquet", batas=BATAS)
    assert hasil.data["nama_koperasi"].tolist() == frame["nama_koperasi"].tolist()
    assert hasil.kolom_tambahan == ["nama_koperasi"]


# --------------------------------------------------------------------------- 3. a future date through the rules

def test_a_future_report_date_stored_before_the_fix_does_not_keep_a_silent_koperasi_out_of_merah(tmp_path):
    from kdkmp import rules
    from tests.test_rules import W0, baris_baik, db, minggu, riwayat, zona_dari

    # A and B report in week 0 only; A's report carries 2062-11-14 (a typo that loaded before the
    # reader refused it). C reports every week, so weeks 1-4 exist.
    baris = [baris_baik("A", W0, laporan_terakhir=dt.date(2062, 11, 14)), baris_baik("B", W0)] + riwayat("C", 5)
    con = db(tmp_path, baris)
    rules.skor(con, rules.muat_aturan())
    # B reported on W0: 7 days grey, 14 kuning, 21 merah (zones.yaml gates).
    assert [zona_dari(con, "B", minggu(i)) for i in range(5)] == [
        "hijau", "tidak_melapor", "kuning", "merah", "merah"]
    # A's date counts as the end of week 0 (W0 + 6): 8 days at week 2, 15 at week 3, 22 at week 4.
    assert [zona_dari(con, "A", minggu(i)) for i in range(5)] == [
        "hijau", "tidak_melapor", "tidak_melapor", "kuning", "merah"]


def test_duplicates_beside_an_empty_code_name_the_first_row():
    # found by the damage property test: an empty kode_koperasi made the row lookup a float index
    frame = frame_contoh(4)
    frame.loc[2, "kode_koperasi"] = frame.loc[1, "kode_koperasi"]
    frame.loc[3, "kode_koperasi"] = ""
    hasil = validasi_frame(frame, batas_tolak=1.0, batas=BATAS)
    assert dict(zip(hasil.ditolak["baris"], hasil.ditolak["alasan"])) == {
        4: "kode_koperasi ganda, sudah ada di baris 3", 5: "kolom wajib kosong"}


def test_a_parquet_text_column_with_bytes_that_are_not_utf8_rejects_those_rows(tmp_path):
    # found by the damage property test: one flipped byte in a Parquet page made the whole
    # column fail to convert
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = frame_contoh(3)
    tabel = pa.Table.from_pandas(frame, preserve_index=False)
    nama = [n.encode() for n in frame["nama_koperasi"]]
    nama[1] = nama[1].replace(b"Merah", b"Me\xffah")
    biner = pa.array(nama, type=pa.binary())
    rusak = pa.Array.from_buffers(pa.string(), len(biner), biner.buffers())  # no UTF-8 check on the way
    tabel = tabel.set_column(tabel.schema.get_field_index("nama_koperasi"), "nama_koperasi", rusak)
    pq.write_table(tabel, tmp_path / "m.parquet", use_dictionary=False)
    hasil = baca_snapshot(tmp_path / "m.parquet", batas=BATAS, batas_tolak=0.5)
    assert hasil.data["baris"].tolist() == [2, 4]
    assert hasil.ditolak[["baris", "kolom"]].values.tolist() == [[3, "nama_koperasi"]]


# --------------------------------------------------------------------------- a partial file as the latest week

TERAKHIR = {"minggu": dt.date(2026, 11, 16), "batch_id": 1, "baris": 79_618}  # queries.cap_data


@pytest.mark.parametrize("minggu, baris, peringatan", [
    (dt.date(2026, 11, 23), 1_166, True),      # one province's file for a new week
    (dt.date(2026, 11, 23), 39_808, True),     # just under half of 79.618
    (dt.date(2026, 11, 23), 39_809, False),    # half (rounded up): a plausible national week
    (dt.date(2026, 11, 16), 1_166, False),     # the same week: replacing is confirmed separately
    (dt.date(2026, 11, 9), 1_166, False),      # an earlier week never becomes the latest
])
def test_a_much_smaller_file_that_would_become_the_latest_week_is_warned_about(minggu, baris, peringatan):
    from kdkmp import ingest

    pesan = ingest.peringatan_cakupan(minggu, baris, TERAKHIR)
    assert (pesan is not None) is peringatan
    if peringatan and baris == 1_166:
        assert pesan == ("File ini hanya berisi 1.166 baris, padahal minggu terakhir (2026-11-16) berisi 79.618 "
                         "laporan. Bila dimuat, minggu 2026-11-23 menjadi minggu terbaru di semua halaman dan koperasi "
                         "lain tampil tidak melapor.")


def test_the_first_week_of_an_empty_database_needs_no_warning():
    from kdkmp import ingest

    assert ingest.peringatan_cakupan(dt.date(2026, 11, 23), 5, None) is None
