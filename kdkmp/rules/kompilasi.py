"""The compiler: validated rules → one DuckDB SELECT that scores every koperasi in a range of weeks.

Row-level checks become boolean expressions (kdkmp.rules.cek), look-back checks become running
values over the koperasi's reports or joins to an earlier week, and the pillar scores, the raw
rank, the reasons and the "next step" are computed in SQL; reasons once per distinct signature
(see _kompilasi). The zone itself depends on the koperasi's earlier zones (stability, silence,
movement): _sql_zona_akhir computes it over the compiled rows. Free text from the YAML (gate
reasons, labels) travels as query parameters, in Kueri.param.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from kdkmp import kontrak
from kdkmp.rules.cek import (CEK, _Konteks, _label, _lit_angka, _q, _sql_fmt_angka, _sql_label_nilai,
                             keluarga_cek, kompilasi_syarat, uraikan_syarat)
from kdkmp.rules.model import (KEPARAHAN, PILAR, SEMUA_ZONA, TIDAK_MELAPOR, ZONA, AmbangZona, Aturan, Batas,
                               Gerbang, ModelAturan, Syarat)

# `alasan`: list of {id, jenis ('gerbang'|'cek'), pilar, teks, poin_hilang, keparahan}, worst
# first. A JSON text built by concatenation was tried and measured ~3× slower (escaping and
# string sorting of ~540 bytes per row), so it stays a typed list.
_TIPE_ALASAN = ("STRUCT(id VARCHAR, jenis VARCHAR, pilar VARCHAR, teks VARCHAR, "
                "poin_hilang DOUBLE, keparahan VARCHAR)")

# a koperasi's weeks in order, up to the row's: the running history values (see _Konteks.k)
_W = "PARTITION BY _ki ORDER BY minggu"
_W_KUMULATIF = f"({_W} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"


# ---------------------------------------------------------------------------------------
# Compilation to SQL
# ---------------------------------------------------------------------------------------

def _batas_sql(expr: str, b: Batas) -> str:
    return f"({expr} {'>=' if b.termasuk else '>'} {_lit_angka(b.min)})"


def _alasan_sql(id_: str, jenis: str, pilar: str | None, teks: str, poin: str | None, keparahan: str,
                ctx: _Konteks) -> str:
    return (f"{{'id': {ctx.p(id_)}, 'jenis': '{jenis}', 'pilar': {ctx.p(pilar) if pilar else 'NULL::VARCHAR'}, "
            f"'teks': {teks}, 'poin_hilang': CAST({poin or 'NULL'} AS DOUBLE), 'keparahan': {ctx.p(keparahan)}}}")


def _urut_gerbang(m: ModelAturan) -> list[Gerbang]:
    # Worst first: a merah gate before a kuning one, then by severity, then config order.
    return sorted(m.gerbang, key=lambda g: (-ZONA.index(g.zona), KEPARAHAN.index(g.keparahan)))


def _kolom_dipakai(m: ModelAturan) -> list[str]:
    """Contract columns the rules read (only these travel through the window sort)."""
    kolom = {"laporan_terakhir"}

    def tambah(s: Syarat) -> None:
        if s.kolom:
            kolom.add(s.kolom)
        if s.syarat is not None:
            tambah(s.syarat)

    for p in m.pilar.values():
        for i in p.indikator:
            tambah(i)
            for b in i.berlaku_jika:
                tambah(b)
    for g in m.gerbang:
        for s in g.syarat:
            tambah(s)
    return [k for k in kontrak.NAMA_KOLOM if k in kolom]


class Cara(enum.Enum):
    """Which weeks one compiled SELECT scores, and where the history before them comes from."""
    SEMUA = "semua"      # every loaded week at once; identity in the temp table `_kenal`
    LANJUT = "lanjut"    # one week ($dari = $sampai), continuing from the state in keadaan_skor
    RENTANG = "rentang"  # weeks [$dari, $sampai], history before them aggregated (what-if)


# The state columns a week continues from (keadaan_skor), besides the running history values;
# _sql_zona_akhir computes them, the one-week SELECT carries last week's as `_s_<name>`.
LANJUT_KOLOM = ("zona", "minggu_di_zona", "lapor_sejak_merah", "lapor_sejak_kuning", "zona_nyata",
                "minggu_zona_nyata", "zona_sejak_merah")
_FORMAT_KEADAAN = 3  # the columns of keadaan_skor; part of its penanda


@dataclass(frozen=True)
class Kueri:
    """One compiled scoring statement and what its caller needs besides the SQL (see _kompilasi).
    The caller binds the range: $dari, $sampai, $simpan_dari (all weeks also $simpan_a, $simpan_b)."""
    sql: str
    param: dict[str, Any]  # its SQL parameters (texts and labels from the YAML), nothing else
    cara: Cara
    jelas: str | None  # lengkap only: explains signatures; {sumber} is a relation of (_kunci, _ciri)
    ciri: tuple[str, ...]  # lengkap only: the columns of the rows that make their signature
    ciri_struk: str | None  # lengkap only: {sumber} (the `ciri` columns) + the signature's struct `_ciri`
    kenal: str | None  # Cara.SEMUA only: the SELECT of the temp table `_kenal` (identity, history)
    penanda: str  # what the kept state means: rules version and history definitions (keadaan_skor)
    kumulatif: tuple[str, ...]  # the running history values (`_kN`) the state keeps


def _kompilasi(aturan: Aturan, cara: Cara, *, lengkap: bool = True, langsung: bool = False) -> Kueri:
    """SELECT producing, for every grid row (koperasi × loaded week from its first) in
    [$simpan_dari, $sampai], the scores, the raw rank (`_rank_mentah`: score and gates;
    `_rank_gerbang`: gates alone), the week's `_ord` and (but for one week) the koperasi's
    `_ki`; the zone itself, which depends on earlier weeks, is computed over these by
    _sql_zona_akhir.

    lengkap=False skips reasons and next steps (what-if only needs the zone). With
    lengkap=True the SELECT also yields the row's signature, the columns Kueri.ciri;
    Kueri.ciri_struk turns distinct signatures into the struct `_ciri`, whose text is the
    explanation's key, and Kueri.jelas is a template whose {sumber} is a relation of
    (_kunci, _ciri) and which yields (_kunci, gerbang, alasan, langkah_berikut) for each of its
    rows. langsung=True masks nothing in the signature (slower, the reference the tests
    compare with).
    The state after each row's week that keadaan_skor keeps is in the rows (`_s*`); for all
    weeks, identity is in `_kenal` (Kueri.kenal); Kueri.penanda names the state's meaning.
    """
    m = aturan.model
    ctx = _Konteks()
    pilar = [(n, p) for n, p in m.pilar.items()]
    gerbang = _urut_gerbang(m)

    # level `nilai`: applicability and pass per indicator, firing per gate
    kol_nilai = []
    for n, p in pilar:
        for ind in p.indikator:
            berlaku = " AND ".join(f"coalesce({kompilasi_syarat(b, ctx)}, FALSE)" for b in ind.berlaku_jika) or "TRUE"
            if ind.jika_kosong == "tidak_berlaku" and ind.kolom:
                berlaku += f" AND {_q(ind.kolom)} IS NOT NULL"
            kol_nilai.append(f"(_melapor AND {berlaku}) AS \"_b_{ind.id}\"")
            kol_nilai.append(f"coalesce({kompilasi_syarat(ind, ctx)}, FALSE) AS \"_l_{ind.id}\"")
    for g in gerbang:
        kena = " AND ".join(f"coalesce({kompilasi_syarat(s, ctx)}, FALSE)" for s in g.syarat)
        kol_nilai.append(f"({kena}) AS \"_g_{g.id}\"")

    # level `skor`
    kol_skor = []
    skor_p, berlaku_p = {}, {}
    for n, p in pilar:
        berlaku = berlaku_p[n] = " + ".join(f"CASE WHEN \"_b_{i.id}\" THEN {_lit_angka(i.poin)} ELSE 0 END" for i in p.indikator)
        dapat = " + ".join(f"CASE WHEN \"_b_{i.id}\" AND \"_l_{i.id}\" THEN {_lit_angka(i.poin)} ELSE 0 END"
                           for i in p.indikator)
        kol_skor.append(f"({berlaku}) AS \"_pb_{n}\"")
        kol_skor += [f'("_b_{i.id}" AND NOT "_l_{i.id}") AS "_f_{i.id}"' for i in p.indikator]
        kol_skor.append(f"CASE WHEN ({berlaku}) > 0 THEN round(100.0 * ({dapat}) / ({berlaku}), 1) END AS \"skor_{n}\"")
        skor_p[n] = f'"skor_{n}"'
    for n in PILAR:
        if n not in m.pilar:
            kol_skor.append(f"NULL::DOUBLE AS \"skor_{n}\"")

    # level `total`
    pembilang = " + ".join(f"coalesce({_lit_angka(p.bobot)} * {skor_p[n]}, 0)" for n, p in pilar)
    penyebut = " + ".join(f"CASE WHEN {skor_p[n]} IS NOT NULL THEN {_lit_angka(p.bobot)} ELSE 0 END" for n, p in pilar)
    terendah = f"least({', '.join(skor_p[n] for n, _ in pilar)})"
    kol_total = [
        f"round(({pembilang}) / nullif({penyebut}, 0), 1) AS skor_total",
        f"{terendah} AS _pilar_terendah",
        f"({penyebut}) AS _bobot_berlaku",
        # for the texts; the writes use _sql_pilar_terlemah (names as parameters here: the
        # parameters are part of the kept state's penanda)
        "CASE " + " ".join(f"WHEN {skor_p[n]} = {terendah} THEN {ctx.p(n)}" for n, _ in pilar) + " END AS pilar_terlemah",
    ]
    # level `mentah`: zone from score, then the worst of score and gates
    zh, zk = m.zona.hijau, m.zona.kuning
    lolos_h = f"{_batas_sql('skor_total', zh.skor_total)} AND {_batas_sql('_pilar_terendah', zh.pilar_terendah)}"
    lolos_k = f"{_batas_sql('skor_total', zk.skor_total)} AND {_batas_sql('_pilar_terendah', zk.pilar_terendah)}"
    cabang_g = [f'CASE WHEN "_g_{g.id}" THEN {ZONA.index(g.zona)} END' for g in gerbang]
    rank_gerbang = f"greatest({', '.join(cabang_g)})" if gerbang else "NULL::INTEGER"
    kol_mentah = [
        f"CASE WHEN {lolos_h} THEN 0 WHEN {lolos_k} THEN 1 ELSE 2 END AS _rank_skor",
        f"{rank_gerbang} AS _rank_gerbang",
    ]
    rank_mentah = ("CASE WHEN _melapor THEN greatest(_rank_skor, coalesce(_rank_gerbang, 0)) "
                   "ELSE _rank_gerbang END")

    lapor = LANJUT_KOLOM if cara is Cara.LANJUT else ()
    kol_akhir = ["minggu", "skor_total"] + [f'"skor_{n}"' for n in PILAR]
    # the zone itself needs the koperasi's earlier weeks: _sql_zona_akhir, over these columns
    kol_akhir += ["_melapor", "_rank_mentah", "_rank_gerbang", "_ord"]
    if cara is not Cara.LANJUT:  # the window partition (one week has no windows), and the reports
        kol_akhir += ["_ki", "_nlap"]  # so far, counted in the window sort the look-backs make anyway
    if cara is not Cara.SEMUA:  # identity; all weeks take it from `_kenal`
        kol_akhir += ["kode_koperasi", "_kode_desa", "_nama_koperasi", "_pertama"]
    kol_akhir += [f"_s_{k}" for k in lapor]
    if cara is Cara.LANJUT:  # the running history values: the state after the week (see keadaan_skor)
        kol_akhir += [f"{a} AS {a.replace('_k', '_s', 1)}" for a in ctx.kumulatif.values()]

    lapis_ciri, jelas, ciri, ciri_struk = "", None, (), None
    if lengkap:
        komponen: list[tuple[str, str]] = []
        penjelasan = _kolom_penjelasan(m, pilar, gerbang, skor_p, ctx, komponen)
        # Reasons and next step are a function of few values (which checks fail, which gates
        # fire, and the values their texts quote): ~24 k distinct signatures among 2.2 M rows
        # nationally. Each is explained once and joined back; a value a part of the text does
        # not read in that row is masked to NULL so it does not split signatures (langsung:
        # nothing is masked, the reference the tests compare with). The explained rows see only
        # the signature's fields, so a value missing from it fails loudly. Whether history holds
        # the zone is known only after _sql_zona_akhir: see _sql_penjelasan_ditahan.
        calon = (set(_kolom_dipakai(m)) | set(ctx.kumulatif.values())
                 | {a.replace("_k", "_rw", 1) for a in ctx.kumulatif.values()} | set(ctx.turunan.values()) | set(ctx.lalu.values())
                 | {f"_pb_{n}" for n, _ in pilar} | {f"skor_{n}" for n in PILAR}
                 | {"minggu", "_ord", "_ki", "_pertama", "_kode_desa", "_nama_koperasi", "skor_total",
                    "_pilar_terendah", "_bobot_berlaku", "pilar_terlemah", "_rank_skor", "_rank_gerbang"})
        kapan: dict[str, list[str]] = {}
        for kondisi, expr in komponen:
            for nama in _nama_dibaca(expr, calon):
                kapan.setdefault(nama, []).append(kondisi)
        # The signature travels as a few plain columns (Kueri.ciri), not as one struct per row:
        # storing, deduplicating and joining back the 32-field struct cost ≈ 0.8 s of CPU of a
        # national rescoring more than these columns (measured). The flags (never NULL: coalesced
        # or IS NOT NULL above), the rules' yes/no columns (2 bits: NULL, false, true) and which
        # checks apply are packed in integers of 62 bits; a value the row carries anyway
        # (_rank_mentah, the scores) is taken from the row; any other value read is its own
        # column, masked. Yes/no columns and the row's values are not masked per row:
        # Kueri.ciri_struk masks them once per distinct signature, when it rebuilds the struct the
        # explanations read (whose text is the key penjelasan.kunci): ~37 k signatures, ~24 k keys.
        bendera = (["_melapor"] + [f"_g_{g.id}" for g in gerbang]
                   + [f"_f_{i.id}" for _, p in pilar for i in p.indikator])
        baris = {k.strip('"') for k in kol_akhir if " AS " not in k}
        ya_tidak = [n for n in sorted(kapan) if n not in baris and kontrak.KOLOM_PER_NAMA.get(n) is not None
                    and kontrak.KOLOM_PER_NAMA[n].jenis == "bool"]
        # a pillar's applicable points and the weight of the pillars that apply follow from
        # which checks apply (`_b_` bits), as in level `skor` (a pillar scores when points apply)
        dari_b = {f"_pb_{n}": f"({berlaku_p[n]})" for n, _ in pilar}
        dari_b["_bobot_berlaku"] = "(" + " + ".join(f"CASE WHEN ({berlaku_p[n]}) > 0 THEN {_lit_angka(p.bobot)} ELSE 0 END"
                                                    for n, p in pilar) + ")"
        turun = {n: e for n, e in dari_b.items() if n in kapan and n not in baris}
        bit_b = [f"_b_{i.id}" for _, p in pilar for i in p.indikator] if turun else []
        # (name, bits), flags first
        bagian = [(b, 1) for b in bendera] + [(n, 2) for n in ya_tidak] + [(b, 1) for b in bit_b]
        kata: list[list[tuple[str, int, int]]] = [[]]  # per integer: (name, shift, bits)
        for nama, lebar in bagian:
            geser = sum(x[2] for x in kata[-1])
            if geser + lebar > 62:
                kata.append([])
                geser = 0
            kata[-1].append((nama, geser, lebar))

        def kode(nama: str, geser: int, lebar: int) -> str:
            if lebar == 1:
                return f'CASE WHEN "{nama}" THEN {1 << geser} ELSE 0 END'
            return f'CASE WHEN "{nama}" THEN {2 << geser} WHEN NOT "{nama}" THEN {1 << geser} ELSE 0 END'

        def topeng(nama: str, nilai: str) -> str:
            return nilai if langsung else f"CASE WHEN {' OR '.join(f'({k})' for k in kapan[nama])} THEN {nilai} END"

        dari_baris = ["_rank_mentah"] + [n for n in sorted(kapan) if n in baris and n != "_rank_mentah"]
        sendiri = [n for n in sorted(kapan) if n not in baris and n not in ya_tidak and n not in turun]
        kol_ciri = [f"{' + '.join(kode(*x) for x in isi)} AS _ciri{j}" for j, isi in enumerate(kata)]
        kol_ciri += [f'{topeng(n, chr(34) + n + chr(34))} AS "_ciri_{n}"' for n in sendiri]
        ciri = tuple([f"_ciri{j}" for j in range(len(kata))] + dari_baris + [f"_ciri_{n}" for n in sendiri])
        # the struct as the explanations read it: `_bit{j}` holds the flags (62 a group), then
        # _rank_mentah, then every value read by name, masked where its part is not evaluated
        n_bendera = len(bendera)
        buka = [f'(_ciri{j} & {1 << g}) <> 0 AS "{n}"' for j, isi in enumerate(kata) for n, g, b in isi if b == 1]
        buka += [f'CASE (_ciri{j} >> {g}) & 3 WHEN 2 THEN TRUE WHEN 1 THEN FALSE END AS "{n}"'
                 for j, isi in enumerate(kata) for n, g, b in isi if b == 2]
        ruas = [f"'_bit{j}': _ciri{j} & {(1 << min(62, n_bendera - 62 * j)) - 1}" for j in range((n_bendera + 61) // 62)]
        ruas.append("'_rank_mentah': _rank_mentah")
        ruas += [f"'{n}': " + (f'"_ciri_{n}"' if n in sendiri else topeng(n, turun.get(n, f'"{n}"'))) for n in sorted(kapan)]
        ciri_struk = (f"SELECT * EXCLUDE ({', '.join(chr(34) + n + chr(34) for n in bendera + ya_tidak + bit_b)}), "
                      f"{{{', '.join(ruas)}}} AS _ciri FROM (SELECT *, {', '.join(buka)} FROM {{sumber}})")
        lapis_ciri = f"""
), ciri AS (
    SELECT *, {', '.join(kol_ciri)} FROM mentah2"""
        kol_akhir += [c for c in ciri if c not in baris]
        buka_bit = ", ".join(f'(_bit{j} & {1 << k}) <> 0 AS "{b}"' for j, grup in
                             enumerate(bendera[i:i + 62] for i in range(0, n_bendera, 62)) for k, b in enumerate(grup))
        jelas = (f"SELECT _kunci, {', '.join(penjelasan)} "
                 f"FROM (SELECT *, {buka_bit} FROM (SELECT _kunci, unnest(_ciri) FROM {{sumber}}))")
    # one week reads its reports in `kenal` (the join that finds who is known), all weeks in `basis`
    kolom_pakai = ", ".join(f"{'k' if cara is Cara.LANJUT else 'l'}.{_q(k)}" for k in _kolom_dipakai(m))
    # history: `_rwN` before $dari, `_kN` up to the row's week (see _Konteks.k)
    satu_baris = cara is Cara.LANJUT
    riwayat, jendela, rw_kol = "", "", ""
    for (nilai, syarat), a in ctx.kumulatif.items():
        dilapor = f"CASE WHEN _melapor AND {syarat} THEN {nilai} END"
        if cara is Cara.SEMUA:
            # nothing before the first week; the state after the weeks kept (see penilaian._tulis)
            # is an aggregate here, rather than a column riding through the window sort
            for ke in ("a", "b"):
                riwayat += f", max({nilai}) FILTER (WHERE minggu <= $simpan_{ke} AND {syarat}) AS {a.replace('_k', '_s' + ke, 1)}"
            jendela += f", max({dilapor}) OVER {_W_KUMULATIF} AS {a}"
            continue
        rw = a.replace("_k", "_rw", 1)
        riwayat += f", max({nilai}) FILTER (WHERE minggu < $dari AND {syarat}) AS {rw}"
        rw_kol += f", k.{rw}"
        # a running max over a partition of one row is that row's value: the window sort of
        # the 83 k rows of one week cost ≈ 0.1 s of scoring it (measured nationally)
        jendela += f", greatest({dilapor if satu_baris else f'max({dilapor}) OVER {_W_KUMULATIF}'}, {rw}) AS {a}"
    if cara is not Cara.LANJUT:
        jendela += f", count(*) FILTER (WHERE _melapor) OVER {_W_KUMULATIF} AS _nlap"
    turunan = "".join(f", {e} AS {a}" for e, a in ctx.turunan.items())
    penanda = f"{aturan.versi}:" + hashlib.sha256(repr((
        _FORMAT_KEADAAN, sorted(ctx.kumulatif.items()), sorted(ctx.param.items())
    )).encode()).hexdigest()[:12]
    # one week has no sorts: code, name and area ride along from `kenal` (see below)
    identitas = "" if cara is Cara.SEMUA else ", k.kode_koperasi, k._kode_desa, k._nama_koperasi"
    identitas += "".join(f", k._s_{k}" for k in lapor)
    if cara is Cara.LANJUT:
        rw_keadaan = "".join(f", s.{a} AS {a.replace('_k', '_rw', 1)}" for a in ctx.kumulatif.values())
        keadaan_lalu = "".join(f", s.{k} AS _s_{k}" for k in lapor)
        # the week's reports come with this join, so `basis` needs no second join to laporan
        # (≈ 0.04 s of scoring one week nationally, measured)
        laporan_minggu = ", ".join(f"l.{_q(k)}" for k in _kolom_dipakai(m))
        kenal = f"""
    SELECT coalesce(l.kode_koperasi, s.kode_koperasi) AS kode_koperasi, coalesce(s._pertama, $sampai) AS _pertama,
           CASE WHEN l.kode_koperasi IS NULL THEN s.kode_desa ELSE l.kode_desa END AS _kode_desa,
           CASE WHEN l.kode_koperasi IS NULL THEN s.nama_koperasi ELSE l.nama_koperasi END AS _nama_koperasi{rw_keadaan}{keadaan_lalu},
           {laporan_minggu}, l.kode_koperasi IS NOT NULL AS _melapor
    FROM (FROM keadaan_skor WHERE minggu = (SELECT max(minggu) FROM keadaan_skor WHERE minggu < $sampai)) s
    FULL JOIN (FROM laporan WHERE minggu = $sampai) l
        ON l.kode_koperasi = s.kode_koperasi"""
    else:
        # name and desa from the latest report, joined rather than arg_max: carrying the
        # strings through the aggregate of every report cost ≈ 0.1 s (measured)
        kenal = f"""
    SELECT g.*, l.kode_desa AS _kode_desa, l.nama_koperasi AS _nama_koperasi, row_number() OVER () AS _ki
    FROM (SELECT kode_koperasi, min(minggu) AS _pertama, max(minggu) AS _terakhir{riwayat}
          FROM laporan WHERE minggu <= $sampai GROUP BY kode_koperasi) g
    JOIN laporan l ON l.kode_koperasi = g.kode_koperasi AND l.minggu = g._terakhir"""
    lalu_kol = "".join(f", l{h}.{_q(k)} AS {a}" for (h, k), a in ctx.lalu.items())
    # the week bounds as constants let DuckDB skip the other weeks' row groups
    lalu_join = "".join(f"\n    LEFT JOIN (FROM laporan WHERE minggu BETWEEN $dari - {h} AND $sampai - {h}) l{h}"
                        f" ON l{h}.minggu = m.minggu - {h} AND l{h}.kode_koperasi = k.kode_koperasi"
                        for h in sorted({h for h, _ in ctx.lalu}))
    if satu_baris:
        ki, melapor, laporan_join = "", "k._melapor", ""
    else:
        ki, melapor = ", k._ki", "l.kode_koperasi IS NOT NULL AS _melapor"
        laporan_join = """
    LEFT JOIN (FROM laporan WHERE minggu BETWEEN $dari AND $sampai) l
        ON l.minggu = m.minggu AND l.kode_koperasi = k.kode_koperasi"""
    # A koperasi travels as the integer _ki. Its code, name and area are strings that would
    # ride along in every sort and in the intermediate table: for all weeks they stay in the
    # temp table `_kenal`, which the caller makes from Kueri.kenal before running the
    # SELECT and joins back when writing; one week (83 k rows, no sorts) carries them along.
    sql = f"""
WITH minggu_ada AS (
    SELECT minggu, row_number() OVER (ORDER BY minggu) AS _ord
    FROM (SELECT DISTINCT minggu FROM laporan WHERE minggu BETWEEN $dari AND $sampai)
), kenal AS ({"FROM _kenal" if cara is Cara.SEMUA else kenal}
), basis AS (
    SELECT m.minggu, m._ord{ki}, k._pertama{rw_kol}{identitas}, {kolom_pakai}{lalu_kol}, {melapor}
    FROM minggu_ada m JOIN kenal k ON k._pertama <= m.minggu{laporan_join}{lalu_join}
), lb AS (
    SELECT *{jendela} FROM basis
), turunan AS (
    SELECT *{turunan} FROM lb
), nilai AS (
    SELECT *, {', '.join(kol_nilai)} FROM turunan
), skor AS (
    SELECT *, {', '.join(kol_skor)} FROM nilai
), total AS (
    SELECT *, {', '.join(kol_total)} FROM skor
), mentah AS (
    SELECT *, {', '.join(kol_mentah)} FROM total
), mentah2 AS (
    SELECT *, {rank_mentah} AS _rank_mentah FROM mentah{lapis_ciri}
)
SELECT {', '.join(kol_akhir)} FROM {"ciri" if lengkap else "mentah2"} WHERE minggu >= $simpan_dari"""
    return Kueri(sql=sql, param=ctx.param, cara=cara, jelas=jelas, ciri=ciri, ciri_struk=ciri_struk, kenal=kenal if cara is Cara.SEMUA else None,
                 penanda=penanda, kumulatif=tuple(ctx.kumulatif.values()))


def _sql_pilar_terlemah(m: ModelAturan) -> str:
    """SQL: the weakest pillar from the pillar scores (`skor_<pilar>`), as _kompilasi finds it.
    The writes derive it rather than carry a text through the window sorts and the temp tables
    (≈ 0.3 s of CPU in a national rescoring, measured). A silent week has no pillar score, so
    no weakest pillar; pillar names are the fixed PILAR, safe as literals."""
    skor = [f'"skor_{n}"' for n in m.pilar]
    terendah = f"least({', '.join(skor)})"
    return "CASE " + " ".join(f"WHEN {s} = {terendah} THEN '{n}'" for s, n in zip(skor, m.pilar)) + " END"


def _nama_dibaca(expr: str, calon: set[str]) -> set[str]:
    """Which of the column names `calon` an SQL expression reads (string literals ignored)."""
    tanpa_literal = re.sub(r"'(?:[^']|'')*'", "''", expr)
    # a name of word characters is read where it is a whole word not after '$' (a parameter):
    # the words found once, rather than a search per name (which was ≈ 0.035 s of every
    # compilation, a tenth of scoring one week)
    kata = set(re.findall(r"(?<![\w$])\w+", tanpa_literal))
    return ({n for n in calon if n in kata and re.fullmatch(r"\w+", n)}
            | {n for n in calon if not re.fullmatch(r"\w+", n)
               and re.search(rf"(?<![\w$]){re.escape(n)}(?!\w)", tanpa_literal)})


def _teks_amatan(s: Syarat, ctx: _Konteks) -> str:
    """What a gate saw: 'status lahan: bermasalah' (a gate's condition is not a requirement)."""
    if CEK[s.cek].lihat_belakang:
        return CEK[s.cek].teks_sql(s, ctx)
    return (f"{ctx.p(_label(s) + ': ')} || coalesce({_sql_label_nilai(s.kolom)}, 'tidak dilaporkan')")


def _kolom_penjelasan(m: ModelAturan, pilar, gerbang, skor_p, ctx: _Konteks,
                      komponen: list[tuple[str, str]]) -> list[str]:
    """gerbang, alasan and langkah_berikut; `komponen` receives (when it is evaluated, SQL) for
    every part, so the caller knows which values each part reads and when."""
    id_g = [f'CASE WHEN "_g_{g.id}" THEN {ctx.p(g.id)} END' for g in gerbang]
    gerbang_list = f"list_filter([{', '.join(id_g)}], lambda x: x IS NOT NULL)" if gerbang else "[]::VARCHAR[]"
    # gates: text from the YAML (a parameter) followed by what was observed
    alasan_g = []
    for g in gerbang:
        detail = " || '; ' || ".join(f"({_teks_amatan(s, ctx)})" for s in g.syarat)
        teks = f"{ctx.p(g.teks + ' (')} || {detail} || ')'"
        alasan_g.append(f"CASE WHEN \"_g_{g.id}\" THEN {_alasan_sql(g.id, 'gerbang', None, teks, None, g.keparahan, ctx)} END")
        komponen.append((f'"_g_{g.id}"', alasan_g[-1]))
    # failed checks, sorted by what they cost the total score; the checks of one value (a
    # family, see keluarga_cek) are one reason with what they cost together
    alasan_c = []
    for n, p in pilar:
        for anggota in keluarga_cek(p):
            hilang = {i.id: f"round(100.0 * {_lit_angka(i.poin)} / \"_pb_{n}\", 1)" for i in anggota}
            gagal = {i.id: f'"_f_{i.id}"' for i in anggota}
            if len(anggota) == 1:
                ind = anggota[0]
                teks, keparahan = CEK[ind.cek].teks_sql(ind, ctx), ctx.p(ind.keparahan)
                jumlah_hilang, kena = hilang[ind.id], gagal[ind.id]
            else:
                kena = "(" + " OR ".join(gagal.values()) + ")"
                jumlah_hilang = " + ".join(f"CASE WHEN {gagal[i.id]} THEN {hilang[i.id]} ELSE 0 END" for i in anggota)
                n_gagal = " + ".join(f"CASE WHEN {gagal[i.id]} THEN 1 ELSE 0 END" for i in anggota)
                sendiri = " ".join(f"WHEN {gagal[i.id]} THEN {CEK[i.cek].teks_sql(i, ctx)}" for i in anggota)
                syarat = ", ".join(f"CASE WHEN {gagal[i.id]} THEN {ctx.p(uraikan_syarat(i))} END" for i in anggota)
                teks = (f"CASE WHEN {n_gagal} = 1 THEN CASE {sendiri} END ELSE {_teks_amatan(anggota[0], ctx)} || ' (' "
                        f"|| CAST({n_gagal} AS VARCHAR) || ' cek gagal: ' "
                        f"|| array_to_string(list_filter([{syarat}], lambda x: x IS NOT NULL), '; ') || ')' END")
                terburuk = sorted(anggota, key=lambda i: KEPARAHAN.index(i.keparahan))
                keparahan = "CASE " + " ".join(f"WHEN {gagal[i.id]} THEN {ctx.p(i.keparahan)}" for i in terburuk) + " END"
            dampak = f"({jumlah_hilang}) * {_lit_angka(p.bobot)} / _bobot_berlaku"
            struk = (f"{{'id': {ctx.p(anggota[0].id)}, 'jenis': 'cek', 'pilar': {ctx.p(n)}, 'teks': {teks}, "
                     f"'poin_hilang': CAST({jumlah_hilang} AS DOUBLE), 'keparahan': {keparahan}}}")
            alasan_c.append(f"CASE WHEN {kena} THEN {{'u': -({dampak}), 'a': {struk}}} END")
            komponen.append((kena, alasan_c[-1]))
    kosong = f"[]::{_TIPE_ALASAN}[]"
    bag_g = f"list_filter([{', '.join(alasan_g)}], lambda x: x IS NOT NULL)" if alasan_g else kosong
    # sorted by the first struct field: the cost to the total score, largest first
    bag_c = (f"list_transform(list_sort(list_filter([{', '.join(alasan_c)}], lambda x: x IS NOT NULL)), lambda x: x.a)"
             if alasan_c else kosong)
    alasan = f"CASE WHEN _melapor THEN list_concat({bag_g}, {bag_c}) ELSE {bag_g} END"

    # next step toward the next better zone
    def kurang(expr: str, b: Batas, label: str) -> str:
        celah = f"{_lit_angka(b.min)} - {expr}"
        awalan = "+" if b.termasuk else "lebih dari +"
        return (f"CASE WHEN NOT {_batas_sql(expr, b)} THEN {ctx.p(awalan)} || "
                f"{_sql_fmt_angka(f'ceil(({celah}) * 10) / 10', None)} || {ctx.p(' poin ' + label)} END")

    def langkah_ke(target: str) -> str:
        a: AmbangZona = getattr(m.zona, target)
        bagian = [kurang(skor_p[n], a.pilar_terendah, p.label.lower()) for n, p in pilar]
        bagian.append(kurang("skor_total", a.skor_total, "skor total"))
        return (f"'butuh ' || array_to_string(list_filter([{', '.join(bagian)}], lambda x: x IS NOT NULL), ' dan ') "
                f"|| ' untuk {target}'")

    def penghalang(rank: int) -> str:
        """First fired gate at least as bad as the current zone (it must clear before moving up)."""
        cabang = []
        for g in gerbang:
            if ZONA.index(g.zona) >= rank:
                pesan = ctx.p(f'gerbang "{g.teks}" harus selesai dulu')
                cabang.append(f'WHEN "_g_{g.id}" THEN {pesan}')
        return f"CASE {' '.join(cabang)} END" if cabang else "NULL::VARCHAR"

    langkah = f"""CASE
        WHEN NOT _melapor THEN {ctx.p('kirim laporan minggu ini agar koperasi dapat dinilai')}
        WHEN _rank_mentah = 0 THEN {ctx.p('sudah hijau: pertahankan')}
        WHEN _rank_mentah = 1 THEN coalesce({penghalang(1)}, {langkah_ke('hijau')})
        ELSE coalesce({penghalang(2)}, {langkah_ke('kuning')}) END"""
    # the score columns are read only past the first two branches (_rank_mentah is never NULL when reporting)
    komponen.append(("_melapor AND _rank_mentah > 0", langkah))
    return [f"{gerbang_list} AS gerbang", f"{alasan} AS alasan", f"{langkah} AS langkah_berikut"]


# ---------------------------------------------------------------------------------------
# The zone over the weeks: stability, silence, movement
# ---------------------------------------------------------------------------------------

def _minggu_keluar(m: ModelAturan, zona: str) -> int:
    """Reported weeks in a row a koperasi must qualify for a better zone before leaving `zona`."""
    return int(m.stabilitas.minggu_keluar.get(zona, 1))


def definisi_pergerakan(aturan: Aturan) -> dict[str, tuple[str, str]]:
    """{jenis: (judul, definisi)} for PERGERAKAN, with the windows of these rules."""
    m = aturan.model
    return {
        "baru_merah": ("Baru merah", f"Merah minggu ini dan tidak merah pada {m.pergerakan.minggu_baru_merah} minggu "
                                     "berzona sebelumnya (minggu tanpa laporan dilewati: bolos satu minggu bukan baru merah)."),
        "pulih": ("Pulih", f"Keluar dari merah ke kuning atau hijau minggu ini: merah karena laporannya keluar setelah "
                           f"{_minggu_keluar(m, 'merah')} minggu laporan berturut-turut memenuhi syarat, merah karena lama "
                           "tidak melapor keluar begitu laporannya baik lagi (kembali dari tanpa laporan ke zona yang "
                           "sama bukan pulih)."),
        "merah_kronis": ("Merah kronis", f"Merah selama {m.pergerakan.minggu_kronis} minggu atau lebih; minggu tanpa laporan "
                                         "tidak memutus hitungan."),
    }


def _sql_nama_zona(rank: str) -> str:
    """SQL: the zone name of a rank (0 hijau … 3 tidak_melapor). A CASE: a list literal indexed
    per row cost ≈ 0.45 s of a national rescoring (measured)."""
    return f"CASE {rank} " + " ".join(f"WHEN {i} THEN '{z}'" for i, z in enumerate(SEMUA_ZONA)) + " END"


def _sql_zona_akhir(m: ModelAturan, cara: Cara, sumber: str, bawa: tuple[str, ...] = ()) -> str:
    """Zone, weeks in zone and movement of each row of `sumber` (the SELECT of _kompilasi) from
    its raw rank and the koperasi's earlier weeks — the rows before it in `sumber` (all weeks,
    a range), or last week's state carried as `_s_*` (one week). Both read the same counters:
      lapor_sejak_merah/kuning: reported weeks since the last report whose raw rank was merah /
        at least kuning (0 = this week's). A reported week stays merah while one of its last
        N reports (minggu_keluar.merah) was merah: worsening is immediate, leaving needs N
        qualifying reports in a row; silent weeks neither count nor reset.
      A silent week is grey unless a gate fires; then it is the worse of the gate and the zone
        of its last report (silence never improves a zone).
      zona_nyata, minggu_zona_nyata: the last zone that was not grey and the weeks since the
        koperasi entered it, grey weeks included (a missed report does not restart the run).
      zona_sejak_merah: zoned weeks since the last merah one (0 = this week's), for baru merah.
    The counters are the state keadaan_skor keeps, so one week continues exactly where all
    weeks at once would be (tested row for row)."""
    nm, nk = _minggu_keluar(m, "merah"), _minggu_keluar(m, "kuning")
    w = "PARTITION BY _ki ORDER BY _ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    sebelum = "PARTITION BY _ki ORDER BY _ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    rank_lapor = f"CASE WHEN {{m}} < {nm} THEN 2 WHEN {{k}} < {nk} THEN 1 ELSE 0 END"
    rank_akhir = ("CASE WHEN _melapor THEN _rank_lapor WHEN _rank_gerbang IS NOT NULL "
                  "THEN greatest(_rank_gerbang, _rank_lapor) ELSE 3 END")
    if cara is Cara.LANJUT:
        lapor = f"""
        SELECT *, CASE WHEN NOT _melapor THEN _s_lapor_sejak_merah WHEN _rank_mentah = 2 THEN 0
                       ELSE _s_lapor_sejak_merah + 1 END AS _lsm,
                  CASE WHEN NOT _melapor THEN _s_lapor_sejak_kuning WHEN _rank_mentah >= 1 THEN 0
                       ELSE _s_lapor_sejak_kuning + 1 END AS _lsk
        FROM {sumber}"""
        akhir = f"""
        SELECT *, {rank_akhir} AS _rank_akhir
        FROM (SELECT *, {rank_lapor.format(m="_lsm", k="_lsk")} AS _rank_lapor FROM ({lapor}))"""
        lari = f"""
        SELECT *, _s_zona_nyata AS _zn_lalu, _s_zona_sejak_merah AS _zsm_lalu,
               CAST(CASE WHEN _rank_akhir < 3 AND _rank_akhir IS DISTINCT FROM _s_zona_nyata THEN 1
                         ELSE _s_minggu_zona_nyata + 1 END AS INTEGER) AS minggu_zona_nyata,
               CAST(CASE WHEN _rank_akhir < 3 THEN NULL WHEN _s_zona = '{TIDAK_MELAPOR}' THEN _s_minggu_di_zona + 1
                         ELSE 1 END AS INTEGER) AS _minggu_abu
        FROM ({akhir})"""
    else:
        # Two window levels over the narrow rows (each costs ≈ 0.3 s nationally): the first gives
        # the counters, and also those of the last zoned week before the row (`_p` packs its
        # week, whether it reported and its gate), from which that week's zone follows as it
        # does for the row itself: nothing in between reported. The second needs the zones.
        dizonakan = "(_melapor OR _rank_gerbang IS NOT NULL)"  # a row is grey when neither
        tanpa_ini = "(_nlap - CASE WHEN _melapor THEN 1 ELSE 0 END)"
        # the reports counted up to the last raw merah / kuning report before the row; the
        # row's own counters follow from them without a window of their own (each window
        # expression costs ≈ 0.08 s nationally)
        tingkat1 = f"""
        SELECT *, CASE WHEN _melapor AND _rank_mentah = 2 THEN 0 ELSE _nlap - _mm_p END AS _lsm,
                  CASE WHEN _melapor AND _rank_mentah >= 1 THEN 0 ELSE _nlap - _mk_p END AS _lsk,
                  {tanpa_ini} - _mm_p AS _lsm_p, {tanpa_ini} - _mk_p AS _lsk_p
        FROM (SELECT _ki, _ord, _melapor, _rank_mentah, _rank_gerbang, _nlap{"".join(", " + b for b in bawa)},
                     max(CASE WHEN _melapor AND _rank_mentah = 2 THEN _nlap END) OVER ({sebelum}) AS _mm_p,
                     max(CASE WHEN _melapor AND _rank_mentah >= 1 THEN _nlap END) OVER ({sebelum}) AS _mk_p,
                     count(*) FILTER (WHERE {dizonakan}) OVER ({w}) AS _nzona,
                     max(CASE WHEN {dizonakan} THEN _ord * 8 + CASE WHEN _melapor THEN 4 ELSE 0 END
                              + coalesce(_rank_gerbang + 1, 0) END) OVER ({sebelum}) AS _p
              FROM {sumber})"""
        zona_p = "CASE WHEN _p % 8 >= 4 THEN _rank_lapor_p ELSE greatest(_p % 4 - 1, _rank_lapor_p) END"
        akhir = f"""
        SELECT *, {rank_akhir} AS _rank_akhir, CASE WHEN _p IS NOT NULL THEN {zona_p} END AS _zn_lalu
        FROM (SELECT *, {rank_lapor.format(m="_lsm", k="_lsk")} AS _rank_lapor,
                        {rank_lapor.format(m="_lsm_p", k="_lsk_p")} AS _rank_lapor_p FROM ({tingkat1}))"""
        lari = f"""
        SELECT *, CAST(_ord + 1 - _masuk AS INTEGER) AS minggu_zona_nyata,
               CAST(CASE WHEN _rank_akhir = 3 THEN _ord - _p // 8 END AS INTEGER) AS _minggu_abu,
               (_nzona - CASE WHEN _rank_akhir < 3 THEN 1 ELSE 0 END) - _nz_merah_lalu AS _zsm_lalu
        FROM (SELECT *, max(CASE WHEN _rank_akhir < 3 AND _rank_akhir IS DISTINCT FROM _zn_lalu THEN _ord END) OVER ({w}) AS _masuk,
                        max(CASE WHEN _rank_akhir = 2 THEN _nzona END) OVER ({sebelum}) AS _nz_merah_lalu
              FROM ({akhir}))"""
    return f"""
    SELECT {"" if cara is Cara.LANJUT else "_ki, "}_ord, _rank_akhir{"".join(", " + b for b in bawa)},
           CASE WHEN _rank_akhir < 3 AND _rank_akhir > CASE WHEN _melapor THEN _rank_mentah ELSE _rank_gerbang END
                THEN _rank_akhir END AS _tahan,
           coalesce(_minggu_abu, minggu_zona_nyata) AS minggu_di_zona,
           CASE WHEN _rank_akhir = 2 AND coalesce(_zsm_lalu >= {int(m.pergerakan.minggu_baru_merah)}, TRUE) THEN 'baru_merah'
                WHEN _rank_akhir = 2 AND coalesce(_minggu_abu, minggu_zona_nyata) >= {int(m.pergerakan.minggu_kronis)}
                     THEN 'merah_kronis'
                WHEN _rank_akhir < 2 AND _zn_lalu = 2 THEN 'pulih' END AS pergerakan,
           _lsm AS lapor_sejak_merah, _lsk AS lapor_sejak_kuning,
           CASE WHEN _rank_akhir < 3 THEN _rank_akhir ELSE _zn_lalu END AS zona_nyata, minggu_zona_nyata,
           CASE WHEN _rank_akhir = 2 THEN 0 WHEN _rank_akhir < 3 THEN _zsm_lalu + 1 ELSE _zsm_lalu END AS zona_sejak_merah
    FROM ({lari})"""


def _sql_penjelasan_ditahan(m: ModelAturan, sumber: str) -> str:
    """The explanation of a row whose history holds its zone (_tahan, see _sql_zona_akhir), from
    the explanation of its signature: a reported week that does not yet qualify to leave, or a
    silent one that may not improve on its last report. `sumber` has (id, dasar, _tahan,
    _melapor, _rank_mentah): the new id, the signature's explanation id and what it needs."""
    n_keluar = f"CASE _tahan WHEN 2 THEN {_minggu_keluar(m, 'merah')} ELSE {_minggu_keluar(m, 'kuning')} END"
    zona = _sql_nama_zona("_tahan")
    teks = (f"CASE WHEN _melapor THEN 'Masih ' || {zona} || ': minggu ini sudah memenuhi syarat ' "
            f"|| {_sql_nama_zona('_rank_mentah')} || ', tetapi keluar dari ' || {zona} || ' perlu ' "
            f"|| CAST({n_keluar} AS VARCHAR) || ' minggu laporan berturut-turut yang memenuhi syarat' "
            f"ELSE 'Tidak melapor: zona tidak membaik tanpa laporan (zona pada laporan terakhir: ' || {zona} || ')' END")
    alasan = (f"{{'id': 'stabilitas', 'jenis': 'gerbang', 'pilar': NULL::VARCHAR, 'teks': {teks}, "
              f"'poin_hilang': NULL::DOUBLE, 'keparahan': 'sedang'}}")
    langkah = (f"CASE WHEN _melapor THEN 'tetap ' || {zona} || ' sampai ' || CAST({n_keluar} AS VARCHAR) "
               f"|| ' minggu laporan berturut-turut memenuhi syarat; pertahankan' ELSE p.langkah_berikut END")
    # the reason the zone is what it is comes first
    return f"""SELECT s.id, p.versi_aturan, p.kunci, p.gerbang, list_prepend({alasan}, p.alasan) AS alasan,
                      {langkah} AS langkah_berikut
               FROM {sumber} s JOIN penjelasan p ON p.id = s.dasar"""
