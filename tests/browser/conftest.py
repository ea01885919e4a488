"""Session fixtures for the browser and output-checking tests.

The generated library (tests/fixture_site.py, the `library_www` fixture of tests/conftest.py) is
built ONCE per session into <tmp>/www/library/ and served from <tmp>/www on 127.0.0.1 (an
ephemeral port), so every /library/... link of the output resolves exactly as on the real host.
Chromium is Debian's (/usr/bin/chromium), driven by Playwright through `executable_path`;
`playwright install` is never needed. A missing tool FAILS the test with the command that
installs it: these checks must never pass by skipping.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import shutil
import socketserver
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .site_under_test import (
    AXE_JS,
    BASE_PATH,
    CHROMIUM_ARGS,
    EXTERNAL_LINKS,
    LINKINATOR,
    PAGE_KINDS,
    REPO,
    SCREENSHOTS,
    VNU_JAR,
    VNU_JAVA_OPTIONS,
    chromium_path,
    missing,
    require,
    site_file,
)

# -- the built site --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def www_root(library_www: Path) -> Path:
    """A web root whose library/ folder is the built library."""
    missing = [kind for kind, path in PAGE_KINDS.items() if not (library_www / "library" / site_file(path)).is_file()]
    assert not missing, f"page kinds missing from the library: {missing} (update tests/fixture_site.py)"
    return library_www


@pytest.fixture(scope="session")
def site_dir(www_root: Path) -> Path:
    return www_root / "library"


@pytest.fixture(scope="session")
def html_pages(site_dir: Path) -> dict[str, str]:
    """Every HTML file of the output: relative path -> text."""
    return {p.relative_to(site_dir).as_posix(): p.read_text("utf-8") for p in sorted(site_dir.rglob("*.html"))}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_url(www_root: Path) -> Iterator[str]:
    """http://127.0.0.1:<port>/library (no trailing slash): append a site path."""
    handler = functools.partial(_QuietHandler, directory=str(www_root))
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH.rstrip('/')}"
    httpd.shutdown()
    httpd.server_close()


_WRITTEN: list[Path] = []  # screenshots written in this session, for the terminal summary


@pytest.fixture(scope="session")
def save_screenshot():  # noqa: ANN201 - returns a function
    """save_screenshot(page, name) writes test-artifacts/screenshots/<name>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:  # noqa: ANN001 - a playwright Page
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _WRITTEN.append(path)
        return path

    return save


# -- tools -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_script() -> Path:
    require("npm", AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(REPO)})")
    return AXE_JS


def _tool_commands(www_root: Path) -> dict[str, tuple[list[str], Path, str]]:
    """name -> (command, working folder, what is missing and how to install it, or "")."""
    site = www_root / BASE_PATH.strip("/")
    java, node = shutil.which("java"), shutil.which("node")
    vnu_missing = missing("java", java, "java") or missing(
        "npm", VNU_JAR.is_file(), f"the Nu Html Checker ({VNU_JAR.relative_to(REPO)})"
    )
    link_missing = missing("node", node, "node") or missing(
        "npm", LINKINATOR.is_file(), f"linkinator ({LINKINATOR.relative_to(REPO)})"
    )
    return {
        # One run over the whole output folder (JVM start-up dominates: never once per page);
        # --verbose lists each checked file on stdout, the JSON report goes to stderr.
        "vnu_run": (
            [
                str(java),
                *VNU_JAVA_OPTIONS,
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--skip-non-html",
                "--format",
                "json",
                "--verbose",
                str(site),
            ],
            www_root,
            vnu_missing,
        ),
        # linkinator serves the web root itself; every HTML file is a start page (so the 404 page and
        # the redirect pages, which nothing links to, are checked too), and it follows links from there.
        "linkinator_run": (
            [
                str(LINKINATOR),
                f"{BASE_PATH.strip('/')}/**/*.html",
                "--server-root",
                str(www_root),
                "--recurse",
                "--skip",
                EXTERNAL_LINKS,
                "--format",
                "json",
            ],
            www_root,
            link_missing,
        ),
    }


class Background:
    """A checking tool running in its own process while the browser tests run."""

    def __init__(self, command: list[str], cwd: Path, logs: Path):
        self.command = command
        self.out, self.err = (logs / "stdout").open("w+"), (logs / "stderr").open("w+")
        self.proc = subprocess.Popen(command, cwd=cwd, stdout=self.out, stderr=self.err, text=True)

    def result(self, timeout: float = 300) -> subprocess.CompletedProcess:
        self.proc.wait(timeout)
        self.out.seek(0)
        self.err.seek(0)
        return subprocess.CompletedProcess(self.command, self.proc.returncode, self.out.read(), self.err.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.out.close()
        self.err.close()


_WANTED: set[str] = set()  # the background checks that selected tests use


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        _WANTED.update(set(getattr(item, "fixturenames", ())) & {"vnu_run", "linkinator_run"})


@pytest.fixture(scope="session", autouse=True)
def _background_checks(www_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Start vnu.jar and linkinator as soon as the site is built, so they overlap the browser tests."""
    started: dict[str, object] = {}
    for name, (command, cwd, problem) in _tool_commands(www_root).items():
        if name in _WANTED:
            started[name] = problem or Background(command, cwd, tmp_path_factory.mktemp(name))
    yield started
    for run in started.values():
        if isinstance(run, Background):
            run.stop()


def _finished(started: dict[str, object], name: str) -> subprocess.CompletedProcess:
    run = started[name]
    if isinstance(run, str):
        pytest.fail(run, pytrace=False)
    assert isinstance(run, Background)
    return run.result()


@pytest.fixture(scope="session")
def vnu_run(_background_checks: dict[str, object]) -> subprocess.CompletedProcess:
    """The finished vnu.jar run over the whole output folder."""
    return _finished(_background_checks, "vnu_run")


@pytest.fixture(scope="session")
def linkinator_run(_background_checks: dict[str, object]) -> subprocess.CompletedProcess:
    """The finished linkinator run over the web root."""
    return _finished(_background_checks, "linkinator_run")


# -- Playwright ------------------------------------------------------------------------------------

if importlib.util.find_spec("pytest_playwright") and importlib.util.find_spec("playwright"):

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
        """Debian's Chromium instead of a Playwright download (pytest-playwright's own fixture, overridden)."""
        executable = chromium_path()
        require("chromium", executable, "Chromium (/usr/bin/chromium)")
        return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}

else:  # without the plugin the tests would error with "fixture 'page' not found": say what to do instead

    @pytest.fixture
    def page() -> None:
        require("playwright", False, "Playwright or pytest-playwright")

    @pytest.fixture
    def browser() -> None:
        require("playwright", False, "Playwright or pytest-playwright")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _WRITTEN:
        terminalreporter.write_line(f"browser screenshots: {len(_WRITTEN)} PNG files written to {SCREENSHOTS}")
