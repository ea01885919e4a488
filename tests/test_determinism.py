"""The same content gives the same bytes: across output folders, caches and numbers of worker processes."""

from __future__ import annotations

from pathlib import Path

from sitegen.builder import BuildOptions, BuildReport, build
from sitegen.output import MARKER
from sitegen.pages import PARALLEL_THRESHOLD as RENDER_PARALLEL_THRESHOLD
from sitekit import Project

COMPONENTS = ("ice", "cbp")
TYPES = ("privacy-impact-assessment", "fact-sheet", "report")
TOPICS = ("privacy", "immigration", "cybersecurity")


def tree(out: Path) -> dict[str, bytes]:
    """Every file of an output folder by relative path, except Pagefind's search bundle.

    Pagefind 1.5.2 writes its filter index in a different order on every run (same content, other
    bytes and file names); sitegen reruns it only when the searchable content changed, and
    test_search.py checks the bundle's behaviour instead of its bytes.
    """
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.relative_to(out).as_posix().startswith("pagefind/")
    }


def assert_same_trees(first: Path, second: Path) -> None:
    a, b = tree(first), tree(second)
    assert sorted(a) == sorted(b), set(a) ^ set(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == [], f"files that differ between {first} and {second}: {different[:10]}"


def run(project: Path, out: Path, **options: object) -> BuildReport:
    report = build(BuildOptions(project=project, out=out, **options))  # type: ignore[arg-type]
    assert report.ok, [d.text() for d in report.diagnostics]
    return report


def small_site(root: Path) -> Project:
    project = Project(root, page_size=2)
    project.write("content/files/report.pdf", "%PDF-1.4\n" + "x" * 5000)
    for i in range(7):
        project.publication(
            f"pub-{i}",
            date=f"2020-0{1 + i % 3}-15",
            component=COMPONENTS[i % 2],
            type=TYPES[i % 3],
            topics=[TOPICS[i % 3]],
            summary=f"Summary number {i}.",
            attachments=[{"title": "Report", "file": "files/report.pdf"}] if i == 3 else [],
            aliases=[f"/old/pub-{i}"] if i % 3 == 0 else [],
            body=f"## Heading {i}\n\nBody of publication {i}, see [about](/about/).\n",
        )
    return project


def test_two_builds_into_two_folders_are_byte_identical(tmp_path: Path) -> None:
    project = small_site(tmp_path / "s")
    run(project.root, tmp_path / "one", jobs=1)
    run(project.root, tmp_path / "two", jobs=1)
    assert (tmp_path / "one" / MARKER).is_file()
    assert_same_trees(tmp_path / "one", tmp_path / "two")


def test_a_cold_build_equals_a_cached_one(tmp_path: Path) -> None:
    project = small_site(tmp_path / "s")
    run(project.root, tmp_path / "warm-up", jobs=1)
    run(project.root, tmp_path / "cached", jobs=1)  # parses nothing: everything comes from the cache
    run(project.root, tmp_path / "cold", jobs=1, use_cache=False, cache_dir=tmp_path / "other-cache")
    assert_same_trees(tmp_path / "cached", tmp_path / "cold")


def test_rebuilding_into_the_same_folder_changes_nothing(tmp_path: Path) -> None:
    project = small_site(tmp_path / "s")
    out = tmp_path / "out"
    run(project.root, out, jobs=1)
    before = tree(out)
    report = run(project.root, out, jobs=1)
    assert report.written == 0
    assert tree(out) == before


def test_one_worker_and_two_workers_give_the_same_site(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    folder = project.root / "content" / "publications" / "gen"
    folder.mkdir(parents=True)
    for i in range(450):
        date = f"{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}"  # many ties, broken by slug
        folder.joinpath(f"gen-{i:03d}.md").write_text(
            f"---\ntitle: Generated publication {i}\ndate: {date}\ncomponent: {COMPONENTS[i % 2]}\n"
            f"type: {TYPES[i % 3]}\ntopics: [{TOPICS[i % 3]}]\nsummary: Summary of generated publication {i}.\n"
            f"---\n## Part {i}\n\nText of publication {i}.\n",
            encoding="utf-8",
        )
    serial = run(project.root, tmp_path / "serial", jobs=1, cache_dir=tmp_path / "cache-1")
    parallel = run(project.root, tmp_path / "parallel", jobs=2, cache_dir=tmp_path / "cache-2")
    assert serial.routes >= RENDER_PARALLEL_THRESHOLD
    assert (serial.workers, parallel.workers) == (1, 2), "the parallel render path was not taken"
    assert serial.publications == parallel.publications == 450
    assert_same_trees(tmp_path / "serial", tmp_path / "parallel")
