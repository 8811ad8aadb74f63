"""Loads by area (issue 15) on the 26-week national database, each a real `python -m kdkmp ingest`
process:

1. one kabupaten (Wonogiri, 33.12, 291 rows) replacing its rows of the latest week (`--replace`),
   and the same kabupaten as the first file of a new week: whole process, median of --ulang runs,
   the same load in a process that has loaded before (the upload page's path in the app's
   server: no imports, reference or rules to read), and where one load's time goes;
2. --antrian (30) kabupaten loads of a new week started together, each its own process: wall time
   until the last one ends, every one's exit code, and whether the week is exactly their union;
   then the same 30 from processes that imported kdkmp before being released together (the
   app's server processes are warm: only reading, queueing and writing are timed);
3. both again with the resident writer running (`python -m kdkmp penulis`, which `layani` keeps
   beside the replicas): each `ingest` process hands its command line to it.

    python bench/bench_muat_wilayah.py [--ulang 3] [--antrian 30]

Targets (issue 15): one scoped load ≤ 1 s whole process; 30 queued loads within 60 s.
Works on copies under bench/out/ (the national database itself is never written).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path

from _bersama import AKAR, KELUARAN, db_nasional

import duckdb

KABUPATEN = "33.12"


@contextmanager
def penulis_tetap(db: Path):
    """`python -m kdkmp penulis` on `db` while the block runs; yields its log (one line per load)."""
    log = KELUARAN / "penulis.log"
    with open(log, "w") as keluaran:
        p = subprocess.Popen([sys.executable, "-m", "kdkmp", "penulis", "--db", str(db)], cwd=AKAR, stdout=keluaran,
                             stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(AKAR)})
    try:
        while "penulis tetap:" not in log.read_text():
            if p.poll() is not None:
                raise SystemExit(f"penulis tetap berhenti: {log.read_text()}")
            time.sleep(0.05)
        yield log
    finally:
        p.terminate()
        p.wait(timeout=30)


def frame_terakhir():
    from kdkmp import demo

    return list(demo.frame_minggu_semua(26))[-1]


def proses_ingest(*args) -> subprocess.Popen:
    # as an installed app runs: its modules' bytecode written once and read after (this sandbox
    # sets PYTHONDONTWRITEBYTECODE, which made every load compile kdkmp again: ≈ 0.07 s of CPU)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.Popen([sys.executable, "-m", "kdkmp", "ingest", *map(str, args)], cwd=AKAR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**env, "PYTHONPATH": str(AKAR)})


def salin(asal: Path, nama: str) -> Path:
    db = KELUARAN / nama
    for sisa in (db, *(db.with_name(db.name + akhiran) for akhiran in (".tmp", ".lock", ".utuh"))):
        sisa.unlink(missing_ok=True)
    shutil.rmtree(KELUARAN / (db.stem + "_arsip"), ignore_errors=True)
    shutil.copyfile(asal, db)
    return db


def cpu_anak() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def satu_proses(asal: Path, berkas: Path, *args) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one `python -m kdkmp ingest` process."""
    db = salin(asal, "muat_wilayah.duckdb")
    t, c = time.perf_counter(), cpu_anak()
    p = proses_ingest(berkas, "--wilayah", KABUPATEN, "--db", db, *args)
    out, err = p.communicate()
    detik, cpu = time.perf_counter() - t, cpu_anak() - c
    if p.returncode != 0:
        raise SystemExit(f"ingest gagal ({p.returncode}): {err}")
    return detik, cpu


