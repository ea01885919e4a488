"""A generated library that resembles the sample site, for the tool's own tests.

The tool's tests never read the repository's content/: an agency replaces it with its own, and a
content-only pull request must not break them. What they need from a realistic site (several
components, types, topics and years, listings over one page, a Spanish translation, PDF
attachments, aliases, a retired, an updated, a draft and a scheduled publication, rich Markdown)
is written here, into tmp_path, by `make_site`. The names the tests look for are the constants
below; nothing else about the site is promised.

Every file is deterministic, and the site passes `check --strict` with no diagnostic at all (its
PDFs are tagged, with a language and a title), so a warning on it is a tool change.
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from pdf_fixtures import tagged_pdf
from sitekit import Project

BASE_PATH = "/library/"  # the path of base_url (sitekit.SITE_YAML)
PAGE_SIZE = 20

COMPONENTS = {  # key: (name, acronym, mission)
    "ice": (
        "Immigration and Customs Enforcement",
        "ICE",
        "The mission of U.S. Immigration and Customs Enforcement (ICE) is to protect America.",
    ),
    "cbp": ("Customs and Border Protection", "CBP", "CBP secures the border."),
    "fema": ("Federal Emergency Management Agency", "FEMA", "FEMA helps people before, during and after disasters."),
    "tsa": ("Transportation Security Administration", "TSA", "TSA protects the nation's transportation systems."),
}
TYPES = {
    "privacy-impact-assessment": "Privacy Impact Assessment",
    "fact-sheet": "Fact Sheet",
    "report": "Report",
    "statement": "Statement",
    "environmental-assessment": "Environmental Assessment",
    "guidance": "Guidance",  # no publication has it: an empty listing
}
TOPICS = {
    "privacy": "Privacy",
    "immigration-enforcement": "Immigration Enforcement",
    "border-security": "Border Security",
    "emergency-management": "Emergency Management",
    "aviation-security": "Aviation Security",
    "cybersecurity": "Cybersecurity",
}

# Publications the tests name (slug, and where it matters its title or words).
ATTACHED = "ice-pia-017-case-tracking"  # a PDF attachment, an alias and every kind of Markdown the site allows
ATTACHED_ALIAS = "/publication/ice-pia-017"
ATTACHED_NUMBER = "ICE/PIA-017"  # its document_number
TRANSLATED = "storm-statement-translations"  # English, with an English and a Spanish PDF
SPANISH = "declaracion-tormenta"  # language: es, the translation of TRANSLATED
SEARCH_WORD = "Kestrel"  # in one ICE publication's title and body, nowhere else
SEARCH_WORD_TITLE = "ICE/PIA-021 Kestrel Analytics Platform"
SEARCH_PHRASE = "vessel beacon tracking"  # the words of one title, typed in the search box
SEARCH_PHRASE_TITLE = "CBP/PIA-030 Vessel Beacon Tracking Program"
FILTER_COMPONENT = "tsa"  # its publications mention privacy too, so a search for it can be narrowed to them
RETIRED = "ice-fact-sheet-2015-check-in"
UPDATED = "fema-report-2019-flood-recovery"
DRAFT = "tsa-draft-screening-guide"
SCHEDULED = "ice-pia-099-future-system"
LIVE_EDIT = "ice-fact-sheet-2016-detention-standards"  # the publication the live-reload test edits
LIVE_EDIT_YEAR = "2016"

PAGE_KINDS: dict[str, str] = {  # one page of each kind (site paths, without the base path)
    "home": "/",
    "library": "/publications/",
    "library-page-2": "/publications/page/2/",
    "component": "/publications/component/ice/",
    "type": "/publications/type/privacy-impact-assessment/",
    "topic": "/publications/topic/privacy/",
    "year": "/publications/year/2018/",
    "publication": f"/publications/{ATTACHED}/",  # an attachment; [TOC], table, footnote, code, image
    "publication-translations": f"/publications/{TRANSLATED}/",  # en + es files
    "publication-spanish": f"/publications/{SPANISH}/",  # lang="es", Spanish banner
    "publication-retired": f"/publications/{RETIRED}/",
    "component-type": "/publications/component/ice/type/privacy-impact-assessment/",
    "updated": "/publications/updated/",
    "retired": "/publications/retired/",
    "page": "/about/",
    "search": "/search/",
    "404": "/404.html",
}

_WORDS = (
    "records system program information travelers sharing retention notice redress security controls "
    "analysis officers cases review oversight data access training audit partners public safety"
).split()


def _sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int = 3) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


@dataclass(frozen=True)
class Pub:
    slug: str
    title: str
    date: str
    component: str
    type: str
    topics: tuple[str, ...]
    summary: str
    body: str = ""
    fields: dict[str, object] = field(default_factory=dict)


def _filler() -> list[Pub]:
    """The publications nothing names: enough for every listing kind to have a second page or not."""
    rng = random.Random(17)
    plan = [  # component, type, topics, how many, first year
        ("ice", "privacy-impact-assessment", ("privacy", "immigration-enforcement"), 12, 2015),
        ("ice", "fact-sheet", ("immigration-enforcement",), 6, 2016),
        ("ice", "report", ("immigration-enforcement", "border-security"), 3, 2019),
        ("cbp", "privacy-impact-assessment", ("privacy", "border-security"), 4, 2017),
        ("cbp", "report", ("border-security",), 2, 2021),
        ("fema", "report", ("emergency-management",), 3, 2017),
        ("fema", "environmental-assessment", ("emergency-management",), 2, 2020),
        ("tsa", "privacy-impact-assessment", ("privacy", "aviation-security"), 3, 2018),
        ("tsa", "fact-sheet", ("aviation-security", "cybersecurity"), 2, 2022),
    ]
    pubs = []
    for component, kind, topics, count, first in plan:
        acronym = COMPONENTS[component][1]
        for n in range(count):
            year = first + (n * 2) % 10
            if year > 2024:
                year -= 10
            month, day = 1 + (n * 5) % 12, 1 + (n * 7) % 27
            label = TYPES[kind]
            slug = f"{component}-{kind}-{year}-{n + 1:02d}"
            title = f"{acronym} {label} {year}-{n + 1:02d}: {rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}"
            if slug == f"ice-fact-sheet-{LIVE_EDIT_YEAR}-01":
                slug, title = LIVE_EDIT, "ICE Detention Standards Fact Sheet"
            pubs.append(
                Pub(
                    slug=slug,
                    title=title,
                    date=f"{year}-{month:02d}-{day:02d}",
                    component=component,
                    type=kind,
                    topics=topics,
                    summary=f"{acronym} describes its {label.lower()}: " + _sentence(rng, 12),
                    body=(
                        f"{_paragraph(rng)}\n\n## Background\n\n{_paragraph(rng)}\n\n"
                        f"- {_sentence(rng, 6)}\n- {_sentence(rng, 6)}\n\n## Privacy\n\n{_paragraph(rng, 2)}\n"
                    ),
                )
            )
    return pubs


RICH_BODY = """\
[TOC]

