"""Static files: our own assets (fingerprinted), the USWDS subset, attachments.

This module decides which files are copied and under which site path; `output.py` copies them.
USWDS is a pinned npm dependency (package.json), never committed: the subset the pages use is
taken from node_modules/@uswds/uswds/dist. Its fonts and images are referenced from its CSS by
relative URLs, so the subset keeps its folder layout under a folder named by a hash of its
contents; our own files carry the hash in their names. Either way a host can cache them forever.

Our own files are the theme's (`theme.py`): the built-in assets, with the project's `assets/`
replacing any of the same name and adding others. A wheel carries the USWDS subset in
`sitegen/builtin/uswds/` (put there by `hatch_build.py` with `uswds_subset`), so an install
without node_modules/ builds too; a node_modules/ in or above the project is used first.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .theme import PACKAGED, effective_files

USWDS_PACKAGE = Path("node_modules", "@uswds", "uswds")
USWDS_FILES = (
    "css/uswds.min.css",
    "js/uswds-init.min.js",
    "js/uswds.min.js",
    "img/us_flag_small.png",
    "img/icon-dot-gov.svg",
    "img/icon-https.svg",
    "img/favicons/favicon.png",
    "img/usa-icons/search.svg",
    "img/usa-icons/close.svg",
    "img/usa-icons/launch.svg",
)
_CSS_URL = re.compile(r"url\((?!['\"]?(?:data:|https?:|#))['\"]?([^'\")]+)['\"]?\)")


class AssetError(Exception):
    """A missing dependency the user must install; the message names the fix."""


@dataclass
class Assets:
    """Logical asset names -> site paths, and every file to copy as (site path, source)."""

    paths: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, Path]] = field(default_factory=list)
    signature: str = ""

    def url(self, name: str) -> str:
        return self.paths[name]


def find_uswds(project: Path) -> Path | None:
    """node_modules/@uswds/uswds in the project, a folder above it, beside the sitegen package, or the
    subset an installed wheel carries."""
    candidates = [folder / USWDS_PACKAGE for folder in (project.resolve(), *project.resolve().parents)]
    candidates.append(Path(__file__).resolve().parent.parent / USWDS_PACKAGE)
    candidates.append(PACKAGED / "uswds")
    if os.environ.get("SITEGEN_USWDS"):
        candidates.insert(0, Path(os.environ["SITEGEN_USWDS"]))
    for candidate in candidates:
        if (candidate / "dist" / "css" / "uswds.min.css").is_file():
            return candidate
    return None


def _digest(paths: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=5)
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def uswds_subset(uswds: Path) -> list[str]:
    """The files of USWDS's dist/ the pages use: USWDS_FILES and what its CSS refers to."""
    css = (uswds / "dist" / "css" / "uswds.min.css").read_text("utf-8")
    wanted = set(USWDS_FILES)
    for url in _CSS_URL.findall(css):
        wanted.add(os.path.normpath(os.path.join("css", url.split("?")[0].split("#")[0])).replace(os.sep, "/"))
    return sorted(wanted)


def collect_assets(project: Path) -> Assets:
    assets = Assets()
    uswds = find_uswds(project)
    if uswds is None:
        raise AssetError(
            "USWDS is not installed (node_modules/@uswds/uswds is missing); "
            "run `npm ci` in the repository to install it from package-lock.json"
        )
    dist = uswds / "dist"
    sources = uswds_subset(uswds)
    missing = [name for name in sources if not (dist / name).is_file()]
    if missing:
        raise AssetError(f"the installed USWDS lacks {', '.join(missing[:3])}; run `npm ci` to reinstall it")
    folder = f"/assets/uswds-{_digest([dist / name for name in sources])}/"
    for name in sources:
        assets.paths[f"uswds/{name}"] = folder + name
        assets.files.append((folder + name, dist / name))
    assets.files.append((folder + "LICENSE.md", uswds / "LICENSE.md"))

    for name, path in effective_files(project, "assets").items():
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{_digest([path])}.{suffix}" if dot else f"{name}.{_digest([path])}"
        assets.paths[name] = f"/assets/{hashed}"
        assets.files.append((f"/assets/{hashed}", path))
    assets.signature = "|".join(f"{name}={path}" for name, path in sorted(assets.paths.items()))
    return assets
