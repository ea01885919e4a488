"""Reading YAML safely, with the line of every value, and splitting front matter from a body.

This module owns turning text into plain Python data plus a map from field paths to lines. It
uses PyYAML's safe C loader (pure-Python fallback) and never the full loader, so a tag such as
`!!python/object/apply:os.system` is an error and runs nothing. Anchors and aliases are refused,
which also bounds "billion laughs" documents. Dates are left as text here (YAML would turn
2019-02-30 into an exception); `schema.py` parses them with a line to blame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
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
    try:
        node = loader.get_single_node()
        if node is None:
            return doc
        problem = _check_nodes(node, doc, first_line)
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
            return error(line, "yaml-tag", f"YAML tags are not allowed here ({what})",
                         "remove the '!!' tag; write the value as plain text")
        hint = "check the indentation and that text containing ': ' or '#' is in quotes"
        return error(line, "yaml-syntax", f"malformed YAML: {what}", hint)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return error(first_line, "yaml-syntax", f"malformed YAML: {exc}")
    finally:
        loader.dispose()
    return doc


def _check_nodes(root: Node, doc: YamlDocument, first_line: int) -> tuple[int, str, str, str] | None:
    """Record lines by path; refuse aliases, duplicate keys and oversized documents."""
    seen: set[int] = set()
    stack: list[tuple[Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        line = first_line + node.start_mark.line
        if id(node) in seen:
            return (line, "yaml-alias", "YAML anchors and aliases (& and *) are not allowed",
                    "write the value out in full")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            return (line, "yaml-too-large", "this YAML document is too large", "")
        if path:
            doc.lines.setdefault(path, line)
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
                key_line = first_line + key_node.start_mark.line
                if key in keys:
                    return (key_line, "duplicate-field", f'"{key}" is given twice', "keep only one")
                keys.add(key)
                doc.lines[path + (key,)] = key_line
                stack.append((value_node, path + (key,)))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))
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
        return None, [Diagnostic(source, 1, "empty-file", "the file is empty",
                                 "start it with front matter between two '---' lines")]
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        return None, [Diagnostic(source, 1, "no-front-matter",
                                 "the file does not start with front matter",
                                 "the first line must be '---', followed by the fields and another '---'")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return SplitFile(
                front_matter="".join(lines[1:index]),
                body="".join(lines[index + 1:]),
                front_matter_line=2,
                body_line=index + 2,
            ), []
    return None, [Diagnostic(source, 1, "front-matter-unclosed",
                             "the front matter is not closed",
                             "add a line '---' after the last field")]
