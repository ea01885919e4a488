"""Reading YAML safely, with the line of every value, and splitting front matter from a body.

This module owns turning text into plain Python data plus a map from field paths to lines. It
uses PyYAML's safe C loader (pure-Python fallback) and never the full loader, so a tag such as
`!!python/object/apply:os.system` is an error and runs nothing. Anchors and aliases are refused,
which also bounds "billion laughs" documents. Dates are left as text here (YAML would turn
2019-02-30 into an exception); `schema.py` parses them with a line to blame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # PyYAML built without libyaml
    # The same safe loader in pure Python: the same methods, another class.
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """The safe loader without the implicit timestamp type, so dates reach the schema as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

_OPENERS = {"quoted scalar": "a quote", "flow sequence": "a [", "flow mapping": "a {"}
# PyYAML's words for the usual mistakes, in words a contributor can act on.
_PLAIN_PROBLEMS = {
    "mapping values are not allowed": "a value contains ': ' (a colon and a space), which needs the value in quotes",
    "found character '\\t'": "a tab is used for indentation; use spaces",
    "found undefined alias": "a value starts with '*', which needs the value in quotes",
    "expected alphabetic or numeric character": "a value starts with '&' or '*', which needs the value in quotes",
}
MAX_NODES = 20_000  # far beyond any real front matter; bounds hostile documents

Path = tuple[Any, ...]


@dataclass
class YamlDocument:
    """Parsed YAML: `data` is None when the text was empty or broken (see `diagnostics`)."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def line(self, *path: Any) -> int:
        """Line of the value at `path`, else of its nearest parent, else of the document start."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse_yaml(text: str, source: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; `first_line` is the file line where `text` starts."""
    doc = YamlDocument(lines={(): first_line})

    def error(line: int, code: str, message: str, hint: str = "") -> YamlDocument:
        doc.diagnostics.append(Diagnostic(source, line, code, message, hint))
        doc.data = None
        return doc

    loader = _Loader(text)
    lines = _BREAKS.split(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return doc
        problem = _check_nodes(node, doc, first_line, lines)
        if problem:
            return error(*problem)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "invalid YAML").strip()
        opener = next((sign for word, sign in _OPENERS.items() if word in (exc.context or "")), None)
        if exc.context_mark is not None and opener is not None:
            # An unclosed quote or bracket is found lines later: blame where it was opened.
            mark = exc.context_mark
            what = f"{opener} that is never closed"
        what = next((plain for word, plain in _PLAIN_PROBLEMS.items() if word in what), what)
        line = first_line + mark.line if mark else first_line
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in what:
            return error(line, "yaml-tag", f"YAML tags are not allowed here ({what})", _tag_hint(lines, mark))
        explained = _explain(lines, exc, first_line)
        if explained is not None:
            index, message, hint = explained
            return error(first_line + index, "yaml-syntax", f"malformed YAML: {message}", hint)
        hint = "check the indentation and that text containing ': ' or '#' is in quotes"
        return error(line, "yaml-syntax", f"malformed YAML: {what}", hint)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return error(first_line, "yaml-syntax", f"malformed YAML: {exc}")
    finally:
        loader.dispose()
    return doc


# -- Saying what a YAML mistake is -------------------------------------------------------------
# PyYAML names the line where it noticed a problem, in parser words ("did not find expected key"
# five lines after an unclosed quote). Contributors need the line where the mistake is and what to
# type instead, so the text is read again, line by line, around PyYAML's marks.

