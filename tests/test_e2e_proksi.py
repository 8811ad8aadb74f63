"""Sign-in behind a real nginx (Debian's package), in real headless Chromium (issue 10):
deploy/nginx-kdkmp.conf in front of `streamlit run` bound to 127.0.0.1, every request's password
checked by kdkmp.penjaga (nginx's auth_request) against the htpasswd file written from the app's own
account table."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kdkmp import catatan, layani, penjaga
from tests.conftest import _port_bebas, jalankan_server, tunggu_sehat

pytestmark = pytest.mark.e2e
AKAR = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SANDI = "rahasia-ntb-2026"


def konfigurasi_nginx(folder: Path, port_nginx: int, port_app: list[int], port_penjaga: int) -> Path:
    """The shipped server block, unchanged but for its port and upstream file (as `layani` writes it
    for replicas on `port_app` and its password check on `port_penjaga`), inside a minimal main
    configuration that keeps every file in `folder` and logs which replica served each request
    (`akses.log`: user, upstream, URI)."""
    blok = (AKAR / "deploy" / "nginx-kdkmp.conf").read_text()
    layani.tulis_upstream(folder / "upstream.conf", port_app, port_penjaga=port_penjaga)
    for lama, baru in (("listen 80;", f"listen 127.0.0.1:{port_nginx};"),
                       ("/etc/kdkmp/upstream.conf", str(folder / "upstream.conf"))):
        assert lama in blok, lama
        blok = blok.replace(lama, baru)
    (folder / "kdkmp.conf").write_text(blok)
    sementara = "\n".join(f"    {jenis}_temp_path {folder / jenis};" for jenis in ("client_body", "proxy", "fastcgi",
                                                                                "uwsgi", "scgi"))
    utama = folder / "nginx.conf"
    utama.write_text(f"""{"user root;" if os.geteuid() == 0 else ""}
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'};
events {{ worker_connections 1024; }}  # a websocket session holds two: browser and replica
http {{
    log_format replika '$remote_user|$upstream_addr|$status|$request_uri';
    access_log {folder / 'akses.log'} replika;
{sementara}
    include {folder / 'kdkmp.conf'};
}}
""")
    return utama


@pytest.fixture(scope="module")
def dasbor_proksi(db_demo, tmp_path_factory):
    """(nginx URL, direct Streamlit URL) with accounts ntb (provinsi 52), pusat1 (pusat: reads, loads
    nothing) and lama (deactivated)."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx tidak terpasang; .ci/run seharusnya memasangnya (apt-get install nginx)")
        pytest.skip("nginx tidak terpasang (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("proksi")
    url_catatan = f"sqlite:///{folder / 'catatan.sqlite'}"
    catatan.tambah_akun("ntb", "provinsi", "52", oleh="uji", sandi=SANDI, url=url_catatan)
    catatan.tambah_akun("pusat1", "pusat", None, oleh="uji", sandi=SANDI, url=url_catatan)
    catatan.tambah_akun("lama", "provinsi", "61", oleh="uji", sandi=SANDI, url=url_catatan)
    catatan.ubah_akun("lama", oleh="uji", aktif=False, url=url_catatan)
    htpasswd = folder / "htpasswd"
    catatan.tulis_htpasswd(htpasswd, url=url_catatan)
    port_nginx = _port_bebas()
    env = {"KDKMP_STATE_URL": url_catatan}
    argumen = ["--server.trustedUserHeaders", '{"X-Remote-User": "username"}']
    port_penjaga = _port_bebas()
    server_penjaga = penjaga.jalankan_di_latar(htpasswd, port_penjaga)
    with jalankan_server(db_demo, folder / "streamlit.log", argumen=argumen, env=env) as url_app:
        port_app = int(url_app.rsplit(":", 1)[1])
        conf = konfigurasi_nginx(folder, port_nginx, [port_app], port_penjaga)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port_nginx}"
        try:
            tunggu_sehat(url, nginx, lambda: "nginx tidak menyala:\n" + (folder / "error.log").read_text(), detik=20)
            yield url, url_app, url_catatan
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            server_penjaga.shutdown()
            server_penjaga.server_close()


def tunggu_selesai(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def test_a_fresh_server_s_first_visits_by_bookmark_are_signed_in_and_routed_by_app_py(dasbor_proksi,
                                                                                      browser: Browser):
    # First in this module on purpose: a fresh server's first visit by a bookmark. Streamlit
    # serves a page URL without app.py (its old mode, raw file names in the sidebar, every page
    # listed) while a folder named pages/ sits beside app.py and no session has opened the root
    # URL yet: the pages live in halaman/, so even this first visit is signed in and routed by app.py.
    # pusat reads everything and loads nothing (the offices load their own areas, issue 15).
    url, _, _ = dasbor_proksi
    konteks = browser.new_context(http_credentials={"username": "pusat1", "password": SANDI})
    page = konteks.new_page()
    page.goto(url + "/unggah")
    tunggu_selesai(page)
    navigasi = page.get_by_test_id("stSidebarNav")
    expect(navigasi).to_contain_text("Ringkasan nasional")
    expect(navigasi).not_to_contain_text("Unggah")
    expect(navigasi).not_to_contain_text("unggah")
    # a page the role does not have is not listed; its link says so in Indonesian, and nothing of it shows
    expect(page.get_by_test_id("stAlertContentError")).to_have_text(
        "Halaman ini tidak tersedia untuk peran PMO pusat.")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    konteks.close()
    konteks = browser.new_context(http_credentials={"username": "ntb", "password": SANDI})
    page = konteks.new_page()
    page.goto(url + "/wilayah?prov=61")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("berada di luar cakupan akun Anda")
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    konteks.close()


def test_without_a_password_nginx_answers_401(dasbor_proksi):
    url, _, _ = dasbor_proksi
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url + "/", timeout=5)
    assert e.value.code == 401
    # the challenge that makes a browser ask for the name and password
    assert e.value.headers["WWW-Authenticate"].startswith('Basic realm="Dasbor Zonasi KDKMP"')


