"""Plotly figure builders: pure functions (frame, …) -> Figure; they never change their input.

Zone colours, labels and order and the pillar names come from kdkmp.kosakata, the one home of
that vocabulary; the palettes here are for the non-zone categories only."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from kdkmp import format as fmt
from kdkmp import kontrak
from kdkmp.kosakata import LABEL_PILAR, LABEL_ZONA, SEMUA_ZONA, WARNA_ZONA, ZONA

# Sequential palettes for the non-zone categories, light → dark so order reads as progress.
WARNA_TAHAP = {"belum_mulai": "#cfd8dc", "tertunda": "#8d6e63", "persiapan": "#90caf9",
               "konstruksi": "#1e88e5", "selesai": "#0d47a1"}
WARNA_KENDALA = {"tidak_ada": "#cfd8dc", "lahan": "#6d4c41", "cuaca": "#0288d1",
                 "tenaga_kerja": "#7b1fa2", "material": "#ef6c00", "teknis_lainnya": "#546e7a"}

_HURUF = dict(size=16)


def _sumbu_minggu(fig: go.Figure, minggu, sumbu: str = "x") -> None:
    """Week ticks in Indonesian ('16 Nov'), at most eight, instead of Plotly's English months."""
    daftar = sorted(pd.to_datetime(pd.Series(list(minggu))).dropna().unique())
    if not daftar:
        return
    langkah = max(1, -(-len(daftar) // 8))
    pilih = daftar[::-1][::langkah][::-1]
    teks = [fmt.tanggal_singkat(pd.Timestamp(m).date()) for m in pilih]
    getattr(fig, f"update_{sumbu}axes")(tickvals=pilih, ticktext=teks)


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
            customdata=fmt.angka_kolom(jumlah),
            hovertemplate="%{y}<br>" + label[nilai] + ": %{customdata}<extra></extra>"))
    fig = _tata_letak(fig, judul, max(360, 26 * len(data) + 80))
    fig.update_xaxes(tickformat=",d")
    return fig


def _label_zona(z: str) -> str:
    return LABEL_ZONA.get(z, z.replace("_", " ").capitalize())


