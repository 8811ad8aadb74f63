"""Rules engine: config/zones.yaml → zona per koperasi per minggu, with reasons."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import shutil

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdkmp import demo, kontrak, queries, rules, store
from kdkmp.rules import penilaian

DATA = Path(__file__).parent / "data" / "rules"
W0 = date(2026, 6, 1)  # a Monday


def minggu(i: int) -> date:
    return W0 + timedelta(weeks=i)


def baris_baik(kode: str, m: date, **ubah) -> dict:
    """A koperasi that has everything: the hijau sentinel."""
    r = dict(tanggal_data=m, kode_koperasi=kode, nama_koperasi=f"Koperasi Desa Merah Putih {kode}",
             kode_desa="52.01.01.2001", latitude=None, longitude=None, musdesus=True, pengurus_lengkap=True,
             jumlah_anggota=30, pendamping_ba=True, badan_hukum=True, nib=True, npwp=True, rekening_bank=True,
             masuk_portal=True, status_lahan="siap", tahap_pembangunan="selesai", progres_fisik=100.0,
             kendala_utama="tidak_ada", status_operasional="beroperasi", gerai_aktif=7, omzet_bulanan=25_000_000,
             tunggakan_persen=2.0, laporan_terakhir=m)
    r.update(ubah)
    return r


def db(tmp_path, baris: list[dict]):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    store.pastikan_skema(con)
    tulis(con, baris)
    return con


def tulis(con, baris: list[dict]) -> None:
    if not baris:
        return
    kol = list(kontrak.NAMA_KOLOM)
    df = pd.DataFrame([{**{k: b.get(k) for k in kol}, "minggu": b["tanggal_data"]} for b in baris])
    df["minggu"] = pd.to_datetime(df["minggu"])
    con.register("_baris", df)
    pilih = ", ".join(f"CAST({k} AS {kontrak.TIPE_SQL[kontrak.KOLOM_PER_NAMA[k].jenis]})" for k in kol)
    con.execute(f"""INSERT INTO laporan SELECT CAST(minggu AS DATE), 1, {pilih},
                    kode_desa[:8], kode_desa[:5], kode_desa[:2] FROM _baris""").fetchall()
    con.unregister("_baris")


def zona_dari(con, kode: str, m: date) -> str | None:
    r = con.execute("SELECT zona FROM zona WHERE kode_koperasi = $k AND minggu = $m", {"k": kode, "m": m}).fetchall()
    return r[0][0] if r else None


ZONA_UJI = """
zona:
  hijau: {skor_total: {min: 76, termasuk: true}, pilar_terendah: {min: 50, termasuk: false}}
  kuning: {skor_total: {min: 50, termasuk: false}, pilar_terendah: {min: 25, termasuk: false}}
"""


def yaml_satu(indikator: str, tambahan: str = "", gerbang: str = "") -> str:
    """A one-pillar rules file: the indicator under test (5 poin) plus an always-passing anchor (5 poin)."""
    return f"""
version: "uji"
pilar:
  kelembagaan:
    label: "Kelembagaan"
    bobot: 1
    indikator:
      - id: "jangkar"
        kolom: "musdesus"
        cek: "equals"
        nilai: true
        poin: 5
      - id: "diuji"
{indikator}
        poin: 5
{tambahan}
gerbang: {gerbang or "[]"}
{ZONA_UJI}"""


# ------------------------------------------------------------------ check types

CEK_KASUS = [
    # (check yaml, changed values, passes?, words in the reason)
    ('        kolom: "nib"\n        cek: "equals"\n        nilai: true', {"nib": True}, True, None),
    ('        kolom: "nib"\n        cek: "equals"\n        nilai: true', {"nib": False}, False, "NIB: belum (harus sudah)"),
    ('        kolom: "status_lahan"\n        cek: "in"\n        nilai: ["siap", "verifikasi"]', {"status_lahan": "verifikasi"}, True, None),
    ('        kolom: "status_lahan"\n        cek: "in"\n        nilai: ["siap", "verifikasi"]', {"status_lahan": "bermasalah"}, False,
     "status lahan: bermasalah (harus salah satu dari: siap, verifikasi)"),
    ('        kolom: "kendala_utama"\n        cek: "not_in"\n        nilai: ["lahan"]', {"kendala_utama": "cuaca"}, True, None),
    ('        kolom: "kendala_utama"\n        cek: "not_in"\n        nilai: ["lahan"]', {"kendala_utama": "lahan"}, False, "kendala utama: lahan"),
    ('        kolom: "progres_fisik"\n        cek: "min"\n        nilai: 30\n        termasuk: true', {"progres_fisik": 30.0}, True, None),
    ('        kolom: "progres_fisik"\n        cek: "min"\n        nilai: 30\n        termasuk: true', {"progres_fisik": 12.0}, False, "progres fisik 12 % < 30 %"),
    ('        kolom: "progres_fisik"\n        cek: "min"\n        nilai: 30\n        termasuk: false', {"progres_fisik": 30.0}, False, "progres fisik 30 % ≤ 30 %"),
    ('        kolom: "tunggakan_persen"\n        cek: "max"\n        nilai: 10\n        termasuk: true', {"tunggakan_persen": 10.0}, True, None),
    ('        kolom: "tunggakan_persen"\n        cek: "max"\n        nilai: 10\n        termasuk: true', {"tunggakan_persen": 12.5}, False, "tunggakan 12,5 % > 10 %"),
    ('        kolom: "tunggakan_persen"\n        cek: "max"\n        nilai: 10\n        termasuk: false', {"tunggakan_persen": 10.0}, False, "tunggakan 10 % ≥ 10 %"),
    ('        kolom: "gerai_aktif"\n        cek: "between"\n        nilai: [1, 7]\n        termasuk: true', {"gerai_aktif": 7}, True, None),
    ('        kolom: "gerai_aktif"\n        cek: "between"\n        nilai: [1, 7]\n        termasuk: true', {"gerai_aktif": 0}, False, "gerai aktif 0 di luar 1–7"),
    ('        kolom: "gerai_aktif"\n        cek: "between"\n        nilai: [1, 7]\n        termasuk: false', {"gerai_aktif": 7}, False, "gerai aktif 7 di luar 1–7"),
    ('        kolom: "omzet_bulanan"\n        cek: "not_null"', {"omzet_bulanan": 0}, True, None),
    ('        kolom: "omzet_bulanan"\n        cek: "not_null"', {"omzet_bulanan": None}, False, "omzet bulanan tidak dilaporkan"),
    ('        kolom: "omzet_bulanan"\n        cek: "min"\n        nilai: 1000000\n        termasuk: true', {"omzet_bulanan": 250_000}, False,
     "omzet bulanan Rp 250.000 < Rp 1.000.000"),
    ('        kolom: "omzet_bulanan"\n        cek: "min"\n        nilai: 1\n        termasuk: true', {"omzet_bulanan": None}, False,
     "omzet bulanan tidak dilaporkan"),
    ('        cek: "laporan_dalam_hari"\n        hari: 14', {"laporan_terakhir": W0 - timedelta(days=13)}, True, None),
    ('        cek: "laporan_dalam_hari"\n        hari: 14', {"laporan_terakhir": W0 - timedelta(days=14)}, False,
     "tidak ada laporan selama 14 hari (batas 14 hari)"),
]


@pytest.mark.parametrize("cek, ubah, lolos, teks", CEK_KASUS)
def test_each_check_type_scores_and_explains_with_numbers(tmp_path, cek, ubah, lolos, teks):
    con = db(tmp_path, [baris_baik("K1", W0, **ubah)])
    rules.skor(con, rules.muat_aturan_teks(yaml_satu(cek)))
    hasil = queries.penjelasan_koperasi(con, "K1", W0)
    assert hasil["skor_pilar"]["kelembagaan"] == (100.0 if lolos else 50.0)
    cek_gagal = [a for a in hasil["alasan"] if a["jenis"] == "cek"]
    if lolos:
        assert cek_gagal == []
    else:
        assert [a["id"] for a in cek_gagal] == ["diuji"]
        assert cek_gagal[0]["teks"] == teks
        assert cek_gagal[0]["poin_hilang"] == 50.0


@pytest.mark.parametrize("status, berlaku", [("belum", False), ("uji_coba", True), ("beroperasi", True)])
def test_indicator_that_does_not_apply_neither_earns_nor_loses(tmp_path, status, berlaku):
    cek = '        kolom: "omzet_bulanan"\n        cek: "min"\n        nilai: 1\n        termasuk: true'
    tambahan = ('        berlaku_jika:\n          - kolom: "status_operasional"\n            cek: "in"\n'
                '            nilai: ["uji_coba", "beroperasi"]')
    con = db(tmp_path, [baris_baik("K1", W0, status_operasional=status, omzet_bulanan=None)])
    rules.skor(con, rules.muat_aturan_teks(yaml_satu(cek, tambahan)))
    assert queries.penjelasan_koperasi(con, "K1", W0)["skor_pilar"]["kelembagaan"] == (50.0 if berlaku else 100.0)


def test_pillar_without_applicable_points_is_left_out_of_the_total(tmp_path):
    con = db(tmp_path, [baris_baik("K1", W0, status_operasional="belum", gerai_aktif=0, omzet_bulanan=None,
                                   tunggakan_persen=None, tahap_pembangunan="konstruksi", progres_fisik=40.0)])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", W0)
    assert h["skor_pilar"]["usaha"] is None
    assert h["skor_total"] == 100.0  # the three judged pillars are perfect


# ------------------------------------------------------------------ zone boundaries

def yaml_batas(poin_lolos: float) -> str:
    """Score = poin_lolos % exactly: a passing indicator worth poin_lolos, a failing one worth the rest."""
    return f"""
