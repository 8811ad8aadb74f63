"""Per-kecamatan weekly aggregates, written by the writer, read by the area views.

A cold area view (a kabupaten office's first visit) read 26 weeks of 2.2 M zone rows for its
trend and a week of rows (through the `zona` view's join to `penjelasan`) for each of its other
figures: ≈ 0.3 s of server CPU per view (bench/bench_app.py). Every figure of an area at
kecamatan level or above is a sum over the area's kecamatan, so the writer keeps the counts per
week × kecamatan (≈ 7,000 × 26) and the views add those up.

Decisions, each in one line:
- Two tables, because zones and reports are placed by different rows: `agregat_zona` counts the
  zone rows (`zona_inti`, placed by the desa the zone row carries) per week, kecamatan and zone,
  with the zone of the loaded week before (`dari_*`, 'baru' when new), the movements, the pillar
  sums and the weakest pillars; `agregat_laporan` counts the week's reports (placed by the
  report's own desa) per week, kecamatan and zone, with portal, stage, bottleneck and positions.
  A full rescoring places earlier weeks' zone rows by the koperasi's latest desa, so a koperasi
  that moved counts for its zone where the zone row says and for its report where the report says,
  exactly as the row queries count them.
- Each week's aggregates carry a stamp (`agregat_minggu.cap`): the layout version, the rules
  version and the active batches of that week and every week before it (a zone depends on the
  koperasi's earlier weeks). A reader uses the aggregates only when the latest week's stamp
  matches the live batches and rules (two small queries, ≈ 2 ms): the writer leaves every week
  current, so any change it did not follow shows there. Otherwise (a database written before
  this module, zones written by `rules.skor` alone, an older writer) the queries read the rows.
- The writer refreshes after every scoring (kdkmp.ingest): weeks whose stamp changed are rebuilt
  (a national load of the latest week: that week, ≈ 0.2 s of CPU); a rescoring of every week
  rebuilds every week (≈ 3 s of CPU), since its zones may change without any batch changing
  (new engine code). A database without the tables gets them on its next write.
- A load that rescored only some koperasi (a kabupaten's file) rewrites only the kecamatan they
  are in before or after the scoring (penyegaran; ≈ 0.1 s of CPU for a kabupaten, against 0.2 for
  the week): a koperasi leaves a kecamatan when its new report moves it or when it is dropped
  from a reload and falls back to the desa of its last report. Then every row must be counted
  once (two counts, ≈ 6 ms); a kecamatan left out could only count too many, which sends the
  refresh to the whole week. Most of what remains is reading one week of `zona_inti`, which a
  rescoring writes in no week order (every row group read; ≈ 40 % less with rows in week order,
  measured on a reordered copy).
- Pillar sums are exact integers (millionths; the row query sums the same), so a mean is the same
  double either way; coordinate sums are exact sums of billionths of a degree stored as DOUBLE,
  within 1e-12 of the rows' mean (a map position), and the same bits however the rows are split.
- Below kecamatan (a kecamatan's desa, a desa) the queries read rows: a desa holds one koperasi.
"""

from __future__ import annotations

from contextlib import contextmanager

import duckdb

from kdkmp import kontrak
from kdkmp.kosakata import PILAR, SEMUA_ZONA
from kdkmp.rules.model import PERGERAKAN

VERSI = "1"
TABEL = ("agregat_zona", "agregat_laporan", "agregat_minggu")
ASAL_BARU = "baru"  # the zone before of a koperasi new this week (queries.transisi_zona's word)
TAHAP = kontrak.KOLOM_PER_NAMA["tahap_pembangunan"].nilai
KENDALA = kontrak.KOLOM_PER_NAMA["kendala_utama"].nilai

# Pillar means are exact sums of scores in millionths, divided once (queries.rata_pilar does the
# same over the rows): a sum of doubles in another order moved a mean of exactly x.x5 across the
# rounding of the figure shown (86.65 → 86.7 instead of 86.6, seen in the test data). Integers, not
# DECIMAL: the cast to DECIMAL cost ≈ 30 % more of a week's refresh (measured).
SKALA_SKOR = 1_000_000


