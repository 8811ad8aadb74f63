"""Rapat mingguan: one area's week as the meeting asks it (?prov=52&kab=…; the user's own area
by default), with a presentation mode for the projector (?presentasi=ya)."""

from kdkmp.ui import dasar, sesi
from kdkmp.ui.rapat import tampilkan_rapat

minggu = dasar.minggu_terpilih()
tampilkan_rapat(dasar.wilayah_dari_url() or sesi.beranda(), minggu)
