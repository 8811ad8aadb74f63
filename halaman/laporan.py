"""Laporan bulanan: each level's monthly report (numbers from the data, the PMO's text), sent to the
level above, which reads its children's reports side by side and accepts or returns them."""

import streamlit as st

from kdkmp.ui import laporan as lbui

st.title("Laporan bulanan")
st.caption("Setiap bulan PMO kabupaten/kota melapor ke provinsi, PMO provinsi ke pusat: capaian KPI dari data "
           "bulan itu, lalu analisis, hambatan dan rekomendasi. Angka dibekukan saat laporan dikirim; tingkat di "
           "atasnya menerima atau mengembalikannya dengan catatan.")
lbui.tampilkan()
