"""Loading and unloading weeks: choosing the area a file is for, checking the file, what the
load would add, replace and remove, loading it while showing the wait for the writer, the load
history with its rejected rows, withdrawing and restoring a week.

Decisions, each in one line:
- The areas offered are ingest.wilayah_muat_boleh (the same rule as periksa_hak_muat, which the
  load checks again): a kabupaten account's area is fixed, a provinsi account picks its province
  or one of its kabupaten, the admin any area or the national file.
- The file is read for that area (wilayah_muat), so rows outside it are rejects with their reason
  and a file with no row inside it is refused with one sentence.
- The preview (ingest.pratinjau_muat) is read again on every rerun, not kept: another office's
  load in between changes what this one replaces. The load decides again under the writer's lock.
- Rows that would disappear (only an admin's explicit "ganti semua") are named with their count and
  need their own tick whose label says that count.
- A file for a kabupaten already loaded that lacks some of its koperasi (the fixed rejected rows,
  a late addition) is offered "perbarui" first: only its koperasi's reports change. Replacing the
  whole kabupaten says how many koperasi would turn tidak melapor, naming a few.
- A week that is validated is said in the preview, with the validator's sentence, and the load
  button stays off; a refused load shows its sentence at once, not inside a closed box.
- A busy writer is waited for (ingest.WAKTU_TUNGGU) with a progress bar; past the limit the page
  says one sentence of its own: the CLI's sentence names --tunggu, which the page has not.
- History and withdraw/restore stay the admin's (akses.Peran.kelola_minggu): the raw rejected rows
  of every batch are national, and a withdrawal takes every area's rows of the week.

Every write is one store.penulisan (inside kdkmp.ingest), so a refusal or a crash changes nothing;
an unexpected exception is logged with its traceback (kdkmp.galat) and shown as a sentence.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from kdkmp import akses, ingest, queries, rules, store
from kdkmp import format as fmt
from kdkmp import wilayah as ref
from kdkmp.ui import tabel
from kdkmp.ui.dasar import tabel_data, tanya
from kdkmp.ui.sesi import catat, pengguna


def galat_internal(e: BaseException, konteks: str) -> str:
    """Log an unexpected exception with its traceback (kdkmp.galat, as the CLI does) and return
    the sentence to show: nothing was changed (every write is one store.penulisan)."""
    from kdkmp import galat

    return galat.kalimat(e, galat.catat(e, konteks=konteks, db_path=store.lokasi_db()))


def periksa_file(isi: bytes, nama_file: str, minggu: date | None, sheet: str | None, wilayah: str | None = None):
    """Read and validate an uploaded file for area `wilayah` (None = no area: the national file):
    (HasilBaca, None), or (None, the sentence to show) for a refused file or an internal error
    (logged); nothing is written either way."""
    from kdkmp import snapshot

    try:
        return snapshot.baca_snapshot(isi, nama_file=nama_file, minggu=minggu, sheet=sheet,
                                      wilayah_muat=wilayah), None
    except snapshot.FileDitolak as e:
        # one sentence: the reason is the file's, and nothing was written
        catat_ditolak(nama_file, wilayah, e, minggu=minggu.isoformat() if minggu else None,
                      sha256=hashlib.sha256(isi).hexdigest())
        return None, f"File ditolak, tidak ada data yang diubah: {e}"
    except Exception as e:
        return None, galat_internal(e, f"halaman Unggah: pemeriksaan {nama_file}")


def catat_ditolak(nama_file: str, wilayah: str | None, sebab: Exception, **rincian) -> None:
    """A refused file or load goes to the audit trail as a load does (who, area, file, why)."""
    p = pengguna()
    catat("muat_ditolak", p.nama if p else "(tanpa identitas)", wilayah=wilayah, file=nama_file, alasan=str(sebab),
          **rincian)


def label_wilayah_muat(kode: str | None) -> str:
    """How the area of a load reads in the form: 'Nasional …', 'Seluruh Provinsi …', 'Kabupaten …'."""
    if kode is None:
        return "Nasional (file seluruh Indonesia)"
    w = ref.cari(kode)
    if w.tingkat == "provinsi":
        return f"Seluruh provinsi {w.nama} ({w.kode})"
    return f"{w.nama} ({w.kode})"


def pilih_wilayah(pengguna: akses.Pengguna) -> tuple[str | None, bool]:
    """The area this upload is for and whether the admin asked to replace more than the file
    covers: (wilayah, ganti_semua). A kabupaten account's own area is shown, not chosen."""
    pilihan = ingest.wilayah_muat_boleh(pengguna)
    if len(pilihan) == 1:
        st.markdown(f"Wilayah file ini: **{label_wilayah_muat(pilihan[0])}** (wilayah akun Anda). Baris di luar "
                    "wilayah ini ditolak satu per satu beserta alasannya.")
        return pilihan[0], False
    wilayah = st.selectbox(
        "Wilayah file ini", pilihan, key="wilayah_muat", format_func=label_wilayah_muat,
        help="Pemuatan hanya mengganti kabupaten/kota yang ada di file; baris di luar wilayah yang dipilih ditolak "
             "satu per satu beserta alasannya.")
    ganti_semua = False
    if pengguna.hak.kelola_minggu:
        ganti_semua = st.checkbox(
            "Ganti semua: hapus juga kabupaten/kota di wilayah ini yang tidak ada di file", key="ganti_semua",
            help="Tanpa pilihan ini hanya kabupaten/kota yang ada di file yang diganti. Dengan pilihan ini baris "
                 "kabupaten/kota lain minggu itu di dalam wilayah terpilih (seluruh Indonesia untuk Nasional) "
                 "dihapus; pratinjau menyebutkan wilayah dan jumlah barisnya sebelum Anda memuat.")
    return wilayah, ganti_semua


