"""Intervensi: the koperasi that need help, filtered, by priority, exported exactly as shown."""

from datetime import datetime

import streamlit as st

from kdkmp import export, queries
from kdkmp import format as fmt
from kdkmp.ui import dasar, sesi
from kdkmp.ui.intervensi import pilih_saringan

minggu = dasar.minggu_terpilih()
st.title("Daftar intervensi")
st.caption("Saringan tersimpan di alamat halaman: bagikan tautannya untuk membuka daftar yang sama.")

wilayah = dasar.pilih_wilayah()
saringan = pilih_saringan()
daftar = dasar.tanya(queries.daftar_intervensi, minggu, wilayah, saringan)
kalimat = queries.kalimat_saringan(wilayah, saringan)

st.metric("Koperasi sesuai saringan", fmt.angka(len(daftar)))
st.caption(f"Minggu {fmt.tanggal(minggu)} · {kalimat} · urutan prioritas: gerbang dulu, lalu paling lama di zona, "
           "lalu skor terendah.")
tampil = export.untuk_orang(daftar).rename(columns=queries.KOLOM_INTERVENSI)
dasar.tabel_data(tampil, height=520,
             column_config={"Skor total": st.column_config.NumberColumn(format="localized")})

cap = dasar.tanya(queries.cap_data, minggu)
pengguna = sesi.pengguna()
k1, k2, k3, k4 = st.columns([2, 1, 1, 1])
with k1:
    st.caption(f"Disusun oleh **{pengguna.nama}** (tercatat di lembar keterangan dan jejak audit).")
keterangan = {"Isi": "Daftar intervensi KDKMP", "Saringan": kalimat, "Jumlah koperasi": len(daftar),
              "Minggu data": minggu, "Versi aturan": cap["versi_aturan"], "Dibuat pada": datetime.now(),
              "Dibuat oleh": pengguna.nama}
zona = dict(saringan).get("zona")


def catat_ekspor(format_: str) -> None:
    sesi.catat("ekspor", pengguna.nama, wilayah=wilayah, format=format_, saringan=kalimat, baris=len(daftar),
             minggu=minggu.isoformat())


# CSV is cheap to make on every run; the XLSX (≈ 1 s for a national list of ≈ 17.000 rows) is made
# only when its button is clicked.
with k2:
    st.download_button("Unduh CSV", export.ke_csv(tampil), export.nama_file(zona, wilayah, minggu, "csv"),
                       mime="text/csv", icon=":material/download:", on_click=catat_ekspor, args=("csv",))
with k3:
    st.download_button("Unduh CSV (;)", export.ke_csv(tampil, pemisah=";"),
                       export.nama_file(zona, wilayah, minggu, "csv"), mime="text/csv", icon=":material/download:",
                       help="Untuk Excel berbahasa Indonesia (pemisah titik koma, desimal koma)",
                       on_click=catat_ekspor, args=("csv;",))
with k4:
    st.download_button("Unduh XLSX", lambda: export.ke_xlsx(tampil, keterangan),
                       export.nama_file(zona, wilayah, minggu, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click=catat_ekspor, args=("xlsx",))
