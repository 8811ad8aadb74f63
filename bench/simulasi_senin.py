"""The Monday peak on paper: how long a page takes when 552 offices open the dashboard within a few
minutes, for K app processes (one per core), from the server time per page that
bench/bench_beban.py measures.

    python bench/simulasi_senin.py [--kantor 552] [--jendela-menit 15] [--proses 1,2,4,8]
                                   [--biaya ringkasan=0.05,provinsi=0.05,kabupaten=0.04,intervensi=0.15]
                                   [--jeda-detik 30] [--ulang 20] [--seed 1]

The model, each choice in one line:
- Offices arrive uniformly over the window (the meeting starts at 09:00; offices open the app between
  09:00 and 09:00 + window); each walks its pages as bench_beban's mixed walk does (1 in 10 pusat,
  3 in 10 provinsi, the rest kabupaten), thinking an exponential `--jeda-detik` between pages.
- A page costs its measured server CPU time (`--biaya`, seconds per run); a process runs its
  sessions' scripts in threads that share one core (the GIL), so it is a processor-sharing server:
  n runs in progress each progress at 1/n speed.
- Sessions are sticky: an office is assigned to a process by hashing its user, i.e. uniformly.
- The browser's own drawing time (bench/bench_peramban.py) comes on top and is not simulated.
Prints p50 / p95 / max of the server response per page type, over `--ulang` random Mondays.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics

LANGKAH = {
    "pusat": ("ringkasan", "provinsi", "kabupaten", "intervensi"),
    "provinsi": ("ringkasan", "provinsi", "kabupaten", "intervensi"),
    "kabupaten": ("ringkasan", "kabupaten", "intervensi"),
}


def peran_ke(i: int) -> str:
    return "pusat" if i % 10 == 0 else "provinsi" if i % 10 in (1, 4, 7) else "kabupaten"


def satu_senin(kantor: int, jendela: float, proses: int, biaya: dict[str, float], jeda: float,
               acak: random.Random) -> dict[str, list[float]]:
    """One simulated Monday: response time of every page run, per page type."""
    # events: (time, kind, ...); kind 0 = a page request arrives
    kejadian: list = []
    for i in range(kantor):
        heapq.heappush(kejadian, (acak.uniform(0, jendela), 0, i, 0))
    tujuan = [acak.randrange(proses) for _ in range(kantor)]
    aktif: list[dict[int, list]] = [{} for _ in range(proses)]  # per process: job id → [remaining work, start, page, office, step]
    waktu_proses = [0.0] * proses  # when each process's jobs were last advanced
    versi = [0] * proses  # invalidates scheduled completions after the job set changed
    hasil: dict[str, list[float]] = {h: [] for h in biaya}
    nomor = 0

    def majukan(p: int, t: float) -> None:
        if aktif[p]:
            kerja = (t - waktu_proses[p]) / len(aktif[p])
            for job in aktif[p].values():
                job[0] -= kerja
        waktu_proses[p] = t

    def jadwalkan(p: int, t: float) -> None:
        versi[p] += 1
        if aktif[p]:
            sisa = min(job[0] for job in aktif[p].values())
            heapq.heappush(kejadian, (t + max(sisa, 0.0) * len(aktif[p]), 1, p, versi[p]))

    while kejadian:
        t, jenis, a, b = heapq.heappop(kejadian)
        if jenis == 0:  # office a asks for its step b
            halaman = LANGKAH[peran_ke(a)][b]
            p = tujuan[a]
            majukan(p, t)
            nomor += 1
            aktif[p][nomor] = [biaya[halaman], t, halaman, a, b]
            jadwalkan(p, t)
        else:  # the shortest job of process a is done (if nothing changed since)
            p = a
            if b != versi[p]:
                continue
            majukan(p, t)
            selesai = [j for j, job in aktif[p].items() if job[0] <= 1e-9]
            for j in selesai:
                _, mulai, halaman, kantor_i, langkah = aktif[p].pop(j)
                hasil[halaman].append(t - mulai)
                if langkah + 1 < len(LANGKAH[peran_ke(kantor_i)]):
                    heapq.heappush(kejadian, (t + acak.expovariate(1 / jeda), 0, kantor_i, langkah + 1))
            jadwalkan(p, t)
    return hasil


def persentil(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kantor", type=int, default=552)
    ap.add_argument("--jendela-menit", type=float, default=15)
    ap.add_argument("--proses", default="1,2,4,8")
    ap.add_argument("--biaya", default="ringkasan=0.05,provinsi=0.05,kabupaten=0.04,intervensi=0.15",
                    help="server seconds per page run (bench_beban's CPU per session, per page)")
    ap.add_argument("--jeda-detik", type=float, default=30, help="mean think time between an office's pages")
    ap.add_argument("--ulang", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    biaya = {k: float(v) for k, v in (x.split("=") for x in args.biaya.split(","))}
    acak = random.Random(args.seed)
    print(f"{args.kantor} kantor dalam {args.jendela_menit:g} menit, jeda {args.jeda_detik:g} s antarhalaman, "
          f"biaya server per halaman {biaya}; {args.ulang} Senin acak")
    for k in (int(x) for x in args.proses.split(",")):
        gabung: dict[str, list[float]] = {h: [] for h in biaya}
        for _ in range(args.ulang):
            for h, xs in satu_senin(args.kantor, 60 * args.jendela_menit, k, biaya, args.jeda_detik, acak).items():
                gabung[h] += xs
        print(f"K={k}: " + "; ".join(
            f"{h} p50 {statistics.median(xs):.2f} s p95 {persentil(xs, .95):.2f} s max {max(xs):.2f} s"
            for h, xs in gabung.items() if xs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
