"""Deterministic synthetic national weekly data for the KDKMP dashboard.

One koperasi per desa/kelurahan of the Kemendagri list (83,762), 26 weekly snapshots by
default ending on the ISO week of 2026-11-16, loaded through the same validation path as a
real file (``snapshot.validasi_frame`` → ``store.muat_minggu``).

How it is made
--------------
Every koperasi gets a latent state once, from ``numpy.random.default_rng(seed)``: where it
ends up in the last demo week (construction stage, land status, which documents it holds)
and *when* each step happened — the times are drawn backwards from that end state, so the
earlier weeks show the road to it: construction starts, advances and finishes, land
verification resolves or a dispute sticks, some koperasi stall (progress flat for weeks)
or regress to *tertunda*, documents (NIB above all) accumulate, and operations
(uji coba → beroperasi, gerai, omzet, simpan-pinjam arrears) start only after the
building is finished. A week is then computed for all koperasi at once with numpy vector
operations from those times; the week-to-week noise (missing reports, stale
``laporan_terakhir``, the bottleneck named that week, turnover) comes from a generator
seeded by (seed, week), so a given week is identical whatever ``jumlah_minggu`` is.

Regional shape: shares are set per island group (Java far ahead, eastern Indonesia
behind, Papua Pegunungan with no construction and few bank accounts) and, within a
province, a per-kabupaten effect orders who is ahead; about 6 % of kabupaten stall
(construction frozen for the last weeks, many missing and stale reports).

Calibration: in the last week the published figures of ``shared/domain.md`` hold exactly
for every seed — NTB 1,166 koperasi all reporting, 454 in the portal, 249 *konstruksi*,
176 *tertunda*, bottlenecks lahan > cuaca > tenaga kerja > teknis lainnya > material;
Kalimantan Barat 2,145 koperasi, all reporting, 2,143 with badan hukum; Jember 226 desa +
22 kelurahan, all reporting. These are assigned to exact counts by ranking a seeded
latent score inside the province, and the earlier weeks are derived backwards from them.

Coordinates (approximate, for orientation on a map — not surveyed): the reference has no
village coordinates. Each kabupaten/kota has a point from ``data/wilayah`` — the median of
its islands in idn-area-data's islands table where it has any, otherwise its province's
centre nudged by a deterministic offset (scripts/build_wilayah.py). A kecamatan is placed
at that point plus a deterministic offset of up to ±0.15°, a desa at its kecamatan plus up
to ±0.04°, clamped to the contract's ranges (lat −11.5…6.5, lon 94.5…141.5). The offsets
come from a fixed generator over the reference list, not from the seed, so a place stays
put across weeks and seeds. Coastal points may fall in the sea and inland kabupaten are
only roughly placed. About 3 % of koperasi report no coordinates.

Construction progress is reported in the field's buckets (≤ 20, 21–50, 51–75, 76–99,
100 %) as the bucket's upper bound: 0 (nothing built), 20, 50, 75, 99 or 100.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from kdkmp import kontrak, wilayah

MINGGU_TERAKHIR = date(2026, 11, 16)  # ISO week Monday of the last demo week
SEED_BAWAAN = 20251

# ---------------------------------------------------------------- regional profile

_GRUP_PROVINSI = {
    **{k: "sumatera" for k in ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21")},
    **{k: "jawa" for k in ("31", "32", "33", "34", "35", "36")},
    "51": "bali", "52": "ntb", "53": "ntt",
    **{k: "kalimantan" for k in ("61", "62", "63", "64", "65")},
    **{k: "sulawesi" for k in ("71", "72", "73", "74", "75", "76")},
    "81": "maluku", "82": "maluku",
    "91": "papua", "92": "papua", "96": "papua",
    "93": "papua_dalam", "94": "papua_dalam",
    "95": "papua_pegunungan",
}

# Shares of koperasi in the last week, per island group. Chosen so that the national
# figures match SIMKOPDES's public shape (domain.md); NTB's construction is set exactly below.
#   ada = any construction record (persiapan/konstruksi/selesai); selesai = finished;
#   tunda = share of the not-started ones that are tertunda; miss = chance a report is missing.
_KOLOM_PROFIL = ("ada", "selesai", "tunda", "npwp", "bank", "nib", "portal", "ba", "pengurus", "miss")
_PROFIL = {
    "jawa":             (0.750, 0.560, 0.15, 0.993, 0.995, 0.86, 0.988, 0.97, 0.96, 0.010),
    "bali":             (0.620, 0.330, 0.15, 0.990, 0.990, 0.84, 0.985, 0.97, 0.96, 0.010),
    "sumatera":         (0.400, 0.110, 0.20, 0.975, 0.980, 0.73, 0.965, 0.93, 0.94, 0.020),
    "kalimantan":       (0.320, 0.090, 0.22, 0.970, 0.975, 0.70, 0.960, 0.92, 0.93, 0.030),
    "sulawesi":         (0.370, 0.100, 0.20, 0.972, 0.978, 0.72, 0.960, 0.92, 0.93, 0.030),
    "ntb":              (0.470, 0.110, 0.28, 0.975, 0.970, 0.68, 0.390, 0.94, 0.94, 0.020),
    "ntt":              (0.220, 0.050, 0.28, 0.950, 0.950, 0.60, 0.940, 0.88, 0.90, 0.050),
    "maluku":           (0.180, 0.040, 0.30, 0.940, 0.930, 0.57, 0.930, 0.85, 0.89, 0.060),
    "papua":            (0.100, 0.020, 0.32, 0.910, 0.860, 0.47, 0.900, 0.80, 0.86, 0.080),
    "papua_dalam":      (0.050, 0.010, 0.35, 0.860, 0.720, 0.42, 0.870, 0.75, 0.84, 0.100),
    "papua_pegunungan": (0.000, 0.000, 0.40, 0.800, 0.350, 0.32, 0.820, 0.65, 0.80, 0.150),
}

_PROVINSI_TETAP = ("31", "32", "33", "34", "35", "36", "52", "95")

# Exact last-week figures (domain.md). NTB: stage counts (any construction ≈ 47 %, finished
# ≈ 11 %) and, per stage, the bottleneck counts in kontrak.ENUM_KENDALA order
# (tidak_ada, lahan, cuaca, tenaga_kerja, material, teknis_lainnya) — totals
# lahan 306 > cuaca 140 > tenaga_kerja 96 > teknis_lainnya 90 > material 46.
NTB = "52"
NTB_TAHAP = {"belum_mulai": 442, "tertunda": 176, "persiapan": 171, "konstruksi": 249, "selesai": 128}
NTB_PORTAL = 454
NTB_KENDALA = {
    "belum_mulai": (260, 140, 5, 12, 5, 20),
    "tertunda":    (0, 156, 0, 0, 6, 14),
    "persiapan":   (60, 10, 25, 30, 20, 26),
    "konstruksi":  (50, 0, 110, 50, 15, 24),
    "selesai":     (118, 0, 0, 4, 0, 6),
}
KALBAR = "61"
KALBAR_BADAN_HUKUM = 2143
JEMBER = "35.09"
# Where every koperasi reports in the last week.
LENGKAP_MINGGU_TERAKHIR = (NTB, KALBAR, JEMBER)

_TAHAP = kontrak.ENUM_TAHAP          # belum_mulai, tertunda, persiapan, konstruksi, selesai
_LAHAN = kontrak.ENUM_STATUS_LAHAN   # siap, verifikasi, bermasalah, belum_ada
_KENDALA = kontrak.ENUM_KENDALA
_OPERASIONAL = kontrak.ENUM_OPERASIONAL
BELUM_MULAI, TERTUNDA, PERSIAPAN, KONSTRUKSI, SELESAI = range(5)
SIAP, VERIFIKASI, BERMASALAH, BELUM_ADA = range(4)

# Bottleneck named in a week, by situation (rows) over kontrak.ENUM_KENDALA (columns).
# The cuaca column is scaled by the season (rain November–March) each week.
_SITUASI_KENDALA = np.array([
    # tidak_ada lahan cuaca tenaga material teknis
    [0.35, 0.45, 0.02, 0.03, 0.02, 0.13],  # 0 belum mulai, land not ready
    [0.55, 0.05, 0.05, 0.08, 0.07, 0.20],  # 1 belum mulai, land ready
    [0.02, 0.75, 0.03, 0.03, 0.05, 0.12],  # 2 tertunda
    [0.35, 0.10, 0.08, 0.15, 0.15, 0.17],  # 3 persiapan
    [0.25, 0.02, 0.22, 0.20, 0.16, 0.15],  # 4 konstruksi
    [0.00, 0.06, 0.30, 0.28, 0.20, 0.16],  # 5 konstruksi, stalled
    [0.92, 0.00, 0.00, 0.02, 0.01, 0.05],  # 6 selesai
])

_BATAS_LAMPAU = 56.0  # weeks before the last demo week when the first construction began (≈ Oct 2025)


# ---------------------------------------------------------------- latent state

def _seragam_dalam(kelompok: np.ndarray, skor: np.ndarray) -> np.ndarray:
    """Rank of skor inside each group mapped to (0, 1): exactly uniform per group, so a
    threshold p selects round(p·n) of a group."""
    urut = np.lexsort((skor, kelompok))
    kel_urut = kelompok[urut]
    awal = np.r_[0, np.flatnonzero(kel_urut[1:] != kel_urut[:-1]) + 1]
    ukuran = np.diff(np.r_[awal, len(urut)])
    posisi = np.arange(len(urut)) - np.repeat(awal, ukuran)
    u = np.empty(len(urut))
    u[urut] = (posisi + 0.5) / np.repeat(ukuran, ukuran)
    return u


def _pilih_teratas(mask: np.ndarray, skor: np.ndarray, jumlah: int) -> np.ndarray:
    """Boolean array: the `jumlah` members of mask with the lowest skor."""
    idx = np.flatnonzero(mask)
    hasil = np.zeros(len(mask), dtype=bool)
    hasil[idx[np.argsort(skor[idx], kind="stable")[:jumlah]]] = True
    return hasil


def _bagi_kuota(idx: np.ndarray, skor: np.ndarray, kuota: tuple[int, ...]) -> np.ndarray:
    """Codes 0..len(kuota)-1 for idx in skor order, kuota[k] of each (sum(kuota) == len(idx))."""
    if sum(kuota) != len(idx):
        raise ValueError(f"kuota {sum(kuota)} tidak sama dengan {len(idx)} koperasi")
    kode = np.repeat(np.arange(len(kuota)), kuota)
    hasil = np.empty(len(idx), dtype=np.int8)
    hasil[np.argsort(skor[idx], kind="stable")] = kode
    return hasil


def _koordinat(d: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Approximate (lat, lon) per desa; depends only on the codes (see module docstring)."""
    t = wilayah.tabel()
    kab = t[t["tingkat"] == "kabupaten"].set_index("kode")
    lat = kab["lat"].reindex(d["kode_kabupaten"]).to_numpy(dtype=float)
    lon = kab["lon"].reindex(d["kode_kabupaten"]).to_numpy(dtype=float)
    rng = np.random.default_rng(5201)  # fixed: coordinates do not move with the seed
    kec_kode, kec_idx = np.unique(d["kode_kecamatan"].to_numpy(), return_inverse=True)
    geser_kec = rng.uniform(-0.15, 0.15, size=(len(kec_kode), 2))
    geser_desa = rng.uniform(-0.04, 0.04, size=(len(d), 2))
    lat = np.clip(lat + geser_kec[kec_idx, 0] + geser_desa[:, 0], -11.5, 6.5)
    lon = np.clip(lon + geser_kec[kec_idx, 1] + geser_desa[:, 1], 94.5, 141.5)
    return lat.round(5), lon.round(5)


