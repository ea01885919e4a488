"""The record of the last good build of an output folder: what it published and from what.

A build saves one `Manifest` per output folder in the cache (authenticated, see cache.py) and
the next build starts from it: pages whose fingerprint is unchanged are not rendered again, a
build whose inputs are all unchanged stops after reading them, and a quick rebuild re-renders
one publication's page from the state kept here. It is only a cache: a missing, old or foreign
manifest means a full build.
"""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostic

MANIFEST_VERSION = 2  # a manifest of another version is not read


@dataclass(frozen=True)
class QuickState:
    """What the last full build knew that a quick rebuild needs (see quick.py)."""

    frame: str  # the build's fingerprint blind to publication bytes (see Scan.frame)
    keys: dict[str, str]  # Markdown source -> content key, as last built
    pages: dict[str, str]  # publication source -> output file of its page, for published ones
    signature: str  # the site signature of every route fingerprint
    # (config, components, assets), what the renderer reads, pickled apart from the manifest:
    # unpickling them imports the parse's modules (the settings' classes), which a build that
    # finds nothing changed never needs. The manifest around them is authenticated (cache.py).
    inputs: bytes

    @staticmethod
    def keep(render_inputs: tuple[Any, ...]) -> bytes:
        """`render_inputs` as `inputs` holds them."""
        return pickle.dumps(render_inputs, protocol=pickle.HIGHEST_PROTOCOL)

    @property
    def render_inputs(self) -> tuple[Any, ...]:
        """(config, components, assets), as the last full build rendered with them."""
        value: tuple[Any, ...] = pickle.loads(self.inputs)  # noqa: S301 - part of the authenticated manifest
        return value


@dataclass(frozen=True)
class Manifest:
    published: str  # the identity of the output tree this build published (Output.identity)
    whole: str  # the fingerprint of every input the build read (builder._whole_fingerprints)
    pages: dict[str, str]  # output file -> fingerprint of the route rendered into it
    outputs: tuple[str, ...]  # every file the build published, sorted
    publications: int
    routes: int
    warnings: tuple[Diagnostic, ...] = ()  # the same inputs give the same warnings
    next_due: dt.datetime | None = None  # when the next scheduled publication goes live
    search: dict[str, str] = field(default_factory=dict)  # search shard -> fingerprint
    search_files: dict[str, list[str]] = field(default_factory=dict)  # search shard -> its files
    quick: QuickState | None = None
    version: int = MANIFEST_VERSION

    def due(self, now: dt.datetime) -> bool:
        """A scheduled publication has come due since this build."""
        return self.next_due is not None and now >= self.next_due


def readable(value: object) -> Manifest | None:
    """`value` if it is a manifest this version of sitegen wrote, else None."""
    return value if isinstance(value, Manifest) and value.version == MANIFEST_VERSION else None
