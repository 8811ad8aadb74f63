"""Honest movement, worked by hand: seven koperasi in Kecamatan Gerung (Lombok Barat, NTB) over
eight weeks, loaded week by week through the real upload path and scored with
tests/data/skenario/aturan.yaml (score 100 / 60 / 20 from nib and npwp, a lahan gate, the
14- and 21-day no-report gates, stability 2 reported weeks, baru merah and kronis 4 weeks).

Every expected value is in tests/data/skenario/minggu.csv, one row per koperasi and week,
worked out by hand from these definitions (the `mengapa` column says why where it is not
obvious), never copied from what the engine prints:
- raw rank of a reported week: the score's zone, worsened by any gate that fires; a week
  without a report has a raw rank only when a gate fires (the no-report gates);
- a reported week's zone: merah if one of the koperasi's last 2 REPORTED weeks (this one
  included) was raw merah, else kuning if one was raw kuning or worse, else hijau; weeks
  without a report are skipped;
- a week without a report: grey (tidak_melapor) when no gate fires, else the worse of the
  gate's zone and the zone of the last reported week (silence never improves a zone);
- minggu_di_zona: weeks since the koperasi entered the zone, counting every loaded week, grey
  ones too; only a zoned week of another zone breaks a run; a grey week: its grey run;
- baru_merah: merah, and none of the previous 4 zoned (non-grey) weeks merah;
- pulih: hijau or kuning, and the previous zoned week merah;
- merah_kronis: merah with minggu_di_zona >= 4.

The koperasi (A-G): A flaps kuning/merah; B is long merah and misses one week; C is merah and
goes silent four weeks; D recovers merah -> kuning -> hijau; E is hijau when a gate fires once;
F relapses to merah after five zoned weeks out of it; G is hijau and goes silent until the
no-report gates make it kuning, then merah, then reports hijau again.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kdkmp import ingest, kontrak, kosakata, queries, rules, store
from tests.snapshot_factory import baris_contoh

DATA = Path(__file__).parent / "data" / "skenario"
ATURAN = DATA / "aturan.yaml"
TABEL = DATA / "minggu.csv"

MINGGU = [date(2026, 9, 28) + timedelta(weeks=i) for i in range(8)]  # eight consecutive Mondays

# Real desa of Kecamatan Gerung, Kabupaten Lombok Barat (52.01.01): kode_desa must exist in the
# reference or the row is rejected.
DESA = {
    "A-KEDIP": "52.01.01.2002",  # Kebon Ayu
    "B-MERAH-LAMA": "52.01.01.2003",  # Gapuk
    "C-SENYAP-MERAH": "52.01.01.2005",  # Suka Makmur
    "D-PULIH": "52.01.01.2006",  # Banyu Urip
    "E-GERBANG": "52.01.01.2007",  # Babussalam
    "F-KAMBUH": "52.01.01.2008",  # Dasan Tapen
    "G-SENYAP-HIJAU": "52.01.01.2009",  # Beleka
}
KOLOM_MASUKAN = ("nib", "npwp", "status_lahan", "tahap_pembangunan", "laporan_terakhir")
JENIS_GERAK = ("baru_merah", "pulih", "merah_kronis")

# The week totals, counted by hand a second time from the story of each koperasi (not from the
# table), so that a slip in one row of minggu.csv shows up here before it is blamed on the engine:
# (hijau, kuning, merah, tidak_melapor), (baru_merah, pulih, merah_kronis).
TOTAL_TANGAN = {
    date(2026, 9, 28): ((2, 2, 3, 0), (3, 0, 0)),  # B, C, F merah in their first week
    date(2026, 10, 5): ((2, 0, 5, 0), (2, 0, 0)),  # A and D turn merah
    date(2026, 10, 12): ((2, 1, 4, 0), (0, 1, 0)),  # F out after two kuning reports
    date(2026, 10, 19): ((0, 1, 4, 2), (1, 0, 1)),  # E's gate; C and G silent; B 4 weeks
    date(2026, 10, 26): ((1, 2, 3, 1), (0, 1, 2)),  # D out; B silent; A and C chronic
    date(2026, 11, 2): ((2, 1, 4, 0), (1, 1, 3)),  # G merah by the 21-day gate; E out
    date(2026, 11, 9): ((3, 1, 3, 0), (0, 1, 3)),  # G reports hijau
    date(2026, 11, 16): ((3, 1, 3, 0), (1, 1, 2)),  # F relapses; A out at last
}


@pytest.fixture(scope="module")
def tabel() -> pd.DataFrame:
    t = pd.read_csv(TABEL, dtype=str, keep_default_na=False)
    t["minggu"] = t["minggu"].map(date.fromisoformat)
    t["melapor"] = t["nib"] != ""  # an empty input row = the koperasi sent no report that week
    return t


def harapan(tabel: pd.DataFrame, minggu: date) -> dict:
    """What the dashboard must show for one week, from the hand table."""
    t = tabel[tabel["minggu"] == minggu]
    gerak = {"baru_merah": t["pergerakan"] == "baru_merah", "pulih": t["pergerakan"] == "pulih",
             "merah_kronis": t["kronis"] == "ya"}
    return {
        "zona": {r.kode_koperasi: (r.zona, int(r.minggu_di_zona)) for r in t.itertuples()},
        "jumlah_zona": {z: int((t["zona"] == z).sum()) for z in kosakata.SEMUA_ZONA},
        "pergerakan": {j: int(g.sum()) for j, g in gerak.items()},
        "daftar": {j: sorted(t.loc[g, "kode_koperasi"]) for j, g in gerak.items()},
    }


def amatan(con, minggu: date) -> dict:
    """What the dashboard shows for one week: the zona view and the page's movement queries."""
    baris = con.execute("SELECT kode_koperasi, zona, minggu_di_zona FROM zona WHERE minggu = $m",
                        {"m": minggu}).fetchall()
    return {
        "zona": {k: (z, d) for k, z, d in baris},
        "jumlah_zona": queries.hitung_zona(con, minggu)["zona"],
        "pergerakan": queries.hitung_pergerakan(con, minggu),
        "daftar": {j: sorted(queries.daftar_intervensi(con, minggu, saringan=(("gerak", j),))["kode_koperasi"]) for j in JENIS_GERAK},
    }


