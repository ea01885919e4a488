"""Where the platform cannot fork safely (Windows, macOS), sitegen builds in one process, same bytes."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from sitegen import loader, pages, workers
from sitegen.builder import BuildOptions, build
from sitekit import Project
from test_determinism import assert_same_trees


def test_fork_is_used_only_where_it_is_available_and_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"])
    assert workers.fork_context() is multiprocessing.get_context("fork")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # Windows
    assert workers.fork_context() is None
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn", "fork", "forkserver"])
    monkeypatch.setattr(sys, "platform", "darwin")
    assert workers.fork_context() is None


def test_without_fork_a_parallel_build_runs_in_process_and_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project(tmp_path / "s")
    folder = project.root / "content" / "publications" / "gen"
    folder.mkdir(parents=True)
    for i in range(max(pages.PARALLEL_THRESHOLD, loader.PARALLEL_THRESHOLD) + 20):
        folder.joinpath(f"gen-{i:03d}.md").write_text(
            f"---\ntitle: Generated publication {i}\ndate: 20{i % 25:02d}-0{1 + i % 9}-1{i % 9}\ncomponent: ice\n"
            f"type: fact-sheet\nsummary: Summary of generated publication {i}.\n---\n## Part {i}\n\nText {i}.\n",
            encoding="utf-8",
        )
    forked = build(BuildOptions(project=project.root, out=tmp_path / "forked", jobs=2, cache_dir=tmp_path / "c1"))
    assert forked.ok and forked.workers == 2
    monkeypatch.setattr(loader, "fork_context", lambda: None)
    monkeypatch.setattr(pages, "fork_context", lambda: None)
    alone = build(BuildOptions(project=project.root, out=tmp_path / "alone", jobs=2, cache_dir=tmp_path / "c2"))
    assert alone.ok and alone.workers == 1, "no worker process may be started without fork"
    assert_same_trees(tmp_path / "forked", tmp_path / "alone")


@pytest.mark.parametrize("count", [0, 1, 3, 7, 64, 399, 1000, 10_007])
@pytest.mark.parametrize("jobs", [1, 2, 8])
def test_work_is_handed_out_in_order_in_chunks_that_shrink_towards_the_end(count: int, jobs: int) -> None:
    chunks = workers.guided_chunks(count, jobs, 128, 4)
    assert [index for start, end in chunks for index in range(start, end)] == list(range(count)), "all, in order"
    sizes = [end - start for start, end in chunks]
    assert all(1 <= size <= 128 for size in sizes)
    assert all(size >= 4 for size in sizes[:-1]), "only the last chunk is smaller than the smallest"
    assert sizes == sorted(sizes, reverse=True), "never a larger chunk after a smaller one"
    if count >= 1000:
        assert sizes[0] == min(128, count // (jobs * 8)) and sizes[-2] <= 8, (
            "large while much is left, small at the end"
        )
        # The last chunk each worker takes is short: no core waits long for another to finish.
        assert all(size <= 8 for size in sizes[-jobs:])
