"""Movement signals on the national demo: how honest are baru merah, flapping and the zone shares?

Scores a copy of the 26-week national demo under several stability windows and prints, over the
last 8 weeks, figures computed here from the stored zones alone (independently of the engine's
counters):
  - baru merah per week, and the share of them that were merah in any of their previous 4 zoned
    (not grey) weeks — by today's definition (merah now, not merah in the previous loaded week)
    and by the engine's (zona.pergerakan);
  - zone changes: the share of koperasi whose zone differs from their previous zoned week, and
    flapping: those changes undone within the next 3 zoned weeks (merah → kuning → merah);
  - the zone shares of the latest week.
The baseline "tanpa stabilitas, definisi lama" is what the dashboard showed before issue 11.
Asserts nothing (figures for the README). Run:
    python bench/bench_pergerakan.py [--db bench/out/kdkmp_nasional.duckdb]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from _bersama import db_nasional  # also puts the project on sys.path

from kdkmp import rules, store  # noqa: E402

JENDELA = 8  # weeks measured
BLOK = "  minggu_keluar:\n    merah: 2\n    kuning: 2\n"


def aturan_dengan(merah: int, kuning: int) -> rules.Aturan:
    teks = rules.JALUR_BAWAAN.read_text(encoding="utf-8")
    if BLOK not in teks:
        raise SystemExit("config/zones.yaml tidak lagi memuat blok stabilitas bawaan; perbarui BLOK di skrip ini")
    return rules.muat_aturan_teks(teks.replace(BLOK, f"  minggu_keluar:\n    merah: {merah}\n    kuning: {kuning}\n"))


# Per zoned row: its zone, the previous zoned week's zone, and whether any of the previous 4 zoned
# weeks was merah; `lalu` is the previous loaded week's row (today's definition looked there).
ANGKA = """
WITH z AS (
    SELECT minggu, kode_koperasi, zona, pergerakan,
           lag(zona) OVER w AS zona_sebelum,
           -- the change is undone within the next 3 zoned weeks (merah → kuning → merah): a flap
           lag(zona) OVER w IN (lead(zona, 1) OVER w, lead(zona, 2) OVER w, lead(zona, 3) OVER w) AS balik,
           max(CASE WHEN zona = 'merah' THEN 1 ELSE 0 END) OVER (w ROWS BETWEEN 4 PRECEDING AND 1 PRECEDING) AS merah_4
    FROM zona WHERE zona <> 'tidak_melapor'
    WINDOW w AS (PARTITION BY kode_koperasi ORDER BY minggu)
), m AS (SELECT DISTINCT minggu FROM zona ORDER BY minggu DESC LIMIT $n),
lalu AS (SELECT minggu, lead(minggu) OVER (ORDER BY minggu) AS berikut FROM (SELECT DISTINCT minggu FROM zona))
SELECT z.minggu,
       count(*) FILTER (WHERE z.zona = 'merah' AND coalesce(l.zona, '') <> 'merah') AS baru_lama,
       count(*) FILTER (WHERE z.zona = 'merah' AND coalesce(l.zona, '') <> 'merah' AND z.merah_4 = 1) AS baru_lama_palsu,
       count(*) FILTER (WHERE z.pergerakan = 'baru_merah') AS baru,
       count(*) FILTER (WHERE z.pergerakan = 'baru_merah' AND z.merah_4 = 1) AS baru_palsu,
       count(*) FILTER (WHERE z.zona_sebelum IS NOT NULL) AS n_banding,
       count(*) FILTER (WHERE z.zona <> z.zona_sebelum) AS berubah,
       count(*) FILTER (WHERE z.zona <> z.zona_sebelum AND z.balik) AS berkedip
FROM z JOIN m USING (minggu)
LEFT JOIN lalu ON lalu.berikut = z.minggu
LEFT JOIN zona l ON l.kode_koperasi = z.kode_koperasi AND l.minggu = lalu.minggu
GROUP BY 1 ORDER BY 1"""


def ukur(berkas: Path, aturan: rules.Aturan) -> dict:
    with store.penulisan(berkas) as con:
        store.izinkan_skor_ulang(con)
        t = time.perf_counter()
        rules.skor(con, aturan)
        detik = time.perf_counter() - t
    con = store.sambungan_baca(berkas)
    try:
        per_minggu = con.execute(ANGKA, {"n": JENDELA}).fetchall()
        terakhir = dict(con.execute("""SELECT zona, count(*) FROM zona WHERE minggu = (SELECT max(minggu) FROM zona)
                                       GROUP BY 1""").fetchall())
    finally:
        con.close()
    jumlah = [sum(r[i] for r in per_minggu) for i in range(1, 8)]
    return {"detik": detik, "per_minggu": per_minggu, "baru_lama": jumlah[0], "baru_lama_palsu": jumlah[1],
            "baru": jumlah[2], "baru_palsu": jumlah[3], "ubah": jumlah[5] / jumlah[4], "kedip": jumlah[6] / jumlah[4],
            "terakhir": terakhir}


def persen(a: float, b: float) -> str:
    return f"{100 * a / b:.1f} %" if b else "–"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="database with laporan (default: the national demo under bench/out)")
    args = ap.parse_args()
    sumber = Path(args.db) if args.db else db_nasional()
    varian = [((1, 1), "tanpa stabilitas"), ((2, 1), "merah 2, kuning 1"),
              ((2, 2), "merah 2, kuning 2 (bawaan)"), ((3, 2), "merah 3, kuning 2")]
    with tempfile.TemporaryDirectory() as tmp:
        hasil = {}
        for (merah, kuning), nama in varian:
            berkas = Path(tmp) / f"p{merah}{kuning}.duckdb"
            shutil.copyfile(sumber, berkas)
            hasil[nama] = ukur(berkas, aturan_dengan(merah, kuning))
    dasar = hasil["tanpa stabilitas"]
    print(f"{JENDELA} minggu terakhir demo nasional; 'palsu' = sudah merah dalam 4 minggu berzona sebelumnya")
    print(f"  dasar (tanpa stabilitas, definisi lama 'bukan merah minggu lalu'): baru merah {dasar['baru_lama']:,}, "
          f"palsu {persen(dasar['baru_lama_palsu'], dasar['baru_lama'])}; per minggu zona berubah {100 * dasar['ubah']:.2f} %, "
          f"berkedip {100 * dasar['kedip']:.2f} %")
    for nama, h in hasil.items():
        z = h["terakhir"]
        n = sum(z.values())
        print(f"  {nama:28s} baru merah {h['baru']:,} (palsu {persen(h['baru_palsu'], h['baru'])}); "
              f"per minggu zona berubah {100 * h['ubah']:.2f} % ({h['ubah'] / dasar['ubah']:.2f}×), "
              f"berkedip {100 * h['kedip']:.2f} % ({h['kedip'] / dasar['kedip']:.2f}× dasar); "
              f"minggu terakhir hijau {persen(z.get('hijau', 0), n)}, kuning {persen(z.get('kuning', 0), n)}, "
              f"merah {persen(z.get('merah', 0), n)}, tanpa laporan {persen(z.get('tidak_melapor', 0), n)}; "
              f"skor ulang {h['detik']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
