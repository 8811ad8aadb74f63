"""Kualitas data: who did not report, who fell silent, what was rejected, reporting over time."""

import streamlit as st

from kdkmp import charts, queries
from kdkmp import format as fmt
from kdkmp.ui import dasar, sesi
from kdkmp.ui.unggah import riwayat_pemuatan

minggu = dasar.minggu_terpilih()
st.title("Kualitas data")
wilayah = dasar.pilih_wilayah(kunci_awalan="")

st.subheader("Wilayah yang laporannya kurang")
label_tingkat = {"kabupaten": "Kabupaten/kota", "kecamatan": "Kecamatan"}
tingkat = st.radio("Tingkat", list(label_tingkat), horizontal=True, key="tingkat_kelengkapan",
                   format_func=label_tingkat.get)
kelengkapan = dasar.tanya(queries.kelengkapan_wilayah, minggu, wilayah, tingkat)
diam = kelengkapan[kelengkapan["melapor"] == 0]
kurang = kelengkapan[(kelengkapan["melapor"] > 0) & (kelengkapan["kurang"] > 0)]
k1, k2 = st.columns(2)
k1.metric(f"{label_tingkat[tingkat]} tanpa laporan sama sekali", fmt.angka(len(diam)))
k2.metric("Melapor kurang dari jumlah desa", fmt.angka(len(kurang)))
# "% melapor" as a number, not a progress bar: a bar's label can only be printf (no decimal comma) or
# the browser's language (dasar.tabel_data)
dasar.tabel_data(kelengkapan[kelengkapan["kurang"] > 0], height=360,
                 kosong=f"Tidak ada {label_tingkat[tingkat].lower()} yang laporannya kurang minggu ini.",
                 column_config={"kode": "Kode", "nama": "Wilayah", "provinsi": "Provinsi",
                                "diharapkan": "Desa/kelurahan", "melapor": "Melapor", "kurang": "Belum melapor",
                                "tingkat_lapor": "% melapor"})

st.subheader("Koperasi tanpa laporan dua minggu atau lebih")
tanpa = dasar.tanya(queries.koperasi_tanpa_laporan, minggu, wilayah, 2)
st.metric("Koperasi", fmt.angka(len(tanpa)))
dasar.tabel_data(tanpa, height=300, kosong="Tidak ada koperasi yang dua minggu atau lebih tanpa laporan.",
                 column_config={"kode_koperasi": "Kode", "nama_koperasi": "Koperasi", "kode_desa": "Kode desa",
                                "minggu_lapor_terakhir": st.column_config.DateColumn("Laporan terakhir",
                                                                                     format="DD/MM/YYYY"),
                                "minggu_tanpa_laporan": "Minggu tanpa laporan"})

st.subheader("Tingkat pelaporan per provinsi")
st.vega_lite_chart(dasar.grafik(charts.peta_panas_tingkat_lapor, queries.tingkat_lapor_provinsi), width="stretch",
                   key="tingkat_lapor_provinsi")

if sesi.pengguna().wilayah is None:  # raw rejected cells of any area: national accounts only
    st.subheader("Baris ditolak per pemuatan")
    riwayat_pemuatan()
