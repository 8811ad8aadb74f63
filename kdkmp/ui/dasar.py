"""The plumbing every page uses: the cached read, the week, URL-bound widgets, table defaults.

Query results are cached on the database file's identity (inode, mtime, size), which changes
with every load and every rescoring, so nothing stale is ever served; the signed-in user's scope
is checked before every cached read, and is an argument of the cache for the reads whose rows
depend on it, so a result is never served across scopes.
"""

from __future__ import annotations

import copy
import importlib
from datetime import date

import pandas as pd
import streamlit as st

from kdkmp import agregat, akses, queries, store
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.tembolok import Tembolok
from kdkmp.ui import tabel
from kdkmp.ui.sesi import pengguna, tolak
from kdkmp.ui.tautan import HALAMAN_RINGKASAN, PARAM_TINGKAT


# Sized for a Monday: the reads and the pieces built from them of every area an office opens
# (a kabupaten view keeps ≈ 20 of each), per data version.
BACAAN = Tembolok(4096)
GRAFIK = Tembolok(4096)
_BERLAKU = Tembolok(16)


def _baca(nama_fungsi: str, identitas: tuple, db: str, cakupan: str | None, args: tuple, kwargs: tuple):
    def buat():
        modul, nama = nama_fungsi.rsplit(".", 1)
        fungsi = getattr(importlib.import_module(modul), nama)
        kw = (*kwargs, ("cakupan", cakupan)) if getattr(fungsi, "cara_cakupan", None) else kwargs
        con = store.sambungan_baca(db)
        try:
            with queries.agregat_diketahui(*_versi_data(con, db, identitas)):
                return fungsi(con, *args, **dict(kw))
        finally:
            con.close()
    return BACAAN.ambil((nama_fungsi, identitas, db, cakupan, args, kwargs), buat)


def _versi_data(con, db: str, identitas: tuple) -> tuple[bool, tuple | None]:
    """agregat.berlaku of the file version `identitas`, asked once per version instead of by each of
    a cold view's ten reads, and that version, so that the reads share what they read for every
    area of a level (queries.agregat_diketahui). Used only while the file is still that version
    after `con` was opened (a swap replaces the inode), so `con` reads the very file they are about."""
    if store.identitas_file(db) != identitas:
        return agregat.berlaku(con), None  # swapped since this read was keyed: ask this connection
    berlaku = _BERLAKU.ambil((db, identitas), lambda: agregat.berlaku(con))
    return berlaku, (db, identitas)


def tanya(fungsi, *args, **kwargs):
    """Call a read function (kdkmp.queries, or one built on them that declares its scope with
    queries.tercakup) on the live database for the signed-in user, cached per data version; the
    scope is checked on every call and keys the cache where the rows depend on it (_kunci_cakupan),
    so a result is never served across scopes. A request outside the scope stops the page with one
    sentence (tolak)."""
    db = str(store.lokasi_db())
    try:
        return _salinan(_baca(f"{fungsi.__module__}.{fungsi.__name__}", store.identitas_file(db), db,
                              _kunci_cakupan(fungsi, args, kwargs), args, tuple(sorted(kwargs.items()))))
    except akses.AksesDitolak as e:
        tolak(e)


def _kunci_cakupan(fungsi, args: tuple, kwargs: dict) -> str | None:
    """The scope the cache is keyed on. The user's scope is checked here, on every call, before
    the cache is looked at; after that only a "koperasi" read (rows restricted in SQL) differs by
    scope, so every other result is cached once for all scopes: the national comparison a
    kabupaten office sees is the same frame the national overview read (issue 14: a cold
    kabupaten view recomputed it per scope)."""
    cakupan = pengguna().cakupan
    periksa = getattr(fungsi, "periksa_cakupan", None)
    if periksa is None:
        return None  # a read that does not take the scope at all: the same for everyone
    periksa(args, kwargs, cakupan)
    return cakupan if fungsi.cara_cakupan == "koperasi" else None


def _salinan(nilai):
    """What tanya hands a page: a kept DataFrame as a shallow copy (pandas 3 copies on write, so a
    page adding or changing a column changes its own), a dict or list deep-copied (small: counts,
    weeks), anything else (numbers, dates, frozen dataclasses) as kept."""
    if isinstance(nilai, pd.DataFrame):
        return nilai.copy(deep=False)
    if isinstance(nilai, (dict, list)):
        return copy.deepcopy(nilai)
    return nilai


