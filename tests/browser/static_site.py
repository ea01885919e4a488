"""A built site served over HTTP under a path, as the browser tests open it (a helper, not a test)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def served(out: Path, www: Path, prefix: str = "library") -> Iterator[str]:
    """Serve the output folder `out` at /<prefix>/ from a new folder `www`; yields the site's URL."""
    www.mkdir()
    os.symlink(out, www / prefix)
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{prefix}"
    finally:
        httpd.shutdown()
        httpd.server_close()
