"""`sitegen report stale`: the publications due for review, oldest first, on fixture sites."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.report import describe_age, parse_age, stale_csv, stale_json, stale_rows, stale_table, threshold
from sitekit import Project, tree

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def library(project: Project) -> Project:
    """Publications whose last review comes from each field, on both sides of 2024-06-01 minus 2 years."""
    project.publication("reviewed-long-ago", date="2015-01-01", reviewed="2020-01-01", updated="2023-01-01")
    project.publication("updated-on-the-day", date="2016-01-01", updated="2022-06-01")  # exactly 2 years: not older
    project.publication("updated-before", date="2016-01-01", updated="2022-05-31")
    project.publication("only-date", date="2019-03-04", title="Only | a date")
    project.publication("reviewed-lately", date="2010-01-01", reviewed="2024-01-10")
    project.publication("recent", date="2024-05-01")
    project.publication("old-draft", date="2001-01-01", draft=True)
    project.publication("old-retired", date="2001-01-01", retired={"date": "2010-01-01", "reason": "Superseded."})
    project.publication("scheduled", date="2003-01-01", publish_at="2999-01-01")
    return project


def test_ages_are_read_as_years_months_or_days() -> None:
    assert parse_age("2y") == (2, "y") and parse_age("18m") == (18, "m") and parse_age(" 90D ") == (90, "d")
    for bad in ("2", "y", "2w", "0y", "-1y", "1.5y", "two years", ""):
        with pytest.raises(ValueError, match="such as 2y, 18m or 90d"):
            parse_age(bad)


def test_thresholds_count_calendar_months_back() -> None:
    assert threshold(TODAY, (2, "y")) == dt.date(2022, 6, 1)
    assert threshold(TODAY, (18, "m")) == dt.date(2022, 12, 1)
    assert threshold(TODAY, (90, "d")) == dt.date(2024, 3, 3)
    assert threshold(dt.date(2024, 3, 31), (1, "m")) == dt.date(2024, 2, 29)  # no February 31: its last day
    assert threshold(dt.date(2024, 2, 29), (1, "y")) == dt.date(2023, 2, 28)
    assert threshold(TODAY, (9999, "y")) == dt.date.min


def test_ages_are_said_as_people_say_them() -> None:
    assert describe_age(dt.date(2020, 1, 1), TODAY) == "4 years, 5 months"
    assert describe_age(dt.date(2023, 6, 1), TODAY) == "1 year"
    assert describe_age(dt.date(2024, 4, 2), TODAY) == "1 month"
    assert describe_age(dt.date(2024, 5, 2), TODAY) == "30 days"
    assert describe_age(dt.date(2024, 5, 31), TODAY) == "1 day"


def test_stale_lists_what_is_older_than_the_threshold_oldest_first(library: Project) -> None:
    rows, today, problems = stale_rows(library.root, (2, "y"), today=TODAY, jobs=1)
    assert today == TODAY and not [d for d in problems if d.severity == "error"]
    assert [(Path(r.publication).stem, r.last_reviewed.isoformat(), r.by) for r in rows] == [
        ("scheduled", "2003-01-01", "date"),
        ("only-date", "2019-03-04", "date"),
        ("reviewed-long-ago", "2020-01-01", "reviewed"),  # reviewed wins over a later updated
        ("updated-before", "2022-05-31", "updated"),
    ]
    first = rows[2]
    assert first.publication == "content/publications/2015/reviewed-long-ago.md"
    assert first.title == "Publication reviewed-long-ago"
    assert first.age_days == (TODAY - dt.date(2020, 1, 1)).days and first.age == "4 years, 5 months"
    text = (library.root / first.publication).read_text().splitlines()
    assert text[first.line - 1].startswith("reviewed:"), "the line of the field the date comes from"


def test_the_three_formats_hold_the_same_rows(library: Project) -> None:
    rows, today, _ = stale_rows(library.root, (2, "y"), today=TODAY, jobs=1)
    records = list(csv.DictReader(io.StringIO(stale_csv(rows))))
    assert [r["publication"] for r in records] == [r.publication for r in rows]
    assert records[1] == {
        "publication": "content/publications/2019/only-date.md",
        "line": "3",
        "title": "Only | a date",
        "last_reviewed": "2019-03-04",
        "by": "date",
        "age_days": str((TODAY - dt.date(2019, 3, 4)).days),
        "age": "5 years, 2 months",
    }
    items = json.loads(stale_json(rows))
    assert items[1] == {**records[1], "line": 3, "age_days": (TODAY - dt.date(2019, 3, 4)).days}
    table = stale_table(rows, (2, "y"), today).splitlines()
    assert table[0] == "| publication | title | last reviewed | age |"
    assert (
        table[3]
        == "| content/publications/2019/only-date.md:3 | Only \\| a date | 2019-03-04 (date) | 5 years, 2 months |"
    )
    assert table[4].endswith("| 2020-01-01 | 4 years, 5 months |"), "a reviewed date is shown as it is"
    assert table[-1] == "4 publications last reviewed more than 2 years before 2024-06-01."
    assert (
        stale_table([], (1, "m"), today).splitlines()[-1]
        == "0 publications last reviewed more than 1 month before 2024-06-01."
    )


def test_the_command_prints_each_format_and_exits_0(library: Project) -> None:
    runner = CliRunner()
    library.publication("fresh", date=dt.date.today().isoformat(), folder="2020")
    before = tree(library.root)
    result = runner.invoke(main, ["report", "stale", str(library.root), "--older-than", "18m", "--format", "json"])
    assert result.exit_code == 0, result.output
    stems = [Path(item["publication"]).stem for item in json.loads(result.output)]
    # Counted from today (in the site's time zone): what was published today is not due.
    assert stems[:4] == ["scheduled", "only-date", "reviewed-long-ago", "updated-before"]
    assert "old-draft" not in stems and "old-retired" not in stems and "fresh" not in stems
    result = runner.invoke(main, ["report", "stale", str(library.root), "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("publication,line,title,last_reviewed,by,age_days,age\n")
    result = runner.invoke(main, ["report", "stale", str(library.root)])
    assert result.exit_code == 0 and "last reviewed more than 2 years before" in result.output
    assert tree(library.root) == before, "a report writes nothing"


def test_a_bad_age_is_a_usage_error(library: Project) -> None:
    result = CliRunner().invoke(main, ["report", "stale", str(library.root), "--older-than", "2 weeks"])
    assert result.exit_code == 2 and "such as 2y, 18m or 90d" in result.output


def test_content_errors_are_shown_and_the_rest_is_listed(library: Project) -> None:
    library.publication("broken", date="2001-01-01", reviewed="2000-01-01")
    result = CliRunner().invoke(main, ["report", "stale", str(library.root), "--format", "csv"])
    assert result.exit_code == 0
    assert "content/publications/2001/broken.md:7: reviewed (2000-01-01) is earlier than date" in result.output
