"""Ringkasan rapat sekali klik (issue 12): one area's weekly meeting as a PPTX with native,
editable charts and tables, or as a PDF, in Indonesian, with the stamp. Plain functions returning
bytes (no Streamlit): the page wraps them in a download button, the CLI writes them to a file.

Decisions, each in one line:
- One gathering (`kumpulkan`) feeds both formats, and both render the same rows (`tabel_*`), so
  the PPTX and the PDF say the same thing; every number comes from the queries the page and
  `summary --json` read (hitung_zona, hitung_pergerakan through rapat.susun), never recounted here.
- Zone shares are of every koperasi known in the area (as the page's cards); the headline's share
  of merah is of those zoned this week (as rapat.kalimat_utama says).
- The children table lists the children with a zone this week, worst share of merah first (as the
  meeting page); the chart has every child with a koperasi, so its bars add up to the zone counts.
- The intervention list shows the first 15 merah koperasi in the list's priority order, says how
  many there are in all and where the full list is (the Intervensi page, `export`).
- What keeps merah (rapat.pareto, the top reasons) names per reason the child area where it is most
  frequent rather than one column per child: 38 provinces do not fit a slide.
- Bottlenecks per child area (rapat.tabel_kendala) end with a "Jumlah" row over every reporting
  koperasi: the same numbers as summary --json's kendala_utama.
- Last week's merah list shows its first BARIS_MERAH_LALU in the meeting's order (rapat), the fate
  of all of them in one sentence, and says how many there are; the full list is the meeting page's.
- A section without rows says so in its title ("tidak ada …"); only a desa, which has no children,
  leaves the children's sections out.
- Times are WIB (fmt.waktu); "dibuat oleh" is whoever asked (the signed-in user, or --oleh).
- PPTX: 16:9, real title placeholders moved to the wide slide, the stamp on every slide's foot,
  movement definitions in the notes. A long table continues on the next slide, never shrinks.
- PDF: A4 landscape; matplotlib's bundled DejaVu Sans (always there with the pip package, unlike
  a Debian font; fpdf2's core fonts are latin-1 only and lack "≥", "–", "·", "−"); the chart is a
  matplotlib PNG drawn without pyplot (no global state, safe in Streamlit's threads).
- A brief that cannot be made (unknown area, nothing loaded, week not loaded, no koperasi in the
  area) is BriefDitolak with one sentence, raised before anything is built; the scope (`cakupan`)
  goes to every query, and a request outside it stays akses.AksesDitolak.
- Other documents (the monthly report, kdkmp.laporan) are a `Dokumen`: a title page and sections of
  paragraphs and tables, rendered by `pptx_dokumen` / `pdf_dokumen` with the same slide, table,
  font and footer helpers as the weekly brief, so both look and read alike.
- `tulis_atomik`: a temp file in the same folder, then os.replace: a failure never leaves a
  partial or empty file where the brief was asked.
"""

from __future__ import annotations

import io
import os
import secrets
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from kdkmp import format as fmt
from kdkmp import kosakata, queries, rapat, rules
from kdkmp import wilayah as ref

BARIS_DAFTAR = 15          # intervention list rows in the brief
BARIS_ANAK_PER_SLIDE = 14  # a longer children table continues on the next slide
BARIS_DAFTAR_PER_SLIDE = 8  # reasons wrap to two lines
BARIS_MERAH_LALU = 8       # last week's merah list rows in the brief: one slide
JUDUL_APLIKASI = "Dasbor Zonasi KDKMP"


class BriefDitolak(Exception):
    """A brief that cannot be made; str(e) is one Indonesian sentence for the user."""


@dataclass(frozen=True)
class IsiBrief:
    """Everything a brief says, gathered once for both formats."""
    kode: str | None
    rapat: rapat.DataRapat
    kalimat: list[str]
    jumlah: dict                 # queries.hitung_zona
    cap: dict                    # queries.cap_data
    anak_zona: pd.DataFrame      # queries.zona_per_anak, children with a koperasi, worst first
    daftar: pd.DataFrame         # the first BARIS_DAFTAR of the merah list
    jumlah_daftar: int           # koperasi on the whole merah list
    definisi_pergerakan: dict[str, tuple[str, str]]  # rapat.definisi_pergerakan: kembali merah too
    oleh: str
    dibuat_pada: datetime

    @property
    def nama(self) -> str:
        return nama_wilayah(self.kode)

    @property
    def judul(self) -> str:
        return f"Rapat mingguan · {self.nama}"

    @property
    def dengan_kabupaten(self) -> bool:
        """The list names the kabupaten/kota when the area holds several."""
        return self.kode is None or ref.tingkat(self.kode) == "provinsi"


def nama_wilayah(kode: str | None) -> str:
    """The area as a heading names it (wilayah.Wilayah.judul), or 'Nasional'."""
    return "Nasional" if kode is None else ref.cari(kode).judul


