"""What the views' tables show, as plain pandas: frames in, frames out, no Streamlit.

Each helper takes what a query returned and gives the frame people read (labels in Indonesian,
times in WIB, link columns); the views only hand the result to ``dasar.tabel_data``. They never
change the frame they are given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from html import escape

import pandas as pd

from kdkmp import akses, kontrak, rules
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.kosakata import LABEL_ZONA, SEMUA_ZONA, WARNA_ZONA
from kdkmp.ui.tautan import tautan_wilayah

# the share-of-merah bar behind a ranking cell: the zone colour at a quarter opacity
_WARNA_MERAH_MUDA = WARNA_ZONA["merah"] + "40"
STATUS_BATCH = {"aktif": "Aktif", "diganti": "Diganti", "ditarik": "Ditarik"}
# the level below each level, None being national
TINGKAT_ANAK = {None: "provinsi", "provinsi": "kabupaten", "kabupaten": "kecamatan", "kecamatan": "desa"}


# ---------------------------------------------------------------- numbers in a grid, the Indonesian way
#
# st.dataframe's "localized" follows the browser's language (navigator.languages), and a projector
# laptop is often set to English: "6,364" and "66.7". So a grid's number column is shown one of three
# ways, whatever the browser (bentuk_angka):
# - a whole number: a printf pattern the grid applies itself, so it stays a number and sorts as one at
#   any length. Streamlit's sprintf groups thousands with the character after "'" ("%'.,d": 6.364);
#   the character is Babel's, as in kdkmp.format. printf has no decimal comma, hence the two below.
# - a fraction or a percentage in a short table: its text from kdkmp.format, handed to the grid as a
#   pandas Styler's display value, which the grid shows in a number column without a format of its
#   own; the cell keeps its number, so it still sorts by number.
# - a fraction or a percentage in a long grid: the browser's format. A Styler costs ≈ 12 µs a cell and
#   ≈ 1 ms a column on every run (measured, pandas 3: 40 × 11 cells ≈ 18 ms, 514 × 7 ≈ 60 ms), too
#   much for a national list of thousands of rows.
POLA_BULAT = f"%'{fmt.LOKAL.number_symbols['latn']['group']},d"
PERAMBAN = "localized"
# ≈ 100 rows of a summary table; a meeting's or a status page's tables are well below it
BATAS_SEL_TEKS = 2500


def teks_persen(nilai) -> str:
    return fmt.persen(nilai)


def teks_pecahan(nilai) -> str:
    return fmt.angka(nilai, 2, ringkas=True)


def _bulat(kolom: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(kolom):
        return True
    isi = kolom.dropna()
    return bool((isi == isi.round()).all())


def bentuk_angka(df: pd.DataFrame, judul: Mapping[str, str] | None = None,
                 kolom: list[str] | None = None) -> dict[str, str | Callable]:
    """How each number column of `df` (or of `kolom`) is shown, whatever the browser's language:
    POLA_BULAT for whole numbers (6.364), teks_persen (39,3 %) or teks_pecahan (42,5) as a Styler's
    display value in a table of at most BATAS_SEL_TEKS cells, PERAMBAN beyond. A column whose header
    (`judul`, else its name) has '%' is a share in percent points. Booleans are not numbers here."""
    judul = judul or {}
    pendek = df.size <= BATAS_SEL_TEKS and df.index.is_unique and df.columns.is_unique
    hasil: dict[str, str | Callable] = {}
    for k in df.columns if kolom is None else kolom:
        nilai = df[k]
        if not pd.api.types.is_numeric_dtype(nilai) or pd.api.types.is_bool_dtype(nilai):
            continue
        persen = "%" in str(judul.get(k) or k)
        if not persen and _bulat(nilai):
            hasil[k] = POLA_BULAT
        elif pendek:
            hasil[k] = teks_persen if persen else teks_pecahan
        else:
            hasil[k] = PERAMBAN
    return hasil


def label_wilayah(kode) -> str:
    """'Nusa Tenggara Barat (52)'; no code = 'Nasional'; an unknown code as it is."""
    if not isinstance(kode, str) or not kode:
        return "Nasional"
    try:
        return f"{ref.nama(kode)} ({kode})"
    except ref.KodeTidakDikenal:
        return kode


def tabel_akun(akun: pd.DataFrame) -> pd.DataFrame:
    """The accounts as people read them: role label, area name, times in WIB."""
    from kdkmp import catatan

    return akun.assign(
        peran=akun["peran"].map(lambda p: akses.PERAN[p].label if p in akses.PERAN else p),
        wilayah=akun["wilayah"].map(label_wilayah),
        aktif=akun["aktif"].map({True: "aktif", False: "nonaktif"}),
        ada_sandi=akun["ada_sandi"].map({True: "ada", False: "–"}),
        dibuat_pada=akun["dibuat_pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
        diubah_pada=akun["diubah_pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
    ).rename(columns={"nama_pengguna": "Nama pengguna", "peran": "Peran", "wilayah": "Wilayah", "aktif": "Status",
                      "ada_sandi": "Sandi nginx", "dibuat_pada": "Dibuat (WIB)", "dibuat_oleh": "Dibuat oleh",
                      "diubah_pada": "Diubah (WIB)", "diubah_oleh": "Diubah oleh"})


def _rincian(teks) -> str:
    try:
        isi = json.loads(teks)
    except (TypeError, ValueError):
        return "" if not isinstance(teks, str) else teks
    return " · ".join(f"{k}: {v}" for k, v in isi.items()) if isinstance(isi, dict) else str(isi)


def tabel_jejak(jejak: pd.DataFrame) -> pd.DataFrame:
    """The audit trail as people read it (also what its CSV download holds)."""
    from kdkmp import catatan

    return jejak.assign(
        pada=jejak["pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
        peristiwa=jejak["peristiwa"].map(lambda p: catatan.PERISTIWA.get(p, p)),
        wilayah=jejak["wilayah"].map(label_wilayah),
        rincian=jejak["rincian"].map(_rincian),
    ).rename(columns={"id": "No", "pada": "Waktu (WIB)", "oleh": "Oleh", "peristiwa": "Peristiwa",
                      "wilayah": "Wilayah", "rincian": "Rincian"})


def sebagai_tanggal(nilai) -> date | None:
    """A date from a frame cell (Timestamp / date / NaT)."""
    # NaT is an instance of date too: an empty laporan_terakhir must read as no date
    if nilai is None or pd.isna(nilai):
        return None
    return nilai.date() if hasattr(nilai, "date") and callable(nilai.date) else nilai


def atau_strip(nilai, ubah=str) -> str:
    """A cell as text, '–' when missing."""
    return "–" if nilai is None or pd.isna(nilai) else ubah(nilai)


def tabel_indikator(laporan: dict) -> pd.DataFrame:
    """The contract columns of one report as label / value rows, in Indonesian."""
    baris = []
    for k in kontrak.KOLOM:
        if k.nama in ("kode_koperasi", "nama_koperasi"):
            continue
        nilai = laporan.get(k.nama)
        if nilai is None or (not isinstance(nilai, (str, bool)) and pd.isna(nilai)):
            teks = "tidak dilaporkan"
        elif k.jenis == "bool":
            teks = "ya" if nilai else "tidak"
        elif k.jenis == "enum":
            teks = kontrak.LABEL_NILAI[k.nama].get(nilai, nilai)
        elif k.jenis == "date":
            teks = fmt.tanggal(sebagai_tanggal(nilai))
        elif k.jenis in ("int", "float"):
            teks = (("Rp " if k.nama == "omzet_bulanan" else "")
                    + fmt.angka(nilai, 0 if k.jenis == "int" else (4 if k.nama in ("latitude", "longitude") else 1))
                    + (" %" if k.persen else ""))
        else:
            teks = str(nilai)
        baris.append({"Indikator": k.keterangan[0].upper() + k.keterangan[1:], "Nilai": teks})
    return pd.DataFrame(baris)


def koperasi_bertautan(df: pd.DataFrame) -> pd.DataFrame:
    """A list of koperasi with labels (export.untuk_orang) and a link column to each one's page."""
    from kdkmp import export

    return export.untuk_orang(df).assign(tautan=[f"koperasi?kode={k}" for k in df["kode_koperasi"]])


