"""sitegen.guards.check_page: a good page passes; each kind of bad page is reported with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.guards import _looks_fine, _PageChecker, check_page
from sitegen.sanitize import publishable_html
from sitegen.urls import is_government_host

REPO = Path(__file__).resolve().parent.parent

GOOD = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Publication | Publications Library</title>
  <script type="application/ld+json">{"@context": "https://schema.org", "author": {"@type": "GovernmentOrganization"}}</script>
</head>
<body>
  <a class="usa-skipnav" href="#main-content">Skip to main content</a>
  <section class="usa-banner" aria-label="Official website of the United States government">
    <img aria-hidden="true" class="usa-banner__header-flag" src="/library/assets/flag.png" alt="">
  </section>
  <main id="main-content">
    <h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>
    <p>See <a class="usa-link usa-link--external" rel="noreferrer" href="https://www.example.com/x">a vendor</a>,
       <a href="https://www.ice.gov/detain">ice.gov</a>, <a href="https://www.army.mil/">the Army</a>
       and <a href="/library/about/">about</a>.</p>
    <p>The full assessment is a <a href="/library/files/pia.pdf">PDF document</a> <span class="file-meta">(PDF, 1.2 MB)</span>.</p>
    <ul>
      <li class="attachment">
        <a class="usa-link" href="/library/files/statement-es.pdf" hreflang="es" lang="es">Declaración</a>
        <span class="attachment__meta">(PDF, 3 KB, Español)</span>
      </li>
      <li><a href="/library/files/data.csv">Data</a> (CSV, 512 bytes)</li>
    </ul>
    <pre><code>{{ page.title }} and {% if x %} in a code sample are content, not leftovers</code></pre>
  </main>
  <footer><a href="https://www.usa.gov/">USA.gov</a><a href="https://twitter.com/dhsgov">X</a>
    <div class="usa-identifier"><p>dhs.gov</p></div>
  </footer>
</body>
</html>
"""


def bad(old: str, new: str) -> list[str]:
    assert old in GOOD, old
    return check_page("publications/x/index.html", GOOD.replace(old, new, 1))


def only(problems: list[str], *fragments: str) -> None:
    assert len(problems) == len(fragments), problems
    for problem, fragment in zip(problems, fragments):
        assert problem.startswith("publications/x/index.html:"), problem
        assert fragment in problem, (fragment, problem)


def test_a_good_page_passes() -> None:
    assert check_page("publications/x/index.html", GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "<title>Publication | Publications Library</title>",
            "<title>{{ title }} | Publications Library</title>",
            'leftover template syntax "{{"',
        ),
        ("<p>See ", "<p>{% block content %}See ", 'leftover template syntax "{%"'),
        ('href="/library/about/"', "href=\"{{ url('/about/') }}\"", 'leftover template syntax "{{" in the href'),
        ('"@type": "GovernmentOrganization"}}', '"@type": "{{ type }}"}}', 'leftover template syntax "{{"'),
    ],
)
def test_leftover_template_syntax(old: str, new: str, message: str) -> None:
    only(bad(old, new), message)


def test_empty_or_missing_title_and_h1() -> None:
    only(bad("<title>Publication | Publications Library</title>", "<title>  </title>"), "<title> is empty")
    only(bad("<title>Publication | Publications Library</title>", ""), "no <title>")
    only(bad("<h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>", "<h1> <em></em> </h1>"), "<h1> is empty")
    only(bad("<h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>", "<h2>Not a page title</h2>"), "no <h1>")
    assert bad("<h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>", '<h1><img src="logo.png" alt="DHS"></h1>') == []


def test_the_line_of_the_problem_is_reported() -> None:
    problems = bad("<h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>", "<h1></h1>")
    line = GOOD.splitlines().index("    <h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>") + 1
    assert problems == [f"publications/x/index.html:{line}: the <h1> is empty"]


def test_missing_banner_identifier_and_lang() -> None:
    only(bad('<section class="usa-banner"', '<section class="site-banner"'), "usa-banner")
    only(bad('<section class="usa-banner"', '<div class="usa-banner"'), "usa-banner")  # must be the <section>
    only(bad('<div class="usa-identifier">', '<div class="identifier">'), "usa-identifier")
    only(bad('<html lang="en">', "<html>"), "lang")
    only(bad('<html lang="en">', '<html lang=" ">'), "lang")


