"""Monday morning: many offices open the dashboard at once. N concurrent sessions speak
Streamlit's own websocket protocol on loopback against real `streamlit run` processes on the
26-week national demo, each signed in (through the trusted proxy header) as a user of a different
scope, each walking what an office opens in a meeting: its overview → a province → a kabupaten →
the intervention list.

    python bench/bench_beban.py [--n 1,10,25,50] [--proses 1] [--putaran 1] [--db PATH]
    python bench/bench_beban.py --url http://127.0.0.1:8080 --pid PID[,PID…] [--n …]  # a running set-up

Without --url it starts `--proses` app processes itself (as `python -m kdkmp layani` does, behind
no proxy: the bench client sets the identity header the proxy would set, and spreads sessions over
the processes by user exactly as the proxy's `hash $remote_user` does). With --url it drives whatever
listens there (e.g. nginx in front of K processes): then the header must be set by that proxy, so
give `--sandi` and the bench signs in with HTTP basic auth. `--nginx` starts Debian's nginx with the
shipped deploy/nginx-kdkmp.conf in front of the processes it starts (HTTP Basic checked by
kdkmp.penjaga in a process of its own, sticky per user), as production runs, and prints the CPU
nginx and the password check took.

Per N it prints p50 / p95 / max of each page's time (from sending the rerun to Streamlit's
`script_finished`), sessions per second, errors (exceptions, error boxes, dropped connections,
time-outs), server CPU seconds per session and each process's memory. `--putaran R` repeats
the largest N R times and prints memory per round (a leak check). `--skenario nasional` /
`kabupaten` make every session open only the national overview / its kabupaten's view;
`--berat 5` keeps 5 sessions opening the national intervention list meanwhile (does a heavy page
stall the others?). `--profil FILE` samples the first app process with py-spy (on PATH) during the
last wave: only the thread holding the GIL, so where the Python time goes (DuckDB's work between
is not in it). Targets (issue 14): one process, 25 concurrent national-overview sessions p95 ≤ 3 s,
kabupaten views p95 ≤ 1.5 s; two processes ≥ 1.7× the sessions per second of one at the same p95;
≤ 1.5 GB per process after 50 sessions and no growth over 10 rounds of 50. Loopback only; every session is bounded by --batas seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _bersama import AKAR, db_nasional

sys.path.insert(0, str(AKAR))
from kdkmp.layani import HEADER_IDENTITAS, perintah_replika, replika_untuk  # noqa: E402
from tests.conftest import _port_bebas, tunggu_sehat  # noqa: E402
from tests.sesi_streamlit import SesiStreamlit, header_identitas  # noqa: E402


@dataclass(frozen=True)
class Pengguna:
    nama: str
    peran: str
    wilayah: str | None
    langkah: tuple[tuple[str, str, str], ...]  # (label, page_name, query string)


def susun_pengguna(jumlah: int, skenario: str = "campuran") -> list[Pengguna]:
    """`campuran`: a realistic mix of offices — 1 in 10 pusat, 3 in 10 provinsi, the rest
    kabupaten, spread over the provinces and their kabupaten (from the Kemendagri reference), each
    walking its pages. `nasional`: every session a pusat user opening the national overview.
    `kabupaten`: every session a kabupaten user opening its kabupaten's view."""
    from kdkmp import wilayah as ref

    provinsi = list(ref.anak(None)["kode"])
    kabupaten = {p: list(ref.anak(p)["kode"]) for p in provinsi}
    hasil = []
    for i in range(jumlah):
        p = provinsi[(i * 7) % len(provinsi)]
        k = kabupaten[p][i % len(kabupaten[p])]
        if skenario == "nasional":
            hasil.append(Pengguna(f"pusat{i}", "pusat", None, (("ringkasan", "", ""),)))
        elif skenario == "kabupaten":
            hasil.append(Pengguna(f"kab{i}", "kabupaten", k, (("kabupaten", "wilayah", f"prov={p}&kab={k}"),)))
        elif i % 10 == 0:
            hasil.append(Pengguna(f"pusat{i}", "pusat", None, (
                ("ringkasan", "", ""), ("provinsi", "wilayah", f"prov={p}"),
                ("kabupaten", "wilayah", f"prov={p}&kab={k}"), ("intervensi", "intervensi", f"prov={p}"))))
        elif i % 10 in (1, 4, 7):
            hasil.append(Pengguna(f"prov{i}", "provinsi", p, (
                ("ringkasan", "", ""), ("provinsi", "wilayah", f"prov={p}"),
                ("kabupaten", "wilayah", f"prov={p}&kab={k}"), ("intervensi", "intervensi", f"prov={p}"))))
        else:
            hasil.append(Pengguna(f"kab{i}", "kabupaten", k, (
                ("ringkasan", "", ""), ("kabupaten", "wilayah", f"prov={p}&kab={k}"),
                ("intervensi", "intervensi", f"prov={p}&kab={k}"))))
    return hasil


