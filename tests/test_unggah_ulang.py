"""The rejects-file round trip through the upload page (issue 9): check a file, take its
"baris ditolak" file, fix the rows in it and upload that file as it is."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from kdkmp import store
from tests.conftest import buka_app
from tests.snapshot_factory import frame_contoh

AKAR = Path(__file__).resolve().parent.parent
MINGGU_BARU = date(2026, 11, 23)


def halaman_unggah() -> AppTest:
    return buka_app("halaman/unggah.py")


def metrik(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tombol_muat(at: AppTest):
    return next(b for b in at.button if b.label == "Muat ke basis data")


def test_the_rejects_file_fixed_and_uploaded_again_through_the_page_loads(salinan_demo):
    # 10 rows; file rows 4 and 8 carry values an office types by mistake
    asli = frame_contoh(10, minggu=MINGGU_BARU)
    asli.loc[2, "status_lahan"] = "sengketa"
    asli.loc[6, "gerai_aktif"] = "9"
    at = halaman_unggah()
    at.file_uploader[0].set_value(("minggu_23.csv", asli.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    assert metrik(at)["Baris ditolak"] == "2"
    # what the "Unduh baris ditolak" button serves
    penolakan = at.session_state["pratinjau"].file_penolakan()
    tabel = pd.read_csv(io.BytesIO(penolakan), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert tabel["baris"].tolist() == ["4", "8"]

    tabel.loc[0, "status_lahan"] = "verifikasi"
    tabel.loc[1, "gerai_aktif"] = "2"
    diperbaiki = tabel.to_csv(index=False).encode("utf-8-sig")  # saved as it came, BOM and all
    at.file_uploader[0].set_value(("minggu_23.ditolak.csv", diperbaiki, "text/csv")).run()
    assert not at.exception, at.exception
    assert not at.error
    assert metrik(at) == {"Minggu terdeteksi": "23 Nov 2026", "Baris dibaca": "2", "Baris akan dimuat": "2",
                          "Baris ditolak": "0"}
    assert any("baris, alasan_penolakan" in c.value for c in at.caption)
    at.checkbox(key="konfirmasi_cakupan").check().run()  # 2 rows for a new week: confirmed as meant
    tombol_muat(at).click().run()
    assert not at.exception
    con = store.sambungan_baca(salinan_demo)
    dimuat = con.execute("SELECT kode_koperasi, status_lahan, gerai_aktif FROM laporan WHERE minggu = ? "
                         "ORDER BY kode_koperasi", [MINGGU_BARU]).fetchall()
    assert dimuat == sorted([(asli.loc[2, "kode_koperasi"], "verifikasi", 0), (asli.loc[6, "kode_koperasi"], "siap", 2)])
