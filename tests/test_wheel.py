"""The wheel alone: built with `python -m build`, installed in a fresh virtual environment, it
makes a new project with `sitegen init` and builds it, with no other file of this repository.

The venv has no system site-packages and no access to the checkout (the commands run in a
temporary folder, with no node_modules above it), so the templates, assets, starter files and
USWDS all come from the wheel's package data. pip fetches the dependencies from the package
index (a cached wheel where it has one). About a minute, most of it pip: marked slow, and part
of the default run all the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitekit import REPO

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_installs_in_a_clean_venv_and_builds_a_new_site(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # From outside the checkout: `python -m build` run in it would import its build.py instead.
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], tmp_path, dict(os.environ))
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "SITEGEN_USWDS", "VIRTUAL_ENV"}}
    [wheel] = dist.glob("sitegen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "sitegen/builtin/templates/base.html",
        "sitegen/builtin/assets/css/site.css",
        "sitegen/builtin/uswds/dist/css/uswds.min.css",
        "sitegen/builtin/uswds/LICENSE.md",
        "sitegen/starter/content/site.yaml",
        "sitegen/starter/github/workflows/pr.yml",
        "sitegen/py.typed",
    ):
        assert name in names, name
    assert not [name for name in names if name.startswith(("content/", "tests/", "node_modules/"))]

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    python, sitegen = venv / "bin" / "python", venv / "bin" / "sitegen"
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], tmp_path, env)
    where = run([str(python), "-c", "import sitegen, sys; print(sitegen.__file__); print(sys.path)"], tmp_path, env)
    assert str(venv) in where.stdout.splitlines()[0] and str(REPO) not in where.stdout

    work = tmp_path / "work"
    work.mkdir()
    run([str(sitegen), "init", "newsite", "--agency", "Department of Examples"], work, env)
    run([str(sitegen), "check", "newsite", "--strict"], work, env)
    run([str(sitegen), "build", "newsite"], work, env)
    site = work / "newsite" / "_site"
    assert "Department of Examples" in (site / "index.html").read_text()
    assert "How this publications library works" in (site / "publications/welcome/index.html").read_text()
    assert list(site.glob("assets/uswds-*/css/uswds.min.css")) and list(site.glob("assets/css/site.*.css"))
    assert list(site.glob("assets/uswds-*/fonts/**/*.woff2"))