# Heavy sessions for `--berat`: the national intervention list (≈ 17.000 rows, table and CSVs).
BERAT = [Pengguna(f"berat{i}", "pusat", None, (("intervensi nasional", "intervensi", ""),)) for i in range(5)]


def berita_agregat(db: Path) -> str:
    """Whether the views of `db` read the area aggregates (kdkmp/agregat.py) or the rows: cold views
    cost several times more without them, so every figure says which."""
    from kdkmp import agregat, store

    con = store.sambungan_baca(db)
    try:
        berlaku = agregat.berlaku(con)
    finally:
        con.close()
        store.tutup_semua()
    return ("area aggregates: current" if berlaku else
            "area aggregates: none or stale, the views read the rows (`python -m kdkmp score --db` on a copy builds them)")


def buat_akun(pengguna: list[Pengguna], url_catatan: str, sandi: str | None) -> None:
    from kdkmp import catatan

    for p in pengguna:
        if catatan.cari_akun(p.nama, url=url_catatan) is None:
            catatan.tambah_akun(p.nama, p.peran, p.wilayah, oleh="bench", sandi=sandi, url=url_catatan)


@dataclass
class Hasil:
    waktu: dict[str, list[float]] = field(default_factory=dict)
    galat: list[str] = field(default_factory=list)


async def satu_sesi(url: str, header: dict, p: Pengguna, hasil: Hasil, batas: float) -> None:
    """One browser tab: a websocket, then one rerun per step, each timed until script_finished."""
    try:
        async with asyncio.timeout(batas), SesiStreamlit(url, header, batas_detik=batas) as sesi:
            for label, halaman, kueri in p.langkah:
                k = await sesi.kunjungi(halaman, kueri)
                hasil.galat.extend(f"{p.nama} {label}: {g}" for g in k.galat)
                hasil.waktu.setdefault(label, []).append(k.detik)
    except TimeoutError:
        hasil.galat.append(f"{p.nama}: lewat batas {batas:.0f} s")
    except Exception as e:  # a dropped connection, a refused handshake: counted, the run goes on
        hasil.galat.append(f"{p.nama}: {type(e).__name__}: {str(e)[:120]}")


async def gelombang(url_untuk, pengguna: list[Pengguna], sandi: str | None, batas: float) -> tuple[Hasil, float]:
    """All sessions start together (the 09:00 case); returns their results and the wall time."""
    hasil = Hasil()
    t = time.perf_counter()
    await asyncio.gather(*(satu_sesi(url_untuk(p), header_identitas(p.nama, sandi=sandi, header=HEADER_IDENTITAS),
                                     p, hasil, batas) for p in pengguna))
    return hasil, time.perf_counter() - t


async def dengan_berat(url_untuk, pengguna, berat, sandi, batas) -> tuple[Hasil, float]:
    """A wave of `pengguna` while the heavy sessions keep running (from before it starts to its end)."""
    if not berat:
        return await gelombang(url_untuk, pengguna, sandi, batas)
    selesai = asyncio.Event()
    hasil_berat = Hasil()

    async def terus(p: Pengguna):
        while not selesai.is_set():
            await satu_sesi(url_untuk(p), header_identitas(p.nama, sandi=sandi, header=HEADER_IDENTITAS), p,
                            hasil_berat, batas)

    latar = [asyncio.create_task(terus(p)) for p in berat]
    await asyncio.sleep(2)  # the heavy runs are under way when the wave arrives
    hasil, dinding = await gelombang(url_untuk, pengguna, sandi, batas)
    selesai.set()
    await asyncio.gather(*latar)
    for label, xs in hasil_berat.waktu.items():
        print(f"    (latar) {label}: {len(xs)} kali, p50 {statistics.median(xs):.2f} s, max {max(xs):.2f} s")
    hasil.galat += hasil_berat.galat
    return hasil, dinding


def cpu_detik(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        bidang = f.read().rsplit(")", 1)[1].split()
    return (int(bidang[11]) + int(bidang[12])) / os.sysconf("SC_CLK_TCK")


def cpu_dan_anak(pid: int) -> float:
    """CPU seconds of a process and its live children (nginx's master and its workers)."""
    anak = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        anak.append(int(d))
            except OSError:
                pass  # ended meanwhile
    return cpu_detik(pid) + sum(cpu_detik(a) for a in anak)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(b.split()[1]) for b in f if b.startswith("VmRSS:")) / 1024


