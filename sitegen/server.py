"""The preview server: build, serve the output under base_url's path, watch, rebuild, live reload.

Serving never reads outside the output folder (`..`, encoded separators, backslashes and symlinks
that lead out are refused). A failed rebuild leaves the last good site in place, because the
builder never touches the output on failure; the server then shows the problems as an overlay on
every page and in the terminal until a rebuild succeeds. The live-reload script and the overlay
are added to HTML responses here, so they never reach `sitegen build` output.

The server answers only its own names: a request whose Host header is not 127.0.0.1, localhost,
[::1] or the `--host` name (each bare or with the server's port) gets 421 and nothing else, so a
web page that rebinds its own DNS name to 127.0.0.1 cannot read the preview, drafts included. A
connection must send each request's line and headers within `timeout` seconds (idle and
trickling clients are dropped), at most `max_connections` are open at once (see
PreviewHTTPServer), and files are streamed in 64 KiB chunks.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import mimetypes
import os
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast
from urllib.parse import unquote, urlsplit

from watchfiles import watch

from .builder import BuildOptions, BuildReport, build
from .config import load_config
from .diagnostics import Diagnostic
from .theme import CHECKOUT, FOLDERS, builtin_root
from .urls import Urls

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

EVENTS_PATH = "/__sitegen/events"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
CHUNK = 64 * 1024  # bytes per read and write when streaming a file
MAX_SEGMENT = 255  # bytes: no file system we build on has longer file names
MAX_PATH = 4096  # bytes: Linux's PATH_MAX
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".md": "text/plain; charset=utf-8",
    ".pf_meta": "application/octet-stream",
}

LIVE_RELOAD_SCRIPT = """<script>(() => {
  const source = new EventSource("%s");
  source.addEventListener("reload", () => location.reload());
  source.addEventListener("problems", () => location.reload());
})();</script>"""

OVERLAY = """<div id="sitegen-problems" role="alert" style="position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:100000;background:#1b1b1b;color:#fff;font:16px/1.5 monospace;padding:1rem 1.5rem;border-top:6px solid #d83933">
<p style="margin:0 0 .5rem;font-weight:bold">The last change was not built: %s. You are seeing the last good version of the site.</p>
<ul style="margin:0;padding-left:1.2rem">%s</ul></div>"""


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def host_names(host: str, port: int) -> frozenset[str]:
    """The Host header values the server answers: the loopback names and `host`, each bare or with `port`."""
    names = set(LOOPBACK_NAMES)
    name = host.strip().strip("[]").lower()
    if name:
        names.add(f"[{name}]" if ":" in name else name)  # an IPv6 address is bracketed in a Host header
    return frozenset(names | {f"{name}:{port}" for name in names})


class PreviewState:
    """What the server shows: the output folder, the last build's problems, and a change counter."""

    def __init__(self, root: Path, base_path: str):
        self.root = root.resolve()
        self.base_path = base_path
        self.problems: list[Diagnostic] = []
        self.generation = 0
        self.changed = threading.Condition()
        self.closing = False

    def publish(self, report: BuildReport) -> None:
        with self.changed:
            self.problems = [d for d in report.diagnostics if d.severity == "error"]
            self.generation += 1
            self.changed.notify_all()

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path under the base path, or None (missing, not allowed, or any OSError:
        a name too long for the file system is simply not there)."""
        try:
            return self._resolve(url_path)
        except (OSError, ValueError, RuntimeError):
            return None

    def _resolve(self, url_path: str) -> Path | None:
        raw = urlsplit(url_path).path
        if not raw.startswith(self.base_path):
            return None
        relative = unquote(raw[len(self.base_path) :])
        encoded = relative.encode("utf-8", "surrogateescape")
        if len(encoded) > MAX_PATH or any(len(part) > MAX_SEGMENT for part in encoded.split(b"/")):
            return None
        if "\\" in relative or "\0" in relative or any(part in ("..", ".") for part in relative.split("/")):
            return None
        candidate = (self.root / relative) if relative else self.root
        if raw.endswith("/"):
            candidate = candidate / "index.html"
        elif candidate.is_dir():
            return None  # the handler redirects /about to /about/
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if real != self.root and self.root not in real.parents:
            return None
        return real if real.is_file() else None

    def decorate(self, page: bytes) -> bytes:
        """Add the live-reload script, and the problems overlay after a failed rebuild."""
        extra = LIVE_RELOAD_SCRIPT % EVENTS_PATH
        if self.problems:
            items = "".join(f"<li>{html.escape(d.text())}</li>" for d in self.problems[:50])
            count = f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}"
            extra = OVERLAY % (count, items) + extra
        return page.replace(b"</body>", extra.encode() + b"</body>", 1)


class HeadDeadline(io.RawIOBase):
    """The reading end of a connection, with a deadline for the request line and headers.

    A socket timeout alone bounds each read, so a client sending a byte every few seconds would
    hold its connection for ever; while `deadline` is set, every read waits only for what is left.
    """

    def __init__(self, sock: socket.socket, timeout: float):
        self.sock = sock
        self.timeout = timeout
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request's line and headers did not arrive in time")
            self.sock.settimeout(min(left, self.timeout))
        return self.sock.recv_into(buffer)


class Handler(BaseHTTPRequestHandler):
    server_version = "sitegen-preview"
    state: PreviewState  # set on the subclass made for each server
    allowed_hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)  # and these set there too
    timeout: ClassVar[float | None] = 15.0  # seconds for a request's head to arrive; None waits for ever
    server: PreviewHTTPServer
    head_deadline: HeadDeadline | None = None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass  # the terminal shows builds and problems, not every request

    def setup(self) -> None:
        super().setup()  # sets the socket timeout: each read or write waits at most `timeout`
        if self.timeout:
            self.rfile.close()  # the stdlib's reader, replaced by one that also bounds the whole head
            self.head_deadline = HeadDeadline(self.connection, self.timeout)
            self.rfile = io.BufferedReader(self.head_deadline)

    def handle_one_request(self) -> None:
        if self.head_deadline is not None:  # the wait for a request, idle time included, starts now
            self.head_deadline.deadline = time.monotonic() + self.head_deadline.timeout
        try:
            super().handle_one_request()  # drops the connection on TimeoutError
        except ConnectionError:
            self.close_connection = True  # the client went away mid-response

    def parse_request(self) -> bool:
        """The stdlib's parsing, then the Host check: 421 for any name but the server's own."""
        parsed = super().parse_request()
        if self.head_deadline is not None:
            self.head_deadline.deadline = None
            self.connection.settimeout(self.head_deadline.timeout)
        if not parsed:
            return False
        if not self.host_allowed():
            self.send_text(
                HTTPStatus.MISDIRECTED_REQUEST,
                b"Misdirected request: this preview server answers "
                b"only to localhost, 127.0.0.1, [::1] and the --host name.\n",
            )
            return False
        return True

    def host_allowed(self) -> bool:
        """One Host header naming this server (none at all is refused too, even from HTTP/1.0), and no
        other name in an absolute-form request target."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.allowed_hosts:
            return False
        try:
            authority = urlsplit(self.path).netloc
        except ValueError:
            return False
        return not authority or authority.lower() in self.allowed_hosts

    def send_text(self, status: HTTPStatus, body: bytes) -> None:
        """A short plain-text answer, and the connection closed after it."""
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        state = self.state
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            return self.events()
        if path == "/" and state.base_path != "/":
            return self.redirect(state.base_path)
        if not path.startswith(state.base_path) and path + "/" == state.base_path:
            return self.redirect(state.base_path)
        file = state.resolve(self.path)
        if file is None:
            raw = unquote(path)
            folder = state.resolve(raw + "/") if not raw.endswith("/") and ".." not in raw else None
            if folder is not None:
                return self.redirect(path + "/")
            return self.send_file(state.root / "404.html", HTTPStatus.NOT_FOUND, head)
        self.send_file(file, HTTPStatus.OK, head)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_file(self, file: Path, status: HTTPStatus, head: bool) -> None:
        """HTML pages are read whole to be decorated (they are small); other files are streamed."""
        kind = content_type(file)
        try:
            stream = file.open("rb")
            size = os.fstat(stream.fileno()).st_size
        except (OSError, ValueError):
            return self.send_text(HTTPStatus.NOT_FOUND, b"Not found")
        with stream:
            body = None
            if kind.startswith("text/html"):
                try:
                    body = self.state.decorate(stream.read())
                except OSError:
                    return self.send_text(HTTPStatus.NOT_FOUND, b"Not found")
                size = len(body)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(size))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if head:
                return
            if body is not None:
                self.wfile.write(body)
                return
            left = size  # never more than the Content-Length sent, even if a rebuild grows the file meanwhile
            while left > 0 and (chunk := stream.read(min(CHUNK, left))):
                self.wfile.write(chunk)
                left -= len(chunk)
            if left:
                self.close_connection = True  # the file shrank: the client sees a short body, not the next response

    def events(self) -> None:
        """Server-sent events: 'reload' after a good rebuild, 'problems' after a failed one.

        A stream holds one of the server's event slots (half its connections) while it lasts; with
        none free, 503, and that page does not live-reload (EventSource does not retry a 503).
        """
        self.close_connection = True
        if not self.server.stream_slots.acquire(blocking=False):
            return self.send_text(HTTPStatus.SERVICE_UNAVAILABLE, b"Too many live-reload streams are open.\n")
        try:
            self.stream_events()
        finally:
            self.server.stream_slots.release()

    def stream_events(self) -> None:
        state = self.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with state.changed:
            seen = state.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not state.closing:
                with state.changed:
                    # The lambda runs inside wait_for, in this very iteration.
                    state.changed.wait_for(lambda: state.generation != seen or state.closing, timeout=15)  # noqa: B023
                    generation, problems = state.generation, list(state.problems)
                if state.closing:
                    return
                if generation == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = generation
                    event = "problems" if problems else "reload"
                    data = json.dumps([d.text() for d in problems])
                    self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:  # gone, reset, or not reading for `timeout` seconds
            return


