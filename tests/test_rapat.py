"""The weekly meeting: headline sentences from a hand-written scenario, and the figures read from
a small database whose answers are counted by hand."""

from __future__ import annotations

import urllib.parse
from datetime import date

import pytest

from kdkmp import queries, rapat, rules, store
from tests.test_rules import baris_baik, db, minggu

# A province of three kabupaten, worked by hand:
#   A: 40 of 100 zoned koperasi merah (40,0 %), 30 last week → +10, the largest move
#   B: 15 of 50 merah (30,0 %), 16 last week → −1
#   C: no koperasi zoned this week (all grey) → left out of "paling berat"
# The province: 55 merah of 150 zoned (36,7 %), 46 last week → naik 9.
SKENARIO = rapat.DataRapat(
    nama="Provinsi Contoh", minggu=date(2026, 11, 16), dinilai=150, merah=55, merah_lalu=46,
    pergerakan={"baru_merah": 12, "pulih": 3, "merah_kronis": 30},
    anak=[rapat.AnakRapat("Kabupaten A", 100, 40, 30), rapat.AnakRapat("Kabupaten B", 50, 15, 16),
          rapat.AnakRapat("Kabupaten C", 0, 0, 0)],
    peringkat=(5, 38, "provinsi"), persen_nasional=20.1, masih_merah=(46, 40))


def test_headline_sentences_of_a_hand_written_province():
    assert rapat.kalimat_utama(SKENARIO) == [
        "Merah naik 9 menjadi 55 (36,7 % dari 150 koperasi yang dinilai); 12 baru merah, 3 pulih, "
        "30 merah kronis (≥ 4 minggu).",
        "Kabupaten A paling berat: 40,0 % merah (40 koperasi).",
        "Kabupaten A paling banyak bergerak: merah naik 10 menjadi 40.",
        "Peringkat 5 dari 38 provinsi menurut persentase merah (1 = terberat); nasional 20,1 %.",
        "Dari 46 koperasi merah minggu lalu, 40 masih merah (87,0 %).",
    ]


def test_headline_with_koperasi_back_in_merah_adds_up():
    # Kabupaten Lombok Barat as the user test read it, worked by hand: 48 merah, 44 last week, all 44
    # still merah, 3 baru merah and 1 back in merah after a silent week: 44 + 3 + 1 = 48
    d = rapat.DataRapat(nama="Kabupaten Lombok Barat", minggu=date(2026, 11, 16), dinilai=120, merah=48,
                        merah_lalu=44, pergerakan={"baru_merah": 3, "kembali_merah": 1, "pulih": 0, "merah_kronis": 40},
                        masih_merah=(44, 44), kembali_setelah_diam=1)
    assert rapat.kalimat_utama(d) == [
        "Merah naik 4 menjadi 48 (40,0 % dari 120 koperasi yang dinilai); 3 baru merah, 1 kembali merah "
        "(1 setelah tidak melapor), 0 pulih, 40 merah kronis (≥ 4 minggu).",
        "Dari 44 koperasi merah minggu lalu, 44 masih merah (100,0 %)."]
    # back from kuning or hijau: no word about silence
    kambuh = rapat.DataRapat(nama="Kabupaten X", minggu=date(2026, 11, 16), dinilai=10, merah=3, merah_lalu=2,
                             pergerakan={"baru_merah": 0, "kembali_merah": 2, "pulih": 1, "merah_kronis": 0},
                             masih_merah=(2, 1))
    assert rapat.kalimat_utama(kambuh)[0] == (
        "Merah naik 1 menjadi 3 (30,0 % dari 10 koperasi yang dinilai); 0 baru merah, 2 kembali merah, 1 pulih, "
        "0 merah kronis (≥ 4 minggu).")


def test_headline_without_a_week_before_or_any_change():
    pertama = rapat.DataRapat(nama="Nasional", minggu=date(2026, 11, 16), dinilai=1200, merah=300, merah_lalu=None,
                              pergerakan={"baru_merah": 300, "pulih": 0, "merah_kronis": 0})
    assert rapat.kalimat_utama(pertama) == [
        "Merah 300 (25,0 % dari 1.200 koperasi yang dinilai); 300 baru merah, 0 pulih, 0 merah kronis (≥ 4 minggu)."]
    tetap = rapat.DataRapat(nama="Kabupaten X", minggu=date(2026, 11, 16), dinilai=10, merah=2, merah_lalu=2,
                            pergerakan={"baru_merah": 0, "pulih": 0, "merah_kronis": 2},
                            anak=[rapat.AnakRapat("Kecamatan P", 10, 2, 2)], tingkat_anak="kecamatan")
    assert rapat.kalimat_utama(tetap)[1:] == ["Kecamatan P paling berat: 20,0 % merah (2 koperasi).",
                                             "Tidak ada kecamatan yang jumlah merahnya berubah."]


