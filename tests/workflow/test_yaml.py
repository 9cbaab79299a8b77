"""The YAML reader: GitHub's scalar rules (YAML 1.2 core), duplicates, anchors, positions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pitstop.errors import PitstopError
from pitstop.workflow.repository import load_file
from pitstop.workflow.yaml import MappingNode, parse_yaml


def values(text: str) -> object:
    root = parse_yaml(text, "w.yml").root
    assert root is not None
    return root.to_python()


@pytest.mark.parametrize("word", ["on", "yes", "no", "off", "y", "n", "Yes", "ON", "Off"])
def test_yaml_1_1_booleans_stay_strings(word: str) -> None:
    # YAML 1.2 core: only true/false are booleans (https://yaml.org/spec/1.2.2/#10212-boolean).
    assert values(f"k: {word}\n") == {"k": word}
    assert values(f"{word}: 1\n") == {word: 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("null", None),
        ("~", None),
        ("", None),
        ("010", 10),
        ("0o10", 8),
        ("0x1F", 31),
        ("-3", -3),
        ("1.50", 1.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("'010'", "010"),
        ('"true"', "true"),
        ("3.10", 3.1),
        ("'3.10'", "3.10"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("!!str 10", "10"),
        ("12:30", "12:30"),
    ],
)
def test_core_schema_scalars(text: str, expected: object) -> None:
    assert values(f"k: {text}\n") == {"k": expected}


def test_nan_is_a_float() -> None:
    got = values("k: .nan\n")
    assert isinstance(got, dict) and math.isnan(got["k"])


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    with pytest.raises(PitstopError) as caught:
        parse_yaml("jobs:\n  a:\n    x: 1\n    x: 2\n", "ci.yml")
    assert str(caught.value) == "ci.yml:4:5: 'x' is already defined"


def test_anchors_and_aliases_but_no_merge_keys() -> None:
    """GitHub supports anchors and aliases but not merge keys (docs, "Reusing workflow
    configurations", YAML anchors and aliases; its reader follows the YAML 1.2 core schema,
    which has none): `<<` is an ordinary key, whose value is the alias's mapping."""
    text = "a: &base\n  x: 1\n  y: 2\nb: *base\nc:\n  <<: *base\n  y: 3\n"
    assert values(text) == {
        "a": {"x": 1, "y": 2},
        "b": {"x": 1, "y": 2},
        "c": {"<<": {"x": 1, "y": 2}, "y": 3},
    }


def test_a_merge_key_under_a_job_is_an_unexpected_key(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "ci.yml"
    path.parent.mkdir(parents=True)
    path.write_text(
        "on: push\njobs:\n  a: &job\n    runs-on: x\n    steps: [{run: make}]\n"
        "  b:\n    <<: *job\n    runs-on: y\n"
    )
    messages = [p.message for p in load_file(str(path)).problems]
    assert any(m.startswith("Unexpected value '<<'") for m in messages), messages


def test_positions_are_one_based_with_offsets() -> None:
    text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    doc = parse_yaml(text, "ci.yml")
    assert isinstance(doc.root, MappingNode)
    jobs = doc.root.get("jobs")
    assert isinstance(jobs, MappingNode)
    key = jobs.keys["build"]
    assert (key.start.line, key.start.column) == (3, 3)
    assert text[key.start.offset : key.end.offset] == "build"
    build = jobs.get("build")
    assert isinstance(build, MappingNode)
    runs_on = build.get("runs-on")
    assert runs_on is not None
    assert text[runs_on.start.offset : runs_on.end.offset] == "ubuntu-latest"
    assert str(doc.span(runs_on)) == "ci.yml:4:14"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: [1\n", "2:1", "did not find expected ',' or ']'"),
        ("a:\n\t- b\n", "2:1", "found character that cannot start any token"),
        ("a: 1\n---\nb: 2\n", "2:1", "expected a single document in the stream, but found another"),
        ("? [a]\n: 1\n", "1:3", "a mapping key must be a string"),
        ("a: *nope\n", "1:4", "found undefined alias 'nope'"),
        ("a: 'x\n", "2:1", "found unexpected end of stream"),
        ("a: b: c\n", "1:5", "mapping values are not allowed"),
    ],
)
def test_invalid_yaml_reports_file_line_col(text: str, where: str, message: str) -> None:
    with pytest.raises(PitstopError) as caught:
        parse_yaml(text, "bad.yml")
    assert str(caught.value).startswith(f"bad.yml:{where}: {message}")


def test_empty_document_has_no_root() -> None:
    assert parse_yaml("# only a comment\n", "e.yml").root is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: !!int 5\n", 5),
        ("a: !!str 5\n", "5"),
        ("a: !!bool True\n", True),
        ("a: !!float 1\n", 1.0),
    ],
)
def test_explicit_tags_github_accepts(text: str, value: object) -> None:
    """GitHub's YAML reader (actions/runner, YamlObjectReader.AllowLiteral): `!!str` is text,
    `!!bool`/`!!int`/`!!float`/`!!null` need a plain scalar of their type (YAML 1.2 core)."""
    assert values(text) == {"a": value}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!bool yes\n", "The value 'yes' on line 1 and column 4 is invalid for the type"),
        ("a: !!int '5'\n", "The scalar style 'SingleQuoted' on line 1 and column 4 is not valid"),
        ("a: !!timestamp 2001-12-14\n", "Unexpected tag 'tag:yaml.org,2002:timestamp'"),
        ("a: !Ref x\n", "Unexpected tag '!Ref'"),
    ],
)
def test_explicit_tags_github_refuses(text: str, message: str) -> None:
    with pytest.raises(PitstopError) as caught:
        parse_yaml(text, "t.yml")
    assert caught.value.message.startswith(message)


def test_githubs_size_and_depth_limits() -> None:
    """actions/runner ParseOptions: MaxFileSize 1 MiB of characters, MaxDepth 50."""
    with pytest.raises(PitstopError, match="The maximum file size of 10 characters"):
        parse_yaml("a: 12345678\n", "t.yml", max_file_size=10)
    deep = "a: " + "[" * 50 + "]" * 50 + "\n"  # 51 collections with the root mapping
    with pytest.raises(PitstopError, match="Maximum object depth exceeded"):
        parse_yaml(deep, "t.yml")
    assert parse_yaml("a: " + "[" * 49 + "]" * 49 + "\n", "t.yml").root is not None
