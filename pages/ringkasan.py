"""Ringkasan nasional: koperasi per provinsi by construction stage and main bottleneck."""

import streamlit as st

from kdkmp import charts, kontrak, queries, ui
from kdkmp import format as fmt

daftar_minggu = ui.data_atau_berhenti()
minggu = ui.pilih_minggu(daftar_minggu)

st.title("Ringkasan nasional KDKMP")
st.caption(f"Data minggu {fmt.tanggal(minggu)}")

ringkas = ui.tanya(queries.ringkasan, minggu=minggu)
rekap = ui.tanya(queries.rekap_anak, minggu=minggu)

jumlah = ringkas["jumlah_koperasi"]
tahap = ringkas["tahap_pembangunan"]
k1, k2, k3, k4 = st.columns(4)
with k1:
    ui.kartu("Koperasi melapor", fmt.angka(jumlah), f"dari {fmt.angka(rekap['jumlah_desa'].sum())} desa/kelurahan")
with k2:
    ui.kartu("Masuk portal SIMKOPDES", fmt.angka(ringkas["masuk_portal"]),
             delta=fmt.rasio_persen(ringkas["masuk_portal"], jumlah))
with k3:
    ui.kartu("Sedang konstruksi", fmt.angka(tahap["konstruksi"]), delta=fmt.rasio_persen(tahap["konstruksi"], jumlah))
with k4:
    ui.kartu("Tertunda (syarat belum terpenuhi)", fmt.angka(tahap["tertunda"]),
             delta=fmt.rasio_persen(tahap["tertunda"], jumlah))

kiri, kanan = st.columns([2, 1])
with kiri:
    st.plotly_chart(charts.batang_kategori_per_wilayah(rekap, "tahap_pembangunan", "Tahap pembangunan per provinsi"),
                    width="stretch")
with kanan:
    st.plotly_chart(charts.batang_kendala(ringkas, "Kendala utama"), width="stretch")
    st.plotly_chart(charts.batang_kategori_per_wilayah(rekap, "kendala_utama", "Kendala utama per provinsi"),
                    width="stretch")

st.subheader("Per provinsi")
tabel = rekap.rename(columns={"kode": "Kode", "nama": "Provinsi", "jumlah_desa": "Desa/kelurahan",
                              "jumlah_koperasi": "Koperasi melapor", "masuk_portal": "Masuk portal"})
for kolom in ("tahap_pembangunan", "kendala_utama"):
    awalan = kolom.split("_")[0]
    for nilai, label in kontrak.LABEL_NILAI[kolom].items():
        tabel = tabel.rename(columns={f"{awalan}_{nilai}": f"{'Tahap' if awalan == 'tahap' else 'Kendala'}: {label}"})
st.dataframe(tabel, hide_index=True, width="stretch")
