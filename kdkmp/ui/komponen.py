"""Pieces several views share: breadcrumbs, the data stamp, zone cards, movement counts, a koperasi list."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kdkmp import kosakata, queries, rapat, rules
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.ui import tabel
from kdkmp.ui.dasar import tabel_data, tanya
from kdkmp.ui.pelaporan import belum_masuk, porsi_divalidasi
from kdkmp.ui.sesi import pengguna
from kdkmp.ui.tautan import HALAMAN_INTERVENSI, HALAMAN_RINGKASAN, HALAMAN_WILAYAH, param_daftar, param_wilayah


def remah_roti(kode: str | None) -> None:
    """Breadcrumbs: Nasional › Provinsi › Kabupaten › … each a link back up."""
    p = pengguna()
    # links only to areas the user may open: a provinsi account starts at its province
    rantai = [k for k in ([] if kode is None else ref.leluhur(kode)) if p.boleh_lihat(k)]
    with st.container(horizontal=True, gap="small"):
        if p.wilayah is None:
            st.page_link(HALAMAN_RINGKASAN, label="Nasional", icon=":material/home:")
        for k in rantai:
            st.page_link(HALAMAN_WILAYAH, label=f"› {ref.nama(k)}", query_params=param_wilayah(k),
                         disabled=(k == kode))


def cap(minggu: date, jumlah: dict) -> None:
    """The stamp every view carries: week, load, rules version, reporting rate."""
    c = tanya(queries.cap_data, minggu)
    st.caption(
        f"Data minggu **{fmt.tanggal(minggu)}** · {fmt.dimuat(c)} · aturan versi `{c['versi_aturan'] or '–'}` · "
        f"melapor {fmt.angka(jumlah['melapor'])} dari {fmt.angka(jumlah['jumlah_desa'])} desa/kelurahan "
        f"({fmt.rasio_persen(jumlah['melapor'], jumlah['jumlah_desa'])})"
        + (f" · {fmt.angka(jumlah['tanpa_laporan_dizonakan'])} koperasi tanpa laporan minggu ini tetap diberi zona "
           "oleh gerbang laporan terlambat" if jumlah["tanpa_laporan_dizonakan"] else ""))


def kepala_data(minggu: date, kode: str | None) -> dict | None:
    """Below a view's title: its stamp and how much of it is validated (issue 15); the zone counts
    (queries.hitung_zona), or None, with the sentence said, when the area has no report yet."""
    jumlah = tanya(queries.hitung_zona, minggu, kode)
    cap(minggu, jumlah)
    porsi_divalidasi(minggu, kode)
    belum_masuk(minggu, kode)
    if jumlah["jumlah"] == 0:
        st.info(f"Belum ada laporan koperasi untuk wilayah ini sampai minggu {fmt.tanggal(minggu)}.")
        return None
    return jumlah


def garis_zona(zona: str) -> None:
    """A bar in the zone's colour (kosakata.WARNA_ZONA) above a KPI card: one colour map everywhere."""
    st.markdown(f'<div style="height:8px;border-radius:4px;background:{kosakata.WARNA_ZONA[zona]}"></div>',
                unsafe_allow_html=True)


def kartu_zona(jumlah: dict) -> None:
    """Large KPI cards: koperasi, hijau / kuning / merah with share and change, tidak melapor."""
    kini, lalu = jumlah["zona"], jumlah["zona_lalu"]
    kolom = st.columns(5)
    with kolom[0]:
        st.markdown('<div style="height:8px"></div>', unsafe_allow_html=True)
        st.metric("Koperasi", fmt.angka(jumlah["jumlah"]),
                  help=f"{fmt.angka(jumlah['jumlah_desa'])} desa/kelurahan dalam referensi Kemendagri")
    for i, z in enumerate(kosakata.SEMUA_ZONA, start=1):
        with kolom[i]:
            garis_zona(z)
            beda = None if lalu is None else kini[z] - lalu[z]
            st.metric(kosakata.LABEL_ZONA[z], fmt.angka(kini[z]),
                      delta=None if beda is None else fmt.selisih(beda) + " sejak minggu lalu", delta_color="off",
                      delta_arrow="off" if not beda else ("up" if beda > 0 else "down"),
                      help=f"{fmt.rasio_persen(kini[z], jumlah['jumlah'])} dari semua koperasi")
            st.markdown(f"**{fmt.rasio_persen(kini[z], jumlah['jumlah'])}**")


def pergerakan(minggu: date, kode: str | None, jumlah: dict) -> None:
    """The meeting's movement counts (baru merah, kembali merah, pulih, merah kronis), each opening
    its list on the intervention page (filtered the same way, ready to export), and this week's
    merah as the sum it is; `jumlah` is queries.hitung_zona's for the area and week."""
    kembali, kembali_diam = tanya(rapat.hitung_kembali_merah, minggu, kode)
    hitung = {**tanya(queries.hitung_pergerakan, minggu, kode), "kembali_merah": kembali}
    kolom = st.columns(4)
    for (jenis, (judul, definisi)), k in zip(rapat.definisi_pergerakan(rules.muat_aturan()).items(), kolom):
        with k:
            st.metric(judul, fmt.angka(hitung[jenis]), help=definisi)
            # a desa's koperasi are listed on its view; the list itself goes down to a kecamatan only,
            # so a link here would open more koperasi than its count says
            if hitung[jenis] and not (kode and ref.tingkat(kode) == "desa"):
                # pulih koperasi are kuning or hijau now: the list must not keep its merah default
                st.page_link(HALAMAN_INTERVENSI, label=f"Daftar {fmt.angka(hitung[jenis])} koperasi",
                             icon=":material/list:",
                             query_params=param_daftar(minggu, kode, gerak=jenis,
                                                       zona="semua" if jenis == "pulih" else "merah"))
    if jumlah["zona_lalu"] is not None:
        # three independent counts that add up to this week's merah, as the meeting's headline says
        masih = tanya(queries.masih_merah, minggu, kode)[1]
        st.caption(f"Merah minggu ini {fmt.angka(jumlah['zona']['merah'])}: {fmt.angka(masih)} masih merah dari "
                   f"minggu lalu, {fmt.angka(hitung['baru_merah'])} baru merah, "
                   f"{rapat.teks_kembali_merah(kembali, kembali_diam)}.")


def tabel_koperasi(df) -> None:
    """A list of koperasi with their zone, reason and what it would take, each linking to its page."""
    if df.empty:
        st.info("Tidak ada koperasi.")
        return
    tabel_data(
        tabel.koperasi_bertautan(df),
        column_order=["tautan", "nama_koperasi", "desa", "kabupaten", "zona", "skor_total", "minggu_di_zona",
                      "alasan_utama", "langkah_berikut"],
        column_config={
            "tautan": st.column_config.LinkColumn("Kode", display_text=r"koperasi\?kode=(.*)"),
            "nama_koperasi": "Koperasi", "desa": "Desa/kelurahan", "kabupaten": "Kabupaten/kota", "zona": "Zona",
            "skor_total": st.column_config.NumberColumn("Skor", format="localized"),
            "minggu_di_zona": st.column_config.NumberColumn("Minggu di zona"),
            "alasan_utama": "Alasan utama", "langkah_berikut": "Yang dibutuhkan",
        })
