"""Tindak lanjut (issue 13) on the pages: a koperasi's actions with their forms and history, the
actions on its zone timeline, the intervention list's action filters, and the spreadsheet round trip.

Decisions, each in one line:
- Who may record: roles with akses.Peran.boleh_tindak_lanjut (admin; provinsi and kabupaten inside
  their wilayah); pusat reads and exports actions and sees no form. Scope is checked again by the
  domain inside the write, whatever the page showed.
- Forms write in their submit callback, so the run that follows already shows the change.
- A change names the version its form displayed (kept in the session when the form was drawn):
  when someone saved in between, the domain's sentence is shown, the page shows their save, and
  what the user typed stays in the form to send again; nothing is overwritten.
- The intervention list and the newest actions are cached apart: the list with dasar.tanya
  (database identity, scope), the actions by the domain per process on the store's change token;
  a save re-reads only the actions, and the join runs on every rerun.
- The round trip's work list is cached on the database identity and the change token together.
- An upload's preview is kept in the session per (file hash, change token), so a rerun does not
  read the file again, and any save anywhere makes it again before it can be applied.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, datetime

import pandas as pd
import streamlit as st

from kdkmp import akses, charts, export, kosakata, store
from kdkmp import catatan as simpanan
from kdkmp import format as fmt
from kdkmp import tindaklanjut as tl
from kdkmp.ui import dasar, tabel
from kdkmp.ui.sesi import pengguna, tolak


def boleh_catat() -> bool:
    """Whether the signed-in user's role may record and change actions (inside its scope)."""
    return pengguna().hak.boleh_tindak_lanjut


@contextlib.contextmanager
def _sambungan():
    con = store.sambungan_baca()
    try:
        yield con
    finally:
        con.close()


def _tanda() -> tuple:
    return simpanan.tanda_tindakan()


# ---------------------------------------------------------------- the koperasi page

@st.cache_data(max_entries=256, show_spinner=False)
def _linimasa(identitas: tuple, db: str, tanda: tuple, p: akses.Pengguna, kode: str) -> pd.DataFrame:
    con = store.sambungan_baca(db)
    try:
        return tl.linimasa_koperasi(con, p, kode)
    finally:
        con.close()


def grafik_linimasa(kode: str) -> None:
    """The zone history with the weeks in which an action of the koperasi changed marked on top
    (hover: what changed, by whom), then those weeks as a small table."""
    db = str(store.lokasi_db())
    try:
        lini = _linimasa(store.identitas_file(db), db, _tanda(), pengguna(), kode)
    except akses.AksesDitolak as e:
        tolak(e)
    st.vega_lite_chart(charts.riwayat_zona(lini, "Riwayat zona"), width="stretch", key="riwayat_zona")
    ada = lini[lini["jumlah_perubahan"] > 0]
    if not ada.empty:
        st.caption("▼ minggu yang berisi perubahan tindak lanjut (tanggal perubahan jatuh ke minggu data terakhir "
                   "pada atau sebelum hari itu).")
        dasar.tabel_data(pd.DataFrame({
            "Minggu": pd.to_datetime(ada["minggu"]).dt.date, "Zona": ada["zona"].map(
                lambda z: kosakata.LABEL_ZONA.get(z, z)).astype("str"),
            "Tindak lanjut minggu itu": ada["tindak_lanjut"]}).iloc[::-1], key="linimasa_tindak_lanjut")


def _sorot_terlambat(tampil: pd.DataFrame):
    return tampil.style.apply(
        lambda baris: ["background-color: #fdecea" if baris["Terlambat"] == "ya" else "" for _ in baris], axis=1)


