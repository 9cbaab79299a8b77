"""action.yml validation (docs: "Metadata syntax for GitHub Actions")."""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.workflow.repository import load_file

EXAMPLE_ACTION = (
    Path(__file__).resolve().parents[2]
    / "examples/tradedesk/.github/actions/setup-tradedesk/action.yml"
)


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "action.yml"
    path.write_text(text)
    return [str(p).split(":", 1)[1] for p in load_file(str(path)).problems]


def test_the_example_composite_action_is_valid() -> None:
    loaded = load_file(str(EXAMPLE_ACTION))
    assert loaded.problems == []
    assert loaded.action is not None and loaded.action.using == "composite"
    assert [s.uses or s.run for s in loaded.action.steps] == [
        "actions/setup-python@v5",
        "python -m pip install -e '.[dev]'",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ secrets.T }}\n"
            "      shell: bash\n",
            [
                "5:21: Unrecognized named-value: 'secrets'. Located at position 1 within "
                "expression: secrets.T"
            ],
        ),
        (
            "name: x\nruns:\n  using: composite\n  steps:\n    - run: make\n",
            ["5:7: Required property is missing: shell"],
        ),
        ("name: x\nruns:\n  using: composite\n", ["3:3: Required property is missing: steps"]),
        ("name: x\nruns:\n  using: node20\n", ["3:3: Required property is missing: main"]),
        ("name: x\nruns:\n  using: docker\n", ["3:3: Required property is missing: image"]),
        (
            "name: x\nruns:\n  using: node8\n  main: a.js\n",
            [
                "3:10: Unexpected value 'node8' (runs.using must be composite, docker or one of "
                "node12, node16, node20, node24)"
            ],
        ),
    ],
)
def test_invalid_actions(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems(tmp_path, text) == expected


def test_an_action_without_a_name_or_with_matrix_in_a_default_is_valid(tmp_path: Path) -> None:
    """The runner's schema for action.yml (actions/runner, src/Runner.Worker/action_yaml.json)
    requires no ``name`` (pre-commit/pre-commit's local pre-test action has none), leaves the
    other keys of the root and of each input free (softprops/action-gh-release has ``env:``,
    dependabot/fetch-metadata gives inputs a ``type``), and lets an
    input's default read ``matrix`` and ``strategy`` (github/codeql-action/analyze defaults
    ``matrix`` to ``${{ toJson(matrix) }}``); the Marketplace's "name is required" is the
    Marketplace's."""
    text = (
        "env:\n  GITHUB_TOKEN: as provided\n"  # the root's other keys are free too
        "inputs:\n  matrix:\n    type: string\n    default: ${{ toJson(matrix) }}\n"
        "  jobs:\n    default: ${{ strategy.job-total }}\nruns:\n  using: node20\n  main: a.js\n"
    )
    assert problems(tmp_path, text) == []


def test_a_composite_step_may_take_its_shell_from_an_input(tmp_path: Path) -> None:
    """actions/runner, src/Runner.Worker/action_yaml.json: a composite run-step's `shell` is
    string-steps-context (playwright's run-test action: `shell: ${{ inputs.shell }}`); in a
    workflow it is a plain string (workflow-v1.0.json, run-step), so there it is refused."""
    text = (
        "inputs:\n  shell: {default: bash}\nruns:\n  using: composite\n  steps:\n"
        "    - run: echo hi\n      shell: ${{ inputs.shell }}\n"
    )
    assert problems(tmp_path, text) == []
    workflow = tmp_path / ".github" / "workflows" / "w.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo hi\n        shell: ${{ matrix.shell }}\n"
    )
    said = [str(p) for p in load_file(str(workflow)).problems]
    assert len(said) == 1 and "not allowed" in said[0], said


def test_node_action_model(tmp_path: Path) -> None:
    path = tmp_path / "action.yml"
    path.write_text(
        "name: x\ninputs:\n  who:\n    default: world\noutputs:\n  greeting:\n"
        "    description: d\nruns:\n  using: node20\n  pre: setup.js\n  main: index.js\n"
        "  post: cleanup.js\n  post-if: always()\n"
    )
    action = load_file(str(path)).action
    assert action is not None
    assert (action.using, action.pre, action.main, action.post, action.post_if) == (
        "node20",
        "setup.js",
        "index.js",
        "cleanup.js",
        "always()",
    )
    assert action.inputs == {"who": {"default": "world"}}
