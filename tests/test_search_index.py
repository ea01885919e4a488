"""The search index as the build writes it, and the `search:` setting (issue 15 item 1, issue 17 item 6).

Shards are whole years packed from the oldest, bounded in size, and only the first carries
Pagefind's runtime; each document carries its document numbers as the search box sends them and
its component's acronym; each shard lists its words for spelling suggestions. With
`search: {provider: searchgov}` the header searches search.gov and no index is built. The
browser half of this is tests/browser/test_search_page.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from sitegen import search
from sitegen.model import Body, Publication
from sitegen.strings import STRINGS
from sitekit import Project


def _pub(slug: str, date: str) -> Publication:
    return Publication(
        slug=slug,
        title=slug,
        date=dt.date.fromisoformat(date),
        component="ice",
        type="fact-sheet",
        summary="s",
        source=f"content/publications/{slug}.md",
        body=Body(key=slug),
    )


def _library(counts: dict[int, int]) -> tuple[Publication, ...]:
    pubs = [_pub(f"p{year}-{n}", f"{year}-01-{n % 28 + 1:02d}") for year, count in counts.items() for n in range(count)]
    return tuple(sorted(pubs, key=lambda p: (-p.date.toordinal(), p.slug)))


def _fragments(out: Path) -> dict[str, dict]:
    records = {}
    for fragment in out.glob("pagefind/*/fragment/*.pf_fragment"):
        record = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        records[record["url"]] = record
    return records


# -- pure functions ----------------------------------------------------------------------------


def test_document_numbers_are_indexed_as_the_search_box_joins_them() -> None:
    found = search.numbers("DHS/ICE/PIA-049 ICE Parole Unit and the 2017 After-Action Report")
    # The search box drops - and / : `PIA-049` is looked up as pia049, `DHS/ICE/PIA-049` as dhsicepia049.
    assert {"pia049", "icepia049", "dhsicepia049", "dhsice", "afteraction"} <= set(found)
    assert "parole" not in found and "ice" not in found  # plain words are Pagefind's own business


def test_shards_pack_whole_years_from_the_oldest_within_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_SIZE", 5)
    pubs = _library({2015: 2, 2016: 2, 2017: 1, 2018: 3, 2019: 7, 2020: 1})
    shards = search.shard_of(pubs)
    assert all(len(members) <= 5 for members in shards.values())
    assert sorted(p.slug for members in shards.values() for p in members) == sorted(p.slug for p in pubs)
    assert next(iter(shards)) == "2015-2017"  # the oldest first: it carries the runtime
    assert {"2015-2017", "2018", "2020"} <= set(shards)  # 2018 + 2019 would not fit; 2019 is split
    assert {name for name in shards if name.startswith("2019-")} and "2019" not in shards
    for members in shards.values():  # each shard newest first
        assert [p.date for p in members] == sorted((p.date for p in members), reverse=True)
    # A publication added to the newest year changes the newest shard alone.
    later = search.shard_of(_library({2015: 2, 2016: 2, 2017: 1, 2018: 3, 2019: 7, 2020: 2}))
    assert {name: members for name, members in later.items() if name != "2020"} == {
        name: members for name, members in shards.items() if name != "2020"
    }


def test_a_small_library_is_one_shard() -> None:
    pubs = _library({2019: 3, 2020: 2})
    assert list(search.shard_of(pubs)) == ["all"] and search.shard_of(()) == {}


def test_every_search_string_is_in_spanish_too() -> None:
    english, spanish = STRINGS["en"]["search_page"], STRINGS["es"]["search_page"]
    assert english.keys() == spanish.keys()
    for key, value in english.items():
        assert type(spanish[key]) is type(value), key
        if isinstance(value, dict):
            assert value.keys() == spanish[key].keys(), key


# -- the built index ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Twelve publications over six years in shards of at most four (so several shards)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(search, "SHARD_SIZE", 4)
    project = Project(tmp_path_factory.mktemp("sharded") / "site")
    project.component("fema", "Federal Emergency Management Agency", "FEMA", "FEMA helps people before disasters.")
    project.publication(
        "pia-049",
        title="DHS/ICE/PIA-049 Parole Unit Case Management Systems",
        date="2018-10-26",
        type="privacy-impact-assessment",
        body="Parole cases.",
    )
    for n, year in enumerate((2015, 2015, 2016, 2017, 2018, 2019, 2019, 2020, 2020, 2020, 2020)):
        project.publication(f"flood-{n}", date=f"{year}-03-{n + 1:02d}", component="fema", body="Flood recovery.")
    project.publication("old-one", date="2015-01-01", retired={"date": "2019-01-01", "reason": "Superseded."})
    report = project.build(search=True)
    mp.undo()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def test_one_copy_of_the_runtime_and_no_default_ui(sharded: Project) -> None:
    out = sharded.out / "pagefind"
    shards = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(shards) >= 4
    runtime = sorted(p.parent.name for p in out.rglob("pagefind.js"))
    bundles = lxml_html.fromstring(sharded.html("/search/")).xpath("//form[@id='search-form']")[0].get("data-bundles")
    first = bundles.split()[0].rstrip("/").split("/")[-1]
    assert runtime == [first]  # the bundle the page opens, and no other
    assert sorted(p.name for p in (out / first).glob("wasm.*")) == ["wasm.en.pagefind"]
    assert (
        not list(out.rglob("pagefind-ui*"))
        and not list(out.rglob("pagefind-*ui*"))
        and not list(out.rglob("*highlight*"))
    )
    assert sorted(b.rstrip("/").split("/")[-1] for b in bundles.split()) == shards
    for shard in shards:
        assert (out / shard / "pagefind-entry.json").is_file()
        words = json.loads((out / shard / "words.json").read_text("utf-8"))
        assert words and all(word.isalpha() and count > 0 for word, count in words.items())


def test_documents_carry_numbers_and_the_component_acronym(sharded: Project) -> None:
    records = _fragments(sharded.out)
    pia = records["/publications/pia-049/"]
    words = [word.strip(".") for word in pia["content"].split()]  # Pagefind ends each block with a stop
    assert "pia049" in words and "dhsicepia049" in words
    text = next(a for a in pia["anchors"] if a["id"] == "text")
    assert text["element"] == "span" and text["text"] == ""  # a marker, not a copy of the text
    assert words.index("pia049") < text["location"] <= words.index("Parole", text["location"])
    flood = records["/publications/flood-0/"]
    assert "(FEMA)." in flood["content"] and flood["meta"]["type"] == "Fact Sheet"
    assert flood["filters"]["component"] == ["Federal Emergency Management Agency"]


def test_the_search_page_renders_every_filter_with_the_index_counts(sharded: Project) -> None:
    root = lxml_html.fromstring(sharded.html("/search/"))
    groups = {f.get("data-group"): f for f in root.xpath("//form[@id='search-form']//fieldset")}
    assert list(groups) == ["component", "type", "year"]  # no topics in this library
    boxes = {(b.get("name"), b.get("value")): b for b in root.xpath("//input[@type='checkbox']")}
    fema = boxes[("component", "fema")]
    assert fema.get("data-filter") == "Federal Emergency Management Agency"
    label = root.xpath(f"//label[@for='{fema.get('id')}']")[0].text_content()
    assert label.split() == ["Federal", "Emergency", "Management", "Agency", "(11)"]
    year = root.xpath(f"//label[@for='{boxes[('year', '2015')].get('id')}']")[0].text_content()
    assert year.split() == ["2015", "(3)"]  # the retired publication is searchable, so counted
    assert root.xpath("//select[@name='sort']/option/@value") == ["relevance", "newest", "oldest"]
    assert root.xpath("//*[@id='search-status']/@role") == ["status"]
    assert root.xpath("//noscript") and root.xpath("//section[@id='search-browse']//a")
    strings = json.loads(root.xpath("//form[@id='search-form']")[0].get("data-strings"))
    assert strings["search"]["results"] == ["{n} result", "{n} results"]


def test_an_edit_reindexes_only_its_shard(sharded: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SHARD_SIZE", 4)
    out = sharded.out / "pagefind"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    source = next((sharded.root / "content/publications").rglob("flood-5.md"))  # 2019
    source.write_text(source.read_text() + "\nAn edit.\n")
    assert sharded.build(search=True).ok
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    changed = {p.relative_to(out).parts[0] for p in set(before) ^ set(after)}
    changed |= {p.relative_to(out).parts[0] for p in set(before) & set(after) if before[p] != after[p]}
    assert len(changed) == 1 and "2019" in changed.pop()
    assert len(list(out.rglob("pagefind.js"))) == 1


# -- search: {provider: searchgov} --------------------------------------------------------------


def test_searchgov_sends_the_header_search_to_search_gov_and_builds_no_index(tmp_path: Path) -> None:
    project = Project(tmp_path / "site", search={"provider": "searchgov", "affiliate": "dhs"})
    project.publication("one")
    report = project.build(search=True)
    assert report.ok, [d.text() for d in report.diagnostics]
    assert not (project.out / "pagefind").exists()
    for path in ("/", "/publications/one/", "/search/"):
        root = lxml_html.fromstring(project.html(path))
        form = root.xpath("//header//form[@role='search']")[0]
        assert form.get("action") == "https://search.usa.gov/search" and form.get("method") == "get"
        assert [(i.get("name"), i.get("value")) for i in form.xpath(".//input[@type='hidden']")] == [
            ("affiliate", "dhs")
        ]
        assert form.xpath(".//input[@type='search']/@name") == ["query"]
    page = lxml_html.fromstring(project.html("/search/"))
    assert not page.xpath("//script[contains(@src, 'search')]") and not page.xpath("//*[@id='search-form']")
    assert page.xpath("//main//form[@action='https://search.usa.gov/search']//input[@name='query']")


def test_a_searchgov_site_never_starts_the_indexer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """search.gov has the search: the build plans no shard and runs no Pagefind, and an index left
    from when the site searched with Pagefind is removed, not kept beside search.gov's forms."""
    project = Project(tmp_path / "site")
    project.publication("one")
    assert project.build(search=True).ok
    assert (project.out / "pagefind").is_dir()
    project.write_yaml("content/site.yaml", {**project.site, "search": {"provider": "searchgov", "affiliate": "dhs"}})
    started: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        started.append(repr(args))
        raise AssertionError("a searchgov site started the search index build")

    monkeypatch.setattr(search, "build_shards", refuse)  # the builder imports them from there when it indexes
    monkeypatch.setattr(search, "temporary_folder", refuse)
    monkeypatch.setattr(search.subprocess, "run", refuse)
    report = project.build(search=True)
    assert report.ok, [d.text() for d in report.diagnostics]
    assert started == []
    assert not (project.out / "pagefind").exists()
    assert not [path for path in project.out.rglob("*") if "pagefind" in path.name]
    project.publication("two")  # and again, from the searchgov build's own manifest
    assert project.build(search=True).ok and started == []
    assert not (project.out / "pagefind").exists()


