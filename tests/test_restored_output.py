"""An output folder and its cache restored together, as a CI runner does, build incrementally.

The workflows keep `.sitegen-cache/` and `_site/` with actions/cache, which saves them with
`tar --posix` and restores them on the next run at the same path of a fresh checkout: every
inode is new, every modification time is the saved one to the nanosecond. The build trusts its
record of that tree (a body edit renders one page), and ends exactly where a clean build does.
An output that comes back without its times (a committed `_site/`, a plain copy) is checked
against the disk as before: a page changed in it is rendered and written again.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from sitegen.output import MARKER
from sitekit import Project, tree

KEPT = (".sitegen-cache", "_site")


def _library(root: Path) -> Project:
    project = Project(root)
    for number in range(6):
        project.publication(f"p{number}", date=f"202{number}-01-0{number + 1}", body=f"Body {number}.")
    assert project.build().ok
    return project


def _fresh_checkout(project: Path, old: Path) -> None:
    """The project moved away and copied back as a clone gives it: same bytes, new files, new times."""
    shutil.move(project, old)
    shutil.copytree(old, project, copy_function=shutil.copy, ignore=shutil.ignore_patterns(*KEPT))


def test_a_restored_output_and_cache_rebuild_only_what_changed(tmp_path: Path) -> None:
    project = _library(tmp_path / "site")
    archive = tmp_path / "cache.tar"
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(project.root), *KEPT], check=True)
    _fresh_checkout(project.root, tmp_path / "last-run")
    subprocess.run(["tar", "-xf", str(archive), "-C", str(project.root)], check=True)

    project.publication("p3", date="2023-01-04", body="Body 3, corrected.")
    report = project.build()
    assert report.ok, report.diagnostics
    assert [event.output for event in report.events] == ["publications/p3/index.html"], report.events
    assert "Body 3, corrected." in project.html("/publications/p3/")

    clean = Project(tmp_path / "clean")
    shutil.rmtree(clean.root / "content")
    shutil.copytree(project.root / "content", clean.root / "content")
    assert clean.build().ok
    assert {k: v for k, v in tree(project.out).items() if k != MARKER} == {
        k: v for k, v in tree(clean.out).items() if k != MARKER
    }


def test_an_output_that_comes_back_without_its_times_is_checked_against_the_disk(tmp_path: Path) -> None:
    project = _library(tmp_path / "site")
    kept = tmp_path / "kept"
    for name in KEPT:  # what a plain copy, or a _site/ committed to the repository, gives back
        shutil.copytree(project.root / name, kept / name, copy_function=shutil.copy)
    _fresh_checkout(project.root, tmp_path / "last-run")
    for name in KEPT:
        shutil.copytree(kept / name, project.root / name, copy_function=shutil.copy)
    planted = project.out / "publications" / "p1" / "index.html"
    planted.write_text("<p>not what sitegen wrote</p>", encoding="utf-8")

    report = project.build()
    assert report.ok, report.diagnostics
    assert "publications/p1/index.html" in {event.output for event in report.events}
    assert "not what sitegen wrote" not in planted.read_text("utf-8")
