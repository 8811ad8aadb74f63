"""`python -m kdkmp …`: demo, ingest, summary (and the rules/score/export commands).

Messages to the user are Indonesian; a refused file exits non-zero with one sentence and
no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from kdkmp import store


def _tanggal(teks: str) -> date:
    try:
        return date.fromisoformat(teks)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal '{teks}' bukan YYYY-MM-DD") from None


def _angka(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def perintah_ingest(args) -> int:
    from kdkmp import ingest, snapshot

    try:
        hasil = ingest.muat_file(Path(args.file), db_path=args.db, minggu=args.week, ganti=args.replace,
                                 batas_tolak=args.max_reject, sheet=args.sheet)
    except (snapshot.FileDitolak, store.GagalMuat) as e:
        raise Ditolak(f"DITOLAK: {e}") from None
    print(f"Minggu {hasil.minggu:%Y-%m-%d} dimuat sebagai batch {hasil.batch_id} ke {store.lokasi_db(args.db)}.")
    print(f"Baris dibaca: {_angka(hasil.baris_dibaca)}; dimuat: {_angka(hasil.baris_dimuat)}; "
          f"ditolak: {_angka(hasil.baris_ditolak)}.")
    if hasil.file_penolakan:
        print(f"Baris yang ditolak beserta alasannya: {hasil.file_penolakan}")
    return 0


def perintah_summary(args) -> int:
    from kdkmp import queries

    hasil = queries.ringkasan(store.sambungan_baca(args.db), minggu=args.week, wilayah=args.wilayah)
    if args.json:
        print(json.dumps(hasil, ensure_ascii=False))
    else:
        for kunci, nilai in hasil.items():
            print(f"{kunci}: {nilai}")
    return 0


def perintah_demo(args) -> int:
    from kdkmp import demo

    def progres(bagian: float, pesan: str) -> None:
        print(f"[{bagian * 100:5.1f} %] {pesan}", flush=True)

    demo.bangun(store.lokasi_db(args.db), jumlah_minggu=args.weeks, seed=args.seed, progres=progres)
    print(f"Basis data demo siap: {store.lokasi_db(args.db)}")
    return 0


def perintah_export(args) -> int:
    from datetime import datetime

    from kdkmp import export, queries

    keluaran = Path(args.out)
    ekstensi = keluaran.suffix.lower()
    if ekstensi not in (".csv", ".xlsx"):
        raise Ditolak(f"Berkas keluaran harus berakhiran .csv atau .xlsx, bukan '{keluaran.suffix or keluaran.name}'.")
    con = store.sambungan_baca(args.db)
    minggu = args.week or queries.minggu_terakhir(con)
    if minggu is None:
        raise LookupError("Belum ada data mingguan yang dimuat.")
    saringan = (("zona", args.zona),) if args.zona else ()
    daftar = queries.daftar_intervensi(con, minggu, args.wilayah, saringan)
    versi = queries.cap_data(con, minggu)["versi_aturan"]
    tabel = export.untuk_orang(daftar).rename(columns=queries.KOLOM_INTERVENSI)
    if ekstensi == ".csv":
        isi = export.ke_csv(tabel, pemisah=args.sep)
    else:
        isi = export.ke_xlsx(tabel, {
            "Isi": "Daftar intervensi KDKMP", "Saringan": queries.kalimat_saringan(args.wilayah, saringan),
            "Jumlah koperasi": len(tabel), "Minggu data": minggu, "Versi aturan": versi,
            "Dibuat pada": datetime.now(), "Dibuat oleh": store._pengguna() + " (CLI)"})
    keluaran.write_bytes(isi)
    print(f"{len(tabel):,} koperasi ditulis ke {keluaran}.".replace(",", "."))
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m kdkmp", description="Dasbor zonasi KDKMP: alat baris perintah.")
    sub = ap.add_subparsers(dest="perintah", required=True)

    def db(p):
        p.add_argument("--db", help="berkas DuckDB (bawaan: $KDKMP_DB atau data/kdkmp.duckdb)")

    p = sub.add_parser("ingest", help="muat file mingguan (CSV/XLSX/Parquet)")
    p.add_argument("file")
    p.add_argument("--week", type=_tanggal, help="minggu data bila file tidak punya kolom tanggal_data")
    p.add_argument("--replace", action="store_true", help="ganti minggu yang sudah dimuat")
    p.add_argument("--sheet", help="nama sheet XLSX (bawaan: sheet pertama)")
    p.add_argument("--max-reject", type=float, default=0.2,
                   help="bagian baris ditolak yang membuat file ditolak seluruhnya (bawaan 0.2)")
    db(p)
    p.set_defaults(fungsi=perintah_ingest)

    p = sub.add_parser("summary", help="angka ringkas satu wilayah dan minggu")
    p.add_argument("--week", type=_tanggal)
    p.add_argument("--wilayah", help="kode wilayah tingkat apa pun: 52, 52.01, 52.01.01, 52.01.01.2001")
    p.add_argument("--json", action="store_true")
    db(p)
    p.set_defaults(fungsi=perintah_summary)

    p = sub.add_parser("demo", help="bangun (ulang) basis data demo nasional")
    p.add_argument("--weeks", type=int, default=26)
    p.add_argument("--seed", type=int, default=20251)
    db(p)
    p.set_defaults(fungsi=perintah_demo)

    p = sub.add_parser("export", help="ekspor daftar intervensi (CSV atau XLSX)")
    p.add_argument("--out", required=True, help="berkas keluaran .csv atau .xlsx")
    p.add_argument("--week", type=_tanggal)
    p.add_argument("--wilayah", help="kode wilayah tingkat apa pun")
    p.add_argument("--zona", choices=["merah", "kuning", "hijau", "tidak_melapor"],
                   help="hanya zona ini (bawaan: semua zona)")
    p.add_argument("--sep", choices=[",", ";"], default=",", help="pemisah CSV (';' untuk Excel berbahasa Indonesia)")
    db(p)
    p.set_defaults(fungsi=perintah_export)

    p = sub.add_parser("score", help="nilai ulang semua minggu dengan config/zones.yaml")
    p.add_argument("--rules", help="berkas aturan (bawaan config/zones.yaml)")
    db(p)
    p.set_defaults(fungsi=perintah_score)

    p = sub.add_parser("rules", help="aturan zona")
    aturan_sub = p.add_subparsers(dest="aksi", required=True)
    q = aturan_sub.add_parser("check", help="periksa berkas aturan")
    q.add_argument("file", nargs="?", help="bawaan config/zones.yaml")
    q.set_defaults(fungsi=perintah_rules_check)
    return ap


def perintah_score(args) -> int:
    from kdkmp import rules

    from kdkmp import ingest

    aturan = rules.muat_aturan(args.rules)
    with store.penulisan(args.db) as con:
        ingest.skor_ulang_semua(con, aturan)
    print(f"Semua minggu dinilai ulang dengan aturan versi {aturan.versi}.")
    return 0


def perintah_rules_check(args) -> int:
    from kdkmp import rules

    return rules.main_rules_check(args.file)


class Ditolak(Exception):
    """A refusal the command has already worded for the user."""


def _pesan_galat(e: Exception) -> str | None:
    """The Indonesian sentence for an expected failure, None for a bug (which keeps its traceback)."""
    from kdkmp import rules, wilayah

    if isinstance(e, store.BasisDataKosong):
        return f"{e} Jalankan `python -m kdkmp demo` atau muat file dengan `python -m kdkmp ingest`."
    if isinstance(e, rules.AturanTidakValid):
        return f"Aturan tidak valid: {e}"
    if isinstance(e, store.GagalMuat):
        return f"GAGAL: {e}"
    if isinstance(e, (Ditolak, wilayah.KodeTidakDikenal, LookupError)):
        return str(e)
    return None


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fungsi(args)
    except Exception as e:
        pesan = _pesan_galat(e)
        if pesan is None:
            raise
        print(pesan, file=sys.stderr)
        return 2
