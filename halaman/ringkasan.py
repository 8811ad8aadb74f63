"""Ringkasan: the whole country at the chosen week, or for a regional account its own area
(with where it stands among the provinces)."""

from kdkmp.ui import dasar, sesi
from kdkmp.ui.wilayah import tampilkan_wilayah

tampilkan_wilayah(sesi.beranda(), dasar.minggu_terpilih())
