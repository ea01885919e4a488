"""The built-in theme and a project's overrides: a project needs only content/.

A file in the project's templates/ or assets/ replaces the built-in one of the same name, and
is fingerprinted like any input: editing it re-renders what uses it, deleting it brings the
built-in one back, byte for byte what a clean build makes. `labels:` in site.yaml names the
agency's parts ("Office") wherever pages say "component".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen import theme
from sitekit import REPO, Project, tree
from test_incremental import clean_build


@pytest.fixture
def bare(project: Project) -> Project:
    """The minimal project with content/ alone: no templates/, no assets/."""
    shutil.rmtree(project.root / "templates")
    shutil.rmtree(project.root / "assets")
    project.publication("first", body="Some text.")
    project.publication("second", date="2021-02-03")
    return project


def rendered(report: object) -> set[str]:
    return {event.output for event in report.events}  # type: ignore[attr-defined]


def removing_it_restores_the_built_in_site(bare: Project, override: Path, without: dict[str, bytes]) -> None:
    """Deleting an override re-renders the pages it was on, back to the bytes of a build without it."""
    override.unlink()
    report = bare.build()
    assert report.ok and "about/index.html" in rendered(report)
    assert tree(bare.out) == without


def test_a_project_with_content_alone_builds_with_the_built_in_theme(bare: Project) -> None:
    report = bare.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    page = bare.html("/publications/first/")
    assert 'class="usa-banner"' in page and "Some text." in page
    assert any((bare.out / "assets/css").glob("site.*.css"))
    assert any((bare.out / "assets").glob("uswds-*/css/uswds.min.css"))
    assert bare.check().ok


def test_the_repository_theme_is_the_built_in_theme() -> None:
    """In a checkout (an editable install) the built-in theme is the repository's own folders."""
    assert theme.builtin_folder("templates").resolve() == (REPO / "templates").resolve()
    assert theme.builtin_folder("assets").resolve() == (REPO / "assets").resolve()
    assert (theme.builtin_folder("templates") / "base.html").is_file()


def test_a_template_override_wins_is_fingerprinted_and_can_be_removed(bare: Project, tmp_path: Path) -> None:
    bare.build()
    without = clean_build(bare, tmp_path)
    builtin = (REPO / "templates/page.html").read_text("utf-8")
    override = bare.write(
        "templates/page.html", builtin.replace("{% block content %}", "{% block content %}<p>Ours</p>")
    )
    report = bare.build()
    assert report.ok and "about/index.html" in rendered(report)
    assert "<p>Ours</p>" in bare.html("/about/")
    assert "<p>Ours</p>" not in bare.html("/publications/first/")  # publication.html is still the built-in one

    override.write_text(override.read_text().replace("Ours", "Edited"))
    report = bare.build()
    assert "about/index.html" in rendered(report) and "<p>Edited</p>" in bare.html("/about/")
    assert tree(bare.out) == clean_build(bare, tmp_path)
    removing_it_restores_the_built_in_site(bare, override, without)


def test_an_override_can_extend_the_built_in_template_it_replaces(bare: Project) -> None:
    bare.write(
        "templates/page.html",
        '{% extends "builtin/page.html" %}{% block content %}<p class="notice">Notice</p>{{ super() }}{% endblock %}',
    )
    report = bare.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    page = bare.html("/about/")
    assert '<p class="notice">Notice</p>' in page and "What this library is." in page


def test_a_partial_override_is_used_by_every_page(bare: Project) -> None:
    header = (REPO / "templates/partials/header.html").read_text("utf-8")
    bare.write("templates/partials/header.html", header + '<p class="ours">Header note</p>\n')
    assert bare.build().ok
    for path in ("/", "/about/", "/publications/first/"):
        assert "Header note" in bare.html(path), path


def test_an_asset_override_wins_is_fingerprinted_and_can_be_removed(bare: Project, tmp_path: Path) -> None:
    bare.build()
    without = clean_build(bare, tmp_path)
    builtin_css = (REPO / "assets/css/site.css").read_text("utf-8")
    own = bare.write("assets/css/site.css", builtin_css + "\n.ours { color: #1b1b1b; }\n")
    report = bare.build()
    assert report.ok and "about/index.html" in rendered(report)  # the stylesheet's name is on every page
    [css] = (bare.out / "assets/css").glob("site.*.css")
    assert css.read_text("utf-8").endswith(".ours { color: #1b1b1b; }\n")
    assert f"/library/assets/css/{css.name}" in bare.html("/about/")
    assert tree(bare.out) == clean_build(bare, tmp_path)
    removing_it_restores_the_built_in_site(bare, own, without)


