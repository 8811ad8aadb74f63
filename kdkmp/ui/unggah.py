"""Loading and unloading weeks: checking an uploaded file, running a write with every failure
as one sentence, the load history with its rejected rows, withdrawing and restoring a week.

Every write is one store.penulisan (inside kdkmp.ingest), so a refusal or a crash changes nothing;
an unexpected exception is logged with its traceback (kdkmp.galat) and shown as a sentence.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kdkmp import queries, rules, store
from kdkmp import format as fmt
from kdkmp.ui import tabel
from kdkmp.ui.dasar import tabel_data, tanya
from kdkmp.ui.sesi import catat, pengguna


def galat_internal(e: BaseException, konteks: str) -> str:
    """Log an unexpected exception with its traceback (kdkmp.galat, as the CLI does) and return
    the sentence to show: nothing was changed (every write is one store.penulisan)."""
    from kdkmp import galat

    return galat.kalimat(e, galat.catat(e, konteks=konteks, db_path=store.lokasi_db()))


def periksa_file(isi: bytes, nama_file: str, minggu: date | None, sheet: str | None):
    """Read and validate an uploaded file: (HasilBaca, None), or (None, the sentence to show)
    for a refused file or an internal error (logged); nothing is written either way."""
    from kdkmp import snapshot

    try:
        return snapshot.baca_snapshot(isi, nama_file=nama_file, minggu=minggu, sheet=sheet), None
    except snapshot.FileDitolak as e:
        return None, f"File ditolak: {e} Tidak ada data yang diubah."
    except Exception as e:
        return None, galat_internal(e, f"halaman Unggah: pemeriksaan {nama_file}")


def tulis(fungsi, *args, konteks: str, **kwargs):
    """Run a write (ingest.simpan, ingest.tarik, ingest.pulihkan): (result, None), or (None, the
    sentence to show) for a refusal, invalid rules or an internal error (logged)."""
    try:
        return fungsi(*args, **kwargs), None
    except store.GagalMuat as e:
        return None, f"{e} Data yang sudah tersimpan tidak berubah."
    except store.BasisDataKosong as e:
        return None, str(e)
    except rules.AturanTidakValid as e:
        return None, f"config/zones.yaml tidak valid, jadi tidak ada yang dinilai atau diubah. {e}"
    except Exception as e:
        return None, galat_internal(e, f"halaman Unggah: {konteks}")


def riwayat_pemuatan() -> None:
    """Batch history (who, when, file, sha256, counts, status: aktif / diganti / ditarik) with the
    rejected rows of a chosen batch."""
    riwayat = tanya(queries.penolakan_per_batch)
    tabel_data(tabel.riwayat_berlabel(riwayat), height=300, column_config={
        "batch_id": "Batch", "minggu": st.column_config.DateColumn("Minggu", format="DD/MM/YYYY"),
        "nama_file": "File", "dimuat_pada": st.column_config.DatetimeColumn("Dimuat", format="DD/MM/YYYY HH:mm"),
        "dimuat_oleh": "Oleh", "status": "Status", "baris_dibaca": "Baris dibaca", "baris_dimuat": "Baris dimuat",
        "baris_ditolak": "Baris ditolak", "persen_ditolak": st.column_config.NumberColumn("% ditolak", format="localized"),
        "alasan_tersering": "Alasan tersering", "sha256": "SHA-256", "versi_aturan": "Versi aturan"})
    dengan_tolak = riwayat[riwayat["baris_ditolak"] > 0]
    if len(dengan_tolak):
        batch = st.selectbox("Lihat baris ditolak dari batch", dengan_tolak["batch_id"].tolist(), index=None,
                             placeholder="Pilih batch…", key="batch_ditolak",
                             format_func=lambda b: f"{b} · {dengan_tolak.set_index('batch_id').loc[b, 'nama_file']}")
        if batch is not None:
            tabel_data(tanya(queries.rincian_penolakan, int(batch)))


def riwayat_dan_penarikan() -> None:
    """The load history and, below it, withdrawing / restoring a week; nothing when there is no
    database yet."""
    try:
        ada = len(tanya(queries.penolakan_per_batch)) > 0
    except store.BasisDataKosong:
        return
    st.subheader("Riwayat pemuatan")
    if not ada:
        st.caption("Belum ada file yang dimuat.")
        return
    riwayat_pemuatan()
    tarik_pulihkan_minggu()


def tarik_pulihkan_minggu() -> None:
    """Withdraw a loaded week (reason and a confirmation naming the week and its rows) or restore
    a withdrawn one; archived (laporan_ditarik), audited (riwayat_minggu), every week rescored."""
    st.subheader("Tarik / pulihkan minggu")
    st.caption("Menarik minggu memindahkan seluruh barisnya ke arsip (tidak dihapus) lalu menilai ulang zona semua "
               "minggu, sehingga minggu itu hilang dari semua tampilan; minggu itu bisa dipulihkan kapan saja. Setiap "
               "penarikan dan pemulihan dicatat: siapa, kapan, alasannya (juga di jejak audit). Hanya admin.")
    pesan = st.session_state.pop("pesan_tarik", None)
    if pesan:
        (st.success if pesan[0] == "ok" else st.error)(pesan[1])
    daftar = tanya(queries.minggu_dan_penarikan)
    aktif = daftar[daftar["status"] == "aktif"]
    ditarik = daftar[daftar["status"] == "ditarik"]
    petugas = pengguna().nama
    if len(aktif):
        _tarik(aktif, petugas)
    if len(ditarik):
        _pulihkan(ditarik, petugas)


def _tarik(aktif, petugas: str) -> None:
    from kdkmp import ingest

    baris_per_minggu = {tabel.sebagai_tanggal(r.minggu).isoformat(): r for r in aktif.itertuples()}
    pilihan = st.selectbox("Minggu yang akan ditarik", list(baris_per_minggu), index=None, key="tarik_minggu",
                           placeholder="Pilih minggu…",
                           format_func=lambda s: fmt.tanggal(date.fromisoformat(s)))
    if pilihan is None:
        return
    r = baris_per_minggu[pilihan]
    minggu = date.fromisoformat(pilihan)
    st.markdown(f"Yang akan ditarik: **batch {r.batch_id}**, file `{r.nama_file}`, "
                f"**{fmt.angka(r.baris_dimuat)} baris**, dimuat {fmt.waktu(r.dimuat_pada)} oleh {r.dimuat_oleh}.")
    alasan = st.text_area("Alasan penarikan (wajib)", key="tarik_alasan")
    yakin = st.checkbox(f"Ya, tarik minggu {fmt.tanggal(minggu)} ({fmt.angka(r.baris_dimuat)} baris) dari "
                        "semua tampilan", key="tarik_konfirmasi")
    if st.button("Tarik minggu ini", key="tombol_tarik", type="primary", icon=":material/archive:",
                 disabled=not (yakin and alasan.strip())):
        with st.spinner(f"Menarik minggu {fmt.tanggal(minggu)} dan menilai ulang semua minggu…"):
            hasil, galat = tulis(ingest.tarik, minggu, alasan=alasan, oleh=petugas,
                                 konteks=f"tarik minggu {pilihan}")
        if hasil:
            catat("tarik", petugas, minggu=pilihan, batch=hasil["batch_id"], baris=hasil["baris"],
                  alasan=alasan)
            st.session_state["pesan_tarik"] = ("ok", (
                f"Minggu {fmt.tanggal(minggu)} ditarik (batch {hasil['batch_id']}, "
                f"{fmt.angka(hasil['baris'])} baris diarsipkan); zona semua minggu sudah dinilai ulang."))
            for k in ("tarik_minggu", "tarik_alasan", "tarik_konfirmasi"):
                st.session_state.pop(k, None)
        else:
            st.session_state["pesan_tarik"] = ("galat", galat)
        st.rerun()


def _pulihkan(ditarik, petugas: str) -> None:
    from kdkmp import ingest

    st.markdown("**Minggu yang ditarik**")
    terbaru = ditarik.groupby("minggu")["batch_id"].max()
    for r in ditarik.itertuples():
        minggu = tabel.sebagai_tanggal(r.minggu)
        k1, k2 = st.columns([5, 1], vertical_alignment="center")
        k1.markdown(f"{fmt.tanggal(minggu)} · batch {r.batch_id} · `{r.nama_file}` · "
                    f"{fmt.angka(r.baris_dimuat)} baris · ditarik {tabel.atau_strip(r.ditarik_pada, fmt.waktu)} "
                    f"oleh {tabel.atau_strip(r.ditarik_oleh)}: {tabel.atau_strip(r.alasan)}")
        bukan_terbaru = r.batch_id != terbaru[r.minggu]
        if k2.button("Pulihkan", key=f"pulihkan_{r.batch_id}", icon=":material/unarchive:",
                     disabled=bukan_terbaru,
                     help="Hanya batch terbaru minggu ini yang bisa dipulihkan." if bukan_terbaru else None):
            with st.spinner(f"Memulihkan minggu {fmt.tanggal(minggu)} dan menilai ulang semua minggu…"):
                hasil, galat = tulis(ingest.pulihkan, minggu, oleh=petugas,
                                     konteks=f"pulihkan minggu {minggu.isoformat()}")
            if hasil:
                catat("pulihkan", petugas, minggu=minggu.isoformat(), batch=hasil["batch_id"], baris=hasil["baris"])
            st.session_state["pesan_tarik"] = ("ok", (
                f"Minggu {fmt.tanggal(minggu)} dipulihkan (batch {hasil['batch_id']}, "
                f"{fmt.angka(hasil['baris'])} baris); zona semua minggu sudah dinilai ulang.")) if hasil else (
                "galat", galat)
            st.rerun()
    with st.expander("Catatan penarikan dan pemulihan"):
        tabel_data(tanya(queries.riwayat_penarikan), column_config={
            "pada": st.column_config.DatetimeColumn("Waktu", format="DD/MM/YYYY HH:mm"), "aksi": "Tindakan",
            "minggu": st.column_config.DateColumn("Minggu", format="DD/MM/YYYY"), "batch_id": "Batch",
            "oleh": "Oleh", "alasan": "Alasan"})
