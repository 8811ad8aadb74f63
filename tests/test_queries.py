"""Read side on a real demo database (NTB, Kalimantan Barat, Jember; 4 weeks)."""

from __future__ import annotations

from datetime import date

import pytest

from kdkmp import kosakata, queries, store, wilayah

MINGGU = date(2026, 11, 16)


@pytest.fixture
def con(db_demo):
    kursor = store.sambungan_baca(db_demo)
    yield kursor
    kursor.close()


def test_ntb_shows_the_published_figures_in_the_last_week(con):
    r = queries.ringkasan(con, wilayah="52")
    assert (r["minggu"], r["jumlah_koperasi"], r["masuk_portal"]) == ("2026-11-16", 1166, 454)
    assert r["tahap_pembangunan"]["konstruksi"] == 249 and r["tahap_pembangunan"]["tertunda"] == 176
    k = r["kendala_utama"]
    assert k["lahan"] > k["cuaca"] > k["tenaga_kerja"] > k["teknis_lainnya"]


def test_summary_accepts_every_level_and_both_code_spellings(con):
    desa = wilayah.desa().query("kode_kabupaten == '35.09'")["kode_desa"].iloc[0]
    for kode in ("35", "35.09", desa[:8], desa, desa.replace(".", "")):
        r = queries.ringkasan(con, wilayah=kode)
        assert r["wilayah"] == wilayah.normalisasi_kode(kode)
        assert r["jumlah_koperasi"] >= 1
    assert queries.ringkasan(con, wilayah="35.09")["jumlah_koperasi"] == 248


def test_unknown_area_is_refused(con):
    with pytest.raises(wilayah.KodeTidakDikenal):
        queries.ringkasan(con, wilayah="99.99")


def test_children_recap_covers_every_province_and_adds_up(con):
    rekap = queries.rekap_anak(con)
    assert len(rekap) == 38
    assert rekap["jumlah_koperasi"].sum() == queries.ringkasan(con)["jumlah_koperasi"]
    tahap = rekap[[c for c in rekap.columns if c.startswith("tahap_")]].sum(axis=1)
    assert (tahap == rekap["jumlah_koperasi"]).all()
    assert rekap.set_index("kode").loc["52", "jumlah_desa"] == 1166


def test_zone_counts_add_up_and_compare_with_last_week(con):
    z = queries.hitung_zona(con, MINGGU, "52")
    assert sum(z["zona"].values()) == z["jumlah"] == (z["melapor"] + z["tanpa_laporan_dizonakan"]
                                                       + z["zona"]["tidak_melapor"])
    assert z["melapor"] == con.execute("SELECT count(*) FROM laporan WHERE minggu = ? AND kode_provinsi = '52'",
                                       [MINGGU]).fetchall()[0][0]
    assert z["jumlah_desa"] == 1166
    assert z["minggu_lalu"] == date(2026, 11, 9) and sum(z["zona_lalu"].values()) > 0


def test_zones_per_child_sum_to_the_area(con):
    anak = queries.zona_per_anak(con, MINGGU, "52")
    assert len(anak) == len(wilayah.anak("52"))
    z = queries.hitung_zona(con, MINGGU, "52")
    for zona in kosakata.SEMUA_ZONA:
        assert anak[zona].sum() == z["zona"][zona]
    assert anak["persen_merah"].between(0, 100).all()


def test_transitions_count_every_koperasi_of_this_week(con):
    t = queries.transisi_zona(con, MINGGU, "61")
    assert t["jumlah"].sum() == queries.hitung_zona(con, MINGGU, "61")["jumlah"]
    assert set(t["zona_kini"]) <= set(kosakata.SEMUA_ZONA)


def test_movement_counts_match_their_lists(con):
    # each count's list is the intervention list filtered by that movement (what the links open)
    hitung = queries.hitung_pergerakan(con, MINGGU, "52")
    for jenis, n in hitung.items():
        daftar = queries.daftar_intervensi(con, MINGGU, "52", (("gerak", jenis),))
        assert len(daftar) == n
        if jenis != "pulih":
            assert (daftar["zona"] == "merah").all()


def test_trend_has_every_week(con):
    tren = queries.tren_zona(con, "35.09")
    assert sorted(set(tren["minggu"].dt.date)) == sorted(queries.daftar_minggu(con))


def test_weakest_pillar_comes_first(con):
    pilar = queries.rata_pilar(con, MINGGU, "52")
    assert list(pilar["pilar"])[0] == pilar.dropna().sort_values("skor_rata")["pilar"].iloc[0]


def test_map_points_lie_in_indonesia(con):
    for kode in (None, "52", "52.01"):
        titik = queries.titik_peta(con, MINGGU, kode)
        assert len(titik) > 0
        assert titik["lat"].between(-11.5, 6.5).all() and titik["lon"].between(94.5, 141.5).all()


