"""The theme a project is built with: sitegen's built-in templates and assets, and the project's overrides.

The built-in theme is the repository's top-level `templates/` and `assets/`. An installed wheel
carries them as package data in `sitegen/builtin/` (with the USWDS subset the pages use, which
a wheel-only install has no node_modules/ to take from); an editable install or a checkout has
no such folder, and finds them beside the package. A file in the project's own `templates/` or
`assets/` wins over the built-in file of the same relative name; everything else comes from the
built-in theme, so a project needs only `content/`. An override can extend the built-in
template it replaces as `builtin/<name>` (`{% extends "builtin/base.html" %}`).

This module only says which file is which; it reads no bytes except to fingerprint the
built-in theme. The project's folders are walked (and their symlinks refused) by `loader.py`;
the built-in theme is sitegen's own code, trusted like its modules.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGED = PACKAGE / "builtin"  # in a wheel: templates/, assets/, uswds/
CHECKOUT = PACKAGE.parent  # in a checkout or an editable install: the repository
BUILTIN_PREFIX = "builtin/"  # `{% extends "builtin/base.html" %}` from an override of base.html
FOLDERS = ("templates", "assets")


class ThemeError(Exception):
    """The built-in theme is missing: a broken install (the message says how to fix it)."""


def builtin_root() -> Path:
    """The folder that holds the built-in templates/ and assets/."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "templates" / "base.html").is_file():
            return root
    raise ThemeError(
        f"sitegen's built-in theme is missing (no templates/base.html in {PACKAGED} or {CHECKOUT}); reinstall sitegen"
    )


def builtin_folder(kind: str) -> Path:
    """The built-in templates/ or assets/."""
    return builtin_root() / kind


def _files(folder: Path) -> dict[str, Path]:
    """Relative name -> path of every regular file under folder, hidden files and editor backups left out."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(top, name)
            if name.startswith(".") or name.endswith("~") or path.is_symlink() or not path.is_file():
                continue  # a symlink or special file in the project is reported by scan._sources
            found[path.relative_to(folder).as_posix()] = path
    return found


def effective_files(project: Path, kind: str) -> dict[str, Path]:
    """Relative name -> the file a build uses: the project's where it has one, else the built-in one."""
    files = _files(builtin_folder(kind))
    own = project / kind
    if own.resolve() != builtin_folder(kind).resolve():  # the repository builds its own sample site
        files.update(_files(own))
    return dict(sorted(files.items()))


def template_folders(project: Path) -> list[Path]:
    """Where templates are looked for, in order: the project's overrides, then the built-in theme."""
    builtin = builtin_folder("templates")
    own = project / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def builtin_signature() -> str:
    """A digest of every built-in template and asset: what a build of any project depends on.

    sitegen's code signature covers only its Python modules; the theme is files beside them (in
    a checkout, files anyone may edit), so it is fingerprinted by its bytes, on every build.
    """
    digest = hashlib.blake2b(digest_size=16)
    root = builtin_root()
    digest.update(str(root).encode() + b"\0")
    for kind in FOLDERS:
        for name, path in _files(root / kind).items():
            digest.update(f"{kind}/{name}\0".encode() + hashlib.blake2b(path.read_bytes()).digest())
    return digest.hexdigest()
