"""The preview server: build, serve the output under base_url's path, watch, rebuild, live reload.

Serving never reads outside the output folder (`..`, encoded separators, backslashes and symlinks
that lead out are refused). A failed rebuild leaves the last good site in place, because the
builder never touches the output on failure; the server then shows the problems as an overlay on
every page and in the terminal until a rebuild succeeds. The live-reload script and the overlay
are added to HTML responses here, so they never reach `sitegen build` output.
"""

from __future__ import annotations

import dataclasses
import html
import json
import mimetypes
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from watchfiles import watch

from .builder import BuildOptions, BuildReport, build
from .config import load_config
from .diagnostics import Diagnostic
from .urls import Urls

EVENTS_PATH = "/__sitegen/events"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".json": "application/json",
                 ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
                 ".woff2": "font/woff2", ".woff": "font/woff", ".pdf": "application/pdf", ".png": "image/png",
                 ".md": "text/plain; charset=utf-8", ".pf_meta": "application/octet-stream"}

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
        """The file for a URL path under the base path, or None (missing or not allowed)."""
        raw = urlsplit(url_path).path
        if not raw.startswith(self.base_path):
            return None
        relative = unquote(raw[len(self.base_path):])
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


class Handler(BaseHTTPRequestHandler):
    server_version = "sitegen-preview"
    state: PreviewState  # set on the subclass made for each server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass  # the terminal shows builds and problems, not every request

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
        try:
            body = file.read_bytes()
        except OSError:
            body, status = b"Not found", HTTPStatus.NOT_FOUND
            file = Path("404.txt")
        kind = content_type(file)
        if kind.startswith("text/html"):
            body = self.state.decorate(body)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def events(self) -> None:
        """Server-sent events: 'reload' after a good rebuild, 'problems' after a failed one."""
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
                    state.changed.wait_for(lambda: state.generation != seen or state.closing, timeout=15)
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
        except (BrokenPipeError, ConnectionResetError):
            return


class PreviewServer:
    """Build once, then serve and rebuild on every change until `stop()`."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 log: Callable[[str], None] = print, debounce_ms: int = 50):
        self.options = options
        self.log = log
        self.debounce_ms = debounce_ms
        self.report = build(options)
        self._log_report(self.report, "Built")
        config, _ = load_config(options.project, options.base_url)
        base_path = Urls(config.base_url).base_path if config else "/"
        self.state = PreviewState(options.output, base_path)
        self.state.publish(self.report)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.state.base_path}"

    def start(self) -> None:
        self.threads = [threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True),
                        threading.Thread(target=self.watch, daemon=True)]
        for thread in self.threads:
            thread.start()

    def watch(self) -> None:
        project = self.options.project
        folders = [str(project / name) for name in ("content", "templates", "assets") if (project / name).is_dir()]
        # One rebuild per burst of saves: watchfiles gathers changes for debounce_ms.
        for _changes in watch(*folders, stop_event=self.stop_event, debounce=self.debounce_ms, step=10,
                              rust_timeout=200, yield_on_timeout=False, raise_interrupt=False):
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
            self.log(f"Build failed ({len(errors)} problem{'s' * (len(errors) != 1)}); still serving the last good site.")
        else:
            self.log(f"{verb} {report.publications:,} publications, {report.rendered:,} pages rendered, "
                     f"{report.written:,} files written.")

    def stop(self) -> None:
        self.stop_event.set()
        with self.state.changed:
            self.state.closing = True
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

