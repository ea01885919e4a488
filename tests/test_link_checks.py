"""Link checks in bodies (issue 13): the right line for every link problem, #fragments, and
absolute links to the site itself.

Each case is a body written into a publication whose front matter has a varying number of lines;
the expected lines are given within the body (1 = its first line) and checked at the file line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.diagnostics import Diagnostic
from sitegen.markup import PAGE_IDS
from sitekit import Project

PUB = "content/publications/2020/case.md"
FILLER = "".join(f"Paragraph {n} of the text.\n\n" for n in range(1, 18))  # 34 lines
assert FILLER.count("\n") == 34


def write_case(project: Project, body: str, extra_lines: int) -> int:
    """Write the publication under test with `extra_lines` more lines of front matter; the file
    line of the body's first line."""
    front = ["title: Links", "date: 2020-05-01", "component: ice", "type: fact-sheet", "summary: A summary."]
    if extra_lines:
        front += ["extra:"] + [f"  note{n}: text {n}" for n in range(extra_lines - 1)]
    project.write(PUB, "---\n" + "\n".join(front) + "\n---\n" + body)
    return len(front) + 3


def neighbours(project: Project) -> None:
    """What the cases link to: a publication with ids, a draft, a page, a file."""
    project.publication("other", folder="2020", body="## Real heading\n\nText.\n\n## Annex {#annex-a}\n\nMore.\n")
    project.publication("unfinished", folder="2020", draft=True)
    project.write("content/files/report.pdf", "%PDF-1.4 report")
    # Published only when something links to it; the file itself is not under test.
    project.publication("attaches", folder="2020", body="[The report](../../files/report.pdf).")


