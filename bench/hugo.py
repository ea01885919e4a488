"""The same corpus as a Hugo site, for comparison (standard library only).

    python bench/hugo.py SITEGEN_PROJECT HUGO_DIR

converts a project written by bench/corpus.py into a Hugo project: config.toml with the taxonomies
component, type, topic (and year, because sitegen also builds year pages), pagination by 20,
RSS for home, sections and terms, the built-in sitemap and robots.txt; minimal layouts (baseof,
single, list, taxonomy, term, index, a link render hook that resolves `../2019/other.md` links
the way sitegen does) with the same page anatomy (banner, breadcrumb, identifier, metadata,
attachments with size, JSON-LD). Publications keep their Markdown bodies byte for byte; their
front matter is adapted: component/type become the lists components/types, summary becomes
description, updated becomes lastmod, the year becomes years, and slug is set so URLs are
/publications/<slug>/ like sitegen's.

Known differences from sitegen (so Hugo does somewhat less work): no search page or JSON
catalogue, no per-component Atom feed (Hugo's RSS per term instead), the USWDS files are not
copied, and Hugo writes every file on every run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CONFIG = """baseURL = "https://www.example.gov/library/"
languageCode = "en"
title = "Publications Library"
paginate = 20
enableRobotsTXT = true
disableHugoGeneratorInject = true

[taxonomies]
  component = "components"
  type = "types"
  topic = "topics"
  year = "years"

[permalinks]
  publications = "/publications/:slug/"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML", "RSS"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]

[services.rss]
  limit = 50

[sitemap]
  changefreq = "monthly"

[markup.goldmark.parser]
  autoHeadingID = true
[markup.goldmark.parser.attribute]
  block = true
  title = true

[[menu.main]]
  name = "Publications"
  url = "/library/publications/"
  weight = 1
[[menu.main]]
  name = "About"
  url = "/library/about/"
  weight = 2

[params]
  agency = "U.S. Department of Homeland Security"
  acronym = "DHS"
  agencyURL = "https://www.dhs.gov/"
  domain = "dhs.gov"
  description = "Publications of the Department of Homeland Security and its components."