version: "batas"
pilar:
  kelembagaan:
    label: "Kelembagaan"
    bobot: 1
    indikator:
      - {{id: "lolos", kolom: "musdesus", cek: "equals", nilai: true, poin: {poin_lolos}}}
      - {{id: "gagal", kolom: "nib", cek: "equals", nilai: true, poin: {100 - poin_lolos}}}
  legalitas_kepatuhan:
    label: "Legalitas"
    bobot: 1
    indikator:
      - {{id: "lolos2", kolom: "musdesus", cek: "equals", nilai: true, poin: {poin_lolos}}}
      - {{id: "gagal2", kolom: "npwp", cek: "equals", nilai: true, poin: {100 - poin_lolos}}}
{ZONA_UJI}"""


@pytest.mark.parametrize("skor, zona", [
    (76, "hijau"),    # hijau: skor_total ≥ 76 (termasuk)
    (75, "kuning"),   # one below
    (51, "kuning"),   # kuning: skor_total > 50 (tidak termasuk)
    (50, "merah"),    # exactly at an exclusive bound is outside
])
def test_zone_boundaries_follow_inclusivity(tmp_path, skor, zona):
    con = db(tmp_path, [baris_baik("K1", W0, nib=False, npwp=False)])
    rules.skor(con, rules.muat_aturan_teks(yaml_batas(skor)))
    assert zona_dari(con, "K1", W0) == zona
    assert queries.penjelasan_koperasi(con, "K1", W0)["skor_total"] == skor


@pytest.mark.parametrize("pilar_lemah, zona", [(51, "hijau"), (50, "kuning"), (26, "kuning"), (25, "merah")])
def test_weakest_pillar_decides_even_when_total_is_high(tmp_path, pilar_lemah, zona):
    teks = f"""
