"""Where the database is, in one home light enough for `python -m kdkmp ingest` to find the resident
writer's socket (kdkmp.penulis) before it imports DuckDB or pandas."""

from __future__ import annotations

import os
from pathlib import Path

LOKASI_BAWAAN = Path(__file__).resolve().parent.parent / "data" / "kdkmp.duckdb"


def lokasi_db(path: str | os.PathLike | None = None) -> Path:
    """The database path: the argument, else $KDKMP_DB, else data/kdkmp.duckdb."""
    if path:
        return Path(path)
    return Path(os.environ.get("KDKMP_DB") or LOKASI_BAWAAN)
