"""Rapat mingguan: the figures of one area's weekly meeting and its headline sentences.

`susun` gathers them from the queries (so scope and caching work as everywhere); `kalimat_utama`
writes the sentences from those figures alone, a plain function tested against a hand-written
scenario. The tables (`pareto`, `tabel_kendala`, `nasib_merah_lalu`) are plain functions over
query results too, so the page and the brief show the same rows.

Decisions, each in one line:
- Last week's merah list is the koperasi merah last week in the area (as queries.masih_merah
  counts them), each with its fate now (NASIB): still merah with a report, still merah without one
  (a lateness gate, or silence that never improves on the last report), silent and grey, kuning,
  hijau; that order, because the first need the meeting most and a silent one is not known to have
  recovered.
- Within a fate the longest in merah comes first (its weeks in merah now, or up to last week for
  one that left), then a gate before a score, then the lowest score: the meeting's "who has waited
  longest" before the intervention list's "gates first".
- The headline's movements add up to this week's merah: every koperasi merah now was merah last
  week too ("masih merah"), or is baru merah, or kembali merah (definisi_pergerakan); of kembali
  merah, those silent last week are named apart: merah again once they report, not a relapse.
- A reason is named by what is wrong, for many koperasi at once ("Belum NIB", rules.cek.uraikan_masalah),
  not by the rule it fails ("NIB = sudah" read aloud sounds like the opposite).
- Reasons are shown only for those still merah: they are what keeps it merah; a koperasi that left
  has none that matter to this list.
- Bottlenecks (kendala_utama) are counted over every reporting koperasi, as summary --json and the
  area page count them, so the columns add up to those numbers; "tidak ada" is kept apart, and the
  bottleneck columns go most frequent first across the area (a Pareto)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from kdkmp import format as fmt
from kdkmp import akses, kontrak, queries, rules
from kdkmp import wilayah as ref
from kdkmp.rules.cek import uraikan_masalah


@dataclass(frozen=True)
class AnakRapat:
    """A child area (kabupaten of a province, …) as the meeting compares them."""
    nama: str
    dinilai: int  # koperasi with a zone this week (not grey)
    merah: int
    merah_lalu: int | None

    @property
    def persen_merah(self) -> float | None:
        return 100 * self.merah / self.dinilai if self.dinilai else None


@dataclass(frozen=True)
class DataRapat:
    nama: str              # "Provinsi Nusa Tenggara Barat", or "Nasional"
    minggu: date
    dinilai: int           # koperasi with a zone this week
    merah: int
    merah_lalu: int | None  # None: no loaded week before
    pergerakan: dict[str, int]  # definisi_pergerakan's keys: the engine's three and kembali_merah
    anak: list[AnakRapat] = field(default_factory=list)
    tingkat_anak: str = "kabupaten/kota"
    peringkat: tuple[int, int, str] | None = None  # (position, out of, peers' level), 1 = most merah
    persen_nasional: float | None = None
    masih_merah: tuple[int, int] | None = None      # (merah last week, of which still merah)
    minggu_kronis: int = 4
    kembali_setelah_diam: int = 0  # of kembali_merah, those grey last week (hitung_kembali_merah)
    # The tables (frames: compare=False, as frames have no truth value). None: not for this area
    # (a desa has no children; the list needs a week before and a scope holding the area).
    alasan: pd.DataFrame | None = field(default=None, compare=False)            # pareto()
    kendala: pd.DataFrame | None = field(default=None, compare=False)           # tabel_kendala()
    daftar_merah_lalu: pd.DataFrame | None = field(default=None, compare=False)  # nasib_merah_lalu()

    @property
    def persen_merah(self) -> float | None:
        return 100 * self.merah / self.dinilai if self.dinilai else None


def _arah(selisih: int) -> str:
    return "naik" if selisih > 0 else "turun"


def kalimat_utama(d: DataRapat) -> list[str]:
    """The meeting's headline, one sentence per question: how red now and what moved, where it is
    worst, where it moved most, how the area stands among its peers, what became of last week's list."""
    kalimat = []
    persen = (f"{fmt.persen(d.persen_merah)} dari {fmt.angka(d.dinilai)} koperasi yang dinilai" if d.dinilai
              else "tidak ada koperasi yang dinilai minggu ini")
    if d.merah_lalu is None:
        awal = f"Merah {fmt.angka(d.merah)} ({persen})"
    elif d.merah == d.merah_lalu:
        awal = f"Merah tetap {fmt.angka(d.merah)} ({persen})"
    else:
        awal = f"Merah {_arah(d.merah - d.merah_lalu)} {fmt.angka(abs(d.merah - d.merah_lalu))} menjadi {fmt.angka(d.merah)} ({persen})"
    gerak = d.pergerakan
    bagian = [f"{fmt.angka(gerak['baru_merah'])} baru merah"]
    if "kembali_merah" in gerak and d.merah_lalu is not None:  # without a week before, every merah is baru
        bagian.append(teks_kembali_merah(gerak["kembali_merah"], d.kembali_setelah_diam))
    bagian += [f"{fmt.angka(gerak['pulih'])} pulih", f"{fmt.angka(gerak['merah_kronis'])} merah kronis "
               f"(≥ {d.minggu_kronis} minggu)"]
    kalimat.append(f"{awal}; {', '.join(bagian)}.")
    dinilai = [a for a in d.anak if a.dinilai]
    if dinilai:
        terberat = max(dinilai, key=lambda a: (a.persen_merah, a.merah))
        if terberat.merah:
            kalimat.append(f"{terberat.nama} paling berat: {fmt.persen(terberat.persen_merah)} merah "
                           f"({fmt.angka(terberat.merah)} koperasi).")
        else:  # none is "heaviest" at 0 %
            kalimat.append(f"Tidak ada {d.tingkat_anak} dengan koperasi merah.")
    bergerak = [a for a in d.anak if a.merah_lalu is not None and a.merah != a.merah_lalu]
    if bergerak:
        a = max(bergerak, key=lambda a: (abs(a.merah - a.merah_lalu), a.merah))
        kalimat.append(f"{a.nama} paling banyak bergerak: merah {_arah(a.merah - a.merah_lalu)} "
                       f"{fmt.angka(abs(a.merah - a.merah_lalu))} menjadi {fmt.angka(a.merah)}.")
    elif dinilai and d.merah_lalu is not None:
        kalimat.append(f"Tidak ada {d.tingkat_anak} yang jumlah merahnya berubah.")
    if d.peringkat is not None:
        posisi, dari, tingkat = d.peringkat
        banding = f"; nasional {fmt.persen(d.persen_nasional)}" if d.persen_nasional is not None else ""
        kalimat.append(f"Peringkat {posisi} dari {dari} {tingkat} menurut persentase merah (1 = terberat){banding}.")
    if d.masih_merah is not None and d.masih_merah[0]:
        lalu, masih = d.masih_merah
        kalimat.append(f"Dari {fmt.angka(lalu)} koperasi merah minggu lalu, {fmt.angka(masih)} masih merah "
                       f"({fmt.rasio_persen(masih, lalu)}).")
    return kalimat