"""

LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:site_name" content="{{ site.Title }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
</head>
<body>
<a class="usa-skipnav" href="#main-content">Skip to main content</a>
{{ partial "banner.html" . }}
<header class="usa-header usa-header--basic">
  <div class="usa-navbar"><div class="usa-logo"><em class="usa-logo__text"><a href="{{ "" | relURL }}" title="{{ site.Title }}">{{ site.Title }}</a></em></div></div>
  <nav aria-label="Primary navigation" class="usa-nav"><ul class="usa-nav__primary usa-accordion">
  {{ range site.Menus.main }}<li class="usa-nav__primary-item"><a class="usa-nav-link" href="{{ .URL }}"><span>{{ .Name }}</span></a></li>{{ end }}
  </ul></nav>
</header>
{{ if not .IsHome }}{{ partial "breadcrumb.html" . }}{{ end }}
<main id="main-content" class="grid-container">
{{ block "main" . }}{{ end }}
</main>
{{ partial "identifier.html" . }}
</body>
</html>
""",
    "partials/banner.html": """<section class="usa-banner" aria-label="Official website of the United States government">
  <div class="usa-accordion">
    <header class="usa-banner__header"><div class="usa-banner__inner">
      <div class="grid-col-auto"><img aria-hidden="true" class="usa-banner__header-flag" src="{{ "img/us_flag_small.png" | relURL }}" alt=""></div>
      <div class="grid-col-fill tablet:grid-col-auto" aria-hidden="true">
        <p class="usa-banner__header-text">An official website of the United States government</p>
        <p class="usa-banner__header-action">Here's how you know</p>
      </div>
      <button type="button" class="usa-accordion__button usa-banner__button" aria-expanded="false" aria-controls="gov-banner-default">
        <span class="usa-banner__button-text">Here's how you know</span>
      </button>
    </div></header>
    <div class="usa-banner__content usa-accordion__content" id="gov-banner-default">
      <div class="grid-row grid-gap-lg">
        <div class="usa-banner__guidance tablet:grid-col-6"><div class="usa-media-block__body">
          <p><strong>Official websites use .gov</strong><br>A <strong>.gov</strong> website belongs to an official government organization in the United States.</p>
        </div></div>
        <div class="usa-banner__guidance tablet:grid-col-6"><div class="usa-media-block__body">
          <p><strong>Secure .gov websites use HTTPS</strong><br>A <strong>lock</strong> or <strong>https://</strong> means you've safely connected to the .gov website. Share sensitive information only on official, secure websites.</p>
        </div></div>
      </div>
    </div>
  </div>
</section>
""",
    "partials/breadcrumb.html": """<nav class="usa-breadcrumb" aria-label="Breadcrumbs"><ol class="usa-breadcrumb__list">
  <li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ "" | relURL }}"><span>Home</span></a></li>
  <li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="https://www.dhs.gov/news"><span>News</span></a></li>
  <li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ "publications/" | relURL }}"><span>{{ site.Title }}</span></a></li>
  {{ if .IsPage }}{{ range first 1 (.GetTerms "components") }}<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ .RelPermalink }}"><span>{{ .LinkTitle }}</span></a></li>{{ end }}{{ end }}
  <li class="usa-breadcrumb__list-item usa-current" aria-current="page"><span>{{ .Title }}</span></li>
</ol></nav>
""",
    "partials/identifier.html": """<footer class="usa-footer"><section class="usa-identifier" aria-label="Agency identifier">
  <section class="usa-identifier__section usa-identifier__section--masthead" aria-label="Agency description">
    <div class="usa-identifier__container"><p class="usa-identifier__identity-domain">{{ site.Params.domain }}</p>
    <p class="usa-identifier__identity-disclaimer">An official website of the <a href="{{ site.Params.agencyURL }}">{{ site.Params.agency }}</a></p></div>
  </section>
  <nav class="usa-identifier__section usa-identifier__section--required-links" aria-label="Important links"><ul class="usa-identifier__required-links-list">
    <li class="usa-identifier__required-links-item"><a href="{{ "about/" | relURL }}" class="usa-identifier__required-link usa-link">About {{ site.Params.acronym }}</a></li>
    <li class="usa-identifier__required-links-item"><a href="{{ "accessibility/" | relURL }}" class="usa-identifier__required-link usa-link">Accessibility statement</a></li>
    <li class="usa-identifier__required-links-item"><a href="https://www.dhs.gov/foia" class="usa-identifier__required-link usa-link">FOIA requests</a></li>
    <li class="usa-identifier__required-links-item"><a href="https://www.dhs.gov/no-fear-act" class="usa-identifier__required-link usa-link">No FEAR Act data</a></li>
    <li class="usa-identifier__required-links-item"><a href="https://www.oig.dhs.gov/" class="usa-identifier__required-link usa-link">Office of the Inspector General</a></li>
    <li class="usa-identifier__required-links-item"><a href="https://www.dhs.gov/performance-financial-reports" class="usa-identifier__required-link usa-link">Performance reports</a></li>
    <li class="usa-identifier__required-links-item"><a href="https://www.dhs.gov/privacy-policy" class="usa-identifier__required-link usa-link">Privacy policy</a></li>
  </ul></nav>
  <section class="usa-identifier__section usa-identifier__section--usagov" aria-label="U.S. government information and services">
    <div class="usa-identifier__usagov-description">Looking for U.S. government information and services?</div>
    <a href="https://www.usa.gov/" class="usa-link">Visit USA.gov</a>
  </section>
</section></footer>
""",
    "partials/publist.html": """<ul class="usa-collection">
{{ range . }}<li class="usa-collection__item"><div class="usa-collection__body">
  <h3 class="usa-collection__heading"><a class="usa-link" href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="usa-collection__description">{{ .Description }}</p>
  <ul class="usa-collection__meta" aria-label="More information"><li class="usa-collection__meta-item"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></li></ul>
</div></li>
{{ end }}</ul>
""",
    "_default/single.html": """{{ define "main" }}
<article class="publication">
<h1>{{ .Title }}</h1>
{{ if eq .Section "publications" }}
<ul class="usa-list usa-list--unstyled publication-meta">
  <li>Published <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>{{ if .Params.lastmod }}; last updated <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "January 2, 2006" }}</time>{{ end }}</li>
  <li>Component: {{ range .GetTerms "components" }}<a class="usa-link" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</li>
  <li>Type: {{ range .GetTerms "types" }}<a class="usa-link" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</li>
  {{ with .GetTerms "topics" }}<li>Topics: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a class="usa-link" href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</li>{{ end }}
</ul>
<p class="usa-intro">{{ .Description }}</p>
{{ end }}
<div class="usa-prose publication-body">{{ .Content }}</div>
{{ with .Params.attachments }}
<section class="attachments" aria-labelledby="attachments-heading"><h2 id="attachments-heading">Downloads</h2>
<ul class="usa-list usa-list--unstyled">
{{ range . }}{{ $size := (os.Stat (printf "static/%s" .file)).Size }}
<li class="attachment"><a class="usa-link" href="{{ .file | relURL }}"{{ with .language }} hreflang="{{ . }}"{{ end }}>{{ .title }}</a>
<span class="attachment__meta">({{ upper (strings.TrimPrefix "." (path.Ext .file)) }}, {{ if ge $size 1048576 }}{{ lang.FormatNumber 1 (div (float $size) 1048576) }} MB{{ else }}{{ lang.FormatNumber 0 (div (float $size) 1024) }} KB{{ end }})</span></li>
{{ end }}
</ul></section>
{{ end }}
{{ if eq .Section "publications" }}
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "DigitalDocument" "name" .Title "description" .Description "url" .Permalink "datePublished" (.Date.Format "2006-01-02") "dateModified" (.Lastmod.Format "2006-01-02") "keywords" (.Params.topics) "publisher" (dict "@type" "GovernmentOrganization" "name" site.Params.agency) | jsonify | safeJS }}</script>
{{ end }}
</article>
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $paginator := .Paginate .Pages }}
<p>Showing {{ len $paginator.Pages }} of {{ $paginator.TotalNumberOfElements }} publications, newest first.</p>
{{ partial "publist.html" $paginator.Pages }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<div class="usa-prose">{{ .Content }}</div>
{{ $paginator := .Paginate .Pages }}
<p>Showing {{ len $paginator.Pages }} of {{ $paginator.TotalNumberOfElements }} publications, newest first.</p>
{{ partial "publist.html" $paginator.Pages }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="usa-list">
{{ range .Data.Terms.Alphabetical }}<li><a class="usa-link" href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>Latest publications</h2>
{{ partial "publist.html" (first 10 (where site.RegularPages "Section" "publications")) }}
<p><a class="usa-link" href="{{ "publications/" | relURL }}">All publications</a></p>
{{ range $name, $taxonomy := site.Taxonomies }}
<h2>Browse by {{ $name }}</h2>
<ul class="usa-list">{{ range $taxonomy.Alphabetical }}<li><a class="usa-link" href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
{{ end }}
""",
    "_default/_markup/render-link.html": """{{- $href := .Destination -}}
{{- $u := urls.Parse .Destination -}}
{{- if and (not $u.IsAbs) (not (hasPrefix .Destination "#")) (not (hasPrefix .Destination "/")) -}}
  {{- $target := strings.TrimPrefix "/" (path.Join .Page.File.Dir $u.Path) -}}
  {{- if strings.HasSuffix $target ".md" -}}
    {{- with site.GetPage (printf "/%s" $target) -}}
      {{- $href = .RelPermalink -}}
    {{- else -}}
      {{- errorf "%s: link to missing page %q" $.Page.File.Path $.Destination -}}
    {{- end -}}
  {{- else -}}
    {{- $href = $target | relURL -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
{{- /* no trailing newline */ -}}
""",
}

