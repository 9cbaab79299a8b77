"""Matrix expansion against the examples in GitHub's docs, plus edge cases.

Source: docs.github.com/en/actions/how-tos/write-workflows/choose-what-workflows-do/
run-job-variations
"""

from __future__ import annotations

from typing import Any

from pitstop.workflow.matrix import expand_matrix
from pitstop.workflow.yaml import parse_yaml


def matrix(text: str) -> Any:
    root = parse_yaml(text, "m.yml").root
    assert root is not None
    return root.to_python()


def test_docs_single_dimension() -> None:
    got = expand_matrix(matrix("version: [10, 12, 14]")).rows
    assert got == [{"version": 10}, {"version": 12}, {"version": 14}]


def test_docs_multi_dimension_order() -> None:
    got = expand_matrix(matrix("os: [ubuntu-22.04, ubuntu-20.04]\nversion: [10, 12, 14]")).rows
    assert got == [
        {"os": "ubuntu-22.04", "version": 10},
        {"os": "ubuntu-22.04", "version": 12},
        {"os": "ubuntu-22.04", "version": 14},
        {"os": "ubuntu-20.04", "version": 10},
        {"os": "ubuntu-20.04", "version": 12},
        {"os": "ubuntu-20.04", "version": 14},
    ]


def test_docs_expanding_configurations() -> None:
    # "Example: Expanding configurations": fruit x animal with five include entries.
    got = expand_matrix(
        matrix(
            """
fruit: [apple, pear]
animal: [cat, dog]
include:
  - color: green
  - color: pink
    animal: cat
  - fruit: apple
    shape: circle
  - fruit: banana
  - fruit: banana
    animal: cat
"""
        )
    ).rows
    assert got == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]


def test_docs_adding_configurations() -> None:
    got = expand_matrix(
        matrix(
            """
os: [windows-latest, ubuntu-latest]
node: [14, 16]
include:
  - os: windows-latest
    node: 16
    npm: 6
"""
        )
    ).rows
    assert got == [
        {"os": "windows-latest", "node": 14},
        {"os": "windows-latest", "node": 16, "npm": 6},
        {"os": "ubuntu-latest", "node": 14},
        {"os": "ubuntu-latest", "node": 16},
    ]


def test_docs_include_only() -> None:
    got = expand_matrix(
        matrix(
            """
include:
  - site: production
    datacenter: site-a
  - site: staging
    datacenter: site-b
"""
        )
    ).rows
    assert got == [
        {"site": "production", "datacenter": "site-a"},
        {"site": "staging", "datacenter": "site-b"},
    ]


def test_docs_excluding_configurations() -> None:
    got = expand_matrix(
        matrix(
            """
os: [macos-latest, windows-latest]
version: [12, 14, 16]
environment: [staging, production]
exclude:
  - os: macos-latest
    version: 12
    environment: production
  - os: windows-latest
    version: 16
"""
        )
    ).rows
    assert len(got) == 9
    assert {"os": "macos-latest", "version": 12, "environment": "production"} not in got
    assert all(not (r["os"] == "windows-latest" and r["version"] == 16) for r in got)


def test_exclude_then_include_can_add_back_a_row() -> None:
    got = expand_matrix(
        {"os": ["a", "b"], "exclude": [{"os": "b"}], "include": [{"os": "b", "extra": 1}]}
    ).rows
    assert got == [{"os": "a"}, {"os": "b", "extra": 1}]


def test_include_overwrites_values_added_by_an_earlier_include_only() -> None:
    got = expand_matrix({"x": [1], "include": [{"y": 1}, {"y": 2}, {"x": 1, "y": 3}]}).rows
    assert got == [{"x": 1, "y": 3}]


def test_object_values_and_deep_comparison() -> None:
    got = expand_matrix({"cfg": [{"a": 1}, {"a": 2}], "exclude": [{"cfg": {"a": 2}}]}).rows
    assert got == [{"cfg": {"a": 1}}]


def test_boolean_and_number_are_not_the_same_value() -> None:
    assert expand_matrix({"x": [True, 1], "exclude": [{"x": 1}]}).rows == [{"x": True}]


def test_too_many_rows_is_an_error() -> None:
    result = expand_matrix({"a": list(range(16)), "b": list(range(17))})
    assert result.error == "the matrix produces 272 jobs; GitHub allows at most 256"


def test_exactly_256_rows_is_fine() -> None:
    assert len(expand_matrix({"a": list(range(16)), "b": list(range(16))}).rows) == 256


def test_run_time_values_are_pending() -> None:
    result = expand_matrix("${{ fromJSON(needs.setup.outputs.matrix) }}")
    assert result.pending == "depends on run-time value ${{ fromJSON(needs.setup.outputs.matrix) }}"
    vector = expand_matrix({"os": "${{ fromJSON(needs.s.outputs.os) }}"})
    assert vector.pending is not None and vector.rows == []


def test_expressions_are_evaluated_when_possible() -> None:
    result = expand_matrix({"os": "${{ fromJSON('[1, 2]') }}"}, lambda text: [1, 2])
    assert result.rows == [{"os": 1}, {"os": 2}]


def test_no_matrix_is_one_row() -> None:
    assert expand_matrix(None).rows == [{}]


def test_exclude_and_include_keys_ignore_case() -> None:
    """withastro/astro's test matrix names ``OS`` and excludes rows by ``os``; GitHub runs it
    with the excluded rows gone (and reports no "Matrix exclude key … does not match")."""
    result = expand_matrix(
        {
            "OS": ["ubuntu-latest", "macos-14"],
            "NODE_VERSION": [22, 24],
            "exclude": [{"os": "macos-14", "NODE_VERSION": 22}],
            "include": [{"os": "ubuntu-latest", "extra": True}],
        }
    )
    assert result.rows == [
        {"OS": "ubuntu-latest", "NODE_VERSION": 22, "extra": True},
        {"OS": "ubuntu-latest", "NODE_VERSION": 24, "extra": True},
        {"OS": "macos-14", "NODE_VERSION": 24},
    ]