def tindak_lanjut_koperasi(kode: str, nama: str) -> None:
    """A koperasi's actions (overdue ones highlighted), the forms to record one and to change one
    (for a role that may), and every saved change (who, when, what)."""
    p = pengguna()
    st.subheader("Tindak lanjut")
    pesan = st.session_state.pop("_tl_pesan", None)
    if pesan:
        (st.success if pesan[0] == "ok" else st.error)(pesan[1])
    data = tl.tindakan_koperasi(p, kode)
    tindakan, riwayat = data["tindakan"], data["riwayat"]
    if tindakan.empty:
        st.info("Belum ada tindak lanjut untuk koperasi ini.")
    else:
        terlambat = int(tindakan["terlambat"].sum())
        st.caption(f"{fmt.angka(len(tindakan))} tindak lanjut, terbaru dulu"
                   + (f"; **{fmt.angka(terlambat)} terlambat** (lewat target dan belum selesai, disorot)."
                      if terlambat else "."))
        tampil = tabel.tabel_tindakan(tindakan)
        st.dataframe(_sorot_terlambat(tampil), hide_index=True, width="stretch", key="tabel_tindakan")
    if boleh_catat():
        kiri, kanan = st.columns(2)
        with kiri:
            _form_baru(kode, nama)
        with kanan:
            if not tindakan.empty:
                _form_ubah(tindakan)
    else:
        st.caption(f"Peran {p.hak.label} dapat melihat dan mengekspor tindak lanjut, tetapi tidak mencatat atau "
                   "mengubahnya.")
    if not riwayat.empty:
        with st.expander(f"Riwayat perubahan ({fmt.angka(len(riwayat))})", expanded=False):
            dasar.tabel_data(tabel.tabel_riwayat_tindakan(riwayat, tl.muat_konfigurasi().label), key="riwayat_tindakan")


def _konteks() -> dict:
    return {"halaman": "koperasi"}


def _simpan_baru(kode: str) -> None:
    s = st.session_state
    try:
        with _sambungan() as con:
            hasil = tl.catat_tindakan(con, pengguna(), kode, jenis=s["tl_jenis"], pic_nama=s["tl_pic"],
                                      pic_kantor=s["tl_kantor"], target=s["tl_target"], status=s["tl_status"],
                                      catatan=s["tl_catatan"], konteks=_konteks())
    except simpanan.CatatanDitolak as e:
        s["_tl_pesan"] = ("galat", str(e))
        return
    s["_tl_pesan"] = ("ok", f"Tindak lanjut nomor {hasil['id']} dicatat.")
    for k in ("tl_pic", "tl_kantor", "tl_catatan"):
        s[k] = ""
    s["tl_target"] = None


def _form_baru(kode: str, nama: str) -> None:
    pilihan = {j.kode: j.label for j in tl.muat_konfigurasi().pilihan()}
    with st.form("form_tindakan_baru", border=True):
        st.markdown(f"**Catat tindak lanjut baru** untuk {nama}")
        st.selectbox("Tindakan", list(pilihan), format_func=pilihan.get, key="tl_jenis")
        k1, k2 = st.columns(2)
        k1.text_input("Nama PIC", key="tl_pic", max_chars=tl.PANJANG_PIC_MAKS, placeholder="penanggung jawab")
        k2.text_input("Kantor PIC", key="tl_kantor", max_chars=tl.PANJANG_PIC_MAKS, placeholder="mis. Diskop Lombok Barat")
        k1, k2 = st.columns(2)
        k1.date_input("Target", value=None, key="tl_target", min_value=tl.TANGGAL_PALING_AWAL, format="DD/MM/YYYY")
        k2.selectbox("Status", list(tl.STATUS), index=list(tl.STATUS).index(tl.STATUS_AWAL), key="tl_status",
                     format_func=lambda s: tl.STATUS[s].label)
        st.text_area("Catatan", key="tl_catatan", max_chars=tl.PANJANG_CATATAN_MAKS, height=80)
        st.form_submit_button("Simpan tindak lanjut", type="primary", icon=":material/add_task:",
                              on_click=_simpan_baru, args=(kode,), key="tl_simpan_baru")


def _simpan_ubah() -> None:
    s = st.session_state
    tindakan_id = s["tl_ubah_id"]
    versi = s["_tl_versi_tampil"][tindakan_id]  # the version this form showed, not the one in the store now
    try:
        tl.ubah_status(pengguna(), tindakan_id, versi, s["tl_ubah_status"], s["tl_ubah_catatan"] or None,
                       konteks=_konteks())
    except simpanan.CatatanDitolak as e:
        s["_tl_pesan"] = ("galat", str(e))
        return
    s["_tl_pesan"] = ("ok", f"Tindak lanjut nomor {tindakan_id} diubah.")
    s["tl_ubah_catatan"] = ""