def skor_utuh(kolom: str) -> str:
    """SQL: a score as whole millionths (scores carry one decimal, so this is exact)."""
    return f"CAST(round({kolom} * {SKALA_SKOR}) AS BIGINT)"


def _jumlah_koordinat(kolom: str, saring: str = "") -> str:
    """SQL: the sum of a coordinate in whole billionths of a degree (0.1 mm; exact, so that the
    same reports give the same bits in any order: a kecamatan rewritten alone, on one thread,
    equals a rebuild of every week on several), as DOUBLE degrees."""
    return f"CAST(sum(CAST(round({kolom} * 1e9) AS BIGINT)){saring} AS DOUBLE) / 1e9"


# measure column → (SQL type, expression over the zone row `z` and last week's zone row `l`)
_UKURAN_ZONA = {
    "jumlah": ("INTEGER", "count(*)"),
    **{f"dari_{a}": ("INTEGER", f"count(*) FILTER (WHERE l.zona = '{a}')") for a in SEMUA_ZONA},
    f"dari_{ASAL_BARU}": ("INTEGER", "count(*) FILTER (WHERE l.zona IS NULL)"),
    **{f"gerak_{g}": ("INTEGER", f"count(*) FILTER (WHERE z.pergerakan = '{g}')") for g in PERGERAKAN},
    **{k: v for p in PILAR for k, v in (
        (f"skor_{p}_jumlah", ("HUGEINT", f"sum({skor_utuh(f'z.skor_{p}')})")),
        (f"skor_{p}_n", ("INTEGER", f"count(z.skor_{p})")),
        (f"terlemah_{p}", ("INTEGER", f"count(*) FILTER (WHERE z.pilar_terlemah = '{p}')")))},
}
# measure column → (SQL type, expression over the report `lp`)
_UKURAN_LAPORAN = {
    "jumlah": ("INTEGER", "count(*)"),
    "masuk_portal": ("INTEGER", "count(*) FILTER (WHERE lp.masuk_portal)"),
    **{f"tahap_{v}": ("INTEGER", f"count(*) FILTER (WHERE lp.tahap_pembangunan = '{v}')") for v in TAHAP},
    **{f"kendala_{v}": ("INTEGER", f"count(*) FILTER (WHERE lp.kendala_utama = '{v}')") for v in KENDALA},
    # queries.titik_peta averages both coordinates over the reports that have a latitude
    "lat_jumlah": ("DOUBLE", _jumlah_koordinat("lp.latitude")),
    "lat_n": ("INTEGER", "count(lp.latitude)"),
    "lon_jumlah": ("DOUBLE", _jumlah_koordinat("lp.longitude", " FILTER (WHERE lp.latitude IS NOT NULL)")),
    "lon_n": ("INTEGER", "count(lp.longitude) FILTER (WHERE lp.latitude IS NOT NULL)"),
}
_KUNCI = {"minggu": "DATE NOT NULL", "kode_kecamatan": "VARCHAR", "zona": "VARCHAR"}
_KOLOM = {
    "agregat_zona": {**_KUNCI, **{k: t for k, (t, _) in _UKURAN_ZONA.items()}},
    "agregat_laporan": {**_KUNCI, **{k: t for k, (t, _) in _UKURAN_LAPORAN.items()}},
    "agregat_minggu": {"minggu": "DATE NOT NULL", "cap": "VARCHAR NOT NULL"},
}

# A week's stamp: the layout, the rules and the active batches of that week and the weeks before
# it (their number and the sum of their ids' hashes), as the writer and the readers compute it.
# The latest week's covers every active batch.
_CAP = (f"'{VERSI}:' || coalesce((SELECT max(nilai) FROM meta WHERE kunci = 'versi_aturan'), '') || ':' "
        "|| count(*) || ':' || sum(hash(b.batch_id))")