def label_alasan(aturan: rules.Aturan) -> dict[str, str]:
    """A reason's id as the meeting names it, said as the problem and not as the rule (read aloud,
    "NIB = sudah" sounds like the opposite of what is wrong): a gate by its text, a check family
    (the ids reasons carry, see rules.keluarga_cek) once, by what is wrong when it fails, for many
    koperasi at once (uraikan_masalah: "Belum NIB", "Status lahan bukan siap"), its pillar after it."""
    label = {g.id: g.teks for g in aturan.model.gerbang}
    for p in aturan.model.pilar.values():
        for k in rules.keluarga_cek(p):
            masalah = uraikan_masalah(k)
            label[k[0].id] = f"{masalah[:1].upper()}{masalah[1:]} ({p.label})"
    # one id for both holds the engine writes (rules.kompilasi._sql_penjelasan_ditahan)
    label["stabilitas"] = ("Zona ditahan: belum cukup minggu laporan yang memenuhi syarat, atau tidak melapor "
                           "(zona tidak membaik tanpa laporan)")
    return label


BARIS_PARETO = 8  # the reasons the meeting reads: the rest is the long tail


def pareto(alasan: pd.DataFrame, anak: pd.DataFrame, label: dict[str, str], merah: int,
           n: int = BARIS_PARETO) -> pd.DataFrame:
    """The reasons behind the area's merah, most frequent first: Alasan, Koperasi merah, % merah (a
    koperasi has several reasons: the shares add up past 100 %), and per child area its count.
    `alasan` is queries.alasan_merah_per_anak, `anak` the children (kode, nama)."""
    if alasan.empty or not merah:
        return pd.DataFrame(columns=["Alasan", "Koperasi merah", "% merah"])
    jumlah = alasan.groupby("id")["jumlah"].sum().sort_values(ascending=False, kind="stable").head(n)
    tabel = pd.DataFrame({"Alasan": [label.get(i, i) for i in jumlah.index], "Koperasi merah": jumlah.to_numpy(),
                          "% merah": (100 * jumlah.to_numpy() / merah).round(1)})
    nama = dict(zip(anak["kode"], anak["nama"]))
    per_anak = alasan[alasan["id"].isin(jumlah.index)].pivot_table(index="id", columns="kode", values="jumlah",
                                                                  aggfunc="sum", fill_value=0)
    # the children with the most merah reasons first, so the heaviest columns are on the left
    urut = per_anak.sum().sort_values(ascending=False, kind="stable").index
    for kode in urut:
        tabel[nama.get(kode, kode)] = per_anak[kode].reindex(jumlah.index, fill_value=0).to_numpy()
    return tabel


