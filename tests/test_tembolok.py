"""kdkmp.tembolok: the per-process cache every page read and chart goes through."""

from __future__ import annotations

import threading
import time

import pytest

from kdkmp.tembolok import Tembolok


def test_keeps_at_most_its_size_dropping_the_least_recently_used():
    t = Tembolok(2)
    dibuat = []

    def buat(k):
        return lambda: dibuat.append(k) or k.upper()

    assert t.ambil("a", buat("a")) == "A"
    assert t.ambil("b", buat("b")) == "B"
    assert t.ambil("a", buat("a")) == "A"  # a hit: "a" is now the most recently used
    assert t.ambil("c", buat("c")) == "C"  # the third key drops "b", not "a"
    assert len(t) == 2
    t.ambil("a", buat("a"))
    t.ambil("b", buat("b"))
    # built: a, b, c, then b again (dropped); a was never built twice
    assert dibuat == ["a", "b", "c", "b"]


def test_a_value_asked_by_many_threads_at_once_is_built_once():
    t = Tembolok(8)
    panggilan = []
    mulai = threading.Barrier(10)

    def buat():
        panggilan.append(threading.get_ident())
        time.sleep(0.2)  # long enough for the nine others to arrive while it is being built
        return object()

    hasil = []

    def minta():
        mulai.wait()
        hasil.append(t.ambil(("zona_per_anak", "52"), buat))

    utas = [threading.Thread(target=minta) for _ in range(10)]
    for u in utas:
        u.start()
    for u in utas:
        u.join()
    assert len(panggilan) == 1
    assert len(hasil) == 10 and all(h is hasil[0] for h in hasil)


def test_different_keys_are_built_side_by_side():
    """One slow build does not hold up another key (the validated-share line waiting on a slow
    state store must not hold up the zones)."""
    t = Tembolok(8)
    lambat_mulai, lambat_boleh_selesai = threading.Event(), threading.Event()

    def lambat():
        lambat_mulai.set()
        lambat_boleh_selesai.wait(5)
        return "lambat"

    u = threading.Thread(target=t.ambil, args=("status", lambat))
    u.start()
    assert lambat_mulai.wait(5)
    assert t.ambil("zona", lambda: "cepat") == "cepat"  # answered while "status" is still building
    lambat_boleh_selesai.set()
    u.join()
    assert t.ambil("status", lambda: "lagi") == "lambat"


def test_a_failed_build_is_not_kept():
    t = Tembolok(4)

    def gagal():
        raise RuntimeError("basis data sedang ditukar")

    with pytest.raises(RuntimeError, match="ditukar"):
        t.ambil("k", gagal)
    assert len(t) == 0
    assert t.ambil("k", lambda: 3) == 3


def test_size_below_one_is_refused():
    with pytest.raises(ValueError, match="minimal 1"):
        Tembolok(0)
