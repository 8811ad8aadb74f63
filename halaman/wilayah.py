"""Wilayah: one page for every level, the area from the URL (?prov=52&kab=52.01&kec=…&desa=…);
without one, the user's own area."""

from kdkmp.ui import dasar, sesi
from kdkmp.ui.wilayah import tampilkan_wilayah

minggu = dasar.minggu_terpilih()
tampilkan_wilayah(dasar.wilayah_dari_url() or sesi.beranda(), minggu)
