"""Publishing is safe against kill -9, concurrent builds, planted links and odd output folders.

After any crash the live site is the previous build or the complete new one, never a mix, and the
next build gives exactly what a clean build into a fresh folder gives.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.builder import BuildOptions, build
from sitegen.output import DELAY_VARIABLE, INSIDE_STAGING, MARKER, SPARE_RECORD, Output
from sitekit import REPO, Project, tree

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
ENV.pop("CI", None)


def clean(project: Project, tmp: Path) -> dict[str, bytes]:
    """What a clean build of the project's current inputs publishes."""
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    report = build(
        BuildOptions(
            project=project.root, out=out, use_cache=False, jobs=1, search=False, cache_dir=tmp / "clean-cache"
        )
    )
    assert report.ok, [d.text() for d in report.diagnostics]
    return tree(out)


def command(project: Project, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "build", str(project.root), "--no-search", "-q", *extra]


def run(project: Project, *extra: str) -> subprocess.CompletedProcess:
    done = subprocess.run(command(project, *extra), capture_output=True, text=True, env=ENV, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def assert_no_debris(out: Path) -> None:
    """No staging or old folder is left, and the spare tree beside the output (kept to start the
    next build from) holds nothing but hard links to published files."""
    for what in ("staging", "old"):
        assert not (out.parent / f".{out.name}.sitegen-{what}").exists(), what
    assert not (out / INSIDE_STAGING).exists()
    spare = out.parent / f".{out.name}.sitegen-spare"
    for folder, _dirs, names in os.walk(spare):
        for name in names:
            kept = Path(folder, name)
            if kept == spare / SPARE_RECORD:
                continue  # the spare's own record of what it lacks: never published (test_spare_record.py)
            assert os.path.samefile(kept, out / kept.relative_to(spare)), kept


def make_site(project: Project, count: int, words: int = 20) -> None:
    for i in range(count):
        project.publication(
            f"pub-{i:03d}",
            date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 10}",
            component=("ice", "cbp")[i % 2],
            type=("fact-sheet", "report")[i % 2],
            topics=[("privacy", "immigration", "cybersecurity")[i % 3]],
            body=f"## Section {i}\n\n" + f"Text of publication {i}. " * words + "\n",
        )


def edit(project: Project, rng: random.Random, step: int) -> None:
    """A change to many outputs at once: a template, titles (listings), added and deleted files."""
    pubs = sorted((project.root / "content/publications").rglob("*.md"))
    actions = rng.sample(["template", "titles", "add", "delete", "bodies"], 2)
    if "template" in actions:
        path = project.root / "templates/publication.html"
        path.write_text(path.read_text() + f"\n<!-- edit {step} -->\n")
    if "titles" in actions:
        for path in rng.sample(pubs, 5):
            path.write_text(path.read_text().replace("title: ", f"title: Edited {step} ", 1))
    if "add" in actions:
        for i in range(4):
            project.publication(f"added-{step}-{i}", date=f"20{rng.randint(10, 25)}-05-05", component="cbp")
    if "bodies" in actions:
        for path in rng.sample(pubs, 3):
            path.write_text(path.read_text() + f"\nMore text {step}.\n")
    if "delete" in actions:
        for path in rng.sample(pubs, 4):
            path.unlink()


@contextlib.contextmanager
def inputs_saved(project: Project, tmp: Path) -> Iterator[Callable]:
    saved = tmp / "saved-inputs"
    shutil.rmtree(saved, ignore_errors=True)
    for name in ("content", "templates"):
        shutil.copytree(project.root / name, saved / name)

    def revert() -> None:
        for name in ("content", "templates"):
            shutil.rmtree(project.root / name)
            shutil.copytree(saved / name, project.root / name)

    yield revert


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


def kill_while_publishing(
    project: Project, out: Path, staging: Path, rng: random.Random, phase: str, publish_seconds: float, *extra: str
) -> int | None:
    """Start a build and kill -9 it at a random moment of one phase.

    "linking": while it builds the new tree (after the staging folder got its marker, which is
    written first when publishing begins); "after-switch": once the output folder is the new one,
    before the record of the build is saved (the test hook pauses there); "anytime": 0-1.5 s in.
    """
    before = os.stat(out).st_ino
    process = subprocess.Popen(
        command(project, *extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**ENV, DELAY_VARIABLE: "0.002"},
    )  # 2 ms a file, 0.5 s after the switch
    try:
        if phase == "linking":
            wait_for(lambda: (staging / MARKER).exists() or process.poll() is not None, 60)
            time.sleep(rng.uniform(0, publish_seconds))
        elif phase == "after-switch":
            wait_for(lambda: os.stat(out).st_ino != before or process.poll() is not None, 60)
            time.sleep(rng.uniform(0, 0.1))
        else:
            time.sleep(rng.uniform(0, 1.5))
        process.send_signal(signal.SIGKILL)
    finally:
        _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err, err
    return process.returncode


