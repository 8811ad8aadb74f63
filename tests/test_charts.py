"""The area views' Vega-Lite charts: what a reader sees (order, Indonesian numbers and months,
the click that opens an area), read from the spec the builders return."""

from __future__ import annotations

import pandas as pd

from kdkmp import charts


def anak() -> pd.DataFrame:
    # Three kabupaten worked by hand: merah shares 10/50 = 20 %, 30/60 = 50 %, 5/50 = 10 %; a fourth
    # without koperasi is left out of the chart.
    return pd.DataFrame({
        "kode": ["52.01", "52.02", "52.03", "52.04"], "nama": ["A", "B", "C", "D"],
        "jumlah": [50, 1200, 50, 0], "hijau": [10, 20, 15, 0], "kuning": [30, 10, 30, 0], "merah": [10, 30, 5, 0],
        "tidak_melapor": [0, 1140, 0, 0], "persen_merah": [20.0, 50.0, 10.0, None]})


def test_zone_bars_put_the_largest_share_of_merah_on_top_and_open_an_area_on_click():
    spek = charts.batang_zona_per_wilayah(anak(), "Zona per kabupaten", pilih="buka")
    data = spek["data"]["values"].to_pandas()
    urutan = data.drop_duplicates("baris").sort_values("urut_baris")["baris"].tolist()
    assert urutan == ["B", "A", "C"]
    b = data[data["baris"] == "B"].set_index("kategori")
    assert b.loc["Tidak melapor", "jumlah_teks"] == "1.140" and b.loc["Merah", "persen_merah_teks"] == "50,0 %"
    assert spek["params"] == [{"name": "buka", "select": {"type": "point", "fields": ["kode"]}}]
    assert set(data["kode"]) == {"52.01", "52.02", "52.03"}


def test_the_transition_matrix_greys_the_diagonal_and_keeps_every_count():
    transisi = pd.DataFrame({"zona_lalu": ["merah", "merah", "kuning"], "zona_kini": ["merah", "kuning", "merah"],
                             "jumlah": [1500, 28, 26]})
    sel = charts.matriks_transisi(transisi)["data"]["values"].to_pandas().set_index(["lalu", "kini"])
    assert sel.loc[("Merah (lalu)", "Merah"), "pindah"] == 0
    assert sel.loc[("Merah (lalu)", "Merah"), "jumlah_teks"] == "1.500"
    assert sel.loc[("Merah (lalu)", "Kuning"), "pindah"] == 28 and sel.loc[("Kuning (lalu)", "Merah"), "pindah"] == 26


def test_axes_speak_indonesian():
    lokal = charts.KONFIGURASI_VEGA["locale"]
    assert (lokal["number"]["decimal"], lokal["number"]["thousands"]) == (",", ".")
    assert lokal["time"]["shortMonths"][7] == "Agu" and lokal["time"]["days"][0] == "Minggu"


def test_a_long_title_is_written_in_lines_not_cut():
    assert charts._baris_judul("Zona per kabupaten/kota (persentase merah tertinggi di atas)") == [
        "Zona per kabupaten/kota", "(persentase merah tertinggi di", "atas)"]