def _form_ubah(tindakan: pd.DataFrame) -> None:
    baris = {int(r.id): r for r in tindakan.itertuples(index=False)}
    st.session_state["_tl_versi_tampil"] = {i: int(r.versi) for i, r in baris.items()}
    with st.form("form_ubah_status", border=True):
        st.markdown("**Ubah status** tindak lanjut")
        st.selectbox("Tindak lanjut", list(baris), key="tl_ubah_id",
                     format_func=lambda i: f"No {i} · {baris[i].label_jenis} · {baris[i].label_status} · "
                                           f"PIC {baris[i].pic_nama} (versi {baris[i].versi})")
        st.selectbox("Status baru", list(tl.STATUS), key="tl_ubah_status", format_func=lambda s: tl.STATUS[s].label)
        st.text_area("Catatan", key="tl_ubah_catatan", max_chars=tl.PANJANG_CATATAN_MAKS, height=80,
                     placeholder="apa yang terjadi, apa langkah berikutnya")
        st.form_submit_button("Simpan perubahan", icon=":material/edit_note:", on_click=_simpan_ubah,
                              key="tl_simpan_ubah")


# ---------------------------------------------------------------- the intervention list

def pilih_saringan_tindakan(terakhir: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The action filters (tindaklanjut.SARINGAN_TINDAKAN) as widgets bound to the URL; the PIC
    choices are the PICs of the newest actions in the area. Returns ((kunci, nilai), …)."""
    s = tl.SARINGAN_TINDAKAN_PER_KUNCI
    pic = sorted(set(terakhir["pic_nama"].dropna().str.strip()) - {""}, key=str.casefold)
    hasil: list[tuple[str, str]] = []
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        belum = dasar.widget_url(st.checkbox, s["tl_belum"].label, "tl_belum")
    with k2:
        lambat = dasar.widget_url(st.checkbox, s["tl_terlambat"].label, "tl_terlambat")
    with k3:
        nama_pic = dasar.widget_url(st.selectbox, s["tl_pic"].label, "tl_pic", options=pic, index=None,
                                    placeholder="Semua")
    with k4:
        status = dasar.widget_url(st.selectbox, s["tl_status"].label, "tl_status", options=list(tl.STATUS), index=None,
                                  placeholder="Semua", format_func=lambda k: tl.STATUS[k].label)
    if belum:
        hasil.append(("tl_belum", "ya"))
    if lambat:
        hasil.append(("tl_terlambat", "ya"))
    if nama_pic:
        hasil.append(("tl_pic", nama_pic))
    if status:
        hasil.append(("tl_status", status))
    return tuple(hasil)


def tindakan_terakhir(wilayah: str | None) -> pd.DataFrame:
    """The newest action of every koperasi in the area, inside the user's scope (domain cache)."""
    return tl.tindakan_terakhir(cakupan=pengguna().cakupan, wilayah=wilayah)


# ---------------------------------------------------------------- the round trip

@st.cache_data(max_entries=32, show_spinner=False)
def _daftar_kerja(identitas: tuple, db: str, tanda: tuple, hari: date, cakupan: str | None, minggu: date,
                  wilayah: str | None) -> pd.DataFrame:
    con = store.sambungan_baca(db)
    try:
        return tl.daftar_kerja(con, minggu, wilayah, cakupan=cakupan, hari=hari)
    finally:
        con.close()


def daftar_kerja(minggu: date, wilayah: str | None) -> pd.DataFrame:
    """tindaklanjut.daftar_kerja for the signed-in user, cached on the data and the actions."""
    db = str(store.lokasi_db())
    try:
        return _daftar_kerja(store.identitas_file(db), db, _tanda(), tl.hari_ini(), pengguna().cakupan, minggu, wilayah)
    except akses.AksesDitolak as e:
        tolak(e)


def unduh_daftar(tampil: pd.DataFrame, keterangan: dict, nama_dasar: str, catat_ekspor, *, kunci: str) -> None:
    """CSV, CSV (;) and XLSX (with the keterangan sheet, how to fill it included) of `tampil`,
    made when a button is clicked; each download is audited through `catat_ekspor(format)`."""
    k1, k2, k3 = st.columns(3)
    with k1:
        dasar.tombol_unduh("Unduh CSV", lambda: export.ke_csv(tampil), f"{nama_dasar}.csv", mime="text/csv",
                           icon=":material/download:", catat=lambda: catat_ekspor("csv"), key=f"{kunci}_csv")
    with k2:
        dasar.tombol_unduh("Unduh CSV (;)", lambda: export.ke_csv(tampil, pemisah=";"), f"{nama_dasar}.csv",
                           mime="text/csv", icon=":material/download:", key=f"{kunci}_csv_tk",
                           help="Untuk Excel berbahasa Indonesia (pemisah titik koma, desimal koma)",
                           catat=lambda: catat_ekspor("csv;"))
    with k3:
        dasar.tombol_unduh("Unduh XLSX", lambda: export.ke_xlsx(tampil, {**keterangan, **tl.petunjuk_isian()}),
                           f"{nama_dasar}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", catat=lambda: catat_ekspor("xlsx"), key=f"{kunci}_xlsx")


def pratinjau(berkas) -> tl.PratinjauImpor | None:
    """The preview of an uploaded file, kept per (file, change token); None after a refusal
    (its sentence shown)."""
    isi = berkas.getvalue()
    kunci = (hashlib.sha256(isi).hexdigest(), berkas.name, _tanda())
    simpan = st.session_state.get("_tl_pratinjau")
    if simpan is not None and simpan[0] == kunci:
        return simpan[1]
    try:
        with _sambungan() as con:
            hasil = tl.pratinjau_impor(con, pengguna(), isi, berkas.name)
    except simpanan.CatatanDitolak as e:
        st.error(f"Berkas ditolak: {e}")
        return None
    st.session_state["_tl_pratinjau"] = (kunci, hasil)
    return hasil


def tampilkan_pratinjau(hasil: tl.PratinjauImpor) -> None:
    """Counts, the accepted rows (what each changes), the rejected rows with their reason and a
    download of them, then one button that applies the accepted rows."""
    m = st.columns(5)
    for kolom, (label, n) in zip(m, (("Baris dibaca", hasil.baris_dibaca), ("Akan diterapkan", len(hasil.diterima)),
                                     ("Ditolak", len(hasil.ditolak)), ("Tanpa isian", hasil.kosong),
                                     ("Tidak berubah", hasil.tidak_berubah))):
        kolom.metric(label, fmt.angka(n))
    if len(hasil.diterima):
        st.markdown("**Akan diterapkan**")
        dasar.tabel_data(tabel.tabel_pratinjau_diterima(hasil.diterima), key="tl_diterima",
                         column_config={"Baris": st.column_config.NumberColumn(format="%d"),
                                        "ID tindakan": st.column_config.NumberColumn(format="%d")})
    if len(hasil.ditolak):
        st.markdown("**Ditolak** (satu alasan per baris; perbaiki di berkas penolakan lalu unggah berkas itu)")
        ditolak = tabel.tabel_pratinjau_ditolak(hasil.ditolak)
        dasar.tabel_data(ditolak, key="tl_ditolak", column_config={"Baris": st.column_config.NumberColumn(format="%d")})
        dasar.tombol_unduh("Unduh baris ditolak (CSV)", lambda: export.ke_csv(ditolak),
                           f"{hasil.nama_file.rsplit('.', 1)[0]}.ditolak.csv", mime="text/csv",
                           icon=":material/download:", key="tl_unduh_ditolak")
    if not len(hasil.diterima):
        st.info(f"Tidak ada baris yang dapat diterapkan. {hasil.ringkasan()}")
        return
    st.button(f"Terapkan {fmt.angka(len(hasil.diterima))} baris", type="primary", icon=":material/done_all:",
              on_click=_terapkan, args=(hasil,), key="tl_terapkan")


def _terapkan(hasil: tl.PratinjauImpor) -> None:
    s = st.session_state
    try:
        jumlah = tl.terapkan_impor(hasil, pengguna(), konteks={"halaman": "tindak lanjut"})
    except simpanan.CatatanDitolak as e:
        s["_tl_pesan_impor"] = ("galat", str(e))
        return
    s["_tl_pesan_impor"] = ("ok", f"{hasil.nama_file} diterapkan: {fmt.angka(jumlah['baru'])} tindak lanjut baru, "
                                  f"{fmt.angka(jumlah['diubah'])} diubah, {fmt.angka(len(hasil.ditolak))} baris ditolak "
                                  f"(tercatat di jejak audit, {datetime.now(simpanan.WIB):%H:%M} WIB).")
    s.pop("_tl_pratinjau", None)
    s["_tl_unggah_ke"] = s.get("_tl_unggah_ke", 0) + 1  # a fresh uploader: the applied file is done
