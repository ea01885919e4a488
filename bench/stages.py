"""Where a cold sitegen build spends its CPU, by stage: a bench-side profile (sitegen is not changed).

    python bench/stages.py DIR [-o OUT] [--search] [--calibrate] [--top 12] [--json FILE]

Deletes DIR/.sitegen-cache and OUT (default: a temporary folder), then builds DIR once with
`sitegen build DIR -o OUT --jobs 1 --no-search` in a child process under cProfile with a CPU
clock (time.process_time, so a busy machine does not inflate it), and attributes every function's
own CPU time to a stage:

  Markdown     Python-Markdown and sitegen/markup.py (bodies -> HTML, link recording)
  Jinja        jinja2, markupsafe, the compiled templates, sitegen/render.py
  guards       sitegen/guards.py (the output guards run on every rendered page)
  accessibility sitegen/accessibility.py (body text checks)
  writing      sitegen/output.py (staging, writing, hard links, the final rename)
  SQLite       sitegen/store.py and sitegen/cache.py, sqlite3 (bodies, kept routes, per-file results)
  YAML         PyYAML and sitegen/frontmatter.py
  sanitising   sitegen/sanitize.py and nh3
  reading      file reads, opens, stats and directory walks not made inside another stage
  imports      Python importing modules (start-up)
  other        everything else: loading, validation, the site graph, routes, fingerprints, ...

A function inside one of those files or packages belongs to that stage; any other function (a
builtin, `re`, `str.join`, `html.parser`...) is shared out among the stages of its callers in
proportion to the CPU time each caller spent in it (cProfile records time per caller), which is
gprof's rule: exact for a helper called from one stage, an estimate for one called from several.
"reading" only takes what would otherwise be "other". `--jobs 1` keeps everything in one process
(no parse or render workers); attachment readers, if any, are children and are in the build's
CPU but not in the profile.

The profiler slows Python code that makes many small calls (Markdown most of all) more than the
rest; `--calibrate` also times the same cold build without the profiler and prints each stage
scaled to it (its share of the profile times the unprofiled CPU), which is the column to compare
with bench/run.py's CPU s. Prints a Markdown table; `--json` writes the numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

STAGES = (
    "Markdown",
    "Jinja",
    "guards",
    "accessibility",
    "writing",
    "SQLite",
    "YAML",
    "sanitising",
    "reading",
    "imports",
    "other",
)
# (stage, a fragment of the function's file path) for functions that belong to a stage outright.
FILE_RULES = (
    ("Markdown", "/markdown/"),
    ("Markdown", "sitegen/markup.py"),
    ("Jinja", "/jinja2/"),
    ("Jinja", "/markupsafe/"),
    ("Jinja", "sitegen/render.py"),
    ("guards", "sitegen/guards.py"),
    ("accessibility", "sitegen/accessibility.py"),
    ("writing", "sitegen/output.py"),
    ("SQLite", "sitegen/store.py"),
    ("SQLite", "sitegen/cache.py"),
    ("YAML", "/yaml/"),
    ("YAML", "sitegen/frontmatter.py"),
    ("sanitising", "sitegen/sanitize.py"),
    ("imports", "<frozen importlib."),
    ("imports", "<frozen zipimport>"),
)
# Builtins (file "~") by a fragment of their name.
BUILTIN_RULES = (
    ("SQLite", "sqlite3."),
    ("sanitising", "nh3."),
    ("imports", "builtins.__import__"),
    ("imports", "marshal.loads"),
)
# Stages that take only the share that would otherwise be "other".
FALLBACK_RULES = (
    ("reading", "<method 'read' of '_io."),
    ("reading", "<method 'readline' of '_io."),
    ("reading", "io.open"),
    ("reading", "posix.stat"),
    ("reading", "posix.lstat"),
    ("reading", "posix.scandir"),
    ("reading", "posix.listdir"),
    ("reading", "read_text"),
    ("reading", "read_bytes"),
)


def _name(func: tuple[str, int, str]) -> str:
    file, line, name = func
    return name if file == "~" else f"{file}:{line}({name})"


def _own_stage(func: tuple[str, int, str]) -> str | None:
    file, _, name = func
    if file == "~":
        return next((stage for stage, part in BUILTIN_RULES if part in name), None)
    # Compiled Jinja templates carry the template's file name.
    if file.endswith((".html", ".xml", ".txt")) or file == "<template>":
        return "Jinja"
    path = file.replace(os.sep, "/")
    return next((stage for stage, part in FILE_RULES if part in path), None)


def _fallback(func: tuple[str, int, str]) -> str | None:
    file, _, name = func
    text = name if file == "~" else name if file.endswith("pathlib.py") else ""
    return next((stage for stage, part in FALLBACK_RULES if part in text), None)


def attribute(stats: dict, rounds: int = 60) -> tuple[dict[str, float], list[tuple[str, str, float]]]:
    """CPU seconds per stage from pstats' `stats` dict; and the top functions by own time."""
    own = {func: _own_stage(func) for func in stats}
    share: dict = {}  # func -> {stage: fraction}
    for func, stage in own.items():
        share[func] = {stage: 1.0} if stage else {"other": 1.0}
    for _ in range(rounds):  # a fixed point of "a function's stages are its callers' stages, by time"
        changed = 0.0
        for func, (_, _, _, _, callers) in stats.items():
            if own[func]:
                continue
            weights = {c: v[3] or v[2] for c, v in callers.items() if c != func and c in share}
            total = sum(weights.values())
            if not total:
                weights = {c: v[1] for c, v in callers.items() if c != func and c in share}
                total = sum(weights.values())
            if not total:
                continue  # a root: stays "other"
            mix: dict[str, float] = {}
            for caller, weight in weights.items():
                for stage, fraction in share[caller].items():
                    mix[stage] = mix.get(stage, 0.0) + fraction * weight / total
            changed = max(changed, sum(abs(mix.get(s, 0.0) - share[func].get(s, 0.0)) for s in STAGES))
            share[func] = mix
        if changed < 1e-6:
            break
    seconds = dict.fromkeys(STAGES, 0.0)
    for func, (_, _, tottime, _, _) in stats.items():
        mix = dict(share[func])
        fallback = _fallback(func)
        if fallback and not own[func] and "other" in mix:
            mix[fallback] = mix.get(fallback, 0.0) + mix.pop("other")
        for stage, fraction in mix.items():
            seconds[stage] += tottime * fraction
    top = sorted(stats.items(), key=lambda item: -item[1][2])[:40]
    dominant = [
        (_name(f), max(share[f].items(), key=lambda kv: kv[1])[0] if share[f] else "other", v[2]) for f, v in top
    ]
    return seconds, dominant