def refuse_busy(request: socket.socket) -> None:
    """503 on a connection beyond the bound, without waiting for it (this runs in the accept loop)."""
    body = b"Busy: too many connections to the preview server are open; try again.\n"
    try:
        request.settimeout(0.5)
        request.sendall(
            b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        request.setblocking(False)
        request.recv(CHUNK)  # what the request sent already: unread, it would turn the close into a reset
    except OSError:
        pass


class PreviewHTTPServer(ThreadingHTTPServer):
    """A thread per connection, at most `max_connections` connections at once.

    Policy: every connection holds one slot from accept to close, the live-reload event streams
    included. A connection beyond the bound is answered at once with 503 and Retry-After, not
    queued, so the accept loop never waits. Event streams last as long as their page stays open, so
    they may hold at most half the slots (a stream beyond that gets 503, and its page does not
    live-reload); the other half stays for pages and files, whose connections the handler's
    timeout keeps short. Handler threads are daemons that end by themselves (event streams on
    `PreviewState.closing`, others within the timeout), so closing the server does not wait for them.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[Handler], max_connections: int = 64):
        if max_connections < 2:
            raise ValueError("max_connections must be at least 2: one for an event stream, one for pages")
        self.slots = threading.BoundedSemaphore(max_connections)
        self.stream_slots = threading.BoundedSemaphore(max_connections // 2)
        super().__init__(address, handler)

    # A TCP server's requests are sockets (typeshed's type also covers UDP's (data, socket) pairs).
    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if not self.slots.acquire(blocking=False):
            refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()  # no thread started to release it
            raise

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]  # as above
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class PreviewServer:
    """Build once, then serve and rebuild on every change until `stop()`.

    `timeout`: seconds a connection may take to send each request's line and headers (idle time
    before it included) and may block on any single read or write; `max_connections`: see
    PreviewHTTPServer. The server answers the Host names in `allowed_hosts` only.
    """

    def __init__(
        self,
        options: BuildOptions,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Callable[[str], None] = print,
        debounce_ms: int = 50,
        timeout: float | None = 15.0,
        max_connections: int = 64,
    ):
        self.options = options
        self.log = log
        self.debounce_ms = debounce_ms
        self.report = build(options)
        self._log_report(self.report, "Built")
        config, _ = load_config(options.project, options.base_url)
        base_path = Urls(config.base_url).base_path if config else "/"
        self.state = PreviewState(options.output, base_path)
        self.state.publish(self.report)
        handler = cast("type[Handler]", type("BoundHandler", (Handler,), {"state": self.state, "timeout": timeout}))
        self.httpd = PreviewHTTPServer((host, port), handler, max_connections)
        self.allowed_hosts = handler.allowed_hosts = host_names(host, self.httpd.server_address[1])
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        if isinstance(host, bytes | bytearray):  # typeshed allows bytes; an AF_INET socket gives str
            host = host.decode()
        return f"http://{host}:{port}{self.state.base_path}"

    def start(self) -> None:
        self.threads = [
            threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
            threading.Thread(target=self.watch, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def watch(self) -> None:
        project = self.options.project
        folders = [str(project / name) for name in ("content", "templates", "assets") if (project / name).is_dir()]
        # Overrides are watched where the project has them; a built-in theme in a checkout (an
        # editable install) is watched too, since someone may be editing it.
        if builtin_root() == CHECKOUT:
            folders += [
                str(CHECKOUT / name) for name in FOLDERS if (CHECKOUT / name).resolve() != (project / name).resolve()
            ]
        # One rebuild per burst of saves: watchfiles gathers changes for debounce_ms.
        for _changes in watch(
            *folders,
            stop_event=self.stop_event,
            debounce=self.debounce_ms,
            step=10,
            rust_timeout=200,
            yield_on_timeout=False,
            raise_interrupt=False,
        ):
            self.rebuild()

    def rebuild(self) -> BuildReport:
        """Pages first, so the browser reloads at once; then the search index, which can take seconds."""
        started = time.perf_counter()
        report = build(dataclasses.replace(self.options, search=False))
        self.report = report
        self._log_report(report, f"Rebuilt in {time.perf_counter() - started:.2f} s:")
        self.state.publish(report)
        if report.ok and self.options.search and not self.stop_event.is_set():
            indexed = build(self.options)  # pages are unchanged now: only the search index is redone
            if not indexed.ok:
                self._log_report(indexed, "Search index:")
        return report

    def _log_report(self, report: BuildReport, verb: str) -> None:
        errors = [d for d in report.diagnostics if d.severity == "error"]
        if errors:
            self.log("\n".join(d.text() for d in errors))
            self.log(
                f"Build failed ({len(errors)} problem{'s' * (len(errors) != 1)}); still serving the last good site."
            )
        else:
            self.log(
                f"{verb} {report.publications:,} publications, {report.rendered:,} pages rendered, "
                f"{report.written:,} files written."
            )

    def stop(self) -> None:
        self.stop_event.set()
        with self.state.changed:
            self.state.closing = True
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