RENAMES = {"component": "components", "type": "types"}


def _front_matter(lines: list[str], stem: str) -> list[str]:
    """Adapt the front matter that bench/corpus.py writes (one `key: value` per top-level line)."""
    out = []
    for line in lines:
        if line.startswith((" ", "-")) or ":" not in line:
            out.append(line)  # nested lines (attachments) stay as they are
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if key in RENAMES:
            out.append(f"{RENAMES[key]}: [{value}]")
        elif key == "summary":
            out.append(f"description: {value}")
        elif key == "updated":
            out.append(f"lastmod: {value}")
        elif key == "date":
            out += [line, f'years: ["{value[:4]}"]']
        elif key == "slug":
            stem = value
        else:
            out.append(line)
    out.append(f"slug: {stem}")
    return out


def convert_markdown(text: str, stem: str | None = None) -> str:
    """A sitegen content file -> the same file for Hugo (front matter adapted, body unchanged)."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3)
    lines = text[4:end].split("\n")
    body = text[end + 5 :]
    front = _front_matter(lines, stem) if stem is not None else lines
    return "---\n" + "\n".join(front) + "\n---\n" + body


def _names(path: Path) -> list[tuple[str, str]]:
    """The `key: Display Name` lines of types.yaml/topics.yaml (as bench/corpus.py writes them)."""
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        if ":" in line and not line.startswith("#"):
            key, _, name = line.partition(":")
            pairs.append((key.strip(), name.strip()))
    return pairs


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_project(source: Path, dest: Path) -> int:
    """Write the Hugo project for the sitegen project `source`; returns the number of publications."""
    source, dest = Path(source), Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    (dest / "layouts").mkdir(parents=True)
    (dest / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = dest / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    static = dest / "static"
    shutil.copytree(source / "content" / "files", static / "files")
    if (source / "assets").is_dir():
        shutil.copytree(source / "assets", static, dirs_exist_ok=True)

    src = source / "content"
    (content / "publications").mkdir(parents=True)
    (content / "publications" / "_index.md").write_text("---\ntitle: Publications Library\n---\n", encoding="utf-8")
    count = 0
    for folder in sorted(p for p in (src / "publications").iterdir() if p.is_dir()):
        target = content / "publications" / folder.name
        target.mkdir()
        for path in sorted(folder.glob("*.md")):
            (target / path.name).write_text(convert_markdown(path.read_text("utf-8"), path.stem), encoding="utf-8")
            count += 1
    for path in sorted((src / "pages").glob("*.md")):  # pages/x.md becomes x.md: links lose one ../
        (content / path.name).write_text(path.read_text("utf-8").replace("](../files/", "](files/"), encoding="utf-8")
    # Term pages with display names (and the component's mission as the term page's content).
    for path in sorted((src / "components").glob("*.md")):
        text = path.read_text("utf-8")
        end = text.index("\n---\n", 3)
        name = next(line.partition(":")[2].strip() for line in text[4:end].splitlines() if line.startswith("name:"))
        term = content / "components" / path.stem
        term.mkdir(parents=True)
        (term / "_index.md").write_text(f"---\ntitle: {_yaml_quote(name)}\n---\n{text[end + 5 :]}", encoding="utf-8")
    for taxonomy, file in (("types", "types.yaml"), ("topics", "topics.yaml")):
        for key, name in _names(src / file):
            term = content / taxonomy / key
            term.mkdir(parents=True)
            (term / "_index.md").write_text(f"---\ntitle: {_yaml_quote(name)}\n---\n", encoding="utf-8")
    for taxonomy, title in (
        ("components", "Components"),
        ("types", "Publication types"),
        ("topics", "Topics"),
        ("years", "Years"),
    ):
        (content / taxonomy).mkdir(parents=True, exist_ok=True)
        (content / taxonomy / "_index.md").write_text(f"---\ntitle: {title}\n---\n", encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a project written by bench/corpus.py")
    parser.add_argument("dest", type=Path, help="the Hugo project folder to write (replaced)")
    args = parser.parse_args(argv)
    count = write_project(args.source, args.dest)
    print(f"wrote a Hugo project with {count:,} publications to {args.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