def test_images_need_an_alt_attribute() -> None:
    only(
        bad('src="/library/assets/flag.png" alt=""', 'src="/library/assets/flag.png"'),
        'img src="/library/assets/flag.png"> has no alt',
    )
    assert bad('src="/library/assets/flag.png" alt=""', 'src="/library/assets/flag.png" alt="U.S. flag"') == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('<span class="file-meta">(PDF, 1.2 MB)</span>', ""),  # no meta at all
        ('<span class="file-meta">(PDF, 1.2 MB)</span>', "(PDF)"),  # a type but no size
        ('<span class="file-meta">(PDF, 1.2 MB)</span>', "(1.2 MB)"),  # a size but no type
        ('<span class="attachment__meta">(PDF, 3 KB, Español)</span>', ""),
        ("(CSV, 512 bytes)", ""),
    ],
)
def test_download_links_need_type_and_size_after_them(old: str, new: str) -> None:
    only(bad(old, new), "download link to /library/files/")


def test_type_and_size_must_follow_the_link_itself() -> None:
    # The meta of the next item does not count for a link that has none.
    problems = bad('<span class="attachment__meta">(PDF, 3 KB, Español)</span>', "")
    only(problems, "/library/files/statement-es.pdf")
    # Nor does text before the link, or inside it.
    only(
        bad(
            '<a href="/library/files/pia.pdf">PDF document</a> <span class="file-meta">(PDF, 1.2 MB)</span>',
            '(PDF, 1.2 MB) <a href="/library/files/pia.pdf">PDF document (PDF, 1.2 MB)</a>',
        ),
        "pia.pdf",
    )


def test_links_elsewhere_are_not_downloads() -> None:
    assert bad('href="/library/about/"', 'href="https://www.dhs.gov/sites/default/files/report.pdf"') == []
    assert bad('href="/library/about/"', 'href="/library/profiles/"') == []


def test_external_links_in_main_need_the_external_class() -> None:
    only(
        bad(
            'class="usa-link usa-link--external" rel="noreferrer" href="https://www.example.com/x"',
            'class="usa-link" href="https://www.example.com/x"',
        ),
        "external link to https://www.example.com/x",
    )
    only(bad('href="/library/about/"', 'href="//cdn.example.org/x"'), "external link to //cdn.example.org/x")
    only(bad('href="/library/about/"', 'href="http://example.gov.evil.com/"'), "external link")
    # .gov and .mil hosts are not external; links outside <main> (footer, header) are not checked.
    assert bad('href="/library/about/"', 'href="HTTPS://WWW.CISA.GOV/news"') == []
    assert "twitter.com" in GOOD and check_page("x.html", GOOD) == []


def test_all_problems_are_reported_together() -> None:
    page = (
        GOOD.replace('<html lang="en">', "<html>")
        .replace('alt=""', "")
        .replace('<div class="usa-identifier">', "<div>")
    )
    problems = check_page("p.html", page)
    assert len(problems) == 3, problems


def test_not_html_at_all() -> None:
    problems = check_page("notes.html", "just text {{ oops }}")
    for fragment in ("template syntax", "<title>", "<h1>", "usa-banner", "usa-identifier", "lang"):
        assert any(fragment in p for p in problems), (fragment, problems)


def test_government_hosts() -> None:
    assert is_government_host("www.dhs.gov") and is_government_host("www.army.mil") and is_government_host("X.GOV.")
    assert not is_government_host("gov.example.com") and not is_government_host("example.govt.nz")


def _parsed_problems(html: str) -> list[str]:
    """What the full parser finds, with the screen bypassed."""
    checker = _PageChecker()
    checker.feed(html)
    checker.close()
    return [problem.message for problem in checker.problems]


def test_a_guard_problem_fails_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    from sitekit import Project

    project = Project(tmp_path / "s")
    project.publication("first")
    assert project.build().ok
    before = (project.out / "publications/first/index.html").read_bytes()
    template = project.root / "templates/publication.html"
    template.write_text(template.read_text().replace("<h1>{{ pub.title }}</h1>", "<h1>{{ '' }}</h1>"))
    report = project.build()
    assert not report.ok
    problem = next(d for d in report.diagnostics if d.code == "output-guard")
    # Attributed to the template line that made it, with the page it would have broken.
    line = template.read_text().splitlines().index("  <h1>{{ '' }}</h1>") + 1
    assert (problem.path, problem.line) == ("templates/publication.html", line), problem
    assert "<h1> is empty" in problem.message and "publications/first/index.html" in problem.hint
    assert (project.out / "publications/first/index.html").read_bytes() == before


