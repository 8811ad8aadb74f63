"""Status pelaporan: which kabupaten/kota have loaded, verified and had their week validated,
with the buttons each office may press and the list of those not in yet."""

import streamlit as st

from kdkmp.ui import dasar
from kdkmp.ui import pelaporan as plui

minggu = dasar.minggu_terpilih()
st.title("Status pelaporan")
st.caption("Pelaporan berjenjang: PMO kabupaten/kota memuat dan memverifikasi data mingguannya, PMO provinsi "
           "memvalidasi atau mengembalikannya dengan catatan, PMO pusat melihat semuanya. Minggu yang sudah "
           "divalidasi hanya bisa dimuat ulang setelah validatornya membuka kembali dengan alasan.")
plui.tampilkan(minggu)
