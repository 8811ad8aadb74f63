"""Numbers and dates in the Indonesian way."""

from datetime import date, datetime, timezone

import pytest

from kdkmp import format as fmt


@pytest.mark.parametrize("nilai, desimal, teks", [
    (0, 0, "0"), (999, 0, "999"), (1234, 0, "1.234"), (1234567, 0, "1.234.567"),
    (12.5, 1, "12,5"), (1234.56, 2, "1.234,56"), (-1234, 0, "-1.234"), (None, 0, "–"), (float("nan"), 1, "–"),
])
def test_angka(nilai, desimal, teks):
    assert fmt.angka(nilai, desimal) == teks


@pytest.mark.parametrize("nilai, desimal, teks", [
    (12.5, 2, "12,5"), (20.0, 2, "20"), (0.125 * 100, 2, "12,5"), (-11.5, 1, "-11,5"), (1500000, 1, "1.500.000"),
    (12.04, 1, "12"),
])
def test_angka_ringkas_drops_trailing_zeros(nilai, desimal, teks):
    assert fmt.angka(nilai, desimal, ringkas=True) == teks


def test_angka_without_thousands_separator_spells_as_duckdbs_printf():
    assert fmt.angka(1234.5, 1, ribuan=False) == "1234,5"


@pytest.mark.parametrize("nilai, desimal, teks", [(2.675, 2, "2,67"), (0.125, 2, "0,12"), (12.25, 1, "12,2"), (0.5, 0, "0")])
def test_angka_rounds_as_python_and_printf_do(nilai, desimal, teks):
    # the exact binary value, half to even: what DuckDB's printf gives for sentences built in SQL
    assert fmt.angka(nilai, desimal) == teks == f"{nilai:.{desimal}f}".replace(".", ",")


@pytest.mark.parametrize("desimal", [0, 1, 2])
def test_angka_kolom_is_angka_for_a_whole_column(desimal):
    nilai = [0, 7, 999.5, 1234, -1234.56, 1234567.891, 2.675, 0.125, None, float("nan"), 10**12 + 0.5]
    assert fmt.angka_kolom(nilai, desimal) == [fmt.angka(v, desimal) for v in nilai]


@pytest.mark.parametrize("pembilang, penyebut, teks", [(1, 8, "12,5 %"), (454, 1166, "38,9 %"), (0, 5, "0,0 %"), (3, 0, "–")])
def test_rasio_persen(pembilang, penyebut, teks):
    assert fmt.rasio_persen(pembilang, penyebut) == teks


@pytest.mark.parametrize("nilai, teks", [(12, "+12"), (-1234, "−1.234"), (0, "±0"), (None, "–")])
def test_selisih(nilai, teks):
    assert fmt.selisih(nilai) == teks


def test_selisih_with_decimals():
    assert (fmt.selisih(2.5, 1), fmt.selisih(-1234.25, 2), fmt.selisih(float("nan"))) == ("+2,5", "−1.234,25", "–")


def test_tanggal_and_waktu():
    assert fmt.tanggal(date(2026, 8, 17)) == "17 Agu 2026"
    assert fmt.tanggal(datetime(2026, 10, 5, 23, 59)) == "5 Okt 2026" and fmt.tanggal(None) == "–"
    # 02:05 UTC is 09:05 in Jakarta; 23:30 UTC is already the next day there
    assert fmt.waktu(datetime(2026, 11, 16, 2, 5, tzinfo=timezone.utc)) == "16 Nov 2026 09:05 WIB"
    assert fmt.waktu(datetime(2026, 11, 15, 23, 30, tzinfo=timezone.utc)) == "16 Nov 2026 06:30 WIB"
    assert fmt.waktu(None) == "–"


def test_a_naive_time_is_the_servers_local_time_shown_in_wib(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert fmt.waktu(datetime(2026, 11, 16, 2, 5)) == "16 Nov 2026 09:05 WIB"
        monkeypatch.setenv("TZ", "Asia/Makassar")  # a server set to WITA (UTC+8)
        time.tzset()
        assert fmt.waktu(datetime(2026, 11, 16, 10, 5)) == "16 Nov 2026 09:05 WIB"
    finally:
        monkeypatch.undo()
        time.tzset()