def kumpulkan(con: duckdb.DuckDBPyConnection, minggu: date | None, wilayah: str | None, *, oleh: str,
              cakupan: str | None = None, pada: datetime | None = None) -> IsiBrief:
    """The brief's content for an area and week, read through the scoped queries; BriefDitolak
    when the week is not loaded or the area has no koperasi."""
    try:
        kode = ref.cari(wilayah).kode if wilayah else None
    except ref.KodeTidakDikenal as e:
        raise BriefDitolak(str(e)) from None
    try:
        dimuat = queries.daftar_minggu(con)
    except duckdb.CatalogException:  # a database file nothing was ever loaded into
        dimuat = []
    if not dimuat:
        raise BriefDitolak("Belum ada data mingguan yang dimuat; ringkasan rapat tidak dibuat.")
    minggu = minggu or dimuat[0]
    if minggu not in dimuat:
        raise BriefDitolak(f"Minggu {minggu.isoformat()} belum dimuat; ringkasan rapat tidak dibuat.")
    jumlah = queries.hitung_zona(con, minggu, kode, cakupan=cakupan)
    if jumlah["jumlah"] == 0:
        raise BriefDitolak(f"{nama_wilayah(kode) if kode else 'Indonesia'} belum punya koperasi yang melapor sampai minggu {fmt.tanggal(minggu)}; "
                           "ringkasan rapat tidak dibuat.")
    data = rapat.susun(con, minggu, kode, cakupan=cakupan)
    anak_zona = pd.DataFrame()
    if kode is None or ref.tingkat(kode) != "desa":
        anak_zona = queries.zona_per_anak(con, minggu, kode, cakupan=cakupan)
        anak_zona = (anak_zona[anak_zona["jumlah"] > 0]
                     .sort_values(["persen_merah", "merah"], ascending=False, na_position="last")
                     .reset_index(drop=True))
    daftar = queries.daftar_intervensi(con, minggu, kode, (("zona", "merah"),), cakupan=cakupan)
    return IsiBrief(
        kode=kode, rapat=data, kalimat=rapat.kalimat_utama(data), jumlah=jumlah, cap=queries.cap_data(con, minggu),
        anak_zona=anak_zona, daftar=daftar.head(BARIS_DAFTAR).reset_index(drop=True), jumlah_daftar=len(daftar),
        definisi_pergerakan=rapat.definisi_pergerakan(rules.muat_aturan()), oleh=oleh,
        dibuat_pada=pada or datetime.now(fmt.WIB))


# ---------------------------------------------------------------- the rows both formats render

def baris_cap(isi: IsiBrief) -> list[str]:
    """The stamp: data week, rules version, the load, reporting, when and by whom."""
    c, j = isi.cap, isi.jumlah
    baris = [f"Minggu data: {fmt.tanggal(isi.rapat.minggu)}",
             f"Versi aturan: {c['versi_aturan'] or '–'}"]
    if c["batch_id"] is not None:
        baris.append(f"Data: {fmt.dimuat(c)}")
    lapor = (f"Melapor: {fmt.angka(j['melapor'])} dari {fmt.angka(j['jumlah_desa'])} desa/kelurahan "
             f"({fmt.rasio_persen(j['melapor'], j['jumlah_desa'])})")
    if j["tanpa_laporan_dizonakan"]:
        lapor += (f"; {fmt.angka(j['tanpa_laporan_dizonakan'])} koperasi tanpa laporan tetap diberi zona "
                  "oleh gerbang laporan terlambat")
    baris.append(lapor)
    baris.append(f"Dibuat: {fmt.waktu(isi.dibuat_pada)} oleh {isi.oleh}")
    return baris


def kaki(isi: IsiBrief) -> str:
    """The stamp in one line, at the foot of every slide and page."""
    return (f"KDKMP · {isi.nama} · data minggu {fmt.tanggal(isi.rapat.minggu)} · aturan versi "
            f"{isi.cap['versi_aturan'] or '–'} · dibuat {fmt.waktu(isi.dibuat_pada)} oleh {isi.oleh}")


