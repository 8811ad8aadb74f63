"""Faults on a Monday morning (issue 14): the production set-up — `python -m kdkmp layani
--proses 2` behind Debian's nginx with the shipped deploy/nginx-kdkmp.conf (password check, sticky per
user) on a copy of the 26-week national demo — while N offices open their pages (the mixed walk of
bench_beban.py), three things go wrong, one after the other:

1. **tukar** — the writer swaps the file three times meanwhile: NTB's files for the two weeks
   after the latest, then the second again (`ingest --wilayah 52 [--replace]`: each builds a copy
   and swaps it in). The sessions keep walking their pages until the writer is done. Counted:
   errors, and the data weeks pages showed: every page shows one of the weeks, whole.
2. **bunuh** — one replica is killed (SIGKILL) 6 s into the wave, when its sessions are
   mid-walk (killed earlier, nginx quietly retries their handshakes on the other replica). A browser whose websocket
   drops shows "Connecting…" and opens a new session; the bench does the same once per dropped
   session. Counted: sessions dropped, errors after the reconnect (must be 0), the reconnected
   sessions' times, and whether the supervisor starts the replica again.
3. **diam** — M clients open a session, ask for the national intervention list (≈ 18,000 rows)
   and never read their socket. Counted: the other sessions' p95 and errors, each replica's memory.

    python bench/bench_gangguan.py [--n 50] [--diam 20] [--db PATH]

Before the faults one undisturbed wave gives the reference p95. Loopback only; every session is
bounded by --batas seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from _bersama import AKAR, db_nasional
from bench_beban import BERAT, Pengguna, buat_akun, nginx_di_depan, persentil, rss_mb, susun_pengguna

sys.path.insert(0, str(AKAR))
from tests.conftest import _port_bebas, tunggu_sehat  # noqa: E402
from tests.sesi_streamlit import SesiStreamlit, header_identitas  # noqa: E402

SANDI = "gangguan-senin-2026"
POLA_STEMPEL = re.compile(r"Data minggu \*\*([^*]+)\*\*")


class Supervisor:
    """`python -m kdkmp layani` as a subprocess; its lines kept to find each replica's pid."""

    def __init__(self, db: Path, port_awal: int, url_catatan: str):
        self.baris: list[str] = []
        self.proses = subprocess.Popen(
            [sys.executable, "-m", "kdkmp", "layani", "--proses", "2", "--port-awal", str(port_awal), "--db", str(db)],
            cwd=AKAR, env={**os.environ, "KDKMP_STATE_URL": url_catatan},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=lambda: [self.baris.append(b.rstrip()) for b in self.proses.stdout],
                         daemon=True).start()

    def tunggu(self, pola: str, detik: float = 120) -> re.Match:
        akhir = time.monotonic() + detik
        while time.monotonic() < akhir:
            for b in list(self.baris):
                if m := re.search(pola, b):
                    return m
            if self.proses.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"'{pola}' tidak muncul; keluaran layani:\n" + "\n".join(self.baris))

    def pid(self) -> dict[int, int]:
        """port → pid of the replica now serving it (the last line printed for it)."""
        port, hasil = {}, {}
        for b in self.baris:
            if m := re.search(r"replika (\d+): http://127\.0\.0\.1:(\d+) · pid (\d+)", b):
                port[m[1]] = int(m[2])
                hasil[int(m[2])] = int(m[3])
            elif m := re.search(r"replika (\d+) dinyalakan lagi: pid (\d+)", b):
                hasil[port[m[1]]] = int(m[2])
        return hasil

    def hentikan(self) -> None:
        self.proses.send_signal(signal.SIGTERM)
        self.proses.wait(timeout=60)


class Catatan:
    """What one wave saw: page times, errors, data weeks shown, sessions dropped and reconnected."""

    def __init__(self):
        self.waktu: list[float] = []
        self.galat: list[str] = []
        self.minggu: set[str] = set()
        self.putus = 0
        self.waktu_sambung_ulang: list[float] = []