# (id, body, [(code, line in the body, words the message must contain, words the hint must contain)])
BROKEN = [
    (
        "root-relative on line 35",
        FILLER + "See [x](/nope/).\n",
        [("broken-link", 35, 'link to "/nope/", which is not a page of this site', "check the path")],
    ),
    (
        "same URL twice: successive lines",
        "[a](/nope/)\n\ntext\n\n[b](/nope/)\n",
        [("broken-link", 1, '"/nope/"', ""), ("broken-link", 5, '"/nope/"', "")],
    ),
    (
        "prose mention before the link",
        "The old address /nope/ is gone.\n\nSee [x](/nope/).\n",
        [("broken-link", 3, '"/nope/"', "")],
    ),
    (
        "a URL that is the start of another",
        "[a](/nope/deeper/)\n\n[b](/nope/)\n",
        [("broken-link", 1, '"/nope/deeper/"', ""), ("broken-link", 3, 'link to "/nope/",', "")],
    ),
    (
        "reference-style: the definition line",
        "Read [x][r], then [y][r] again.\n\nText.\n\n[r]: /nope/\n",
        [("broken-link", 5, '"/nope/"', "")],
    ),
    (
        "reference and inline use of one URL",
        "[x][r]\n\n[y](/nope/)\n\n[r]: /nope/\n",
        [("broken-link", 3, '"/nope/"', ""), ("broken-link", 5, '"/nope/"', "")],
    ),
    ("link over two lines", "A [link that\nwraps](\n/nope/) here.\n", [("broken-link", 3, '"/nope/"', "")]),
    (
        "missing page",
        "Text.\n\nSee [the other](../2019/missing.md).\n",
        [("broken-link", 3, 'link to missing page "publications/2019/missing.md"', "relative to this file")],
    ),
    (
        "URL with spaces",
        "Text.\n\n\n[x](<../2019/no such.md>)\n",
        [("broken-link", 4, 'missing page "publications/2019/no such.md"', "")],
    ),
    (
        "percent-encoded URL",
        "Text.\n[x](../2019/no%20such.md)\n",
        [("broken-link", 2, 'missing page "publications/2019/no such.md"', "")],
    ),
    (
        "backslash-escaped URL",
        "Text.\n[x](../2019/no\\_such.md)\n",
        [("broken-link", 2, 'missing page "publications/2019/no_such.md"', "")],
    ),
    (
        "missing file",
        "One.\n\nTwo [report](../../files/nope.pdf).\n",
        [("broken-link", 3, 'link to missing file "files/nope.pdf"', "")],
    ),
    (
        "missing file, root-relative",
        "One.\n\nTwo [report](/files/nope.pdf).\n",
        [("broken-link", 3, 'link to missing file "/files/nope.pdf"', "")],
    ),
    (
        "missing image",
        "One.\n\n![A chart](../../files/chart.png)\n",
        [("broken-link", 3, 'link to missing file "files/chart.png"', "")],
    ),
    (
        "image without alt text",
        "One.\n\nTwo.\n\n![](../../files/report.pdf)\n",
        [("image-without-alt", 5, 'image "../../files/report.pdf" has no alternative text', "describe the image")],
    ),
    (
        "image without alt and link to the same file",
        "[The report](../../files/report.pdf)\n\n![](../../files/report.pdf)\n",
        [("image-without-alt", 3, "no alternative text", "")],
    ),
    (
        "link outside content",
        "Text.\n\n[secret](../../../../secret.md)\n",
        [("link-outside-content", 3, 'link "../../../../secret.md" points outside content/', "inside content/")],
    ),
    (
        "link to a draft",
        "Text.\n\n\n\n[soon](unfinished.md)\n",
        [("broken-link", 5, 'link to "publications/2020/unfinished.md", which is a draft', "publish it")],
    ),
    (
        "site path of a draft",
        "Text.\n[soon](/publications/unfinished/)\n",
        [("broken-link", 2, 'link to "/publications/unfinished/", which is a draft', "publish it")],
    ),
    (
        "fragment of another publication",
        "Text.\n\n[x](other.md#nowhere)\n",
        [
            (
                "broken-link",
                3,
                '"#nowhere" is not a heading or id of publications/2020/other.md',
                "ids there: real-heading, annex-a",
            )
        ],
    ),
    (
        "fragment close to a real one",
        "[x](other.md#real-headin)\n",
        [
            (
                "broken-link",
                1,
                '"#real-headin" is not a heading or id of publications/2020/other.md',
                'did you mean "#real-heading"?',
            )
        ],
    ),
    (
        "fragment of a publication without ids",
        "[x](attaches.md#top)\n",
        [
            (
                "broken-link",
                1,
                '"#top" is not a heading or id of publications/2020/attaches.md',
                "publications/2020/attaches.md has no headings or ids to link to",
            )
        ],
    ),
    (
        "fragment of a page by site path",
        "Text.\n\n[x](/about/#team)\n",
        [("broken-link", 3, '"#team" is not a heading or id of /about/', "no headings or ids")],
    ),
    (
        "same-page fragment",
        "## Scope\n\nSee [below](#nowhere).\n",
        [
            (
                "broken-link",
                3,
                'link to "#nowhere", which is not a heading or id of this page',
                "ids on this page: scope",
            )
        ],
    ),
    (
        "same-page fragment, twice",
        "[a](#gone)\n\n## Scope\n\n[b](#gone)\n",
        [("broken-link", 1, '"#gone"', ""), ("broken-link", 5, '"#gone"', "")],
    ),
    (
        "self-absolute, no such page",
        "Text.\n\n[x](https://www.example.gov/library/publications/nope/)\n",
        [
            (
                "broken-link",
                3,
                'link to "https://www.example.gov/library/publications/nope/", which is not a page of this site',
                'write links to this site\'s own pages as site paths: "/publications/nope/"',
            )
        ],
    ),
    (
        "self-absolute over http, no final slash",
        "[x](http://www.example.gov/library/publications/nope)\n",
        [("broken-link", 1, '"http://www.example.gov/library/publications/nope"', '"/publications/nope"')],
    ),
    (
        "self-absolute autolink",
        "See <https://WWW.EXAMPLE.GOV/library/nope/>.\n",
        [("broken-link", 1, "which is not a page of this site", '"/nope/"')],
    ),
    (
        "self-absolute, missing fragment",
        "One.\n\nTwo.\n\n[x](https://www.example.gov/library/publications/other/#nowhere)\n",
        [
            (
                "broken-link",
                5,
                'link to "https://www.example.gov/library/publications/other/#nowhere": '
                '"#nowhere" is not a heading or id of /publications/other/',
                "ids there: real-heading, annex-a; write links to this site's own pages as site paths: "
                '"/publications/other/#nowhere"',
            )
        ],
    ),
]


