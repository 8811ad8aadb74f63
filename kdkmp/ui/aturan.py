"""The rules page's pieces: the running rules made readable, and the what-if of candidate rules."""

from __future__ import annotations

from datetime import date

import streamlit as st

from kdkmp import akses, queries, rules, store
from kdkmp import format as fmt
from kdkmp.ui import tabel
from kdkmp.ui.dasar import tabel_data
from kdkmp.ui.sesi import pengguna, tolak


@st.cache_data(max_entries=64, show_spinner="Menilai ulang dengan aturan kandidat…")
def _bagaimana_jika(teks_yaml: str, minggu: date, identitas: tuple, db: str, cakupan: str | None):
    con = store.sambungan_baca(db)
    try:
        return queries.bagaimana_jika(con, teks_yaml, minggu, cakupan=cakupan)
    finally:
        con.close()


def tanya_bagaimana_jika(teks_yaml: str, minggu: date):
    """What-if of candidate rules on a week, cached per (YAML, week, data version, scope)."""
    db = str(store.lokasi_db())
    try:
        return _bagaimana_jika(teks_yaml, minggu, store.identitas_file(db), db, pengguna().cakupan)
    except akses.AksesDitolak as e:
        tolak(e)


def tampilkan_aturan(aturan: rules.Aturan) -> None:
    """Pillars with weights and indicators, gates, thresholds: the running rules, readable."""
    m = aturan.model
    total = sum(p.bobot for p in m.pilar.values())
    for p in m.pilar.values():
        st.markdown(f"**{p.label}** — bobot {fmt.angka(p.bobot)} ({fmt.rasio_persen(p.bobot, total, 0)})")
        tabel_data(tabel.tabel_indikator_pilar(p))
    st.markdown("**Gerbang** (memaksa zona apa pun skornya)")
    tabel_data(tabel.tabel_gerbang(m))
    st.markdown("**Ambang zona**")
    for z in ("hijau", "kuning"):
        a = getattr(m.zona, z)
        st.markdown(f"- {z.capitalize()}: skor total {'≥' if a.skor_total.termasuk else '>'} {fmt.angka(a.skor_total.min)} "
                    f"dan pilar terendah {'≥' if a.pilar_terendah.termasuk else '>'} {fmt.angka(a.pilar_terendah.min)}")
    st.markdown("- Merah: selain itu, atau bila gerbang merah terpicu")


def ubah_aturan(aturan: rules.Aturan) -> str:
    """Widgets for the thresholds and pillar weights; returns the candidate YAML text."""
    import yaml

    data = yaml.safe_load(aturan.teks)
    st.markdown("**Ambang zona**")
    kolom = st.columns(4)
    for i, (z, batas) in enumerate((("hijau", "skor_total"), ("hijau", "pilar_terendah"),
                                    ("kuning", "skor_total"), ("kuning", "pilar_terendah"))):
        with kolom[i]:
            b = data["zona"][z][batas]
            b["min"] = st.number_input(f"{z.capitalize()}: {batas.replace('_', ' ')} "
                                       f"{'≥' if b.get('termasuk') else '>'}", 0.0, 100.0, float(b["min"]), 1.0,
                                       key=f"ambang_{z}_{batas}")
    st.markdown("**Bobot pilar**")
    kolom = st.columns(len(data["pilar"]))
    for k, (nama, p) in zip(kolom, data["pilar"].items()):
        with k:
            p["bobot"] = st.number_input(p.get("label", nama), 0.0, 100.0, float(p["bobot"]), 1.0, key=f"bobot_{nama}")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
