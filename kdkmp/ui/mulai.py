"""What app.py runs before any page: the first-run demo build, and rescoring after the rules changed."""

from __future__ import annotations

import time

import streamlit as st

from kdkmp import rules, store


def siapkan_basis_data() -> None:
    """First run: build the national demo database with visible progress. Another session
    that arrives during the build waits for it instead of starting a second one."""
    db = store.lokasi_db()
    if db.exists():
        try:
            store.sambungan_baca(db)  # cached on the file's identity: a stat per rerun
        except store.BasisDataTidakBisaDibuka as e:
            st.error(f"{e} Dasbor tidak dapat menampilkan data. Perbaiki atau pindahkan berkas itu, atau arahkan "
                     "KDKMP_DB ke basis data yang benar; tanpa berkas, data demo dibangun saat halaman dibuka.")
            st.stop()
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


@st.cache_data(max_entries=16, show_spinner=False)
def _perlu_skor_ulang(identitas: tuple, versi: str, db: str) -> bool:
    con = store.sambungan_baca(db)
    try:
        return rules.perlu_skor_ulang(con, rules.muat_aturan())
    finally:
        con.close()


def pastikan_skor_terkini() -> None:
    """When config/zones.yaml changed, rescore every week once so that every view compares
    like with like. An invalid file is reported and the zones of the last valid rules stay."""
    db = store.lokasi_db()
    if not db.exists():
        return
    try:
        aturan = rules.muat_aturan()
    except rules.AturanTidakValid as e:
        st.sidebar.error(f"config/zones.yaml tidak valid; zona yang tampil masih dari aturan sebelumnya. {e}")
        return
    if not _perlu_skor_ulang(store.identitas_file(db), aturan.versi, str(db)):
        return
    try:
        with st.spinner(f"Aturan zona berubah (versi {aturan.versi}): menilai ulang semua minggu…"):
            from kdkmp import ingest

            with store.penulisan(db) as con:
                ingest.skor_ulang_semua(con, aturan)
    except store.BasisDataSibuk:
        st.sidebar.info("Penilaian ulang sedang berjalan di sesi lain; angka diperbarui setelah selesai.")
