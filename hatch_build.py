"""Build hook: the built-in theme and the USWDS subset go into the wheel as sitegen/builtin/.

The repository keeps its layout: its top-level templates/ and assets/ are the built-in theme (and
the sample site's), so a wheel maps them to sitegen/builtin/templates/ and assets/. USWDS is an
npm package, never committed; the wheel carries the subset the pages use (sitegen.assets.uswds_subset)
as sitegen/builtin/uswds/, so a site builds from the wheel alone. An sdist carries the same subset
at its node_modules/ path, so a wheel built from the sdist finds it where a checkout has it.

Editable installs get nothing: sitegen then finds the theme beside the package (sitegen/theme.py)
and USWDS in node_modules/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

USWDS = Path("node_modules", "@uswds", "uswds")


class ThemeBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return
        root = Path(self.root)
        uswds = Path(os.environ["SITEGEN_USWDS"]) if os.environ.get("SITEGEN_USWDS") else root / USWDS
        if not (uswds / "dist" / "css" / "uswds.min.css").is_file():
            raise RuntimeError(f"USWDS is missing ({uswds}): run `npm ci` before building sitegen's wheel or sdist")
        sys.path.insert(0, str(root))
        try:
            from sitegen.assets import uswds_subset
        finally:
            sys.path.pop(0)
        files = ["package.json", "LICENSE.md", *(f"dist/{name}" for name in uswds_subset(uswds))]
        if self.target_name == "wheel":
            target = "sitegen/builtin/uswds"
            for folder in ("templates", "assets"):
                build_data["force_include"][str(root / folder)] = f"sitegen/builtin/{folder}"
        else:
            target = USWDS.as_posix()
        for name in files:
            build_data["force_include"][str(uswds / name)] = f"{target}/{name}"
