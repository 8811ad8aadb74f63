"""Plotly figure builders: pure functions (frame, …) -> Figure; they never change their input.

The zone colours are defined here once and used by every view and export."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kdkmp import format as fmt
from kdkmp import kontrak

WARNA_ZONA = {"hijau": "#2e7d32", "kuning": "#f9a825", "merah": "#c62828", "tidak_melapor": "#9e9e9e"}
LABEL_ZONA = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah", "tidak_melapor": "Tidak melapor"}
URUTAN_ZONA = ("hijau", "kuning", "merah", "tidak_melapor")

# Sequential palettes for the non-zone categories, light → dark so order reads as progress.
WARNA_TAHAP = {"belum_mulai": "#cfd8dc", "tertunda": "#8d6e63", "persiapan": "#90caf9",
               "konstruksi": "#1e88e5", "selesai": "#0d47a1"}
WARNA_KENDALA = {"tidak_ada": "#cfd8dc", "lahan": "#6d4c41", "cuaca": "#0288d1",
                 "tenaga_kerja": "#7b1fa2", "material": "#ef6c00", "teknis_lainnya": "#546e7a"}

_HURUF = dict(size=16)


def _tata_letak(fig: go.Figure, judul: str | None, tinggi: int) -> go.Figure:
    fig.update_layout(
        title=judul, height=tinggi, font=_HURUF, barmode="stack", margin=dict(l=10, r=10, t=50 if judul else 10, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0), separators=",.",
    )
    return fig


def batang_kategori_per_wilayah(rekap: pd.DataFrame, kolom: str, judul: str | None = None) -> go.Figure:
    """Horizontal stacked bars, one per area, split by the values of a contract enum
    (tahap_pembangunan or kendala_utama); `rekap` is queries.rekap_anak's frame."""
    awalan = kolom.split("_")[0]
    warna = WARNA_TAHAP if kolom == "tahap_pembangunan" else WARNA_KENDALA
    label = kontrak.LABEL_NILAI[kolom]
    data = rekap.sort_values("jumlah_koperasi")
    fig = go.Figure()
    for nilai in kontrak.KOLOM_PER_NAMA[kolom].nilai:
        jumlah = data[f"{awalan}_{nilai}"]
        fig.add_trace(go.Bar(
            y=data["nama"], x=jumlah, name=label[nilai], orientation="h", marker_color=warna[nilai],
            customdata=[fmt.angka(v) for v in jumlah],
            hovertemplate="%{y}<br>" + label[nilai] + ": %{customdata}<extra></extra>"))
    return _tata_letak(fig, judul, max(360, 26 * len(data) + 80))


def batang_kendala(ringkasan: dict, judul: str | None = None) -> go.Figure:
    """The main bottlenecks of one area, largest first ('tidak ada' left out)."""
    hitung = {k: v for k, v in ringkasan["kendala_utama"].items() if k != "tidak_ada"}
    urut = sorted(hitung, key=hitung.get)
    label = kontrak.LABEL_NILAI["kendala_utama"]
    fig = go.Figure(go.Bar(
        y=[label[k] for k in urut], x=[hitung[k] for k in urut], orientation="h",
        marker_color=[WARNA_KENDALA[k] for k in urut], text=[fmt.angka(hitung[k]) for k in urut],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>"))
    return _tata_letak(fig, judul, 320)
