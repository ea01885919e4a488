"""Worker processes for parsing and rendering: forked where the platform forks safely, else none.

Workers inherit their inputs by fork, so nothing is pickled on the way in (a renderer holds a
Jinja environment and the body store, which do not pickle). Windows cannot fork, and on macOS a
forked child of a process that has used the system frameworks may crash (which is why Python
starts workers there by spawning). On those platforms sitegen runs the workers' code in its own
process: slower, and byte-identical, because the parallel path is the same functions over the
same chunks.

Work is handed out in chunks of decreasing size (guided scheduling): large ones while much is
left, so the per-chunk costs (a round trip to the pool, a transaction in the cache) stay small,
and small ones at the end, so no worker idles while another finishes a long last chunk.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.context import BaseContext


def fork_context() -> BaseContext | None:
    """The fork start method where it is available and safe, None where work must stay in-process."""
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def guided_chunks(count: int, workers: int, largest: int, smallest: int = 1) -> list[tuple[int, int]]:
    """Contiguous (start, end) ranges covering range(count) in order, each about an eighth of
    what is left per worker, between `smallest` and `largest` items."""
    chunks = []
    start = 0
    while start < count:
        size = max(smallest, min(largest, (count - start) // (max(1, workers) * 8)))
        chunks.append((start, min(count, start + size)))
        start += size
    return chunks


__all__ = ["fork_context", "guided_chunks"]