@contextmanager
def proses_aplikasi(db: Path, jumlah: int, url_catatan: str, log: Path):
    """`jumlah` app processes on free loopback ports, as the proxy would see them; yields (urls, pids)."""
    with ExitStack() as tumpukan:
        urls, pids = [], []
        for i in range(jumlah):
            port = _port_bebas()
            berkas = tumpukan.enter_context(open(log / f"app{i}.log", "w"))
            proses = subprocess.Popen(
                perintah_replika(port, "127.0.0.1"), cwd=AKAR, env={**os.environ, "KDKMP_DB": str(db), "KDKMP_STATE_URL": url_catatan},
                stdout=berkas, stderr=subprocess.STDOUT)
            tumpukan.callback(_hentikan, proses)
            url = f"http://127.0.0.1:{port}"
            tunggu_sehat(url, proses, lambda i=i: (log / f"app{i}.log").read_text(), detik=60)
            urls.append(url)
            pids.append(proses.pid)
        yield urls, pids


@contextmanager
def nginx_di_depan(alamat: list[str], url_catatan: str, folder: Path):
    """Debian's nginx with the shipped server block in front of the app processes, and the password
    check it asks in a process of its own (as `layani` runs it beside the replicas, as the scale-out
    test sets it up); yields nginx's URL and the pids of nginx's master and of the check."""
    from kdkmp import catatan
    from tests.test_e2e_proksi import NGINX, konfigurasi_nginx

    catatan.tulis_htpasswd(folder / "htpasswd", url=url_catatan)
    port, port_penjaga = _port_bebas(), _port_bebas()
    penjaga = subprocess.Popen([sys.executable, "-m", "kdkmp.penjaga", str(folder / "htpasswd"), str(port_penjaga)],
                               cwd=AKAR)
    conf = konfigurasi_nginx(folder, port, [int(a.rsplit(":", 1)[1]) for a in alamat], port_penjaga)
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        tunggu_sehat(url, nginx, lambda: (folder / "error.log").read_text(), detik=20)
        yield url, (nginx.pid, penjaga.pid)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        _hentikan(penjaga)


def _hentikan(proses: subprocess.Popen) -> None:
    proses.terminate()
    try:
        proses.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proses.kill()


