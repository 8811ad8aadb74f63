"""Unggah: check a week's file before loading it, then load it (or replace the week); the load
history; withdraw or restore a loaded week. Any unexpected error is shown as one sentence and
logged (kdkmp.ui.unggah: periksa_file, tulis), never as a traceback."""

import hashlib

import streamlit as st

from kdkmp import format as fmt
from kdkmp import ingest, queries
from kdkmp.ui import dasar, sesi
from kdkmp.ui.unggah import periksa_file, riwayat_dan_penarikan, tulis

pengguna = sesi.wajib_hak("boleh_muat")
st.title("Unggah data mingguan")
st.caption("Format: CSV (pemisah , atau ;, UTF-8 atau Windows-1252), XLSX, atau Parquet, sesuai kontrak snapshot v1. "
           "File diperiksa dulu; tidak ada yang disimpan sebelum Anda menekan **Muat**.")

berkas = st.file_uploader("File laporan mingguan", type=["csv", "xlsx", "parquet"], key="berkas_unggah")
k1, k2 = st.columns(2)
with k1:
    minggu_manual = st.date_input("Minggu data (hanya bila file tidak punya kolom tanggal_data)", value=None,
                                  format="DD/MM/YYYY", key="minggu_manual")
with k2:
    sheet = st.text_input("Nama sheet XLSX (kosong = sheet pertama)", key="sheet_unggah") or None

if berkas is None:
    riwayat_dan_penarikan()
    st.stop()

isi = berkas.getvalue()
sidik = hashlib.sha256(isi).hexdigest()
kunci = (sidik, berkas.name, minggu_manual, sheet)
if st.session_state.get("pratinjau_kunci") != kunci:
    with st.spinner(f"Memeriksa {berkas.name}…"):
        st.session_state["pratinjau"], st.session_state["pratinjau_galat"] = periksa_file(
            isi, berkas.name, minggu_manual, sheet)
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
    st.download_button("Unduh baris ditolak (untuk diperbaiki)", hasil.file_penolakan(),
                       file_name=berkas.name.rsplit(".", 1)[0] + ".ditolak.csv", mime="text/csv",
                       icon=":material/download:")

if st.session_state.get("hasil_muat"):
    st.success(f"Minggu {fmt.tanggal(hasil.minggu)} dimuat sebagai batch {st.session_state['hasil_muat']} "
               "dan sudah dinilai. Semua halaman kini menampilkan data ini.")
    riwayat_dan_penarikan()
    st.stop()

dimuat = dasar.daftar_minggu()
sudah_ada = dasar.tanya(queries.batch_aktif, hasil.minggu) if dimuat else None
peringatan = ingest.peringatan_cakupan(hasil.minggu, hasil.baris_dimuat,
                                       dasar.tanya(queries.batch_aktif, dimuat[0]) if dimuat else None)
yakin_cakupan = True
if peringatan:
    st.warning(peringatan)
    yakin_cakupan = st.checkbox("Ya, file ini memang seluruh data minggu itu", key="konfirmasi_cakupan")
ganti = False
if sudah_ada:
    st.warning(f"Minggu {fmt.tanggal(hasil.minggu)} sudah dimuat: batch {sudah_ada['batch_id']}, file "
               f"{sudah_ada['nama_file']}, {fmt.waktu(sudah_ada['dimuat_pada'])} oleh {sudah_ada['dimuat_oleh']} "
               f"({fmt.angka(sudah_ada['baris_dimuat'])} baris).")
    ganti = st.checkbox(f"Ya, ganti data minggu ini (batch {sudah_ada['batch_id']}) dengan file ini", key="konfirmasi_ganti")

st.caption(f"Dimuat oleh: **{pengguna.nama}** (akun yang masuk).")
if st.button("Muat ke basis data", type="primary", disabled=(bool(sudah_ada) and not ganti) or not yakin_cakupan,
             icon=":material/upload:"):
    with st.status(f"Memuat {fmt.angka(hasil.baris_dimuat)} baris minggu {fmt.tanggal(hasil.minggu)}…") as status:
        batch_id, galat = tulis(ingest.simpan, hasil, isi_file=isi, nama_file=berkas.name, ganti=ganti,
                                   dimuat_oleh=pengguna.nama, konteks=f"muat {berkas.name}")
        if galat:
            status.update(label="Gagal memuat", state="error")
            st.error(galat)
            st.stop()
        sesi.catat("ganti" if ganti else "muat", pengguna.nama, minggu=hasil.minggu.isoformat(), batch=batch_id,
                 file=berkas.name, sha256=sidik, baris_dimuat=hasil.baris_dimuat, baris_ditolak=hasil.baris_ditolak)
        status.update(label=f"Selesai: batch {batch_id}", state="complete")
    st.session_state["hasil_muat"] = batch_id
    st.rerun()