PHASES = [
    ("linking", False),
    ("after-switch", True),
    ("anytime", False),
    ("linking", True),
    ("after-switch", False),
]  # (when, revert the edit after)


def test_kill_9_while_publishing_leaves_old_or_new_and_the_next_build_converges(tmp_path: Path) -> None:
    project = Project(tmp_path / "s", page_size=10)
    make_site(project, 50)
    assert run(project).returncode == 0
    out, staging = project.out, project.root / "._site.sitegen-staging"
    assert tree(out) == clean(project, tmp_path)
    publish_seconds = len(tree(out)) * 0.002 * 0.5
    rng = random.Random(20260412)
    for step, (phase, undo) in enumerate(PHASES):
        old = tree(out)
        with inputs_saved(project, tmp_path) as revert:
            edit(project, rng, step)
            new = clean(project, tmp_path)
            assert new != old
            code = kill_while_publishing(project, out, staging, rng, phase, publish_seconds)
            after = tree(out)
            assert after in (old, new), f"step {step}: a mix of the old and the new site"
            outcome = (phase, code, "old" if after == old else "new")
            if phase != "anytime":  # the switch is the one moment the site changes
                assert outcome[1:] == (-signal.SIGKILL, "old" if phase == "linking" else "new"), outcome
            if undo:  # the edit is undone after the kill: the next build must still converge
                revert()
                new = old
        report = project.build()
        assert report.ok, [d.text() for d in report.diagnostics]
        assert tree(out) == new, f"step {step} after {outcome}"  # `new` is a clean build of the inputs
        assert_no_debris(out)


