"""Snapshot contract version 1 (shared/snapshot-contract.md) as data.

One declaration of the columns, read by the file reader (kdkmp.snapshot), the store's
DDL (kdkmp.store), the rules validator (kdkmp.rules) and the demo generator.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

VERSI_KONTRAK = 1


@dataclass(frozen=True)
class Kolom:
    nama: str
    jenis: str  # date | text | kode_desa | float | int | bool | enum
    wajib: bool
    keterangan: str
    minimum: float | None = None
    maksimum: float | None = None
    nilai: tuple[str, ...] = ()  # allowed values of an enum, in their natural order
    persen: bool = False  # may carry a '%' sign
    huruf_besar: bool = False  # a code: compared and stored in upper case ('kdkmp-1' = 'KDKMP-1')


ENUM_STATUS_LAHAN = ("siap", "verifikasi", "bermasalah", "belum_ada")
ENUM_TAHAP = ("belum_mulai", "tertunda", "persiapan", "konstruksi", "selesai")
ENUM_KENDALA = ("tidak_ada", "lahan", "cuaca", "tenaga_kerja", "material", "teknis_lainnya")
ENUM_OPERASIONAL = ("belum", "uji_coba", "beroperasi")

KOLOM: tuple[Kolom, ...] = (
    Kolom("tanggal_data", "date", True, "tanggal yang digambarkan data"),
    Kolom("kode_koperasi", "text", True, "id koperasi yang tetap antar minggu", huruf_besar=True),
    Kolom("nama_koperasi", "text", True, "nama koperasi"),
    Kolom("kode_desa", "kode_desa", True, "kode Kemendagri desa/kelurahan"),
    Kolom("latitude", "float", False, "lintang (WGS84)", -11.5, 6.5),
    Kolom("longitude", "float", False, "bujur (WGS84)", 94.5, 141.5),
    Kolom("musdesus", "bool", True, "musyawarah desa khusus (musdesus) sudah dilaksanakan"),
    Kolom("pengurus_lengkap", "bool", True, "pengurus dan pengawas lengkap"),
    Kolom("jumlah_anggota", "int", True, "jumlah anggota", 0, None),
    Kolom("pendamping_ba", "bool", True, "Business Assistant ditugaskan"),
    Kolom("badan_hukum", "bool", True, "badan hukum (SK AHU)"),
    Kolom("nib", "bool", True, "NIB (Nomor Induk Berusaha)"),
    Kolom("npwp", "bool", True, "NPWP"),
    Kolom("rekening_bank", "bool", True, "rekening bank"),
    Kolom("masuk_portal", "bool", True, "terdaftar di SIMKOPDES"),
    Kolom("status_lahan", "enum", True, "status lahan", nilai=ENUM_STATUS_LAHAN),
    Kolom("tahap_pembangunan", "enum", True, "tahap pembangunan fisik", nilai=ENUM_TAHAP),
    Kolom("progres_fisik", "float", True, "progres fisik (%)", 0, 100, persen=True),
    Kolom("kendala_utama", "enum", True, "kendala utama", nilai=ENUM_KENDALA),
    Kolom("status_operasional", "enum", True, "status operasional", nilai=ENUM_OPERASIONAL),
    Kolom("gerai_aktif", "int", True, "gerai yang berjalan", 0, 7),
    Kolom("omzet_bulanan", "int", False, "omzet bulan ini (Rp)", 0, None),
    Kolom("tunggakan_persen", "float", False, "tunggakan simpan pinjam (%)", 0, 100, persen=True),
    Kolom("laporan_terakhir", "date", False, "tanggal laporan BA terakhir"),
)

KOLOM_PER_NAMA = {k.nama: k for k in KOLOM}
NAMA_KOLOM = tuple(k.nama for k in KOLOM)
KOLOM_WAJIB = tuple(k.nama for k in KOLOM if k.wajib)

# Indonesian labels for enum values, used by every view and export.
LABEL_NILAI = {
    "status_lahan": {"siap": "Siap", "verifikasi": "Verifikasi", "bermasalah": "Bermasalah",
                     "belum_ada": "Belum ada"},
    "tahap_pembangunan": {"belum_mulai": "Belum mulai", "tertunda": "Tertunda", "persiapan": "Persiapan",
                          "konstruksi": "Konstruksi", "selesai": "Selesai"},
    "kendala_utama": {"tidak_ada": "Tidak ada", "lahan": "Lahan", "cuaca": "Cuaca",
                      "tenaga_kerja": "Tenaga kerja", "material": "Material",
                      "teknis_lainnya": "Teknis lainnya"},
    "status_operasional": {"belum": "Belum", "uji_coba": "Uji coba", "beroperasi": "Beroperasi"},
}

# DuckDB type of each contract column in the `laporan` table.
TIPE_SQL = {"date": "DATE", "text": "VARCHAR", "kode_desa": "VARCHAR", "float": "DOUBLE",
            "int": "BIGINT", "bool": "BOOLEAN", "enum": "VARCHAR"}


# --------------------------------------------------------------------------- date bounds of a load

LOKASI_BATAS = Path(__file__).resolve().parent.parent / "config" / "muat.yaml"


class BatasTidakValid(Exception):
    """config/muat.yaml is unreadable; the message names the key and the fix."""


@dataclass(frozen=True)
class BatasTanggal:
    """Which dates a weekly file may carry (docs/snapshot-contract.md, "Batas tanggal").

    A week before the programme or in the future is a typo (year 1, 2099, 9999) that would
    become "the latest week" everywhere; a future ``laporan_terakhir`` would keep a silent
    koperasi from ever triggering the no-report gate, because the rules keep the latest date.
    """
    minggu_paling_awal: dt.date  # no tanggal_data, week or laporan_terakhir before this day
    hari_ke_depan: int  # tanggal_data at most this many days after today (clocks, time zones)
    hari_ini: dt.date | None = None  # None = the machine's today; tests pin it

    def paling_lambat(self) -> dt.date:
        """The latest tanggal_data (and week) a file may carry."""
        return (self.hari_ini or dt.date.today()) + dt.timedelta(days=self.hari_ke_depan)


def muat_batas(path: str | os.PathLike | None = None) -> BatasTanggal:
    """The bounds from config/muat.yaml (or $KDKMP_MUAT, or `path`); BatasTidakValid if it is wrong."""
    import yaml

    lokasi = Path(path or os.environ.get("KDKMP_MUAT") or LOKASI_BATAS)
    try:
        data = yaml.safe_load(lokasi.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise BatasTidakValid(f"Berkas batas pemuatan {lokasi} tidak dapat dibaca ({e.strerror}).") from None
    except yaml.YAMLError as e:
        raise BatasTidakValid(f"Berkas batas pemuatan {lokasi} bukan YAML yang sah: {e}.") from None
    if not isinstance(data, dict):
        raise BatasTidakValid(f"Berkas batas pemuatan {lokasi} harus berisi kunci: nilai.")
    tak_dikenal = set(data) - {"minggu_paling_awal", "hari_ke_depan"}
    if tak_dikenal:
        raise BatasTidakValid(f"{lokasi}: kunci tidak dikenal: {', '.join(sorted(map(str, tak_dikenal)))}; "
                              "yang dikenal: minggu_paling_awal, hari_ke_depan.")
    awal = data.get("minggu_paling_awal", "2025-03-24")
    try:
        awal = awal if isinstance(awal, dt.date) else dt.date.fromisoformat(str(awal))
    except ValueError:
        raise BatasTidakValid(f"{lokasi}: minggu_paling_awal '{awal}' bukan tanggal YYYY-MM-DD.") from None
    ke_depan = data.get("hari_ke_depan", 7)
    if isinstance(ke_depan, bool) or not isinstance(ke_depan, int) or not 0 <= ke_depan <= 366:
        raise BatasTidakValid(f"{lokasi}: hari_ke_depan harus bilangan bulat 0 sampai 366, bukan '{ke_depan}'.")
    return BatasTanggal(minggu_paling_awal=awal, hari_ke_depan=ke_depan)