def rincian(asal: Path, berkas: Path) -> str:
    """Where one scoped replace spends its time, in a fresh process, through the writer's own
    path (ingest.muat_kelompok, which loads and then scores); wall and CPU (user + sys) per step."""
    db = salin(asal, "muat_wilayah.duckdb")
    kode = f"""
import os, time
titik = [(time.perf_counter(), sum(os.times()[:2]))]
def tandai(): titik.append((time.perf_counter(), sum(os.times()[:2])))
from kdkmp import antrian, ingest, snapshot, store
tandai()
isi = open({str(berkas)!r}, 'rb').read()
h = snapshot.baca_snapshot(isi, nama_file='f.csv', wilayah_muat={KABUPATEN!r})
tandai()
skor = ingest.skor_setelah_muat
def skor_bertanda(*a):
    tandai(); skor(*a); tandai()
ingest.skor_setelah_muat = skor_bertanda
p = antrian.Permintaan(hasil=h, isi_file=isi, nama_file='f.csv', ganti=True, wilayah={KABUPATEN!r})
with store.penulisan({str(db)!r}) as con:
    tandai()
    ingest.muat_kelompok(con, [p])
tandai()
nama = ["imports", "read+validate", "lock+copy+open", "load", "score", "commit+checkpoint+swap"]
print(", ".join(f"{{n}} {{b[0] - a[0]:.2f}} ({{b[1] - a[1]:.2f}} CPU)" for n, a, b in zip(nama, titik, titik[1:])) + " s")
"""
    r = subprocess.run([sys.executable, "-c", kode], cwd=AKAR, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(AKAR)})
    return r.stdout.strip() or r.stderr.strip()


_SATU_HANGAT = """
import os, sys, time
from pathlib import Path
berkas, kode, db_pemanasan, db, ganti = sys.argv[1:6]
from kdkmp import ingest, snapshot
def muat(db_path):
    isi = Path(berkas).read_bytes()
    hasil = snapshot.baca_snapshot(isi, nama_file=Path(berkas).name, wilayah_muat=kode)
    ingest.simpan_rinci(hasil, isi_file=isi, nama_file=Path(berkas).name, db_path=db_path, wilayah=kode,
                        ganti=ganti == "1")
muat(db_pemanasan)  # as the app's process after its first upload: modules, reference and rules read
t, c = time.perf_counter(), sum(os.times()[:2])
muat(db)
print(time.perf_counter() - t, sum(os.times()[:2]) - c)
"""


def satu_hangat(asal: Path, berkas: Path, ganti: bool) -> tuple[float, float]:
    """Wall and CPU seconds of one scoped load in a process that has loaded once before (the app's
    server, whose upload page runs the same ingest.simpan_rinci): reading the file to the swap."""
    pemanasan, db = salin(asal, "muat_wilayah_pemanasan.duckdb"), salin(asal, "muat_wilayah.duckdb")
    r = subprocess.run([sys.executable, "-c", _SATU_HANGAT, str(berkas), KABUPATEN, str(pemanasan), str(db),
                        "1" if ganti else "0"], cwd=AKAR, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(AKAR)})
    pemanasan.unlink()
    if r.returncode != 0:
        raise SystemExit(f"ingest gagal ({r.returncode}): {r.stderr}")
    detik, cpu = map(float, r.stdout.split()[-2:])
    return detik, cpu


def antrian(asal: Path, frame, minggu_baru, jumlah: int, folder: Path, lewat_penulis: bool = False) -> None:
    kab = frame["kode_desa"].str.slice(0, 5)
    ukuran = kab.value_counts()
    # the kabupaten nearest 300 rows: a typical Monday file
    pilih = sorted((ukuran - 300).abs().sort_values().index[:jumlah])
    berkas = []
    for k in pilih:
        b = folder / f"antrian_{k}.csv"
        frame[kab == k].assign(tanggal_data=minggu_baru.isoformat()).to_csv(b, index=False)
        berkas.append(b)
    db = salin(asal, "muat_wilayah_antrian.duckdb")
    with penulis_tetap(db) if lewat_penulis else nullcontext():
        _antrian(db, frame, kab, ukuran, pilih, berkas, minggu_baru, jumlah, lewat_penulis)