## Scope {: #scope }

This assessment[^1] covers *case records* &amp; **logs**; see
[the analytics assessment](../2016/ice-pia-021-kestrel.md#controls),
[the about page](../../pages/about.md), the [assessment itself](../../files/case-tracking.pdf) and
<https://www.dhs.gov/privacy>.

![A parole office with three service windows](../../files/office.png)

## What is collected

| Record | Kept for |
|:-------|---------:|
| Request | 5 years |
| Decision | 1 year |

```text
record := request, officer, decision
```

1. First <abbr title="Privacy Impact Assessment">PIA</abbr> of the program
2. Second review

> A quoted finding of the oversight review.

[^1]: Published with the program's system of records notice.
"""


def _named() -> list[Pub]:
    rng = random.Random(5)
    return [
        Pub(
            ATTACHED,
            "ICE/PIA-017 Case Tracking System",
            "2018-10-26",
            "ice",
            "privacy-impact-assessment",
            ("privacy", "immigration-enforcement"),
            "ICE operates a case tracking system for parole requests; this assessment describes its records.",
            RICH_BODY,
            {
                "document_number": ATTACHED_NUMBER,
                "attachments": [{"title": "ICE/PIA-017 Case Tracking System", "file": "files/case-tracking.pdf"}],
                "aliases": [ATTACHED_ALIAS],
            },
        ),
        Pub(
            TRANSLATED,
            "Statement on Enforcement During the Coastal Storm - Translations",
            "2018-10-10",
            "ice",
            "statement",
            ("emergency-management", "immigration-enforcement"),
            "ICE and CBP will not conduct enforcement at shelters during the coastal storm; translations follow.",
            "There will be no enforcement at evacuation routes or shelters.\n\n## Available translations\n\n"
            "1. English (the original)\n2. Spanish, [declaración en español](../../files/storm-es.pdf)\n",
            {
                "translations": [SPANISH],
                "attachments": [
                    {
                        "title": "Statement on the coastal storm (English)",
                        "file": "files/storm-en.pdf",
                        "language": "en",
                    },
                    {
                        "title": "Declaración sobre la tormenta (español)",
                        "file": "files/storm-es.pdf",
                        "language": "es",
                    },
                ],
            },
        ),
        Pub(
            SPANISH,
            "Declaración sobre la aplicación de la ley durante la tormenta costera",
            "2018-10-10",
            "ice",
            "statement",
            ("emergency-management", "immigration-enforcement"),
            "El ICE y la CBP no realizarán operativos en los albergues durante la tormenta costera.",
            "No habrá operativos en las rutas de evacuación ni en los albergues.\n\n"
            "La máxima prioridad es proteger la vida y la seguridad de las personas.\n",
            {
                "language": "es",
                "attachments": [{"title": "Declaración sobre la tormenta", "file": "files/storm-es.pdf"}],
            },
        ),
        Pub(
            "ice-pia-021-kestrel",
            SEARCH_WORD_TITLE,
            "2016-06-01",
            "ice",
            "privacy-impact-assessment",
            ("privacy",),
            "ICE analysts use a platform to search case records; this assessment describes its controls.",
            f"The {SEARCH_WORD} platform lets analysts search case records.\n\n## Controls\n\n{_paragraph(rng)}\n",
        ),
        Pub(
            "cbp-pia-030-vessel-beacons",
            SEARCH_PHRASE_TITLE,
            "2019-04-02",
            "cbp",
            "privacy-impact-assessment",
            ("privacy", "border-security"),
            "CBP tracks the beacons of vessels near the coast; this assessment describes the data kept.",
            f"The program reads beacons of vessels.\n\n{_paragraph(rng)}\n",
            {"aliases": ["/publication/cbp-pia-030.html"]},
        ),
        *(
            Pub(
                f"tsa-privacy-notice-{n}",
                f"TSA Privacy Notice for Screening Checkpoint {n}",
                f"202{n}-02-1{n}",
                FILTER_COMPONENT,
                "fact-sheet",
                ("privacy", "aviation-security"),
                "TSA explains the privacy protections of a screening checkpoint.",
                f"Privacy at the checkpoint: {_paragraph(rng)}\n",
            )
            for n in (1, 2)
        ),
        Pub(
            RETIRED,
            "ICE Check-In Program Fact Sheet",
            "2015-05-04",
            "ice",
            "fact-sheet",
            ("immigration-enforcement",),
            "The check-in program let people report by telephone.",
            "The program ended.\n",
            {"retired": {"date": "2019-01-31", "reason": "The program was replaced by the mobile check-in."}},
        ),
        Pub(
            UPDATED,
            "FEMA Flood Recovery Report 2019",
            "2019-05-01",
            "fema",
            "report",
            ("emergency-management",),
            "FEMA reports on the recovery after the spring floods.",
            f"{_paragraph(rng)}\n",
            {"updated": "2023-08-15"},
        ),
        Pub(
            DRAFT,
            "TSA Screening Guide (draft)",
            "2024-01-01",
            "tsa",
            "fact-sheet",
            ("aviation-security",),
            "Not yet published.",
            "Draft text.\n",
            {"draft": True},
        ),
        Pub(
            SCHEDULED,
            "ICE/PIA-099 A Future System",
            "2099-01-15",
            "ice",
            "privacy-impact-assessment",
            ("privacy",),
            "Published later.",
            "Scheduled text.\n",
            {"publish_at": "2099-01-15T09:00-05:00"},
        ),
    ]


def publications() -> list[Pub]:
    """Every publication file of the site (the draft and the scheduled one too)."""
    return _named() + _filler()


@functools.cache
def _files() -> dict[str, bytes]:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 60), (240, 240, 255))
    ImageDraw.Draw(image).rectangle((10, 10, 110, 50), fill=(20, 60, 120))
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=False)
    return {
        "case-tracking.pdf": tagged_pdf(pages=3, title="ICE/PIA-017 Case Tracking System", seed=11),
        "storm-en.pdf": tagged_pdf(pages=1, title="Statement on the coastal storm", seed=12),
        "storm-es.pdf": tagged_pdf(
            pages=1, language="es", title="Declaración sobre la tormenta", seed=13, spanish=True
        ),
        "office.png": png.getvalue(),
    }


def make_site(root: Path) -> Project:
    """Write the library into root (a new folder) and return its Project."""
    project = Project(root)
    project.write_yaml("content/types.yaml", TYPES)
    project.write_yaml("content/topics.yaml", TOPICS)
    for key, (name, acronym, mission) in COMPONENTS.items():
        project.component(key, name, acronym, mission)
    project.page("contact", "Contact the library", "Write to the library team.\n\n## By mail\n\nOne address.")
    for name, data in _files().items():
        (project.root / "content" / "files" / name).write_bytes(data)
    for pub in publications():
        project.publication(
            pub.slug,
            title=pub.title,
            date=pub.date,
            component=pub.component,
            type=pub.type,
            summary=pub.summary,
            body=pub.body,
            topics=list(pub.topics),
            **pub.fields,
        )
    return project
