"""Tindak lanjut: the spreadsheet round trip of the offices — download the work list, fill the
action columns, upload it, see every row accepted or rejected with its reason, apply in one click."""

from datetime import datetime

import streamlit as st

from kdkmp import akses, export, queries
from kdkmp import format as fmt
from kdkmp import tindaklanjut as tl
from kdkmp.ui import dasar, sesi
from kdkmp.ui import tindaklanjut as tlui

minggu = dasar.minggu_terpilih()
pengguna = sesi.pengguna()
st.title("Tindak lanjut")
st.caption("Unduh daftar kerja, isi kolom Tindakan / PIC / Kantor PIC / Target / Status / Catatan, lalu unggah "
           "kembali: setiap baris diperiksa dulu, baru diterapkan dengan satu klik. Satu tindak lanjut juga bisa "
           "dicatat di halaman Koperasi.")

st.subheader("1. Unduh daftar kerja")
wilayah = dasar.pilih_wilayah()
daftar = tlui.daftar_kerja(minggu, wilayah)
terbuka = int(daftar["status_tindakan"].isin([s.kode for s in tl.STATUS.values() if not s.selesai]).sum())
k1, k2, k3 = st.columns(3)
k1.metric("Koperasi di daftar kerja", fmt.angka(len(daftar)))
k2.metric("Merah minggu ini", fmt.angka(int((daftar["zona"] == "merah").sum())))
k3.metric("Tindak lanjut masih terbuka", fmt.angka(terbuka))
cakupan = queries.kalimat_saringan(wilayah, ())
st.caption(f"Minggu {fmt.tanggal(minggu)} · {cakupan} · koperasi merah minggu ini, ditambah koperasi yang tindak "
           "lanjut terakhirnya masih direncanakan atau berjalan walau sudah keluar dari merah; urutan prioritas "
           "daftar intervensi, dengan kode Kemendagri.")
tampil = tl.tabel_ekspor(daftar)
with st.expander("Lihat daftar kerja"):
    dasar.tabel_data(tampil, height=360, key="tl_daftar_kerja",
                     kosong="Daftar kerja kosong: tidak ada koperasi merah dan tidak ada tindak lanjut terbuka.")
cap = dasar.tanya(queries.cap_data, minggu)
keterangan = {"Isi": "Daftar kerja tindak lanjut KDKMP", "Wilayah": cakupan, "Jumlah koperasi": len(daftar),
              "Minggu data": minggu, "Versi aturan": cap["versi_aturan"], "Dibuat pada": datetime.now(),
              "Dibuat oleh": pengguna.nama}


def catat_ekspor(format_: str) -> None:
    sesi.catat("ekspor", pengguna.nama, wilayah=wilayah, format=format_, saringan="daftar kerja tindak lanjut",
               baris=len(daftar), minggu=minggu.isoformat())


tlui.unduh_daftar(tampil, keterangan, export.nama_file("tindaklanjut", wilayah, minggu, "csv").removesuffix(".csv"),
                  catat_ekspor, kunci="tl_kerja")

st.subheader("2. Unggah daftar yang sudah diisi")
if not tlui.boleh_catat():
    st.info(f"Peran {pengguna.hak.label} dapat mengunduh daftar kerja, tetapi tidak mencatat tindak lanjut; "
            "unggahan dilakukan oleh kantor provinsi atau kabupaten/kota.")
    st.stop()
pesan = st.session_state.pop("_tl_pesan_impor", None)
if pesan:
    (st.success if pesan[0] == "ok" else st.error)(pesan[1])
st.caption(f"Baris di luar cakupan Anda ({akses.label_cakupan(pengguna.wilayah)}), kode tidak dikenal, tanggal atau "
           "status yang salah, dan tindak lanjut yang sudah diubah orang lain sejak diunduh ditolak satu per satu "
           "dengan alasannya; baris lain tetap bisa diterapkan.")
berkas = st.file_uploader("Berkas CSV atau XLSX hasil daftar kerja atau daftar intervensi", type=["csv", "xlsx"],
                          key=f"tl_unggah_{st.session_state.get('_tl_unggah_ke', 0)}")
if berkas is not None:
    hasil = tlui.pratinjau(berkas)
    if hasil is not None:
        tlui.tampilkan_pratinjau(hasil)