def _antrian(db, frame, kab, ukuran, pilih, berkas, minggu_baru, jumlah, lewat_penulis) -> None:
    t, c = time.perf_counter(), cpu_anak()
    proses = [proses_ingest(b, "--wilayah", k, "--db", db, "--tunggu", 300) for b, k in zip(berkas, pilih)]
    # real finish times (pipes drained by threads so that no child blocks on a full pipe), and the
    # swaps seen (the live file's inode changes once per writer group)
    import threading

    selesai: dict[int, float] = {}

    def tunggu_satu(i, p):
        p.communicate()
        selesai[i] = time.perf_counter() - t

    pengamat = [threading.Thread(target=tunggu_satu, args=(i, p)) for i, p in enumerate(proses)]
    for th in pengamat:
        th.start()
    inode = {db.stat().st_ino}
    while any(th.is_alive() for th in pengamat):
        inode.add(db.stat().st_ino)
        time.sleep(0.01)
    total, cpu = time.perf_counter() - t, cpu_anak() - c
    selesai = list(selesai.values())
    kode = [p.returncode for p in proses]
    harap = frame[kab.isin(pilih)]
    with duckdb.connect() as con:
        con.register("file", harap[["kode_koperasi", "kode_desa"]])
        con.execute(f"ATTACH '{db}' AS d (READ_ONLY)")
        q = f"SELECT kode_koperasi, kode_desa FROM d.laporan WHERE minggu = DATE '{minggu_baru}'"
        kurang = con.execute(f"SELECT count(*) FROM (FROM file EXCEPT ALL {q})").fetchall()[0][0]
        lebih = con.execute(f"SELECT count(*) FROM ({q} EXCEPT ALL FROM file)").fetchall()[0][0]
        batch = con.execute(f"SELECT count(*) FROM d.batch WHERE minggu = DATE '{minggu_baru}' AND status = 'aktif'"
                            ).fetchall()[0][0]
    lewat = ""
    if lewat_penulis:
        dilayani = (KELUARAN / "penulis.log").read_text().count(": kode 0 (")
        lewat = f", each `ingest` handing its load to the resident writer ({dilayani} of {jumlah} done by it)"
    print(f"{jumlah} scoped loads of a new week started together{lewat} ({len(harap):,} rows, "
          f"{int(ukuran[pilih].min())}–{int(ukuran[pilih].max())} per kabupaten): all done in {total:.1f} s, "
          f"{cpu:.1f} s CPU in all "
          f"(first finished at {min(selesai):.1f} s, median {statistics.median(selesai):.1f} s; {len(inode) - 1} writer "
          f"groups, i.e. swaps); exit codes {sorted(set(kode))}; "
          f"{batch} active batches; rows missing {kurang}, extra {lebih} (week = union: {kurang == lebih == 0})")


_ANAK_HANGAT = """
import sys, time
from pathlib import Path
berkas, kode, db, siap, mulai = sys.argv[1:6]
from kdkmp import ingest, snapshot
isi = Path(berkas).read_bytes()
snapshot.baca_snapshot(isi, nama_file=Path(berkas).name, wilayah_muat=kode)  # warm, as a server after its first upload
Path(siap).touch()
while not Path(mulai).exists():
    time.sleep(0.005)
hasil = snapshot.baca_snapshot(isi, nama_file=Path(berkas).name, wilayah_muat=kode)
ingest.simpan_rinci(hasil, isi_file=isi, nama_file=Path(berkas).name, db_path=db, wilayah=kode, tunggu=300)
print(time.time())
"""