def _grafik(nama_grafik: str, nama_kueri: str, identitas: tuple, db: str, cakupan: str | None, args: tuple,
            kwargs: tuple, argumen: tuple):
    def buat():
        data = _baca(nama_kueri, identitas, db, cakupan, args, kwargs)
        modul, nama = nama_grafik.rsplit(".", 1)
        return _tabel_vega_sebagai_arrow(getattr(importlib.import_module(modul), nama)(data, *argumen))
    return GRAFIK.ambil((nama_grafik, nama_kueri, identitas, db, cakupan, args, kwargs, argumen), buat)


def _tabel_vega_sebagai_arrow(spek):
    """A Vega-Lite spec whose table (`data.values`, an Arrow table from kdkmp.charts) is made Arrow
    bytes once, in a named dataset: st.vega_lite_chart converts a table on every run of every
    session, but passes bytes on as they are (≈ 0.3–0.7 ms a chart, 3 ms of the 7 charts of an area
    view, measured). Anything else is returned unchanged."""
    data = spek.get("data") if isinstance(spek, dict) else None
    if not isinstance(data, dict) or not hasattr(data.get("values"), "column_names"):
        return spek
    from streamlit import dataframe_util

    return {**spek, "datasets": {"tabel": dataframe_util.convert_arrow_table_to_arrow_bytes(data["values"])},
            "data": {"name": "tabel"}}


def grafik(buat, kueri, *args, argumen: tuple = (), **kwargs):
    """`buat(tanya(kueri, *args, **kwargs), *argumen)`, a chart (a Vega-Lite spec)
    or any other piece made from one read (a sentence, a table's HTML), built once per data version,
    scope and arguments and then shared by every session: building the figures was a fifth of an
    area view's server time, and st.vega_lite_chart only reads it. `buat` must not
    change what it is given, and what it returns is shared: nobody may change it either.
    The query's own cache and scope check apply as in `tanya`."""
    db = str(store.lokasi_db())
    try:
        return _grafik(f"{buat.__module__}.{buat.__name__}", f"{kueri.__module__}.{kueri.__name__}",
                       store.identitas_file(db), db, _kunci_cakupan(kueri, args, kwargs), args,
                       tuple(sorted(kwargs.items())), argumen)
    except akses.AksesDitolak as e:
        tolak(e)


# ---------------------------------------------------------------- the week

def daftar_minggu() -> list[date]:
    """Loaded weeks, newest first; empty when there is no database or no data."""
    try:
        return tanya(queries.daftar_minggu)
    except store.BasisDataKosong:
        return []


def data_atau_berhenti() -> list[date]:
    """Loaded weeks, or a clear message telling how to load data and stop the page."""
    daftar = daftar_minggu()
    if not daftar:
        st.info("Belum ada data mingguan. Muat file lewat halaman **Unggah** atau dengan "
                "`python -m kdkmp ingest FILE`, atau bangun data demo dengan `python -m kdkmp demo`.")
        st.stop()
    return daftar


def pilih_minggu(daftar: list[date]) -> date:
    """The week selector in the sidebar, bound to the URL (?minggu=YYYY-MM-DD) so every view is
    shareable; it lives in app.py so the choice survives a change of page."""
    pilihan = [d.isoformat() for d in daftar]
    # A week withdrawn since this session chose it is no longer an option: back to the latest.
    if st.session_state.get("minggu") not in (None, *pilihan):
        del st.session_state["minggu"]
    if st.query_params.get("minggu") not in (None, *pilihan):
        del st.query_params["minggu"]
    nilai = widget_url(st.sidebar.selectbox, "Minggu data", "minggu", options=pilihan, index=0, bawaan=pilihan[0],
                       format_func=lambda s: fmt.tanggal(date.fromisoformat(s)))
    return date.fromisoformat(nilai)


