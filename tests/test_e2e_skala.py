"""Scale-out with real parts (issue 14): `python -m kdkmp layani --proses 2 --upstream …` behind
Debian's nginx with the shipped deploy/nginx-kdkmp.conf, on loopback. Sessions are real Streamlit
websocket sessions (tests/sesi_streamlit.py) signed in through nginx (HTTP Basic, checked by
layani's password check, kdkmp.penjaga); which replica served whom is read from nginx's own access
log, not from the app."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kdkmp import catatan, cli, demo, layani
from tests.conftest import AKAR, _port_bebas, tunggu_sehat
from tests.sesi_streamlit import SesiStreamlit, header_identitas
from tests.test_e2e_proksi import NGINX, konfigurasi_nginx

pytestmark = pytest.mark.e2e
SANDI = "rahasia-skala-2026"
# Kabupaten users of NTB, two per kabupaten 52.01 … 52.08. nginx places a user by a hash of the
# name alone (`hash $remote_user`), whatever the replicas' ports: by nginx's formula these 16 split
# 8 / 8, written out here rather than computed, and the test checks real nginx agrees.
PENGGUNA = [f"kab{i}" for i in range(16)]
REPLIKA_KE = [0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1]  # first or second server of the upstream block
KABUPATEN = {nama: f"52.0{i % 8 + 1}" for i, nama in enumerate(PENGGUNA)}
JUMLAH_MINGGU = 3


def jalankan(coro):
    """asyncio.run in a thread of its own: after the browser tests, pytest-playwright's sync API
    keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pelaksana:
        return pelaksana.submit(asyncio.run, coro).result()


class Layanan:
    """The supervisor as a subprocess, its printed lines collected as they come."""

    def __init__(self, argumen: list[str], env: dict):
        self.baris: list[str] = []
        self.proses = subprocess.Popen([sys.executable, "-m", "kdkmp", "layani", *argumen], cwd=AKAR, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._baca, daemon=True).start()

    def _baca(self):
        for b in self.proses.stdout:
            self.baris.append(b.rstrip("\n"))

    def tunggu(self, pola: str, detik: float = 90) -> re.Match:
        akhir = time.monotonic() + detik
        while time.monotonic() < akhir:
            for b in list(self.baris):
                if m := re.search(pola, b):
                    return m
            if self.proses.poll() is not None and not any(re.search(pola, b) for b in self.baris):
                break
            time.sleep(0.2)
        raise AssertionError(f"'{pola}' tidak muncul; keluaran layani:\n" + "\n".join(self.baris))

    def pid_replika(self) -> dict[int, int]:
        """port → pid of the replica currently serving it (the last line printed for it)."""
        hasil = {}
        for b in self.baris:
            if m := re.search(r"replika \d+: http://127\.0\.0\.1:(\d+) · pid (\d+)", b):
                hasil[int(m[1])] = int(m[2])
        return hasil

    def hentikan(self):
        self.proses.send_signal(signal.SIGTERM)
        self.proses.wait(timeout=30)


