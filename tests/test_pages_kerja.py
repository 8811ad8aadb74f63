"""The working pages through AppTest: intervention list and its export, upload (good file, bad
rows, refused file, replace), what-if against a direct rescoring, data completeness."""

from __future__ import annotations

import hashlib
import io
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from kdkmp import export, queries, rules, store
from tests.conftest import MINGGU_UJI, buka_app
from tests.test_pages import baris_grafik
from tests.snapshot_factory import frame_contoh

AKAR = Path(__file__).resolve().parent.parent
MINGGU = date(2026, 11, 16)


def buka(halaman: str, **param) -> AppTest:
    return buka_app(halaman, **param)


@pytest.fixture
def demo_env(db_demo, monkeypatch):
    monkeypatch.setenv("KDKMP_DB", str(db_demo))
    return db_demo


def kode_tabel(at: AppTest) -> list[str]:
    return at.dataframe[0].value["Kode koperasi"].tolist()


def test_intervention_list_shows_the_red_koperasi_in_priority_order(demo_env):
    at = buka("halaman/intervensi.py")
    con = store.sambungan_baca(demo_env)
    harap = queries.daftar_intervensi(con, MINGGU, None, (("zona", "merah"),))
    assert kode_tabel(at) == harap["kode_koperasi"].tolist()
    assert at.metric[0].value == f"{len(harap):,}".replace(",", ".")


def test_filters_narrow_the_list_and_the_export_holds_exactly_the_rows_shown(demo_env):
    at = buka("halaman/intervensi.py")
    semua = set(kode_tabel(at))
    at.selectbox(key="prov").select("52").run()
    at.selectbox(key="kendala").select("lahan").run()
    assert not at.exception
    tampil = at.dataframe[0].value
    assert set(tampil["Kode koperasi"]) < semua and len(tampil) > 0
    assert (tampil["Kendala utama"] == "Lahan").all() and (tampil["Provinsi"] == "Nusa Tenggara Barat").all()
    # What the download buttons serve is export.ke_csv / ke_xlsx of this very frame.
    csv = pd.read_csv(io.BytesIO(export.ke_csv(tampil)), encoding="utf-8-sig")
    assert csv["Kode koperasi"].tolist() == tampil["Kode koperasi"].tolist()
    assert list(csv.columns) == list(tampil.columns)
    xlsx = pd.read_excel(io.BytesIO(export.ke_xlsx(tampil, {"Saringan": "x"})), sheet_name="data", engine="calamine")
    assert xlsx["Kode koperasi"].tolist() == tampil["Kode koperasi"].tolist()


def test_an_upload_of_a_good_file_previews_then_loads(salinan_demo):
    at = buka("halaman/unggah.py")
    isi = frame_contoh(12, minggu=date(2026, 11, 23)).to_csv(index=False).encode()
    at.file_uploader[0].set_value(("minggu_23.csv", isi, "text/csv")).run()
    assert not at.exception
    metrik = {m.label: m.value for m in at.metric}
    assert metrik == {"Minggu terdeteksi": "23 Nov 2026", "Baris dibaca": "12", "Baris akan dimuat": "12",
                      "Baris ditolak": "0"}
    # 12 rows would become the latest week for everyone: said, and confirmed before loading
    assert any(w.value.startswith("File ini hanya berisi 12 baris, padahal minggu terakhir (2026-11-16)")
               for w in at.warning)
    assert at.button[0].disabled
    at.checkbox(key="konfirmasi_cakupan").check().run()
    at.button[0].click().run()
    assert not at.exception
    assert any("dimuat sebagai batch" in s.value for s in at.success)
    con = store.sambungan_baca(salinan_demo)
    assert queries.minggu_terakhir(con) == date(2026, 11, 23)
    # Every reported koperasi of the new week has a zone: the load and its scoring are one step.
    assert con.execute("""SELECT count(*) FROM zona z JOIN laporan l USING (minggu, kode_koperasi)
                          WHERE minggu = '2026-11-23' AND z.zona IN ('hijau', 'kuning', 'merah')""").fetchall() == [(12,)]


