"""An output folder and its cache restored together, as a CI runner does, build incrementally.

The workflows keep `.sitegen-cache/` and `_site/` with actions/cache, which saves them with
`tar --posix` and restores them on the next run at the same path of a fresh checkout: every
inode is new, every modification time is the saved one to the nanosecond. The build trusts its
record of that tree (a body edit renders one page), and ends exactly where a clean build does.
An output that comes back without its times (a committed `_site/`, a plain copy) is checked
against the disk as before: a page changed in it is rendered and written again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen.builder import BuildReport
from sitegen.output import MARKER
from sitekit import Project, tree
from test_workflows import cache_steps, load

KEPT = (".sitegen-cache", "_site")
NOT_IN_A_CHECKOUT = (*KEPT, "._site.sitegen-*")  # what a build leaves beside the output


def _library(root: Path) -> Project:
    project = Project(root)
    (root / "content" / "files").mkdir(parents=True, exist_ok=True)
    for number in range(6):
        (root / "content" / "files" / f"p{number}.csv").write_bytes(f"year,count\n202{number},{number}\n".encode())
        project.publication(
            f"p{number}",
            date=f"202{number}-01-0{number + 1}",
            body=f"Body {number}.",
            attachments=[{"title": f"Data {number}", "file": f"files/p{number}.csv"}],
        )
    assert project.build().ok
    return project


def _restored(tmp_path: Path) -> Project:
    """The library as the next CI run sees it: a fresh checkout with the last run's cache and output."""
    project = _library(tmp_path / "site")
    archive = tmp_path / "cache.tar"
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(project.root), *KEPT], check=True)
    _fresh_checkout(project.root, tmp_path / "last-run")
    subprocess.run(["tar", "-xf", str(archive), "-C", str(project.root)], check=True)
    return project


def _merge_a_body_edit(project: Project) -> BuildReport:
    project.publication(
        "p3", date="2023-01-04", body="Body 3, corrected.", attachments=[{"title": "Data 3", "file": "files/p3.csv"}]
    )
    return project.build()


def _clean_build_of(project: Project, root: Path) -> dict[str, bytes]:
    clean = Project(root)
    shutil.rmtree(clean.root / "content")
    shutil.copytree(project.root / "content", clean.root / "content")
    assert clean.build().ok
    return {k: v for k, v in tree(clean.out).items() if k != MARKER}


def _fresh_checkout(project: Path, old: Path) -> None:
    """The project moved away and copied back as a clone gives it: same bytes, new files, new times."""
    shutil.move(project, old)
    shutil.copytree(old, project, copy_function=shutil.copy, ignore=shutil.ignore_patterns(*NOT_IN_A_CHECKOUT))


def test_a_restored_output_and_cache_rebuild_only_what_changed(tmp_path: Path) -> None:
    project = _restored(tmp_path)
    report = _merge_a_body_edit(project)
    assert report.ok, report.diagnostics
    # The quick rebuild: every attachment has a new modification time, but the same bytes.
    assert [(event.output, event.why) for event in report.events] == [("publications/p3/index.html", "quick")]
    assert "Body 3, corrected." in project.html("/publications/p3/")
    assert {k: v for k, v in tree(project.out).items() if k != MARKER} == _clean_build_of(project, tmp_path / "clean")

    again = project.build()  # the hashes the scan kept: nothing is read or rendered again
    assert again.ok and again.events == [] and again.rendered == 0


def test_an_attachment_changed_in_the_merge_is_published_though_its_size_is_the_same(tmp_path: Path) -> None:
    project = _restored(tmp_path)
    attachment = project.root / "content" / "files" / "p2.csv"
    changed = attachment.read_bytes().replace(b",2\n", b",9\n")
    assert len(changed) == attachment.stat().st_size
    attachment.write_bytes(changed)
    report = _merge_a_body_edit(project)
    assert report.ok, report.diagnostics
    assert "quick" not in {event.why for event in report.events}
    assert (project.out / "files" / "p2.csv").read_bytes() == changed
    assert {k: v for k, v in tree(project.out).items() if k != MARKER} == _clean_build_of(project, tmp_path / "clean")


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


def _deploy_workflow_keeps() -> list[str]:
    """The paths the deploy workflow saves and restores with actions/cache."""
    restore, _saves = cache_steps(load("deploy.yml"))
    return str(restore["path"]).split()


def test_what_the_deploy_workflow_keeps_spares_the_next_build_making_every_folder_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spare tree (the site before the last publish, hard links into it) comes back with
    the output: the restored build stages its tree from it instead of a folder per page (at
    10,000 publications, 15,669 mkdir calls: most of a merged change's build step)."""
    project = _library(tmp_path / "site")
    project.publication("p0", date="2020-01-01", body="Body 0, revised.", attachments=[])  # the last deploy's change
    assert project.build().ok and (project.root / "._site.sitegen-spare").is_dir()
    archive = tmp_path / "cache.tar"
    subprocess.run(
        ["tar", "--posix", "-cf", str(archive), "-C", str(project.root), *_deploy_workflow_keeps()], check=True
    )
    _fresh_checkout(project.root, tmp_path / "last-run")
    subprocess.run(["tar", "-xf", str(archive), "-C", str(project.root)], check=True)

    made: list[str] = []
    mkdir = os.mkdir

    def counted(path: str, *args: int, **kwargs: int) -> None:
        made.append(os.fspath(path))
        mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", counted)
    report = _merge_a_body_edit(project)
    monkeypatch.undo()
    assert report.ok, report.diagnostics
    assert [(event.output, event.why) for event in report.events] == [("publications/p3/index.html", "quick")]
    staged = [path.split(".sitegen-staging", 1)[1] for path in made if ".sitegen-staging" in path]
    # Only the folder the last deploy changed, which the spare tree does not hold (of ~20).
    assert staged == ["/publications/p0"], made
    assert {k: v for k, v in tree(project.out).items() if k != MARKER} == _clean_build_of(project, tmp_path / "clean")
