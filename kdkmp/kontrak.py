"""Snapshot contract version 1 (shared/snapshot-contract.md) as data.

One declaration of the columns, read by the file reader (kdkmp.snapshot), the store's
DDL (kdkmp.store), the rules validator (kdkmp.rules) and the demo generator.
"""

from __future__ import annotations

from dataclasses import dataclass

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


ENUM_STATUS_LAHAN = ("siap", "verifikasi", "bermasalah", "belum_ada")
ENUM_TAHAP = ("belum_mulai", "tertunda", "persiapan", "konstruksi", "selesai")
ENUM_KENDALA = ("tidak_ada", "lahan", "cuaca", "tenaga_kerja", "material", "teknis_lainnya")
ENUM_OPERASIONAL = ("belum", "uji_coba", "beroperasi")

KOLOM: tuple[Kolom, ...] = (
    Kolom("tanggal_data", "date", True, "tanggal yang digambarkan data"),
    Kolom("kode_koperasi", "text", True, "id koperasi yang tetap antar minggu"),
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

# The zones and pillars in the programme's words (domain.md), for every view and export.
LABEL_ZONA = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah", "tidak_melapor": "Tidak melapor"}
LABEL_PILAR = {"kelembagaan": "Kelembagaan", "legalitas_kepatuhan": "Legalitas & kepatuhan",
               "infrastruktur": "Infrastruktur & pembangunan fisik", "usaha": "Operasional & kesehatan usaha"}