def test_pagefind_is_the_default(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    project.publication("one")
    assert project.build().ok
    form = lxml_html.fromstring(project.html("/")).xpath("//header//form[@role='search']")[0]
    assert form.get("action") == "/library/search/" and form.xpath(".//input/@name") == ["q"]


@pytest.mark.parametrize(
    ("setting", "line", "message"),
    [
        ({"provider": "google"}, 3, 'search.provider "google" is not a search provider; use pagefind'),
        ({"provider": "searchgov"}, 3, "search.provider searchgov needs the site's search.gov affiliate"),
        ({"provider": "searchgov", "affiliate": "dhs gov"}, 4, 'search.affiliate "dhs gov" is not a search.gov'),
        ({"affiliate": "dhs"}, 3, "search.affiliate is only used with provider searchgov"),
        ({"provider": "searchgov", "affiliate": "dhs", "extra": 1}, 5, 'unknown field "extra"'),
    ],
)
def test_a_bad_search_setting_is_reported_at_its_line(tmp_path: Path, setting: dict, line: int, message: str) -> None:
    project = Project(tmp_path / "site")
    text = (project.root / "content/site.yaml").read_text()
    block = "search:\n" + "".join(f"  {key}: {value}\n" for key, value in setting.items())
    # line 1: title, line 2: search:, line 3 on: the setting's fields
    project.write("content/site.yaml", "title: Publications Library\n" + block + text.split("\n", 1)[1])
    project.publication("one")
    report = project.check()
    texts = [d.text() for d in report.diagnostics if d.severity == "error"]
    assert any(t.startswith(f"content/site.yaml:{line}:") and message in t for t in texts), texts


def test_the_searchgov_policy_lets_forms_go_to_search_gov_and_nothing_else(tmp_path: Path) -> None:
    from sitegen.config import load_config
    from sitegen.csp import content_security_policy, directives

    default = dict(directives(None))
    project = Project(tmp_path / "site", search={"provider": "searchgov", "affiliate": "dhs"})
    config, diags = load_config(project.root)
    assert config is not None and not diags
    searchgov = dict(directives(config))
    assert searchgov["form-action"] == ("'self'", "https://search.usa.gov")
    assert {name: sources for name, sources in searchgov.items() if name != "form-action"} == {
        name: sources for name, sources in default.items() if name != "form-action"
    }
    assert "form-action 'self' https://search.usa.gov;" in content_security_policy(config)
