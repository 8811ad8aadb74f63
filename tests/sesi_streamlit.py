"""A Streamlit session without a browser: the websocket a browser tab opens (`/_stcore/stream`,
subprotocol `streamlit`), one `rerun_script` per page visit, read until `script_finished`.

Used by the scale-out tests (tests/test_e2e_skala.py) and the load benchmark (bench/bench_beban.py)
to open many real sessions cheaply. It reads what the page drew (headings, markdown, metrics,
errors and exceptions) so that a caller can check what a user would see."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field


def header_identitas(nama: str, *, sandi: str | None = None, header: str = "X-Remote-User") -> dict:
    """Straight to a replica: the identity header the proxy would set. Through the proxy: basic
    auth, and the proxy sets the header."""
    if sandi is None:
        return {header: nama}
    return {"Authorization": "Basic " + base64.b64encode(f"{nama}:{sandi}".encode()).decode()}


@dataclass
class Kunjungan:
    """One page run as the user saw it."""
    detik: float
    teks: list[str] = field(default_factory=list)  # headings, markdown, metric labels and values
    galat: list[str] = field(default_factory=list)  # exceptions and st.error boxes

    def berisi(self, potongan: str) -> bool:
        return any(potongan in t for t in self.teks)


class SesiStreamlit:
    """`async with SesiStreamlit(url, header) as s: k = await s.kunjungi("wilayah", "prov=52")`."""

    def __init__(self, url: str, header: dict, *, batas_detik: float = 120):
        self.url_ws = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.header = header
        self.batas_detik = batas_detik
        self._ws = None

    async def __aenter__(self):
        import websockets

        self._ws = await websockets.connect(self.url_ws, subprotocols=["streamlit"], additional_headers=self.header,
                                            max_size=None, open_timeout=self.batas_detik)
        return self

    async def __aexit__(self, *_):
        await self._ws.close()

    async def kunjungi(self, halaman: str = "", kueri: str = "") -> Kunjungan:
        """Open page `halaman` (its URL path; "" is the default page) with query string `kueri`."""
        import asyncio

        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        pesan = BackMsg()
        pesan.rerun_script.query_string = kueri
        pesan.rerun_script.page_name = halaman
        t = time.perf_counter()
        hasil = Kunjungan(0.0)
        async with asyncio.timeout(self.batas_detik):
            await self._ws.send(pesan.SerializeToString())
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self._ws.recv())
                jenis = fm.WhichOneof("type")
                if jenis == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    _baca_elemen(fm.delta.new_element, hasil)
                elif jenis == "script_finished":
                    if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        hasil.galat.append("compile error")
                    if fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break
        hasil.detik = time.perf_counter() - t
        return hasil


def _baca_elemen(el, hasil: Kunjungan) -> None:
    jenis = el.WhichOneof("type")
    if jenis == "exception":
        hasil.galat.append(f"exception {el.exception.type}: {el.exception.message[:200]}")
    elif jenis == "alert":
        if el.alert.format == 1:  # ERROR
            hasil.galat.append(f"st.error: {el.alert.body[:200]}")
        hasil.teks.append(el.alert.body)
    elif jenis in ("heading", "markdown"):
        hasil.teks.append(getattr(el, jenis).body)
    elif jenis == "metric":
        hasil.teks.append(f"{el.metric.label}: {el.metric.body}")