def batang_zona_per_wilayah(anak: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Stacked horizontal bars of the zones per child area, worst (highest share of merah) on top;
    `anak` is queries.zona_per_anak's frame."""
    data = anak[anak["jumlah"] > 0].sort_values(["persen_merah", "merah"], ascending=True, na_position="first")
    fig = go.Figure()
    for z in SEMUA_ZONA:
        fig.add_trace(go.Bar(
            y=data["nama"], x=data[z], name=_label_zona(z), orientation="h", marker_color=WARNA_ZONA[z],
            customdata=list(zip(fmt.angka_kolom(data[z]), [fmt.persen(v) for v in data["persen_merah"]],
                                data["kode"])),
            hovertemplate="%{y}<br>" + _label_zona(z) + ": %{customdata[0]}<br>merah: %{customdata[1]} dari yang melapor"
                          "<extra></extra>"))
    fig = _tata_letak(fig, judul, max(360, 26 * len(data) + 90))
    fig.update_xaxes(tickformat=",d")
    return fig


def batang_kendala_per_zona(kendala: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Main bottlenecks split by zone, largest total first ('tidak ada' left out)."""
    data = kendala[kendala["kendala_utama"] != "tidak_ada"]
    total = data.groupby("kendala_utama")["jumlah"].sum().sort_values()
    label = kontrak.LABEL_NILAI["kendala_utama"]
    fig = go.Figure()
    for z in ZONA:
        bagian = data[data["zona"] == z].set_index("kendala_utama")["jumlah"].reindex(total.index, fill_value=0)
        fig.add_trace(go.Bar(y=[label.get(k, k) for k in total.index], x=bagian.to_numpy(), name=_label_zona(z),
                             orientation="h", marker_color=WARNA_ZONA[z],
                             customdata=fmt.angka_kolom(bagian),
                             hovertemplate="%{y} · " + _label_zona(z) + ": %{customdata}<extra></extra>"))
    fig = _tata_letak(fig, judul, 360)
    fig.update_xaxes(tickformat=",d")
    return fig


def garis_tren_zona(tren: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Zone counts over the weeks as stacked areas."""
    fig = go.Figure()
    lebar = tren.pivot_table(index="minggu", columns="zona", values="jumlah", fill_value=0).sort_index()
    for z in SEMUA_ZONA:
        if z not in lebar:
            continue
        fig.add_trace(go.Scatter(
            x=lebar.index, y=lebar[z], name=_label_zona(z), mode="lines", stackgroup="zona",
            line=dict(color=WARNA_ZONA[z], width=1), fillcolor=WARNA_ZONA[z],
            customdata=fmt.angka_kolom(lebar[z]),
            hovertemplate="%{x|%d %b %Y} · " + _label_zona(z) + ": %{customdata}<extra></extra>"))
    fig = _tata_letak(fig, judul, 340)
    _sumbu_minggu(fig, lebar.index)
    fig.update_yaxes(tickformat=",d")
    return fig


def matriks_transisi(transisi: pd.DataFrame, judul: str | None = None, akhiran_baris: str = " (lalu)") -> go.Figure:
    """Last week's zone (rows) → this week's zone (columns), counts in the cells; the
    diagonal (no change) greyed so the moves stand out."""
    baris = [z for z in ("baru", *SEMUA_ZONA) if z in set(transisi["zona_lalu"])]
    kolom = list(SEMUA_ZONA)
    tabel = (transisi.pivot_table(index="zona_lalu", columns="zona_kini", values="jumlah", fill_value=0)
             .reindex(index=baris, columns=kolom, fill_value=0))
    nilai = tabel.to_numpy()
    warna = [[0 if a == b else v for b, v in zip(kolom, r)] for a, r in zip(baris, nilai)]
    teks = [fmt.angka_kolom(r) for r in nilai]
    fig = go.Figure(go.Heatmap(
        z=warna, x=[_label_zona(z) for z in kolom], y=[_label_zona(z) + akhiran_baris for z in baris],
        text=teks, texttemplate="%{text}", colorscale=[[0, "#f5f5f5"], [1, WARNA_ZONA["merah"]]], showscale=False,
        hovertemplate="%{y} → %{x}: %{text}<extra></extra>"))
    fig = _tata_letak(fig, judul, 300)
    fig.update_yaxes(autorange="reversed")
    return fig


def batang_pilar(pilar: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Mean pillar scores (0–100), weakest highlighted."""
    data = pilar.dropna(subset=["skor_rata"]).sort_values("skor_rata", ascending=False)
    terlemah = data["pilar"].iloc[-1] if len(data) else None
    fig = go.Figure(go.Bar(
        y=[LABEL_PILAR.get(p, p) for p in data["pilar"]], x=data["skor_rata"], orientation="h",
        marker_color=[WARNA_ZONA["merah"] if p == terlemah else "#78909c" for p in data["pilar"]],
        # outside the bar, so that a pillar at 0 still shows its "0,0" instead of nothing
        text=fmt.angka_kolom(data["skor_rata"], 1), textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig = _tata_letak(fig, judul, 280)
    fig.update_xaxes(range=[0, 100])
    return fig


def _rgb(hexa: str, alfa: int = 200) -> list[int]:
    return [int(hexa[i:i + 2], 16) for i in (1, 3, 5)] + [alfa]


def _zoom_pas(lat: pd.Series, lon: pd.Series, lebar_px: int = 1100, tinggi_px: int = 500) -> float:
    """Web-Mercator zoom at which the points' extent fills the map (with a margin): in deck.gl
    the world is 512·2^z pixels wide at zoom z."""
    rentang_lon = max(float(lon.max() - lon.min()), 0.02) * 1.5
    rentang_lat = max(float(lat.max() - lat.min()), 0.02) * 1.5
    z_lon = math.log2(lebar_px * 360 / (512 * rentang_lon))
    z_lat = math.log2(tinggi_px * 170 / (512 * rentang_lat))
    return max(3.0, min(13.0, min(z_lon, z_lat)))


def _warna_merah(persen: pd.Series) -> list[list[int]]:
    # Share of merah from the kuning colour (none) to the merah colour (half or more), so that
    # the usual range of 5–50 % is told apart.
    bagian = (persen.fillna(0) / 50).clip(0, 1)
    kuning, merah = _rgb(WARNA_ZONA["kuning"]), _rgb(WARNA_ZONA["merah"])
    return [[round(k + (m - k) * b) for k, m in zip(kuning, merah)] for b in bagian]


def peta_zona(titik: pd.DataFrame, tinggi_px: int = 500, batas: dict | None = None):
    """A pydeck map without a basemap (tiles cannot be fetched offline): one bubble per area
    sized by its koperasi and coloured by its share of merah, or one dot per koperasi in its
    zone colour, with labels for orientation."""
    import pydeck as pdk

    data = titik.copy()
    if data.empty:
        return None
    if "zona" in data:
        data["warna"] = [_rgb(WARNA_ZONA.get(z, WARNA_ZONA["tidak_melapor"])) for z in data["zona"]]
        data["radius"] = 30
    else:
        data["warna"] = _warna_merah(data["persen_merah"])
        data["radius"] = data["jumlah"].clip(lower=1) ** 0.5
    data["keterangan"] = [
        f"{n}: {fmt.angka(j)} koperasi, merah {fmt.persen(p)}" for n, j, p in
        zip(data["nama"], data["jumlah"], data["persen_merah"])]
    # Labels for the worst areas only when there are many, so that they do not pile up.
    berlabel = data if len(data) <= 25 else data.nlargest(12, "persen_merah")
    zoom = _zoom_pas(data["lat"], data["lon"], tinggi_px=tinggi_px)
    skala_px = 6 if "zona" in data else 40 / max(float(data["radius"].max()), 1)
    lapisan = [
        pdk.Layer("ScatterplotLayer", data=data[["lon", "lat", "warna", "radius", "keterangan"]],
                  get_position=["lon", "lat"], get_fill_color="warna", get_radius="radius",
                  radius_units="pixels", radius_scale=skala_px, radius_min_pixels=5, radius_max_pixels=40,
                  pickable=True, stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1),
        pdk.Layer("TextLayer", data=berlabel[["lon", "lat", "nama"]], get_position=["lon", "lat"], get_text="nama",
                  get_size=14, get_color=[33, 33, 33], get_pixel_offset=[0, -24]),
    ]
    if batas is not None and "zona" not in data:
        # Official boundaries for these areas: a choropleth replaces the bubbles.
        warna = dict(zip(data["kode"], data["warna"]))
        keterangan = dict(zip(data["kode"], data["keterangan"]))
        fitur = [{**f, "properties": {**f["properties"], "warna": warna[f["properties"]["kode"]],
                                      "keterangan": keterangan[f["properties"]["kode"]]}}
                 for f in batas["features"] if f["properties"]["kode"] in warna]
        if fitur:
            lapisan[0] = pdk.Layer("GeoJsonLayer", data={"type": "FeatureCollection", "features": fitur},
                                   get_fill_color="properties.warna", get_line_color=[255, 255, 255],
                                   line_width_min_pixels=1, pickable=True, stroked=True, filled=True)
    return pdk.Deck(layers=lapisan, map_style=None, map_provider=None, tooltip={"text": "{keterangan}"},
                    initial_view_state=pdk.ViewState(latitude=float(data["lat"].min() + data["lat"].max()) / 2,
                                                     longitude=float(data["lon"].min() + data["lon"].max()) / 2,
                                                     zoom=zoom))


def riwayat_zona(riwayat: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """One koperasi over the weeks: total score as a line, each week's marker in its zone colour."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=riwayat["minggu"], y=riwayat["skor_total"], mode="lines", name="Skor total",
                             line=dict(color="#78909c", width=2), hoverinfo="skip"))
    for z in SEMUA_ZONA:
        bagian = riwayat[riwayat["zona"] == z]
        if bagian.empty:
            continue
        fig.add_trace(go.Scatter(
            # A week without a report has no score: a grey cross on the floor, not a fall to zero.
            x=bagian["minggu"], y=bagian["skor_total"].fillna(-3), mode="markers", name=_label_zona(z),
            marker=dict(color=WARNA_ZONA[z], size=14, line=dict(color="white", width=1),
                        symbol="x" if z == "tidak_melapor" else "circle"),
            customdata=fmt.angka_kolom(bagian["skor_total"], 1),
            hovertemplate="%{x|%d %b %Y} · " + _label_zona(z) + " · skor %{customdata}<extra></extra>"))
    fig = _tata_letak(fig, judul, 300)
    fig.update_yaxes(range=[-5, 105], title="Skor total")
    _sumbu_minggu(fig, riwayat["minggu"])
    return fig


def peta_panas_tingkat_lapor(tingkat: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Reporting rate per province (rows) per week (columns), red where few report."""
    lebar = tingkat.pivot_table(index="nama", columns="minggu", values="tingkat_lapor").sort_index(ascending=False)
    teks = [fmt.angka_kolom(baris) for baris in lebar.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=lebar.to_numpy(), x=[fmt.tanggal(pd.Timestamp(m).date()) for m in lebar.columns], y=list(lebar.index), text=teks,
        texttemplate="%{text}", zmin=0, zmax=100,
        colorscale=[[0, WARNA_ZONA["merah"]], [0.8, WARNA_ZONA["kuning"]], [1, WARNA_ZONA["hijau"]]],
        colorbar=dict(title="% melapor"), hovertemplate="%{y} · %{x}: %{text} %<extra></extra>"))
    return _tata_letak(fig, judul, max(400, 22 * len(lebar) + 120))


def matriks_bagaimana_jika(matriks: pd.DataFrame, judul: str | None = None) -> go.Figure:
    """Current zone (rows) × candidate zone (columns), the moves highlighted."""
    panjang = matriks.stack().rename("jumlah").reset_index()
    panjang.columns = ["zona_lalu", "zona_kini", "jumlah"]
    return matriks_transisi(panjang, judul, akhiran_baris=" (sekarang)")
