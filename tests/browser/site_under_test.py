"""What the browser and output tests share: paths, page kinds, tools and how to install them.

(A plain module of the tests.browser package, not the conftest, so test files can import it.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import fixture_site

REPO = Path(__file__).resolve().parents[2]
BASE_PATH = "/library/"  # the path of base_url in the generated library (tests/fixture_site.py)
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
NODE_MODULES = REPO / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LINKINATOR = NODE_MODULES / ".bin" / "linkinator"
# vnu.jar runs for seconds: the quick JIT alone (C1) halves its CPU time, and with C1 its schema
# needs a deeper stack than the default.
VNU_JAVA_OPTIONS = ["-Xss8m", "-XX:TieredStopAtLevel=1"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

PAGE_KINDS = fixture_site.PAGE_KINDS  # one page of each kind, each in the generated library
WIDTHS = (320, 1280)
EXTERNAL_LINKS = r"^https?://(?!127\.0\.0\.1|localhost)"  # not checked: the network is closed in CI

INSTALL_HINTS = {
    "chromium": "install Debian's Chromium: `sudo apt-get install -y chromium` (never `playwright install`); "
    "or point SITEGEN_CHROMIUM at a Chromium binary",
    "playwright": "install the test extras: `pip install -e '.[test]'` (playwright, pytest-playwright)",
    "java": "install Java 11 or later for the Nu Html Checker: `sudo apt-get install -y default-jre-headless`",
    "node": "install Node.js and npm (`sudo apt-get install -y nodejs npm`), then run `npm ci` in the repository",
    "npm": "run `npm ci` in the repository root to install axe-core, vnu-jar and linkinator from package-lock.json",
}


def missing(tool: str, found: object, what: str) -> str:
    """ "" when found, else a message naming the missing tool and how to install it."""
    return "" if found else f"{what} is missing: {INSTALL_HINTS[tool]}"


def require(tool: str, found: object, what: str) -> None:
    """Fail (never skip) when a checking tool is missing, naming it and how to install it."""
    if not found:
        pytest.fail(missing(tool, found, what), pytrace=False)


def chromium_path() -> str:
    candidates = [
        os.environ.get("SITEGEN_CHROMIUM", ""),
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
        "/usr/bin/chromium",
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), "")


def site_file(site_path: str) -> str:
    """The output file (relative to the output folder) of a site path."""
    relative = site_path.lstrip("/")
    return relative + "index.html" if relative == "" or relative.endswith("/") else relative


def nu_errors(run: subprocess.CompletedProcess, site: Path) -> list[str]:
    """The errors of a vnu.jar --format json run over the folder `site`, as file:line: message."""
    try:
        report = json.loads(run.stderr)  # vnu writes its report to stderr
    except json.JSONDecodeError:
        raise AssertionError(f"vnu.jar gave no JSON report (exit {run.returncode}):\n{run.stderr[-2000:]}") from None
    return [
        f"{m.get('url', '').removeprefix('file:' + str(site) + '/')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
