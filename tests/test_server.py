"""The preview server over real HTTP on 127.0.0.1: serving, confinement, live reload, errors."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from sitegen.builder import BuildOptions
from sitegen.server import EVENTS_PATH, PreviewServer
from sitekit import Project


@pytest.fixture
def server(project: Project) -> Iterator[PreviewServer]:
    project.publication("first", title="First title", body="First body.")
    preview = PreviewServer(BuildOptions(project=project.root, jobs=1), port=0, log=lambda text: None)
    preview.start()
    yield preview
    preview.stop()


def get(server: PreviewServer, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", path)  # http.client sends the path as given: no normalisation
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


class Events:
    """Reads the server-sent events stream in a thread."""

    def __init__(self, server: PreviewServer):
        host, port = server.httpd.server_address[:2]
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.wait_for(b": connected")

    def _read(self) -> None:
        try:
            while chunk := self.sock.recv(4096):
                self.data += chunk
        except OSError:
            pass

    def wait_for(self, marker: bytes, timeout: float = 5) -> float:
        start = time.perf_counter()
        while marker not in self.data:
            if time.perf_counter() - start > timeout:
                raise AssertionError(f"no {marker!r} in {self.data!r}")
            time.sleep(0.01)
        return time.perf_counter() - start

    def close(self) -> None:
        self.sock.close()


def test_serves_pages_under_the_base_path(server: PreviewServer) -> None:
    status, headers, body = get(server, "/library/publications/first/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"First title" in body and EVENTS_PATH.encode() in body
    assert get(server, "/library/feed.xml")[1]["content-type"] == "application/xml"
    assert get(server, "/library/publications/index.json")[1]["content-type"] == "application/json"
    css = next(line for line in body.decode().split('"') if line.endswith(".css"))
    assert get(server, css)[1]["content-type"] == "text/css; charset=utf-8"


def test_live_reload_script_is_never_in_build_output(server: PreviewServer, project: Project) -> None:
    for page in project.out.rglob("*.html"):
        assert EVENTS_PATH not in page.read_text()


def test_root_and_folders_redirect(server: PreviewServer) -> None:
    status, headers, _ = get(server, "/")
    assert status == 301 and headers["location"] == "/library/"
    status, headers, _ = get(server, "/library/about")
    assert status == 301 and headers["location"] == "/library/about/"


def test_missing_page_gets_the_site_404(server: PreviewServer) -> None:
    status, _, body = get(server, "/library/no-such-page/")
    assert status == 404 and b"Page not found" in body


@pytest.mark.parametrize(
    "path",
    [
        "/library/../../../etc/passwd",
        "/library/..%2f..%2f..%2fetc%2fpasswd",
        "/library/%2e%2e/%2e%2e/etc/passwd",
        "/library/..\\..\\etc\\passwd",
        "/library/%5c..%5c..%5cetc%5cpasswd",
        "/library/outside/passwd",
        "/library/%00",
        "/etc/passwd",
    ],
)
def test_nothing_outside_the_output_folder_is_served(server: PreviewServer, project: Project, path: str) -> None:
    secret = project.root / "outside"
    secret.mkdir(exist_ok=True)
    (secret / "passwd").write_text("SECRET")
    link = project.out / "outside"
    if not link.exists():
        os.symlink(secret, link)
    status, _, body = get(server, path)
    assert status in (301, 404) and b"SECRET" not in body and b"root:" not in body


def test_an_edit_reloads_the_browser_and_updates_listings(server: PreviewServer, project: Project) -> None:
    events = Events(server)
    source = next((project.root / "content/publications").rglob("first.md"))
    source.write_text(source.read_text().replace("First title", "Second title"))
    events.wait_for(b"event: reload")
    events.close()
    # The rebuild that sent it re-rendered the pages showing the title, and said why.
    rendered = {event.output: event.why for event in server.report.events}
    assert rendered["publications/first/index.html"] == "changed" and "publications/index.html" in rendered
    for path in ("/library/publications/first/", "/library/publications/", "/library/publications/component/ice/"):
        assert b"Second title" in get(server, path)[2], path
    assert b"Second title" in get(server, "/library/feed.xml")[2]


def test_body_edits_are_quick_rebuilds_while_the_search_index_follows(server: PreviewServer, project: Project) -> None:
    source = next((project.root / "content/publications").rglob("first.md"))
    for step in range(2):  # the second edit follows a build with the index: still quick
        events = Events(server)
        source.write_text(source.read_text() + f"\nSentence {step}.\n")
        events.wait_for(b"event: reload")
        events.close()
        assert "quick" in server.report.timings and server.report.rendered == 1, step
        assert f"Sentence {step}.".encode() in get(server, "/library/publications/first/")[2]


def test_a_broken_file_shows_problems_and_keeps_the_last_good_site(server: PreviewServer, project: Project) -> None:
    events = Events(server)
    source = next((project.root / "content/publications").rglob("first.md"))
    good = source.read_text()
    source.write_text(good.replace("component: ice", "component: icee"))
    events.wait_for(b"event: problems")
    status, _, body = get(server, "/library/publications/first/")
    assert status == 200 and b"First title" in body
    assert b"sitegen-problems" in body and b"unknown component" in body and b"first.md:4" in body
    source.write_text(good.replace("First body.", "Fixed body."))
    events.wait_for(b"event: reload")
    events.close()
    body = get(server, "/library/publications/first/")[2]
    assert b"Fixed body." in body and b"sitegen-problems" not in body


def test_server_stops_cleanly(project: Project) -> None:
    preview = PreviewServer(BuildOptions(project=project.root, jobs=1), port=0, log=lambda text: None)
    preview.start()
    host, port = preview.httpd.server_address[:2]
    events = Events(preview)
    preview.stop()
    assert all(not thread.is_alive() for thread in preview.threads)
    events.close()
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=1)
