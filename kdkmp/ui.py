"""The Streamlit side of the package: cached queries, the first-run build, the page stamp.

The only module of kdkmp that imports Streamlit; pages import it, domain modules never do.
Query results are cached on the database file's identity (inode, mtime, size), which
changes with every load and every rescoring, so nothing stale is ever served.
"""

from __future__ import annotations

import time
from datetime import date

import streamlit as st

from kdkmp import format as fmt
from kdkmp import queries, store


@st.cache_data(max_entries=1024, show_spinner=False)
def _tembolok(nama_fungsi: str, identitas: tuple, db: str, args: tuple, kwargs: tuple):
    con = store.sambungan_baca(db)
    try:
        return getattr(queries, nama_fungsi)(con, *args, **dict(kwargs))
    finally:
        con.close()


def tanya(fungsi, *args, **kwargs):
    """Call a kdkmp.queries function on the live database, cached per data version."""
    db = str(store.lokasi_db())
    return _tembolok(fungsi.__name__, store.identitas_file(db), db, args, tuple(sorted(kwargs.items())))


def siapkan_basis_data() -> None:
    """First run: build the national demo database with visible progress. Another session
    that arrives during the build waits for it instead of starting a second one."""
    db = store.lokasi_db()
    if db.exists():
        return
    from kdkmp import demo

    st.title("Menyiapkan data demo nasional")
    st.write(f"Belum ada basis data di `{db}`. Data demo 83.762 koperasi × 26 minggu sedang dibangun "
             "(sekitar satu sampai dua menit, hanya sekali).")
    bilah = st.progress(0.0, text="Memulai…")
    try:
        demo.bangun(db, progres=lambda bagian, pesan: bilah.progress(min(bagian, 1.0), text=pesan))
    except store.BasisDataSibuk:
        bilah.progress(0.0, text="Sesi lain sedang membangun data demo; halaman dimuat ulang sebentar lagi…")
        time.sleep(5)
    st.rerun()


def pilih_minggu(daftar: list[date]) -> date:
    """The week selector in the sidebar, kept in the URL (?minggu=YYYY-MM-DD) so views are shareable."""
    dari_url = st.query_params.get("minggu")
    indeks = 0
    if dari_url:
        try:
            indeks = daftar.index(date.fromisoformat(dari_url))
        except ValueError:
            st.sidebar.warning(f"Minggu {dari_url} tidak ada dalam data; ditampilkan minggu terbaru.")
    minggu = st.sidebar.selectbox("Minggu data", daftar, index=indeks, format_func=fmt.tanggal, key="minggu_data")
    if minggu != daftar[0] or dari_url:
        st.query_params["minggu"] = minggu.isoformat()
    return minggu


def data_atau_berhenti() -> list[date]:
    """Loaded weeks, or a clear message telling how to load data and stop the page."""
    try:
        daftar = tanya(queries.daftar_minggu)
    except store.BasisDataKosong:
        daftar = []
    if not daftar:
        st.info("Belum ada data mingguan. Muat file lewat halaman **Unggah** atau dengan "
                "`python -m kdkmp ingest FILE`, atau bangun data demo dengan `python -m kdkmp demo`.")
        st.stop()
    return daftar


def kartu(label: str, nilai: str, bantuan: str | None = None, delta: str | None = None) -> None:
    st.metric(label, nilai, delta=delta, help=bantuan, delta_color="off")
