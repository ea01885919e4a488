"""Quick rebuilds with the search index on (issue 19 item 5).

A body edit re-renders its page and re-indexes only the shard that holds it, from the records the
build that indexed the shard kept (each member's document and word counts), and the output folder,
`pagefind/` included, is byte for byte what a clean build gives. Kept fingerprints are trusted only
while a full build with the index confirmed them; anything else takes the full build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from sitegen import search
from sitegen.builder import BuildReport
from sitekit import Project, tree

WORD = "zanzibarite"  # in no body until the edit adds it


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """Eight publications over four years, in shards of at most three: one shard a year, each with
    two components and two types (so filters of two values, which Pagefind writes in any order)."""
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    project = Project(tmp_path / "site")
    for n, year in enumerate((2016, 2016, 2017, 2017, 2018, 2018, 2019, 2019)):
        project.publication(
            f"pub-{n}",
            date=f"{year}-0{n % 9 + 1}-1{n}",
            component=("ice", "cbp")[n % 2],
            type=("fact-sheet", "report")[n % 2],
            body=f"Flood recovery {n}.\n",
        )
    report = project.build(search=True)
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def clean(project: Project, tmp: Path) -> dict[str, bytes]:
    """What a clean build with the index gives (a fresh folder, no cache)."""
    shutil.rmtree(tmp / "clean", ignore_errors=True)
    assert project.build(out=tmp / "clean", use_cache=False, search=True).ok
    return tree(tmp / "clean")


def edit_body(project: Project, slug: str, text: str) -> None:
    path = next((project.root / "content/publications").rglob(f"{slug}.md"))
    path.write_text(path.read_text() + f"\n{text}\n")


def built(project: Project, search_on: bool = True) -> BuildReport:
    report = project.build(search=search_on)
    assert report.ok, [d.text() for d in report.diagnostics]
    return report


def indexed_content(out: Path, url: str) -> str:
    """The text Pagefind holds for a page (its fragment), from whichever shard has it."""
    for fragment in out.glob("pagefind/*/fragment/*.pf_fragment"):
        record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        if record["url"] == url:
            return str(record["content"])
    raise AssertionError(f"{url} is not in the index")


def shards_changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    names = {name for name in set(before) ^ set(after) if name.startswith("pagefind/")}
    names |= {name for name in set(before) & set(after) if name.startswith("pagefind/") and before[name] != after[name]}
    return {name.split("/")[1] for name in names}


def test_a_body_edit_reindexes_its_shard_quickly_and_matches_a_clean_build(project: Project, tmp_path: Path) -> None:
    before = tree(project.out)
    edit_body(project, "pub-5", f"The {WORD} survey was added.")
    report = built(project)
    assert "quick" in report.timings and report.rendered == 1
    after = tree(project.out)
    assert after == clean(project, tmp_path)
    assert shards_changed(before, after) == {"2018"}  # pub-5's shard, and no other
    assert WORD in indexed_content(project.out, "/publications/pub-5/")
    assert WORD in json.loads(after["pagefind/2018/words.json"])
    kept = project.root / ".sitegen-cache/search"
    assert len(list(kept.glob("*.data"))) == len(list(kept.glob("*.members"))) == 4  # the old 2018 one replaced


def test_the_preview_servers_two_builds_are_both_quick(project: Project, tmp_path: Path) -> None:
    """Pages first without the index, then the index: the second re-indexes the shard the first left."""
    edit_body(project, "pub-1", f"A {WORD} note.")
    pages = built(project, search_on=False)
    assert "quick" in pages.timings
    assert WORD not in indexed_content(project.out, "/publications/pub-1/")  # the index was left as it was
    index = built(project)
    assert "quick" in index.timings and index.rendered == 0
    assert tree(project.out) == clean(project, tmp_path)
    assert WORD in indexed_content(project.out, "/publications/pub-1/")
    edit_body(project, "pub-6", "Another edit.")  # and the next edit again, from the records the last one kept
    assert "quick" in built(project).timings
    assert tree(project.out) == clean(project, tmp_path)


def test_two_edits_in_two_shards_in_one_rebuild(project: Project, tmp_path: Path) -> None:
    before = tree(project.out)
    edit_body(project, "pub-0", f"{WORD} one.")
    edit_body(project, "pub-7", "Two.")
    assert "quick" in built(project).timings
    after = tree(project.out)
    assert after == clean(project, tmp_path)
    assert len(shards_changed(before, after)) == 2


def test_a_full_build_without_the_index_stops_quick_reindexing(project: Project, tmp_path: Path) -> None:
    """A title edit built without the index leaves an index that is no longer the site's: the next
    build with the index must not start from its records."""
    path = next((project.root / "content/publications").rglob("pub-2.md"))
    path.write_text(path.read_text().replace("title: ", "title: Renamed ", 1))
    assert "quick" not in built(project, search_on=False).timings
    edit_body(project, "pub-3", f"{WORD}.")
    report = built(project)
    assert "quick" not in report.timings
    assert tree(project.out) == clean(project, tmp_path)
    edit_body(project, "pub-3", "Again.")  # that full build confirmed its index: quick again
    assert "quick" in built(project).timings
    assert tree(project.out) == clean(project, tmp_path)


def test_a_tampered_record_is_not_used(project: Project, tmp_path: Path) -> None:
    records = list((project.root / ".sitegen-cache/search").glob("*.data"))
    assert len(records) == 4  # one for each shard: 2016, 2017, 2018 and 2019
    for kept in records:
        kept.write_bytes(kept.read_bytes()[:-1] + b"\0")
    edit_body(project, "pub-4", f"{WORD}.")
    report = built(project)
    assert "quick" not in report.timings  # the full build re-indexes the shard from the site graph
    assert tree(project.out) == clean(project, tmp_path)
    assert WORD in indexed_content(project.out, "/publications/pub-4/")
    edit_body(project, "pub-4", "Again.")  # that build kept a sound record of the shard
    assert "quick" in built(project).timings
    assert tree(project.out) == clean(project, tmp_path)


def test_the_same_documents_give_the_same_bundle(project: Project, tmp_path: Path) -> None:
    """Pagefind writes filters in hash-map order (a new order each run); the build sorts them, so
    that a shard re-indexed by a quick rebuild can be what a clean build gives."""
    first = clean(project, tmp_path)
    assert any(name.endswith(".pf_filter") for name in first)
    for _ in range(3):
        assert clean(project, tmp_path) == first


def test_records_lost_with_the_cache_come_back_as_shards_are_indexed(project: Project, tmp_path: Path) -> None:
    kept = project.root / ".sitegen-cache/search"
    shutil.rmtree(kept)
    edit_body(project, "pub-4", "An edit.")
    assert "quick" not in built(project).timings  # 2018 re-indexed and kept; the others' members listed
    assert len(list(kept.glob("*.members"))) == 4 and len(list(kept.glob("*.data"))) == 1
    edit_body(project, "pub-5", f"{WORD}.")  # 2018 again: its record is whole
    assert "quick" in built(project).timings
    edit_body(project, "pub-0", f"{WORD}.")  # 2016 has no documents kept: the full build indexes it
    assert "quick" not in built(project).timings
    edit_body(project, "pub-1", "Again.")  # and keeps them
    assert "quick" in built(project).timings
    assert tree(project.out) == clean(project, tmp_path)
    assert WORD in indexed_content(project.out, "/publications/pub-0/")


def test_a_preview_with_drafts_and_a_build_without_keep_their_records_side_by_side(
    project: Project, tmp_path: Path
) -> None:
    project.publication("unfinished", date="2018-05-05", draft=True, body="Not yet.")  # in 2018's shard
    preview = tmp_path / "preview"
    assert "quick" not in built(project).timings
    assert project.build(search=True, drafts=True, out=preview).ok
    edit_body(project, "pub-5", f"{WORD}.")  # 2018: its shard differs between the two
    assert "quick" in built(project).timings
    assert tree(project.out) == clean(project, tmp_path)
    report = project.build(search=True, drafts=True, out=preview)
    assert report.ok and "quick" in report.timings
    assert WORD in indexed_content(preview, "/publications/pub-5/")


def test_sorting_pagefind_files_changes_their_order_only(project: Project) -> None:
    """Every filter and metadata file reads back as CBOR whose bytes re-encode unchanged, with
    each filter's values sorted and named by Pagefind's own rule (SHA-1 of the CBOR)."""
    filters = sorted(project.out.glob("pagefind/*/filter/*.pf_filter"))
    metas = sorted(project.out.glob("pagefind/*/pagefind.*.pf_meta"))
    assert filters and len(metas) == 4
    for path in filters + metas:
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        item, end = search._decode(data)
        assert end == len(data) and search._encode(item) == data
        digits = 7 if path.suffix == ".pf_filter" else 10
        assert path.name.split("_", 1)[1].split(".")[0] == hashlib.sha1(data).hexdigest()[:digits]  # noqa: S324
    for path in filters:
        item, _end = search._decode(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        assert isinstance(item, list) and isinstance(item[1], list)
        values = [search._text(value[0]) for value in item[1] if isinstance(value, list)]
        assert values == sorted(values) and len(values) == len(item[1])
