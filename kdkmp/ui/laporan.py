"""Laporan bulanan (issue 15) on the page: one area's monthly report — its numbers, the PMO's text,
the buttons its office or the level above may press — its children's reports side by side, and
the PDF/PPTX to take away.

Decisions, each in one line:
- The area and month are URL parameters (?wilayah=52.01&bulan=2026-11; 'nasional' for the national
  report); the choice offers what the user may read: a kabupaten office its own report, a province
  its own and its kabupaten's, pusat and admin the national one, every province and kabupaten.
- The buttons are those laporan.aksi_tersedia gives; the domain checks role, area and state again
  inside the write, whatever the page showed, and the form sends the version it showed.
- The text areas are keyed per area and month, so a refused save keeps what was typed, and another
  report never shows the text of the last one.
- Buttons write in their callback, so the run that follows already shows the new state.
- The weekly part of the numbers is cached with dasar.tanya (database identity, scope); the
  follow-up and validated share are read from the state store on every run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kdkmp import akses
from kdkmp import catatan as simpanan
from kdkmp import format as fmt
from kdkmp import laporan, store
from kdkmp import wilayah as ref
from kdkmp.ui import dasar
from kdkmp.ui.sesi import catat, pengguna, tolak

_KUNCI_PESAN = "_lb_pesan"
NASIONAL = "nasional"


def _pilihan_wilayah() -> list[str]:
    """The reports the user may open: its own first, then those below it."""
    p = pengguna()
    t = ref.tabel()
    if p.wilayah is None:
        prov = t.loc[t["tingkat"] == "provinsi", "kode"].tolist()
        kab = t.loc[t["tingkat"] == "kabupaten", "kode"].tolist()
        return [NASIONAL, *prov, *kab]
    if ref.tingkat(p.wilayah) == "provinsi":
        return [p.wilayah, *ref.anak(p.wilayah)["kode"].tolist()]
    if ref.tingkat(p.wilayah) == "kabupaten":
        return [p.wilayah]
    return []


def _label(kode: str) -> str:
    return "Nasional" if kode == NASIONAL else f"{ref.nama(kode)} ({kode})"


def _simpan(kode: str | None, bulan: str, aksi: str, versi: int | None, kunci: dict[str, str]) -> None:
    p = pengguna()
    teks = {k: st.session_state.get(v) for k, v in kunci.items() if k in simpanan.KOLOM_TEKS_LAPORAN}
    catatan = st.session_state.get(kunci["catatan"]) if "catatan" in kunci else None
    con = store.sambungan_baca()
    try:
        r = laporan.ubah(con, p, kode, bulan, aksi, teks=teks or None, catatan=catatan, versi=versi,
                         konteks={"halaman": "laporan"})
    except simpanan.CatatanDitolak as e:
        st.session_state[_KUNCI_PESAN] = ("galat", str(e))
        return
    finally:
        con.close()
    if "catatan" in kunci:
        st.session_state[kunci["catatan"]] = ""
    st.session_state[_KUNCI_PESAN] = (
        "ok", f"Laporan bulanan {laporan.label_bulan(bulan)} {laporan.nama_laporan(kode)} sekarang "
              f"{laporan.STATUS[r['status']].lower()} (versi {r['versi']}).")


def _tabel(kolom_baris: tuple[list[str], list[list[str]]], key: str) -> None:
    kolom, baris = kolom_baris
    dasar.tabel_data(pd.DataFrame(baris, columns=kolom), key=key)


def _angka(lap: laporan.Laporan) -> None:
    a = lap.angka
    if a is None:
        st.info(f"Belum ada minggu yang dimuat pada {laporan.label_bulan(lap.bulan)}: laporan ini belum punya angka "
                "dan belum dapat dikirim.", icon=":material/info:")
        return
    st.caption("Angka yang dikirim (dibekukan saat laporan dikirim)." if lap.beku else
               "Angka dari data terkini; dibekukan saat laporan dikirim.")
    for k in laporan.kalimat_pokok(a):
        st.markdown(f"- {k}")
    if lap.berubah:
        st.warning("Data sudah berubah sejak laporan dikirim (angka laporan tetap yang dikirim): "
                   + "; ".join(lap.berubah) + ".", icon=":material/history:")
    k1, k2 = st.columns(2)
    with k1:
        st.markdown("**Zona**")
        _tabel(laporan.tabel_zona(a), "lb_zona")
        st.markdown("**Pergerakan**")
        _tabel(laporan.tabel_pergerakan(a), "lb_gerak")
        st.markdown("**Tindak lanjut**")
        _tabel(laporan.tabel_tindak_lanjut(a), "lb_tl")
    with k2:
        st.markdown("**Pembangunan, legalitas dan portal**")
        _tabel(laporan.tabel_capaian(a), "lb_capaian")
        st.markdown("**Kendala utama**")
        _tabel(laporan.tabel_kendala(a), "lb_kendala")


def _teks(lap: laporan.Laporan, aksi: list[str]) -> None:
    awalan = f"lb_{lap.kode or NASIONAL}_{lap.bulan}"
    kunci = {k: f"{awalan}_{k}" for k in simpanan.KOLOM_TEKS_LAPORAN}
    boleh_tulis = "simpan" in aksi
    for k, v in kunci.items():
        if boleh_tulis:
            if v not in st.session_state:
                st.session_state[v] = lap.teks[k] or ""
            st.text_area(laporan.LABEL_TEKS[k] + " (wajib untuk mengirim)", key=v, height=140)
        else:
            st.markdown(f"**{laporan.LABEL_TEKS[k]}**")
            st.markdown(lap.teks[k] or "_(belum diisi)_")
    if boleh_tulis:
        k1, k2, _ = st.columns([1, 1, 3])
        k1.button("Simpan draf", key="lb_simpan", on_click=_simpan, args=(lap.kode, lap.bulan, "simpan", lap.versi, kunci))
        k2.button("Kirim", type="primary", key="lb_kirim", on_click=_simpan,
                  args=(lap.kode, lap.bulan, "kirim", lap.versi, kunci),
                  disabled="kirim" not in aksi or lap.angka is None,
                  help=f"Kirim ke {lap.tingkat.label_induk}; angka dibekukan." if lap.tingkat.induk else
                  "Kirim laporan nasional; angka dibekukan.")
    if "terima" in aksi or "kembalikan" in aksi:
        st.markdown(f"**Keputusan {lap.tingkat.label_induk}**")
        kunci_catatan = {"catatan": f"{awalan}_catatan"}
        st.text_area("Catatan (wajib untuk mengembalikan)", key=kunci_catatan["catatan"], height=80)
        k1, k2, _ = st.columns([1, 1, 3])
        k1.button("Terima", type="primary", key="lb_terima", on_click=_simpan,
                  args=(lap.kode, lap.bulan, "terima", lap.versi, kunci_catatan))
        k2.button("Kembalikan", key="lb_kembalikan", on_click=_simpan,
                  args=(lap.kode, lap.bulan, "kembalikan", lap.versi, kunci_catatan))


def _buka(kunci: str) -> None:
    st.session_state["wilayah"] = st.session_state[kunci]


def _anak(lap: laporan.Laporan, anak: pd.DataFrame, pilihan: list[str]) -> None:
    if anak.empty:
        return
    tingkat = "kabupaten/kota" if lap.kode else "provinsi"
    st.subheader(f"Laporan {tingkat} di bawahnya")
    hitung = anak["label_status"].value_counts()
    st.caption(", ".join(f"{n} {s.lower()}" for s, n in hitung.items()) + ". Angka: yang dikirim.")
    tampil = anak.copy()
    tampil["dikirim_pada"] = [fmt.waktu(t) if pd.notna(t) else "" for t in tampil["dikirim_pada"]]
    dasar.tabel_data(tampil[list(laporan.KOLOM_ANAK)].rename(columns=laporan.KOLOM_ANAK), key="lb_anak")
    bisa = [k for k in anak["kode"] if k in pilihan]
    if bisa:
        nama = dict(zip(anak["kode"], anak["nama"]))
        status = dict(zip(anak["kode"], anak["label_status"]))
        k1, k2 = st.columns([3, 1])
        k1.selectbox("Buka laporan", bisa, key="lb_buka", format_func=lambda k: f"{nama[k]} ({k}) · {status[k]}")
        k2.button("Buka", key="lb_buka_tombol", on_click=_buka, args=("lb_buka",))


def _unduh(lap: laporan.Laporan, anak: pd.DataFrame) -> None:
    p = pengguna()

    def buat(ekstensi: str):
        return lambda: laporan.berkas(lap, ekstensi, anak_df=anak, oleh=p.nama)

    def catat_unduh(format_: str) -> None:
        catat("ekspor", p.nama, isi="laporan bulanan", wilayah=lap.kode, format=format_, bulan=lap.bulan,
              status=lap.status)

    nama = f"kdkmp_laporan_{lap.kode or NASIONAL}_{lap.bulan}"
    k1, k2, _ = st.columns([1, 1, 3])
    dasar.tombol_unduh("Unduh (PPTX)", buat(".pptx"), f"{nama}.pptx", icon=":material/slideshow:", wadah=k1,
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       catat=lambda: catat_unduh("pptx"))
    dasar.tombol_unduh("Unduh (PDF)", buat(".pdf"), f"{nama}.pdf", icon=":material/picture_as_pdf:", wadah=k2,
                       mime="application/pdf", catat=lambda: catat_unduh("pdf"))


def tampilkan() -> None:
    """The monthly report page for the signed-in user."""
    p = pengguna()
    pesan = st.session_state.pop(_KUNCI_PESAN, None)
    if pesan:
        (st.success if pesan[0] == "ok" else st.error)(pesan[1])
    pilihan = _pilihan_wilayah()
    if not pilihan:
        st.info("Laporan bulanan dibuat per kabupaten/kota, provinsi dan nasional; akun ini tidak menyusun atau "
                "membaca laporan bulanan.")
        return
    bulan_ada = laporan.bulan_dari(dasar.daftar_minggu())
    if not bulan_ada:
        st.info("Belum ada data mingguan yang dimuat.")
        return
    k1, k2 = st.columns([3, 1])
    with k1:
        pilih = dasar.widget_url(st.selectbox, "Laporan", "wilayah", options=pilihan, index=0, format_func=_label,
                                 bawaan=pilihan[0])
    with k2:
        bulan = dasar.widget_url(st.selectbox, "Bulan", "bulan", options=bulan_ada, index=0,
                                 format_func=laporan.label_bulan, bawaan=bulan_ada[0])
    kode = None if pilih in (None, NASIONAL) else pilih
    data = dasar.tanya(laporan.angka_data, kode, bulan)
    con = store.sambungan_baca()
    try:
        lap = laporan.baca(con, p, kode, bulan, data=data)
        anak = laporan.laporan_anak(kode, bulan)
    except akses.AksesDitolak as e:
        tolak(e)
    except simpanan.CatatanTidakTersedia as e:
        st.error(f"Laporan bulanan tidak dapat dibaca sekarang: {e}")
        return
    finally:
        con.close()
    st.subheader(lap.judul)
    b = lap.baris or {}
    baris = [f"**Status: {laporan.STATUS[lap.status]}**"]
    if lap.status != "belum_ada":
        baris.append(f"diubah {fmt.waktu(b['diubah_pada'])} oleh {b['diubah_oleh']} (versi {lap.versi})")
    if b.get("dikirim_oleh") and lap.status != "draf":
        baris.append(f"dikirim {fmt.waktu(b['dikirim_pada'])} oleh {b['dikirim_oleh']}")
    if b.get("diputus_oleh") and lap.status in ("diterima", "dikembalikan"):
        baris.append(f"{laporan.STATUS[lap.status].lower()} {fmt.waktu(b['diputus_pada'])} oleh {b['diputus_oleh']}")
    st.markdown(" · ".join(baris))
    if isinstance(b.get("catatan_induk"), str) and lap.status in ("dikembalikan", "draf"):
        st.warning(f"Dikembalikan oleh {b['diputus_oleh']}: {b['catatan_induk']}", icon=":material/undo:")
    aksi = laporan.aksi_tersedia(p, kode, lap.status)
    _angka(lap)
    st.subheader("Analisis, hambatan dan rekomendasi")
    _teks(lap, aksi)
    _anak(lap, anak, pilihan)
    st.subheader("Unduh")
    _unduh(lap, anak)
