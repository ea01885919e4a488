"""The README documents what the code does: the field table and the CLI commands."""

from pathlib import Path

from click.testing import CliRunner

from sitegen.cli import main
from sitegen.schema import markdown_table

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_field_table_matches_the_schema() -> None:
    start = README.index("<!-- fields:start")
    table = README[README.index("\n", start) + 1: README.index("<!-- fields:end -->")].strip()
    assert table == markdown_table()


def test_every_command_and_option_is_documented() -> None:
    for name, command in main.commands.items():
        assert f"sitegen {name}" in README, name
        commands = command.commands.values() if hasattr(command, "commands") else [command]
        for sub in commands:
            for param in sub.params:
                for option in getattr(param, "opts", []):
                    if option.startswith("--") and option != "--help":
                        assert option in README, f"sitegen {name}: {option}"
