"""Mesin zonasi: config/zones.yaml → hijau / kuning / merah per koperasi per minggu, dengan alasan.

The YAML is validated into a small model, then compiled into one DuckDB query:
row-level checks become boolean expressions, look-back checks become window functions
over (koperasi ORDER BY minggu) or joins to an earlier week, and the verdict, pillar scores,
reasons and the "next step" are computed in SQL (reasons once per distinct signature, see
_kompilasi) and stored once (`zona_inti` + `penjelasan`, read through the view `zona`), so every
page reads the same zone. Values from the YAML never reach SQL as raw text: column names are checked against
the contract, enum values against the contract's enums, numbers go through float()/int(),
and free text (gate reasons, labels) travels as query parameters.

One module per job:
  model.py      the rules file: pydantic model, loading, validation with path, line and fix
  cek.py        the check registry (a JenisCek per `cek:` type): validate, compile, explain
  kompilasi.py  rules → one SELECT (a Kueri, per Cara), and the zone over the weeks in SQL
  penilaian.py  scoring and storage (zona_inti, penjelasan, keadaan_skor), and the what-if
  ringkas.py    the summary `python -m kdkmp rules check` prints
model.py asks the registry about each condition (cek.py sees the model only as types);
kompilasi.py builds on both, penilaian.py on the compiler. Reading a stored explanation is a
query: kdkmp.queries.penjelasan_koperasi.

The names below are the package's interface. A test that replaces one of them for the engine
(monkeypatch) patches the module that uses it, e.g. kdkmp.rules.penilaian._keadaan_berlaku or
kdkmp.rules.model.JALUR_BAWAAN: replacing the name here would not reach that module.
"""

from kdkmp.rules.cek import CEK, JenisCek, fmt_angka, keluarga_cek, kompilasi_syarat, uraikan_syarat
from kdkmp.rules.kompilasi import LANJUT_KOLOM, Cara, Kueri, definisi_pergerakan
from kdkmp.rules.model import (JALUR_BAWAAN, KEPARAHAN, KOLOM_ATURAN, PERGERAKAN, PILAR, RIWAYAT_MAKS, SEMUA_ZONA,
                               TIDAK_MELAPOR, ZONA, Ambang, AmbangZona, Aturan, AturanTidakValid, Batas, Gerbang,
                               Indikator, Kesalahan, ModelAturan, Pergerakan, Pilar, Stabilitas, Syarat, muat_aturan,
                               muat_aturan_teks)
from kdkmp.rules.penilaian import (DDL_PENJELASAN, DDL_VIEW_ZONA, DDL_ZONA_INTI, HasilBagaimanaJika, bagaimana_jika,
                                   perlu_skor_ulang, skor)
from kdkmp.rules.ringkas import main_rules_check, ringkas_aturan

# internals the tests and the bench call (the reference scoring, the compiled SQL, the zone SQL)
from kdkmp.rules.kompilasi import _kompilasi, _sql_penjelasan_ditahan, _sql_zona_akhir  # noqa: F401
from kdkmp.rules.penilaian import _skor  # noqa: F401

__all__ = [
    # model.py
    "JALUR_BAWAAN", "KEPARAHAN", "KOLOM_ATURAN", "PERGERAKAN", "PILAR", "RIWAYAT_MAKS", "SEMUA_ZONA", "TIDAK_MELAPOR",
    "ZONA", "Ambang", "AmbangZona", "Aturan", "AturanTidakValid", "Batas", "Gerbang", "Indikator", "Kesalahan",
    "ModelAturan", "Pergerakan", "Pilar", "Stabilitas", "Syarat", "muat_aturan", "muat_aturan_teks",
    # cek.py
    "CEK", "JenisCek", "fmt_angka", "keluarga_cek", "kompilasi_syarat", "uraikan_syarat",
    # kompilasi.py
    "LANJUT_KOLOM", "Cara", "Kueri", "definisi_pergerakan",
    # penilaian.py
    "DDL_PENJELASAN", "DDL_VIEW_ZONA", "DDL_ZONA_INTI", "HasilBagaimanaJika", "bagaimana_jika", "perlu_skor_ulang",
    "skor",
    # ringkas.py
    "main_rules_check", "ringkas_aturan",
]