@pytest.mark.parametrize("extra_lines", [0, 1, 9])
@pytest.mark.parametrize("case", BROKEN, ids=[c[0] for c in BROKEN])
def test_each_link_problem_is_reported_at_its_line(project: Project, case: tuple, extra_lines: int) -> None:
    _, body, expected = case
    neighbours(project)
    first = write_case(project, body, extra_lines)
    report = project.check()
    found = [d for d in report.diagnostics if d.path == PUB and d.severity == "error"]
    assert len(found) == len(expected), [d.text() for d in found]
    for (code, line, words, hint), diag in zip(expected, sorted(found)):
        assert (diag.code, diag.line) == (code, first + line - 1), diag.text()
        assert words in diag.message and hint in diag.hint, diag.text()
    others = [d.text() for d in report.diagnostics if d.path != PUB and d.severity == "error"]
    assert others == []


VALID = """\
## Scope

## Café {#café}

A note.[^1] Back to [the note](#fn:1), [the scope](#scope), [the top](#main-content),
[the café](#caf%C3%A9).

[Other](other.md#real-heading), [its annex](other.md#annex-a), [its top](other.md#main-content).

[Page 2 of the report](../../files/report.pdf#page=2), [again](/files/report.pdf#page=3).

[ICE](../../components/ice.md#anything) and [its listing](/publications/component/ice/#x).

[About](/about/), [about's top](/about/#main-content).

[Self](https://www.example.gov/library/publications/other/),
[self heading](https://www.example.gov/library/publications/other/#real-heading),
[over http](http://www.example.gov/library/about/),
[upper case](HTTPS://WWW.EXAMPLE.GOV/library/accessibility/), [default port](https://www.example.gov:443/library/),
[library home](https://www.example.gov/library), [a listing](https://www.example.gov/library/publications/?page=1).

[Same host, outside the library](https://www.example.gov/other/nope/), [elsewhere](https://www.dhs.gov/nope/),
[another port](https://www.example.gov:8443/library/nope/), [mail](mailto:privacy@dhs.gov), <privacy@dhs.gov>.

[^1]: The note.
"""


def test_valid_links_of_every_kind_pass_and_absolute_ones_publish_as_written(project: Project) -> None:
    neighbours(project)
    write_case(project, VALID, 3)
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    assert [d.text() for d in report.diagnostics if d.severity == "error"] == []
    html = project.html("/publications/case/")
    assert 'href="https://www.example.gov/library/publications/other/"' in html
    assert 'href="http://www.example.gov/library/about/"' in html
    assert 'href="/library/publications/other/#real-heading"' in html
    assert 'href="/library/files/report.pdf#page=2"' in html
    assert 'href="#fn:1"' in html and 'href="#caf%C3%A9"' in html


def test_the_ids_every_page_is_promised_are_on_every_kind_of_page(project: Project) -> None:
    neighbours(project)
    assert project.build().ok
    for path in (
        "/",
        "/publications/",
        "/publications/other/",
        "/about/",
        "/publications/component/ice/",
        "/search/",
        "/404.html",
    ):
        ids = set(re.findall(r'\sid="([^"]+)"', project.html(path)))
        assert ids >= PAGE_IDS, (path, PAGE_IDS - ids)