def test_headline_of_an_area_without_merah_or_without_anyone_zoned():
    # two kecamatan, 7 and 3 zoned, none merah: no "paling berat" at 0 %
    tanpa_merah = rapat.DataRapat(nama="Kabupaten Y", minggu=date(2026, 11, 16), dinilai=10, merah=0, merah_lalu=1,
                                  pergerakan={"baru_merah": 0, "pulih": 1, "merah_kronis": 0},
                                  anak=[rapat.AnakRapat("Kecamatan P", 7, 0, 1), rapat.AnakRapat("Kecamatan Q", 3, 0, 0)],
                                  tingkat_anak="kecamatan")
    assert rapat.kalimat_utama(tanpa_merah)[:3] == [
        "Merah turun 1 menjadi 0 (0,0 % dari 10 koperasi yang dinilai); 0 baru merah, 1 pulih, 0 merah kronis (≥ 4 minggu).",
        "Tidak ada kecamatan dengan koperasi merah.",
        "Kecamatan P paling banyak bergerak: merah turun 1 menjadi 0."]
    # a desa whose one koperasi, merah last week, sent nothing and no gate zoned it
    diam = rapat.DataRapat(nama="Desa/Kelurahan Z", minggu=date(2026, 11, 16), dinilai=0, merah=0, merah_lalu=1,
                           pergerakan={"baru_merah": 0, "pulih": 0, "merah_kronis": 0}, masih_merah=(1, 0))
    assert rapat.kalimat_utama(diam) == [
        "Merah turun 1 menjadi 0 (tidak ada koperasi yang dinilai minggu ini); 0 baru merah, 0 pulih, 0 merah kronis "
        "(≥ 4 minggu).", "Dari 1 koperasi merah minggu lalu, 0 masih merah (0,0 %)."]


def muat_minggu(tmp_path, db_path, minggu_, baris: dict[str, dict]) -> None:
    """One week's file through the real load path: {kode_koperasi: changed columns}."""
    import pandas as pd

    from kdkmp import ingest, wilayah
    from tests.snapshot_factory import baris_contoh

    desa = sorted(d for d in wilayah.desa()["kode_desa"] if d.startswith("52.01.01."))
    isi = [baris_contoh(desa[i], kode, tanggal_data=minggu_, laporan_terakhir=minggu_, **ubah)
           for i, (kode, ubah) in enumerate(baris.items())]
    berkas = tmp_path / f"{minggu_}.csv"
    pd.DataFrame(isi).to_csv(berkas, index=False)
    ingest.muat_file(berkas, db_path=db_path, minggu=minggu_)


def test_the_figures_of_a_small_kabupaten_counted_by_hand(tmp_path):
    # Two weeks, three koperasi in Kecamatan Gerung of Lombok Barat (52.01.01):
    #   K1 merah both weeks (gate: lahan bermasalah + tertunda) → still merah
    #   K2 merah in week 1, then qualifies for hijau in week 2: held merah by stability → still merah
    #   K3 hijau both weeks
    # so merah 2 → 2 of 3 zoned; last week's 2 merah are both still merah; no baru merah in week 2.
    tertunda = dict(status_lahan="bermasalah", tahap_pembangunan="tertunda", progres_fisik=0,
                    status_operasional="belum", gerai_aktif=0, omzet_bulanan=None, tunggakan_persen=None)
    db_path = tmp_path / "kdkmp.duckdb"
    w1, w2 = date(2026, 11, 9), date(2026, 11, 16)
    muat_minggu(tmp_path, db_path, w1, {"KDKMP-T1": tertunda, "KDKMP-T2": tertunda, "KDKMP-T3": {}})
    muat_minggu(tmp_path, db_path, w2, {"KDKMP-T1": tertunda, "KDKMP-T2": {}, "KDKMP-T3": {}})
    con = store.sambungan_baca(db_path)
    d = rapat.susun(con, w2, "52.01")
    assert (d.dinilai, d.merah, d.merah_lalu) == (3, 2, 2)
    assert d.pergerakan == {"baru_merah": 0, "kembali_merah": 0, "pulih": 0, "merah_kronis": 0}
    assert d.masih_merah == (2, 2)
    assert [(a.nama, a.dinilai, a.merah, a.merah_lalu) for a in d.anak if a.dinilai] == [("Gerung", 3, 2, 2)]
    assert d.peringkat == (1, 1, "kabupaten/kota")  # the only kabupaten of NTB with reports
    assert rapat.kalimat_utama(d)[0] == ("Merah tetap 2 (66,7 % dari 3 koperasi yang dinilai); 0 baru merah, "
                                         "0 kembali merah, 0 pulih, 0 merah kronis (≥ 4 minggu).")
    con.close()


def test_a_scope_below_the_peers_gets_no_rank_rather_than_their_data(tmp_path):
    from kdkmp import akses

    con = db(tmp_path, [baris_baik("K1", minggu(0))])
    rules.skor(con, rules.muat_aturan())
    d = rapat.susun(con, minggu(0), "52.01.01", cakupan="52.01.01")
    assert d.peringkat is None and d.merah == 0
    with pytest.raises(akses.AksesDitolak):
        rapat.susun(con, minggu(0), "52.01", cakupan="52.01.01")
    assert queries.masih_merah(con, minggu(0), "52.01") == (0, 0)


def test_pareto_of_reasons_counted_by_hand():
    import pandas as pd

    # 10 merah koperasi in two kabupaten: A has 6 (4 with gate g, 5 with check c), B has 4 (all c,
    # 1 with g). Totals: c 9 (90,0 %), g 5 (50,0 %); A's column first (more reasons)
    alasan = pd.DataFrame({"kode": ["A", "A", "B", "B"], "id": ["g", "c", "c", "g"], "jumlah": [4, 5, 4, 1]})
    anak = pd.DataFrame({"kode": ["A", "B"], "nama": ["Kab A", "Kab B"]})
    tabel = rapat.pareto(alasan, anak, {"g": "Gerbang G", "c": "Cek C"}, merah=10)
    assert tabel.to_dict("list") == {"Alasan": ["Cek C", "Gerbang G"], "Koperasi merah": [9, 5],
                                     "% merah": [90.0, 50.0], "Kab A": [5, 4], "Kab B": [4, 1]}


