"""A deterministic, realistic corpus for benchmarking sitegen (standard library only).

    python bench/corpus.py N OUTDIR [--words 1000] [--seed 1]

writes a complete sitegen project into OUTDIR: content/ (site.yaml, types.yaml, topics.yaml,
12 components, N publications under publications/<year>/, about and accessibility pages, a few
shared attachment files) plus copies of templates/ and assets/ from this repository, so that
`sitegen build OUTDIR` works. The same N, --words and --seed always give a byte-identical tree.

Publications are dated 2000-2025 and look like the real library: PIAs, SORNs, fact sheets,
reports, testimony...; 1-4 topics each; about 1 in 10 has an attachment, 1 in 20 an alias, 1 in 6
an `updated` date. Bodies have about --words words with ## headings, a bullet list, a pipe table,
an external link, sometimes a numbered list or a footnote, and about 1 in 5 a relative link to
another publication's .md file. Text comes from a pool of sentences generated once per run, so
100,000 publications take seconds of CPU (plus disk time), not minutes. The about page links
every shared file, so none of them goes unused. The shared files are real, accessible PDFs (tagged,
with a language and a title) and a real XLSX, written with the standard library.

With --pdfs, every publication also gets 0-3 attachments of its own (1.5 on average: 15,000 for
10,000 publications), each a distinct real PDF of 1-30 pages of text under files/<year>/: most
tagged with /Lang and a title shown in the title bar, about 1 in 7 untagged with no language and
a placeholder title, 1 in 12 without DisplayDocTitle, 1 in 30 an image-only scan. They come
from a random generator of their own, so the rest of the corpus is the same with or without them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import shutil
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = ".bench-corpus"  # written into OUTDIR, so a re-run may safely replace an earlier corpus

COMPONENTS = [
    # key, name, acronym, url, mission, preferred topics
    (
        "cbp",
        "U.S. Customs and Border Protection",
        "CBP",
        "https://www.cbp.gov/",
        "U.S. Customs and Border Protection protects the American people, safeguards our borders, and enhances the nation's economic prosperity.",
        ["border-security", "trade", "aviation-security", "law-enforcement"],
    ),
    (
        "cisa",
        "Cybersecurity and Infrastructure Security Agency",
        "CISA",
        "https://www.cisa.gov/",
        "The Cybersecurity and Infrastructure Security Agency leads the national effort to understand, manage, and reduce risk to the cyber and physical infrastructure Americans rely on every hour of every day.",
        ["cybersecurity", "critical-infrastructure", "emergency-management"],
    ),
    (
        "crcl",
        "Office for Civil Rights and Civil Liberties",
        "CRCL",
        "https://www.dhs.gov/office-civil-rights-and-civil-liberties",
        "The Office for Civil Rights and Civil Liberties supports the Department as it secures the nation while preserving individual liberty, fairness, and equality under the law.",
        ["civil-rights", "detention", "immigration-enforcement"],
    ),
    (
        "fema",
        "Federal Emergency Management Agency",
        "FEMA",
        "https://www.fema.gov/",
        "The Federal Emergency Management Agency helps people before, during, and after disasters.",
        ["disaster-recovery", "emergency-management", "preparedness"],
    ),
    (
        "fletc",
        "Federal Law Enforcement Training Centers",
        "FLETC",
        "https://www.fletc.gov/",
        "The Federal Law Enforcement Training Centers prepare the federal law enforcement community to safeguard the American people, our homeland, and our values.",
        ["law-enforcement", "preparedness"],
    ),
    (
        "ia",
        "Office of Intelligence and Analysis",
        "I&A",
        "https://www.dhs.gov/office-intelligence-and-analysis",
        "The Office of Intelligence and Analysis equips the Homeland Security Enterprise with the timely intelligence and information it needs to keep the homeland safe, secure, and resilient.",
        ["counterterrorism", "critical-infrastructure", "privacy"],
    ),
    (
        "ice",
        "U.S. Immigration and Customs Enforcement",
        "ICE",
        "https://www.ice.gov/",
        "The mission of U.S. Immigration and Customs Enforcement is to protect America from the cross-border crime and illegal immigration that threaten national security and public safety.",
        ["immigration-enforcement", "detention", "law-enforcement"],
    ),
    (
        "st",
        "Science and Technology Directorate",
        "S&T",
        "https://www.dhs.gov/science-and-technology",
        "The Science and Technology Directorate is the primary research and development arm of the Department of Homeland Security.",
        ["science-and-technology", "cybersecurity", "preparedness"],
    ),
    (
        "tsa",
        "Transportation Security Administration",
        "TSA",
        "https://www.tsa.gov/",
        "The Transportation Security Administration protects the nation's transportation systems to ensure freedom of movement for people and commerce.",
        ["aviation-security", "privacy", "counterterrorism"],
    ),
    (
        "uscg",
        "U.S. Coast Guard",
        "USCG",
        "https://www.uscg.mil/",
        "The U.S. Coast Guard ensures our nation's maritime safety, security, and stewardship.",
        ["maritime-security", "emergency-management", "law-enforcement"],
    ),
    (
        "uscis",
        "U.S. Citizenship and Immigration Services",
        "USCIS",
        "https://www.uscis.gov/",
        "U.S. Citizenship and Immigration Services administers the nation's lawful immigration system, safeguarding its integrity and promise by efficiently and fairly adjudicating requests for immigration benefits.",
        ["immigration-benefits", "privacy", "civil-rights"],
    ),
    (
        "usss",
        "U.S. Secret Service",
        "USSS",
        "https://www.secretservice.gov/",
        "The U.S. Secret Service protects national leaders, visiting heads of state, designated sites, and National Special Security Events, and safeguards the nation's financial infrastructure.",
        ["law-enforcement", "cybersecurity", "counterterrorism"],
    ),
]
COMPONENT_WEIGHTS = [14, 9, 4, 14, 4, 5, 14, 6, 10, 7, 10, 3]

TYPES = [
    ("privacy-impact-assessment", "Privacy Impact Assessment", 22),
    ("system-of-records-notice", "System of Records Notice", 9),
    ("fact-sheet", "Fact Sheet", 15),
    ("report", "Report", 15),
    ("environmental-assessment", "Environmental Assessment", 5),
    ("statement", "Statement", 11),
    ("guidance", "Guidance", 8),
    ("testimony", "Testimony", 8),
    ("strategy", "Strategy", 3),
    ("memorandum", "Memorandum", 4),
]

TOPICS = [
    ("aviation-security", "Aviation Security"),
    ("border-security", "Border Security"),
    ("civil-rights", "Civil Rights and Civil Liberties"),
    ("counterterrorism", "Counterterrorism"),
    ("critical-infrastructure", "Critical Infrastructure"),
    ("cybersecurity", "Cybersecurity"),
    ("detention", "Detention"),
    ("disaster-recovery", "Disaster Recovery"),
    ("emergency-management", "Emergency Management"),
    ("immigration-benefits", "Immigration Benefits"),
    ("immigration-enforcement", "Immigration Enforcement"),
    ("law-enforcement", "Law Enforcement"),
    ("maritime-security", "Maritime Security"),
    ("preparedness", "Preparedness"),
    ("privacy", "Privacy"),
    ("science-and-technology", "Science and Technology"),
    ("trade", "Trade"),
]

# Shared attachment files: (name, size in bytes). Tiny stand-ins for real documents.
FILES = [
    ("privacy-impact-assessment-template.pdf", 48_213),
    ("annual-report-summary.pdf", 182_407),
    ("environmental-assessment-final.pdf", 96_530),
    ("fact-sheet-print-version.pdf", 12_884),
    ("testimony-written-statement.pdf", 31_075),
    ("declaracion-en-espanol.pdf", 14_392),
    ("performance-data-tables.xlsx", 22_610),
    ("grant-allocations.csv", 6_144),
]
FILE_TITLES = [
    "Privacy Impact Assessment template",
    "Annual report summary",
    "Environmental assessment (final)",
    "Fact sheet, print version",
    "Written testimony",
    "Declaraci\u00f3n en espa\u00f1ol",
    "Performance data tables",
    "Grant allocations by state",
]

SYSTEM_PREFIX = [
    "Automated",
    "Enterprise",
    "Integrated",
    "National",
    "Electronic",
    "Biometric",
    "Advanced",
    "Unified",
    "Secure",
    "Mobile",
    "Global",
    "Joint",
    "Regional",
    "Continuous",
    "Digital",
]
SYSTEM_MIDDLE = [
    "Targeting",
    "Case Management",
    "Records",
    "Screening",
    "Identity Verification",
    "Analytics",
    "Enrollment",
    "Data Exchange",
    "Surveillance",
    "Reporting",
    "Credentialing",
    "Incident Tracking",
    "Document Management",
    "Benefits Processing",
    "Inspection",
    "Vetting",
    "Threat Assessment",
    "Grants Management",
    "Travel Document",
    "License Plate Reader",
    "Training Records",
]
SYSTEM_SUFFIX = [
    "System",
    "Program",
    "Platform",
    "Pilot",
    "Environment",
    "Service",
    "Initiative",
    "Database",
    "Application",
    "Portal",
    "Tool",
]
RECORD_SUBJECTS = [
    "Border Crossing Information",
    "Alien File, Index, and National File Tracking",
    "Disaster Recovery Assistance Files",
    "Secure Flight Records",
    "Personnel Security Files",
    "Law Enforcement Training Records",
    "Trusted Traveler Program",
    "Grant Applicant Records",
    "Cybersecurity Incident Reports",
    "Visitor and Guest Access",
    "Claims Records",
    "Background Investigation Records",
    "Detainee Health Records",
    "Maritime Vessel Records",
    "Complaint and Inquiry Records",
    "Redress and Response Records",
]
PROGRAMS = [
    "TSA PreCheck",
    "Global Entry",
    "E-Verify",
    "Secure Communities",
    "the National Flood Insurance Program",
    "the Homeland Security Grant Program",
    "Operation Stonegarden",
    "the Continuous Diagnostics and Mitigation Program",
    "the Student and Exchange Visitor Program",
    "Deferred Action for Childhood Arrivals",
    "the Urban Areas Security Initiative",
    "the Visa Waiver Program",
    "Hazard Mitigation Assistance",
    "the Biometric Exit Program",
    "the Port Security Grant Program",
    "Community Emergency Response Teams",
    "the Chemical Facility Anti-Terrorism Standards Program",
    "the Nationwide Suspicious Activity Reporting Initiative",
    "Known Crewmember",
    "the Refugee Admissions Program",
    "Shelter and Services Program",
    "the Emergency Food and Shelter Program",
    "Next Generation First Responder",
    "the Blue Campaign",
]
REPORT_KINDS = [
    "Annual Report",
    "Report to Congress",
    "After-Action Report",
    "Progress Report",
    "Performance Report",
    "Annual Performance Report",
    "Quarterly Report",
    "Data Report",
]
FACILITIES = [
    "Border Patrol Station",
    "Port of Entry Expansion",
    "Training Facility",
    "Family Residential Center",
    "Remote Video Surveillance System Upgrade",
    "Tactical Infrastructure Maintenance",
    "Operations Center",
    "Housing Complex",
    "Marine Unit Boathouse",
    "Radiation Portal Monitor Deployment",
    "Communications Tower",
]
PLACES = [
    "Laredo, Texas",
    "Nogales, Arizona",
    "El Paso, Texas",
    "San Diego, California",
    "Brunswick, Georgia",
    "Artesia, New Mexico",
    "Blaine, Washington",
    "Calais, Maine",
    "Dilley, Texas",
    "Yuma, Arizona",
    "Miami, Florida",
    "Detroit, Michigan",
    "Sault Ste. Marie, Michigan",
    "Houlton, Maine",
    "Del Rio, Texas",
    "Cheltenham, Maryland",
    "Charleston, South Carolina",
    "Honolulu, Hawaii",
    "San Juan, Puerto Rico",
]
EVENTS = [
    "Hurricane Recovery Efforts",
    "the Southwest Border",
    "Winter Storm Preparedness",
    "the Anniversary of September 11",
    "Wildfire Response Operations",
    "Election Security",
    "Holiday Travel Security",
    "Recent Cybersecurity Incidents",
    "the National Terrorism Advisory System Bulletin",
    "Flood Response in the Midwest",
    "Tropical Storm Preparations",
    "Protecting Critical Infrastructure",
    "the Reopening of Ports of Entry",
    "Unaccompanied Children",
]
OFFICIALS = [
    "Secretary",
    "Acting Secretary",
    "Deputy Secretary",
    "Under Secretary",
    "Administrator",
    "Commissioner",
    "Director",
    "Acting Director",
    "Chief Privacy Officer",
    "Assistant Secretary",
]
COMMITTEES = [
    "Committee on Homeland Security",
    "Committee on Homeland Security and Governmental Affairs",
    "Committee on Appropriations",
    "Committee on the Judiciary",
    "Committee on Commerce, Science, and Transportation",
    "Committee on Oversight and Accountability",
    "Committee on Transportation and Infrastructure",
]
THEMES = [
    "Securing the Border",
    "Cybersecurity of Federal Networks",
    "Disaster Preparedness",
    "Aviation Security",
    "Emerging Threats to the Homeland",
    "Immigration Benefits Processing",
    "Maritime Domain Awareness",
    "Protecting Soft Targets",
    "Countering Violent Extremism",
    "Workforce Readiness",
    "Supply Chain Security",
    "Biometric Identity Management",
    "Resilience of Critical Infrastructure",
    "Information Sharing",
]
AUDIENCES = [
    "State and Local Partners",
    "Grant Recipients",
    "Applicants",
    "Employers",
    "Industry Partners",
    "Tribal Governments",
    "Airport Operators",
    "Emergency Managers",
    "Field Personnel",
    "Travelers",
]

HEADINGS = [
    "Background",
    "Overview",
    "Legal authorities",
    "Scope of this document",
    "Information collected",
    "Uses of the information",
    "Notice",
    "Data retention",
    "Information sharing",
    "Redress",
    "Security controls",
    "Findings",
    "Recommendations",
    "Next steps",
    "Program performance",
    "Stakeholder engagement",
    "Budget and resources",
    "Environmental effects",
    "Alternatives considered",
    "Public comment",
    "Implementation",
    "Oversight and accountability",
    "Training",
    "Lessons learned",
    "Coordination with partners",
    "Risks and mitigations",
    "Methodology",
    "Conclusion",
]

SUBJECTS = [
    "The Department",
    "The component",
    "The program office",
    "Each participating agency",
    "The Privacy Office",
    "The system",
    "This assessment",
    "The Office of the Chief Information Officer",
    "The oversight board",
    "The review team",
    "The agency",
    "The working group",
    "The Office of Inspector General",
]
PLURAL_SUBJECTS = [
    "Field personnel",
    "Authorized users",
    "State and local partners",
    "Program managers",
    "Contractors",
    "Regional offices",
    "Grant recipients",
    "Supervisors",
    "Frontline officers",
]
VERBS = [
    "collects",
    "maintains",
    "reviews",
    "shares",
    "retains",
    "evaluates",
    "reports",
    "coordinates",
    "documents",
    "verifies",
    "monitors",
    "updates",
    "protects",
    "analyzes",
    "publishes",
    "audits",
    "transmits",
    "safeguards",
    "prioritizes",
    "tracks",
]
OBJECTS = [
    "personally identifiable information about travelers",
    "records of border crossings",
    "grant applications from state and local governments",
    "biometric and biographic data",
    "case management records",
    "information about disaster survivors",
    "requests for immigration benefits",
    "reports of suspicious activity",
    "training completion records",
    "vulnerability information from industry partners",
    "the results of background investigations",
    "performance data for each fiscal year",
    "information provided by members of the public",
    "audit logs of system access",
    "statistics on processing times",
    "incident reports from field offices",
    "the names and addresses of applicants",
    "environmental data for each proposed site",
    "recommendations from the advisory committee",
    "complaints alleging civil rights violations",
    "cargo manifests submitted by carriers",
]
QUALIFIERS = [
    "in accordance with the Privacy Act of 1974",
    "on a quarterly basis",
    "to support mission operations",
    "before any information is shared with external partners",
    "consistent with applicable retention schedules",
    "under the authority of the Homeland Security Act of 2002",
    "through secure, encrypted connections",
    "as required by the E-Government Act of 2002",
    "with the approval of the Chief Privacy Officer",
    "in coordination with federal, state, local, tribal, and territorial partners",
    "at least once each year",
    "to identify trends and emerging risks",
    "only when there is a documented need to know",
    "as described in the applicable system of records notice",
    "to improve the accuracy of its records",
    "within 30 days of a request",
    "using role-based access controls",
    "to measure progress toward its goals",
    "following the guidance of the Office of Management and Budget",
    "in plain language",
]
OPENERS = [
    "In addition,",
    "As a result,",
    "Where appropriate,",
    "During the review period,",
    "Since the program began,",
    "To reduce risk,",
    "Under current policy,",
    "In most cases,",
    "For this reason,",
    "Beginning in the next fiscal year,",
]
EXTRA_CLAUSES = [
    "and the results are reviewed by senior leadership",
    "which allows it to respond quickly to new requirements",
    "although some legacy records remain in paper form",
    "so that individuals can correct inaccurate information",
    "and no information is sold or used for marketing",
    "while minimizing the burden on the public",
    "and exceptions are documented in writing",
    "which reduces duplicate data entry",
]
LIST_ITEMS = [
    "Limit collection to the minimum information necessary",
    "Encrypt data in transit and at rest",
    "Review user access every 90 days",
    "Publish updated guidance for applicants",
    "Train all personnel before they are granted access",
    "Conduct annual privacy compliance reviews",
    "Coordinate with state and local emergency managers",
    "Provide notice at the point of collection",
    "Offer a redress process for individuals who believe their records are inaccurate",
    "Share information only under written agreements",
    "Retain records no longer than the approved schedule",
    "Report performance results to Congress each year",
    "Test contingency plans before hurricane season",
    "Expand outreach to underserved communities",
    "Measure processing times against published goals",
    "Replace outdated equipment at ports of entry",
    "Consult with tribal governments early in the process",
    "Document the purpose of each data element",
    "Audit system logs for unauthorized access",
    "Translate key documents into the most commonly spoken languages",
]
BOLD_LEADS = [
    "Over-collection.",
    "Unauthorized access.",
    "Inaccurate information.",
    "Data retention.",
    "Transparency.",
    "Accountability.",
    "Use limitation.",
    "Security.",
]
EXTERNAL_LINKS = [
    ("the DHS Privacy Office", "https://www.dhs.gov/privacy"),
    ("the Federal Register", "https://www.federalregister.gov/agencies/homeland-security-department"),
    ("the Government Accountability Office", "https://www.gao.gov/"),
    ("the Office of Inspector General", "https://www.oig.dhs.gov/reports"),
    ("Congress.gov", "https://www.congress.gov/"),
    ("Ready.gov", "https://www.ready.gov/"),
    ("the FEMA website", "https://www.fema.gov/disaster"),
    (
        "the CISA Known Exploited Vulnerabilities Catalog",
        "https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
    ),
    ("USA.gov", "https://www.usa.gov/"),
    ("the DHS FOIA Library", "https://www.dhs.gov/foia-library"),
]
RISKS = [
    "Unauthorized disclosure",
    "Inaccurate records",
    "Excessive retention",
    "Function creep",
    "Insider threat",
    "System outage",
    "Loss of portable media",
    "Incomplete notice",
]
MITIGATIONS = [
    "Role-based access and quarterly audits",
    "Verification against authoritative sources",
    "Automated deletion at the end of the retention period",
    "Written purpose limitations",
    "Continuous monitoring of user activity",
    "Redundant hosting in two regions",
    "Encryption of all removable devices",
    "Revised privacy notice on every form",
]
STATUSES = ["Complete", "In progress", "Planned", "Ongoing", "Under review"]
MILESTONES = [
    "Requirements approved",
    "Pilot launched",
    "Public comment period closed",
    "Final rule published",
    "Nationwide deployment",
    "Independent evaluation",
    "Contract awarded",
    "Training completed",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

START = dt.date(2000, 1, 1)
DAYS = (dt.date(2025, 12, 31) - START).days + 1


def _plural(verb: str) -> str:
    """The verb for a plural subject: verifies -> verify, publishes -> publish, tracks -> track."""
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("shes", "sses")):
        return verb[:-2]
    return verb[:-1]


def _the(name: str) -> str:
    """A component name as the subject of a sentence: "the Federal ...", but "U.S. Coast Guard"."""
    return name if name.startswith("U.S.") else "the " + name


def quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 72) -> str:
    slug = _NON_SLUG.sub("-", text.lower().replace("&", "and")).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


@dataclass
class Pub:
    index: int
    slug: str
    year: int
    date: dt.date
    updated: dt.date | None
    component: int
    type: int
    topics: list[str]
    title: str
    summary: str
    attachment: tuple[str, str, str] | None  # (title, file, language)
    alias: bool
    documents: list[tuple[str, str, str, int, str]] = field(
        default_factory=list
    )  # --pdfs: (title, file, language, pages, variant)

    @property
    def path(self) -> str:
        return f"publications/{self.year}/{self.slug}.md"


class Corpus:
    def __init__(self, n: int, words: int = 1000, seed: int = 1):
        self.n, self.words, self.seed = n, words, seed
        self.rng = random.Random(seed)
        self.pool = self._sentence_pool(4000)
        self.avg_words = sum(w for _, w in self.pool) / len(self.pool)
        self.pubs = self._metadata()

    # -- text -------------------------------------------------------------------------------

    def _sentence_pool(self, size: int) -> list[tuple[str, int]]:
        rng = self.rng
        pool = []
        for _ in range(size):
            if rng.random() < 0.4:
                subject, verb = rng.choice(PLURAL_SUBJECTS), _plural(rng.choice(VERBS))
            else:
                subject, verb = rng.choice(SUBJECTS), rng.choice(VERBS)
            sentence = f"{subject} {verb} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
            roll = rng.random()
            if roll < 0.3:
                sentence = f"{rng.choice(OPENERS)} {sentence[0].lower()}{sentence[1:]}"
            elif roll < 0.5:
                sentence += f", {rng.choice(EXTRA_CLAUSES)}"
            sentence += "."
            pool.append((sentence, len(sentence.split())))
        return pool

    def _title(self, rng: random.Random, comp: int, typ: int, date: dt.date, counters: dict) -> str:
        year, month = date.year, date.month
        key, _, acronym, *_ = COMPONENTS[comp]
        acr = acronym.replace("&", "")
        kind = TYPES[typ][0]
        if kind == "privacy-impact-assessment":
            counters[(key, kind)] = number = counters.get((key, kind), 0) + 1
            return (
                f"DHS/{acr}/PIA-{number:03d} {rng.choice(SYSTEM_PREFIX)} {rng.choice(SYSTEM_MIDDLE)} "
                f"{rng.choice(SYSTEM_SUFFIX)}"
            )
        if kind == "system-of-records-notice":
            counters[(key, kind)] = number = counters.get((key, kind), 0) + 1
            return f"DHS/{acr}-{number:03d} {rng.choice(RECORD_SUBJECTS)} System of Records"
        if kind == "fact-sheet":
            program = rng.choice(PROGRAMS).removeprefix("the ")
            if rng.random() < 0.5:
                return f"{program} Fact Sheet for {rng.choice(AUDIENCES)}"
            return f"Fact Sheet: {program}" if rng.random() < 0.4 else f"{program} Fact Sheet ({year})"
        if kind == "report":
            program = rng.choice(PROGRAMS).removeprefix("the ")
            return f"Fiscal Year {year - 1} {program} {rng.choice(REPORT_KINDS)}"
        if kind == "environmental-assessment":
            return f"Environmental Assessment for the {rng.choice(FACILITIES)}, {rng.choice(PLACES)}"
        if kind == "statement":
            if rng.random() < 0.5:
                return f"Statement by {acronym} {rng.choice(OFFICIALS)} on {rng.choice(EVENTS)}"
            return f"DHS Statement on {rng.choice(EVENTS)}"
        if kind == "guidance":
            program = rng.choice(PROGRAMS)
            return f"Guidance on {program} for {rng.choice(AUDIENCES)}"
        if kind == "testimony":
            chamber = rng.choice(["House", "Senate"])
            return (
                f"Written Testimony of {acronym} {rng.choice(OFFICIALS)} for a {chamber} "
                f"{rng.choice(COMMITTEES)} Hearing Titled \u201c{rng.choice(THEMES)}\u201d"
            )
        if kind == "strategy":
            return f"{acronym} {rng.choice(THEMES)} Strategy, {year}\u2013{year + 4}"
        return f"Memorandum on {rng.choice(THEMES)} ({MONTHS[month - 1]} {year})"

    def _summary(self, rng: random.Random, title: str, comp: int, typ: int) -> str:
        name = _the(COMPONENTS[comp][1])
        type_name = TYPES[typ][1].lower()
        first = (
            f"This {type_name} from {name} {rng.choice(VERBS).removesuffix('s')}s "
            f"how the component handles {rng.choice(OBJECTS)}."
        )
        if "PIA-" in title:
            first = f"{name[0].upper()}{name[1:]} is publishing this Privacy Impact Assessment because the system {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        second = rng.choice(self.pool)[0]
        summary = f"{first} {second}"
        return summary if len(summary) <= 280 else first

    # -- the corpus -------------------------------------------------------------------------

    def _metadata(self) -> list[Pub]:
        rng = self.rng
        counters: dict = {}
        slugs: set[str] = set()
        suffixes: dict[str, int] = {}
        pubs = []
        topic_keys = [key for key, _ in TOPICS]
        comps = rng.choices(range(len(COMPONENTS)), weights=COMPONENT_WEIGHTS, k=self.n)
        types = rng.choices(range(len(TYPES)), weights=[t[2] for t in TYPES], k=self.n)
        for i in range(self.n):
            comp, typ = comps[i], types[i]
            date = START + dt.timedelta(days=rng.randrange(DAYS))
            title = self._title(rng, comp, typ, date, counters)
            base = slugify(title)
            slug = base
            while slug in slugs:
                suffixes[base] = k = suffixes.get(base, 1) + 1
                slug = f"{base}-{k}"
            slugs.add(slug)
            preferred = COMPONENTS[comp][5]
            topics = [rng.choice(preferred)]
            for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
                topic = rng.choice(topic_keys)
                if topic not in topics:
                    topics.append(topic)
            updated = None
            if rng.random() < 1 / 6:
                updated = date + dt.timedelta(days=rng.randrange(30, 900))
            attachment = None
            if rng.random() < 0.1:
                name, _ = FILES[rng.randrange(len(FILES))]
                language = "es" if name.startswith("declaracion") else ""
                label = f"{title} (en espa\u00f1ol)" if language else title
                attachment = (label, f"files/{name}", language)
            pubs.append(
                Pub(
                    i,
                    slug,
                    date.year,
                    date,
                    updated,
                    comp,
                    typ,
                    topics,
                    title,
                    self._summary(rng, title, comp, typ),
                    attachment,
                    rng.random() < 0.05,
                )
            )
        return pubs

    def _paragraph(self, sentences: list[tuple[str, int]]) -> str:
        return " ".join(s for s, _ in sentences)

    def _table(self, rng: random.Random, pub: Pub) -> list[str]:
        kind = rng.randrange(3)
        if kind == 0:
            rows = [
                "| Fiscal year | Applications received | Applications approved | Average days to decide |",
                "| --- | ---: | ---: | ---: |",
            ]
            for year in range(pub.year - 4, pub.year):
                received = rng.randrange(2_000, 900_000)
                rows.append(
                    f"| {year} | {received:,} | {int(received * rng.uniform(0.55, 0.97)):,} | {rng.randrange(12, 240)} |"
                )
            return rows
        if kind == 1:
            rows = ["| Risk | Mitigation | Status |", "| --- | --- | --- |"]
            for risk in rng.sample(RISKS, 4):
                rows.append(f"| {risk} | {rng.choice(MITIGATIONS)} | {rng.choice(STATUSES)} |")
            return rows
        rows = ["| Milestone | Target date | Status |", "| --- | --- | --- |"]
        for milestone in rng.sample(MILESTONES, 5):
            rows.append(
                f"| {milestone} | {rng.choice(MONTHS)} {pub.year + rng.randrange(0, 3)} | {rng.choice(STATUSES)} |"
            )
        return rows

    def body(self, pub: Pub) -> str:
        rng = self.rng
        component = COMPONENTS[pub.component]
        type_name = TYPES[pub.type][1]
        fixed = 110  # words in the list, table and link sentences
        need = max(6, round((self.words - fixed) / self.avg_words))
        sentences = rng.choices(self.pool, k=need)
        paragraphs: list[str] = []
        start = 0
        while start < need:
            size = rng.randint(3, 6)
            paragraphs.append(self._paragraph(sentences[start : start + size]))
            start += size
        intro = (
            f"This {type_name.lower()} was issued by {_the(component[1])} ({component[2]}) on "
            f"{MONTHS[pub.date.month - 1]} {pub.date.day}, {pub.year}. "
        )
        text, link_url = rng.choice(EXTERNAL_LINKS)
        paragraphs[0] = intro + paragraphs[0] + f" More information is available from [{text}]({link_url})."
        if pub.attachment:
            paragraphs[0] += f" The full document is available as a [download](../../{pub.attachment[1]})."
        footnote = rng.random() < 0.12
        if footnote:
            paragraphs[0] += "[^1]"
        if self.n > 1 and rng.random() < 0.2:
            other = self.pubs[rng.randrange(self.n)]
            if other.index == pub.index:
                other = self.pubs[(pub.index + 1) % self.n]
            where = f"{other.slug}.md" if other.year == pub.year else f"../{other.year}/{other.slug}.md"
            target = len(paragraphs) // 2
            paragraphs[target] += f" See also [{other.title}]({where})."

        out = [paragraphs[0], ""]
        headings = rng.sample(HEADINGS, min(len(HEADINGS), max(3, len(paragraphs) // 2)))
        rest = paragraphs[1:] or [rng.choice(self.pool)[0]]
        per = max(1, -(-len(rest) // len(headings)))
        for number, heading in enumerate(headings):
            chunk = rest[number * per : (number + 1) * per]
            if not chunk and number >= 2:
                break
            out += [f"## {heading}", ""]
            if number and len(chunk) > 1 and rng.random() < 0.3:
                out += [chunk.pop(0), "", f"### {rng.choice(HEADINGS)}", ""]
            for paragraph in chunk:
                out += [paragraph, ""]
            if number == 0:
                items = rng.sample(LIST_ITEMS, rng.randint(4, 6))
                if rng.random() < 0.4:
                    items = [f"**{lead}** {item}." for lead, item in zip(rng.sample(BOLD_LEADS, len(items)), items)]
                out += [f"- {item}" for item in items] + [""]
            elif number == 1:
                out += self._table(rng, pub) + [""]
            elif number == 2 and rng.random() < 0.5:
                out += [f"{k}. {item}" for k, item in enumerate(rng.sample(LIST_ITEMS, 3), 1)] + [""]
        if footnote:
            out += [
                f"[^1]: See the {component[2]} records schedule approved by the National Archives and Records Administration.",
                "",
            ]
        return "\n".join(out)

    def publication_text(self, pub: Pub) -> str:
        lines = ["---", f"title: {quote(pub.title)}", f"date: {pub.date.isoformat()}"]
        if pub.updated:
            lines.append(f"updated: {pub.updated.isoformat()}")
        lines += [
            f"component: {COMPONENTS[pub.component][0]}",
            f"type: {TYPES[pub.type][0]}",
            f"topics: [{', '.join(pub.topics)}]",
            f"summary: {quote(pub.summary)}",
        ]
        attached = ([pub.attachment] if pub.attachment else []) + [d[:3] for d in pub.documents]
        if attached:
            lines.append("attachments:")
        for label, file, language in attached:
            lines += [f"  - title: {quote(label)}", f"    file: {file}"]
            if language:
                lines.append(f"    language: {language}")
        if pub.alias:
            lines.append(f"aliases: [/publication/{pub.slug}]")
        lines.append("---")
        return "\n".join(lines) + "\n" + self.body(pub)


def _site_yaml() -> str:
    return """title: Publications Library
