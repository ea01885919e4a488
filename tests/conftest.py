from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid minimal project: two components, two pages, no publications yet."""
    return Project(tmp_path / "site")


DEPLOYMENT_TESTS = {"test_deploy.py", "test_workflows.py", "test_publish_safety.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser and deployment tests, so CI can run them as steps of their own:
    `pytest -m "not browser and not deployment"` is the fast core."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if item.path.name in DEPLOYMENT_TESTS:
            item.add_marker(pytest.mark.deployment)
