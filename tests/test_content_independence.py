"""The sample content is content: editors may retire, add or delete any publication (or replace
it all) without a test failing, as CONTRIBUTING.md promises.

Two proofs. No tool test names a sample publication or reads content/ of the repository (the
list of slugs and titles is read from content/ now, so a new sample publication is covered
too). And the one test of the sample site, tests/test_sample_site.py, stays green on a copy of
the project in which one publication is retired as CONTRIBUTING describes, one is added and
one is deleted, all in the component with the most publications, so its listings lose a page
or change their last one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitekit import REPO
from url_table import front_matter, listed

TESTS = REPO / "tests"
CONTENT_TESTS = {"test_sample_site.py", "test_content_independence.py"}  # the two that may read content/
OUTSIDE = ("/work/shared", "../shared", "/seeds/")  # paths outside the repository no test may read
WORD = re.compile(r"[\w-]+")  # a slug, or a file name without .md, as it appears in code
# The repository's own project handed to something that reads content/: a path into it, or a
# build or loader call on the repository.
READS_CONTENT = re.compile(
    r"""(REPO|ROOT|parents?\[?\d?\]?)\s*/\s*["']content\b"""  # a path into it
    r"""|project=(REPO|ROOT)\b|\b(build|check|scan_project|load_content|stored_bodies)\((REPO|ROOT)\b"""  # building it
)


def sample_names() -> tuple[set[str], set[str]]:
    """The slugs and file names, and the titles, of every sample publication (titles of a few
    words are left out: they could be anyone's words)."""
    slugs, titles = set(), set()
    for path in (REPO / "content" / "publications").rglob("*.md"):
        data = front_matter(path)
        slugs |= {path.stem, str(data.get("slug") or path.stem)}
        if len(str(data.get("title", "")).split()) >= 4:
            titles.add(str(data["title"]))
    return slugs, titles


def problems_of(where: str, text: str, slugs: set[str], titles: set[str]) -> list[str]:
    """What a tool test's text does that it must not."""
    problems = [f"{where}: names the sample publication {s!r}" for s in sorted(set(WORD.findall(text)) & slugs)]
    problems += [f"{where}: names the sample publication {t!r}" for t in sorted(titles) if t in text]
    problems += [f"{where}: reads the repository's content/ ({m.group(0)})" for m in READS_CONTENT.finditer(text)]
    return problems + [f"{where}: reads {outside}, outside the repository" for outside in OUTSIDE if outside in text]


def test_no_tool_test_names_a_sample_publication_or_reads_content() -> None:
    slugs, titles = sample_names()
    assert len(slugs) > 10
    problems = []
    for path in sorted(p for p in TESTS.rglob("*.py") if p.name not in CONTENT_TESTS):
        problems += problems_of(path.relative_to(REPO).as_posix(), path.read_text("utf-8"), slugs, titles)
    assert problems == [], "tool tests must run on generated sites (tests/fixture_site.py):\n" + "\n".join(problems)


def test_the_grep_finds_what_it_looks_for() -> None:
    """The check above, on lines that break each rule, finds each break; and lets fine ones be."""
    slugs, titles = sample_names()
    slug, title = sorted(slugs)[0], sorted(titles)[0]
    for line in (
        f'SOURCE = "content/publications/2020/{slug}.md"',
        f"assert {title!r} in titles",
        "build(BuildOptions(project=REPO))",
        "stored_bodies(ROOT, cache)",
        "files = ROOT / 'content' / 'files'",
        'SEED = Path("/work/shared/seeds/x.txt")',
    ):
        assert problems_of("t.py", line, slugs, titles), line
    for line in (f"{slug}-2", "shutil.copytree(REPO / 'templates', x)", "cwd=REPO", "project.root / 'content'"):
        assert problems_of("t.py", line, slugs, titles) == [], line


# -- changing the sample content ---------------------------------------------------------------


def _referenced(content: Path) -> set[str]:
    """File names (without .md) and slugs that another file links to or lists as a translation."""
    found = set()
    for path in content.rglob("*.md"):
        text = path.read_text("utf-8-sig")
        found |= set(re.findall(r"([\w.-]+)\.md\b", text))
        found |= {str(slug) for slug in front_matter(path).get("translations", []) or []}
    return found


def _source(content: Path, pub: dict) -> Path:
    return content.parent / pub["source"]


def retire(content: Path, pub: dict, today: dt.date) -> None:
    """CONTRIBUTING's "To retire": a retired: block in the front matter; the page stays."""
    path = _source(content, pub)
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    block = f'retired:\n  date: {today.isoformat()}\n  reason: "Superseded by a newer publication."'
    path.write_text(f"{head}\n{block}\n---\n{body}", "utf-8")


def add(content: Path, component: str, today: dt.date) -> Path:
    """CONTRIBUTING's "Adding a publication": a new file in its year's folder, with an attachment."""
    types = list(yaml.safe_load((content / "types.yaml").read_text("utf-8")))
    topics = list(yaml.safe_load((content / "topics.yaml").read_text("utf-8")) or [])
    files = sorted(p.relative_to(content).as_posix() for p in (content / "files").rglob("*.pdf"))
    data: dict[str, object] = {
        "title": "A Publication Added by a Content Pull Request",
        "date": today,
        "component": component,
        "type": types[0],
        "topics": topics[:1],
        "summary": "A publication added the way CONTRIBUTING describes.",
    }
    if files:
        data["attachments"] = [{"title": "The added publication", "file": files[0]}]
    path = content / "publications" / str(today.year) / "a-publication-added-by-a-pull-request.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{front}---\nThe text of the publication.\n\n## A heading\n\n- a list item\n", "utf-8")
    return path


def change_content(content: Path) -> list[str]:
    """Retire the newest, delete the oldest unreferenced and add one publication, in the component
    with the most listed publications. Returns what was done."""
    today = dt.date.today()
    pubs = listed(content)
    assert pubs, "the sample site has no publication to change"
    counts: dict[str, int] = {}
    for pub in pubs:
        counts[pub["component"]] = counts.get(pub["component"], 0) + 1
    component = max(sorted(counts), key=counts.__getitem__)
    mine = [p for p in pubs if p["component"] == component]
    referenced = _referenced(content)
    done = []
    retired = mine[0]
    retire(content, retired, today)
    done.append(f"retired {retired['source']}")
    deletable = [
        p
        for p in mine[1:]
        if p["slug"] not in referenced and Path(p["source"]).stem not in referenced and not p.get("translations")
    ]
    if deletable:
        _source(content, deletable[-1]).unlink()
        done.append(f"deleted {deletable[-1]['source']}")
    done.append(f"added {add(content, component, today).relative_to(content.parent)}")
    return done


def test_retiring_adding_and_deleting_publications_keeps_the_sample_test_green(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    copy = tmp_path / "project"
    for folder in ("content", "templates", "assets"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, copy / folder)
    done = change_content(copy / "content")
    assert len(done) == 3, done
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t")]
    if request.config.getoption("markexpr"):  # `-m "not browser"` here: the same there
        command += ["-m", request.config.getoption("markexpr")]
    run = subprocess.run(
        [*command, str(TESTS / "test_sample_site.py")],
        cwd=REPO,
        env={**os.environ, "SITEGEN_SAMPLE_PROJECT": str(copy)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, "after " + "; ".join(done) + ":\n" + run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
