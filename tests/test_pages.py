"""Every page through Streamlit's AppTest on a real demo database: no exception, the right
numbers, clear messages for unknown codes and an empty database."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kdkmp import queries, store, wilayah
from tests.conftest import buka_app

AKAR = Path(__file__).resolve().parent.parent
HALAMAN = sorted(p.relative_to(AKAR).as_posix() for p in (AKAR / "halaman").glob("*.py"))


def buka(halaman: str | None = None, **param) -> AppTest:
    return buka_app(halaman, **param)


def teks_metric(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def baris_grafik(grafik):
    """The rows a Vega-Lite chart draws: Streamlit sends a spec's table as Arrow, inline or (the
    dashboard's shared charts) as its one named dataset."""
    import pyarrow as pa

    tabel = grafik.proto.datasets[0].data.data if len(grafik.proto.datasets) else grafik.proto.data.data
    return pa.ipc.open_stream(tabel).read_pandas()


def semua_teks(at: AppTest) -> str:
    bagian = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    bagian += [e.value for e in at.info] + [e.value for e in at.error] + [e.value for e in at.warning]
    return "\n".join(str(b) for b in bagian)


@pytest.fixture
def demo_env(db_demo, monkeypatch):
    monkeypatch.setenv("KDKMP_DB", str(db_demo))
    return db_demo


@pytest.mark.parametrize("halaman", HALAMAN)
def test_every_page_runs_without_exception(demo_env, halaman):
    at = buka(halaman)
    assert not at.exception, at.exception


def test_overview_shows_the_zone_counts_of_the_database(demo_env):
    at = buka()
    assert not at.exception
    con = store.sambungan_baca(demo_env)
    z = queries.hitung_zona(con)
    metrik = teks_metric(at)
    angka = {label: nilai for label, nilai in metrik.items()}
    assert angka["Merah"] == f"{z['zona']['merah']:,}".replace(",", ".")
    assert angka["Koperasi"] == f"{z['jumlah']:,}".replace(",", ".")
    assert "aturan versi" in semua_teks(at)


@pytest.mark.parametrize("param, judul", [
    ({"prov": "52"}, "Provinsi Nusa Tenggara Barat"),
    ({"prov": "52", "kab": "52.01"}, "Kabupaten Lombok Barat"),
    ({"prov": "52", "kab": "52.01", "kec": "52.01.01"}, "Kecamatan Gerung"),
    ({"prov": "52", "kab": "52.01", "kec": "52.01.01", "desa": "52.01.01.1001"}, "Kelurahan Gerung Utara"),
])
def test_area_page_follows_the_url_at_every_level(demo_env, param, judul):
    at = buka("halaman/wilayah.py", **param)
    assert not at.exception
    assert at.title[0].value == judul
    deepest = list(param.values())[-1]
    z = queries.hitung_zona(store.sambungan_baca(demo_env), None, deepest)
    angka = {label: nilai for label, nilai in teks_metric(at).items()}
    assert angka["Koperasi"] == f"{z['jumlah']:,}".replace(",", ".")


@pytest.mark.parametrize("param, pesan", [
    ({"prov": "99"}, "tidak ada dalam daftar wilayah"),
    ({"prov": "52", "kab": "61.01"}, "bukan kabupaten di bawah 52"),
    ({"kab": "xx"}, "tidak berbentuk kode Kemendagri"),
])
def test_unknown_or_inconsistent_codes_get_a_clear_message(demo_env, param, pesan):
    at = buka("halaman/wilayah.py", **param)
    assert not at.exception
    assert any(pesan in e.value for e in at.error)


def test_koperasi_page_explains_the_zone(demo_env):
    con = store.sambungan_baca(demo_env)
    kode = queries.daftar_intervensi(con, None, "52")["kode_koperasi"].iloc[0]
    at = buka("halaman/koperasi.py", kode=kode)
    assert not at.exception
    assert "Merah" in semua_teks(at) or "merah" in semua_teks(at)
    riwayat = next(g for g in at.get("vega_lite_chart") if "Riwayat zona" in g.proto.spec)
    assert len(baris_grafik(riwayat)) == len(queries.daftar_minggu(con))  # one point per loaded week


def test_koperasi_page_draws_its_map_only_when_asked(demo_env):
    con = store.sambungan_baca(demo_env)
    kode = queries.daftar_intervensi(con, None, "52")["kode_koperasi"].iloc[0]
    at = buka("halaman/koperasi.py", kode=kode)
    assert not at.exception and not at.get("deck_gl_json_chart")
    at.toggle(key="peta").set_value(True).run()
    assert not at.exception and len(at.get("deck_gl_json_chart")) == 1


