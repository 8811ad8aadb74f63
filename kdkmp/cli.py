"""`python -m kdkmp …`: demo, ingest, summary, export, brief, rules check, score, minggu (withdraw/restore),
pengguna (accounts), jejak (the audit trail), tindaklanjut (the follow-up round trip), pelaporan (the
weekly reporting status) and laporan (the monthly reports).

Messages to the user are Indonesian. Decisions, each in one line:
- Exit codes: 0 done; 2 a documented refusal (a refused file or database, a busy writer, invalid
  rules, an unknown area or week, a withdrawal that cannot be done), one sentence on stderr;
  64 a usage error (EX_USAGE: wrong or missing arguments), argparse's usage and an Indonesian
  sentence; 70 an internal error (EX_SOFTWARE: a bug), one sentence naming the exception type
  and the log file that holds the traceback (kdkmp.galat).
- Only the refusal types listed in `_pesan_galat` are refusals: a KeyError or IndexError is a
  bug, never dressed up as a user message.
- argparse speaks Indonesian through a subclass (its usage prefix, section titles, -h and its
  error messages mapped in one table), not by patching the argparse module.
- Options are validated where they are parsed: --max-reject is a fraction 0..1 (decimal comma
  accepted), --weeks 1..104, --seed 0..2³²−1; a date is YYYY-MM-DD and a week is its Monday.
- Dates are printed ISO (date.isoformat), so a year below 1000 keeps its zeros.
- `pengguna` and `jejak` work on the state store (kdkmp.catatan: $KDKMP_STATE_URL, else beside the
  database of --db). Whoever has a shell on the server is trusted to manage accounts (that is how
  the first admin is made); every change records --oleh (default: the OS user) and, beside it,
  the OS user and `lewat: cli`, so a borrowed --oleh is visible in the trail.
- `ingest` runs as admin (the shell on the server is trusted), or with --oleh as that account of the
  state store: its role and wilayah decide what it may load (ingest.periksa_hak_muat), a regional
  account's own wilayah is the default --wilayah, and the load is written to the audit trail.
- A password comes from standard input, never from the command line (where `ps` and the shell
  history would show it): one line from a pipe, or typed twice without echo at a terminal.
- `tindaklanjut impor --oleh NAME` acts as that account, inside its scope (an unknown or inactive
  account is refused); without --oleh, as the OS user with a national scope (the shell is trusted,
  as for `pengguna`). Rows refused by an import that applied others go to FILE.ditolak.csv beside
  the input, as `ingest` does; an import with nothing to apply is a refusal (exit 2).
- `pelaporan` and `laporan` act as --oleh (an account of the state store; its role and wilayah decide which report
  it writes or decides), else as the OS user with admin's rights (admin counts as PMO pusat there);
  a regional account's own wilayah is the default --wilayah. A text option `@FILE` reads the file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path

from kdkmp import format as fmt
from kdkmp import galat, kosakata, store

KELUAR_DITOLAK = 2
KELUAR_PENGGUNAAN = 64  # EX_USAGE
KELUAR_GALAT = 70  # EX_SOFTWARE

# Two years of weeks: the programme began in 2025, and a demo build's memory grows with its
# weeks (26 national weeks peak at 1.8 GB, README "Performance").
MAKS_MINGGU_DEMO = 104


class Ditolak(Exception):
    """A refusal the command has already worded for the user."""


# ---------------------------------------------------------------- argparse in Indonesian

_JENIS = {"int": "bilangan bulat", "float": "angka"}

# argparse's English messages (Python 3.11–3.13 wording) → Indonesian; the first match wins.
_PESAN_ARGPARSE: list[tuple[str, str]] = [
    (r"the following arguments are required: (?P<a>.+)", "argumen berikut wajib diisi: {a}"),
    (r"unrecognized arguments: (?P<a>.+)", "argumen tidak dikenal: {a}"),
    (r"argument (?P<n>[^:]+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)",
     "argumen {n}: {v} bukan pilihan yang sah (pilih salah satu: {c})"),
    (r"argument (?P<n>[^:]+): invalid (?P<t>\w+) value: (?P<v>.+)", "argumen {n}: {v} bukan {t}"),
    (r"argument (?P<n>[^:]+): expected one argument", "argumen {n}: butuh tepat satu nilai"),
    (r"argument (?P<n>[^:]+): expected at most one argument", "argumen {n}: paling banyak satu nilai"),
    (r"argument (?P<n>[^:]+): expected at least one argument", "argumen {n}: butuh paling sedikit satu nilai"),
    (r"argument (?P<n>[^:]+): expected (?P<k>\d+) arguments?", "argumen {n}: butuh {k} nilai"),
    (r"argument (?P<n>[^:]+): ignored explicit argument (?P<v>.+)", "argumen {n}: tidak menerima nilai {v}"),
    (r"argument (?P<n>[^:]+): not allowed with argument (?P<m>.+)", "argumen {n}: tidak boleh bersama {m}"),
    (r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)", "opsi {o} tidak jelas: bisa berarti {m}"),
    (r"one of the arguments (?P<a>.+) is required", "salah satu argumen ini wajib diisi: {a}"),
    # the messages of our own type functions (ArgumentTypeError) are Indonesian already
    (r"argument (?P<n>[^:]+): (?P<p>.+)", "argumen {n}: {p}"),
]


def terjemahkan_galat_argparse(pesan: str) -> str:
    """argparse's English error message in Indonesian (unknown wording passes through)."""
    for pola, templat in _PESAN_ARGPARSE:
        m = re.fullmatch(pola, pesan, flags=re.DOTALL)
        if m:
            isi = m.groupdict()
            if "t" in isi:
                isi["t"] = _JENIS.get(isi["t"], f"nilai {isi['t']} yang sah")
            return templat.format(**isi)
    return pesan


class _Format(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "penggunaan: " if prefix is None else prefix)


class Pengurai(argparse.ArgumentParser):
    """ArgumentParser that speaks Indonesian and exits 64 on a usage error."""

    def __init__(self, *args, **kwargs):
        kwargs["formatter_class"] = _Format
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumen posisi"
        self._optionals.title = "opsi"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="tampilkan bantuan ini lalu keluar")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(KELUAR_PENGGUNAAN, f"{self.prog}: galat: {terjemahkan_galat_argparse(message)}\n")


# ---------------------------------------------------------------- option types