def tabel_merah_lalu(daftar: pd.DataFrame) -> pd.DataFrame:
    """Last week's merah list (rapat.nasib_merah_lalu) for people, in its order, with a link
    column (`tautan`) to each koperasi's page."""
    return pd.DataFrame({
        "tautan": [f"koperasi?kode={k}" for k in daftar["kode_koperasi"]],
        "Koperasi": daftar["nama_koperasi"], "Desa/kelurahan": daftar["desa"], "Kabupaten/kota": daftar["kabupaten"],
        "Sekarang": daftar["status"], "Minggu merah": daftar["minggu_merah"],
        "Alasan utama": daftar["alasan_utama"], "Langkah berikut": daftar["langkah_berikut"]})


def peringkat_anak(anak: pd.DataFrame) -> pd.DataFrame:
    """The child areas worst first (share of merah, then count) with a link column to each view."""
    return anak.sort_values(["persen_merah", "merah"], ascending=False, na_position="last").assign(
        tautan=lambda d: [tautan_wilayah(k) for k in d["kode"]])


def peringkat_html(anak: pd.DataFrame, label_anak: str) -> str:
    """The ranking (peringkat_anak) as a plain HTML table, each code a link to the area's view.
    A ranking is short (38 provinces at most above desa level) and a static table draws at once,
    where st.dataframe makes the browser load ≈ 1.2 MB of grid code before the first KPI shows
    (bench/bench_peramban.py)."""
    data = peringkat_anak(anak)
    kepala = ["Kode", label_anak, "Koperasi", *(LABEL_ZONA[z] for z in SEMUA_ZONA), "% merah", "% melapor"]
    angka = {k: fmt.angka_kolom(data[k]) for k in ("jumlah", *SEMUA_ZONA)}
    baris = []
    for i, (kode, nama, tautan, merah, lapor) in enumerate(zip(
            data["kode"], data["nama"], data["tautan"], data["persen_merah"], data["tingkat_lapor"])):
        lebar = 0 if merah != merah else max(0.0, min(100.0, float(merah)))
        sel = [f'<td><a href="{escape(tautan)}" target="_self">{escape(kode)}</a></td>', f"<td>{escape(nama)}</td>",
               *(f'<td style="text-align:right">{angka[k][i]}</td>' for k in ("jumlah", *SEMUA_ZONA)),
               f'<td style="text-align:right;min-width:7em;background:linear-gradient(90deg,{_WARNA_MERAH_MUDA} '
               f'{lebar:.1f}%,transparent {lebar:.1f}%)">{fmt.persen(merah)}</td>',
               f'<td style="text-align:right">{fmt.persen(lapor)}</td>']
        baris.append(f"<tr>{''.join(sel)}</tr>")
    judul = "".join(f"<th>{escape(k)}</th>" for k in kepala)
    return (f'<table style="width:100%;font-size:0.9rem"><thead><tr>{judul}</tr></thead>'
            f"<tbody>{''.join(baris)}</tbody></table>")


