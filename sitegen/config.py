"""Site-wide settings: content/site.yaml, types.yaml and topics.yaml -> SiteConfig.

Invalid settings are reported as diagnostics with their line, never replaced by defaults.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .diagnostics import Diagnostic, did_you_mean
from .frontmatter import YamlDocument, parse_yaml
from .schema import SLUG_RE, Checker, Field

LINK_FIELDS = (
    Field("title", "text", True, "Link text", "News"),
    Field("url", "link", True, "Site path such as /about/ or an https:// address", "https://www.dhs.gov/news"),
    Field("names", "names", False, "The link text in other languages, for pages in them", {"es": "Noticias"}),
)

# The federally required links of the USWDS identifier, in the order USWDS shows them.
IDENTIFIER_LINKS: tuple[tuple[str, str], ...] = (
    ("about", "About {acronym}"),
    ("accessibility", "Accessibility statement"),
    ("foia", "FOIA requests"),
    ("no_fear", "No FEAR Act data"),
    ("oig", "Office of the Inspector General"),
    ("performance", "Performance reports"),
    ("privacy", "Privacy policy"),
)

SITE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Site title, shown in the header and in every page title", "Publications Library"),
    Field(
        "names",
        "names",
        False,
        "The site title in other languages, for pages in them",
        {"es": "Biblioteca de publicaciones"},
    ),
    Field(
        "base_url",
        "url",
        True,
        "Absolute https URL of the site; its path prefixes every link",
        "https://www.example.gov/library/",
    ),
    Field("language", "language", False, "Default language of pages (BCP 47)", "en"),
    Field("description", "text", False, "One-sentence description of the library for search engines", ""),
    Field("page_size", "int", False, "Publications per index page", 20),
    Field(
        "timezone",
        "timezone",
        False,
        "The site's time zone (IANA name): a bare publish_at date means midnight there",
        "America/New_York",
    ),
    Field(
        "accessibility",
        "object",
        False,
        "How accessibility problems are reported",
        None,
        fields=(
            Field(
                "attachments",
                "severity",
                False,
                "Section 508 problems of attachments (untagged PDF, no language, "
                "no title, no text layer, damaged): warning (the default) or error, which stops the build",
                "error",
            ),
        ),
    ),
    Field(
        "agency",
        "object",
        True,
        "The agency that runs the site",
        None,
        fields=(
            Field("name", "text", True, "Agency name", "U.S. Department of Homeland Security"),
            Field("acronym", "text", True, "Agency acronym", "DHS"),
            Field("url", "url", True, "Agency home page", "https://www.dhs.gov/"),
            Field("domain", "text", True, "Domain shown in the identifier", "dhs.gov"),
            Field(
                "names",
                "names",
                False,
                "The agency name in other languages (the header and the identifier of pages in them)",
                {"es": "Departamento de Seguridad Nacional de EE. UU."},
            ),
            Field(
                "seal",
                "file",
                False,
                "The agency's seal or logo beside its name in the header: a PNG, JPEG, GIF or WebP "
                "image under content/files/ (not SVG, which can carry script)",
                "files/dhs-seal.png",
            ),
        ),
    ),
    Field(
        "analytics",
        "object",
        False,
        "Web analytics the pages load",
        None,
        fields=(
            Field(
                "dap",
                "object",
                True,
                "The GSA Digital Analytics Program (OMB M-23-22): its script on every page",
                None,
                fields=(
                    Field("agency", "text", True, "The agency's DAP code", "DHS"),
                    Field("subagency", "text", False, "The sub-agency's DAP code", "ICE"),
                ),
            ),
        ),
    ),
    Field(
        "repository",
        "object",
        False,
        'Where the content is edited: publications and pages link to "Edit this page"',
        None,
        fields=(
            Field("url", "url", True, "The repository's web address", "https://github.com/agency/library"),
            Field("branch", "text", False, "The branch editors change (default: main)", "main"),
            Field("path", "text", False, "Folder of this project inside the repository (default: its root)", "site"),
        ),
    ),
    Field(
        "labels",
        "object",
        False,
        "What the agency calls its parts, in the site's language (default: Component, Components); "
        "URLs keep /publications/component/",
        None,
        fields=(
            Field("component", "text", True, "One of them, as a heading names it", "Office"),
            Field("components", "text", False, "More than one; default: the singular with an s", "Offices"),
        ),
    ),
    Field(
        "intro",
        "text",
        False,
        "The home page's opening words, before the number of publications "
        "(default: Publications of the <agency> and its <components>)",
        "Reports, guidance and statements of the Example Agency and its offices",
    ),
    Field("breadcrumb", "objects", False, "Crumbs between Home and the library", None, fields=LINK_FIELDS),
    Field("navigation", "objects", False, "Header navigation links", None, fields=LINK_FIELDS),
    Field(
        "search",
        "object",
        False,
        "Who answers the header's search box",
        None,
        fields=(
            Field(
                "provider",
                "text",
                False,
                "pagefind (the default: the site's own index and search page) or searchgov (search.gov)",
                "searchgov",
            ),
            Field("affiliate", "text", False, "The site's search.gov affiliate handle; required for searchgov", "dhs"),
        ),
    ),
    Field(
        "identifier",
        "object",
        True,
        "The federally required links of the footer identifier",
        None,
        fields=tuple(
            Field(key, "link", True, label.format(acronym="agency"), "/about/") for key, label in IDENTIFIER_LINKS
        ),
    ),
)


SEARCH_PROVIDERS = ("pagefind", "searchgov")
SEARCHGOV_URL = "https://search.usa.gov/search"
_AFFILIATE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")  # search.gov site handles: dhs, usagov_es...


@dataclass(frozen=True)
class Search:
    """search: the site's own Pagefind index (the default) or search.gov with the site's affiliate."""

    provider: str = "pagefind"
    affiliate: str = ""  # search.gov's handle of the site; only with provider searchgov
    searchgov_url: str = SEARCHGOV_URL  # where a searchgov site's search boxes send the query


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # site-relative (/about/) or absolute https
    names: tuple[tuple[str, str], ...] = ()  # (language, text) of the title in other languages


@dataclass(frozen=True)
class Agency:
    name: str
    acronym: str
    url: str
    domain: str
    names: tuple[tuple[str, str], ...] = ()  # (language, name) in other languages
    seal: str = ""  # content-relative image (files/seal.png) shown beside the name in the header; "" for none


DAP_SCRIPT = "https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js"
_DAP_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._&-]{0,39}$")  # DHS, HHS-CDC, DOC&NOAA...
_BRANCH_RE = re.compile(r"^(?!.*\.\.)(?!/)(?!.*/$)[A-Za-z0-9._/-]+$")  # a git branch name, no .. or edge slashes
_FOLDER_RE = re.compile(r"^(?:[A-Za-z0-9._-]+/)*[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Dap:
    """analytics.dap: the Digital Analytics Program's script, with the agency's codes."""

    agency: str
    subagency: str = ""

    @property
    def script(self) -> str:
        query = {"agency": self.agency, **({"subagency": self.subagency} if self.subagency else {})}
        return f"{DAP_SCRIPT}?{urlencode(query)}"


@dataclass(frozen=True)
class Repository:
    """repository: where editors change the content, for the "Edit this page" links."""

    url: str  # no trailing slash
    branch: str = "main"
    path: str = ""  # the project's folder inside the repository, "" at its root

    def edit_url(self, source: str) -> str:
        """The editing address of a content file (`source` relative to the project), GitHub style.

        GitLab's is `/-/edit/`: its users give the url with `/-` at the end.
        """
        inside = f"{self.path}/{source}" if self.path else source
        return f"{self.url}/edit/{quote(self.branch)}/{quote(inside)}"


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str  # always ends with /
    language: str
    description: str
    page_size: int
    agency: Agency
    breadcrumb: tuple[Link, ...]
    navigation: tuple[Link, ...]
    identifier: tuple[Link, ...]  # in IDENTIFIER_LINKS order, titles filled in
    types: tuple[tuple[str, str], ...]  # (key, display name), in file order
    topics: tuple[tuple[str, str], ...]
    source_lines: tuple[tuple[str, int], ...] = ()
    search: Search = Search()  # search: pagefind (default) or searchgov
    timezone: str = "America/New_York"  # IANA name: where a bare publish_at date starts
    attachment_checks: str = "warning"  # accessibility.attachments: the severity of attachments' Section 508 findings
    labels: tuple[tuple[str, str], ...] = ()  # (("component", "Office"), ("components", "Offices")); () the defaults
    intro: str = ""  # the home page's opening words ("": the default sentence)
    dap: Dap | None = None  # analytics.dap; None: no analytics script
    repository: Repository | None = None  # None: no "Edit this page" links
    names: tuple[tuple[str, str], ...] = ()  # (language, title) of the site title in other languages
    # (key, language, name) of the type and topic names in other languages (types.yaml, topics.yaml)
    type_translations: tuple[tuple[str, str, str], ...] = ()
    topic_translations: tuple[tuple[str, str, str], ...] = ()

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @functools.cached_property
    def _type_names(self) -> dict[str, str]:
        return dict(self.types)

    @functools.cached_property
    def _topic_names(self) -> dict[str, str]:
        return dict(self.topics)

    def type_name(self, key: str) -> str:
        return self._type_names[key]

    def topic_name(self, key: str) -> str:
        return self._topic_names[key]

    def translate(self, text: str, names: tuple[tuple[str, str], ...], language: str) -> tuple[str, str]:
        """(text, its language) of a name on a page in `language`: its translation, else the site's name.

        Templates put `lang` on the element when the language returned is not the page's.
        """
        if language == self.language or not names:
            return text, self.language
        found = dict(names)
        for code in (language, language.partition("-")[0]):
            if code in found:
                return found[code], language
        return text, self.language

    def type_label(self, key: str, language: str) -> tuple[str, str]:
        """(name, its language) of a type on a page in `language`."""
        return self.translate(self._type_names[key], self._translations("type")[key], language)

    def topic_label(self, key: str, language: str) -> tuple[str, str]:
        return self.translate(self._topic_names[key], self._translations("topic")[key], language)

    @functools.cache  # noqa: B019 - a frozen settings object, one per build
    def _translations(self, kind: str) -> dict[str, tuple[tuple[str, str], ...]]:
        rows = self.type_translations if kind == "type" else self.topic_translations
        keys = self._type_names if kind == "type" else self._topic_names
        return {key: tuple((lang, name) for k, lang, name in rows if k == key) for key in keys}


def _read_yaml(project: Path, relative: str, diags: list[Diagnostic]) -> tuple[Any, YamlDocument | None]:
    path = project / relative
    if not path.is_file():
        diags.append(
            Diagnostic(relative, 0, "missing-file", f"{relative} is missing", "every project needs it; see the README")
        )
        return None, None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        diags.append(Diagnostic(relative, line, "not-utf8", "the file is not UTF-8 text", "save it as UTF-8"))
        return None, None
    doc = parse_yaml(text, relative)
    diags.extend(doc.diagnostics)
    return doc.data, doc


SEAL_RE = re.compile(r"^files/[A-Za-z0-9._/-]+\.(?:png|jpe?g|gif|webp)$")  # agency.seal: an image, never SVG
NAME_FIELDS = (
    Field("name", "text", True, "Display name", "Fact Sheet"),
    Field("names", "names", False, "The name in other languages, for pages in them", {"es": "Hoja informativa"}),
)
Names = tuple[tuple[str, str], ...]
Translations = tuple[tuple[str, str, str], ...]


def _load_names(project: Path, relative: str, diags: list[Diagnostic]) -> tuple[Names, Translations]:
    """`key: Display Name` lines, or `key: {name: Display Name, names: {es: Nombre}}` with translations."""
    data, doc = _read_yaml(project, relative, diags)
    if doc is None or data is None:
        return (), ()
    if not isinstance(data, dict):
        if not doc.diagnostics:
            diags.append(Diagnostic(relative, 1, "wrong-type", "expected lines of 'key: Display Name'"))
        return (), ()
    names = []
    translations: list[tuple[str, str, str]] = []
    checker = Checker(doc, relative)
    for key, name in data.items():
        line = doc.line(key)
        if not isinstance(key, str) or not SLUG_RE.match(key):
            diags.append(
                Diagnostic(
                    relative,
                    line,
                    "bad-key",
                    f'"{key}" is not a valid key',
                    "use lower-case letters, digits and hyphens",
                )
            )
        elif isinstance(name, dict):
            values = checker.check(name, NAME_FIELDS, (key,))
            if values.get("name"):
                names.append((key, values["name"]))
                translations += [(key, language, text) for language, text in values.get("names", ())]
        elif not isinstance(name, str) or not name.strip():
            diags.append(
                Diagnostic(
                    relative,
                    line,
                    "wrong-type",
                    f'the display name of "{key}" must be text',
                    f"write {key}: Display Name, or {key}: {{name: Display Name, names: {{es: Nombre}}}}",
                )
            )
        else:
            names.append((key, name.strip()))
    diags.extend(checker.diagnostics)
    return tuple(names), tuple(translations)


def load_config(project: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and check the site settings; `base_url` (from the command line) overrides site.yaml's."""
    diags: list[Diagnostic] = []
    source = "content/site.yaml"
    data, doc = _read_yaml(project, source, diags)
    types, type_translations = _load_names(project, "content/types.yaml", diags)
    topics, topic_translations = _load_names(project, "content/topics.yaml", diags)
    if doc is None or doc.data is None:
        if doc is not None and not doc.diagnostics:
            diags.append(Diagnostic(source, 1, "empty-file", "site.yaml is empty"))
        return None, diags
    if base_url is not None and isinstance(data, dict):
        data = {**data, "base_url": base_url}
    checker = Checker(doc, source)
    values = checker.check(data, SITE_FIELDS)
    diags.extend(checker.diagnostics)
    base: str | None = values.get("base_url")
    if base is not None:
        parts = urlsplit(base)
        if parts.query or parts.fragment or not re.match(r"^[A-Za-z0-9.-]+(:\d+)?$", parts.netloc):
            diags.append(
                Diagnostic(
                    source,
                    doc.line("base_url"),
                    "bad-url",
                    f'base_url "{base}" must be a plain https address such as https://www.agency.gov/library/',
                )
            )
        elif not base.endswith("/"):
            base += "/"
    dap = _dap(values.get("analytics", {}).get("dap"), doc, source, diags)
    repository = _repository(values.get("repository"), doc, source, diags)
    search = _search(values.get("search"), doc, source, diags)
    labels = _labels(values.get("labels"), doc, source, diags)
    if base is None or any(d.severity == "error" for d in diags):  # a missing base_url is one of the errors
        return None, diags
    seal = values["agency"].get("seal", "")
    if seal and (not SEAL_RE.match(seal) or ".." in seal.split("/")):
        diags.append(
            Diagnostic(
                source,
                doc.line("agency", "seal"),
                "bad-seal",
                f'agency.seal "{seal}" must be a PNG, JPEG, GIF or WebP image under content/files/',
                "write it like files/agency-seal.png (an SVG can carry script, so it is not accepted)",
            )
        )
        return None, diags
    agency = Agency(**{k: v for k, v in values["agency"].items() if k != "line"})
    identifier = tuple(
        Link(label.format(acronym=agency.acronym), values["identifier"][key]) for key, label in IDENTIFIER_LINKS
    )

    def links(name: str) -> tuple[Link, ...]:
        return tuple(Link(item["title"], item["url"], item.get("names", ())) for item in values.get(name, ()))

    config = SiteConfig(
        title=values["title"],
        base_url=base,
        language=values.get("language", "en"),
        description=values.get("description", ""),
        page_size=values.get("page_size", 20),
        timezone=values.get("timezone", "America/New_York"),
        attachment_checks=values.get("accessibility", {}).get("attachments", "warning"),
        labels=labels,
        intro=values.get("intro", ""),
        dap=dap,
        repository=repository,
        agency=agency,
        breadcrumb=links("breadcrumb"),
        navigation=links("navigation"),
        identifier=identifier,
        types=types,
        topics=topics,
        names=values.get("names", ()),
        type_translations=type_translations,
        topic_translations=topic_translations,
        source_lines=tuple((".".join(map(str, k)), v) for k, v in sorted(doc.lines.items(), key=str) if k),
        search=search,
    )
    return config, diags


