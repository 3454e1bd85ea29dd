"""Serving (ecology/ui/serving.py): static files and the root page compressed once, the rest untouched."""

from __future__ import annotations

import asyncio
import gc
import gzip
import threading

import pytest
from hypothesis import given, settings, strategies as st

from ecology import snapshots
from ecology.ui import serving

BUNDLE = b"function f(){return 1}\n" * 2000  # 46 KB of script, as Streamlit's bundles are


class FileServer:
    """A stand-in for Streamlit's static route: counts the requests that reach it."""

    def __init__(self, body: bytes = BUNDLE, *, status: int = 200, content_type: bytes = b"application/javascript",
                 extra: tuple = (), chunks: int = 4):
        self.body, self.status, self.content_type, self.extra, self.chunks = body, status, content_type, extra, chunks
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", self.content_type), (b"content-length", str(len(self.body)).encode()),
                                (b"etag", b'"abc"'), *self.extra]})
        body = b"" if scope["method"] == "HEAD" else self.body  # as Starlette's file responses do
        step = max(1, len(body) // self.chunks)
        parts = [body[i:i + step] for i in range(0, len(body), step)] or [b""]
        for i, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": i < len(parts) - 1})


def _run(coroutine) -> None:
    """Run a coroutine to the end on its own loop in its own thread (an earlier test in the same
    process may have left an event loop running in this one)."""
    failure = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 (re-raised below, in the test's thread)
            failure.append(error)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def fetch(app, path: str, *, encoding: str | None = "gzip, deflate, br", method: str = "GET",
          extra_headers: tuple = (), kind: str = "http") -> tuple[int, dict, bytes]:
    """Send one request through ``app``; return status, headers (lower-case names) and the body sent."""
    headers = [(b"accept-encoding", encoding.encode())] if encoding is not None else []
    scope = {"type": kind, "path": path, "method": method, "query_string": b"", "headers": [*headers, *extra_headers]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    _run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body


def test_a_static_bundle_is_sent_gzipped_and_decodes_to_the_same_bytes():
    status, headers, body = fetch(serving.CompressOnce(FileServer()), "/static/js/index.abc.js")
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == BUNDLE and int(headers["content-length"]) == len(body) < len(BUNDLE) / 10
    assert headers["etag"] == '"abc"'


def test_a_static_file_is_compressed_once_and_then_served_from_memory():
    inner = FileServer()
    app = serving.CompressOnce(inner)
    first = fetch(app, "/app/static/vendor/leaflet/leaflet.js")
    second = fetch(app, "/app/static/vendor/leaflet/leaflet.js")
    assert inner.calls == 1 and first == second


def test_a_restarted_server_sends_the_static_file_the_last_one_packed_without_packing_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ECOLOGY_SNAPSHOTS_DIR", str(tmp_path))
    first = fetch(serving.CompressOnce(FileServer()), "/static/js/index.abc.js")
    snapshots.wait_for_writes()
    packed = []
    monkeypatch.setattr(serving.gzip, "compress", lambda *args, **kwargs: packed.append(1) or b"")
    assert fetch(serving.CompressOnce(FileServer()), "/static/js/index.abc.js") == first and packed == []
    # The same path, tag and length with other bytes (a copy that kept the file's times) is packed afresh.
    monkeypatch.undo()
    monkeypatch.setenv("ECOLOGY_SNAPSHOTS_DIR", str(tmp_path))
    edited = BUNDLE.replace(b"return 1", b"return 2", 1)
    status, headers, body = fetch(serving.CompressOnce(FileServer(edited)), "/static/js/index.abc.js")
    assert len(edited) == len(BUNDLE) and gzip.decompress(body) == edited


@pytest.mark.parametrize("path", ["/", "/assets"])  # Streamlit serves its root page at each page's path too
def test_the_root_page_is_compressed_but_not_kept(path):
    inner = FileServer(b"<!doctype html>" + b"<div></div>" * 500, content_type=b"text/html")
    app = serving.CompressOnce(inner)
    for _ in range(2):
        status, headers, body = fetch(app, path)
        assert headers["content-encoding"] == "gzip" and gzip.decompress(body).startswith(b"<!doctype html>")
    assert inner.calls == 2


def test_a_warm_up_that_fails_still_turns_garbage_collection_back_on(monkeypatch):
    def broken() -> None:
        raise RuntimeError("no build")

    monkeypatch.setattr(serving, "_load_the_overview", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="no build"):
        serving.warm_up(report=lambda message: None)
    assert gc.isenabled()


@pytest.mark.parametrize(("path", "kwargs", "server"), [
    ("/static/a.js", {"encoding": None}, {}),                                   # the browser did not ask
    ("/static/a.js", {"encoding": "gzip;q=0, identity"}, {}),                   # ... or refused it
    ("/static/a.js", {"extra_headers": ((b"range", b"bytes=0-99"),)}, {}),      # a range request
    ("/static/a.js", {"method": "POST"}, {}),
    ("/static/a.png", {}, {"content_type": b"image/png"}),                      # already compressed data
    ("/static/a.js", {}, {"status": 404}),
    ("/static/a.js", {}, {"extra": ((b"content-encoding", b"br"),)}),           # already encoded
    ("/_stcore/health", {}, {}),                                                # Streamlit compresses the rest
    ("/media/briefing.html", {}, {}),
    ("/static/tiny.js", {}, {"body": b"x=1"}),                                  # too small to gain
])
def test_everything_else_passes_through_unchanged(path, kwargs, server):
    inner = FileServer(**server)
    status, headers, body = fetch(serving.CompressOnce(inner), path, **kwargs)
    assert "content-encoding" not in headers or headers["content-encoding"] == "br"
    assert body == inner.body and status == inner.status


def test_a_websocket_is_left_to_streamlit():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    _run(serving.CompressOnce(inner)({"type": "websocket", "path": "/_stcore/stream", "headers": []}, None, None))
    assert seen == ["websocket"]


def test_a_head_request_gets_no_body_even_once_the_file_is_kept():
    app = serving.CompressOnce(FileServer())
    assert fetch(app, "/static/a.js", method="HEAD")[2] == b""
    fetch(app, "/static/a.js")
    status, headers, body = fetch(app, "/static/a.js", method="HEAD")
    assert status == 200 and body == b"" and headers["content-encoding"] == "gzip"


def test_the_memory_kept_is_bounded():
    app = serving.CompressOnce(FileServer(), cache_limit_bytes=1)
    fetch(app, "/static/a.js")
    assert app._cache == {}


@pytest.mark.parametrize(("header", "accepted"), [
    ("gzip", True), ("br, gzip", True), ("gzip;q=0.5", True), ("*", True), ("gzip;q=0", False),
    ("identity", False), ("", False), ("deflate, br", False), ("GZIP", True),
])
def test_accept_encoding_is_read_with_its_quality_values(header, accepted):
    assert serving.accepts_gzip({"headers": [(b"accept-encoding", header.encode())]}) is accepted


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=20_000), st.integers(min_value=1, max_value=7))
def test_any_body_in_any_number_of_chunks_arrives_whole(body, chunks):
    inner = FileServer(body, chunks=chunks)
    status, headers, sent = fetch(serving.CompressOnce(inner), "/static/x.js")
    assert (gzip.decompress(sent) if headers.get("content-encoding") == "gzip" else sent) == body
