"""Helpers for the no-secret-in-any-output tests: secrets that hypothesis draws, a hostile
server (or proxy) on 127.0.0.1 that echoes every secret it gets, a port that refuses
connections, and the search for a secret in every text a failure produced."""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import socket
import socketserver
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

import attrs
from hypothesis import strategies as st

# Characters that percent-encode, that look like parts of a URL, that JSON or HTML escape,
# and a few beyond ASCII (Latin-1 and not).
NASTY = "@:/?#[]%&=+;,$!'\"()* <>\\~|^`{}" + "éß€日"
_LATIN1 = "".join(ch for ch in NASTY if ord(ch) < 256)
_FILLER = st.text(
    alphabet=st.sampled_from(NASTY) | st.characters(codec="ascii", categories=["L", "N"]),
    max_size=6,
)
_LATIN1_FILLER = st.text(
    alphabet=st.sampled_from(_LATIN1) | st.characters(codec="ascii", categories=["L", "N"]),
    max_size=6,
)
# In every secret: whatever form a secret leaks in, one that keeps a part of it whole
# shows its marker.
MARKERS = {"token": "tKq7Zx", "password": "pWq7Zx", "sip password": "sPq7Zx"}


def _around(marker: str, filler: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: f"{a}{marker}{b}", filler, filler)


@attrs.frozen
class Secrets:
    """One drawing: the API token, the proxy's user (not secret) and password, and the
    SIP password of a write."""

    token: str
    user: str
    password: str
    sip_password: str

    def proxy(self, port: int) -> str:
        """The proxy's URL, its user and password percent-encoded as a URL needs."""
        return (
            f"http://{quote(self.user, safe='')}:{quote(self.password, safe='')}@127.0.0.1:{port}"
        )

    def forms(self) -> dict[str, str]:
        """What must never be shown: each secret, percent-encoded too, its marker, and
        the proxy's ``Basic`` credentials."""
        pair = f"{self.user}:{self.password}".encode("latin-1")
        found = {"proxy Basic credentials": base64.b64encode(pair).decode()}
        for label, secret in [
            ("token", self.token),
            ("password", self.password),
            ("sip password", self.sip_password),
        ]:
            found[label] = secret
            found[f"{label} percent-encoded"] = quote(secret, safe="")
            found[f"marker of the {label}"] = MARKERS[label]
        return found


SECRETS = st.builds(
    Secrets,
    token=_around(MARKERS["token"], _FILLER),
    user=st.text(alphabet=st.sampled_from("user-01%/ é@"), min_size=1, max_size=8),
    password=_around(MARKERS["password"], _LATIN1_FILLER),
    sip_password=_around(MARKERS["sip password"], _FILLER),
)
EXAMPLE = Secrets(
    token="tok/en@" + MARKERS["token"] + "%2F é",
    user="proxy-user",
    password="p@ss:w/rd#" + MARKERS["password"] + "%?&",
    sip_password="sip'" + MARKERS["sip password"] + '"<€>',
)


class _Echo(socketserver.BaseRequestHandler):
    """Answers one request (a CONNECT too) with the server's status, echoing it back."""

    server: _EchoServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        received = b""
        while b"\r\n\r\n" not in received and len(received) < 65536:
            chunk = sock.recv(65536)
            if not chunk:
                return
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        headers = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
        headers = {name.strip().lower(): value.strip() for name, value in headers.items()}
        length = int(headers.get(b"content-length", b"0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        sock.sendall(_answer(self.server, headers, body))


def _echo(value: bytes, style: str) -> bytes:
    """``value`` as a hostile page may echo it."""
    text = value.decode("utf-8", "replace")
    shown = {
        "raw": value,
        "latin-1 read as utf-8": value.decode("latin-1").encode(),
        "percent-encoded": quote(value).encode(),
        "percent-encoded, '/' too": quote(value, safe="").encode(),
        "form-encoded": quote_plus(value).encode(),
        "json": json.dumps(text).encode(),
        "json, not ascii": json.dumps(text, ensure_ascii=False).encode(),
        "html": html.escape(text).encode(),
    }
    return shown[style]


ECHO_STYLES = [
    "raw",
    "latin-1 read as utf-8",
    "percent-encoded",
    "percent-encoded, '/' too",
    "form-encoded",
    "json",
    "json, not ascii",
    "html",
]


def _answer(server: _EchoServer, headers: Mapping[bytes, bytes], body: bytes) -> bytes:
    """A response echoing the request's secrets (the token, the proxy's credentials, a
    body) in the server's style in the page, as sent in the reason phrase and a request
    id."""
    proxy_auth = headers.get(b"proxy-authorization", b"")
    credentials = base64.b64decode(proxy_auth.split()[-1]) if proxy_auth else b""
    secrets = [headers.get(b"authorization", b""), proxy_auth, credentials, body]
    page = b"<html>%s</html>" % b" | ".join(_echo(v, server.style) for v in secrets if v)
    echoed_id = headers.get(b"authorization") or credentials
    return b"".join(
        [
            b"HTTP/1.1 %d Refused %s\r\n" % (server.status, proxy_auth),
            b"X-Request-Id: id-%s\r\n" % echoed_id,
            b"Content-Type: text/html\r\nConnection: close\r\n",
            b"Content-Length: %d\r\n\r\n" % len(page),
            page,
        ]
    )


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    status = 500
    style = "raw"  # how the page echoes the secrets: one of ECHO_STYLES


@contextmanager
def echo_server() -> Iterator[_EchoServer]:
    """The echoing server (set its ``status`` and ``style``) on a thread of its own."""
    server = _EchoServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def port_of(server: socketserver.TCPServer) -> int:
    return int(server.server_address[1])


@contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections (bound, never listening)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """``os.environ`` with ``values`` set (and the proxy variables of this machine
    unset), restored afterwards; for hypothesis tests, which cannot use monkeypatch."""
    names = [*values, "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"]
    names += ["all_proxy", "NO_PROXY", "no_proxy"]
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def debug_log() -> Iterator[list[logging.LogRecord]]:
    """The records of the ``virtnum`` logger at DEBUG while the block runs."""
    logger = logging.getLogger("virtnum")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [error]
    while todo:
        link = todo.pop()
        if id(link) not in seen:
            seen.add(id(link))
            yield link
            todo.extend(e for e in (link.__cause__, link.__context__) if e is not None)


def texts_of_error(label: str, error: BaseException) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every way an error shows: its traceback, and the str, repr
    and ``vars()`` of it and of each link of its ``__cause__``/``__context__`` chain."""
    yield f"traceback of {label}", "".join(traceback.format_exception(error))
    for depth, link in enumerate(_chain(error)):
        where = f"{label} (link {depth}: {type(link).__name__})"
        yield f"str() of {where}", str(link)
        yield f"repr() of {where}", repr(link)
        yield f"vars() of {where}", repr(getattr(link, "__dict__", {}))


def texts_of_records(records: Iterable[logging.LogRecord]) -> Iterator[tuple[str, str]]:
    for index, record in enumerate(records):
        yield f"log record {index}", record.getMessage()
        yield f"args of log record {index}", repr(record.args)


def leaks(secrets: Secrets, texts: Iterable[tuple[str, str]]) -> list[str]:
    """Where a secret (in any of ``Secrets.forms``) shows in ``texts``."""
    found = []
    for where, text in texts:
        for label, form in secrets.forms().items():
            at = text.find(form)
            if at >= 0:
                found.append(f"{label} in {where}: ...{text[max(0, at - 80) : at + 80]!r}...")
    return found
