"""Pengguna & audit: the accounts (add, change, deactivate) and the audit trail, for admins."""

from datetime import timedelta

import streamlit as st

from kdkmp import akses, catatan, export
from kdkmp import format as fmt
from kdkmp.ui import dasar, sesi, tabel

admin = sesi.wajib_hak("kelola_akun")
st.title("Pengguna & audit")
pesan = st.session_state.pop("pesan_admin", None)
if pesan:
    (st.success if pesan[0] == "ok" else st.error)(pesan[1])

st.subheader("Akun")
akun = catatan.daftar_akun()
st.caption(f"{fmt.angka(len(akun))} akun, {fmt.angka(int(akun['aktif'].sum()) if len(akun) else 0)} aktif. "
           "Perubahan di sini sama dengan `python -m kdkmp pengguna …` dan tercatat di jejak audit.")
dasar.tabel_data(tabel.tabel_akun(akun), height=300)


def jalankan(fungsi, *args, berhasil: str, **kwargs) -> None:
    """One account change; its sentence (or the refusal's) is shown after the rerun."""
    try:
        fungsi(*args, oleh=admin.nama, **kwargs)
        st.session_state["pesan_admin"] = ("ok", berhasil)
    except catatan.CatatanDitolak as e:
        st.session_state["pesan_admin"] = ("galat", str(e))


kiri, kanan = st.columns(2)
with kiri, st.form("tambah_akun", clear_on_submit=True):
    st.markdown("**Tambah akun**")
    nama = st.text_input("Nama pengguna (sama dengan nama login)", key="akun_nama")
    peran = st.selectbox("Peran", list(akses.PERAN), format_func=lambda p: akses.PERAN[p].label, key="akun_peran")
    wilayah = st.text_input("Kode wilayah (provinsi mis. 52, kabupaten/kota mis. 52.01; kosong untuk nasional)",
                            key="akun_wilayah")
    sandi = st.text_input("Sandi untuk nginx (opsional, ≥ 8 karakter)", type="password", key="akun_sandi")
    if st.form_submit_button("Tambah", type="primary", icon=":material/person_add:"):
        jalankan(catatan.tambah_akun, nama, peran, wilayah.strip() or None, sandi=sandi or None,
                 berhasil=f"Akun {nama} ditambahkan.")
        st.rerun()

with kanan:
    st.markdown("**Ubah akun**")
    if len(akun):
        dipilih = st.selectbox("Akun", akun["nama_pengguna"].tolist(), index=None, placeholder="Pilih akun…",
                               key="ubah_akun")
        if dipilih:
            baris = akun.set_index("nama_pengguna").loc[dipilih]
            with st.form("ubah_akun_form"):
                peran_baru = st.selectbox("Peran", list(akses.PERAN), index=list(akses.PERAN).index(baris["peran"]),
                                          format_func=lambda p: akses.PERAN[p].label)
                wilayah_baru = st.text_input("Kode wilayah", value=baris["wilayah"] if isinstance(baris["wilayah"], str)
                                             else "")
                aktif = st.checkbox("Aktif", value=bool(baris["aktif"]))
                if st.form_submit_button("Simpan perubahan", icon=":material/save:"):
                    jalankan(catatan.ubah_akun, dipilih, peran=peran_baru, wilayah=wilayah_baru.strip() or None,
                             aktif=aktif, berhasil=f"Akun {dipilih} diubah.")
                    st.rerun()

st.subheader("Jejak audit")
k1, k2, k3, k4 = st.columns(4)
dari = k1.date_input("Dari", value=catatan.hari_ini() - timedelta(days=7), format="DD/MM/YYYY", key="jejak_dari")
sampai = k2.date_input("Sampai", value=catatan.hari_ini(), format="DD/MM/YYYY", key="jejak_sampai")
oleh = k3.text_input("Oleh (nama pengguna)", key="jejak_oleh") or None
peristiwa = k4.multiselect("Peristiwa", list(catatan.PERISTIWA), format_func=catatan.PERISTIWA.get,
                           key="jejak_peristiwa") or None
jejak = catatan.baca_jejak(dari, sampai, oleh, peristiwa, batas=None)
tampil = tabel.tabel_jejak(jejak)
st.caption(f"{fmt.angka(len(tampil))} peristiwa, terbaru di atas.")
dasar.tabel_data(tampil, height=420, kosong="Tidak ada peristiwa pada rentang tanggal dan saringan ini.",
                 column_config={"No": st.column_config.NumberColumn(format="%d")})  # an ID: no thousands
dasar.tombol_unduh("Unduh jejak (CSV)", export.ke_csv(tampil), f"kdkmp_jejak_{dari}_{sampai}.csv", mime="text/csv",
                   icon=":material/download:")
