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
  ``.hasil`` so the upload form can still offer the rejects file. A file where every row is
  rejected is refused whatever the limit.
* Damage stays in the rows it is in (docs/snapshot-contract.md, "Bad input"): a record with more
  values than the header, a cell with bytes that are not UTF-8, NUL or another control character,
  an XLSX formula without a stored value or an Excel error reject that row with a reason that
  says so. Encoding is decided per file with evidence (``_dekode``).
* Dates are bounded (``kontrak.BatasTanggal``, config/muat.yaml): the week not before the
  programme nor after today + a margin (else the file is refused), ``laporan_terakhir`` not after
  the week's Sunday nor before the programme (else the row is rejected).
* ``kode_koperasi`` is upper-cased; whole numbers beyond 2^53 are rejected, never rounded.
* An area-scoped read (``wilayah``, issue 15) rejects every row whose ``kode_desa`` lies outside the
  area, one by one ("di luar wilayah 52.01 (…)"); the reject limit counts only the rows inside the
  area (a province's file read for one kabupaten is not a bad file), and a file with no row inside
  the area is refused with one sentence naming where its rows are.
* The rejects file puts ``baris`` before and ``alasan_penolakan`` after the raw cells; input
  columns of those names are kept as ``… (sebelumnya)``.

Required, range, enum and kode_desa-reference checks are those kontrak.KOLOM declares, each named
and run over whole columns (``_pelanggaran``); every failure of every row is collected, so the
rejects table lists them all. (pandera did this before: the same failures, but importing it cost
≈ 0.3 s of every load process, more than validating a national file.) Parsing the spellings is
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
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd

from kdkmp import format as fmt
from kdkmp import kontrak, wilayah

FORMAT_DIDUKUNG = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
BARIS_CARI_JUDUL = 30  # the header must be within the first 30 rows
_PEMISAH_CSV = (",", ";", "\t")

_POLA_NAMA = re.compile(r"[\s\-_]+")
# Written without \s so pandas keeps these on pyarrow's RE2 (it falls back to Python `re` for \s, \d, $).
_RE_PEMISAH_KATA = "[ \t\u00a0_-]+"


# The columns the rejects file adds around the raw cells, and the rejects table's name for a
# problem of the whole row rather than of one column.
KOLOM_BARIS_PENOLAKAN = "baris"
KOLOM_ALASAN_PENOLAKAN = "alasan_penolakan"
KOLOM_SELURUH_BARIS = "(seluruh baris)"


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
    lembar: str | None = None  # the XLSX sheet that was read

    @property
    def baris_dimuat(self) -> int:
        return len(self.data)

    @property
    def baris_ditolak(self) -> int:
        return int(self.ditolak["baris"].nunique()) if len(self.ditolak) else 0

    def file_penolakan(self) -> bytes:
        """Rejected rows as a UTF-8 (BOM) CSV the user can fix and upload again."""
        if self.mentah_ditolak is None:
            tabel = pd.DataFrame({KOLOM_BARIS_PENOLAKAN: pd.Series(dtype="int64"),
                                  KOLOM_ALASAN_PENOLAKAN: pd.Series(dtype="str")})
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
    # problems the reader saw in single cells or rows: (row positions, column position or None
    # for the whole row, reason); they reject those rows like a bad value does
    cacat: list[tuple[np.ndarray, int | None, str]] = field(default_factory=list)
    lembar: str | None = None  # the XLSX sheet read
    cek_karakter: bool = True  # False when the reader knows no cell holds a control or U+FFFD character


def baca_snapshot(sumber: str | Path | bytes, *, nama_file: str | None = None, minggu: dt.date | None = None,
                  sheet: str | None = None, batas_tolak: float = 0.2,
                  batas: kontrak.BatasTanggal | None = None, wilayah_muat: str | None = None) -> HasilBaca:
    """Read a snapshot file (path or bytes + nama_file) and validate it; FileDitolak if refused.
    `batas` bounds the dates (default: config/muat.yaml); `wilayah_muat` (a normalised code) rejects
    the rows outside that area."""
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
    return _validasi(tabel, minggu=minggu, batas_tolak=batas_tolak, batas=batas, wilayah_muat=wilayah_muat)


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


# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOM = ((b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
        (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "UTF-16"))
# Characters no cell may hold: C0 controls other than tab/newline/CR (NUL above all), and U+FFFD,
# which is what bytes that are not UTF-8 become. Escaped so pandas keeps the regex on RE2.
_RE_KARAKTER_RUSAK = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f\\ufffd]"
_ALASAN_KARAKTER_RUSAK = ("berisi karakter rusak (byte yang bukan UTF-8, byte NUL atau karakter kontrol); "
                          "ketik ulang sel ini atau simpan ulang file sebagai CSV UTF-8")


def _baris_ke(teks: str, posisi: int) -> int:
    """1-based physical line of a character position."""
    return teks.count("\n", 0, posisi) + 1