_SQL_CAP = f"""
    SELECT w.minggu, {_CAP} AS cap
    FROM (SELECT DISTINCT minggu FROM batch WHERE status = 'aktif') w
    JOIN batch b ON b.status = 'aktif' AND b.minggu <= w.minggu
    GROUP BY w.minggu"""


def _ada(con: duckdb.DuckDBPyConnection) -> bool:
    """All three tables exist with this layout (column names and types)."""
    r = con.execute("""SELECT table_name, list(column_name || ' ' || data_type ORDER BY column_name)
                       FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name IN ('agregat_zona', 'agregat_laporan',
                             'agregat_minggu') GROUP BY 1""").fetchall()
    harap = {t: sorted(f"{k} {tipe.removesuffix(' NOT NULL')}" for k, tipe in kolom.items()) for t, kolom in _KOLOM.items()}
    return {t: sorted(k) for t, k in r} == harap


def berlaku(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the aggregates hold exactly the zones and reports of every active week now. The
    writer leaves every week's stamp current (segarkan), and any load, withdrawal or rescoring
    changes the latest week's, so comparing that one is enough (≈ 2 ms). Whoever changes the
    tables' layout bumps VERSI, which is in the stamp: a reader cannot check columns cheaply."""
    if not _tabel_ada(con, "agregat_minggu"):
        return False  # a database written before the aggregates (read-only here: nothing to create)
    return bool(con.execute(f"""SELECT (SELECT max_by(cap, minggu) FROM agregat_minggu)
                                       = (SELECT {_CAP} FROM batch b WHERE b.status = 'aktif')""").fetchall()[0][0])


def _tabel_ada(con: duckdb.DuckDBPyConnection, nama: str) -> bool:
    return bool(con.execute("""SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()
                               AND schema_name = current_schema() AND table_name = $t""", {"t": nama}).fetchall()[0][0])


def _pastikan_tabel(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables; a table of another layout is dropped (derived data, rebuilt next)."""
    if _ada(con):
        return
    for t, kolom in _KOLOM.items():
        con.execute(f"DROP TABLE IF EXISTS {t}").fetchall()
        con.execute(f"CREATE TABLE {t} ({', '.join(f'{k} {tipe}' for k, tipe in kolom.items())})").fetchall()


@contextmanager
def penyegaran(con: duckdb.DuckDBPyConnection, minggu, koperasi: list[str] | None):
    """Around a scoring of `minggu` (and the weeks after it) inside a penulisan: afterwards every
    week's aggregates are current (segarkan). `koperasi`: the only ones whose reports the load
    changed (None: any). Their kecamatan are read before the scoring too, since a koperasi can
    leave one: moved by its new report, or dropped from a reload and placed by an earlier desa."""
    # (no zones yet: the scoring scores every week, and the refresh rebuilds them all)
    lama = None if koperasi is None or not _tabel_ada(con, "zona_inti") else _kecamatan_koperasi(con, minggu, koperasi)
    yield
    segarkan(con, None if lama is None else (minggu, koperasi, lama))


def _kecamatan_koperasi(con: duckdb.DuckDBPyConnection, minggu, koperasi: list[str]) -> set:
    """The kecamatan that hold a zone row or a report of `koperasi` from `minggu` on."""
    if not koperasi:
        return set()
    # their codes' range too: a filter the scan applies before reading the other columns (zona_inti
    # is in no useful order, so every week's rows are read; ≈ half the CPU, measured)
    return {r[0] for r in con.execute("""
        WITH k AS (SELECT unnest($k) AS kode_koperasi)
        SELECT left(kode_desa, 8) FROM zona_inti
        WHERE minggu >= $m AND kode_koperasi BETWEEN $a AND $z AND kode_koperasi IN (FROM k)
        UNION SELECT kode_kecamatan FROM laporan
        WHERE minggu >= $m AND kode_koperasi BETWEEN $a AND $z AND kode_koperasi IN (FROM k)""",
        {"m": minggu, "k": list(koperasi), "a": min(koperasi), "z": max(koperasi)}).fetchall()}


def segarkan(con: duckdb.DuckDBPyConnection, cakupan: tuple | None = None) -> None:
    """Inside a penulisan, after scoring: rebuild the weeks whose stamp changed, drop the weeks
    no longer active. Enough after scoring from one week on (every later week's stamp changes).
    `cakupan` (from penyegaran): (week, koperasi, their kecamatan before the scoring), when only
    those koperasi's reports of that week changed; the weeks from it on that had aggregates then
    need only those kecamatan, before and after, rewritten (a kabupaten's reload: a few ms)."""
    _pastikan_tabel(con)
    basi = con.execute(f"""
        WITH kini AS ({_SQL_CAP})
        SELECT coalesce(kini.minggu, a.minggu), kini.cap IS NOT NULL AND a.cap IS NOT NULL
        FROM kini FULL JOIN agregat_minggu a USING (minggu)
        WHERE kini.cap IS DISTINCT FROM a.cap""").fetchall()
    if not basi:
        return
    kecamatan = None
    if cakupan is not None and all(m >= cakupan[0] and ada for m, ada in basi):
        kecamatan = cakupan[2] | _kecamatan_koperasi(con, cakupan[0], cakupan[1])
        if None in kecamatan:
            kecamatan = None  # a zone row without a desa: only a whole week finds it
    # some kecamatan: far less than a row group, where a second thread only adds synchronisation
    # (as kdkmp.rules scores one week; ≈ 15 % less CPU, measured). A whole national week takes
    # both: 0.14 s instead of 0.19 s of a load's wall time (measured), which the writer's queue waits for.
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    if kecamatan is not None:
        con.execute("SET threads = 1").fetchall()
    try:
        minggu = [m for m, _ in basi]
        _bangun(con, minggu, kecamatan)
        if kecamatan is not None and not _utuh(con, minggu):
            _bangun(con, minggu, None)
    finally:
        con.execute(f"SET threads = {int(threads)}").fetchall()


def _utuh(con: duckdb.DuckDBPyConnection, minggu: list) -> bool:
    """Whether the aggregates of `minggu` count every zone row and report once. After a rewrite of
    some kecamatan a kecamatan left out could only count too many (a row that left it): a check
    that the kecamatan read before the scoring were all of them, which a whole week then repairs."""
    pilih = f"minggu IN ({', '.join(_tanggal(m) for m in minggu)})"
    return con.execute(f"""SELECT (SELECT coalesce(sum(jumlah), 0) FROM agregat_zona WHERE {pilih})
                                  = (SELECT count(*) FROM zona_inti WHERE {pilih})
                              AND (SELECT coalesce(sum(jumlah), 0) FROM agregat_laporan WHERE {pilih})
                                  = (SELECT count(*) FROM laporan WHERE {pilih})""").fetchall()[0][0]


def bangun_ulang(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a penulisan, after rescoring every week: rebuild every week."""
    _pastikan_tabel(con)
    _bangun(con, None, None)


def _tanggal(minggu) -> str:
    return f"DATE '{minggu.isoformat()}'"


def _bangun(con: duckdb.DuckDBPyConnection, minggu: list | None, kecamatan: set | None) -> None:
    """Rewrite the aggregates and stamps of `minggu` (None: all weeks) from zona_inti and laporan;
    of `kecamatan` alone when given (the other kecamatan's rows of those weeks are kept)."""
    # DuckDB 2.0's compressed materialization narrows the ORDER BY's sums of whole millionths to a
    # type from wrong statistics and fails ("INT128 … out of range for … INT8", seen on a one-week
    # database): off for these statements only
    lama = con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]
    con.execute("SET disabled_optimizers = " + _literal(",".join(filter(None, [lama, "compressed_materialization"]))))
    try:
        _tulis(con, minggu, kecamatan)
    finally:
        con.execute("SET disabled_optimizers = " + _literal(lama or "")).fetchall()


def _literal(teks: str) -> str:
    return "'" + teks.replace("'", "''") + "'"


def _tulis(con: duckdb.DuckDBPyConnection, minggu: list | None, kecamatan: set | None) -> None:
    # each week with the loaded week before it (queries.minggu_sebelumnya)
    pasangan = con.execute("""SELECT minggu, lag(minggu) OVER (ORDER BY minggu)
                              FROM (SELECT DISTINCT minggu FROM batch WHERE status = 'aktif') ORDER BY 1""").fetchall()
    if minggu is not None:
        pasangan = [(m, lalu) for m, lalu in pasangan if m in set(minggu)]
    # weeks as constants, not a join to a list: DuckDB then reads only those weeks' row groups
    semua = ", ".join(_tanggal(m) for m in minggu) if minggu else "NULL"
    pilih = "TRUE" if minggu is None else f"minggu IN ({semua})"
    daftar = "" if kecamatan is None else ", ".join(map(_literal, sorted(kecamatan))) or "NULL"

    def di(kolom: str) -> str:
        return "TRUE" if kecamatan is None else f"{kolom} IN ({daftar})"

    # the desa codes' range too, which the scan applies before reading the other columns
    rentang = "TRUE" if not kecamatan else (f"kode_desa >= {_literal(min(kecamatan))} "
                                            f"AND kode_desa < {_literal(max(kecamatan) + chr(0x10FFFF))}")
    for t in TABEL:
        con.execute(f"DELETE FROM {t} WHERE {pilih}" + (f" AND {di('kode_kecamatan')}" if t != "agregat_minggu" else "")).fetchall()
    if not pasangan:
        return
    kini = ", ".join(_tanggal(m) for m, _ in pasangan)
    lalu = ", ".join(_tanggal(x) for _, x in pasangan if x is not None) or "NULL"
    mg = ", ".join(f"({_tanggal(m)}, {'NULL' if x is None else _tanggal(x)})" for m, x in pasangan)
    # Rows in area order: an area's rows then share a row group or two, which DuckDB reads alone
    # (the area filter becomes a range on kode_kecamatan); a week refreshed later is appended in
    # area order too and is found by its week.
    ukuran = ", ".join(f"CAST({e} AS {t}) AS {k}" for k, (t, e) in _UKURAN_ZONA.items())
    con.execute(f"""
        INSERT INTO agregat_zona BY NAME
        SELECT z.minggu, left(z.kode_desa, 8) AS kode_kecamatan, z.zona, {ukuran}
        FROM (FROM zona_inti WHERE minggu IN ({kini}) AND {rentang} AND {di('left(kode_desa, 8)')}) z
        JOIN (VALUES {mg}) mg(minggu, lalu) ON mg.minggu = z.minggu
        LEFT JOIN (FROM zona_inti WHERE minggu IN ({lalu})) l ON l.minggu = mg.lalu AND l.kode_koperasi = z.kode_koperasi
        GROUP BY ALL ORDER BY kode_kecamatan, minggu""").fetchall()
    ukuran = ", ".join(f"CAST({e} AS {t}) AS {k}" for k, (t, e) in _UKURAN_LAPORAN.items())
    con.execute(f"""
        INSERT INTO agregat_laporan BY NAME
        SELECT lp.minggu, lp.kode_kecamatan, z.zona, {ukuran}
        FROM (FROM laporan WHERE minggu IN ({kini}) AND {di('kode_kecamatan')}) lp
        LEFT JOIN (FROM zona_inti WHERE minggu IN ({kini})) z ON z.minggu = lp.minggu AND z.kode_koperasi = lp.kode_koperasi
        GROUP BY ALL ORDER BY kode_kecamatan, minggu""").fetchall()
    con.execute(f"INSERT INTO agregat_minggu SELECT * FROM ({_SQL_CAP}) WHERE minggu IN ({kini})").fetchall()
