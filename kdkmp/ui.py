"""The Streamlit side of the package: cached queries, the first-run build, the page stamp.

The only module of kdkmp that imports Streamlit; pages import it, domain modules never do.
Query results are cached on the database file's identity (inode, mtime, size), which
changes with every load and every rescoring, so nothing stale is ever served.
"""

from __future__ import annotations

import importlib
import time
from datetime import date

import streamlit as st

from kdkmp import akses, kosakata, queries, rules, store
from kdkmp import format as fmt


@st.cache_data(max_entries=1024, show_spinner=False)
def _tembolok(nama_fungsi: str, identitas: tuple, db: str, cakupan: str | None, args: tuple, kwargs: tuple):
    modul, nama = nama_fungsi.rsplit(".", 1)
    fungsi = getattr(importlib.import_module(modul), nama)
    if getattr(fungsi, "cara_cakupan", None):
        kwargs = (*kwargs, ("cakupan", cakupan))
    con = store.sambungan_baca(db)
    try:
        return fungsi(con, *args, **dict(kwargs))
    finally:
        con.close()


def tanya(fungsi, *args, **kwargs):
    """Call a read function (kdkmp.queries, or one built on them that declares its scope with
    queries.tercakup) on the live database for the signed-in user, cached per
    data version and per scope: the scope is an argument of the cache, so a result is never served
    across scopes. A request outside the scope stops the page with one sentence (tolak)."""
    db = str(store.lokasi_db())
    try:
        return _tembolok(f"{fungsi.__module__}.{fungsi.__name__}", store.identitas_file(db), db, pengguna().cakupan, args,
                         tuple(sorted(kwargs.items())))
    except akses.AksesDitolak as e:
        tolak(e)


# ---------------------------------------------------------------- who is asking

_KUNCI_PENGGUNA = "_kdkmp_pengguna"
_KUNCI_MASUK_DICATAT = "_kdkmp_masuk_dicatat"


def _cara_login() -> str | None:
    """'proksi' when a trusted user header is configured, 'sso' when [auth] is, else None."""
    if st.get_option("server.trustedUserHeaders"):
        return "proksi"
    try:
        if st.secrets.load_if_toml_exists() and "auth" in st.secrets:
            return "sso"
    except Exception:  # an unreadable secrets.toml is not a sign-in set-up
        pass
    return None


def _nama_dari_st_user(cara: str | None) -> str | None:
    if cara == "proksi":
        return st.user.get("username") or None
    if cara == "sso":
        if not st.user.get("is_logged_in"):
            return None
        return st.user.get("email") or st.user.get("preferred_username") or st.user.get("username") or None
    return None