def pratinjau(hasil, wilayah: str | None, ganti_semua: bool):
    """What loading `hasil` would add, replace and remove now: (RencanaGanti, None), or (None, the
    sentence to show) when the database cannot be read (logged)."""
    try:
        return ingest.pratinjau_muat(hasil, wilayah=wilayah, ganti_semua=ganti_semua), None
    except store.GagalMuat as e:
        return None, str(e)
    except Exception as e:
        return None, galat_internal(e, "halaman Unggah: pratinjau")


def pilih_cara_muat(rencana: store.RencanaGanti) -> store.RencanaGanti:
    """For a file lacking some koperasi of a kabupaten already loaded: whether only its koperasi's
    reports change (perbarui, offered first) or the whole kabupaten is replaced; the plan to show."""
    if not rencana.laporan_lepas or rencana.ganti_semua:
        return rencana
    lepas = fmt.angka(rencana.laporan_lepas)
    cara = st.radio(
        "Cara memuat", ["perbarui", "ganti"], key="cara_muat",
        format_func=lambda c: (f"Perbarui: hanya laporan koperasi yang ada di file ini; {lepas} koperasi lain yang "
                               "sudah melapor tetap" if c == "perbarui" else
                               f"Ganti seluruh laporan kabupaten/kota ini: {lepas} koperasi yang tidak ada di file "
                               "menjadi tidak melapor"),
        help="File ini tidak memuat semua koperasi yang sudah melapor minggu ini di kabupaten/kota tersebut, misalnya "
             "file baris ditolak yang sudah diperbaiki. Pilih ganti hanya bila laporan koperasi lain itu memang keliru.")
    return replace(rencana, perbarui=cara == "perbarui")


def kunci_validasi(rencana: store.RencanaGanti) -> str | None:
    """The sentence when the load would change a kabupaten week that is validated (the load
    would be refused), else None; nothing logged: nothing was tried yet."""
    from kdkmp import pelaporan

    try:
        pelaporan.periksa_boleh_muat(rencana.kode_dihapus, rencana.minggu, catat=False)
    except store.GagalMuat as e:
        return f"{e} Pemuatan ini akan ditolak; data yang sudah tersimpan tidak berubah."
    except Exception as e:  # the state store unreachable: the load checks again under the writer's lock
        galat_internal(e, "halaman Unggah: pemeriksaan validasi")
    return None