def minggu_terpilih() -> date:
    """The week chosen in the sidebar (latest loaded week by default)."""
    daftar = data_atau_berhenti()
    nilai = st.session_state.get("minggu")
    terpilih = date.fromisoformat(nilai) if nilai else None
    # a week withdrawn since it was chosen is no longer shown: the latest week instead
    return terpilih if terpilih in daftar else daftar[0]


# ---------------------------------------------------------------- widgets bound to the URL

def widget_url(fungsi, label: str, kunci: str, *, bawaan=None, **kw):
    """A widget whose value lives in the URL under `kunci` as the raw value (a code, an ISO
    date), so links stay readable and reopen the same view. Streamlit's own binding writes the
    displayed label instead ("Nusa Tenggara Barat (52)"), hence this small mechanism."""
    if kunci not in st.session_state and kunci in st.query_params:
        teks = st.query_params[kunci]
        pilihan = kw.get("options")
        try:
            if fungsi in (st.checkbox, st.sidebar.checkbox, st.toggle):
                nilai = teks.lower() in ("true", "1", "ya")
            elif fungsi in (st.number_input, st.sidebar.number_input):
                nilai = type(kw.get("value", 0))(teks)
            else:
                nilai = teks if pilihan is None or teks in list(pilihan) else None
            if nilai is not None:
                st.session_state[kunci] = nilai
        except ValueError:
            pass  # a hand-edited URL with a bad value: keep the default
    if kunci in st.session_state:
        kw.pop("index", None)
        kw.pop("value", None)
    nilai = fungsi(label, key=kunci, **kw)
    if nilai is None or nilai is False or nilai == bawaan:
        if kunci in st.query_params:
            del st.query_params[kunci]
    else:
        st.query_params[kunci] = str(nilai).lower() if isinstance(nilai, bool) else str(nilai)
    return nilai


def wilayah_dari_url() -> str | None:
    """The deepest area named in the URL (?prov=52&kab=52.01 → '52.01'); stops the page with a
    clear message when a code is unknown or does not belong to its parent."""
    terpilih = None
    for tingkat in ("provinsi", "kabupaten", "kecamatan", "desa"):
        nilai = st.query_params.get(PARAM_TINGKAT[tingkat])
        if not nilai:
            continue
        try:
            w = ref.cari(nilai)
        except ref.KodeTidakDikenal as e:
            st.error(f"{e} Periksa alamat halaman atau kembali ke ringkasan nasional.")
            st.page_link(HALAMAN_RINGKASAN, label="Ringkasan nasional", icon=":material/home:")
            st.stop()
        if w.tingkat != tingkat or (terpilih and ref.induk(w.kode) != terpilih):
            st.error(f"Kode {nilai} bukan {tingkat} di bawah {terpilih or 'nasional'}; periksa alamat halaman.")
            st.page_link(HALAMAN_RINGKASAN, label="Ringkasan nasional", icon=":material/home:")
            st.stop()
        terpilih = w.kode
    return terpilih


def pilih_wilayah(kunci_awalan: str = "") -> str | None:
    """Cascading provinsi → kabupaten/kota → kecamatan selectors, each bound to the URL
    (?prov=52&kab=52.01&kec=…); returns the deepest chosen code or None (national)."""
    cakupan = pengguna().wilayah
    terpilih = None
    kolom = st.columns(3)
    for i, tingkat in enumerate(("provinsi", "kabupaten", "kecamatan")):
        anak = ref.anak(terpilih)
        if terpilih is None and tingkat != "provinsi":
            break
        if cakupan is not None and ref.TINGKAT.index(tingkat) <= ref.TINGKAT.index(ref.tingkat(cakupan)):
            # a level at or above the scope is fixed to the scope; a URL naming another is refused
            kode_cakupan = ref.leluhur(cakupan)[i]
            diminta = st.query_params.get(kunci_awalan + PARAM_TINGKAT[tingkat])
            if diminta and ref.normalisasi_kode(diminta) != kode_cakupan:
                tolak(akses.AksesDitolak(akses.kalimat_di_luar(ref.normalisasi_kode(diminta) or diminta, cakupan)))
            with kolom[i]:
                st.selectbox(ref.LABEL_TINGKAT[tingkat], [kode_cakupan], disabled=True,
                             format_func=lambda k: f"{ref.nama(k)} ({k})", key=f"_tetap_{kunci_awalan}{tingkat}")
            terpilih = kode_cakupan
            continue
        pilihan = dict(zip(anak["kode"], anak["nama"]))
        diminta = ref.normalisasi_kode(st.query_params.get(kunci_awalan + PARAM_TINGKAT[tingkat]))
        if cakupan is not None and diminta and diminta not in pilihan and not akses.di_dalam(diminta, cakupan):
            tolak(akses.AksesDitolak(akses.kalimat_di_luar(diminta, cakupan)))
        with kolom[i]:
            nilai = widget_url(st.selectbox, ref.LABEL_TINGKAT[tingkat], kunci_awalan + PARAM_TINGKAT[tingkat],
                               options=list(pilihan), index=None, format_func=lambda k, p=pilihan: f"{p[k]} ({k})",
                               placeholder="Semua")
        if nilai is None:
            break
        terpilih = nilai
    return terpilih