def build_command(site: Path, out: Path, search: bool) -> list[str]:
    command = ["build", str(site), "-o", str(out), "--jobs", "1"]
    return command if search else command + ["--no-search"]


def child(profile_path: str, argv: list[str]) -> int:
    """Run `python -m sitegen ARGV` in this process under a CPU-clock profiler."""
    sys.path.insert(0, str(REPO))  # the repository's sitegen, as `python -m sitegen` run from it imports
    profiler = cProfile.Profile(time.process_time)
    sys.argv = ["sitegen", *argv]
    code: int | str | None = 0
    profiler.enable()
    try:
        runpy.run_module("sitegen", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = stop.code
    finally:
        profiler.disable()
        profiler.dump_stats(profile_path)
    return code if isinstance(code, int) else (0 if code is None else 1)


def _cold(site: Path, out: Path) -> None:
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


def _timed(command: list[str]) -> tuple[int, float, float, str]:
    """(exit status, wall s, CPU s of the process tree, output) of one command."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, output


def profile(site: Path, out: Path | None = None, search: bool = False, calibrate: bool = False) -> dict:
    """Profile one cold `--jobs 1` build of `site`; the result as a dict (see `table`)."""
    site = Path(site).resolve()
    with tempfile.TemporaryDirectory(prefix="sitegen-stages-") as tmp:
        out = Path(out).resolve() if out else Path(tmp) / "_site"
        prof = Path(tmp) / "build.prof"
        args = build_command(site, out, search)
        env_python = [sys.executable]
        result: dict = {"site": str(site), "command": "sitegen " + " ".join(args), "search": search}
        if calibrate:
            _cold(site, out)
            code, wall, cpu, output = _timed([*env_python, "-m", "sitegen", *args])
            if code != 0:
                raise SystemExit(f"the unprofiled build failed (exit {code}):\n{output[-3000:]}")
            result["unprofiled"] = {"wall_s": wall, "cpu_s": cpu}
        _cold(site, out)
        code, wall, cpu, output = _timed(
            [*env_python, str(Path(__file__).resolve()), "--child", str(prof), "--", *args]
        )
        if code != 0:
            raise SystemExit(f"the profiled build failed (exit {code}):\n{output[-3000:]}")
        stats = pstats.Stats(str(prof)).stats  # type: ignore[attr-defined]
        seconds, top = attribute(stats)
        result["profiled"] = {"wall_s": wall, "cpu_s": cpu, "profile_s": sum(seconds.values())}
        result["stages"] = seconds
        result["top"] = top[:40]
        result["summary"] = next((line for line in output.splitlines() if line.startswith("Built ")), "")
        pages = sum(name.endswith(".html") for _, _, files in os.walk(out) for name in files)
        result["pages"] = pages
        result["publications"] = len(list(site.glob("content/publications/*/*.md")))
    return result


def table(result: dict, top: int = 0) -> str:
    seconds = result["stages"]
    total = sum(seconds.values()) or 1.0
    unprofiled = (result.get("unprofiled") or {}).get("cpu_s")
    pubs = max(1, result.get("publications", 0))
    head = "| stage | CPU s (profiled) | share | ms/publication |" + (" ≈ CPU s unprofiled |" if unprofiled else "")
    rule = "| --- | ---: | ---: | ---: |" + (" ---: |" if unprofiled else "")
    rows = [head, rule]
    for stage in STAGES:
        s = seconds[stage]
        row = f"| {stage} | {s:.2f} | {100 * s / total:.1f}% | {1000 * s / pubs:.2f} |"
        if unprofiled:
            row += f" {unprofiled * s / total:.2f} |"
        rows.append(row)
    row = f"| **total** | {total:.2f} | 100% | {1000 * total / pubs:.2f} |"
    rows.append(row + (f" {unprofiled:.2f} |" if unprofiled else ""))
    notes = [
        f"`{result['command']}` (cold: no cache, no output), {result.get('publications', 0):,} publications, "
        f"{result.get('pages', 0):,} HTML pages",
        f"profiled run: {result['profiled']['cpu_s']:.2f} s CPU (process tree), {result['profiled']['wall_s']:.2f} s wall; "
        f"the profile accounts for {total:.2f} s",
    ]
    if unprofiled:
        u = result["unprofiled"]
        notes.append(
            f"unprofiled run: {u['cpu_s']:.2f} s CPU, {u['wall_s']:.2f} s wall (profiler overhead "
            f"{result['profiled']['cpu_s'] / u['cpu_s']:.2f}x)"
        )
    notes.append(f"1-minute load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    text = "\n".join(rows) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    if top:
        text += "\n| function (most own CPU) | stage | own CPU s |\n| --- | --- | ---: |\n"
        text += "\n".join(f"| `{name[-90:]}` | {stage} | {s:.2f} |" for name, stage, s in result["top"][:top]) + "\n"
    return text


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[3:] if argv[2:3] == ["--"] else argv[2:])
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", type=Path, help="a sitegen project (e.g. written by bench/corpus.py)")
    parser.add_argument(
        "-o", "--output", type=Path, help="build into this folder (deleted first; default: a temporary one)"
    )
    parser.add_argument("--search", action="store_true", help="build the search index too (default: --no-search)")
    parser.add_argument("--calibrate", action="store_true", help="also time the build without the profiler")
    parser.add_argument("--top", type=int, default=12, help="list the N functions with the most own CPU (default 12)")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)
    if not (args.site / "content").is_dir():
        parser.error(f"{args.site} has no content/ folder")
    result = profile(args.site, args.output, args.search, args.calibrate)
    print(table(result, args.top))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
