"""The files in deploy/, run for real as far as this machine allows.

- deploy/nginx.conf: nginx serves the built library (tests/fixture_site.py) on 127.0.0.1 (HTTPS
  with a throw-away certificate) under the base path, with the cache, type and security headers,
  and the 404 page.
- deploy/s3-sync.sh: the AWS CLI publishes a built site to a fake S3 endpoint on 127.0.0.1:
  keys, types, cache headers, --delete, the order of the passes, the CloudFront invalidation.
- deploy/federalist.json and deploy/cloud-gov-pages.sh: cloud.gov Pages' header rules and build.
- The Content-Security-Policy of nginx.conf allows what the pages use (no inline script or style).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import http.client
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import lxml.html
import pytest

from sitekit import REPO, Project

DEPLOY = REPO / "deploy"
HOST = "www.example.gov"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sample(library_www: Path) -> Path:
    """A site built as for production, into www/library/ (the base path under a root): the
    generated library of tests/fixture_site.py, shared with the other tests (never changed)."""
    return library_www / "library"


# -- Content-Security-Policy --------------------------------------------------------------------


def test_pages_need_no_inline_script_or_style(sample: Path) -> None:
    """nginx.conf's CSP has no 'unsafe-inline': the pages must not need it."""
    problems = []
    for path in sorted(sample.rglob("*.html")):
        tree = lxml.html.parse(str(path))
        name = path.relative_to(sample).as_posix()
        for script in tree.iter("script"):
            if not script.get("src") and script.get("type") != "application/ld+json":
                problems.append(f"{name}: inline <script>")
        problems += [f"{name}: <style>" for _ in tree.iter("style")]
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                if attribute == "style" or attribute.startswith("on"):
                    problems.append(f"{name}: {attribute}= on <{element.tag}>")
                if value.strip().lower().startswith("javascript:"):
                    problems.append(f"{name}: javascript: URL")
    assert not problems, "\n".join(problems[:20])


def test_nginx_csp_allows_search_and_forbids_inline() -> None:
    text = (DEPLOY / "nginx.conf").read_text("utf-8")
    csp = re.search(r'Content-Security-Policy "([^"]+)"', text).group(1)
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]


# -- nginx ----------------------------------------------------------------------------------------


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None
    )
    if not found:
        pytest.fail(
            "nginx is not installed: `apt-get install -y nginx` (setup.sh installs it); "
            "tests/test_deploy.py runs deploy/nginx.conf with it",
            pytrace=False,
        )
    return found


def certificate(folder: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.fail(
            "openssl is not installed (apt-get install -y openssl): it makes the test certificate", pytrace=False
        )
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def server_block(http_port: int, https_port: int, root: Path, cert: Path, key: Path) -> str:
    """deploy/nginx.conf with its listen addresses, root and certificate replaced, nothing else."""
    text = (DEPLOY / "nginx.conf").read_text("utf-8")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "root /srv/www;": f"root {root};",
        "/etc/ssl/certs/www.example.gov.pem": str(cert),
        "/etc/ssl/private/www.example.gov.key": str(key),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}; update this test"
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def running_nginx(root: Path, folder: Path) -> Iterator[dict[str, int]]:
    """deploy/nginx.conf serving the web root `root` on 127.0.0.1 (HTTPS, a throw-away certificate).

    The browser tests load pages through it too, under the exact headers it sends."""
    binary = nginx_binary()
    cert, key = certificate(folder)
    http_port, https_port = free_port(), free_port()
    (folder / "library.conf").write_text(server_block(http_port, https_port, root, cert, key))
    version = subprocess.run([binary, "-V"], capture_output=True, text=True).stderr
    conf_path = re.search(r"--conf-path=(\S+)", version)
    mime = Path(conf_path.group(1)).parent / "mime.types" if conf_path else Path("/etc/nginx/mime.types")
    temp = "\n".join(
        f"    {name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the test folders
    (folder / "nginx.conf").write_text(f"""daemon off;
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log off;
{temp}
    include {folder}/library.conf;
}}
""")
    command = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]
    test = subprocess.run(command + ["-t"], capture_output=True, text=True, timeout=30)
    assert test.returncode == 0, f"nginx rejects deploy/nginx.conf:\n{test.stderr}"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
                    pytest.fail(
                        f"nginx did not start: {process.stderr.read().decode() if process.poll() is not None else ''}{log}"
                    )
                time.sleep(0.1)
        yield {"http": http_port, "https": https_port}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def nginx(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, int]]:
    with running_nginx(sample.parent, tmp_path_factory.mktemp("nginx")) as ports:
        yield ports


