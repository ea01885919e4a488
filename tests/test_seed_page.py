"""The seed page, reproduced by the tool: the component page of the reference site, rebuilt from
the seed's own words.

tests/fixtures/seed-component-page.txt is the seed (the text of the reference site's ICE
component page, kept in the repository so the test runs anywhere). A site is generated from it:
the component with the seed's mission, and one publication per item with its title and summary,
dated newest first in the seed's order. Its component page must show the seed's heading,
mission, breadcrumb, banner and items, word for word and in order. Whether the sample content
still holds these publications is its editors' business (tests/test_sample_site.py checks that
every listing shows what the content holds).
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from sitekit import Project
from url_table import norm

SEED = Path(__file__).parent / "fixtures" / "seed-component-page.txt"
HEADING = "Immigration and Customs Enforcement"


def seed() -> tuple[str, list[str], list[tuple[str, str]]]:
    """The seed's mission, its breadcrumb and its (title, summary) items, in the seed's order."""
    lines = SEED.read_text("utf-8").splitlines()
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("  \u2022 "):
            items.append((line[4:].strip(), []))
        elif items and line.strip():
            items[-1][1].append(line.strip())
    crumbs_at = lines.index("Breadcrumb")
    crumbs = [line.strip().split(". ", 1)[1] for line in lines[crumbs_at + 1 :] if line.strip()[:1].isdigit()]
    heading = next(i for i, line in enumerate(lines) if i > crumbs_at + len(crumbs) and line.strip() == HEADING)
    mission = next(line.strip() for line in lines[heading + 1 :] if line.strip())
    return mission, crumbs, [(title, norm(" ".join(summary))) for title, summary in items]


@pytest.fixture(scope="module")
def component_page(tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    mission, _, items = seed()
    project = Project(tmp_path_factory.mktemp("seed") / "site")
    project.component("ice", HEADING, "ICE", mission)
    for number, (title, summary) in enumerate(items):
        project.publication(f"seed-{number:02d}", title=title, summary=summary, date=f"2020-01-{28 - number:02d}")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics if d.severity == "error"]
    assert not project.out.joinpath("publications/component/ice/page/2").exists()  # one page, as the seed
    return lxml.html.document_fromstring(project.html("/publications/component/ice/"))


def test_the_seed_has_what_the_test_reads() -> None:
    mission, crumbs, items = seed()
    assert mission.startswith("The mission of") and crumbs[-1] == HEADING and len(items) == 10
    assert all(title and summary for title, summary in items)


def test_the_component_page_carries_the_seed_items_in_order(component_page: lxml.html.HtmlElement) -> None:
    shown = [
        (
            norm(item.xpath(".//*[contains(@class, 'usa-collection__heading')]/a")[0].text_content()),
            norm(item.xpath(".//*[contains(@class, 'usa-collection__description')]")[0].text_content()),
        )
        for item in component_page.xpath("//main//li[contains(concat(' ', @class, ' '), ' usa-collection__item ')]")
    ]
    assert shown == seed()[2]


def test_the_component_page_carries_the_seed_mission_and_frame(component_page: lxml.html.HtmlElement) -> None:
    mission, crumbs, _ = seed()
    assert [norm(h.text_content()) for h in component_page.xpath("//main//h1")] == [HEADING]
    assert mission in [norm(p.text_content()) for p in component_page.xpath("//main//p")]
    shown = [norm(li.text_content()) for li in component_page.xpath("//nav[contains(@class, 'usa-breadcrumb')]/ol/li")]
    assert shown == crumbs
    banner = norm(component_page.xpath("//section[contains(@class, 'usa-banner')]")[0].text_content())
    for phrase in (
        "An official website of the United States government",
        "Official websites use .gov",
        "Secure .gov websites use HTTPS",
    ):
        assert phrase in banner