def test_a_koperasi_s_history_breaks_its_line_at_a_silent_week_and_marks_its_follow_up():
    # Four weeks by hand: merah 40,0; silent (no score); kuning 55,5 with two follow-up changes; hijau 70,0.
    riwayat = pd.DataFrame({
        "minggu": pd.to_datetime(["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]),
        "zona": ["merah", "tidak_melapor", "kuning", "hijau"], "skor_total": [40.0, None, 55.5, 70.0],
        "tindak_lanjut": ["", "", "Verifikasi lahan: dicatat (oleh sari)\nSurvei: dicatat (oleh ani)", ""],
        "jumlah_perubahan": [0, 0, 2, 0]})
    spek = charts.riwayat_zona(riwayat, "Riwayat zona")
    data = spek["data"]["values"].to_pandas()
    assert data["minggu_teks"].tolist() == ["26 Okt 2026", "2 Nov 2026", "9 Nov 2026", "16 Nov 2026"]
    assert data["skor"].isna().tolist() == [False, True, False, False]  # the line's gap
    assert data["tinggi"].tolist() == [40.0, -3.0, 55.5, 70.0]  # the silent week's cross on the floor
    bentuk = spek["layer"][1]["encoding"]["shape"]["scale"]
    assert dict(zip(bentuk["domain"], bentuk["range"])) == {
        "Hijau": "circle", "Kuning": "circle", "Merah": "circle", "Tidak melapor": "cross"}
    assert data["skor_teks"].tolist() == ["40,0", "–", "55,5", "70,0"]
    # that Vega really breaks the line there is checked where it draws it, in Chromium (test_e2e.py)
    _, titik, tindak = spek["layer"]
    warna = titik["encoding"]["color"]["scale"]
    assert dict(zip(warna["domain"], warna["range"])) == {
        "Hijau": "#2e7d32", "Kuning": "#f9a825", "Merah": "#c62828", "Tidak melapor": "#9e9e9e"}
    assert tindak["transform"][0] == {"filter": "datum.berubah > 0"}
    assert data.loc[data["berubah"] > 0, "tindak_lanjut"].tolist() == [
        "Verifikasi lahan: dicatat (oleh sari) · Survei: dicatat (oleh ani)"]
    # without any change, no ▼ layer
    assert len(charts.riwayat_zona(riwayat.assign(jumlah_perubahan=0, tindak_lanjut=""))["layer"]) == 2


def test_the_reporting_heatmap_has_a_cell_per_province_and_week_coloured_from_red_to_green():
    # Two provinces by hand: A 40 of 50 desa (80,0 %) then 50 of 50; B none of 20, then 19 of 20 (95,0 %).
    tingkat = pd.DataFrame({
        "kode": ["61", "61", "52", "52"], "nama": ["B", "B", "A", "A"],
        "minggu": pd.to_datetime(["2026-11-09", "2026-11-16"] * 2),
        "melapor": [0, 19, 40, 50], "diharapkan": [20, 20, 50, 50], "tingkat_lapor": [0.0, 95.0, 80.0, 100.0]})
    spek = charts.peta_panas_tingkat_lapor(tingkat)
    sel = spek["data"]["values"].to_pandas().set_index(["provinsi", "minggu_teks"])
    assert len(sel) == 4
    assert sel.loc[("A", "9 Nov 2026"), ["tingkat_sel", "tingkat_teks", "lapor_teks"]].tolist() == [
        "80", "80,0 %", "40 dari 50"]
    assert sel.loc[("B", "16 Nov 2026"), "lapor_teks"] == "19 dari 20"
    warna = spek["layer"][0]["encoding"]["color"]["scale"]
    assert warna == {"domain": [0, 80, 100], "range": ["#c62828", "#f9a825", "#2e7d32"]}  # merah, kuning, hijau
    assert spek["encoding"]["y"]["sort"] == "ascending"  # A above B


def test_week_axes_tick_the_data_weeks_the_latest_always_labelled():
    # 26 Monday weeks 25 May … 16 Nov 2026 (Vega-Lite's own ticks fell on Sundays or the 1st of a month)
    minggu = pd.date_range("2026-05-25", periods=26, freq="7D")
    tren = pd.DataFrame({"minggu": minggu.repeat(2), "zona": ["merah", "hijau"] * 26, "jumlah": 1})
    riwayat = pd.DataFrame({"minggu": minggu, "zona": "merah", "skor_total": 40.0})
    for spek in (charts.garis_tren_zona(tren), charts.riwayat_zona(riwayat)):
        tik = [pd.Timestamp(year=t["year"], month=t["month"], day=t["date"]) for t in spek["encoding"]["x"]["axis"]["values"]]
        # 26 weeks in at most 8 ticks: every ceil(26 / 8) = 4th, back from 16 Nov
        assert [t.date().isoformat() for t in tik] == ["2026-06-01", "2026-06-29", "2026-07-27", "2026-08-24",
                                                       "2026-09-21", "2026-10-19", "2026-11-16"]
        assert all(t.day_of_week == 0 for t in tik)  # Mondays, the data weeks
    # four weeks: each one its own tick
    empat = charts.riwayat_zona(riwayat.head(4))["encoding"]["x"]["axis"]["values"]
    assert [(t["month"], t["date"]) for t in empat] == [(5, 25), (6, 1), (6, 8), (6, 15)]
