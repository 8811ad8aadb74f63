"""Numbers and dates in the Indonesian way."""

from datetime import date, datetime

import pytest

from kdkmp import format as fmt


@pytest.mark.parametrize("nilai, desimal, teks", [
    (0, 0, "0"), (999, 0, "999"), (1234, 0, "1.234"), (1234567, 0, "1.234.567"),
    (12.5, 1, "12,5"), (1234.56, 2, "1.234,56"), (-1234, 0, "-1.234"), (None, 0, "–"), (float("nan"), 1, "–"),
])
def test_angka(nilai, desimal, teks):
    assert fmt.angka(nilai, desimal) == teks


@pytest.mark.parametrize("pembilang, penyebut, teks", [(1, 8, "12,5 %"), (454, 1166, "38,9 %"), (0, 5, "0,0 %"), (3, 0, "–")])
def test_rasio_persen(pembilang, penyebut, teks):
    assert fmt.rasio_persen(pembilang, penyebut) == teks


@pytest.mark.parametrize("nilai, teks", [(12, "+12"), (-1234, "−1.234"), (0, "±0"), (None, "–")])
def test_selisih(nilai, teks):
    assert fmt.selisih(nilai) == teks


def test_tanggal_and_waktu():
    assert fmt.tanggal(date(2026, 8, 17)) == "17 Agu 2026"
    assert fmt.waktu(datetime(2026, 11, 16, 9, 5)) == "16 Nov 2026 09:05"
