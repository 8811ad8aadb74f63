"""Wilayah: one page for every level, the area from the URL (?prov=52&kab=52.01&kec=…&desa=…);
without one, the user's own area."""

from kdkmp import ui

minggu = ui.minggu_terpilih()
ui.tampilkan_wilayah(ui.wilayah_dari_url() or ui.beranda(), minggu)
