"""Shared fixtures: a small real demo database, Streamlit cache hygiene, a live server and
Debian's Chromium for the browser tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

AKAR = Path(__file__).resolve().parent.parent
# NTB, Kalimantan Barat and Jember: the areas with published figures, small enough for CI.
WILAYAH_UJI = ["52", "61", "35.09"]
MINGGU_UJI = 4


@pytest.fixture(scope="session")
def db_demo(tmp_path_factory) -> Path:
    """A real DuckDB file built by the demo generator through the ingestion path (read-only use)."""
    from kdkmp import demo

    path = tmp_path_factory.mktemp("demo") / "kdkmp.duckdb"
    demo.bangun(path, jumlah_minggu=MINGGU_UJI, wilayah_kode=WILAYAH_UJI)
    return path


@pytest.fixture
def salinan_demo(db_demo, tmp_path, monkeypatch):
    """A writable copy of the demo database as the app's database (pages that write)."""
    from kdkmp import store

    db = tmp_path / "kdkmp.duckdb"
    shutil.copyfile(db_demo, db)
    monkeypatch.setenv("KDKMP_DB", str(db))
    yield db
    store.tutup_semua()


@pytest.fixture
def kantor_proksi(salinan_demo, tmp_path, monkeypatch):
    """A factory: kantor_proksi(*pengguna) → (the writable demo database, the state store URL), the
    app behind a proxy (X-Remote-User → username) with an account for each akses.Pengguna given."""
    import streamlit as st

    from kdkmp import catatan

    url = f"sqlite:///{tmp_path / 'catatan.sqlite'}"
    monkeypatch.setenv("KDKMP_STATE_URL", url)
    lama = st.get_option("server.trustedUserHeaders")
    st.config.set_option("server.trustedUserHeaders", {"X-Remote-User": "username"})

    def pasang(*pengguna):
        for p in pengguna:
            catatan.tambah_akun(p.nama, p.peran, p.wilayah, oleh="uji")
        return salinan_demo, url

    yield pasang
    st.config.set_option("server.trustedUserHeaders", lama)
    catatan.tutup_semua()


@pytest.fixture(scope="module")
def minggu_demo() -> list[tuple]:
    """The demo weeks of the test areas, as raw frames (the rows db_demo holds)."""
    from kdkmp import demo

    return list(demo.frame_minggu_semua(MINGGU_UJI, wilayah_kode=WILAYAH_UJI))


@pytest.fixture
def db_kosong(tmp_path) -> Path:
    """A path where no database exists yet."""
    return tmp_path / "kosong.duckdb"


_MAIN_ASLI = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _bersihkan_tembolok():
    """The caches (Streamlit's and kdkmp.tembolok's) outlive AppTest instances; start every test
    clean. AppTest also leaves app.py as `__main__`, which a later `spawn` child would run again
    (signing in, writing audit rows): put pytest's back."""
    yield
    sys.modules["__main__"] = _MAIN_ASLI
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    from kdkmp import store, tembolok

    tembolok.bersihkan_semua()
    store.tutup_semua()


# ---------------------------------------------------------------- AppTest

