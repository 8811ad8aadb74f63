"""Unggah: choose the area a week's file is for (fixed for a kabupaten office), check the file,
see what the load would add, replace and remove area by area, then load it (waiting its turn
when another office is loading); for the admin, the load history and withdrawing or restoring a
week (an office sees the history of its own loads). Any unexpected error is shown as one sentence and logged (kdkmp.ui.unggah), never as a
traceback."""

import hashlib

import streamlit as st

from kdkmp import format as fmt
from kdkmp import ingest, queries
from kdkmp.ui import dasar, sesi
from kdkmp.ui import unggah as ui

pengguna = sesi.wajib_hak("boleh_muat")
admin = pengguna.hak.kelola_minggu
st.title("Unggah data mingguan")
st.caption("Format: CSV (pemisah , atau ;, UTF-8 atau Windows-1252), XLSX, atau Parquet, sesuai kontrak snapshot v1. "
           "File diperiksa dulu; tidak ada yang disimpan sebelum Anda menekan **Muat**. Pemuatan hanya mengganti "
           "kabupaten/kota yang ada di file; wilayah lain minggu itu tidak berubah.")

wilayah, ganti_semua = ui.pilih_wilayah(pengguna)
berkas = st.file_uploader("File laporan mingguan", type=["csv", "xlsx", "parquet"], key="berkas_unggah")
k1, k2 = st.columns(2)
with k1:
    minggu_manual = st.date_input("Minggu data (hanya bila file tidak punya kolom tanggal_data)", value=None,
                                  format="DD/MM/YYYY", key="minggu_manual")
with k2:
    sheet = st.text_input("Nama sheet XLSX (kosong = sheet pertama)", key="sheet_unggah") or None

if berkas is None:
    ui.riwayat(admin)
    st.stop()

isi = berkas.getvalue()
sidik = hashlib.sha256(isi).hexdigest()
kunci = (sidik, berkas.name, minggu_manual, sheet, wilayah)
if st.session_state.get("pratinjau_kunci") != kunci:
    with st.spinner(f"Memeriksa {berkas.name}…"):
        st.session_state["pratinjau"], st.session_state["pratinjau_galat"] = ui.periksa_file(
            isi, berkas.name, minggu_manual, sheet, wilayah)
    st.session_state["pratinjau_kunci"] = kunci
    st.session_state.pop("hasil_muat", None)

if st.session_state.get("pratinjau_galat"):
    st.error(st.session_state["pratinjau_galat"])
    st.stop()

hasil = st.session_state["pratinjau"]
k1, k2, k3, k4 = st.columns(4)
k1.metric("Minggu terdeteksi", fmt.tanggal(hasil.minggu))
k2.metric("Baris dibaca", fmt.angka(hasil.baris_dibaca))
k3.metric("Baris akan dimuat", fmt.angka(hasil.baris_dimuat))
k4.metric("Baris ditolak", fmt.angka(hasil.baris_ditolak))
if hasil.lembar:
    st.caption(f"Dibaca dari lembar '{hasil.lembar}'.")
if hasil.kolom_tambahan:
    st.caption("Kolom tambahan disimpan di arsip tetapi tidak dinilai: " + ", ".join(hasil.kolom_tambahan))
if hasil.baris_ditolak:
    st.subheader("Baris yang ditolak")
    dasar.tabel_data(hasil.ditolak, height=260,
                     column_config={"baris": "Baris", "kolom": "Kolom", "nilai": "Nilai", "alasan": "Alasan"})
    dasar.tombol_unduh("Unduh baris ditolak (untuk diperbaiki)", hasil.file_penolakan(),
                       berkas.name.rsplit(".", 1)[0] + ".ditolak.csv", mime="text/csv",
                       icon=":material/download:")

if st.session_state.get("hasil_muat"):
    batch_id, kalimat = st.session_state["hasil_muat"]
    st.success(f"Minggu {fmt.tanggal(hasil.minggu)} dimuat sebagai batch {batch_id} untuk "
               f"{ui.label_wilayah_muat(wilayah)} dan sudah dinilai. {kalimat}")
    ui.riwayat(admin)
    st.stop()

rencana, galat = ui.pratinjau(hasil, wilayah, ganti_semua)
if galat:
    st.error(galat)
    st.stop()
rencana = ui.pilih_cara_muat(rencana)
siap = ui.tampilkan_rencana(rencana)
terkunci = ui.kunci_validasi(rencana)
if terkunci:
    st.error(terkunci)

yakin_cakupan = True
if wilayah is None:  # an area's file is meant to be partial; a national one far smaller than the last week is not
    dimuat = dasar.daftar_minggu()
    peringatan = ingest.peringatan_cakupan(hasil.minggu, hasil.baris_dimuat,
                                           dasar.tanya(queries.cap_data, dimuat[0]) if dimuat else None)
    if peringatan:
        st.warning(peringatan)
        yakin_cakupan = st.checkbox("Ya, file ini memang seluruh data minggu itu", key="konfirmasi_cakupan")

st.caption(f"Dimuat oleh: **{pengguna.nama}** (akun yang masuk).")
if st.button("Muat ke basis data", type="primary", disabled=not (siap and yakin_cakupan) or bool(terkunci),
             icon=":material/upload:"):
    with st.status(f"Memuat {fmt.angka(hasil.baris_dimuat)} baris minggu {fmt.tanggal(hasil.minggu)}…") as status:
        tersimpan, galat = ui.muat(hasil, isi=isi, nama_file=berkas.name, pengguna=pengguna, wilayah=wilayah,
                                   ganti=bool(rencana.diganti) and not rencana.perbarui, ganti_semua=ganti_semua,
                                   perbarui=rencana.perbarui)
        status.update(label="Gagal memuat" if galat else f"Selesai: batch {tersimpan.batch_id}",
                      state="error" if galat else "complete")
    if galat:  # the reason in full view, not inside the status box
        st.error(galat)
        st.stop()
    r = tersimpan.rencana
    sesi.catat("ganti" if r.kode_dihapus else "muat", pengguna.nama, wilayah=wilayah,
               minggu=hasil.minggu.isoformat(), batch=tersimpan.batch_id, file=berkas.name, sha256=sidik,
               baris_dimuat=hasil.baris_dimuat, baris_ditolak=hasil.baris_ditolak,
               baris_diganti=r.baris_diganti, baris_dihapus=r.baris_hilang, ganti_semua=ganti_semua,
               perbarui=r.perbarui, laporan_lepas=r.laporan_lepas)
    st.session_state["hasil_muat"] = (tersimpan.batch_id, r.kalimat())
    st.rerun()
