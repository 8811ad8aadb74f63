"""Rapat mingguan: one area's week as the meeting asks it (?prov=52&kab=…; the user's own area
by default), with a presentation mode for the projector (?presentasi=ya)."""

from kdkmp import ui

minggu = ui.minggu_terpilih()
ui.tampilkan_rapat(ui.wilayah_dari_url() or ui.beranda(), minggu)