def buka_app(halaman: str | None = None, *, user: dict | None = None, secrets: dict | None = None, **param):
    """The app as a browser opens it: app.py runs (signing the user in), then `halaman` with the
    URL parameters; no exception may reach the page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(AKAR / "app.py"), default_timeout=60)
    if user is not None:
        at.user = user
    for kunci, nilai in (secrets or {}).items():
        at.secrets[kunci] = nilai
    for k, v in param.items():
        at.query_params[k] = v
    at.run()
    if halaman:
        at.switch_page(halaman)
        for k, v in param.items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, at.exception
    return at


# ---------------------------------------------------------------- browser tests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download browsers here: drive Debian's chromium."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium tidak terpasang; .ci/run seharusnya memasangnya (apt-get install chromium)")
        pytest.skip("chromium tidak terpasang (apt-get install chromium); uji peramban dilewati")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Tall viewport: Streamlit scrolls inside its own container, so full-page shots miss content.
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1400}, "locale": "id-ID"}


# Each xdist worker takes ports from its own block below the kernel's ephemeral range (32768–60999
# here): a port the kernel hands out for bind(0) is free only until someone binds it, and with two
# workers the other one could take it, or the port next to it that a replica set needs, in between.
_BLOK_PORT = 2000
_port_berikut = 20000 + _BLOK_PORT * int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def _port_bebas(berturut: int = 1) -> int:
    """The first of `berturut` consecutive ports free on 127.0.0.1, from this worker's own block."""
    global _port_berikut
    akhir_blok = (_port_berikut // _BLOK_PORT + 1) * _BLOK_PORT
    while _port_berikut + berturut <= akhir_blok:
        awal, _port_berikut = _port_berikut, _port_berikut + berturut
        if all(_port_bisa_dipakai(p) for p in range(awal, awal + berturut)):
            return awal
    raise RuntimeError("blok port pekerja pytest ini habis")


def _port_bisa_dipakai(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tunggu_sehat(url: str, proses: subprocess.Popen, pesan_gagal, detik: float) -> None:
    """Wait until `url`/_stcore/health answers 200 (through a proxy too); RuntimeError with
    pesan_gagal() when the process ends or the time runs out."""
    batas = time.monotonic() + detik
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proses.poll() is not None or time.monotonic() > batas:
            raise RuntimeError(pesan_gagal())
        time.sleep(0.3)


@contextlib.contextmanager
def jalankan_server(db: Path, log: Path, *, argumen: list[str] = (), env: dict[str, str] | None = None):
    """`streamlit run app.py` on a database (with extra options and environment); yields its base
    URL, stops it afterwards."""
    port = _port_bebas()
    env = {**os.environ, "KDKMP_DB": str(db), **(env or {})}
    with open(log, "w") as keluaran:
        proses = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(AKAR / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *argumen],
            cwd=AKAR, env=env, stdout=keluaran, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        tunggu_sehat(url, proses, lambda: "streamlit tidak menyala:\n" + log.read_text(), detik=60)
        yield url
    finally:
        proses.terminate()
        try:
            proses.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proses.kill()


@pytest.fixture(scope="session")
def server_streamlit(db_demo, tmp_path_factory):
    """The app on the (read-only) demo database."""
    with jalankan_server(db_demo, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def server_salinan(db_demo, tmp_path_factory):
    """The app on a writable copy of the demo database (for uploads); yields (url, db path)."""
    folder = tmp_path_factory.mktemp("server_salinan")
    db = folder / "kdkmp.duckdb"
    shutil.copyfile(db_demo, db)
    with jalankan_server(db, folder / "streamlit.log") as url:
        yield url, db


# ---------------------------------------------------------------- the state store (kdkmp.catatan)

@pytest.fixture
def catatan_sqlite(tmp_path) -> str:
    """The URL of a fresh SQLite state store in tmp_path. Pass it as `url=` (or set $KDKMP_STATE_URL
    yourself): threads other tests leave behind write to the default store, never to this one."""
    from kdkmp import catatan

    url = "sqlite:///" + str(tmp_path / "catatan" / "kdkmp_catatan.sqlite")
    yield url
    catatan.tutup_semua()


def url_pg_uji() -> str | None:
    """The test PostgreSQL (.ci/run starts one and sets $KDKMP_TEST_PG_URL); None when absent."""
    return os.environ.get("KDKMP_TEST_PG_URL") or None


def lewati_tanpa_pg() -> str:
    url = url_pg_uji()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("KDKMP_TEST_PG_URL tidak diisi; .ci/run seharusnya menjalankan PostgreSQL untuk uji ini")
        pytest.skip("PostgreSQL uji tidak tersedia (isi KDKMP_TEST_PG_URL, atau jalankan bash .ci/run)")
    return url


@pytest.fixture
def catatan_pg() -> str:
    """The URL of a fresh PostgreSQL state store: its own schema in the test database (search_path in
    the URL), dropped afterwards. Pass it as `url=`, as with catatan_sqlite."""
    import uuid
    from urllib.parse import quote, urlsplit, urlunsplit

    import psycopg

    from kdkmp import catatan

    dasar = lewati_tanpa_pg()
    skema = "uji_" + uuid.uuid4().hex[:12]
    with psycopg.connect(dasar, autocommit=True) as con:
        con.execute(f'CREATE SCHEMA "{skema}"')
    bagian = urlsplit(dasar)
    opsi = "options=" + quote(f"-csearch_path={skema}", safe="")
    url = urlunsplit(bagian._replace(query=f"{bagian.query}&{opsi}" if bagian.query else opsi))
    yield url
    catatan.tutup_semua()
    with psycopg.connect(dasar, autocommit=True) as con:
        con.execute(f'DROP SCHEMA "{skema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def url_catatan(request) -> str:
    """The same test on both backends of the state store."""
    return request.getfixturevalue("catatan_sqlite" if request.param == "sqlite" else "catatan_pg")