def test_intervention_list_defaults_to_merah_by_priority(con):
    daftar = queries.daftar_intervensi(con, MINGGU, "52")
    assert (daftar["zona"] == "merah").all()
    assert len(daftar) == queries.hitung_zona(con, MINGGU, "52")["zona"]["merah"]
    assert daftar["alasan_utama"].notna().all()


@pytest.mark.parametrize("saringan", [
    (("zona", "merah"), ("kendala", "lahan")),
    (("zona", "merah"), ("tahap", "tertunda")),
    (("zona", "kuning"), ("pilar", "infrastruktur")),
    (("zona", "merah"), ("min_minggu", "2")),
    (("zona", "merah"), ("gerak", "baru_merah")),
    (("zona", "merah"), ("gerak", "merah_kronis")),
    (("gerak", "pulih"),),
    (("zona", "merah"), ("alasan", "lahan_bermasalah_tertunda")),
])
def test_every_filter_narrows_the_list(con, saringan):
    semua = queries.daftar_intervensi(con, MINGGU, "52", saringan[:-1])
    sempit = queries.daftar_intervensi(con, MINGGU, "52", saringan)
    assert set(sempit["kode_koperasi"]) <= set(semua["kode_koperasi"])
    kunci, nilai = saringan[-1]
    if kunci == "kendala":
        assert (sempit["kendala_utama"] == nilai).all() and len(sempit) > 0
    if kunci == "tahap":
        assert (sempit["tahap_pembangunan"] == nilai).all() and len(sempit) > 0
    if kunci == "pilar":
        assert (sempit["pilar_terlemah"] == nilai).all()
    if kunci == "min_minggu":
        assert (sempit["minggu_di_zona"] >= int(nilai)).all()
    if kunci == "gerak":  # the list behind each movement count is exactly that count
        assert len(sempit) == queries.hitung_pergerakan(con, MINGGU, "52")[nilai] > 0
        assert set(sempit["zona"]) <= ({"kuning", "hijau"} if nilai == "pulih" else {"merah"})


def test_completeness_shows_full_reporting_where_the_calibration_says_so(con):
    kab = queries.kelengkapan_wilayah(con, MINGGU, "52", "kabupaten")
    assert (kab["melapor"] == kab["diharapkan"]).all() and kab["diharapkan"].sum() == 1166
    semua = queries.kelengkapan_wilayah(con, MINGGU, None, "kabupaten")
    assert len(semua) == 514 and (semua.query("provinsi == 'Aceh'")["melapor"] == 0).all()


def test_reporting_rate_per_province_per_week(con):
    t = queries.tingkat_lapor_provinsi(con)
    assert len(t) == 38 * len(queries.daftar_minggu(con))
    assert t.query("kode == '52' and minggu == @MINGGU")["tingkat_lapor"].iloc[0] == 100.0


def test_batches_and_stamp(con):
    cap = queries.cap_data(con, MINGGU)
    assert cap["batch_id"] is not None and cap["versi_aturan"]
    assert len(queries.penolakan_per_batch(con)) == 4


def test_koperasi_detail_and_history(con):
    kode = queries.daftar_intervensi(con, MINGGU, "52")["kode_koperasi"].iloc[0]
    laporan = queries.laporan_koperasi(con, kode, MINGGU)
    assert laporan["kode_koperasi"] == kode and laporan["nama_provinsi"] == "Nusa Tenggara Barat"
    riwayat = queries.riwayat_koperasi(con, kode)
    assert riwayat["zona"].iloc[-1] == "merah"
    assert queries.laporan_koperasi(con, "TIDAK-ADA", MINGGU) is None


@pytest.mark.parametrize("minggu, n", [(date(2026, 11, 9), 1), (date(2026, 11, 9), 2), (MINGGU, 2)])
def test_silent_koperasi_are_exactly_those_without_a_report_in_the_last_weeks(con, minggu, n):
    lap = con.execute("SELECT kode_koperasi, minggu FROM laporan WHERE minggu <= ?", [minggu]).df()
    terakhir = lap.groupby("kode_koperasi")["minggu"].max().dt.date
    harap = {k for k, m in terakhir.items() if (minggu - m).days >= 7 * n}
    hasil = queries.koperasi_tanpa_laporan(con, minggu, None, n)
    assert set(hasil["kode_koperasi"]) == harap
    assert (hasil["minggu_tanpa_laporan"] >= n).all()


