"""Intervensi: the koperasi that need help, filtered (zone, reasons, movement, follow-up), by
priority, with their newest follow-up action, exported exactly as shown."""

from datetime import datetime

import streamlit as st

from kdkmp import export, queries
from kdkmp import format as fmt
from kdkmp import tindaklanjut as tl
from kdkmp.ui import dasar, sesi, tautan
from kdkmp.ui.intervensi import nama_daftar, pilih_saringan
from kdkmp.ui.tindaklanjut import boleh_catat, pilih_saringan_tindakan, tindakan_terakhir

minggu = dasar.minggu_terpilih()
st.title("Daftar intervensi")
st.caption("Saringan tersimpan di alamat halaman: bagikan tautannya untuk membuka daftar yang sama.")

wilayah = dasar.pilih_wilayah()
saringan = pilih_saringan()
terakhir = tindakan_terakhir(wilayah)
saringan_tindakan = pilih_saringan_tindakan(terakhir)
daftar = tl.saring_tindakan(tl.gabung_tindakan(dasar.tanya(queries.daftar_intervensi, minggu, wilayah, saringan),
                                               terakhir), saringan_tindakan)
kalimat = "; ".join(filter(None, (queries.kalimat_saringan(wilayah, saringan),
                                  tl.kalimat_saringan_tindakan(saringan_tindakan))))

st.metric("Koperasi sesuai saringan", fmt.angka(len(daftar)))
st.caption(f"Minggu {fmt.tanggal(minggu)} · {kalimat} · urutan prioritas: gerbang dulu, lalu paling lama di zona, "
           "lalu skor terendah.")
tampil = tl.tabel_ekspor(daftar)
# on screen the follow-up next to who and why; the export keeps every column, ID and version included
depan = ["Kode koperasi", "Nama koperasi", "Zona", "Tindakan", "Status", "PIC", "Target", "Terlambat"]
urutan = depan + [k for k in tampil.columns if k not in (*depan, "ID tindakan", "Versi tindakan")]
pilihan = dasar.tabel_data(tampil, height=520, column_order=urutan, on_select="rerun", selection_mode="single-row",
                           key="daftar_intervensi",
                           kosong="Tidak ada koperasi yang sesuai saringan ini. Longgarkan saringan di atas, atau "
                                  "pilih minggu atau wilayah lain.",
                           column_config={"Terlambat": st.column_config.TextColumn(
                                              help="ya = lewat target dan belum selesai atau batal")})
# a selection made before a filter changed may point past the shorter list: ignore it then
baris = [i for i in (pilihan.selection.rows if pilihan is not None else []) if i < len(tampil)]
if baris:
    terpilih = tampil.iloc[baris[0]]
    aksi = "Catat atau ubah tindak lanjut" if boleh_catat() else "Buka tindak lanjut"
    st.page_link(tautan.HALAMAN_KOPERASI, query_params={"kode": terpilih["Kode koperasi"]}, icon=":material/add_task:",
                 label=f"{aksi} {terpilih['Nama koperasi']} ({terpilih['Kode koperasi']})")
elif len(tampil):
    st.caption("Pilih satu baris untuk membuka koperasinya: riwayat zona dan tindak lanjutnya"
               + (", dengan formulir untuk mencatatnya." if boleh_catat() else "."))

cap = dasar.tanya(queries.cap_data, minggu)
pengguna = sesi.pengguna()
k1, k2, k3, k4 = st.columns([2, 1, 1, 1])
with k1:
    st.caption(f"Disusun oleh **{pengguna.nama}** (tercatat di lembar keterangan dan jejak audit).")
keterangan = {"Isi": "Daftar intervensi KDKMP", "Saringan": kalimat, "Jumlah koperasi": len(daftar),
              "Minggu data": minggu, "Versi aturan": cap["versi_aturan"], "Dibuat pada": datetime.now(),
              "Dibuat oleh": pengguna.nama, **tl.petunjuk_isian()}
nama = nama_daftar(saringan)


def catat_ekspor(format_: str) -> None:
    sesi.catat("ekspor", pengguna.nama, wilayah=wilayah, format=format_, saringan=kalimat, baris=len(daftar),
             minggu=minggu.isoformat())


with k2:
    dasar.tombol_unduh("Unduh CSV", lambda: export.ke_csv(tampil), export.nama_file(nama, wilayah, minggu, "csv"),
                       mime="text/csv", icon=":material/download:", catat=lambda: catat_ekspor("csv"))
with k3:
    dasar.tombol_unduh("Unduh CSV (;)", lambda: export.ke_csv(tampil, pemisah=";"),
                       export.nama_file(nama, wilayah, minggu, "csv"), mime="text/csv", icon=":material/download:",
                       help="Untuk Excel berbahasa Indonesia (pemisah titik koma, desimal koma)",
                       catat=lambda: catat_ekspor("csv;"))
with k4:
    dasar.tombol_unduh("Unduh XLSX", lambda: export.ke_xlsx(tampil, keterangan),
                       export.nama_file(nama, wilayah, minggu, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", catat=lambda: catat_ekspor("xlsx"))
