"""Status pelaporan (issue 15) on the pages: each kabupaten/kota's week with who loaded, verified
and validated it, the buttons the role may press, the reminder of those not in yet, and the line
every area view and meeting view carries on how much of what it shows is validated.

Decisions, each in one line:
- The page shows per role: pusat/admin the provinces side by side (counts per state, share of
  koperasi validated) and one chosen province (?prov=); provinsi its kabupaten; kabupaten its own
  row. The buttons are those pelaporan.aksi_tersedia gives; the domain checks role, scope and
  state again inside the write, whatever the page showed.
- A button names the batch the table showed: a week reloaded meanwhile is refused, not validated blind.
- Buttons write in their callback, so the run that follows already shows the new state.
- The weekly part is cached with dasar.tanya (database identity, scope), the transitions by the
  domain on the store's change token; an area view's validated-share line on both.
- The validated-share line must never take an area view down: a state store that cannot be read
  gives a caption saying so.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kdkmp import akses, pelaporan, queries, store
from kdkmp import catatan as simpanan
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.tembolok import Tembolok
from kdkmp.ui import dasar
from kdkmp.ui.sesi import pengguna, periksa

_KUNCI_PESAN = "_pl_pesan"


def status_wilayah(minggu: date, wilayah: str | None) -> pd.DataFrame:
    """pelaporan.susun_status of an area (inside the user's scope) for the week."""
    muatan = dasar.tanya(pelaporan.muatan_kabupaten, minggu, wilayah)
    transisi = pelaporan.transisi_minggu(minggu, cakupan=pengguna().cakupan)
    return pelaporan.susun_status(muatan, transisi, wilayah)


# The validated-share line per area, week and scope, kept until the database or the reporting status
# changes: joining the week's loads with its transitions (pelaporan.susun_status) was ≈ 15 ms of
# every area view's run, warm or cold (py-spy on bench_beban), though both change only when a week
# is loaded or its status moves. The scope is in the key: what one scope was allowed, only it reuses.
_KALIMAT_PORSI = Tembolok(2048)  # ≈ one per office and area opened in a data version

# The week's loads and status of every kabupaten/kota, each built once per data version (and status
# change) and cut for each area at kabupaten level or above (pelaporan.potong_status): read and
# joined per area they were ≈ 40 ms of every first view of an area, ≈ a fifth of a cold kabupaten
# view's server time on a Monday (py-spy on bench_beban). Cut only for an area the page's scope
# check has passed, as the all-areas figures are (queries._per_wilayah). The loads come from the
# database alone, and each table is built under its own key, so that a state store slow to answer
# (the status) never holds up the loads-not-in-yet warning. A few weeks and versions are kept.
_SEMUA = Tembolok(16)


def _muatan_semua(minggu: date) -> pd.DataFrame:
    """muatan_kabupaten of every kabupaten for the week (the database alone: no state store)."""
    db = str(store.lokasi_db())

    def baca():
        con = store.sambungan_baca(db)
        try:
            return pelaporan.muatan_kabupaten(con, minggu, None)
        finally:
            con.close()
    return _SEMUA.ambil(("muatan", db, store.identitas_file(db), minggu), baca)


def _status_semua(minggu: date) -> pd.DataFrame:
    url = simpanan.url_bawaan()
    db = str(store.lokasi_db())
    muatan = _muatan_semua(minggu)
    return _SEMUA.ambil(("status", db, store.identitas_file(db), url, simpanan.tanda_pelaporan(url), minggu),
                        lambda: pelaporan.susun_status(muatan, pelaporan.transisi_minggu(minggu, url=url), None))


def _dari_semua(kode: str | None) -> bool:
    return kode is None or ref.tingkat(kode) in ("provinsi", "kabupaten")


def _dipotong(semua: pd.DataFrame, kode: str | None) -> pd.DataFrame:
    """The rows of one of the national tables above for an area at kabupaten level or above,
    which the user may open."""
    periksa(kode)
    return pelaporan.potong_status(semua, kode)


def _kalimat_porsi_wilayah(minggu: date, kode: str | None) -> str:
    url = simpanan.url_bawaan()
    db = str(store.lokasi_db())
    kunci = (db, store.identitas_file(db), url, simpanan.tanda_pelaporan(url), minggu, kode, pengguna().cakupan)

    def buat():
        status = _dipotong(_status_semua(minggu), kode) if _dari_semua(kode) else status_wilayah(minggu, kode)
        return pelaporan.kalimat_porsi(status)
    return _KALIMAT_PORSI.ambil(kunci, buat)


def porsi_divalidasi(minggu: date, kode: str | None) -> None:
    """One line: 'x % koperasi di tampilan ini minggunya sudah divalidasi (…)'."""
    try:
        st.caption(":material/verified: " + _kalimat_porsi_wilayah(minggu, kode))
    except simpanan.CatatanTidakTersedia:
        st.caption("Status validasi minggu ini tidak dapat dibaca sekarang (penyimpanan catatan tidak tersedia).")


def belum_masuk(minggu: date, kode: str | None) -> None:
    """A warning when kabupaten/kota that reported the week before have not loaded this week yet."""
    lalu = dasar.tanya(queries.minggu_sebelumnya, minggu)
    if lalu is None:
        return
    if _dari_semua(kode):
        ada = [_dipotong(_muatan_semua(w), kode) for w in (minggu, lalu)]
    else:
        ada = [dasar.tanya(pelaporan.muatan_kabupaten, w, kode) for w in (minggu, lalu)]
    kalimat = pelaporan.kalimat_belum_masuk(pelaporan.belum_masuk_lagi(*ada), lalu)
    if kalimat:
        st.warning(kalimat, icon=":material/schedule:")


# ---------------------------------------------------------------- the page

def _tabel_orang(status: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Kode": status["kode_kabupaten"],
        "Kabupaten/kota": status["nama_kabupaten"],
        "Status": status["label_status"],
        "Laporan koperasi": status["baris"],
        "Dimuat oleh": status["dimuat_oleh"],
        "Dimuat pada": [fmt.waktu(t) if pd.notna(t) else "" for t in status["dimuat_pada"]],
        "Status oleh": status["status_oleh"],
        "Status pada": [fmt.waktu(t) if pd.notna(t) else "" for t in status["status_pada"]],
        "Catatan": status["catatan"],
    })


