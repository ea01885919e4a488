"""Federal integrations as settings: DAP analytics, "Edit this page", "Last reviewed".

Each setting is built on a small site in tmp_path, off and on, and the pages are parsed: the DAP
script is on every page exactly once with the agency's codes, and deploy/nginx.conf's policy for
a DAP site allows exactly its hosts; the edit link is on publications and pages only; `reviewed`
shows in the metadata and the JSON-LD. Bad settings and dates are diagnostics at their line.
(The browser test tests/browser/test_dap_csp.py loads a DAP page under that policy.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import yaml
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.config import Dap, SiteConfig, load_config
from sitegen.csp import BASE_POLICY, DAP_SOURCES, content_security_policy, directives
from sitegen.scaffold import publication_text
from sitegen.schema import publication_json_schema
from sitekit import REPO, SITE_YAML, Project, tree
from test_dependencies import recorded_reads, uncovered

DAP = {"analytics": {"dap": {"agency": "DHS", "subagency": "ICE"}}}
REPOSITORY = {"repository": {"url": "https://github.com/agency/library", "branch": "main"}}
NGINX = (REPO / "deploy" / "nginx.conf").read_text("utf-8")


def pages(out: Path) -> dict[str, lxml.html.HtmlElement]:
    """Every HTML page of a built site, parsed, by site path."""
    return {p.relative_to(out).as_posix(): lxml.html.parse(str(p)).getroot() for p in sorted(out.rglob("*.html"))}


def is_redirect(root: lxml.html.HtmlElement) -> bool:
    return bool(root.xpath('//meta[@http-equiv="refresh"]'))


def a_site(tmp_path: Path, **settings: object) -> Project:
    project = Project(tmp_path / "site", **settings)
    project.publication("first", date="2019-03-01", aliases=["/old/first"], reviewed="2023-05-02")
    project.publication("second", date="2020-01-01", topics=["privacy"])
    project.publication("spanish", date="2020-02-01", language="es", reviewed="2021-01-15", translations=["second"])
    return project


def built(project: Project) -> Path:
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project.out


def site_yaml_problems(project: Project, extra: str) -> list[str]:
    """The diagnostics of site.yaml with `extra` (YAML text) appended to the sample settings."""
    text = yaml.safe_dump(SITE_YAML, sort_keys=False) + textwrap.dedent(extra)
    project.write("content/site.yaml", text)
    return [d.text() for d in project.check().diagnostics if d.path == "content/site.yaml"]


def line_of(project: Project, needle: str) -> int:
    """The last line of site.yaml holding `needle`: in the settings appended to the sample ones."""
    lines = (project.root / "content/site.yaml").read_text().splitlines()
    return max(number for number, line in enumerate(lines, 1) if needle in line)


# -- analytics: dap -----------------------------------------------------------------------------------


def test_without_analytics_no_page_loads_the_dap_script(tmp_path: Path) -> None:
    out = built(a_site(tmp_path))
    for path, root in pages(out).items():
        assert not root.xpath('//script[@id="_fed_an_ua_tag"]'), path
        assert not [s for s in root.xpath("//script/@src") if "digitalgov" in s], path


def test_dap_script_is_on_every_page_once_with_the_agency_codes(tmp_path: Path) -> None:
    out = built(a_site(tmp_path, **DAP))
    found = pages(out)
    assert len(found) > 10
    for path, root in found.items():
        scripts = root.xpath('//script[@id="_fed_an_ua_tag"]')
        if is_redirect(root):  # a redirect page leaves at once: it would count a view of the old address
            assert scripts == [], path
            continue
        assert len(scripts) == 1, path
        script = scripts[0]
        assert script.getparent().tag == "head", path
        assert "async" in script.attrib, path
        parts = urlsplit(script.get("src"))
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https",
            "dap.digitalgov.gov",
            "/Universal-Federated-Analytics-Min.js",
        ), path
        assert parse_qs(parts.query, strict_parsing=True) == {"agency": ["DHS"], "subagency": ["ICE"]}, path
    assert any(is_redirect(root) for root in found.values()), "the site has an alias page"


def test_dap_without_a_subagency_sends_the_agency_alone(tmp_path: Path) -> None:
    project = a_site(tmp_path, analytics={"dap": {"agency": "DHS"}})
    root = lxml.html.fromstring(built(project).joinpath("index.html").read_text())
    (src,) = root.xpath('//script[@id="_fed_an_ua_tag"]/@src')
    assert parse_qs(urlsplit(src).query) == {"agency": ["DHS"]}


def test_codes_are_escaped_in_the_script_address() -> None:
    assert Dap("DOC&NOAA", "A.B").script.endswith("?agency=DOC%26NOAA&subagency=A.B")


# -- the Content-Security-Policy ---------------------------------------------------------------------


def nginx_policies() -> tuple[str, str]:
    """The active policy of deploy/nginx.conf and the commented one for DAP sites."""
    active, dap, _ = nginx_all_policies()
    return active, dap


def nginx_all_policies() -> tuple[str, str, str]:
    """The active policy of deploy/nginx.conf and its commented ones: for DAP sites, for search.gov sites."""
    active = re.findall(r'^    add_header Content-Security-Policy "([^"]+)" always;$', NGINX, re.MULTILINE)
    commented = re.findall(r'^    # add_header Content-Security-Policy "([^"]+)" always;$', NGINX, re.MULTILINE)
    dap = [policy for policy in commented if "dap.digitalgov.gov" in policy]
    searchgov = [policy for policy in commented if "search.usa.gov" in policy]
    assert len(active) == 1 and len(dap) == 1 and len(searchgov) == 1 and len(commented) == 2, (
        "nginx.conf has one policy, one commented DAP policy and one commented search.gov policy"
    )
    return active[0], dap[0], searchgov[0]


def parse_policy(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def dap_config(tmp_path: Path) -> SiteConfig:
    project = Project(tmp_path / "dap-site", **DAP)
    config, problems = load_config(project.root)
    assert config is not None, problems
    return config


def test_nginx_carries_the_policy_of_a_site_without_and_with_dap(tmp_path: Path) -> None:
    active, dap = nginx_policies()
    assert active == content_security_policy(None)
    assert dap == content_security_policy(dap_config(tmp_path))


def test_the_dap_policy_adds_exactly_the_dap_hosts_and_nothing_else(tmp_path: Path) -> None:
    base, dap = (parse_policy(p) for p in nginx_policies())
    assert list(base) == list(dap), "same directives in the same order"
    added = {name: [s for s in dap[name] if s not in base[name]] for name in dap}
    assert {name: sources for name, sources in added.items() if sources} == {
        "script-src": [
            "https://dap.digitalgov.gov",
            "https://www.googletagmanager.com",
            "https://www.google-analytics.com",
        ],
        "connect-src": [
            "https://*.google-analytics.com",
            "https://*.analytics.google.com",
            "https://www.googletagmanager.com",
        ],
        "img-src": ["https://*.google-analytics.com", "https://www.googletagmanager.com"],
    }
    assert all(base[name] == dap[name][: len(base[name])] for name in base), "the base sources are kept as they are"
    assert "'unsafe-inline'" not in " ".join(dap["script-src"]) and "'unsafe-eval'" not in " ".join(dap["script-src"])
    assert dict(directives(None)) == dict(BASE_POLICY)
    assert set(DAP_SOURCES) == {"script-src", "connect-src", "img-src"}


def host_allowed(url: str, sources: list[str]) -> bool:
    host = urlsplit(url).hostname or ""
    for source in sources:
        allowed = urlsplit(source).hostname if "://" in source else None
        if allowed and (host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:]))):
            return True
    return False


def test_the_dap_script_and_its_requests_pass_only_the_dap_policy(tmp_path: Path) -> None:
    base, dap = (parse_policy(p) for p in nginx_policies())
    script = dap_config(tmp_path).dap.script  # type: ignore[union-attr]
    assert host_allowed(script, dap["script-src"]) and not host_allowed(script, base["script-src"])
    for url in ("https://www.googletagmanager.com/gtag/js?id=G-X",):
        assert host_allowed(url, dap["script-src"])
    for url in ("https://region1.google-analytics.com/g/collect", "https://www.google-analytics.com/g/collect"):
        assert host_allowed(url, dap["connect-src"]) and host_allowed(url, dap["img-src"])
        assert not host_allowed(url, base["connect-src"])


def test_sitegen_csp_prints_the_policy_the_settings_need(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = Project(tmp_path / "plain")
    result = runner.invoke(main, ["csp", str(plain.root)])
    assert result.exit_code == 0 and result.output.strip() == nginx_policies()[0]
    with_dap = Project(tmp_path / "dap", **DAP)
    result = runner.invoke(main, ["csp", str(with_dap.root)])
    assert result.exit_code == 0 and result.output.strip() == nginx_policies()[1]
    with_searchgov = Project(tmp_path / "searchgov", search={"provider": "searchgov", "affiliate": "dhs"})
    result = runner.invoke(main, ["csp", str(with_searchgov.root)])
    assert result.exit_code == 0 and result.output.strip() == nginx_all_policies()[2]
    broken = Project(tmp_path / "broken", analytics={"dap": {}})
    result = runner.invoke(main, ["csp", str(broken.root)])
    assert result.exit_code == 1 and "content/site.yaml:" in result.output


# -- bad settings ------------------------------------------------------------------------------------

BAD_SETTINGS = [
    (
        "unknown key",
        "analytics:\n  dap:\n    agency: DHS\n    subagencey: ICE\n",
        "subagencey",
        'unknown field "subagencey"; did you mean "subagency"?',
    ),
    (
        "agency required",
        "analytics:\n  dap:\n    subagency: ICE\n",
        "dap:",
        'missing required field "agency" in analytics.dap',
    ),
    ("dap required", "analytics:\n  gtag: G-1\n", "analytics:", 'missing required field "dap" in analytics'),
    ("unknown analytics", "analytics:\n  gtag: G-1\n", "gtag", 'unknown field "gtag"'),
    ("dap a text", "analytics:\n  dap: DHS\n", "dap:", '"dap" must be a set of'),
    ("agency a list", "analytics:\n  dap:\n    agency: [DHS]\n", "agency", '"agency" must be text'),
    (
        "not a code",
        "analytics:\n  dap:\n    agency: D H S?\n",
        "agency",
        'analytics.dap.agency "D H S?" is not a DAP code',
    ),
    (
        "http url",
        "repository:\n  url: http://github.com/agency/library\n",
        "url:",
        '"url" must be an https:// address',
    ),
    ("host only", "repository:\n  url: https://github.com/\n", "url:", "must be the address of the repository itself"),
    ("url required", "repository:\n  branch: main\n", "repository:", 'missing required field "url"'),
    (
        "unknown repository key",
        "repository:\n  url: https://github.com/a/b\n  brnch: main\n",
        "brnch",
        'unknown field "brnch"; did you mean "branch"?',
    ),
    (
        "bad branch",
        "repository:\n  url: https://github.com/a/b\n  branch: main..x\n",
        "branch",
        'repository.branch "main..x" is not a branch name',
    ),
    (
        "path outside",
        "repository:\n  url: https://github.com/a/b\n  path: ../x\n",
        "path",
        'repository.path "../x" must be a folder inside the repository',
    ),
    ("repository a text", "repository: https://github.com/a/b\n", "repository:", '"repository" must be a set of'),
]


@pytest.mark.parametrize(
    ("extra", "needle", "message"), [case[1:] for case in BAD_SETTINGS], ids=[c[0] for c in BAD_SETTINGS]
)
def test_bad_settings_are_reported_at_their_line(project: Project, extra: str, needle: str, message: str) -> None:
    problems = site_yaml_problems(project, extra)
    line = line_of(project, needle)
    assert any(p.startswith(f"content/site.yaml:{line}: ") and message in p for p in problems), (line, problems)


# -- repository: "Edit this page" ---------------------------------------------------------------------


def edit_links(root: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [(a.text_content().strip(), a.get("href")) for a in root.xpath('//p[@class="edit-page"]/a')]


def test_without_a_repository_no_page_has_an_edit_link(tmp_path: Path) -> None:
    for path, root in pages(built(a_site(tmp_path))).items():
        assert edit_links(root) == [], path


def test_publications_and_pages_link_to_their_file_in_the_repository(tmp_path: Path) -> None:
    found = pages(built(a_site(tmp_path, **REPOSITORY)))
    edit = "https://github.com/agency/library/edit/main/content/"
    assert edit_links(found["publications/first/index.html"]) == [
        ("Edit this page", edit + "publications/2019/first.md")
    ]
    assert edit_links(found["publications/spanish/index.html"]) == [
        ("Editar esta página", edit + "publications/2020/spanish.md")
    ]
    assert edit_links(found["about/index.html"]) == [("Edit this page", edit + "pages/about.md")]
    with_links = {path for path, root in found.items() if edit_links(root)}
    assert with_links == {
        "publications/first/index.html",
        "publications/second/index.html",
        "publications/spanish/index.html",
        "about/index.html",
        "accessibility/index.html",
    }, "listings, home, search, 404 and redirects have none"
    # The link is not part of what search indexes.
    (paragraph,) = found["publications/first/index.html"].xpath('//p[@class="edit-page"]')
    assert "data-pagefind-ignore" in paragraph.attrib


def test_a_project_in_a_folder_of_a_gitlab_repository(tmp_path: Path) -> None:
    settings = {
        "repository": {"url": "https://gitlab.com/agency/web/-/", "branch": "release/2024", "path": "/library/"}
    }
    found = pages(built(a_site(tmp_path, **settings)))
    assert edit_links(found["publications/second/index.html"]) == [
        (
            "Edit this page",
            "https://gitlab.com/agency/web/-/edit/release/2024/library/content/publications/2020/second.md",
        )
    ]


def test_a_changed_repository_setting_rebuilds_the_links(tmp_path: Path) -> None:
    """The settings are in every route's fingerprint: an incremental build equals a clean one."""
    project = a_site(tmp_path, **REPOSITORY)
    built(project)
    project.site = {**project.site, "repository": {"url": "https://github.com/agency/other", "branch": "live"}}
    project.write_yaml("content/site.yaml", project.site)
    incremental = tree(built(project))
    assert "github.com/agency/other/edit/live/content/pages/about.md" in incremental["about/index.html"].decode()
    assert project.build(use_cache=False, out=tmp_path / "clean").ok
    clean = tree(tmp_path / "clean")
    assert {k: v for k, v in incremental.items() if k != ".sitegen-output"} == {
        k: v for k, v in clean.items() if k != ".sitegen-output"
    }