_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, so indexes match its marks
_LINE = re.compile(
    r"(?P<lead>[ \t]*(?:-(?:[ \t]+|$))*)"
    r"(?:(?P<key>[A-Za-z0-9_-][\w .-]*?)[ \t]*:(?:[ \t]+|$))?(?P<value>.*?)[ \t]*$"
)
_NO_SPACE = re.compile(r"[ \t]*(?:-[ \t]+)*(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:/\\].*?)[ \t]*")
_BLOCK_TEXT = re.compile(r"[|>][0-9+-]*(?:[ \t]+#.*)?")
_FIRST_CHARACTERS = {
    "@": "which YAML does not allow at the start of a value",
    "`": "which YAML does not allow at the start of a value",
    "%": "which YAML reads as a directive",
    "*": "which YAML reads as an alias (a reference to another value)",
    "&": "which YAML reads as an anchor",
    "!": "which YAML reads as a tag",
    "|": "which YAML reads as the start of a block of lines",
    ">": "which YAML reads as the start of a block of lines",
    "-": "which YAML reads as the start of a list",
    "?": "which YAML reads as a complex key",
    "]": "which YAML reads as the end of a list",
    "}": "which YAML reads as the end of a set of fields",
    ",": "which YAML does not allow at the start of a value",
}
_NO_FIELD_NAME = (
    "this line has no ': ' (a colon and a space) after a field name",
    "write it as 'field: value'; if it belongs to the value on the line above, "
    "put that whole value in quotes on one line",
)
Explanation = tuple[int, str, str]  # (index of the line in the YAML text, message, hint)


def _line(text: str) -> re.Match[str]:
    """`_LINE` matched against one line; every part of it may be empty, so it always matches."""
    match = _LINE.match(text)
    if match is None:  # only a line with a line break inside, which _BREAKS never leaves
        raise ValueError(f"not one line: {text!r}")
    return match


def _explain(lines: list[str], exc: yaml.MarkedYAMLError, first: int) -> Explanation | None:
    """The line of the real mistake, what it is and what to type, or None when it is not recognised."""
    problem, context = exc.problem_mark, exc.context_mark
    late = _scan(lines, problem.line if problem else len(lines) - 1, first)
    if late is not None:
        return late
    words = f"{exc.context or ''} {exc.problem or ''}"
    if context is not None and context.line < len(lines):
        if "flow sequence" in words or "flow mapping" in words:
            return (context.line, *_unclosed_bracket(lines[context.line], context.column))
        if "quoted scalar" in words:  # a quote inside [ ] or { } (a quote that starts a value is found above)
            sign = lines[context.line][context.column : context.column + 1]
            kind = 'double quote (")' if sign == '"' else "single quote (')"
            return (
                context.line,
                f"the {kind} on this line is never closed",
                f"close it with {sign} on the same line, or remove it",
            )
        if "simple key" in words:
            return (context.line, *_NO_FIELD_NAME)
    if problem is None or problem.line >= len(lines):
        return None
    index, column = problem.line, problem.column
    text = lines[index]
    if "\t" in text[: len(text) - len(text.lstrip(" \t"))]:
        return (index, *_tab(lines, index))
    top = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), index)
    indent = len(lines[top]) - len(lines[top].lstrip(" "))
    if top < index and indent > len(text) - len(text.lstrip(" ")):
        return (
            top,
            f"the first field is indented ({_spaces(indent)} before it), unlike the fields below it",
            f"delete the spaces so it starts at the beginning of the line: {lines[top].strip()}",
        )
    if text.lstrip(" ").startswith(":"):
        return (
            index,
            "this line starts with a colon; a field name goes before the colon",
            f"delete the colon, or type the field name before it: {text.strip()[1:].strip() or 'title: ...'}",
        )
    match = _line(text)
    key, value, start = match["key"], match["value"], match.start("value")
    if text[column : column + 1] == "\t" and key is not None:
        return (
            index,
            f'a tab is typed after "{key}:"; YAML needs a space there',
            f"type a space instead of the tab: {key}: {value}",
        )
    opened_here = context is not None and (context.line, context.column) == (index, start)  # `title: | x`
    if value[:1] in _FIRST_CHARACTERS and (start <= column <= start + 1 or opened_here):
        return (index, *_first_character(key, value))
    if "mapping values" in words and key is not None:
        if column >= start:
            return (index, *_colon_in_value(key, value))
        indented = _indented_key(lines, index, first)
        if indented is not None:
            return (index, *indented)
        above = _above(lines, index)
        owner = _line(lines[above]) if above is not None else None
        if above is not None and owner is not None and owner["key"] is None and "-" not in owner["lead"]:
            return (above, *_NO_FIELD_NAME)  # `ti` then `tle: x`: one key over two lines
    if value[:1] in "[{" and column > start:
        closing = "]" if value[0] == "[" else "}"
        return (
            index,
            f'{_subject(key)} starts with "{value[0]}", which YAML reads as the start of a list, '
            f'and the text after its "{closing}" does not fit',
            f"put {_whole(key)} in quotes: {_typed(key, _quoted(value))}",
        )
    misaligned = _misaligned(lines, index, first)
    return (index, *misaligned) if misaligned is not None else None