# ---------------------------------------------------------------- house defaults

KOSONG = "Tidak ada data untuk ditampilkan."


def tabel_data(df, *, kosong: str | None = KOSONG, **kw):
    """st.dataframe with the house defaults: no index, full width, '–' for missing values, numbers
    the Indonesian way whatever the browser's language (tabel.bentuk_angka), and for a table with
    no row the sentence `kosong` instead of the grid's English "empty" (None: the empty grid).
    A number column the caller gave a format of its own keeps it ("%d" for an ID); "localized" or
    no format means the house's."""
    if kosong is not None and not len(df):
        st.info(kosong)
        return None
    kw.setdefault("hide_index", True)
    kw.setdefault("width", "stretch")
    konfigurasi = dict(kw.pop("column_config", None) or {})
    rumah = [k for k in df.columns if k not in konfigurasi or _format_rumah(konfigurasi[k])]
    bentuk = tabel.bentuk_angka(df, {k: _judul(v) for k, v in konfigurasi.items()}, rumah)
    for kolom, b in bentuk.items():
        konfigurasi[kolom] = _dengan_format(konfigurasi.get(kolom), b if isinstance(b, str) else None)
    teks = {k: b for k, b in bentuk.items() if callable(b)}
    data = df.style.format(teks, na_rep="–") if teks else df
    return st.dataframe(data, placeholder="–", column_config=konfigurasi, **kw)


def _judul(konfigurasi) -> str | None:
    """The header a column configuration shows (a label, or a ColumnConfig's)."""
    return konfigurasi if isinstance(konfigurasi, str) else (konfigurasi or {}).get("label")


def _format_rumah(konfigurasi) -> bool:
    """Whether a configured column is left to the house's number format: a label only, or a number
    column without a format of its own. None hides the column: nothing to format."""
    if isinstance(konfigurasi, str):
        return True
    if konfigurasi is None:
        return False
    jenis = konfigurasi.get("type_config") or {}
    return jenis.get("type", "number") == "number" and jenis.get("format") in (None, tabel.PERAMBAN)


def _dengan_format(konfigurasi, format_: str | None) -> dict:
    """The column's configuration with the number format `format_` (None: the Styler's text shows)."""
    if isinstance(konfigurasi, dict):
        return {**konfigurasi, "type_config": {"type": "number", **(konfigurasi.get("type_config") or {}),
                                               "format": format_}}
    return st.column_config.NumberColumn(konfigurasi, format=format_)


def tombol_unduh(label: str, isi, nama_file: str, *, mime: str, catat=None, wadah=None, **kw):
    """st.download_button that never reruns the page. `isi`: bytes, or a function making them
    when the button is clicked (a national list is ≈ 0,5 s per CSV, which every rerun would
    otherwise pay). `catat()`, the audit row of the export, is written once the file is made, so
    a file that could not be made is not recorded as exported.
    Why no rerun: a click that also ran a callback rerun the page while Chromium was fetching
    the file made on demand, and in two CI runs the download then never started (the rerun
    replaces the button's deferred file; streamlit#5586 is the same family of race)."""
    if catat is not None:
        buat = isi if callable(isi) else (lambda: isi)

        def isi():
            data = buat()
            catat()
            return data

    return (wadah or st).download_button(label, isi, nama_file, mime=mime, on_click="ignore", **kw)