def _search(values: dict[str, Any] | None, doc: YamlDocument, source: str, diags: list[Diagnostic]) -> Search:
    """search: a known provider; search.gov needs the affiliate handle, Pagefind none."""
    if not values:
        return Search()
    provider, affiliate = values.get("provider", "pagefind"), values.get("affiliate", "")
    problem = None
    if provider not in SEARCH_PROVIDERS:
        problem = (
            "provider",
            f'search.provider "{provider}" is not a search provider',
            f"use pagefind (the site's own search page) or searchgov; {did_you_mean(provider, SEARCH_PROVIDERS)}",
        )
    elif provider == "searchgov" and not affiliate:
        problem = (
            "provider",
            "search.provider searchgov needs the site's search.gov affiliate",
            "add 'affiliate: ...' under search: the site handle from search.gov's admin center",
        )
    elif affiliate and not _AFFILIATE_RE.match(affiliate):
        problem = ("affiliate", f'search.affiliate "{affiliate}" is not a search.gov site handle', "for example dhs")
    elif affiliate and provider != "searchgov":
        problem = (
            "affiliate",
            "search.affiliate is only used with provider searchgov",
            "add 'provider: searchgov', or remove the affiliate",
        )
    if problem:
        key, message, hint = problem
        diags.append(Diagnostic(source, doc.line("search", key) or doc.line("search"), "bad-value", message, hint))
        return Search()
    return Search(provider, affiliate)


