"""Browsing, translations, scheduled publishing, retirement and the search index."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitekit import Project

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def everything(out: Path) -> str:
    """Every output file as one text, to prove something appears nowhere."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(out.rglob("*")) if p.is_file())


def doc(project: Project, path: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(project.html(path))


@pytest.fixture
def library(project: Project) -> Project:
    project.publication("ice-one", date="2019-03-01", type="fact-sheet", topics=["privacy"])
    project.publication("ice-two", date="2020-03-01", type="report", topics=["immigration"])
    project.publication("cbp-one", date="2020-05-01", component="cbp", type="report")
    return project


def test_scheduled_publication_appears_in_no_output_until_its_time(library: Project) -> None:
    library.publication(
        "scheduled-pia",
        title="Zebra Scheduled Assessment",
        date="2026-12-01",
        publish_at="2026-12-01T09:00-05:00",
        summary="Quokka summary.",
    )
    before = library.build(now=NOW, search=True)
    assert before.ok and before.site.next_due == dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    text = everything(library.out)
    assert "Zebra Scheduled" not in text and "scheduled-pia" not in text and "Quokka" not in text
    assert "/year/2026/" not in text  # not even an empty year page
    after = library.build(now=dt.datetime(2026, 12, 1, 14, 0, tzinfo=UTC), search=True)
    assert after.ok and after.site.next_due is None
    assert "Zebra Scheduled" in library.html("/publications/scheduled-pia/")
    for path in ("/publications/", "/publications/component/ice/", "/publications/year/2026/"):
        assert "Zebra Scheduled" in library.html(path), path
    for name in ("feed.xml", "sitemap.xml", "publications/index.json"):
        assert "scheduled-pia" in (library.out / name).read_text(), name


def test_future_flag_previews_scheduled_publications(library: Project) -> None:
    library.publication("later", publish_at="2030-01-01")
    assert "later" not in everything(library.out) if library.build(now=NOW).ok else False
    assert library.build(now=NOW, future=True).ok
    assert (library.out / "publications/later/index.html").is_file()


def test_build_prints_the_next_scheduled_time(library: Project) -> None:
    library.publication("later", publish_at="2099-01-01T09:30-05:00")
    result = CliRunner().invoke(main, ["build", str(library.root), "--no-search"])
    assert result.exit_code == 0, result.output
    assert "Next scheduled publication: 2099-01-01T14:30Z" in result.output


def test_drafts_appear_in_no_output(library: Project) -> None:
    library.publication("secret-draft", title="Walrus Draft Title", draft=True, summary="Narwhal summary.")
    assert library.build(search=True).ok
    text = everything(library.out)
    assert "Walrus" not in text and "secret-draft" not in text and "Narwhal" not in text


def test_a_bare_publish_date_means_midnight_in_the_sites_time_zone(library: Project) -> None:
    """2026-12-02 is midnight Eastern (05:00 UTC), not 7 p.m. Eastern the evening before."""
    library.publication("bare-date", publish_at="2026-12-02")
    evening = library.build(now=dt.datetime(2026, 12, 2, 0, 30, tzinfo=UTC))  # 19:30 Eastern on the 1st
    assert evening.ok and not (library.out / "publications/bare-date/index.html").exists()
    assert evening.site.next_due == dt.datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    midnight = library.build(now=dt.datetime(2026, 12, 2, 5, 0, tzinfo=UTC))
    assert midnight.ok and (library.out / "publications/bare-date/index.html").is_file()


def test_the_time_zone_comes_from_site_yaml(library: Project) -> None:
    site = (library.root / "content/site.yaml").read_text()
    (library.root / "content/site.yaml").write_text(site + "timezone: Pacific/Honolulu\n")
    library.publication("bare-date", publish_at="2026-12-02")
    report = library.build(now=dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # 23:00 in Honolulu on the 1st
    assert report.ok and report.site.next_due == dt.datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    (library.root / "content/site.yaml").write_text(site + "timezone: Eastern\n")
    assert [d.code for d in library.check().diagnostics if d.severity == "error"] == ["bad-timezone"]


def test_publish_at_needs_a_time_zone(library: Project) -> None:
    library.publication("ambiguous", publish_at="2026-12-01T09:00")
    report = library.check()
    assert [d.code for d in report.diagnostics if d.severity == "error"] == ["bad-date"]
    assert "time zone" in report.diagnostics[0].message


def spanish_pair(project: Project) -> None:
    project.publication("statement-en", title="Statement on the storm", type="report", translations=["declaracion-es"])
    project.publication("declaracion-es", title="Declaración sobre la tormenta", type="report", language="es")


def test_spanish_pages_carry_the_official_spanish_banner_and_identifier(project: Project) -> None:
    spanish_pair(project)
    assert project.build().ok
    root = doc(project, "/publications/declaracion-es/")
    assert root.get("lang") == "es"
    banner = root.xpath("//section[contains(@class, 'usa-banner')]")[0]
    assert banner.get("aria-label") == "Un sitio oficial del Gobierno de Estados Unidos"
    assert "Así es como usted puede verificarlo" in banner.text_content()
    assert "Los sitios web oficiales usan .gov" in banner.text_content()
    identifier = root.xpath("//div[contains(@class, 'usa-identifier')]")[0].text_content()
    assert "Declaración de accesibilidad" in identifier and "Visite USAGov en Español" in identifier
    meta = root.xpath("//ul[contains(@class, 'publication-meta')]")[0].text_content()
    assert "Publicado el" in meta and "Componente" in meta
    # site.yaml's words without a Spanish name say they are English, each on its own element
    header = root.xpath("//header[contains(@class, 'usa-header')]")[0]
    assert header.get("lang") is None and header.xpath(".//em[@class='usa-logo__text']")[0].get("lang") == "en"
    english = doc(project, "/publications/statement-en/")
    assert english.get("lang") == "en" and "Here’s how you know" in english.text_content()


def test_translations_are_linked_both_ways_with_reciprocal_hreflang(project: Project) -> None:
    spanish_pair(project)  # only the English one lists the Spanish one
    assert project.build().ok
    pages = {"en": doc(project, "/publications/statement-en/"), "es": doc(project, "/publications/declaracion-es/")}
    urls = {
        "en": "https://www.example.gov/library/publications/statement-en/",
        "es": "https://www.example.gov/library/publications/declaracion-es/",
    }
    for language, root in pages.items():
        alternates = {
            link.get("hreflang"): link.get("href") for link in root.xpath("//link[@rel='alternate'][@hreflang]")
        }
        assert alternates == urls, language
    spanish_link = pages["en"].xpath("//nav[contains(@class, 'translations')]//a")[0]
    assert spanish_link.text_content().strip() == "Español" and spanish_link.get("lang") == "es"
    english_link = pages["es"].xpath("//nav[contains(@class, 'translations')]//a")[0]
    assert english_link.text_content().strip() == "English"
    catalog = json.loads((project.out / "publications/index.json").read_text())
    record = next(p for p in catalog["publications"] if p["slug"] == "declaracion-es")
    assert record["language"] == "es" and record["translations"] == [urls["en"]]


def test_unknown_translation_is_an_error(project: Project) -> None:
    project.publication("orphan", translations=["no-such-slug"])
    report = project.check()
    assert [d.code for d in report.diagnostics] == ["unknown-translation"]


def test_check_translations_lists_missing_translations(project: Project) -> None:
    spanish_pair(project)
    project.publication("statement-two", title="Another statement", type="report")
    result = CliRunner().invoke(main, ["check", str(project.root), "--translations", "--format", "json"])
    found = json.loads(result.output)
    assert [(d["code"], d["path"]) for d in found] == [
        ("missing-translation", "content/publications/2020/statement-two.md")
    ]
    assert "Español (es)" in found[0]["message"]


def test_retired_publication_keeps_its_page_but_leaves_the_listings(library: Project) -> None:
    library.publication(
        "old-one",
        title="Obsolete Program Fact Sheet",
        retired={"date": "2021-01-31", "reason": "Superseded by ice-two."},
    )
    assert library.build().ok
    page = library.html("/publications/old-one/")
    assert "Retired" in page and "Superseded by ice-two." in page
    for path in ("/", "/publications/", "/publications/component/ice/", "/publications/type/fact-sheet/"):
        assert "Obsolete Program" not in library.html(path), path
    assert "Obsolete Program" not in (library.out / "feed.xml").read_text()
    assert "Obsolete Program" in library.html("/publications/retired/")
    catalog = json.loads((library.out / "publications/index.json").read_text())
    assert next(p for p in catalog["publications"] if p["slug"] == "old-one")["retired"]["date"] == "2021-01-31"


def test_component_pages_link_their_type_and_year_combinations(library: Project) -> None:
    assert library.build().ok
    root = doc(library, "/publications/component/ice/")
    hrefs = set(root.xpath("//main//a/@href"))
    assert "/library/publications/component/ice/type/report/" in hrefs
    assert "/library/publications/component/ice/year/2019/" in hrefs
    assert "/library/publications/component/ice/type/privacy-impact-assessment/" not in hrefs  # none of that type
    combo = doc(library, "/publications/component/ice/type/report/")
    titles = [a.text_content() for a in combo.xpath("//main//h2[contains(@class, 'usa-collection__heading')]/a")]
    assert titles == ["Publication ice-two"]
    crumbs = [li.text_content().strip() for li in combo.xpath("//nav[contains(@class, 'usa-breadcrumb')]//li")]
    assert crumbs[-2:] == ["Immigration and Customs Enforcement", "Report"]


def test_facet_links_show_counts_and_every_type_and_topic_has_a_feed(library: Project) -> None:
    assert library.build().ok
    library_page = doc(library, "/publications/")
    items = [
        " ".join(li.text_content().split()) for li in library_page.xpath("//nav[@aria-labelledby='side-type']//li")
    ]
    assert "Report (2)" in items and "Fact Sheet (1)" in items
    for path in (
        "publications/type/report/feed.xml",
        "publications/topic/privacy/feed.xml",
        "publications/component/cbp/feed.xml",
    ):
        assert (library.out / path).is_file(), path


def test_updated_listing_orders_by_last_update(library: Project) -> None:
    library.publication("refreshed", date="2010-01-01", updated="2025-06-01", title="Old but refreshed")
    assert library.build().ok
    root = doc(library, "/publications/updated/")
    titles = [a.text_content() for a in root.xpath("//main//h2[contains(@class, 'usa-collection__heading')]/a")]
    assert titles[0] == "Old but refreshed"


def test_year_chart_has_a_text_alternative_and_a_table(library: Project) -> None:
    assert library.build().ok
    root = doc(library, "/publications/")
    svg = root.xpath("//figure//*[local-name()='svg']")[0]
    assert svg.get("role") == "img"
    assert "publications per year, 2019 to 2020" in svg.xpath(".//*[local-name()='title']")[0].text_content()
    rows = [[cell.text_content() for cell in row] for row in root.xpath("//figure//table/tbody/tr")]
    assert rows == [["2020", "2"], ["2019", "1"]]


def test_search_index_holds_exactly_the_published_publications(library: Project) -> None:
    library.publication("hidden", draft=True)
    library.publication("later", publish_at="2099-01-01")
    report = library.build(search=True)
    assert report.ok
    entry = json.loads((library.out / "pagefind/all/pagefind-entry.json").read_text())
    assert sum(language["page_count"] for language in entry["languages"].values()) == 3
    again = library.build(search=True)
    assert again.written == 0  # the search fingerprint did not change: Pagefind did not run again


def test_a_large_index_is_sharded_and_an_edit_reindexes_one_shard(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sitegen.search

    monkeypatch.setattr(sitegen.search, "SHARD_SIZE", 2)
    for year in (2018, 2019, 2020):
        for n in range(3):
            project.publication(f"p{year}-{n}", date=f"{year}-0{n + 1}-01", body=f"Word{year} text {n}.")
    assert project.build(search=True).ok
    shards = sorted(p.name for p in (project.out / "pagefind").iterdir())
    assert len(shards) >= 6 and all(name.split("-")[0] in ("2018", "2019", "2020") for name in shards)
    bundles = doc(project, "/search/").xpath("//form[@id='search-form']")[0].get("data-bundles").split()
    assert sorted(b.split("/")[-2] for b in bundles) == shards
    before = {p: p.read_bytes() for p in (project.out / "pagefind").rglob("*") if p.is_file()}
    source = next((project.root / "content/publications").rglob("p2019-1.md"))
    source.write_text(source.read_text() + "\nAn edit.\n")
    assert project.build(search=True).ok
    after = {p: p.read_bytes() for p in (project.out / "pagefind").rglob("*") if p.is_file()}
    changed = {p.relative_to(project.out / "pagefind").parts[0] for p in set(before) ^ set(after)}
    changed |= {
        p.relative_to(project.out / "pagefind").parts[0] for p in set(before) & set(after) if before[p] != after[p]
    }
    assert len(changed) == 1 and changed.pop().startswith("2019")


def test_pagefind_runs_as_its_binary_or_through_its_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen import search

    search._pagefind.cache_clear()
    command = search._pagefind()
    assert len(command) == 1 and Path(command[0]).name.startswith("pagefind") and os.access(command[0], os.X_OK)
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # the package without its binary layout
    search._pagefind.cache_clear()
    assert search._pagefind() == (sys.executable, "-m", "pagefind")
    search._pagefind.cache_clear()
