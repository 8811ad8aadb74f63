"""Dasbor zonasi KDKMP: the entry point only signs the user in, sets the pages that user may
open, holds the week selector (bound to ?minggu= so it survives a change of page) and routes."""

from pathlib import Path

import streamlit as st

from kdkmp.ui import dasar, mulai, sesi

HALAMAN = Path(__file__).parent / "halaman"

st.set_page_config(page_title="Dasbor Zonasi KDKMP", page_icon=":material/storefront:", layout="wide")
pengguna = sesi.masuk()


def halaman_berhak(berkas: str, hak: str, **kwargs) -> st.Page:
    """A page for roles with right `hak`: listed for them; for the others routed but not listed, so
    that a bookmark or shared link reaches the page's own Indonesian refusal (sesi.wajib_hak, audited)
    instead of Streamlit's English "Page not found"."""
    return st.Page(HALAMAN / berkas, visibility="visible" if getattr(pengguna.hak, hak) else "hidden", **kwargs)


halaman = st.navigation({
    "Pemantauan": [
        st.Page(HALAMAN / "ringkasan.py", title="Ringkasan nasional" if pengguna.wilayah is None else "Beranda",
                icon=":material/dashboard:", default=True),
        st.Page(HALAMAN / "wilayah.py", title="Wilayah", icon=":material/map:"),
        st.Page(HALAMAN / "rapat.py", title="Rapat mingguan", icon=":material/co_present:"),
        st.Page(HALAMAN / "koperasi.py", title="Koperasi", icon=":material/storefront:"),
    ],
    "Tindak lanjut": [
        st.Page(HALAMAN / "intervensi.py", title="Intervensi", icon=":material/priority_high:"),
        st.Page(HALAMAN / "tindaklanjut.py", title="Tindak lanjut", icon=":material/task_alt:"),
        st.Page(HALAMAN / "kualitas.py", title="Kualitas data", icon=":material/fact_check:"),
        st.Page(HALAMAN / "pelaporan.py", title="Status pelaporan", icon=":material/verified:"),
        st.Page(HALAMAN / "laporan.py", title="Laporan bulanan", icon=":material/summarize:"),
    ],
    "Pengelolaan": [
        halaman_berhak("unggah.py", "boleh_muat", title="Unggah", icon=":material/upload_file:"),
        st.Page(HALAMAN / "aturan.py", title="Aturan", icon=":material/rule:"),
        halaman_berhak("admin.py", "kelola_akun", title="Pengguna & audit", icon=":material/admin_panel_settings:"),
    ],
})
# After st.navigation, so that the sidebar lists the pages by name even during the first build.
mulai.siapkan_basis_data()
mulai.pastikan_skor_terkini()
minggu_tersedia = dasar.daftar_minggu()
if minggu_tersedia:
    dasar.pilih_minggu(minggu_tersedia)
halaman.run()