def test_every_reason_id_the_rules_can_give_has_a_label():
    aturan = rules.muat_aturan()
    label = rapat.label_alasan(aturan)
    assert {g.id for g in aturan.model.gerbang} <= set(label) and "stabilitas" in label
    # config/zones.yaml, worked by hand: the status lahan family (in siap/verifikasi, = siap, not in
    # bermasalah) passes only "siap", so its one reason is "bukan siap"; the others fail one way
    assert label["lahan_teridentifikasi"] == "Status lahan bukan siap (Infrastruktur & pembangunan fisik)"
    assert label["masuk_portal"] == "Belum terdaftar di SIMKOPDES (Legalitas & kepatuhan)"
    assert label["kendala_bukan_lahan"] == "Kendala utama: lahan (Infrastruktur & pembangunan fisik)"
    assert label["gerai_berjalan"] == "Gerai aktif kurang dari 3 (Operasional & kesehatan usaha)"  # ≥ 1 and ≥ 3
    assert label["tunggakan_terkendali"] == "Tunggakan lebih dari 10 % (Operasional & kesehatan usaha)"
    # never the rule's own wording, which read aloud sounds like the opposite of the problem
    assert [v for v in label.values() if " = " in v or "salah satu dari" in v or "bukan:" in v or "≥" in v] == []


# What is wrong when checks fail, written by hand from each check's meaning (the negation of what
# passes; a family of one value fails when any of its checks fails, so it passes only what all allow).
S = rules.model.Syarat
MASALAH = [
    ([S(kolom="nib", cek="equals", nilai=True)], "belum NIB"),
    ([S(kolom="masuk_portal", cek="equals", nilai=True)], "belum terdaftar di SIMKOPDES"),
    ([S(kolom="nib", cek="equals", nilai=False)], "sudah NIB"),
    ([S(kolom="kendala_utama", cek="not_in", nilai=["lahan"])], "kendala utama: lahan"),
    # passes siap, verifikasi; fails bermasalah, belum ada: as many fail as pass → the failing ones
    ([S(kolom="status_lahan", cek="in", nilai=["siap", "verifikasi"])], "status lahan: bermasalah atau belum ada"),
    ([S(kolom="status_lahan", cek="equals", nilai="siap")], "status lahan bukan siap"),
    ([S(kolom="status_lahan", cek="in", nilai=["siap", "verifikasi"]),
      S(kolom="status_lahan", cek="equals", nilai="siap"),
      S(kolom="status_lahan", cek="not_in", nilai=["bermasalah"])], "status lahan bukan siap"),
    ([S(kolom="status_lahan", cek="in", nilai=["siap", "verifikasi"]), S(kolom="status_lahan", cek="not_in",
                                                                          nilai=["verifikasi"])],
     "status lahan bukan siap"),
    ([S(kolom="tahap_pembangunan", cek="in", nilai=["persiapan", "konstruksi", "selesai"])],
     "tahap pembangunan: belum mulai atau tertunda"),
    ([S(kolom="progres_fisik", cek="min", nilai=30, termasuk=True)], "progres fisik kurang dari 30 %"),
    ([S(kolom="progres_fisik", cek="min", nilai=0, termasuk=False)], "progres fisik 0 % atau kurang"),
    ([S(kolom="tunggakan_persen", cek="max", nilai=10, termasuk=True)], "tunggakan lebih dari 10 %"),
    ([S(kolom="tunggakan_persen", cek="max", nilai=10, termasuk=False)], "tunggakan 10 % atau lebih"),
    ([S(kolom="jumlah_anggota", cek="min", nilai=9, termasuk=True)], "jumlah anggota kurang dari 9"),
    ([S(kolom="gerai_aktif", cek="min", nilai=1, termasuk=True), S(kolom="gerai_aktif", cek="min", nilai=3,
                                                                   termasuk=True)], "gerai aktif kurang dari 3"),
    ([S(kolom="progres_fisik", cek="between", nilai=[30, 100], termasuk=True)], "progres fisik di luar 30 %–100 %"),
    ([S(kolom="progres_fisik", cek="min", nilai=30, termasuk=True), S(kolom="progres_fisik", cek="max", nilai=90,
                                                                      termasuk=True)],
     "progres fisik di luar 30 %–90 %"),
    ([S(kolom="omzet_bulanan", cek="not_null")], "omzet bulanan tidak dilaporkan"),
    ([S(cek="laporan_dalam_hari", hari=14)], "tidak ada laporan 14 hari atau lebih"),
    ([S(kolom="progres_fisik", cek="tidak_naik", minggu=3)], "progres fisik naik dibanding 3 minggu sebelumnya"),
    ([S(kolom="nib", cek="equals", nilai=True, label="nomor induk berusaha")], "belum nomor induk berusaha"),
]


@pytest.mark.parametrize("syarat, harapan", MASALAH, ids=[h for _, h in MASALAH])
def test_a_reason_says_what_is_wrong_not_the_rule(syarat, harapan):
    from kdkmp.rules.cek import uraikan_masalah

    assert uraikan_masalah(syarat) == harapan