def selisih(tabel: pd.DataFrame, minggu: date, aktual: dict) -> list[str]:
    """Each difference as one line naming the koperasi and the hand reasoning, empty when equal."""
    harap = harapan(tabel, minggu)
    mengapa = {r.kode_koperasi: r.mengapa for r in tabel[tabel["minggu"] == minggu].itertuples()}
    beda = []
    for kode in sorted(set(harap["zona"]) | set(aktual["zona"])):
        h, a = harap["zona"].get(kode), aktual["zona"].get(kode)
        if h != a:
            beda.append(f"{minggu} {kode}: (zona, minggu_di_zona) {a}, harap {h} — {mengapa.get(kode, '')}")
    for bagian in ("jumlah_zona", "pergerakan", "daftar"):
        if harap[bagian] != aktual[bagian]:
            beda.append(f"{minggu} {bagian}: {aktual[bagian]}, harap {harap[bagian]}")
    return beda


def tulis_snapshot(folder: Path, tabel: pd.DataFrame, minggu: date) -> Path:
    """The week's file as an office sends it: every contract column, one row per reporting koperasi."""
    baris = []
    for r in tabel[(tabel["minggu"] == minggu) & tabel["melapor"]].itertuples():
        baris.append(baris_contoh(
            DESA[r.kode_koperasi], r.kode_koperasi, tanggal_data=minggu, nib=r.nib, npwp=r.npwp,
            status_lahan=r.status_lahan, tahap_pembangunan=r.tahap_pembangunan,
            # the BA's visit is the week's Monday unless the table says otherwise
            laporan_terakhir=r.laporan_terakhir or minggu))
    path = folder / f"laporan_{minggu.isoformat()}.csv"
    pd.DataFrame(baris, columns=list(kontrak.NAMA_KOLOM)).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def dimuat(tmp_path_factory, tabel):
    """The database after loading the eight weeks one by one with muat_file, and what the
    dashboard showed for each week right after its load."""
    folder = tmp_path_factory.mktemp("skenario")
    db = folder / "kdkmp.duckdb"
    terlihat = {}
    with pytest.MonkeyPatch.context() as mp:
        # a load scores with rules.muat_aturan() without a path, i.e. the default rules file
        # (named in the module that reads it)
        mp.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
        for minggu in MINGGU:
            hasil = ingest.muat_file(tulis_snapshot(folder, tabel, minggu), db_path=db, minggu=minggu)
            assert (hasil.minggu, hasil.baris_ditolak) == (minggu, 0)
            assert hasil.baris_dimuat == int(tabel.loc[tabel["minggu"] == minggu, "melapor"].sum())
            terlihat[minggu] = amatan(store.sambungan_baca(db), minggu)
    yield db, terlihat
    store.tutup_semua()


