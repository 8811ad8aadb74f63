"""Numbers and dates the Indonesian way: 1.234 · 12,5 % · 16 Nov 2026."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

_BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def angka(n: float | int | None, desimal: int = 0) -> str:
    """1234567 -> '1.234.567'; 12.5 with desimal=1 -> '12,5'; None/NaN -> '–'."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    teks = f"{n:,.{desimal}f}"
    return teks.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def persen(bagian: float | None, desimal: int = 1) -> str:
    """A share in percent points: 12.5 -> '12,5 %'."""
    return "–" if bagian is None or (isinstance(bagian, float) and math.isnan(bagian)) else f"{angka(bagian, desimal)} %"


def rasio_persen(pembilang: float, penyebut: float, desimal: int = 1) -> str:
    """count over total as a percentage; '–' when the total is zero."""
    return persen(100 * pembilang / penyebut, desimal) if penyebut else "–"


def selisih(n: float | int | None, desimal: int = 0) -> str:
    """A change with its sign: +12 / −3 / ±0."""
    if n is None:
        return "–"
    if n == 0:
        return "±0"
    return ("+" if n > 0 else "−") + angka(abs(n), desimal)


def tanggal(d: date | datetime | None) -> str:
    """date(2026, 11, 16) -> '16 Nov 2026'."""
    if d is None:
        return "–"
    return f"{d.day} {_BULAN[d.month - 1]} {d.year}"


# The PMO's clock (the audit trail uses it too); Indonesia has no daylight saving.
WIB = timezone(timedelta(hours=7), "WIB")


def waktu(d: datetime | None) -> str:
    """A moment in WIB, said so: '16 Nov 2026 09:05 WIB'. A naive time is the server's local time
    (how the store writes load times), whatever zone the server runs in."""
    if d is None or d != d:  # None, NaN or NaT
        return "–"
    if hasattr(d, "to_pydatetime"):
        d = d.to_pydatetime()
    if d.tzinfo is None:
        d = d.astimezone()  # read as the server's local time
    d = d.astimezone(WIB)
    return f"{tanggal(d)} {d:%H:%M} WIB"
