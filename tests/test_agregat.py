"""The area aggregates (kdkmp/agregat.py) give the numbers the raw rows give, after every way the
zones change: a new database, a kabupaten's reload (with a koperasi that moved to another
kecamatan), a withdrawn and a restored week, a rescoring under other rules; a database without
them, or with aggregates the writer did not refresh, is read from the rows. The expected numbers
are counted here with pandas from `zona_inti` and `laporan`, never through kdkmp.queries."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kdkmp import agregat, ingest, kontrak, queries, rules, snapshot, store
from kdkmp.kosakata import PILAR, SEMUA_ZONA

LOMBOK_BARAT = "52.01"
# national, a province, a kabupaten and one of its kecamatan (filled from the data below)
WILAYAH = [None, "52", LOMBOK_BARAT]


@pytest.fixture
def db(db_demo, tmp_path) -> Path:
    salinan = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, salinan)
    yield salinan
    store.tutup_semua()


# ---------------------------------------------------------------- counted from the rows

def _baris(db: Path) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        zona = con.execute(f"""SELECT minggu, kode_koperasi, zona, pergerakan, pilar_terlemah, kode_desa,
                                      {", ".join(f"skor_{p}" for p in PILAR)} FROM zona_inti""").df()
        lap = con.execute("""SELECT minggu, kode_koperasi, kode_desa, kendala_utama, tahap_pembangunan, masuk_portal,
                                    latitude, longitude FROM laporan""").df()
        minggu = [r[0] for r in con.execute("SELECT DISTINCT minggu FROM batch WHERE status = 'aktif' ORDER BY 1")
                  .fetchall()]
    for df in (zona, lap):
        df["minggu"] = pd.to_datetime(df["minggu"]).dt.date
    return zona, lap, minggu


def _di(df: pd.DataFrame, kode: str | None) -> pd.DataFrame:
    return df if kode is None else df[df["kode_desa"].str.startswith(kode + ".")]


def _hitung(df: pd.DataFrame, *kolom) -> dict:
    return {k: int(n) for k, n in df.groupby(list(kolom)).size().items()} if len(df) else {}


def _panjang_anak(kode: str | None) -> int:
    return {None: 2, 2: 5, 5: 8}[None if kode is None else len(kode)]


def periksa_sama_dengan_baris(db: Path, pakai_agregat: bool, sekaligus: bool = False) -> None:
    """Every area query on every week and area equals the counts from the rows; with `sekaligus`,
    as the app reads them (the data version known: every area of a level read at once)."""
    zona, lap, semua_minggu = _baris(db)
    kecamatan = sorted(lap.loc[lap["kode_desa"].str.startswith(LOMBOK_BARAT + "."), "kode_desa"].str[:8])[0]
    con = store.sambungan_baca(db)
    versi = queries.agregat_diketahui(None, (str(db), store.identitas_file(db)) if sekaligus else None)
    versi.__enter__()
    try:
        assert agregat.berlaku(con) is pakai_agregat
        for i, minggu in enumerate(semua_minggu):
            lalu = semua_minggu[i - 1] if i else None
            z, lp = zona[zona["minggu"] == minggu], lap[lap["minggu"] == minggu]
            z_lalu = zona[zona["minggu"] == lalu]
            for kode in (*WILAYAH, kecamatan):
                zw, lw = _di(z, kode), _di(lp, kode)
                pesan = f"minggu {minggu}, wilayah {kode}"
                h = queries.hitung_zona(con, minggu, kode)
                assert h["zona"] == {s: _hitung(zw, "zona").get(s, 0) for s in SEMUA_ZONA}, pesan
                if lalu:
                    assert h["zona_lalu"] == {s: _hitung(_di(z_lalu, kode), "zona").get(s, 0) for s in SEMUA_ZONA}, pesan
                assert h["melapor"] == len(lw), pesan
                assert queries.hitung_pergerakan(con, minggu, kode) == {
                    g: int((zw["pergerakan"] == g).sum()) for g in rules.PERGERAKAN}, pesan
                pindah = zw.merge(z_lalu[["kode_koperasi", "zona"]], on="kode_koperasi", how="left",
                                  suffixes=("", "_lalu")).fillna({"zona_lalu": "baru"})
                t = queries.transisi_zona(con, minggu, kode)
                assert dict(zip(zip(t["zona_lalu"], t["zona_kini"]), t["jumlah"])) == _hitung(
                    pindah, "zona_lalu", "zona"), pesan
                k = queries.kendala_per_zona(con, minggu, kode)
                gabung = lw.merge(z[["kode_koperasi", "zona"]], on="kode_koperasi")
                assert dict(zip(zip(k["kendala_utama"], k["zona"]), k["jumlah"])) == _hitung(
                    gabung, "kendala_utama", "zona"), pesan
                dinilai = zw[zw["zona"] != "tidak_melapor"]
                pilar = queries.rata_pilar(con, minggu, kode).set_index("pilar")
                for p in PILAR:
                    rata = dinilai[f"skor_{p}"].mean()  # a mean of exactly x.x5 may be shown either way
                    assert abs(pilar.loc[p, "skor_rata"] - rata) <= 0.05 + 1e-9 or (pd.isna(rata) and pd.isna(
                        pilar.loc[p, "skor_rata"])), pesan
                    assert pilar.loc[p, "jumlah_terlemah"] == (dinilai["pilar_terlemah"] == p).sum(), pesan
                r = queries.ringkasan(con, minggu, kode)
                assert (r["jumlah_koperasi"], r["masuk_portal"]) == (len(lw), int(lw["masuk_portal"].sum())), pesan
                for kolom in ("tahap_pembangunan", "kendala_utama"):
                    assert r[kolom] == {v: _hitung(lw, kolom).get(v, 0) for v in kontrak.KOLOM_PER_NAMA[kolom].nilai}
                if kode == kecamatan:
                    continue  # its children are desa: read from the rows whatever the aggregates
                n = _panjang_anak(kode)
                anak = queries.zona_per_anak(con, minggu, kode).set_index("kode")
                harap = _hitung(zw.assign(anak=zw["kode_desa"].str[:n]), "anak", "zona")
                assert {(a, s): int(anak.loc[a, s]) for a in anak.index for s in SEMUA_ZONA
                        if anak.loc[a, s]} == harap, pesan
                rekap = queries.rekap_anak(con, minggu, kode).set_index("kode")
                lw_anak = lw.assign(anak=lw["kode_desa"].str[:n])
                assert {a: int(x) for a, x in rekap["jumlah_koperasi"].items() if x} == _hitung(lw_anak, "anak"), pesan
                assert {(a, v): int(rekap.loc[a, f"kendala_{v}"]) for a in rekap.index
                        for v in kontrak.KOLOM_PER_NAMA["kendala_utama"].nilai
                        if rekap.loc[a, f"kendala_{v}"]} == _hitung(lw_anak, "anak", "kendala_utama"), pesan
                posisi = lw_anak[lw_anak["latitude"].notna()].groupby("anak")[["latitude", "longitude"]].mean()
                peta = queries.titik_peta(con, minggu, kode).set_index("kode")
                for a, (lat, lon) in posisi.iterrows():
                    assert peta.loc[a, "lat"] == pytest.approx(lat, abs=1e-9), pesan
                    assert peta.loc[a, "lon"] == pytest.approx(lon, abs=1e-9), pesan
            if i == len(semua_minggu) - 1:
                lengkap = queries.kelengkapan_wilayah(con, minggu, None, "kecamatan").set_index("kode")
                assert {a: int(x) for a, x in lengkap["melapor"].items() if x} == _hitung(
                    lp.assign(anak=lp["kode_desa"].str[:8]), "anak")
        for kode in (*WILAYAH, kecamatan):
            tren = queries.tren_zona(con, kode)
            assert dict(zip(zip(tren["minggu"].dt.date, tren["zona"]), tren["jumlah"])) == _hitung(
                _di(zona, kode), "minggu", "zona"), f"tren {kode}"
    finally:
        versi.__exit__(None, None, None)
        con.close()


# ---------------------------------------------------------------- what changes zones

def muat_lombok_barat(db: Path, minggu_demo: list, indeks: int = -1) -> None:
    """Lombok Barat's file again for a week: other facts (zones move), one koperasi fewer, and one
    koperasi reported from a desa in another kecamatan (its zone rows and its reports then sit
    in different kecamatan for earlier weeks)."""
    minggu, frame = minggu_demo[indeks]
    lobar = frame[frame["kode_desa"].str.startswith(LOMBOK_BARAT + ".")].copy().iloc[:-1]
    lobar["progres_fisik"] = 3.0
    lobar["jumlah_anggota"] = 4
    kecamatan = lobar["kode_desa"].str[:8]
    lain = lobar.index[kecamatan != kecamatan.iloc[0]][0]
    lobar.loc[lobar.index[0], "kode_desa"] = lobar.loc[lain, "kode_desa"]
    hasil = snapshot.validasi_frame(lobar, wilayah_muat=LOMBOK_BARAT)
    assert hasil.baris_dimuat == len(lobar)
    ingest.simpan(hasil, isi_file=None, nama_file="lobar.csv", db_path=db, ganti=True, wilayah=LOMBOK_BARAT)
    store.tutup_semua()


@pytest.mark.parametrize("sekaligus", [False, True])
def test_a_new_database_s_aggregates_equal_the_rows(db, sekaligus):
    periksa_sama_dengan_baris(db, pakai_agregat=True, sekaligus=sekaligus)


@pytest.mark.parametrize("sekaligus", [False, True])
def test_a_kabupaten_reload_of_the_latest_week_refreshes_that_week(db, minggu_demo, sekaligus):
    muat_lombok_barat(db, minggu_demo)
    periksa_sama_dengan_baris(db, pakai_agregat=True, sekaligus=sekaligus)


def test_a_kabupaten_reload_of_an_earlier_week_and_a_withdrawal_and_restore(db, minggu_demo):
    muat_lombok_barat(db, minggu_demo, indeks=1)
    periksa_sama_dengan_baris(db, pakai_agregat=True)
    minggu = minggu_demo[2][0]
    ingest.tarik(minggu, alasan="uji agregat", oleh="uji", db_path=db)
    periksa_sama_dengan_baris(db, pakai_agregat=True)
    ingest.pulihkan(minggu, oleh="uji", db_path=db)
    periksa_sama_dengan_baris(db, pakai_agregat=True)


def test_a_rescoring_under_other_rules(db):
    teks = rules.JALUR_BAWAAN.read_text()
    assert teks.count("nilai: 30 ") == 1
    aturan = rules.muat_aturan_teks(teks.replace("nilai: 30 ", "nilai: 60 "))
    with store.penulisan(db) as con:
        ingest.skor_ulang_semua(con, aturan)
    periksa_sama_dengan_baris(db, pakai_agregat=True)


def test_a_database_without_aggregates_is_read_from_the_rows_and_gets_them_on_the_next_load(db, minggu_demo):
    with duckdb.connect(str(db)) as con:
        for t in agregat.TABEL:
            con.execute(f"DROP TABLE {t}")
    periksa_sama_dengan_baris(db, pakai_agregat=False)
    muat_lombok_barat(db, minggu_demo)
    periksa_sama_dengan_baris(db, pakai_agregat=True)


def test_zones_changed_without_refreshing_the_aggregates_are_read_from_the_rows(db):
    # e.g. a writer of an older version: a withdrawal rescored without touching the aggregates
    with store.penulisan(db) as con:
        minggu = con.execute("SELECT max(minggu) FROM batch WHERE status = 'aktif'").fetchall()[0][0]
        store.tarik_minggu(con, minggu, alasan="uji", oleh="uji")
        store.izinkan_skor_ulang(con)
        rules.skor(con, rules.muat_aturan())
    periksa_sama_dengan_baris(db, pakai_agregat=False)


def test_the_aggregates_and_the_rows_give_identical_frames(db, minggu_demo, monkeypatch):
    # the same figures to the last digit, also a pillar mean that lies exactly on a rounding tie
    muat_lombok_barat(db, minggu_demo)
    con = store.sambungan_baca(db)
    minggu = queries.daftar_minggu(con)
    kueri = [queries.ringkasan, queries.rekap_anak, queries.hitung_zona, queries.zona_per_anak, queries.kendala_per_zona,
             queries.transisi_zona, queries.hitung_pergerakan, queries.rata_pilar, queries.titik_peta,
             queries.kelengkapan_wilayah, queries.kendala_per_anak]
    hasil = {}
    for pakai in (True, False):
        monkeypatch.setattr(agregat, "berlaku", lambda con, pakai=pakai: pakai)
        hasil[pakai] = [f(con, m, w) for m in minggu for w in WILAYAH for f in kueri] + [
            queries.tren_zona(con, w) for w in WILAYAH]
    for a, b in zip(hasil[True], hasil[False]):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)  # map positions: sums of doubles
        else:
            assert a == b


def test_every_area_of_a_level_read_at_once_gives_each_area_s_own_frames(db, minggu_demo):
    # the app reads a level's figures for all its areas once per data version and cuts each area's
    # rows out: the same frames, to the last bit and dtype, as reading that area alone; and a new
    # version (a reload of Lombok Barat) is read again, not served from the old one
    kueri = [queries.hitung_zona, queries.zona_per_anak, queries.rekap_anak, queries.posisi_anak,
             queries.kendala_per_zona, queries.transisi_zona, queries.hitung_pergerakan, queries.rata_pilar]
    for putaran in range(2):
        con = store.sambungan_baca(db)
        minggu = queries.daftar_minggu(con)
        provinsi = [r[0] for r in con.execute("SELECT DISTINCT kode_provinsi FROM laporan ORDER BY 1").fetchall()]
        kabupaten = [r[0] for r in con.execute("SELECT DISTINCT kode_kabupaten FROM laporan ORDER BY 1").fetchall()]
        kecamatan = [r[0] for r in con.execute("SELECT DISTINCT kode_kecamatan FROM laporan ORDER BY 1").fetchall()]
        # areas without a report too: a province, a kabupaten and a kecamatan of the reference that have none
        kosong = [k for k in ("11", "11.01", "11.01.01") if k not in (*provinsi, *kabupaten, *kecamatan)]
        assert kosong
        versi = (str(db), store.identitas_file(db))
        dibandingkan = 0
        for m in (minggu[0], minggu[-1]):
            for w in (*provinsi, *kabupaten, *kecamatan[:20], *kosong):
                daftar = [*kueri, lambda con, m, w: queries.tren_zona(con, w)]
                if len(w) == 8:
                    daftar = [f for f in daftar if f not in (queries.zona_per_anak, queries.rekap_anak,
                                                             queries.posisi_anak)]  # children are desa: rows
                for f in daftar:
                    with queries.agregat_diketahui(True, None):
                        sendiri = f(con, m, w)
                    with queries.agregat_diketahui(True, versi):
                        sekaligus = f(con, m, w)
                    if isinstance(sendiri, pd.DataFrame):
                        pd.testing.assert_frame_equal(sekaligus, sendiri, check_exact=True, obj=f"{m} {w}")
                    else:
                        assert sekaligus == sendiri, (m, w)
                    dibandingkan += 1
        assert dibandingkan > 500
        con.close()
        if putaran == 0:
            muat_lombok_barat(db, minggu_demo)


# ---------------------------------------------------------------- a scoped refresh

def _sama_dengan_bangun_ulang(db: Path) -> None:
    """The aggregates equal a full rebuild's, row for row (EXCEPT ALL both ways)."""
    store.tutup_semua()
    with duckdb.connect(str(db)) as con:
        con.execute("BEGIN")
        for t in agregat.TABEL:
            con.execute(f"CREATE TEMP TABLE lama_{t} AS FROM {t}")
        agregat.bangun_ulang(con)
        for t in agregat.TABEL:
            assert con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] > 0, t
            for a, b in ((t, f"lama_{t}"), (f"lama_{t}", t)):
                assert con.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchall()[0][0] == 0, (a, b)
        con.execute("ROLLBACK")