def _dap(values: dict[str, Any] | None, doc: YamlDocument, source: str, diags: list[Diagnostic]) -> Dap | None:
    if not values:
        return None
    ok = True
    for key in ("agency", "subagency"):
        code = values.get(key, "")
        if code and not _DAP_CODE_RE.match(code):
            ok = False
            diags.append(
                Diagnostic(
                    source,
                    doc.line("analytics", "dap", key),
                    "bad-value",
                    f'analytics.dap.{key} "{code}" is not a DAP code',
                    "use the agency's abbreviation as DAP lists it, such as DHS or ICE (letters, digits, - . _ &)",
                )
            )
    return Dap(values["agency"], values.get("subagency", "")) if ok else None


def _repository(
    values: dict[str, Any] | None, doc: YamlDocument, source: str, diags: list[Diagnostic]
) -> Repository | None:
    if not values:
        return None
    url, branch, folder = values["url"].rstrip("/"), values.get("branch", "main"), values.get("path", "").strip("/")
    problems = []
    parts = urlsplit(url)
    if parts.query or parts.fragment or not parts.path.strip("/"):
        problems.append(
            (
                "url",
                f'repository.url "{url}" must be the address of the repository itself',
                "for example https://github.com/agency/library",
            )
        )
    if not _BRANCH_RE.match(branch):
        problems.append(("branch", f'repository.branch "{branch}" is not a branch name', "for example main"))
    if (folder and not _FOLDER_RE.match(folder)) or ".." in folder.split("/"):
        problems.append(
            (
                "path",
                f'repository.path "{folder}" must be a folder inside the repository',
                "for example site, or leave it out",
            )
        )
    for key, message, hint in problems:
        diags.append(Diagnostic(source, doc.line("repository", key), "bad-value", message, hint))
    return None if problems else Repository(url, branch, folder)


LABEL_MAX = 40  # a label is a word or two ("Office", "Field office"), shown in headings and sentences


def _labels(
    values: dict[str, Any] | None, doc: YamlDocument, source: str, diags: list[Diagnostic]
) -> tuple[tuple[str, str], ...]:
    """labels: -> (("component", singular), ("components", plural)), or () for the language's own words."""
    if not values or "component" not in values:
        return ()
    singular = values["component"]
    plural = values.get("components") or f"{singular}s"
    ok = True
    given = [("component", singular)] + ([("components", plural)] if values.get("components") else [])
    for key, label in given:
        if "\n" in label or len(label) > LABEL_MAX or not re.search(r"\w", label):
            ok = False
            diags.append(
                Diagnostic(
                    source,
                    doc.line("labels", key) or doc.line("labels"),
                    "bad-value",
                    f'labels.{key} "{label}" is not a short name',
                    f"use a word or two, at most {LABEL_MAX} characters, such as Office or Bureau",
                )
            )
    return (("component", singular), ("components", plural)) if ok else ()
