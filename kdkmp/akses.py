"""Who may see what: roles, the signed-in user (`Pengguna`) and the scope every read passes on.

Decisions, each in one line:
- One place turns a request's identity into a `Pengguna` (`tentukan_pengguna`); pages receive it
  and never decide access themselves.
- Roles are data (`PERAN`): what each may do and at which level its wilayah sits. A new role is
  one row.
- The scope is a wilayah code (None = national). A user may read an area when that area lies
  inside the scope (its code starts with the scope's code at a level boundary); everything else
  is refused with one Indonesian sentence, whatever the URL says.
- Loading a week's file (issue 15) is the offices' own job inside their wilayah (``boleh_muat``:
  kabupaten its kabupaten, provinsi any kabupaten of its province or the whole province); what
  reaches beyond one's area — the national file, replacing areas a file does not cover, withdrawing
  and restoring weeks — is the admin's (``kelola_minggu``). kdkmp.ingest.periksa_hak_muat applies
  both, for the page and the CLI alike.
- Follow-up actions (issue 13) are recorded by the offices that act, inside their wilayah
  (provinsi, kabupaten) and by the admin; `pusat` reads and exports them, as it reads everything
  else (`boleh_tindak_lanjut`). The pages offer the forms only with that right.
- Counts per province are public reporting (DESIGN.md): every role may see them on the national
  page for comparison; rows and lists below its scope, elsewhere, never (`boleh_lihat`).
- Identity comes from, in this order of trust: a proxy header mapped by Streamlit's
  `server.trustedUserHeaders` or a single sign-on (`st.login`), both seen as `st.user`; with
  neither configured, a browser on the same machine (loopback) is the local admin ("mode
  lokal"). When sign-in is configured, a request without an identity is refused, never local:
  behind a proxy every client looks like loopback.
- kdkmp imports this without Streamlit: the request is described by plain values (`Permintaan`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from kdkmp import wilayah


class AksesDitolak(Exception):
    """A request that may not be served; str(e) is one Indonesian sentence for the user."""


@dataclass(frozen=True)
class Peran:
    nama: str
    label: str
    tingkat_wilayah: str | None  # the level of the user's wilayah; None = national, no wilayah
    boleh_muat: bool = False  # load and replace a week's rows inside the scope (the upload page)
    kelola_minggu: bool = False  # the national file, replacing beyond the file, withdraw and restore weeks
    kelola_akun: bool = False  # accounts and the audit trail
    boleh_ekspor: bool = True
    boleh_tindak_lanjut: bool = False  # record and change follow-up actions inside the scope (issue 13)


PERAN: dict[str, Peran] = {p.nama: p for p in (
    Peran(nama="admin", label="Admin (PMO pusat)", tingkat_wilayah=None, boleh_muat=True, kelola_minggu=True,
          kelola_akun=True, boleh_tindak_lanjut=True),
    Peran(nama="pusat", label="PMO pusat", tingkat_wilayah=None),
    Peran(nama="provinsi", label="PMO provinsi / Diskop", tingkat_wilayah="provinsi", boleh_muat=True,
          boleh_tindak_lanjut=True),
    Peran(nama="kabupaten", label="PMO kabupaten/kota", tingkat_wilayah="kabupaten", boleh_muat=True,
          boleh_tindak_lanjut=True),
)}


def periksa_peran_wilayah(peran: str, kode_wilayah: str | None) -> str | None:
    """The wilayah code normalised for a role, or ValueError with an Indonesian sentence: an
    unknown role, a regional role without its wilayah or with one of the wrong level, a national
    role given a wilayah, a code not in the Kemendagri list."""
    p = PERAN.get(peran)
    if p is None:
        raise ValueError(f"Peran '{peran}' tidak dikenal; pilihan: {', '.join(PERAN)}.")
    if p.tingkat_wilayah is None:
        if kode_wilayah not in (None, ""):
            raise ValueError(f"Peran {peran} berlaku nasional dan tidak memakai wilayah; hapus --wilayah.")
        return None
    if kode_wilayah in (None, ""):
        raise ValueError(f"Peran {peran} butuh kode wilayah tingkat {p.tingkat_wilayah} (--wilayah).")
    try:
        w = wilayah.cari(kode_wilayah)
    except wilayah.KodeTidakDikenal as e:
        raise ValueError(str(e)) from None
    if w.tingkat != p.tingkat_wilayah:
        raise ValueError(f"Peran {peran} butuh kode wilayah tingkat {wilayah.LABEL_TINGKAT[p.tingkat_wilayah].lower()}, "
                         f"bukan {wilayah.LABEL_TINGKAT[w.tingkat].lower()} ({w.kode} {w.nama}).")
    return w.kode


def di_dalam(kode: str | None, cakupan: str | None) -> bool:
    """Whether area `kode` (None = national) lies inside `cakupan` (None = national)."""
    if cakupan is None:
        return True
    if kode is None:
        return False
    return kode == cakupan or kode.startswith(cakupan + ".")


@dataclass(frozen=True)
class Pengguna:
    """The signed-in user as every page and query sees it."""
    nama: str
    peran: str
    wilayah: str | None  # the scope: None = national
    cara_masuk: str  # 'proksi' | 'sso' | 'lokal'

    @property
    def hak(self) -> Peran:
        return PERAN[self.peran]

    @property
    def cakupan(self) -> str | None:
        return self.wilayah

    def boleh_lihat(self, kode: str | None) -> bool:
        return di_dalam(kode, self.wilayah)

    def periksa(self, kode: str | None) -> None:
        """AksesDitolak unless the user may read area `kode` (None = national)."""
        if not self.boleh_lihat(kode):
            raise AksesDitolak(kalimat_di_luar(kode, self.wilayah))


def label_cakupan(cakupan: str | None) -> str:
    """'seluruh Indonesia', 'provinsi Nusa Tenggara Barat (52)' …"""
    if cakupan is None:
        return "seluruh Indonesia"
    w = wilayah.cari(cakupan)
    return f"{wilayah.LABEL_TINGKAT[w.tingkat].lower()} {w.nama} ({w.kode})"


def kalimat_di_luar(kode: str | None, cakupan: str | None, *, apa: str | None = None) -> str:
    """The one sentence for a request outside the scope; names what was asked, never its data."""
    if apa is None:
        apa = "Data nasional" if kode is None else f"Wilayah {kode} ({_nama_aman(kode)})"
    return (f"{apa} berada di luar cakupan akun Anda ({label_cakupan(cakupan)}); minta admin PMO pusat bila "
            "Anda memang perlu melihatnya.")


def _nama_aman(kode: str) -> str:
    try:
        return wilayah.nama(kode)
    except wilayah.KodeTidakDikenal:
        return "kode tidak dikenal"


# ---------------------------------------------------------------- from a request to a Pengguna

@dataclass(frozen=True)
class Permintaan:
    """What the access layer needs to know of a request, as plain values."""
    nama_pengguna: str | None  # from st.user (proxy header or single sign-on); None = no identity
    alamat_klien: str | None  # st.context.ip_address
    cara_login: str | None  # 'proksi' (a trusted user header) or 'sso' ([auth]); None = nothing set up


def klien_lokal(alamat: str | None) -> bool:
    """A browser on the same machine. Streamlit reports a loopback client (127.0.0.1, ::1) as no
    address at all (st.context.ip_address is None), so None counts as loopback too; any other
    address, or text that is no address, does not."""
    if alamat is None:
        return True
    try:
        ip = ipaddress.ip_address(alamat.split("%")[0])
    except ValueError:
        return False
    # a server listening on '::' (dual stack, Streamlit's default) sees 127.0.0.1 as
    # ::ffff:127.0.0.1, which ipaddress does not call loopback
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


NAMA_LOKAL = "lokal"
PESAN_SIAPKAN_LOGIN = ("Dasbor ini belum dipasang dengan login, sehingga hanya bisa dibuka dari komputer tempat "
                       "dasbor berjalan (http://localhost:8501). Untuk kantor lain, pasang login: jalankan dasbor di "
                       "belakang nginx dengan deploy/nginx.conf (header X-Remote-User) atau isi [auth] di "
                       ".streamlit/secrets.toml untuk single sign-on; lihat README bagian \"Masuk\".")


def tentukan_pengguna(permintaan: Permintaan, cari_akun) -> Pengguna:
    """The request's Pengguna, or AksesDitolak with the sentence to show.

    `cari_akun(nama) -> (peran, wilayah, aktif, nama_akun) | None` reads the account table (the
    state store; names match ignoring case, and the user is named as the account spells it).
    """
    if permintaan.cara_login is not None:
        if not permintaan.nama_pengguna:
            raise AksesDitolak("Permintaan ini tidak membawa identitas pengguna; masuk melalui alamat resmi dasbor "
                               "(lewat proksi atau single sign-on), bukan langsung ke server aplikasi.")
        nama = permintaan.nama_pengguna.strip()
        akun = cari_akun(nama)
        if akun is None:
            raise AksesDitolak(f"Akun '{nama}' belum terdaftar di dasbor ini; minta admin PMO pusat menambahkannya "
                               f"(python -m kdkmp pengguna tambah {nama} --peran … --wilayah …).")
        peran, kode_wilayah, aktif, nama = akun
        if not aktif:
            raise AksesDitolak(f"Akun '{nama}' sudah dinonaktifkan; minta admin PMO pusat mengaktifkannya kembali.")
        return Pengguna(nama=nama, peran=peran, wilayah=kode_wilayah, cara_masuk=permintaan.cara_login)
    if klien_lokal(permintaan.alamat_klien):
        return Pengguna(nama=NAMA_LOKAL, peran="admin", wilayah=None, cara_masuk="lokal")
    raise AksesDitolak(PESAN_SIAPKAN_LOGIN)
