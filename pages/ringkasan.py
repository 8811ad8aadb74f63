"""Ringkasan nasional: the whole country at the chosen week."""

from kdkmp import ui

ui.tampilkan_wilayah(None, ui.minggu_terpilih())