# -- reviewed: "Last reviewed" ------------------------------------------------------------------------


def json_ld(root: lxml.html.HtmlElement) -> dict:
    """The publication's own JSON-LD node (the page also carries its BreadcrumbList)."""
    nodes = []
    for block in root.xpath('//script[@type="application/ld+json"]/text()'):
        data = json.loads(block)
        for node in data.get("@graph", [data]) if isinstance(data, dict) else data:
            nodes.append(node)
    (document,) = [node for node in nodes if "datePublished" in node]
    return document


def meta_items(root: lxml.html.HtmlElement) -> list[str]:
    return [" ".join(li.text_content().split()) for li in root.xpath('//ul[contains(@class, "publication-meta")]/li')]


def test_reviewed_shows_in_the_metadata_and_the_json_ld(tmp_path: Path) -> None:
    found = pages(built(a_site(tmp_path)))
    first = found["publications/first/index.html"]
    assert "Last reviewed: May 2, 2023" in meta_items(first)
    (time,) = first.xpath(
        '//ul[contains(@class, "publication-meta")]/li[starts-with(normalize-space(), "Last reviewed")]/time'
    )
    assert time.get("datetime") == "2023-05-02"
    data = json_ld(first)
    assert data["mainEntityOfPage"] == {
        "@type": "WebPage",
        "@id": "https://www.example.gov/library/publications/first/",
        "lastReviewed": "2023-05-02",
    }
    assert data["datePublished"] == "2019-03-01"
    spanish = found["publications/spanish/index.html"]
    assert "Última revisión: 15 de enero de 2021" in meta_items(spanish)