_BYTE_KONTROL = bytes([*range(9), 11, 12, *range(14, 32), 127])
_BYTE_TINGGI = bytes(range(128, 256))


def _jumlah_byte(isi: bytes, yang: bytes) -> int:
    """How many bytes of `isi` are among `yang` (bytes.translate runs in C: 20 MB in ≈ 10 ms)."""
    return len(isi) - len(isi.translate(None, yang))


def _dekode(isi: bytes) -> tuple[str, bool]:
    """Bytes → text, and whether any cell may hold a character no cell may hold (a control
    character, or U+FFFD where bytes were not decodable): only then are cells checked one by one.

    The evidence for UTF-8 is a valid multi-byte sequence: Windows-1252 text (Indonesian
    names with é, ’, –) almost never forms one, while a UTF-8 file damaged in a few places
    still has many. So a file that is UTF-8 except for a few bytes stays UTF-8 and only the
    rows with those bytes are rejected; a file with no valid sequence, or with more broken
    than valid ones, is Windows-1252 as the contract allows; never mojibake for every row.
    """
    for bom, kode, nama in _BOM:
        if isi.startswith(bom):
            try:
                teks = isi[len(bom):].decode(kode)
            except UnicodeDecodeError as e:
                awal = isi[len(bom):][:e.start].decode(kode, errors="replace")
                raise FileDitolak(f"File bertanda {nama} tetapi rusak di baris {_baris_ke(awal, len(awal))} "
                                  f"(byte yang tidak sah); simpan ulang sebagai CSV UTF-8.") from None
            if kode == "utf-8":
                return teks, _jumlah_byte(isi, _BYTE_KONTROL) > 0 or "\ufffd" in teks
            return teks, re.search(_RE_KARAKTER_RUSAK, teks) is not None
    # Binary, not text: more than 1 % control bytes. A stray NUL in a text file is one bad cell
    # (its row is rejected), not a reason to refuse the file.
    contoh = isi[:65536]
    nol = contoh.count(b"\x00")
    if _jumlah_byte(contoh, _BYTE_KONTROL) > max(16, len(contoh) // 100) and nol * 2 < len(contoh) // 4:
        raise FileDitolak("File ini bukan tabel CSV: isinya data biner, bukan teks.")
    if nol > len(contoh) // 4 and (contoh[1::2].count(b"\x00") > len(contoh) // 4
                                   or contoh[0::2].count(b"\x00") > len(contoh) // 4):
        raise FileDitolak("File ini tampaknya teks UTF-16 atau UTF-32 tanpa penanda urutan byte (BOM); "
                          "simpan ulang sebagai CSV UTF-8.")
    ada_kontrol = _jumlah_byte(isi, _BYTE_KONTROL) > 0
    try:
        teks = isi.decode("utf-8")
        return teks, ada_kontrol or "\ufffd" in teks
    except UnicodeDecodeError:
        pass
    teks = isi.decode("utf-8", errors="replace")
    rusak = teks.count("\ufffd") - isi.count(b"\xef\xbf\xbd")
    # bytes of valid multi-byte characters: the high bytes not taken by a replacement (≈ 1 each)
    sah = _jumlah_byte(isi, _BYTE_TINGGI) - rusak
    if sah >= max(2 * rusak, 2):
        return teks, True
    try:
        return isi.decode("cp1252"), ada_kontrol
    except UnicodeDecodeError as e:
        baris = isi[:e.start].count(b"\n") + 1
        raise FileDitolak(f"Pengodean huruf file tidak terbaca: bukan UTF-8 dan bukan Windows-1252 (byte "
                          f"0x{isi[e.start]:02X} di baris {baris}); simpan ulang sebagai CSV UTF-8.") from None


def _baca_csv(isi: bytes, minggu: dt.date | None) -> _Tabel:
    if isi[:4] == b"PK\x03\x04":
        raise FileDitolak("File ini sebenarnya file Excel (.xlsx) yang bernama .csv; "
                          "ganti akhiran namanya menjadi .xlsx.")
    teks, periksa_sel = _dekode(isi)
    if not teks.strip():
        raise FileDitolak("File kosong.")
    if "\n" not in teks and "\r" in teks:  # old Mac Excel ends lines with CR alone
        teks = teks.replace("\r", "\n")
    # A cell may be longer than the csv module's default 128 KiB limit; it is still a cell.
    csv.field_size_limit(2**31 - 1)

    # Only the first records are parsed in Python, once per candidate delimiter.
    awal = teks[:262_144]
    calon = []
    for pemisah in _PEMISAH_CSV:
        pembaca = csv.reader(io.StringIO(awal), delimiter=pemisah)
        baris_awal = []
        try:
            for _ in range(BARIS_CARI_JUDUL):
                baris_awal.append(next(pembaca))
        except (StopIteration, csv.Error):
            pass  # the sample ends (perhaps inside a long quoted cell): look at what was read
        try:
            judul = _cari_judul(baris_awal, minggu)
            calon.append((pemisah, judul, len(baris_awal[judul]), None))
        except FileDitolak as e:
            calon.append((pemisah, None, 0, e))
    cocok = [c for c in calon if c[1] is not None]
    if not cocok:
        # the most specific refusal: a header with missing columns beats "no header at all"
        kesalahan = [c[3] for c in calon]
        spesifik = [e for e in kesalahan if str(e).startswith("Kolom wajib")]
        raise (spesifik or kesalahan)[0]
    pemisah, judul, lebar, _ = cocok[0]
    nilai = _csv_ke_frame(teks.encode("utf-8"), pemisah, judul)
    kepala = ["" if isinstance(v, float) else str(v) for v in nilai.iloc[0]]
    nilai = nilai.iloc[1:].reset_index(drop=True)
    nilai.columns = kepala
    nomor_judul = judul + 1  # records, as a spreadsheet numbers them
    baris = np.arange(nomor_judul + 1, nomor_judul + 1 + len(nilai))
    cacat = []
    # A row with more values than the header record has its values shifted (a separator
    # inside an unquoted value): that row is rejected, the others load.
    if nilai.shape[1] > lebar:
        isi_lebih = np.column_stack([~_kosong(nilai.iloc[:, i]) for i in range(lebar, nilai.shape[1])])
        berlebih = isi_lebih.any(axis=1)
        if berlebih.any():
            # values in the row = header width + position of its last non-empty extra cell
            jumlah = nilai.shape[1] - np.argmax(isi_lebih[berlebih, ::-1], axis=1)
            for n_nilai in np.unique(jumlah):
                pos = np.flatnonzero(berlebih)[jumlah == n_nilai]
                cacat.append((pos, None, f"baris berisi {n_nilai} nilai, padahal baris judul berisi {lebar} "
                                         "kolom (mungkin ada pemisah di dalam sebuah nilai tanpa tanda kutip)"))
        nilai = nilai.iloc[:, :lebar]
    return _Tabel(nilai, baris, "csv", cacat=cacat, cek_karakter=periksa_sel)


def _csv_ke_frame(data: bytes, pemisah: str, judul: int) -> pd.DataFrame:
    """The records from the header on as strings ('' for empty), wide enough for the longest record."""
    lebar = None
    for _ in range(8):
        try:
            # bytes, not StringIO: the C parser reads them directly (a 20 MB StringIO costs ~0.3 s)
            return pd.read_csv(io.BytesIO(data), sep=pemisah, encoding="utf-8", header=None, skiprows=judul,
                               names=None if lebar is None else range(lebar), dtype=str, na_filter=False,
                               skip_blank_lines=False, engine="c")
        except pd.errors.ParserError as e:
            pesan = str(e)
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", pesan)
            if m:  # a record longer than the first: read again wide enough, reject that row later
                lebar = max(int(m[3]), (lebar or 0) + 1)
                continue
            m = re.search(r"EOF inside string starting at row (\d+)", pesan)
            if m:
                raise FileDitolak(f"Tanda kutip (\") yang dibuka di baris {int(m[1]) + 1} tidak pernah ditutup "
                                  "sampai akhir file; perbaiki sel itu lalu unggah ulang.") from None
            raise FileDitolak("File tidak bisa dibaca sebagai tabel CSV: susunan tanda kutip atau pemisahnya "
                              "rusak.") from None
        except (UnicodeDecodeError, ValueError, MemoryError):
            raise FileDitolak("File tidak bisa dibaca sebagai tabel CSV: susunan tanda kutip atau pemisahnya "
                              "rusak.") from None
    raise FileDitolak("File tidak bisa dibaca sebagai tabel CSV: jumlah nilai per baris sangat tidak "
                      "beraturan.")


def _baca_xlsx(isi: bytes, sheet: str | None, minggu: dt.date | None) -> _Tabel:
    try:
        buku = pd.ExcelFile(io.BytesIO(isi), engine="calamine")
    except Exception:
        raise FileDitolak("File ini bukan file Excel .xlsx yang sah (rusak atau berformat lain).") from None
    with buku:
        lembar = buku.sheet_names
        if not lembar:
            raise FileDitolak("File Excel tidak berisi lembar (sheet) apa pun.")
        tersembunyi = _lembar_tersembunyi(buku)
        daftar_lembar = ", ".join(f"{n} (tersembunyi)" if n in tersembunyi else n for n in lembar)
        if sheet is not None and sheet not in lembar:
            sama = [s for s in lembar if s.strip().lower() == sheet.strip().lower()]
            if len(sama) != 1:
                raise FileDitolak(f"Lembar (sheet) '{sheet}' tidak ada di file; lembar yang tersedia: "
                                  f"{daftar_lembar}.")
            sheet = sama[0]
        # "The first sheet" is the first one the user sees: a hidden first sheet is skipped.
        terlihat = [n for n in lembar if n not in tersembunyi]
        nama_lembar = sheet if sheet is not None else (terlihat or lembar)[0]
        try:
            semua = pd.read_excel(buku, sheet_name=nama_lembar, header=None)
        except Exception:
            raise FileDitolak(f"Lembar '{nama_lembar}' tidak bisa dibaca: isi file Excel rusak; buka lalu simpan "
                              "ulang file di Excel.") from None
    konteks = "" if len(lembar) == 1 else f" (lembar yang dibaca: '{nama_lembar}'; lembar di file: {daftar_lembar})"
    if semua.empty or semua.notna().sum().sum() == 0:
        raise FileDitolak(f"Lembar '{nama_lembar}' kosong{konteks}.")
    baris_awal = semua.head(BARIS_CARI_JUDUL).astype(object).to_numpy().tolist()
    try:
        judul = _cari_judul(baris_awal, minggu)
    except FileDitolak as e:
        if not konteks:
            raise
        saran = "; pilih lembar lain dengan --sheet atau kolom 'Nama sheet'"
        raise FileDitolak(f"{str(e).rstrip('.')}{konteks}{saran}.") from None
    kepala = ["" if not _ada_isi(v) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)).strip()
              for v in semua.iloc[judul]]
    nilai = semua.iloc[judul + 1:].reset_index(drop=True)
    nilai.columns = kepala
    # pandas row 0 is Excel row 1 (calamine keeps leading empty rows), so the header is row judul+1
    baris = np.arange(judul + 2, judul + 2 + len(nilai))
    # one entry per column and reason, however many cells: _validasi builds a mask for each
    per_kolom: dict[tuple[int, str], list[int]] = {}
    for (pos, kolom), alasan in _sel_tanpa_nilai(isi, nama_lembar, judul + 1).items():
        if 0 <= pos < len(nilai) and kolom < nilai.shape[1]:
            per_kolom.setdefault((kolom, alasan), []).append(pos)
    return _Tabel(nilai, baris, "xlsx", lembar=nama_lembar,
                  cacat=[(np.array(pos), kolom, alasan) for (kolom, alasan), pos in per_kolom.items()])