async def sesi(url: str, p: Pengguna, c: Catatan, batas: float, *, sambung_ulang: bool,
               sampai: asyncio.Event | None = None) -> None:
    """One office's tab walking its pages (again and again until `sampai` is set, if given)."""
    header = header_identitas(p.nama, sandi=SANDI)
    mulai = time.perf_counter()
    try:
        async with asyncio.timeout(batas), SesiStreamlit(url, header, batas_detik=batas) as s:
            while True:
                for _label, halaman, kueri in p.langkah:
                    k = await s.kunjungi(halaman, kueri)
                    c.waktu.append(k.detik)
                    c.galat += [f"{p.nama}: {g}" for g in k.galat]
                    c.minggu |= {m[1] for t in k.teks if (m := POLA_STEMPEL.search(t))}
                if sampai is None or sampai.is_set():
                    return
    except TimeoutError:
        c.galat.append(f"{p.nama}: lewat batas {batas:.0f} s")
        return
    except Exception as e:  # the websocket dropped (its replica died) or the handshake failed
        if not sambung_ulang:
            c.galat.append(f"{p.nama}: {type(e).__name__}: {str(e)[:120]}")
            return
    c.putus += 1  # as the browser does: a new session, from the first page
    await sesi(url, p, c, batas, sambung_ulang=False)
    c.waktu_sambung_ulang.append(time.perf_counter() - mulai)


async def gelombang(url: str, pengguna: list[Pengguna], batas: float, *, sambung_ulang: bool = False,
                    selama=None, sepanjang: bool = False) -> tuple[Catatan, float, object]:
    """All sessions at once; `selama` (a coroutine) runs beside them (the fault). With `sepanjang`
    the sessions keep walking their pages until it is over."""
    c = Catatan()
    sampai = asyncio.Event() if sepanjang else None

    async def gangguan():
        try:
            return await selama
        finally:
            if sampai:
                sampai.set()

    t = time.perf_counter()
    tugas = [sesi(url, p, c, batas, sambung_ulang=sambung_ulang, sampai=sampai) for p in pengguna]
    hasil = await asyncio.gather(*([gangguan()] if selama else []), *tugas)
    return c, time.perf_counter() - t, (hasil[0] if selama else None)


