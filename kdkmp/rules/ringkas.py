"""What `python -m kdkmp rules check` prints: the rules as they will run, or every problem."""

from __future__ import annotations

import sys

from kdkmp.rules.cek import fmt_angka, uraikan_syarat
from kdkmp.rules.kompilasi import _minggu_keluar, _urut_gerbang
from kdkmp.rules.model import AturanTidakValid, Aturan, Batas, muat_aturan


def _uraian_batas(nama: str, b: Batas) -> str:
    return f"{nama} {'≥' if b.termasuk else '>'} {fmt_angka(b.min)}"


def ringkas_aturan(aturan: Aturan) -> str:
    """The 'OK' summary of `python -m kdkmp rules check`."""
    m = aturan.model
    baris = [f"OK: {aturan.sumber} — versi {m.version} (hash {aturan.versi})", "Pilar:"]
    total_bobot = sum(p.bobot for p in m.pilar.values())
    for n, p in m.pilar.items():
        baris.append(f"  - {p.label} ({n}): bobot {fmt_angka(p.bobot)} ({fmt_angka(100 * p.bobot / total_bobot)} %), "
                     f"{len(p.indikator)} indikator")
        for i in p.indikator:
            syarat = "" if not i.berlaku_jika else " — berlaku jika " + " dan ".join(uraikan_syarat(b) for b in i.berlaku_jika)
            baris.append(f"      · {i.id}: {uraikan_syarat(i)} ({fmt_angka(i.poin)} poin){syarat}")
    baris.append(f"Gerbang ({len(m.gerbang)}):")
    for g in _urut_gerbang(m):
        baris.append(f"  - {g.id} → {g.zona} [{g.keparahan}]: {g.teks} — jika " + " dan ".join(uraikan_syarat(s) for s in g.syarat))
    for z in ("hijau", "kuning"):
        a = getattr(m.zona, z)
        baris.append(f"Zona {z}: {_uraian_batas('skor total', a.skor_total)} dan {_uraian_batas('pilar terendah', a.pilar_terendah)}")
    baris.append("Zona merah: selain itu, atau bila gerbang merah terpicu")
    for z in ("merah", "kuning"):
        n = _minggu_keluar(m, z)
        baris.append(f"Stabilitas {z}: keluar setelah {n} minggu laporan berturut-turut memenuhi syarat zona yang lebih baik"
                     if n > 1 else f"Stabilitas {z}: mati (langsung keluar)")
    baris.append(f"Pergerakan: baru merah = merah dan tidak merah dalam {m.pergerakan.minggu_baru_merah} minggu "
                 f"berzona sebelumnya; merah kronis = merah ≥ {m.pergerakan.minggu_kronis} minggu")
    return "\n".join(baris)


def main_rules_check(path: str | None) -> int:
    try:
        aturan = muat_aturan(path)
    except AturanTidakValid as e:
        print(str(e), file=sys.stderr)
        return 1
    print(ringkas_aturan(aturan))
    return 0