# -- the fast screen never clears a page the parser flags -----------------------------------------

# Without its template-like code sample and tagged <h1>, which always go to the parser.
SCREENED = GOOD.replace(GOOD[GOOD.index("    <pre><code>") : GOOD.index("  </main>")], "").replace(
    "<h1>DHS/ICE/PIA-049 <em>Parole Unit</em></h1>", "<h1>DHS/ICE/PIA-049 Parole Unit</h1>"
)

# Ways a page can go wrong, or look as if it did: each replaces one piece of SCREENED.
MUTATIONS = [
    (
        "<title>Publication | Publications Library</title>",
        [
            "<title>  </title>",
            "<title>&nbsp;</title>",
            "<title >T</title>",
            "<title>T</title><title></title>",
            "<!-- <title>T</title> -->",
            "",
        ],
    ),
    (
        "<h1>DHS/ICE/PIA-049 Parole Unit</h1>",
        [
            "<h1>Plain</h1>",
            "<h1> </h1>",
            "<h1>&#32;</h1>",
            '<h1><img src="x.png" alt=""></h1>',
            "<h1>One</h1><h1></h1>",
            "<H1>Up</H1>",
            "<h1>A</h1><!-- <h1></h1> -->",
            '<h1 class="x">Styled</h1>',
            "<h1>Text <!-- c --></h1>",
        ],
    ),
    (
        '<html lang="en">',
        [
            '<html lang=" ">',
            '<html lang="&#32;">',
            "<html>",
            '<html LANG="en">',
            '<html lang="en"><html>',
            "<html lang='en'>",
        ],
    ),
    (
        '<section class="usa-banner"',
        [
            '<section class="site-banner"',
            '<div class="usa-banner"',
            '<section class="usa-banner x"',
            '<section class="x" class="usa-banner"',
            '<section class="usa-banner" class="x"',
            '<!-- <section class="usa-banner"> --><section',
            '<section class="usa-banner-like"',
        ],
    ),
    (
        '<div class="usa-identifier">',
        [
            '<div class="identifier">',
            '<!-- <div class="usa-identifier"> --><div>',
            '<div>class="usa-identifier"',
            '<script>"<div class="usa-identifier">"</script><div>',
            '<div class="x usa-identifier">',
            '<div class="usa-identifier-not">',
        ],
    ),
    (
        'src="/library/assets/flag.png" alt=""',
        [
            'src="/library/assets/flag.png"',
            'src="a" title=" alt="',
            'src="a" data-alt="x"',
            'src="a" ALT="x"',
            'src="a" alt',
            "src='a' alt=''",
            'alt="" src="a"',
        ],
    ),
    (
        '<a class="usa-link usa-link--external" rel="noreferrer" href="https://www.example.com/x">',
        [
            '<a href="https://www.example.com/x">',
            '<a class="usa-link" href="HTTPS://EVIL.COM/">',
            '<a href=" https://evil.com/">',
            "<a href='https://evil.com/'>",
            "<a href=https://evil.com/>",
            '<a href="&#104;ttps://evil.com/">',
            '<a href="//evil.com/">',
            '<a href="https://www.dhs.gov@evil.com/">',
            '<a href="https://evil.com@www.dhs.gov/">',
            '<a href="http://[::1/">',
            '<a\thref="https://evil.com/">',
            '<a title="usa-link--external" href="https://evil.com/">',
            '<a class="usa-link--external-no" href="https://e.com/">',
            '<a href="https://e.com/" class="usa-link--external">',
            '<a href="files/report.pdf">',
            '<a href="/library/files/x.pdf">',
        ],
    ),
    ("<p>See ", ["<p>{{ x }} ", "<p>{% if %} ", "<p>See <b>&lt;h1&gt;</b> ", "<p>&lt;!-- ", "<p>See"]),
    # Download links: the type and size after the link, as the parser collects that text.
    (
        '<span class="attachment__meta">(PDF, 3 KB, Español)</span>',
        [
            '<span class="attachment__meta">(PDF, Español)</span>',
            "<div>(PDF, 3 KB)</div>",
            "<br>(PDF, 3 KB)",
            "<br/>(PDF, 3 KB)",
            '<span title="a>b">(PDF, 3 KB)</span>',
            '<span title="a<b">(PDF, 3 KB)</span>',
            "<span class='x'>(PDF, 3 KB)</span>",
            '<span class="x">(PDF,</span> 3 KB)',
            "<span>(PDF,</span><span> 3 KB)</span>",
            "(PDF, 3&nbsp;KB)",
            "(PDF, 3 &#75;B)",
            "(PDF, 3 K&#66;)",
            "(PDF&#44; 3 KB)",
            "&amp;(PDF, 3 KB)",
            "<!-- (PDF, 3 KB) -->",
            "<script>(PDF, 3 KB)</script>",
            "<style>(PDF, 3 KB)</style>",
            "<SPAN>(PDF, 3 KB)</SPAN>",
            " " * 115 + "(PDF, 3 KB)",
            "x" * 110 + " (PDF, 3 KB)",
            "é" * 110 + " (PDF, 3 KB)",
            '<a href="/x">(PDF, 3 KB)</a>',
            "<abbr>(PDF, 3 KB)</abbr>",
            "<address>(PDF, 3 KB)</address>",
            "<p>(PDF, 3 KB)</p>",
            "</li><li>(PDF, 3 KB)",
            "(PDF 3 KB)",
            "(PDF, 3 KB",
            "(PDF, KB)",
            "&lt;b&gt;(PDF, 3 KB)",
            "< (PDF, 3 KB)",
            "<3 (PDF, 3 KB)",
            "<em>(PDF, 3 KB)",
            '<svg><path d="M0"/></svg>(PDF, 3 KB)',
            "(PDF, 3 KB)</span></span></span>",
        ],
    ),
    (
        '<a class="usa-link" href="/library/files/statement-es.pdf" hreflang="es" lang="es">Declaración</a>',
        [
            '<a class="usa-link" href="/library/files/statement-es.pdf">Decl<a href="/x">n</a>',
            '<a href="/library/files/s.pdf">Decl <a href="/library/files/t.pdf">n</a>',
            '<a href="/x" href="/library/files/s.pdf">D</a>',
            '<a href="/library/files/s.pdf" href="/x">D</a>',
            '<a href="/library/files/s.pdf">D</abbr></a>',
            '<a href="/library/files/s.pdf">D</a >',
            '<a href="/library/files/s.pdf">D</a\n>',
            '<a href="/library/files/s.pdf">D<script>"</a>"</script></a>',
            '<a href="/library/files/s.pdf">D',
            '<a href="/library/files/s.pdf">D</A>',
            '<link href="/library/files/s.pdf">',
            '<span href="/library/files/s.pdf">D</span>',
            '<a href="https://x.gov/files/s.pdf">D</a>',
            '<a href="files/s.pdf">D</a>',
            '<a href="files/">D</a>',
            '<a href="/x?f=/files/s.pdf">D</a>',
            '<a href="/library/files/s.pdf"><div>D</div></a>',
            '<a href="/library/files/s.pdf">D</a></a>',
            '<a title="href=" href="/library/files/s.pdf">D</a>',
            '<a data-x=">" href="/library/files/s.pdf">D</a>',
            '<a href="/library/files/s.pdf" title="x>y">D</a>',
            '<a href=" /library/files/s.pdf">D</a>',
            '<a href="/library/files/s.pdf#p&amp;q">D</a>',
            '<a\nhref="/library/files/s.pdf">D</a>',
        ],
    ),
    (
        '<li><a href="/library/files/data.csv">Data</a> (CSV, 512 bytes)</li>',
        [
            '<li><a href="/library/files/data.csv">Data</a></li><li>(CSV, 512 bytes)</li>',
            '<li><a href="/library/files/data.csv">Data (CSV, 512 bytes)</a></li>',
            '<li><a href="/library/files/data.csv">Data</a> (CSV, 512 bytes)',
            '<li><a href="/library/files/data.csv">Data</a><br> (CSV, 512 bytes)</li>',
            '<li><a href="/library/files/data.csv">Data</a> <i>(CSV, 512 bytes)</i></li>',
            '<li><a href="/library/files/data.csv">Data</a> <td>(CSV, 512 bytes)</li>',
            '<li><a href="/library/files/data.csv">Data</a><a href="/library/files/b.csv">B</a> (CSV, 1 KB)</li>',
        ],
    ),
    (
        '<a href="/library/files/pia.pdf">PDF document</a> <span class="file-meta">(PDF, 1.2 MB)</span>.</p>',
        [
            '<a href="/library/files/pia.pdf">PDF document</a>.</p><p>(PDF, 1.2 MB)</p>',
            '<a href="/library/files/pia.pdf">PDF document</a>.</p>',
            '<a href="/library/files/pia.pdf">PDF document</a> (PDF, 1.2 MB).</p>',
        ],
    ),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([(old, new) for old, news in MUTATIONS for new in news]), max_size=4))
