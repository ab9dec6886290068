"""Reading the files users hand the tools, within bounds: stack files (YAML) and outputs files (JSON).

A stack file is read by a PyYAML ``SafeLoader`` that also refuses what PyYAML lets through:

- a key written twice in one map (PyYAML keeps the last silently, so a stack's setting could
  vanish without a word): each is named with both lines;
- aliases that expand to more values than a stack file could ever need (a "billion laughs"
  bomb of 1 KB would otherwise take minutes and gigabytes to walk), and an alias that contains
  itself;
- nesting deeper than :data:`MAX_DEPTH` (PyYAML composes recursively: deep enough, it ends in a
  ``RecursionError``);
- files larger than :data:`MAX_BYTES`.

Each refusal is one :class:`DocumentError` whose message names the file, the line where it
applies and the fix. YAML syntax errors get a plain hint for the common causes.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1024 * 1024
"""A stack file of 1,000 queues, each with its own target, is about 110 KB."""
MAX_DEPTH = 32
"""Levels of nesting; a stack file needs about 6 (config → queues → item → topics → topic)."""
MAX_VALUES = 100_000
"""Values (keys, items, scalars) with every alias expanded; 1,000 queues as objects are ~10,000."""
MAX_DUPLICATES_SHOWN = 10
MAX_NUMBER_CHARS = 40
"""Characters of a plain number: the largest a setting takes (an account id) has 12. PyYAML turns
more than 4,300 digits into a ValueError, and a base-60 number (``1:1:1…``) into an int too big
to print."""


class DocumentError(ValueError):
    """A file that cannot be read as what it should be. Each line of the message names the file."""


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader with a depth bound and duplicate keys recorded, both while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.duplicates: list[tuple[Any, int, int]] = []
        """(key, line, first line) of each key written again in its map."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        # Checked as composed, before merge keys (`<<: *defaults`) are flattened into the map:
        # an explicit key overriding a merged one is what merge keys are for.
        node: MappingNode = super().compose_mapping_node(anchor)
        first_line: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = (key_node.tag, key_node.value)
            if key in first_line:
                self.duplicates.append((key_node.value, _line(key_node), first_line[key]))
            else:
                first_line[key] = _line(key_node)
        return node

    def construct_bounded_int(self, node: ScalarNode) -> int:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _TooLong(_line(node), len(node.value))
        return int(self.construct_yaml_int(node))


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_bounded_int)


