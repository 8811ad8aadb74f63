"""What sign-in and scope cost (issue 10): resolving the user of a request against the account
table (552 offices' accounts, SQLite and, when $KDKMP_TEST_PG_URL is set, PostgreSQL), appending
an audit row, and the national database's queries with a provinsi scope against without one.

    python bench/bench_akses.py [--ulang 7]

Targets: resolving the user and applying the scope add ≤ 20 ms to a page run; a query with a
provinsi scope is no slower than the same query without one.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from _bersama import db_nasional, median_detik

from kdkmp import akses, catatan, queries, store, wilayah

PROVINSI = "52"


def akun_kantor(url: str) -> None:
    """One account per office: PMO pusat, 38 provinces, 514 kabupaten/kota."""
    catatan.tambah_akun("pusat", "pusat", None, oleh="bench", url=url)
    t = wilayah.tabel()
    for kode in t.loc[t["tingkat"] == "provinsi", "kode"]:
        catatan.tambah_akun(f"prov{kode}", "provinsi", kode, oleh="bench", url=url)
    for kode in t.loc[t["tingkat"] == "kabupaten", "kode"]:
        catatan.tambah_akun(f"kab{kode}", "kabupaten", kode, oleh="bench", url=url)


def bench_pengguna(url: str, nama: str, ulang: int) -> None:
    akun_kantor(url)
    permintaan = akses.Permintaan(nama_pengguna=f"prov{PROVINSI}", alamat_klien=None, cara_login="proksi")
    cari = lambda n: catatan.cari_akun(n, url=url)  # noqa: E731
    resolusi = median_detik(lambda: akses.tentukan_pengguna(permintaan, cari), ulang * 5) * 1000
    tulis = median_detik(lambda: catatan.catat("masuk", f"prov{PROVINSI}", wilayah=PROVINSI, url=url), ulang * 5) * 1000
    print(f"{nama}: resolve the signed-in user {resolusi:.2f} ms; append an audit row {tulis:.2f} ms")


def bench_cakupan(ulang: int) -> None:
    con = store.sambungan_baca(db_nasional())
    minggu = queries.minggu_terakhir(con)
    panggilan = {
        "hitung_zona": lambda c: queries.hitung_zona(con, minggu, PROVINSI, cakupan=c),
        "zona_per_anak": lambda c: queries.zona_per_anak(con, minggu, PROVINSI, cakupan=c),
        "daftar_intervensi": lambda c: queries.daftar_intervensi(con, minggu, PROVINSI, cakupan=c),
        "daftar_intervensi(baru_merah)": lambda c: queries.daftar_intervensi(con, minggu, PROVINSI, (("gerak", "baru_merah"),), cakupan=c),
        "koperasi_tanpa_laporan": lambda c: queries.koperasi_tanpa_laporan(con, minggu, PROVINSI, cakupan=c),
        "cari_koperasi('Sukamaju')": lambda c: queries.cari_koperasi(con, "Sukamaju", cakupan=c),
    }
    print(f"{'query (wilayah 52)':28} {'no scope ms':>12} {'scope 52 ms':>12}")
    for nama, f in panggilan.items():
        tanpa = median_detik(lambda: f(None), ulang) * 1000
        dengan = median_detik(lambda: f(PROVINSI), ulang) * 1000
        print(f"{nama:28} {tanpa:12.1f} {dengan:12.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ulang", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_pengguna(f"sqlite:///{Path(tmp) / 'catatan.sqlite'}", "SQLite (WAL)", args.ulang)
    if os.environ.get("KDKMP_TEST_PG_URL"):
        bench_pengguna(os.environ["KDKMP_TEST_PG_URL"], "PostgreSQL", args.ulang)
    bench_cakupan(args.ulang)


if __name__ == "__main__":
    main()
