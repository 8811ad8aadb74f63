r"""Reading and validating one weekly snapshot file (shared/snapshot-contract.md, version 1).

``baca_snapshot`` reads CSV / XLSX / Parquet into a raw frame, ``validasi_frame`` (also used
for frames built in code) turns raw values into typed columns and collects every problem of
every row and column at once, so the user fixes the file in one round.

File-level problems raise ``FileDitolak`` (one Indonesian sentence); row-level problems go to
``HasilBaca.ditolak`` (baris, kolom, nilai, alasan) and the good rows load.

Decisions the contract leaves open, taken here:

* Row numbers (``baris``) are what a spreadsheet user sees: the header is on the row where it
  was found, the first data row is the next one; rows that are entirely empty are skipped
  (neither loaded nor rejected) but keep their numbers. For frames given directly the header
  is row 1, so the first row is 2.
* Numbers. ``Rp`` in front and (in percent columns) ``%`` behind are dropped; ``−`` is a minus.
  In an **int** column a separator followed by groups of exactly three digits is a thousands
  separator (``1.234`` = ``1,234`` = 1234); anything else is read as a decimal number that
  must then be whole (``12,0`` = 12, ``12,5`` → "harus bilangan bulat"). In a **float**
  column a single ``,`` or a single ``.`` is the decimal separator (``1,234`` = 1.234),
  several of the same are thousands (``1.234.567``), and when both appear the last one is the
  decimal separator (``1.234,5`` = ``1,234.5`` = 1234.5). ``1e-05`` (written by programs) is
  accepted. Numbers already typed (Excel cells, Parquet) are taken as they are.
* Dates: ``YYYY-MM-DD`` (a time part ``HH:MM[:SS]`` is allowed and dropped), ``DD/MM/YYYY``
  (day and month may have one digit), datetime values from Excel/Parquet, and in XLSX also
  a bare Excel day number (a date cell that lost its date format).
* Bools: ya/tidak, y/t, sudah/belum, ada/tidak ada, true/false, 1/0, yes/no in any case,
  real bools, and 1.0/0.0.
* ``tanggal_data`` keeps the day as written; the week is ``HasilBaca.minggu``. When the caller
  gives the week, ``tanggal_data`` becomes optional: a missing column or an empty cell takes
  the week's Monday. A file whose readable dates span more than one ISO week is refused, and
  so is a file whose week differs from the one the caller gave.
* ``kode_koperasi`` duplicates: the first occurrence stays, every later one is rejected.
* An unknown column name is reported in ``kolom_tambahan`` and ignored; a column with an
  empty header and no values (Excel's trailing ``;;;``) is dropped silently. If two columns
  map to the same contract name, the first is used and the second counts as extra.
* When too many rows are rejected the ``FileDitolak`` carries the full ``HasilBaca`` in
  ``.hasil`` so the upload form can still offer the rejects file.

Required, range, enum and kode_desa-reference checks run through a pandera ``DataFrameSchema``
with named checks and ``validate(lazy=True)``; its ``failure_cases`` become the rejects table
(pandera 0.35 works on pandas 3: ≈0.05 s for a clean national file). Parsing the spellings is
vectorised: string work runs on the distinct values of a column only (``_lewat_unik``), and the
regexes avoid ``\s``, ``\d`` and ``$`` so pandas keeps them on pyarrow's RE2 instead of a Python
loop. Only the first 30 records of a CSV are looked at in Python, to find the header and the
delimiter. Measured (bench/bench_ingest_read.py, 2 cores): 83,762 rows from a cp1252 ';' CSV
read + validated in ≈0.8 s (≈1.0 s with 15 % bad rows), from XLSX ≈5 s; a typed frame ≈0.2 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kdkmp import kontrak, wilayah

FORMAT_DIDUKUNG = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
BARIS_CARI_JUDUL = 30  # the header must be within the first 30 rows
_PEMISAH_CSV = (",", ";", "\t")

_POLA_NAMA = re.compile(r"[\s\-_]+")
# Written without \s so pandas keeps these on pyarrow's RE2 (it falls back to Python `re` for \s, \d, $).
_RE_PEMISAH_KATA = "[ \t\u00a0_-]+"


class FileDitolak(Exception):
    """The whole file is refused; str(e) is one Indonesian sentence naming the problem."""

    def __init__(self, pesan: str, *, hasil: "HasilBaca | None" = None):
        super().__init__(pesan)
        self.hasil = hasil  # set when the file was readable but had too many bad rows


@dataclass
class HasilBaca:
    data: pd.DataFrame
    ditolak: pd.DataFrame
    minggu: dt.date
    baris_dibaca: int
    kolom_tambahan: list[str]
    format: str
    # raw values of the rejected rows (original headers) + baris + alasan_penolakan
    mentah_ditolak: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def baris_dimuat(self) -> int:
        return len(self.data)

    @property
    def baris_ditolak(self) -> int:
        return int(self.ditolak["baris"].nunique()) if len(self.ditolak) else 0

    def file_penolakan(self) -> bytes:
        """Rejected rows as a UTF-8 (BOM) CSV the user can fix and upload again."""
        if self.mentah_ditolak is None:
            tabel = pd.DataFrame({"baris": pd.Series(dtype="int64"), "alasan_penolakan": pd.Series(dtype="str")})
        else:
            tabel = self.mentah_ditolak
        return tabel.to_csv(index=False).encode("utf-8-sig")


# --------------------------------------------------------------------------- small helpers

def minggu_iso(tanggal: dt.date) -> dt.date:
    """Monday of the ISO week holding `tanggal`."""
    if isinstance(tanggal, dt.datetime):  # also pd.Timestamp
        tanggal = tanggal.date()
    return tanggal - dt.timedelta(days=tanggal.weekday())


def normal_nama(nama: object) -> str:
    """Header spelling → contract spelling: case, surrounding spaces, and ' ', '-', '_' alike."""
    teks = str(nama).replace("\ufeff", "").replace("\u00a0", " ").strip().lower()
    return _POLA_NAMA.sub("_", teks).strip("_")


def _angka_id(x: float, desimal: int = 0) -> str:
    """Indonesian number format: 1.234,5."""
    teks = f"{x:,.{desimal}f}"
    return teks.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _persen_id(x: float) -> str:
    """0.2 → '20', 0.125 → '12,5'."""
    teks = _angka_id(x * 100, 2).rstrip("0").rstrip(",")
    return teks


def _daftar(nilai: list[str], paling_banyak: int = 8) -> str:
    if len(nilai) <= paling_banyak:
        return ", ".join(nilai)
    return ", ".join(nilai[:paling_banyak]) + f" dan {len(nilai) - paling_banyak} lainnya"


# --------------------------------------------------------------------------- reading files

@dataclass
class _Tabel:
    nilai: pd.DataFrame  # data rows only, columns = header labels as found
    baris: np.ndarray  # spreadsheet row number of each data row
    format: str


def baca_snapshot(sumber: str | Path | bytes, *, nama_file: str | None = None, minggu: dt.date | None = None,
                  sheet: str | None = None, batas_tolak: float = 0.2) -> HasilBaca:
    """Read a snapshot file (path or bytes + nama_file) and validate it; FileDitolak if refused."""
    if isinstance(sumber, (bytes, bytearray, memoryview)):
        if not nama_file:
            raise ValueError("baca_snapshot(bytes) butuh nama_file untuk mengenali formatnya")
        isi = bytes(sumber)
    else:
        jalur = Path(sumber)
        nama_file = nama_file or jalur.name
        try:
            isi = jalur.read_bytes()
        except FileNotFoundError:
            raise FileDitolak(f"File '{jalur}' tidak ditemukan.") from None
        except IsADirectoryError:
            raise FileDitolak(f"'{jalur}' adalah folder, bukan file.") from None
    akhiran = Path(nama_file).suffix.lower()
    format_ = FORMAT_DIDUKUNG.get(akhiran)
    if format_ is None:
        saran = " (simpan ulang sebagai .xlsx)" if akhiran == ".xls" else ""
        raise FileDitolak(f"Format file '{akhiran or nama_file}' tidak didukung{saran}; "
                          "gunakan .csv, .xlsx atau .parquet.")
    if not isi[:4096].strip() and not isi.strip():
        raise FileDitolak("File kosong.")
    if format_ == "csv":
        tabel = _baca_csv(isi, minggu)
    elif format_ == "xlsx":
        tabel = _baca_xlsx(isi, sheet, minggu)
    else:
        tabel = _baca_parquet(isi)
    return _validasi(tabel.nilai, tabel.baris, format_=tabel.format, minggu=minggu, batas_tolak=batas_tolak)


def _wajib_untuk(minggu: dt.date | None) -> tuple[str, ...]:
    """Required columns; tanggal_data is not required when the caller gives the week."""
    return tuple(k for k in kontrak.KOLOM_WAJIB if not (k == "tanggal_data" and minggu is not None))


def _cari_judul(baris_awal: list[list[object]], minggu: dt.date | None) -> int:
    """Index of the header row among the first rows, or FileDitolak naming what is missing."""
    wajib = set(kontrak.KOLOM_WAJIB) - {"tanggal_data"}  # tanggal_data is checked after
    terbaik, skor_terbaik, nama_terbaik = -1, 0, set()
    for i, sel in enumerate(baris_awal[:BARIS_CARI_JUDUL]):
        nama = {normal_nama(v) for v in sel if _ada_isi(v)}
        if wajib <= nama:
            return i
        skor = len(nama & set(kontrak.NAMA_KOLOM))
        if skor > skor_terbaik:
            terbaik, skor_terbaik, nama_terbaik = i, skor, nama
    if skor_terbaik >= 3:
        hilang = [k for k in _wajib_untuk(minggu) if k not in nama_terbaik]
        raise FileDitolak(f"Kolom wajib tidak ditemukan di baris judul (baris {terbaik + 1}): {', '.join(hilang)}.")
    raise FileDitolak(f"File ini bukan tabel laporan KDKMP: tidak ada baris judul kolom dalam {BARIS_CARI_JUDUL} "
                      f"baris pertama (kolom wajib: {', '.join(_wajib_untuk(minggu))}).")


def _ada_isi(v: object) -> bool:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return False
    return str(v).strip() != ""


def _baca_csv(isi: bytes, minggu: dt.date | None) -> _Tabel:
    if isi[:4] == b"PK\x03\x04":
        raise FileDitolak("File ini sebenarnya file Excel (.xlsx) yang bernama .csv; "
                          "ganti akhiran namanya menjadi .xlsx.")
    if isi[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileDitolak("File CSV berpengodean UTF-16 tidak didukung; simpan ulang sebagai CSV UTF-8.")
    if b"\x00" in isi[:65536]:
        raise FileDitolak("File ini bukan tabel CSV: isinya data biner, bukan teks.")
    try:
        teks = isi.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            teks = isi.decode("cp1252")
        except UnicodeDecodeError as e:
            raise FileDitolak(f"Pengodean huruf file tidak terbaca: bukan UTF-8 dan bukan Windows-1252 "
                              f"(byte 0x{isi[e.start]:02X} di posisi {e.start}).") from None
    if not teks.strip():
        raise FileDitolak("File kosong.")

    # Only the first records are parsed in Python, once per candidate delimiter.
    awal = teks[:262_144]
    calon = []
    for pemisah in _PEMISAH_CSV:
        pembaca = csv.reader(io.StringIO(awal), delimiter=pemisah)
        baris_awal, baris_fisik = [], []
        try:
            for _ in range(BARIS_CARI_JUDUL):
                baris_fisik.append(pembaca.line_num)
                baris_awal.append(next(pembaca))
        except StopIteration:
            baris_fisik.pop()
        except csv.Error:
            continue
        try:
            calon.append((pemisah, _cari_judul(baris_awal, minggu), baris_fisik, None))
        except FileDitolak as e:
            calon.append((pemisah, None, baris_fisik, e))
    if not calon:
        raise FileDitolak("File ini bukan tabel CSV yang bisa dibaca.")
    cocok = [c for c in calon if c[1] is not None]
    if not cocok:
        # the most specific refusal: a header with missing columns beats "no header at all"
        kesalahan = [c[3] for c in calon if c[3] is not None]
        spesifik = [e for e in kesalahan if str(e).startswith("Kolom wajib")]
        raise (spesifik or kesalahan)[0]
    pemisah, judul, baris_fisik, _ = cocok[0]
    try:
        # bytes, not StringIO: the C parser reads them directly (a 20 MB StringIO costs ~0.3 s)
        nilai = pd.read_csv(io.BytesIO(teks.encode("utf-8")), sep=pemisah, encoding="utf-8", header=None,
                            skiprows=baris_fisik[judul], dtype=str, na_filter=False, skip_blank_lines=False,
                            engine="c")
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m:
            raise FileDitolak(f"File tidak bisa dibaca sebagai tabel: baris {m[2]} berisi {m[3]} kolom, padahal "
                              f"baris judul berisi {m[1]} kolom.") from None
        raise FileDitolak(f"File tidak bisa dibaca sebagai tabel CSV ({str(e).strip()}).") from None
    kepala = [str(v) for v in nilai.iloc[0]]
    nilai = nilai.iloc[1:].reset_index(drop=True)
    nilai.columns = kepala
    nomor_judul = judul + 1  # records, as a spreadsheet numbers them
    return _Tabel(nilai, np.arange(nomor_judul + 1, nomor_judul + 1 + len(nilai)), "csv")


def _baca_xlsx(isi: bytes, sheet: str | None, minggu: dt.date | None) -> _Tabel:
    try:
        buku = pd.ExcelFile(io.BytesIO(isi), engine="calamine")
    except Exception:
        raise FileDitolak("File ini bukan file Excel .xlsx yang sah (rusak atau berformat lain).") from None
    with buku:
        lembar = buku.sheet_names
        if sheet is not None and sheet not in lembar:
            sama = [s for s in lembar if s.strip().lower() == sheet.strip().lower()]
            if len(sama) != 1:
                raise FileDitolak(f"Lembar (sheet) '{sheet}' tidak ada di file; lembar yang tersedia: "
                                  f"{', '.join(lembar)}.")
            sheet = sama[0]
        if not lembar:
            raise FileDitolak("File Excel tidak berisi lembar (sheet) apa pun.")
        nama_lembar = sheet if sheet is not None else lembar[0]
        try:
            semua = pd.read_excel(buku, sheet_name=nama_lembar, header=None)
        except Exception as e:
            raise FileDitolak(f"Lembar '{nama_lembar}' tidak bisa dibaca ({e}).") from None
    if semua.empty or semua.notna().sum().sum() == 0:
        raise FileDitolak(f"Lembar '{nama_lembar}' kosong.")
    baris_awal = semua.head(BARIS_CARI_JUDUL).astype(object).to_numpy().tolist()
    judul = _cari_judul(baris_awal, minggu)
    kepala = ["" if not _ada_isi(v) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
              for v in semua.iloc[judul]]
    nilai = semua.iloc[judul + 1:].reset_index(drop=True)
    nilai.columns = kepala
    # pandas row 0 is Excel row 1 (calamine keeps leading empty rows), so the header is row judul+1
    return _Tabel(nilai, np.arange(judul + 2, judul + 2 + len(nilai)), "xlsx")


def _baca_parquet(isi: bytes) -> _Tabel:
    try:
        nilai = pd.read_parquet(io.BytesIO(isi))
    except Exception:
        raise FileDitolak("File ini bukan file Parquet yang sah (rusak atau berformat lain).") from None
    nilai = nilai.reset_index(drop=True)
    nilai.columns = [str(c) for c in nilai.columns]
    return _Tabel(nilai, np.arange(2, 2 + len(nilai)), "parquet")


# --------------------------------------------------------------------------- cells of one column

@dataclass
class _Sel:
    """The non-empty cells of one column, split by the kind of value they hold (NaN elsewhere)."""
    teks: pd.Series | None = None  # stripped strings
    angka: pd.Series | None = None  # float64
    logika: pd.Series | None = None  # boolean
    waktu: pd.Series | None = None  # datetime64
    lain: np.ndarray | None = None  # values of no usable kind


_JENIS_TIPE: dict[type, str] = {}


def _jenis_tipe(t: type) -> str:
    if t not in _JENIS_TIPE:
        if issubclass(t, str):
            j = "teks"
        elif issubclass(t, (bool, np.bool_)):
            j = "logika"
        elif issubclass(t, (int, float, np.integer, np.floating, decimal.Decimal)):
            j = "angka"
        elif issubclass(t, (dt.date, np.datetime64)):  # datetime and pd.Timestamp are dates too
            j = "waktu"
        else:
            j = "lain"
        _JENIS_TIPE[t] = j
    return _JENIS_TIPE[t]


def _kosong(s: pd.Series) -> np.ndarray:
    """Empty cells: missing, or text that is only blanks."""
    if pd.api.types.is_string_dtype(s.dtype) and not s.dtype == object:
        return (s.isna() | (s.str.strip() == "")).to_numpy(dtype=bool)
    if s.dtype == object:
        return (s.isna() | (s.astype("str").str.strip() == "")).to_numpy(dtype=bool)
    return s.isna().to_numpy(dtype=bool)


def _pisah(s: pd.Series, kosong: np.ndarray) -> _Sel:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    isi = ~kosong
    if pd.api.types.is_bool_dtype(s.dtype):
        return _Sel(logika=s.astype("boolean"))
    if pd.api.types.is_numeric_dtype(s.dtype):
        return _Sel(angka=s.astype("float64"))
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dtype, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return _Sel(waktu=s)
    if s.dtype != object:
        return _Sel(teks=s.astype("str").str.strip().where(isi))
    jenis_tipe = s.map(type)
    jenis = jenis_tipe.map({t: _jenis_tipe(t) for t in jenis_tipe.unique()}).to_numpy()
    jenis = np.where(isi, jenis, "")
    sel = _Sel()
    if (m := jenis == "teks").any():
        sel.teks = s.where(m).astype("str").str.strip()
    if (m := jenis == "angka").any():
        sel.angka = pd.to_numeric(s.where(m), errors="coerce").astype("float64")
    if (m := jenis == "logika").any():
        sel.logika = s.where(m).astype("boolean")
    if (m := jenis == "waktu").any():
        sel.waktu = pd.to_datetime(s.where(m), errors="coerce")
        if getattr(sel.waktu.dtype, "tz", None) is not None:
            sel.waktu = sel.waktu.dt.tz_localize(None)
    if (m := jenis == "lain").any():
        sel.lain = m
    return sel


def _ada(seri: pd.Series | None) -> np.ndarray | None:
    return None if seri is None else seri.notna().to_numpy(dtype=bool)


class _Gagal:
    """Per-column parse failures: (mask, reason) pairs."""

    def __init__(self, n: int):
        self.n = n
        self.daftar: list[tuple[np.ndarray, str]] = []

    def tambah(self, mask: np.ndarray | None, alasan: str) -> None:
        if mask is not None and mask.any():
            self.daftar.append((np.asarray(mask, dtype=bool), alasan))

    def semua(self) -> np.ndarray:
        hasil = np.zeros(self.n, dtype=bool)
        for m, _ in self.daftar:
            hasil |= m
        return hasil


# --- numbers

_RE_POLOS = r"-?[0-9]+"
_RE_SAINS = r"-?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+"
_RE_DESIMAL = r"-?[0-9]*[.,][0-9]+"
_RE_RIBU_TITIK = r"-?[0-9]{1,3}(\.[0-9]{3})+"
_RE_RIBU_KOMA = r"-?[0-9]{1,3}(,[0-9]{3})+"
_RE_RIBU_TITIK_BANYAK = r"-?[0-9]{1,3}(\.[0-9]{3}){2,}"
_RE_RIBU_KOMA_BANYAK = r"-?[0-9]{1,3}(,[0-9]{3}){2,}"
_RE_TITIK_KOMA = r"-?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+"  # 1.234,5
_RE_KOMA_TITIK = r"-?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+"  # 1,234.5


def _kanon_angka(teks: pd.Series, bulat: bool, persen: bool) -> pd.Series:
    """Strings in any accepted spelling → strings float() understands ('1234.5'); NaN if none fits."""
    t = teks.str.replace("\u2212", "-", regex=False).str.replace("^[Rr][Pp]\\.?[ \t\u00a0]*", "", regex=True)
    if persen:
        t = t.str.rstrip("%").str.rstrip()
    kanon = t.where(t.str.fullmatch(_RE_POLOS))
    # (pattern, what to do) in order; only the still-unmatched cells are looked at each time
    if bulat:
        langkah = [(_RE_RIBU_TITIK, "hapus."), (_RE_RIBU_KOMA, "hapus,")]
    else:
        langkah = [(_RE_RIBU_TITIK_BANYAK, "hapus."), (_RE_RIBU_KOMA_BANYAK, "hapus,")]
    langkah += [(_RE_TITIK_KOMA, "hapus.koma"), (_RE_KOMA_TITIK, "hapus,"), (_RE_DESIMAL, "koma"),
                (_RE_SAINS, "tetap")]
    for pola, ubah in langkah:
        sisa = t[kanon.isna() & t.notna()]
        if sisa.empty:
            break
        cocok = sisa[sisa.str.fullmatch(pola)]
        if cocok.empty:
            continue
        if ubah.startswith("hapus"):
            cocok = cocok.str.replace(ubah[5], "", regex=False)
        if ubah.endswith("koma"):
            cocok = cocok.str.replace(",", ".", regex=False)
        kanon = kanon.mask(kanon.index.isin(cocok.index), cocok.reindex(kanon.index))
    return kanon


def _lewat_unik(teks: pd.Series, ubah) -> pd.Series:
    """Apply `ubah` to the distinct values only and spread the result back.

    A column of 83k cells holds a handful of spellings ('ya', 'Ya', 'tidak' …), so the string
    work runs on those few and a numpy take does the rest.
    """
    kode, unik = pd.factorize(teks, use_na_sentinel=True)
    hasil_unik = ubah(pd.Series(unik, dtype=teks.dtype))
    hasil = pd.api.extensions.take(hasil_unik.array, kode, allow_fill=True)
    return pd.Series(hasil, index=teks.index, dtype=hasil_unik.dtype)


def _parse_angka(sel: _Sel, n: int, bulat: bool, persen: bool, gagal: _Gagal) -> pd.Series:
    nilai = pd.Series(np.nan, index=range(n), dtype="float64")
    if sel.teks is not None:
        dari_teks = _lewat_unik(sel.teks, lambda u: pd.to_numeric(_kanon_angka(u, bulat, persen),
                                                                errors="coerce").astype("float64"))
        nilai = nilai.fillna(dari_teks)
        gagal.tambah(_ada(sel.teks) & ~_ada(dari_teks), "bukan angka yang bisa dibaca")
    if sel.angka is not None:
        nilai = nilai.fillna(sel.angka)
    for lain in (sel.logika, sel.waktu):
        gagal.tambah(_ada(lain), "bukan angka yang bisa dibaca")
    gagal.tambah(sel.lain, "bukan angka yang bisa dibaca")
    arr = nilai.to_numpy()
    bukan_angka_hingga = np.isinf(arr)
    gagal.tambah(bukan_angka_hingga, "bukan angka yang bisa dibaca")
    arr = np.where(bukan_angka_hingga, np.nan, arr)
    if bulat:
        pecahan = ~np.isnan(arr) & (np.mod(arr, 1) != 0)
        gagal.tambah(pecahan, "harus bilangan bulat")
        arr = np.where(pecahan, np.nan, arr)
        return pd.Series(pd.array(np.round(arr), dtype="Float64"), dtype="Float64").astype("Int64")
    return pd.Series(pd.array(arr, dtype="Float64"))


# --- bools

_BENAR = ("ya", "y", "sudah", "ada", "true", "1", "yes", "1.0", "1,0")
_SALAH = ("tidak", "t", "belum", "tidak ada", "false", "0", "no", "0.0", "0,0")
_PETA_LOGIKA = {**dict.fromkeys(_BENAR, True), **dict.fromkeys(_SALAH, False)}
EJAAN_LOGIKA = "ya/tidak, y/t, sudah/belum, ada/tidak ada, true/false, 1/0, yes/no"


def _parse_logika(sel: _Sel, n: int, gagal: _Gagal) -> pd.Series:
    nilai = pd.Series(pd.NA, index=range(n), dtype="boolean")
    alasan = f"bukan nilai ya/tidak ({EJAAN_LOGIKA})"
    if sel.teks is not None:
        dari_teks = _lewat_unik(sel.teks, lambda u: u.str.lower().str.replace(_RE_PEMISAH_KATA, " ", regex=True)
                                .map(_PETA_LOGIKA).astype("boolean"))
        nilai = nilai.fillna(dari_teks)
        gagal.tambah(_ada(sel.teks) & ~_ada(dari_teks), alasan)
    if sel.logika is not None:
        nilai = nilai.fillna(sel.logika)
    if sel.angka is not None:
        dari_angka = sel.angka.map({1.0: True, 0.0: False}).astype("boolean")
        nilai = nilai.fillna(dari_angka)
        gagal.tambah(_ada(sel.angka) & ~_ada(dari_angka), alasan)
    gagal.tambah(_ada(sel.waktu), alasan)
    gagal.tambah(sel.lain, alasan)
    return nilai


# --- dates

_EXCEL_NOL = pd.Timestamp("1899-12-30")


def _parse_tanggal(sel: _Sel, n: int, format_: str, gagal: _Gagal) -> pd.Series:
    nilai = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
    alasan = "bukan tanggal yang bisa dibaca (YYYY-MM-DD atau DD/MM/YYYY)"
    if sel.teks is not None:
        dari_teks = _lewat_unik(sel.teks, _tanggal_dari_teks)
        nilai = nilai.fillna(dari_teks.dt.normalize())
        gagal.tambah(_ada(sel.teks) & ~_ada(dari_teks), alasan)
    if sel.waktu is not None:
        nilai = nilai.fillna(sel.waktu.astype("datetime64[us]").dt.normalize())
    if sel.angka is not None:
        if format_ == "xlsx":  # a date cell that lost its format shows Excel's day number
            hari = sel.angka.where((sel.angka >= 10000) & (sel.angka <= 100000))
            dari_angka = (_EXCEL_NOL + pd.to_timedelta(np.floor(hari), unit="D")).astype("datetime64[us]")
            nilai = nilai.fillna(dari_angka)
            gagal.tambah(_ada(sel.angka) & ~_ada(dari_angka), alasan)
        else:
            gagal.tambah(_ada(sel.angka), alasan)
    gagal.tambah(_ada(sel.logika), alasan)
    gagal.tambah(sel.lain, alasan)
    return nilai


_BENTUK_TANGGAL = (
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", "%Y-%m-%d"),
    (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    (r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?", "ISO8601"),
)


def _tanggal_dari_teks(t: pd.Series) -> pd.Series:
    dari_teks = pd.Series(pd.NaT, index=t.index, dtype="datetime64[us]")
    for pola, bentuk in _BENTUK_TANGGAL:
        cocok = t[t.str.fullmatch(pola).fillna(False)]
        if not cocok.empty:
            baca = pd.to_datetime(cocok, format=bentuk, errors="coerce").astype("datetime64[us]")
            dari_teks = dari_teks.fillna(baca.reindex(t.index))
    return dari_teks


# --- text, kode_desa, enums

def _sebagai_teks(sel: _Sel, n: int) -> pd.Series:
    """Any cell as text (numbers read by a spreadsheet lose their '.0')."""
    nilai = pd.Series(np.nan, index=range(n), dtype="str")
    if sel.teks is not None:
        nilai = nilai.fillna(sel.teks)
    if sel.angka is not None:
        a = sel.angka
        bulat = a.notna() & (a % 1 == 0) & (a.abs() < 1e15)
        teks_angka = a.astype("str").where(~bulat, a.where(bulat).astype("Int64").astype("str"))
        nilai = nilai.fillna(teks_angka.where(a.notna()))
    if sel.logika is not None:
        nilai = nilai.fillna(sel.logika.map({True: "true", False: "false"}).astype("str"))
    if sel.waktu is not None:
        nilai = nilai.fillna(sel.waktu.dt.strftime("%Y-%m-%d").astype("str"))
    return nilai


def _parse_kode_desa(sel: _Sel, n: int, gagal: _Gagal) -> pd.Series:
    teks = _sebagai_teks(sel, n)
    kode = wilayah.normalisasi_kode_series(teks.fillna(""))
    kode = kode.where(teks.notna() & kode.str.count(r"\.").eq(3).fillna(False)).astype("str")
    gagal.tambah(teks.notna().to_numpy() & kode.isna().to_numpy(),
                 "kode desa tidak berbentuk kode Kemendagri (contoh 52.01.01.2001 atau 5201012001)")
    gagal.tambah(sel.lain, "kode desa tidak berbentuk kode Kemendagri (contoh 52.01.01.2001 atau 5201012001)")
    return kode


_ALIAS_ENUM = {"kendala_utama": {"teknis": "teknis_lainnya"}}


def _parse_enum(nama: str, sel: _Sel, n: int, gagal: _Gagal) -> pd.Series:
    teks = _sebagai_teks(sel, n)
    alias = _ALIAS_ENUM.get(nama, {})

    def kanonkan(u: pd.Series) -> pd.Series:
        return u.str.lower().str.replace(_RE_PEMISAH_KATA, "_", regex=True).str.strip("_").replace(alias)

    kanon = _lewat_unik(teks, kanonkan)
    gagal.tambah(sel.lain, "nilai tidak dikenal")
    return kanon.astype("str")


def baca_angka(teks: pd.Series, *, bulat: bool = False, persen: bool = False) -> pd.Series:
    """Numbers in the accepted spellings → Int64 (bulat) or Float64; NA where unreadable or not whole."""
    teks = pd.Series(teks, dtype="str").reset_index(drop=True)
    kosong = _kosong(teks)
    return _parse_angka(_Sel(teks=teks.str.strip().where(~kosong)), len(teks), bulat, persen, _Gagal(len(teks)))


def baca_logika(teks: pd.Series) -> pd.Series:
    """ya/tidak in the accepted spellings → 'boolean'; NA where unreadable or empty."""
    teks = pd.Series(teks, dtype="str").reset_index(drop=True)
    kosong = _kosong(teks)
    return _parse_logika(_Sel(teks=teks.str.strip().where(~kosong)), len(teks), _Gagal(len(teks)))


# --------------------------------------------------------------------------- the pandera schema

@lru_cache(maxsize=1)
def _skema():
    """Required / range / enum / reference checks, one named pandera check each."""
    import pandera.pandas as pa  # imported here: 0.4 s that app pages which only read need not pay

    kolom = {}
    for k in kontrak.KOLOM:
        periksa = []
        if k.jenis in ("int", "float"):
            if k.minimum is not None and k.maksimum is not None:
                periksa.append(pa.Check.in_range(k.minimum, k.maksimum, name="rentang"))
            elif k.minimum is not None:
                periksa.append(pa.Check.ge(k.minimum, name="rentang"))
        elif k.jenis == "enum":
            periksa.append(pa.Check.isin(k.nilai, name="pilihan"))
        elif k.jenis == "kode_desa":
            periksa.append(pa.Check(_di_referensi, name="referensi"))
        kolom[k.nama] = pa.Column(nullable=not k.wajib, checks=periksa, coerce=False, required=True)
    return pa.DataFrameSchema(kolom, strict=False, coerce=False), pa.errors.SchemaErrors


@lru_cache(maxsize=1)
def _referensi_desa() -> pd.Index:
    return pd.Index(wilayah.desa()["kode_desa"].astype(object))


def _di_referensi(kode: pd.Series) -> pd.Series:
    """kode_desa in the Kemendagri list.

    A cached object Index keeps its hash table between calls; Series.isin on Arrow strings would
    re-box all 83k reference codes on every call.
    """
    posisi = _referensi_desa().get_indexer(pd.Index(kode.astype(object)))
    return pd.Series(posisi >= 0, index=kode.index)


def _angka_batas(x: float) -> str:
    return _angka_id(x, 1).removesuffix(",0") if x != int(x) else _angka_id(x)


def _alasan_cek(nama: str) -> str:
    k = kontrak.KOLOM_PER_NAMA[nama]
    if k.jenis == "enum":
        return f"nilai tidak dikenal; pilihan: {', '.join(k.nilai)}"
    if k.jenis == "kode_desa":
        return "kode desa tidak ada dalam referensi Kemendagri"
    if k.maksimum is not None:
        return f"di luar rentang {_angka_batas(k.minimum)} sampai {_angka_batas(k.maksimum)}"
    return f"kurang dari {_angka_batas(k.minimum)}"


# --------------------------------------------------------------------------- validation

def validasi_frame(mentah: pd.DataFrame, *, minggu: dt.date | None = None, batas_tolak: float = 0.2,
                   baris_awal: int = 2) -> HasilBaca:
    """Validate a frame of raw values (strings as read from a file, or typed values); format 'frame'."""
    baris = np.arange(baris_awal, baris_awal + len(mentah))
    return _validasi(mentah.reset_index(drop=True), baris, format_="frame", minggu=minggu, batas_tolak=batas_tolak)


def _teks_mentah(s: pd.Series) -> pd.Series:
    """Raw cells as the user typed them, for the rejects table and file."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.fillna("").astype("str")

    def satu(v: object) -> str:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, (float, np.floating)) and float(v).is_integer() and abs(v) < 1e15:
            return str(int(v))
        if isinstance(v, dt.datetime) and v == pd.Timestamp(v).normalize():
            return v.strftime("%Y-%m-%d")
        return str(v)

    return s.astype(object).map(satu).astype("str")