def get(
    port: int, path: str, *, tls: bool = True, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "referrer-policy", "content-security-policy")


def test_nginx_serves_pages_under_the_base_path(nginx: dict[str, int], sample: Path) -> None:
    status, headers, body = get(nginx["https"], "/library/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"<h1>Publications Library</h1>" in body
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "script-src 'self' 'wasm-unsafe-eval'" in headers["content-security-policy"]
    slug = sorted(
        p.parent.name
        for p in (sample / "publications").glob("*/index.html")
        if p.parent.name not in ("page", "component", "type", "topic", "year")
    )[0]
    status, headers, body = get(nginx["https"], f"/library/publications/{slug}/")
    assert status == 200 and b'<main id="main-content"' in body
    # A folder without its slash, and the site root, lead to the right place.
    status, headers, _ = get(nginx["https"], f"/library/publications/{slug}")
    assert status == 301 and headers["location"] == f"/library/publications/{slug}/"
    status, headers, _ = get(nginx["https"], "/")
    assert status == 302 and headers["location"].endswith("/library/")


def test_nginx_cache_headers_and_types(nginx: dict[str, int], sample: Path) -> None:
    css = next((sample / "assets").rglob("uswds.min.css")).relative_to(sample).as_posix()
    status, headers, _ = get(nginx["https"], f"/library/{css}")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    font = next((sample / "assets").rglob("*.woff2")).relative_to(sample).as_posix()
    status, headers, _ = get(nginx["https"], f"/library/{font}")
    assert status == 200 and headers["content-type"] == "font/woff2"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    for path, content_type in (
        ("/library/feed.xml", "application/atom+xml"),
        ("/library/publications/component/ice/feed.xml", "application/atom+xml"),
        ("/library/sitemap.xml", "application/xml"),
        ("/library/publications/index.json", "application/json"),
        ("/library/robots.txt", "text/plain"),
    ):
        status, headers, _ = get(nginx["https"], path)
        assert status == 200, path
        assert headers["content-type"] == f"{content_type}; charset=utf-8", path
        assert headers["cache-control"] == "public, max-age=300", path
    pdf = next((sample / "files").rglob("*.pdf")).relative_to(sample).as_posix()
    status, headers, _ = get(nginx["https"], f"/library/{pdf}")
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert headers["cache-control"] == "public, max-age=3600"


def test_nginx_404_page_and_hidden_files(nginx: dict[str, int]) -> None:
    for path in (
        "/library/no-such-page/",
        "/library/publications/no-such-slug/",
        "/elsewhere",
        "/library/.sitegen-output",
    ):
        status, headers, body = get(nginx["https"], path)
        assert status == 404, path
        assert b"Page not found" in body, path
        for name in SECURITY_HEADERS:
            assert name in headers, (path, name)


def test_nginx_gzip_and_https_redirect(nginx: dict[str, int]) -> None:
    status, headers, body = get(nginx["https"], "/library/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert b"<h1>Publications Library</h1>" in gzip.decompress(body)
    assert "Accept-Encoding" in headers.get("vary", "")
    status, headers, _ = get(nginx["http"], "/library/about/", tls=False)
    assert status == 301 and headers["location"] == f"https://{HOST}/library/about/"


# -- S3 + CloudFront --------------------------------------------------------------------------------


class FakeAWS(http.server.ThreadingHTTPServer):
    """Just enough of S3 (path-style ListObjectsV2, PutObject, DeleteObject(s)) and CloudFront
    (CreateInvalidation) for `aws s3 sync` and `aws cloudfront create-invalidation`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FakeAWSHandler)
        self.objects: dict[str, dict] = {}  # "bucket/key" -> {"size", "type", "cache", "modified"}
        self.log: list[tuple[str, str]] = []  # ("put" | "delete", "bucket/key") in order
        self.invalidations: list[list[str]] = []
        self.lock = threading.Lock()

    def put(self, name: str, size: int, content_type: str = "", cache: str = "") -> None:
        with self.lock:
            self.objects[name] = {
                "size": size,
                "type": content_type,
                "cache": cache,
                "modified": dt.datetime.now(dt.UTC),
            }


class FakeAWSHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeAWS

    def log_message(self, *args: object) -> None:
        pass

    def body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(
        self,
        status: int,
        payload: bytes = b"",
        content_type: str = "application/xml",
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def target(self) -> tuple[str, str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
        return bucket, key, parse_qs(parts.query, keep_blank_values=True)

    def do_GET(self) -> None:
        bucket, key, query = self.target()
        self.body()
        if key or "list-type" not in query:
            self.reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
            return
        prefix = query.get("prefix", [""])[0]
        encode = query.get("encoding-type", [""])[0] == "url"
        with self.server.lock:
            items = sorted(
                (name.partition("/")[2], meta)
                for name, meta in self.server.objects.items()
                if name.startswith(f"{bucket}/{prefix}")
            )
        contents = "".join(
            f"<Contents><Key>{quote(k, safe='/') if encode else k}</Key>"
            f"<LastModified>{m['modified'].strftime('%Y-%m-%dT%H:%M:%S.000Z')}</LastModified>"
            f'<ETag>"0"</ETag><Size>{m["size"]}</Size><StorageClass>STANDARD</StorageClass></Contents>'
            for k, m in items
        )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Name>{bucket}</Name><Prefix>{quote(prefix, safe='/') if encode else prefix}</Prefix>"
            f"<KeyCount>{len(items)}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            f"{'<EncodingType>url</EncodingType>' if encode else ''}{contents}</ListBucketResult>"
        )
        self.reply(200, xml.encode())

    def do_PUT(self) -> None:
        bucket, key, _query = self.target()
        data = self.body()
        size = int(self.headers.get("x-amz-decoded-content-length") or len(data))
        self.server.put(
            f"{bucket}/{key}", size, self.headers.get("Content-Type", ""), self.headers.get("Cache-Control", "")
        )
        with self.server.lock:
            self.server.log.append(("put", f"{bucket}/{key}"))
        self.reply(200, extra={"ETag": '"0"'})

    def do_DELETE(self) -> None:
        bucket, key, _query = self.target()
        self.body()
        with self.server.lock:
            self.server.objects.pop(f"{bucket}/{key}", None)
            self.server.log.append(("delete", f"{bucket}/{key}"))
        self.reply(204)

    def do_POST(self) -> None:
        bucket, key, query = self.target()
        data = self.body()
        if bucket == "2020-05-31" and key.endswith("/invalidation"):
            tree = ET.fromstring(data)
            paths = [element.text or "" for element in tree.iter() if element.tag.endswith("Path")]
            with self.server.lock:
                self.server.invalidations.append(paths)
            xml = (
                '<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
                "<Id>I1</Id><Status>InProgress</Status><CreateTime>2024-01-01T00:00:00Z</CreateTime>"
                "<InvalidationBatch><Paths><Quantity>0</Quantity></Paths><CallerReference>x</CallerReference>"
                "</InvalidationBatch></Invalidation>"
            )
            self.reply(201, xml.encode(), extra={"Location": "http://127.0.0.1/inv/I1"})
            return
        if "delete" in query:  # DeleteObjects
            keys = [element.text or "" for element in ET.fromstring(data).iter() if element.tag.endswith("Key")]
            with self.server.lock:
                for name in keys:
                    self.server.objects.pop(f"{bucket}/{name}", None)
                    self.server.log.append(("delete", f"{bucket}/{name}"))
            deleted = "".join(f"<Deleted><Key>{name}</Key></Deleted>" for name in keys)
            self.reply(200, f'<?xml version="1.0"?><DeleteResult>{deleted}</DeleteResult>'.encode())
            return
        self.reply(400, b"<Error><Code>NotImplemented</Code></Error>")


@pytest.fixture
def fake_aws(tmp_path: Path) -> Iterator[tuple[FakeAWS, dict[str, str]]]:
    # pip puts aws beside this Python: in a virtual environment that is not on PATH unless activated.
    beside = Path(sys.executable).parent / "aws"
    aws = str(beside) if beside.is_file() else shutil.which("aws")
    if not aws:
        pytest.fail(
            "the AWS CLI is not installed: `pip install -e '.[test]'` installs it (PyPI package awscli); "
            "tests/test_deploy.py runs deploy/s3-sync.sh with it against a fake S3 on 127.0.0.1",
            pytrace=False,
        )
    server = FakeAWS()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
    env = {
        **os.environ,
        "AWS": aws,  # the command deploy/s3-sync.sh runs
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.server_address[1]}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_PROFILE": "default",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
        "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
        "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
    }
    env.pop("AWS_SESSION_TOKEN")
    try:
        yield server, env
    finally:
        server.shutdown()
        server.server_close()


def run_sync(site: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["bash", str(DEPLOY / "s3-sync.sh"), str(site), "s3://bucket/library/", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_s3_sync_publishes_with_types_cache_headers_and_delete(
    fake_aws: tuple[FakeAWS, dict[str, str]], project: Project
) -> None:
    server, env = fake_aws
    project.write("content/files/report.pdf", "%PDF-1.4 report")
    project.publication(
        "first",
        date="2020-01-01",
        aliases=["/publication/first"],
        attachments=[{"title": "Report", "file": "files/report.pdf"}],
    )
    project.publication("second", date="2021-01-01", component="cbp")
    assert project.build().ok
    site = project.out
    (site / "_redirects").write_text("/library/publication/first /library/publications/first/ 301\n")
    (site / "s3-routing-rules.json").write_text("[]\n")
    server.put("bucket/library/old-page/index.html", 10, "text/html")
    server.put("bucket/library/assets/site.0000000000.css", 10, "text/css")
    server.put("bucket/other-site/keep.txt", 10, "text/plain")

    result = run_sync(site, env, "DIST123")
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    files -= {".sitegen-output", "_redirects", "s3-routing-rules.json"}  # not part of the site
    keys = {name.removeprefix("bucket/library/") for name in server.objects if name.startswith("bucket/library/")}
    assert keys == files  # every file, nothing stale, no marker
    assert "bucket/other-site/keep.txt" in server.objects  # outside the prefix: untouched

    def meta(relative: str) -> dict:
        return server.objects[f"bucket/library/{relative}"]

    for relative in files:
        expected = "public, max-age=31536000, immutable" if relative.startswith("assets/") else "public, max-age=300"
        assert meta(relative)["cache"] == expected, relative
    assert meta("index.html")["type"] == "text/html; charset=utf-8"
    assert meta("publications/first/index.html")["type"] == "text/html; charset=utf-8"
    assert meta("feed.xml")["type"] == "application/atom+xml; charset=utf-8"
    assert meta("publications/component/ice/feed.xml")["type"] == "application/atom+xml; charset=utf-8"
    assert meta("sitemap.xml")["type"] == "application/xml; charset=utf-8"
    assert meta("publications/index.json")["type"] == "application/json; charset=utf-8"
    assert meta("files/report.pdf")["type"] == "application/pdf"
    assert meta("robots.txt")["type"].startswith("text/plain")
    fonts = [relative for relative in files if relative.endswith(".woff2")]
    assert fonts and all(meta(relative)["type"] == "font/woff2" for relative in fonts)
    css = next(relative for relative in files if relative.endswith("uswds.min.css"))
    assert meta(css)["type"] == "text/css"

    # New assets first, then pages; assets no page uses are deleted last.
    order = [(action, name.removeprefix("bucket/library/")) for action, name in server.log]
    first_page = order.index(next(entry for entry in order if entry[1].endswith(".html")))
    assert all(name.startswith("assets/") for action, name in order[:first_page])
    assert order[-1] == ("delete", "assets/site.0000000000.css")
    assert ("delete", "old-page/index.html") in order

    # CloudFront forgets exactly the pages and files that changed, under both names of a page.
    assert len(server.invalidations) == 1
    paths = set(server.invalidations[0])
    assert {
        "/library/",
        "/library/index.html",
        "/library/publications/first/",
        "/library/old-page/",
        "/library/feed.xml",
    } <= paths
    assert not any(path.startswith("/library/assets/") for path in paths)
    assert result.stdout.strip() == "I1"

    # Nothing changed: nothing uploaded, nothing to invalidate.
    server.log.clear()
    again = run_sync(site, env, "DIST123")
    assert server.log == [] and len(server.invalidations) == 1
    assert "nothing changed" in again.stderr


def test_s3_sync_dry_run_changes_nothing(fake_aws: tuple[FakeAWS, dict[str, str]], project: Project) -> None:
    server, env = fake_aws
    project.publication("first", date="2020-01-01")
    assert project.build().ok
    server.put("bucket/library/old-page/index.html", 10, "text/html")
    result = run_sync(project.out, {**env, "DRY_RUN": "1", "CLOUDFRONT_DISTRIBUTION_ID": "DIST123"})
    assert server.log == [] and server.invalidations == []
    assert (
        "(dryrun) upload:" in result.stderr
        and "(dryrun) delete: s3://bucket/library/old-page/index.html" in result.stderr
    )
    assert "(dryrun) invalidate /library/old-page/" in result.stderr


def test_s3_sync_refuses_what_is_not_a_site(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(DEPLOY / "s3-sync.sh"), str(tmp_path), "s3://bucket/library/"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "not a built site" in result.stderr


# -- cloud.gov Pages ------------------------------------------------------------------------------------


def pages_match(pattern: str, path: str) -> bool:
    """cloud.gov Pages' documented path matching: `*` matches the rest, `*.ext` the last
    extension, `:name` one segment, anything else literally."""
    pattern_parts, path_parts = pattern.lstrip("/").split("/"), path.lstrip("/").split("/")
    for index, part in enumerate(pattern_parts):
        if part == "*":
            return True
        if part.startswith(":"):
            continue
        if len(path_parts) <= index:
            return False
        if part.startswith("*."):
            return path_parts[-1].rsplit(".", 1)[-1] == part.rsplit(".", 1)[-1]
        if path_parts[index] != part:
            return False
    return len(path_parts) <= len(pattern_parts)


def pages_headers(config: dict, path: str) -> dict[str, str]:
    for rule in config["headers"]:  # the first matching rule is the only one applied
        ((pattern, headers),) = rule.items()
        if pages_match(pattern, path):
            return headers
    return {}


def test_cloud_gov_pages_cache_headers(sample: Path) -> None:
    config = json.loads((DEPLOY / "federalist.json").read_text("utf-8"))
    assert set(config) <= {"headers", "fullClone", "excludePaths", "includePaths"}
    for path in sorted(sample.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = "/" + path.relative_to(sample).as_posix()
        headers = pages_headers(config, relative)
        assert set(headers) == {"cache-control"}, relative  # the only header Pages lets a site set
        expected = (
            "public, max-age=31536000, immutable"
            if relative.startswith("/assets/")
            else "public, max-age=3600"
            if relative.startswith("/files/")
            else "public, max-age=300"
        )
        assert headers["cache-control"] == expected, relative


@pytest.mark.parametrize(
    ("env", "base"),
    [
        ({"BASEURL": "/preview/agency/library/fix-typo"}, "https://www.example.gov/preview/agency/library/fix-typo/"),
        ({"BASEURL": "", "SITE_ORIGIN": "https://library.example.gov"}, "https://library.example.gov/"),
        (
            {"BASEURL": "/site/agency/library", "SITEGEN_BASE_URL": "https://www.example.gov/library"},
            "https://www.example.gov/library/",
        ),
    ],
)
def test_cloud_gov_pages_build_script(project: Project, env: dict[str, str], base: str) -> None:
    """The script Pages runs builds _site/ for the path Pages serves the build under."""
    project.publication("first", date="2020-01-01")
    (project.root / "deploy").mkdir()
    shutil.copy(DEPLOY / "cloud-gov-pages.sh", project.root / "deploy")
    shutil.copy(REPO / "build.py", project.root)
    clean = {k: v for k, v in os.environ.items() if k not in ("BASEURL", "SITE_ORIGIN", "SITEGEN_BASE_URL")}
    result = subprocess.run(
        ["bash", "deploy/cloud-gov-pages.sh"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **clean,
            **env,
            "BRANCH": "main",
            "SITEGEN_PAGES_NO_INSTALL": "1",
            "PYTHON": sys.executable,
            "PYTHONPATH": str(REPO),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = (project.root / "_site" / "index.html").read_text("utf-8")
    path = urlsplit(base).path
    assert f'href="{path}publications/first/"' in home
    assert f'<link rel="canonical" href="{base}">' in home


def test_deploy_scripts_pass_shellcheck() -> None:
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    scripts = sorted(str(path) for path in DEPLOY.glob("*.sh"))
    result = subprocess.run(["shellcheck", *scripts], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
