"""Stack files as an attacker or a tired editor writes them: read within bounds, each problem one
clean error that names the line, in every place a stack file is read (``python -m settings``,
``python -m operations plan``, ``settings.load_stack_file``), and the same bounds on the JSON the
program and the tools read (Pulumi config values, ``--outputs`` files)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

import settings
from commands import run
from settings import documents
from settings.sources import StackFileError, decode_pulumi_config

ROOT = Path(__file__).resolve().parent.parent
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended"
QUEUE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
GOOD = f"""config:
  aws:region: eu-west-1
  genesys-queue-events:target: {FUNCTION}
  genesys-queue-events:queues:
    - {QUEUE}
"""


def billion_laughs() -> str:
    """About 1 KB that expands to 9^9 (387 million) values."""
    text = 'config:\n  genesys-queue-events:x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 9):
        text += f"  genesys-queue-events:x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * 9) + "]\n"
    return text


HOSTILE = {
    "duplicate-key": (
        GOOD
        + "  genesys-queue-events:archive:\n    retentionDays: 14\n  genesys-queue-events:archive: false\n",
        ":8: the key 'genesys-queue-events:archive' is written twice in one map (first at line 6)",
    ),
    "duplicate-nested-key": (
        GOOD + f"    - id: {QUEUE.replace('a1', 'b2')}\n      enabled: false\n      enabled: true\n",
        ":8: the key 'enabled' is written twice in one map (first at line 7)",
    ),
    "alias-bomb": (billion_laughs(), ": its aliases (*name) expand to more than 100,000 values"),
    "recursive-alias": (
        GOOD + "  genesys-queue-events:tags: &t {a: *t}\n",
        ":6: an alias (*name) refers to the anchor",
    ),
    "deep-nesting": (
        GOOD + "  genesys-queue-events:tags: " + "[" * 5000 + "]" * 5000 + "\n",
        "nests more than 32 levels deep",
    ),
    "deep-through-aliases": (
        "a: &a " + "[" * 30 + "]" * 30 + "\nb: &b " + "[" * 20 + "*a" + "]" * 20 + "\n" + GOOD,
        ": its aliases (*name) nest it more than 32 levels deep",
    ),
    "huge": (
        GOOD + "  genesys-queue-events:tags: {team: " + "x" * (1024 * 1024) + "}\n",
        "bytes; a stack file may be at most 1,048,576",
    ),
    # PyYAML reads a plain number as an int: past 4,300 digits Python refuses to convert it
    # (ValueError), and a base-60 one (1:1:1…, YAML 1.1) grows without that limit.
    "long-integer": (
        GOOD + "  genesys-queue-events:dlqRetentionDays: " + "9" * 5000 + "\n",
        ":6: a number 5,000 characters long; no setting takes a number of more than 40",
    ),
    "base-60-integer": (
        GOOD + "  genesys-queue-events:retry: {maximumEventAgeSeconds: " + "1:" * 3000 + "1}\n",
        ":6: a number 6,001 characters long; no setting takes a number of more than 40",
    ),
    "tab": (
        GOOD.replace("  aws:region", "\taws:region"),
        "Hint: a tab in the indentation; YAML indents with spaces only",
    ),
    "indentation": (
        GOOD + "   - " + QUEUE + "\n",
        "Hint: check this line's indentation against the lines above",
    ),
    "unquoted-colon": (
        GOOD + "  genesys-queue-events:integration: EventBridge: dev\n",
        "Hint: a value containing ': ' needs quotes",
    ),
    "unquoted-brace": (
        GOOD + "  genesys-queue-events:integration: {dev\n",
        "Hint: a value starting with { or [ is read as a YAML map or list",
    ),
}


@pytest.mark.parametrize(("text", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_stack_file_is_one_clean_error(tmp_path, text, expected):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(text)
    with pytest.raises(StackFileError) as raised:
        settings.load_stack_file(path)  # what the program's tests and the tools read through
    assert str(raised.value).startswith(str(path))
    assert expected in str(raised.value)
    assert all(len(line) <= 1000 for line in str(raised.value).splitlines())


@pytest.mark.parametrize(("text", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_the_commands_that_read_stack_files_give_that_error_and_no_traceback(tmp_path, text, expected):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in (["settings", path.name], ["operations", "plan", path.name]):
        # A bound on the time: the alias bomb took minutes and over a gigabyte before.
        done = run([sys.executable, "-m", *argv], cwd=tmp_path, env=env, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
        assert expected in done.stderr, done.stderr
        assert all(len(line) <= 1000 for line in done.stderr.splitlines())


def test_every_duplicate_is_named_with_both_lines(tmp_path):
    path = tmp_path / "Pulumi.dup.yaml"
    path.write_text(GOOD + "  aws:region: eu-west-2\n  genesys-queue-events:target: x\n")
    with pytest.raises(StackFileError) as raised:
        settings.load_stack_file(path)
    assert str(raised.value).splitlines() == [
        f"{path}:6: the key 'aws:region' is written twice in one map (first at line 2); YAML allows each key "
        "once and readers differ on which one they keep: delete one, or merge them",
        f"{path}:7: the key 'genesys-queue-events:target' is written twice in one map (first at line 3); YAML "
        "allows each key once and readers differ on which one they keep: delete one, or merge them",
    ]


def test_what_yaml_allows_on_purpose_is_still_read(tmp_path):
    """Anchors, aliases and merge keys within the bounds, and a merged key overridden."""
    path = tmp_path / "Pulumi.anchors.yaml"
    path.write_text(
        "defaults: &defaults {enabled: false, target: " + FUNCTION + "}\n"
        "config:\n  aws:region: eu-west-1\n  genesys-queue-events:queues:\n"
        f"    - {{<<: *defaults, id: {QUEUE}, enabled: true}}\n"
        "    - {<<: *defaults, name: Billing}\n"
    )
    values, _ = settings.load_stack_file(path)
    assert values["queues"] == [
        {"enabled": True, "target": FUNCTION, "id": QUEUE},
        {"enabled": False, "target": FUNCTION, "name": "Billing"},
    ]
    # The depth bound is exact: a map holding 31 nested lists is 32 levels, 32 lists one too many.
    assert documents.load_yaml("a: " + "[" * 31 + "]" * 31, "x") is not None
    with pytest.raises(documents.DocumentError, match="nests more than 32 levels deep"):
        documents.load_yaml("a: " + "[" * 32 + "]" * 32, "x")


def test_a_deep_pulumi_config_value_is_no_recursion_error():
    """Pulumi hands the program JSON text: a value nested 5,000 deep stays text, and the settings
    refuse it as such (its type is wrong), with no RecursionError."""
    values = decode_pulumi_config({"genesys-queue-events:tags": "[" * 5000 + "]" * 5000})
    assert values["tags"] == "[" * 5000 + "]" * 5000
    with pytest.raises(settings.SettingsError) as raised:
        settings.parse(
            {**values, "queues": [QUEUE], "target": FUNCTION},
            aws_region="eu-west-1",
            environ={"GENESYS_CLIENT_ID": "x", "GENESYS_CLIENT_SECRET": "y"},
        )
    (problem,) = raised.value.problems
    assert problem.key == "tags" and len(str(problem)) < 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"routes": ' + "[" * 5000 + "]" * 5000 + "}", "nests more than 32 levels deep"),
        ('{"routes": ' + "[" * 40 + "]" * 40 + "}", "nests more than 32 levels deep"),
        ('{"routes": {}, "x": "' + "x" * (17 * 1024 * 1024) + '"}', "is larger than 16,777,216 bytes"),
    ],
    ids=["deep", "past-the-bound", "huge"],
)
def test_an_outputs_file_is_read_within_the_same_bounds(tmp_path, text, expected):
    path = tmp_path / "outputs.json"
    path.write_text(text)
    done = run(
        [sys.executable, "-m", "operations", "dead-letters", "--outputs", str(path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"error: {path}: {expected}; save it with `pulumi stack output --json`\n"


def test_a_typo_in_a_large_stack_puts_the_fix_in_the_first_line(tmp_path):
    """`queus` in a 300-queue file: the value is cut, so the fix is near the start of a short line."""
    queues = [{"id": f"{i:08x}-e5f6-7890-abcd-ef1234567890", "target": FUNCTION} for i in range(300)]
    path = tmp_path / "Pulumi.big.yaml"
    path.write_text(json.dumps({"config": {"aws:region": "eu-west-1", "genesys-queue-events:queus": queues}}))
    done = run(
        [sys.executable, "-m", "settings", path.name],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    (typo,) = [line for line in done.stderr.splitlines() if line.startswith("  - queus = ")]
    assert len(typo) < 400 and typo.endswith("unknown key; did you mean 'queues'?")
    assert "… and 29" in typo  # the first queues shown, the rest counted


HINT = {
    "tab": "a tab in the indentation; YAML indents with spaces only",
    "indent": "check this line's indentation against the lines above: the keys of one map, and the `-` items "
    "of one list, start in the same column (spaces, not tabs)",
    "colon": "a value containing ': ' needs quotes (name: \"Sales: EMEA\"), or this line is indented deeper "
    "than the key above it",
    "flow": "a value starting with { or [ is read as a YAML map or list: quote it ('{text}') if it is text, "
    "or close every bracket",
    "quote": "a value starting with * & @ ` ! % or | needs quotes",
    "unclosed": "a quote (' or \") is opened and never closed",
    "generic": "the common causes are indentation (spaces only, keys of one map in the same column), a tab, "
    "and unquoted values containing ': ' or starting with { [ * & or @",
}
SYNTAX = [
    ("a:\n\tb: 1\n", "2:1", "found character '\\t' that cannot start any token", "tab"),
    ("a: 1\nb:\n  - c\n\t- d\n", "4:1", "found character '\\t' that cannot start any token", "tab"),
    ("a:\n  - b\n c: 2\n", "3:2", "expected <block end>, but found '<block mapping start>'", "indent"),
    ("a: b\n- c\n", "2:1", "expected <block end>, but found '-'", "indent"),
    ("a: b: c\n", "1:5", "mapping values are not allowed here", "colon"),
    ("a: {b: 1\n", "1:4", "expected ',' or '}', but got '<stream end>'", "flow"),
    ("a: [b\nc: 1\n", "2:2", "expected ',' or ']', but got ':'", "flow"),
    ("a: @x\n", "1:4", "found character '@' that cannot start any token", "quote"),
    ("a: *x\n", "1:4", "found undefined alias 'x'", "quote"),
    ("a: 'x\n", "1:4", "found unexpected end of stream", "unclosed"),
    ("a: [1, 2\n", "1:4", "expected ',' or ']', but got '<stream end>'", "flow"),
    ("a:\n  b: 1\n  c\n", "3:3", "could not find expected ':'", "indent"),
    ("a: 1\nb: 'x' y\n", "2:8", "expected <block end>, but found '<scalar>'", "indent"),
    ("a: &\n", "1:5", "expected alphabetic or numeric character, but found '\\n'", "quote"),
    ("? [a]\n: b\n", "1:3", "found unhashable key", "generic"),
    ("{a: 1}\nb: 2\n", "2:1", "expected '<document start>', but found '<block mapping start>'", "generic"),
]


@pytest.mark.parametrize(("text", "where", "problem", "hint"), SYNTAX)
def test_a_yaml_syntax_error_names_line_and_column_and_hints_at_the_cause(text, where, problem, hint):
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(text, "Pulumi.x.yaml")
    assert str(raised.value) == f"Pulumi.x.yaml:{where}: not valid YAML: {problem}. Hint: {HINT[hint]}"


def test_a_syntax_error_without_a_place_still_names_the_file():
    error = yaml.MarkedYAMLError(problem=None)
    assert documents.syntax_message(error, "Pulumi.x.yaml", "") == (
        f"Pulumi.x.yaml: not valid YAML: not valid. Hint: {HINT['generic']}"
    )
    with pytest.raises(documents.DocumentError) as raised:  # PyYAML's reader: no line, no column
        documents.load_yaml("a: 1\x00", "Pulumi.x.yaml")
    assert str(raised.value).startswith(
        "Pulumi.x.yaml: not valid YAML: unacceptable character #x0000: special characters are not allowed"
    )


def test_the_bounds_are_exact():
    # Values: 100,000 with aliases expanded is accepted, one more is not (a map of n pairs is
    # 1 + 2n values; the list adds its item).
    pairs = (documents.MAX_VALUES - 2) // 2 - 1
    flat = "".join(f"k{i}: 1\n" for i in range(pairs)) + "z: [1]\n"
    assert len(documents.load_yaml(flat, "x")) == pairs + 1
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(flat.replace("z: [1]", "z: [1, 2]"), "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml: holds more than 100,000 values, far more than a stack file needs (1,000 queues are "
        "about 10,000); is this the right file?"
    )
    # Bytes: 1 MiB is accepted, one byte more is not.
    assert documents.load_yaml("#" * documents.MAX_BYTES, "x") is None
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml("#" * (documents.MAX_BYTES + 1), "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml: is 1,048,577 bytes; a stack file may be at most 1,048,576 (1,000 queues take about "
        "110 KB); is this the right file?"
    )
    # Depth, through aliases: 32 levels are accepted, 33 are not.
    inner = "[" * 15 + "]" * 15
    assert documents.load_yaml(f"a: &a {inner}\nb: " + "[" * 16 + "*a" + "]" * 16, "x") is not None
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(f"a: &a {inner}\nb: " + "[" * 17 + "*a" + "]" * 17, "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml: its aliases (*name) nest it more than 32 levels deep; a stack file needs about 6: "
        "write the values out instead"
    )
    # Depth, counted from where each value sits: after a sibling's deep value too.
    assert documents.load_yaml("x:\n  y: {a: 1}\n  z: " + "[" * 30 + "]" * 30, "x") is not None
    with pytest.raises(documents.DocumentError, match="nests more than 32 levels deep"):
        documents.load_yaml("x:\n  y: {a: 1}\n  z: " + "[" * 31 + "]" * 31, "x")
    # Depth, written out: the line where it goes too deep.
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml("a: 1\nb:\n  " + "[" * 40 + "]" * 40, "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml:3: nests more than 32 levels deep; a stack file needs about 6 (config, a key, a list, "
        "an item, its keys): flatten it"
    )
    # A bomb's message says that its aliases are the cause.
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(billion_laughs(), "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml: its aliases (*name) expand to more than 100,000 values, far more than a stack file "
        "needs (1,000 queues are about 10,000): write the values out instead"
    )
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml("a: 1\nb: &b\n  c: [*b]\n", "Pulumi.x.yaml")
    assert str(raised.value) == (
        "Pulumi.x.yaml:2: an alias (*name) refers to the anchor (&name) it sits in, which never ends; write "
        "the value out instead"
    )


def test_ten_duplicates_are_listed_whole():
    text = "".join(f"k{i}: 1\nk{i}: 2\n" for i in range(10))
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(text, "Pulumi.x.yaml")
    assert len(str(raised.value).splitlines()) == 10 and "more duplicate keys" not in str(raised.value)


def test_many_duplicates_are_listed_ten_at_most():
    text = "".join(f"k{i}: 1\nk{i}: 2\n" for i in range(12))
    with pytest.raises(documents.DocumentError) as raised:
        documents.load_yaml(text, "Pulumi.x.yaml")
    lines = str(raised.value).splitlines()
    assert len(lines) == 11 and lines[-1] == "Pulumi.x.yaml: … and 2 more duplicate keys"
    assert lines[9].startswith(
        "Pulumi.x.yaml:20: the key 'k9' is written twice in one map (first at line 19)"
    )


def test_merge_keys_are_no_duplicates():
    text = "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n  x: 3\n"
    assert documents.load_yaml(text, "x")["c"] == {"x": 3, "y": 2}
    with pytest.raises(
        documents.DocumentError, match=r"x:7: the key 'x' is written twice in one map \(first at line 6\)"
    ):
        documents.load_yaml(text + "  x: 4\n", "x")


JSON_FIX = "save it with `pulumi stack output --json`"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 32 + "]" * 32, None),
        ('{"a": ' * 31 + "1" + "}" * 31, None),  # 31 objects and the value they hold
        ("[" * 33 + "]" * 33, "out.json: nests more than 32 levels deep; " + JSON_FIX),
        ('{"a": ' * 33 + "1" + "}" * 33, "out.json: nests more than 32 levels deep; " + JSON_FIX),
        ("[" * 100_000 + "]" * 100_000, "out.json: nests more than 32 levels deep; " + JSON_FIX),
        (
            "{",
            "out.json: is not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); "
            + JSON_FIX,
        ),
        (
            " " * (documents.MAX_BYTES * 16 - 1) + "[]",
            "out.json: is larger than 16,777,216 bytes; " + JSON_FIX,
        ),
        (" " * (documents.MAX_BYTES * 16 - 2) + "[]", "fits"),
    ],
    ids=[
        "32-deep",
        "32-deep-objects",
        "33-deep",
        "33-deep-objects",
        "100000-deep",
        "not-json",
        "huge",
        "16-MiB",
    ],
)
def test_json_is_read_within_the_same_bounds(text, message):
    if message == "fits":
        assert documents.load_json(text, "out.json", JSON_FIX) == []
    elif message is None:
        assert documents.load_json(text, "out.json", JSON_FIX) is not None
        assert documents.json_depth(json.loads(text)) == 32
    else:
        with pytest.raises(documents.DocumentError) as raised:
            documents.load_json(text, "out.json", JSON_FIX)
        assert str(raised.value) == message
    with pytest.raises(TypeError, match=r"^out\.json: JSON text expected$"):
        documents.load_json(5, "out.json", JSON_FIX)  # type: ignore[arg-type]