def test_koperasi_page_says_when_history_holds_the_zone(demo_env):
    # a koperasi whose report this week qualifies for kuning or hijau, yet is merah (the
    # engine's `_tahan`): the page names stability and this week's score
    con = store.sambungan_baca(demo_env)
    kode, skor = con.execute("""SELECT kode_koperasi, skor_total FROM zona
                                WHERE minggu = (SELECT max(minggu) FROM zona) AND zona = 'merah'
                                  AND alasan[1].id = 'stabilitas' AND skor_total IS NOT NULL
                                ORDER BY kode_koperasi LIMIT 1""").fetchall()[0]
    at = buka("halaman/koperasi.py", kode=kode)
    teks = semua_teks(at)
    assert "Stabilitas" in teks and "Masih merah: minggu ini sudah memenuhi syarat" in teks
    assert f"skor minggu ini {str(round(skor, 1)).replace('.', ',')}" in teks


def test_an_area_view_opens_its_own_lists_in_one_click(demo_env):
    # From the province's page: its merah list and the list behind each movement count (baru merah,
    # kembali merah, pulih, merah kronis). Each list holds exactly as many koperasi as the link on the
    # area page said (two different queries).
    from urllib.parse import parse_qsl

    wilayah = buka("halaman/wilayah.py", prov="52")
    tautan = [p.proto for p in wilayah.get("page_link") if p.proto.page == "intervensi"]
    assert len(tautan) == 5, [t.label for t in tautan]
    assert {dict(parse_qsl(t.query_string)).get("gerak") for t in tautan} == {
        None, "baru_merah", "kembali_merah", "pulih", "merah_kronis"}
    for t in tautan:
        param = dict(parse_qsl(t.query_string))
        assert param["prov"] == "52"
        jumlah = int(t.label.split(": ")[-1].split()[0].replace(".", "") if ": " in t.label
                     else t.label.split()[1].replace(".", ""))
        daftar = buka("halaman/intervensi.py", **param)
        assert teks_metric(daftar)["Koperasi sesuai saringan"] == f"{jumlah:,}".replace(",", "."), (t.label, param)
        assert "Nusa Tenggara Barat" in semua_teks(daftar)


def test_the_ranking_links_every_child_area_worst_first(demo_env, db_demo):
    anak = queries.zona_per_anak(store.sambungan_baca(db_demo), None, "52").set_index("kode")
    tabel = next(m.value for m in buka("halaman/wilayah.py", prov="52").markdown if "<table" in m.value)
    tautan = re.findall(r'href="wilayah\?prov=52&amp;kab=([0-9.]+)"', tabel)
    assert sorted(tautan) == sorted(anak.index)  # every kabupaten/kota of NTB, each once
    # worst first: the share of merah never rises down the table (no share yet: at the bottom)
    kunci = [(-1.0 if pd.isna(anak.loc[k, "persen_merah"]) else anak.loc[k, "persen_merah"], anak.loc[k, "merah"])
             for k in tautan]
    assert kunci == sorted(kunci, reverse=True)


def test_the_meeting_view_speaks_in_sentences_and_has_a_projector_mode(demo_env):
    biasa = buka("halaman/rapat.py", prov="52")
    assert biasa.title[0].value == "Rapat mingguan · Provinsi Nusa Tenggara Barat"
    kalimat = next(m.value for m in biasa.markdown if m.value.startswith("- Merah"))
    assert "koperasi yang dinilai" in kalimat and "baru merah" in kalimat and "masih merah" in kalimat
    assert any(p.proto.page == "intervensi" for p in biasa.get("page_link"))
    proyektor = buka("halaman/rapat.py", prov="52", presentasi="true")
    assert any('[data-testid="stSidebar"]' in m.value for m in proyektor.markdown)
    assert not [p for p in proyektor.get("page_link") if p.proto.label == "Nasional"]  # no breadcrumbs
    # the area view leads to it
    wilayah = buka("halaman/wilayah.py", prov="52")
    assert any(p.proto.page == "rapat" and "prov=52" in p.proto.query_string for p in wilayah.get("page_link"))


def test_the_map_says_which_areas_it_cannot_place(demo_env):
    # Kota Mataram has no position in the reference and its demo koperasi none either: the page
    # names it instead of drawing it somewhere; Kota Bima is drawn (inside Kabupaten Bima)
    at = buka("halaman/wilayah.py", prov="52")
    keterangan = [c.value for c in at.caption if c.value.startswith("Posisi tidak diketahui")]
    assert keterangan == ["Posisi tidak diketahui, tidak digambar di peta: Kota Mataram."]


def test_a_kecamatan_map_names_only_the_desa_whose_koperasi_has_no_position(demo_env):
    # Below kecamatan the map's points are koperasi; the caption once compared their codes with desa
    # codes and called every desa unplaceable. Expected: the desa whose report this week has no
    # coordinates, read from the raw reports (Gerung, Lombok Barat: none or a few).
    import duckdb

    kec = "52.01.01"
    with duckdb.connect(str(demo_env), read_only=True) as con:
        tanpa = [r[0] for r in con.execute(
            "SELECT kode_desa FROM laporan WHERE minggu = (SELECT max(minggu) FROM laporan) AND kode_kecamatan = ? "
            "AND (latitude IS NULL OR longitude IS NULL) ORDER BY kode_desa", [kec]).fetchall()]
        jumlah = con.execute("SELECT count(DISTINCT kode_desa) FROM laporan WHERE kode_kecamatan = ?", [kec]).fetchall()[0][0]
    assert jumlah > len(tanpa)  # the scenario has desa with a position
    at = buka("halaman/wilayah.py", prov="52", kab="52.01", kec=kec)
    assert not at.exception, at.exception
    keterangan = [c.value for c in at.caption if c.value.startswith("Posisi tidak diketahui")]
    nama = wilayah.anak(kec).set_index("kode")["nama"]
    assert keterangan == ([f"Posisi tidak diketahui, tidak digambar di peta: {', '.join(nama[tanpa])}."] if tanpa else [])