# ---------------------------------------------------------------- what blocks them

LABEL_KENDALA = kontrak.LABEL_NILAI["kendala_utama"]
KENDALA_TIDAK_ADA = "tidak_ada"


def tabel_kendala(kendala: pd.DataFrame, anak: pd.DataFrame) -> pd.DataFrame:
    """The main bottleneck per child area: Wilayah, Melapor, one column per bottleneck (most
    frequent across the area first), Tidak ada, Kendala terbanyak (the child's most frequent
    bottleneck, ties to the area's order; None when it reports none). Children with a report this
    week, the most with a bottleneck first. `kendala` is queries.kendala_per_anak, `anak` the
    children (kode, nama)."""
    hambatan = [k for k in kontrak.ENUM_KENDALA if k != KENDALA_TIDAK_ADA]
    per_anak = (kendala.pivot_table(index="kode", columns="kendala_utama", values="jumlah", aggfunc="sum", fill_value=0)
                .reindex(columns=list(kontrak.ENUM_KENDALA), fill_value=0) if not kendala.empty
                else pd.DataFrame(columns=list(kontrak.ENUM_KENDALA), dtype="int64"))
    urut = per_anak[hambatan].sum().sort_values(ascending=False, kind="stable").index.tolist()
    per_anak = per_anak[per_anak.sum(axis=1) > 0]
    dengan = per_anak[urut].sum(axis=1)
    per_anak = per_anak.assign(_dengan=dengan, _melapor=per_anak.sum(axis=1)).sort_values(
        ["_dengan", "_melapor"], ascending=False, kind="stable")
    nama = dict(zip(anak.get("kode", ()), anak.get("nama", ())))
    tabel = pd.DataFrame({"Wilayah": [nama.get(k, k) for k in per_anak.index],
                          "Melapor": per_anak["_melapor"].astype("int64").to_numpy()})
    for k in [*urut, KENDALA_TIDAK_ADA]:
        tabel[LABEL_KENDALA[k]] = per_anak[k].astype("int64").to_numpy()
    # idxmax takes the first maximum: the area's order breaks a tie
    terbanyak = per_anak[urut].astype("int64").idxmax(axis=1) if len(per_anak) else pd.Series(dtype="object")
    tabel["Kendala terbanyak"] = [LABEL_KENDALA[k] if n else None
                                  for k, n in zip(terbanyak, per_anak["_dengan"])]
    return tabel


# ---------------------------------------------------------------- last week's merah, a week on

# Fates in the order the meeting goes through them (the module's docstring says why).
NASIB = {"masih_merah": "Masih merah", "merah_tanpa_laporan": "Masih merah (tanpa laporan)",
         "tidak_melapor": "Tidak melapor", "kuning": "Kini kuning", "hijau": "Kini hijau"}


def _nasib(zona: str | None, melapor: bool) -> str:
    if zona == "merah":
        return "masih_merah" if melapor else "merah_tanpa_laporan"
    return zona if zona in ("kuning", "hijau") else "tidak_melapor"