def test_a_site_at_the_root_of_its_host(tmp_path: Path) -> None:
    project = Project(tmp_path / "site", base_url="https://www.example.gov/")
    project.publication("target", folder="2020", body="## Part one\n")
    project.publication(
        "case",
        folder="2020",
        body=(
            "[home](https://www.example.gov) [target](https://www.example.gov/publications/target/#part-one)\n\n"
            "[gone](https://www.example.gov/nope/)\n"
        ),
    )
    report = project.check()
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert [(d.path, d.line, d.code) for d in errors] == [(PUB, 10, "broken-link")], [d.text() for d in errors]
    assert '"https://www.example.gov/nope/", which is not a page of this site' in errors[0].message


def test_the_diagnostic_text_of_each_kind(project: Project) -> None:
    """The exact sentences a contributor reads, in one place."""
    neighbours(project)
    write_case(
        project,
        "[a](/nope/)\n\n[b](other.md#nowhere)\n\n[c](#nowhere)\n\n[d](https://www.example.gov/library/nope/)\n",
        0,
    )
    texts = [d.text() for d in sorted(project.check().diagnostics) if d.path == PUB]
    assert texts == [
        f'{PUB}:8: link to "/nope/", which is not a page of this site; check the path',
        f'{PUB}:10: "#nowhere" is not a heading or id of publications/2020/other.md; ids there: real-heading, annex-a',
        f'{PUB}:12: link to "#nowhere", which is not a heading or id of this page; '
        'this page has no headings or ids to link to; link to the page itself, without "#nowhere"',
        f'{PUB}:14: link to "https://www.example.gov/library/nope/", which is not a page of this site; '
        'check the path; write links to this site\'s own pages as site paths: "/nope/"',
    ]


def test_lines_survive_the_cache(project: Project) -> None:
    """A cached body keeps its links' lines and fragments: a second check says the same."""
    neighbours(project)
    first_line = write_case(project, FILLER + "[x](other.md#nowhere) [y](/nope/)\n", 2)
    assert not project.build().ok
    first = sorted(project.check().diagnostics)
    second = sorted(project.check().diagnostics)
    assert first == second and {d.line for d in first if d.path == PUB} == {first_line + 34}
    assert all(isinstance(d, Diagnostic) for d in first)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_lines_count_as_the_loader_counts_them(project: Project, newline: str) -> None:
    """Windows (and old Mac) line endings: the line is the one the front matter's lines lead to."""
    front = "---\ntitle: Links\ndate: 2020-05-01\ncomponent: ice\ntype: fact-sheet\nsummary: A summary.\n---\n"
    body = "One.\n\nTwo.\n\n[x](/nope/) and ![](../../files/gone.png)\n"
    (project.root / PUB).parent.mkdir(parents=True, exist_ok=True)
    (project.root / PUB).write_bytes((front + body).replace("\n", newline).encode())
    found = sorted((d.line, d.code) for d in project.check().diagnostics if d.path == PUB)
    assert found == [(12, "broken-link"), (12, "broken-link"), (12, "image-without-alt")]


def test_links_in_pages_and_missions_have_their_lines_too(project: Project) -> None:
    project.page("about", "About the library", "What this library is.\n\nSee [x](#nowhere).")
    project.component("cbp", "Customs and Border Protection", "CBP", "CBP secures the border.\n\n\n[x](/nope/)")
    found = sorted((d.path, d.line, d.code) for d in project.check().diagnostics if d.severity == "error")
    assert found == [("content/components/cbp.md", 8, "broken-link"), ("content/pages/about.md", 6, "broken-link")]


def test_a_fragment_edit_alone_is_checked_by_the_quick_rebuild_too(project: Project) -> None:
    """A body edit that changes only a link's #fragment takes the quick path; it must not skip the check."""
    neighbours(project)
    source = project.publication("linker", folder="2020", body="See [the heading](other.md#real-heading).")
    assert project.build(search=False).ok
    source.write_text(source.read_text().replace("#real-heading", "#nowhere"))
    report = project.build(search=False)
    assert not report.ok and [d.code for d in report.diagnostics if d.severity == "error"] == ["broken-link"]