def test_the_map_is_drawn_only_when_asked_and_a_link_can_ask_for_it(demo_env):
    at = buka("halaman/wilayah.py", prov="52")
    assert not at.get("deck_gl_json_chart")
    at.toggle(key="peta").set_value(True).run()
    assert not at.exception and len(at.get("deck_gl_json_chart")) == 1
    assert at.query_params["peta"] == "true"
    assert len(buka(peta="true").get("deck_gl_json_chart")) == 1  # a shared link of the overview


def test_a_koperasi_whose_report_has_no_date_opens(demo_env):
    # an empty laporan_terakhir (NaT in the frame) once crashed the page's date formatting
    con = store.sambungan_baca(demo_env)
    kode = con.execute("""SELECT kode_koperasi FROM laporan WHERE laporan_terakhir IS NULL
                          AND minggu = (SELECT max(minggu) FROM laporan) ORDER BY kode_koperasi LIMIT 1""").fetchall()[0][0]
    at = buka("halaman/koperasi.py", kode=kode)
    assert not at.exception


def test_unknown_koperasi_gets_a_clear_message(demo_env):
    at = buka("halaman/koperasi.py", kode="TIDAK-ADA")
    assert not at.exception
    assert any("tidak ditemukan" in e.value for e in at.error)


@pytest.mark.parametrize("halaman", HALAMAN)
def test_an_empty_database_tells_how_to_load_data(tmp_path, monkeypatch, halaman):
    """A database file without any week loaded (the demo build only runs when no file exists)."""
    db = tmp_path / "kosong.duckdb"
    with store.penulisan(db):
        pass
    monkeypatch.setenv("KDKMP_DB", str(db))
    at = buka(halaman)
    assert not at.exception
    if halaman not in ("halaman/unggah.py", "halaman/admin.py"):  # these two need no loaded week
        assert any("Belum ada data mingguan" in i.value for i in at.info)


def test_choosing_an_older_week_changes_every_number_and_the_stamp(demo_env):
    at = buka()
    sebelum = teks_metric(at)
    at.sidebar.selectbox(key="minggu").select("2026-11-02").run()
    assert not at.exception
    assert "Data minggu **2 Nov 2026**" in at.caption[0].value
    z = queries.hitung_zona(store.sambungan_baca(demo_env), date(2026, 11, 2))
    angka = {label: nilai for label, nilai in teks_metric(at).items()}
    assert angka["Merah"] == f"{z['zona']['merah']:,}".replace(",", ".")
    assert teks_metric(at) != sebelum


def test_a_shared_link_reopens_the_week_it_names(demo_env):
    at = buka(minggu="2026-11-02")
    assert not at.exception
    assert "Data minggu **2 Nov 2026**" in at.caption[0].value
    assert at.query_params["minggu"] == "2026-11-02"


def test_a_shared_link_with_a_week_that_is_not_loaded_falls_back_to_the_latest(demo_env):
    at = buka(minggu="1999-01-04")
    assert not at.exception
    assert "Data minggu **16 Nov 2026**" in at.caption[0].value


def test_overview_shows_construction_stages_and_bottlenecks_per_province(demo_env):
    at = buka()
    grafik = {" ".join(json.loads(c.proto.spec).get("title", {}).get("text", [])): c for c in at.get("vega_lite_chart")}
    tahap = baris_grafik(grafik["Tahap pembangunan"])
    konstruksi = tahap[(tahap["baris"] == "Nusa Tenggara Barat") & (tahap["kategori"] == "Konstruksi")]
    assert konstruksi["jumlah"].tolist() == [249]  # the published NTB figure, per province on the first page
    assert "Kendala utama" in grafik


def test_an_area_view_stands_when_the_state_store_cannot_be_reached(demo_env, monkeypatch):
    # The reporting status lives in the state store, the zones in the database: with PostgreSQL
    # down on a Monday the province's view still shows its week, says the validated share cannot be
    # read, and still warns of nothing missing from the database's own loads.
    monkeypatch.setenv("KDKMP_STATE_URL", "postgresql://kdkmp@127.0.0.1:1/tidak_ada?connect_timeout=2")
    at = buka_app("halaman/wilayah.py", prov="52")
    assert [t.value for t in at.title] == ["Provinsi Nusa Tenggara Barat"]
    assert any(c.value.endswith("Status validasi minggu ini tidak dapat dibaca sekarang (penyimpanan catatan "
                                "tidak tersedia).") for c in at.caption)
    assert not [w for w in at.warning if w.value.startswith("Minggu ini belum dimuat")]
