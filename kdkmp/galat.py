"""Internal errors (bugs): the traceback goes to a log file, the user gets one Indonesian sentence.

Decisions, each in one line:
- A refusal the code foresaw (a bad file, a busy database, an unknown area) is its own exception
  type with an Indonesian message; everything else is a bug and handled here.
- The log is `kdkmp_galat.log` in the database's folder (where an operator looks for the data
  anyway), else in the temp folder when that folder cannot be written; entries are appended.
- The user is told the exception type, that nothing in the database changed (true: every write
  goes through store.penulisan, which discards its copy on any exception) and where the log is.
- Used by the CLI and by the upload page, so both log the same way.
- Also the Indonesian wording of OS errors (errno), instead of Python's English strerror.
"""

from __future__ import annotations

import errno
import os
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

NAMA_LOG = "kdkmp_galat.log"


def lokasi_log(db_path: str | os.PathLike | None = None) -> Path:
    """Where the log is written: beside the database when that folder is writable, else temp."""
    from kdkmp import store

    folder = store.lokasi_db(db_path).parent
    if folder.is_dir() and os.access(folder, os.W_OK | os.X_OK):
        return folder / NAMA_LOG
    return Path(tempfile.gettempdir()) / NAMA_LOG


def catat(e: BaseException, *, konteks: str, db_path: str | os.PathLike | None = None) -> Path:
    """Append the traceback of `e` with a time stamp and its context (command line, page);
    returns the file written. Never raises: a failing log must not hide the original error."""
    teks = (f"==== {datetime.now().isoformat(timespec='seconds')} · {konteks}\n"
            + "".join(traceback.format_exception(type(e), e, e.__traceback__)) + "\n")
    kandidat = [lokasi_log(db_path), Path(tempfile.gettempdir()) / NAMA_LOG]
    for jalur in dict.fromkeys(kandidat):
        try:
            with open(jalur, "a", encoding="utf-8") as f:
                f.write(teks)
            return jalur
        except OSError:
            continue
    return kandidat[-1]


def kalimat(e: BaseException, lokasi: Path) -> str:
    """The one sentence the user sees for a bug."""
    return (f"Terjadi galat internal ({type(e).__name__}); tidak ada data di basis data yang diubah. "
            f"Rincian galat dicatat di {lokasi}; kirimkan berkas itu kepada pengelola aplikasi.")


# errno → why, in Indonesian; what is not listed reads "galat sistem <code>".
_SEBAB_OS = {
    errno.ENOENT: "tidak ditemukan",
    errno.EISDIR: "itu folder, bukan berkas",
    errno.ENOTDIR: "salah satu bagian jalurnya bukan folder",
    errno.EACCES: "tidak ada izin",
    errno.EPERM: "tidak ada izin",
    errno.EROFS: "tempatnya hanya dapat dibaca",
    errno.ENOSPC: "ruang disk penuh",
    errno.EEXIST: "sudah ada berkas dengan nama itu",
    errno.ENAMETOOLONG: "nama jalurnya terlalu panjang",
}


def sebab_os(e: OSError) -> str:
    """Why an OS call failed, in Indonesian (from errno, never Python's English strerror)."""
    if e.errno in _SEBAB_OS:
        return _SEBAB_OS[e.errno]
    nama = errno.errorcode.get(e.errno, "") if e.errno is not None else ""
    return f"galat sistem {nama or e.errno or type(e).__name__}"
