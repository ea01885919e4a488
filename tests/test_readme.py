"""The README documents what the code does: the field table and the CLI commands."""

from pathlib import Path

from sitegen.cli import main
from sitegen.schema import markdown_table

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_field_table_matches_the_schema() -> None:
    start = README.index("<!-- fields:start")
    table = README[README.index("\n", start) + 1 : README.index("<!-- fields:end -->")].strip()
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


def test_the_template_variable_table_is_generated_from_the_context_types() -> None:
    """Each page kind's variables are its context class's fields: the README's table is theirs."""
    from sitegen.contexts import template_variables

    start = "<!-- template-variables: generated from sitegen/contexts.py -->\n"
    assert start in README
    table = README.split(start, 1)[1].split("<!-- /template-variables -->", 1)[0]
    assert table == template_variables(), "regenerate the table: see the README's Templates section"
