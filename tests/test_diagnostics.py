"""Every bad input a contributor can make: one small broken site per diagnostic code.

Each case asserts the code, the file and the line as a contributor sees them through the real
command line, that no traceback is shown, that the previous _site is untouched and that nothing
is written outside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import main
from sitekit import CASE, GOOD_PUBLICATION, Project

PUB, GOOD = CASE, GOOD_PUBLICATION


def replace(old: str, new: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        project.write(PUB, GOOD.replace(old, new, 1))

    return apply


def raw(text: str | bytes) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        path = project.root / PUB
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return apply


def site_yaml(change: Callable[[dict], None]) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        data = json.loads(json.dumps(project.site))
        change(data)
        project.write_yaml("content/site.yaml", data)

    return apply


def two_files_same_slug(project: Project) -> None:
    project.write(PUB, GOOD)
    project.write("content/publications/2021/other.md", GOOD.replace("title: A good", "slug: case\ntitle: A good"))


def alias_on_a_page(project: Project) -> None:
    project.publication("taken", title="Taken")
    project.write(PUB, GOOD.replace("topics:", "aliases: [/publications/taken]\ntopics:"))


def attachment(path: str) -> Callable[[Project], None]:
    return replace("topics: [privacy]\n", f"topics: [privacy]\nattachments:\n  - title: File\n    file: {path}\n")


# (id, how to break the site, code, path, line, words the message must contain)
CASES = [
    ("malformed-yaml", replace("title: A good title", "title: [unclosed"), "yaml-syntax", PUB, 2, "never closed"),
    ("colon-in-title", replace("A good title", "Note: a: b"), "yaml-syntax", PUB, 2, "malformed YAML"),
    ("unclosed", raw("---\ntitle: x\n"), "front-matter-unclosed", PUB, 1, "not closed"),
    ("no-front-matter", raw("Just text\n"), "no-front-matter", PUB, 1, "does not start"),
    ("empty", raw(""), "empty-file", PUB, 1, "empty"),
    ("not-utf8", raw(GOOD.replace("Body text.", "caf\xe9").encode("latin-1")), "not-utf8", PUB, 9, "UTF-8"),
    ("missing-field", replace("summary: A summary.\n", ""), "missing-field", PUB, 2, '"summary"'),
    ("list-for-text", replace("title: A good title", "title: [a, b]"), "wrong-type", PUB, 2, "must be text"),
    ("text-for-list", replace("topics: [privacy]", "topics: privacy"), "wrong-type", PUB, 6, "must be a list"),
    ("yaml-boolean", replace("title: A good title", "title: no"), "wrong-type", PUB, 2, "read it as false"),
    ("unknown-field", replace("title:", "titel: x\ntitle:"), "unknown-field", PUB, 2, 'did you mean "title"'),
    ("bad-date", replace("date: 2020-05-01", "date: 2019-02-30"), "bad-date", PUB, 3, "not a real date"),
    ("date-format", replace("date: 2020-05-01", "date: May 1, 2020"), "bad-date", PUB, 3, "YYYY-MM-DD"),
    (
        "unknown-component",
        replace("component: ice", "component: icee"),
        "unknown-component",
        PUB,
        4,
        'did you mean "ice"',
    ),
    ("unknown-type", replace("type: fact-sheet", "type: factsheet"), "unknown-type", PUB, 5, "fact-sheet"),
    ("unknown-topic", replace("[privacy]", "[privacy, pirvacy]"), "unknown-topic", PUB, 6, 'did you mean "privacy"'),
    ("duplicate-slug", two_files_same_slug, "duplicate-slug", "content/publications/2021/other.md", 2, "already used"),
    ("reserved-slug", replace("title:", "slug: page\ntitle:"), "reserved-slug", PUB, 2, "reserved"),
    ("bad-slug", replace("title:", "slug: ../../etc\ntitle:"), "bad-slug", PUB, 2, "not a clean URL"),
    ("slug-with-space", replace("title:", "slug: my page\ntitle:"), "bad-slug", PUB, 2, "not a clean URL"),
    ("alias-relative", replace("title:", "aliases: [../escape]\ntitle:"), "bad-alias", PUB, 2, "must start with /"),
    ("alias-backslash", replace("title:", "aliases: ['/a\\\\b']\ntitle:"), "bad-alias", PUB, 2, "backslash"),
    (
        "alias-absolute",
        replace("title:", "aliases: ['//evil.example/x']\ntitle:"),
        "bad-alias",
        PUB,
        2,
        "not an address",
    ),
    ("alias-collides", alias_on_a_page, "url-collision", PUB, 6, "/publications/taken/"),
    ("attachment-escapes", attachment("../../etc/passwd"), "attachment-outside-content", PUB, 9, "outside content/"),
    ("attachment-missing", attachment("files/nope.pdf"), "missing-attachment", PUB, 9, "does not exist"),
    (
        "broken-link",
        replace("Body text.", "See [the other](../2019/missing.md)."),
        "broken-link",
        PUB,
        9,
        "missing page",
    ),
    (
        "link-outside",
        replace("Body text.", "See [x](../../../../secret.md)."),
        "link-outside-content",
        PUB,
        9,
        "outside content/",
    ),
    ("script", replace("Body text.", "Text.\n\n<script>alert(1)</script>"), "html-tag", PUB, 11, "<script>"),
    ("iframe", replace("Body text.", '<iframe src="https://x.example"></iframe>'), "html-tag", PUB, 9, "<iframe>"),
    ("style", replace("Body text.", "<style>p{}</style>"), "html-tag", PUB, 9, "<style>"),
    ("object", replace("Body text.", "<object data=x></object>"), "html-tag", PUB, 9, "<object>"),
    ("form", replace("Body text.", "<form><input></form>"), "html-tag", PUB, 9, "<form>"),
    ("onclick", replace("Body text.", '<p onclick="x()">hi</p>'), "html-attribute", PUB, 9, "onclick"),
    ("javascript-link", replace("Body text.", "[click](javascript:alert(1))"), "unsafe-url", PUB, 9, "javascript:"),
    ("vbscript-link", replace("Body text.", '<a href="vbscript:x">x</a>'), "unsafe-url", PUB, 9, "vbscript:"),
    ("data-image", replace("Body text.", "![pic](data:image/png;base64,AAAA)"), "unsafe-url", PUB, 9, "data:"),
    (
        "image-without-alt",
        replace("Body text.", "![](https://x.gov/a.png)"),
        "image-without-alt",
        PUB,
        9,
        "alternative text",
    ),
    (
        "python-tag",
        replace("title: A good title", "title: !!python/object/apply:os.system ['touch /tmp/pwned']"),
        "yaml-tag",
        PUB,
        2,
        "tags are not allowed",
    ),
    (
        "yaml-alias",
        replace("title: A good title", "x: &a [1, 2]\ny: *a\ntitle: t"),
        "yaml-alias",
        PUB,
        2,
        "anchors and aliases",
    ),
    (
        "duplicate-field",
        replace("type: fact-sheet", "type: fact-sheet\ntype: report"),
        "duplicate-field",
        PUB,
        6,
        "given twice",
    ),
    (
        "site-missing-base-url",
        site_yaml(lambda d: d.pop("base_url")),
        "missing-field",
        "content/site.yaml",
        1,
        "base_url",
    ),
    (
        "site-http-base-url",
        site_yaml(lambda d: d.update(base_url="http://www.example.gov/")),
        "bad-url",
        "content/site.yaml",
        2,
        "https://",
    ),
    (
        "site-missing-link",
        site_yaml(lambda d: d["identifier"].pop("foia")),
        "missing-field",
        "content/site.yaml",
        0,
        '"foia"',
    ),
    (
        "site-placeholder-link",
        site_yaml(lambda d: d["identifier"].update(privacy="#")),
        "placeholder-link",
        "content/site.yaml",
        0,
        "placeholder",
    ),
    (
        "site-link-to-nowhere",
        site_yaml(lambda d: d["identifier"].update(about="/nowhere/")),
        "broken-link",
        "content/site.yaml",
        0,
        "/nowhere/",
    ),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_diagnostic(project: Project, tmp_path: Path, case: tuple) -> None:
    _, breaker, code, path, line, words = case
    project.write(PUB, GOOD)
    exit_code, _ = run("build", str(project.root))
    assert exit_code == 0
    before = tree(project.out)
    outside_before = sorted(p.name for p in project.root.parent.iterdir())
    breaker(project)

    exit_code, output = run("check", str(project.root), "--format", "json")
    assert exit_code == 1
    found = json.loads(output)
    matching = [d for d in found if d["code"] == code and d["path"] == path]
    assert matching, found
    if line:
        assert any(d["line"] == line for d in matching), matching
    assert any(words in d["message"] for d in matching), matching

    exit_code, output = run("build", str(project.root))
    assert exit_code == 1
    assert "Traceback" not in output
    where = f"{path}:{line}: " if line else f"{path}"
    assert any(row.startswith(where) and words in row for row in output.splitlines()), output
    assert tree(project.out) == before
    assert sorted(p.name for p in project.root.parent.iterdir()) == outside_before
    assert not Path("/tmp/pwned").exists()


def test_all_problems_of_a_run_are_reported_together_sorted(project: Project) -> None:
    project.write("content/publications/b.md", GOOD.replace("component: ice", "component: nope"))
    project.write("content/publications/a.md", GOOD.replace("date: 2020-05-01", "date: 2020-13-01"))
    project.write("content/publications/c.md", GOOD.replace("title: A good title", "title: [x]"))
    exit_code, output = run("check", str(project.root))
    assert exit_code == 1
    rows = [row for row in output.splitlines() if row.startswith("content/")]
    assert [row.split(":")[0] for row in rows] == [f"content/publications/{n}.md" for n in "abc"]


def test_github_format_annotates_the_changed_line(project: Project) -> None:
    replace("component: ice", "component: icee")(project)
    exit_code, output = run("check", str(project.root), "--format", "github")
    assert exit_code == 1
    assert f"::error file={PUB},line=4,title=unknown-component::unknown component" in output


def test_warnings_fail_only_when_strict(project: Project) -> None:
    replace("summary: A summary.", "summary: " + "Long. " * 60)(project)
    assert run("check", str(project.root))[0] == 0
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 1 and "long-summary" not in output and "characters long" in output


def test_usage_errors_exit_2(project: Project, tmp_path: Path) -> None:
    assert run("check", str(tmp_path / "nowhere"))[0] == 2
    assert run("build", str(project.root), "--jobs", "-3")[0] == 2
    assert run("check", str(project.root), "--format", "xml")[0] == 2


@pytest.mark.parametrize("output", ["{project}", "{project}/content", "/", "~", "{project}/content/x"])
def test_refuses_dangerous_output_folders(project: Project, output: str) -> None:
    project.write(PUB, GOOD)
    target = os.path.expanduser(output.format(project=project.root))
    exit_code, text = run("build", str(project.root), "-o", target)
    assert exit_code == 1 and "output folder" in text


def test_refuses_to_empty_a_folder_it_did_not_write(project: Project, tmp_path: Path) -> None:
    project.write(PUB, GOOD)
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    exit_code, text = run("build", str(project.root), "-o", str(foreign))
    assert exit_code == 1 and "did not write" in text
    assert (foreign / "thesis.docx").read_text() == "precious"


def test_new_publication_writes_a_valid_file(project: Project) -> None:
    exit_code, output = run(
        "new",
        "publication",
        str(project.root),
        "--component",
        "ice",
        "--type",
        "fact-sheet",
        "ICE Body Worn Cameras: Año 2026",
    )
    assert exit_code == 0, output
    written = list((project.root / "content/publications").rglob("ice-body-worn-cameras-ano-2026.md"))
    assert len(written) == 1 and "# summary (required)" in written[0].read_text()
    assert run("check", str(project.root))[0] == 0
    assert run("new", "publication", str(project.root), "--component", "icee", "--type", "fact-sheet", "X")[0] == 2


def test_schema_command_prints_the_json_schema() -> None:
    exit_code, output = run("schema")
    schema = json.loads(output)
    assert exit_code == 0 and schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "date", "component", "type", "summary"}


def test_interrupted_build_leaves_the_old_site_and_no_debris(project: Project) -> None:
    for i in range(60):
        project.publication(f"p{i}", body="Text. " * 400)
    assert run("build", str(project.root))[0] == 0
    before = tree(project.out)
    template = project.root / "templates/publication.html"
    template.write_text(template.read_text() + "\n<!-- changed -->\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", str(project.root), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    staging = project.root / "._site.sitegen-staging"
    deadline = 30.0
    while not staging.exists() and process.poll() is None and deadline > 0:
        deadline -= 0.005
        import time

        time.sleep(0.005)
    process.terminate()
    _, err = process.communicate(timeout=30)
    if process.returncode == 0:
        pytest.skip("the build finished before it could be interrupted")  # machine too fast; nothing to test
    assert b"Traceback" not in err
    assert tree(project.out) == before
    assert not staging.exists()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_front_matter_never_raises(project: Project, text: str) -> None:
    from sitegen.builder import BuildOptions, check

    project.write(PUB, f"---\n{text}\n---\nBody\n")
    report = check(BuildOptions(project=project.root))
    assert all(d.path and d.message for d in report.diagnostics)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.dates().map(str),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "title",
                "date",
                "updated",
                "component",
                "type",
                "topics",
                "summary",
                "slug",
                "attachments",
                "aliases",
                "draft",
                "extra",
                "language",
                "other",
            ]
        ),
        yaml_values,
        max_size=10,
    )
)
def test_random_field_values_never_raise(project: Project, fields: dict) -> None:
    import yaml

    from sitegen.builder import BuildOptions, check

    project.write(PUB, "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\nBody\n")
    report = check(BuildOptions(project=project.root))
    assert all(d.path and d.message for d in report.diagnostics)