def test_melapor_counts_reports_received_and_gate_zoned_silent_koperasi_apart(tmp_path):
    # worked by hand: A reports every week; B reports in week 0 only, so by week 3 it is 21 days
    # silent and the no-report gate makes it merah; C reports in weeks 0-2 and misses week 3
    # (7 days: grey). Week 3: one report received, one zoned without a report, one grey.
    from tests.test_rules import db, minggu, riwayat

    con = db(tmp_path, riwayat("A", 4) + riwayat("B", 1) + riwayat("C", 3))
    from kdkmp import rules

    rules.skor(con, rules.muat_aturan())
    z = queries.hitung_zona(con, minggu(3))
    assert (z["melapor"], z["tanpa_laporan_dizonakan"], z["zona"]["tidak_melapor"], z["jumlah"]) == (1, 1, 1, 3)
    assert z["zona"]["merah"] == 1
    # the summary (summary --json) carries the same stamp and B's move to merah this week
    ringkas = queries.ringkasan(con, minggu(3))
    assert ringkas["jumlah_koperasi"] == 1 and ringkas["tanpa_laporan_dizonakan"] == 1
    assert ringkas["pergerakan"] == {"baru_merah": 1, "pulih": 0, "merah_kronis": 0}


# ---------------------------------------------------------------- a week of several files (issue 15)

@pytest.fixture
def dua_file(db_demo, tmp_path):
    """A copy of the demo whose latest week is the national file plus Lombok Barat's own file
    (one koperasi fewer): (db, rows of the national file, Lombok Barat's rows in it, rows of its file)."""
    import shutil

    from kdkmp import demo, ingest, snapshot

    db = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, db)
    from tests.conftest import MINGGU_UJI, WILAYAH_UJI

    minggu, frame = list(demo.frame_minggu_semua(MINGGU_UJI, wilayah_kode=WILAYAH_UJI))[-1]
    assert minggu == MINGGU
    lobar = frame[frame["kode_desa"].str.startswith("52.01.")]
    file = lobar.iloc[:-1]
    hasil = snapshot.validasi_frame(file, wilayah_muat="52.01")
    ingest.simpan_rinci(hasil, isi_file=None, nama_file="lobar.csv", db_path=db, ganti=True, dimuat_oleh="lobar",
                        wilayah="52.01")
    yield db, len(frame), len(lobar), len(file)
    store.tutup_semua()


def test_the_stamp_of_a_week_of_two_files_counts_both_and_names_the_latest(dua_file):
    from kdkmp import format as fmt

    db, nasional, lobar_lama, lobar_baru = dua_file
    cap = queries.cap_data(store.sambungan_baca(db), MINGGU)
    total = nasional - lobar_lama + lobar_baru
    assert (cap["baris"], cap["jumlah_file"], cap["nama_file"], cap["dimuat_oleh"]) == (total, 2, "lobar.csv", "lobar")
    assert fmt.dimuat(cap).startswith(f"{fmt.angka(total)} baris dari 2 file (terakhir: lobar.csv, ")
    assert fmt.dimuat(cap).endswith(" oleh lobar)")
    satu = queries.cap_data(store.sambungan_baca(db), date(2026, 11, 9))
    assert satu["jumlah_file"] == 1 and fmt.dimuat(satu).startswith(f"{fmt.angka(satu['baris'])} baris, dimuat ")
    assert queries.cap_data(store.sambungan_baca(db), date(2025, 6, 2))["batch_id"] is None


def test_the_week_list_shows_a_week_of_two_files_once_also_when_withdrawn(dua_file):
    from kdkmp import ingest

    db, nasional, lobar_lama, lobar_baru = dua_file
    total = nasional - lobar_lama + lobar_baru
    daftar = queries.minggu_dan_penarikan(store.sambungan_baca(db))
    assert daftar["minggu"].dt.date.tolist() == [MINGGU, date(2026, 11, 9), date(2026, 11, 2), date(2026, 10, 26)]
    r = daftar.iloc[0]
    assert (list(r["batch"]), r["jumlah_file"], r["baris"], r["nama_file"]) == ([4, 5], 2, total, "lobar.csv")
    ingest.tarik(MINGGU, alasan="uji", oleh="Sari", db_path=db)
    daftar = queries.minggu_dan_penarikan(store.sambungan_baca(db))
    r = daftar.iloc[0]
    assert (r["status"], list(r["batch"]), r["baris"], r["ditarik_oleh"], r["alasan"]) == (
        "ditarik", [4, 5], total, "Sari", "uji")
    assert len(daftar) == 4


def test_minggu_daftar_prints_a_week_of_two_files_on_one_line(dua_file, capsys):
    from kdkmp import cli

    db, nasional, lobar_lama, lobar_baru = dua_file
    assert cli.main(["minggu", "daftar", "--db", str(db)]) == 0
    baris = [b for b in capsys.readouterr().out.splitlines() if b.strip().startswith(MINGGU.isoformat())]
    total = f"{nasional - lobar_lama + lobar_baru:,}".replace(",", ".")
    assert len(baris) == 1
    assert f"batch 4, 5  2 file, terakhir lobar.csv  {total} baris  dimuat " in baris[0] and baris[0].endswith("oleh lobar")
