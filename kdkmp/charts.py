"""Chart builders: pure functions (frame, …) -> a Vega-Lite spec (dict) for every chart the pages
draw (the area views, a koperasi's history, the reporting heatmap, the what-if matrix), a pydeck
Deck for the map; they never change their input.

Zone colours, labels and order and the pillar names come from kdkmp.kosakata, the one home of
that vocabulary; the palettes here are for the non-zone categories only."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa

from kdkmp import format as fmt
from kdkmp.format import LOKAL
from kdkmp import kontrak
from kdkmp.kosakata import LABEL_PILAR, LABEL_ZONA, SEMUA_ZONA, WARNA_ZONA, ZONA

# Sequential palettes for the non-zone categories, light → dark so order reads as progress.
WARNA_TAHAP = {"belum_mulai": "#cfd8dc", "tertunda": "#8d6e63", "persiapan": "#90caf9",
               "konstruksi": "#1e88e5", "selesai": "#0d47a1"}
WARNA_KENDALA = {"tidak_ada": "#cfd8dc", "lahan": "#6d4c41", "cuaca": "#0288d1",
                 "tenaga_kerja": "#7b1fa2", "material": "#ef6c00", "teknis_lainnya": "#546e7a"}

# a follow-up change on a koperasi's zone history: the ink of the chart's own score line, darker
WARNA_TINDAKAN = "#37474f"


# ---------------------------------------------------------------- Vega-Lite
#
# Every chart the pages draw is a Vega-Lite spec (a plain dict, given to st.vega_lite_chart): in headless
# Chromium on 2 cores one Plotly chart cost ≈ 0.9 s of the page's main thread (parsing the 4.7 MB
# plotly.js) and a Vega-Lite chart ≈ 0.13 s, for the same bars and tooltips (renderer CPU from the
# DevTools protocol, 2026-11-30). A spec carries its frame under data.values, as st.vega_lite_chart
# takes it; texts shown on hover are formatted here through kdkmp.format, and the axes format with
# Babel's Indonesian symbols and month names (config.locale).


def _lokal_vega() -> dict:
    simbol = LOKAL.number_symbols["latn"]
    bulan, hari = LOKAL.months["format"], LOKAL.days["format"]
    return {
        "number": {"decimal": simbol["decimal"], "thousands": simbol["group"], "grouping": [3], "currency": ["Rp", ""]},
        "time": {"dateTime": "%A, %e %B %Y %X", "date": "%d/%m/%Y", "time": "%H.%M.%S", "periods": ["AM", "PM"],
                 # d3 counts days from Sunday, Babel from Monday
                 "days": [hari["wide"][(i + 6) % 7] for i in range(7)],
                 "shortDays": [hari["abbreviated"][(i + 6) % 7] for i in range(7)],
                 "months": [bulan["wide"][i] for i in range(1, 13)],
                 "shortMonths": [bulan["abbreviated"][i] for i in range(1, 13)]},
    }


KONFIGURASI_VEGA = {
    "locale": _lokal_vega(),
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelLimit": 220},
    "legend": {"orient": "top", "title": None, "labelFontSize": 13, "columns": 3, "labelLimit": 160},
    "title": {"fontSize": 16, "anchor": "start"},
    "view": {"stroke": None},
}


def _spek(judul: str | None, tabel: pa.Table, **isi) -> dict:
    # The table itself as the inline data: Streamlit sends it as Arrow, ≈ 1 ms per chart and run less
    # than a list of records; ui.dasar.grafik makes its bytes once per data version.
    spek = {"data": {"values": tabel}, "config": KONFIGURASI_VEGA, **isi}
    if judul:
        spek["title"] = {"text": _baris_judul(judul)}
    return spek


def _tabel(kolom: dict[str, list]) -> pa.Table:
    """A chart's table from its columns as Python lists (NaN as null, no column without a type).
    Built from lists, not through pandas: a chart's table is tens of rows, where pandas' per-call
    cost dominated, ≈ 2–4 ms a chart and 15–20 ms of a first kabupaten view's 8 (with the
    conversion to Arrow), against ≈ 0.1–0.2 ms (measured, bench/bench_beban.py's issue)."""
    return pa.table({nama: pa.array(nilai, from_pandas=True) if nilai else pa.array([], pa.string())
                     for nama, nilai in kolom.items()})


def _sumbu_minggu(minggu: list, paling_banyak: int = 8) -> dict:
    """A week axis (the field minggu_iso): ticks on the data weeks themselves, at most
    `paling_banyak`, counted back from the latest so that it is always labelled ('16 Nov'); left to
    itself Vega-Lite ticks a UTC scale on Sundays or the 1st of a month, a day off a Monday's week.
    UTC: a week is a calendar date, not an instant in the reader's time zone."""
    urut = sorted(set(minggu))
    langkah = max(1, math.ceil(len(urut) / paling_banyak))
    tik = urut[::-1][::langkah][::-1]
    return {"field": "minggu_iso", "type": "temporal", "scale": {"type": "utc"}, "title": None,
            "axis": {"format": "%-d %b", "values": [
                {"year": m.year, "month": m.month, "date": m.day, "utc": True} for m in tik]}}


def _baris_judul(judul: str, lebar: int = 32) -> list[str]:
    """A long title in lines: Vega-Lite cuts a title at the chart's width instead of wrapping it."""
    baris = [""]
    for kata in judul.split():
        if baris[-1] and len(baris[-1]) + 1 + len(kata) > lebar:
            baris.append(kata)
        else:
            baris[-1] = f"{baris[-1]} {kata}".strip()
    return baris


def _warna(label: dict, warna: dict, kunci) -> dict:
    """A colour scale in a fixed order: the legend and the stack follow the domain."""
    return {"field": "kategori", "type": "nominal", "sort": [label[k] for k in kunci],
            "scale": {"domain": [label[k] for k in kunci], "range": [warna[k] for k in kunci]}}


def _batang_bertumpuk(panjang: pa.Table, judul: str | None, label: dict, warna: dict, kunci,
                      keterangan: list[dict], **isi) -> dict:
    """Horizontal stacked bars: one row per `baris` (top to bottom in `urut_baris` order), split by
    `kategori` in the order of `kunci`; `panjang` has baris, urut_baris, kategori, urut_kategori, jumlah,
    jumlah_teks."""
    return _spek(judul, panjang, mark={"type": "bar", "tooltip": True},
                 height={"step": 22},
                 encoding={
                     "y": {"field": "baris", "type": "nominal", "title": None,
                           "sort": {"field": "urut_baris", "order": "ascending"}},
                     "x": {"field": "jumlah", "type": "quantitative", "title": None, "stack": "zero",
                           "axis": {"format": ",d"}},
                     "color": _warna(label, warna, kunci),
                     "order": {"field": "urut_kategori", "type": "quantitative"},
                     "tooltip": keterangan,
                 }, **isi)


def _panjang(baris: dict[str, list], jumlah: dict, label: dict, kunci) -> pa.Table:
    """Wide → long: one row per (row, category), categories in the order of `kunci`: the columns
    `baris` (each a list, one value per row) repeated per category, then kategori, urut_kategori,
    jumlah and jumlah_teks; `jumlah` maps a category to its counts per row."""
    kunci = list(kunci)
    n = len(next(iter(baris.values()), []))
    angka = [int(j) for k in kunci for j in jumlah[k]]
    return _tabel({**{c: nilai * len(kunci) for c, nilai in baris.items()},
                   "kategori": [label[k] for k in kunci for _ in range(n)],
                   "urut_kategori": [i for i in range(len(kunci)) for _ in range(n)],
                   "jumlah": angka, "jumlah_teks": fmt.angka_kolom(angka)})


def _jumlah_per(data: pd.DataFrame, baris: str, kolom: str) -> dict[tuple, int]:
    """Long → a cell per (`baris`, `kolom`) value pair: the sum of `jumlah`; rows with a missing key
    are left out. The charts' frames are tens of rows: pandas' pivot_table cost ≈ 3 ms each, a
    third of a cold area view's chart building (measured)."""
    sel: dict[tuple, int] = {}
    for b, k, n in zip(data[baris].tolist(), data[kolom].tolist(), data["jumlah"].tolist()):
        if not (pd.isna(b) or pd.isna(k)):
            sel[(b, k)] = sel.get((b, k), 0) + int(n)
    return sel


def _label_zona(z: str) -> str:
    return LABEL_ZONA.get(z, z.replace("_", " ").capitalize())


def _urutan(kunci: list) -> list[int]:
    """Row positions sorted by `kunci` (one key per row), stable: ties keep their order."""
    return sorted(range(len(kunci)), key=kunci.__getitem__)


def batang_kategori_per_wilayah(rekap: pd.DataFrame, kolom: str, judul: str | None = None) -> dict:
    """Horizontal stacked bars, one per area (most koperasi on top), split by the values of a
    contract enum (tahap_pembangunan or kendala_utama); `rekap` is queries.rekap_anak's frame."""
    awalan = kolom.split("_")[0]
    nilai = kontrak.KOLOM_PER_NAMA[kolom].nilai
    urut = _urutan([-j for j in rekap["jumlah_koperasi"].tolist()])
    nama = rekap["nama"].tolist()
    jumlah = {}
    for n in nilai:
        per_baris = rekap[f"{awalan}_{n}"].tolist()
        jumlah[n] = [per_baris[i] for i in urut]
    panjang = _panjang({"baris": [nama[i] for i in urut], "urut_baris": list(range(len(urut)))}, jumlah,
                       kontrak.LABEL_NILAI[kolom], nilai)
    warna = WARNA_TAHAP if kolom == "tahap_pembangunan" else WARNA_KENDALA
    return _batang_bertumpuk(panjang, judul, kontrak.LABEL_NILAI[kolom], warna, nilai,
                             [{"field": "baris", "title": "Wilayah"}, {"field": "kategori", "title": judul or kolom},
                              {"field": "jumlah_teks", "title": "Koperasi"}])


def batang_zona_per_wilayah(anak: pd.DataFrame, judul: str | None = None, pilih: str | None = None) -> dict:
    """Stacked horizontal bars of the zones per child area, worst (highest share of merah) on top;
    `anak` is queries.zona_per_anak's frame. `pilih`: the name of a point selection on the area's
    code (a click opens the area)."""
    kol = {c: anak[c].tolist() for c in ("kode", "nama", "jumlah", "persen_merah", *SEMUA_ZONA)}
    # areas with koperasi only; the highest share of merah first, then the most merah, areas
    # without a share (nobody reported) last
    urut = [i for i in _urutan([(pd.isna(p), 0.0 if pd.isna(p) else -p, -m)
                                for p, m in zip(kol["persen_merah"], kol["merah"])]) if kol["jumlah"][i] > 0]
    label = {z: _label_zona(z) for z in SEMUA_ZONA}
    panjang = _panjang({"baris": [kol["nama"][i] for i in urut], "urut_baris": list(range(len(urut))),
                        "kode": [kol["kode"][i] for i in urut],
                        "persen_merah_teks": [fmt.persen(kol["persen_merah"][i]) for i in urut]},
                       {z: [kol[z][i] for i in urut] for z in SEMUA_ZONA}, label, SEMUA_ZONA)
    isi = {"params": [{"name": pilih, "select": {"type": "point", "fields": ["kode"]}}]} if pilih else {}
    return _batang_bertumpuk(
        panjang, judul, label, WARNA_ZONA, SEMUA_ZONA,
        [{"field": "baris", "title": "Wilayah"}, {"field": "kategori", "title": "Zona"},
         {"field": "jumlah_teks", "title": "Koperasi"}, {"field": "persen_merah_teks", "title": "Merah dari yang melapor"}],
        **isi)


def batang_kendala_per_zona(kendala: pd.DataFrame, judul: str | None = None) -> dict:
    """Main bottlenecks split by zone, largest total on top ('tidak ada' left out)."""
    sel = _jumlah_per(kendala[kendala["kendala_utama"] != "tidak_ada"], "kendala_utama", "zona")
    total: dict[str, int] = {}
    for (k, _), n in sel.items():
        total[k] = total.get(k, 0) + n
    urutan = sorted(sorted(total), key=lambda k: -total[k])  # largest first, ties by name
    label = kontrak.LABEL_NILAI["kendala_utama"]
    label_zona = {z: _label_zona(z) for z in ZONA}
    panjang = _panjang({"baris": [label.get(k, k) for k in urutan], "urut_baris": list(range(len(urutan)))},
                       {z: [sel.get((k, z), 0) for k in urutan] for z in ZONA}, label_zona, ZONA)
    return _batang_bertumpuk(panjang, judul, label_zona, WARNA_ZONA, ZONA,
                             [{"field": "baris", "title": "Kendala"}, {"field": "kategori", "title": "Zona"},
                              {"field": "jumlah_teks", "title": "Koperasi"}])


def garis_tren_zona(tren: pd.DataFrame, judul: str | None = None) -> dict:
    """Zone counts over the weeks as stacked areas."""
    sel = _jumlah_per(tren, "minggu", "zona")
    minggu = sorted({m for m, _ in sel})
    zona = [z for z in SEMUA_ZONA if z in {k for _, k in sel}]
    tanggal = [pd.Timestamp(m).date() for m in minggu]
    label = {z: _label_zona(z) for z in zona}
    panjang = _panjang({"minggu_iso": [t.isoformat() for t in tanggal], "minggu_teks": [fmt.tanggal(t) for t in tanggal]},
                       {z: [sel.get((m, z), 0) for m in minggu] for z in zona}, label, zona)
    return _spek(judul, panjang, height=300, mark={"type": "area", "tooltip": True, "line": {"strokeWidth": 1}},
                 encoding={
                     "x": _sumbu_minggu(tanggal),
                     "y": {"field": "jumlah", "type": "quantitative", "stack": "zero", "title": None,
                           "axis": {"format": ",d"}},
                     "color": _warna(label, WARNA_ZONA, zona),
                     "order": {"field": "urut_kategori", "type": "quantitative"},
                     "tooltip": [{"field": "minggu_teks", "title": "Minggu"}, {"field": "kategori", "title": "Zona"},
                                 {"field": "jumlah_teks", "title": "Koperasi"}],
                 })


def matriks_transisi(transisi: pd.DataFrame, judul: str | None = None, akhiran_baris: str = " (lalu)") -> dict:
    """Last week's zone (rows) → this week's zone (columns), counts in the cells; the
    diagonal (no change) greyed so the moves stand out."""
    baris = [z for z in ("baru", *SEMUA_ZONA) if z in set(transisi["zona_lalu"])]
    kolom = list(SEMUA_ZONA)
    jumlah = _jumlah_per(transisi, "zona_lalu", "zona_kini")
    sel = [(a, b, jumlah.get((a, b), 0)) for a in baris for b in kolom]
    tabel = _tabel({"lalu": [_label_zona(a) + akhiran_baris for a, _, _ in sel], "kini": [_label_zona(b) for _, b, _ in sel],
                    "jumlah": [n for *_, n in sel], "pindah": [0 if a == b else n for a, b, n in sel],
                    "jumlah_teks": fmt.angka_kolom([n for *_, n in sel])})
    sumbu = {"lalu": [_label_zona(a) + akhiran_baris for a in baris], "kini": [_label_zona(b) for b in kolom]}
    posisi = {"y": {"field": "lalu", "type": "nominal", "sort": sumbu["lalu"], "title": None},
              "x": {"field": "kini", "type": "nominal", "sort": sumbu["kini"], "title": None,
                    "axis": {"orient": "top", "labelAngle": -30, "labelOverlap": False}}}
    return _spek(judul, tabel, height={"step": 44}, encoding=posisi, layer=[
        {"mark": {"type": "rect", "tooltip": True},
         "encoding": {"color": {"field": "pindah", "type": "quantitative", "legend": None,
                                "scale": {"range": ["#f5f5f5", WARNA_ZONA["merah"]]}},
                      "tooltip": [{"field": "lalu", "title": "Dari"}, {"field": "kini", "title": "Ke"},
                                  {"field": "jumlah_teks", "title": "Koperasi"}]}},
        {"mark": {"type": "text", "fontSize": 14}, "encoding": {"text": {"field": "jumlah_teks"}}},
    ])


def batang_pilar(pilar: pd.DataFrame, judul: str | None = None) -> dict:
    """Mean pillar scores (0–100), strongest on top, the weakest in the merah colour."""
    ada = [(p, float(s)) for p, s in zip(pilar["pilar"].tolist(), pilar["skor_rata"].tolist()) if not pd.isna(s)]
    ada = [ada[i] for i in _urutan([-s for _, s in ada])]
    terlemah = ada[-1][0] if ada else None
    tabel = _tabel({"pilar": [LABEL_PILAR.get(p, p) for p, _ in ada], "urut": list(range(len(ada))),
                    "skor": [s for _, s in ada], "skor_teks": fmt.angka_kolom([s for _, s in ada], 1),
                    "warna": [WARNA_ZONA["merah"] if p == terlemah else "#78909c" for p, _ in ada]})
    posisi = {"y": {"field": "pilar", "type": "nominal", "sort": {"field": "urut"}, "title": None},
              "x": {"field": "skor", "type": "quantitative", "scale": {"domain": [0, 100]}, "title": None}}
    return _spek(judul, tabel, height={"step": 30}, encoding=posisi, layer=[
        {"mark": {"type": "bar", "tooltip": True},
         "encoding": {"color": {"field": "warna", "type": "nominal", "scale": None},
                      "tooltip": [{"field": "pilar", "title": "Pilar"}, {"field": "skor_teks", "title": "Skor rata-rata"}]}},
        # beside the bar, so that a pillar at 0 still shows its "0,0" instead of nothing
        {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 13}, "encoding": {"text": {"field": "skor_teks"}}},
    ])


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


