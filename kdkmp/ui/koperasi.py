"""A koperasi's verdict: zone, score, reasons worst first (gates marked), what it takes, pillars."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kdkmp import charts, kosakata
from kdkmp import format as fmt


def penjelasan(hasil: dict | None) -> None:
    """A koperasi's verdict (queries.penjelasan_koperasi): zone and score, what it takes, the
    reasons worst first, the pillar scores."""
    if not hasil or hasil.get("zona") is None:
        st.info("Belum ada penilaian zona untuk koperasi ini pada minggu ini.")
        return
    zona = hasil["zona"]
    lama = hasil.get("minggu_di_zona")
    st.markdown(f'<h2><span style="color:{kosakata.WARNA_ZONA[zona]}">■ {kosakata.LABEL_ZONA[zona]}</span> · skor '
                f'{fmt.angka(hasil.get("skor_total"), 1)}' + (f" · {lama} minggu di zona ini" if lama else "") + "</h2>",
                unsafe_allow_html=True)
    if hasil.get("langkah_berikut"):
        st.info(f"**Yang dibutuhkan:** {hasil['langkah_berikut']}")
    kiri, kanan = st.columns([3, 2])
    with kiri:
        st.subheader("Alasan (terberat dulu)")
        if not hasil["alasan"]:
            st.write("Semua cek yang berlaku terpenuhi.")
        for a in hasil["alasan"]:
            if a["id"] == "stabilitas":  # history holds the zone (rules._sql_penjelasan_ditahan)
                skor = hasil.get("skor_total")
                st.markdown(f"- :orange[**Stabilitas**] {a['teks']}"
                            + (f" (skor minggu ini {fmt.angka(skor, 1)})" if skor is not None else ""))
            elif a["jenis"] == "gerbang":
                st.markdown(f"- :red[**Gerbang**] {a['teks']} ({a['keparahan']})")
            else:
                pilar = kosakata.LABEL_PILAR.get(a["pilar"], a["pilar"])
                hilang = f" (−{fmt.angka(a['poin_hilang'], 1)} poin {pilar.lower()})" if a.get("poin_hilang") else ""
                st.markdown(f"- {a['teks']}{hilang}")
    with kanan:
        st.subheader("Skor pilar")
        pilar = pd.DataFrame({"pilar": list(hasil["skor_pilar"]), "skor_rata": list(hasil["skor_pilar"].values()),
                              "jumlah_terlemah": 0})
        if pilar["skor_rata"].notna().any():
            st.vega_lite_chart(charts.batang_pilar(pilar), width="stretch", key="pilar_koperasi")
        st.caption("Pilar tanpa indikator yang berlaku pada tahap ini tidak dinilai.")
