"""Random damage to weekly files (issue 9): the reader only ever loads or refuses with one
Indonesian sentence, never a traceback, and a refused load leaves the database byte for byte."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdkmp import ingest, snapshot, store
from tests.snapshot_factory import frame_contoh

# What a library says when its message leaks through instead of ours.
_BAHASA_PUSTAKA = re.compile(r"Error|error|Traceback|tokeniz|Expected|line \d|No such|Is a directory|invalid|"
                             r"codec|calamine|Arrow|parquet file|Zip|zip file", re.I)


def _frame() -> pd.DataFrame:
    frame = frame_contoh(12, nama_koperasi=[f"Koperasi Désa Ñagi’s – {i}" for i in range(12)])
    frame.loc[3, "omzet_bulanan"] = "1.500.000"
    return frame


@pytest.fixture(scope="module")
def berkas_dasar() -> dict[str, bytes]:
    """The same valid week as CSV (UTF-8 and Windows-1252), XLSX and Parquet."""
    frame = _frame()
    xlsx, parquet = io.BytesIO(), io.BytesIO()
    frame.to_excel(xlsx, index=False)
    frame.to_parquet(parquet, index=False)
    return {"csv": frame.to_csv(index=False).encode("utf-8"),
            "cp1252.csv": frame.to_csv(index=False, sep=";").encode("cp1252"),
            "xlsx": xlsx.getvalue(), "parquet": parquet.getvalue()}


@st.composite
def kerusakan(draw, n: int):
    """A list of damage steps for a file of n bytes."""
    langkah = draw(st.lists(st.one_of(
        st.tuples(st.just("potong"), st.integers(0, n)),
        st.tuples(st.just("balik"), st.integers(0, n - 1), st.integers(1, 255)),
        st.tuples(st.just("nul"), st.integers(0, n), st.integers(1, 4)),
        st.tuples(st.just("hapus"), st.integers(0, n - 1), st.integers(1, 64)),
        st.tuples(st.just("ulang"), st.integers(0, n - 1), st.integers(1, 200)),
        st.tuples(st.just("sisip"), st.integers(0, n), st.sampled_from(
            [b'"', b"\r", b"\n", b",", b";", b"\xff", b"\xe2\x80", b"\xef\xbb\xbf", b"\xc3", b"\t", b"=1+1"])),
        st.tuples(st.just("ubah_kode"), st.sampled_from(["utf-16", "utf-32", "cp1252", "latin-1", "utf-8-sig"])),
    ), min_size=1, max_size=4))
    return langkah


def rusakkan(isi: bytes, langkah) -> bytes:
    for l in langkah:
        jenis = l[0]
        if jenis == "potong":
            isi = isi[:l[1]]
        elif jenis == "balik" and isi:
            i = l[1] % len(isi)
            isi = isi[:i] + bytes([isi[i] ^ l[2]]) + isi[i + 1:]
        elif jenis == "nul":
            isi = isi[:l[1]] + b"\x00" * l[2] + isi[l[1]:]
        elif jenis == "hapus":
            isi = isi[:l[1]] + isi[l[1] + l[2]:]
        elif jenis == "ulang":
            isi = isi[:l[1] + l[2]] + isi[l[1]:]
        elif jenis == "sisip":
            isi = isi[:l[1]] + l[2] + isi[l[1]:]
        elif jenis == "ubah_kode":
            isi = isi.decode("utf-8", errors="replace").encode(l[1], errors="replace")
    return isi


def periksa_kalimat(pesan: str) -> None:
    assert pesan and pesan[-1] in ".)", pesan
    assert "\n" not in pesan.strip(), pesan
    assert not _BAHASA_PUSTAKA.search(pesan), pesan


def baca_atau_tolak(isi: bytes, nama_file: str) -> snapshot.HasilBaca | None:
    try:
        hasil = snapshot.baca_snapshot(isi, nama_file=nama_file)
    except snapshot.FileDitolak as e:
        periksa_kalimat(str(e))
        return None
    assert hasil.baris_dimuat >= 1
    assert len(hasil.data) + hasil.baris_ditolak == hasil.baris_dibaca
    for kolom in ("kode_koperasi", "nama_koperasi"):
        assert not hasil.data[kolom].str.contains("[\x00\ufffd]", regex=True).any()
    hasil.file_penolakan()  # always writable
    return hasil


@pytest.mark.parametrize("format_", ["csv", "cp1252.csv", "xlsx", "parquet"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_load_or_are_refused_with_a_sentence(berkas_dasar, format_, data):
    isi = berkas_dasar[format_]
    langkah = data.draw(kerusakan(len(isi)))
    baca_atau_tolak(rusakkan(isi, langkah), "minggu." + format_.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def db_kecil(tmp_path_factory) -> Path:
    """A database with one earlier week loaded, copied to start every example from."""
    path = tmp_path_factory.mktemp("kecil") / "kdkmp.duckdb"
    awal = frame_contoh(12, minggu=pd.Timestamp("2026-11-09").date())
    ingest.simpan(snapshot.validasi_frame(awal), isi_file=None, nama_file="awal.csv", db_path=path)
    store.tutup_semua()
    return path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_refused_damaged_file_leaves_the_database_byte_for_byte(berkas_dasar, db_kecil, tmp_path_factory, data):
    format_ = data.draw(st.sampled_from(["csv", "xlsx"]))
    isi = rusakkan(berkas_dasar[format_], data.draw(kerusakan(len(berkas_dasar[format_]))))
    folder = tmp_path_factory.mktemp("contoh")
    db = folder / "kdkmp.duckdb"
    shutil.copyfile(db_kecil, db)
    sebelum = hashlib.sha256(db.read_bytes()).digest()
    file = folder / f"minggu.{format_}"
    file.write_bytes(isi)
    try:
        ingest.muat_file(file, db_path=db)
    except (snapshot.FileDitolak, store.GagalMuat) as e:
        periksa_kalimat(str(e))
        assert hashlib.sha256(db.read_bytes()).digest() == sebelum
        # no copy, write-ahead log or archive left behind
        assert {p.name for p in folder.iterdir()} <= {"kdkmp.duckdb", "kdkmp.duckdb.lock", file.name}
    finally:
        store.tutup_semua()
        shutil.rmtree(folder, ignore_errors=True)
