"""A build that finds nothing changed imports only the scan, the cache and the output.

At 10,000 publications such a build takes about a second, and importing the parse, the site
graph and the renderer (with Python-Markdown, jinja2 and PyYAML beneath them) was 0.15-0.25 s
of it. These tests run the real CLI in a fresh interpreter and look at what it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from sitekit import Project, tree

# What only a build that parses or renders needs.
HEAVY = (
    "markdown",
    "jinja2",
    "yaml",
    "nh3",
    "pikepdf",
    "pypdfium2",
    "sitegen.loader",
    "sitegen.config",
    "sitegen.site",
    "sitegen.routes",
    "sitegen.render",
    "sitegen.pages",
    "sitegen.search",
    "sitegen.quick",
)

PROBE = """
import json, sys
from sitegen.cli import run
project = sys.argv[1]
sys.argv = ["sitegen", "build", project, "--no-search", "-q"]
code = 0
try:
    run()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def probe(project: Project) -> tuple[int, set[str]]:
    """Build `project` with the CLI in a fresh interpreter: its exit code and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(project.root)], capture_output=True, text=True, check=True, timeout=300
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["code"], set(found["modules"])


def heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in HEAVY if name in modules)


def test_a_build_that_finds_nothing_changed_imports_no_parse_or_renderer(project: Project) -> None:
    project.publication("one", title="The first one", body="Some text.")
    project.publication("two", title="The second one", body="More text.")
    code, modules = probe(project)  # the cold build parses and renders: the probe sees it
    assert code == 0
    assert "markdown" in modules and "jinja2" in modules and "sitegen.loader" in modules
    before = tree(project.out)

    code, modules = probe(project)
    assert code == 0
    assert heavy(modules) == []
    assert {"sitegen.scan", "sitegen.cache", "sitegen.output"} <= modules
    assert tree(project.out) == before

    # A title edit is a full build again: it parses the file and renders the listings.
    edited = project.root / "content/publications/2020/one.md"
    edited.write_text(edited.read_text().replace("The first one", "The first one, revised"))
    code, modules = probe(project)
    assert code == 0
    assert {"markdown", "jinja2", "sitegen.loader", "sitegen.render"} <= modules
    assert "The first one, revised" in project.html("/publications/one/")


def test_a_quick_rebuild_still_has_the_settings_it_renders_with(project: Project) -> None:
    """The settings the quick path renders with are kept apart from the manifest (unpickled
    only when used): a body edit published that way is byte for byte what a full build gives."""
    project.publication("one", body="Some text.")
    project.publication("two", body="More text.")
    assert project.build().ok
    edited = project.root / "content/publications/2020/one.md"
    edited.write_text(edited.read_text() + "\nOne more sentence.\n")
    report = project.build()
    assert report.ok and "quick" in report.timings
    quick = tree(project.out)
    assert "One more sentence." in project.html("/publications/one/")
    assert project.build(use_cache=False, out=project.root / "clean").ok
    assert tree(project.root / "clean") == quick


ENGINE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from sitegen.cache import MARKUP_SIGNATURE
print(json.dumps({"signature": MARKUP_SIGNATURE, "imported": "markdown" in sys.modules}))
"""


def engine_signature(folder: Path) -> tuple[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", ENGINE, str(folder)], capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["signature"], found["imported"]


def test_the_markdown_engine_is_identified_by_its_source_without_importing_it(tmp_path: Path) -> None:
    """Another Python-Markdown, or the same version patched, must not reuse cached bodies."""
    package = tmp_path / "markdown"
    (package / "extensions").mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "3.10"\nraise ImportError("never imported")\n')
    (package / "extensions" / "toc.py").write_text(textwrap.dedent("SLUG = 'one way'\n"))
    first, imported = engine_signature(tmp_path)
    assert not imported
    assert engine_signature(tmp_path) == (first, False)  # the same files: the same signature
    (package / "extensions" / "toc.py").write_text("SLUG = 'another way'\n")  # same version, patched
    patched, imported = engine_signature(tmp_path)
    assert patched != first and not imported
    (package / "extensions" / "toc.py").rename(package / "extensions" / "toc2.py")  # a file renamed
    renamed, _ = engine_signature(tmp_path)
    assert renamed not in (first, patched)