def _ringkas_orang(ringkas: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame({"Kode": ringkas["kode_provinsi"], "Provinsi": ringkas["nama_provinsi"],
                       "Kab/kota": ringkas["kabupaten"]})
    for kode, s in pelaporan.STATUS.items():
        df[s.label] = ringkas[kode]
    df["Laporan koperasi"] = ringkas["baris"]
    df["% koperasi divalidasi"] = ringkas["persen_divalidasi"]
    return df


def _simpan(minggu: date, kode: str, aksi: str, batch_id: int | None, kunci_catatan: str | None) -> None:
    p = pengguna()
    isi = st.session_state.get(kunci_catatan) if kunci_catatan else None
    con = store.sambungan_baca()
    try:
        r = pelaporan.ubah_status(con, p, kode, minggu, aksi, catatan=isi, batch_id=batch_id,
                                  konteks={"halaman": "pelaporan"})
    except simpanan.CatatanDitolak as e:
        st.session_state[_KUNCI_PESAN] = ("galat", str(e))
        return
    finally:
        con.close()
    if kunci_catatan:
        st.session_state[kunci_catatan] = ""
    st.session_state[_KUNCI_PESAN] = (
        "ok", f"Minggu {fmt.tanggal(minggu)} {ref.nama(kode)} ({kode}) sekarang "
              f"{pelaporan.label_status(r['status']).lower()}.")


def _batch(baris: pd.Series) -> int | None:
    return None if pd.isna(baris["batch_id"]) else int(baris["batch_id"])


def _pengingat(status: pd.DataFrame) -> None:
    belum = status[status["status"] == "belum_masuk"]
    if belum.empty:
        st.caption("Semua kabupaten/kota di sini sudah memuat data minggu ini.")
        return
    st.warning(f"**Belum masuk ({fmt.angka(len(belum))} kabupaten/kota):** "
               + ", ".join(f"{n} ({k})" for k, n in zip(belum["kode_kabupaten"], belum["nama_kabupaten"])),
               icon=":material/notifications:")


def _baris_sendiri(minggu: date, status: pd.DataFrame) -> None:
    """A kabupaten office: its own week, with the verify button when it may."""
    p = pengguna()
    baris = status.iloc[0]
    if baris["status"] == "dikembalikan":
        st.warning(f"Dikembalikan oleh {baris['status_oleh']}: {baris['catatan']}. Perbaiki datanya lalu muat "
                   "ulang di halaman Unggah; sesudah itu verifikasi lagi.", icon=":material/undo:")
    for aksi in pelaporan.aksi_tersedia(p, baris["kode_kabupaten"], baris["status"]):
        t = pelaporan.TRANSISI[aksi]
        st.button(t.label, type="primary", key=f"pl_{aksi}", on_click=_simpan,
                  args=(minggu, baris["kode_kabupaten"], aksi, _batch(baris), None))


def _formulir(minggu: date, status: pd.DataFrame) -> None:
    """Provinsi and admin: pick a kabupaten with something to do, an action, a note, save."""
    p = pengguna()
    bisa = {k: pelaporan.aksi_tersedia(p, k, s) for k, s in zip(status["kode_kabupaten"], status["status"])}
    bisa = {k: a for k, a in bisa.items() if a}
    if not bisa:
        st.caption("Tidak ada status yang dapat Anda ubah minggu ini di sini: validasi menunggu verifikasi "
                   "PMO kabupaten/kota.")
        return
    nama = dict(zip(status["kode_kabupaten"], status["nama_kabupaten"]))
    label = dict(zip(status["kode_kabupaten"], status["label_status"]))
    kolom = st.columns([2, 1, 3])
    with kolom[0]:
        kode = st.selectbox("Kabupaten/kota", list(bisa), key="pl_kabupaten",
                            format_func=lambda k: f"{nama[k]} ({k}) · {label[k]}")
    with kolom[1]:
        aksi = st.selectbox("Aksi", bisa[kode], key="pl_aksi", format_func=lambda a: pelaporan.TRANSISI[a].label)
    t = pelaporan.TRANSISI[aksi]
    with kolom[2]:
        st.text_area("Catatan / alasan" + (" (wajib)" if t.butuh_catatan else ""), key="pl_catatan", height=80)
    baris = status.set_index("kode_kabupaten").loc[kode]
    st.button("Simpan status", type="primary", key="pl_simpan", on_click=_simpan,
              args=(minggu, kode, aksi, _batch(baris), "pl_catatan"))


def _pilih_provinsi() -> str | None:
    prov = ref.anak(None)
    pilihan = dict(zip(prov["kode"], prov["nama"]))
    return dasar.widget_url(st.selectbox, "Provinsi", "prov", options=list(pilihan), index=None,
                            format_func=lambda k: f"{pilihan[k]} ({k})", placeholder="Pilih provinsi")


def tampilkan(minggu: date) -> None:
    """The reporting status page for the signed-in user's level."""
    p = pengguna()
    pesan = st.session_state.pop(_KUNCI_PESAN, None)
    if pesan:
        (st.success if pesan[0] == "ok" else st.error)(pesan[1])
    area = p.wilayah
    if p.wilayah is None:
        nasional = status_wilayah(minggu, None)
        st.subheader("Per provinsi")
        st.caption(pelaporan.kalimat_porsi(nasional))
        ringkas = pelaporan.ringkas_per_provinsi(nasional)
        dasar.tabel_data(_ringkas_orang(ringkas), key="pl_provinsi")
        area = _pilih_provinsi()
        if area is None:
            return
    elif ref.tingkat(p.wilayah) == "provinsi":
        area = p.wilayah
    status = status_wilayah(minggu, area)
    w = ref.cari(area)
    st.subheader(f"Kabupaten/kota · {w.nama}" if w.tingkat == "provinsi" else w.nama)
    st.caption(pelaporan.kalimat_porsi(status))
    dasar.tabel_data(_tabel_orang(status), key="pl_kabupaten_tabel")
    if w.tingkat == "kabupaten":
        _baris_sendiri(minggu, status)
    else:
        _pengingat(status)
        _formulir(minggu, status)
    with st.expander("Riwayat status minggu ini"):
        riwayat = pelaporan.transisi_minggu(minggu, cakupan=area)
        if riwayat.empty:
            st.caption("Belum ada perubahan status minggu ini.")
        else:
            dasar.tabel_data(pd.DataFrame({
                "Waktu": [fmt.waktu(t) for t in riwayat["pada"]], "Kode": riwayat["kode_kabupaten"],
                "Status": riwayat["status"].map(pelaporan.label_status), "Oleh": riwayat["oleh"],
                "Peran": riwayat["peran"].map(lambda r: akses.PERAN[r].label if r in akses.PERAN else r),
                "Catatan": riwayat["catatan"], "Batch": riwayat["batch_id"]}).iloc[::-1], key="pl_riwayat",
                column_config={"Batch": st.column_config.NumberColumn(format="%d")})  # an ID: no thousands

