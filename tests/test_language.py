"""Every word in the page's language, with `lang` right on every element (issue 15, item 3).

Names have optional translations (`names: {es: ...}`) in site.yaml (the title, the agency, each
navigation and breadcrumb link), types.yaml and topics.yaml (`key: {name: ..., names: {...}}`)
and component files; a name without one keeps the site's language and says so with `lang`. A
check warns when a page in another language carries English text from the templates.
"""

from __future__ import annotations

import gc

import lxml.html
import pytest

from sitegen import pages
from sitegen.strings import STRINGS
from sitekit import Project

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def doc(project: Project, path: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(project.html(path))


@pytest.fixture
def bilingual(tmp_path) -> Project:  # noqa: ANN001 - pytest's tmp_path
    project = Project(
        tmp_path / "site",
        names={"es": "Biblioteca de publicaciones"},
        agency={
            "name": "U.S. Department of Homeland Security",
            "acronym": "DHS",
            "url": "https://www.dhs.gov/",
            "domain": "dhs.gov",
            "names": {"es": "Departamento de Seguridad Nacional"},
        },
        breadcrumb=[{"title": "News", "url": "https://www.dhs.gov/news", "names": {"es": "Noticias"}}],
        navigation=[
            {"title": "Publications", "url": "/publications/", "names": {"es": "Publicaciones"}},
            {"title": "About", "url": "/about/"},  # no Spanish name: it stays English, and says so
        ],
    )
    project.write_yaml(
        "content/types.yaml",
        {"fact-sheet": {"name": "Fact Sheet", "names": {"es": "Hoja informativa"}}, "report": "Report"},
    )
    project.write_yaml("content/topics.yaml", {"privacy": {"name": "Privacy", "names": {"es": "Privacidad"}}})
    project.write(
        "content/components/ice.md",
        "---\nname: Immigration and Customs Enforcement\nacronym: ICE\n"
        "names: {es: Servicio de Inmigración y Control de Aduanas}\n---\nThe mission.\n",
    )
    project.publication("statement-en", title="Statement", topics=["privacy"], translations=["declaracion-es"])
    project.publication("declaracion-es", title="Declaración", language="es", topics=["privacy"])
    return project


def test_a_spanish_page_names_everything_in_spanish(bilingual: Project) -> None:
    report = bilingual.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    assert not [d for d in report.diagnostics if d.code == "untranslated-text"]
    root = doc(bilingual, "/publications/declaracion-es/")
    header = root.xpath("//header[contains(@class, 'usa-header')]")[0]
    assert header.get("lang") is None
    assert " ".join(header.xpath(".//*[@class='site-logo__text']")[0].text_content().split()) == (
        "Departamento de Seguridad Nacional Biblioteca de publicaciones"
    )
    links = {a.text_content().strip(): a.get("lang") for a in header.xpath(".//a[contains(@class, 'usa-nav-link')]")}
    assert links == {"Publicaciones": None, "About": "en"}
    crumbs = [(li.text_content().strip(), li.get("lang")) for li in root.xpath("//nav[@class='usa-breadcrumb']//li")]
    assert crumbs == [
        ("Inicio", None),
        ("Noticias", None),
        ("Biblioteca de publicaciones", None),
        ("Servicio de Inmigración y Control de Aduanas", None),
        ("Declaración", None),
    ]
    assert root.xpath("//nav[@class='usa-breadcrumb']")[0].get("lang") is None
    meta = " ".join(root.xpath("//ul[contains(@class, 'publication-meta')]")[0].text_content().split())
    assert "Tipo: Hoja informativa" in meta and "Temas: Privacidad" in meta
    assert "Componente: Servicio de Inmigración y Control de Aduanas" in meta
    assert root.xpath("//footer//a[@href='#main-content']")[0].text_content() == "Volver arriba"
    disclaimer = root.xpath("//p[@class='usa-identifier__identity-disclaimer']")[0].text_content()
    assert disclaimer == "Un sitio web oficial de Departamento de Seguridad Nacional"
    assert root.xpath("//title")[0].text_content() == "Declaración | Biblioteca de publicaciones"


def test_a_name_without_a_translation_says_it_is_english(bilingual: Project) -> None:
    bilingual.publication("informe-es", title="Informe", language="es", type="report")
    assert bilingual.build().ok
    root = doc(bilingual, "/publications/informe-es/")
    (link,) = root.xpath("//ul[contains(@class, 'publication-meta')]//a[contains(@href, '/type/')]")
    assert link.text_content() == "Report" and link.get("lang") == "en"


def test_english_pages_are_unchanged_by_translations(bilingual: Project) -> None:
    assert bilingual.build().ok
    root = doc(bilingual, "/publications/statement-en/")
    assert not root.xpath("//main//*[@lang='es'][not(@hreflang)]")
    assert "Type: Fact Sheet" in " ".join(
        root.xpath("//ul[contains(@class, 'publication-meta')]")[0].text_content().split()
    )


def test_english_template_text_on_a_spanish_page_is_a_warning(bilingual: Project) -> None:
    base = bilingual.root / "templates" / "base.html"
    base.write_text(base.read_text().replace("{{ t.return_to_top }}", "Back to the top of the page"))
    report = bilingual.build()
    assert report.ok  # a warning, not an error
    (warning,) = [d for d in report.diagnostics if d.code == "untranslated-text"]
    assert warning.severity == "warning" and warning.path == "templates/base.html" and warning.line > 0
    assert '"Back to the top of the page" is English on a page in "es"' in warning.message
    assert "/publications/declaracion-es/" in warning.message
    # A warning is published with: the page is there, with the text the warning names.
    assert "Back to the top of the page" in bilingual.html("/publications/declaracion-es/")


def test_english_text_marked_english_is_not_reported(bilingual: Project) -> None:
    base = bilingual.root / "templates" / "base.html"
    base.write_text(
        base.read_text().replace("{{ t.return_to_top }}", '<span lang="en">Back to the top of the page</span>')
    )
    report = bilingual.build()
    assert report.ok and not [d for d in report.diagnostics if d.code == "untranslated-text"]


@pytest.mark.parametrize(
    ("types", "code"),
    [
        ({"fact-sheet": {"name": "Fact Sheet", "names": {"Spanish!": "Hoja"}}}, "bad-language"),
        ({"fact-sheet": {"name": "Fact Sheet", "names": "Hoja informativa"}}, "wrong-type"),
        ({"fact-sheet": {"names": {"es": "Hoja informativa"}}}, "missing-field"),
        ({"fact-sheet": {"name": "Fact Sheet", "nombres": {"es": "Hoja"}}}, "unknown-field"),
    ],
)
def test_translated_names_are_checked(project: Project, types: dict, code: str) -> None:
    project.write_yaml("content/types.yaml", types)
    report = project.check()
    assert not report.ok
    assert any(d.code == code and d.path == "content/types.yaml" and d.line >= 1 for d in report.diagnostics), [
        d.text() for d in report.diagnostics
    ]


def test_the_agency_seal_is_shown_and_published(tmp_path) -> None:  # noqa: ANN001
    agency = {"name": "Example Agency", "acronym": "EA", "url": "https://www.ea.gov/", "domain": "ea.gov"}
    project = Project(tmp_path / "site", agency={**agency, "seal": "files/seal.png"})
    (project.root / "content/files/seal.png").write_bytes(PNG)
    project.publication("one")
    assert project.build().ok
    root = doc(project, "/")
    (seal,) = root.xpath("//header//img[@class='site-logo__seal']")
    assert seal.get("src") == "/library/files/seal.png" and seal.get("alt") == ""  # the name beside it says it
    assert root.xpath("//div[@class='usa-identifier__logos']//img")[0].get("alt") == "Example Agency"
    assert (project.out / "files/seal.png").read_bytes() == PNG


@pytest.mark.parametrize(
    ("seal", "content", "code"),
    [
        ("files/seal.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>", "bad-seal"),
        ("../seal.png", PNG, "bad-seal"),
        ("files/missing.png", None, "missing-file"),
        ("files/seal.png", b"<html>not a picture</html>", "file-content"),
    ],
)
def test_a_seal_must_be_an_image_under_content_files(tmp_path, seal: str, content: bytes | None, code: str) -> None:  # noqa: ANN001
    agency = {"name": "Example Agency", "acronym": "EA", "url": "https://www.ea.gov/", "domain": "ea.gov"}
    project = Project(tmp_path / "site", agency={**agency, "seal": seal})
    if content is not None:
        (project.root / "content" / seal).write_bytes(content)
    project.publication("one")
    report = project.check()
    assert not report.ok and any(d.code == code for d in report.diagnostics), [d.text() for d in report.diagnostics]


def test_the_updated_and_retired_listings_speak_the_sites_language(tmp_path) -> None:  # noqa: ANN001
    """Their heading, breadcrumb and intro come from the interface strings, not template English."""
    for language in ("en", "es"):
        for key in ("recently_updated", "recently_updated_crumb", "updated_intro"):
            assert STRINGS[language][key]
        for key in ("retired_publications", "retired_crumb", "retired_intro"):
            assert STRINGS[language][key]
    english = Project(tmp_path / "en")
    english.publication("old", retired={"date": "2021-01-01", "reason": "Replaced."})
    assert english.build().ok
    for path, kind in (("/publications/updated/", "updated"), ("/publications/retired/", "retired")):
        root = doc(english, path)
        assert root.xpath("//p[@class='listing-intro']")[0].text_content() == STRINGS["en"][f"{kind}_intro"]
    assert doc(english, "/publications/retired/").xpath("//h1")[0].text_content() == "Retired publications"
    spanish = Project(tmp_path / "es", language="es")
    spanish.publication("antigua", language="es", retired={"date": "2021-01-01", "reason": "Reemplazada."})
    report = spanish.check()
    assert report.ok, [d.text() for d in report.diagnostics]
    on_these = [
        d.text()
        for d in report.diagnostics
        if d.code == "untranslated-text" and ("/publications/updated/" in d.message or "/retired/" in d.message)
    ]
    assert on_these == []


def test_each_build_checks_its_own_templates(bilingual: Project) -> None:
    """The English text is read from each build's own templates: builds that alternate between a
    template with an English sentence and one without, in one process, warn exactly when it is
    there (the memo once looked a renderer up by id(), which a freed renderer's successor reuses)."""
    base = bilingual.root / "templates" / "base.html"
    clean = base.read_text()
    english = clean.replace("{{ t.return_to_top }}", "Back to the top of the page")
    for turn in range(6):
        base.write_text(english if turn % 2 else clean)
        report = bilingual.build()
        assert report.ok
        warned = [d for d in report.diagnostics if d.code == "untranslated-text"]
        assert len(warned) == turn % 2, (turn, [d.text() for d in warned])
        gc.collect()
        # Nothing of a finished build's templates is kept, so no later renderer can be given them.
        assert len(pages._BLOCKS) == 0