def _catat_kecamatan_ditulis(monkeypatch) -> list:
    """The kecamatan each rewrite covered (None: whole weeks)."""
    ditulis = []
    asli = agregat._bangun
    monkeypatch.setattr(agregat, "_bangun", lambda con, minggu, kecamatan: (ditulis.append(kecamatan),
                                                                           asli(con, minggu, kecamatan))[1])
    return ditulis


def test_a_scoped_reload_rewrites_only_its_kecamatan_and_equals_a_full_rebuild(db, minggu_demo, monkeypatch):
    ditulis = _catat_kecamatan_ditulis(monkeypatch)
    muat_lombok_barat(db, minggu_demo)
    assert len(ditulis) == 1 and ditulis[0], ditulis  # scoped, and no repair by a whole week
    assert all(k.startswith(LOMBOK_BARAT + ".") for k in ditulis[0])
    periksa_sama_dengan_baris(db, pakai_agregat=True)
    _sama_dengan_bangun_ulang(db)


@pytest.mark.parametrize("dibaca_sebelumnya", [True, False])
def test_a_koperasi_that_left_its_kecamatan_is_counted_where_it_is_now(db, dibaca_sebelumnya, monkeypatch):
    # a koperasi's latest report and zone row move to a kecamatan in another province (as a
    # corrected file may place it); told its kecamatan before, the refresh rewrites both; not told,
    # the old kecamatan counts one row too many, which the check finds and a whole week repairs
    ditulis = _catat_kecamatan_ditulis(monkeypatch)
    with store.penulisan(db) as con:
        minggu, kop, desa = con.execute("""SELECT minggu, kode_koperasi, kode_desa FROM zona_inti
                                           WHERE minggu = (SELECT max(minggu) FROM zona_inti) AND kode_desa LIKE '52.%'
                                           ORDER BY kode_koperasi LIMIT 1""").fetchall()[0]
        lain = con.execute("SELECT min(kode_desa) FROM zona_inti WHERE kode_desa LIKE '61.%'").fetchall()[0][0]
        lama = {desa[:8]} if dibaca_sebelumnya else set()
        con.execute("UPDATE zona_inti SET kode_desa = $d WHERE minggu = $m AND kode_koperasi = $k",
                    {"d": lain, "m": minggu, "k": kop})
        con.execute("""UPDATE laporan SET kode_desa = $d, kode_kecamatan = left($d, 8), kode_kabupaten = left($d, 5),
                              kode_provinsi = left($d, 2) WHERE minggu = $m AND kode_koperasi = $k""",
                    {"d": lain, "m": minggu, "k": kop})
        con.execute("UPDATE agregat_minggu SET cap = 'lama' WHERE minggu = $m", {"m": minggu})  # as after a load
        agregat.segarkan(con, (minggu, [kop], lama))
    assert ditulis == ([{desa[:8], lain[:8]}] if dibaca_sebelumnya else [{lain[:8]}, None])
    periksa_sama_dengan_baris(db, pakai_agregat=True)
    _sama_dengan_bangun_ulang(db)
