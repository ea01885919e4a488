"""The preview server answers only its own names, drops idle and slow clients, bounds its connections,
streams files and gives 404 for names too long for the file system: real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import select
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from sitegen.builder import BuildOptions
from sitegen.server import EVENTS_PATH, PreviewServer, host_names
from sitekit import Project
from test_server import Events, get

DRAFT = "/library/publications/secret-draft/"
BIG = 5 * 1024 * 1024


@pytest.fixture
def start(project: Project) -> Iterator[Callable[..., PreviewServer]]:
    """Start a preview of a site with one publication and one draft (built with --drafts); stop it after."""
    project.publication("first", title="First title", body="First body.")
    project.publication("secret-draft", title="Draft title", body="Embargoed body.", draft=True)
    started: list[PreviewServer] = []

    def start_server(**options: object) -> PreviewServer:
        preview = PreviewServer(
            BuildOptions(project=project.root, jobs=1, drafts=True, search=False),
            port=0,
            log=lambda text: None,
            **options,
        )  # type: ignore[arg-type]
        preview.start()
        started.append(preview)
        return preview

    yield start_server
    for preview in started:
        preview.stop()


@pytest.fixture
def server(start: Callable[..., PreviewServer]) -> PreviewServer:
    return start()


def address(server: PreviewServer) -> tuple[str, int]:
    host, port = server.httpd.server_address[:2]
    assert host == "127.0.0.1"
    return host, port


def request(server: PreviewServer, path: str, host: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request with this Host header (http.client sends ours instead of its own)."""
    connection = http.client.HTTPConnection(*address(server), timeout=10)
    connection.request(method, path, headers={"Host": host})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def raw(server: PreviewServer, data: bytes) -> bytes:
    """Send these bytes as they are; everything the server answers until it closes (10 s at most)."""
    with socket.create_connection(address(server), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            answer += chunk
        return answer


def assert_refused(status: int, body: bytes) -> None:
    assert status == 421, (status, body)
    assert len(body) < 200 and b"<" not in body, body  # a short plain-text line, no page
    for content in (b"Draft title", b"Embargoed", b"First title", b"connected", b"event:"):
        assert content not in body


def test_own_names_are_served_drafts_included(server: PreviewServer) -> None:
    port = address(server)[1]
    for host in (
        f"localhost:{port}",
        f"127.0.0.1:{port}",
        f"[::1]:{port}",
        "localhost",
        "127.0.0.1",
        "[::1]",
        f"LocalHost:{port}",
    ):
        status, _, body = request(server, DRAFT, host)
        assert status == 200 and b"Draft title" in body, host
    status, headers, _ = request(server, "/", f"localhost:{port}")
    assert status == 301 and headers["location"] == "/library/"


@pytest.mark.parametrize(
    "path",
    [DRAFT, "/library/", "/", "/library/feed.xml", "/library/no-such-page/", "/library/" + "a" * 300, EVENTS_PATH],
)
@pytest.mark.parametrize(
    "name",
    [
        "evil.example",
        "evil.example:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1.evil.example",
        "localhost:1",
        "127.0.0.1:{port}0",
        "localhost.",
        "::1",
        "",
    ],
)
def test_other_names_get_421_and_no_content(server: PreviewServer, path: str, name: str) -> None:
    status, headers, body = request(server, path, name.format(port=address(server)[1]))
    assert_refused(status, body)
    assert headers["content-type"] == "text/plain; charset=utf-8" and "location" not in headers


def test_head_is_refused_too(server: PreviewServer) -> None:
    status, _, body = request(server, DRAFT, "evil.example", method="HEAD")
    assert status == 421 and body == b""


@pytest.mark.parametrize(
    "head",
    [
        b"GET %s HTTP/1.1\r\n\r\n",  # no Host at all
        b"GET %s HTTP/1.0\r\n\r\n",  # HTTP/1.0 need not send one, but a preview asks for it too
        b"GET %s HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n",  # two of them
        b"GET http://evil.example%s HTTP/1.1\r\nHost: localhost\r\n\r\n",  # another name in the target
        b"GET http://[bad%s HTTP/1.1\r\nHost: localhost\r\n\r\n",  # not even a valid name
    ],
)
@pytest.mark.parametrize("path", [DRAFT, EVENTS_PATH])
def test_missing_repeated_or_contradicted_hosts_get_421(server: PreviewServer, head: bytes, path: str) -> None:
    answer = raw(server, head % path.encode())
    assert answer.startswith(b"HTTP/1.0 421 "), answer
    assert_refused(421, answer.partition(b"\r\n\r\n")[2])


def test_the_host_name_given_to_the_server_is_one_of_its_names() -> None:
    assert host_names("127.0.0.1", 8000) == {
        "127.0.0.1",
        "localhost",
        "[::1]",
        "127.0.0.1:8000",
        "localhost:8000",
        "[::1]:8000",
    }
    assert {"preview.internal", "preview.internal:8000"} <= host_names("Preview.Internal", 8000)
    assert {"[fe80::1]", "[fe80::1]:8000"} <= host_names("fe80::1", 8000)  # an IPv6 --host is bracketed
    assert {"192.168.1.5", "192.168.1.5:8000"} <= host_names("192.168.1.5", 8000)
    assert "evil.example" not in host_names("preview.internal", 8000)


def test_a_silent_connection_is_closed_within_the_timeout(start: Callable[..., PreviewServer]) -> None:
    server = start(timeout=1)
    with socket.create_connection(address(server), timeout=15) as sock:
        started = time.monotonic()
        try:
            closed = sock.recv(1024) == b""
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
    assert closed and time.monotonic() - started < 15
    assert get(server, "/library/")[0] == 200  # and the server goes on serving


def test_headers_trickled_in_are_dropped_within_the_timeout(start: Callable[..., PreviewServer]) -> None:
    server = start(timeout=1)
    port = address(server)[1]
    closed = False
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(f"GET {DRAFT} HTTP/1.1\r\nHost: localhost:{port}\r\n".encode())
        for step in range(50):  # a header line every 0.2 s: each read is quick, the head never ends
            try:
                sock.sendall(f"X-Slow-{step}: 1\r\n".encode())
                if select.select([sock], [], [], 0.2)[0]:
                    answer = sock.recv(65536)
                    assert b"Draft title" not in answer
                    closed = answer == b""
            except (BrokenPipeError, ConnectionResetError):
                closed = True
            if closed:
                break
    assert closed, "a client trickling headers kept its connection for 10 s with a 1 s timeout"
    assert step < 45


def test_an_event_stream_outlives_the_timeout(start: Callable[..., PreviewServer]) -> None:
    server = start(timeout=1)  # the timeout bounds a request's head and each write, not a stream's life
    events = Events(server)
    time.sleep(2)
    assert events.thread.is_alive() and b"421" not in events.data
    events.close()


@pytest.mark.parametrize(
    "path",
    [
        "/library/" + "a" * 300 + "/",
        "/library/" + "a" * 300,
        "/library/" + "a" * 300 + ".pdf",
        "/library/" + "%41" * 300,
        "/library/publications/" + "%C3%A9" * 200 + "/",
        "/library/" + "/".join(["b" * 200] * 30),  # each segment fits, the whole path does not
        "/library/" + "/".join(["c" * 250] * 30) + "/",
    ],
)
def test_names_too_long_for_the_file_system_are_not_found(server: PreviewServer, path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404 and b"Page not found" in body
    assert get(server, "/library/")[0] == 200


def test_a_large_file_is_streamed_intact(server: PreviewServer, project: Project) -> None:
    data = os.urandom(BIG)
    (project.out / "files").mkdir(exist_ok=True)
    (project.out / "files" / "big.bin").write_bytes(data)
    port = address(server)[1]
    status, headers, body = request(server, "/library/files/big.bin", f"localhost:{port}")
    assert status == 200 and headers["content-length"] == str(BIG)
    assert headers["content-type"] == "application/octet-stream" and body == data
    status, headers, body = request(server, "/library/files/big.bin", f"localhost:{port}", method="HEAD")
    assert status == 200 and headers["content-length"] == str(BIG) and body == b""


def test_connections_beyond_the_bound_are_refused_then_served_again(start: Callable[..., PreviewServer]) -> None:
    server = start(max_connections=4, timeout=10)
    idle = [socket.create_connection(address(server), timeout=10) for _ in range(4)]
    try:
        with socket.create_connection(address(server), timeout=10) as sock:  # accepted after the four
            answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.0 503 ") and b"Retry-After: 1" in answer
    finally:
        for sock in idle:
            sock.close()
    for _ in range(50):  # the four slots come back as their handlers see the close
        try:
            if get(server, "/library/")[0] == 200:
                break
        except (ConnectionError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    else:
        raise AssertionError("the server never served again after the idle connections closed")


def test_event_streams_leave_room_for_pages(start: Callable[..., PreviewServer]) -> None:
    server = start(max_connections=4)
    streams = [Events(server), Events(server)]  # half the slots: the most streams may hold
    try:
        status, _, body = get(server, EVENTS_PATH)
        assert status == 503 and b"event:" not in body and b"connected" not in body
        status, _, body = get(server, "/library/publications/first/")
        assert status == 200 and b"First title" in body
    finally:
        for stream in streams:
            stream.close()
