"""Incremental builds are never stale: after every edit, the output equals a clean build's, byte for byte."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from sitegen.builder import BuildOptions, build
from sitekit import Project, tree


def clean_build(project: Project, tmp: Path) -> dict[str, bytes]:
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    report = build(BuildOptions(project=project.root, out=out, use_cache=False, jobs=1, search=False))
    assert report.ok, [d.text() for d in report.diagnostics]
    return tree(out)


def incremental_build(project: Project) -> tuple[dict[str, bytes], bool]:
    """The output after an incremental build, and whether the quick rebuild made it."""
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return tree(project.out), "quick" in report.timings


def make_corpus(project: Project, count: int) -> None:
    for i in range(count):
        project.publication(
            f"pub-{i:02d}",
            date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}",
            component=("ice", "cbp")[i % 2],
            type=("fact-sheet", "report")[i % 2],
            topics=[("privacy", "immigration", "cybersecurity")[i % 3]],
            body=f"## Section {i}\n\nText of publication {i}.\n",
        )


def edit(project: Project, rng: random.Random, step: int) -> str:
    pubs = sorted((project.root / "content/publications").rglob("*.md"))
    target = rng.choice(pubs)
    text = target.read_text()
    action = rng.choice(
        [
            "title",
            "date",
            "component",
            "body",
            "add",
            "delete",
            "rename-component",
            "template",
            "topic",
            "summary",
            "heading",
            "link",
            "bodies",
        ]
    )
    if action == "title":
        target.write_text(text.replace("title: ", f"title: Edited {step} ", 1))
    elif action == "date":
        lines = [
            f"date: 20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            if line.startswith("date:")
            else line
            for line in text.splitlines()
        ]
        target.write_text("\n".join(lines) + "\n")
    elif action == "component":
        swapped = text.replace("component: ice", "component: TMP").replace("component: cbp", "component: ice")
        target.write_text(swapped.replace("component: TMP", "component: cbp"))
    elif action == "body":  # the quick rebuild's case
        target.write_text(text + f"\nA new paragraph {step}.\n")
    elif action == "heading":  # links to #fragments of the page may break: not a quick rebuild
        target.write_text(text + f"\n## Heading {step}\n")
    elif action == "link":  # to a component: a publication it linked to might be deleted later
        other = project.root / "content/components" / rng.choice(["ice.md", "cbp.md"])
        target.write_text(text + f"\nSee [the component]({os.path.relpath(other, target.parent)}).\n")
    elif action == "bodies":
        for path in rng.sample(pubs, min(3, len(pubs))):
            path.write_text(path.read_text() + f"\nMore text {step}.\n")
    elif action == "add":
        project.publication(f"added-{step}", date=f"20{rng.randint(10, 25)}-05-05", component="cbp")
    elif action == "delete" and len(pubs) > 3:
        target.unlink()
    elif action == "rename-component":
        path = project.root / "content/components/cbp.md"
        path.write_text(path.read_text().replace("name: ", f"name: Renamed {step} ", 1))
    elif action == "template":
        path = project.root / "templates/partials/publication_list.html"
        path.write_text(path.read_text() + f"\n{{# edit {step} #}}\n<!-- {step} -->\n")
    elif action == "topic":
        target.write_text(
            text.replace("- privacy", "- cybersecurity")
            if "- privacy" in text
            else text.replace("- cybersecurity", "- privacy")
        )
    elif action == "summary":
        target.write_text(text.replace("summary: ", f"summary: Step {step}. ", 1))
    return action


def test_random_edits_match_clean_builds(project: Project, tmp_path: Path) -> None:
    project.site["page_size"] = 4
    project.write_yaml("content/site.yaml", project.site)
    make_corpus(project, 14)
    incremental_build(project)
    rng = random.Random(20261128)
    quick = 0
    for step in range(40):
        action = edit(project, rng, step)
        output, was_quick = incremental_build(project)
        assert output == clean_build(project, tmp_path), f"step {step}: {action}"
        quick += was_quick
    assert quick >= 3  # body edits took the quick path, and matched clean builds too


def test_second_build_renders_and_writes_nothing(project: Project) -> None:
    make_corpus(project, 6)
    first = project.build()
    assert first.written > 0
    mtimes = {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()}
    second = project.build()
    assert (second.rendered, second.written, second.removed, second.parsed) == (0, 0, 0, 0)
    assert {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()} == mtimes


def test_one_body_edit_rewrites_only_what_shows_it(project: Project) -> None:
    make_corpus(project, 6)
    project.build()
    before = tree(project.out)
    path = next((project.root / "content/publications").rglob("pub-03.md"))
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    report = project.build()
    after = tree(project.out)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {"publications/pub-03/index.html"}
    assert report.parsed == 1 and report.written == 1


def test_deleted_publication_removes_its_outputs(project: Project) -> None:
    make_corpus(project, 3)
    project.publication("gone", aliases=["/old/gone"])
    project.build()
    assert (project.out / "publications/gone/index.html").exists()
    assert (project.out / "old/gone/index.html").exists()
    next((project.root / "content/publications").rglob("gone.md")).unlink()
    report = project.build()
    assert not (project.out / "publications/gone").exists()
    assert not (project.out / "old").exists()
    assert report.removed == 4  # its page, its alias, and the now empty year 2020 and ICE-in-2020 pages


def test_cache_can_be_deleted_at_any_time(project: Project) -> None:
    make_corpus(project, 3)
    project.build()
    before = tree(project.out)
    shutil.rmtree(project.root / ".sitegen-cache")
    report = project.build()
    assert report.ok and report.written == 0
    assert tree(project.out) == before


def test_manually_deleted_output_file_is_restored(project: Project) -> None:
    make_corpus(project, 3)
    project.build()
    (project.out / "publications/pub-01/index.html").unlink()
    report = project.build()
    assert report.rendered == 1
    assert (project.out / "publications/pub-01/index.html").exists()


def test_body_edit_is_a_quick_rebuild_and_matches_a_clean_build(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 6)
    project.build()
    path = next((project.root / "content/publications").rglob("pub-03.md"))
    path.write_text(path.read_text() + "\nOne more *sentence*.\n")
    report = project.build()
    assert "quick" in report.timings and report.rendered == 1 and report.written == 1
    assert tree(project.out) == clean_build(project, tmp_path)
    assert report.publications == 6 and report.ok
    assert "One more <em>sentence</em>." in (project.out / "publications/pub-03/index.html").read_text()


def test_what_a_quick_rebuild_cannot_prove_takes_a_full_build(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 6)
    project.publication("unfinished", draft=True)
    project.build()
    pub = next((project.root / "content/publications").rglob("pub-03.md"))
    draft = next((project.root / "content/publications").rglob("unfinished.md"))
    other = next((project.root / "content/publications").rglob("pub-01.md"))
    edits = {
        "a new heading": lambda: pub.write_text(pub.read_text() + "\n## Annex\n"),
        "a new link": lambda: pub.write_text(
            pub.read_text() + f"\nSee [pub 1]({os.path.relpath(other, pub.parent)}).\n"
        ),
        "a title": lambda: pub.write_text(pub.read_text().replace("title: ", "title: New ", 1)),
        "a draft's body": lambda: draft.write_text(draft.read_text() + "\nMore.\n"),
        "a template": lambda: (project.root / "templates/publication.html").write_text(
            (project.root / "templates/publication.html").read_text() + "\n"
        ),
    }
    for what, change in edits.items():
        change()
        report = project.build()
        assert report.ok, [d.text() for d in report.diagnostics]
        assert "quick" not in report.timings, what
        assert tree(project.out) == clean_build(project, tmp_path), what


def test_broken_body_after_quick_rebuilds_is_reported_and_keeps_the_site(project: Project) -> None:
    make_corpus(project, 4)
    project.build()
    pub = next((project.root / "content/publications").rglob("pub-02.md"))
    pub.write_text(pub.read_text() + "\nFine text.\n")
    assert "quick" in project.build().timings
    before = tree(project.out)
    pub.write_text(pub.read_text() + "\n<script>alert(1)</script>\n")
    report = project.build()
    assert not report.ok and [d.code for d in report.diagnostics] == ["html-tag"]
    assert tree(project.out) == before


def test_damaged_cache_files_mean_a_cold_build(project: Project) -> None:
    make_corpus(project, 4)
    project.build()
    before = tree(project.out)
    cache = project.root / ".sitegen-cache"
    damaged = [path for path in cache.iterdir() if path.is_file()]
    assert {path.name for path in damaged} >= {"store.sqlite", "parsed-journal.pickle"}
    for path in damaged:
        path.write_bytes(b"not what sitegen wrote")
    path = next((project.root / "content/publications").rglob("pub-02.md"))
    path.write_text(path.read_text() + "\nA change.\n")
    report = project.build()
    assert report.ok and report.rendered == report.routes and "quick" not in report.timings  # all cold
    after = tree(project.out)
    assert {name for name in after if before.get(name) != after[name]} == {"publications/pub-02/index.html"}


def test_check_writes_nothing_not_even_a_cache(project: Project) -> None:
    make_corpus(project, 3)
    assert project.check().ok
    assert not (project.root / ".sitegen-cache").exists()


def test_a_database_damaged_inside_means_a_cold_build(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 30)
    project.build()
    store = project.root / ".sitegen-cache" / "store.sqlite"
    for connection_file in (store.with_name("store.sqlite-wal"), store.with_name("store.sqlite-shm")):
        connection_file.unlink(missing_ok=True)
    data = bytearray(store.read_bytes())
    assert len(data) > 3 * 4096
    data[4096:-4096] = b"\x5a" * (len(data) - 8192)  # the header is intact, the pages are not
    store.write_bytes(bytes(data))
    path = next((project.root / "content/publications").rglob("pub-02.md"))
    path.write_text(path.read_text() + "\nA change.\n")
    report = project.build()
    assert report.ok and "quick" not in report.timings
    assert tree(project.out) == clean_build(project, tmp_path)


def test_a_list_cannot_show_a_body_so_it_cannot_go_stale(tmp_path: Path) -> None:
    """The reproduction of issue 14: a listing template that reads the body would have been
    stale after a body edit (listings are fingerprinted without bodies). Lists now hold
    ListingItems, which have no body: the template fails at its line, with the reason."""
    project = Project(tmp_path / "site")
    project.publication("x", body="## One\n\nText.\n")
    item = project.root / "templates/partials/publication_item.html"
    text = item.read_text()
    anchor = '<p class="usa-collection__description">{{ pub.summary }}</p>'
    assert anchor in text
    item.write_text(text.replace(anchor, anchor + "({{ pub.body.fragments|length }} sections)"))
    report = project.build()
    assert not report.ok
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    line = (
        item.read_text().splitlines().index(next(row for row in item.read_text().splitlines() if "sections)" in row))
        + 1
    )
    assert (problem.path, problem.line, problem.code) == (
        "templates/partials/publication_item.html",
        line,
        "template-error",
    )
    assert "has no attribute 'body'" in problem.message and "publication page instead" in problem.hint
    assert project.check().diagnostics == report.diagnostics  # check says so too, before any build


def test_a_no_cache_build_reads_and_writes_no_cache(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    project.publication("x")
    report = project.build(use_cache=False)
    assert report.ok and report.parsed == 2 + 2 + 1  # components, pages, the publication
    cache = project.root / ".sitegen-cache"
    assert not cache.exists() or {path.name for path in cache.iterdir()} <= {"build.lock"}, list(cache.iterdir())
    assert project.build().ok  # a cached build after it starts cold and works
    assert project.build(use_cache=False).parsed == 5  # and the next --no-cache build does not use it