ATURAN_LAHAN = """
version: "uji-alasan"
pilar:
  infrastruktur:
    label: "Infrastruktur"
    bobot: 1
    indikator:
      - {id: "lahan_ada", kolom: "status_lahan", cek: "in", nilai: ["siap", "verifikasi"], poin: 20}
      - {id: "lahan_siap", kolom: "status_lahan", cek: "equals", nilai: "siap", poin: 20}
      - {id: "lahan_aman", kolom: "status_lahan", cek: "not_in", nilai: ["bermasalah"], poin: 20}
      - {id: "kendala", kolom: "kendala_utama", cek: "not_in", nilai: ["lahan", "cuaca"], poin: 20}
      - {id: "portal", kolom: "masuk_portal", cek: "equals", nilai: true, poin: 20}
zona:
  hijau: {skor_total: {min: 76, termasuk: true}, pilar_terendah: {min: 0, termasuk: true}}
  kuning: {skor_total: {min: 50, termasuk: false}, pilar_terendah: {min: 0, termasuk: true}}
"""


def test_a_family_of_checks_is_one_reason_in_the_meeting():
    # the three status lahan checks are one family (one id, the first's) and one problem: only
    # "siap" passes all three; the bottleneck check fails on two of six values; the portal on "belum"
    label = rapat.label_alasan(rules.muat_aturan_teks(ATURAN_LAHAN))
    assert {k: v for k, v in label.items() if k != "stabilitas"} == {
        "lahan_ada": "Status lahan bukan siap (Infrastruktur)",
        "kendala": "Kendala utama: lahan atau cuaca (Infrastruktur)",
        "portal": "Belum terdaftar di SIMKOPDES (Infrastruktur)"}


def test_areas_rank_by_share_of_merah_among_those_zoned():
    import pandas as pd

    # worked by hand: P 50 %, Q 50 % with more merah (ahead of P), R 10 %, S nothing zoned (unranked)
    sejawat = pd.DataFrame({"kode": ["P", "Q", "R", "S"], "melapor": [10, 20, 10, 0], "merah": [5, 10, 1, 0],
                            "persen_merah": [50.0, 50.0, 10.0, None]})
    assert [rapat.urutan_merah(sejawat, k) for k in "PQRS"] == [(2, 3), (1, 3), (3, 3), None]


# ---------------------------------------------------------------- last week's merah and the bottlenecks,
# worked by hand over three weeks in Kabupaten Lombok Barat (52.01), scored with the small rules of
# tests/data/skenario/aturan.yaml: nib + npwp ya → 100 hijau, nib ya only → 60 kuning, neither → 20
# merah; lahan bermasalah + tertunda → merah; the BA's last visit 14 days ago → kuning, 21 → merah;
# leaving a zone takes 2 reported weeks that qualify; a silent week never improves on the last
# report. Meeting week W3 (16 Nov), last week W2 (9 Nov).
#
#   koperasi        desa (kecamatan)          W1      W2                   W3                          kendala W3
#   P merah lama    Gerung Utara (Gerung)     merah   merah                merah (3 weeks)             lahan
#   Q gerbang       Dasan Geres (Gerung)      hijau   merah (gate)         merah (gate, 2 weeks)       lahan
#   R ke kuning     Gerung Selatan (Gerung)   merah   kuning, held merah   kuning (2nd kuning report)  cuaca
#   S ke hijau      Kebon Ayu (Gerung)        merah   hijau, held merah    hijau                       tidak ada
#   T diam          Gapuk (Gerung)            merah   merah                silent, visit 7 days ago:   –
#                                                                          no gate, grey
#   U diam merah    Suka Makmur (Gerung)      merah   merah, but the BA's  silent, visit 14 days ago:  –
#                                                     visit still W1's     kuning gate, held merah
#   V baru merah    Banyu Urip (Gerung)       hijau   hijau                merah                       tenaga kerja
#   X Kediri        Kediri (Kediri)           hijau   merah                merah (2 weeks)             lahan
#   Y Kediri hijau  Montong Are (Kediri)      hijau   hijau                hijau                       cuaca
#   Z Praya         Praya (Lombok Tengah)     merah   merah                merah                       lahan (not 52.01)
#
# In 52.01 now: 9 koperasi, T grey, so 8 zoned, 5 merah (P Q U V X).
# Last week's merah in 52.01: P Q R S T U X = 7; merah now among them: P Q U X = 4.
# Fates, in the meeting's order: masih merah P (3 weeks), then Q and X (2 weeks each: Q's gate goes
# before X's score); merah tanpa laporan U (3); tidak melapor T (2 weeks merah up to last week);
# kuning R (2); hijau S (2).
# Reasons of the 5 merah now: NIB and NPWP fail for P, V (Gerung) and X (Kediri): 3 each, 60 %;
# Q the lahan gate, U held without a report and the lateness gate: 1 each, 20 %, all in Gerung.
# Bottlenecks of the W3 reports: Gerung P lahan, Q lahan, R cuaca, S tidak ada, V tenaga kerja (5
# reporting, 4 with one, most often lahan); Kediri X lahan, Y cuaca (2, a tie broken by the area's
# order: lahan 3 > cuaca 2 > tenaga kerja 1, so lahan). Z lies outside the kabupaten.

W1, W2, W3 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)
MERAH = dict(nib="tidak", npwp="tidak")
KUNING = dict(nib="ya", npwp="tidak")
HIJAU = dict(nib="ya", npwp="ya")
GERBANG = dict(nib="ya", npwp="ya", status_lahan="bermasalah", tahap_pembangunan="tertunda")
DESA_SKENARIO = {"P": "52.01.01.1001", "Q": "52.01.01.1004", "R": "52.01.01.1011", "S": "52.01.01.2002",
                 "T": "52.01.01.2003", "U": "52.01.01.2005", "V": "52.01.01.2006", "X": "52.01.02.2001",
                 "Y": "52.01.02.2002", "Z": "52.02.01.1001"}