def tabel_anak_rapat(anak) -> pd.DataFrame:
    """The meeting's child areas (rapat.DataRapat.anak, those with koperasi scored), worst first."""
    tabel = pd.DataFrame([{"Wilayah": a.nama, "Dinilai": a.dinilai, "Merah": a.merah,
                           "% merah": round(a.persen_merah, 1), "Merah minggu lalu": a.merah_lalu,
                           "Perubahan": None if a.merah_lalu is None else a.merah - a.merah_lalu}
                          for a in anak if a.dinilai])
    return tabel.sort_values(["% merah", "Merah"], ascending=False) if len(tabel) else tabel


def riwayat_berlabel(riwayat: pd.DataFrame) -> pd.DataFrame:
    """The load history with its statuses in words (aktif → Aktif …)."""
    return riwayat.assign(status=riwayat["status"].map(STATUS_BATCH).fillna(riwayat["status"]))


def tabel_indikator_pilar(pilar) -> pd.DataFrame:
    """One pillar's indicators of the running rules: condition, points, when it applies."""
    return pd.DataFrame([{
        "Indikator": i.id, "Syarat": rules.uraikan_syarat(i), "Poin": i.poin,
        "Berlaku jika": " dan ".join(rules.uraikan_syarat(b) for b in i.berlaku_jika) or "selalu"}
        for i in pilar.indikator])


