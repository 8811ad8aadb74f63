"""Koperasi: one cooperative's zone history with its follow-up actions, pillar scores, reasons, the
actions and their forms, and the latest report (?kode=…)."""

import streamlit as st

from kdkmp import charts, queries
from kdkmp import format as fmt
from kdkmp.ui import dasar, komponen, tabel, tautan
from kdkmp.ui.koperasi import penjelasan
from kdkmp.ui.tindaklanjut import grafik_linimasa, tindak_lanjut_koperasi

minggu = dasar.minggu_terpilih()
kode = st.query_params.get("kode")

if not kode:
    st.title("Cari koperasi")
    teks = st.text_input("Kode atau nama koperasi", placeholder="mis. Sukamaju atau KDKMP-5201…")
    if teks and len(teks.strip()) >= 3:
        hasil = dasar.tanya(queries.cari_koperasi, teks.strip())
        if hasil.empty:
            st.info(f"Tidak ada koperasi yang kode atau namanya memuat “{teks}”.")
        for k, nama in zip(hasil["kode_koperasi"], hasil["nama_koperasi"]):
            st.page_link(tautan.HALAMAN_KOPERASI, label=f"{nama} ({k})", query_params={"kode": k})
    st.stop()

laporan = dasar.tanya(queries.laporan_koperasi, kode, minggu)
if laporan is None:
    st.error(f"Koperasi dengan kode {kode} tidak ditemukan sampai minggu {fmt.tanggal(minggu)}.")
    st.page_link(tautan.HALAMAN_RINGKASAN, label="Ringkasan nasional", icon=":material/home:")
    st.stop()

komponen.remah_roti(laporan["kode_desa"])
st.title(laporan["nama_koperasi"])
st.caption(f"{kode} · {laporan['nama_desa']}, {laporan['nama_kecamatan']}, {laporan['nama_kabupaten']}, "
           f"{laporan['nama_provinsi']} · laporan terakhir minggu {fmt.tanggal(laporan['minggu'])}"
           f" · laporan BA terakhir {fmt.tanggal(tabel.sebagai_tanggal(laporan['laporan_terakhir']))}")
penjelasan(dasar.tanya(queries.penjelasan_koperasi, kode, minggu))

grafik_linimasa(kode)
tindak_lanjut_koperasi(kode, laporan["nama_koperasi"])

kiri, kanan = st.columns([3, 2])
with kiri:
    st.subheader("Indikator laporan terakhir")
    dasar.tabel_data(tabel.tabel_indikator(laporan), height=560)
with kanan:
    st.subheader("Lokasi")
    # drawn when asked, as on the area views: deck.gl's code and WebGL drawing held the page for
    # seconds in a browser without a GPU (a projector laptop's), for a map most visits don't need
    if dasar.widget_url(st.toggle, "Tampilkan peta", "peta", bawaan=False):
        peta = charts.peta_zona(dasar.tanya(queries.titik_peta, minggu, laporan["kode_kecamatan"]), tinggi_px=380)
        if peta is None:
            st.info("Koordinat koperasi di kecamatan ini belum dilaporkan.")
        else:
            st.pydeck_chart(peta, height=380)
            st.caption(f"Koperasi di Kecamatan {laporan['nama_kecamatan']} menurut zona; posisi perkiraan.")