@pytest.fixture(scope="module")
def skala(tmp_path_factory):
    """(nginx URL, Layanan, folder, db, file of the next week) with 2 replicas on an NTB database."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx tidak terpasang; .ci/run seharusnya memasangnya (apt-get install nginx)")
        pytest.skip("nginx tidak terpasang (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("skala")
    db = folder / "kdkmp.duckdb"
    berkas = []
    for minggu, frame in demo.frame_minggu_semua(JUMLAH_MINGGU + 1, wilayah_kode=["52"]):
        berkas.append(folder / f"laporan_{minggu}.csv")
        frame.to_csv(berkas[-1], index=False)
    for b in berkas[:-1]:  # every week but the last, loaded as an office would
        assert cli.main(["ingest", str(b), "--db", str(db)]) == 0
    berkas_baru, minggu_baru = berkas[-1], minggu
    url_catatan = f"sqlite:///{folder / 'catatan.sqlite'}"
    for nama in PENGGUNA:
        catatan.tambah_akun(nama, "kabupaten", KABUPATEN[nama], oleh="uji", sandi=SANDI, url=url_catatan)
    catatan.tulis_htpasswd(folder / "htpasswd", url=url_catatan)
    # the password check on the port below the first replica, the second replica on the one above
    port_awal = _port_bebas(berturut=3) + 1
    # as deployed: `layani --upstream` writes nginx's upstream blocks and runs the password check
    layanan = Layanan(["--proses", "2", "--port-awal", str(port_awal), "--db", str(db),
                       "--upstream", str(folder / "upstream.conf")],
                      {**os.environ, "KDKMP_STATE_URL": url_catatan, "KDKMP_HTPASSWD": str(folder / "htpasswd")})
    nginx = None
    try:
        layanan.tunggu(r"2 replika melayani")
        port_nginx = _port_bebas()
        conf = konfigurasi_nginx(folder, port_nginx, [port_awal, port_awal + 1], port_awal - 1)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port_nginx}"
        tunggu_sehat(url, nginx, lambda: "nginx tidak menyala:\n" + (folder / "error.log").read_text(), detik=20)
        yield url, layanan, folder, db, berkas_baru, minggu_baru
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        layanan.hentikan()


def baris_log(folder: Path) -> list[str]:
    return (folder / "akses.log").read_text().splitlines()


def replika_per_pengguna(folder: Path, sejak: int = 0) -> dict[str, set[str]]:
    """From nginx's access log (from line `sejak` on): the replica (upstream address) that served
    each user's websockets; after a failed attempt nginx lists every address tried, the last one
    served."""
    hasil = defaultdict(set)
    for baris in baris_log(folder)[sejak:]:
        nama, upstream, status, uri = baris.split("|", 3)
        if uri.startswith("/_stcore/stream") and status == "101":
            hasil[nama].add(upstream.split(", ")[-1])
    return hasil


def kunjungan(url: str, nama: str, langkah: list[tuple[str, str]]):
    async def jalan():
        async with SesiStreamlit(url, header_identitas(nama, sandi=SANDI)) as sesi:
            return [await sesi.kunjungi(h, k) for h, k in langkah]
    return jalan()


def test_sessions_of_several_users_spread_over_both_replicas_and_stay_on_theirs(skala):
    url, layanan, folder, _db, _baru, _minggu = skala

    async def semua():
        return await asyncio.gather(*(kunjungan(url, nama, [("", ""), ("wilayah", f"prov=52&kab={KABUPATEN[nama]}")])
                                      for nama in PENGGUNA))

    hasil = jalankan(semua())
    for i, (beranda, kabupaten) in enumerate(hasil):
        assert beranda.galat == [] and kabupaten.galat == []
        assert beranda.berisi(f"Masuk sebagai **{PENGGUNA[i]}**")
    # Each user's page names its own kabupaten (the Kemendagri reference: 52.01 is Lombok Barat).
    assert hasil[0][1].berisi("Lombok Barat")
    time.sleep(0.5)  # nginx writes a websocket's log line when it closes
    per_pengguna = replika_per_pengguna(folder)
    assert set(per_pengguna) == set(PENGGUNA)
    assert all(len(r) == 1 for r in per_pengguna.values()), per_pengguna  # sticky
    # each on the replica nginx's formula names (the one bench_beban's emulation also uses)
    port = sorted(layanan.pid_replika())  # the upstream block lists them in this order
    assert {nama: per_pengguna[nama] for nama in PENGGUNA} == {
        nama: {f"127.0.0.1:{port[ke]}"} for nama, ke in zip(PENGGUNA, REPLIKA_KE)}
    assert [layani.replika_untuk(nama, 2) for nama in PENGGUNA] == REPLIKA_KE


def _stempel_minggu(k) -> str:
    m = next((re.search(r"Data minggu \*\*([^*]+)\*\*", t) for t in k.teks if "Data minggu" in t), None)
    assert m, k.teks
    return m[1]


def test_a_week_loaded_meanwhile_appears_on_both_replicas_within_one_rerun(skala):
    url, _layanan, folder, db, berkas_baru, minggu_baru = skala
    bulan = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
    tertulis = f"{minggu_baru.day} {bulan[minggu_baru.month - 1]} {minggu_baru.year}"
    log_awal = len(baris_log(folder))

    async def jalan():
        sesi = [SesiStreamlit(url, header_identitas(nama, sandi=SANDI)) for nama in PENGGUNA]
        for s in sesi:
            await s.__aenter__()
        try:
            sebelum = [await s.kunjungi("", "") for s in sesi]
            muat = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kdkmp", "ingest", str(berkas_baru), "--db", str(db), cwd=AKAR,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                env={**os.environ, "KDKMP_STATE_URL": f"sqlite:///{folder / 'catatan.sqlite'}"})  # as layani's
            # Sessions keep running while the writer builds and swaps the file.
            selama = []
            while muat.returncode is None:
                selama += await asyncio.gather(*(s.kunjungi("", "") for s in sesi))
                try:
                    await asyncio.wait_for(muat.wait(), 0.1)
                except TimeoutError:
                    pass
            keluaran = (await muat.stdout.read()).decode()
            assert muat.returncode == 0, keluaran
            # done by layani's resident writer, which logs each command it ran
            log_penulis = (db.parent / "kdkmp_layani" / "penulis.log").read_text()
            assert f"ingest {berkas_baru} --db {db} oleh " in log_penulis and ": kode 0 (" in log_penulis
            sesudah = [await s.kunjungi("", "") for s in sesi]  # one rerun each
            return sebelum, selama, sesudah
        finally:
            for s in sesi:
                await s.__aexit__()

    sebelum, selama, sesudah = jalankan(jalan())
    assert all(k.galat == [] for k in sebelum + selama + sesudah)
    assert all(_stempel_minggu(k) != tertulis for k in sebelum)
    # A rerun during the load shows the old week or the new one, whole: never something between.
    lama = _stempel_minggu(sebelum[0])
    assert {_stempel_minggu(k) for k in selama} <= {lama, tertulis}
    assert [_stempel_minggu(k) for k in sesudah] == [tertulis] * len(PENGGUNA)
    time.sleep(0.5)
    assert len(set().union(*replika_per_pengguna(folder, sejak=log_awal).values())) == 2  # both saw it


def test_a_killed_replica_sends_its_users_to_the_other_and_is_started_again(skala):
    url, layanan, folder, _db, _baru, _minggu = skala
    nama = PENGGUNA[0]
    sebelum = replika_per_pengguna(folder)[nama]
    (alamat_lama,) = sebelum
    port_lama = int(alamat_lama.rsplit(":", 1)[1])
    pid_lama = layanan.pid_replika()[port_lama]

    async def jalan():
        async with SesiStreamlit(url, header_identitas(nama, sandi=SANDI)) as sesi:
            await sesi.kunjungi("", "")
            os.kill(pid_lama, signal.SIGKILL)
            with pytest.raises(Exception):  # the open tab loses its connection …
                await sesi.kunjungi("", "")
        async with SesiStreamlit(url, header_identitas(nama, sandi=SANDI)) as sesi:  # … and reconnects
            return await sesi.kunjungi("wilayah", "prov=52&kab=52.01")

    setelah = jalankan(jalan())
    assert setelah.galat == [] and setelah.berisi("Lombok Barat")
    time.sleep(0.5)
    assert len(replika_per_pengguna(folder)[nama]) == 2  # served by the other replica meanwhile
    layanan.tunggu(rf"replika \d+ dinyalakan lagi: pid (?!{pid_lama}\b)\d+", detik=30)
    tunggu_sehat(f"http://127.0.0.1:{port_lama}", layanan.proses, lambda: "\n".join(layanan.baris), detik=60)