# {week: {koperasi: columns}}; a koperasi missing from a week sent no report that week
LAPORAN_SKENARIO = {
    W1: {"P": MERAH, "Q": HIJAU, "R": MERAH, "S": MERAH, "T": MERAH, "U": MERAH, "V": HIJAU, "X": HIJAU, "Y": HIJAU,
         "Z": MERAH},
    W2: {"P": MERAH, "Q": GERBANG, "R": KUNING, "S": HIJAU, "T": MERAH,
         "U": {**MERAH, "laporan_terakhir": W1}, "V": HIJAU, "X": MERAH, "Y": HIJAU, "Z": MERAH},
    W3: {"P": {**MERAH, "kendala_utama": "lahan"}, "Q": {**GERBANG, "kendala_utama": "lahan"},
         "R": {**KUNING, "kendala_utama": "cuaca"}, "S": HIJAU, "V": {**MERAH, "kendala_utama": "tenaga_kerja"},
         "X": {**MERAH, "kendala_utama": "lahan"}, "Y": {**HIJAU, "kendala_utama": "cuaca"},
         "Z": {**MERAH, "kendala_utama": "lahan"}},
}


def bangun_skenario(folder, laporan_per_minggu: dict, desa: dict, minggu: date):
    """Load a hand-written scenario (week → koperasi → how it differs from a plain report) under
    the scenario's rules through the real ingest path; yields (database, the meeting of 52.01 in
    `minggu`)."""
    import pandas as pd

    from kdkmp import ingest, kontrak
    from tests.snapshot_factory import baris_contoh
    from tests.test_skenario_pergerakan import ATURAN

    db_path = folder / "kdkmp.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rules.model, "JALUR_BAWAAN", ATURAN)  # loads and the meeting read the default rules
        for m, laporan in laporan_per_minggu.items():
            baris = [baris_contoh(desa[k], f"KDKMP-{k}", tanggal_data=m,
                                  **{"laporan_terakhir": m, "kendala_utama": "tidak_ada", **ubah})
                     for k, ubah in laporan.items()]
            berkas = folder / f"{m}.csv"
            pd.DataFrame(baris, columns=list(kontrak.NAMA_KOLOM)).to_csv(berkas, index=False)
            assert ingest.muat_file(berkas, db_path=db_path, minggu=m).baris_ditolak == 0
        yield db_path, rapat.susun(store.sambungan_baca(db_path), minggu, "52.01")
    store.tutup_semua()


@pytest.fixture(scope="module")
def db_skenario(tmp_path_factory):
    yield from bangun_skenario(tmp_path_factory.mktemp("rapat_skenario"), LAPORAN_SKENARIO, DESA_SKENARIO, W3)


@pytest.fixture
def con_skenario(db_skenario, monkeypatch):
    """A reader on the scenario's database, its rules the default ones (as when it was loaded)."""
    from tests.test_skenario_pergerakan import ATURAN

    monkeypatch.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
    return store.sambungan_baca(db_skenario[0])


