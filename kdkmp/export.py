"""Exports of exactly what the user filtered: CSV (UTF-8 with BOM, ',' or ';') and XLSX (data
sheet + a sheet stating filters, week, rules version, when and by whom). Pure functions
returning bytes; the page only wraps them in a download button.

Every text cell a spreadsheet would run as a formula (starting with '=', '+', '-', '@', a tab
or a carriage return) is prefixed with an apostrophe, so a koperasi named "=HYPERLINK(…)"
stays text; numbers stay numbers.

The round trip (issue 13): an office fills the action columns of an exported list and uploads it;
`baca_tabel` reads such a file back as text cells, undoing the apostrophe the export put before a
formula-like cell, so a comment "-belum" comes back as it was written.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

_AWAL_RUMUS = ("=", "+", "-", "@", "\t", "\r")


def untuk_orang(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for people: enum codes as Indonesian labels (zona, kendala, tahap, pilar, …) and
    timestamps that are really dates as dates. Tables on screen and exports use this frame."""
    from kdkmp import kontrak
    from kdkmp.kosakata import LABEL_PILAR, LABEL_ZONA

    hasil = df.copy()
    peta = {**kontrak.LABEL_NILAI, "pilar_terlemah": LABEL_PILAR, "pilar": LABEL_PILAR}
    for kolom in hasil.columns:
        seri = hasil[kolom]
        if kolom in peta or kolom.startswith("zona"):
            label = peta.get(kolom, LABEL_ZONA)
            hasil[kolom] = seri.map(lambda v, p=label: p.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_datetime64_any_dtype(seri) and (seri.dropna().dt.normalize() == seri.dropna()).all():
            hasil[kolom] = seri.dt.date
    return hasil


def netralkan(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells that would start a formula are prefixed with "'"; other cells
    (numbers, dates, booleans, missing) are left as they are."""
    hasil = df.copy()
    for kolom in hasil.columns:
        seri = hasil[kolom]
        if seri.dtype == object or pd.api.types.is_string_dtype(seri):
            teks = seri.astype("str")
            bahaya = seri.notna() & teks.str.startswith(_AWAL_RUMUS)
            if bahaya.any():
                hasil[kolom] = seri.astype("object").where(~bahaya, "'" + teks)
    return hasil


def _siapkan(df: pd.DataFrame) -> pd.DataFrame:
    """Lists (e.g. gate ids) become '; '-joined text; then formulas are neutralised."""
    hasil = df.copy()
    for kolom in hasil.columns:
        if hasil[kolom].dtype == object and hasil[kolom].map(lambda v: isinstance(v, (list, tuple))).any():
            hasil[kolom] = hasil[kolom].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return netralkan(hasil)


def ke_csv(df: pd.DataFrame, pemisah: str = ",") -> bytes:
    """CSV with a UTF-8 BOM so Excel opens it in the right encoding; with ';' the decimal
    separator is ',' as Indonesian Excel expects."""
    if pemisah not in (",", ";"):
        raise ValueError("pemisah harus ',' atau ';'")
    teks = _siapkan(df).to_csv(index=False, sep=pemisah, decimal="," if pemisah == ";" else ".",
                               date_format="%Y-%m-%d", lineterminator="\r\n")
    return teks.encode("utf-8-sig")


def ke_xlsx(df: pd.DataFrame, keterangan: dict[str, object]) -> bytes:
    """XLSX with a 'data' sheet (header frozen, filters on) and a 'keterangan' sheet."""
    buf = io.BytesIO()
    data = _siapkan(df)
    meta = netralkan(pd.DataFrame({"Keterangan": list(keterangan), "Nilai": [_teks(v) for v in keterangan.values()]}))
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}) as xl:
        data.to_excel(xl, sheet_name="data", index=False)
        lembar = xl.sheets["data"]
        lembar.freeze_panes(1, 0)
        if len(data.columns):
            lembar.autofilter(0, 0, max(len(data), 1), len(data.columns) - 1)
        for i, kolom in enumerate(data.columns):
            lebar = min(60, max(len(str(kolom)), *(len(str(v)) for v in data[kolom].head(200)))) if len(data) else len(str(kolom))
            lembar.set_column(i, i, lebar + 2)
        meta.to_excel(xl, sheet_name="keterangan", index=False)
        xl.sheets["keterangan"].set_column(0, 0, 28)
        xl.sheets["keterangan"].set_column(1, 1, 80)
    return buf.getvalue()


def _teks(v: object) -> str:
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return "" if v is None else str(v)


def nama_file(zona: str | None, wilayah: str | None, minggu: date, ekstensi: str) -> str:
    """'kdkmp_merah_52.01_2026-11-16.xlsx': what the file holds, safe on every OS."""
    bagian = ["kdkmp", zona or "semua", wilayah or "nasional", minggu.isoformat()]
    return re.sub(r"[^A-Za-z0-9._-]", "_", "_".join(bagian)) + "." + ekstensi.lstrip(".")


class BerkasTidakTerbaca(ValueError):
    """An uploaded file that is not a readable CSV or XLSX; str(e) is one Indonesian sentence."""


def baca_tabel(isi: bytes, nama_file: str) -> pd.DataFrame:
    """A CSV (',' or ';', UTF-8 with or without BOM, else cp1252) or XLSX (sheet 'data', else the
    first) as text cells ('' when empty): whole numbers without '.0', spreadsheet dates as
    YYYY-MM-DD, and the export's "'" before a formula-like cell removed."""
    akhiran = Path(nama_file).suffix.lower()
    if akhiran in (".xlsx", ".xlsm"):
        try:
            lembar = pd.read_excel(io.BytesIO(isi), sheet_name=None, engine="calamine", dtype=object)
        except Exception as e:  # calamine raises its own types for a broken workbook
            raise BerkasTidakTerbaca(f"Berkas {nama_file} bukan XLSX yang dapat dibaca ({type(e).__name__}).") from None
        df = lembar.get("data", next(iter(lembar.values()), pd.DataFrame()))
        df = pd.DataFrame({k: df[k].map(_sel_teks).astype("str") for k in df.columns})
    elif akhiran in (".csv", ".txt"):
        try:
            teks = isi.decode("utf-8-sig")
        except UnicodeDecodeError:
            teks = isi.decode("cp1252", errors="replace")
        kepala = teks.split("\n", 1)[0]
        try:
            df = pd.read_csv(io.StringIO(teks), sep=";" if kepala.count(";") > kepala.count(",") else ",", dtype=str,
                             keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise BerkasTidakTerbaca(f"Berkas {nama_file} bukan CSV yang dapat dibaca: {str(e).splitlines()[0]}.") from None
    else:
        raise BerkasTidakTerbaca(f"Berkas {nama_file} harus berakhiran .csv atau .xlsx.")
    for kolom in df.columns:
        seri = df[kolom].astype("str").str.strip()
        df[kolom] = seri.where(~(seri.str.startswith("'") & seri.str[1:2].isin(_AWAL_RUMUS)), seri.str[1:])
    return df


def _sel_teks(v) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, (datetime, pd.Timestamp)):
        t = pd.Timestamp(v)
        return t.date().isoformat() if t == t.normalize() else t.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
