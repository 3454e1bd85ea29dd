"""A Streamlit session driven over its WebSocket, as a browser tab drives it, without drawing anything.

The load benchmark uses it to put many users' worth of work on one server while only a few real
browsers measure what a user sees: on a small machine, 25 Chromium renderers would take the CPU
the server needs (see ``bench/RESULTS.md``). It speaks the protocol the Streamlit frontend speaks
(``streamlit.proto``): it asks for a script run with the page, the query string and the widget
values, then reads the forward messages until the server says the run finished. What a real page
also does (drawing, components' own requests) is not here; that is what the browsers measure.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

FINISHED_OK = 0  # ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_EARLY_FOR_RERUN = 2


class ProtocolError(RuntimeError):
    """The server said something a browser would show as an error (an exception, a lost run)."""


@dataclass
class RunOutcome:
    """One script run as a client sees it: seconds until finished, messages and bytes received."""

    seconds: float
    messages: int
    bytes_received: int
    exceptions: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # to check the run drew the page and place asked for


class ProtocolSession:
    """One Streamlit session over a WebSocket (``async with ProtocolSession(url) as session``)."""

    def __init__(self, base_url: str, *, timeout_s: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.pages: dict[str, str] = {}  # url path ("" for the main page) -> page script hash
        self.page_hash = ""
        self.place_widget_id: str | None = None
        self.place_options: list[str] = []
        self.query: dict[str, str] = {}
        self._socket = None

    async def __aenter__(self) -> "ProtocolSession":
        import websockets

        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._socket = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                                origin=self.base_url, open_timeout=self.timeout_s)
        return self

    async def __aexit__(self, *_exc) -> None:
        await self._socket.close()

    async def open(self, path: str, query: dict[str, str]) -> RunOutcome:
        """Open a page by its URL path ("" for the Overview), as typing its address does."""
        self.query = dict(query)
        return await self._run(page_hash=self.pages.get(path, ""), page_name=path, widgets=None)

    async def switch_page(self, path: str) -> RunOutcome:
        """Move to another page in the same session, as a click in the sidebar does."""
        return await self._run(page_hash=self.pages[path], page_name="", widgets=None)

    async def choose_place(self, label: str) -> RunOutcome:
        """Pick ``label`` in the sidebar's place box (a widget change: a rerun of the same page)."""
        if self.place_widget_id is None or label not in self.place_options:
            raise ProtocolError(f"no place box offering {label!r} on this page")
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.place_widget_id, string_value=label)
        self.query["place"] = label
        return await self._run(page_hash=self.page_hash, page_name="", widgets=[state])

    async def _run(self, *, page_hash: str, page_name: str, widgets) -> RunOutcome:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        message = BackMsg(rerun_script=ClientState(
            query_string=urlencode(self.query, quote_via=quote), page_script_hash=page_hash, page_name=page_name,
            widget_states=WidgetStates(widgets=widgets or [])))
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        outcome = RunOutcome(0.0, 0, 0)
        self.place_widget_id = None
        await asyncio.wait_for(self._read_until_finished(outcome), self.timeout_s)
        outcome.seconds = time.perf_counter() - started
        if outcome.exceptions:
            raise ProtocolError("; ".join(outcome.exceptions))
        return outcome

    async def _read_until_finished(self, outcome: RunOutcome) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await self._socket.recv()
            outcome.messages += 1
            outcome.bytes_received += len(raw)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
                self._read_pages(message.new_session.app_pages)
            elif kind == "navigation":
                self.page_hash = message.navigation.page_script_hash or self.page_hash
                self._read_pages(message.navigation.app_pages)
            elif kind == "delta":
                self._read_delta(message.delta, outcome)
            elif kind == "page_not_found":
                outcome.exceptions.append(f"page not found: {message.page_not_found.page_name}")
            elif kind == "script_finished":
                if message.script_finished == FINISHED_OK:
                    return
                if message.script_finished != FINISHED_EARLY_FOR_RERUN:
                    outcome.exceptions.append(f"the script run ended with status {message.script_finished}")
                    return

    def _read_pages(self, app_pages) -> None:
        for page in app_pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def _read_delta(self, delta, outcome: RunOutcome) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "heading":
            outcome.headings.append(element.heading.body)
        elif kind == "exception":
            outcome.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
        elif kind == "selectbox" and element.selectbox.label == "Place":
            self.place_widget_id = element.selectbox.id
            self.place_options = list(element.selectbox.options)