def _scan(lines: list[str], last: int, first: int) -> Explanation | None:
    """The first mistake up to line `last` that PyYAML notices only later: a quote that is not closed
    on its line (a later quote or apostrophe closes it), text after a closing quote, 'key:value'."""
    index, block = 0, -1
    while index <= min(last, len(lines) - 1):
        text = lines[index]
        indent = len(text) - len(text.lstrip(" \t"))
        if block >= 0 and (not text.strip() or indent > block):
            index += 1  # a line of a '|' or '>' block: text, not YAML
            continue
        block = -1
        match = _line(text)
        key, value, start = match["key"], match["value"], match.start("value")
        if value[:1] in ("'", '"'):
            closed = _close_quote(lines, index, start)
            if closed is None:
                return (index, *_unclosed_quote(key, value))
            end, after = closed
            rest = lines[end][after:].strip()
            if rest and rest[0] not in "#:,]}":
                if end > index:
                    return (index, *_unclosed_quote(key, value, first + end))
                return (index, *_after_quote(key, value, after - start))
            index = end + 1
            continue
        if _BLOCK_TEXT.fullmatch(value):
            block = match.start("key") if key is not None else max(match["lead"].rfind("-"), 0)
        elif key is None:
            glued = _NO_SPACE.fullmatch(text)
            if glued is not None:
                return (index, *_no_space(glued))
        index += 1
    return None


def _close_quote(lines: list[str], index: int, column: int) -> tuple[int, int] | None:
    """Line and column just after the quote that closes the one at (index, column), if any."""
    quote, column = lines[index][column], column + 1
    while index < len(lines):
        text = lines[index]
        while column < len(text):
            # An escape inside double quotes, a doubled quote inside single quotes: two characters.
            if (quote == '"' and text[column] == "\\") or (
                text[column] == quote and quote == "'" and text[column + 1 : column + 2] == "'"
            ):
                column += 2
            elif text[column] == quote:
                return index, column + 1
            else:
                column += 1
        index, column = index + 1, 0
    return None


def _unclosed_quote(key: str | None, value: str, closed_on: int = 0) -> tuple[str, str]:
    kind = 'double quote (")' if value[0] == '"' else "single quote (')"
    message = f"the {kind} that opens {_subject(key)} is never closed on its line"
    if closed_on:
        message += f" (YAML reads on to the next {value[0]} on line {closed_on})"
    suggestion = _quoted(value[1:].strip())
    return message, (
        f"put {_whole(key)} in {_kind(suggestion)} quotes and close them at the end of the line: "
        f"{_typed(key, suggestion)}"
    )


def _after_quote(key: str | None, value: str, after: int) -> tuple[str, str]:
    """`title: "Ready" or not` (the quotes are part of the text) or `title: 'It's here'` (an apostrophe)."""
    left = value[after:]
    if left[:1].isalnum():  # noqa: SIM108 - the quote closed inside a word: an apostrophe or a quote in the text
        text = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
    else:
        text = value
    suggestion = _quoted(text)
    return (
        f'{_subject(key)} starts with a quote, and YAML ends it at the next quote, so "{_short(left)}" is left over',
        f"put {_whole(key)} in {_kind(suggestion)} quotes: {_typed(key, suggestion)}",
    )


def _no_space(glued: re.Match[str]) -> tuple[str, str]:
    key, value = glued["key"], glued["value"]
    return (
        f'there is no space after the colon in "{_short(f"{key}:{value}")}"',
        f"type a space after the colon: {key}: {_short(value)}",
    )


