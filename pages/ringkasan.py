"""Ringkasan: the whole country at the chosen week, or for a regional account its own area
(with where it stands among the provinces)."""

from kdkmp import ui

ui.tampilkan_wilayah(ui.beranda(), ui.minggu_terpilih())