@contextmanager
def profil(berkas: str | None, pids: list[int]):
    """py-spy sampling the first app process meanwhile (collapsed stacks, one line per stack with its
    sample count: `sort -k2` or a flame graph tool reads them); nothing without `berkas`."""
    if not berkas or not pids:
        yield
        return
    proses = subprocess.Popen(["py-spy", "record", "--pid", str(pids[0]), "--rate", "250", "--format", "raw",
                               "--output", berkas, "--gil", "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    time.sleep(1)  # py-spy attaches
    try:
        yield
    finally:
        proses.send_signal(signal.SIGINT)
        proses.wait(timeout=30)


def persentil(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def cetak(n: int, hasil: Hasil, dinding: float, cpu: float, pids: list[int], berat: bool) -> None:
    sesi_per_detik = n / dinding if dinding else float("nan")
    cpu_teks = f"CPU server {cpu:.1f} s (dengan sesi latar)" if berat else f"CPU server {cpu / n:.2f} s/sesi"
    print(f"N={n:3d}: {dinding:6.1f} s dinding, {sesi_per_detik:5.2f} sesi/s, galat {len(hasil.galat)}, "
          f"{cpu_teks}, memori " + ", ".join(f"{rss_mb(p):.0f} MB" for p in pids))
    for label in ("ringkasan", "provinsi", "kabupaten", "intervensi"):
        xs = hasil.waktu.get(label, [])
        if xs:
            print(f"    {label:11s} n={len(xs):3d}  p50 {statistics.median(xs):5.2f} s  p95 {persentil(xs, .95):5.2f} s  "
                  f"max {max(xs):5.2f} s")
    for g in hasil.galat[:5]:
        print("    galat:", g)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="1,10,25,50", help="concurrent sessions per wave, comma-separated")
    ap.add_argument("--proses", type=int, default=1, help="app processes to start (without --url)")
    ap.add_argument("--putaran", type=int, default=1, help="waves of the largest N (leak check)")
    ap.add_argument("--db", help="database (default: the national demo under bench/out)")
    ap.add_argument("--url", help="drive a running set-up (e.g. nginx) instead of starting processes")
    ap.add_argument("--pid", default="", help="with --url: the app processes' pids, for CPU and memory")
    ap.add_argument("--sandi", help="with --url: the password of the bench accounts (basic auth)")
    ap.add_argument("--catatan", help="with --url: the state store URL of that set-up, for the bench accounts")
    ap.add_argument("--nginx", action="store_true",
                    help="put Debian's nginx with deploy/nginx-kdkmp.conf in front of the processes (password check, "
                         "sticky per user) and drive it instead")
    ap.add_argument("--batas", type=float, default=180, help="seconds a session may take")
    ap.add_argument("--skenario", choices=("campuran", "nasional", "kabupaten"), default="campuran",
                    help="what each session opens (see susun_pengguna)")
    ap.add_argument("--tanpa-pemanasan", action="store_true",
                    help="no warm-up wave: the first wave also pays what the first office of the day pays")
    ap.add_argument("--profil", metavar="FILE",
                    help="sample the (first) app process with py-spy during the last wave; collapsed stacks to FILE")
    ap.add_argument("--berat", type=int, default=0, metavar="B",
                    help="meanwhile B sessions keep opening the national intervention list (at most 5)")
    args = ap.parse_args()
    daftar_n = [int(x) for x in args.n.split(",")]
    pengguna = susun_pengguna(max(daftar_n), args.skenario)
    berat = BERAT[:args.berat]

    pid_nginx = pid_penjaga = None
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as tumpukan:
        if args.url:
            if args.catatan:
                buat_akun(pengguna + berat, args.catatan, args.sandi)
            alamat = [args.url]
            pids = [int(x) for x in args.pid.split(",") if x]
        else:
            url_catatan = f"sqlite:///{tmp}/catatan.sqlite"
            if args.nginx:
                args.sandi = "beban-senin-2026"
            buat_akun(pengguna + berat, url_catatan, args.sandi)
            db = Path(args.db) if args.db else db_nasional()
            print(berita_agregat(db))
            alamat, pids = tumpukan.enter_context(proses_aplikasi(db, args.proses, url_catatan, Path(tmp)))
            if args.nginx:
                url_nginx, (pid_nginx, pid_penjaga) = tumpukan.enter_context(
                    nginx_di_depan(alamat, url_catatan, Path(tmp)))
                alamat = [url_nginx]
        print(f"{len(alamat)} alamat, {len(pids)} proses aplikasi; pengguna: "
              f"{sum(p.peran == 'pusat' for p in pengguna)} pusat, {sum(p.peran == 'provinsi' for p in pengguna)} "
              f"provinsi, {sum(p.peran == 'kabupaten' for p in pengguna)} kabupaten")

        def url_untuk(p: Pengguna) -> str:
            # the proxy's `hash $remote_user`: a user always reaches the process the proxy would pick
            return alamat[replika_untuk(p.nama, len(alamat))]

        # Warm-up: every process opens every page once (the first office of the day pays for the
        # caches, the national figures and each level's figures for all its areas; the Monday peak
        # comes after it). --tanpa-pemanasan: the wave pays them too.
        for dasar in ([] if args.tanpa_pemanasan else alamat):
            asyncio.run(gelombang(lambda p, d=dasar: d, pengguna[:4] + berat[:1], args.sandi, args.batas))
        putaran = [(n, 1) for n in daftar_n[:-1]] + [(daftar_n[-1], args.putaran)]
        for n, ulang in putaran:
            for r in range(ulang):
                cpu_per_proses, cpu_klien = [cpu_detik(p) for p in pids], time.process_time()
                cpu_nginx = (cpu_dan_anak(pid_nginx), cpu_detik(pid_penjaga)) if pid_nginx else None
                cpu_awal = sum(cpu_per_proses)
                with profil(args.profil if (n, r + 1) == putaran[-1] else None, pids):
                    hasil, dinding = asyncio.run(dengan_berat(url_untuk, pengguna[:n], berat, args.sandi, args.batas))
                cpu_klien = time.process_time() - cpu_klien
                if ulang > 1:
                    print(f"putaran {r + 1}/{ulang}:", end=" ")
                cetak(n, hasil, dinding, sum(cpu_detik(p) for p in pids) - cpu_awal, pids, bool(berat))
                # the sessions' client shares the machine's cores with the servers: when it takes a
                # large part of them, the sessions per second measure the client as much as the servers
                print(f"    klien bench: {cpu_klien:.1f} s CPU ({100 * cpu_klien / dinding:.0f} % dari satu inti)")
                if pid_nginx:
                    # the proxy and the password check share the cores with the servers too
                    nginx, periksa = cpu_dan_anak(pid_nginx) - cpu_nginx[0], cpu_detik(pid_penjaga) - cpu_nginx[1]
                    print(f"    nginx: {nginx:.1f} s CPU, penjaga sandi: {periksa:.1f} s CPU "
                          f"({100 * (nginx + periksa) / dinding:.0f} % dari satu inti)")
                if len(pids) > 1:
                    # sticky by user: a hash never splits the users exactly, and the busier process
                    # sets the wave's end (its share bounds what a second process can add)
                    bagian = [cpu_detik(p) - c for p, c in zip(pids, cpu_per_proses)]
                    print("    CPU per proses: " + " / ".join(f"{x:.1f} s ({100 * x / sum(bagian):.0f} %)" for x in bagian))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