def _colon_in_value(key: str, value: str) -> tuple[str, str]:
    what = "has a colon followed by a space (': ')" if ": " in value else "ends with a colon"
    return (
        f"{_subject(key)} {what}, which YAML reads as the start of another field",
        f"put the text in quotes: {_typed(key, _quoted(value))}",
    )


def _first_character(key: str | None, value: str) -> tuple[str, str]:
    return (
        f'{_subject(key)} starts with "{value[0]}", {_FIRST_CHARACTERS[value[0]]}',
        f"put {_whole(key)} in quotes: {_typed(key, _quoted(value))}",
    )


def _unclosed_bracket(text: str, column: int) -> tuple[str, str]:
    sign = text[column : column + 1] or "["
    closing, what = ("]", "list") if sign == "[" else ("}", "set of fields")
    key, value = _field(text)
    listed = value.rstrip(" ,")
    return (
        f'the "{sign}" that starts {_subject(key)} opens a {what} that is never closed',
        f'end the {what} with "{closing}" on the same line: {_typed(key, listed + closing)}; '
        f"if it is text, put it in quotes: {_typed(key, _quoted(value))}",
    )


def _tab(lines: list[str], index: int) -> tuple[str, str]:
    text = lines[index].lstrip(" \t")
    above = _above(lines, index)
    spaces = 0
    if above is not None:
        match = _line(lines[above])
        spaces = match.start("key") if match["key"] is not None else len(match["lead"])
        spaces += 2 if match["key"] is not None and not match["value"] else 0
    fix = f'"{" " * spaces}{text}"' if spaces else text
    return (
        "this line is indented with a tab; YAML allows only spaces at the start of a line",
        f"delete the tab and type {_spaces(spaces)} instead, so the line reads: {fix}"
        if spaces
        else f"delete the tab at the start of the line: {fix}",
    )


def _indented_key(lines: list[str], index: int, first: int) -> tuple[str, str] | None:
    """`  type: report` under `component: ice`: read as more text of "component"."""
    match = _line(lines[index])
    column = match.start("key")
    for above in range(index - 1, -1, -1):
        owner = _line(lines[above])
        text = lines[above].strip()
        if text and not text.startswith("#") and owner["key"] is not None and len(owner["lead"]) < column:
            where = owner.start("key")
            return (
                f'"{match["key"]}" is indented more than "{owner["key"]}" on line {first + above}, '
                f'so YAML reads it as more text of "{owner["key"]}"',
                f'put "{match["key"]}:" {_where(where)}, under "{owner["key"]}:" on line {first + above}',
            )
    return None


def _misaligned(lines: list[str], index: int, first: int) -> tuple[str, str] | None:
    """A '-' or 'key:' line that lines up with nothing above it: name the nearest line it should match."""
    match = _line(lines[index])
    dash = match["lead"].find("-")
    if dash < 0 and match["key"] is None:
        return None
    column = dash if dash >= 0 else match.start("key")
    best: tuple[int, int] | None = None  # (distance, line index) of the closest column above
    for above in range(index - 1, -1, -1):
        other = _line(lines[above])
        if lines[above].strip().startswith("#"):
            continue
        where = other["lead"].find("-") if dash >= 0 else (other.start("key") if other["key"] is not None else -1)
        if where < 0:
            continue
        if where == column:
            return None  # it lines up with something: not an indentation mistake
        if best is None or abs(where - column) < best[0]:
            best = (abs(where - column), above)
    previous = _above(lines, index)
    if best is None and dash >= 0 and previous is not None:
        other = _line(lines[previous])
        if other["key"] is not None and other["value"] and other.start("key") == dash:
            rest = lines[index].strip()[1:].strip()
            return (
                'this line starts with "-" (a list item), but the lines around it are fields',
                f'delete the "-" at the start of the line: {rest}',
            )
    if best is None:
        return None
    other = _line(lines[best[1]])
    line = first + best[1]
    if dash >= 0:
        where = other["lead"].find("-")
        return (
            f"this list item is not lined up with the item on line {line}",
            f'put the "-" {_where(where)}, under the "-" on line {line}',
        )
    where = other.start("key")
    return (
        f'"{match["key"]}" is not lined up with "{other["key"]}" on line {line}',
        f'put "{match["key"]}:" {_where(where)}, under "{other["key"]}:" on line {line}',
    )