class _TooLong(Exception):
    def __init__(self, line: int, chars: int) -> None:
        self.line, self.chars = line, chars


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _expanded(root: Node) -> tuple[int, int, bool]:
    """(values, depth, has aliases) of the document with every alias expanded, counted without
    expanding it: each node once, memoised. Raises _Recursive for an alias inside itself."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    aliases = False
    # Iterative post-order walk: aliases can chain beyond Python's recursion limit.
    stack: list[tuple[Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_VALUES:
                return size[key], depth[key], aliases
            continue
        if key in size:
            aliases = True  # composed once, reached again: an alias
            continue
        if key in active:
            raise _Recursive(_line(node))
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children)
    return size[id(root)], depth[id(root)], aliases


class _Recursive(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def refuse_size(size: int, source: str) -> None:
    """A stack file larger than :data:`MAX_BYTES` is refused (before it is read, when the caller
    can tell its size)."""
    if size > MAX_BYTES:
        raise DocumentError(
            f"{source}: is {size:,} bytes; a stack file may be at most {MAX_BYTES:,} (1,000 queues take "
            "about 110 KB); is this the right file?"
        )


def load_yaml(text: str, source: str) -> Any:
    """The YAML document in ``text`` (None when empty), or :class:`DocumentError`."""
    refuse_size(len(text.encode("utf-8", "surrogatepass")), source)
    try:
        loader = _BoundedLoader(text)  # PyYAML's reader refuses unprintable characters here
    except yaml.YAMLError as e:
        raise DocumentError(f"{source}: not valid YAML: {e}") from None
    try:
        try:
            node = loader.get_single_node()
        except _TooDeep as e:
            raise DocumentError(
                f"{source}:{e.line}: nests more than {MAX_DEPTH} levels deep; a stack file needs about 6 "
                "(config, a key, a list, an item, its keys): flatten it"
            ) from None
        if node is None:
            return None
        try:
            values, levels, aliases = _expanded(node)
        except _Recursive as e:
            raise DocumentError(
                f"{source}:{e.line}: an alias (*name) refers to the anchor (&name) it sits in, which "
                "never ends; write the value out instead"
            ) from None
        if values > MAX_VALUES:
            raise DocumentError(
                f"{source}: its aliases (*name) expand to more than {MAX_VALUES:,} values, far more than a "
                "stack file needs (1,000 queues are about 10,000): write the values out instead"
                if aliases
                else f"{source}: holds more than {MAX_VALUES:,} values, far more than a stack file needs "
                "(1,000 queues are about 10,000); is this the right file?"
            )
        if levels > MAX_DEPTH:
            raise DocumentError(
                f"{source}: its aliases (*name) nest it more than {MAX_DEPTH} levels deep; a stack file "
                "needs about 6: write the values out instead"
            )
        try:
            document = loader.construct_document(node)
        except _TooLong as e:
            raise DocumentError(
                f"{source}:{e.line}: a number {e.chars:,} characters long; no setting takes a number of "
                f"more than {MAX_NUMBER_CHARS}: correct it, or quote it if it is meant as text"
            ) from None
    except yaml.MarkedYAMLError as e:
        raise DocumentError(syntax_message(e, source, text)) from None
    except yaml.YAMLError as e:
        raise DocumentError(f"{source}: not valid YAML: {e}") from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise DocumentError(duplicates_message(loader.duplicates, source))
    return document


def duplicates_message(duplicates: list[tuple[Any, int, int]], source: str) -> str:
    lines = [
        f"{source}:{line}: the key {key!r} is written twice in one map (first at line {first}); "
        "YAML allows each key once and readers differ on which one they keep: delete one, or merge them"
        for key, line, first in duplicates[:MAX_DUPLICATES_SHOWN]
    ]
    if len(duplicates) > MAX_DUPLICATES_SHOWN:
        lines.append(f"{source}: … and {len(duplicates) - MAX_DUPLICATES_SHOWN} more duplicate keys")
    return "\n".join(lines)


def syntax_message(error: yaml.MarkedYAMLError, source: str, text: str) -> str:
    lines = text.splitlines()
    mark = error.problem_mark or error.context_mark
    if mark is not None and mark.line >= len(lines) and error.context_mark is not None:
        # At the end of the file (an unclosed quote or bracket): where the unclosed thing starts.
        mark = error.context_mark
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    problem = error.problem or "not valid"
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    return f"{where}: not valid YAML: {problem}. Hint: {hint(problem, error.context or '', line)}"


TAB_HINT = "a tab in the indentation; YAML indents with spaces only"
INDENT_HINT = (
    "check this line's indentation against the lines above: the keys of one map, and the `-` items "
    "of one list, start in the same column (spaces, not tabs)"
)
COLON_HINT = (
    "a value containing ': ' needs quotes (name: \"Sales: EMEA\"), or this line is indented deeper "
    "than the key above it"
)
FLOW_HINT = (
    "a value starting with { or [ is read as a YAML map or list: quote it ('{text}') if it is text, "
    "or close every bracket"
)
QUOTE_HINT = "a value starting with * & @ ` ! % or | needs quotes"
UNCLOSED_HINT = "a quote (' or \") is opened and never closed"
GENERIC_HINT = (
    "the common causes are indentation (spaces only, keys of one map in the same column), a tab, "
    "and unquoted values containing ': ' or starting with { [ * & or @"
)


def hint(problem: str, context: str, line: str) -> str:  # noqa: PLR0911 (one return a cause)
    """A plain hint for the common causes of a PyYAML syntax error: ``problem`` and ``context`` are
    PyYAML's words, ``line`` the line the error points at."""
    if "\t" in line:
        return TAB_HINT
    if "quoted scalar" in context:
        return UNCLOSED_HINT
    if "flow" in context:  # "while parsing a flow mapping/sequence"
        return FLOW_HINT
    if "mapping values are not allowed" in problem:
        return COLON_HINT
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return INDENT_HINT
    if any(s in problem for s in ("undefined alias", "cannot start any token", "alphabetic or numeric")):
        return QUOTE_HINT
    return GENERIC_HINT


def load_json(text: str, source: str, fix: str) -> Any:
    """The JSON value in ``text``, within the same size and depth bounds, or
    :class:`DocumentError` (``fix`` says how to make a good file)."""
    if not isinstance(text, str):
        raise TypeError(f"{source}: JSON text expected")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES * 16:
        raise DocumentError(f"{source}: is larger than {MAX_BYTES * 16:,} bytes; {fix}")
    try:
        value = json.loads(text)
    except RecursionError:
        raise DocumentError(f"{source}: nests more than {MAX_DEPTH} levels deep; {fix}") from None
    except ValueError as e:
        raise DocumentError(f"{source}: is not JSON ({e}); {fix}") from None
    if json_depth(value) > MAX_DEPTH:
        raise DocumentError(f"{source}: nests more than {MAX_DEPTH} levels deep; {fix}")
    return value


def json_depth(value: Any) -> int:
    """Levels of nesting of a decoded JSON value, walked without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest
