"""A site whose own language is Spanish says everything of its interface in Spanish (issue 15).

The pages that are in the site's language, whatever the publications are in: home, the 404 and
search pages, the listings (their titles, breadcrumbs and meta descriptions), redirects and the
site's own pages. The English words they used to carry are looked for on every page, and the
untranslated-text check must find none; an English site keeps its words.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from sitegen.builder import BuildReport
from sitegen.strings import STRINGS
from sitekit import Project

AGENCY = "U.S. Department of Homeland Security"  # sitekit's agency name, which the site does not translate

# English that pages of a Spanish site carried before: none of it is in the content below.
ENGLISH = (
    "Page not found",
    "can’t find the page",
    "home page",
    "Browse all publications",
    "Search publications",
    "Newest publications",
    "and its componentes",
    "publications.",
    ">Browse<",
    ">Search<",
    "Page 2",
    "Publications of",
    "publications of the",
    "newest first",
) + (  # what a Spanish build showed besides
    "By componente",
    "By type",
    "By topic",
    "By year",
    ", page 2",
    "Type:",
    "Year:",
    "ICE type",
    "This page has moved",
    "is now at",
    "Page last reviewed",
    "March 4, 2021",
    "newest publications",
)


def spanish_project(root: Path, **site: object) -> Project:
    project = Project(root, language="es", page_size=2, **site)
    project.write(
        "content/pages/about.md",
        "---\ntitle: Acerca de la biblioteca\nupdated: 2021-03-04\n---\nQué es esta biblioteca.\n",
    )
    for n, (year, kind) in enumerate((("2021", "report"), ("2022", "fact-sheet"), ("2023", "report"))):
        project.publication(
            f"informe-{n}",
            title=f"Informe número {n}",
            date=f"{year}-02-0{n + 1}",
            type=kind,
            summary="Un resumen.",
            body="Texto.",
            topics=["privacy"],
            aliases=[f"/antiguo/informe-{n}/"] if n == 0 else [],
        )
    return project


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, BuildReport]:
    project = spanish_project(tmp_path_factory.mktemp("spanish") / "site")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project, report


def doc(project: Project, path: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(project.html(path))


def text(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in root.xpath(xpath)]


def crumbs(root: lxml.html.HtmlElement) -> list[str]:
    return text(root, "//nav[contains(@class, 'usa-breadcrumb')]//li")


def description(root: lxml.html.HtmlElement) -> str:
    (value,) = root.xpath("//meta[@name='description']/@content")
    return str(value)


def assert_named(root: lxml.html.HtmlElement, name: str) -> None:
    """The page's heading, the first part of its title and its breadcrumb's last crumb."""
    assert text(root, "//h1") == [name]
    assert root.xpath("//title")[0].text_content().startswith(f"{name} |")
    assert crumbs(root)[-1] == name


def test_the_404_page_is_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    root = doc(project, "/404.html")
    assert_named(root, "Página no encontrada")
    assert text(root, "//main//p[@class='usa-intro']") == [
        "No encontramos la página que busca. Es posible que se haya movido o que la dirección esté mal escrita."
    ]
    assert text(root, "//main//ul[@class='usa-list']/li") == [
        "Ir a la página principal de Publications Library",
        "Explorar todas las publicaciones",
        "Buscar publicaciones",
    ]
    page = project.html("/404.html")
    for english in ("Page not found", "can’t find", "Go to the", "Browse all publications", "Search publications"):
        assert english not in page


def test_the_home_page_is_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    root = doc(project, "/")
    assert text(root, "//p[@class='usa-intro']") == [f"Publicaciones de {AGENCY} y sus componentes: 3 publicaciones."]
    assert text(root, "//main//h2") == ["Publicaciones más recientes", "Explorar"]
    assert text(root, "//main//a[contains(@class, 'usa-button')]") == ["Explorar todas las publicaciones", "Buscar"]
    assert description(root) == f"Publicaciones de {AGENCY}."
    page = project.html("/")
    for english in ("Newest publications", "Browse all publications", "publications."):
        assert english not in page


@pytest.mark.parametrize(
    ("language", "count", "intro"),
    [
        ("es", 1, f"Publicaciones de {AGENCY} y sus componentes: 1 publicación."),
        ("es", 0, f"Publicaciones de {AGENCY} y sus componentes: 0 publicaciones."),
        ("en", 1, f"Publications of the {AGENCY} and its components: 1 publication."),
        ("en", 2, f"Publications of the {AGENCY} and its components: 2 publications."),
    ],
)
def test_the_home_page_counts_in_its_language(tmp_path: Path, language: str, count: int, intro: str) -> None:
    project = Project(tmp_path / "site", language=language)
    for n in range(count):
        project.publication(f"p-{n}", language=language)
    assert project.build().ok
    assert text(doc(project, "/"), "//p[@class='usa-intro']") == [intro]


def test_the_search_page_is_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    assert_named(doc(project, "/search/"), "Buscar publicaciones")
    assert "Search publications" not in project.html("/search/")


def test_a_second_listing_page_is_named_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    for path in ("/publications/page/2/", "/publications/topic/privacy/page/2/"):
        assert crumbs(doc(project, path))[-1] == "Página 2"
        assert "Page 2" not in project.html(path)


def test_listing_descriptions_are_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    assert description(doc(project, "/publications/component/ice/")) == (
        "Publicaciones de Immigration and Customs Enforcement (ICE), las más recientes primero."
    )
    assert description(doc(project, "/publications/topic/privacy/")) == (
        f"Privacy: publicaciones de {AGENCY}, las más recientes primero."
    )
    assert description(doc(project, "/publications/")) == (
        f"Publications Library: publicaciones de {AGENCY}, las más recientes primero."
    )
    assert description(doc(project, "/404.html")) == f"Publicaciones de {AGENCY}."


def test_site_yaml_description_stays_as_written(tmp_path: Path) -> None:
    project = spanish_project(tmp_path / "site", description="Our own words, in English on purpose.")
    assert project.build().ok
    for path in ("/", "/404.html", "/search/"):
        assert description(doc(project, path)) == "Our own words, in English on purpose."


# What a build of a Spanish site showed besides: listing titles and intros, facet headings,
# redirects, the site's own pages and the feed link.


def test_a_second_listing_page_is_titled_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    for path, heading in (
        ("/publications/page/2/", "Todas las publicaciones"),
        ("/publications/topic/privacy/page/2/", "Privacy"),
    ):
        root = doc(project, path)
        assert root.xpath("//title")[0].text_content().startswith(f"{heading}, página 2 |")
        assert root.xpath("//meta[@property='og:title']/@content")[0].endswith(", página 2")
        assert ", page 2" not in project.html(path)


def test_listing_intros_name_the_facet_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    root = doc(project, "/publications/type/report/")
    assert text(root, "//p[@class='listing-intro']") == ["Tipo: Report. 2 publicaciones, las más recientes primero."]
    root = doc(project, "/publications/year/2021/")
    assert text(root, "//p[@class='listing-intro']") == ["Año: 2021. 1 publicación, las más recientes primero."]
    root = doc(project, "/publications/component/ice/type/report/")
    assert text(root, "//p[@class='listing-intro']")[0].startswith("Tipo de ICE: ")


def test_facet_headings_and_the_feed_link_are_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    for path in ("/", "/search/"):
        root = doc(project, path)
        assert text(root, "//section[contains(@class, 'tablet:grid-col-6')]/*[1]") == [
            "Por componente",
            "Por tipo",
            "Por tema",
            "Por año",
        ]
        assert root.xpath("//link[@type='application/atom+xml']/@title") == [
            "Publications Library: publicaciones más recientes"
        ]


def test_redirects_and_site_pages_are_in_spanish(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    root = doc(project, "/antiguo/informe-0/")
    assert text(root, "//h1") == ["Esta página cambió de dirección"]
    assert text(root, "//main//p")[0].startswith("“Informe número 0” ahora está en https://")
    assert text(doc(project, "/about/"), "//p[@class='page-updated']") == [
        "Última revisión de la página: 4 de marzo de 2021"
    ]


def test_no_page_of_a_spanish_site_keeps_english_interface_text(spanish: tuple[Project, BuildReport]) -> None:
    project, _ = spanish
    found = {}
    for page in sorted(project.out.rglob("*.html")):
        html = page.read_text("utf-8")
        left = [english for english in ENGLISH if english in html]
        if left:
            found[page.relative_to(project.out).as_posix()] = left
    assert found == {}


def test_the_untranslated_text_check_finds_nothing(spanish: tuple[Project, BuildReport]) -> None:
    _, report = spanish
    assert [d.text() for d in report.diagnostics if d.code == "untranslated-text"] == []


def test_every_new_string_is_in_both_tables() -> None:
    for key in (
        "newest_publications",
        "browse",
        "browse_all",
        "home_intro",
        "home_count",
        "not_found",
        "not_found_text",
        "go_home",
        "component_description",
        "listing_description",
        "site_description",
    ) + ("title_page_n", "subset_facet", "moved", "moved_to", "page_last_reviewed", "feed_title"):
        english, spanish = STRINGS["en"][key], STRINGS["es"][key]
        assert type(english) is type(spanish) and english != spanish, key
        if isinstance(english, dict):
            assert english.keys() == spanish.keys(), key