def test_without_reviewed_there_is_no_review_date(tmp_path: Path) -> None:
    second = pages(built(a_site(tmp_path)))["publications/second/index.html"]
    assert not [item for item in meta_items(second) if "review" in item.lower()]
    assert "mainEntityOfPage" not in json_ld(second) and "lastReviewed" not in json.dumps(json_ld(second))


BAD_REVIEWED = [
    ("before date", "2019-01-01", "reviewed-before-date", "reviewed (2019-01-01) is earlier than date (2020-01-01)"),
    ("in the future", "2999-01-01", "reviewed-in-future", "reviewed (2999-01-01) is in the future"),
    ("not a date", "last week", "bad-date", '"reviewed" must be a date written YYYY-MM-DD, not "last week"'),
    ("not a real date", "2021-02-30", "bad-date", '"reviewed" is not a real date: 2021-02-30'),
]


@pytest.mark.parametrize(("value", "code", "message"), [c[1:] for c in BAD_REVIEWED], ids=[c[0] for c in BAD_REVIEWED])
def test_bad_reviewed_dates_are_errors_at_their_line(project: Project, value: str, code: str, message: str) -> None:
    path = project.publication("case", date="2020-01-01", reviewed=value)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("reviewed:"))
    report = project.check()
    found = [d for d in report.diagnostics if d.code == code]
    assert [(d.path, d.line, d.severity) for d in found] == [("content/publications/2020/case.md", line, "error")]
    assert message in found[0].message
    assert not project.build().ok


def test_reviewed_is_declared_once_for_validation_scaffolding_and_the_json_schema() -> None:
    schema = publication_json_schema()["properties"]["reviewed"]
    assert schema["format"] == "date" and "reviewed" not in publication_json_schema()["required"]
    text = publication_text("A title", "ice", "fact-sheet", dt.date(2024, 1, 2))
    assert "# reviewed (optional): Date the publication was last reviewed" in text
    assert "# reviewed: 2024-06-03" in text


# -- what the templates read is fingerprinted --------------------------------------------------------


def test_templates_read_only_what_fingerprints_cover_with_every_integration_on(tmp_path: Path) -> None:
    project = a_site(tmp_path, **DAP, **REPOSITORY)
    reads = recorded_reads(project)
    assert uncovered(reads) == []
    read = {(kind.__name__, attribute) for _, kind, attribute in reads}
    assert {("SiteConfig", "dap"), ("Dap", "script"), ("Publication", "reviewed")} <= read
