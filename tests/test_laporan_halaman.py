"""The Laporan bulanan page (AppTest, behind a proxy): a kabupaten office writes and sends its report,
its province reads it beside the others, returns it with a note, and the office sees the note with
its text kept; the numbers shown are those of the month's last week (queries.hitung_zona); and the
CLI's exit codes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kdkmp import akses, catatan, cli, queries, store
from tests.conftest import buka_app

NTB = akses.Pengguna(nama="sari.ntb", peran="provinsi", wilayah="52", cara_masuk="proksi")
LOBAR = akses.Pengguna(nama="budi.lobar", peran="kabupaten", wilayah="52.01", cara_masuk="proksi")
PUSAT = akses.Pengguna(nama="pmo", peran="pusat", wilayah=None, cara_masuk="proksi")
TEKS = {"analisis": "Merah turun di Gerung.", "hambatan": "Cuaca di pesisir selatan.",
        "rekomendasi": "Percepat verifikasi lahan."}


@pytest.fixture
def kantor(kantor_proksi):
    """The demo database (4 weeks to 16 Nov 2026) behind a proxy with an account per office."""
    return kantor_proksi(NTB, LOBAR, PUSAT)


def buka(nama: str, **param):
    return buka_app("halaman/laporan.py", user={"username": nama}, **param)


def tombol(at, label):
    return [b for b in at.button if b.label == label][0]


def test_kabupaten_sends_province_reads_side_by_side_and_returns_it(kantor):
    db, url = kantor
    at = buka("budi.lobar")
    assert at.title[0].value == "Laporan bulanan"
    assert at.subheader[0].value == "Laporan bulanan November 2026 · Kabupaten Lombok Barat (52.01)"
    # the zones are those of the month's last loaded week, 16 Nov 2026
    zona = queries.hitung_zona(store.sambungan_baca(db), date(2026, 11, 16), "52.01")["zona"]
    tabel_zona = next(d.value for d in at.dataframe if "Zona" in d.value.columns).set_index("Zona")
    assert tabel_zona.loc["Merah", "Koperasi"] == str(zona["merah"])
    for k, v in TEKS.items():
        at.text_area(key=f"lb_52.01_2026-11_{k}").input(v)
    tombol(at, "Kirim").click().run()
    assert not at.exception, at.exception
    assert any("sekarang dikirim" in s.value for s in at.success), [e.value for e in at.error]
    simpan = catatan.baca_laporan_bulanan(url=url).iloc[0]
    assert (simpan["wilayah"], simpan["status"], simpan["analisis"]) == ("52.01", "dikirim", TEKS["analisis"])
    assert catatan.baca_jejak(peristiwa="laporan_kirim", url=url)["oleh"].tolist() == ["budi.lobar"]
    assert not [b for b in at.button if b.label in ("Kirim", "Terima")]  # sent: nothing more for the office

    at = buka("sari.ntb")
    assert at.subheader[0].value == "Laporan bulanan November 2026 · Provinsi Nusa Tenggara Barat (52)"
    anak = next(d.value for d in at.dataframe if "Analisis" in d.value.columns).set_index("Wilayah")
    assert len(anak) == 10
    baris = anak.loc["Kabupaten Lombok Barat"]
    assert (baris["Status"], baris["Merah"], baris["Analisis"]) == ("Dikirim", zona["merah"], TEKS["analisis"])
    at.selectbox(key="lb_buka").select("52.01").run()
    tombol(at, "Buka").click().run()
    assert at.subheader[0].value == "Laporan bulanan November 2026 · Kabupaten Lombok Barat (52.01)"
    tombol(at, "Kembalikan").click().run()  # without a note: refused, nothing changed
    assert [e.value for e in at.error] == ["Catatan wajib diisi untuk mengembalikan laporan bulanan: tulis apa yang "
                                           "harus diperbaiki."]
    assert catatan.baca_laporan_bulanan(url=url).iloc[0]["status"] == "dikirim"
    at.text_area(key="lb_52.01_2026-11_catatan").input("Sebutkan desa yang terkena cuaca.")
    tombol(at, "Kembalikan").click().run()
    assert catatan.baca_laporan_bulanan(url=url).iloc[0]["status"] == "dikembalikan"

    at = buka("budi.lobar")
    assert any("Sebutkan desa yang terkena cuaca." in w.value for w in at.warning)
    assert at.text_area(key="lb_52.01_2026-11_analisis").value == TEKS["analisis"]
    assert tombol(at, "Kirim")  # it may send again

    at = buka("pmo", wilayah="52.01")  # pusat reads a kabupaten's report, but decides nothing on it
    assert not [b for b in at.button if b.label in ("Terima", "Kembalikan", "Kirim")]


def test_the_cli_writes_refuses_with_exit_2_and_exports(kantor, tmp_path, capsys):
    db, url = kantor
    dasar = ["--bulan", "2026-11", "--db", str(db)]
    assert cli.main(["laporan", "simpan", "--oleh", "budi.lobar", "--analisis", TEKS["analisis"], *dasar]) == 0
    assert cli.main(["laporan", "kirim", "--oleh", "budi.lobar", *dasar]) == 2
    assert capsys.readouterr().err.strip() == ("Analisis, hambatan dan rekomendasi wajib diisi sebelum laporan "
                                               "dikirim; yang masih kosong: hambatan, rekomendasi.")
    berkas = tmp_path / "rekomendasi.txt"
    berkas.write_text(TEKS["rekomendasi"], encoding="utf-8")
    assert cli.main(["laporan", "kirim", "--oleh", "budi.lobar", "--hambatan", TEKS["hambatan"], "--rekomendasi",
                     f"@{berkas}", *dasar]) == 0
    assert cli.main(["laporan", "kirim", "--oleh", "budi.lobar", *dasar]) == 2  # sent twice
    assert "sudah dikirim oleh budi.lobar pada" in capsys.readouterr().err
    assert cli.main(["laporan", "terima", "--oleh", "pmo", "--wilayah", "52.01", *dasar]) == 2
    assert cli.main(["laporan", "terima", "--oleh", "sari.ntb", "--wilayah", "52.01", *dasar]) == 0
    assert catatan.baca_laporan_bulanan(url=url).iloc[0][["status", "rekomendasi"]].tolist() == [
        "diterima", TEKS["rekomendasi"]]
    keluar = tmp_path / "ntb.pptx"
    capsys.readouterr()
    assert cli.main(["laporan", "tampil", "--oleh", "sari.ntb", "--out", str(keluar), *dasar]) == 0
    teks = capsys.readouterr().out
    assert "Laporan bulanan November 2026 · Provinsi Nusa Tenggara Barat (52)" in teks
    assert "  52.01 Kabupaten Lombok Barat: Diterima" in teks and keluar.stat().st_size > 10_000
    ekspor = json.loads(catatan.baca_jejak(peristiwa="ekspor", url=url)["rincian"].iloc[0])
    assert (ekspor["isi"], ekspor["format"], ekspor["bulan"]) == ("laporan bulanan", "pptx", "2026-11")
    assert cli.main(["laporan", "tampil", "--oleh", "budi.lobar", "--wilayah", "52", *dasar]) == 2  # outside scope
    assert cli.main(["laporan", "tampil", "--bulan", "2026-13", "--db", str(db)]) == 2
