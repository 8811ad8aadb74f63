"""Sign-in glue: this request becomes the signed-in Pengguna, and refusals stop the page.

One entry (masuk(), run by app.py on every rerun) turns the request into an akses.Permintaan and
asks akses.tentukan_pengguna who it is; nothing else here decides who sees what. The user is
kept in the session for pengguna(); a refusal is one sentence, recorded in the audit trail.
"""

from __future__ import annotations

import streamlit as st

from kdkmp import akses
from kdkmp.ui.tautan import HALAMAN_WILAYAH, param_wilayah

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

    A page can still run without app.py (a test opening a page's file; Streamlit's old mode for
    a folder named pages/, which skips the entry script on a fresh server: why the pages live in
    halaman/). Such a run signs the user in here, so no page is ever served without a Pengguna."""
    p = st.session_state.get(_KUNCI_PENGGUNA)
    return p if p is not None else masuk()


def beranda() -> str | None:
    """Where a user lands: its own area (None = national)."""
    return pengguna().wilayah


def tolak(e: akses.AksesDitolak):
    """Stop the page with the refusal's sentence (and record it): no data, no half page."""
    p = st.session_state.get(_KUNCI_PENGGUNA)
    catat("akses_ditolak", p.nama if p else "(tanpa identitas)", alasan=str(e), halaman=st.context.url)
    st.error(str(e))
    if p is not None and p.wilayah is not None:
        st.page_link(HALAMAN_WILAYAH, label=f"Ke {akses.label_cakupan(p.wilayah)}", query_params=param_wilayah(p.wilayah),
                     icon=":material/home:")
    st.stop()


def periksa(kode: str | None) -> None:
    """Stop the page (tolak) unless the user may open area `kode`."""
    try:
        pengguna().periksa(kode)
    except akses.AksesDitolak as e:
        tolak(e)


def wajib_hak(hak: str) -> akses.Pengguna:
    """The user, when its role has right `hak` (a field of akses.Peran); else stop with a sentence.
    Navigation already hides such pages; this keeps a stale link from reaching them."""
    p = pengguna()
    if not getattr(p.hak, hak):
        tolak(akses.AksesDitolak(f"Halaman ini tidak tersedia untuk peran {p.hak.label}."))
    return p


def catat(peristiwa: str, oleh: str, **rincian) -> None:
    """Record an event in the audit trail. A failing state store is logged and shown, but does
    not take the dashboard down for everyone on a Monday morning."""
    from kdkmp import catatan, galat

    try:
        catatan.catat(peristiwa, oleh, **rincian)
    except Exception as e:  # noqa: BLE001 — whatever the store raised, the page goes on
        lokasi = galat.catat(e, konteks=f"jejak {peristiwa}")
        st.sidebar.warning(f"Jejak audit tidak dapat ditulis; rincian di {lokasi}.")
