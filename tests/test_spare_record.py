"""The spare tree's record: a small rebuild links only what the spare lacks, and nothing else changes.

Each switch leaves in the spare tree (the previous site, reduced to the files it shares with the
new one) a record of the files it lacks. The next build uses it only for the very live tree it
was written for; then it neither compares every file of both trees nor looks at every output
again when it switches. These tests show that it is used, that what it publishes is byte for
byte a clean build, that the spare stays nothing but hard links to live files, and that a stale,
damaged or hostile record, a changed live tree or a kill -9 only sends the build the long way.
"""

from __future__ import annotations

import json
import os
import random
import signal
from collections.abc import Iterable
from pathlib import Path

import pytest

import sitegen.output as output_module
import sitegen.pages as pages
from sitegen.output import SPARE_RECORD
from sitekit import Project, tree
from test_publish_safety import assert_no_debris, clean, kill_while_publishing, make_site


def spare(project: Project) -> Path:
    return project.root / "._site.sitegen-spare"


def record(project: Project) -> dict:
    return json.loads((spare(project) / SPARE_RECORD).read_text())


def edit_body(project: Project, n: int) -> Path:
    path = sorted((project.root / "content/publications").rglob("*.md"))[n]
    path.write_text(path.read_text() + f"\nEdit number {n}.\n")
    return path


def edit_title(project: Project, n: int) -> None:
    path = sorted((project.root / "content/publications").rglob("*.md"))[n]
    path.write_text(path.read_text().replace("title: ", f"title: Retitled {n} ", 1))


@pytest.fixture
def site(tmp_path: Path) -> Project:
    """A site built twice (a cold build, then one edit): the spare tree now carries a record."""
    project = Project(tmp_path / "s", page_size=10)
    make_site(project, 40)
    assert project.build(search=False).ok
    edit_body(project, 1)
    assert project.build(search=False).ok
    return project


class Spy:
    """Counts the whole-tree comparisons a build makes (`_identities` reads every file's identity)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.calls = 0
        real = output_module._identities

        def counted(top: str, files: Iterable[str]) -> dict[str, tuple[int, int]]:
            self.calls += 1
            return real(top, files)

        monkeypatch.setattr(output_module, "_identities", counted)


def test_a_body_edit_links_only_what_the_spare_lacks(
    site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lacks = record(site)["lacks"]
    assert lacks and len(lacks) < len(tree(site.out)) / 4, lacks  # the edited page and what lists it
    assert any("publications/" in name for name in lacks)
    spy = Spy(monkeypatch)
    links: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda a, b, **k: (links.append(str(b)), real_link(a, b, **k))[1])
    edit_body(site, 2)
    assert site.build(search=False).ok
    assert spy.calls == 0  # neither tree compared file by file
    assert len(set(links)) == len(lacks)  # (a second try after making a pruned folder again)
    assert tree(site.out) == clean(site, tmp_path)
    assert_no_debris(site.out)  # every file of the new spare is the live one (samefile)
    assert (spare(site) / SPARE_RECORD).is_file()


def test_pages_written_by_render_workers_are_known_to_the_switch(
    site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title edit re-renders listings in forked workers: the parent must learn every page they
    changed, or the spare would keep the old page under a name the record says it has."""
    monkeypatch.setattr(pages, "PARALLEL_THRESHOLD", 1)
    spy = Spy(monkeypatch)
    for n in (3, 4, 5):
        edit_title(site, n)
        report = site.build(search=False, jobs=2)
        assert report.ok and report.workers == 2 and report.rendered > 1, report
        assert tree(site.out) == clean(site, tmp_path)
        assert_no_debris(site.out)
    assert spy.calls == 0


@pytest.mark.parametrize(
    "change",
    ["page deleted", "file added", "marker replaced", "link planted"],
)
def test_a_live_tree_changed_since_the_switch_is_compared_in_full(
    site: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    live = site.out
    page = next(path for path in sorted(live.rglob("index.html")) if "publications/" in str(path))
    if change == "page deleted":
        page.unlink()
    elif change == "file added":
        (live / "extra.txt").write_text("not ours")
    elif change == "marker replaced":
        marker = live / output_module.MARKER
        data = marker.read_bytes()
        marker.unlink()
        marker.write_bytes(data)
    else:
        (live / "planted").symlink_to("/etc/passwd")
    spy = Spy(monkeypatch)
    edit_body(site, 6)
    assert site.build(search=False).ok
    assert spy.calls >= 1  # the long way
    assert tree(site.out) == clean(site, tmp_path)
    assert not (site.out / "planted").exists()
    assert_no_debris(site.out)


def hostile(project: Project, kind: str) -> None:
    path = spare(project) / SPARE_RECORD
    good = record(project)
    shared = next(
        str(p.relative_to(spare(project))) for p in sorted(spare(project).rglob("*")) if p.is_file() and p != path
    )
    path.unlink()
    if kind == "garbage":
        path.write_bytes(b"\xff{not json")
    elif kind == "names a shared file":  # linking it again would fail: the build starts over
        path.write_text(json.dumps({**good, "lacks": [*good["lacks"], shared]}))
    elif kind == "names outside":
        path.write_text(json.dumps({**good, "lacks": ["../../etc/passwd", "/etc/passwd"]}))
    elif kind == "not a list":
        path.write_text(json.dumps({**good, "lacks": {"a": 1}}))
    elif kind == "a link":
        path.symlink_to("/etc/passwd")
    elif kind == "a folder":
        path.mkdir()


@pytest.mark.parametrize(
    "kind", ["garbage", "names a shared file", "names outside", "not a list", "a link", "a folder"]
)
def test_a_damaged_or_hostile_record_never_changes_what_is_published(site: Project, tmp_path: Path, kind: str) -> None:
    hostile(site, kind)
    edit_body(site, 7)
    report = site.build(search=False)
    assert report.ok, [d.text() for d in report.diagnostics]
    assert tree(site.out) == clean(site, tmp_path)
    assert not any(p.is_symlink() for p in site.out.rglob("*"))
    assert_no_debris(site.out)
    assert site.build(search=False).ok and tree(site.out) == clean(site, tmp_path)


@pytest.mark.parametrize("phase", ["linking", "after-switch"])
def test_kill_9_in_a_build_that_uses_the_record(site: Project, tmp_path: Path, phase: str) -> None:
    old = tree(site.out)
    edit_body(site, 8)
    new = clean(site, tmp_path)
    staging = site.root / "._site.sitegen-staging"
    code = kill_while_publishing(site, site.out, staging, random.Random(9), phase, len(old) * 0.002 * 0.5)
    assert code == -signal.SIGKILL
    assert tree(site.out) == (old if phase == "linking" else new)
    assert site.build(search=False).ok
    assert tree(site.out) == new
    assert_no_debris(site.out)
    edit_body(site, 9)  # and the record is back in use after it
    assert site.build(search=False).ok
    assert tree(site.out) == clean(site, tmp_path)
    assert_no_debris(site.out)
