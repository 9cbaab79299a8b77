"""``actions/setup-node`` as pitstop runs it: the version asked for is read as the action reads it
(setup-node's ``src/util.ts`` for ``node-version-file``, ``official_builds.ts`` for the aliases
``latest``/``current``/``node`` and ``lts/*``, ``lts/-n``, ``lts/<codename>``), and an alias that
GitHub resolves against the list of Node releases, which pitstop cannot see offline, shows in
the run's headline as a step not as on GitHub rather than as a plain success."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pitstop.runner.actions.node_version_spec import Node, VersionFileError, choose, from_file
from tests.run.conftest import make_repo, pitstop_run

IRON = Node("/nvm/20/bin/node", "20.20.2", "Iron")
JOD = Node("/nvm/22/bin/node", "22.12.0", "Jod")
JOD_OLD = Node("/usr/bin/node", "22.3.0", "")  # 22 before it became LTS: no codename yet
CURRENT = Node("/nvm/23/bin/node", "23.4.0", "")


@pytest.mark.parametrize(
    ("name", "text", "wanted"),
    [
        (".nvmrc", "v20.11.1\n", "20.11.1"),
        (".nvmrc", "lts/iron\n", "lts/iron"),
        (".node-version", "22\n", "22"),
        (".tool-versions", "python 3.12.1\nnodejs 20.1.0\n", "20.1.0"),
        ("package.json", '{"engines": {"node": ">=18"}}', ">=18"),
        ("package.json", '{"engines": {"node": ">=18"}, "volta": {"node": "20.1.0"}}', "20.1.0"),
        (
            "package.json",
            '{"devEngines": {"runtime": [{"name": "bun"}, {"name": "node", "version": "^22"}]},'
            ' "engines": {"node": ">=18"}}',
            "^22",
        ),
        ("package.json", '{"name": "no-node-here"}', None),
        ("action.yml", "runs:\n  using: 'node24'\n  main: index.js\n", "24"),
    ],
)
def test_version_files_read_as_setup_node_reads_them(
    tmp_path: Path, name: str, text: str, wanted: str | None
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert from_file(str(path)) == wanted


def test_volta_extends_reads_the_file_it_names(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"volta": {"node": "20.3.1"}}')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "package.json").write_text('{"volta": {"extends": "../package.json"}}')
    assert from_file(str(tmp_path / "app" / "package.json")) == "20.3.1"


def test_a_missing_version_file_fails_as_the_action_does(tmp_path: Path) -> None:
    with pytest.raises(VersionFileError, match="does not exist"):
        from_file(str(tmp_path / ".nvmrc"))


def test_ranges_take_the_newest_node_inside_them() -> None:
    nodes = [IRON, JOD, CURRENT]
    assert choose(">=20 <23", nodes).node == JOD
    assert choose("^20.1", nodes).node == IRON
    assert choose("18 - 22", nodes).node == JOD
    assert choose("20.x", nodes).node == IRON
    assert choose("v22", nodes).node == JOD
    assert choose("20", nodes).differs is None
    assert choose("21", nodes).node is None


def test_aliases_take_the_newest_here_and_say_github_may_differ() -> None:
    nodes = [IRON, JOD, CURRENT]
    latest = choose("latest", nodes)
    assert latest.node == CURRENT and latest.differs and "newest Node release" in latest.differs
    assert choose("Latest", nodes).node is None  # the action knows these words in lower case
    lts = choose("lts/*", nodes)
    assert lts.node == JOD and lts.differs and "newest LTS line" in lts.differs
    assert choose("lts/-1", nodes).node == IRON
    assert choose("lts/-2", nodes).node is None


def test_a_codename_names_its_line_and_any_release_of_it_answers() -> None:
    assert choose("lts/Iron", [IRON, JOD]).node == IRON
    assert choose("lts/iron", [IRON, JOD]).differs is None
    assert choose("lts/jod", [JOD_OLD, JOD]).node == JOD
    assert choose("lts/jod", [JOD_OLD, IRON, Node("/x", "22.0.0", "Jod")]).node == JOD_OLD
    assert choose("lts/hydrogen", [IRON, JOD]).node is None


def test_nightly_and_check_latest_say_the_node_here_is_not_github_s() -> None:
    nightly = choose("22-nightly", [IRON, JOD])
    assert nightly.node == JOD and nightly.differs and "nightly build" in nightly.differs
    assert choose("22", [JOD], check_latest=True).differs
    assert choose("22.12.0", [JOD], check_latest=True).differs is None


# With the node on this machine, as a user runs it


def _local_node() -> tuple[str, str]:
    out = subprocess.run(
        ["node", "-p", "process.version + ' ' + (process.release.lts || '')"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], (out[1] if len(out) > 1 else "")


def _workflow(with_: str) -> str:
    return f"""\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: n
        uses: actions/setup-node@v4
        with:
{with_}
      - run: test "${{{{ steps.n.outputs.node-version }}}}" = "$(node --version)"
"""


def _job(repo: Path) -> dict[str, object]:
    path = sorted((repo / ".pitstop" / "runs").glob("*/report.json"))[-1]
    job: dict[str, object] = json.loads(path.read_text())["jobs"][0]
    return job


def test_latest_runs_on_the_newest_node_here_and_the_headline_says_so(tmp_path: Path) -> None:
    version, _ = _local_node()
    repo = make_repo(tmp_path, _workflow("          node-version: latest"))
    proc = pitstop_run(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "success, 1 step not as on GitHub" in proc.stdout
    assert f"here the newest node on this machine, {version}" in proc.stdout


def test_the_machine_s_own_lts_line_is_a_plain_success(tmp_path: Path) -> None:
    version, codename = _local_node()
    if not codename:
        pytest.skip(f"node {version} here is not an LTS release")
    repo = make_repo(tmp_path, _workflow(f"          node-version: lts/{codename.lower()}"))
    proc = pitstop_run(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not as on GitHub" not in proc.stdout
    assert _job(repo)["result"] == "success"


def test_a_line_not_on_this_machine_is_not_run_locally_saying_which_are(tmp_path: Path) -> None:
    """As setup-python's: a Node you do not have is not a failure of your workflow."""
    version, _ = _local_node()
    repo = make_repo(tmp_path, _workflow("          node-version: lts/argon"))
    proc = pitstop_run(repo)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "nothing ran" in proc.stdout
    assert (
        "node lts/argon is not installed on this machine (looked on the PATH and in nvm: "
        f"{version})" in proc.stdout
    )


def test_a_missing_version_file_fails_the_step(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, _workflow("          node-version-file: .nvmrc"))
    proc = pitstop_run(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "The specified node version file at:" in proc.stdout
    assert "does not exist" in proc.stdout


def test_package_json_engines_is_the_version_asked(tmp_path: Path) -> None:
    version, _ = _local_node()
    major = version.lstrip("v").split(".")[0]
    (tmp_path / "package.json").write_text(json.dumps({"engines": {"node": f">={major}"}}))
    repo = make_repo(tmp_path, _workflow("          node-version-file: package.json"))
    proc = pitstop_run(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not as on GitHub" not in proc.stdout
