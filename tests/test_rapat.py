"""The weekly meeting: headline sentences from a hand-written scenario, and the figures read from
a small database whose answers are counted by hand."""

from __future__ import annotations

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
    assert d.pergerakan == {"baru_merah": 0, "pulih": 0, "merah_kronis": 0}
    assert d.masih_merah == (2, 2)
    assert [(a.nama, a.dinilai, a.merah, a.merah_lalu) for a in d.anak if a.dinilai] == [("Gerung", 3, 2, 2)]
    assert d.peringkat == (1, 1, "kabupaten/kota")  # the only kabupaten of NTB with reports
    assert rapat.kalimat_utama(d)[0].startswith("Merah tetap 2 (66,7 % dari 3 koperasi yang dinilai)")
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
    assert label["lahan_teridentifikasi"].startswith("Infrastruktur & pembangunan fisik: status lahan")


def test_areas_rank_by_share_of_merah_among_those_zoned():
    import pandas as pd

    # worked by hand: P 50 %, Q 50 % with more merah (ahead of P), R 10 %, S nothing zoned (unranked)
    sejawat = pd.DataFrame({"kode": ["P", "Q", "R", "S"], "melapor": [10, 20, 10, 0], "merah": [5, 10, 1, 0],
                            "persen_merah": [50.0, 50.0, 10.0, None]})
    assert [rapat.urutan_merah(sejawat, k) for k in "PQRS"] == [(2, 3), (1, 3), (3, 3), None]
