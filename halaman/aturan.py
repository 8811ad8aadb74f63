"""Aturan: the zoning rules as they run, and a what-if on the latest week with changed numbers."""

import streamlit as st

from kdkmp import charts, export, rules
from kdkmp import format as fmt
from kdkmp.ui import dasar, sesi, tabel
from kdkmp.ui.aturan import tampilkan_aturan, tanya_bagaimana_jika, ubah_aturan

minggu = dasar.minggu_terpilih()
aturan = rules.muat_aturan()
st.title("Aturan zona")
st.caption(f"Versi {aturan.label_versi} · hash `{aturan.versi}` · berkas `config/zones.yaml` "
           "(diubah oleh pengelola lewat berkas, bukan dari halaman ini)")

with st.expander("Aturan yang berlaku", expanded=True):
    tampilkan_aturan(aturan)

if sesi.pengguna().wilayah is not None:  # the what-if lists koperasi of every province
    st.caption("Simulasi perubahan aturan (bagaimana jika…) tersedia untuk akun tingkat nasional.")
    st.stop()

st.header("Bagaimana jika…")
st.write(f"Ubah angka di bawah untuk melihat berapa koperasi berpindah zona pada minggu {fmt.tanggal(minggu)}. "
         "Aturan yang berjalan tidak berubah.")
kandidat = ubah_aturan(aturan)
if st.toggle("Sunting YAML kandidat langsung", key="sunting_yaml"):
    # The text starts from the numbers above; once edited here, the text is what counts.
    kandidat = st.text_area("YAML kandidat", kandidat, height=400, key="yaml_kandidat")

try:
    hasil = tanya_bagaimana_jika(kandidat, minggu)
except rules.AturanTidakValid as e:
    st.error(f"Aturan kandidat tidak valid: {e}")
    st.stop()

berubah = len(hasil.berubah)
k1, k2, k3 = st.columns(3)
k1.metric("Koperasi berpindah zona", fmt.angka(berubah))
k2.metric("Membaik", fmt.angka(int(hasil.per_provinsi["membaik"].sum())))
k3.metric("Memburuk", fmt.angka(int(hasil.per_provinsi["memburuk"].sum())))
kiri, kanan = st.columns([2, 3])
with kiri:
    st.vega_lite_chart(charts.matriks_bagaimana_jika(hasil.matriks, "Zona sekarang → zona dengan aturan kandidat"),
                       width="stretch")
with kanan:
    dasar.tabel_data(tabel.per_provinsi_bagaimana_jika(hasil.per_provinsi), height=420)
st.subheader("Koperasi yang berpindah zona")
dasar.tabel_data(export.untuk_orang(hasil.berubah).rename(columns={
    "kode_koperasi": "Kode koperasi", "nama_koperasi": "Nama koperasi", "kode_provinsi": "Provinsi",
    "kode_kabupaten": "Kabupaten/kota", "zona_sekarang": "Zona sekarang", "zona_kandidat": "Zona dengan aturan kandidat"}),
    height=360, kosong="Tidak ada koperasi yang berpindah zona dengan aturan kandidat.")
dasar.tombol_unduh("Unduh zones.yaml kandidat", kandidat.encode("utf-8"), "zones.kandidat.yaml",
                   mime="application/x-yaml", icon=":material/download:")