def tabel_gerbang(model) -> pd.DataFrame:
    """The gates of the running rules, with their conditions in words."""
    return pd.DataFrame([{
        "Gerbang": g.id, "Alasan": g.teks, "Zona": g.zona, "Keparahan": g.keparahan,
        "Jika": " dan ".join(rules.uraikan_syarat(s) for s in g.syarat)} for g in model.gerbang])


def per_provinsi_bagaimana_jika(per_provinsi: pd.DataFrame) -> pd.DataFrame:
    """Per province: koperasi, how many change, improve, worsen — with names, most changes first."""
    nama = ref.tabel().set_index("kode")["nama"]
    df = per_provinsi.assign(provinsi=per_provinsi["kode_provinsi"].map(nama))
    return (df[["kode_provinsi", "provinsi", "n", "berubah", "membaik", "memburuk"]]
            .rename(columns={"kode_provinsi": "Kode", "provinsi": "Provinsi", "n": "Koperasi", "berubah": "Berpindah",
                             "membaik": "Membaik", "memburuk": "Memburuk"})
            .sort_values("Berpindah", ascending=False))


# ---------------------------------------------------------------- tindak lanjut (issue 13)

def tabel_tindakan(tindakan: pd.DataFrame) -> pd.DataFrame:
    """A koperasi's actions (tindaklanjut.tindakan_koperasi()['tindakan']) as people read them,
    newest first; 'Terlambat' is 'ya' for an overdue action (the view highlights those rows)."""
    return pd.DataFrame({
        "No": tindakan["id"].astype("int64"),
        "Tindakan": tindakan["label_jenis"],
        "Status": tindakan["label_status"],
        "PIC": tindakan["pic_nama"],
        "Kantor PIC": tindakan["pic_kantor"],
        "Mulai": tindakan["mulai"].dt.date,
        "Target": tindakan["target"].dt.date,
        "Terlambat": tindakan["terlambat"].map(lambda v: "ya" if v else "").astype("str"),
        "Catatan": tindakan["catatan"],
        "Terakhir diubah": [f"{fmt.waktu(p)} oleh {o}" for p, o in zip(tindakan["diubah_pada"], tindakan["diubah_oleh"])],
        "Versi": tindakan["versi"].astype("int64"),
    })


def tabel_riwayat_tindakan(riwayat: pd.DataFrame, label_jenis) -> pd.DataFrame:
    """Every saved version of a koperasi's actions (tindakan_koperasi()['riwayat']), newest first:
    when (WIB), who, which action, the version and what changed."""
    from kdkmp import catatan

    urut = riwayat.iloc[::-1]
    return pd.DataFrame({
        "Waktu (WIB)": urut["pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None).dt.floor("s"),
        "Oleh": urut["oleh"],
        "Tindak lanjut": [f"No {i} · {label_jenis(j)}" for i, j in zip(urut["tindakan_id"], urut["jenis"])],
        "Versi": urut["versi"].astype("int64"),
        "Perubahan": urut["ringkasan"],
    }).reset_index(drop=True)


def tabel_pratinjau_diterima(diterima: pd.DataFrame) -> pd.DataFrame:
    """An import preview's accepted rows: the file's line, the koperasi, new or changed, what changes."""
    return diterima.assign(aksi=diterima["aksi"].map({"baru": "catat baru", "ubah": "ubah"}).astype("str")).rename(
        columns={"baris": "Baris", "kode_koperasi": "Kode koperasi", "aksi": "Aksi", "tindakan_id": "ID tindakan",
                 "perubahan": "Perubahan"})


def tabel_pratinjau_ditolak(ditolak: pd.DataFrame) -> pd.DataFrame:
    """An import preview's rejected rows, reason first, then the row as it was read (also the
    rejects download, to fix and upload again)."""
    return ditolak.rename(columns={"baris": "Baris", "kode_koperasi": "Kode koperasi", "alasan": "Alasan"})
