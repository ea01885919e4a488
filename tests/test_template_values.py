"""No page shows a Python object where a template meant a string.

Jinja's `a.b` tries the attribute before the key, so `strings.clear` on a dict of strings is the
dict's `clear` method, printed as `<built-in method clear of dict object at 0x...>`: wrong words
on the page, and bytes that change on every build.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitekit import Project

PYTHON_REPR = re.compile(r"(&lt;|<)(built-in method|bound method|function|method) [^ ]+ (of .* )?at 0x[0-9a-f]+")


def test_no_page_prints_a_python_object(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    project.publication("a-fact-sheet", component="ice")
    project.publication("una-hoja", component="cbp", language="es")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    pages = sorted(project.out.rglob("*.html"))
    assert any(p.relative_to(project.out).as_posix() == "search/index.html" for p in pages)
    shown = {
        p.relative_to(project.out).as_posix(): m.group(0)
        for p in pages
        if (m := PYTHON_REPR.search(p.read_text("utf-8")))
    }
    assert shown == {}
