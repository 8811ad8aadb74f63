"""The Streamlit side of the dashboard: one module per concern, each view's composition in one place.

Where to look:
- ``dasar``: the cached read (``tanya``), the week selector, URL-bound widgets, the area from
  the URL and the area selectors, house table defaults.
- ``sesi``: sign-in glue — the request becomes a ``Pengguna`` (``akses.tentukan_pengguna``),
  refusals, the audit trail.
- ``mulai``: what app.py runs before any page: the first-run demo build, rescoring after the
  rules changed.
- ``komponen``: pieces several views share (breadcrumbs, the data stamp, zone cards, movement
  counts, a koperasi list).
- one module per view: ``wilayah`` (area view and national overview), ``rapat`` (weekly
  meeting and its brief), ``koperasi`` (a koperasi's verdict), ``intervensi`` (the list's filters),
  ``unggah`` (checking and loading a file, load history, withdrawing a week), ``aturan`` (the
  rules and the what-if), ``tindaklanjut`` (follow-up actions: a koperasi's forms and history,
  its timeline, the list's action filters, the spreadsheet round trip).
- ``tautan`` and ``tabel`` import no Streamlit: page paths and URL parameters, and the pure
  pandas helpers that shape what tables show (tested without Streamlit).

No module here runs SQL: reads go through ``dasar.tanya(queries.…)``, writes through kdkmp.ingest
(weekly data) and kdkmp.tindaklanjut (follow-up actions).

``from kdkmp import ui`` then ``ui.<name>`` still reaches the names the pages used when this was
one module (for branches written against it); new code imports the module that holds the name.
"""

from __future__ import annotations

import importlib

# name → module of this package, for `ui.<name>` (resolved on first use, so that importing the
# Streamlit-free modules does not import Streamlit).
_NAMA = {
    "dasar": ("tanya", "widget_url", "pilih_minggu", "minggu_terpilih", "daftar_minggu", "data_atau_berhenti",
              "tabel_data", "pilih_wilayah", "wilayah_dari_url"),
    "sesi": ("masuk", "pengguna", "beranda", "periksa", "tolak", "wajib_hak", "catat"),
    "mulai": ("siapkan_basis_data", "pastikan_skor_terkini"),
    "komponen": ("remah_roti", "cap", "kartu_zona", "garis_zona", "pergerakan", "tabel_koperasi"),
    "wilayah": ("tampilkan_wilayah", "perbandingan_provinsi", "batas_wilayah"),
    "rapat": ("tampilkan_rapat", "unduh_brief"),
    "koperasi": ("penjelasan",),
    "intervensi": ("pilih_saringan",),
    "unggah": ("riwayat_pemuatan", "riwayat_dan_penarikan", "tarik_pulihkan_minggu", "periksa_file", "tulis",
               "galat_internal"),
    "aturan": ("tampilkan_aturan", "ubah_aturan", "tanya_bagaimana_jika"),
    "tautan": ("HALAMAN_WILAYAH", "HALAMAN_KOPERASI", "HALAMAN_INTERVENSI", "HALAMAN_RAPAT", "PARAM_TINGKAT",
               "param_wilayah", "param_daftar"),
    "tabel": ("tabel_akun", "tabel_jejak", "sebagai_tanggal", "tabel_indikator", "per_provinsi_bagaimana_jika"),
}
_MODUL = {nama: modul for modul, daftar in _NAMA.items() for nama in daftar}


def __getattr__(nama: str):
    if nama in _MODUL:
        return getattr(importlib.import_module(f"{__name__}.{_MODUL[nama]}"), nama)
    raise AttributeError(f"module {__name__!r} has no attribute {nama!r}")