def masuk() -> akses.Pengguna:
    """Turn this request into the signed-in Pengguna (app.py, on every rerun, so a deactivated
    account stops at once). A refusal is one sentence, recorded in the audit trail, and stops."""
    from kdkmp import catatan

    cara = _cara_login()
    alamat = st.context.ip_address
    # A real connection gives text (or None for loopback); AppTest's client is a mock object.
    alamat = alamat if isinstance(alamat, str) else None
    permintaan = akses.Permintaan(nama_pengguna=_nama_dari_st_user(cara), alamat_klien=alamat, cara_login=cara)
    if cara == "sso" and permintaan.nama_pengguna is None:
        st.title("Dasbor Zonasi KDKMP")
        st.write("Masuk dengan akun kantor Anda untuk membuka dasbor.")
        st.button("Masuk", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    try:
        p = akses.tentukan_pengguna(permintaan, catatan.cari_akun)
    except akses.AksesDitolak as e:
        catat("akses_ditolak", permintaan.nama_pengguna or "(tanpa identitas)", alasan=str(e),
              alamat=permintaan.alamat_klien)
        st.error(str(e))
        st.stop()
    st.session_state[_KUNCI_PENGGUNA] = p
    if st.session_state.get(_KUNCI_MASUK_DICATAT) != p.nama:
        catat("masuk", p.nama, wilayah=p.wilayah, cara=p.cara_masuk, peran=p.peran)
        st.session_state[_KUNCI_MASUK_DICATAT] = p.nama
    if p.cara_masuk == "lokal":
        st.sidebar.info("**mode lokal — tanpa login**: dasbor ini hanya bisa dibuka dari komputer ini, "
                        "sebagai admin. Pasang login sebelum membukanya untuk kantor lain (README, \"Masuk\").",
                        icon=":material/lock_open:")
    else:
        st.sidebar.caption(f"Masuk sebagai **{p.nama}** · {akses.PERAN[p.peran].label} · "
                           f"{akses.label_cakupan(p.wilayah)}")
        if cara == "sso":
            st.sidebar.button("Keluar", on_click=st.logout, icon=":material/logout:")
    return p


def pengguna() -> akses.Pengguna:
    """The signed-in user of this session (set by masuk() in app.py on every rerun).

    A page can run without app.py: while no session of a fresh server process has opened the
    root URL, Streamlit serves a direct page URL (/unggah, /wilayah?…) in its old `pages/`-folder
    mode, which skips the entry script. Such a run signs the user in here, so no page is ever
    served without a Pengguna, whichever way it was reached."""
    p = st.session_state.get(_KUNCI_PENGGUNA)
    return p if p is not None else masuk()


def tolak(e: akses.AksesDitolak):
    """Stop the page with the refusal's sentence (and record it): no data, no half page."""
    p = st.session_state.get(_KUNCI_PENGGUNA)
    catat("akses_ditolak", p.nama if p else "(tanpa identitas)", alasan=str(e), halaman=st.context.url)
    st.error(str(e))
    if p is not None and p.wilayah is not None:
        st.page_link(HALAMAN_WILAYAH, label=f"Ke {akses.label_cakupan(p.wilayah)}", query_params=param_wilayah(p.wilayah),
                     icon=":material/home:")
    st.stop()


def catat(peristiwa: str, oleh: str, **rincian) -> None:
    """Record an event in the audit trail. A failing state store is logged and shown, but does
    not take the dashboard down for everyone on a Monday morning."""
    from kdkmp import catatan, galat

    try:
        catatan.catat(peristiwa, oleh, **rincian)
    except Exception as e:  # noqa: BLE001 — whatever the store raised, the page goes on
        lokasi = galat.catat(e, konteks=f"jejak {peristiwa}")
        st.sidebar.warning(f"Jejak audit tidak dapat ditulis; rincian di {lokasi}.")


def wajib_hak(hak: str) -> akses.Pengguna:
    """The user, when its role has right `hak` (a field of akses.Peran); else stop with a sentence.
    Navigation already hides such pages; this keeps a stale link from reaching them."""
    p = pengguna()
    if not getattr(p.hak, hak):
        tolak(akses.AksesDitolak(f"Halaman ini tidak tersedia untuk peran {p.hak.label}."))
    return p


def _label_wilayah(kode) -> str:
    from kdkmp import wilayah as ref

    if not isinstance(kode, str) or not kode:
        return "Nasional"
    try:
        return f"{ref.nama(kode)} ({kode})"
    except ref.KodeTidakDikenal:
        return kode


def tabel_akun(akun):
    """The accounts as people read them: role label, area name, times in WIB."""
    from kdkmp import catatan

    return akun.assign(
        peran=akun["peran"].map(lambda p: akses.PERAN[p].label if p in akses.PERAN else p),
        wilayah=akun["wilayah"].map(_label_wilayah),
        aktif=akun["aktif"].map({True: "aktif", False: "nonaktif"}),
        ada_sandi=akun["ada_sandi"].map({True: "ada", False: "–"}),
        dibuat_pada=akun["dibuat_pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
        diubah_pada=akun["diubah_pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
    ).rename(columns={"nama_pengguna": "Nama pengguna", "peran": "Peran", "wilayah": "Wilayah", "aktif": "Status",
                      "ada_sandi": "Sandi nginx", "dibuat_pada": "Dibuat (WIB)", "dibuat_oleh": "Dibuat oleh",
                      "diubah_pada": "Diubah (WIB)", "diubah_oleh": "Diubah oleh"})


def tabel_jejak(jejak):
    """The audit trail as people read it (also what its CSV download holds)."""
    from kdkmp import catatan

    import json

    def rincian(teks) -> str:
        try:
            isi = json.loads(teks)
        except (TypeError, ValueError):
            return "" if not isinstance(teks, str) else teks
        return " · ".join(f"{k}: {v}" for k, v in isi.items()) if isinstance(isi, dict) else str(isi)

    return jejak.assign(
        pada=jejak["pada"].dt.tz_convert(catatan.WIB).dt.tz_localize(None),
        peristiwa=jejak["peristiwa"].map(lambda p: catatan.PERISTIWA.get(p, p)),
        wilayah=jejak["wilayah"].map(_label_wilayah),
        rincian=jejak["rincian"].map(rincian),
    ).rename(columns={"id": "No", "pada": "Waktu (WIB)", "oleh": "Oleh", "peristiwa": "Peristiwa",
                      "wilayah": "Wilayah", "rincian": "Rincian"})


def beranda() -> str | None:
    """Where a user lands: its own area (None = national)."""
    return pengguna().wilayah


def siapkan_basis_data() -> None:
    """First run: build the national demo database with visible progress. Another session
    that arrives during the build waits for it instead of starting a second one."""
    db = store.lokasi_db()
    if db.exists():
        try:
            store.sambungan_baca(db)  # cached on the file's identity: a stat per rerun
        except store.BasisDataTidakBisaDibuka as e:
            st.error(f"{e} Dasbor tidak dapat menampilkan data. Perbaiki atau pindahkan berkas itu, atau arahkan "
                     "KDKMP_DB ke basis data yang benar; tanpa berkas, data demo dibangun saat halaman dibuka.")
            st.stop()
        return
    from kdkmp import demo

    st.title("Menyiapkan data demo nasional")
    st.write(f"Belum ada basis data di `{db}`. Data demo 83.762 koperasi × 26 minggu sedang dibangun "
             "(sekitar satu sampai dua menit, hanya sekali).")
    bilah = st.progress(0.0, text="Memulai…")
    try:
        demo.bangun(db, progres=lambda bagian, pesan: bilah.progress(min(bagian, 1.0), text=pesan))
    except store.BasisDataSibuk:
        bilah.progress(0.0, text="Sesi lain sedang membangun data demo; halaman dimuat ulang sebentar lagi…")
        time.sleep(5)
    st.rerun()


def widget_url(fungsi, label: str, kunci: str, *, bawaan=None, **kw):
    """A widget whose value lives in the URL under `kunci` as the raw value (a code, an ISO
    date), so links stay readable and reopen the same view. Streamlit's own binding writes the
    displayed label instead ("Nusa Tenggara Barat (52)"), hence this small mechanism."""
    if kunci not in st.session_state and kunci in st.query_params:
        teks = st.query_params[kunci]
        pilihan = kw.get("options")
        try:
            if fungsi in (st.checkbox, st.sidebar.checkbox, st.toggle):
                nilai = teks.lower() in ("true", "1", "ya")
            elif fungsi in (st.number_input, st.sidebar.number_input):
                nilai = type(kw.get("value", 0))(teks)
            else:
                nilai = teks if pilihan is None or teks in list(pilihan) else None
            if nilai is not None:
                st.session_state[kunci] = nilai
        except ValueError:
            pass  # a hand-edited URL with a bad value: keep the default
    if kunci in st.session_state:
        kw.pop("index", None)
        kw.pop("value", None)
    nilai = fungsi(label, key=kunci, **kw)
    if nilai is None or nilai is False or nilai == bawaan:
        if kunci in st.query_params:
            del st.query_params[kunci]
    else:
        st.query_params[kunci] = str(nilai).lower() if isinstance(nilai, bool) else str(nilai)
    return nilai


@st.cache_data(max_entries=16, show_spinner=False)
def _perlu_skor_ulang(identitas: tuple, versi: str, db: str) -> bool:

    con = store.sambungan_baca(db)
    try:
        return rules.perlu_skor_ulang(con, rules.muat_aturan())
    finally:
        con.close()


def pastikan_skor_terkini() -> None:
    """When config/zones.yaml changed, rescore every week once so that every view compares
    like with like. An invalid file is reported and the zones of the last valid rules stay."""

    db = store.lokasi_db()
    if not db.exists():
        return
    try:
        aturan = rules.muat_aturan()
    except rules.AturanTidakValid as e:
        st.sidebar.error(f"config/zones.yaml tidak valid; zona yang tampil masih dari aturan sebelumnya. {e}")
        return
    if not _perlu_skor_ulang(store.identitas_file(db), aturan.versi, str(db)):
        return
    try:
        with st.spinner(f"Aturan zona berubah (versi {aturan.versi}): menilai ulang semua minggu…"):
            from kdkmp import ingest

            with store.penulisan(db) as con:
                ingest.skor_ulang_semua(con, aturan)
    except store.BasisDataSibuk:
        st.sidebar.info("Penilaian ulang sedang berjalan di sesi lain; angka diperbarui setelah selesai.")


def pilih_minggu(daftar: list[date]) -> date:
    """The week selector in the sidebar, bound to the URL (?minggu=YYYY-MM-DD) so every view is
    shareable; it lives in app.py so the choice survives a change of page."""
    pilihan = [d.isoformat() for d in daftar]
    # A week withdrawn since this session chose it is no longer an option: back to the latest.
    if st.session_state.get("minggu") not in (None, *pilihan):
        del st.session_state["minggu"]
    if st.query_params.get("minggu") not in (None, *pilihan):
        del st.query_params["minggu"]
    nilai = widget_url(st.sidebar.selectbox, "Minggu data", "minggu", options=pilihan, index=0, bawaan=pilihan[0],
                       format_func=lambda s: fmt.tanggal(date.fromisoformat(s)))
    return date.fromisoformat(nilai)


def minggu_terpilih() -> date:
    """The week chosen in the sidebar (latest loaded week by default)."""
    daftar = data_atau_berhenti()
    nilai = st.session_state.get("minggu")
    terpilih = date.fromisoformat(nilai) if nilai else None
    # a week withdrawn since it was chosen is no longer shown: the latest week instead
    return terpilih if terpilih in daftar else daftar[0]


def daftar_minggu() -> list[date]:
    """Loaded weeks, newest first; empty when there is no database or no data."""
    try:
        return tanya(queries.daftar_minggu)
    except store.BasisDataKosong:
        return []


def data_atau_berhenti() -> list[date]:
    """Loaded weeks, or a clear message telling how to load data and stop the page."""
    daftar = daftar_minggu()
    if not daftar:
        st.info("Belum ada data mingguan. Muat file lewat halaman **Unggah** atau dengan "
                "`python -m kdkmp ingest FILE`, atau bangun data demo dengan `python -m kdkmp demo`.")
        st.stop()
    return daftar


@st.cache_data(show_spinner=False)
def batas_wilayah() -> dict | None:
    """Boundaries from data/batas/*.geojson, if a provincial office has placed any there."""
    from kdkmp import wilayah as ref

    return ref.batas_geojson()


def tabel_data(df, **kw):
    """st.dataframe with the house defaults: no index, full width, '–' for missing values."""
    import pandas as pd

    kw.setdefault("hide_index", True)
    kw.setdefault("width", "stretch")
    # Numbers in the reader's locale (id-ID: 1.234 and 12,5) unless a column says otherwise.
    konfigurasi = dict(kw.pop("column_config", None) or {})
    for kolom in df.columns:
        if kolom not in konfigurasi and pd.api.types.is_numeric_dtype(df[kolom]) and not pd.api.types.is_bool_dtype(df[kolom]):
            konfigurasi[kolom] = st.column_config.NumberColumn(format="localized")
    return st.dataframe(df, placeholder="–", column_config=konfigurasi, **kw)


def dengan_label(df):
    """Codes as Indonesian labels, dates as dates (export.untuk_orang): what tables show and export."""
    from kdkmp import export

    return export.untuk_orang(df)


# ---------------------------------------------------------------- area views

HALAMAN_WILAYAH = "pages/wilayah.py"
HALAMAN_KOPERASI = "pages/koperasi.py"
PARAM_TINGKAT = {"provinsi": "prov", "kabupaten": "kab", "kecamatan": "kec", "desa": "desa"}


def param_wilayah(kode: str | None) -> dict:
    """URL parameters of an area: every ancestor, e.g. {'prov': '52', 'kab': '52.01'}."""
    from kdkmp import wilayah as ref

    if kode is None:
        return {}
    return {PARAM_TINGKAT[ref.tingkat(k)]: k for k in ref.leluhur(kode)}


def wilayah_dari_url() -> str | None:
    """The deepest area named in the URL (?prov=52&kab=52.01 → '52.01'); stops the page with a
    clear message when a code is unknown or does not belong to its parent."""
    from kdkmp import wilayah as ref

    terpilih = None
    for tingkat in ("provinsi", "kabupaten", "kecamatan", "desa"):
        nilai = st.query_params.get(PARAM_TINGKAT[tingkat])
        if not nilai:
            continue
        try:
            w = ref.cari(nilai)
        except ref.KodeTidakDikenal as e:
            st.error(f"{e} Periksa alamat halaman atau kembali ke ringkasan nasional.")
            st.page_link("pages/ringkasan.py", label="Ringkasan nasional", icon=":material/home:")
            st.stop()
        if w.tingkat != tingkat or (terpilih and ref.induk(w.kode) != terpilih):
            st.error(f"Kode {nilai} bukan {tingkat} di bawah {terpilih or 'nasional'}; periksa alamat halaman.")
            st.page_link("pages/ringkasan.py", label="Ringkasan nasional", icon=":material/home:")
            st.stop()
        terpilih = w.kode
    return terpilih


def remah_roti(kode: str | None) -> None:
    """Breadcrumbs: Nasional › Provinsi › Kabupaten › … each a link back up."""
    from kdkmp import wilayah as ref

    p = pengguna()
    # links only to areas the user may open: a provinsi account starts at its province
    rantai = [k for k in ([] if kode is None else ref.leluhur(kode)) if p.boleh_lihat(k)]
    with st.container(horizontal=True, gap="small"):
        if p.wilayah is None:
            st.page_link("pages/ringkasan.py", label="Nasional", icon=":material/home:")
        for k in rantai:
            st.page_link(HALAMAN_WILAYAH, label=f"› {ref.nama(k)}", query_params=param_wilayah(k),
                         disabled=(k == kode))


def cap(minggu: date, jumlah: dict) -> None:
    """The stamp every view carries: week, load, rules version, reporting rate."""
    c = tanya(queries.cap_data, minggu)
    dimuat = f"dimuat {fmt.waktu(c['dimuat_pada'])} dari {c['nama_file']}" if c["batch_id"] else "belum dimuat"
    st.caption(
        f"Data minggu **{fmt.tanggal(minggu)}** · {dimuat} · aturan versi `{c['versi_aturan'] or '–'}` · "
        f"melapor {fmt.angka(jumlah['melapor'])} dari {fmt.angka(jumlah['jumlah_desa'])} desa/kelurahan "
        f"({fmt.rasio_persen(jumlah['melapor'], jumlah['jumlah_desa'])})"
        + (f" · {fmt.angka(jumlah['tanpa_laporan_dizonakan'])} koperasi tanpa laporan minggu ini tetap diberi zona "
           "oleh gerbang laporan terlambat" if jumlah["tanpa_laporan_dizonakan"] else ""))


def garis_zona(zona: str) -> None:
    """A bar in the zone's colour (kosakata.WARNA_ZONA) above a KPI card: one colour map everywhere."""
    st.markdown(f'<div style="height:8px;border-radius:4px;background:{kosakata.WARNA_ZONA[zona]}"></div>',
                unsafe_allow_html=True)


def kartu_zona(jumlah: dict) -> None:
    """Large KPI cards: koperasi, hijau / kuning / merah with share and change, tidak melapor."""
    kini, lalu = jumlah["zona"], jumlah["zona_lalu"]
    kolom = st.columns(5)
    with kolom[0]:
        st.markdown('<div style="height:8px"></div>', unsafe_allow_html=True)
        st.metric("Koperasi", fmt.angka(jumlah["jumlah"]),
                  help=f"{fmt.angka(jumlah['jumlah_desa'])} desa/kelurahan dalam referensi Kemendagri")
    for i, z in enumerate(kosakata.SEMUA_ZONA, start=1):
        with kolom[i]:
            garis_zona(z)
            beda = None if lalu is None else kini[z] - lalu[z]
            st.metric(kosakata.LABEL_ZONA[z], fmt.angka(kini[z]),
                      delta=None if beda is None else fmt.selisih(beda) + " sejak minggu lalu", delta_color="off",
                      delta_arrow="off" if not beda else ("up" if beda > 0 else "down"),
                      help=f"{fmt.rasio_persen(kini[z], jumlah['jumlah'])} dari semua koperasi")
            st.markdown(f"**{fmt.rasio_persen(kini[z], jumlah['jumlah'])}**")


HALAMAN_INTERVENSI = "pages/intervensi.py"


def param_daftar(minggu: date, kode: str | None, **saringan) -> dict:
    """URL parameters of the intervention list of an area and week (a desa: its kecamatan's list,
    the finest area the list filters on)."""
    from kdkmp import wilayah as ref

    if kode is not None and ref.tingkat(kode) == "desa":
        kode = ref.induk(kode)
    return {**param_wilayah(kode), "minggu": minggu.isoformat(), **saringan}


def pergerakan(minggu: date, kode: str | None) -> None:
    """The three movement counts of a weekly meeting, each opening its list on the intervention
    page (filtered the same way, ready to export)."""
    hitung = tanya(queries.hitung_pergerakan, minggu, kode)
    kolom = st.columns(3)
    for (jenis, (judul, definisi)), k in zip(rules.definisi_pergerakan(rules.muat_aturan()).items(), kolom):
        with k:
            st.metric(judul, fmt.angka(hitung[jenis]), help=definisi)
            if hitung[jenis]:
                # pulih koperasi are kuning or hijau now: the list must not keep its merah default
                st.page_link(HALAMAN_INTERVENSI, label=f"Daftar {fmt.angka(hitung[jenis])} koperasi",
                             icon=":material/list:",
                             query_params=param_daftar(minggu, kode, gerak=jenis,
                                                       zona="semua" if jenis == "pulih" else "merah"))


def tabel_koperasi(df) -> None:
    """A list of koperasi with their zone, reason and what it would take, each linking to its page."""
    if df.empty:
        st.info("Tidak ada koperasi.")
        return
    tampil = dengan_label(df).assign(tautan=[f"koperasi?kode={k}" for k in df["kode_koperasi"]])
    tabel_data(
        tampil, hide_index=True, width="stretch",
        column_order=["tautan", "nama_koperasi", "desa", "kabupaten", "zona", "skor_total", "minggu_di_zona",
                      "alasan_utama", "langkah_berikut"],
        column_config={
            "tautan": st.column_config.LinkColumn("Kode", display_text=r"koperasi\?kode=(.*)"),
            "nama_koperasi": "Koperasi", "desa": "Desa/kelurahan", "kabupaten": "Kabupaten/kota", "zona": "Zona",
            "skor_total": st.column_config.NumberColumn("Skor", format="localized"),
            "minggu_di_zona": st.column_config.NumberColumn("Minggu di zona"),
            "alasan_utama": "Alasan utama", "langkah_berikut": "Yang dibutuhkan",
        })


def perbandingan_provinsi(minggu: date, kode: str) -> None:
    """Where the user's province stands among all provinces: per-province counts are public
    reporting (DESIGN.md), so every scope sees them; nothing below province level elsewhere."""
    from kdkmp import charts, rapat

    provinsi = kode[:2]
    semua = tanya(queries.zona_per_anak, minggu, None)
    nasional = 100 * semua["merah"].sum() / max(int(semua["melapor"].sum()), 1)
    posisi = rapat.urutan_merah(semua, provinsi)  # the same ranking as the meeting view's
    if posisi:
        baris = semua.set_index("kode").loc[provinsi]
        st.caption(f"Provinsi {baris['nama']}: merah {fmt.persen(baris['persen_merah'])} dari yang melapor, urutan "
                   f"{posisi[0]} dari {posisi[1]} provinsi (urutan 1 = paling banyak merah); nasional "
                   f"{fmt.persen(nasional)}.")
    with st.expander("Perbandingan antarprovinsi"):
        st.plotly_chart(charts.batang_zona_per_wilayah(semua, "Zona per provinsi (persentase merah tertinggi di atas)"),
                        width="stretch", key="zona_per_provinsi")


def tampilkan_wilayah(kode: str | None, minggu: date) -> None:
    """The whole view of one area at one week; the national overview is the area None."""
    from kdkmp import charts
    from kdkmp import wilayah as ref

    try:
        pengguna().periksa(kode)
    except akses.AksesDitolak as e:
        tolak(e)
    w = ref.cari(kode) if kode else None
    remah_roti(kode)
    st.title(f"{ref.LABEL_TINGKAT[w.tingkat]} {w.nama}" if w else "Ringkasan nasional KDKMP")
    jumlah = tanya(queries.hitung_zona, minggu, kode)
    cap(minggu, jumlah)
    if jumlah["jumlah"] == 0:
        st.info(f"Belum ada laporan koperasi untuk wilayah ini sampai minggu {fmt.tanggal(minggu)}.")
        return
    kartu_zona(jumlah)
    if jumlah["zona"]["merah"]:
        st.page_link(HALAMAN_INTERVENSI, icon=":material/assignment_late:",
                     label=f"Daftar intervensi {w.label if w else 'nasional'}: {fmt.angka(jumlah['zona']['merah'])} "
                           "koperasi merah, siap diunduh",
                     query_params=param_daftar(minggu, kode, zona="merah"))
    if w is None or w.tingkat != "desa":
        st.page_link(HALAMAN_RAPAT, icon=":material/co_present:", label="Rapat mingguan wilayah ini",
                     query_params={**param_wilayah(kode), "minggu": minggu.isoformat()})
    if kode is not None and kode == pengguna().wilayah:
        perbandingan_provinsi(minggu, kode)
    st.subheader("Pergerakan minggu ini")
    pergerakan(minggu, kode)

    if w is not None and w.tingkat == "desa":
        st.subheader("Koperasi di desa/kelurahan ini")
        daftar = tanya(queries.koperasi_di_desa, kode, minggu)
        tabel_koperasi(daftar)
        for kode_kop, nama in zip(daftar["kode_koperasi"], daftar["nama_koperasi"]):
            st.page_link(HALAMAN_KOPERASI, label=f"Buka {nama or kode_kop}", icon=":material/storefront:",
                         query_params={"kode": kode_kop})
        return

    anak = tanya(queries.zona_per_anak, minggu, kode)
    label_anak = ref.LABEL_TINGKAT[{None: "provinsi", "provinsi": "kabupaten", "kabupaten": "kecamatan",
                                    "kecamatan": "desa"}[w.tingkat if w else None]]
    kiri, kanan = st.columns([3, 2])
    with kiri:
        pilihan_batang = st.plotly_chart(
            charts.batang_zona_per_wilayah(anak, f"Zona per {label_anak.lower()} (persentase merah tertinggi di atas; klik untuk membuka)"),
            width="stretch", key="zona_per_anak", on_select="rerun", selection_mode="points")
        titik = pilihan_batang.selection.points if pilihan_batang else []
        if titik and titik[0].get("customdata"):
            st.switch_page(HALAMAN_WILAYAH, query_params=param_wilayah(titik[0]["customdata"][2]))
    with kanan:
        st.plotly_chart(charts.batang_kendala_per_zona(tanya(queries.kendala_per_zona, minggu, kode),
                                                       "Kendala utama menurut zona"), width="stretch", key="kendala")
        pilar = tanya(queries.rata_pilar, minggu, kode)
        if pilar["skor_rata"].notna().any():
            terlemah = pilar.iloc[0]
            st.markdown(f"Pilar terlemah: **{kosakata.LABEL_PILAR[terlemah['pilar']]}** "
                        f"(rata-rata {fmt.angka(terlemah['skor_rata'], 1)})")
            st.plotly_chart(charts.batang_pilar(pilar), width="stretch", key="pilar")

    kiri, kanan = st.columns([3, 2])
    with kiri:
        st.plotly_chart(charts.garis_tren_zona(tanya(queries.tren_zona, kode), "Tren zona per minggu"),
                        width="stretch", key="tren")
    with kanan:
        st.plotly_chart(charts.matriks_transisi(tanya(queries.transisi_zona, minggu, kode),
                                                "Perpindahan zona sejak minggu lalu"), width="stretch", key="transisi")

    st.subheader(f"Peringkat {label_anak.lower()}")
    pilihan = dict(zip(anak["kode"], anak["nama"]))
    buka = st.selectbox(f"Buka {label_anak.lower()}", list(pilihan), index=None, format_func=lambda k: pilihan[k],
                        placeholder=f"Pilih {label_anak.lower()}…", key="buka_wilayah")
    if buka:
        st.switch_page(HALAMAN_WILAYAH, query_params=param_wilayah(buka))
    tabel = anak.sort_values(["persen_merah", "merah"], ascending=False, na_position="last").assign(
        tautan=lambda d: ["wilayah?" + "&".join(f"{a}={b}" for a, b in param_wilayah(k).items()) for k in d["kode"]])
    tabel_data(
        tabel, hide_index=True, width="stretch",
        column_order=["tautan", "nama", "jumlah", "hijau", "kuning", "merah", "tidak_melapor", "persen_merah",
                      "tingkat_lapor"],
        column_config={
            "tautan": st.column_config.LinkColumn("Kode", display_text=r".*=([0-9.]+)$"),
            "nama": label_anak, "jumlah": "Koperasi", "hijau": "Hijau", "kuning": "Kuning", "merah": "Merah",
            "tidak_melapor": "Tidak melapor",
            "persen_merah": st.column_config.ProgressColumn("% merah", format="localized", min_value=0, max_value=100),
            "tingkat_lapor": st.column_config.NumberColumn("% melapor", format="localized"),
        })

    # Issue 2's first question, still asked every week: how far the build-out is, and what blocks it.
    st.subheader(f"Tahap pembangunan dan kendala utama per {label_anak.lower()}")
    rekap = tanya(queries.rekap_anak, minggu, kode)
    kiri, kanan = st.columns(2)
    with kiri:
        st.plotly_chart(charts.batang_kategori_per_wilayah(rekap, "tahap_pembangunan", "Tahap pembangunan"),
                        width="stretch", key="tahap_per_anak")
    with kanan:
        st.plotly_chart(charts.batang_kategori_per_wilayah(rekap, "kendala_utama", "Kendala utama"),
                        width="stretch", key="kendala_per_anak")

    st.subheader("Peta")
    titik = tanya(queries.titik_peta, minggu, kode)
    peta = charts.peta_zona(titik, batas=batas_wilayah())
    if peta is None:
        st.info("Belum ada koordinat untuk wilayah ini.")
    else:
        st.pydeck_chart(peta, height=520)
        st.caption("Posisi perkiraan: titik per wilayah di rata-rata koordinat koperasinya, ukuran menurut jumlah "
                   "koperasi, warna menurut bagian merah. Tanpa peta dasar (tidak ada akses internet).")
    # an area whose position is unknown is said to be missing, never drawn at an invented place
    tanpa_posisi = anak[(anak["jumlah"] > 0) & ~anak["kode"].isin(titik["kode"])]
    if not tanpa_posisi.empty:
        st.caption(f"Posisi tidak diketahui, tidak digambar di peta: {', '.join(tanpa_posisi['nama'])}.")


# ---------------------------------------------------------------- the weekly meeting

HALAMAN_RAPAT = "pages/rapat.py"

# A projector at the back of a meeting room: no sidebar, larger numbers and sentences.
_GAYA_PRESENTASI = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header { display: none !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
[data-testid="stMarkdownContainer"] li { font-size: 1.6rem; line-height: 1.5; }
</style>"""


def tampilkan_rapat(kode: str | None, minggu: date) -> None:
    """The weekly meeting of one area: the headline in sentences, the cards, the children compared,
    the list to send out."""
    from kdkmp import rapat
    from kdkmp import wilayah as ref

    try:
        pengguna().periksa(kode)
    except akses.AksesDitolak as e:
        tolak(e)
    presentasi = widget_url(st.toggle, "Mode presentasi", "presentasi",
                            help="Menyembunyikan menu samping dan memperbesar angka untuk layar proyektor.")
    if presentasi:
        st.markdown(_GAYA_PRESENTASI, unsafe_allow_html=True)
    else:
        remah_roti(kode)
    w = ref.cari(kode) if kode else None
    data = tanya(rapat.susun, minggu, kode)
    st.title(f"Rapat mingguan · {data.nama}")
    jumlah = tanya(queries.hitung_zona, minggu, kode)
    cap(minggu, jumlah)
    if jumlah["jumlah"] == 0:
        st.info(f"Belum ada laporan koperasi untuk wilayah ini sampai minggu {fmt.tanggal(minggu)}.")
        return
    st.markdown("\n".join(f"- {k}" for k in rapat.kalimat_utama(data)))
    if not presentasi:
        unduh_brief(minggu, kode)
    kartu_zona(jumlah)
    st.subheader("Pergerakan minggu ini")
    pergerakan(minggu, kode)
    if jumlah["zona"]["merah"]:
        st.page_link(HALAMAN_INTERVENSI, icon=":material/assignment_late:",
                     label=f"Daftar intervensi: {fmt.angka(jumlah['zona']['merah'])} koperasi merah, siap diunduh",
                     query_params=param_daftar(minggu, kode, zona="merah"))
    anak = [a for a in data.anak if a.dinilai]
    if anak:
        import pandas as pd

        st.subheader(f"Per {data.tingkat_anak}, terberat di atas")
        tabel = pd.DataFrame([{"Wilayah": a.nama, "Dinilai": a.dinilai, "Merah": a.merah,
                               "% merah": round(a.persen_merah, 1),
                               "Merah minggu lalu": a.merah_lalu,
                               "Perubahan": None if a.merah_lalu is None else a.merah - a.merah_lalu} for a in anak])
        tabel_data(tabel.sort_values(["% merah", "Merah"], ascending=False))
    if jumlah["zona"]["merah"] and (w is None or w.tingkat != "desa"):
        st.subheader("Yang paling sering membuat merah")
        st.caption("Alasan koperasi merah, terbanyak dulu, dan per wilayah di bawahnya. Satu koperasi bisa punya "
                   "beberapa alasan.")
        alasan = tanya(queries.alasan_merah_per_anak, minggu, kode)
        anak_df = tanya(queries.zona_per_anak, minggu, kode)
        tabel_data(rapat.pareto(alasan, anak_df, rapat.label_alasan(rules.muat_aturan()), jumlah["zona"]["merah"]))


def unduh_brief(minggu: date, kode: str | None) -> None:
    """The meeting's brief to take away: PPTX (editable) and PDF, made when clicked, audited."""
    from kdkmp import brief, export

    p = pengguna()

    def buat(pembuat):
        def isi() -> bytes:
            con = store.sambungan_baca(store.lokasi_db())
            try:
                return pembuat(con, minggu, kode, oleh=p.nama, cakupan=p.cakupan)
            finally:
                con.close()
        return isi

    def catat_brief(format_: str) -> None:
        catat("ekspor", p.nama, isi="brief rapat mingguan", wilayah=kode, format=format_, minggu=minggu.isoformat())

    k1, k2 = st.columns(2)
    k1.download_button("Unduh brief (PPTX)", buat(brief.buat_pptx), export.nama_file("brief", kode, minggu, "pptx"), icon=":material/slideshow:",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       on_click=catat_brief, args=("pptx",), help="Slide yang bisa diubah: tabel dan grafik asli PowerPoint.")
    k2.download_button("Unduh brief (PDF)", buat(brief.buat_pdf), export.nama_file("brief", kode, minggu, "pdf"), icon=":material/picture_as_pdf:",
                       mime="application/pdf", on_click=catat_brief, args=("pdf",))


# ---------------------------------------------------------------- one koperasi

def sebagai_tanggal(nilai) -> date | None:
    """A date from a frame cell (Timestamp / date / NaT)."""
    import pandas as pd

    # NaT is an instance of date too: an empty laporan_terakhir must read as no date
    if nilai is None or pd.isna(nilai):
        return None
    return nilai.date() if hasattr(nilai, "date") and callable(nilai.date) else nilai


def tabel_indikator(laporan: dict):
    """The contract columns of one report as label / value rows, in Indonesian."""
    import pandas as pd

    from kdkmp import kontrak

    baris = []
    for k in kontrak.KOLOM:
        if k.nama in ("kode_koperasi", "nama_koperasi"):
            continue
        nilai = laporan.get(k.nama)
        if nilai is None or (not isinstance(nilai, (str, bool)) and pd.isna(nilai)):
            teks = "tidak dilaporkan"
        elif k.jenis == "bool":
            teks = "ya" if nilai else "tidak"
        elif k.jenis == "enum":
            teks = kontrak.LABEL_NILAI[k.nama].get(nilai, nilai)
        elif k.jenis == "date":
            teks = fmt.tanggal(sebagai_tanggal(nilai))
        elif k.jenis in ("int", "float"):
            teks = (("Rp " if k.nama == "omzet_bulanan" else "")
                    + fmt.angka(nilai, 0 if k.jenis == "int" else (4 if k.nama in ("latitude", "longitude") else 1))
                    + (" %" if k.persen else ""))
        else:
            teks = str(nilai)
        baris.append({"Indikator": k.keterangan[0].upper() + k.keterangan[1:], "Nilai": teks})
    return pd.DataFrame(baris)


# ---------------------------------------------------------------- filters bound to the URL

def pilih_wilayah(kunci_awalan: str = "") -> str | None:
    """Cascading provinsi → kabupaten/kota → kecamatan selectors, each bound to the URL
    (?prov=52&kab=52.01&kec=…); returns the deepest chosen code or None (national)."""
    from kdkmp import wilayah as ref

    cakupan = pengguna().wilayah
    terpilih = None
    kolom = st.columns(3)
    for i, tingkat in enumerate(("provinsi", "kabupaten", "kecamatan")):
        anak = ref.anak(terpilih)
        if terpilih is None and tingkat != "provinsi":
            break
        if cakupan is not None and ref.TINGKAT.index(tingkat) <= ref.TINGKAT.index(ref.tingkat(cakupan)):
            # a level at or above the scope is fixed to the scope; a URL naming another is refused
            kode_cakupan = ref.leluhur(cakupan)[i]
            diminta = st.query_params.get(kunci_awalan + PARAM_TINGKAT[tingkat])
            if diminta and ref.normalisasi_kode(diminta) != kode_cakupan:
                tolak(akses.AksesDitolak(akses.kalimat_di_luar(ref.normalisasi_kode(diminta) or diminta, cakupan)))
            with kolom[i]:
                st.selectbox(ref.LABEL_TINGKAT[tingkat], [kode_cakupan], disabled=True,
                             format_func=lambda k: f"{ref.nama(k)} ({k})", key=f"_tetap_{kunci_awalan}{tingkat}")
            terpilih = kode_cakupan
            continue
        pilihan = dict(zip(anak["kode"], anak["nama"]))
        diminta = ref.normalisasi_kode(st.query_params.get(kunci_awalan + PARAM_TINGKAT[tingkat]))
        if cakupan is not None and diminta and diminta not in pilihan and not akses.di_dalam(diminta, cakupan):
            tolak(akses.AksesDitolak(akses.kalimat_di_luar(diminta, cakupan)))
        with kolom[i]:
            nilai = widget_url(st.selectbox, ref.LABEL_TINGKAT[tingkat], kunci_awalan + PARAM_TINGKAT[tingkat],
                               options=list(pilihan), index=None, format_func=lambda k, p=pilihan: f"{p[k]} ({k})",
                               placeholder="Semua")
        if nilai is None:
            break
        terpilih = nilai
    return terpilih


def pilih_saringan() -> tuple[tuple[str, str], ...]:
    """The intervention filters as widgets bound to the URL; returns ((kunci, nilai), …)."""
    from kdkmp import kontrak

    aturan = rules.muat_aturan()
    pilihan_alasan = {g.id: f"Gerbang: {g.teks}" for g in aturan.model.gerbang}
    # the checks of one value are one reason (rules.keluarga_cek), filtered by the first one's id
    pilihan_alasan |= {k[0].id: f"Cek {p.label}: " + "; ".join(rules.uraikan_syarat(i) for i in k)
                       for p in aturan.model.pilar.values() for k in rules.keluarga_cek(p)}
    hasil: list[tuple[str, str]] = []
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        zona = widget_url(st.selectbox, "Zona", "zona", options=[*reversed(kosakata.ZONA), kosakata.TIDAK_MELAPOR, "semua"],
                          index=0, bawaan="merah", format_func=lambda z: kosakata.LABEL_ZONA.get(z, "Semua zona"))
        if zona != "semua":
            hasil.append(("zona", zona))
    with k2:
        pilar = widget_url(st.selectbox, "Pilar terlemah", "pilar", options=list(kosakata.LABEL_PILAR), index=None,
                           placeholder="Semua", format_func=kosakata.LABEL_PILAR.get)
    with k3:
        alasan = widget_url(st.selectbox, "Gerbang atau cek yang gagal", "alasan", options=list(pilihan_alasan),
                            index=None, placeholder="Semua", format_func=pilihan_alasan.get)
    with k4:
        kendala = widget_url(st.selectbox, "Kendala utama", "kendala", options=list(kontrak.ENUM_KENDALA), index=None,
                             placeholder="Semua", format_func=kontrak.LABEL_NILAI["kendala_utama"].get)
    k1, k2, k3, k4 = st.columns(4)
    with k1:
        tahap = widget_url(st.selectbox, "Tahap pembangunan", "tahap", options=list(kontrak.ENUM_TAHAP), index=None,
                           placeholder="Semua", format_func=kontrak.LABEL_NILAI["tahap_pembangunan"].get)
    with k2:
        min_minggu = widget_url(st.number_input, "Minggu di zona ini (≥)", "min_minggu", min_value=0, max_value=104,
                                value=0, step=1, bawaan=0)
    with k3:
        judul_gerak = {j: judul for j, (judul, _) in rules.definisi_pergerakan(aturan).items()}
        gerak = widget_url(st.selectbox, "Pergerakan minggu ini", "gerak", options=list(judul_gerak), index=None,
                           placeholder="Semua", format_func=judul_gerak.get)
    with k4:
        stagnan = widget_url(st.checkbox, "Konstruksi stagnan", "stagnan")
    for kunci, nilai in (("pilar", pilar), ("alasan", alasan), ("kendala", kendala), ("tahap", tahap), ("gerak", gerak)):
        if nilai:
            hasil.append((kunci, nilai))
    if min_minggu:
        hasil.append(("min_minggu", str(int(min_minggu))))
    if stagnan:
        hasil.append(("stagnan", "ya"))
    return tuple(hasil)


STATUS_BATCH = {"aktif": "Aktif", "diganti": "Diganti", "ditarik": "Ditarik"}


def riwayat_pemuatan() -> None:
    """Batch history (who, when, file, sha256, counts, status: aktif / diganti / ditarik) with the
    rejected rows of a chosen batch."""
    riwayat = tanya(queries.penolakan_per_batch)
    tampil = riwayat.assign(status=riwayat["status"].map(STATUS_BATCH).fillna(riwayat["status"]))
    tabel_data(tampil, hide_index=True, width="stretch", height=300, column_config={
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
            tabel_data(tanya(queries.rincian_penolakan, int(batch)), hide_index=True, width="stretch")


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


def _atau_strip(nilai, ubah=str) -> str:
    import pandas as pd

    return "–" if nilai is None or pd.isna(nilai) else ubah(nilai)


def tarik_pulihkan_minggu() -> None:
    """Withdraw a loaded week (reason and a confirmation naming the week and its rows) or restore
    a withdrawn one; archived (laporan_ditarik), audited (riwayat_minggu), every week rescored."""
    from kdkmp import ingest

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
        baris_per_minggu = {sebagai_tanggal(r.minggu).isoformat(): r for r in aktif.itertuples()}
        pilihan = st.selectbox("Minggu yang akan ditarik", list(baris_per_minggu), index=None, key="tarik_minggu",
                               placeholder="Pilih minggu…",
                               format_func=lambda s: fmt.tanggal(date.fromisoformat(s)))
        if pilihan is not None:
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

    if len(ditarik):
        st.markdown("**Minggu yang ditarik**")
        terbaru = ditarik.groupby("minggu")["batch_id"].max()
        for r in ditarik.itertuples():
            minggu = sebagai_tanggal(r.minggu)
            k1, k2 = st.columns([5, 1], vertical_alignment="center")
            k1.markdown(f"{fmt.tanggal(minggu)} · batch {r.batch_id} · `{r.nama_file}` · "
                        f"{fmt.angka(r.baris_dimuat)} baris · ditarik {_atau_strip(r.ditarik_pada, fmt.waktu)} "
                        f"oleh {_atau_strip(r.ditarik_oleh)}: {_atau_strip(r.alasan)}")
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


# ---------------------------------------------------------------- rules page

@st.cache_data(max_entries=64, show_spinner="Menilai ulang dengan aturan kandidat…")
def _bagaimana_jika(teks_yaml: str, minggu: date, identitas: tuple, db: str, cakupan: str | None):
    con = store.sambungan_baca(db)
    try:
        return queries.bagaimana_jika(con, teks_yaml, minggu, cakupan=cakupan)
    finally:
        con.close()


def tanya_bagaimana_jika(teks_yaml: str, minggu: date):
    """What-if of candidate rules on a week, cached per (YAML, week, data version, scope)."""
    db = str(store.lokasi_db())
    try:
        return _bagaimana_jika(teks_yaml, minggu, store.identitas_file(db), db, pengguna().cakupan)
    except akses.AksesDitolak as e:
        tolak(e)


def tampilkan_aturan(aturan) -> None:
    """Pillars with weights and indicators, gates, thresholds: the running rules, readable."""
    import pandas as pd


    m = aturan.model
    total = sum(p.bobot for p in m.pilar.values())
    for nama, p in m.pilar.items():
        st.markdown(f"**{p.label}** — bobot {fmt.angka(p.bobot)} ({fmt.rasio_persen(p.bobot, total, 0)})")
        tabel_data(pd.DataFrame([{
            "Indikator": i.id, "Syarat": rules.uraikan_syarat(i), "Poin": i.poin,
            "Berlaku jika": " dan ".join(rules.uraikan_syarat(b) for b in i.berlaku_jika) or "selalu"}
            for i in p.indikator]), hide_index=True, width="stretch")
    st.markdown("**Gerbang** (memaksa zona apa pun skornya)")
    tabel_data(pd.DataFrame([{
        "Gerbang": g.id, "Alasan": g.teks, "Zona": g.zona, "Keparahan": g.keparahan,
        "Jika": " dan ".join(rules.uraikan_syarat(s) for s in g.syarat)} for g in m.gerbang]),
        hide_index=True, width="stretch")
    st.markdown("**Ambang zona**")
    for z in ("hijau", "kuning"):
        a = getattr(m.zona, z)
        st.markdown(f"- {z.capitalize()}: skor total {'≥' if a.skor_total.termasuk else '>'} {fmt.angka(a.skor_total.min)} "
                    f"dan pilar terendah {'≥' if a.pilar_terendah.termasuk else '>'} {fmt.angka(a.pilar_terendah.min)}")
    st.markdown("- Merah: selain itu, atau bila gerbang merah terpicu")


def ubah_aturan(aturan) -> str:
    """Widgets for the thresholds and pillar weights; returns the candidate YAML text."""
    import yaml

    data = yaml.safe_load(aturan.teks)
    st.markdown("**Ambang zona**")
    kolom = st.columns(4)
    for i, (z, batas) in enumerate((("hijau", "skor_total"), ("hijau", "pilar_terendah"),
                                    ("kuning", "skor_total"), ("kuning", "pilar_terendah"))):
        with kolom[i]:
            b = data["zona"][z][batas]
            b["min"] = st.number_input(f"{z.capitalize()}: {batas.replace('_', ' ')} "
                                       f"{'≥' if b.get('termasuk') else '>'}", 0.0, 100.0, float(b["min"]), 1.0,
                                       key=f"ambang_{z}_{batas}")
    st.markdown("**Bobot pilar**")
    kolom = st.columns(len(data["pilar"]))
    for k, (nama, p) in zip(kolom, data["pilar"].items()):
        with k:
            p["bobot"] = st.number_input(p.get("label", nama), 0.0, 100.0, float(p["bobot"]), 1.0, key=f"bobot_{nama}")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def per_provinsi_bagaimana_jika(per_provinsi):
    """Per province: koperasi, how many change, improve, worsen — with names, most changes first."""
    from kdkmp import wilayah as ref

    nama = ref.tabel().set_index("kode")["nama"]
    df = per_provinsi.assign(provinsi=per_provinsi["kode_provinsi"].map(nama))
    return (df[["kode_provinsi", "provinsi", "n", "berubah", "membaik", "memburuk"]]
            .rename(columns={"kode_provinsi": "Kode", "provinsi": "Provinsi", "n": "Koperasi", "berubah": "Berpindah",
                             "membaik": "Membaik", "memburuk": "Memburuk"})
            .sort_values("Berpindah", ascending=False))


def penjelasan(hasil: dict | None) -> None:
    """A koperasi's verdict: zone, score, reasons worst first (gates marked), what it takes, pillars."""
    import pandas as pd

    from kdkmp import charts

    if not hasil or hasil.get("zona") is None:
        st.info("Belum ada penilaian zona untuk koperasi ini pada minggu ini.")
        return
    zona = hasil["zona"]
    lama = hasil.get("minggu_di_zona")
    st.markdown(f'<h2><span style="color:{kosakata.WARNA_ZONA[zona]}">■ {kosakata.LABEL_ZONA[zona]}</span> · skor '
                f'{fmt.angka(hasil.get("skor_total"), 1)}' + (f" · {lama} minggu di zona ini" if lama else "") + "</h2>",
                unsafe_allow_html=True)
    if hasil.get("langkah_berikut"):
        st.info(f"**Yang dibutuhkan:** {hasil['langkah_berikut']}")
    kiri, kanan = st.columns([3, 2])
    with kiri:
        st.subheader("Alasan (terberat dulu)")
        if not hasil["alasan"]:
            st.write("Semua cek yang berlaku terpenuhi.")
        for a in hasil["alasan"]:
            if a["id"] == "stabilitas":  # history holds the zone (rules._sql_penjelasan_ditahan)
                skor = hasil.get("skor_total")
                st.markdown(f"- :orange[**Stabilitas**] {a['teks']}"
                            + (f" (skor minggu ini {fmt.angka(skor, 1)})" if skor is not None else ""))
            elif a["jenis"] == "gerbang":
                st.markdown(f"- :red[**Gerbang**] {a['teks']} ({a['keparahan']})")
            else:
                pilar = kosakata.LABEL_PILAR.get(a["pilar"], a["pilar"])
                hilang = f" (−{fmt.angka(a['poin_hilang'], 1)} poin {pilar.lower()})" if a.get("poin_hilang") else ""
                st.markdown(f"- {a['teks']}{hilang}")
    with kanan:
        st.subheader("Skor pilar")
        pilar = pd.DataFrame({"pilar": list(hasil["skor_pilar"]), "skor_rata": list(hasil["skor_pilar"].values()),
                              "jumlah_terlemah": 0})
        if pilar["skor_rata"].notna().any():
            st.plotly_chart(charts.batang_pilar(pilar), width="stretch", key="pilar_koperasi")
        st.caption("Pilar tanpa indikator yang berlaku pada tahap ini tidak dinilai.")