def riwayat_zona(riwayat: pd.DataFrame, judul: str | None = None) -> dict:
    """One koperasi over the weeks: its total score as a line, each week a mark in its zone colour
    (a week without a report a grey cross on the floor, not a fall to zero); with the columns of
    tindaklanjut.linimasa_koperasi, a ▼ above each week in which its follow-up changed (hover: what,
    by whom). Vega-Lite, not Plotly: the koperasi page is opened from every row of the intervention
    list, and plotly.js alone cost ≈ 1 s of a browser's main thread (see the area views above)."""
    minggu = [pd.Timestamp(m).date() for m in riwayat["minggu"].tolist()]
    skor = [None if pd.isna(x) else float(x) for x in riwayat["skor_total"].tolist()]
    zona = riwayat["zona"].tolist()
    perubahan = riwayat["jumlah_perubahan"].tolist() if "jumlah_perubahan" in riwayat else [0] * len(zona)
    tindak = riwayat["tindak_lanjut"].tolist() if "tindak_lanjut" in riwayat else [""] * len(zona)
    tabel = _tabel({
        "minggu_iso": [m.isoformat() for m in minggu], "minggu_teks": [fmt.tanggal(m) for m in minggu],
        "skor": skor, "tinggi": [-3.0 if x is None else x for x in skor],
        "zona": [_label_zona(z) for z in zona], "skor_teks": fmt.angka_kolom(skor, 1),
        # the tooltip shows one line per change: vega-tooltip keeps no line breaks inside a value
        "tindak_lanjut": [str(t).replace("\n", " · ") for t in tindak], "berubah": [int(n) for n in perubahan],
    })
    ada = [z for z in SEMUA_ZONA if z in set(zona)]
    nama_zona = [_label_zona(z) for z in ada]  # the legend's order and the scales' domain
    sumbu_skor = {"type": "quantitative", "scale": {"domain": [-5, 105]}, "title": "Skor total"}
    lapisan = [
        # a silent week has no score: the line breaks there instead of falling to zero
        {"mark": {"type": "line", "color": "#78909c", "strokeWidth": 2, "invalid": "break-paths-show-domains"},
         "encoding": {"y": {**sumbu_skor, "field": "skor"}}},
        {"mark": {"type": "point", "filled": True, "size": 160, "opacity": 1, "stroke": "white", "strokeWidth": 1,
                  "tooltip": True},
         "encoding": {"y": {**sumbu_skor, "field": "tinggi"},
                      # the legend's symbols without the marks' white outline, which hid the thin cross
                      "color": {"field": "zona", "type": "nominal", "title": None, "sort": nama_zona,
                                "scale": {"domain": nama_zona, "range": [WARNA_ZONA[z] for z in ada]},
                                "legend": {"symbolStrokeWidth": 0, "symbolSize": 140}},
                      # by zone as the colour, so the one legend shows the silent week's cross too
                      "shape": {"field": "zona", "type": "nominal", "title": None, "sort": nama_zona,
                                "scale": {"domain": nama_zona,
                                          "range": ["cross" if z == "tidak_melapor" else "circle" for z in ada]}},
                      "tooltip": [{"field": "minggu_teks", "title": "Minggu"}, {"field": "zona", "title": "Zona"},
                                  {"field": "skor_teks", "title": "Skor total"}]}},
    ]
    if any(perubahan):
        lapisan.append(
            {"transform": [{"filter": "datum.berubah > 0"}, {"calculate": "102", "as": "atas"}],
             "mark": {"type": "point", "shape": "triangle-down", "filled": True, "size": 180, "opacity": 1,
                      "color": WARNA_TINDAKAN, "tooltip": True},
             "encoding": {"y": {**sumbu_skor, "field": "atas"},
                          "tooltip": [{"field": "minggu_teks", "title": "Minggu"},
                                      {"field": "tindak_lanjut", "title": "Tindak lanjut"}]}})
    return _spek(judul, tabel, height=300, layer=lapisan, encoding={"x": _sumbu_minggu(minggu)})


