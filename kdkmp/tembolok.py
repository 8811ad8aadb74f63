"""One per-process cache for everything a page reads or builds more than once.

Values are kept as they are (not copied, not pickled) and shared by every session of the process,
at most `ukuran` of them, the least recently used dropped first. A value is built once however
many sessions ask for it at the same moment: the first builds it, the others wait for it (a
Monday's 25 kabupaten offices opening one province's comparison compute it once). A build that
fails is not kept: the next caller tries again.

Why not st.cache_data: it hashes every argument through inspect.signature and its own hasher,
and pickles each value in and out, ≈ 13 % and 5 % of a first kabupaten view's server time and
most of a warm one's cache cost (py-spy, issue 14); the keys here are plain tuples, already made
of the data version, the scope and the arguments. What it returns is shared: callers must not
change it (a DataFrame read through ui.dasar.tanya is handed out as a shallow copy, which pandas 3
copies on write).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")

_SEMUA: "weakref.WeakSet[Tembolok]" = weakref.WeakSet()


def bersihkan_semua() -> None:
    """Empty every cache of the process (the tests start each from nothing, as a new process)."""
    for t in list(_SEMUA):
        t.bersihkan()


class Tembolok:
    def __init__(self, ukuran: int):
        if ukuran < 1:
            raise ValueError("ukuran tembolok minimal 1")
        self.ukuran = ukuran
        self._isi: OrderedDict = OrderedDict()
        self._kunci = threading.Lock()
        self._dibangun: dict[Hashable, threading.Lock] = {}  # the build lock of each key being built
        _SEMUA.add(self)

    def ambil(self, kunci: Hashable, buat: Callable[[], T]) -> T:
        """The value of `kunci`, built by `buat()` when it is not kept yet."""
        with self._kunci:
            if kunci in self._isi:
                self._isi.move_to_end(kunci)
                return self._isi[kunci]
            kunci_bangun = self._dibangun.setdefault(kunci, threading.Lock())
        with kunci_bangun:
            with self._kunci:
                if kunci in self._isi:  # built by the caller that held the build lock first
                    self._isi.move_to_end(kunci)
                    return self._isi[kunci]
            try:
                nilai = buat()
            except BaseException:
                with self._kunci:
                    self._lepas(kunci, kunci_bangun)
                raise
            with self._kunci:  # kept before the build lock goes, so nobody arriving builds it again
                self._isi[kunci] = nilai
                while len(self._isi) > self.ukuran:
                    self._isi.popitem(last=False)
                self._lepas(kunci, kunci_bangun)
        return nilai

    def _lepas(self, kunci, kunci_bangun) -> None:
        if self._dibangun.get(kunci) is kunci_bangun:
            del self._dibangun[kunci]

    def __len__(self) -> int:
        return len(self._isi)

    def bersihkan(self) -> None:
        with self._kunci:
            self._isi.clear()