def nasib_merah_lalu(df: pd.DataFrame) -> pd.DataFrame:
    """Last week's merah koperasi with their fate now, in the meeting's order: kode_koperasi,
    nama_koperasi, desa, kecamatan, kabupaten, nasib (a NASIB key), status (its label), zona,
    melapor, minggu_merah (weeks in merah: until now, or until last week for one that left),
    alasan_utama, alasan (every reason, "; "), langkah_berikut; the last three only for those still
    merah. `df` is queries.merah_minggu_lalu."""
    kolom = ["kode_koperasi", "nama_koperasi", "desa", "kecamatan", "kabupaten", "nasib", "status", "zona", "melapor",
             "minggu_merah", "alasan_utama", "alasan", "langkah_berikut"]
    if df.empty:
        return pd.DataFrame(columns=kolom)
    nasib = [_nasib(z if isinstance(z, str) else None, bool(m)) for z, m in zip(df["zona"], df["melapor"])]
    merah = df["zona"].eq("merah").to_numpy()
    alasan = [list(a) if m and a is not None and len(a) else [] for a, m in zip(df["alasan"], merah)]
    hasil = pd.DataFrame({
        "kode_koperasi": df["kode_koperasi"].to_numpy(), "nama_koperasi": df["nama_koperasi"].to_numpy(),
        "desa": df["desa"].to_numpy(), "kecamatan": df["kecamatan"].to_numpy(), "kabupaten": df["kabupaten"].to_numpy(),
        "nasib": nasib, "status": [NASIB[n] for n in nasib], "zona": df["zona"].to_numpy(),
        "melapor": df["melapor"].astype(bool).to_numpy(),
        "minggu_merah": df["minggu_di_zona"].where(merah, df["minggu_merah_lalu"]).astype("Int64").to_numpy(),
        "alasan_utama": [a[0] if a else None for a in alasan],
        "alasan": ["; ".join(a) if a else None for a in alasan],
        "langkah_berikut": df["langkah_berikut"].where(merah, None).to_numpy(),
        "_urut": [list(NASIB).index(n) for n in nasib], "_gerbang": df["bergerbang"].fillna(False).to_numpy(),
        "_skor": df["skor_total"].to_numpy()})
    hasil = hasil.sort_values(["_urut", "minggu_merah", "_gerbang", "_skor", "kode_koperasi"],
                              ascending=[True, False, False, True, True], na_position="first", kind="stable")
    return hasil[kolom].reset_index(drop=True)


def hitung_nasib(daftar: pd.DataFrame) -> dict[str, int]:
    """How many of last week's merah met each fate, every NASIB key in its order (0 included)."""
    hitung = daftar["nasib"].value_counts() if not daftar.empty else {}
    return {n: int(hitung.get(n, 0)) for n in NASIB}


def kalimat_nasib(daftar: pd.DataFrame) -> str:
    """'Dari 7 koperasi merah minggu lalu: 3 masih merah, …, 1 kini hijau.' (fates met only)."""
    if daftar.empty:
        return "Tidak ada koperasi merah minggu lalu."
    bagian = [f"{fmt.angka(n)} {NASIB[k][0].lower()}{NASIB[k][1:]}" for k, n in hitung_nasib(daftar).items() if n]
    return f"Dari {fmt.angka(len(daftar))} koperasi merah minggu lalu: {', '.join(bagian)}."


def urutan_merah(sejawat: pd.DataFrame, kode: str) -> tuple[int, int] | None:
    """(position, out of) of `kode` among areas of one level (queries.zona_per_anak) by share of
    merah among those zoned, worst first (1 = most merah); areas without a zoned koperasi are not
    ranked. None when `kode` is not among them."""
    urut = sejawat[sejawat["melapor"] > 0].sort_values(["persen_merah", "merah"], ascending=False, kind="stable")
    kode_urut = list(urut["kode"])
    return (kode_urut.index(kode) + 1, len(kode_urut)) if kode in kode_urut else None


# ---------------------------------------------------------------- movement: what adds up to this week's merah

def definisi_pergerakan(aturan: rules.Aturan) -> dict[str, tuple[str, str]]:
    """The meeting's movements, {jenis: (judul, definisi)}: the engine's (rules.definisi_pergerakan,
    stored per row) with kembali merah after baru merah. Every koperasi merah this week is exactly
    one of: merah last week too (the headline's "masih merah"), baru merah, kembali merah; so the
    headline's counts add up to this week's merah. Kembali merah is counted by hitung_kembali_merah."""
    dasar = rules.definisi_pergerakan(aturan)
    kembali = ("Kembali merah",
               "Merah minggu ini dan tidak merah minggu lalu (kuning, hijau, atau tidak melapor), tetapi merah "
               f"pada {aturan.model.pergerakan.minggu_baru_merah} minggu berzona sebelumnya, jadi bukan baru merah; "
               "yang minggu lalu tidak melapor disebut tersendiri (merah lagi begitu melapor, bukan kambuh). "
               "Merah minggu ini = yang masih merah dari minggu lalu + baru merah + kembali merah.")
    return {"baru_merah": dasar["baru_merah"], "kembali_merah": kembali,
            **{j: v for j, v in dasar.items() if j != "baru_merah"}}