def tabel_rencana(rencana: store.RencanaGanti) -> pd.DataFrame:
    """One row per kabupaten/kota the load touches: what happens to it, its rows before and after."""
    baris = [(w, "Baru", w.baris_lama, w.baris_baru) for w in rencana.baru]
    if rencana.perbarui:
        baris += [(w, "Diperbarui", w.baris_lama, w.baris_lama - w.baris_cocok + w.baris_baru)
                  for w in rencana.diganti]
    else:
        baris += [(w, "Diganti", w.baris_lama, w.baris_baru) for w in rencana.diganti]
    baris += [(w, "DIHAPUS", w.baris_lama, 0) for w in rencana.hilang]
    return pd.DataFrame({"Kode": [w.kode for w, *_ in baris], "Kabupaten/kota": [w.nama for w, *_ in baris],
                         "Perubahan": [p for _, p, _, _ in baris],
                         "Baris sebelum": pd.array([s for *_, s, _ in baris], dtype="int64"),
                         "Baris sesudah": pd.array([s for *_, s in baris], dtype="int64")})


def tampilkan_rencana(rencana: store.RencanaGanti) -> bool:
    """The preview of the load, area by area, with the confirmations it needs; True when every
    confirmation it needs is ticked."""
    st.subheader("Yang akan berubah")
    st.markdown(rencana.kalimat())
    tabel_data(tabel_rencana(rencana), height=min(38 + 35 * (len(rencana.baru) + len(rencana.diganti)
                                                             + len(rencana.hilang)), 320),
               column_config={"Baris sebelum": st.column_config.NumberColumn(format="localized"),
                              "Baris sesudah": st.column_config.NumberColumn(format="localized")})
    siap = True
    if rencana.diganti and rencana.perbarui:
        siap = st.checkbox(f"Ya, perbarui {fmt.angka(len(rencana.diganti))} kabupaten/kota ini dengan "
                           f"{fmt.angka(sum(w.baris_baru for w in rencana.diganti))} baris file ini",
                           key="konfirmasi_perbarui")
    elif rencana.diganti:
        batch = ", ".join(f"batch {b} ({n}, {fmt.waktu(p)})" for b, n, p in rencana.batch_lama)
        st.warning(f"Minggu {fmt.tanggal(rencana.minggu)} sudah dimuat untuk {fmt.angka(len(rencana.diganti))} "
                   f"kabupaten/kota di file ini ({fmt.angka(rencana.baris_diganti)} baris, dari {batch}); "
                   "barisnya diganti dengan baris file ini.")
        if rencana.laporan_lepas:
            st.error(f"{fmt.angka(rencana.laporan_lepas)} koperasi yang sudah melapor minggu ini tidak ada di file ini "
                     f"({', '.join(rencana.contoh_lepas)}{', …' if rencana.laporan_lepas > len(rencana.contoh_lepas) else ''})"
                     " dan akan tampil TIDAK MELAPOR.")
        lepas = (f", {fmt.angka(rencana.laporan_lepas)} koperasi menjadi tidak melapor"
                 if rencana.laporan_lepas else "")
        siap = st.checkbox(f"Ya, ganti {fmt.angka(rencana.baris_diganti)} baris {fmt.angka(len(rencana.diganti))} "
                           f"kabupaten/kota ini dengan file ini{lepas}", key="konfirmasi_ganti")
    if rencana.hilang:
        nama = "; ".join(f"{w.nama} ({w.kode}, {fmt.angka(w.baris_lama)} baris)" for w in rencana.hilang)
        st.error(f"{fmt.angka(rencana.baris_hilang)} baris dari {fmt.angka(len(rencana.hilang))} kabupaten/kota yang "
                 f"tidak ada di file ini akan HILANG dari minggu {fmt.tanggal(rencana.minggu)}: {nama}.")
        hapus = st.checkbox(f"Ya, hapus {fmt.angka(rencana.baris_hilang)} baris dari "
                            f"{fmt.angka(len(rencana.hilang))} kabupaten/kota yang tidak ada di file ini",
                            key="konfirmasi_hilang")
        siap = siap and hapus
    return siap


