"""One week from a file into the database: read + validate, then load and score in one
transaction. Shared by the CLI, the upload page and the demo builder.

Loads by area (issue 15), decisions each in one line:
- ``--wilayah`` is a kabupaten/kota or a provinsi code. The kabupaten is the unit a load
  replaces (store.rencana_ganti) and the lowest office that reports (PMO kabupaten/kota);
  a kecamatan or desa file would replace its whole kabupaten's rows, so those levels are refused.
- Who may load what is decided here (``periksa_hak_muat``), once, for the page and the CLI:
  admin any area, the national file, and replacing more than the file covers (``ganti_semua``);
  provinsi any area inside its province; kabupaten its kabupaten; pusat nothing (it reads).
- A load that finds the writer busy waits its turn (``tunggu``, default ``WAKTU_TUNGGU`` s)
  and tells ``kabar(menunggu, batas)``; reading and validating the file happen before
  waiting, and loads that queued meanwhile are done together by the next writer (kdkmp.antrian:
  one copy, one scoring, one swap for the group).
- Loads into the latest week, already scored, rescore only the koperasi they add, replace or
  remove, unless that is most of the week (rules.skor's `koperasi`: a zone depends on the
  koperasi's own reports alone); the first load of a new week scores every known koperasi (each
  needs its zone that week), and a load behind the latest week every week.
- A load that would replace or remove a kabupaten week that is validated (kdkmp.pelaporan) is
  refused, checked under the writer's lock against the rows it would replace; a validation made
  during the load names the old batch, so the new one shows "dimuat" (never a silent "divalidasi").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from kdkmp import galat, snapshot, store, wilayah

# Long enough for a Monday queue of kabupaten loads (≈ 1 s each on the national database,
# bench/bench_muat_wilayah.py), short enough that a stuck writer is reported within minutes.
WAKTU_TUNGGU = 120.0
TINGKAT_WILAYAH_MUAT = ("provinsi", "kabupaten")


class WilayahMuatDitolak(store.GagalMuat):
    """A --wilayah that is unknown or of a level that cannot be loaded on its own."""


@dataclass
class HasilMuat:
    minggu: date
    batch_id: int
    baris_dibaca: int
    baris_dimuat: int
    baris_ditolak: int
    file_penolakan: Path | None
    lembar: str | None = None  # the XLSX sheet read
    rencana: store.RencanaGanti | None = None  # what the load added, replaced and removed


@dataclass
class HasilSimpan:
    batch_id: int
    rencana: store.RencanaGanti


def periksa_wilayah_muat(kode: str | None) -> str | None:
    """The normalised area code of a load (None = no area), or WilayahMuatDitolak."""
    if kode is None or not str(kode).strip():
        return None
    try:
        w = wilayah.cari(str(kode).strip())
    except wilayah.KodeTidakDikenal as e:
        raise WilayahMuatDitolak(f"{e} Sebutkan kode kabupaten/kota (misalnya 52.01) atau provinsi (52).") from None
    if w.tingkat not in TINGKAT_WILAYAH_MUAT:
        raise WilayahMuatDitolak(
            f"Kode {w.kode} adalah {wilayah.LABEL_TINGKAT[w.tingkat].lower()} ({w.nama}); pemuatan per wilayah berlaku "
            f"untuk kabupaten/kota ({w.kode[:5]}) atau provinsi ({w.kode[:2]}), karena laporan satu kabupaten/kota "
            "diganti utuh.")
    return w.kode


def periksa_hak_muat(pengguna, kode_wilayah: str | None, *, ganti_semua: bool = False) -> None:
    """akses.AksesDitolak (one sentence) unless `pengguna` (an akses.Pengguna) may load for
    `kode_wilayah` (a normalised code; None = the national file), and replace more than the
    file covers when `ganti_semua`."""
    from kdkmp import akses

    hak = pengguna.hak
    if hak.kelola_minggu:  # admin
        return
    if ganti_semua:
        raise akses.AksesDitolak("Mengganti wilayah yang tidak ada di file hanya boleh dilakukan admin PMO pusat; "
                                 "muat tanpa pilihan itu agar hanya wilayah di file ini yang diganti.")
    if not hak.boleh_muat or hak.tingkat_wilayah is None or pengguna.wilayah is None:
        raise akses.AksesDitolak(f"Peran {hak.label} tidak memuat data; pemuatan dilakukan PMO kabupaten/kota, "
                                 "PMO provinsi atau admin PMO pusat.")
    if kode_wilayah is None:
        raise akses.AksesDitolak(f"Akun Anda hanya boleh memuat data {akses.label_cakupan(pengguna.wilayah)}; "
                                 f"pilih wilayah itu (--wilayah {pengguna.wilayah}), file nasional hanya dimuat admin.")
    if not akses.di_dalam(kode_wilayah, pengguna.wilayah):
        raise akses.AksesDitolak(
            f"Wilayah {kode_wilayah} ({wilayah.nama(kode_wilayah)}) berada di luar cakupan akun Anda "
            f"({akses.label_cakupan(pengguna.wilayah)}); data wilayah itu dimuat oleh PMO-nya sendiri atau admin.")


def wilayah_muat_boleh(pengguna) -> list[str | None]:
    """The areas `pengguna` may load for, in the order a form offers them (None = the national
    file): admin the national file, every province and every kabupaten; provinsi its province,
    then its kabupaten; kabupaten its own; nobody else anything. periksa_hak_muat agrees."""
    from kdkmp import wilayah as ref

    hak = pengguna.hak
    if hak.kelola_minggu:
        semua: list[str | None] = [None]
        for prov in ref.anak(None)["kode"]:
            semua += [prov, *ref.anak(prov)["kode"]]
        return semua
    if not hak.boleh_muat or pengguna.wilayah is None:
        return []
    if hak.tingkat_wilayah == "provinsi":
        return [pengguna.wilayah, *ref.anak(pengguna.wilayah)["kode"]]
    return [pengguna.wilayah]


def _baris_per_kabupaten(hasil: snapshot.HasilBaca) -> dict[str, int]:
    return hasil.data["kode_desa"].str.slice(0, 5).value_counts().to_dict()


def _koperasi_file(hasil: snapshot.HasilBaca, wilayah: str | None, perbarui: bool) -> list[str] | None:
    """The file's koperasi for store.rencana_ganti when it is an area's load or perbarui (what a
    replace drops, what perbarui keeps); None for a national replace, which replaces whole weeks:
    listing its 80 k koperasi would only cost time."""
    return hasil.data["kode_koperasi"].tolist() if wilayah is not None or perbarui else None


def pratinjau_muat(hasil: snapshot.HasilBaca, *, wilayah: str | None = None, ganti_semua: bool = False,
                   perbarui: bool = False, db_path: str | os.PathLike | None = None) -> store.RencanaGanti:
    """What loading `hasil` would add, replace and remove, per kabupaten, read from the live
    database (for the confirmation; the load itself decides again under the writer's lock); for
    an area's file also which loaded koperasi it lacks (store.RencanaGanti.laporan_lepas)."""
    from kdkmp import wilayah as wilayah_

    baris_file = _baris_per_kabupaten(hasil)
    if not store.lokasi_db(db_path).exists():
        return store.RencanaGanti(hasil.minggu, wilayah, ganti_semua,
                                  tuple(store.BarisWilayah(k, wilayah_.nama(k), 0, n)
                                        for k, n in sorted(baris_file.items())),
                                  (), (), (), perbarui)
    con = store.sambungan_baca(db_path)
    try:
        koperasi = _koperasi_file(hasil, wilayah, perbarui)
        return store.rencana_ganti(con, hasil.minggu, baris_file, wilayah=wilayah, ganti_semua=ganti_semua,
                                   perbarui=perbarui, koperasi_file=koperasi)
    finally:
        con.close()


# A new latest week with fewer rows than this share of the week before is probably one area's
# file (a province's spreadsheet), not the national week: it would become "this week" for every
# user, with everyone else grey. Said before loading; the whole-area loads are issue 15's.
PORSI_CAKUPAN_WAJAR = 0.5


def peringatan_cakupan(minggu_baru: date, baris_baru: int, terakhir: dict | None) -> str | None:
    """The warning for a file that would become the latest week with far fewer rows than the
    latest loaded week (`terakhir`: queries.cap_data of that week), else None."""
    if (not terakhir or terakhir["batch_id"] is None or minggu_baru <= terakhir["minggu"]
            or baris_baru >= PORSI_CAKUPAN_WAJAR * terakhir["baris"]):
        return None
    from kdkmp import format as fmt

    return (f"File ini hanya berisi {fmt.angka(baris_baru)} baris, padahal minggu terakhir "
            f"({terakhir['minggu'].isoformat()}) berisi {fmt.angka(terakhir['baris'])} laporan. Bila dimuat, minggu {minggu_baru.isoformat()} menjadi "
            "minggu terbaru di semua halaman dan koperasi lain tampil tidak melapor.")


def skor_ulang_semua(con: duckdb.DuckDBPyConnection, aturan) -> None:
    """Rescore every week (inside a penulisan), with the memory that needs, and the area aggregates."""
    from kdkmp import agregat, rules

    store.izinkan_skor_ulang(con)
    rules.skor(con, aturan)
    agregat.bangun_ulang(con)


def skor_setelah_muat(con: duckdb.DuckDBPyConnection, minggu: date, koperasi: list[str] | None = None) -> None:
    """Score the new week inside the load's transaction. Look-back gates make later weeks
    depend on earlier ones, so a week loaded behind the newest one rescores everything, as
    does a change of the rules. `koperasi`: the only ones whose reports of the week the load
    changed (a load by area), rescored alone when the week was scored already (rules.skor).
    Then the area aggregates of the weeks whose batches changed (kdkmp.agregat)."""
    from kdkmp import agregat, rules

    aturan = rules.muat_aturan()
    terbaru = con.execute("SELECT max(minggu) FROM laporan").fetchall()[0][0]
    if rules.perlu_skor_ulang(con, aturan, kecuali=minggu) or (terbaru is not None and minggu < terbaru):
        skor_ulang_semua(con, aturan)
    else:
        with agregat.penyegaran(con, minggu, koperasi):  # the weeks whose batches changed: this one
            rules.skor(con, aturan, minggu, koperasi=koperasi)


def simpan(hasil: snapshot.HasilBaca, *, isi_file: bytes | None, nama_file: str,
           db_path: str | os.PathLike | None = None, ganti: bool = False,
           dimuat_oleh: str | None = None, wilayah: str | None = None, ganti_semua: bool = False,
           perbarui: bool = False, tunggu: float = WAKTU_TUNGGU, kabar=None) -> int:
    """Load a validated week and score it, all or nothing; returns the batch id (simpan_rinci)."""
    return simpan_rinci(hasil, isi_file=isi_file, nama_file=nama_file, db_path=db_path, ganti=ganti,
                        dimuat_oleh=dimuat_oleh, wilayah=wilayah, ganti_semua=ganti_semua, perbarui=perbarui,
                        tunggu=tunggu, kabar=kabar).batch_id


def simpan_rinci(hasil: snapshot.HasilBaca, *, isi_file: bytes | None, nama_file: str,
                 db_path: str | os.PathLike | None = None, ganti: bool = False,
                 dimuat_oleh: str | None = None, wilayah: str | None = None, ganti_semua: bool = False,
                 perbarui: bool = False, tunggu: float = WAKTU_TUNGGU, kabar=None) -> HasilSimpan:
    """Load a validated week (for area `wilayah`: rows outside it must have been rejected by
    reading with wilayah_muat) and score it, all or nothing, waiting up to `tunggu` seconds for
    a busy writer (kabar(menunggu, batas) about once a second); returns the batch id and what
    the load added, replaced and removed. `perbarui`: in a kabupaten already loaded, replace only
    the reports of the file's koperasi (store.muat_minggu). The caller checks periksa_hak_muat first."""
    wilayah = periksa_wilayah_muat(wilayah)
    if wilayah is not None:
        luar = ~hasil.data["kode_desa"].str.startswith(wilayah + ".").fillna(False).astype(bool)
        if luar.any():  # a programming slip (read without wilayah_muat), never a user's file
            raise WilayahMuatDitolak(
                f"{int(luar.sum())} baris berada di luar wilayah {wilayah}; baca file dengan wilayah_muat={wilayah!r} "
                "supaya baris itu ditolak satu per satu.")
    from kdkmp import antrian

    permintaan = antrian.Permintaan(hasil=hasil, isi_file=isi_file, nama_file=nama_file, ganti=ganti,
                                    dimuat_oleh=dimuat_oleh, wilayah=wilayah, ganti_semua=ganti_semua,
                                    perbarui=perbarui)
    from functools import partial

    from kdkmp import catatan
    kerjakan = partial(muat_kelompok, url_catatan=catatan.url_bawaan(db_path))
    return antrian.muat_bergiliran(permintaan, db_path, tunggu=tunggu, kabar=kabar, kerjakan=kerjakan)


def muat_kelompok(con: duckdb.DuckDBPyConnection, daftar: list, url_catatan: str | None = None) -> list:
    """Load a group of antrian.Permintaan inside one penulisan, then score once; per request its
    HasilSimpan, or the store.GagalMuat that refused it alone (refusals come before any write)."""
    keluaran: list = []
    minggu: list[date] = []
    berubah: set[str] = set()  # the koperasi whose report of the week the group adds, replaces or removes
    for p in daftar:
        try:
            koperasi = _koperasi_file(p.hasil, p.wilayah, p.perbarui)
            rencana = store.rencana_ganti(con, p.hasil.minggu, _baris_per_kabupaten(p.hasil), wilayah=p.wilayah,
                                          ganti_semua=p.ganti_semua, perbarui=p.perbarui, koperasi_file=koperasi)
            if rencana.kode_dihapus:  # a validated kabupaten week changes only after its validator reopens it
                from kdkmp import pelaporan
                pelaporan.periksa_boleh_muat(rencana.kode_dihapus, p.hasil.minggu, con=con, oleh=p.dimuat_oleh,
                                             url=url_catatan)
            diganti = [r[0] for r in con.execute(
                "SELECT kode_koperasi FROM laporan WHERE minggu = $m AND kode_kabupaten IN (SELECT unnest($k))",
                {"m": p.hasil.minggu, "k": rencana.kode_dihapus}).fetchall()] if rencana.kode_dihapus else []
            batch_id = store.muat_minggu(con, p.hasil, nama_file=p.nama_file, isi_file=p.isi_file,
                                         dimuat_oleh=p.dimuat_oleh, ganti=p.ganti, wilayah=p.wilayah,
                                         ganti_semua=p.ganti_semua, perbarui=p.perbarui)
        except store.GagalMuat as e:
            keluaran.append(e)
            continue
        keluaran.append(HasilSimpan(batch_id, rencana))
        minggu.append(p.hasil.minggu)
        berubah.update(diganti, p.hasil.data["kode_koperasi"])
    if minggu:
        # the earliest week loaded: skor_setelah_muat rescores every week when it is not the latest.
        # Loads into one week rescore only the koperasi they changed, unless that is most of the
        # week (a national file), where scoring the whole week costs less (0.50 s of CPU against
        # 0.67 s restricted, measured on the national week)
        sebagian = len(set(minggu)) == 1 and len(berubah) <= con.execute(
            "SELECT count(*) FROM laporan WHERE minggu = $m", {"m": minggu[0]}).fetchall()[0][0] // 2
        skor_setelah_muat(con, min(minggu), sorted(berubah) if sebagian else None)
        versi = store.baca_meta(con, "versi_aturan")
        con.execute("UPDATE batch SET versi_aturan = $v WHERE batch_id IN (SELECT unnest($b))",
                    {"v": versi, "b": [k.batch_id for k in keluaran if isinstance(k, HasilSimpan)]}).fetchall()
    return keluaran


def tarik(minggu: date, *, alasan: str, oleh: str | None = None,
          db_path: str | os.PathLike | None = None) -> dict:
    """Withdraw a loaded week and rescore every week, all or nothing (store.tarik_minggu)."""
    return _ubah_minggu(store.tarik_minggu, minggu, db_path, alasan=alasan, oleh=oleh)


def pulihkan(minggu: date, *, oleh: str | None = None, alasan: str | None = None,
             db_path: str | os.PathLike | None = None) -> dict:
    """Restore a withdrawn week and rescore every week, all or nothing (store.pulihkan_minggu)."""
    return _ubah_minggu(store.pulihkan_minggu, minggu, db_path, alasan=alasan, oleh=oleh)


def _ubah_minggu(aksi, minggu: date, db_path, **kw) -> dict:
    # Every week is rescored, not only those after `minggu`: the look-back gates and the
    # weeks-in-zone runs count loaded weeks, and the kept state (keadaan_skor) must not
    # continue from a withdrawn week. The rules are read before the copy is made, so an
    # invalid zones.yaml refuses the action before anything is written.
    from kdkmp import rules

    if not store.lokasi_db(db_path).exists():
        raise store.BasisDataKosong(f"Basis data {store.lokasi_db(db_path)} belum ada.")
    aturan = rules.muat_aturan()
    with store.penulisan(db_path) as con:
        hasil = aksi(con, minggu, **kw)
        skor_ulang_semua(con, aturan)
    return hasil


def muat_file(path: str | os.PathLike, *, db_path: str | os.PathLike | None = None, minggu: date | None = None,
              ganti: bool = False, batas_tolak: float = 0.2, sheet: str | None = None,
              dimuat_oleh: str | None = None, wilayah: str | None = None, ganti_semua: bool = False,
              perbarui: bool = False, tunggu: float = WAKTU_TUNGGU, kabar=None) -> HasilMuat:
    """The CLI's ingest: the rejected rows (with those outside `wilayah`) go to
    `<file>.ditolak.csv` beside the input (or beside the database when that folder is not
    writable)."""
    path = Path(path)
    wilayah = periksa_wilayah_muat(wilayah)
    try:
        isi = path.read_bytes()
    except OSError as e:
        raise snapshot.FileDitolak(f"File {path} tidak dapat dibaca: {galat.sebab_os(e)}.") from None
    hasil = snapshot.baca_snapshot(isi, nama_file=path.name, minggu=minggu, sheet=sheet, batas_tolak=batas_tolak,
                                   wilayah_muat=wilayah)
    tersimpan = simpan_rinci(hasil, isi_file=isi, nama_file=path.name, db_path=db_path, ganti=ganti,
                             dimuat_oleh=dimuat_oleh, wilayah=wilayah, ganti_semua=ganti_semua,
                             perbarui=perbarui, tunggu=tunggu, kabar=kabar)
    batch_id = tersimpan.batch_id
    file_penolakan = None
    if hasil.baris_ditolak:
        file_penolakan = path.with_name(path.stem + ".ditolak.csv")
        try:
            file_penolakan.write_bytes(hasil.file_penolakan())
        except OSError:
            file_penolakan = store.direktori_arsip(store.lokasi_db(db_path)) / f"{batch_id:05d}_{path.stem}.ditolak.csv"
            file_penolakan.write_bytes(hasil.file_penolakan())
    return HasilMuat(hasil.minggu, batch_id, hasil.baris_dibaca, hasil.baris_dimuat, hasil.baris_ditolak,
                     file_penolakan, lembar=hasil.lembar, rencana=tersimpan.rencana)