def antrian_hangat(asal: Path, frame, minggu_baru, jumlah: int, folder: Path) -> None:
    """The same loads from processes that have imported kdkmp already (as the app's server
    processes have): from the moment all are released to the last one answered."""
    kab = frame["kode_desa"].str.slice(0, 5)
    pilih = sorted((kab.value_counts() - 300).abs().sort_values().index[:jumlah])
    db = salin(asal, "muat_wilayah_antrian.duckdb")
    mulai = folder / "mulai"
    mulai.unlink(missing_ok=True)
    proses = []
    for k in pilih:
        b = folder / f"antrian_{k}.csv"
        siap = folder / f"siap_{k}"
        siap.unlink(missing_ok=True)
        proses.append((siap, subprocess.Popen([sys.executable, "-c", _ANAK_HANGAT, str(b), k, str(db), str(siap),
                                               str(mulai)], cwd=AKAR, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                              text=True, env={**os.environ, "PYTHONPATH": str(AKAR)})))
    while not all(s.exists() for s, _ in proses):
        if any(p.poll() is not None for _, p in proses):
            raise SystemExit("a load process ended before it was ready: "
                             + next(p.communicate()[1] for _, p in proses if p.poll() is not None))
        time.sleep(0.05)
    t = time.time()
    mulai.touch()
    akhir = []
    for _, p in proses:
        out, err = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"a load failed: {err}")
        akhir.append(float(out.split()[-1]) - t)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{db}' AS d (READ_ONLY)")
        n = con.execute(f"SELECT count(*), count(DISTINCT batch_id) FROM d.laporan WHERE minggu = DATE '{minggu_baru}'"
                        ).fetchall()[0]
    print(f"{jumlah} scoped loads from warm processes (imports done, as the app's server), released together: "
          f"all answered in {max(akhir):.1f} s (first {min(akhir):.1f} s, median {statistics.median(akhir):.1f} s); "
          f"{n[0]:,} rows in {n[1]} batches")
    mulai.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ulang", type=int, default=3)
    ap.add_argument("--antrian", type=int, default=30, help="queued loads (0: none)")
    ap.add_argument("--hanya-antrian", action="store_true", help="only the 30 queued loads")
    args = ap.parse_args()
    asal = db_nasional()
    minggu, frame = frame_terakhir()
    minggu_baru = minggu + timedelta(weeks=1)
    folder = KELUARAN / "muat_wilayah_berkas"
    folder.mkdir(parents=True, exist_ok=True)
    kab = frame[frame["kode_desa"].str.startswith(KABUPATEN + ".")]
    ganti = folder / f"{KABUPATEN}_{minggu}.csv"
    kab.assign(progres_fisik=3.0).to_csv(ganti, index=False)
    baru = folder / f"{KABUPATEN}_{minggu_baru}.csv"
    kab.assign(tanggal_data=minggu_baru.isoformat()).to_csv(baru, index=False)
    print(f"national database: {asal.name}, {asal.stat().st_size / 1e6:.0f} MB, 26 weeks; kabupaten {KABUPATEN}: "
          f"{len(kab)} rows; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.hanya_antrian:
        satu_proses(asal, ganti, "--replace")  # warm-up: page cache, .pyc
    for nama, berkas, ekstra in (("replacing its rows of the latest week", ganti, ["--replace"]),
                                 ("first file of a new week", baru, [])):
        if args.hanya_antrian:
            break
        waktu, cpu = zip(*(satu_proses(asal, berkas, *ekstra) for _ in range(args.ulang)))
        print(f"one scoped load ({len(kab)} rows), {nama}, whole process: median {statistics.median(waktu):.2f} s, "
              f"{statistics.median(cpu):.2f} s CPU (runs: {', '.join(f'{w:.2f}' for w in waktu)})")
        waktu, cpu = zip(*(satu_hangat(asal, berkas, bool(ekstra)) for _ in range(args.ulang)))
        print(f"  the same in a process that has loaded before (the upload page's path in the app's server): "
              f"median {statistics.median(waktu):.2f} s, {statistics.median(cpu):.2f} s CPU "
              f"(runs: {', '.join(f'{w:.2f}' for w in waktu)})")
        # the resident writer: started on the copy the runs load into, warmed by one load as a
        # writer that has served the morning's first office; then the same whole processes
        db = salin(asal, "muat_wilayah.duckdb")
        with penulis_tetap(db) as log:
            satu_proses(asal, berkas, *ekstra)
            waktu, cpu = zip(*(satu_proses(asal, berkas, *ekstra) for _ in range(args.ulang)))
            dilayani = log.read_text().count(": kode 0 (")
        print(f"  whole `ingest` process with the resident writer running: median {statistics.median(waktu):.2f} s, "
              f"{statistics.median(cpu):.2f} s CPU of the ingest process (runs: {', '.join(f'{w:.2f}' for w in waktu)}; "
              f"{dilayani} of {args.ulang + 1} loads done by the writer)")
    if not args.hanya_antrian:
        print("where it goes (one process):", rincian(asal, ganti))
    if args.antrian:
        antrian(asal, frame, minggu_baru, args.antrian, folder)
        antrian_hangat(asal, frame, minggu_baru, args.antrian, folder)
        antrian(asal, frame, minggu_baru, args.antrian, folder, lewat_penulis=True)
    for nama in ("muat_wilayah.duckdb", "muat_wilayah_antrian.duckdb"):
        salin(asal, nama).unlink()


if __name__ == "__main__":
    main()