def teks_kembali_merah(kembali: int, setelah_diam: int) -> str:
    """'2 kembali merah (1 setelah tidak melapor)', as the headline and the area views say it."""
    diam = f" ({fmt.angka(setelah_diam)} setelah tidak melapor)" if setelah_diam else ""
    return f"{fmt.angka(kembali)} kembali merah{diam}"


@queries.tercakup("agregat")  # a count, public nationally as the other movement counts
def hitung_kembali_merah(con: duckdb.DuckDBPyConnection, minggu: date | None = None,
                         wilayah: str | None = None) -> tuple[int, int]:
    """(kembali merah, of which grey last week): the area's koperasi meeting
    queries.SYARAT_KEMBALI_MERAH, the condition the intervention list filters them by. (0, 0)
    without a week before: then every merah is baru merah."""
    minggu = minggu or queries.minggu_terakhir(con)
    lalu = queries.minggu_sebelumnya(con, minggu) if minggu else None
    if lalu is None:
        return 0, 0
    syarat, param = queries.saring_wilayah(wilayah, "k")
    jumlah, diam = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE l.zona = '{rules.TIDAK_MELAPOR}')
        FROM zona k LEFT JOIN zona l ON l.kode_koperasi = k.kode_koperasi AND l.minggu = $lalu
        WHERE k.minggu = $minggu AND {queries.SYARAT_KEMBALI_MERAH} AND {syarat}""",
        {**param, "minggu": minggu, "lalu": lalu}).fetchall()[0]
    return int(jumlah), int(diam)


def _anak(df: pd.DataFrame, lalu: pd.DataFrame | None) -> list[AnakRapat]:
    merah_lalu = dict(zip(lalu["kode"], lalu["merah"])) if lalu is not None else {}
    return [AnakRapat(nama=r.nama, dinilai=int(r.melapor), merah=int(r.merah),
                      merah_lalu=int(merah_lalu[r.kode]) if r.kode in merah_lalu else None)
            for r in df.itertuples()]


@queries.tercakup("koperasi")  # takes the scope itself and hands it to every query it reads
def susun(con: duckdb.DuckDBPyConnection, minggu: date | None = None, wilayah: str | None = None,
          *, cakupan: str | None = None) -> DataRapat:
    """The meeting's figures for an area and week, read through the scoped queries."""
    jumlah = queries.hitung_zona(con, minggu, wilayah, cakupan=cakupan)
    minggu = minggu or queries.minggu_terakhir(con)
    lalu = jumlah["minggu_lalu"]
    w = ref.cari(wilayah) if wilayah else None
    dinilai = jumlah["jumlah"] - jumlah["zona"]["tidak_melapor"]
    anak = pd.DataFrame()
    if w is None or w.tingkat != "desa":
        anak = queries.zona_per_anak(con, minggu, wilayah, cakupan=cakupan)
    anak_lalu = queries.zona_per_anak(con, lalu, wilayah, cakupan=cakupan) if lalu and not anak.empty else None
    peringkat, persen_nasional = None, None
    if w is not None and w.tingkat != "desa":
        nasional = queries.hitung_zona(con, minggu, None, cakupan=cakupan)  # national totals are public
        dinilai_nasional = nasional["jumlah"] - nasional["zona"]["tidak_melapor"]
        persen_nasional = 100 * nasional["zona"]["merah"] / dinilai_nasional if dinilai_nasional else None
        # among its peers (the other children of its parent), by share of merah, worst first; a
        # scope that may not see its parent's children gets no rank rather than other areas' data
        try:
            sejawat = queries.zona_per_anak(con, minggu, ref.induk(w.kode), cakupan=cakupan)
        except akses.AksesDitolak:
            sejawat = None
        posisi = urutan_merah(sejawat, w.kode) if sejawat is not None else None
        if posisi is not None:
            peringkat = (*posisi, ref.LABEL_TINGKAT[w.tingkat].lower())
    tingkat_anak = {None: "provinsi", "provinsi": "kabupaten/kota", "kabupaten": "kecamatan",
                    "kecamatan": "desa/kelurahan"}.get(w.tingkat if w else None, "desa/kelurahan")
    aturan = rules.muat_aturan()
    alasan, kendala = None, None
    if w is None or w.tingkat != "desa":
        merah = jumlah["zona"]["merah"]
        alasan = pareto(queries.alasan_merah_per_anak(con, minggu, wilayah, cakupan=cakupan) if merah else pd.DataFrame(),
                        anak, label_alasan(aturan), merah)
        kendala = tabel_kendala(queries.kendala_per_anak(con, minggu, wilayah, cakupan=cakupan), anak)
    daftar_merah_lalu, masih_merah = None, None
    if lalu:
        # a list of koperasi: only inside the scope (a province's user at the national meeting
        # gets the counts, which are public, and no list)
        try:
            daftar_merah_lalu = nasib_merah_lalu(queries.merah_minggu_lalu(con, minggu, wilayah, cakupan=cakupan))
            masih_merah = (len(daftar_merah_lalu), int(daftar_merah_lalu["zona"].eq("merah").sum()))
        except akses.AksesDitolak:
            masih_merah = queries.masih_merah(con, minggu, wilayah, cakupan=cakupan)
    kembali, kembali_diam = hitung_kembali_merah(con, minggu, wilayah, cakupan=cakupan)
    gerak = {**queries.hitung_pergerakan(con, minggu, wilayah, cakupan=cakupan), "kembali_merah": kembali}
    pergerakan = {j: gerak[j] for j in definisi_pergerakan(aturan)}
    return DataRapat(
        nama="Nasional" if w is None else w.judul,
        minggu=minggu, dinilai=dinilai,
        merah=jumlah["zona"]["merah"], merah_lalu=jumlah["zona_lalu"]["merah"] if jumlah["zona_lalu"] else None,
        pergerakan=pergerakan,
        anak=_anak(anak, anak_lalu) if not anak.empty else [], tingkat_anak=tingkat_anak,
        peringkat=peringkat, persen_nasional=persen_nasional,
        masih_merah=masih_merah, minggu_kronis=aturan.model.pergerakan.minggu_kronis,
        kembali_setelah_diam=kembali_diam,
        alasan=alasan, kendala=kendala, daftar_merah_lalu=daftar_merah_lalu)