def _nested_item(lines: list[str], item: Node, first: int) -> Explanation | None:
    """A `- item` indented under the item above is valid YAML, read as more text of that item."""
    if not isinstance(item, ScalarNode) or item.style or item.end_mark.line <= item.start_mark.line:
        return None
    top = item.start_mark.line
    dash = lines[top].rfind("-", 0, item.start_mark.column) if top < len(lines) else -1
    for index in range(top + 1, min(item.end_mark.line, len(lines) - 1) + 1):
        text = lines[index].lstrip(" \t")
        if dash >= 0 and (text == "-" or text.startswith(("- ", "-\t"))):
            return (
                index,
                f"malformed YAML: this list item is indented more than the item on line {first + top}, "
                "so YAML reads it as more text of that item",
                f'put the "-" {_where(dash)}, under the "-" on line {first + top}',
            )
    return None


def _comment_value(lines: list[str], key_node: Node, value_node: Node) -> tuple[str, str] | None:
    """`title: #5 report` is valid YAML: an empty title and a comment."""
    if (
        not isinstance(key_node, ScalarNode)
        or not isinstance(value_node, ScalarNode)
        or value_node.value
        or value_node.style
        or key_node.end_mark.line >= len(lines)
    ):
        return None
    glued = re.match(r"[ \t]*:[ \t]+(#[^\s#].*?)[ \t]*$", lines[key_node.end_mark.line][key_node.end_mark.column :])
    if glued is None:
        return None
    key = str(key_node.value)
    return (
        f'malformed YAML: {_subject(key)} starts with "#", which YAML reads as the start of a comment, '
        f"so {_subject(key)} is empty",
        f"put {_whole(key)} in quotes: {_typed(key, _quoted(glued[1]))}",
    )


def _tag_hint(lines: list[str], mark: Any) -> str:
    if mark is not None and mark.line < len(lines):
        key, value = _field(lines[mark.line])
        if value.startswith("!") and not value.startswith("!!"):
            return f"put {_whole(key)} in quotes: {_typed(key, _quoted(value))}"
    return "remove the '!!' tag; write the value as plain text"


def _field(text: str) -> tuple[str | None, str]:
    """The key and the raw value of a 'key: value' or '- value' line."""
    match = _line(text)
    return match["key"], match["value"]


def _above(lines: list[str], index: int) -> int | None:
    """The nearest line above with YAML on it (not blank, not a comment)."""
    for above in range(index - 1, -1, -1):
        text = lines[above].strip()
        if text and not text.startswith("#"):
            return above
    return None


def _char(lines: list[str], line: int, column: int) -> str:
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def _subject(key: str | None) -> str:
    if key is None:
        return "the list item"
    return f"the {key}" if key.isalpha() else f'the value of "{key}"'


def _whole(key: str | None) -> str:
    return "the whole item" if key is None else f"the whole {key}" if key.isalpha() else f'the whole value of "{key}"'


def _typed(key: str | None, value: str) -> str:
    return f"- {value}" if key is None else f"{key}: {value}"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:50].rstrip() + " ..."


def _quoted(text: str) -> str:
    """`text` as a YAML string to type, in the quotes it needs (shortened when long)."""
    text = _short(text)
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _kind(quoted: str) -> str:
    return "double" if quoted.startswith('"') else "single"


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _where(column: int) -> str:
    return "at the start of the line" if column == 0 else f"{_spaces(column)} from the left"