def test_the_screen_never_clears_a_page_the_parser_flags(changes: list[tuple[str, str]]) -> None:
    page = SCREENED
    for old, new in changes:
        page = page.replace(old, new, 1)
    if _looks_fine(page):
        assert _parsed_problems(page) == [], page


@pytest.mark.parametrize("old,new", [(old, new) for old, news in MUTATIONS for new in news])
def test_each_change_alone_is_judged_as_the_parser_judges_it(old: str, new: str) -> None:
    """Each mutation on its own: the screen clears it only when the parser finds nothing."""
    assert old in SCREENED, old
    page = SCREENED.replace(old, new, 1)
    if _looks_fine(page):
        assert _parsed_problems(page) == [], new


def test_the_screen_clears_ordinary_pages() -> None:
    """Most pages must not need the parser, or the screen saves nothing: downloads included."""
    assert 'href="/library/files/' in SCREENED
    assert _looks_fine(SCREENED) and _parsed_problems(SCREENED) == []
    page = SCREENED.replace("</main>", "<p>Body text with a <a href='/library/x/'>link</a>.</p>" * 200 + "</main>")
    assert check_page("x.html", page) == []


def test_every_page_of_a_site_with_attachments_is_cleared_by_the_screen(tmp_path: Path) -> None:
    """Built pages (publication pages with their attachment lists, listings, the home page)
    pass the screen: the parser is for pages it cannot judge, not for every page with a file."""
    from pdf_fixtures import tagged_pdf
    from sitekit import Project

    project = Project(tmp_path / "s")
    (project.root / "content/files").mkdir(parents=True, exist_ok=True)
    (project.root / "content/files/report.pdf").write_bytes(tagged_pdf())
    project.write("content/files/data.csv", "a,b\n1,2\n")
    project.publication(
        "with-files",
        body="See the [full report](../../files/report.pdf) (PDF, 1 KB), and [the data](../../files/data.csv)\n(CSV, 8 bytes).",
        attachments=[{"title": "Report", "file": "files/report.pdf"}, {"title": "Data", "file": "files/data.csv"}],
    )
    project.publication("plain")
    report = project.build()
    assert report.ok, report.diagnostics
    pages = sorted(project.out.rglob("*.html"))
    publication = (project.out / "publications/with-files/index.html").read_text()
    assert publication.count("/files/") >= 3
    assert [page.relative_to(project.out).as_posix() for page in pages if not _looks_fine(page.read_text())] == []


def test_href_is_lower_case_in_every_template_and_body() -> None:
    """The screen reads `href` in lower case only (a case-blind scan would double its cost), so
    nothing that writes pages may spell it otherwise: not a template, not a body. (SVG's
    camel-case `viewBox` is fine: the screen never looks at it.)"""
    tag = re.compile(r"<[a-z][a-z0-9]*((?:\s+[^\s=>]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
    for path in sorted((REPO / "templates").rglob("*.html")):
        text = re.sub(r"\{[{%#].*?[}%#]\}", "", path.read_text(), flags=re.DOTALL)  # Jinja is not HTML
        for match in tag.finditer(text):
            names = re.findall(r"\s([^\s=>]+)(?==|\s|$)", re.sub(r"\"[^\"]*\"|'[^']*'", "", match.group(1)))
            assert all(name == "href" for name in names if name.lower() == "href"), (path.name, match.group(0))
    assert publishable_html('<a HREF="https://e.com/" Title="x">y</a>') == '<a href="https://e.com/" title="x">y</a>'