def test_three_builds_at_once_into_one_output(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    make_site(project, 20)
    assert run(project).returncode == 0
    edit(project, random.Random(3), 0)
    processes = [
        subprocess.Popen(command(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV) for _ in range(3)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0 and b"Traceback" not in err, err
    assert tree(project.out) == clean(project, tmp_path)

    # Three different projects, each with its own cache, into one shared folder at once.
    shared = tmp_path / "shared"
    copies = []
    for i in range(3):
        copy = Project(tmp_path / f"copy-{i}")
        make_site(copy, 10 + 4 * i)
        copies.append(copy)
    processes = [
        subprocess.Popen(command(copy, "-o", str(shared)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        for copy in copies
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0 and b"Traceback" not in err, err
    assert tree(shared) in [clean(copy, tmp_path / f"clean-{i}") for i, copy in enumerate(copies)]
    for copy in (copies[2], copies[0]):  # each one's record of the folder may be out of date now
        assert run(copy, "-o", str(shared)).returncode == 0
        assert tree(shared) == clean(copy, tmp_path)
    assert_no_debris(shared)


def test_an_existing_empty_output_folder_works_on_every_build(project: Project, tmp_path: Path) -> None:
    make_site(project, 3)
    project.out.mkdir()
    for step in range(3):
        report = project.build()
        assert report.ok, [d.text() for d in report.diagnostics]
        assert (project.out / MARKER).is_file()
        project.publication(f"more-{step}")
    assert project.build().ok
    assert tree(project.out) == clean(project, tmp_path)


def test_planted_links_are_replaced_and_their_targets_never_touched(project: Project, tmp_path: Path) -> None:
    make_site(project, 6)
    assert project.build().ok
    victim = tmp_path / "victim.html"
    victim.write_text("not the site's")
    folder = tmp_path / "victim-folder"
    folder.mkdir()
    (folder / "index.html").write_text("not the site's either")
    (folder / "keep.txt").write_text("keep me")
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (victim, *folder.iterdir())}
    page = project.out / "publications/pub-001/index.html"
    page.unlink()
    page.symlink_to(victim)
    shutil.rmtree(project.out / "publications/pub-002")
    (project.out / "publications/pub-002").symlink_to(folder, target_is_directory=True)
    (project.out / "stale-link").symlink_to(folder, target_is_directory=True)  # not an output at all
    (project.out / "publications/pub-003/index.html").unlink()
    os.link(victim, project.out / "publications/pub-003/index.html")  # a hard link to a file elsewhere

    report = project.build()  # nothing in the inputs changed
    assert report.ok, [d.text() for d in report.diagnostics]
    assert tree(project.out) == clean(project, tmp_path)
    for path in (page, project.out / "publications/pub-002", project.out / "publications/pub-002/index.html"):
        assert not path.is_symlink()
    assert not os.path.lexists(project.out / "stale-link")
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in before} == before
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "keep.txt"]


def _children(pid: int) -> set[int]:
    found = set()
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found |= {int(child) for child in handle.read().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie is gone
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_killed_build_leaves_no_worker_processes(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    make_site(project, 500, words=200)
    process = subprocess.Popen(
        command(project, "--jobs", "2", "--no-cache"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    try:
        assert wait_for(lambda: len(_children(process.pid)) >= 2 or process.poll() is not None, 60)
        workers = _children(process.pid)
        if process.poll() is not None or not workers:
            pytest.skip("the build finished before its workers could be seen")
        process.kill()
    finally:
        process.wait(timeout=60)
    assert wait_for(lambda: not any(_alive(pid) for pid in workers), 10), "workers outlived their build"


@pytest.fixture
def mount_point(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs mounted at a fresh folder: an output folder on another file system than its parent."""
    point = tmp_path / "mounted"
    point.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_an_output_that_is_a_mount_point(mount_point: Path, tmp_path: Path) -> None:
    project = Project(tmp_path / "s", page_size=10)
    make_site(project, 40)
    out = mount_point
    for step in range(2):
        assert run(project, "-o", str(out)).returncode == 0, step
        assert tree(out) == clean(project, tmp_path)
        assert os.path.ismount(out)
        edit(project, random.Random(step), step)
    # A link planted inside is replaced, never followed.
    victim = tmp_path / "victim.html"
    victim.write_text("not the site's")
    page = next(out.glob("publications/*/index.html"))
    page.unlink()
    page.symlink_to(victim)
    # Killed while moving files in (not atomic here), then the next build converges.
    rng = random.Random(7)
    for step in range(2):
        edit(project, rng, 10 + step)
        kill_while_publishing(project, out, out / INSIDE_STAGING, rng, "linking", 0.3, "-o", str(out))
        assert run(project, "-o", str(out)).returncode == 0
        assert tree(out) == clean(project, tmp_path), step
        assert not (out / INSIDE_STAGING).exists()
    assert victim.read_text() == "not the site's" and not page.is_symlink()


def test_a_full_disk_is_a_diagnostic_and_leaves_the_site(mount_point: Path, tmp_path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=3m", str(mount_point)], check=True)
    project = Project(tmp_path / "s")
    make_site(project, 5)
    out = mount_point / "site"  # a small disk, beside the output too: the staging folder is there
    assert run(project, "-o", str(out)).returncode == 0
    before = tree(out)
    for i in range(40):
        project.publication(f"big-{i}", body="Many words. " * 3000)
    done = subprocess.run(command(project, "-o", str(out)), capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "the disk is full" in done.stderr, done.stderr
    assert tree(out) == before
    assert_no_debris(out)


def test_a_read_only_output_is_a_diagnostic(mount_point: Path, tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    make_site(project, 5)
    out = mount_point / "site"
    assert run(project, "-o", str(out)).returncode == 0
    before = tree(out)
    project.publication("new-one")
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    done = subprocess.run(command(project, "-o", str(out)), capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "the output folder cannot be written: Read-only file system" in done.stderr, done.stderr
    assert tree(out) == before


def test_without_the_exchange_two_renames_and_a_kill_between_them_is_undone(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_site(project, 5)
    monkeypatch.setattr("sitegen.output._exchange", lambda first, second: False)
    assert project.build().ok
    project.publication("new-one")
    assert project.build().ok
    assert tree(project.out) == clean(project, tmp_path)
    # A build killed between its two renames: the output is gone, the previous site is beside it.
    before = tree(project.out)
    project.out.rename(project.root / "._site.sitegen-old")
    (project.root / "._site.sitegen-staging").mkdir()
    project.publication("another")
    assert project.build().ok
    assert tree(project.out) == clean(project, tmp_path) != before
    assert_no_debris(project.out)


def test_the_builder_is_told_which_published_paths_are_not_plain_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / MARKER).write_text("")
    (out / "a/index.html").write_text("x")
    (out / "a/link.html").symlink_to(out / "a/index.html")
    os.mkfifo(out / "pipe")
    output = Output(out)
    assert output.begin() == {"a/link.html", "pipe"}
    assert output.published == {"a/index.html"}
    output.abort()


def test_read_only_folders_in_the_live_site_do_not_stop_a_build(tmp_path: Path) -> None:
    """As a user without the power to write into read-only folders (root with no capabilities)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to build as a user bound by folder permissions")
    project = Project(tmp_path / "s")
    make_site(project, 25)
    assert run(project).returncode == 0
    for folder in (project.out / "publications", project.out):
        folder.chmod(0o555)
    for step in range(2):
        edit(project, random.Random(step), step)
        done = subprocess.run(
            [setpriv, "--bounding-set=-all", "--inh-caps=-all", *command(project)],
            capture_output=True,
            text=True,
            env=ENV,
            timeout=120,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert tree(project.out) == clean(project, tmp_path), step
        assert_no_debris(project.out)