def kalimat_sibuk(batas: float) -> str:
    """The one sentence when the writer stayed busy past the limit (nothing was changed)."""
    return (f"Basis data masih dipakai pemuatan kantor lain setelah ditunggu {fmt.angka(batas, 1, ringkas=True)} "
            "detik, jadi file ini belum dimuat dan tidak ada yang berubah; tekan Muat lagi beberapa saat lagi.")


def muat(hasil, *, isi: bytes, nama_file: str, pengguna: akses.Pengguna, wilayah: str | None, ganti: bool,
         ganti_semua: bool, perbarui: bool = False, tunggu: float | None = None):
    """Load `hasil` for `wilayah`, waiting up to `tunggu` seconds (ingest.WAKTU_TUNGGU) for a busy
    writer and showing the wait as a progress bar: (ingest.HasilSimpan, None), or (None, the one
    sentence to show); nothing changed then."""
    tunggu = ingest.WAKTU_TUNGGU if tunggu is None else tunggu
    batang = st.empty()

    def kabar(menunggu: float, batas: float) -> None:
        batang.progress(min(menunggu / batas, 1.0) if batas else 1.0,
                        text=f"Menunggu giliran: basis data sedang dimuat kantor lain "
                             f"({fmt.angka(int(menunggu))} dari {fmt.angka(batas, 1, ringkas=True)} detik)…")

    try:
        ingest.periksa_hak_muat(pengguna, wilayah, ganti_semua=ganti_semua)
        return ingest.simpan_rinci(hasil, isi_file=isi, nama_file=nama_file, ganti=ganti, dimuat_oleh=pengguna.nama,
                                   wilayah=wilayah, ganti_semua=ganti_semua, perbarui=perbarui, tunggu=tunggu,
                                   kabar=kabar), None
    except akses.AksesDitolak as e:
        catat_ditolak(nama_file, wilayah, e, minggu=hasil.minggu.isoformat())
        return None, str(e)
    except store.BasisDataSibuk:
        return None, kalimat_sibuk(tunggu)
    except store.GagalMuat as e:  # refused for what the load would change (e.g. a validated week)
        catat_ditolak(nama_file, wilayah, e, minggu=hasil.minggu.isoformat())
        return None, kalimat_galat(e, f"muat {nama_file}")
    except Exception as e:
        return None, kalimat_galat(e, f"muat {nama_file}")
    finally:
        batang.empty()


def tulis(fungsi, *args, konteks: str, **kwargs):
    """Run a write (ingest.simpan, ingest.tarik, ingest.pulihkan): (result, None), or (None, the
    sentence to show) for a refusal, invalid rules or an internal error (logged)."""
    try:
        return fungsi(*args, **kwargs), None
    except Exception as e:
        return None, kalimat_galat(e, konteks)


def kalimat_galat(e: Exception, konteks: str) -> str:
    """The sentence for a failed write; an unexpected exception is logged with its traceback."""
    if isinstance(e, store.GagalMuat):
        return f"{e} Data yang sudah tersimpan tidak berubah."
    if isinstance(e, store.BasisDataKosong):
        return str(e)
    if isinstance(e, rules.AturanTidakValid):
        return f"config/zones.yaml tidak valid, jadi tidak ada yang dinilai atau diubah. {e}"
    return galat_internal(e, f"halaman Unggah: {konteks}")


