"""The intervention list's filters: widgets bound to the URL, so every list is a link.

The filter keys are queries.Saringan's URL keys; the list, its export and its keterangan sheet
read the same ((kunci, nilai), …) tuple this returns.
"""

from __future__ import annotations

import streamlit as st

from kdkmp import kontrak, kosakata, rapat, rules
from kdkmp.ui.dasar import widget_url


def pilih_saringan() -> tuple[tuple[str, str], ...]:
    """The intervention filters as widgets bound to the URL; returns ((kunci, nilai), …)."""
    aturan = rules.muat_aturan()
    pilihan_alasan = {g.id: f"Gerbang: {g.teks}" for g in aturan.model.gerbang}
    # the checks of one value are one reason (rules.keluarga_cek), filtered by the first one's id
    pilihan_alasan |= {k[0].id: f"Cek {p.label}: " + "; ".join(rules.uraikan_syarat(i) for i in k)
                       for p in aturan.model.pilar.values() for k in rules.keluarga_cek(p)}
    hasil: list[tuple[str, str]] = []
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        # worst first: the list's default is merah
        pilihan_zona = [*reversed(kosakata.ZONA), kosakata.TIDAK_MELAPOR, "semua"]
        zona = widget_url(st.selectbox, "Zona", "zona", options=pilihan_zona, index=0, bawaan="merah",
                          format_func=lambda z: kosakata.LABEL_ZONA.get(z, "Semua zona"))
        if zona != "semua":
            hasil.append(("zona", zona))
    with k2:
        pilar = widget_url(st.selectbox, "Pilar terlemah", "pilar", options=list(kosakata.LABEL_PILAR), index=None,
                           placeholder="Semua", format_func=kosakata.LABEL_PILAR.get)
    with k3:
        alasan = widget_url(st.selectbox, "Gerbang atau cek yang gagal", "alasan", options=list(pilihan_alasan),
                            index=None, placeholder="Semua", format_func=pilihan_alasan.get)
    with k4:
        kendala = widget_url(st.selectbox, "Kendala utama", "kendala", options=list(kontrak.ENUM_KENDALA), index=None,
                             placeholder="Semua", format_func=kontrak.LABEL_NILAI["kendala_utama"].get)
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        tahap = widget_url(st.selectbox, "Tahap pembangunan", "tahap", options=list(kontrak.ENUM_TAHAP), index=None,
                           placeholder="Semua", format_func=kontrak.LABEL_NILAI["tahap_pembangunan"].get)
    with k2:
        min_minggu = widget_url(st.number_input, "Minggu di zona ini (≥)", "min_minggu", min_value=0, max_value=104,
                                value=0, step=1, bawaan=0)
    with k3:
        # the meeting's four, kembali merah among them: the area view's counts open these lists
        judul_gerak = {j: judul for j, (judul, _) in rapat.definisi_pergerakan(aturan).items()}
        gerak = widget_url(st.selectbox, "Pergerakan minggu ini", "gerak", options=list(judul_gerak), index=None,
                           placeholder="Semua", format_func=judul_gerak.get)
    with k4:
        stagnan = widget_url(st.checkbox, "Konstruksi stagnan", "stagnan")
    for kunci, nilai in (("pilar", pilar), ("alasan", alasan), ("kendala", kendala), ("tahap", tahap), ("gerak", gerak)):
        if nilai:
            hasil.append((kunci, nilai))
    if min_minggu:
        hasil.append(("min_minggu", str(int(min_minggu))))
    if stagnan:
        hasil.append(("stagnan", "ya"))
    return tuple(hasil)


def nama_daftar(saringan: tuple[tuple[str, str], ...]) -> str | None:
    """Which list this is, for its file name: the movement, then the zone unless the movement's name
    already says it (baru_merah, pulih_kuning, merah); None for every zone and no movement. Without
    the movement the baru merah, pulih and merah kronis lists of a week downloaded under one name."""
    s = dict(saringan)
    gerak, zona = s.get("gerak"), s.get("zona")
    if gerak and zona and zona in gerak:
        zona = None
    return "_".join(b for b in (gerak, zona) if b) or None