async def diam(url: str, jumlah: int, siap: asyncio.Event, selesai: asyncio.Event) -> None:
    """Sessions that ask for the heavy list and never read what comes back."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    soket = []
    for i in range(jumlah):
        s = SesiStreamlit(url, header_identitas(BERAT[i % len(BERAT)].nama, sandi=SANDI))
        await s.__aenter__()
        pesan = BackMsg()
        pesan.rerun_script.page_name = "intervensi"
        await s._ws.send(pesan.SerializeToString())
        soket.append(s)
    # Stop reading: the websockets library reads frames into a bounded queue and then stops reading
    # the TCP socket, so the server's writes back up as a real stalled browser's would.
    siap.set()
    await selesai.wait()
    for s in soket:
        s._ws.transport.abort()


def cetak(judul: str, c: Catatan, dinding: float, pids: list[int]) -> None:
    p95 = f"p50 {statistics.median(c.waktu):.2f} s, p95 {persentil(c.waktu, .95):.2f} s, max {max(c.waktu):.2f} s" \
        if c.waktu else "tanpa halaman"
    print(f"{judul:8s} {dinding:6.1f} s dinding · {len(c.waktu)} halaman: {p95} · galat {len(c.galat)} · "
          f"minggu terlihat {sorted(c.minggu)} · memori " + ", ".join(f"{m:.0f} MB" for p in pids
                                                                    if (m := _rss_atau_none(p)) is not None))
    if c.putus:
        print(f"         {c.putus} sesi terputus dan tersambung ulang: p50 {statistics.median(c.waktu_sambung_ulang):.2f} s, "
              f"max {max(c.waktu_sambung_ulang):.2f} s (dari awal sesi sampai halaman terakhir)")
    for g in c.galat[:5]:
        print("         galat:", g)


def _rss_atau_none(pid: int) -> float | None:
    try:  # a replica just killed is gone, or a zombie without memory, until layani reaps it
        return rss_mb(pid)
    except (OSError, StopIteration):
        return None


def berkas_minggu_baru(folder: Path, jumlah: int) -> list[tuple[Path, str]]:
    """NTB's files for the `jumlah` weeks after the latest: the demo's last NTB week, moved on."""
    from kdkmp import demo

    *_, (minggu, frame) = demo.frame_minggu_semua(26, wilayah_kode=["52"])
    hasil = []
    for i in range(1, jumlah + 1):
        baru = minggu + timedelta(weeks=i)
        frame["tanggal_data"] = baru.isoformat()
        jalur = folder / f"ntb_{baru}.csv"
        frame.to_csv(jalur, index=False)
        hasil.append((jalur, baru.isoformat()))
    return hasil


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50, help="concurrent sessions per wave")
    ap.add_argument("--diam", type=int, default=20, help="clients that never read (fault 3)")
    ap.add_argument("--db", help="database to copy (default: the national demo under bench/out)")
    ap.add_argument("--batas", type=float, default=180, help="seconds a session may take")
    args = ap.parse_args()
    pengguna = susun_pengguna(args.n)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "kdkmp.duckdb"
        shutil.copy(Path(args.db) if args.db else db_nasional(), db)  # the writer swaps this copy
        url_catatan = f"sqlite:///{folder}/catatan.sqlite"
        buat_akun(pengguna + BERAT, url_catatan, SANDI)
        port_awal = _port_bebas()
        sup = Supervisor(db, port_awal, url_catatan)
        try:
            sup.tunggu(r"2 replika melayani")
            alamat = [f"http://127.0.0.1:{p}" for p in sorted(sup.pid())]
            with nginx_di_depan(alamat, url_catatan, folder) as (url, _):
                pids = lambda: list(sup.pid().values())  # noqa: E731
                asyncio.run(gelombang(url, pengguna[:8] + BERAT[:1], args.batas))  # every page once per replica
                c, d, _ = asyncio.run(gelombang(url, pengguna, args.batas))
                cetak("dasar", c, d, pids())

                (w1, m1), (w2, m2) = berkas_minggu_baru(folder, 2)

                async def muat():
                    hasil = []
                    for berkas, minggu, ganti in ((w1, m1, []), (w2, m2, []), (w2, m2, ["--replace"])):
                        await asyncio.sleep(2)  # pages are drawn from the file before the swap
                        p = await asyncio.create_subprocess_exec(
                            sys.executable, "-m", "kdkmp", "ingest", str(berkas), "--wilayah", "52", *ganti,
                            "--db", str(db), cwd=AKAR, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
                        keluaran = (await p.communicate())[0].decode()
                        hasil.append(f"ingest {minggu}{' --replace' if ganti else ''}: kode {p.returncode}"
                                     + ("" if p.returncode == 0 else f"\n{keluaran}"))
                    return hasil

                c, d, muatan = asyncio.run(gelombang(url, pengguna, args.batas, selama=muat(), sepanjang=True))
                cetak("tukar", c, d, pids())
                print("         " + "; ".join(muatan))

                korban = sorted(sup.pid().items())[0]

                async def bunuh():
                    await asyncio.sleep(6)
                    os.kill(korban[1], signal.SIGKILL)
                    return time.monotonic()

                c, d, dibunuh = asyncio.run(gelombang(url, pengguna, args.batas, sambung_ulang=True, selama=bunuh()))
                cetak("bunuh", c, d, pids())
                sup.tunggu(rf"replika \d+ dinyalakan lagi: pid (?!{korban[1]}\b)\d+", detik=60)
                tunggu_sehat(f"http://127.0.0.1:{korban[0]}", sup.proses, lambda: "\n".join(sup.baris), detik=90)
                print(f"         replika port {korban[0]} (pid {korban[1]} dibunuh): dinyalakan lagi oleh layani, "
                      f"sehat {time.monotonic() - dibunuh:.1f} s setelah dibunuh")

                async def dengan_diam():
                    siap, selesai = asyncio.Event(), asyncio.Event()
                    latar = asyncio.create_task(diam(url, args.diam, siap, selesai))
                    await siap.wait()
                    await asyncio.sleep(3)  # the heavy runs are under way, their output piling up
                    hasil = await gelombang(url, pengguna, args.batas)
                    selesai.set()
                    await latar
                    return hasil

                c, d, _ = asyncio.run(dengan_diam())
                cetak(f"diam×{args.diam}", c, d, pids())
        finally:
            sup.hentikan()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
