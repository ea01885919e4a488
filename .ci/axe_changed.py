"""axe-core on the pages a pull request adds or changes, in headless Chromium.

    python .ci/axe_changed.py REPORT.json SITE BASE_URL [--limit 40] [--summary FILE]

REPORT.json is `sitegen diff --format json OLD NEW`; SITE is the new output folder, built for
BASE_URL (only its path is used: the folder is served under it on 127.0.0.1). Every added or
changed publication, listing and other page is checked (up to --limit, publications first) with
the rules the test suite uses (WCAG 2.0/2.1 A and AA, best practices). Each violation is printed
as a GitHub annotation and, with --summary, as Markdown appended to FILE (the job summary).
Exit status 1 when a page has a violation, 0 otherwise (also when no page changed).

Needs Playwright (`bash setup.sh --editor --axe` installs the version pyproject.toml pins),
axe-core from `npm ci`, and Chromium or Google Chrome (GitHub's runners have Chrome):
$SITEGEN_CHROMIUM names the browser.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]  # as tests/browser/test_browser.py
KINDS = ("publication", "page", "listing")  # HTML pages people read, in the order they are checked
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str:
    found = os.environ.get("SITEGEN_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        sys.exit("axe_changed: no Chromium or Google Chrome found; set SITEGEN_CHROMIUM")
    return found


def changed_pages(report: dict, limit: int) -> tuple[list[str], int]:
    """(site paths to check, how many changed pages there were)."""
    items = [item for section in ("added", "changed") for item in report.get(section, [])]
    pages = sorted(
        {(KINDS.index(item["kind"]), item["path"]) for item in items if item["kind"] in KINDS},
    )
    return [path for _, path in pages[:limit]], len(pages)


class Handler(http.server.SimpleHTTPRequestHandler):
    """The output folder under the base path, nothing else."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / ".does-not-exist")
        return super().translate_path("/" + path[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("base_url")
    parser.add_argument("--limit", type=int, default=40, help="pages at most (default 40)")
    parser.add_argument("--summary", type=Path, help="append the results as Markdown to this file")
    args = parser.parse_args(argv)

    paths, total = changed_pages(json.loads(args.report.read_text("utf-8")), args.limit)
    lines = ["", "## Accessibility (axe-core) of the changed pages", ""]
    if not paths:
        lines.append("No page was added or changed.")
        failures = 0
    else:
        from playwright.sync_api import sync_playwright

        prefix = urlsplit(args.base_url).path.rstrip("/") + "/"
        handler = type("Served", (Handler,), {"prefix": prefix})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(args.site.resolve()))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        failures = 0
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=browser(),
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
                )
                page = chromium.new_page()
                for path in paths:
                    page.goto(origin + prefix + path.lstrip("/"), wait_until="load")
                    page.add_script_tag(path=str(AXE))
                    result = page.evaluate(
                        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                        TAGS,
                    )
                    for violation in result["violations"]:
                        failures += 1
                        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
                        message = (
                            f"{path}: axe {violation['id']} ({violation['impact']}): {violation['help']} on {targets}"
                        )
                        print(f"::error title=Accessibility::{message}")
                        lines.append(f"- `{path}`: **{violation['id']}** ({violation['impact']}) {violation['help']}")
                chromium.close()
        finally:
            server.shutdown()
        pages = f"changed page{'s' * (total != 1)}"
        checked = f"{len(paths)} of {total} {pages}" if total > len(paths) else f"{total} {pages}"
        lines.insert(3, f"{checked} checked: {failures or 'no'} violation{'s' * (failures != 1)}.")
        if failures:
            lines.insert(4, "")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
