from __future__ import annotations

from pathlib import Path

import pytest

from fixture_site import make_site
from sitegen.builder import BuildOptions, build
from sitekit import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid minimal project: two components, two pages, no publications yet."""
    return Project(tmp_path / "site")


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The generated library of tests/fixture_site.py, written once per session: read it, never
    change it (copy its folder first)."""
    return make_site(tmp_path_factory.mktemp("library") / "site")


@pytest.fixture(scope="session")
def library_www(library: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A web root whose library/ folder is the library built once, search index included, as
    `sitegen build` does: the base path under a root, as on the host. Read it, never change it."""
    root = tmp_path_factory.mktemp("library-www")
    cache = tmp_path_factory.mktemp("library-cache")
    report = build(BuildOptions(project=library.root, out=root / "library", cache_dir=cache, jobs=1))
    assert report.ok, "the library does not build:\n" + "\n".join(d.text() for d in report.diagnostics)
    return root


DEPLOYMENT_TESTS = {"test_deploy.py", "test_workflows.py", "test_publish_safety.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser and deployment tests, so CI can run them as steps of their own:
    `pytest -m "not browser and not deployment"` is the fast core."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if item.path.name in DEPLOYMENT_TESTS:
            item.add_marker(pytest.mark.deployment)
