"""The area view: one area at one week, from the national overview down to a desa.

Top to bottom: breadcrumbs and stamp, zone cards, links to the area's intervention list and
meeting, (for one's own province) where it stands among provinces, the week's movements, then
for the child areas: zones, constraints, pillars, trend, transitions, ranking, build-out, and the
map on request.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kdkmp import charts, kosakata, queries
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.ui import tabel
from kdkmp.ui.dasar import grafik, tanya, widget_url
from kdkmp.ui.komponen import kartu_zona, kepala_data, pergerakan, remah_roti, tabel_koperasi
from kdkmp.ui.sesi import pengguna, periksa
from kdkmp.ui.tautan import (HALAMAN_INTERVENSI, HALAMAN_KOPERASI, HALAMAN_RAPAT, HALAMAN_WILAYAH, param_daftar,
                             param_wilayah)


@st.cache_data(show_spinner=False)
def batas_wilayah() -> dict | None:
    """Boundaries from data/batas/*.geojson, if a provincial office has placed any there."""
    return ref.batas_geojson()


def perbandingan_provinsi(minggu: date, kode: str) -> None:
    """Where the user's province stands among all provinces: per-province counts are public
    reporting (DESIGN.md), so every scope sees them; nothing below province level elsewhere."""
    # every office of the province reads the same sentence: built once per data version (a fifth of
    # a warm kabupaten view when built on every run)
    kalimat = grafik(kalimat_perbandingan, queries.zona_per_anak, minggu, None, argumen=(kode[:2],))
    if kalimat:
        st.caption(kalimat)
    with st.expander("Perbandingan antarprovinsi"):
        st.vega_lite_chart(grafik(charts.batang_zona_per_wilayah, queries.zona_per_anak, minggu, None,
                                  argumen=("Zona per provinsi (persentase merah tertinggi di atas)",)),
                           width="stretch", key="zona_per_provinsi")


def kalimat_perbandingan(semua, provinsi: str) -> str | None:
    """'Provinsi …: merah x % dari yang melapor, urutan n dari m provinsi …; nasional y %.' from
    queries.zona_per_anak of the nation; None when the province has no zoned koperasi."""
    from kdkmp import rapat

    nasional = 100 * semua["merah"].sum() / max(int(semua["melapor"].sum()), 1)
    posisi = rapat.urutan_merah(semua, provinsi)  # the same ranking as the meeting view's
    if not posisi:
        return None
    baris = semua.set_index("kode").loc[provinsi]
    return (f"Provinsi {baris['nama']}: merah {fmt.persen(baris['persen_merah'])} dari yang melapor, urutan "
            f"{posisi[0]} dari {posisi[1]} provinsi (urutan 1 = paling banyak merah); nasional {fmt.persen(nasional)}.")


def tampilkan_wilayah(kode: str | None, minggu: date) -> None:
    """The whole view of one area at one week; the national overview is the area None."""
    periksa(kode)
    w = ref.cari(kode) if kode else None
    remah_roti(kode)
    st.title(w.judul if w else "Ringkasan nasional KDKMP")
    jumlah = kepala_data(minggu, kode)
    if jumlah is None:
        return
    kartu_zona(jumlah)
    if jumlah["zona"]["merah"]:
        if w is not None and w.tingkat == "desa":
            # the list filters down to a kecamatan: say whose list opens, not the desa's count
            isi = f"{ref.cari(ref.induk(kode)).judul} (kecamatan desa ini)"
        else:
            isi = f"{w.label if w else 'nasional'}: {fmt.angka(jumlah['zona']['merah'])} koperasi merah"
        st.page_link(HALAMAN_INTERVENSI, icon=":material/assignment_late:", label=f"Daftar intervensi {isi}, siap diunduh",
                     query_params=param_daftar(minggu, kode, zona="merah"))
    if w is None or w.tingkat != "desa":
        st.page_link(HALAMAN_RAPAT, icon=":material/co_present:", label="Rapat mingguan wilayah ini",
                     query_params={**param_wilayah(kode), "minggu": minggu.isoformat()})
    if kode is not None and kode == pengguna().wilayah:
        perbandingan_provinsi(minggu, kode)
    st.subheader("Pergerakan minggu ini")
    pergerakan(minggu, kode, jumlah)

    if w is not None and w.tingkat == "desa":
        st.subheader("Koperasi di desa/kelurahan ini")
        daftar = tanya(queries.koperasi_di_desa, kode, minggu)
        tabel_koperasi(daftar)
        for kode_kop, nama in zip(daftar["kode_koperasi"], daftar["nama_koperasi"]):
            st.page_link(HALAMAN_KOPERASI, label=f"Buka {nama or kode_kop}", icon=":material/storefront:",
                         query_params={"kode": kode_kop})
        return

    anak = tanya(queries.zona_per_anak, minggu, kode)
    label_anak = ref.LABEL_TINGKAT[tabel.TINGKAT_ANAK[w.tingkat if w else None]]
    _grafik_anak(minggu, kode, anak, label_anak)
    _peringkat_anak(minggu, kode, anak, label_anak)
    _pembangunan_anak(minggu, kode, label_anak)
    _peta(minggu, kode, anak)


def _grafik_anak(minggu: date, kode: str | None, anak, label_anak: str) -> None:
    """Zones per child area (a click opens it), constraints by zone, pillars, trend, transitions."""
    kiri, kanan = st.columns([3, 2])
    with kiri:
        pilihan_batang = st.vega_lite_chart(
            grafik(charts.batang_zona_per_wilayah, queries.zona_per_anak, minggu, kode, argumen=(
                f"Zona per {label_anak.lower()} (persentase merah tertinggi di atas; klik untuk membuka)", "buka")),
            width="stretch", key="zona_per_anak", on_select="rerun", selection_mode="buka")
        titik = pilihan_batang.selection.get("buka") if pilihan_batang else None
        if titik and titik[0].get("kode"):
            st.switch_page(HALAMAN_WILAYAH, query_params=param_wilayah(titik[0]["kode"]))
    with kanan:
        st.vega_lite_chart(grafik(charts.batang_kendala_per_zona, queries.kendala_per_zona, minggu, kode,
                                  argumen=("Kendala utama menurut zona",)), width="stretch", key="kendala")
        pilar = tanya(queries.rata_pilar, minggu, kode)
        if pilar["skor_rata"].notna().any():
            terlemah = pilar.iloc[0]
            st.markdown(f"Pilar terlemah: **{kosakata.LABEL_PILAR[terlemah['pilar']]}** "
                        f"(rata-rata {fmt.angka(terlemah['skor_rata'], 1)})")
            st.vega_lite_chart(grafik(charts.batang_pilar, queries.rata_pilar, minggu, kode), width="stretch",
                               key="pilar")

    kiri, kanan = st.columns([3, 2])
    with kiri:
        st.vega_lite_chart(grafik(charts.garis_tren_zona, queries.tren_zona, kode, argumen=("Tren zona per minggu",)),
                           width="stretch", key="tren")
    with kanan:
        st.vega_lite_chart(grafik(charts.matriks_transisi, queries.transisi_zona, minggu, kode,
                                  argumen=("Perpindahan zona sejak minggu lalu",)), width="stretch", key="transisi")


def _peringkat_anak(minggu: date, kode: str | None, anak, label_anak: str) -> None:
    """The child areas worst first, each a link; a selector opens one."""
    st.subheader(f"Peringkat {label_anak.lower()}")
    pilihan = dict(zip(anak["kode"], anak["nama"]))
    buka = st.selectbox(f"Buka {label_anak.lower()}", list(pilihan), index=None, format_func=lambda k: pilihan[k],
                        placeholder=f"Pilih {label_anak.lower()}…", key="buka_wilayah")
    if buka:
        st.switch_page(HALAMAN_WILAYAH, query_params=param_wilayah(buka))
    # the table's HTML once per data version and area, as a chart (a tenth of a warm view otherwise)
    st.markdown(grafik(tabel.peringkat_html, queries.zona_per_anak, minggu, kode, argumen=(label_anak,)),
                unsafe_allow_html=True)


def _pembangunan_anak(minggu: date, kode: str | None, label_anak: str) -> None:
    """Issue 2's first question, still asked every week: how far the build-out is, and what blocks it."""
    st.subheader(f"Tahap pembangunan dan kendala utama per {label_anak.lower()}")
    kiri, kanan = st.columns(2)
    with kiri:
        st.vega_lite_chart(grafik(charts.batang_kategori_per_wilayah, queries.rekap_anak, minggu, kode,
                                  argumen=("tahap_pembangunan", "Tahap pembangunan")), width="stretch",
                           key="tahap_per_anak")
    with kanan:
        st.vega_lite_chart(grafik(charts.batang_kategori_per_wilayah, queries.rekap_anak, minggu, kode,
                                  argumen=("kendala_utama", "Kendala utama")), width="stretch", key="kendala_per_anak")


@st.fragment
def _peta(minggu: date, kode: str | None, anak) -> None:
    """The child areas on a map, drawn only when asked: the map's WebGL library and software
    rendering cost more than the rest of the view together in a browser without a GPU (a third of a
    first paint, bench/bench_peramban.py). A fragment, so the switch redraws only the map; bound to
    the URL (?peta=true), so a shared link opens with it. An area whose position is unknown is named,
    never drawn at an invented place."""
    st.subheader("Peta")
    # Above kecamatan level the map's points are the child areas: their positions alone tell what
    # can be placed; the zone counts are `anak` already, and the map is read only when drawn.
    per_anak = kode is None or ref.tingkat(kode) in ("provinsi", "kabupaten")
    titik = tanya(queries.posisi_anak if per_anak else queries.titik_peta, minggu, kode)
    if titik.empty:
        st.info("Belum ada koordinat untuk wilayah ini.")
    elif widget_url(st.toggle, "Tampilkan peta", "peta", bawaan=False):
        if per_anak:
            titik = tanya(queries.titik_peta, minggu, kode)
        st.pydeck_chart(charts.peta_zona(titik, batas=batas_wilayah()), height=520)
        st.caption("Posisi perkiraan: titik per wilayah di rata-rata koordinat koperasinya, ukuran menurut jumlah "
                   "koperasi, warna menurut bagian merah. Tanpa peta dasar (tidak ada akses internet).")
    # below kecamatan the points are koperasi: a desa is placed when its koperasi is
    tanpa_posisi = anak[(anak["jumlah"] > 0) & ~anak["kode"].isin(titik["kode" if per_anak else "kode_desa"])]
    if not tanpa_posisi.empty:
        st.caption(f"Posisi tidak diketahui, tidak digambar di peta: {', '.join(tanpa_posisi['nama'])}.")
