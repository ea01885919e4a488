"""The pull-request workflow (.github/workflows/pr.yml) replayed on this machine, step by step, timed.

    python bench/pr_workflow.py [--workdir bench/out/pr] [--pushes 2]

GitHub's runners cannot be reached from here, so this runs what the workflow runs: each `run:`
step of its job, in order, with the workflow's and the step's `env:`, in a fresh clone of this
repository in which a content-only pull request (one sample publication's body edited) is the
head commit. The `uses:` steps are what GitHub provides: the checkout is the clone; setup-python
and setup-node are this machine's Python and Node; actions/cache restore and save keep the
workflow's paths in a tar file as actions/cache does (`tar --posix`); posting the comment and
uploading the preview are left out (network). The first push restores nothing (a new pull
request whose base has no deploy cache); each later push is a new commit on the same pull
request, in a fresh clone, with the cache the previous push saved.

The `${{ }}` expressions the workflow uses are given the values a run would have; an expression
this script does not know stops it, so a changed workflow is not timed half-replayed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PR_NUMBER = "1"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)  # noqa: S607
    return done.stdout.strip()


def expressions(base: str, head: str, temp: Path) -> dict[str, str]:
    """The value of each expression of pr.yml in a run of pull request 1 (a non-fork)."""
    return {
        "github.event.pull_request.number": PR_NUMBER,
        "github.event.pull_request.base.sha": base,
        "github.event.pull_request.head.sha": head,
        "github.sha": head,
        "runner.os": "Linux",
        "runner.temp": str(temp),
        "secrets.SITEGEN_CACHE_KEY": "bench-pr-workflow-cache-key-0123456789abcdef",
        "steps.python.outputs.python-path": shutil.which("python3") or sys.executable,
        "vars.PREVIEW_BASE_URL || format('https://localhost:8000/pr-{0}/', github.event.pull_request.number)": (
            f"https://localhost:8000/pr-{PR_NUMBER}/"
        ),
    }


def expand(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        if match[1] not in values:
            raise SystemExit(f"pr_workflow: the workflow uses ${{{{ {match[1]} }}}}, which this replay does not know")
        return values[match[1]]

    return EXPRESSION.sub(value, text)


def replay(workflow: dict, clone: Path, temp: Path, archive: Path, values: dict[str, str]) -> list[tuple[str, float]]:
    """Run the job's steps; returns (step, seconds) in order."""
    (job,) = workflow["jobs"].values()
    env = {**os.environ, "CI": "true", "GITHUB_STEP_SUMMARY": str(temp / "summary.md"), "RUNNER_TEMP": str(temp)}
    env.update({k: expand(str(v), values) for k, v in workflow.get("env", {}).items()})
    timings: list[tuple[str, float]] = []
    for step in job["steps"]:
        name = step.get("name") or step.get("uses", "")
        started = time.perf_counter()
        action = step.get("uses", "").split("@")[0]
        if action == "actions/cache/restore":
            if archive.is_file():
                subprocess.run(["tar", "-xf", str(archive), "-C", str(clone)], check=True)  # noqa: S607
        elif action == "actions/cache/save":
            paths = [path for path in step["with"]["path"].split() if (clone / path).exists()]
            subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(clone), *paths], check=True)  # noqa: S607
        elif "run" in step:
            step_env = {**env, **{k: expand(str(v), values) for k, v in step.get("env", {}).items()}}
            done = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", expand(step["run"], values)],  # noqa: S607
                cwd=clone,
                env=step_env,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise SystemExit(f"pr_workflow: step {name!r} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        else:
            name += " (GitHub's; not replayed)"
        timings.append((name, time.perf_counter() - started))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "bench" / "out" / "pr", help="where to work")
    parser.add_argument("--pushes", type=int, default=2, help="pushes to the pull request (default 2)")
    args = parser.parse_args(argv)
    work = args.workdir.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pr.yml").read_text("utf-8"))
    archive = work / "cache.tar"
    origin = work / "origin"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(origin)], check=True)  # noqa: S607
    base = git(origin, "rev-parse", "HEAD")
    publication = sorted((origin / "content" / "publications").rglob("*.md"))[0]
    results = []
    for push in range(1, args.pushes + 1):
        with publication.open("a", encoding="utf-8") as handle:  # a content-only pull request
            handle.write(f"\nA sentence added by push {push} of the pull request.\n")
        git(origin, "-c", "user.name=bench", "-c", "user.email=bench@example.gov", "commit", "-qam", f"push {push}")
        head = git(origin, "rev-parse", "HEAD")
        clone, temp = work / "runner" / "work", work / "runner" / "temp"
        shutil.rmtree(work / "runner", ignore_errors=True)
        temp.mkdir(parents=True)
        subprocess.run(["git", "clone", "--quiet", str(origin), str(clone)], check=True)  # noqa: S607
        git(clone, "checkout", "--quiet", "--detach", head)
        print(
            f"push {push}: {'no cache' if not archive.is_file() else 'the cache of push ' + str(push - 1)}", flush=True
        )
        timings = replay(workflow, clone, temp, archive, expressions(base, head, temp))
        results.append(timings)
        for name, seconds in timings:
            print(f"   {seconds:7.2f} s  {name}", flush=True)
        print(f"   {sum(s for _, s in timings):7.2f} s  total", flush=True)
    print("\n| step | " + " | ".join(f"push {n} s" for n in range(1, len(results) + 1)) + " |")
    print("| --- |" + " ---: |" * len(results))
    for index, (name, _) in enumerate(results[0]):
        print(f"| {name} | " + " | ".join(f"{timings[index][1]:.2f}" for timings in results) + " |")
    print("| **total** | " + " | ".join(f"**{sum(s for _, s in timings):.2f}**" for timings in results) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