def _lembar_tersembunyi(buku: pd.ExcelFile) -> set[str]:
    try:
        return {m.name for m in buku.book.sheets_metadata if str(m.visible).rsplit(".", 1)[-1] != "Visible"}
    except Exception:  # older python-calamine without metadata: every sheet counts as visible
        return set()


_RE_SEL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)', re.S)
_RE_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')


def _sel_tanpa_nilai(isi: bytes, nama_lembar: str, baris_pertama: int) -> dict[tuple[int, int], str]:
    """Cells calamine reads as empty although they are not: a formula saved without its value
    (files written by programs, never recalculated) and Excel errors (#N/A, #REF!, …).

    Keyed by (data row position, column position); only looked for when the sheet has formulas
    or error cells at all, so an ordinary file costs one substring search.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(isi)) as z:
            xml = z.read(_jalur_lembar(z, nama_lembar))
    except Exception:
        return {}
    if b"<f" not in xml and b't="e"' not in xml and b"<x:f" not in xml:
        return {}
    hasil = {}
    for m in _RE_SEL.finditer(xml):
        atribut, isi_sel = m[1], m[3] or b""
        galat = b't="e"' in atribut
        rumus = b"<f" in isi_sel or b":f" in isi_sel
        if not (galat or rumus):
            continue
        ref = _RE_REF.search(atribut)
        if ref is None:
            continue
        nilai = re.search(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", isi_sel)
        if galat:
            alasan = (f"sel berisi galat Excel {(nilai[1].decode('utf-8', 'replace') if nilai else '#N/A')} "
                      "(rumus yang gagal); isi nilainya atau perbaiki rumusnya")
        elif nilai is None or not nilai[1].strip():
            alasan = ("sel berisi rumus tanpa nilai tersimpan (file dibuat program dan belum dihitung); "
                      "buka di Excel lalu simpan ulang agar nilainya dihitung")
        else:
            continue
        kolom = 0
        for huruf in ref[1].decode():
            kolom = kolom * 26 + ord(huruf) - 64
        hasil[(int(ref[2]) - 1 - baris_pertama, kolom - 1)] = alasan
    return hasil


def _jalur_lembar(z, nama_lembar: str) -> str:
    """The XML part of a sheet, through workbook.xml and its relationships."""
    buku = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")

    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", buku):
        nama = re.search(r'\bname="([^"]*)"', m[1])
        rid = re.search(r'\br:id="([^"]*)"', m[1]) or re.search(r'\b\w+:id="([^"]*)"', m[1])
        if nama and rid and unescape(nama[1]) == nama_lembar:
            for r in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
                if re.search(rf'\bId="{re.escape(rid[1])}"', r[1]):
                    target = re.search(r'\bTarget="([^"]*)"', r[1])[1]
                    return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(nama_lembar)


def _teks_parquet(seri) -> pd.Series:
    """A text column; bytes that are not UTF-8 become U+FFFD (their rows are then rejected, as
    in a CSV) instead of failing the conversion of the whole column."""
    import pyarrow as pa

    try:
        seri.validate(full=True)
        return seri.to_pandas()
    except pa.ArrowInvalid:
        biner = seri.cast(pa.large_binary() if pa.types.is_large_string(seri.type) else pa.binary())
        return pd.Series([None if b is None else b.decode("utf-8", "replace") for b in biner.to_pylist()],
                         dtype="str")


def _baca_parquet(isi: bytes) -> _Tabel:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        tabel = pq.ParquetFile(io.BytesIO(isi)).read()
    except Exception:
        raise FileDitolak("File ini bukan file Parquet yang sah (rusak atau berformat lain).") from None
    # Column by column: pandas refuses duplicate names in one conversion, and a duplicate
    # follows the rule of every format (the first is used, the second is extra).
    kolom, nama_kolom = {}, []
    for i, (nama, seri) in enumerate(zip(tabel.column_names, tabel.columns)):
        if re.fullmatch(r"__index_level_[0-9]+__", nama):  # pandas' saved index, not data
            continue
        jenis = seri.type
        if pa.types.is_nested(jenis) or pa.types.is_dictionary(jenis) and pa.types.is_nested(jenis.value_type):
            if normal_nama(nama) in kontrak.KOLOM_PER_NAMA:
                raise FileDitolak(f"Kolom '{nama}' di file Parquet berisi daftar atau struktur, bukan "
                                  "satu nilai per sel; simpan kolom itu sebagai teks, angka atau tanggal.")
        try:
            kolom[i] = _teks_parquet(seri) if pa.types.is_string(jenis) or pa.types.is_large_string(jenis) \
                else seri.to_pandas()
        except Exception:
            raise FileDitolak(f"Kolom '{nama}' di file Parquet tidak bisa dibaca (tipe {jenis}).") from None
        nama_kolom.append(str(nama))
    nilai = pd.DataFrame(kolom)
    nilai.columns = nama_kolom
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
        # beyond 2^53 a float64 no longer holds every whole number (and beyond 2^63 Int64
        # wraps to a negative): refuse instead of storing a different number
        besar = ~np.isnan(arr) & (np.abs(arr) >= 2.0**53)
        gagal.tambah(besar, f"angka terlalu besar (paling besar {fmt.angka(2**53 - 1)})")
        arr = np.where(besar, np.nan, arr)
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


# --------------------------------------------------------------------------- the contract's checks

def _pelanggaran(tipe: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """(column, check, rows failing it) of the required / range / enum / reference checks that
    kontrak.KOLOM declares, over whole columns; an empty cell fails only 'wajib'."""
    hasil = []
    for k in kontrak.KOLOM:
        s = tipe[k.nama]
        kosong = s.isna().to_numpy(dtype=bool)
        if k.wajib:
            hasil.append((k.nama, "wajib", kosong))
        if k.jenis in ("int", "float") and k.minimum is not None:
            nilai = s.to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(invalid="ignore"):
                salah = (nilai < k.minimum) | (nilai > k.maksimum if k.maksimum is not None else False)
        elif k.jenis == "enum":
            salah = ~s.isin(k.nilai).to_numpy(dtype=bool)
        elif k.jenis == "kode_desa":
            salah = ~_di_referensi(s).to_numpy(dtype=bool)
        else:
            continue
        hasil.append((k.nama, "rentang" if k.jenis in ("int", "float") else k.jenis, salah & ~kosong))
    return hasil


@lru_cache(maxsize=1)
def _referensi_desa() -> pd.Index:
    # the codes alone: wilayah.desa() also slices every code into its ancestors (≈ 0.06 s)
    return pd.Index(wilayah.kode_desa_semua().astype(object))


def _di_referensi(kode: pd.Series) -> pd.Series:
    """kode_desa in the Kemendagri list.

    A cached object Index keeps its hash table between calls; Series.isin on Arrow strings would
    re-box all 83k reference codes on every call.
    """
    posisi = _referensi_desa().get_indexer(pd.Index(kode.astype(object)))
    return pd.Series(posisi >= 0, index=kode.index)


def _alasan_cek(nama: str) -> str:
    k = kontrak.KOLOM_PER_NAMA[nama]
    if k.jenis == "enum":
        return f"nilai tidak dikenal; pilihan: {', '.join(k.nilai)}"
    if k.jenis == "kode_desa":
        return "kode desa tidak ada dalam referensi Kemendagri"
    if k.maksimum is not None:
        return (f"di luar rentang {fmt.angka(k.minimum, 1, ringkas=True)} sampai "
                f"{fmt.angka(k.maksimum, 1, ringkas=True)}")
    return f"kurang dari {fmt.angka(k.minimum, 1, ringkas=True)}"


# --------------------------------------------------------------------------- validation

def validasi_frame(mentah: pd.DataFrame, *, minggu: dt.date | None = None, batas_tolak: float = 0.2,
                   baris_awal: int = 2, batas: kontrak.BatasTanggal | None = None,
                   wilayah_muat: str | None = None) -> HasilBaca:
    """Validate a frame of raw values (strings as read from a file, or typed values); format 'frame'."""
    baris = np.arange(baris_awal, baris_awal + len(mentah))
    return _validasi(_Tabel(mentah.reset_index(drop=True), baris, "frame"), minggu=minggu,
                     batas_tolak=batas_tolak, batas=batas, wilayah_muat=wilayah_muat)


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


def _periksa_batas_minggu(minggu: dt.date, hari_terakhir: dt.date, batas: kontrak.BatasTanggal) -> None:
    """A week before the programme or after today (plus the margin) is refused whole."""
    if minggu < minggu_iso(batas.minggu_paling_awal):
        raise FileDitolak(f"Minggu data {fmt.tanggal(minggu)} sebelum program KDKMP dimulai (paling awal minggu "
                          f"{fmt.tanggal(minggu_iso(batas.minggu_paling_awal))}); periksa tahun pada tanggal_data.")
    lambat = batas.paling_lambat()
    if hari_terakhir > lambat:
        raise FileDitolak(f"Tanggal data {fmt.tanggal(hari_terakhir)} berada di masa depan (paling lambat "
                          f"{fmt.tanggal(lambat)}, yaitu hari ini + {batas.hari_ke_depan} hari); periksa tahunnya.")


def _validasi(tabel: _Tabel, *, minggu: dt.date | None, batas_tolak: float,
              batas: kontrak.BatasTanggal | None, wilayah_muat: str | None = None) -> HasilBaca:
    if not 0 <= batas_tolak <= 1:  # also NaN; the CLI and the page check what the user typed
        raise ValueError(f"batas_tolak harus 0 sampai 1, bukan {batas_tolak!r}")
    batas = batas or kontrak.muat_batas()
    mentah, baris, format_ = tabel.nilai, tabel.baris, tabel.format
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

    # --- rows that are empty in every column are not data (unless the reader saw a defect in them)
    kosong_semua = np.logical_and.reduce([kosong_kolom[i] for i in range(mentah.shape[1])]) \
        if mentah.shape[1] else np.ones(len(mentah), dtype=bool)
    isi = ~kosong_semua
    cacat = np.zeros(len(mentah), dtype=bool)
    for pos, _, _ in tabel.cacat:
        cacat[pos] = True
    isi |= cacat
    if not isi.any():
        raise FileDitolak("File tidak berisi baris data di bawah baris judul kolom.")
    posisi_baru = np.cumsum(isi) - 1  # old row position → position among the kept rows
    if not isi.all():
        mentah = mentah[isi].reset_index(drop=True)
        baris = baris[isi]
        kosong_kolom = {i: m[isi] for i, m in kosong_kolom.items()}
    n = len(mentah)
    # reader defects: a cell of a contract column fails that column, anything else the whole row
    nama_per_posisi = {pos: nama for nama, pos in peta.items()}
    cacat_sel: dict[str, list[tuple[np.ndarray, str]]] = {}
    cacat_baris: list[tuple[np.ndarray, str]] = []
    for pos, kolom_cacat, alasan in tabel.cacat:
        mask = np.zeros(n, dtype=bool)
        mask[posisi_baru[pos]] = True
        if kolom_cacat is None:
            cacat_baris.append((mask, alasan))
        elif kolom_cacat in nama_per_posisi:
            cacat_sel.setdefault(nama_per_posisi[kolom_cacat], []).append((mask, alasan))

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
        kosong = kosong_kolom[pos]
        for mask, alasan in cacat_sel.get(k.nama, ()):
            gagal.tambah(mask, alasan)
            kosong = kosong | mask  # the cell is reported already: not also "kosong" or unreadable
        sel = _pisah(mentah.iloc[:, pos], kosong)
        if tabel.cek_karakter and sel.teks is not None:
            rusak = sel.teks.str.contains(_RE_KARAKTER_RUSAK, regex=True).fillna(False).to_numpy(dtype=bool)
            if rusak.any():
                gagal.tambah(rusak, _ALASAN_KARAKTER_RUSAK)
                sel = _pisah(mentah.iloc[:, pos], kosong | rusak)
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
        if k.huruf_besar:
            data[k.nama] = data[k.nama].str.upper()

    # --- the week
    tanggal = data["tanggal_data"]
    if tanggal.notna().any():
        senin = (tanggal - pd.to_timedelta(tanggal.dt.day_of_week, unit="D")).dropna()
        jumlah = senin.value_counts().sort_index()
        if len(jumlah) > 1:
            daftar = [f"{fmt.tanggal(d.date())} ({fmt.angka(c)} baris)" for d, c in jumlah.items()]
            raise FileDitolak(f"File berisi data dari lebih dari satu minggu: {_daftar(daftar, 6)}.")
        minggu_file = jumlah.index[0].date()
        if minggu is not None and minggu_file != minggu:
            raise FileDitolak(f"Data file ini untuk minggu {fmt.tanggal(minggu_file)}, bukan minggu "
                              f"{fmt.tanggal(minggu)} yang dipilih.")
        minggu = minggu_file
    elif minggu is None:
        raise FileDitolak("Tidak ada tanggal_data yang terbaca, sehingga minggu data tidak bisa ditentukan.")
    hari_terakhir = tanggal.max().date() if tanggal.notna().any() else minggu
    _periksa_batas_minggu(minggu, hari_terakhir, batas)
    # a report date after the week (a typo in the year) would stay "the latest report" for good
    laporan = data["laporan_terakhir"]
    akhir_minggu = pd.Timestamp(minggu + dt.timedelta(days=6))
    gagal_per_kolom["laporan_terakhir"].tambah(
        (laporan > akhir_minggu).to_numpy(dtype=bool),
        f"setelah akhir minggu data ({fmt.tanggal(akhir_minggu.date())}); laporan terakhir tidak boleh lebih baru "
        "dari minggu yang dilaporkan")
    gagal_per_kolom["laporan_terakhir"].tambah(
        (laporan < pd.Timestamp(batas.minggu_paling_awal)).to_numpy(dtype=bool),
        f"sebelum program KDKMP dimulai ({fmt.tanggal(batas.minggu_paling_awal)})")
    # with the week given by the caller, tanggal_data is optional and defaults to that Monday
    if minggu_diberikan:
        tanggal_gagal = gagal_per_kolom["tanggal_data"].semua()
        data["tanggal_data"] = tanggal.mask(tanggal.isna() & ~tanggal_gagal, pd.Timestamp(minggu))

    tipe = pd.DataFrame(data)

    # --- problems: parse failures, then the contract's checks (required / range / enum / reference), then duplicates
    masalah: list[pd.DataFrame] = []
    gagal_parse: dict[str, np.ndarray] = {}
    for nama, gagal in gagal_per_kolom.items():
        gagal_parse[nama] = gagal.semua()
        for mask, alasan in gagal.daftar:
            pos = np.flatnonzero(mask)
            masalah.append(pd.DataFrame({"pos": pos, "kolom": nama, "alasan": alasan}))

    for nama, cek, salah in _pelanggaran(tipe):
        pos = np.flatnonzero(salah)
        if cek == "wajib":
            pos = pos[~gagal_parse[nama][pos]]  # unreadable, already reported
            alasan = "kolom wajib kosong"
        else:
            alasan = _alasan_cek(nama)
        if len(pos):
            masalah.append(pd.DataFrame({"pos": pos, "kolom": nama, "alasan": alasan}))

    kode = tipe["kode_koperasi"]
    ganda = (kode.duplicated(keep="first") & kode.notna()).to_numpy()
    if ganda.any():
        # float when some codes are empty (their group is NaN); the duplicates themselves are not
        pertama = pd.Series(np.arange(n)).groupby(kode.to_numpy(), dropna=True).transform("min").to_numpy()
        pos = np.flatnonzero(ganda)
        masalah.append(pd.DataFrame({
            "pos": pos, "kolom": "kode_koperasi",
            "alasan": [f"kode_koperasi ganda, sudah ada di baris {b}" for b in baris[pertama[pos].astype("int64")]],
            "ringkas": "kode_koperasi: kode_koperasi ganda"}))
    for mask, alasan in cacat_baris:
        masalah.append(pd.DataFrame({"pos": np.flatnonzero(mask), "kolom": KOLOM_SELURUH_BARIS, "alasan": alasan}))
    luar = _di_luar_wilayah(tipe["kode_desa"], wilayah_muat)
    if luar.any():
        masalah.append(pd.DataFrame({
            "pos": np.flatnonzero(luar), "kolom": "kode_desa",
            "alasan": f"di luar wilayah {wilayah_muat} ({wilayah.nama(wilayah_muat)})",
            "ringkas": f"kode_desa: di luar wilayah {wilayah_muat}"}))

    masalah_df = (pd.concat(masalah, ignore_index=True) if masalah
                  else pd.DataFrame({"pos": pd.Series(dtype="int64"), "kolom": pd.Series(dtype="str"),
                                     "alasan": pd.Series(dtype="str"), "ringkas": pd.Series(dtype="str")}))
    # the kind of problem, without what is particular to one row, for "masalah terbanyak"
    umum = (masalah_df["kolom"] + ": " + masalah_df["alasan"]).astype("str")
    masalah_df["ringkas"] = (masalah_df["ringkas"].astype("str").fillna(umum) if "ringkas" in masalah_df
                             else umum)
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

    # The rejects file: the raw cells as typed, between this file's row number and the reasons.
    # A column of the same name in the input (a rejects file uploaded again, or the user's own)
    # is kept under another name, never overwritten.
    mentah_ditolak = mentah.iloc[pos_ditolak].reset_index(drop=True)
    label = [str(c) for c in mentah_ditolak.columns]
    dipakai = set(label)
    for i, c in enumerate(label):
        if normal_nama(c) in (KOLOM_BARIS_PENOLAKAN, KOLOM_ALASAN_PENOLAKAN):
            label[i] = _nama_bebas(f"{c.strip()} (sebelumnya)", dipakai)
            dipakai.add(label[i])
    mentah_ditolak = pd.DataFrame({i: _teks_mentah(mentah_ditolak.iloc[:, i]).to_numpy()
                                   for i in range(mentah_ditolak.shape[1])}, index=range(len(pos_ditolak)))
    mentah_ditolak.columns = label
    mentah_ditolak.insert(0, KOLOM_BARIS_PENOLAKAN, baris[pos_ditolak].astype("int64"))
    gabungan = (masalah_df["kolom"] + ": " + masalah_df["alasan"]).groupby(masalah_df["pos"]).agg("; ".join)
    mentah_ditolak[KOLOM_ALASAN_PENOLAKAN] = gabungan.reindex(pos_ditolak).to_numpy()

    hasil = HasilBaca(data=hasil_data, ditolak=ditolak, minggu=minggu, baris_dibaca=n,
                      kolom_tambahan=tambahan, format=format_, mentah_ditolak=mentah_ditolak, lembar=tabel.lembar)

    n_luar = int(luar.sum())
    if n_luar == n:
        raise FileDitolak(_kalimat_semua_di_luar(tipe["kode_desa"], wilayah_muat, n), hasil=hasil)
    # rows of other areas are not this area's errors: the limit is over the area's own rows
    porsi = (len(pos_ditolak) - n_luar) / (n - n_luar)
    if porsi > batas_tolak or len(pos_ditolak) == n:
        # rows, not cells: a row with the same kind of problem in two columns counts once
        terbanyak = masalah_df.drop_duplicates(["pos", "ringkas"])["ringkas"].value_counts()
        masalah_utama = (f"masalah terbanyak {terbanyak.index[0]} ({fmt.angka(terbanyak.iloc[0])} baris); "
                         "perbaiki file lalu unggah ulang.")
        if len(pos_ditolak) == n:  # even when the limit allows it, an empty week is no week
            raise FileDitolak(f"Tidak ada baris yang bisa dimuat: semua {fmt.angka(n)} baris ditolak, "
                              f"{masalah_utama}", hasil=hasil)
        persen = fmt.angka(porsi * 100, 1)
        if persen == fmt.angka(batas_tolak * 100, 1):
            persen = fmt.angka(porsi * 100, 2)
        raise FileDitolak(
            f"{persen} % baris ditolak (batas {fmt.angka(batas_tolak * 100, 2, ringkas=True)} %): "
            f"{fmt.angka(len(pos_ditolak))} dari {fmt.angka(n)} baris bermasalah, {masalah_utama}", hasil=hasil)
    return hasil


def _di_luar_wilayah(kode_desa: pd.Series, wilayah_muat: str | None) -> np.ndarray:
    """Rows whose (valid) kode_desa lies outside `wilayah_muat`; an unreadable code is rejected for
    that already."""
    if wilayah_muat is None:
        return np.zeros(len(kode_desa), dtype=bool)
    ada = kode_desa.notna()
    dalam = kode_desa.str.startswith(wilayah_muat + ".").fillna(False).astype(bool)
    return (ada & ~dalam).to_numpy()


def _kalimat_semua_di_luar(kode_desa: pd.Series, wilayah_muat: str, n: int) -> str:
    """The one sentence for a file meant for another area: where its rows are."""
    kab = kode_desa.dropna().str.slice(0, 5).value_counts()
    letak = ", ".join(f"{k} {wilayah.nama(k)} ({fmt.angka(v)} baris)" for k, v in kab.head(3).items())
    lagi = f" dan {fmt.angka(len(kab) - 3)} kabupaten/kota lain" if len(kab) > 3 else ""
    return (f"Semua {fmt.angka(n)} baris file ini berada di luar wilayah {wilayah_muat} ({wilayah.nama(wilayah_muat)}): "
            f"kode desanya di {letak}{lagi}; pilih wilayah yang sesuai atau unggah file wilayah {wilayah_muat}.")


def _nama_bebas(nama: str, dipakai: set[str]) -> str:
    """`nama`, or `nama 2`, `nama 3` … the first that is not taken."""
    calon, i = nama, 1
    while calon in dipakai:
        i += 1
        calon = f"{nama.rstrip(')')} {i})" if nama.endswith(")") else f"{nama} {i}"
    return calon


def _kolom_kosong(jenis: str, n: int) -> pd.Series:
    """An absent optional column: all NULL in the column's type."""
    dtype = {"date": "datetime64[us]", "bool": "boolean", "int": "Int64", "float": "Float64"}.get(jenis, "str")
    return pd.Series(pd.array([None] * n, dtype=dtype) if dtype != "str" else np.nan, index=range(n), dtype=dtype)