base_url: https://www.example.gov/library/
language: en
page_size: 20
agency:
  name: U.S. Department of Homeland Security
  acronym: DHS
  url: https://www.dhs.gov/
  domain: dhs.gov
breadcrumb:
  - {title: News, url: https://www.dhs.gov/news}
navigation:
  - {title: Publications, url: /publications/}
  - {title: Search, url: /search/}
  - {title: About, url: /about/}
identifier:
  about: /about/
  accessibility: /accessibility/
  foia: https://www.dhs.gov/foia
  no_fear: https://www.dhs.gov/no-fear-act
  oig: https://www.oig.dhs.gov/
  performance: https://www.dhs.gov/performance-financial-reports
  privacy: https://www.dhs.gov/privacy-policy
"""


ABOUT = """---
title: About the Publications Library
summary: "The Publications Library collects the reports, privacy compliance documents, fact sheets, and other publications of the Department of Homeland Security and its components."
---
The Publications Library is the Department of Homeland Security's catalogue of public documents. It brings together publications from every component of the Department.

## What you will find here

- Privacy Impact Assessments and System of Records Notices
- Environmental Assessments prepared under the National Environmental Policy Act
- Reports, strategies, testimony, fact sheets, statements, and guidance

You can browse publications by component, type, topic, or year, or search the full text of the library. See the [accessibility statement](accessibility.md) if you need a document in another format.

## Forms and data files

"""

ACCESSIBILITY = """---
title: Accessibility Statement
summary: "The Department of Homeland Security is committed to making the Publications Library accessible to everyone, including people with disabilities."
---
The Department of Homeland Security is committed to providing access to our web pages for individuals with disabilities, both members of the public and federal employees, as required by Section 508 of the Rehabilitation Act.

## Our standards

- Semantic headings, landmarks, and a skip link on every page
- Sufficient color contrast and text that can be resized
- Automated and manual testing before release

## Report a problem

If you have difficulty accessing a document, contact the component that issued it and we will provide the information in an alternative format.
"""


# -- real documents, standard library only ---------------------------------------------------------

LINES_PER_PAGE = 46
LINE_CHARS = 92


def _pdf_string(text: str) -> bytes:
    return (
        b"("
        + text.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        + b")"
    )


def pdf_document(
    pages: list[list[str]],
    title: str,
    language: str = "en-US",
    tagged: bool = True,
    display_title: bool = True,
    image_only: bool = False,
    seed: int = 0,
) -> bytes:
    """A real PDF: Helvetica text pages (Flate-compressed), an Info title and, when `tagged`, marked
    content in a structure tree (Document > P per page) with its parent tree, /MarkInfo and /Lang.
    `image_only` pages are one grey image each and no text, as a scan without OCR is."""
    count = len(pages)
    objects: dict[int, bytes] = {}
    first_page = 8
    kids = " ".join(f"{first_page + 3 * i} 0 R" for i in range(count))
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if tagged:
        catalog += b" /MarkInfo << /Marked true >> /StructTreeRoot 5 0 R"
    if language:
        catalog += b" /Lang " + _pdf_string(language)
    if display_title:
        catalog += b" /ViewerPreferences << /DisplayDocTitle true >>"
    objects[1] = catalog + b" >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[4] = b"<< /Title " + _pdf_string(title) + b" /Producer (bench/corpus.py) >>"
    paragraphs = " ".join(f"{first_page + 3 * i + 2} 0 R" for i in range(count))
    objects[5] = f"<< /Type /StructTreeRoot /K 6 0 R /ParentTree 7 0 R /ParentTreeNextKey {count} >>".encode()
    objects[6] = f"<< /Type /StructElem /S /Document /P 5 0 R /K [{paragraphs}] >>".encode()
    nums = " ".join(f"{i} [{first_page + 3 * i + 2} 0 R]" for i in range(count))
    objects[7] = f"<< /Nums [{nums}] >>".encode()
    image = 0
    if image_only:
        rng = random.Random(seed)
        width, height = 153, 198
        rows = bytearray()
        for _ in range(height):
            ink = rng.random() < 0.45
            rows += bytes(rng.randrange(30, 90) if ink and rng.random() < 0.6 else 250 for _ in range(width))
        image = first_page + 3 * count
        packed = zlib.compress(bytes(rows), 6)
        objects[image] = (
            (
                f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
                f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(packed)} >>\nstream\n"
            ).encode()
            + packed
            + b"\nendstream"
        )
    for index, lines in enumerate(pages):
        number = first_page + 3 * index
        if image_only:
            resources = f"<< /XObject << /Im0 {image} 0 R >> >>"
            body = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
        else:
            resources = "<< /Font << /F1 3 0 R >> >>"
            body = (
                b"BT /F1 10 Tf 13 TL 60 740 Td " + b" T* ".join(_pdf_string(line) + b" Tj" for line in lines) + b" ET"
            )
        if tagged:
            body = b"/P <</MCID 0>> BDC " + body + b" EMC"
        packed = zlib.compress(body, 1)
        parent = f" /StructParents {index}" if tagged else ""
        objects[number] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {resources} "
            f"/Contents {number + 1} 0 R{parent} >>"
        ).encode()
        objects[number + 1] = (
            f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode() + packed + b"\nendstream"
        )
        objects[number + 2] = f"<< /Type /StructElem /S /P /P 6 0 R /Pg {number} 0 R /K 0 >>".encode()
    if not tagged:
        for number in (5, 6, 7):
            objects[number] = b"null"
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(
        b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start)
    return bytes(out)


def page_lines(rng: random.Random, pool: list[tuple[str, int]], pages: int) -> list[list[str]]:
    """`pages` pages of LINES_PER_PAGE lines of running text from the sentence pool."""
    result = []
    for _ in range(pages):
        text = " ".join(sentence for sentence, _ in rng.choices(pool, k=LINES_PER_PAGE * 2))
        lines, line = [], ""
        for word in text.split():
            if len(line) + len(word) + 1 > LINE_CHARS:
                lines.append(line)
                if len(lines) == LINES_PER_PAGE:
                    break
                line = word
            else:
                line = f"{line} {word}" if line else word
        result.append(lines)
    return result


def xlsx_document(title: str, rows: int) -> bytes:
    """A real XLSX workbook with its docProps (title) and shared strings."""
    strings = "".join(f"<si><t>Row {n}</t></si>" for n in range(rows))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
            "<dc:language>en-US</dc:language></cp:coreProperties>"
        ),
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst>{strings}</sst>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def _file_bytes(rng: random.Random, name: str, size: int, pool: list[tuple[str, int]] | None = None) -> bytes:
    if name.endswith(".pdf"):
        own = random.Random(f"file-{name}")
        pages = max(1, size // 3000)
        spanish = name.startswith("declaracion")
        return pdf_document(
            page_lines(own, pool or [("Text.", 1)], pages),
            FILE_TITLES[[n for n, _ in FILES].index(name)],
            language="es" if spanish else "en-US",
        )
    if name.endswith(".xlsx"):
        return xlsx_document("Performance data tables", size // 40)
    if name.endswith(".csv"):
        rows = ["state,fiscal_year,program,amount"]
        while sum(len(r) + 1 for r in rows) < size:
            rows.append(
                f"{rng.choice(['TX', 'CA', 'FL', 'NY', 'AZ', 'LA', 'PR'])},{rng.randrange(2000, 2026)},"
                f"{rng.choice(['HSGP', 'UASI', 'SHSP', 'OPSG'])},{rng.randrange(10_000, 9_000_000)}"
            )
        return ("\n".join(rows) + "\n").encode()
    return b"PK\x03\x04" + rng.randbytes(size - 4)


def prepare_outdir(out: Path) -> None:
    """Make OUTDIR an empty folder; an earlier corpus (it has the marker file) is replaced."""
    if out.exists():
        if not out.is_dir():
            raise SystemExit(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise SystemExit(f"{out} is not empty and was not written by bench/corpus.py; choose another folder")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def add_documents(corpus: Corpus, seed: int) -> None:
    """--pdfs: 0-3 attachments of 1-30 pages for each publication, from a generator of their own."""
    rng = random.Random(f"pdfs-{seed}")
    for pub in corpus.pubs:
        count = rng.choices([0, 1, 2, 3], weights=[2, 3, 3, 2])[0]
        for number in range(1, count + 1):
            roll = rng.random()
            variant = (
                "scan" if roll < 1 / 30 else "untagged" if roll < 0.18 else "no-display" if roll < 0.26 else "tagged"
            )
            pages = rng.randint(1, 3) if variant == "scan" else rng.randint(1, 30)
            title = pub.title if number == 1 else f"{pub.title}: appendix {chr(64 + number)}"
            pub.documents.append((title, f"files/{pub.year}/{pub.slug}-{number}.pdf", "", pages, variant))


def write_documents(corpus: Corpus, content: Path, seed: int) -> None:
    for pub in corpus.pubs:
        if pub.documents:
            (content / "files" / str(pub.year)).mkdir(exist_ok=True)
        for title, file, _, pages, variant in pub.documents:
            rng = random.Random(f"{seed}-{file}")
            data = pdf_document(
                page_lines(rng, corpus.pool, pages) if variant != "scan" else [[]] * pages,
                "untitled" if variant == "untagged" else title,
                language="" if variant == "untagged" else "en-US",
                tagged=variant != "untagged",
                display_title=variant == "tagged",
                image_only=variant == "scan",
                seed=rng.randrange(1 << 30),
            )
            (content / file).write_bytes(data)


def generate(n: int, out: Path, words: int = 1000, seed: int = 1, pdfs: bool = False) -> Corpus:
    """Write the whole project; returns the corpus (its publications' metadata)."""
    out = Path(out)
    prepare_outdir(out)
    corpus = Corpus(n, words, seed)
    rng = corpus.rng
    if pdfs:
        add_documents(corpus, seed)
    content = out / "content"
    for folder in ("components", "pages", "files", "publications"):
        (content / folder).mkdir(parents=True)
    (out / MARKER).write_text(f"bench/corpus.py n={n} words={words} seed={seed}{' pdfs' * pdfs}\n", encoding="utf-8")
    (content / "site.yaml").write_text(_site_yaml(), encoding="utf-8")
    (content / "types.yaml").write_text("".join(f"{k}: {name}\n" for k, name, _ in TYPES), encoding="utf-8")
    (content / "topics.yaml").write_text("".join(f"{k}: {name}\n" for k, name in TOPICS), encoding="utf-8")
    for key, name, acronym, url, mission, _ in COMPONENTS:
        (content / "components" / f"{key}.md").write_text(
            f"---\nname: {name}\nacronym: {quote(acronym)}\nurl: {url}\n---\n{mission}\n", encoding="utf-8"
        )
    files = "".join(f"- [{title}](../files/{name})\n" for (name, _), title in zip(FILES, FILE_TITLES))
    (content / "pages" / "about.md").write_text(ABOUT + files, encoding="utf-8")
    (content / "pages" / "accessibility.md").write_text(ACCESSIBILITY, encoding="utf-8")
    for name, size in FILES:
        (content / "files" / name).write_bytes(_file_bytes(rng, name, size, corpus.pool))
    if pdfs:
        write_documents(corpus, content, seed)
    for year in sorted({p.year for p in corpus.pubs}):
        (content / "publications" / str(year)).mkdir()
    base = str(content) + os.sep
    for pub in corpus.pubs:
        with open(base + pub.path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(corpus.publication_text(pub))
    for folder in ("templates", "assets"):
        shutil.copytree(REPO / folder, out / folder)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, help="number of publications (e.g. 100 to 100000)")
    parser.add_argument("outdir", type=Path, help="project folder to write (replaced if an earlier corpus)")
    parser.add_argument("--words", type=int, default=1000, help="approximate words per publication body")
    parser.add_argument("--seed", type=int, default=1, help="random seed; same seed, same bytes")
    parser.add_argument(
        "--pdfs",
        action="store_true",
        help="give each publication 0-3 real PDFs of 1-30 pages of its own (1.5 on average)",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    generate(args.n, args.outdir, args.words, args.seed, args.pdfs)
    print(f"wrote {args.n:,} publications to {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