def test_an_upload_with_bad_rows_lists_every_rejected_row(salinan_demo):
    df = frame_contoh(12, minggu=date(2026, 11, 23))
    df.loc[2, "kode_desa"] = "99.99.99.9999"
    df.loc[5, "gerai_aktif"] = "9"
    at = buka("halaman/unggah.py")
    at.file_uploader[0].set_value(("minggu_23.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    assert {m.label: m.value for m in at.metric}["Baris ditolak"] == "2"
    ditolak = at.dataframe[0].value
    assert sorted(ditolak["baris"]) == [4, 7] and set(ditolak["kolom"]) == {"kode_desa", "gerai_aktif"}
    at.checkbox(key="konfirmasi_cakupan").check().run()
    at.button[0].click().run()
    assert not at.exception
    con = store.sambungan_baca(salinan_demo)
    assert con.execute("SELECT baris_dimuat, baris_ditolak FROM batch ORDER BY batch_id DESC LIMIT 1").fetchall() == [(10, 2)]


def test_a_refused_file_explains_itself_and_changes_nothing(salinan_demo):
    sebelum = hashlib.sha256(salinan_demo.read_bytes()).hexdigest()
    at = buka("halaman/unggah.py")
    at.file_uploader[0].set_value(("rusak.csv", b"kode_koperasi;nama\nK1;x\n", "text/csv")).run()
    assert not at.exception
    assert any("File ditolak" in e.value and "kolom wajib" in e.value for e in at.error)
    assert not at.button
    assert hashlib.sha256(salinan_demo.read_bytes()).hexdigest() == sebelum


def test_replacing_a_loaded_week_needs_a_second_confirmation_and_replaces_only_the_file_s_kabupaten(salinan_demo):
    con = store.sambungan_baca(salinan_demo)
    lain = con.execute("SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten <> '52.01'", [MINGGU]).fetchall()
    con.close()
    at = buka("halaman/unggah.py")
    isi = frame_contoh(8, minggu=MINGGU).to_csv(index=False).encode()  # 8 desa of Lombok Barat (52.01)
    at.file_uploader[0].set_value(("ulang.csv", isi, "text/csv")).run()
    assert any("sudah dimuat untuk 1 kabupaten/kota di file ini" in w.value for w in at.warning)
    assert at.button[0].disabled
    at.checkbox(key="konfirmasi_ganti").check().run()
    assert not at.button[0].disabled
    at.button[0].click().run()
    assert not at.exception
    con = store.sambungan_baca(salinan_demo)
    assert con.execute("SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten = '52.01'",
                       [MINGGU]).fetchall() == [(8,)]
    assert con.execute("SELECT count(*) FROM laporan WHERE minggu = ? AND kode_kabupaten <> '52.01'",
                       [MINGGU]).fetchall() == lain
    # the national batch still holds every other kabupaten: both stay active
    assert con.execute("SELECT status FROM batch WHERE minggu = ? ORDER BY batch_id", [MINGGU]).fetchall() == [
        ("aktif",), ("aktif",)]


def test_what_if_numbers_equal_a_direct_rescoring_with_the_candidate(demo_env, tmp_path):
    at = buka("halaman/aturan.py")
    at.number_input(key="ambang_hijau_skor_total").set_value(90.0).run()
    assert not at.exception
    berpindah = int(at.metric[0].value.replace(".", ""))
    assert berpindah > 0
    # The same candidate, scored for real on a copy of the database.
    data = yaml.safe_load(rules.muat_aturan().teks)
    data["zona"]["hijau"]["skor_total"]["min"] = 90.0
    kandidat = rules.muat_aturan_teks(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    salinan = tmp_path / "salinan.duckdb"
    shutil.copyfile(demo_env, salinan)
    with store.penulisan(salinan) as con:
        lama = dict(con.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = ?", [MINGGU]).fetchall())
        rules.skor(con, kandidat)
        baru = dict(con.execute("SELECT kode_koperasi, zona FROM zona WHERE minggu = ?", [MINGGU]).fetchall())
    assert berpindah == sum(lama[k] != baru[k] for k in lama)


def test_quality_page_lists_silent_areas(demo_env):
    at = buka("halaman/kualitas.py")
    metrik = {m.label: m.value for m in at.metric}
    # Only NTB, Kalbar and Jember are in the test database: every other kabupaten is silent.
    assert metrik["Kabupaten/kota tanpa laporan sama sekali"] == str(514 - 10 - 14 - 1)
    # the heatmap: every province of the reference (38) in every loaded week; NTB's 1,166 desa
    peta = baris_grafik(next(g for g in at.get("vega_lite_chart") if "% melapor" in g.proto.spec))
    minggu = queries.daftar_minggu(store.sambungan_baca(demo_env))
    assert len(peta) == 38 * len(minggu)
    ntb = peta[peta["provinsi"] == "Nusa Tenggara Barat"]
    assert len(ntb) == len(minggu) and all(t.endswith("dari 1.166") for t in ntb["lapor_teks"])


def test_a_shared_intervention_link_reopens_the_same_filters(demo_env):
    at = buka("halaman/intervensi.py", prov="52", kab="52.01", kendala="lahan", min_minggu="2")
    tampil = at.dataframe[0].value
    con = store.sambungan_baca(demo_env)
    harap = queries.daftar_intervensi(con, MINGGU, "52.01", (("zona", "merah"), ("kendala", "lahan"),
                                                              ("min_minggu", "2")))
    assert tampil["Kode koperasi"].tolist() == harap["kode_koperasi"].tolist()


def test_changed_rules_are_applied_to_every_week_when_the_app_starts(salinan_demo):
    with store.penulisan(salinan_demo) as con:
        store.tulis_meta(con, "versi_aturan", "lama")
    at = AppTest.from_file(str(AKAR / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    con = store.sambungan_baca(salinan_demo)
    versi = rules.muat_aturan().versi
    assert store.baca_meta(con, "versi_aturan") == versi
    assert con.execute("SELECT count(*) FROM zona WHERE versi_aturan <> ?", [versi]).fetchall() == [(0,)]


# ---------------------------------------------------------------- withdraw / restore a week; never a crash

MINGGU_SEBELUM = date(2026, 11, 9)


def test_withdrawing_a_week_on_the_upload_page_needs_a_reason_and_a_confirmation_naming_it(salinan_demo):
    con = store.sambungan_baca(salinan_demo)
    baris = con.execute("SELECT count(*) FROM laporan WHERE minggu = ?", [MINGGU]).fetchall()[0][0]
    con.close()
    at = buka("halaman/unggah.py")
    assert any("Hanya admin." in c.value for c in at.caption)
    at.selectbox(key="tarik_minggu").select("2026-11-16").run()
    jumlah = f"{baris:,}".replace(",", ".")
    assert any(f"batch {MINGGU_UJI}" in m.value and f"{jumlah} baris" in m.value for m in at.markdown)
    tombol = at.button(key="tombol_tarik")
    assert tombol.disabled
    konfirmasi = at.checkbox(key="tarik_konfirmasi")
    assert konfirmasi.label == f"Ya, tarik minggu 16 Nov 2026 ({jumlah} baris) dari semua tampilan"
    konfirmasi.check().run()
    assert at.button(key="tombol_tarik").disabled  # still no reason
    at.text_area(key="tarik_alasan").input("file minggu ini salah kirim").run()
    at.button(key="tombol_tarik").click().run()
    assert not at.exception
    assert any("Minggu 16 Nov 2026 ditarik" in s.value for s in at.success)
    con = store.sambungan_baca(salinan_demo)
    assert queries.minggu_terakhir(con) == MINGGU_SEBELUM
    # who withdrew is the signed-in user (the local admin here), never a typed name; audited twice
    assert con.execute("SELECT oleh, alasan FROM riwayat_minggu").fetchall() == [("lokal", "file minggu ini salah kirim")]
    from kdkmp import catatan

    jejak = catatan.baca_jejak(peristiwa="tarik")
    assert jejak[["oleh", "peristiwa"]].values.tolist() == [["lokal", "tarik"]]
    assert '"alasan": "file minggu ini salah kirim"' in jejak["rincian"].iloc[0]
    # the history shows the batch as withdrawn; every page's week list starts at the week before
    riwayat = at.dataframe[0].value
    assert riwayat.set_index("batch_id").loc[MINGGU_UJI, "status"] == "Ditarik"
    assert queries.daftar_minggu(con)[0] == MINGGU_SEBELUM
    # the withdrawal log says its time in WIB (UTC+7), not the server's clock as stored
    from datetime import timedelta, timezone

    (pada,) = con.execute("SELECT pada FROM riwayat_minggu").fetchall()[0]
    wib = pada.astimezone(timezone(timedelta(hours=7)))
    log = next(d.value for d in at.dataframe if "aksi" in d.value.columns)
    bulan = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"][wib.month - 1]
    assert log["pada"].tolist() == [f"{wib.day} {bulan} {wib.year} {wib:%H:%M} WIB"]


def test_a_withdrawn_week_is_restored_with_its_button(salinan_demo):
    from kdkmp import ingest

    ingest.tarik(MINGGU, alasan="uji", db_path=salinan_demo)
    at = buka("halaman/unggah.py")
    at.button(key=f"pulihkan_{MINGGU_UJI}").click().run()
    assert not at.exception
    assert any("Minggu 16 Nov 2026 dipulihkan" in s.value for s in at.success)
    assert queries.minggu_terakhir(store.sambungan_baca(salinan_demo)) == MINGGU
    assert not [b for b in at.button if b.key == f"pulihkan_{MINGGU_UJI}"]


def test_a_chosen_week_that_was_withdrawn_falls_back_to_the_latest_week(salinan_demo):
    from kdkmp import ingest

    at = AppTest.from_file(str(AKAR / "app.py"), default_timeout=60)
    at.query_params["minggu"] = "2026-11-16"
    at.run()
    assert "Data minggu **16 Nov 2026**" in at.caption[0].value
    ingest.tarik(MINGGU, alasan="uji", db_path=salinan_demo)
    at.run()  # the same session, its selector still holding the withdrawn week
    assert not at.exception
    assert "Data minggu **9 Nov 2026**" in at.caption[0].value
    # a new session whose state or link names the withdrawn week
    baru = AppTest.from_file(str(AKAR / "app.py"), default_timeout=60)
    baru.session_state["minggu"] = "2026-11-16"
    baru.query_params["minggu"] = "2026-11-16"
    baru.run()
    assert not baru.exception
    assert baru.sidebar.selectbox(key="minggu").value == MINGGU_SEBELUM.isoformat()
    assert "Data minggu **9 Nov 2026**" in baru.caption[0].value


def test_an_internal_error_while_checking_a_file_is_one_sentence_and_logged(salinan_demo, monkeypatch):
    from kdkmp import snapshot

    def rusak(*a, **k):
        raise IndexError("index 3 is out of bounds")

    monkeypatch.setattr(snapshot, "baca_snapshot", rusak)
    at = buka("halaman/unggah.py")
    at.file_uploader[0].set_value(("minggu.csv", frame_contoh(5).to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    log = salinan_demo.parent / "kdkmp_galat.log"
    assert [e.value for e in at.error] == [
        f"Terjadi galat internal (IndexError); tidak ada data di basis data yang diubah. Rincian galat dicatat di "
        f"{log}; kirimkan berkas itu kepada pengelola aplikasi."]
    assert "IndexError: index 3 is out of bounds" in log.read_text() and "halaman Unggah" in log.read_text()
    assert not at.button


def test_an_internal_error_while_loading_is_one_sentence_and_changes_nothing(salinan_demo, monkeypatch):
    sebelum = hashlib.sha256(salinan_demo.read_bytes()).hexdigest()

    def rusak(*a, **k):
        raise KeyError("zona")

    monkeypatch.setattr(rules, "skor", rusak)
    at = buka("halaman/unggah.py")
    isi = frame_contoh(6, minggu=date(2026, 11, 23)).to_csv(index=False).encode()
    at.file_uploader[0].set_value(("minggu_23.csv", isi, "text/csv")).run()
    at.checkbox(key="konfirmasi_cakupan").check().run()
    at.button[0].click().run()
    assert not at.exception
    assert any("galat internal (KeyError)" in e.value and "tidak ada data di basis data yang diubah" in e.value
               for e in at.error)
    assert hashlib.sha256(salinan_demo.read_bytes()).hexdigest() == sebelum
    assert "KeyError: 'zona'" in (salinan_demo.parent / "kdkmp_galat.log").read_text()
