"""Worker processes for parsing and rendering: forked where the platform forks safely, else none.

Workers inherit their inputs by fork, so nothing is pickled on the way in (a renderer holds a
Jinja environment and the body store, which do not pickle). Windows cannot fork, and on macOS a
forked child of a process that has used the system frameworks may crash (which is why Python
starts workers there by spawning). On those platforms sitegen runs the workers' code in its own
process: slower, and byte-identical, because the parallel path is the same functions over the
same chunks.
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


__all__ = ["fork_context"]
