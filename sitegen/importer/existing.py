"""What the project already holds, so that a re-run updates what an import wrote and nothing else.

Every publication file is read once (no symbolic links followed), its front matter parsed with
the same safe loader as a build, and indexed by `extra.import_id`, by its old address
(`extra.import_url`) and by its aliases, with the slugs and paths already taken. A file an
import did not write (no `extra.import_id`) is never changed by one. Reads only.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..frontmatter import parse_yaml, split_front_matter


@dataclass
class Existing:
    path: str  # relative to content/: publications/2018/x.md
    slug: str
    data: dict[str, Any]
    body: str
    text: str

    @property
    def extra(self) -> dict[str, Any]:
        extra = self.data.get("extra")
        return extra if isinstance(extra, dict) else {}

    @property
    def import_id(self) -> str:
        value = self.extra.get("import_id")
        return str(value) if value not in (None, "") else ""

    @property
    def import_url(self) -> str:
        value = self.extra.get("import_url")
        return str(value) if isinstance(value, str) else ""

    @property
    def aliases(self) -> list[str]:
        value = self.data.get("aliases")
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []


@dataclass
class ExistingContent:
    publications: list[Existing] = field(default_factory=list)
    by_id: dict[str, Existing] = field(default_factory=dict)
    by_alias: dict[str, Existing] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)  # slug -> path
    paths: set[str] = field(default_factory=set)
    broken_ids: dict[str, str] = field(default_factory=dict)  # import id seen in an unreadable file -> path
    pages: set[str] = field(default_factory=set)  # slugs of content/pages/

    def by_old_url(self, old_path_of: Any) -> dict[str, Existing]:
        """Imported files by the path of their old address (`old_path_of` normalises it)."""
        found: dict[str, Existing] = {}
        for pub in self.publications:
            if pub.import_id and pub.import_url:
                path = old_path_of(pub.import_url)
                if path:
                    found.setdefault(path, pub)
        return found


PARALLEL_FILES = 1000  # below this, starting workers costs more than reading
_IMPORT_ID = re.compile(r"""^\s+import_id:\s*["']?(.+?)["']?\s*$""", re.MULTILINE)


def _walk(folder: Path) -> list[str]:
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(top, d)))
        for name in sorted(files):
            full = os.path.join(top, name)
            if name.endswith(".md") and stat.S_ISREG(os.lstat(full).st_mode):
                found.append(os.path.relpath(full, folder).replace(os.sep, "/"))
    return found


def _read_one(folder: str, relative: str) -> tuple[str, str, Any, str, str, list[str]]:
    """(relative path, slug, front matter or None, body, text, import ids seen in an unreadable file)."""
    stem = Path(relative).stem
    try:
        with open(os.path.join(folder, relative), "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return relative, stem, None, "", "", []
    split, _ = split_front_matter(text, relative)
    data = None
    if split is not None:
        doc = parse_yaml(split.front_matter, relative, split.front_matter_line)
        data = doc.data if isinstance(doc.data, dict) else None
    if data is None:
        return relative, stem, None, "", text, [match.group(1) for match in _IMPORT_ID.finditer(text)]
    slug = data["slug"] if isinstance(data.get("slug"), str) else stem
    return relative, slug, data, split.body if split else "", text, []


def _read_chunk(job: tuple[str, list[str]]) -> list[tuple[str, str, Any, str, str, list[str]]]:
    return [_read_one(job[0], relative) for relative in job[1]]


def read_existing(project: Path, jobs: int = 0) -> ExistingContent:
    """Every publication file of the project, parsed in worker processes when there are many."""
    content = project / "content"
    existing = ExistingContent()
    pages = content / "pages"
    if pages.is_dir():
        existing.pages = {Path(name).stem for name in _walk(pages)}
    folder = content / "publications"
    if not folder.is_dir():
        return existing
    relatives = _walk(folder)
    workers = jobs or (os.cpu_count() or 1)
    if len(relatives) >= PARALLEL_FILES and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        size = max(1, len(relatives) // (workers * 8))
        chunks = [(str(folder), relatives[i : i + size]) for i in range(0, len(relatives), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = [item for chunk in pool.map(_read_chunk, chunks) for item in chunk]
    else:
        results = _read_chunk((str(folder), relatives))
    for relative, slug, data, body, text, broken in results:
        path = f"publications/{relative}"
        existing.paths.add(path)
        existing.slugs.setdefault(slug, path)
        if data is None:
            for import_id in broken:
                existing.broken_ids.setdefault(import_id, path)
            continue
        pub = Existing(path, slug, data, body, text)
        existing.publications.append(pub)
        if pub.import_id:
            existing.by_id.setdefault(pub.import_id, pub)
        for alias in pub.aliases:
            existing.by_alias.setdefault(alias.rstrip("/") or "/", pub)
    return existing


__all__ = ["Existing", "ExistingContent", "read_existing"]