def _validasi(mentah: pd.DataFrame, baris: np.ndarray, *, format_: str, minggu: dt.date | None,
              batas_tolak: float) -> HasilBaca:
    minggu_diberikan = minggu is not None
    if minggu is not None:
        minggu = minggu_iso(minggu)

    # --- columns: contract name → position; unknown ones are reported, empty unnamed ones dropped
    peta: dict[str, int] = {}
    tambahan: list[str] = []
    kosong_kolom: dict[int, np.ndarray] = {}
    for i, label in enumerate(mentah.columns):
        kosong_kolom[i] = _kosong(mentah.iloc[:, i])
        nama = normal_nama(label) if _ada_isi(label) else ""
        if nama in kontrak.KOLOM_PER_NAMA and nama not in peta:
            peta[nama] = i
        elif nama or not kosong_kolom[i].all():
            tambahan.append(str(label).strip() if nama else f"kolom_{i + 1}")
    hilang = [k for k in _wajib_untuk(minggu) if k not in peta]
    if hilang:
        raise FileDitolak(f"Kolom wajib tidak ditemukan: {', '.join(hilang)} (kolom yang ada: "
                          f"{_daftar([str(c) for c in mentah.columns], 12) or 'tidak ada'}).")
    if "tanggal_data" not in peta and minggu is None:  # cannot happen via _wajib_untuk; kept explicit
        raise FileDitolak("File tidak punya kolom tanggal_data; sebutkan minggu datanya.")

    # --- rows that are empty in every column are not data
    kosong_semua = np.logical_and.reduce([kosong_kolom[i] for i in range(mentah.shape[1])]) \
        if mentah.shape[1] else np.ones(len(mentah), dtype=bool)
    isi = ~kosong_semua
    if not isi.any():
        raise FileDitolak("File tidak berisi baris data di bawah baris judul kolom.")
    if not isi.all():
        mentah = mentah[isi].reset_index(drop=True)
        baris = baris[isi]
        kosong_kolom = {i: m[isi] for i, m in kosong_kolom.items()}
    n = len(mentah)

    # --- parse every contract column; parse failures are row problems
    data: dict[str, pd.Series] = {}
    gagal_per_kolom: dict[str, _Gagal] = {}
    for k in kontrak.KOLOM:
        gagal = _Gagal(n)
        gagal_per_kolom[k.nama] = gagal
        if k.nama not in peta:
            data[k.nama] = _kolom_kosong(k.jenis, n)
            continue
        pos = peta[k.nama]
        sel = _pisah(mentah.iloc[:, pos], kosong_kolom[pos])
        if k.jenis in ("int", "float"):
            data[k.nama] = _parse_angka(sel, n, k.jenis == "int", k.persen, gagal)
        elif k.jenis == "bool":
            data[k.nama] = _parse_logika(sel, n, gagal)
        elif k.jenis == "date":
            data[k.nama] = _parse_tanggal(sel, n, format_, gagal)
        elif k.jenis == "kode_desa":
            data[k.nama] = _parse_kode_desa(sel, n, gagal)
        elif k.jenis == "enum":
            data[k.nama] = _parse_enum(k.nama, sel, n, gagal)
        else:
            data[k.nama] = _sebagai_teks(sel, n)

    # --- the week
    tanggal = data["tanggal_data"]
    if tanggal.notna().any():
        senin = (tanggal - pd.to_timedelta(tanggal.dt.day_of_week, unit="D")).dropna()
        jumlah = senin.value_counts().sort_index()
        if len(jumlah) > 1:
            daftar = [f"{d:%Y-%m-%d} ({_angka_id(c)} baris)" for d, c in jumlah.items()]
            raise FileDitolak(f"File berisi data dari lebih dari satu minggu: {_daftar(daftar, 6)}.")
        minggu_file = jumlah.index[0].date()
        if minggu is not None and minggu_file != minggu:
            raise FileDitolak(f"Data file ini untuk minggu {minggu_file:%Y-%m-%d}, bukan minggu "
                              f"{minggu:%Y-%m-%d} yang dipilih.")
        minggu = minggu_file
    elif minggu is None:
        raise FileDitolak("Tidak ada tanggal_data yang terbaca, sehingga minggu data tidak bisa ditentukan.")
    # with the week given by the caller, tanggal_data is optional and defaults to that Monday
    if minggu_diberikan:
        tanggal_gagal = gagal_per_kolom["tanggal_data"].semua()
        data["tanggal_data"] = tanggal.mask(tanggal.isna() & ~tanggal_gagal, pd.Timestamp(minggu))

    tipe = pd.DataFrame(data)

    # --- problems: parse failures, then pandera (required / range / enum / reference), then duplicates
    masalah: list[pd.DataFrame] = []
    gagal_parse: dict[str, np.ndarray] = {}
    for nama, gagal in gagal_per_kolom.items():
        gagal_parse[nama] = gagal.semua()
        for mask, alasan in gagal.daftar:
            pos = np.flatnonzero(mask)
            masalah.append(pd.DataFrame({"pos": pos, "kolom": nama, "alasan": alasan}))

    skema, SchemaErrors = _skema()
    try:
        skema.validate(tipe, lazy=True)
    except SchemaErrors as e:
        fc = e.failure_cases
        fc = fc[fc["index"].notna() & fc["column"].isin(kontrak.NAMA_KOLOM)]
        for (nama, cek), grup in fc.groupby(["column", "check"], sort=False):
            pos = grup["index"].to_numpy(dtype="int64")
            if cek == "not_nullable":
                pos = pos[~gagal_parse[nama][pos]]  # unreadable, already reported
                alasan = "kolom wajib kosong"
            else:
                alasan = _alasan_cek(nama)
            masalah.append(pd.DataFrame({"pos": pos, "kolom": nama, "alasan": alasan}))

    kode = tipe["kode_koperasi"]
    ganda = (kode.duplicated(keep="first") & kode.notna()).to_numpy()
    if ganda.any():
        pertama = pd.Series(np.arange(n)).groupby(kode.to_numpy(), dropna=True).transform("min").to_numpy()
        pos = np.flatnonzero(ganda)
        masalah.append(pd.DataFrame({
            "pos": pos, "kolom": "kode_koperasi",
            "alasan": [f"kode_koperasi ganda, sudah ada di baris {b}" for b in baris[pertama[pos]]]}))

    masalah_df = (pd.concat(masalah, ignore_index=True) if masalah
                  else pd.DataFrame({"pos": pd.Series(dtype="int64"), "kolom": pd.Series(dtype="str"),
                                     "alasan": pd.Series(dtype="str")}))
    urutan_kolom = {nama: i for i, nama in enumerate(kontrak.NAMA_KOLOM)}
    masalah_df["urut"] = masalah_df["kolom"].map(urutan_kolom)
    masalah_df = masalah_df.sort_values(["pos", "urut"], kind="stable").reset_index(drop=True)

    nilai_mentah = pd.Series("", index=masalah_df.index, dtype="str")
    for nama, grup in masalah_df.groupby("kolom", sort=False):
        if nama in peta:
            teks = _teks_mentah(mentah.iloc[grup["pos"].to_numpy(), peta[nama]])
            nilai_mentah.loc[grup.index] = teks.to_numpy()
    ditolak = pd.DataFrame({
        "baris": baris[masalah_df["pos"].to_numpy(dtype="int64")].astype("int64"),
        "kolom": masalah_df["kolom"].astype("str"),
        "nilai": nilai_mentah,
        "alasan": masalah_df["alasan"].astype("str"),
    })

    pos_ditolak = np.unique(masalah_df["pos"].to_numpy(dtype="int64"))
    baik = np.ones(n, dtype=bool)
    baik[pos_ditolak] = False
    hasil_data = tipe[baik].reset_index(drop=True)
    hasil_data["baris"] = baris[baik].astype("int64")

    mentah_ditolak = mentah.iloc[pos_ditolak].reset_index(drop=True)
    mentah_ditolak = pd.DataFrame({str(c): _teks_mentah(mentah_ditolak.iloc[:, i]).to_numpy()
                                   for i, c in enumerate(mentah_ditolak.columns)}) \
        if mentah_ditolak.columns.is_unique else mentah_ditolak.apply(_teks_mentah)
    mentah_ditolak.insert(0, "baris", baris[pos_ditolak].astype("int64"))
    gabungan = (masalah_df["kolom"] + ": " + masalah_df["alasan"]).groupby(masalah_df["pos"]).agg("; ".join)
    mentah_ditolak["alasan_penolakan"] = gabungan.reindex(pos_ditolak).to_numpy()

    hasil = HasilBaca(data=hasil_data, ditolak=ditolak, minggu=minggu, baris_dibaca=n,
                      kolom_tambahan=tambahan, format=format_, mentah_ditolak=mentah_ditolak)

    porsi = len(pos_ditolak) / n
    if porsi > batas_tolak:
        persen = _angka_id(porsi * 100, 1)
        if persen == _angka_id(batas_tolak * 100, 1):
            persen = _angka_id(porsi * 100, 2)
        terbanyak = (ditolak["kolom"] + ": " + ditolak["alasan"]).value_counts()
        raise FileDitolak(
            f"{persen} % baris ditolak (batas {_persen_id(batas_tolak)} %): {_angka_id(len(pos_ditolak))} dari "
            f"{_angka_id(n)} baris bermasalah, masalah terbanyak {terbanyak.index[0]} "
            f"({_angka_id(terbanyak.iloc[0])} baris); perbaiki file lalu unggah ulang.", hasil=hasil)
    return hasil


def _kolom_kosong(jenis: str, n: int) -> pd.Series:
    """An absent optional column: all NULL in the column's type."""
    dtype = {"date": "datetime64[us]", "bool": "boolean", "int": "Int64", "float": "Float64"}.get(jenis, "str")
    return pd.Series(pd.array([None] * n, dtype=dtype) if dtype != "str" else np.nan, index=range(n), dtype=dtype)
