from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid minimal project: two components, two pages, no publications yet."""
    return Project(tmp_path / "site")