def test_hand_table_agrees_with_the_hand_counted_week_totals(tabel):
    # every koperasi has a row in every week, a silent week has no input at all, and the
    # table's week totals are the ones counted separately above
    assert sorted(tabel.groupby("kode_koperasi")["minggu"].apply(sorted).apply(tuple).unique()) == [tuple(MINGGU)]
    assert set(tabel["kode_koperasi"]) == set(DESA)
    diam = tabel[~tabel["melapor"]]
    assert (diam[list(KOLOM_MASUKAN)] == "").all().all()
    assert set(tabel["zona"]) <= set(kosakata.SEMUA_ZONA)
    for minggu, (zona, gerak) in TOTAL_TANGAN.items():
        h = harapan(tabel, minggu)
        assert tuple(h["jumlah_zona"][z] for z in kosakata.SEMUA_ZONA) == zona, minggu
        assert tuple(h["pergerakan"][j] for j in JENIS_GERAK) == gerak, minggu


def test_rules_file_of_the_scenario_is_valid():
    aturan = rules.muat_aturan(ATURAN)
    assert aturan.label_versi == "skenario-pergerakan-1"


@pytest.mark.parametrize("minggu", MINGGU, ids=[m.isoformat() for m in MINGGU])
def test_each_weekly_load_shows_the_hand_worked_week(dimuat, tabel, minggu):
    # what the pages showed for this week right after its file was loaded (scored alone)
    _, terlihat = dimuat
    beda = selisih(tabel, minggu, terlihat[minggu])
    assert not beda, "\n".join(beda)


def test_every_week_stored_after_the_last_load_is_the_hand_worked_one(dimuat, tabel):
    # later loads must not have changed the earlier weeks away from the hand table
    db, _ = dimuat
    con = store.sambungan_baca(db)
    assert con.execute("SELECT count(*) FROM zona").fetchall()[0][0] == len(tabel)
    beda = [b for m in MINGGU for b in selisih(tabel, m, amatan(con, m))]
    assert not beda, "\n".join(beda)


def test_rescoring_every_week_at_once_gives_the_hand_worked_weeks(dimuat, tabel, tmp_path):
    # the path of a rules change or a withdrawn week: all weeks scored in one go must give the
    # same zones, runs and movements as the weekly loads did. The stored zones are deleted
    # first, so that everything read below comes from this rescoring.
    db, _ = dimuat
    salinan = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db, salinan)
    with store.penulisan(salinan) as con:
        con.execute("DELETE FROM zona_inti").fetchall()
        rules.skor(con, rules.muat_aturan(ATURAN))
    con = store.sambungan_baca(salinan)
    assert con.execute("SELECT count(*) FROM zona").fetchall()[0][0] == len(tabel)
    beda = [b for m in MINGGU for b in selisih(tabel, m, amatan(con, m))]
    assert not beda, "\n".join(beda)
