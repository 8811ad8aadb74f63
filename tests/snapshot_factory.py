"""Valid raw snapshot rows for tests (snapshot, store, rules): string values as a file would hold them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from kdkmp import kontrak, wilayah

MINGGU_CONTOH = dt.date(2026, 11, 16)  # a Monday


def _teks(v: object) -> str:
    """None = empty cell; everything else as the text a file would hold."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ya" if v else "tidak"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def baris_contoh(kode_desa: str, kode_koperasi: str, **override: object) -> dict[str, str]:
    """One valid row (every contract column, string values); `override` sets columns (None = empty cell)."""
    baris = {
        "tanggal_data": MINGGU_CONTOH.isoformat(),
        "kode_koperasi": kode_koperasi,
        "nama_koperasi": f"Koperasi Desa Merah Putih {wilayah.nama(kode_desa)}",
        "kode_desa": kode_desa,
        "latitude": "-8.5833",
        "longitude": "116.1167",
        "musdesus": "ya",
        "pengurus_lengkap": "ya",
        "jumlah_anggota": "25",
        "pendamping_ba": "ya",
        "badan_hukum": "ya",
        "nib": "ya",
        "npwp": "ya",
        "rekening_bank": "ya",
        "masuk_portal": "ya",
        "status_lahan": "siap",
        "tahap_pembangunan": "konstruksi",
        "progres_fisik": "45",
        "kendala_utama": "tidak_ada",
        "status_operasional": "belum",
        "gerai_aktif": "0",
        "omzet_bulanan": "",
        "tunggakan_persen": "",
        "laporan_terakhir": (MINGGU_CONTOH - dt.timedelta(days=2)).isoformat(),
    }
    tak_dikenal = set(override) - set(baris)
    if tak_dikenal:
        raise KeyError(f"bukan kolom kontrak: {sorted(tak_dikenal)}")
    baris.update({k: _teks(v) for k, v in override.items()})
    return baris


def kode_desa_ntb(n: int) -> list[str]:
    """The first n desa/kelurahan codes of NTB (52) in reference order."""
    desa = wilayah.desa()
    return desa.loc[desa["kode_provinsi"] == "52", "kode_desa"].head(n).tolist()


def frame_contoh(n: int, minggu: dt.date = MINGGU_CONTOH, **override: object) -> pd.DataFrame:
    """n valid rows for the first n NTB desa (kode_koperasi 'KDKMP-<kode_desa>').

    An override value is either one value for every row or a sequence of n values (None = empty cell).
    """
    kode = kode_desa_ntb(n)
    if len(kode) < n:
        raise ValueError(f"NTB hanya punya {len(kode)} desa/kelurahan")
    dasar = {"tanggal_data": minggu.isoformat(),
             "laporan_terakhir": (minggu - dt.timedelta(days=2)).isoformat()}
    baris = [baris_contoh(k, f"KDKMP-{k}", **dasar) for k in kode]
    frame = pd.DataFrame(baris, columns=list(kontrak.NAMA_KOLOM), dtype="str")
    for kolom, nilai in override.items():
        if kolom not in frame.columns:
            raise KeyError(f"bukan kolom kontrak: {kolom}")
        if isinstance(nilai, Sequence) and not isinstance(nilai, str):
            if len(nilai) != n:
                raise ValueError(f"{kolom}: {len(nilai)} nilai untuk {n} baris")
            frame[kolom] = pd.Series([_teks(v) for v in nilai], dtype="str")
        else:
            frame[kolom] = _teks(nilai)
    return frame
