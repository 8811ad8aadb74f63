"""Rapat mingguan: the figures of one area's weekly meeting and its headline sentences.

`susun` gathers them from the queries (so scope and caching work as everywhere); `kalimat_utama`
writes the sentences from those figures alone, a plain function tested against a hand-written
scenario."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from kdkmp import format as fmt
from kdkmp import akses, queries, rules
from kdkmp import wilayah as ref


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
    pergerakan: dict[str, int]
    anak: list[AnakRapat] = field(default_factory=list)
    tingkat_anak: str = "kabupaten/kota"
    peringkat: tuple[int, int, str] | None = None  # (position, out of, peers' level), 1 = most merah
    persen_nasional: float | None = None
    masih_merah: tuple[int, int] | None = None      # (merah last week, of which still merah)
    minggu_kronis: int = 4

    @property
    def persen_merah(self) -> float | None:
        return 100 * self.merah / self.dinilai if self.dinilai else None


def _arah(selisih: int) -> str:
    return "naik" if selisih > 0 else "turun"


def kalimat_utama(d: DataRapat) -> list[str]:
    """The meeting's headline, one sentence per question: how red now and what moved, where it is
    worst, where it moved most, how the area stands among its peers, what became of last week's list."""
    kalimat = []
    persen = f"{fmt.persen(d.persen_merah)} dari {fmt.angka(d.dinilai)} koperasi yang dinilai"
    if d.merah_lalu is None:
        awal = f"Merah {fmt.angka(d.merah)} ({persen})"
    elif d.merah == d.merah_lalu:
        awal = f"Merah tetap {fmt.angka(d.merah)} ({persen})"
    else:
        awal = f"Merah {_arah(d.merah - d.merah_lalu)} {fmt.angka(abs(d.merah - d.merah_lalu))} menjadi {fmt.angka(d.merah)} ({persen})"
    gerak = d.pergerakan
    kalimat.append(f"{awal}; {fmt.angka(gerak['baru_merah'])} baru merah, {fmt.angka(gerak['pulih'])} pulih, "
                   f"{fmt.angka(gerak['merah_kronis'])} merah kronis (≥ {d.minggu_kronis} minggu).")
    dinilai = [a for a in d.anak if a.dinilai]
    if dinilai:
        terberat = max(dinilai, key=lambda a: (a.persen_merah, a.merah))
        kalimat.append(f"{terberat.nama} paling berat: {fmt.persen(terberat.persen_merah)} merah "
                       f"({fmt.angka(terberat.merah)} koperasi).")
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
    """A reason's id as the meeting names it: a gate by its text, a check family by its pillar and
    what it checks (the ids reasons carry, see rules.keluarga_cek)."""
    label = {g.id: g.teks for g in aturan.model.gerbang}
    for p in aturan.model.pilar.values():
        for k in rules.keluarga_cek(p):
            label[k[0].id] = f"{p.label}: " + "; ".join(rules.uraikan_syarat(i) for i in k)
    label["stabilitas"] = "Masih dalam masa stabilitas (belum cukup minggu memenuhi syarat)"
    return label


def pareto(alasan: pd.DataFrame, anak: pd.DataFrame, label: dict[str, str], merah: int, n: int = 8) -> pd.DataFrame:
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


def urutan_merah(sejawat: pd.DataFrame, kode: str) -> tuple[int, int] | None:
    """(position, out of) of `kode` among areas of one level (queries.zona_per_anak) by share of
    merah among those zoned, worst first (1 = most merah); areas without a zoned koperasi are not
    ranked. None when `kode` is not among them."""
    urut = sejawat[sejawat["melapor"] > 0].sort_values(["persen_merah", "merah"], ascending=False, kind="stable")
    kode_urut = list(urut["kode"])
    return (kode_urut.index(kode) + 1, len(kode_urut)) if kode in kode_urut else None


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
    return DataRapat(
        # a kabupaten/kota's own name already says which it is ("Kota Bima")
        nama=("Nasional" if w is None else w.nama if w.tingkat == "kabupaten" else f"{ref.LABEL_TINGKAT[w.tingkat]} {w.nama}"),
        minggu=minggu, dinilai=dinilai,
        merah=jumlah["zona"]["merah"], merah_lalu=jumlah["zona_lalu"]["merah"] if jumlah["zona_lalu"] else None,
        pergerakan=queries.hitung_pergerakan(con, minggu, wilayah, cakupan=cakupan),
        anak=_anak(anak, anak_lalu) if not anak.empty else [], tingkat_anak=tingkat_anak,
        peringkat=peringkat, persen_nasional=persen_nasional,
        masih_merah=queries.masih_merah(con, minggu, wilayah, cakupan=cakupan) if lalu else None,
        minggu_kronis=rules.muat_aturan().model.pergerakan.minggu_kronis)
