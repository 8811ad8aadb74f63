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

    path = Path(args.file)
    try:
        hasil = ingest.muat_file(path, db_path=args.db, minggu=args.week, ganti=args.replace,
                                 batas_tolak=args.max_reject, sheet=args.sheet)
    except (snapshot.FileDitolak, store.GagalMuat) as e:
        print(f"DITOLAK: {e}", file=sys.stderr)
        return 2
    print(f"Minggu {hasil.minggu:%Y-%m-%d} dimuat sebagai batch {hasil.batch_id} ke {store.lokasi_db(args.db)}.")
    print(f"Baris dibaca: {_angka(hasil.baris_dibaca)}; dimuat: {_angka(hasil.baris_dimuat)}; "
          f"ditolak: {_angka(hasil.baris_ditolak)}.")
    if hasil.file_penolakan:
        print(f"Baris yang ditolak beserta alasannya: {hasil.file_penolakan}")
    return 0


def perintah_summary(args) -> int:
    from kdkmp import queries, wilayah

    try:
        con = store.sambungan_baca(args.db)
        hasil = queries.ringkasan(con, minggu=args.week, wilayah=args.wilayah)
    except store.BasisDataKosong as e:
        print(f"{e} Jalankan `python -m kdkmp demo` atau muat file dengan `python -m kdkmp ingest`.",
              file=sys.stderr)
        return 2
    except (wilayah.KodeTidakDikenal, LookupError) as e:
        print(str(e), file=sys.stderr)
        return 2
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

    try:
        demo.bangun(store.lokasi_db(args.db), jumlah_minggu=args.weeks, seed=args.seed, progres=progres)
    except store.GagalMuat as e:
        print(f"GAGAL: {e}", file=sys.stderr)
        return 2
    print(f"Basis data demo siap: {store.lokasi_db(args.db)}")
    return 0


def perintah_export(args) -> int:
    from datetime import datetime

    from kdkmp import export, queries, wilayah

    keluaran = Path(args.out)
    ekstensi = keluaran.suffix.lower()
    if ekstensi not in (".csv", ".xlsx"):
        print(f"Berkas keluaran harus berakhiran .csv atau .xlsx, bukan '{keluaran.suffix or keluaran.name}'.",
              file=sys.stderr)
        return 2
    try:
        con = store.sambungan_baca(args.db)
        minggu = args.week or queries.minggu_terakhir(con)
        saringan = (("zona", args.zona),) if args.zona else ()
        daftar = queries.daftar_intervensi(con, minggu, args.wilayah, saringan)
        versi = queries.cap_data(con, minggu)["versi_aturan"]
    except store.BasisDataKosong as e:
        print(f"{e} Jalankan `python -m kdkmp demo` atau muat file dengan `python -m kdkmp ingest`.", file=sys.stderr)
        return 2
    except (wilayah.KodeTidakDikenal, LookupError) as e:
        print(str(e), file=sys.stderr)
        return 2
    tabel = daftar.rename(columns=queries.KOLOM_INTERVENSI)
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

    try:
        aturan = rules.muat_aturan(args.rules)
        with store.penulisan(args.db) as con:
            rules.skor(con, aturan)
    except rules.AturanTidakValid as e:
        print(f"Aturan tidak valid: {e}", file=sys.stderr)
        return 2
    except store.GagalMuat as e:
        print(f"GAGAL: {e}", file=sys.stderr)
        return 2
    print(f"Semua minggu dinilai ulang dengan aturan versi {aturan.versi}.")
    return 0


def perintah_rules_check(args) -> int:
    from kdkmp import rules

    return rules.main_rules_check(args.file)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.fungsi(args)