def riwayat_pemuatan() -> None:
    """Batch history (who, when, file, sha256, counts, status: aktif / diganti / ditarik) with the
    rejected rows of a chosen batch."""
    riwayat = tanya(queries.penolakan_per_batch)
    tabel_data(waktu_wib(tabel.riwayat_berlabel(riwayat)), height=300, column_config={
        "batch_id": "Batch", "minggu": st.column_config.DateColumn("Minggu", format="DD/MM/YYYY"),
        "nama_file": "File", "dimuat_pada": "Dimuat",
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


def riwayat(admin: bool) -> None:
    """Below the form: the admin's load history with withdraw / restore, or an office's own loads."""
    if admin:
        riwayat_dan_penarikan()
    else:
        riwayat_muat_wilayah()


def waktu_wib(df: pd.DataFrame, kolom: str = "dimuat_pada") -> pd.DataFrame:
    """Times as the rest of the app says them ('1 Des 2026 10:45 WIB'): the store writes the
    server's local time, which a date column would show as it is (UTC on a server)."""
    return df.assign(**{kolom: [fmt.waktu(w) for w in df[kolom]]})


def riwayat_muat_wilayah() -> None:
    """The loads behind an office's weeks (its own, and a national file's rows for its area):
    when, file, who, status, rows."""
    try:
        riwayat = tanya(queries.riwayat_muat_wilayah)
    except store.BasisDataKosong:
        return
    st.subheader("Riwayat pemuatan wilayah Anda")
    if not len(riwayat):
        st.caption("Belum ada file yang dimuat untuk wilayah Anda.")
        return
    riwayat = waktu_wib(tabel.riwayat_berlabel(riwayat)).assign(
        wilayah=lambda d: d["wilayah"].map(label_wilayah_muat, na_action="ignore").fillna(label_wilayah_muat(None)))
    tabel_data(riwayat, height=260, column_config={
        "batch_id": "Batch", "minggu": st.column_config.DateColumn("Minggu", format="DD/MM/YYYY"),
        "wilayah": "File untuk", "nama_file": "File", "dimuat_pada": "Dimuat", "dimuat_oleh": "Oleh",
        "status": "Status", "baris_wilayah": "Laporan wilayah Anda", "baris_dibaca": "Baris file dibaca",
        "baris_dimuat": "Baris file dimuat", "baris_ditolak": "Baris file ditolak"})


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
    st.markdown(f"Yang akan ditarik: {_batch_minggu(r)}, **{fmt.angka(r.baris)} baris**, dimuat "
                f"{fmt.waktu(r.dimuat_pada)} oleh {r.dimuat_oleh}" + (" (file terakhir)" if r.jumlah_file > 1 else "")
                + ".")
    alasan = st.text_area("Alasan penarikan (wajib)", key="tarik_alasan")
    yakin = st.checkbox(f"Ya, tarik minggu {fmt.tanggal(minggu)} ({fmt.angka(r.baris)} baris) dari "
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


def _batch_minggu(r) -> str:
    """A week's batches as one entry: 'batch 4, file `x.csv`' or 'batch 4, 7 (2 file, terakhir `y.csv`)'."""
    if r.jumlah_file == 1:
        return f"**batch {r.batch_id}**, file `{r.nama_file}`"
    return (f"**batch {', '.join(map(str, r.batch))}** ({fmt.angka(r.jumlah_file)} file, terakhir "
            f"`{r.nama_file}`)")


def _pulihkan(ditarik, petugas: str) -> None:
    from kdkmp import ingest

    st.markdown("**Minggu yang ditarik**")
    terbaru = ditarik.groupby("minggu")["batch_id"].max()
    for r in ditarik.itertuples():
        minggu = tabel.sebagai_tanggal(r.minggu)
        k1, k2 = st.columns([5, 1], vertical_alignment="center")
        k1.markdown(f"{fmt.tanggal(minggu)} · {_batch_minggu(r)} · "
                    f"{fmt.angka(r.baris)} baris · ditarik {tabel.atau_strip(r.ditarik_pada, fmt.waktu)} "
                    f"oleh {tabel.atau_strip(r.ditarik_oleh)}: {tabel.atau_strip(r.alasan)}")
        bukan_terbaru = r.batch_id != terbaru[r.minggu]
        if k2.button("Pulihkan", key=f"pulihkan_{r.batch_id}", icon=":material/unarchive:",
                     disabled=bukan_terbaru,
                     help="Hanya penarikan terbaru minggu ini yang bisa dipulihkan." if bukan_terbaru else None):
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
        tabel_data(waktu_wib(tanya(queries.riwayat_penarikan), "pada"), column_config={
            "pada": "Waktu", "aksi": "Tindakan",
            "minggu": st.column_config.DateColumn("Minggu", format="DD/MM/YYYY"), "batch_id": "Batch",
            "oleh": "Oleh", "alasan": "Alasan"})
