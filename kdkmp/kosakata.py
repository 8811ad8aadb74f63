"""The programme's vocabulary, defined once: the zones (order, labels, colours) and the pillars.

Why a module of its own: the rules engine, the queries, the charts, the exports, the brief and
the pages all need these words, and none of those is the natural owner (kdkmp.kontrak is the
snapshot contract, which has no zones; kdkmp.charts draws for the pages, not for the rules engine).
This module imports nothing, so every other module can import it.

- The zone order is best to worst, and in the rules engine the index is the rank (0 = hijau);
  every table, chart, legend and brief lists the zones in this order.
- ``tidak_melapor`` is a zone of its own in every view (a koperasi known but silent this week),
  but no rule assigns it by score: ZONA holds the three scored zones, SEMUA_ZONA all four.
- The colour map is the only place a zone colour is written (charts, pydeck map, KPI cards,
  brief's PPTX and PDF charts).
- Pillar keys are the suffixes of the ``skor_<pilar>`` columns; the labels are the programme's
  words (domain.md). The rules file carries its own ``label:`` per pillar for the rules page.
"""

from __future__ import annotations

ZONA = ("hijau", "kuning", "merah")  # the scored zones, best to worst; the rank is the index
TIDAK_MELAPOR = "tidak_melapor"
SEMUA_ZONA = ZONA + (TIDAK_MELAPOR,)  # every zone a view shows, in this order

LABEL_ZONA = {"hijau": "Hijau", "kuning": "Kuning", "merah": "Merah", "tidak_melapor": "Tidak melapor"}
WARNA_ZONA = {"hijau": "#2e7d32", "kuning": "#f9a825", "merah": "#c62828", "tidak_melapor": "#9e9e9e"}

PILAR = ("kelembagaan", "legalitas_kepatuhan", "infrastruktur", "usaha")
LABEL_PILAR = {"kelembagaan": "Kelembagaan", "legalitas_kepatuhan": "Legalitas & kepatuhan",
               "infrastruktur": "Infrastruktur & pembangunan fisik", "usaha": "Operasional & kesehatan usaha"}