def _check_nodes(root: Node, doc: YamlDocument, first_line: int, lines: list[str]) -> tuple[int, str, str, str] | None:
    """Record lines by path; refuse aliases, duplicate keys and oversized documents, and catch
    the mistakes that are valid YAML but not what was meant (`title: &x`, `title: #5`, a list
    item indented under the one above, a lone `title:Report`)."""
    seen: set[int] = set()
    stack: list[tuple[Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        line = first_line + node.start_mark.line
        if id(node) in seen:
            return (
                line,
                "yaml-alias",
                "YAML anchors and aliases (& and *) are not allowed",
                "write the value out in full",
            )
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            return (line, "yaml-too-large", "this YAML document is too large", "")
        if _char(lines, node.start_mark.line, node.start_mark.column) == "&":
            key, value = _field(lines[node.start_mark.line])
            hint = (
                f"put {_whole(key)} in quotes: {_typed(key, _quoted(value))}"
                if isinstance(node, ScalarNode)
                else "write the value out in full"
            )
            return (
                line,
                "yaml-alias",
                f"YAML anchors and aliases (& and *) are not allowed: {_subject(key)} "
                'starts with "&", which YAML reads as an anchor',
                hint,
            )
        if not path and isinstance(node, ScalarNode) and not node.style:
            glued = _NO_SPACE.fullmatch(lines[node.start_mark.line])
            if glued:
                message, hint = _no_space(glued)
                return (line, "yaml-syntax", f"malformed YAML: {message}", hint)
        if path:
            doc.lines.setdefault(path, line)
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
                key_line = first_line + key_node.start_mark.line
                if key in keys:
                    first = doc.lines[path + (key,)]
                    return (
                        key_line,
                        "duplicate-field",
                        f'"{key}" is given twice (also on line {first})',
                        "keep only one of the two lines",
                    )
                keys.add(key)
                doc.lines[path + (key,)] = key_line
                comment = _comment_value(lines, key_node, value_node)
                if comment:
                    return (key_line, "yaml-syntax", *comment)
                stack.append((value_node, path + (key,)))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))
                nested = _nested_item(lines, item, first_line)
                if nested is not None:
                    return (first_line + nested[0], "yaml-syntax", nested[1], nested[2])
    return None


@dataclass
class SplitFile:
    front_matter: str
    body: str
    front_matter_line: int  # file line where the YAML starts
    body_line: int  # file line where the body starts


def split_front_matter(text: str, source: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Split `---` delimited front matter from the Markdown body."""
    if not text.strip():
        return None, [
            Diagnostic(
                source, 1, "empty-file", "the file is empty", "start it with front matter between two '---' lines"
            )
        ]
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        return None, [
            Diagnostic(
                source,
                1,
                "no-front-matter",
                "the file does not start with front matter",
                "the first line must be '---', followed by the fields and another '---'",
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return SplitFile(
                front_matter="".join(lines[1:index]),
                body="".join(lines[index + 1 :]),
                front_matter_line=2,
                body_line=index + 2,
            ), []
    return None, [_unclosed_front_matter(lines, source)]


def _unclosed_front_matter(lines: list[str], source: str) -> Diagnostic:
    """Blame a line that nearly closes the front matter (`----`, ` ---`, `—`), else the opening `---`
    (like an unclosed quote), naming the last field, after which the closing line belongs."""
    last = None
    for index in range(1, len(lines)):
        text = lines[index].rstrip("\r\n")
        if re.fullmatch(r"[ \t]*(?:[-\u2013\u2014][ \t]*){1,}", text) and text.strip() != "-":
            return Diagnostic(
                source,
                index + 1,
                "front-matter-unclosed",
                f'the front matter is not closed: this line is "{text.rstrip()}", and the closing line '
                "must be exactly three dashes (---) at the start of the line",
                "replace the line with: ---",
            )
        field = re.match(r"(?:[ \t]*-[ \t]+)*([A-Za-z0-9_][\w .-]*?)[ \t]*:(?:[ \t]|$)", text)
        if field and not text[:1].isspace() and not text.startswith("-"):
            last = (index, field[1])
        elif text.strip() and not text[:1].isspace() and not text.startswith(("#", "-")):
            break  # the text of the page starts here
    where = f' ("{last[1]}" on line {last[0] + 1})' if last else ""
    return Diagnostic(
        source,
        1,
        "front-matter-unclosed",
        "the front matter is not closed: the '---' on line 1 has no closing '---' line",
        f"add a line '---' after the last field{where}, before the text of the page",
    )