def tabel_zona(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """Zone counts with their share of every koperasi and the change since last week."""
    kini, lalu, total = isi.jumlah["zona"], isi.jumlah["zona_lalu"], isi.jumlah["jumlah"]
    from kdkmp.kosakata import LABEL_ZONA

    baris = [[LABEL_ZONA[z], fmt.angka(kini[z]), fmt.rasio_persen(kini[z], total),
              "–" if lalu is None else fmt.selisih(kini[z] - lalu[z])] for z in kosakata.SEMUA_ZONA]
    baris.append(["Jumlah koperasi", fmt.angka(total), fmt.rasio_persen(total, total),
                  "–" if lalu is None else fmt.selisih(total - sum(lalu.values()))])
    return ["Zona", "Koperasi", "% dari semua", "Sejak minggu lalu"], baris


def tabel_pergerakan(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """The movement counts of the meeting (baru merah, kembali merah, pulih, merah kronis)."""
    gerak = isi.rapat.pergerakan
    return ["Pergerakan minggu ini", "Koperasi"], [
        [judul, fmt.angka(gerak[jenis])] for jenis, (judul, _) in isi.definisi_pergerakan.items()]


def teks_definisi(definisi: dict[str, tuple[str, str]]) -> str:
    """Movement definitions ({jenis: (judul, definisi)}) as one paragraph: "Baru merah: … . Pulih:
    …". Each definition is a sentence with its own full stop, so they follow one another with a
    space (a "; " between them printed ".;")."""
    return " ".join(f"{judul}: {d.rstrip()}" + ("" if d.rstrip().endswith(".") else ".")
                    for judul, d in definisi.values())


def tabel_anak(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """The children with a zone this week, worst share of merah first (as the meeting page)."""
    anak = sorted((a for a in isi.rapat.anak if a.dinilai), key=lambda a: (a.persen_merah, a.merah), reverse=True)
    kolom = [isi.rapat.tingkat_anak[0].upper() + isi.rapat.tingkat_anak[1:], "Dinilai", "Merah", "% merah",
             "Perubahan merah"]
    return kolom, [[a.nama, fmt.angka(a.dinilai), fmt.angka(a.merah), fmt.persen(a.persen_merah),
                    "–" if a.merah_lalu is None else fmt.selisih(a.merah - a.merah_lalu)] for a in anak]


def tabel_daftar(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """The head of the merah list: who, where, why, how long."""
    kolom = ["Kode koperasi", "Nama koperasi", "Desa/kelurahan"]
    if isi.dengan_kabupaten:
        kolom.append("Kabupaten/kota")
    kolom += ["Alasan utama", "Minggu di zona"]
    baris = []
    for r in isi.daftar.itertuples():
        b = [r.kode_koperasi, r.nama_koperasi, r.desa or "–"]
        if isi.dengan_kabupaten:
            b.append(r.kabupaten or "–")
        b += [r.alasan_utama or "–", fmt.angka(r.minggu_di_zona)]
        baris.append(b)
    return kolom, baris


def judul_daftar(isi: IsiBrief) -> str:
    if not isi.jumlah_daftar:
        return "Daftar intervensi: tidak ada koperasi merah minggu ini"
    if isi.jumlah_daftar <= BARIS_DAFTAR:
        return f"Daftar intervensi: {fmt.angka(isi.jumlah_daftar)} koperasi merah"
    return f"Daftar intervensi: {BARIS_DAFTAR} teratas dari {fmt.angka(isi.jumlah_daftar)} koperasi merah"


def catatan_daftar(isi: IsiBrief) -> str:
    wilayah = f" --wilayah {isi.kode}" if isi.kode else ""
    return (f"Urutan prioritas: gerbang dulu, lalu paling lama di zona, lalu skor terendah. Daftar lengkap "
            f"({fmt.angka(isi.jumlah_daftar)} koperasi, dengan yang dibutuhkan tiap koperasi) ada di halaman "
            f"Intervensi dan dapat diunduh sebagai CSV/XLSX, atau: python -m kdkmp export{wilayah} --zona merah "
            f"--week {isi.rapat.minggu.isoformat()} --out merah.csv")


def judul_anak(isi: IsiBrief) -> str:
    return f"Per {isi.rapat.tingkat_anak}, terberat di atas"


def tabel_alasan(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """What keeps the area's merah koperasi merah (rapat.pareto): the reason, how many, their share
    of merah, and the child area where it is most frequent."""
    alasan = isi.rapat.alasan
    anak = list(alasan.columns[3:]) if alasan is not None else []
    kolom = ["Alasan merah", "Koperasi merah", "% merah"] + ([f"Terbanyak di {isi.rapat.tingkat_anak}"] if anak else [])
    if alasan is None or alasan.empty:
        return kolom, []
    baris = []
    for _, r in alasan.iterrows():
        b = [str(r["Alasan"]), fmt.angka(int(r["Koperasi merah"])), fmt.persen(float(r["% merah"]))]
        if anak:
            per_anak = r[anak].astype(int)
            b.append(f"{per_anak.idxmax()} ({fmt.angka(int(per_anak.max()))})")  # first of a tie: the heavier child
        baris.append(b)
    return kolom, baris


def judul_alasan(isi: IsiBrief) -> str:
    if not isi.rapat.merah:
        return "Yang membuat merah: tidak ada koperasi merah minggu ini"
    return f"Yang membuat {fmt.angka(isi.rapat.merah)} koperasi merah"


def catatan_alasan(isi: IsiBrief) -> str:
    return ("Satu koperasi bisa punya beberapa alasan, jadi persentasenya bisa berjumlah lebih dari 100 %. "
            f"Alasan terbanyak dulu, paling banyak {rapat.BARIS_PARETO}.")


def tabel_kendala(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """Main bottleneck per child area (rapat.tabel_kendala), and the area's total last."""
    kendala = isi.rapat.kendala
    if kendala is None or kendala.empty:
        return ["Wilayah"], []
    angka = [k for k in kendala.columns if k not in ("Wilayah", "Kendala terbanyak")]
    kolom = ["Wilayah", *angka, "Kendala terbanyak"]
    baris = [[r["Wilayah"], *(fmt.angka(int(r[k])) for k in angka), _teks(r["Kendala terbanyak"])]
             for _, r in kendala.iterrows()]
    jumlah = kendala[angka].sum()
    hambatan = [k for k in angka if k not in ("Melapor", rapat.LABEL_KENDALA[rapat.KENDALA_TIDAK_ADA])]
    terbanyak = max(hambatan, key=lambda k: jumlah[k]) if hambatan and jumlah[hambatan].max() else "–"
    baris.append(["Jumlah", *(fmt.angka(int(jumlah[k])) for k in angka), terbanyak])
    return kolom, baris


def judul_kendala(isi: IsiBrief) -> str:
    judul = f"Kendala utama per {isi.rapat.tingkat_anak}"
    if isi.rapat.kendala is None or isi.rapat.kendala.empty:
        return f"{judul}: tidak ada laporan minggu ini"
    return judul


def catatan_kendala(isi: IsiBrief) -> str:
    return ("Kendala utama yang dilaporkan BA minggu ini, semua koperasi yang melapor (bukan hanya yang merah); "
            "yang paling banyak punya kendala di atas, kolom kendala urut dari yang terbanyak di seluruh wilayah.")


def _teks(nilai) -> str:
    return nilai if isinstance(nilai, str) and nilai else "–"


def tabel_merah_lalu(isi: IsiBrief) -> tuple[list[str], list[list[str]]]:
    """The head of last week's merah list: its fate now, who, where, how long merah, why still."""
    kolom = ["Status minggu ini", "Kode koperasi", "Nama koperasi", "Desa/kelurahan"]
    if isi.dengan_kabupaten:
        kolom.append("Kabupaten/kota")
    kolom += ["Minggu merah", "Alasan utama"]
    daftar = isi.rapat.daftar_merah_lalu
    baris = []
    for _, r in (daftar.head(BARIS_MERAH_LALU) if daftar is not None else pd.DataFrame()).iterrows():
        b = [r["status"], r["kode_koperasi"], _teks(r["nama_koperasi"]), _teks(r["desa"])]
        if isi.dengan_kabupaten:
            b.append(_teks(r["kabupaten"]))
        b += [fmt.angka(None if pd.isna(r["minggu_merah"]) else int(r["minggu_merah"])), _teks(r["alasan_utama"])]
        baris.append(b)
    return kolom, baris


def judul_merah_lalu(isi: IsiBrief) -> str:
    daftar = isi.rapat.daftar_merah_lalu
    if isi.rapat.merah_lalu is None:
        return "Merah minggu lalu: belum ada minggu sebelumnya yang dimuat"
    if daftar is None:
        return "Merah minggu lalu: daftar tidak tersedia untuk cakupan akun ini"
    if daftar.empty:
        return "Merah minggu lalu: tidak ada koperasi merah minggu lalu"
    if len(daftar) <= BARIS_MERAH_LALU:
        return f"Merah minggu lalu, minggu ini: {fmt.angka(len(daftar))} koperasi"
    return f"Merah minggu lalu, minggu ini: {BARIS_MERAH_LALU} teratas dari {fmt.angka(len(daftar))} koperasi"


def catatan_merah_lalu(isi: IsiBrief) -> str:
    daftar = isi.rapat.daftar_merah_lalu
    if daftar is None or daftar.empty:
        return ""
    return (f"{rapat.kalimat_nasib(daftar)} Yang masih merah dulu, yang paling lama merah di atas; daftar lengkap "
            "ada di halaman Rapat mingguan.")


def _irisan(baris: list, n: int) -> list[list]:
    return [baris[i:i + n] for i in range(0, len(baris), n)] or [[]]


def _warna_zona() -> dict[str, str]:
    from kdkmp.kosakata import WARNA_ZONA  # the one zone → colour map

    return WARNA_ZONA


# ---------------------------------------------------------------- PPTX

def buat_pptx(con: duckdb.DuckDBPyConnection, minggu: date | None, wilayah: str | None, *, oleh: str,
              cakupan: str | None = None, pada: datetime | None = None) -> bytes:
    """The brief as a PowerPoint file: native, editable tables and a chart."""
    return pptx_dari(kumpulkan(con, minggu, wilayah, oleh=oleh, cakupan=cakupan, pada=pada))


def _presentasi(judul: str, penulis: str, dibuat_pada: datetime, cap: list[str], ukuran, teks_kaki: str):
    """A 16:9 presentation in Indonesian with its title slide: the title, the stamp lines, the footer."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = judul
    prs.core_properties.author = penulis
    prs.core_properties.language = "id-ID"
    prs.core_properties.created = dibuat_pada.replace(tzinfo=None)
    s = prs.slides.add_slide(prs.slide_layouts[0])
    _letak(s.shapes.title, 0.6, 1.2, 12.1, 1.6)
    s.shapes.title.text = judul
    sub = s.placeholders[1]
    _letak(sub, 0.6, 3.1, 12.1, 3.4)
    _paragraf(sub.text_frame, cap, ukuran)
    _kaki(s, teks_kaki)
    return prs


def pptx_dari(isi: IsiBrief) -> bytes:
    from pptx.util import Inches, Pt

    # 1. title and stamp
    prs = _presentasi(isi.judul, isi.oleh, isi.dibuat_pada, baris_cap(isi), Pt(20), kaki(isi))
    prs.core_properties.last_modified_by = isi.oleh

    # 2. the headline
    s = _slide_judul(prs, "Pokok minggu ini")
    kotak = s.shapes.add_textbox(Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.4))
    kotak.text_frame.word_wrap = True
    _paragraf(kotak.text_frame, [f"• {k}" for k in isi.kalimat], Pt(22), spasi=Pt(14))
    _kaki(s, kaki(isi))

    # 3. zones, movement, zones per child
    s = _slide_judul(prs, "Zona dan pergerakan")
    kolom, baris = tabel_zona(isi)
    _tabel(s, kolom, baris, 0.5, 1.4, [2.1, 1.2, 1.3, 1.7], Pt(14), tebal_akhir=True)
    kolom, baris = tabel_pergerakan(isi)
    _tabel(s, kolom, baris, 0.5, 4.4, [3.3, 1.2], Pt(14))
    s.notes_slide.notes_text_frame.text = "\n".join(
        f"{judul}: {definisi}" for judul, definisi in isi.definisi_pergerakan.values())
    if not isi.anak_zona.empty:
        _grafik(s, isi, 7.0, 1.3, 5.9, 5.6)
    _kaki(s, kaki(isi))

    # 4. the children compared
    kolom, baris = tabel_anak(isi)
    if baris:
        for i, bagian in enumerate(_irisan(baris, BARIS_ANAK_PER_SLIDE)):
            s = _slide_judul(prs, f"Per {isi.rapat.tingkat_anak} (lanjutan)" if i else judul_anak(isi))
            _tabel(s, kolom, bagian, 0.6, 1.4, [5.6, 1.6, 1.6, 1.6, 1.7], Pt(14))
            _kaki(s, kaki(isi))

    # 5. what keeps merah, 6. what blocks them: a desa has no children to compare
    if isi.rapat.alasan is not None:
        kolom, baris = tabel_alasan(isi)
        s = _slide_judul(prs, judul_alasan(isi))
        if baris:
            _tabel(s, kolom, baris, 0.4, 1.3, [6.9, 1.6, 1.2, 2.8] if len(kolom) == 4 else [9.7, 1.6, 1.2], Pt(12))
            _catatan(s, catatan_alasan(isi))
        _kaki(s, kaki(isi))
    if isi.rapat.kendala is not None:
        kolom, baris = tabel_kendala(isi)
        lebar = [2.8, 1.1, *([1.15] * (len(kolom) - 4)), 1.1, 1.75]
        for i, bagian in enumerate(_irisan(baris, BARIS_ANAK_PER_SLIDE)):
            s = _slide_judul(prs, f"Kendala utama per {isi.rapat.tingkat_anak} (lanjutan)" if i else judul_kendala(isi))
            if bagian:
                _tabel(s, kolom, bagian, 0.4, 1.3, lebar, Pt(12), tebal_akhir=bagian[-1] is baris[-1])
                _catatan(s, catatan_kendala(isi))
            _kaki(s, kaki(isi))

    # 7. last week's merah, a week on
    kolom, baris = tabel_merah_lalu(isi)
    s = _slide_judul(prs, judul_merah_lalu(isi))
    if baris:
        lebar = [1.4, 1.8, 2.0, 1.3, 1.4, 0.8, 3.8] if isi.dengan_kabupaten else [1.4, 1.8, 2.3, 1.6, 0.8, 4.6]
        _tabel(s, kolom, baris, 0.4, 1.3, lebar, Pt(10))
        _catatan(s, catatan_merah_lalu(isi))
    _kaki(s, kaki(isi))

    # 8. the head of the intervention list
    kolom, baris = tabel_daftar(isi)
    lebar = ([1.9, 2.6, 1.6, 1.6, 3.6, 0.8] if isi.dengan_kabupaten else [1.9, 2.9, 1.9, 4.6, 0.8])
    for i, bagian in enumerate(_irisan(baris, BARIS_DAFTAR_PER_SLIDE)):
        s = _slide_judul(prs, "Daftar intervensi (lanjutan)" if i else judul_daftar(isi))
        if bagian:
            _tabel(s, kolom, bagian, 0.4, 1.3, lebar, Pt(10))
        _catatan(s, catatan_daftar(isi))
        _kaki(s, kaki(isi))

    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _letak(shape, x: float, y: float, lebar: float, tinggi: float) -> None:
    from pptx.util import Inches

    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(lebar), Inches(tinggi)


def _slide_judul(prs, judul: str):
    from pptx.util import Pt

    s = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    _letak(s.shapes.title, 0.4, 0.25, 12.5, 0.9)
    s.shapes.title.text = judul
    for p in s.shapes.title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(30)
    return s


def _paragraf(tf, baris: list[str], ukuran, spasi=None) -> None:
    tf.clear()
    for i, teks in enumerate(baris):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = teks
        p.font.size = ukuran
        if spasi is not None:
            p.space_after = spasi


def _catatan(slide, teks: str) -> None:
    """A note above the foot (what a table counts, where the rest is)."""
    from pptx.util import Inches, Pt

    kotak = slide.shapes.add_textbox(Inches(0.4), Inches(6.35), Inches(12.5), Inches(0.6))
    kotak.text_frame.word_wrap = True
    _paragraf(kotak.text_frame, [teks], Pt(11))


def _kaki(slide, teks: str) -> None:
    """The stamp in one line at the foot of a slide."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    kotak = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.35))
    kotak.text_frame.word_wrap = True
    _paragraf(kotak.text_frame, [teks], Pt(10))
    kotak.text_frame.paragraphs[0].font.color.rgb = RGBColor(0x60, 0x60, 0x60)


def _rata_kanan(teks: str) -> bool:
    """Numbers (1.234, 12,5 %, +3, −2, ±0, –) are right-aligned."""
    return bool(teks) and all(c.isdigit() or c in ".,%+−±– " for c in teks)


def _tabel(slide, kolom: list[str], baris: list[list[str]], x: float, y: float, lebar: list[float], ukuran,
           tebal_akhir: bool = False):
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    bentuk = slide.shapes.add_table(len(baris) + 1, len(kolom), Inches(x), Inches(y), Inches(sum(lebar)),
                                    Inches(0.4 * (len(baris) + 1)))
    tabel = bentuk.table
    for j, w in enumerate(lebar):
        tabel.columns[j].width = Inches(w)
    angka = [all(_rata_kanan(b[j]) for b in baris) if baris else False for j in range(len(kolom))]
    for i, isi_baris in enumerate([kolom, *baris]):
        for j, teks in enumerate(isi_baris):
            sel = tabel.cell(i, j)
            sel.text = teks
            for p in sel.text_frame.paragraphs:
                p.font.size = ukuran
                if angka[j]:
                    p.alignment = PP_ALIGN.RIGHT
                if tebal_akhir and i == len(baris):
                    p.font.bold = True
    return tabel


def _grafik(slide, isi: IsiBrief, x: float, y: float, lebar: float, tinggi: float) -> None:
    """Zones per child area as a native stacked bar chart (data editable in PowerPoint)."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    from kdkmp.kosakata import LABEL_ZONA

    anak = isi.anak_zona
    data = CategoryChartData(number_format="#,##0")
    data.categories = list(anak["nama"])
    for z in kosakata.SEMUA_ZONA:
        data.add_series(LABEL_ZONA[z], [int(v) for v in anak[z]])
    grafik = slide.shapes.add_chart(XL_CHART_TYPE.BAR_STACKED, Inches(x), Inches(y), Inches(lebar), Inches(tinggi),
                                    data).chart
    grafik.has_title = True
    grafik.chart_title.text_frame.text = f"Zona per {isi.rapat.tingkat_anak}"
    grafik.chart_title.text_frame.paragraphs[0].font.size = Pt(14)
    grafik.has_legend = True
    grafik.legend.position = XL_LEGEND_POSITION.BOTTOM
    grafik.legend.include_in_layout = False
    grafik.legend.font.size = Pt(11)
    grafik.category_axis.reverse_order = True  # the worst child on top, as in the table
    # ... and the value axis at the bottom: it crosses the category axis at its last category
    # (c:crosses of c:valAx; python-pptx offers `crosses` on the value axis only, for the other side)
    for silang in grafik.value_axis._element.xpath("c:crosses"):
        silang.set("val", "max")
    grafik.category_axis.tick_labels.font.size = Pt(11 if len(anak) <= 15 else 8 if len(anak) <= 30 else 7)
    _setiap_label(grafik.category_axis._element)
    grafik.value_axis.tick_labels.font.size = Pt(10)
    grafik.value_axis.tick_labels.number_format = "#,##0"  # thousands as the viewer's locale writes them
    grafik.value_axis.tick_labels.number_format_is_linked = False
    grafik.value_axis.has_major_gridlines = True
    grafik.plots[0].gap_width = 40
    warna = _warna_zona()
    for seri, z in zip(grafik.plots[0].series, kosakata.SEMUA_ZONA):
        seri.format.fill.solid()
        seri.format.fill.fore_color.rgb = RGBColor.from_string(warna[z].lstrip("#").upper())


def _setiap_label(sumbu) -> None:
    """Every category labelled (c:tickLblSkip 1): a viewer may otherwise skip every other name of
    38 provinces. python-pptx has no property for it; the element goes where the schema puts it."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    lewati = parse_xml(f'<c:tickLblSkip {nsdecls("c")} val="1"/>')
    for nama in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst"):
        sesudah = sumbu.find(f"{{{sumbu.nsmap['c']}}}{nama.split(':')[1]}")
        if sesudah is not None:
            sesudah.addprevious(lewati)
            return
    sumbu.append(lewati)


# ---------------------------------------------------------------- PDF

def buat_pdf(con: duckdb.DuckDBPyConnection, minggu: date | None, wilayah: str | None, *, oleh: str,
             cakupan: str | None = None, pada: datetime | None = None) -> bytes:
    """The brief as a PDF (A4 landscape), the chart as a static image."""
    return pdf_dari(kumpulkan(con, minggu, wilayah, oleh=oleh, cakupan=cakupan, pada=pada))


def jalur_huruf() -> dict[str, Path]:
    """matplotlib's bundled DejaVu Sans (regular, bold): Indonesian text and ≥ – · − render."""
    import matplotlib

    akar = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": akar / "DejaVuSans.ttf", "B": akar / "DejaVuSans-Bold.ttf"}


def _pdf_baru(judul: str, penulis: str, dibuat_pada: datetime, teks_kaki: str):
    """An A4 landscape FPDF with DejaVu Sans, the document's properties and the stamp as footer."""
    from fpdf import FPDF

    class _Pdf(FPDF):
        def footer(self):
            self.set_y(-11)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(96)
            self.cell(0, 5, f"{teks_kaki} · halaman {self.page_no()} dari {{nb}}", align="C")
            self.set_text_color(0)

    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=16)
    for gaya, jalur in jalur_huruf().items():
        pdf.add_font("DejaVu", gaya, str(jalur))
    pdf.set_title(judul)
    pdf.set_author(penulis)
    pdf.set_creator(JUDUL_APLIKASI)
    pdf.set_lang("id")
    pdf.set_creation_date(dibuat_pada)
    return pdf


def pdf_dari(isi: IsiBrief) -> bytes:
    from fpdf.fonts import FontFace

    pdf = _pdf_baru(isi.judul, isi.oleh, isi.dibuat_pada, kaki(isi))
    kepala = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))

    def judul(teks: str, ukuran: float = 18) -> None:
        pdf.set_font("DejaVu", "B", ukuran)
        pdf.multi_cell(0, ukuran * 0.5, teks, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 10)

    def tabel(kolom, baris, lebar, *, ukuran=10, tebal_akhir=False) -> None:
        pdf.set_font("DejaVu", "", ukuran)
        angka = [all(_rata_kanan(b[j]) for b in baris) if baris else False for j in range(len(kolom))]
        rata = tuple("RIGHT" if a else "LEFT" for a in angka)
        with pdf.table(col_widths=lebar, width=sum(lebar), align="LEFT", text_align=rata,
                       headings_style=kepala, line_height=ukuran * 0.5, first_row_as_headings=True) as t:
            for i, isi_baris in enumerate([kolom, *baris]):
                gaya = FontFace(emphasis="BOLD") if tebal_akhir and i == len(baris) else None
                r = t.row(style=gaya)
                for sel in isi_baris:
                    r.cell(sel)
        pdf.ln(4)

    # 1. title, stamp and headline
    pdf.add_page()
    judul(isi.judul, 22)
    pdf.set_font("DejaVu", "", 10.5)
    for b in baris_cap(isi):
        pdf.multi_cell(0, 5.5, b, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    judul("Pokok minggu ini", 16)
    pdf.set_font("DejaVu", "", 13)
    for k in isi.kalimat:
        pdf.multi_cell(0, 7, f"•  {k}", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    # 2. zones, movement, zones per child
    pdf.add_page()
    judul("Zona dan pergerakan")
    atas = pdf.get_y()
    if not isi.anak_zona.empty:
        pdf.image(io.BytesIO(_png_zona_per_anak(isi)), x=142, y=atas, w=143)
        pdf.set_y(atas)
    kolom, baris = tabel_zona(isi)
    tabel(kolom, baris, [38, 24, 30, 40], ukuran=11, tebal_akhir=True)
    kolom, baris = tabel_pergerakan(isi)
    tabel(kolom, baris, [60, 25], ukuran=11)
    pdf.set_font("DejaVu", "", 8)
    for judul_gerak, definisi in isi.definisi_pergerakan.values():
        pdf.multi_cell(125, 4, f"{judul_gerak}: {definisi}", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    # 3. the children compared
    kolom, baris = tabel_anak(isi)
    if baris:
        pdf.add_page()
        judul(judul_anak(isi))
        tabel(kolom, baris, [110, 30, 30, 30, 40], ukuran=10.5)

    def catatan(teks: str) -> None:
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 4.5, teks, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    # 4. what keeps merah and what blocks them: a desa has no children to compare
    if isi.rapat.alasan is not None:
        pdf.add_page()
        judul(judul_alasan(isi))
        kolom, baris = tabel_alasan(isi)
        if baris:
            tabel(kolom, baris, [150, 30, 22, 71] if len(kolom) == 4 else [221, 30, 22], ukuran=9.5)
            catatan(catatan_alasan(isi))
    if isi.rapat.kendala is not None:
        pdf.add_page()
        judul(judul_kendala(isi))
        kolom, baris = tabel_kendala(isi)
        if baris:
            tabel(kolom, baris, [62, 22, *([24] * (len(kolom) - 4)), 22, 40], ukuran=9.5, tebal_akhir=True)
            catatan(catatan_kendala(isi))

    # 5. last week's merah, a week on
    pdf.add_page()
    judul(judul_merah_lalu(isi))
    kolom, baris = tabel_merah_lalu(isi)
    if baris:
        tabel(kolom, baris, [30, 34, 44, 28, 28, 15, 94] if isi.dengan_kabupaten else [30, 34, 48, 32, 15, 114],
              ukuran=8.5)
        catatan(catatan_merah_lalu(isi))

    # 6. the head of the intervention list
    pdf.add_page()
    judul(judul_daftar(isi))
    kolom, baris = tabel_daftar(isi)
    if baris:
        lebar = [34, 50, 32, 32, 106, 19] if isi.dengan_kabupaten else [34, 56, 38, 126, 19]
        tabel(kolom, baris, lebar, ukuran=8.5)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 4.5, catatan_daftar(isi), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _png_zona_per_anak(isi: IsiBrief) -> bytes:
    """Zones per child area as a stacked bar chart (matplotlib, no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from kdkmp.kosakata import LABEL_ZONA

    anak = isi.anak_zona
    n = len(anak)
    fig = Figure(figsize=(7.2, min(7.4, max(4.8, 1.2 + 0.3 * n))), dpi=170, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    posisi = list(range(n))
    kiri = [0] * n
    warna = _warna_zona()
    for z in kosakata.SEMUA_ZONA:
        nilai = [int(v) for v in anak[z]]
        ax.barh(posisi, nilai, left=kiri, color=warna[z], label=LABEL_ZONA[z], height=0.72)
        kiri = [a + b for a, b in zip(kiri, nilai)]
    ax.set_yticks(posisi, list(anak["nama"]), fontsize=9 if n <= 15 else 7)
    ax.invert_yaxis()  # the worst child on top, as in the table
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.angka(v)))
    ax.tick_params(axis="x", labelsize=9)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for sisi in ("top", "right"):
        ax.spines[sisi].set_visible(False)
    ax.set_title(f"Zona per {isi.rapat.tingkat_anak}", fontsize=11, loc="left")
    ax.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.06 if n <= 15 else -0.03), frameon=False,
              fontsize=9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------- other documents (sections of text and tables)

@dataclass(frozen=True)
class Bagian:
    """One section: a title, paragraphs, then a table (columns, rows of text) and a note under it."""
    judul: str
    teks: tuple[str, ...] = ()
    tabel: tuple[list[str], list[list[str]]] | None = None
    lebar: tuple[float, ...] | None = None  # relative column widths (default: equal)
    catatan: str = ""
    tebal_akhir: bool = False  # the last row is a total


@dataclass(frozen=True)
class Dokumen:
    judul: str
    cap: tuple[str, ...]  # the title page's lines
    kaki: str             # the stamp on every slide's and page's foot
    penulis: str
    dibuat_pada: datetime
    bagian: tuple[Bagian, ...]


# A section's text box on a slide (12.1 × 5.5 in, 16 pt) holds ≈ 20 lines of ≈ 105 characters. A
# PMO's analysis may be one long paragraph, so the text is laid out by lines, not paragraphs (9
# paragraphs a slide let one long paragraph run off the slide); the budget is a little under the
# box, so that wide letters and the space after each paragraph never push text out.
KARAKTER_PER_BARIS = 95
BARIS_PER_SLIDE = 17
SPASI_PARAGRAF = 0.5  # the 8 pt after a paragraph, in lines of 16 pt text


def halaman_teks(paragraf: list[str], karakter: int = KARAKTER_PER_BARIS,
                 baris: int = BARIS_PER_SLIDE) -> list[list[str]]:
    """The paragraphs of a section slide by slide: whole paragraphs while they fit; a paragraph
    longer than the room left is cut between two lines and continues on the next slide."""
    halaman: list[list[str]] = []
    kini: list[str] = []
    terpakai = 0.0
    for p in paragraf:
        sisa = textwrap.wrap(p, karakter, break_on_hyphens=False) or [""]
        while sisa:
            ruang = int(baris - terpakai)
            # a new slide rather than a stub of one or two lines at the foot of this one
            if kini and (ruang < 1 or ruang < min(len(sisa), 3)):
                halaman.append(kini)
                kini, terpakai = [], 0.0
                continue
            ambil, sisa = sisa[:ruang], sisa[ruang:]
            kini.append(" ".join(ambil))
            terpakai += len(ambil) + SPASI_PARAGRAF
    if kini or not halaman:
        halaman.append(kini)
    return halaman


def _lebar(b: Bagian, total: float) -> list[float]:
    kolom = b.tabel[0]
    rel = list(b.lebar) if b.lebar else [1.0] * len(kolom)
    return [total * r / sum(rel) for r in rel]


def pptx_dokumen(dok: Dokumen) -> bytes:
    """A Dokumen as a PowerPoint file (16:9, native tables); a long table or text continues."""
    from pptx.util import Inches, Pt

    prs = _presentasi(dok.judul, dok.penulis, dok.dibuat_pada, list(dok.cap), Pt(18), dok.kaki)
    for b in dok.bagian:
        teks = halaman_teks(list(b.teks)) if b.teks else []
        tabel = _irisan(b.tabel[1], BARIS_ANAK_PER_SLIDE) if b.tabel else []
        for i, potong in enumerate(teks):
            s = _slide_judul(prs, f"{b.judul} (lanjutan)" if i else b.judul)
            kotak = s.shapes.add_textbox(Inches(0.6), Inches(1.3), Inches(12.1), Inches(5.5))
            kotak.text_frame.word_wrap = True
            _paragraf(kotak.text_frame, potong, Pt(16), spasi=Pt(8))
            _kaki(s, dok.kaki)
        for i, potong in enumerate(tabel):
            s = _slide_judul(prs, f"{b.judul} (lanjutan)" if i or teks else b.judul)
            if potong:
                _tabel(s, b.tabel[0], potong, 0.4, 1.3, _lebar(b, 12.5), Pt(12),
                       tebal_akhir=b.tebal_akhir and potong[-1] is b.tabel[1][-1])
            if b.catatan:
                _catatan(s, b.catatan)
            _kaki(s, dok.kaki)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def pdf_dokumen(dok: Dokumen) -> bytes:
    """A Dokumen as an A4 landscape PDF: each section on a new page, tables that break across pages."""
    from fpdf.fonts import FontFace

    pdf = _pdf_baru(dok.judul, dok.penulis, dok.dibuat_pada, dok.kaki)
    kepala = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 11, dok.judul, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10.5)
    for baris in dok.cap:
        pdf.multi_cell(0, 5.5, baris, align="L", new_x="LMARGIN", new_y="NEXT")
    for b in dok.bagian:
        pdf.ln(6)
        if pdf.get_y() > 150:
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 15)
        pdf.multi_cell(0, 8, b.judul, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("DejaVu", "", 10.5)
        for paragraf in b.teks:
            pdf.multi_cell(0, 5.5, paragraf, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        if b.tabel and b.tabel[1]:
            kolom, baris = b.tabel
            pdf.set_font("DejaVu", "", 9.5)
            angka = [all(_rata_kanan(r[j]) for r in baris) for j in range(len(kolom))]
            lebar = _lebar(b, 273)
            with pdf.table(col_widths=lebar, width=sum(lebar), align="LEFT",
                           text_align=tuple("RIGHT" if a else "LEFT" for a in angka),
                           headings_style=kepala, line_height=4.8, first_row_as_headings=True) as t:
                for i, isi_baris in enumerate([kolom, *baris]):
                    r = t.row(style=FontFace(emphasis="BOLD") if b.tebal_akhir and i == len(baris) else None)
                    for sel in isi_baris:
                        r.cell(sel)
            pdf.ln(2)
        if b.catatan:
            pdf.set_font("DejaVu", "", 9)
            pdf.multi_cell(0, 4.5, b.catatan, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


FORMAT_DOKUMEN = {".pptx": pptx_dokumen, ".pdf": pdf_dokumen}


# ---------------------------------------------------------------- writing

FORMAT = {".pptx": buat_pptx, ".pdf": buat_pdf}


def tulis_atomik(jalur: str | os.PathLike, isi: bytes) -> None:
    """Write `isi` to a temp file beside `jalur`, then os.replace it there: whoever opens `jalur`
    sees the whole file or none. An existing file keeps its mode; a new one gets 0666 − umask."""
    jalur = Path(jalur)
    sementara = jalur.with_name(f".{jalur.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(sementara, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(isi)
            f.flush()
            os.fsync(f.fileno())
        if jalur.exists():
            os.chmod(sementara, jalur.stat().st_mode & 0o7777)
        os.replace(sementara, jalur)
    except BaseException:
        sementara.unlink(missing_ok=True)
        raise