def peta_panas_tingkat_lapor(tingkat: pd.DataFrame, judul: str | None = None) -> dict:
    """Reporting rate per province (rows, A to Z) per week (columns), red where few report, kuning at
    80 %, hijau at 100 %; each cell says its rate. `tingkat` is queries.tingkat_lapor_provinsi's frame."""
    minggu = [pd.Timestamp(m).date() for m in tingkat["minggu"].tolist()]
    persen = [None if pd.isna(x) else float(x) for x in tingkat["tingkat_lapor"].tolist()]
    tabel = _tabel({
        "provinsi": tingkat["nama"].tolist(), "minggu_iso": [m.isoformat() for m in minggu],
        "minggu_teks": [fmt.tanggal(m) for m in minggu], "tingkat": persen,
        "tingkat_sel": fmt.angka_kolom(persen), "tingkat_teks": [fmt.persen(x) for x in persen],
        "lapor_teks": [f"{fmt.angka(a)} dari {fmt.angka(b)}"
                       for a, b in zip(tingkat["melapor"].tolist(), tingkat["diharapkan"].tolist())],
    })
    posisi = {"y": {"field": "provinsi", "type": "nominal", "sort": "ascending", "title": None},
              # one column per week, labelled as a date (UTC: a week is a calendar date)
              "x": {"field": "minggu_iso", "type": "ordinal", "timeUnit": "utcyearmonthdate", "title": None,
                    "axis": {"format": "%-d %b", "labelAngle": -45}}}
    return _spek(judul, tabel, height={"step": 22}, encoding=posisi, layer=[
        {"mark": {"type": "rect", "tooltip": True},
         "encoding": {"color": {"field": "tingkat", "type": "quantitative", "title": "% melapor",
                                "scale": {"domain": [0, 80, 100],
                                          "range": [WARNA_ZONA["merah"], WARNA_ZONA["kuning"], WARNA_ZONA["hijau"]]}},
                      "tooltip": [{"field": "provinsi", "title": "Provinsi"}, {"field": "minggu_teks", "title": "Minggu"},
                                  {"field": "tingkat_teks", "title": "Melapor"},
                                  {"field": "lapor_teks", "title": "Desa/kelurahan"}]}},
        # white on the dark ends of the scale (green near 100 %, red near 0), black on the light middle
        {"mark": {"type": "text", "fontSize": 10},
         "encoding": {"text": {"field": "tingkat_sel"},
                      "color": {"condition": {"test": "datum.tingkat >= 90 || datum.tingkat < 40", "value": "white"},
                                "value": "black"}}},
    ])


def matriks_bagaimana_jika(matriks: pd.DataFrame, judul: str | None = None) -> dict:
    """Current zone (rows) × candidate zone (columns), the moves highlighted."""
    panjang = matriks.stack().rename("jumlah").reset_index()
    panjang.columns = ["zona_lalu", "zona_kini", "jumlah"]
    return matriks_transisi(panjang, judul, akhiran_baris=" (sekarang)")