@lru_cache(maxsize=2)
def _keadaan(seed: int) -> dict[str, np.ndarray]:
    """Per-koperasi latent state (arrays over all desa, reference order). Read-only."""
    d = wilayah.desa()
    n = len(d)
    rng = np.random.default_rng(seed)
    prov = d["kode_provinsi"].to_numpy()
    kab_kode, kab = np.unique(d["kode_kabupaten"].to_numpy(), return_inverse=True)
    prov_kode, prov_idx = np.unique(prov, return_inverse=True)
    profil = np.array([_PROFIL[_GRUP_PROVINSI[p]] for p in prov_kode])[prov_idx]
    P = {nama: profil[:, i] for i, nama in enumerate(_KOLOM_PROFIL)}
    # Provinces of one island group differ too: a seeded factor per province on
    # construction and on the gap in documents (Java, NTB and Papua Pegunungan keep their
    # published shape).
    z_prov = rng.standard_normal(len(prov_kode))
    bebas = ~np.isin(prov_kode, _PROVINSI_TETAP)[prov_idx]

    def faktor(z: np.ndarray) -> np.ndarray:
        # weighted by koperasi and normalised, so the national totals keep their shape
        f = np.where(bebas, np.exp(z)[prov_idx], 1.0)
        return np.where(bebas, f / f[bebas].mean(), 1.0)

    maju = faktor(0.25 * z_prov)
    P["ada"] = np.minimum(P["ada"] * maju, 0.95)
    P["selesai"] = np.minimum(P["selesai"] * maju, P["ada"])
    celah = faktor(-0.3 * z_prov)
    for nama in ("npwp", "bank", "nib", "portal"):
        P[nama] = np.clip(1 - (1 - P[nama]) * celah, 0, 1)
    ntb = prov == NTB
    kalbar = prov == KALBAR

    # Kabupaten effect: a shared "capacity" that orders who is ahead inside a province;
    # stalled kabupaten are pushed to the back and freeze their construction.
    z_kab = rng.standard_normal(len(kab_kode))
    kab_macet = rng.random(len(kab_kode)) < 0.06
    z_kab = np.where(kab_macet, z_kab + 1.2, z_kab)
    macet_sejak = -rng.uniform(4, 12, size=len(kab_kode))  # week the stall began
    macet = kab_macet[kab]

    def skor(bobot_kab: float = 0.55) -> np.ndarray:
        return bobot_kab * z_kab[kab] + np.sqrt(1 - bobot_kab**2) * rng.standard_normal(n)

    def u_prov(bobot_kab: float = 0.55) -> np.ndarray:
        return _seragam_dalam(prov_idx, skor(bobot_kab))

    # ---- construction: the last-week stage first, then the times that lead to it
    u_bangun = u_prov(0.6)
    u_tipe = rng.random(n)
    u_tunda = rng.random(n)
    tahap0 = np.where(u_bangun < P["selesai"], SELESAI,
              np.where(u_bangun < P["ada"], np.where(u_tipe < 0.6, KONSTRUKSI, PERSIAPAN),
               np.where(u_tunda < P["tunda"], TERTUNDA, BELUM_MULAI))).astype(np.int8)
    # NTB: exact counts, still ordered by the same latent progress score.
    i_ntb = np.flatnonzero(ntb)
    urut = i_ntb[np.argsort(u_bangun[i_ntb], kind="stable")]
    n_sel, n_mulai = NTB_TAHAP["selesai"], NTB_TAHAP["selesai"] + NTB_TAHAP["konstruksi"] + NTB_TAHAP["persiapan"]
    tahap0[urut[:n_sel]] = SELESAI
    jalan = urut[n_sel:n_mulai]
    tahap0[jalan] = np.where(_bagi_kuota(jalan, u_tipe, (NTB_TAHAP["konstruksi"], NTB_TAHAP["persiapan"])) == 0,
                             KONSTRUKSI, PERSIAPAN)
    diam = urut[n_mulai:]
    tahap0[diam] = np.where(_bagi_kuota(diam, u_tunda, (NTB_TAHAP["tertunda"], NTB_TAHAP["belum_mulai"])) == 0,
                            TERTUNDA, BELUM_MULAI)

    durasi_siap = rng.uniform(3, 10, n)      # persiapan, in weeks of effective progress
    durasi_bangun = rng.uniform(14, 28, n)   # konstruksi
    f0 = rng.uniform(0.02, 0.97, n)          # fraction of the phase done in the last week
    inf = np.inf
    mulai = np.full(n, inf)                  # week the pipeline clock started
    henti = np.full(n, inf)                  # clock value where a stall happens
    lama_henti = np.zeros(n)                 # real weeks the stall lasts (inf: ongoing)

    sel = tahap0 == SELESAI
    kon = tahap0 == KONSTRUKSI
    per = tahap0 == PERSIAPAN
    # Past (resolved) stalls for some of those under construction or finished.
    lalu = (sel | kon) & (rng.random(n) < 0.15)
    g = rng.random(n)
    lama_lalu = rng.uniform(2, 8, n)
    # Ongoing stalls: progress flat since `sejak` weeks before the last week.
    kini = kon & ((rng.random(n) < 0.15) | macet)
    sejak = np.where(macet, -macet_sejak[kab] + rng.uniform(0, 1, n), rng.uniform(2, 14, n))
    lalu &= ~kini

    # Clock value in the last week; finished ones finished b weeks ago, none before ≈ Oct 2025.
    sisa = np.maximum(0.0, _BATAS_LAMPAU - durasi_siap - durasi_bangun - np.where(lalu, lama_lalu, 0))
    b = rng.random(n) ** 0.8 * sisa
    c0 = np.select([sel, kon], [durasi_siap + durasi_bangun + b, durasi_siap + f0 * durasi_bangun],
                   f0 * durasi_siap)
    henti = np.where(lalu, durasi_siap + g * np.where(sel, 1.0, f0) * durasi_bangun, henti)
    lama_henti = np.where(lalu, lama_lalu, lama_henti)
    henti = np.where(kini, c0, henti)
    lama_henti = np.where(kini, inf, lama_henti)
    berlalu = np.where(kini, c0 + sejak, np.where(lalu, c0 + lama_lalu, c0))
    mulai = np.where(sel | kon | per, -berlalu, mulai)

    # Tertunda windows: ongoing for the tertunda ones (a third regressed from persiapan),
    # and an earlier, resolved one for some of those that started.
    tunda = tahap0 == TERTUNDA
    tunda0 = np.full(n, inf)
    tunda1 = np.full(n, inf)
    t_tunda = -rng.uniform(1, 30, n)
    mundur = tunda & (rng.random(n) < 0.35)
    tunda0 = np.where(tunda, t_tunda, tunda0)
    mulai = np.where(mundur, t_tunda - rng.uniform(0.5, 0.9, n) * durasi_siap, mulai)
    dulu_tunda = (sel | kon | per) & (rng.random(n) < 0.2)
    lama_tunda = rng.uniform(2, 12, n)
    tunda0 = np.where(dulu_tunda, mulai - lama_tunda, tunda0)
    tunda1 = np.where(dulu_tunda, mulai, tunda1)

    # Land: proposed (usul), disputed window [m0, m1), ready (siap).
    usul = np.full(n, -inf)
    t_siap = np.full(n, inf)
    m0 = np.full(n, inf)
    m1 = np.full(n, inf)
    mulai_ada = sel | kon | per
    t_siap = np.where(mulai_ada, mulai + rng.random(n) * durasi_siap, t_siap)
    usul = np.where(mulai_ada, np.minimum(mulai, t_siap) - rng.uniform(2, 16, n), usul)
    usul = np.where(dulu_tunda, tunda0 - rng.uniform(1, 6, n), usul)
    m0 = np.where(dulu_tunda, tunda0, m0)
    m1 = np.where(dulu_tunda, mulai, m1)
    # Not started: the land situation of the last week, reached at some time before it.
    u_lahan = rng.random(n)
    jawa_bali = np.isin(prov, ("31", "32", "33", "34", "35", "36", "51"))
    lahan_siap_p = np.where(jawa_bali, 0.40, 0.22)
    # tertunda: bermasalah 60 %, verification stuck 25 %, none proposed 15 %
    l_tunda = np.where(u_lahan < 0.60, BERMASALAH, np.where(u_lahan < 0.85, VERIFIKASI, BELUM_ADA))
    # belum mulai: ready (waiting), verifikasi, bermasalah, none proposed
    l_belum = np.where(u_lahan < lahan_siap_p, SIAP,
               np.where(u_lahan < lahan_siap_p + 0.38, VERIFIKASI,
                np.where(u_lahan < lahan_siap_p + 0.48, BERMASALAH, BELUM_ADA)))
    lahan0 = np.where(tunda, l_tunda, np.where(tahap0 == BELUM_MULAI, l_belum, -1))
    diam_mask = tunda | (tahap0 == BELUM_MULAI)
    t_masalah = np.where(tunda, t_tunda, -rng.uniform(0, 20, n))
    t_usul = -rng.uniform(0, 30, n)
    siap_kapan = -rng.uniform(0, 20, n)
    usul = np.where(diam_mask & (lahan0 == BELUM_ADA), inf, usul)
    usul = np.where(diam_mask & (lahan0 == VERIFIKASI), t_usul, usul)
    usul = np.where(diam_mask & (lahan0 == BERMASALAH), np.minimum(t_masalah, t_usul), usul)
    m0 = np.where(diam_mask & (lahan0 == BERMASALAH), t_masalah, m0)
    usul = np.where(diam_mask & (lahan0 == SIAP), siap_kapan - rng.uniform(2, 16, n), usul)
    t_siap = np.where(diam_mask & (lahan0 == SIAP), siap_kapan, t_siap)
    # Regressed koperasi: the dispute is what sent them back.
    usul = np.where(mundur, np.minimum(usul, mulai - rng.uniform(1, 8, n)), usul)

    # ---- operations, only after the building is finished
    selesai_pada = np.where(sel, mulai + durasi_siap + durasi_bangun + np.where(lalu, lama_henti, 0.0), inf)
    uji_pada = selesai_pada + rng.uniform(2, 20, n)
    operasi_pada = uji_pada + rng.uniform(6, 20, n)
    gerai_maks = rng.integers(3, 8, n)
    simpan_pinjam = rng.random(n) < 0.6
    bertransaksi = rng.random(n) < 0.22
    omzet_dasar = np.exp(rng.normal(np.log(15_000_000), 0.9, n))
    tunggakan_dasar = np.exp(rng.normal(np.log(4.0), 0.8, n))

    # ---- institutions and documents: achieved by the last week or not, and when
    def kapan(p: np.ndarray, horizon: float, pangkat: float, bobot_kab: float = 0.45) -> tuple[np.ndarray, np.ndarray]:
        u = u_prov(bobot_kab)
        return u, np.where(u < p, -horizon * rng.random(n) ** pangkat, inf)

    u_bh, t_bh = kapan(np.full(n, 0.999), 60, 0.3, 0.2)
    # Kalimantan Barat: exactly 2,143 of 2,145 with badan hukum in the last week.
    kb_ya = _pilih_teratas(kalbar, u_bh, KALBAR_BADAN_HUKUM)
    t_bh = np.where(kalbar & ~kb_ya, inf, np.where(kalbar & np.isinf(t_bh), -60 * rng.random(n) ** 0.3, t_bh))
    _, t_npwp = kapan(P["npwp"], 55, 0.6)
    _, t_bank = kapan(P["bank"], 55, 0.6)
    _, t_nib = kapan(P["nib"], 50, 0.7)
    # Documents need the legal entity first.
    t_npwp, t_bank, t_nib = (np.maximum(t, t_bh + 1) for t in (t_npwp, t_bank, t_nib))
    u_portal, t_portal = kapan(P["portal"], 55, 0.5)
    portal_ntb = _pilih_teratas(ntb, u_portal, NTB_PORTAL)
    t_portal = np.where(ntb, np.where(portal_ntb, -55 * rng.random(n) ** 0.5, inf), t_portal)
    t_musdesus = np.where(rng.random(n) < 0.9995, -70.0, inf)
    _, t_pengurus = kapan(P["pengurus"], 60, 0.4)
    lepas0 = np.where(rng.random(n) < 0.03, -rng.uniform(0, 25, n), inf)  # board member left
    lepas1 = lepas0 + rng.uniform(2, 8, n)
    _, t_ba = kapan(P["ba"], 40, 0.7)
    anggota_dasar = np.exp(rng.normal(1.96, 1.1, n))  # + 9 founders: mean ≈ 22, right-skewed

    # ---- reporting habits
    tanpa_koordinat = rng.random(n) < 0.03
    suka_telat = rng.random(n) < 0.04
    u_kendala = rng.random(n)

    lat, lon = _koordinat(d)
    digit = d["kode_desa"].str.replace(".", "", regex=False)
    kelurahan = d["jenis"].to_numpy() == "kelurahan"
    nama = np.where(kelurahan, "Koperasi Kelurahan Merah Putih ", "Koperasi Desa Merah Putih ") + d["nama_desa"].to_numpy()
    lengkap_akhir = np.isin(prov, (NTB, KALBAR)) | (d["kode_kabupaten"].to_numpy() == JEMBER)

    keadaan = dict(
        kode_desa=d["kode_desa"].to_numpy(), kode_koperasi=("KDKMP-" + digit).to_numpy(), nama_koperasi=nama,
        kode_provinsi=prov, kode_kabupaten=d["kode_kabupaten"].to_numpy(), kab=kab, ntb=ntb,
        latitude=np.where(tanpa_koordinat, np.nan, lat), longitude=np.where(tanpa_koordinat, np.nan, lon),
        mulai=mulai, durasi_siap=durasi_siap, durasi_bangun=durasi_bangun, henti=henti, lama_henti=lama_henti,
        tunda0=tunda0, tunda1=tunda1, usul=usul, t_siap=t_siap, m0=m0, m1=m1,
        uji_pada=uji_pada, operasi_pada=operasi_pada, gerai_maks=gerai_maks, simpan_pinjam=simpan_pinjam,
        bertransaksi=bertransaksi, omzet_dasar=omzet_dasar, tunggakan_dasar=tunggakan_dasar,
        t_bh=t_bh, t_npwp=t_npwp, t_bank=t_bank, t_nib=t_nib, t_portal=t_portal, t_musdesus=t_musdesus,
        t_pengurus=t_pengurus, lepas0=lepas0, lepas1=lepas1, t_ba=t_ba, anggota_dasar=anggota_dasar,
        miss=P["miss"], macet=macet, macet_sejak=macet_sejak[kab], suka_telat=suka_telat,
        u_kendala=u_kendala, lengkap_akhir=lengkap_akhir, n_kab=np.array(len(kab_kode)),
    )
    for v in keadaan.values():
        v.flags.writeable = False
    return keadaan


