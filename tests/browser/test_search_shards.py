"""A sharded search index (large libraries) behaves as one: results and filters span every shard."""

from __future__ import annotations

import functools
import http.server
import os
import re
import socketserver
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

import sitegen.search
from sitekit import Project

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    saved = sitegen.search.SHARD_SIZE
    sitegen.search.SHARD_SIZE = 2
    try:
        project = Project(tmp_path_factory.mktemp("sharded") / "s")
        for year, component in ((2018, "ice"), (2019, "cbp"), (2020, "ice")):
            for n in range(3):
                project.publication(
                    f"p{year}-{n}",
                    title=f"Zephyr report {year} {n}",
                    date=f"{year}-0{n + 1}-01",
                    component=component,
                    body=f"The zephyr programme, year {year}.",
                )
        report = project.build(search=True)
        assert report.ok, [d.text() for d in report.diagnostics]
    finally:
        sitegen.search.SHARD_SIZE = saved
    www = project.root / "www"
    www.mkdir()
    os.symlink(project.out, www / "library")
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/library"
    httpd.shutdown()
    httpd.server_close()


def test_results_and_filters_span_every_shard(page, sharded_url: str) -> None:  # noqa: ANN001
    """Three shards of three publications: one search counts all nine, a filter narrows across them."""
    page.goto(sharded_url + "/search/?q=zephyr")
    expect(page.locator("#search-form[data-search-ready]")).to_have_count(1, timeout=15_000)
    status = page.locator("#search-status")
    expect(status).to_contain_text("9 results", timeout=10_000)
    page.locator("label.usa-checkbox__label", has_text=re.compile(r"^Customs and Border Protection")).click()
    expect(status).to_contain_text("3 results", timeout=10_000)
    expect(status).to_contain_text("Customs and Border Protection")
