"""How long reading and hashing a project's Markdown takes, per hash: what every build's scan does.

    python bench/scan_hash.py DIR     # DIR: a project, e.g. from `python bench/corpus.py 10000 DIR`

Each hash reads every file through `scan.read_file`, on one thread (as the scan does) and on two
(what it did before: faster here, which drops the bytes at once, but slower in a build, which
keeps them for the parse; see scan.scan_project), three rounds, the best of each printed. Run
it twice: the first round also warms the page cache.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sitegen.scan import _sources, read_file


def _hash_all(paths: list[str], new: Callable[[bytes], Any]) -> None:
    for path in paths:
        new(read_file(path)).hexdigest()


def _timed(paths: list[str], new: Callable[[bytes], Any], threads: int) -> float:
    start = time.perf_counter()
    if threads == 1:
        _hash_all(paths, new)
    else:
        half = len(paths) // 2
        with ThreadPoolExecutor(1) as helper:
            later = helper.submit(_hash_all, paths[half:], new)
            _hash_all(paths[:half], new)
            later.result()
    return time.perf_counter() - start


def main() -> None:
    project = Path(sys.argv[1])
    markdown, _others, _problems = _sources(project)
    paths = [os.path.join(project, source) for _kind, source in markdown]
    size = sum(os.path.getsize(path) for path in paths)
    print(f"{len(paths):,} Markdown files, {size / 1e6:.1f} MB")
    for name, new in (("blake2b", hashlib.blake2b), ("sha256", hashlib.sha256)):
        for threads in (1, 2):
            best = min(_timed(paths, new, threads) for _ in range(3))
            print(f"{name:8} {threads} thread{'s' if threads > 1 else ' '}  {best:.3f} s")


if __name__ == "__main__":
    main()
