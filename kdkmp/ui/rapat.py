"""The weekly meeting view of an area: the headline in sentences, the cards, the children
compared, what makes merah most, the list to send out, and the brief to take away.

"Mode presentasi" (?presentasi=true) hides the sidebar and enlarges numbers for a projector.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from kdkmp import store
from kdkmp import format as fmt
from kdkmp.ui import tabel
from kdkmp.ui.dasar import tabel_data, tanya, tombol_unduh, widget_url
from kdkmp.ui.komponen import kartu_zona, kepala_data, pergerakan, remah_roti
from kdkmp.ui.sesi import catat, pengguna, periksa
from kdkmp.ui.tautan import HALAMAN_INTERVENSI, param_daftar

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

    periksa(kode)
    presentasi = widget_url(st.toggle, "Mode presentasi", "presentasi",
                            help="Menyembunyikan menu samping dan memperbesar angka untuk layar proyektor.")
    if presentasi:
        st.markdown(_GAYA_PRESENTASI, unsafe_allow_html=True)
    else:
        remah_roti(kode)
    data = tanya(rapat.susun, minggu, kode)
    st.title(f"Rapat mingguan · {data.nama}")
    jumlah = kepala_data(minggu, kode)
    if jumlah is None:
        return
    st.markdown("\n".join(f"- {k}" for k in rapat.kalimat_utama(data)))
    if not presentasi:
        unduh_brief(minggu, kode)
    kartu_zona(jumlah)
    st.subheader("Pergerakan minggu ini")
    pergerakan(minggu, kode, jumlah)
    if jumlah["zona"]["merah"]:
        st.page_link(HALAMAN_INTERVENSI, icon=":material/assignment_late:",
                     label=f"Daftar intervensi: {fmt.angka(jumlah['zona']['merah'])} koperasi merah, siap diunduh",
                     query_params=param_daftar(minggu, kode, zona="merah"))
    anak = tabel.tabel_anak_rapat(data.anak)
    if len(anak):
        st.subheader(f"Per {data.tingkat_anak}, terberat di atas")
        tabel_data(anak)
    if data.alasan is not None and len(data.alasan):
        st.subheader("Yang paling sering membuat merah")
        st.caption("Alasan koperasi merah, terbanyak dulu, dan per wilayah di bawahnya. Satu koperasi bisa punya "
                   "beberapa alasan.")
        tabel_data(data.alasan)
    if data.kendala is not None and len(data.kendala):
        st.subheader(f"Kendala utama per {data.tingkat_anak}")
        st.caption("Semua koperasi yang melapor minggu ini, menurut kendala utama yang dilaporkannya; kendala "
                   "terbanyak di kiri, wilayah paling terhambat di atas.")
        tabel_data(data.kendala)
    merah_lalu(data)
    tindak_lanjut(kode)


def merah_lalu(data) -> None:
    """Last week's merah list and what became of each: the meeting's "and those we discussed?"."""
    from kdkmp import rapat

    if data.daftar_merah_lalu is None:
        return
    st.subheader("Koperasi merah minggu lalu: bagaimana sekarang")
    st.caption(rapat.kalimat_nasib(data.daftar_merah_lalu) + " Yang masih merah di atas, paling lama merah dulu.")
    if len(data.daftar_merah_lalu):
        tabel_data(tabel.tabel_merah_lalu(data.daftar_merah_lalu), height=min(420, 38 + 35 * len(data.daftar_merah_lalu)),
                   column_config={"tautan": st.column_config.LinkColumn("Kode", display_text=r"koperasi\?kode=(.*)")})


def tindak_lanjut(kode: str | None) -> None:
    """Did the follow-up help, and what is overdue (issue 13), for the area in the meeting."""
    from kdkmp import catatan, rapat, tindaklanjut

    tl = tanya(rapat.tindak_lanjut, kode, tindaklanjut.hari_ini(), catatan.tanda_tindakan())
    st.subheader("Tindak lanjut: apakah membantu?")
    teramati = tl.efektivitas.filter(regex=r"^dengan_\d+$").to_numpy().sum()
    if teramati:
        st.caption(tindaklanjut.KALIMAT_EFEKTIVITAS)
        tabel_data(rapat.tabel_efektivitas(tl.efektivitas))
    else:
        st.caption("Belum ada koperasi merah dengan tindak lanjut yang sudah teramati 4 minggu di wilayah ini; "
                   "perbandingan dengan koperasi merah tanpa tindak lanjut muncul setelah itu.")
    kiri, kanan = st.columns(2)
    with kiri:
        st.markdown("**Tindak lanjut terbuka per kabupaten/kota**")
        if len(tl.terlambat_kabupaten):
            tabel_data(tl.terlambat_kabupaten.drop(columns="kode_kabupaten").rename(columns={
                "kabupaten": "Kabupaten/kota", "terbuka": "Terbuka", "terlambat": "Terlambat",
                "persen_terlambat": "% terlambat"}))
        else:
            st.caption("Belum ada tindak lanjut terbuka.")
    with kanan:
        st.markdown("**Terlambat per PIC**")
        per_pic = tl.terlambat_pic[tl.terlambat_pic["terlambat"] > 0]
        if len(per_pic):
            tabel_data(per_pic.rename(columns={
                "pic_nama": "PIC", "pic_kantor": "Kantor", "terbuka": "Terbuka", "terlambat": "Terlambat",
                "hari_terlambat_maks": "Hari lewat target (terlama)"}))
        else:
            st.caption("Tidak ada tindak lanjut yang lewat target.")


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
    tombol_unduh("Unduh brief (PPTX)", buat(brief.buat_pptx), export.nama_file("brief", kode, minggu, "pptx"),
                 icon=":material/slideshow:", wadah=k1,
                 mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                 catat=lambda: catat_brief("pptx"), help="Slide yang bisa diubah: tabel dan grafik asli PowerPoint.")
    tombol_unduh("Unduh brief (PDF)", buat(brief.buat_pdf), export.nama_file("brief", kode, minggu, "pdf"),
                 icon=":material/picture_as_pdf:", wadah=k2, mime="application/pdf", catat=lambda: catat_brief("pdf"))