version: "pilar"
pilar:
  kelembagaan:
    label: "Kelembagaan"
    bobot: 99
    indikator:
      - {{id: "a", kolom: "musdesus", cek: "equals", nilai: true, poin: 10}}
  infrastruktur:
    label: "Infrastruktur"
    bobot: 1
    indikator:
      - {{id: "b", kolom: "musdesus", cek: "equals", nilai: true, poin: {pilar_lemah}}}
      - {{id: "c", kolom: "nib", cek: "equals", nilai: true, poin: {100 - pilar_lemah}}}
{ZONA_UJI}"""
    con = db(tmp_path, [baris_baik("K1", W0, nib=False)])
    rules.skor(con, rules.muat_aturan_teks(teks))
    assert zona_dari(con, "K1", W0) == zona


# ------------------------------------------------------------------ sentinels (default rules)

def test_sentinel_with_everything_is_hijau(tmp_path):
    con = db(tmp_path, [baris_baik("BAIK", W0)])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "BAIK", W0)
    assert h["zona"] == "hijau"
    assert h["alasan"] == []
    assert h["skor_total"] == 100.0


def test_sentinel_land_disputed_and_delayed_is_merah_with_that_reason_first(tmp_path):
    con = db(tmp_path, [baris_baik("BURUK", W0, status_lahan="bermasalah", tahap_pembangunan="tertunda",
                                   progres_fisik=0.0, kendala_utama="lahan", status_operasional="belum",
                                   gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "BURUK", W0)
    assert h["zona"] == "merah"
    assert h["alasan"][0]["id"] == "lahan_bermasalah_tertunda"
    assert "status lahan: bermasalah" in h["alasan"][0]["teks"]
    assert "lahan_bermasalah_tertunda" in h["langkah_berikut"] or "Lahan bermasalah" in h["langkah_berikut"]


def test_not_operating_yet_is_not_painted_red_by_default(tmp_path):
    # the typical koperasi of 2026: legal, land ready, building, no transactions
    con = db(tmp_path, [baris_baik("K1", W0, tahap_pembangunan="konstruksi", progres_fisik=40.0,
                                   status_operasional="belum", gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", W0)
    assert h["zona"] == "kuning"
    assert h["gerbang"] == ["belum_siap_berjalan"]
    assert h["langkah_berikut"].startswith('gerbang "Bangunan belum selesai')


# ------------------------------------------------------------------ gates, incl. look-back

def riwayat(kode: str, n: int, **ubah_per_minggu) -> list[dict]:
    """n weekly rows; each keyword maps to a list of n values (or a constant)."""
    out = []
    for i in range(n):
        ubah = {k: (v[i] if isinstance(v, list) else v) for k, v in ubah_per_minggu.items()}
        out.append(baris_baik(kode, minggu(i), **ubah))
    return out


TERTUNDA = dict(tahap_pembangunan="tertunda", progres_fisik=0.0, status_operasional="belum", gerai_aktif=0,
                omzet_bulanan=None, tunggakan_persen=None)


@pytest.mark.parametrize("tahap, minggu_ke, kena", [
    (["tertunda"] * 4, 3, True),                               # 4th consecutive week: fires
    (["tertunda"] * 4, 2, False),                              # 3rd week: not yet
    (["persiapan", "tertunda", "tertunda", "tertunda"], 3, False),  # only 3 weeks since it was not tertunda
    (["tertunda", "persiapan", "tertunda", "tertunda", "tertunda", "tertunda"], 5, True),
])
def test_gate_delayed_for_four_consecutive_weeks(tmp_path, tahap, minggu_ke, kena):
    con = db(tmp_path, riwayat("K1", len(tahap), **{**TERTUNDA, "tahap_pembangunan": tahap}))
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", minggu(minggu_ke))
    assert ("tertunda_lama" in h["gerbang"]) is kena
    if kena:
        teks = next(a["teks"] for a in h["alasan"] if a["id"] == "tertunda_lama")
        assert "tertunda selama 4 minggu berturut-turut (batas 4)" in teks
        assert h["zona"] == "merah"


@pytest.mark.parametrize("progres, kena", [
    ([20.0] * 7, True),                              # no rise over 6 weeks while konstruksi
    ([20.0] * 6 + [50.0], False),                    # rose this week
    ([0.0] + [20.0] * 6, False),                     # rose since 6 weeks ago
])
def test_gate_construction_stagnant_six_weeks(tmp_path, progres, kena):
    con = db(tmp_path, riwayat("K1", 7, tahap_pembangunan="konstruksi", progres_fisik=progres,
                               status_operasional="belum", gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None))
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", minggu(6))
    assert ("konstruksi_stagnan" in h["gerbang"]) is kena
    if kena:
        assert "progres fisik tidak naik dalam 6 minggu (20 % → 20 %)" in h["alasan"][0]["teks"]


def test_missing_row_is_tidak_melapor_until_the_no_report_gates_fire(tmp_path):
    baris = riwayat("HILANG", 1) + riwayat("ADA", 5)
    con = db(tmp_path, baris)
    rules.skor(con, rules.muat_aturan())
    zona = [zona_dari(con, "HILANG", minggu(i)) for i in range(5)]
    # 7 days: grey; 14 days: kuning gate; 21 days and more: merah gate
    assert zona == ["hijau", "tidak_melapor", "kuning", "merah", "merah"]
    h = queries.penjelasan_koperasi(con, "HILANG", minggu(3))
    assert h["skor_total"] is None
    assert h["alasan"][0]["teks"].endswith("(tidak ada laporan selama 21 hari (batas 21 hari))")
    assert h["langkah_berikut"].startswith("kirim laporan")


def test_missing_row_without_gates_is_grey_never_red_or_green(tmp_path):
    teks = yaml_satu('        kolom: "nib"\n        cek: "equals"\n        nilai: true')
    con = db(tmp_path, riwayat("HILANG", 1) + riwayat("ADA", 6))
    rules.skor(con, rules.muat_aturan_teks(teks))
    assert {zona_dari(con, "HILANG", minggu(i)) for i in range(1, 6)} == {"tidak_melapor"}
    # a koperasi is only known from its first report on
    assert con.execute("SELECT count(*) FROM zona WHERE kode_koperasi = 'ADA'").fetchall()[0][0] == 6


def test_stale_laporan_terakhir_fires_even_with_a_row(tmp_path):
    con = db(tmp_path, [baris_baik("K1", W0, laporan_terakhir=W0 - timedelta(days=30))])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", W0)
    assert h["zona"] == "merah"
    assert {"tanpa_laporan_lama", "laporan_terlambat"} <= set(h["gerbang"])


def test_kuning_gate_never_improves_a_merah_score(tmp_path):
    con = db(tmp_path, [baris_baik("K1", W0, pengurus_lengkap=False, musdesus=False, pendamping_ba=False,
                                   jumlah_anggota=3, laporan_terakhir=W0 - timedelta(days=15))])
    rules.skor(con, rules.muat_aturan())
    h = queries.penjelasan_koperasi(con, "K1", W0)
    assert h["gerbang"] == ["laporan_terlambat"]
    assert h["zona"] == "merah"  # kelembagaan 0 ≤ 25


def test_gate_text_with_quotes_is_passed_safely(tmp_path):
    gerbang = """
  - id: "kutip"
    teks: "Tanpa NIB 'resmi'; DROP TABLE laporan; --\\" "
    keparahan: "tinggi"
    zona: "merah"
    syarat: [{kolom: "nib", cek: "equals", nilai: false}]"""
    con = db(tmp_path, [baris_baik("K1", W0, nib=False)])
    rules.skor(con, rules.muat_aturan_teks(yaml_satu('        kolom: "npwp"\n        cek: "not_null"', gerbang=gerbang)))
    h = queries.penjelasan_koperasi(con, "K1", W0)
    assert h["alasan"][0]["teks"].startswith("Tanpa NIB 'resmi'; DROP TABLE laporan; --\" ")
    assert con.execute("SELECT count(*) FROM laporan").fetchall()[0][0] == 1


def aturan_stabilitas(merah: int, kuning: int) -> rules.Aturan:
    """The default rules with other stability windows (1 and 1 = off)."""
    teks = Path("config/zones.yaml").read_text(encoding="utf-8")
    blok = "  minggu_keluar:\n    merah: 2\n    kuning: 2\n"
    assert blok in teks  # the default this replaces
    return rules.muat_aturan_teks(teks.replace(blok, f"  minggu_keluar:\n    merah: {merah}\n    kuning: {kuning}\n"))


def test_stability_keeps_merah_until_n_qualifying_weeks(tmp_path):
    # a gate makes week 0 merah; weeks 1-3 qualify for hijau. The default needs 2 reports in a row
    lahan = ["bermasalah", "siap", "siap", "siap"]
    con = db(tmp_path, riwayat("K1", 4, status_lahan=lahan, tahap_pembangunan=["tertunda", "selesai", "selesai", "selesai"]))
    rules.skor(con, rules.muat_aturan())
    assert [zona_dari(con, "K1", minggu(i)) for i in range(4)] == ["merah", "merah", "hijau", "hijau"]
    h = queries.penjelasan_koperasi(con, "K1", minggu(1))
    assert h["alasan"][0]["id"] == "stabilitas"
    assert h["alasan"][0]["teks"] == ("Masih merah: minggu ini sudah memenuhi syarat hijau, tetapi keluar dari merah "
                                      "perlu 2 minggu laporan berturut-turut yang memenuhi syarat")
    assert h["langkah_berikut"].startswith("tetap merah sampai 2 minggu laporan berturut-turut")
    # off: the zone follows each week's report
    rules.skor(con, aturan_stabilitas(1, 1))
    assert [zona_dari(con, "K1", minggu(i)) for i in range(4)] == ["merah", "hijau", "hijau", "hijau"]


def test_one_problem_is_one_reason_with_what_it_costs_together(tmp_path):
    # Land bermasalah fails three checks of the same value. Worked by hand: before construction
    # (belum_mulai) the infrastruktur checks that apply are lahan ×3 (20 each) and kendala (15):
    # 75 points, each land check costs round(100 × 20 / 75, 1) = 26,7 → 80,1 together.
    con = db(tmp_path, [baris_baik("K1", W0, status_lahan="bermasalah", tahap_pembangunan="belum_mulai",
                                   progres_fisik=0.0, status_operasional="belum", gerai_aktif=0,
                                   omzet_bulanan=None, tunggakan_persen=None),
                        baris_baik("K2", W0, status_lahan="verifikasi", tahap_pembangunan="belum_mulai",
                                   progres_fisik=0.0, status_operasional="belum", gerai_aktif=0,
                                   omzet_bulanan=None, tunggakan_persen=None)])
    rules.skor(con, rules.muat_aturan())
    lahan = [a for a in queries.penjelasan_koperasi(con, "K1", W0)["alasan"] if a["pilar"] == "infrastruktur"]
    assert len(lahan) == 1
    assert lahan[0]["id"] == "lahan_teridentifikasi" and lahan[0]["poin_hilang"] == pytest.approx(80.1)
    assert lahan[0]["teks"].startswith("status lahan: bermasalah (3 cek gagal: ")
    # one check of the family failing reads as that check alone, still under the family's id
    lahan = [a for a in queries.penjelasan_koperasi(con, "K2", W0)["alasan"] if a["pilar"] == "infrastruktur"]
    assert [(a["id"], a["teks"], a["poin_hilang"]) for a in lahan] == [
        ("lahan_teridentifikasi", "status lahan: verifikasi (harus siap)", pytest.approx(26.7))]


# ------------------------------------------------------------------ history columns

def test_weeks_in_zone_counts_the_current_run(tmp_path):
    nib = [True, True, False, False, False, True]
    lahan = ["siap", "siap", "bermasalah", "bermasalah", "bermasalah", "siap"]
    con = db(tmp_path, riwayat("K1", 6, status_lahan=lahan, kendala_utama="lahan", nib=nib))
    rules.skor(con, aturan_stabilitas(1, 1))  # each week's report alone decides (runs, not stability)
    df = con.execute("SELECT zona, minggu_di_zona FROM zona ORDER BY minggu").df()
    assert df["zona"].tolist() == ["hijau", "hijau", "merah", "merah", "merah", "hijau"]
    assert df["minggu_di_zona"].tolist() == [1, 2, 1, 2, 3, 1]


def test_scoring_one_week_equals_rescoring_all_weeks(tmp_path, monkeypatch):
    tahap = ["tertunda"] * 6
    baris = (riwayat("A", 6, **{**TERTUNDA, "tahap_pembangunan": tahap})
             + riwayat("B", 6, tahap_pembangunan="konstruksi", progres_fisik=[10.0, 20.0, 20.0, 20.0, 20.0, 40.0],
                       status_operasional="belum", gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)
             + riwayat("C", 2) + riwayat("D", 6, nib=[True, False, True, False, True, False]))
    # E starts in week 3, reports late once (laporan_terakhir behind) and misses week 4;
    # F moves to another desa and is renamed in week 5
    baris += [b for b in riwayat("E", 6, **TERTUNDA, laporan_terakhir=[None, None, None, minggu(1), None, minggu(5)])
              if b["tanggal_data"] >= minggu(3) and b["tanggal_data"] != minggu(4)]
    baris += riwayat("F", 6, kode_desa=["52.01.01.2001"] * 5 + ["52.01.01.2002"],
                     nama_koperasi=["Koperasi Lama"] * 5 + ["Koperasi Baru"])
    con = db(tmp_path, [])
    aturan = rules.muat_aturan()
    jalur = []
    asli = penilaian._keadaan_berlaku  # patched where scoring looks it up
    monkeypatch.setattr(penilaian, "_keadaan_berlaku", lambda *a: jalur.append(asli(*a)) or jalur[-1])
    for i in range(6):  # as weekly loads do: each week continues from the state the week before left
        tulis(con, [b for b in baris if b["tanggal_data"] == minggu(i)])
        rules.skor(con, aturan, minggu(i))
    assert jalur == [True] * 5  # week 0 has nothing before it; weeks 1-5 took the fast path
    satu_satu = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    rules.skor(con, aturan)
    semua = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    # names and areas: one week knows them as of that week, all weeks as of the latest
    pd.testing.assert_frame_equal(semua.drop(columns=["nama_koperasi", "kode_desa"]),
                                  satu_satu.drop(columns=["nama_koperasi", "kode_desa"]))
    f = satu_satu[satu_satu["kode_koperasi"] == "F"]
    assert f["nama_koperasi"].tolist() == ["Koperasi Lama"] * 5 + ["Koperasi Baru"]
    e = satu_satu[satu_satu["kode_koperasi"] == "E"]
    assert e["minggu"].tolist() == [pd.Timestamp(minggu(i)) for i in (3, 4, 5)]
    # week 4 is judged on week 3's laporan_terakhir (week 1), which only the kept state carries
    assert e["zona"].tolist() == ["kuning", "merah", "kuning"]
    assert [list(g) for g in e["gerbang"]] == [["laporan_terlambat", "belum_siap_berjalan"],
                                               ["tanpa_laporan_lama", "laporan_terlambat"], ["belum_siap_berjalan"]]
    # the latest week scored again after a full rescoring, which keeps the two latest states:
    # it continues from the state before it, and gives the same
    jalur.clear()
    rules.skor(con, aturan, minggu(5))
    assert jalur == [True]
    pd.testing.assert_frame_equal(semua, con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df())
    # a new week continues from the latest state; corrected files for it (B's progress
    # revised, twice) continue from the state before it, kept beside the latest one
    minggu_6 = [dict(baris_baik(k, minggu(6)), tahap_pembangunan="konstruksi", progres_fisik=50.0,
                     status_operasional="belum", gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)
                for k in ("B", "D", "G")]
    tulis(con, minggu_6)
    jalur.clear()
    rules.skor(con, aturan, minggu(6))
    assert jalur == [True]
    for progres in (55.0, 60.0):
        con.execute("DELETE FROM laporan WHERE minggu = $m AND kode_koperasi = 'B'", {"m": minggu(6)}).fetchall()
        tulis(con, [dict(minggu_6[0], progres_fisik=progres)])
        jalur.clear()
        rules.skor(con, aturan, minggu(6))
        assert jalur == [True]
    dikoreksi = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    assert dikoreksi.query("kode_koperasi == 'G'")["minggu_di_zona"].tolist() == [1]
    rules.skor(con, aturan)
    pd.testing.assert_frame_equal(dikoreksi, con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df())


def test_a_load_scores_a_new_or_replaced_latest_week_alone_and_an_earlier_one_with_every_week(tmp_path, monkeypatch):
    from kdkmp import ingest

    con = db(tmp_path, riwayat("A", 3) + riwayat("B", 3, nib=False))
    rules.skor(con, rules.muat_aturan())
    semua = []
    asli = ingest.skor_ulang_semua
    monkeypatch.setattr(ingest, "skor_ulang_semua", lambda *a: semua.append(1) or asli(*a))
    tulis(con, [baris_baik("A", minggu(3)), baris_baik("B", minggu(3), nib=False)])
    ingest.skor_setelah_muat(con, minggu(3))  # the new week has no zones yet: still one week
    con.execute("DELETE FROM laporan WHERE minggu = $m AND kode_koperasi = 'B'", {"m": minggu(3)}).fetchall()
    tulis(con, [baris_baik("B", minggu(3))])
    ingest.skor_setelah_muat(con, minggu(3))  # a corrected latest week: one week
    assert semua == []
    satu = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    con.execute("DELETE FROM laporan WHERE minggu = $m AND kode_koperasi = 'B'", {"m": minggu(1)}).fetchall()
    ingest.skor_setelah_muat(con, minggu(1))  # an earlier week changes the later ones' look-back
    assert semua == [1]
    rules.skor(con, rules.muat_aturan())
    assert satu.query("minggu == @minggu(3)")["zona"].tolist() == ["hijau", "hijau"]
    assert con.execute("SELECT zona FROM zona WHERE minggu = $m ORDER BY kode_koperasi", {"m": minggu(1)}).fetchall() == [
        ("hijau",), (rules.TIDAK_MELAPOR,)]


# ------------------------------------------------------------------ on demo data (fast path = reference)

@pytest.fixture(scope="module")
def demo_kecil(tmp_path_factory):
    """8 demo weeks of NTB and one kabupaten of Jawa Timur (~1,600 koperasi): every gate and check
    type the default rules use occurs, including 6-week stagnation."""
    jalur = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.bangun(jalur, jumlah_minggu=8, wilayah_kode=["52", "35.09"])
    return jalur


STABILITAS_UJI = [(1, 1), (3, 2)]  # off, and windows longer than the default


def _beda_zona(con) -> tuple[int, int]:
    """Rows of zona missing from the saved copy `awal`, and the other way round (exact, lists included)."""
    a = con.execute("SELECT count(*) FROM (SELECT * FROM zona EXCEPT ALL SELECT * FROM awal)").fetchall()[0][0]
    b = con.execute("SELECT count(*) FROM (SELECT * FROM awal EXCEPT ALL SELECT * FROM zona)").fetchall()[0][0]
    return a, b


@pytest.mark.parametrize("stabil", STABILITAS_UJI)
def test_explaining_once_per_signature_equals_explaining_every_row(demo_kecil, tmp_path, stabil):
    salinan = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_kecil, salinan)
    con = duckdb.connect(str(salinan))
    aturan = aturan_stabilitas(*stabil)
    rules._skor(con, aturan, langsung=True)  # the reference: every row explains itself
    con.execute("CREATE TEMP TABLE awal AS SELECT * FROM zona").fetchall()
    rules.skor(con, aturan)
    assert _beda_zona(con) == (0, 0)
    ragam = con.execute("""SELECT count(DISTINCT zona), count(DISTINCT langkah_berikut),
                                  count(DISTINCT a.id), count(DISTINCT a.teks)
                           FROM zona LEFT JOIN (SELECT unnest(alasan) AS a, minggu, kode_koperasi FROM zona)
                           USING (minggu, kode_koperasi)""").fetchall()[0]
    # the comparison is only worth something if the data exercise many reasons and texts
    assert ragam[0] == 4 and ragam[1] > 20 and ragam[2] >= 20 and ragam[3] > 50, ragam


def test_rows_find_their_signature_by_its_columns_when_hashes_collide(demo_kecil, tmp_path, monkeypatch):
    """Rows find their signature's number by a hash of its columns; were two signatures to share
    one (too rare to meet in data), by the columns themselves: the same rows either way."""
    salinan = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_kecil, salinan)
    con = duckdb.connect(str(salinan))
    aturan = rules.muat_aturan()
    rules.skor(con, aturan)
    con.execute("CREATE TEMP TABLE awal AS SELECT * FROM zona").fetchall()
    dipanggil = []
    monkeypatch.setattr(rules.penilaian, "_hash_ciri_unik", lambda con: dipanggil.append(1) and False)
    rules.skor(con, aturan)
    assert dipanggil and _beda_zona(con) == (0, 0)
    jumlah = con.execute("SELECT count(*), count(DISTINCT id_penjelasan) FROM zona_inti").fetchall()[0]
    assert jumlah[0] > 10_000 and jumlah[1] > 100, jumlah


@pytest.mark.parametrize("stabil", STABILITAS_UJI)
def test_scoring_week_by_week_equals_rescoring_all_on_demo_data(demo_kecil, tmp_path, stabil, monkeypatch):
    salinan = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_kecil, salinan)
    con = duckdb.connect(str(salinan))
    aturan = aturan_stabilitas(*stabil)
    rules.skor(con, aturan)
    con.execute("CREATE TEMP TABLE awal AS SELECT * FROM zona").fetchall()
    minggu_semua = [r[0] for r in con.execute("SELECT DISTINCT minggu FROM laporan ORDER BY 1").fetchall()]
    # as the weekly loads came: the first week alone, then each week added and scored on its own
    con.execute("CREATE TEMP TABLE semua_laporan AS FROM laporan").fetchall()
    con.execute("DELETE FROM laporan WHERE minggu > $m", {"m": minggu_semua[0]}).fetchall()
    rules.skor(con, aturan)
    jalur = []
    asli = penilaian._keadaan_berlaku  # patched where scoring looks it up
    monkeypatch.setattr(penilaian, "_keadaan_berlaku", lambda *a: jalur.append(asli(*a)) or jalur[-1])
    for m in minggu_semua[1:]:
        con.execute("INSERT INTO laporan FROM semua_laporan WHERE minggu = $m", {"m": m}).fetchall()
        rules.skor(con, aturan, m)
    # and a corrected file for the latest week, which continues from the state before it
    rules.skor(con, aturan, minggu_semua[-1])
    assert jalur == [True] * len(minggu_semua)  # every week continued from the kept state
    assert _beda_zona(con) == (0, 0)
    # an earlier week changed: nothing kept to continue from, every week is scored at once
    jalur.clear()
    rules.skor(con, aturan, minggu_semua[2])
    assert jalur == [False] and _beda_zona(con) == (0, 0)
    stagnan = con.execute("SELECT count(*) FROM zona WHERE list_contains(gerbang, 'konstruksi_stagnan')").fetchall()
    assert stagnan[0][0] > 0  # the 6-week look-back did fire somewhere


def test_zona_inti_of_another_layout_is_rebuilt(tmp_path):
    """A database scored by an earlier version, whose zona_inti also stored kecamatan, kabupaten
    and provinsi: the next scoring, even of one week, rebuilds it from laporan."""
    con = db(tmp_path, riwayat("K1", 3) + riwayat("K2", 3, nib=False))
    aturan = rules.muat_aturan()
    rules.skor(con, aturan)
    harap = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    con.execute("ALTER TABLE zona_inti ADD COLUMN kode_provinsi VARCHAR").fetchall()
    con.execute("UPDATE zona_inti SET zona = 'hijau', kode_provinsi = '52'").fetchall()
    assert rules.perlu_skor_ulang(con, aturan)
    rules.skor(con, aturan, minggu(2))
    assert not rules.perlu_skor_ulang(con, aturan)
    pd.testing.assert_frame_equal(con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df(), harap)
    assert harap["kode_provinsi"].eq("52").all() and harap["kode_kabupaten"].eq("52.01").all()


def test_older_physical_zona_table_is_replaced_by_the_view_and_read_only_readers_see_it(demo_kecil, tmp_path):
    salinan = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_kecil, salinan)
    aturan = aturan_stabilitas(1, 1)
    with store.penulisan(salinan) as con:
        rules.skor(con, aturan)
        con.execute("CREATE TEMP TABLE awal AS SELECT * FROM zona").fetchall()
        # the layout before zona_inti: a physical table, here with one stale row
        con.execute("DROP VIEW zona").fetchall()
        con.execute("DROP TABLE zona_inti").fetchall()
        con.execute("CREATE TABLE zona AS SELECT * FROM awal LIMIT 1").fetchall()
        con.execute("UPDATE zona SET zona = 'hijau', langkah_berikut = 'usang'").fetchall()
        assert rules.perlu_skor_ulang(con, aturan)
        terakhir = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
        rules.skor(con, aturan, terakhir)  # one week asked, but nothing to continue from: all weeks
        assert not rules.perlu_skor_ulang(con, aturan)
        assert _beda_zona(con) == (0, 0)
        jenis = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'zona'").fetchall()
        assert jenis == [("VIEW",)]
        ids = con.execute("SELECT id, kunci FROM penjelasan ORDER BY id").fetchall()
        rules.skor(con, aturan, terakhir)  # one week again: existing explanations keep their ids
        assert con.execute("SELECT id, kunci FROM penjelasan ORDER BY id").fetchall() == ids
        assert _beda_zona(con) == (0, 0)
        harap = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    store.tutup_semua()
    baca = store.sambungan_baca(salinan)  # READ_ONLY ATTACH + USE, as the app reads
    try:
        dibaca = baca.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
        kode = harap.loc[harap["alasan"].map(len) > 0, "kode_koperasi"].iloc[0]
        assert queries.penjelasan_koperasi(baca, kode, terakhir)["alasan"]
    finally:
        baca.close()
        store.tutup_semua()
    pd.testing.assert_frame_equal(dibaca, harap)


def test_rules_version_is_stored_and_rescoring_need_detected(tmp_path):
    con = db(tmp_path, riwayat("K1", 2))
    aturan = rules.muat_aturan()
    assert rules.perlu_skor_ulang(con, aturan)
    rules.skor(con, aturan)
    assert not rules.perlu_skor_ulang(con, aturan)
    assert store.baca_meta(con, "versi_aturan") == aturan.versi
    assert con.execute("SELECT DISTINCT versi_aturan FROM zona").fetchall() == [(aturan.versi,)]
    lain = rules.muat_aturan_teks(aturan.teks.replace("hari: 21", "hari: 28"))
    assert rules.perlu_skor_ulang(con, lain)
    tulis(con, [baris_baik("K1", minggu(2))])
    assert rules.perlu_skor_ulang(con, aturan)  # a loaded week without zones


# ------------------------------------------------------------------ property

PERBAIKAN = [("musdesus", True), ("pengurus_lengkap", True), ("pendamping_ba", True), ("badan_hukum", True),
             ("nib", True), ("npwp", True), ("rekening_bank", True), ("masuk_portal", True),
             ("jumlah_anggota", 50), ("kendala_utama", "tidak_ada"), ("gerai_aktif", 7),
             ("omzet_bulanan", 50_000_000), ("tunggakan_persen", 0.0), ("progres_fisik", 100.0)]

koperasi_acak = st.fixed_dictionaries({
    "musdesus": st.booleans(), "pengurus_lengkap": st.booleans(), "pendamping_ba": st.booleans(),
    "badan_hukum": st.booleans(), "nib": st.booleans(), "npwp": st.booleans(), "rekening_bank": st.booleans(),
    "masuk_portal": st.booleans(), "jumlah_anggota": st.integers(0, 40),
    "status_lahan": st.sampled_from(kontrak.ENUM_STATUS_LAHAN), "tahap_pembangunan": st.sampled_from(kontrak.ENUM_TAHAP),
    "progres_fisik": st.sampled_from([0.0, 20.0, 50.0, 75.0, 99.0, 100.0]),
    "kendala_utama": st.sampled_from(kontrak.ENUM_KENDALA), "status_operasional": st.sampled_from(kontrak.ENUM_OPERASIONAL),
    "gerai_aktif": st.integers(0, 7), "omzet_bulanan": st.one_of(st.none(), st.integers(0, 10_000_000)),
    "tunggakan_persen": st.one_of(st.none(), st.floats(0, 100)),
})


@settings(max_examples=30, deadline=None)
@given(koperasi=st.lists(koperasi_acak, min_size=1, max_size=6))
def test_improving_one_indicator_never_worsens_the_zone(koperasi):
    # Each koperasi is zoned on its own rows alone, so the two versions of every koperasi (A as
    # drawn, B with one indicator improved) share one database: one scoring per example, not two.
    urut = {z: i for i, z in enumerate(rules.SEMUA_ZONA)}
    baris = []
    for i, k in enumerate(koperasi):
        for j, (kolom, nilai) in enumerate(PERBAIKAN):
            baris.append(baris_baik(f"A{i}_{j}", W0, **k))
            baris.append(baris_baik(f"B{i}_{j}", W0, **{**k, kolom: nilai}))
    con = duckdb.connect()  # in memory: nothing here is about the file
    store.pastikan_skema(con)
    tulis(con, baris)
    rules.skor(con, rules.muat_aturan())
    zona = dict(con.execute("SELECT kode_koperasi, zona FROM zona").fetchall())
    con.close()
    assert len(zona) == len(baris)
    for kode, sebelum in zona.items():
        if kode.startswith("A"):
            sesudah = zona["B" + kode[1:]]
            assert urut[sesudah] <= urut[sebelum], (kode, sebelum, sesudah)


# ------------------------------------------------------------------ validation

SALAH = [
    ("kolom_tidak_dikenal.yaml", "pilar.infrastruktur.indikator[1].kolom", 13, "mungkin maksudnya 'progres_fisik'"),
    ("cek_tidak_dikenal.yaml", "pilar.legalitas_kepatuhan.indikator[0].cek", 9, "jenis cek 'sama_dengan' tidak dikenal"),
    ("bobot_bukan_angka.yaml", "pilar.kelembagaan.bobot", 5, "harus angka"),
    ("ambang_terbalik.yaml", "zona.hijau.skor_total", 14, "lebih longgar daripada batas kuning"),
    ("id_ganda.yaml", "pilar.kelembagaan.indikator[1].id", 12, "id 'musdesus' sudah dipakai"),
    ("pilar_tidak_dikenal.yaml", "pilar.keuangan", 3, "pilar 'keuangan' tidak dikenal"),
    ("nilai_enum_salah.yaml", "pilar.infrastruktur.indikator[0].nilai[1]", 10, "nilai 'sengketa' tidak ada"),
    ("termasuk_hilang.yaml", "pilar.infrastruktur.indikator[0].termasuk", 7, "termasuk: true"),
    ("yaml_rusak.yaml", "(akar)", 5, "YAML tidak dapat dibaca"),
]


@pytest.mark.parametrize("nama, jalur, baris, kata", SALAH)
def test_invalid_rules_are_refused_with_path_line_and_fix(nama, jalur, baris, kata):
    with pytest.raises(rules.AturanTidakValid) as e:
        rules.muat_aturan(DATA / nama)
    pesan = str(e.value)
    assert f"baris {baris}, {jalur}:" in pesan
    assert kata in pesan
    assert "Perbaikan:" in pesan


STABILITAS_SALAH = [
    # (the stability block, the key refused, words of the message)
    ("  minggu_keluar:\n    merah: -1\n    kuning: 2\n", "stabilitas.minggu_keluar.merah", "-1 minggu tidak mungkin"),
    ("  minggu_keluar:\n    merah: 30\n    kuning: 2\n", "stabilitas.minggu_keluar.merah", "lebih panjang dari riwayat"),
    ("  minggu_keluar:\n    merah: 2\n    oranye: 2\n", "stabilitas.minggu_keluar.oranye", "zona 'oranye' tidak dikenal"),
    ("  minggu_keluar:\n    merah: 2\n    hijau: 2\n", "stabilitas.minggu_keluar.hijau", "hijau adalah zona terbaik"),
    ("  minggu_keluar_merah: 2\n", "stabilitas.minggu_keluar_merah", "kunci tidak dikenal"),
]


@pytest.mark.parametrize("blok, jalur, kata", STABILITAS_SALAH)
def test_a_bad_stability_window_is_refused_with_path_line_and_fix(blok, jalur, kata):
    teks = Path("config/zones.yaml").read_text(encoding="utf-8")
    bawaan = "  minggu_keluar:\n    merah: 2\n    kuning: 2\n"
    teks = teks.replace(bawaan, blok)
    # the line of the refused key, counted in the text itself
    kunci = jalur.rsplit(".", 1)[1] + ":"
    awal = teks.index("\nstabilitas:")
    baris = teks[:teks.index(kunci, awal)].count("\n") + 1
    with pytest.raises(rules.AturanTidakValid) as e:
        rules.muat_aturan_teks(teks)
    pesan = str(e.value)
    assert f"baris {baris}, {jalur}:" in pesan and kata in pesan and "Perbaikan:" in pesan


def test_movement_windows_out_of_range_are_refused():
    teks = Path("config/zones.yaml").read_text(encoding="utf-8")
    with pytest.raises(rules.AturanTidakValid) as e:
        rules.muat_aturan_teks(teks.replace("  minggu_kronis: 4", "  minggu_kronis: 1"))
    assert "pergerakan.minggu_kronis" in str(e.value) and "rentang 2–12" in str(e.value)


@pytest.mark.parametrize("salah", ["ambang_terbalik.yaml", "stabilitas negatif"])
def test_invalid_rules_leave_previous_scores_intact(tmp_path, salah):
    # Through the path a user takes (`python -m kdkmp score --rules FILE`): the file is refused
    # with its path and line, and the database, zones included, stays byte for byte.
    import hashlib
    import subprocess
    import sys

    from kdkmp import ingest, snapshot
    from tests.snapshot_factory import frame_contoh

    path = tmp_path / "kdkmp.duckdb"
    ingest.simpan(snapshot.validasi_frame(frame_contoh(5)), isi_file=None, nama_file="a.csv", db_path=path)
    store.tutup_semua()
    sebelum = hashlib.sha256(path.read_bytes()).hexdigest()
    berkas = DATA / salah
    if not berkas.exists():  # the default rules with a negative stability window
        berkas = tmp_path / "stabilitas_negatif.yaml"
        berkas.write_text(Path("config/zones.yaml").read_text(encoding="utf-8")
                          .replace("    merah: 2\n    kuning: 2\n", "    merah: -2\n    kuning: 2\n"), encoding="utf-8")
    hasil = subprocess.run([sys.executable, "-m", "kdkmp", "score", "--rules", str(berkas),
                            "--db", str(path)], cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                           text=True)
    assert hasil.returncode == 2 and berkas.name in hasil.stderr and "baris" in hasil.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sebelum


def test_main_rules_check_prints_ok_summary_or_error(capsys):
    assert rules.main_rules_check(None) == 0
    keluar = capsys.readouterr().out
    assert keluar.startswith("OK:") and "Gerbang (7)" in keluar and "skor total ≥ 76" in keluar
    assert rules.main_rules_check(str(DATA / "id_ganda.yaml")) == 1
    assert "sudah dipakai" in capsys.readouterr().err


def test_every_check_type_is_used_or_documented_in_the_default_file():
    import re

    teks = Path("config/zones.yaml").read_text(encoding="utf-8")
    for nama in rules.CEK:
        # a whole word: "min" inside "minggu" does not count
        assert re.search(rf"(?<![\w]){re.escape(nama)}(?![\w])", teks), \
            f"jenis cek '{nama}' tidak disebut di config/zones.yaml"


# ------------------------------------------------------------------ version

def test_version_changes_with_content_not_with_comments_or_whitespace():
    asli = Path("config/zones.yaml").read_text(encoding="utf-8")
    v = rules.muat_aturan_teks(asli).versi
    rapi = "# komentar baru\n" + asli.replace("bobot: 20", "bobot:   20   # diubah komentarnya") + "\n\n"
    assert rules.muat_aturan_teks(rapi).versi == v
    assert rules.muat_aturan_teks(asli.replace("bobot: 20", "bobot: 21")).versi != v
    assert len(v) == 12


# ------------------------------------------------------------------ what-if

def test_what_if_equals_direct_rescoring_and_writes_nothing(tmp_path):
    baris = (riwayat("A", 3) + riwayat("B", 3, nib=False, npwp=False, rekening_bank=False)
             + riwayat("C", 1) + riwayat("D", 3, **TERTUNDA))
    con = db(tmp_path, baris)
    rules.skor(con, rules.muat_aturan())
    zona_sebelum = con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df()
    tabel_sebelum = con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
    kandidat = (Path("config/zones.yaml").read_text(encoding="utf-8")
                .replace("min: 76", "min: 99").replace("hari: 14", "hari: 7"))

    h = rules.bagaimana_jika(con, kandidat)

    pd.testing.assert_frame_equal(zona_sebelum, con.execute("SELECT * FROM zona ORDER BY minggu, kode_koperasi").df())
    assert con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall() == tabel_sebelum
    salinan = duckdb.connect(str(tmp_path / "salinan.duckdb"))
    store.pastikan_skema(salinan)
    tulis(salinan, baris)
    rules.skor(salinan, rules.muat_aturan_teks(kandidat))
    langsung = dict(salinan.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = $m", {"m": minggu(2)}).fetchall())
    sekarang = dict(con.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = $m", {"m": minggu(2)}).fetchall())
    harapan = pd.crosstab(pd.Series([sekarang[k] for k in sorted(langsung)]), pd.Series([langsung[k] for k in sorted(langsung)]))
    for z_now in harapan.index:
        for z_new in harapan.columns:
            assert h.matriks.loc[z_now, z_new] == harapan.loc[z_now, z_new]
    assert int(h.matriks.to_numpy().sum()) == 4
    assert list(h.matriks.index) == list(rules.SEMUA_ZONA) and list(h.matriks.columns) == list(rules.SEMUA_ZONA)
    berubah = {k for k in langsung if langsung[k] != sekarang[k]}
    assert set(h.berubah["kode_koperasi"]) == berubah and berubah  # something did change
    assert {"nama_koperasi", "kode_provinsi", "kode_kabupaten", "zona_sekarang", "zona_kandidat"} <= set(h.berubah.columns)
    assert h.per_provinsi["n"].sum() == 4


def test_what_if_refuses_invalid_candidate(tmp_path):
    con = db(tmp_path, riwayat("K1", 1))
    with pytest.raises(rules.AturanTidakValid):
        rules.bagaimana_jika(con, (DATA / "ambang_terbalik.yaml").read_text(encoding="utf-8"))