def _buka(url: str, nama: str, sandi: str) -> int:
    import base64

    permintaan = urllib.request.Request(url, headers={
        "Authorization": "Basic " + base64.b64encode(f"{nama}:{sandi}".encode()).decode()})
    try:
        with urllib.request.urlopen(permintaan, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_a_wrong_password_is_refused_and_a_changed_one_counts_at_once(dasbor_proksi):
    """The password check remembers a correct credential (bcrypt once, not on every request), but only
    until the htpasswd file changes: a new password works, and the old one is refused, on the very
    next request."""
    url, _, url_catatan = dasbor_proksi
    assert _buka(url + "/", "pusat1", SANDI) == 200
    assert _buka(url + "/", "pusat1", SANDI + "x") == 401
    assert _buka(url + "/", "tidak-ada", SANDI) == 401
    htpasswd = Path(url_catatan.removeprefix("sqlite:///")).parent / "htpasswd"
    baru = "sandi-baru-pusat-2026"
    catatan.ganti_sandi("pusat1", baru, oleh="uji", url=url_catatan)
    try:
        catatan.tulis_htpasswd(htpasswd, url=url_catatan)
        assert _buka(url + "/", "pusat1", SANDI) == 401
        assert _buka(url + "/", "pusat1", baru) == 200
    finally:
        catatan.ganti_sandi("pusat1", SANDI, oleh="uji", url=url_catatan)
        catatan.tulis_htpasswd(htpasswd, url=url_catatan)
    assert _buka(url + "/", "pusat1", SANDI) == 200


def test_a_provinsi_user_signs_in_lands_on_its_province_and_is_refused_another(dasbor_proksi, browser: Browser):
    url, _, url_catatan = dasbor_proksi
    konteks = browser.new_context(http_credentials={"username": "ntb", "password": SANDI},
                                  viewport={"width": 1400, "height": 1200}, locale="id-ID")
    page = konteks.new_page()
    page.goto(url + "/")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stHeading").filter(has_text="Provinsi Nusa Tenggara Barat").first).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Masuk sebagai ntb")
    page.goto(url + "/wilayah?prov=61")
    tunggu_selesai(page)
    galat = page.get_by_test_id("stAlertContentError")
    expect(galat).to_contain_text("Wilayah 61 (Kalimantan Barat) berada di luar cakupan akun Anda")
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    konteks.close()
    jejak = catatan.baca_jejak(oleh="ntb", url=url_catatan)
    assert {"masuk", "akses_ditolak"} <= set(jejak["peristiwa"])


def test_a_deactivated_account_is_not_let_through_by_nginx(dasbor_proksi):
    url, _, _ = dasbor_proksi
    permintaan = urllib.request.Request(url + "/")
    import base64

    permintaan.add_header("Authorization", "Basic " + base64.b64encode(f"lama:{SANDI}".encode()).decode())
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(permintaan, timeout=5)
    assert e.value.code == 401  # not in the htpasswd file: the app's account table wrote it


def test_a_session_that_reaches_streamlit_without_the_header_is_refused(dasbor_proksi, browser: Browser):
    _, url_app, _ = dasbor_proksi
    page = browser.new_page()
    page.goto(url_app + "/")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("tidak membawa identitas pengguna")
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    page.close()


def test_a_forged_identity_header_is_overwritten_by_nginx(dasbor_proksi, browser: Browser):
    url, _, _ = dasbor_proksi
    konteks = browser.new_context(http_credentials={"username": "ntb", "password": SANDI},
                                  extra_http_headers={"X-Remote-User": "lama"})
    page = konteks.new_page()
    page.goto(url + "/")
    tunggu_selesai(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Masuk sebagai ntb")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    konteks.close()


def test_streamlits_own_scripts_load_without_a_password_and_nothing_with_data_does(dasbor_proksi):
    """Streamlit's bundled scripts are the same for everyone and carry no data: nginx serves them without
    checking the password (bcrypt on every request, dozens of them on a browser's first visit). The
    page, the session's websocket and generated downloads still need it."""
    import base64
    import re

    url, _, _ = dasbor_proksi
    masuk = urllib.request.Request(url + "/", headers={
        "Authorization": "Basic " + base64.b64encode(f"ntb:{SANDI}".encode()).decode()})
    with urllib.request.urlopen(masuk, timeout=10) as r:
        halaman = r.read().decode()
    skrip = re.findall(r'src="\.?/?(static/js/[^"]+\.js)"', halaman)
    assert skrip, halaman[:500]
    with urllib.request.urlopen(f"{url}/{skrip[0]}", timeout=10) as r:  # no credentials
        assert r.status == 200 and len(r.read()) > 1000
    for jalur in ("/", "/wilayah?prov=52", "/_stcore/stream", "/media/a.csv", "/_stcore/host-config"):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url + jalur, timeout=5)
        assert e.value.code == 401, jalur
