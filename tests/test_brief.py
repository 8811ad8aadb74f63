"""The one-click brief of the weekly meeting (issue 12), as a user gets it from
`python -m kdkmp brief`: the PPTX read back with python-pptx (shapes, table cells, the chart's
categories and values), the PDF read back with Debian's pdftotext. Expected figures come from
`summary --json` for the same area and week, the rules version from the database's own meta
table, names from the Kemendagri reference; numbers are formatted here, not by kdkmp.format."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kdkmp import akses, brief, store
from tests.test_rapat import con_skenario, db_kembali, db_skenario  # noqa: F401  (fixtures: the hand-worked weeks)
from kdkmp import wilayah as ref

AKAR = Path(__file__).resolve().parent.parent
OLEH = "Ibu Sari Wulandari"
LABEL = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah", "tidak_melapor": "Tidak melapor"}
LABEL_GERAK = {"baru_merah": "Baru merah", "pulih": "Pulih", "merah_kronis": "Merah kronis"}
BULAN = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def jalankan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kdkmp", *args], cwd=AKAR, capture_output=True, text=True)


def angka(n: int) -> str:
    """1166 → '1.166' (Indonesian thousands), written independently of kdkmp.format."""
    return f"{n:,}".replace(",", ".")


def tanggal(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def ringkasan(db: Path, wilayah: str) -> dict:
    hasil = jalankan("summary", "--json", "--wilayah", wilayah, "--db", str(db))
    assert hasil.returncode == 0, hasil.stderr
    return json.loads(hasil.stdout)


def versi_aturan(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT nilai FROM meta WHERE kunci = 'versi_aturan'").fetchall()[0][0]


def pdftotext(path: Path, *opsi: str) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext tidak terpasang; .ci/run seharusnya memasangnya (apt-get install poppler-utils)")
        pytest.skip("pdftotext tidak terpasang (apt-get install poppler-utils); PDF tidak dapat dibaca ulang")
    return subprocess.run(["pdftotext", *opsi, str(path), "-"], capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------- reading a PPTX back

def isi_pptx(path: Path) -> dict:
    """Every text of every shape and table cell, the tables (rows of cell texts) and the charts
    ({categories, {series: values}}) of a PPTX file."""
    from pptx import Presentation

    teks, tabel, grafik = [], [], []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                teks.append(shape.text_frame.text)
            if shape.has_table:
                baris = [[sel.text for sel in r.cells] for r in shape.table.rows]
                tabel.append(baris)
                teks.extend(t for b in baris for t in b)
            if shape.has_chart:
                plot = shape.chart.plots[0]
                grafik.append({"kategori": list(plot.categories),
                               "seri": {s.name: list(s.values) for s in plot.series}})
    return {"teks": "\n".join(teks), "tabel": tabel, "grafik": grafik}


def tabel_berjudul(tabel: list, kepala: str) -> list[list[str]]:
    """The body rows of every table (continued ones too) whose first header cell is `kepala`."""
    cocok = [t for t in tabel if t[0][0] == kepala]
    assert cocok, f"tidak ada tabel '{kepala}'"
    return [b for t in cocok for b in t[1:]]


# ---------------------------------------------------------------- the briefs, built once

def buat_kedua(folder: Path, nama: str, wilayah: str, db: Path, *oleh: str) -> dict:
    """Both briefs of an area through the CLI: {'pptx': path, 'pdf': path}; nothing else left."""
    hasil = {}
    for ekstensi in ("pptx", "pdf"):
        keluaran = folder / f"{nama}.{ekstensi}"
        jalan = jalankan("brief", "--wilayah", wilayah, "--out", str(keluaran), "--db", str(db), *oleh)
        assert jalan.returncode == 0, jalan.stderr
        assert str(keluaran) in jalan.stdout and jalan.stderr == ""
        hasil[ekstensi] = keluaran
    assert sorted(p.name for p in folder.iterdir()) == [f"{nama}.pdf", f"{nama}.pptx"]  # no temp file left
    return hasil


@pytest.fixture(scope="module")
def brief_52(db_demo, tmp_path_factory) -> dict:
    return buat_kedua(tmp_path_factory.mktemp("brief_52"), "ntb", "52", db_demo, "--oleh", OLEH)


@pytest.fixture(scope="module")
def brief_5201(db_demo, tmp_path_factory) -> dict:
    return buat_kedua(tmp_path_factory.mktemp("brief_5201"), "lombok_barat", "5201", db_demo)


def test_pptx_of_a_province_has_the_summary_numbers_in_its_tables_chart_and_headline(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    isi = isi_pptx(brief_52["pptx"])
    zona = {b[0]: b[1] for b in tabel_berjudul(isi["tabel"], "Zona")}
    assert zona == {**{LABEL[z]: angka(n) for z, n in ringkas["zona"].items()},
                    "Jumlah koperasi": angka(sum(ringkas["zona"].values()))}
    gerak = {b[0]: b[1] for b in tabel_berjudul(isi["tabel"], "Pergerakan minggu ini")}
    kembali = gerak.pop("Kembali merah")
    assert gerak == {LABEL_GERAK[j]: angka(n) for j, n in ringkas["pergerakan"].items()}
    p = ringkas["pergerakan"]
    assert re.search(rf"{angka(p['baru_merah'])} baru merah, {re.escape(kembali)} kembali merah"
                     rf"( \([\d.]+ setelah tidak melapor\))?, {angka(p['pulih'])} pulih, "
                     rf"{angka(p['merah_kronis'])} merah kronis", isi["teks"])
    # the headline adds up: last week's merah still merah + baru merah + kembali merah = merah now
    masih = re.search(r"Dari [\d.]+ koperasi merah minggu lalu, ([\d.]+) masih merah", isi["teks"]).group(1)
    assert int(masih.replace(".", "")) + p["baru_merah"] + int(kembali.replace(".", "")) == ringkas["zona"]["merah"]
    # the native chart: one bar per kabupaten/kota of NTB, its series adding up to the zone counts
    [grafik] = isi["grafik"]
    assert set(grafik["kategori"]) == set(ref.anak("52")["nama"])
    assert {s: sum(v) for s, v in grafik["seri"].items()} == {LABEL[z]: n for z, n in ringkas["zona"].items()}
    # the children table: every kabupaten/kota once, its merah as the chart's
    anak = tabel_berjudul(isi["tabel"], "Kabupaten/kota")
    merah_grafik = dict(zip(grafik["kategori"], grafik["seri"]["Merah"]))
    assert {b[0]: b[2] for b in anak} == {k: angka(int(v)) for k, v in merah_grafik.items()}
    # the head of the merah list, and its total
    daftar = tabel_berjudul(isi["tabel"], "Kode koperasi")
    assert len(daftar) == min(15, ringkas["zona"]["merah"])
    assert all(b[0].startswith("KDKMP-52") for b in daftar)
    assert f"dari {angka(ringkas['zona']['merah'])} koperasi merah" in isi["teks"]


def test_pptx_stamp_names_the_week_the_rules_version_and_who_made_it(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    teks = isi_pptx(brief_52["pptx"])["teks"]
    assert f"Minggu data: {tanggal(ringkas['minggu'])}" in teks
    assert f"Versi aturan: {versi_aturan(db_demo)}" in teks
    assert re.search(rf"Dibuat: \d{{1,2}} \w{{3}} \d{{4}} \d\d:\d\d WIB oleh {OLEH}", teks)
    assert "Provinsi Nusa Tenggara Barat" in teks


def test_pdf_of_a_province_has_the_summary_numbers_and_the_stamp(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    teks = pdftotext(brief_52["pdf"], "-layout")
    for z, n in ringkas["zona"].items():
        assert re.search(rf"^\s*{re.escape(LABEL[z])}\s+{re.escape(angka(n))}\s+\d", teks, re.M), (z, n)
    assert re.search(rf"^\s*Jumlah koperasi\s+{re.escape(angka(sum(ringkas['zona'].values())))}\s", teks, re.M)
    for j, n in ringkas["pergerakan"].items():
        assert re.search(rf"^\s*{LABEL_GERAK[j]}\s+{re.escape(angka(n))}\s*$", teks, re.M), (j, n)
    datar = " ".join(teks.split())
    p = ringkas["pergerakan"]
    assert re.search(rf"{angka(p['baru_merah'])} baru merah, [\d.]+ kembali merah( \([\d.]+ setelah tidak melapor\))?, "
                     rf"{angka(p['pulih'])} pulih, {angka(p['merah_kronis'])} merah kronis \(≥ 4 minggu\)",
                     datar)  # "≥" survives the font
    assert re.search(r"^\s*Kembali merah\s+[\d.]+\s*$", teks, re.M)
    assert ".;" not in datar
    assert f"Minggu data: {tanggal(ringkas['minggu'])}" in datar
    assert f"Versi aturan: {versi_aturan(db_demo)}" in datar
    assert f"WIB oleh {OLEH}" in datar
    assert f"dari {angka(ringkas['zona']['merah'])} koperasi merah" in datar


@pytest.mark.parametrize("ekstensi", ["pptx", "pdf"])
def test_a_kabupaten_brief_names_its_kabupaten_and_no_other_of_the_province(db_demo, brief_5201, ekstensi):
    path = brief_5201[ekstensi]
    if ekstensi == "pptx":
        isi = isi_pptx(path)
        teks = isi["teks"]
        anak = tabel_berjudul(isi["tabel"], "Kecamatan")
        assert {b[0] for b in anak} <= set(ref.anak("52.01")["nama"]) and anak
        assert all(b[0].startswith("KDKMP-5201") for b in tabel_berjudul(isi["tabel"], "Kode koperasi"))
    else:
        teks = " ".join(pdftotext(path).split())
    assert "Kabupaten Lombok Barat" in teks
    lain = ref.anak("52").query("kode != '52.01'")["nama"]
    assert [n for n in lain if n in teks] == []
    ringkas = ringkasan(db_demo, "52.01")
    assert angka(sum(ringkas["zona"].values())) in teks


@pytest.mark.parametrize("argumen, pesan", [
    (["--wilayah", "52.99"], "tidak ada dalam daftar wilayah"),
    (["--wilayah", "52", "--week", "2025-06-02"], "Minggu 2025-06-02 belum dimuat"),
    (["--wilayah", "11"], "Provinsi Aceh belum punya koperasi"),  # a real province with no report here
])
@pytest.mark.parametrize("ekstensi", ["pptx", "pdf"])
def test_refused_brief_says_one_sentence_and_writes_no_file(db_demo, tmp_path, argumen, pesan, ekstensi):
    keluaran = tmp_path / f"brief.{ekstensi}"
    hasil = jalankan("brief", *argumen, "--out", str(keluaran), "--db", str(db_demo))
    assert hasil.returncode == 2, hasil.stderr
    assert pesan in hasil.stderr and "Traceback" not in hasil.stderr
    assert hasil.stderr.count("\n") == 1 and hasil.stderr.rstrip().endswith(".")
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temp file


@pytest.mark.parametrize("nama, pesan", [
    ("brief.docx", ".pptx atau .pdf, bukan '.docx'"),
    ("brief", ".pptx atau .pdf, bukan 'brief'"),
    ("tidak_ada/brief.pptx", "tidak ada"),
])
def test_unsupported_output_is_refused_before_any_work(db_demo, tmp_path, nama, pesan):
    hasil = jalankan("brief", "--wilayah", "52", "--out", str(tmp_path / nama), "--db", str(db_demo))
    assert hasil.returncode == 2 and pesan in hasil.stderr and hasil.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_left_as_it_was_when_the_brief_is_refused(db_demo, tmp_path):
    keluaran = tmp_path / "rapat.pptx"
    keluaran.write_bytes(b"versi lama")
    hasil = jalankan("brief", "--wilayah", "11", "--out", str(keluaran), "--db", str(db_demo))
    assert hasil.returncode == 2
    assert keluaran.read_bytes() == b"versi lama" and list(tmp_path.iterdir()) == [keluaran]


def test_atomic_write_leaves_the_old_file_whole_when_the_swap_fails(tmp_path, monkeypatch):
    keluaran = tmp_path / "rapat.pdf"
    keluaran.write_bytes(b"lama")

    def gagal(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", gagal)
    with pytest.raises(OSError):
        brief.tulis_atomik(keluaran, b"baru" * 1000)
    assert keluaran.read_bytes() == b"lama" and list(tmp_path.iterdir()) == [keluaran]
    monkeypatch.undo()
    brief.tulis_atomik(keluaran, b"baru")
    assert keluaran.read_bytes() == b"baru" and list(tmp_path.iterdir()) == [keluaran]


def test_a_desa_brief_has_no_children_but_its_zones_and_list(db_demo, tmp_path):
    """A desa has no child areas: no chart, no children table, the rest as for any area."""
    desa = sorted(d for d in ref.desa()["kode_desa"] if d.startswith("52.01.01."))[0]
    ringkas = ringkasan(db_demo, desa)
    con = store.sambungan_baca(db_demo)
    path = tmp_path / "desa.pptx"
    path.write_bytes(brief.buat_pptx(con, None, desa, oleh=OLEH))
    isi = isi_pptx(path)
    assert isi["grafik"] == [] and not [t for t in isi["tabel"] if t[0][0] in ("Kecamatan", "Desa/kelurahan")]
    assert {b[0]: b[1] for b in tabel_berjudul(isi["tabel"], "Zona")}["Merah"] == angka(ringkas["zona"]["merah"])
    assert brief.buat_pdf(con, None, desa, oleh=OLEH).startswith(b"%PDF-")


def test_a_provinsi_scope_may_brief_inside_it_but_not_another_province(db_demo):
    con = store.sambungan_baca(db_demo)
    with pytest.raises(akses.AksesDitolak):
        brief.buat_pdf(con, None, "61", oleh="diskop52", cakupan="52")
    isi = brief.kumpulkan(con, None, "52.01", oleh="diskop52", cakupan="52")
    assert isi.judul == "Rapat mingguan · Kabupaten Lombok Barat" and isi.jumlah["jumlah"] > 0


# ---------------------------------------------------------------- what keeps merah, what blocks, last week's list

KENDALA = {"lahan": "Lahan", "cuaca": "Cuaca", "tenaga_kerja": "Tenaga kerja", "material": "Material",
           "teknis_lainnya": "Teknis lainnya", "tidak_ada": "Tidak ada"}


def test_pptx_of_a_province_has_its_bottlenecks_adding_up_to_the_summary(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    isi = isi_pptx(brief_52["pptx"])
    [kepala] = [t[0] for t in isi["tabel"] if t[0][0] == "Wilayah"]
    kendala = tabel_berjudul(isi["tabel"], "Wilayah")
    jumlah = dict(zip(kepala, kendala[-1]))
    assert jumlah["Wilayah"] == "Jumlah" and jumlah["Melapor"] == angka(ringkas["jumlah_koperasi"])
    assert {k: jumlah[label] for k, label in KENDALA.items()} == {k: angka(n) for k, n in ringkas["kendala_utama"].items()}
    # the bottleneck columns go most frequent first; the rows are NTB's kabupaten/kota
    hambatan = [KENDALA[k] for k in sorted((k for k in KENDALA if k != "tidak_ada"),
                                           key=lambda k: -ringkas["kendala_utama"][k])]
    assert kepala[2:7] == hambatan
    assert {b[0] for b in kendala[:-1]} <= set(ref.anak("52")["nama"])


def test_pptx_of_a_province_says_what_keeps_merah_and_last_weeks_list(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    isi = isi_pptx(brief_52["pptx"])
    alasan = tabel_berjudul(isi["tabel"], "Alasan merah")
    assert 0 < len(alasan) <= 8
    merah = ringkas["zona"]["merah"]
    for b in alasan:  # a count of merah koperasi, its share of them, and the kabupaten where it is most frequent
        n = int(b[1].replace(".", ""))
        assert 0 < n <= merah and b[2] == f"{100 * n / merah:.1f} %".replace(".", ",")
        assert b[3].rsplit(" (", 1)[0] in set(ref.anak("52")["nama"])
    assert f"Yang membuat {angka(merah)} koperasi merah" in isi["teks"]
    lalu = tabel_berjudul(isi["tabel"], "Status minggu ini")
    assert 0 < len(lalu) <= 8 and all(b[1].startswith("KDKMP-52") for b in lalu)
    assert re.search(r"Merah minggu lalu, minggu ini: (8 teratas dari )?[\d.]+ koperasi", isi["teks"])


def test_pdf_of_a_province_has_the_bottleneck_totals_of_the_summary(db_demo, brief_52):
    ringkas = ringkasan(db_demo, "52")
    teks = pdftotext(brief_52["pdf"], "-layout")
    k = ringkas["kendala_utama"]
    urut = sorted((x for x in KENDALA if x != "tidak_ada"), key=lambda x: -k[x])
    angka_baris = [angka(ringkas["jumlah_koperasi"]), *(angka(k[x]) for x in urut), angka(k["tidak_ada"])]
    assert re.search(r"^\s*Jumlah\s+" + r"\s+".join(map(re.escape, angka_baris)) + r"\s+\w", teks, re.M), angka_baris
    datar = " ".join(teks.split())
    assert f"Yang membuat {angka(ringkas['zona']['merah'])} koperasi merah" in datar
    assert "Merah minggu lalu, minggu ini:" in datar and "koperasi merah minggu lalu:" in datar


# The hand-worked three weeks of tests/test_rapat.py (Lombok Barat, ten koperasi): the brief of 52.01
# in W3 shows last week's seven merah in the meeting's order, and the bottleneck totals counted
# there by hand (7 reporting: lahan 3, cuaca 2, tenaga kerja 1, tidak ada 1).

def test_the_scenario_brief_lists_last_weeks_merah_and_bottlenecks_as_worked_by_hand(con_skenario, tmp_path):
    from tests.test_rapat import W3

    path = tmp_path / "skenario.pptx"
    path.write_bytes(brief.buat_pptx(con_skenario, W3, "52.01", oleh=OLEH))
    isi = isi_pptx(path)
    lalu = tabel_berjudul(isi["tabel"], "Status minggu ini")
    assert [(b[0], b[1], b[4]) for b in lalu] == [
        ("Masih merah", "KDKMP-P", "3"), ("Masih merah", "KDKMP-Q", "2"), ("Masih merah", "KDKMP-X", "2"),
        ("Masih merah (tanpa laporan)", "KDKMP-U", "3"), ("Tidak melapor", "KDKMP-T", "2"),
        ("Kini kuning", "KDKMP-R", "2"), ("Kini hijau", "KDKMP-S", "2")]
    assert [b[5] for b in lalu][3:] == ["Tidak melapor: zona tidak membaik tanpa laporan (zona pada laporan terakhir: "
                                        "merah)", "–", "–", "–"]
    assert "Merah minggu lalu, minggu ini: 7 koperasi" in isi["teks"]
    assert ("Dari 7 koperasi merah minggu lalu: 3 masih merah, 1 masih merah (tanpa laporan), 1 tidak melapor, "
            "1 kini kuning, 1 kini hijau.") in isi["teks"]
    assert tabel_berjudul(isi["tabel"], "Wilayah") == [
        ["Gerung", "5", "2", "1", "1", "0", "0", "1", "Lahan"], ["Kediri", "2", "1", "1", "0", "0", "0", "0", "Lahan"],
        ["Jumlah", "7", "3", "2", "1", "0", "0", "1", "Lahan"]]
    assert tabel_berjudul(isi["tabel"], "Alasan merah")[0] == ["Belum NIB (Legalitas & kepatuhan)", "3", "60,0 %",
                                                               "Gerung (2)"]


# The four hand-worked weeks of tests/test_rapat.py (db_kembali): in M4, 4 merah = 1 still merah + 1
# baru merah + 2 kembali merah (K from hijau; L after a silent week); 0 pulih; L and N kronis.

def test_the_brief_counts_koperasi_back_in_merah_as_worked_by_hand(db_kembali, tmp_path, monkeypatch):
    from kdkmp import rules
    from tests.test_rapat import M4
    from tests.test_skenario_pergerakan import ATURAN

    monkeypatch.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
    con = store.sambungan_baca(db_kembali[0])
    kalimat = ("Merah naik 3 menjadi 4 (80,0 % dari 5 koperasi yang dinilai); 1 baru merah, 2 kembali merah "
               "(1 setelah tidak melapor), 0 pulih, 2 merah kronis (≥ 4 minggu).")
    path = tmp_path / "kembali.pptx"
    path.write_bytes(brief.buat_pptx(con, M4, "52.01", oleh=OLEH))
    isi = isi_pptx(path)
    assert tabel_berjudul(isi["tabel"], "Pergerakan minggu ini") == [
        ["Baru merah", "1"], ["Kembali merah", "2"], ["Pulih", "0"], ["Merah kronis", "2"]]
    assert f"• {kalimat}" in isi["teks"]
    assert "• Dari 1 koperasi merah minggu lalu, 1 masih merah (100,0 %)." in isi["teks"]
    pdf = tmp_path / "kembali.pdf"
    pdf.write_bytes(brief.buat_pdf(con, M4, "52.01", oleh=OLEH))
    datar = " ".join(pdftotext(pdf).split())
    assert kalimat in datar
    # each definition its own sentence, never "…).; Pulih:"
    assert ".;" not in datar and "Kembali merah: Merah minggu ini dan tidak merah minggu lalu" in datar


def test_movement_definitions_as_one_paragraph_have_no_stray_punctuation():
    definisi = {"a": ("Baru merah", "Merah minggu ini (bolos bukan baru merah)."), "b": ("Pulih", "Keluar dari merah"),
                "c": ("Merah kronis", "Merah 4 minggu atau lebih. ")}
    assert brief.teks_definisi(definisi) == ("Baru merah: Merah minggu ini (bolos bukan baru merah). Pulih: Keluar "
                                             "dari merah. Merah kronis: Merah 4 minggu atau lebih.")


@pytest.mark.parametrize("wilayah, minggu, judul", [
    # Kediri in W1: X and Y hijau, the first week: nothing merah now or before
    ("52.01.02", "W1", ["Yang membuat merah: tidak ada koperasi merah minggu ini",
                        "Merah minggu lalu: belum ada minggu sebelumnya yang dimuat",
                        "Daftar intervensi: tidak ada koperasi merah minggu ini"]),
    # Montong Are (Y's desa) in W3: hijau throughout; a desa has no children's tables
    ("52.01.02.2002", "W3", ["Merah minggu lalu: tidak ada koperasi merah minggu lalu",
                             "Daftar intervensi: tidak ada koperasi merah minggu ini"]),
    # Gapuk (T's desa) in W3: its one koperasi silent and grey, none zoned, no report to count
    ("52.01.01.2003", "W3", ["Merah minggu lalu, minggu ini: 1 koperasi"]),
    # Kediri in W3 with Kediri's reports only: bottlenecks, one merah
    ("52.01.02", "W3", ["Kendala utama per desa/kelurahan", "Yang membuat 1 koperasi merah"]),
])
def test_an_area_with_nothing_to_list_says_so_in_both_formats(con_skenario, tmp_path, wilayah, minggu, judul):
    from tests import test_rapat

    m = getattr(test_rapat, minggu)
    path = tmp_path / "brief.pptx"
    path.write_bytes(brief.buat_pptx(con_skenario, m, wilayah, oleh=OLEH))
    teks = isi_pptx(path)["teks"]
    assert [j for j in judul if j not in teks] == []
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(brief.buat_pdf(con_skenario, m, wilayah, oleh=OLEH))
    datar = " ".join(pdftotext(pdf).split())
    assert [j for j in judul if j not in datar] == []


@pytest.mark.parametrize("wilayah, minggu, pesan", [
    ("52.99", None, "tidak ada dalam daftar wilayah"),
    ("11", None, "Provinsi Aceh belum punya koperasi"),
    ("52.01", date(2025, 6, 2), "Minggu 2025-06-02 belum dimuat"),
])
@pytest.mark.parametrize("pembuat", [brief.buat_pptx, brief.buat_pdf], ids=["pptx", "pdf"])
def test_the_page_gets_one_sentence_for_every_brief_the_data_cannot_make(con_skenario, wilayah, minggu, pesan, pembuat):
    with pytest.raises(brief.BriefDitolak, match=pesan) as e:
        pembuat(con_skenario, minggu, wilayah, oleh=OLEH)
    assert str(e.value).endswith(".") and "\n" not in str(e.value)


def test_a_database_nothing_was_loaded_into_gets_one_sentence(tmp_path):
    path = tmp_path / "kosong.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(brief.BriefDitolak, match="Belum ada data mingguan yang dimuat"):
        brief.buat_pdf(store.sambungan_baca(path), None, "52", oleh=OLEH)