def _tanggal(teks: str) -> date:
    try:
        return date.fromisoformat(teks.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal '{teks}' bukan YYYY-MM-DD (misalnya 2026-11-16)") from None


def _pecahan(teks: str) -> float:
    """A fraction 0..1; a decimal comma (0,2) is accepted as Indonesian users type it."""
    try:
        nilai = float(teks.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{teks}' bukan angka; isi bagian dari 0 sampai 1, misalnya 0.2 atau 0,2") from None
    if not math.isfinite(nilai) or not 0 <= nilai <= 1:
        raise argparse.ArgumentTypeError(f"{teks} di luar 0 sampai 1; isi bagian baris, misalnya 0.2 (20 %)")
    return nilai


def _detik_tunggu(teks: str) -> float:
    try:
        x = float(teks.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{teks}' bukan jumlah detik (misalnya 120)") from None
    if not 0 <= x <= 86400:
        raise argparse.ArgumentTypeError(f"{teks} di luar 0 sampai 86400 detik")
    return x


def _bulat(bawah: int, atas: int):
    def periksa(teks: str) -> int:
        try:
            nilai = int(teks.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{teks}' bukan bilangan bulat") from None
        if not bawah <= nilai <= atas:
            raise argparse.ArgumentTypeError(f"{nilai} di luar {bawah} sampai {atas}")
        return nilai
    return periksa


def _senin(d: date) -> date:
    """The week of a date is its Monday (as the snapshot reader decides for tanggal_data)."""
    return d - timedelta(days=d.weekday())


def _waktu(t) -> str:
    import pandas as pd

    return "-" if t is None or pd.isna(t) else t.isoformat(sep=" ", timespec="minutes")


# ---------------------------------------------------------------- commands

def _pengguna_oleh(args, akibat: str):
    """The akses.Pengguna a command acts as: the account named by --oleh, read from the state store
    (its role and scope apply), else the OS user as admin (the shell on the server is trusted, as
    for `pengguna`). `akibat` ends a refusal: what did not happen ("tidak ada yang dimuat")."""
    from kdkmp import akses

    nama = (args.oleh or "").strip()
    if not nama:
        return akses.Pengguna(nama=store._pengguna(), peran="admin", wilayah=None, cara_masuk="cli")
    from kdkmp import catatan

    akun = catatan.cari_akun(nama, url=_url_catatan(args))
    if akun is None:
        raise Ditolak(f"Akun '{nama}' (--oleh) tidak terdaftar di {catatan.tampilan_url(_url_catatan(args))}; "
                      f"{akibat} (tambahkan dengan: python -m kdkmp pengguna tambah {nama} --peran … --wilayah …, "
                      "atau jalankan tanpa --oleh).")
    peran, kode, aktif, nama = akun  # the account's own spelling in the audit trail, whatever the case typed
    if not aktif:
        raise Ditolak(f"Akun '{nama}' (--oleh) sudah dinonaktifkan; {akibat}.")
    return akses.Pengguna(nama=nama, peran=peran, wilayah=kode, cara_masuk="cli")


def _kabar_tunggu(menunggu: float, batas: float) -> None:
    # the first word at once, then every 10 s: a queue of loads should not flood the terminal
    if menunggu < 1 or int(menunggu) % 10 == 0:
        print(f"Menunggu giliran: basis data sedang dimuat proses lain ({int(menunggu)} dari {batas:g} detik)…",
              file=sys.stderr, flush=True)


def _pratinjau_ingest(args, wilayah: str | None) -> int:
    """What the load would add, replace and remove, read from the live database; nothing written."""
    from kdkmp import ingest, snapshot

    try:
        hasil = snapshot.baca_snapshot(Path(args.file), minggu=args.week, sheet=args.sheet,
                                       batas_tolak=args.max_reject, wilayah_muat=wilayah)
    except snapshot.FileDitolak as e:
        raise Ditolak(f"DITOLAK: {e}") from None
    rencana = ingest.pratinjau_muat(hasil, wilayah=wilayah, ganti_semua=args.ganti_semua, perbarui=args.perbarui,
                                    db_path=args.db)
    print(f"PRATINJAU (belum ada yang dimuat): {rencana.kalimat()}")
    if rencana.diganti and not (args.replace or args.ganti_semua or args.perbarui):
        print("Tanpa --replace (atau --perbarui) pemuatan ini akan ditolak, karena wilayah itu sudah dimuat minggu ini.")
    print(f"Baris dibaca: {fmt.angka(hasil.baris_dibaca)}; akan dimuat: {fmt.angka(hasil.baris_dimuat)}; "
          f"ditolak: {fmt.angka(hasil.baris_ditolak)}.")
    return 0


def _catat_muat_ditolak(args, pengguna, wilayah: str | None, sebab: Exception) -> None:
    """A refused load by a signed-in account (--oleh) goes to the audit trail like a load does: a
    file for another area, a week already validated, a load beyond the account's rights."""
    if not args.oleh:
        return
    from kdkmp import catatan

    catatan.catat("muat_ditolak", pengguna.nama, wilayah=wilayah, url=_url_catatan(args), file=Path(args.file).name,
                  minggu=args.week.isoformat() if args.week else None, alasan=str(sebab), **_konteks_cli())


def perintah_ingest(args) -> int:
    from kdkmp import akses, ingest, snapshot

    pengguna = _pengguna_oleh(args, "tidak ada yang dimuat")
    if args.perbarui and (args.replace or args.ganti_semua):
        raise Ditolak("DITOLAK: pilih salah satu: --perbarui (hanya laporan koperasi yang ada di file) atau "
                      f"--{'replace' if args.replace else 'ganti-semua'} (seluruh wilayahnya); tidak ada yang dimuat.")
    wilayah = args.wilayah
    try:
        wilayah = ingest.periksa_wilayah_muat(args.wilayah)
        if wilayah is None and pengguna.hak.tingkat_wilayah is not None:
            wilayah = pengguna.wilayah  # a kabupaten or provinsi account loads its own area
        ingest.periksa_hak_muat(pengguna, wilayah, ganti_semua=args.ganti_semua)
    except (akses.AksesDitolak, store.GagalMuat) as e:
        _catat_muat_ditolak(args, pengguna, wilayah, e)
        raise Ditolak(f"DITOLAK: {e}") from None
    terakhir = None
    if wilayah is None and store.lokasi_db(args.db).exists():
        from kdkmp import queries

        con = store.sambungan_baca(args.db)
        minggu_terakhir = queries.minggu_terakhir(con)
        terakhir = queries.cap_data(con, minggu_terakhir) if minggu_terakhir else None
        con.close()
    if args.pratinjau:
        return _pratinjau_ingest(args, wilayah)
    try:
        hasil = ingest.muat_file(Path(args.file), db_path=args.db, minggu=args.week, ganti=args.replace,
                                 batas_tolak=args.max_reject, sheet=args.sheet, wilayah=wilayah,
                                 ganti_semua=args.ganti_semua, perbarui=args.perbarui, tunggu=args.tunggu,
                                 kabar=_kabar_tunggu,
                                 dimuat_oleh=pengguna.nama if args.oleh else None)
    except (snapshot.FileDitolak, store.GagalMuat) as e:
        _catat_muat_ditolak(args, pengguna, wilayah, e)
        raise Ditolak(f"DITOLAK: {e}") from None
    if args.oleh:
        from kdkmp import catatan

        r = hasil.rencana
        catatan.catat("ganti" if r.kode_dihapus else "muat", pengguna.nama, wilayah=wilayah, url=_url_catatan(args),
                      minggu=hasil.minggu.isoformat(), batch=hasil.batch_id, file=Path(args.file).name,
                      baris=hasil.baris_dimuat, baris_diganti=r.baris_diganti, baris_dihapus=r.baris_hilang,
                      laporan_lepas=r.laporan_lepas, perbarui=r.perbarui, **_konteks_cli())
    peringatan = ingest.peringatan_cakupan(hasil.minggu, hasil.baris_dimuat, terakhir)
    if peringatan:
        print(f"PERINGATAN: {peringatan} Bila keliru, tarik dengan: python -m kdkmp minggu tarik "
              f"{hasil.minggu.isoformat()} --alasan \"…\"", file=sys.stderr)
    untuk = f" untuk {_label_wilayah(wilayah)}" if wilayah else ""
    print(f"Minggu {hasil.minggu.isoformat()} dimuat sebagai batch {hasil.batch_id}{untuk} ke {store.lokasi_db(args.db)}.")
    if hasil.rencana is not None and (hasil.rencana.diganti or hasil.rencana.hilang):
        print(hasil.rencana.kalimat())
    if hasil.lembar:
        print(f"Dibaca dari lembar '{hasil.lembar}'.")
    print(f"Baris dibaca: {fmt.angka(hasil.baris_dibaca)}; dimuat: {fmt.angka(hasil.baris_dimuat)}; "
          f"ditolak: {fmt.angka(hasil.baris_ditolak)}.")
    if hasil.file_penolakan:
        print(f"Baris yang ditolak beserta alasannya: {hasil.file_penolakan}")
    return 0


def perintah_penulis(args) -> int:
    import signal

    from kdkmp import penulis

    server = penulis.PenulisTetap(store.lokasi_db(args.db))
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a KeyboardInterrupt even where SIGINT is ignored
    try:
        server.layani()
    except KeyboardInterrupt:
        pass
    finally:
        server.berhenti()
    return 0


def _minggu_dimuat(con, minggu: date | None) -> date:
    """The asked week (its Monday) when it is loaded, else the latest; a refusal otherwise."""
    from kdkmp import queries, rules

    daftar = queries.daftar_minggu(con)
    if not daftar:
        raise store.BelumAdaData("Belum ada data mingguan yang dimuat.")
    # zones made by other rules or an older layout (a database from an earlier version) would
    # answer with stale or missing columns: the reader says how to refresh them instead
    if rules.perlu_skor_ulang(con, rules.muat_aturan()):
        raise Ditolak("Zona di basis data ini dinilai dengan aturan atau tata letak lain (mis. dari versi dasbor "
                      "sebelumnya); jalankan dulu `python -m kdkmp score` untuk basis data ini, atau buka dasbornya "
                      "(yang menilai ulang sendiri).")
    if minggu is None:
        return daftar[0]
    senin = _senin(minggu)
    if senin not in daftar:
        raise Ditolak(f"Minggu {senin.isoformat()} belum dimuat; minggu yang dimuat: {daftar[-1].isoformat()} "
                      f"sampai {daftar[0].isoformat()} ({len(daftar)} minggu).")
    return senin


def perintah_summary(args) -> int:
    from kdkmp import queries

    con = store.sambungan_baca(args.db)
    hasil = queries.ringkasan(con, minggu=_minggu_dimuat(con, args.week), wilayah=args.wilayah)
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
    from kdkmp import tindaklanjut

    con = store.sambungan_baca(args.db)
    minggu = _minggu_dimuat(con, args.week)
    saringan = (("zona", args.zona),) if args.zona else ()
    daftar = tindaklanjut.daftar_intervensi_tindakan(con, minggu, args.wilayah, saringan, url=_url_catatan(args))
    versi = queries.cap_data(con, minggu)["versi_aturan"]
    tabel = tindaklanjut.tabel_ekspor(daftar)
    if ekstensi == ".csv":
        isi = export.ke_csv(tabel, pemisah=args.sep)
    else:
        isi = export.ke_xlsx(tabel, {
            "Isi": "Daftar intervensi KDKMP", "Saringan": queries.kalimat_saringan(args.wilayah, saringan),
            "Jumlah koperasi": len(tabel), "Minggu data": minggu, "Versi aturan": versi,
            "Dibuat pada": datetime.now(), "Dibuat oleh": store._pengguna() + " (CLI)"})
    try:
        keluaran.write_bytes(isi)
    except OSError as e:
        raise Ditolak(f"Berkas keluaran {keluaran} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
    print(f"{fmt.angka(len(tabel))} koperasi ditulis ke {keluaran}.")
    return 0


def perintah_brief(args) -> int:
    from kdkmp import brief
    from kdkmp import wilayah as ref

    keluaran = Path(args.out)
    ekstensi = keluaran.suffix.lower()
    if ekstensi not in brief.FORMAT:
        raise Ditolak(f"Berkas keluaran harus berakhiran .pptx atau .pdf, bukan '{keluaran.suffix or keluaran.name}'.")
    if not keluaran.absolute().parent.is_dir():  # said before the brief is built, not after
        raise Ditolak(f"Folder {keluaran.absolute().parent} tidak ada; buat dulu foldernya atau pilih folder lain.")
    kode = ref.cari(args.wilayah).kode
    con = store.sambungan_baca(args.db)
    minggu = _minggu_dimuat(con, args.week)
    oleh = (args.oleh or "").strip() or store._pengguna() + " (CLI)"
    try:
        isi = brief.FORMAT[ekstensi](con, minggu, kode, oleh=oleh)
    except brief.BriefDitolak as e:
        raise Ditolak(str(e)) from None
    try:
        brief.tulis_atomik(keluaran, isi)
    except OSError as e:
        raise Ditolak(f"Berkas keluaran {keluaran} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
    print(f"Ringkasan rapat {ref.cari(kode).label} minggu {minggu.isoformat()} ditulis ke {keluaran} "
          f"({fmt.angka(round(len(isi) / 1024))} KB).")
    return 0


def perintah_score(args) -> int:
    from kdkmp import ingest, rules

    if not store.lokasi_db(args.db).exists():  # rescoring nothing must not create an empty database
        raise store.BasisDataKosong(f"Basis data {store.lokasi_db(args.db)} belum ada.")
    aturan = rules.muat_aturan(args.rules)
    with store.penulisan(args.db) as con:
        ingest.skor_ulang_semua(con, aturan)
    print(f"Semua minggu dinilai ulang dengan aturan versi {aturan.versi}.")
    return 0


def perintah_rules_check(args) -> int:
    from kdkmp import rules

    return rules.main_rules_check(args.file)


def perintah_minggu_daftar(args) -> int:
    from kdkmp import queries

    df = queries.minggu_dan_penarikan(store.sambungan_baca(args.db))
    aktif, ditarik = df[df["status"] == "aktif"], df[df["status"] == "ditarik"]

    def batch(r) -> str:
        if r.jumlah_file == 1:
            return f"batch {r.batch_id}  {r.nama_file}"
        return f"batch {', '.join(map(str, r.batch))}  {r.jumlah_file} file, terakhir {r.nama_file}"

    print(f"Minggu aktif ({len(aktif)}):")
    for r in aktif.itertuples():
        print(f"  {r.minggu.date().isoformat()}  {batch(r)}  {fmt.angka(r.baris)} baris  "
              f"dimuat {_waktu(r.dimuat_pada)} oleh {r.dimuat_oleh}")
    print(f"Minggu ditarik ({len(ditarik)}):")
    for r in ditarik.itertuples():
        print(f"  {r.minggu.date().isoformat()}  {batch(r)}  {fmt.angka(r.baris)} baris  "
              f"ditarik {_waktu(r.ditarik_pada)} oleh {r.ditarik_oleh}: {r.alasan}")
    return 0


def _ubah_minggu(args, aksi, kata: str, peristiwa: str) -> int:
    """Withdraw or restore a week as --oleh's account (an admin: the week is everyone's), audited
    like the upload page's buttons; without --oleh as the OS user, the trusted shell."""
    from kdkmp import queries

    minggu = _senin(args.minggu)
    pengguna = _pengguna_oleh(args, f"minggu {minggu.isoformat()} tidak diubah")
    if not pengguna.hak.kelola_minggu:
        raise Ditolak(f"DITOLAK: akun '{pengguna.nama}' ({pengguna.hak.label}) tidak boleh menarik atau memulihkan "
                      f"minggu: minggu itu milik semua wilayah, jadi hanya admin PMO pusat; minggu "
                      f"{minggu.isoformat()} tidak diubah.")
    try:
        hasil = aksi(minggu, oleh=pengguna.nama, alasan=args.alasan, db_path=args.db)
    except store.GagalMuat as e:
        raise Ditolak(f"DITOLAK: {e}") from None
    if args.oleh:
        from kdkmp import catatan

        catatan.catat(peristiwa, pengguna.nama, url=_url_catatan(args), minggu=minggu.isoformat(),
                      batch=hasil["batch_id"], baris=hasil["baris"], alasan=args.alasan, **_konteks_cli())
    terbaru = queries.minggu_terakhir(store.sambungan_baca(args.db))
    print(f"Minggu {minggu.isoformat()} {kata} (batch {hasil['batch_id']}, file {hasil['nama_file']}, "
          f"{fmt.angka(hasil['baris'])} baris); semua minggu dinilai ulang. Minggu terbaru kini "
          f"{terbaru.isoformat() if terbaru else 'tidak ada'}.")
    return 0


def perintah_minggu_tarik(args) -> int:
    from kdkmp import ingest

    return _ubah_minggu(args, ingest.tarik, "ditarik ke arsip laporan_ditarik", "tarik")


def perintah_minggu_pulihkan(args) -> int:
    from kdkmp import ingest

    return _ubah_minggu(args, ingest.pulihkan, "dipulihkan", "pulihkan")


# ---------------------------------------------------------------- pengguna and jejak (kdkmp.catatan)

def _oleh(args) -> str:
    return (getattr(args, "oleh", None) or "").strip() or store._pengguna()


def _konteks_cli() -> dict:
    return {"lewat": "cli", "pengguna_os": store._pengguna()}


def _url_catatan(args) -> str:
    from kdkmp import catatan

    return catatan.url_bawaan(args.db)


def _baca_sandi() -> str:
    """A password from standard input: typed twice without echo at a terminal, else one line."""
    import getpass

    if sys.stdin is None:
        raise Ditolak("Tidak ada masukan standar untuk membaca sandi.")
    if sys.stdin.isatty():
        pertama = getpass.getpass("Sandi baru: ")
        if getpass.getpass("Ulangi sandi baru: ") != pertama:
            raise Ditolak("Kedua sandi yang diketik tidak sama; tidak ada yang diubah.")
        return pertama
    baris = sys.stdin.readline()
    if not baris.strip("\r\n"):
        raise Ditolak("Tidak ada sandi di masukan standar; kirim satu baris, misalnya "
                      "`printf '%s\\n' \"$SANDI\" | python -m kdkmp pengguna sandi NAMA`.")
    return baris.rstrip("\r\n")


def _label_wilayah(kode) -> str:
    from kdkmp import wilayah

    if kode is None or (isinstance(kode, float) and math.isnan(kode)):
        return "nasional"
    try:
        return f"{kode} ({wilayah.nama(kode)})"
    except wilayah.KodeTidakDikenal:
        return str(kode)


def _kabar_htpasswd() -> None:
    import os

    if os.environ.get("KDKMP_HTPASSWD", "").strip():
        print(f"Berkas htpasswd {os.environ['KDKMP_HTPASSWD'].strip()} diperbarui.")


def perintah_pengguna_tambah(args) -> int:
    from kdkmp import catatan

    sandi = _baca_sandi() if args.sandi_stdin else None
    akun = catatan.tambah_akun(args.nama, args.peran, args.wilayah, oleh=_oleh(args), sandi=sandi,
                               konteks=_konteks_cli(), url=_url_catatan(args))
    print(f"Akun {akun['nama_pengguna']} ditambahkan: peran {akun['peran']}, wilayah {_label_wilayah(akun['wilayah'])}"
          f"{', dengan sandi' if sandi is not None else ', tanpa sandi'}.")
    _kabar_htpasswd()
    return 0


def perintah_pengguna_daftar(args) -> int:
    from kdkmp import catatan

    df = catatan.daftar_akun(url=_url_catatan(args))
    if df.empty:
        print("Belum ada akun. Tambahkan admin pertama: python -m kdkmp pengguna tambah NAMA --peran admin --sandi-stdin")
        return 0
    print(f"{len(df)} akun ({int(df['aktif'].sum())} aktif):")
    lebar = max(df["nama_pengguna"].str.len().max(), 4)
    for r in df.itertuples():
        print(f"  {r.nama_pengguna:<{lebar}}  {r.peran:<9}  {'aktif' if r.aktif else 'nonaktif':<8}  "
              f"{'bersandi' if r.ada_sandi else 'tanpa sandi':<11}  {_label_wilayah(r.wilayah)}  "
              f"(diubah {_waktu(r.diubah_pada.tz_convert(catatan.WIB).tz_localize(None))} WIB oleh {r.diubah_oleh})")
    return 0


def perintah_pengguna_ubah(args) -> int:
    from kdkmp import catatan

    ubah = {}
    if args.peran is not None:
        ubah["peran"] = args.peran
    if args.wilayah is not None:
        ubah["wilayah"] = args.wilayah.strip() or None
    if args.aktif is not None:
        ubah["aktif"] = args.aktif
    akun = catatan.ubah_akun(args.nama, oleh=_oleh(args), konteks=_konteks_cli(), url=_url_catatan(args), **ubah)
    return _cetak_ubah(args.nama, akun)


def _cetak_ubah(nama: str, akun) -> int:
    if akun is None:
        print(f"Akun {nama} sudah seperti itu; tidak ada yang diubah.")
        return 0
    print(f"Akun {akun['nama_pengguna']} kini: peran {akun['peran']}, wilayah {_label_wilayah(akun['wilayah'])}, "
          f"{'aktif' if akun['aktif'] else 'nonaktif'}.")
    _kabar_htpasswd()
    return 0


def perintah_pengguna_nonaktif(args) -> int:
    from kdkmp import catatan

    return _cetak_ubah(args.nama, catatan.nonaktifkan_akun(args.nama, oleh=_oleh(args), konteks=_konteks_cli(),
                                                           url=_url_catatan(args)))


def perintah_pengguna_sandi(args) -> int:
    from kdkmp import catatan

    url = _url_catatan(args)
    if catatan.cari_akun(args.nama, url=url) is None:  # before asking for a password nobody can use
        raise Ditolak(f"Akun '{args.nama}' tidak terdaftar; tidak ada yang diubah.")
    catatan.ganti_sandi(args.nama, _baca_sandi(), oleh=_oleh(args), konteks=_konteks_cli(), url=url)
    print(f"Sandi akun {args.nama} diganti.")
    _kabar_htpasswd()
    return 0


def perintah_pengguna_htpasswd(args) -> int:
    from kdkmp import catatan

    n = catatan.tulis_htpasswd(args.out, url=_url_catatan(args))
    print(f"{n} akun aktif bersandi ditulis ke {args.out} (untuk penjaga sandi nginx: layani --upstream).")
    return 0


def perintah_jejak(args) -> int:
    from kdkmp import catatan, export

    if args.dari and args.sampai and args.sampai < args.dari:
        raise Ditolak(f"--sampai {args.sampai.isoformat()} lebih awal daripada --dari {args.dari.isoformat()}.")
    url = _url_catatan(args)
    df = catatan.baca_jejak(args.dari, args.sampai, args.oleh, args.peristiwa,
                            batas=None if args.csv else args.batas, url=url)
    saringan = {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in (("dari", args.dari), ("sampai", args.sampai), ("oleh", args.oleh),
                             ("peristiwa", args.peristiwa)) if v}
    orang = catatan.jejak_untuk_orang(df)
    if args.csv:
        keluaran = Path(args.csv)
        try:
            keluaran.write_bytes(export.ke_csv(orang))
        except OSError as e:
            raise Ditolak(f"Berkas keluaran {keluaran} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
        catatan.catat("ekspor", _oleh(args), url=url, isi="jejak", format="csv", file=str(keluaran),
                      baris=len(df), saringan=saringan, **_konteks_cli())
        print(f"{fmt.angka(len(df))} catatan jejak ditulis ke {keluaran}.")
        return 0
    if df.empty:
        print("Tidak ada catatan jejak yang cocok.")
        return 0
    print(f"{fmt.angka(len(df))} catatan jejak, terbaru dulu"
          f"{f' (paling banyak {fmt.angka(args.batas)}; --batas untuk lebih)' if len(df) == args.batas else ''}:")
    for r in orang.itertuples(index=False):
        wil = r[4] if isinstance(r[4], str) else "-"
        print(f"  {r[1]} WIB  {r[2]}  {r[3]}  {wil}  {r[5]}")
    return 0


def perintah_layani(args) -> int:
    from kdkmp import layani

    db = store.lokasi_db(args.db)
    htpasswd = None
    if args.upstream:
        htpasswd = os.environ.get("KDKMP_HTPASSWD", "").strip()
        if not htpasswd:
            raise layani.LayaniDitolak("--upstream menjalankan juga penjaga sandi untuk nginx: isi KDKMP_HTPASSWD "
                                       "dengan berkas htpasswd yang ditulis dari akun dasbor (README, \"Masuk\").")
        htpasswd = Path(htpasswd)
    layani.siapkan_basis_data(db)
    layanan = layani.Layanan(args.proses, db=db, port_awal=args.port_awal, alamat=args.alamat, htpasswd=htpasswd)
    if args.upstream:
        layani.tulis_upstream(Path(args.upstream), layanan.port, args.alamat, layanan.port_penjaga)
        print(f"Blok upstream nginx ditulis ke {args.upstream}; muat ulang nginx (nginx -s reload).")
    layanan.mulai()
    print(f"{args.proses} replika melayani; log di {layanan.folder_log}. Ctrl+C untuk berhenti.", flush=True)
    return layanan.jalankan()


# ---------------------------------------------------------------- tindaklanjut (kdkmp.tindaklanjut)

def perintah_tindaklanjut_ekspor(args) -> int:
    from datetime import datetime

    from kdkmp import catatan, export, queries, tindaklanjut
    from kdkmp import wilayah as ref

    keluaran = Path(args.out)
    ekstensi = keluaran.suffix.lower()
    if ekstensi not in (".csv", ".xlsx"):
        raise Ditolak(f"Berkas keluaran harus berakhiran .csv atau .xlsx, bukan '{keluaran.suffix or keluaran.name}'.")
    pengguna = _pengguna_oleh(args, "tidak ada yang diekspor")
    kode = ref.cari(args.wilayah).kode if args.wilayah else pengguna.cakupan
    con = store.sambungan_baca(args.db)
    minggu = _minggu_dimuat(con, args.week)
    url = _url_catatan(args)
    daftar = tindaklanjut.daftar_kerja(con, minggu, kode, cakupan=pengguna.cakupan, url=url)
    tabel = tindaklanjut.tabel_ekspor(daftar)
    if ekstensi == ".csv":
        isi = export.ke_csv(tabel, pemisah=args.sep)
    else:
        isi = export.ke_xlsx(tabel, {
            "Isi": "Daftar kerja tindak lanjut KDKMP (koperasi merah, dan koperasi dengan tindak lanjut terbuka)",
            "Wilayah": ref.cari(kode).label if kode else "seluruh Indonesia", "Jumlah koperasi": len(tabel),
            "Minggu data": minggu, "Versi aturan": queries.cap_data(con, minggu)["versi_aturan"],
            **tindaklanjut.petunjuk_isian(),
            "Dibuat pada": datetime.now(), "Dibuat oleh": pengguna.nama + " (CLI)"})
    try:
        keluaran.write_bytes(isi)
    except OSError as e:
        raise Ditolak(f"Berkas keluaran {keluaran} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
    catatan.catat("ekspor", pengguna.nama, wilayah=kode, url=url, isi="tindak lanjut", format=ekstensi.lstrip("."),
                  file=str(keluaran), baris=len(tabel), minggu=minggu.isoformat(), **_konteks_cli())
    print(f"{fmt.angka(len(tabel))} koperasi ditulis ke {keluaran}; isi kolom Tindakan, PIC, Kantor PIC, Target, Status, "
          f"Catatan lalu impor dengan: python -m kdkmp tindaklanjut impor {keluaran}")
    return 0


def perintah_tindaklanjut_impor(args) -> int:
    from kdkmp import export, tindaklanjut

    berkas = Path(args.file)
    try:
        isi = berkas.read_bytes()
    except OSError as e:
        raise Ditolak(f"Berkas {berkas} tidak dapat dibaca: {galat.sebab_os(e)}.") from None
    pengguna = _pengguna_oleh(args, "tidak ada yang diimpor")
    con = store.sambungan_baca(args.db)
    url = _url_catatan(args)
    pratinjau = tindaklanjut.pratinjau_impor(con, pengguna, isi, berkas.name, url=url)
    file_tolak = None
    if len(pratinjau.ditolak):
        file_tolak = berkas.with_name(berkas.stem + ".ditolak.csv")
        try:
            file_tolak.write_bytes(export.ke_csv(pratinjau.ditolak))
        except OSError as e:
            raise Ditolak(f"Berkas penolakan {file_tolak} tidak dapat ditulis: {galat.sebab_os(e)}; tidak ada yang "
                          "diimpor.") from None
    if args.pratinjau:
        print(f"Pratinjau {berkas.name} (belum ada yang disimpan): {pratinjau.ringkasan()}")
        for r in pratinjau.diterima.itertuples(index=False):
            print(f"  baris {r.baris}  {r.kode_koperasi}  {r.aksi}: {r.perubahan}")
        if file_tolak:
            print(f"Baris yang ditolak beserta alasannya: {file_tolak}")
        return 0
    if not pratinjau.rencana and len(pratinjau.ditolak) and not pratinjau.tidak_berubah:
        raise Ditolak(f"Tidak ada yang diimpor dari {berkas.name}: baris dibaca {fmt.angka(pratinjau.baris_dibaca)}, "
                      f"semua {fmt.angka(len(pratinjau.ditolak))} baris berisi ditolak (alasannya di {file_tolak}).")
    if not pratinjau.rencana:
        print(f"Tidak ada perubahan di {berkas.name}: {pratinjau.ringkasan()}")
        return 0
    hasil = tindaklanjut.terapkan_impor(pratinjau, pengguna, konteks=_konteks_cli(), url=url)
    print(f"Baris dibaca: {fmt.angka(pratinjau.baris_dibaca)}; diterapkan: {fmt.angka(hasil['baru'] + hasil['diubah'])} "
          f"({fmt.angka(hasil['baru'])} baru, {fmt.angka(hasil['diubah'])} diubah); ditolak: {fmt.angka(len(pratinjau.ditolak))}; "
          f"tanpa isian: {fmt.angka(pratinjau.kosong)}; tidak berubah: {fmt.angka(pratinjau.tidak_berubah)}.")
    if file_tolak:
        print(f"Baris yang ditolak beserta alasannya: {file_tolak}")
    return 0


# ---------------------------------------------------------------- pelaporan (kdkmp.pelaporan)

def perintah_pelaporan(args) -> int:
    from kdkmp import pelaporan
    from kdkmp import wilayah as ref

    pengguna = _pengguna_oleh(args, "tidak ada yang diubah")
    con = store.sambungan_baca(args.db)
    minggu = _minggu_dimuat(con, args.week)
    url = _url_catatan(args)
    kode = ref.cari(args.wilayah).kode if args.wilayah else pengguna.wilayah
    if args.aksi == "status":
        pengguna.periksa(kode)
        status = pelaporan.tabel_status(con, minggu, kode, cakupan=pengguna.cakupan, url=url)
        print(f"Status pelaporan minggu {minggu.isoformat()} · {_label_wilayah(kode)}")
        print(pelaporan.kalimat_porsi(status))
        for r in status.itertuples():
            oleh = f" oleh {r.status_oleh}" if isinstance(r.status_oleh, str) else ""
            isi = f" ({r.catatan})" if isinstance(r.catatan, str) else ""
            print(f"  {r.kode_kabupaten} {r.nama_kabupaten}: {r.label_status}{oleh}{isi}; "
                  f"{fmt.angka(r.baris)} laporan koperasi")
        return 0
    if kode is None:
        raise Ditolak(f"Sebutkan kabupaten/kota yang minggunya di{args.aksi.replace('-', ' ')} (--wilayah 52.01).")
    aksi = args.aksi.replace("-", "_")
    r = pelaporan.ubah_status(con, pengguna, kode, minggu, aksi, catatan=getattr(args, "catatan", None),
                              konteks=_konteks_cli(), url=url)
    print(f"Minggu {minggu.isoformat()} {_label_wilayah(r['kode_kabupaten'])} sekarang "
          f"{pelaporan.label_status(r['status']).lower()} (oleh {r['oleh']}).")
    return 0


# ---------------------------------------------------------------- laporan (kdkmp.laporan)

def _teks_opsi(nilai: str | None) -> str | None:
    """An option's text, or the content of FILE for `@FILE`."""
    if nilai is None or not nilai.startswith("@"):
        return nilai
    berkas = Path(nilai[1:])
    try:
        return berkas.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        sebab = galat.sebab_os(e) if isinstance(e, OSError) else "bukan teks UTF-8"
        raise Ditolak(f"Berkas teks {berkas} tidak dapat dibaca: {sebab}; tidak ada yang diubah.") from None


def perintah_laporan(args) -> int:
    from kdkmp import laporan

    pengguna = _pengguna_oleh(args, "tidak ada yang diubah")
    kode = laporan.normalisasi_wilayah(args.wilayah if args.wilayah is not None else pengguna.wilayah)
    bulan = laporan.periksa_bulan(args.bulan)
    keluaran = Path(args.out) if getattr(args, "out", None) else None
    if keluaran is not None:
        if keluaran.suffix.lower() not in laporan.FORMAT:
            raise Ditolak(f"Berkas keluaran harus berakhiran .pdf atau .pptx, bukan '{keluaran.suffix or keluaran.name}'.")
        if not keluaran.absolute().parent.is_dir():
            raise Ditolak(f"Folder {keluaran.absolute().parent} tidak ada; buat dulu foldernya atau pilih folder lain.")
    con = store.sambungan_baca(args.db)
    url = _url_catatan(args)
    if args.aksi != "tampil":
        teks = {k: _teks_opsi(getattr(args, k)) for k in ("analisis", "hambatan", "rekomendasi")
                if getattr(args, k, None) is not None}
        r = laporan.ubah(con, pengguna, kode, bulan, args.aksi, teks=teks or None,
                         catatan=_teks_opsi(getattr(args, "catatan", None)), konteks=_konteks_cli(), url=url)
        print(f"Laporan bulanan {laporan.label_bulan(bulan)} {laporan.nama_laporan(kode)}: "
              f"{laporan.STATUS[r['status']].lower()} (versi {r['versi']}, oleh {pengguna.nama}).")
        return 0
    lap = laporan.baca(con, pengguna, kode, bulan, url=url)
    anak = laporan.laporan_anak(kode, bulan, url=url)
    print(lap.judul)
    print(f"Status: {laporan.STATUS[lap.status]}" + (f" (versi {lap.versi})" if lap.versi else ""))
    if lap.baris and isinstance(lap.baris.get("catatan_induk"), str):
        print(f"Catatan tingkat di atasnya: {lap.baris['catatan_induk']}")
    for k in ("analisis", "hambatan", "rekomendasi"):
        print(f"{laporan.LABEL_TEKS[k]}: {lap.teks[k] or '(belum diisi)'}")
    if lap.angka is None:
        print(f"Belum ada minggu yang dimuat pada {laporan.label_bulan(bulan)}.")
    else:
        print("Angka: " + ("yang dikirim (dibekukan saat pengiriman)" if lap.beku else "dari data terkini"))
        for k in laporan.kalimat_pokok(lap.angka):
            print(f"  {k}")
        for k in lap.berubah:
            print(f"  Berubah sejak dikirim — {k}")
        for buat in (laporan.tabel_zona, laporan.tabel_capaian, laporan.tabel_pergerakan, laporan.tabel_kendala,
                     laporan.tabel_tindak_lanjut):
            kolom, baris = buat(lap.angka)
            print("  " + " | ".join(kolom))
            for b in baris:
                print("    " + " | ".join(b))
    if not anak.empty:
        print(f"Laporan wilayah di bawahnya: {', '.join(f'{n} {s}' for n, s in anak['label_status'].value_counts().items())}")
        for r in anak.itertuples():
            print(f"  {r.kode} {r.nama}: {r.label_status}")
    if keluaran is not None:
        isi = laporan.berkas(lap, keluaran.suffix.lower(), anak_df=anak, oleh=pengguna.nama + " (CLI)")
        try:
            from kdkmp import brief

            brief.tulis_atomik(keluaran, isi)
        except OSError as e:
            raise Ditolak(f"Berkas keluaran {keluaran} tidak dapat ditulis: {galat.sebab_os(e)}.") from None
        from kdkmp import catatan

        catatan.catat("ekspor", pengguna.nama, wilayah=kode, url=url, isi="laporan bulanan", bulan=bulan,
                      status=lap.status, format=keluaran.suffix.lower().lstrip("."), file=str(keluaran), **_konteks_cli())
        print(f"Ditulis ke {keluaran} ({fmt.angka(round(len(isi) / 1024))} KB).")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = Pengurai(prog="python -m kdkmp", description="Dasbor zonasi KDKMP: alat baris perintah.",
                  epilog="Kode keluar: 0 selesai; 2 ditolak (satu kalimat alasan); 64 salah penggunaan; "
                         "70 galat internal (rincian di kdkmp_galat.log).")
    sub = ap.add_subparsers(dest="perintah", required=True, title="perintah", metavar="PERINTAH")

    def db(p):
        p.add_argument("--db", help="berkas DuckDB (bawaan: $KDKMP_DB atau data/kdkmp.duckdb)")

    p = sub.add_parser("ingest", help="muat file mingguan (CSV/XLSX/Parquet)", description="Muat file mingguan.")
    p.add_argument("file", help="file laporan mingguan (CSV, XLSX atau Parquet)")
    p.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD",
                   help="minggu data bila file tidak punya kolom tanggal_data")
    p.add_argument("--wilayah", metavar="KODE",
                   help="muat untuk satu kabupaten/kota (52.01) atau provinsi (52) saja: baris di luarnya ditolak, "
                        "wilayah lain minggu itu tidak berubah (bawaan: wilayah akun --oleh, atau seluruh file)")
    p.add_argument("--replace", action="store_true",
                   help="ganti baris minggu itu untuk kabupaten/kota yang ada di file (yang lain tidak berubah)")
    p.add_argument("--perbarui", action="store_true",
                   help="untuk kabupaten/kota yang sudah dimuat minggu itu: ganti hanya laporan koperasi yang ada di "
                        "file dan tambahkan yang baru; laporan koperasi lain tetap (misalnya file baris ditolak yang "
                        "sudah diperbaiki)")
    p.add_argument("--ganti-semua", action="store_true",
                   help="hanya admin: ganti juga kabupaten/kota di --wilayah (atau seluruh Indonesia) yang TIDAK ada "
                        "di file; barisnya minggu itu hilang")
    p.add_argument("--sheet", help="nama sheet XLSX (bawaan: sheet pertama)")
    p.add_argument("--max-reject", type=_pecahan, default=0.2, metavar="BAGIAN",
                   help="bagian baris ditolak (0 sampai 1, misalnya 0.2 atau 0,2) yang membuat file ditolak "
                        "seluruhnya (bawaan 0.2; baris di luar --wilayah tidak dihitung)")
    p.add_argument("--tunggu", type=_detik_tunggu, default=120.0, metavar="DETIK",
                   help="bila basis data sedang dimuat proses lain, tunggu giliran paling lama sekian detik "
                        "(bawaan 120; 0: langsung ditolak)")
    p.add_argument("--oleh", metavar="NAMA_PENGGUNA",
                   help="muat sebagai akun ini (hak dan wilayahnya berlaku, dicatat di jejak); bawaan: admin")
    p.add_argument("--pratinjau", action="store_true",
                   help="hanya tampilkan wilayah dan baris yang akan ditambah, diganti atau dihapus; tidak memuat")
    db(p)
    p.set_defaults(fungsi=perintah_ingest)

    p = sub.add_parser("penulis", help="penulis tetap: layani `ingest` untuk basis data ini tanpa memulai proses baru",
                       description="Penulis tetap (dijalankan oleh `layani`): perintah `ingest` untuk basis data ini "
                                   "dikerjakan di proses ini, yang sudah memuat pustaka datanya.")
    db(p)
    p.set_defaults(fungsi=perintah_penulis)

    p = sub.add_parser("summary", help="angka ringkas satu wilayah dan minggu", description="Angka ringkas.")
    p.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD", help="minggu data (bawaan: minggu terbaru)")
    p.add_argument("--wilayah", help="kode wilayah tingkat apa pun: 52, 52.01, 52.01.01, 52.01.01.2001")
    p.add_argument("--json", action="store_true", help="keluaran JSON")
    db(p)
    p.set_defaults(fungsi=perintah_summary)

    p = sub.add_parser("demo", help="bangun (ulang) basis data demo nasional", description="Bangun data demo.")
    p.add_argument("--weeks", type=_bulat(1, MAKS_MINGGU_DEMO), default=26, metavar="N",
                   help=f"jumlah minggu (1 sampai {MAKS_MINGGU_DEMO}, bawaan 26)")
    p.add_argument("--seed", type=_bulat(0, 2**32 - 1), default=20251, metavar="N",
                   help="benih acak (bilangan bulat 0 atau lebih, bawaan 20251)")
    db(p)
    p.set_defaults(fungsi=perintah_demo)

    p = sub.add_parser("export", help="ekspor daftar intervensi (CSV atau XLSX)", description="Ekspor daftar intervensi.")
    p.add_argument("--out", required=True, help="berkas keluaran .csv atau .xlsx")
    p.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD", help="minggu data (bawaan: minggu terbaru)")
    p.add_argument("--wilayah", help="kode wilayah tingkat apa pun")
    p.add_argument("--zona", choices=kosakata.SEMUA_ZONA,
                   help="hanya zona ini (bawaan: semua zona)")
    p.add_argument("--sep", choices=[",", ";"], default=",", help="pemisah CSV (';' untuk Excel berbahasa Indonesia)")
    db(p)
    p.set_defaults(fungsi=perintah_export)

    p = sub.add_parser("brief", help="ringkasan rapat mingguan satu wilayah (PPTX atau PDF)",
                       description="Ringkasan rapat mingguan satu wilayah sekali klik: PPTX (tabel dan grafik yang "
                                   "dapat diedit) atau PDF, dengan cap data (minggu, versi aturan, kapan, oleh siapa).")
    p.add_argument("--wilayah", required=True, metavar="KODE", help="kode wilayah tingkat apa pun: 52, 52.01, …")
    p.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD", help="minggu data (bawaan: minggu terbaru)")
    p.add_argument("--out", required=True, metavar="BERKAS", help="berkas keluaran .pptx atau .pdf")
    p.add_argument("--oleh", metavar="NAMA", help="nama penyusun di cap (bawaan: pengguna sistem)")
    db(p)
    p.set_defaults(fungsi=perintah_brief)

    p = sub.add_parser("score", help="nilai ulang semua minggu dengan config/zones.yaml", description="Nilai ulang.")
    p.add_argument("--rules", help="berkas aturan (bawaan config/zones.yaml)")
    db(p)
    p.set_defaults(fungsi=perintah_score)

    p = sub.add_parser("rules", help="aturan zona", description="Aturan zona.")
    aturan_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")
    q = aturan_sub.add_parser("check", help="periksa berkas aturan", description="Periksa berkas aturan.")
    q.add_argument("file", nargs="?", help="bawaan config/zones.yaml")
    q.set_defaults(fungsi=perintah_rules_check)

    p = sub.add_parser("minggu", help="daftar, tarik atau pulihkan minggu yang dimuat",
                       description="Minggu yang dimuat: daftar, tarik (ke arsip, tercatat) dan pulihkan.")
    minggu_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")
    q = minggu_sub.add_parser("daftar", help="minggu aktif dan minggu ditarik", description="Minggu aktif dan ditarik.")
    db(q)
    q.set_defaults(fungsi=perintah_minggu_daftar)
    q = minggu_sub.add_parser("tarik", help="tarik satu minggu (datanya diarsipkan, bisa dipulihkan)",
                              description="Tarik satu minggu: barisnya dipindah ke laporan_ditarik, zona semua "
                                          "minggu dinilai ulang, tindakan dicatat di riwayat_minggu.")
    q.add_argument("minggu", type=_tanggal, metavar="YYYY-MM-DD", help="minggu yang ditarik")
    q.add_argument("--alasan", help="alasan penarikan (wajib)")
    q.add_argument("--oleh", metavar="AKUN", help="akun admin yang menarik (dicatat di jejak audit; bawaan: pengguna sistem)")
    db(q)
    q.set_defaults(fungsi=perintah_minggu_tarik)
    q = minggu_sub.add_parser("pulihkan", help="pulihkan minggu yang ditarik",
                              description="Pulihkan minggu yang ditarik (batch terbaru minggu itu).")
    q.add_argument("minggu", type=_tanggal, metavar="YYYY-MM-DD", help="minggu yang dipulihkan")
    q.add_argument("--alasan", help="alasan pemulihan (boleh kosong)")
    q.add_argument("--oleh", metavar="AKUN", help="akun admin yang memulihkan (dicatat di jejak audit; bawaan: pengguna sistem)")
    db(q)
    q.set_defaults(fungsi=perintah_minggu_pulihkan)

    from kdkmp import akses, catatan

    p = sub.add_parser("pengguna", help="akun pengguna dasbor: tambah, daftar, ubah, nonaktif, sandi, htpasswd",
                       description="Akun pengguna dasbor (peran dan wilayah), disimpan di penyimpanan catatan "
                                   "($KDKMP_STATE_URL, atau kdkmp_catatan.sqlite di samping basis data). Setiap "
                                   "perubahan dicatat di jejak.")
    akun_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")

    def oleh(q):
        q.add_argument("--oleh", metavar="NAMA", help="nama petugas yang mengubah (bawaan: pengguna sistem)")

    q = akun_sub.add_parser("tambah", help="tambah akun", description="Tambah akun dengan peran dan wilayahnya.")
    q.add_argument("nama", metavar="NAMA_PENGGUNA", help="nama pengguna (huruf, angka, . _ - @ +)")
    q.add_argument("--peran", required=True, choices=list(akses.PERAN), help="peran akun")
    q.add_argument("--wilayah", metavar="KODE", help="kode provinsi (peran provinsi, misalnya 52) atau kabupaten/kota "
                                                     "(peran kabupaten, misalnya 52.01)")
    q.add_argument("--sandi-stdin", action="store_true",
                   help="baca sandi dari masukan standar (untuk login lewat nginx)")
    oleh(q)
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_tambah)

    q = akun_sub.add_parser("daftar", help="daftar semua akun", description="Daftar semua akun.")
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_daftar)

    q = akun_sub.add_parser("ubah", help="ubah peran, wilayah atau status akun",
                            description="Ubah peran, wilayah atau status akun. Peran nasional (admin, pusat) "
                                        "melepas wilayahnya sendiri.")
    q.add_argument("nama", metavar="NAMA_PENGGUNA", help="nama pengguna")
    q.add_argument("--peran", choices=list(akses.PERAN), help="peran baru")
    q.add_argument("--wilayah", metavar="KODE", help="kode wilayah baru")
    status = q.add_mutually_exclusive_group()
    status.add_argument("--aktif", dest="aktif", action="store_const", const=True, help="aktifkan akun")
    status.add_argument("--nonaktif", dest="aktif", action="store_const", const=False, help="nonaktifkan akun")
    oleh(q)
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_ubah)

    q = akun_sub.add_parser("nonaktif", help="nonaktifkan akun (tetap tersimpan beserta riwayatnya)",
                            description="Nonaktifkan akun: tidak bisa masuk lagi, riwayatnya tetap tersimpan.")
    q.add_argument("nama", metavar="NAMA_PENGGUNA", help="nama pengguna")
    oleh(q)
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_nonaktif)

    q = akun_sub.add_parser("sandi", help="ganti sandi akun (dibaca dari masukan standar)",
                            description="Ganti sandi akun. Sandi dibaca dari masukan standar (satu baris), atau "
                                        "diketik dua kali tanpa tampil di terminal.")
    q.add_argument("nama", metavar="NAMA_PENGGUNA", help="nama pengguna")
    oleh(q)
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_sandi)

    q = akun_sub.add_parser("htpasswd", help="tulis berkas htpasswd nginx dari akun aktif bersandi",
                            description="Tulis berkas htpasswd (bcrypt) untuk penjaga sandi nginx dari akun aktif yang "
                                        "punya sandi. Bila $KDKMP_HTPASSWD diisi, berkas itu ditulis ulang pada "
                                        "setiap perubahan akun.")
    q.add_argument("--out", required=True, metavar="BERKAS", help="berkas htpasswd yang ditulis")
    db(q)
    q.set_defaults(fungsi=perintah_pengguna_htpasswd)

    p = sub.add_parser("jejak", help="jejak audit: siapa melakukan apa dan kapan",
                       description="Jejak audit (login, akses ditolak, muat, ekspor, perubahan akun, …), terbaru dulu. "
                                   "Tanggal dibaca sebagai hari penuh WIB.")
    p.add_argument("--dari", type=_tanggal, metavar="YYYY-MM-DD", help="mulai tanggal ini (WIB)")
    p.add_argument("--sampai", type=_tanggal, metavar="YYYY-MM-DD", help="sampai tanggal ini, termasuk (WIB)")
    p.add_argument("--oleh", metavar="NAMA", help="hanya pengguna ini (huruf besar/kecil tidak dibedakan)")
    p.add_argument("--peristiwa", choices=list(catatan.PERISTIWA), metavar="JENIS",
                   help=f"hanya jenis peristiwa ini: {', '.join(catatan.PERISTIWA)}")
    p.add_argument("--batas", type=_bulat(1, 1_000_000), default=200, metavar="N",
                   help="paling banyak N baris di layar (bawaan 200; --csv menulis semuanya)")
    p.add_argument("--csv", metavar="BERKAS", help="tulis ke berkas CSV (UTF-8, untuk Excel) alih-alih ke layar")
    db(p)
    p.set_defaults(fungsi=perintah_jejak)

    p = sub.add_parser("layani", help="jalankan K proses dasbor di 127.0.0.1 untuk nginx (banyak kantor)",
                       description="Jalankan K replika dasbor di belakang nginx dan nyalakan lagi yang berhenti "
                                   "(README, \"Melayani banyak kantor\"). Berhenti dengan Ctrl+C atau SIGTERM.")
    p.add_argument("--proses", type=_bulat(1, 64), default=os.cpu_count() or 1, metavar="K",
                   help="jumlah replika, satu per inti prosesor (bawaan: jumlah inti mesin ini)")
    p.add_argument("--port-awal", type=_bulat(1024, 65535), default=8501, metavar="PORT",
                   help="port replika pertama; berikutnya PORT+1, … (bawaan 8501)")
    p.add_argument("--alamat", default="127.0.0.1", help="alamat dengar (bawaan 127.0.0.1: hanya nginx yang boleh)")
    p.add_argument("--upstream", metavar="BERKAS",
                   help="tulis blok upstream nginx untuk port-port ini dan jalankan penjaga sandi di port "
                        "sebelum replika pertama (di-include deploy/nginx-kdkmp.conf; butuh $KDKMP_HTPASSWD)")
    db(p)
    p.set_defaults(fungsi=perintah_layani)

    p = sub.add_parser("tindaklanjut", help="tindak lanjut koperasi merah: ekspor daftar kerja, impor isian kantor",
                       description="Tindak lanjut koperasi merah lewat lembar kerja: ekspor daftar kerja (koperasi "
                                   "merah dan koperasi dengan tindak lanjut terbuka, dengan kode Kemendagri), kantor "
                                   "mengisi kolom Tindakan, PIC, Kantor PIC, Target, Status, Catatan, lalu impor. "
                                   "Disimpan di penyimpanan catatan; setiap perubahan tercatat di jejak.")
    tl_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")
    q = tl_sub.add_parser("ekspor", help="tulis daftar kerja tindak lanjut (CSV atau XLSX)",
                          description="Tulis daftar kerja tindak lanjut untuk diisi kantor.")
    q.add_argument("--out", required=True, metavar="BERKAS", help="berkas keluaran .csv atau .xlsx")
    q.add_argument("--wilayah", metavar="KODE", help="kode wilayah tingkat apa pun (bawaan: seluruh Indonesia)")
    q.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD", help="minggu data (bawaan: minggu terbaru)")
    q.add_argument("--sep", choices=[",", ";"], default=",", help="pemisah CSV (';' untuk Excel berbahasa Indonesia)")
    q.add_argument("--oleh", metavar="NAMA_PENGGUNA",
                   help="akun pengekspor: cakupan wilayahnya berlaku (bawaan: pengguna sistem, nasional)")
    db(q)
    q.set_defaults(fungsi=perintah_tindaklanjut_ekspor)
    q = tl_sub.add_parser("impor", help="impor daftar kerja yang sudah diisi (CSV atau XLSX)",
                          description="Impor daftar kerja yang sudah diisi, dicocokkan dengan kode koperasi. Baris "
                                      "yang ditolak (kode tidak dikenal, tanggal salah, status atau tindakan tidak "
                                      "dikenal, di luar cakupan akun, …) ditulis ke BERKAS.ditolak.csv beserta "
                                      "alasannya; baris lain diterapkan sekaligus.")
    q.add_argument("file", metavar="BERKAS", help="berkas .csv atau .xlsx yang sudah diisi")
    q.add_argument("--oleh", metavar="NAMA_PENGGUNA",
                   help="akun pengimpor: cakupan wilayahnya berlaku (bawaan: pengguna sistem, nasional)")
    q.add_argument("--pratinjau", action="store_true", help="tampilkan apa yang akan diterapkan tanpa menyimpan")
    db(q)
    q.set_defaults(fungsi=perintah_tindaklanjut_impor)

    p = sub.add_parser("pelaporan", help="status pelaporan mingguan per kabupaten/kota: lihat, verifikasi, validasi, "
                                         "kembalikan, buka kembali",
                       description="Status pelaporan berjenjang per kabupaten/kota dan minggu: PMO kabupaten/kota "
                                   "memverifikasi, PMO provinsi memvalidasi, mengembalikan (dengan catatan) atau "
                                   "membuka kembali (dengan alasan). Setiap langkah tercatat di jejak.")
    pl_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")
    bantuan = {"status": "status setiap kabupaten/kota di wilayah itu", "verifikasi": "verifikasi minggu kabupaten/kota",
               "validasi": "validasi minggu kabupaten/kota", "kembalikan": "kembalikan minggu dengan catatan",
               "buka-kembali": "buka kembali minggu yang sudah divalidasi, dengan alasan"}
    for aksi, bantu in bantuan.items():
        q = pl_sub.add_parser(aksi, help=bantu, description=bantu[0].upper() + bantu[1:] + ".")
        q.add_argument("--wilayah", metavar="KODE", help="kabupaten/kota (bawaan: wilayah akun --oleh)"
                       + ("; untuk status juga provinsi atau kosong (nasional)" if aksi == "status" else ""))
        q.add_argument("--week", type=_tanggal, metavar="YYYY-MM-DD", help="minggu data (bawaan: minggu terbaru)")
        q.add_argument("--oleh", metavar="NAMA_PENGGUNA",
                       help="akun yang bertindak: peran dan wilayahnya berlaku (bawaan: pengguna sistem sebagai admin)")
        if aksi in ("kembalikan", "buka-kembali"):
            q.add_argument("--catatan", metavar="TEKS", help="catatan (kembalikan) atau alasan (buka kembali), wajib")
        db(q)
        q.set_defaults(fungsi=perintah_pelaporan)

    p = sub.add_parser("laporan", help="laporan bulanan berjenjang: tampilkan, simpan, kirim, terima, kembalikan",
                       description="Laporan bulanan per kabupaten/kota, provinsi atau nasional: angka dari data bulan "
                                   "itu dan teks PMO (analisis, hambatan, rekomendasi); draf → dikirim → diterima atau "
                                   "dikembalikan oleh tingkat di atasnya. Setiap langkah tercatat di jejak.")
    lp_sub = p.add_subparsers(dest="aksi", required=True, title="aksi", metavar="AKSI")
    bantuan = {"tampil": "tampilkan laporan (dan tulis PDF/PPTX dengan --out)",
               "simpan": "simpan teks draf (PMO wilayah itu sendiri)",
               "kirim": "kirim ke tingkat di atasnya (angka dibekukan; ketiga teks wajib terisi)",
               "terima": "terima laporan yang dikirim (tingkat di atasnya)",
               "kembalikan": "kembalikan laporan yang dikirim dengan catatan (tingkat di atasnya)"}
    for aksi, bantu in bantuan.items():
        q = lp_sub.add_parser(aksi, help=bantu, description=bantu[0].upper() + bantu[1:] + ".")
        q.add_argument("--bulan", required=True, metavar="YYYY-MM", help="bulan laporan, misalnya 2026-11")
        q.add_argument("--wilayah", metavar="KODE",
                       help="kabupaten/kota (52.01), provinsi (52) atau 'nasional' (bawaan: wilayah akun --oleh, "
                            "atau nasional)")
        q.add_argument("--oleh", metavar="NAMA_PENGGUNA",
                       help="akun yang bertindak: peran dan wilayahnya berlaku (bawaan: pengguna sistem sebagai admin)")
        if aksi in ("simpan", "kirim"):
            for k in ("analisis", "hambatan", "rekomendasi"):
                q.add_argument(f"--{k}", metavar="TEKS", help=f"teks {k} (@BERKAS: isi berkas itu)")
        if aksi in ("terima", "kembalikan"):
            q.add_argument("--catatan", metavar="TEKS",
                           help="catatan untuk kantor pengirim, wajib untuk kembalikan (@BERKAS: isi berkas itu)")
        if aksi == "tampil":
            q.add_argument("--out", metavar="BERKAS", help="tulis laporan sebagai .pdf atau .pptx")
        db(q)
        q.set_defaults(fungsi=perintah_laporan)
    return ap


def _pesan_galat(e: Exception) -> str | None:
    """The Indonesian sentence for a documented refusal; None for anything else (a bug)."""
    from kdkmp import akses, catatan, layani, rules, snapshot, tindaklanjut, wilayah

    if isinstance(e, (catatan.CatatanDitolak, catatan.CatatanTidakTersedia, tindaklanjut.KonfigurasiTidakValid,
                      akses.AksesDitolak, layani.LayaniDitolak)):
        return str(e)
    if isinstance(e, store.BasisDataKosong):
        return f"{e} Jalankan `python -m kdkmp demo` atau muat file dengan `python -m kdkmp ingest`."
    if isinstance(e, rules.AturanTidakValid):
        return f"Aturan tidak valid: {e}"
    if isinstance(e, store.GagalMuat):
        return f"GAGAL: {e}"
    if isinstance(e, snapshot.FileDitolak):
        return f"DITOLAK: {e}"
    if isinstance(e, (Ditolak, wilayah.KodeTidakDikenal)):
        return str(e)
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser().parse_args(argv)
    except SystemExit as e:  # -h (0) or a usage error (64): argparse has printed its text
        return e.code if isinstance(e.code, int) else KELUAR_PENGGUNAAN
    return jalankan(args, argv)


def jalankan(args, argv: list[str]) -> int:
    """Run a parsed command: its exit code, a refusal's sentence or an internal error's (logged)."""
    try:
        return args.fungsi(args)
    except BrokenPipeError:
        # the reader stopped early (`… | head`): what was asked was printed as far as it was read
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:
        pesan = _pesan_galat(e)
        if pesan is not None:
            print(pesan, file=sys.stderr)
            return KELUAR_DITOLAK
        lokasi = galat.catat(e, konteks="python -m kdkmp " + " ".join(argv), db_path=getattr(args, "db", None))
        print(galat.kalimat(e, lokasi), file=sys.stderr)
        return KELUAR_GALAT