def test_a_project_asset_of_its_own_is_published_beside_the_built_in_ones(bare: Project) -> None:
    bare.write("assets/img/seal.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert bare.build().ok
    assert any((bare.out / "assets/img").glob("seal.*.svg"))
    assert any((bare.out / "assets/css").glob("site.*.css"))


def test_an_edit_to_the_built_in_theme_rebuilds_a_project_that_does_not_override_it(
    bare: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install's theme is files anyone may edit: they are fingerprinted by their bytes."""
    installed = tmp_path / "installed"
    for folder in theme.FOLDERS:
        shutil.copytree(REPO / folder, installed / folder)
    monkeypatch.setattr(theme, "PACKAGED", installed)
    assert bare.build().ok
    page = installed / "templates/page.html"
    page.write_text(page.read_text().replace("{% block content %}", "{% block content %}<p>Theme fix</p>"))
    report = bare.build()
    assert "about/index.html" in rendered(report) and "<p>Theme fix</p>" in bare.html("/about/")
    assert tree(bare.out) == clean_build(bare, tmp_path)


def test_a_mistake_in_an_override_is_reported_at_its_line(bare: Project) -> None:
    bare.write(
        "templates/page.html", '{% extends "base.html" %}\n{% block content %}\n{{ page.nonsense }}\n{% endblock %}\n'
    )
    report = bare.build()
    problems = [(d.path, d.line, d.code) for d in report.diagnostics if d.severity == "error"]
    assert problems == [("templates/page.html", 3, "template-error")], problems


def test_a_symlink_in_an_override_folder_is_refused(bare: Project, tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { secret: 1 }")
    (bare.root / "assets/css").mkdir(parents=True)
    (bare.root / "assets/css/site.css").symlink_to(secret)
    report = bare.build()
    assert not report.ok
    assert [(d.path, d.code) for d in report.diagnostics if d.severity == "error"] == [
        ("assets/css/site.css", "symlink")
    ]
    assert not bare.out.exists() or "secret" not in "".join(
        path.read_text("utf-8", "replace") for path in bare.out.rglob("*.css")
    )


def test_labels_name_the_agencys_parts(bare: Project) -> None:
    bare.site["labels"] = {"component": "Bureau"}
    bare.write_yaml("content/site.yaml", bare.site)
    report = bare.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    home = bare.html("/")
    assert "By bureau" in home and "and its bureaus:" in home and "By component" not in home
    assert "<li>Bureau: " in bare.html("/publications/first/")
    assert (bare.out / "publications/component/ice/index.html").is_file()  # the addresses stay


def test_without_labels_pages_say_component(bare: Project) -> None:
    assert bare.build().ok
    assert "By component" in bare.html("/") and "<li>Component: " in bare.html("/publications/first/")


def test_a_label_that_is_not_a_short_name_is_an_error_at_its_line(bare: Project) -> None:
    bare.write(
        "content/site.yaml",
        (bare.root / "content/site.yaml").read_text() + "labels:\n  component: " + "Very long name " * 4 + "\n",
    )
    report = bare.check()
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    lines = (bare.root / "content/site.yaml").read_text().splitlines()
    assert problem.path == "content/site.yaml" and problem.code == "bad-value"
    assert lines[problem.line - 1].startswith("  component:")


def test_every_uswds_file_the_theme_publishes_is_used_by_a_page_a_stylesheet_or_a_script(project: Project) -> None:
    """USWDS files are copied one by one (USWDS_FILES): each must be named by something the site
    serves, or it is a file published for nobody (the attachment icon became inline SVG; a
    192-pixel favicon and a white search icon were named by no page)."""
    (project.root / "content" / "files").mkdir(parents=True, exist_ok=True)
    (project.root / "content" / "files" / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    project.publication("first", body="Some text.", attachments=[{"title": "Report", "file": "files/report.pdf"}])
    assert project.build().ok
    files = tree(project.out)
    # USWDS's licence travels with its files, as its terms ask; nothing links to it.
    uswds = {path for path in files if path.startswith("assets/uswds-") and not path.endswith("/LICENSE.md")}
    texts = {path: data for path, data in files.items() if path.endswith((".html", ".css", ".js", ".json", ".xml"))}
    unused = [
        path
        for path in sorted(uswds)
        if not any(path.rsplit("/", 1)[1].encode() in data for other, data in texts.items() if other != path)
    ]
    assert unused == [], unused


def test_a_build_reads_each_template_once(bare: Project) -> None:
    """A renderer serves one build: it neither asks the file system again for every include on
    every page, nor mixes two versions of a template edited while it renders."""
    from sitegen.builder import BuildOptions, BuildReport, analyse
    from sitegen.cache import Cache
    from sitegen.render import Renderer

    bare.write("templates/partials/header.html", (REPO / "templates/partials/header.html").read_text() + "<p>v1</p>\n")
    cache = Cache(bare.root / ".sitegen-cache", enabled=False)
    analysis = analyse(BuildOptions(project=bare.root, jobs=1), cache, BuildReport())
    assert analysis.site is not None and analysis.assets is not None, analysis.diagnostics
    renderer = Renderer(bare.root, analysis.site.config, analysis.site.components, analysis.assets, cache.bodies)
    pages = [route for route in analysis.routes if route.renderer.endswith(".html")][:2]
    assert "<p>v1</p>" in renderer.render(pages[0]).decode()
    bare.write("templates/partials/header.html", (REPO / "templates/partials/header.html").read_text() + "<p>v2</p>\n")
    assert "<p>v1</p>" in renderer.render(pages[1]).decode()
    assert renderer.env.auto_reload is False
    cache.close()