def test_the_scenario_zones_are_the_hand_worked_ones(db_skenario, con_skenario):
    con, d = con_skenario, db_skenario[1]
    zona = dict(con.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = ?", [W3]).fetchall())
    assert zona == {"KDKMP-P": "merah", "KDKMP-Q": "merah", "KDKMP-R": "kuning", "KDKMP-S": "hijau",
                    "KDKMP-T": "tidak_melapor", "KDKMP-U": "merah", "KDKMP-V": "merah", "KDKMP-X": "merah",
                    "KDKMP-Y": "hijau", "KDKMP-Z": "merah"}
    assert (d.dinilai, d.merah, d.masih_merah) == (8, 5, (7, 4))


def test_last_weeks_merah_list_says_each_koperasis_fate_longest_first(db_skenario):
    import pandas as pd

    _, d = db_skenario
    daftar = d.daftar_merah_lalu
    assert [(k.removeprefix("KDKMP-"), n, m) for k, n, m in zip(daftar["kode_koperasi"], daftar["nasib"],
                                                                 daftar["minggu_merah"])] == [
        ("P", "masih_merah", 3), ("Q", "masih_merah", 2), ("X", "masih_merah", 2),
        ("U", "merah_tanpa_laporan", 3), ("T", "tidak_melapor", 2), ("R", "kuning", 2), ("S", "hijau", 2)]
    assert list(daftar["melapor"]) == [True, True, True, False, False, True, True]
    assert list(daftar["kecamatan"]) == ["Gerung"] * 2 + ["Kediri"] + ["Gerung"] * 4
    assert rapat.hitung_nasib(daftar) == {"masih_merah": 3, "merah_tanpa_laporan": 1, "tidak_melapor": 1,
                                          "kuning": 1, "hijau": 1}
    assert rapat.kalimat_nasib(daftar) == (
        "Dari 7 koperasi merah minggu lalu: 3 masih merah, 1 masih merah (tanpa laporan), 1 tidak melapor, "
        "1 kini kuning, 1 kini hijau.")
    # the reasons: only for those still merah, the gate's text for Q, the silence gate for U
    alasan = dict(zip(daftar["kode_koperasi"].str.removeprefix("KDKMP-"), daftar["alasan_utama"]))
    assert alasan["Q"].startswith("Lahan bermasalah dan pembangunan tertunda")
    assert alasan["U"].startswith("Tidak melapor: zona tidak membaik tanpa laporan")
    assert alasan["P"] == "NIB: belum (harus sudah)"
    assert daftar["alasan"][0] == "NIB: belum (harus sudah); NPWP: belum (harus sudah)"
    assert all(pd.isna(alasan[k]) for k in "TRS")


def test_bottlenecks_per_kecamatan_counted_by_hand(db_skenario):
    _, d = db_skenario
    assert d.kendala.to_dict("list") == {
        "Wilayah": ["Gerung", "Kediri"], "Melapor": [5, 2], "Lahan": [2, 1], "Cuaca": [1, 1], "Tenaga kerja": [1, 0],
        "Material": [0, 0], "Teknis lainnya": [0, 0], "Tidak ada": [1, 0], "Kendala terbanyak": ["Lahan", "Lahan"]}


def test_reasons_pareto_of_the_scenario(db_skenario):
    _, d = db_skenario
    assert d.alasan.to_dict("list") == {
        "Alasan": ["Belum NIB (Legalitas & kepatuhan)", "Belum NPWP (Legalitas & kepatuhan)",
                   "Lahan bermasalah dan pembangunan tertunda", "Laporan terlambat dua minggu atau lebih",
                   rapat.label_alasan(rules.muat_aturan())["stabilitas"]],
        "Koperasi merah": [3, 3, 1, 1, 1], "% merah": [60.0, 60.0, 20.0, 20.0, 20.0],
        "Gerung": [2, 2, 1, 1, 1], "Kediri": [1, 1, 0, 0, 0]}


def test_the_list_counts_as_the_headline_counts(db_skenario, con_skenario):
    # the headline's (merah last week, still merah) is the list's length and its merah, and the
    # query that counts it alone gives the same
    con, d = con_skenario, db_skenario[1]
    assert queries.masih_merah(con, W3, "52.01") == d.masih_merah == (len(d.daftar_merah_lalu), 4)


def test_a_province_scope_at_the_national_meeting_gets_the_counts_but_no_list(con_skenario):
    con = con_skenario
    d = rapat.susun(con, W3, None, cakupan="52")
    assert d.daftar_merah_lalu is None
    assert d.masih_merah == (8, 5)  # P Q R S T U X and Z; Z, P, Q, U, X still merah: public counts
    assert rapat.susun(con, W3, "52", cakupan="52").daftar_merah_lalu["kode_koperasi"].str.len().gt(0).all()


def test_the_first_week_has_no_list_and_a_desa_no_tables(con_skenario):
    con = con_skenario
    pertama = rapat.susun(con, W1, "52.01")
    assert pertama.daftar_merah_lalu is None and pertama.masih_merah is None
    assert pertama.kendala["Melapor"].sum() == 9 and list(pertama.kendala["Kendala terbanyak"]) == [None, None]
    desa = rapat.susun(con, W3, DESA_SKENARIO["P"])
    assert desa.alasan is None and desa.kendala is None
    assert list(desa.daftar_merah_lalu["kode_koperasi"]) == ["KDKMP-P"]


def test_an_area_without_merah_has_empty_tables_not_errors():
    import pandas as pd

    kosong = rapat.nasib_merah_lalu(pd.DataFrame(columns=["kode_koperasi", "zona", "melapor"]))
    assert kosong.empty and "status" in kosong.columns
    assert rapat.hitung_nasib(kosong) == dict.fromkeys(rapat.NASIB, 0)
    assert rapat.kalimat_nasib(kosong) == "Tidak ada koperasi merah minggu lalu."
    tabel = rapat.tabel_kendala(pd.DataFrame(columns=["kode", "kendala_utama", "jumlah"]),
                                pd.DataFrame({"kode": ["A"], "nama": ["Kab A"]}))
    assert tabel.empty and list(tabel.columns)[:2] == ["Wilayah", "Melapor"]
    assert rapat.pareto(pd.DataFrame(), pd.DataFrame({"kode": ["A"], "nama": ["Kab A"]}), {}, merah=0).empty


# ---------------------------------------------------------------- koperasi back in merah, worked by hand
# Four weeks in Kecamatan Gerung with the small rules above (tests/data/skenario/aturan.yaml: leaving
# merah takes 2 reported weeks that qualify; baru merah = not merah in the 4 zoned weeks before; merah
# kronis = 4 weeks in merah, grey weeks counted; a silent week 7 days after the last report is grey).
# Meeting week M4 (16 Nov), last week M3 (9 Nov).
#
#   koperasi        M1      M2                  M3                        M4      in M4
#   K kambuh        merah   hijau, held merah   hijau (2nd report): pulih merah   kembali merah (hijau last week)
#   L diam          merah   merah               silent, 7 days: grey      merah   kembali merah after a silent week;
#                                                                                 4 weeks merah (grey counts): kronis
#   M baru          hijau   hijau               hijau                     merah   baru merah
#   N merah terus   merah   merah               merah                     merah   still merah, kronis (4 weeks)
#   O hijau         hijau   hijau               hijau                     hijau
#
# M4: 5 zoned, 4 merah (K L M N) = 80,0 %; merah in M3: N alone (K hijau, L grey) → naik 3 menjadi 4.
# Of last week's 1 merah, 1 still merah (N); 1 baru merah (M); 2 kembali merah (K; L after a silent
# week): 1 + 1 + 2 = 4. Pulih 0 (K's pulih was in M3); kronis L and N: 2.

M1, M2, M3, M4 = date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)
LAPORAN_KEMBALI = {
    M1: {"K": MERAH, "L": MERAH, "M": HIJAU, "N": MERAH, "O": HIJAU},
    M2: {"K": HIJAU, "L": MERAH, "M": HIJAU, "N": MERAH, "O": HIJAU},
    M3: {"K": HIJAU, "M": HIJAU, "N": MERAH, "O": HIJAU},
    M4: {"K": MERAH, "L": MERAH, "M": MERAH, "N": MERAH, "O": HIJAU},
}
DESA_KEMBALI = dict(zip("KLMNO", ["52.01.01.1001", "52.01.01.1004", "52.01.01.1011", "52.01.01.2002",
                                  "52.01.01.2003"]))