# ---------------------------------------------------------------- follow-up (kdkmp.tindaklanjut)

@dataclass(frozen=True)
class TindakLanjutRapat:
    """What the meeting asks of the follow-up: did it help (efektivitas), and what is overdue."""
    efektivitas: pd.DataFrame = field(compare=False)          # tindaklanjut.efektivitas
    terlambat_kabupaten: pd.DataFrame = field(compare=False)  # tindaklanjut.terlambat_per_kabupaten
    terlambat_pic: pd.DataFrame = field(compare=False)        # tindaklanjut.terlambat_per_pic


@queries.tercakup("koperasi")
def tindak_lanjut(con: duckdb.DuckDBPyConnection, wilayah: str | None, hari: date, tanda: tuple,
                  *, cakupan: str | None = None) -> TindakLanjutRapat:
    """The follow-up figures of an area. `hari` decides what is overdue; `tanda`
    (catatan.tanda_tindakan()) is only part of the cache key: the actions live in the state store,
    whose changes the DuckDB file's identity does not follow."""
    from kdkmp import tindaklanjut

    return TindakLanjutRapat(
        efektivitas=tindaklanjut.efektivitas(con, wilayah, cakupan=cakupan),
        terlambat_kabupaten=tindaklanjut.terlambat_per_kabupaten(cakupan=cakupan, wilayah=wilayah, hari=hari),
        terlambat_pic=tindaklanjut.terlambat_per_pic(cakupan=cakupan, wilayah=wilayah, hari=hari))


def tabel_efektivitas(df: pd.DataFrame, jendela: tuple[int, ...] = (4, 8)) -> pd.DataFrame:
    """For people: per area, with and without an action, how many merah koperasi were observed N
    weeks and the share that left merah ("3 dari 5 (60,0 %)"), the area's own total last."""
    baris = []
    for r in df.to_dict("records"):
        b = {"Wilayah": r["nama"]}
        for n in jendela:
            for kel, label in (("dengan", "dengan tindak lanjut"), ("tanpa", "tanpa tindak lanjut")):
                jumlah, keluar = int(r[f"{kel}_{n}"]), int(r[f"{kel}_keluar_{n}"])
                b[f"Keluar merah ≤ {n} minggu, {label}"] = (
                    f"{fmt.angka(keluar)} dari {fmt.angka(jumlah)} ({fmt.rasio_persen(keluar, jumlah)})" if jumlah else "–")
        baris.append(b)
    return pd.DataFrame(baris)