# ---------------------------------------------------------------- one week

def _faktor_hujan(minggu: date) -> float:
    """Weather as a bottleneck: the rainy season runs November–March."""
    return {11: 1.6, 12: 2.0, 1: 2.0, 2: 1.8, 3: 1.4, 4: 1.0, 10: 1.1}.get(minggu.month, 0.5)


def _minggu(k: dict[str, np.ndarray], minggu: date, seed: int) -> dict[str, np.ndarray]:
    """All columns for every koperasi in week `minggu`, plus 'ada' (a report exists)."""
    w = float((minggu - MINGGU_TERAKHIR).days // 7)  # 0 = last demo week
    n = len(k["kode_desa"])
    rng = np.random.default_rng([seed, 7, minggu.toordinal()])

    with np.errstate(invalid="ignore"):
        e = w - k["mulai"]
        henti, lama = k["henti"], k["lama_henti"]
        c = np.where(e < henti, e, np.where(e < henti + lama, henti, e - lama))
    P, D = k["durasi_siap"], k["durasi_bangun"]
    tahap = np.select([c < 0, c < P, c < P + D], [BELUM_MULAI, PERSIAPAN, KONSTRUKSI], SELESAI).astype(np.int8)
    tunda = (w >= k["tunda0"]) & (w < k["tunda1"])
    tahap = np.where(tunda, TERTUNDA, tahap)
    terhenti = (tahap == KONSTRUKSI) & (c == henti) & (e > henti)
    frac = np.clip((c - P) / D, 0, 1)
    progres = np.select([tahap == SELESAI, tahap == KONSTRUKSI], [100.0, frac * 100], 0.0)
    # Buckets of the field report: ≤20, 21–50, 51–75, 76–99, 100 → their upper bound.
    progres = np.where(tahap == KONSTRUKSI,
                       np.select([progres <= 20, progres <= 50, progres <= 75], [20.0, 50.0, 75.0], 99.0), progres)

    lahan = np.where(w < k["usul"], BELUM_ADA,
             np.where(w >= k["t_siap"], SIAP,
              np.where((w >= k["m0"]) & (w < k["m1"]), BERMASALAH, VERIFIKASI))).astype(np.int8)

    # Bottleneck: a koperasi tends to name the same one; sometimes another this week.
    situasi = np.select(
        [tahap == SELESAI, terhenti, tahap == KONSTRUKSI, tahap == PERSIAPAN, tahap == TERTUNDA, lahan == SIAP],
        [6, 5, 4, 3, 2, 1], 0)
    tabel = _SITUASI_KENDALA.copy()
    tabel[:, 2] *= _faktor_hujan(minggu)
    kumulatif = np.cumsum(tabel / tabel.sum(axis=1, keepdims=True), axis=1)
    u = np.where(rng.random(n) < 0.2, rng.random(n), k["u_kendala"])
    kendala = (u[:, None] > kumulatif[situasi, :-1]).sum(axis=1).astype(np.int8)
    if w == 0:
        kendala = kendala.copy()
        for i, nama in enumerate(_TAHAP):
            idx = np.flatnonzero(k["ntb"] & (tahap == i))
            kendala[idx] = _bagi_kuota(idx, u, NTB_KENDALA[nama])

    # Operations, units, turnover, arrears.
    operasional = np.where(w >= k["operasi_pada"], 2, np.where(w >= k["uji_pada"], 1, 0)).astype(np.int8)
    sejak_operasi = np.maximum(0.0, w - k["operasi_pada"])
    gerai = np.select([operasional == 2, operasional == 1],
                      [np.minimum(k["gerai_maks"], 2 + sejak_operasi // 3), 1 + (k["gerai_maks"] >= 5)], 0)
    jalan = operasional > 0
    nilai_omzet = k["omzet_dasar"] * np.where(operasional == 2, gerai / 4, 0.3) * np.exp(rng.normal(0, 0.15, n))
    omzet = np.where(k["bertransaksi"], np.round(nilai_omzet, -3), 0.0)
    omzet_kosong = ~jalan | (rng.random(n) < np.where(k["bertransaksi"], 0.08, 0.3))
    sp_jalan = (operasional == 2) & k["simpan_pinjam"] & (gerai >= 3)
    tunggakan = np.clip(k["tunggakan_dasar"] * np.exp(rng.normal(0, 0.2, n)), 0, 100).round(1)
    tunggakan = np.where(sp_jalan & (rng.random(n) > 0.1), tunggakan, np.nan)

    anggota = 9 + np.round(k["anggota_dasar"] * np.exp(0.012 * w) * np.where(operasional == 2, 1.6, 1.0))
    pengurus = (w >= k["t_pengurus"]) & ~((w >= k["lepas0"]) & (w < k["lepas1"]))

    # Reports: missing by region, far more in stalled kabupaten; a few whole kabupaten
    # absent in a week; the calibrated areas complete in the last week.
    macet_kini = k["macet"] & (w >= k["macet_sejak"])
    p_hilang = k["miss"] + np.where(macet_kini, 0.3, 0.0)
    kab_absen = rng.random(int(k["n_kab"])) < 0.01
    ada = (rng.random(n) >= p_hilang) & ~kab_absen[k["kab"]]
    if w == 0:
        ada |= k["lengkap_akhir"]

    tanggal = minggu + timedelta(days=int(rng.choice([2, 3, 4, 4, 4])))
    telat = k["suka_telat"] | (macet_kini & (rng.random(n) < 0.5))
    lag = np.where(telat, rng.integers(14, 43, n), rng.integers(0, 7, n))
    laporan_kosong = rng.random(n) < 0.02

    return dict(
        ada=ada, tanggal=tanggal, tahap=tahap, progres=progres, lahan=lahan, kendala=kendala,
        operasional=operasional, gerai=gerai.astype(np.int64), omzet=omzet, omzet_kosong=omzet_kosong,
        tunggakan=tunggakan, anggota=anggota.astype(np.int64), pengurus=pengurus, lag=lag,
        laporan_kosong=laporan_kosong,
        musdesus=w >= k["t_musdesus"], pendamping_ba=w >= k["t_ba"], badan_hukum=w >= k["t_bh"],
        nib=w >= k["t_nib"], npwp=w >= k["t_npwp"], rekening_bank=w >= k["t_bank"],
        masuk_portal=w >= k["t_portal"],
    )


def _ejaan_indonesia(minggu: date) -> bool:
    """A few weeks arrive spelled as a spreadsheet would ('ya'/'tidak', 'Tenaga kerja'),
    to exercise the parser; never the last week."""
    return minggu != MINGGU_TERAKHIR and minggu.toordinal() // 7 % 6 == 1


def _frame(k: dict[str, np.ndarray], s: dict[str, np.ndarray], pilih: np.ndarray, minggu: date) -> pd.DataFrame:
    """The raw snapshot frame (contract columns, typed) for the rows in `pilih`."""
    ada = s["ada"] & pilih
    idx = np.flatnonzero(ada)
    m = len(idx)
    ambil = lambda a: a[idx]
    teks = lambda nilai, kode: pd.array(np.asarray(nilai, dtype=object)[ambil(kode)], dtype="str")
    tanggal = np.datetime64(s["tanggal"], "D")
    lapor = (tanggal - ambil(s["lag"]).astype("timedelta64[D]")).astype("datetime64[us]")
    lapor = np.where(ambil(s["laporan_kosong"]), np.datetime64("NaT"), lapor).astype("datetime64[us]")
    omzet = pd.array(ambil(s["omzet"]).astype(np.int64), dtype="Int64")
    omzet[ambil(s["omzet_kosong"])] = pd.NA
    ejaan = _ejaan_indonesia(minggu)
    bool_ = lambda a: (pd.array(np.where(ambil(a), "ya", "tidak"), dtype="str") if ejaan else ambil(a))
    kendala_nilai = ([kontrak.LABEL_NILAI["kendala_utama"][x] for x in _KENDALA] if ejaan else _KENDALA)

    return pd.DataFrame({
        "tanggal_data": np.full(m, tanggal).astype("datetime64[us]"),
        "kode_koperasi": pd.array(ambil(k["kode_koperasi"]), dtype="str"),
        "nama_koperasi": pd.array(ambil(k["nama_koperasi"]), dtype="str"),
        "kode_desa": pd.array(ambil(k["kode_desa"]), dtype="str"),
        "latitude": ambil(k["latitude"]),
        "longitude": ambil(k["longitude"]),
        "musdesus": bool_(s["musdesus"]),
        "pengurus_lengkap": bool_(s["pengurus"]),
        "jumlah_anggota": ambil(s["anggota"]),
        "pendamping_ba": bool_(s["pendamping_ba"]),
        "badan_hukum": ambil(s["badan_hukum"]),
        "nib": ambil(s["nib"]),
        "npwp": ambil(s["npwp"]),
        "rekening_bank": ambil(s["rekening_bank"]),
        "masuk_portal": ambil(s["masuk_portal"]),
        "status_lahan": teks(_LAHAN, s["lahan"]),
        "tahap_pembangunan": teks(_TAHAP, s["tahap"]),
        "progres_fisik": ambil(s["progres"]),
        "kendala_utama": teks(kendala_nilai, s["kendala"]),
        "status_operasional": teks(_OPERASIONAL, s["operasional"]),
        "gerai_aktif": ambil(s["gerai"]),
        "omzet_bulanan": omzet,
        "tunggakan_persen": ambil(s["tunggakan"]),
        "laporan_terakhir": lapor,
    })


def _pilihan_wilayah(kode_desa: np.ndarray, wilayah_kode: list[str] | None) -> np.ndarray:
    if not wilayah_kode:
        return np.ones(len(kode_desa), dtype=bool)
    kode = pd.Series(kode_desa, dtype="str")
    pilih = np.zeros(len(kode_desa), dtype=bool)
    for w in wilayah_kode:
        normal = wilayah.normalisasi_kode(w) or str(w)
        pilih |= ((kode == normal) | kode.str.startswith(normal + ".")).to_numpy()
    return pilih


def daftar_minggu(jumlah_minggu: int = 26) -> list[date]:
    """The demo weeks (Mondays), oldest first, ending on MINGGU_TERAKHIR."""
    if jumlah_minggu < 1:
        raise ValueError("jumlah_minggu harus paling sedikit 1.")
    return [MINGGU_TERAKHIR - timedelta(weeks=i) for i in range(jumlah_minggu - 1, -1, -1)]


def frame_minggu_semua(jumlah_minggu: int = 26, seed: int = SEED_BAWAAN,
                       wilayah_kode: list[str] | None = None) -> Iterator[tuple[date, pd.DataFrame]]:
    """Yield (minggu, raw frame) oldest first: the contract columns, one row per koperasi
    that reported that week; `wilayah_kode` keeps only the desa under these codes (the
    rows are the same as in the national data)."""
    k = _keadaan(int(seed))
    pilih = _pilihan_wilayah(k["kode_desa"], wilayah_kode)
    for minggu in daftar_minggu(jumlah_minggu):
        yield minggu, _frame(k, _minggu(k, minggu, int(seed)), pilih, minggu)


def _simpan_antara(con) -> None:
    """Commit the week and open the next transaction. DuckDB keeps a transaction's
    inserted rows in memory (a national week is below one row group, so nothing is written
    early): one transaction over 26 weeks peaked at 1.25 GB, per-week commits at 0.65 GB
    (measured). All-or-nothing still holds: penulisan writes a private copy that replaces
    the live file only at the end, and discards it on any exception."""
    import duckdb

    try:
        con.execute("COMMIT")
    except duckdb.TransactionException:  # the writer runs without an open transaction
        return
    con.execute("BEGIN TRANSACTION")


def bangun(db_path: str | os.PathLike, jumlah_minggu: int = 26, seed: int = SEED_BAWAAN,
           wilayah_kode: list[str] | None = None,
           progres: Callable[[float, str], None] | None = None) -> None:
    """(Re)build the database at db_path with the demo weeks, through the same validation
    and load path as a real file; `progres(fraksi, pesan)` is told after every week."""
    from kdkmp import ingest, rules, snapshot, store  # imported here: the generator works without them

    with store.penulisan(db_path, baru=True) as con:
        for i, (minggu, frame) in enumerate(frame_minggu_semua(jumlah_minggu, seed, wilayah_kode), start=1):
            hasil = snapshot.validasi_frame(frame, minggu=minggu)
            store.muat_minggu(con, hasil, nama_file=f"demo_{minggu}.csv", isi_file=None,
                              dimuat_oleh="demo", ganti=True)
            _simpan_antara(con)
            if progres is not None:
                progres(i / (jumlah_minggu + 1), f"Membangun data demo: minggu {i} dari {jumlah_minggu}")
        if progres is not None:
            progres(jumlah_minggu / (jumlah_minggu + 1), "Menilai zona semua minggu")
        aturan = rules.muat_aturan()
        ingest.skor_ulang_semua(con, aturan)
        con.execute("UPDATE batch SET versi_aturan = ?", [aturan.versi])
        if progres is not None:
            progres(1.0, "Selesai")