@pytest.fixture(scope="module")
def db_kembali(tmp_path_factory):
    yield from bangun_skenario(tmp_path_factory.mktemp("rapat_kembali"), LAPORAN_KEMBALI, DESA_KEMBALI, M4)


def test_koperasi_back_in_merah_are_counted_and_the_headline_adds_up(db_kembali, monkeypatch):
    from tests.test_skenario_pergerakan import ATURAN

    db_path, d = db_kembali
    monkeypatch.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
    con = store.sambungan_baca(db_path)
    zona = {m: dict(con.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = ?", [m]).fetchall())
            for m in (M3, M4)}
    assert zona[M3] == {"KDKMP-K": "hijau", "KDKMP-L": "tidak_melapor", "KDKMP-M": "hijau", "KDKMP-N": "merah",
                        "KDKMP-O": "hijau"}
    assert zona[M4] == {"KDKMP-K": "merah", "KDKMP-L": "merah", "KDKMP-M": "merah", "KDKMP-N": "merah",
                        "KDKMP-O": "hijau"}
    assert rapat.hitung_kembali_merah(con, M4, "52.01") == (2, 1)
    assert rapat.hitung_kembali_merah(con, M3, "52.01") == (0, 0)  # nobody came back in M3: K left, L fell silent
    assert rapat.hitung_kembali_merah(con, M1, "52.01") == (0, 0)  # the first week: every merah is baru
    assert d.pergerakan == {"baru_merah": 1, "kembali_merah": 2, "pulih": 0, "merah_kronis": 2}
    assert (d.dinilai, d.merah, d.merah_lalu, d.masih_merah, d.kembali_setelah_diam) == (5, 4, 1, (1, 1), 1)
    assert rapat.kalimat_utama(d) == [
        "Merah naik 3 menjadi 4 (80,0 % dari 5 koperasi yang dinilai); 1 baru merah, 2 kembali merah "
        "(1 setelah tidak melapor), 0 pulih, 2 merah kronis (≥ 4 minggu).",
        "Gerung paling berat: 80,0 % merah (4 koperasi).",
        "Gerung paling banyak bergerak: merah naik 3 menjadi 4.",
        "Peringkat 1 dari 1 kabupaten/kota menurut persentase merah (1 = terberat); nasional 80,0 %.",
        "Dari 1 koperasi merah minggu lalu, 1 masih merah (100,0 %).",
    ]
    # a desa: L's alone, back after its silent week
    assert rapat.hitung_kembali_merah(con, M4, DESA_KEMBALI["L"]) == (1, 1)


def test_the_intervention_list_of_kembali_merah_is_the_hand_worked_two(db_kembali):
    # K (hijau last week) and L (grey last week) in M4; M is baru merah and N was merah last week;
    # nobody in M3 (K left merah, L fell silent), nobody in the first week (every merah is baru there)
    con = store.sambungan_baca(db_kembali[0])
    saringan = (("zona", "merah"), ("gerak", "kembali_merah"))
    daftar = {m: queries.daftar_intervensi(con, m, "52.01", saringan)["kode_koperasi"].tolist() for m in (M1, M3, M4)}
    assert sorted(daftar[M4]) == ["KDKMP-K", "KDKMP-L"]
    assert daftar[M3] == [] and daftar[M1] == []
    assert queries.daftar_intervensi(con, M4, "52.01", (("gerak", "baru_merah"),))["kode_koperasi"].tolist() == ["KDKMP-M"]
    assert queries.kalimat_saringan("52.01", saringan).endswith("zona merah; kembali merah minggu ini")


def test_the_area_view_counts_kembali_merah_and_its_merah_adds_up(db_kembali, monkeypatch):
    # the scenario's M4 on the kabupaten's page: 4 merah = 1 still merah + 1 baru + 2 kembali (one
    # of them after a silent week), and the kembali merah count opens the list of those two
    from tests.conftest import buka_app
    from tests.test_skenario_pergerakan import ATURAN

    monkeypatch.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
    monkeypatch.setenv("KDKMP_DB", str(db_kembali[0]))
    monkeypatch.delenv("KDKMP_STATE_URL", raising=False)
    at = buka_app("halaman/wilayah.py", prov="52", kab="52.01", minggu=M4.isoformat())
    kartu = {m.label: m.value for m in at.metric}
    assert [kartu[j] for j in ("Baru merah", "Kembali merah", "Pulih", "Merah kronis")] == ["1", "2", "0", "2"]
    assert ("Merah minggu ini 4: 1 masih merah dari minggu lalu, 1 baru merah, 2 kembali merah "
            "(1 setelah tidak melapor).") in [c.value for c in at.caption]
    tautan = [p.proto.query_string for p in at.get("page_link") if p.proto.label == "Daftar 2 koperasi"]
    kembali = [q for q in tautan if "gerak=kembali_merah" in q]
    assert len(tautan) == 2 and len(kembali) == 1  # kembali merah's and merah kronis's
    daftar = buka_app("halaman/intervensi.py", **dict(urllib.parse.parse_qsl(kembali[0])))
    assert [m.value for m in daftar.metric] == ["2"]
    assert sorted(daftar.dataframe[0].value["Kode koperasi"]) == ["KDKMP-K", "KDKMP-L"]
    # L's desa: its counts, but no link that would open its kecamatan's longer list under the desa's count
    desa = buka_app("halaman/wilayah.py", prov="52", kab="52.01", kec="52.01.01", desa=DESA_KEMBALI["L"],
                    minggu=M4.isoformat())
    assert {m.label: m.value for m in desa.metric}["Kembali merah"] == "1"
    daftar_desa = [p.proto.label for p in desa.get("page_link") if p.proto.page == "intervensi"]
    assert daftar_desa == ["Daftar intervensi Kecamatan Gerung (kecamatan desa ini), siap diunduh"]
    # the same list a week earlier has nobody: a sentence, not an empty grid to pick a row from
    kosong = buka_app("halaman/intervensi.py", **{**dict(urllib.parse.parse_qsl(kembali[0])), "minggu": M3.isoformat()})
    assert [m.value for m in kosong.metric] == ["0"] and not kosong.dataframe
    assert ("Tidak ada koperasi yang sesuai saringan ini. Longgarkan saringan di atas, atau pilih minggu atau "
            "wilayah lain.") in [i.value for i in kosong.main.info]
    assert not [c for c in kosong.caption if c.value.startswith("Pilih satu baris")]


def test_the_meetings_movements_are_defined_in_one_place_in_order():
    definisi = rapat.definisi_pergerakan(rules.muat_aturan())
    assert list(definisi) == ["baru_merah", "kembali_merah", "pulih", "merah_kronis"]
    judul, teks = definisi["kembali_merah"]
    assert judul == "Kembali merah" and "tidak melapor" in teks and "4 minggu berzona sebelumnya" in teks
    assert {j: definisi[j] for j in rules.PERGERAKAN} == rules.definisi_pergerakan(rules.muat_aturan())


# ---------------------------------------------------------------- the meeting page on the scenario

def test_the_meeting_page_shows_last_weeks_list_bottlenecks_and_overdue_follow_up(db_skenario, monkeypatch):
    """The page itself (AppTest) on the scenario above: its sentences and tables are the hand-worked
    ones, and a follow-up action past its target shows as overdue for its PIC."""
    from kdkmp import akses, tindaklanjut
    from tests.conftest import buka_app
    from tests.test_skenario_pergerakan import ATURAN

    db_path, _ = db_skenario
    monkeypatch.setattr(rules.model, "JALUR_BAWAAN", ATURAN)
    monkeypatch.setenv("KDKMP_DB", str(db_path))
    monkeypatch.delenv("KDKMP_STATE_URL", raising=False)  # the state store beside the scenario's database
    admin = akses.Pengguna(nama="uji", peran="admin", wilayah=None, cara_masuk="cli")
    # P, merah since W1: an action whose target (1 Nov 2026) has passed and is not finished
    tindaklanjut.catat_tindakan(store.sambungan_baca(db_path), admin, "KDKMP-P", jenis="verifikasi_lahan",
                                pic_nama="Ani", pic_kantor="PMO Lombok Barat", target=date(2026, 11, 1),
                                mulai=W2)
    at = buka_app("halaman/rapat.py", prov="52", kab="52.01", minggu=W3.isoformat())
    judul = [s.value for s in at.subheader]
    assert "Koperasi merah minggu lalu: bagaimana sekarang" in judul
    assert "Kendala utama per kecamatan" in judul
    assert any(c.value.startswith("Dari 7 koperasi merah minggu lalu: 3 masih merah, 1 masih merah (tanpa laporan), "
                                  "1 tidak melapor, 1 kini kuning, 1 kini hijau.") for c in at.caption)
    tabel = {tuple(d.value.columns): d.value for d in at.dataframe}
    merah_lalu = next(v for k, v in tabel.items() if "Sekarang" in k)
    assert [t.removeprefix("koperasi?kode=KDKMP-") for t in merah_lalu["tautan"]] == list("PQXUTRS")
    assert list(merah_lalu["Sekarang"])[:4] == ["Masih merah"] * 3 + ["Masih merah (tanpa laporan)"]
    kendala = next(v for k, v in tabel.items() if "Kendala terbanyak" in k).set_index("Wilayah")
    assert kendala.loc["Gerung", ["Melapor", "Lahan", "Cuaca", "Tenaga kerja", "Tidak ada"]].tolist() == [5, 2, 1, 1, 1]
    assert kendala.loc["Kediri", ["Melapor", "Lahan", "Cuaca"]].tolist() == [2, 1, 1]
    per_pic = next(v for k, v in tabel.items() if "PIC" in k)
    assert per_pic[["PIC", "Kantor", "Terbuka", "Terlambat"]].values.tolist() == [["Ani", "PMO Lombok Barat", 1, 1]]
    per_kabupaten = next(v for k, v in tabel.items() if "% terlambat" in k)
    assert per_kabupaten[["Kabupaten/kota", "Terbuka", "Terlambat"]].values.tolist() == [["Kabupaten Lombok Barat", 1, 1]]
