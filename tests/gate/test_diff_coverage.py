"""Diff coverage (``pitstop gate coverage --diff-against/--min-diff``) held against diff-cover,
the tool teams use for it today, on generated histories in real git repositories measured by
coverage.py itself: new and edited functions, deleted lines, comments, a renamed file, a new
file, a base branch that moved on after the branch point, staged, unstaged and untracked
changes; paths as coverage.py writes them in CI, under its absolute source root or relative
(``relative_files``). Both must name the same changed lines, measured and uncovered, in every file.

diff-cover's semantics (diff_cover/diff_reporter.py, report_generator.py, version 11): the
change is ``git diff BASE...HEAD`` plus the staged and unstaged diffs (plus untracked files with
``--include-untracked``); a changed line counts when a report measures it and is uncovered when
its hits are 0."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pitstop.gate.coverage import DiffCoverage, change_since, diff_coverage, load

diff_cover_tool = pytest.importorskip(
    "diff_cover.diff_cover_tool", reason="diff-cover (the test extra) is not installed"
)

HISTORIES = 20


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def function(name: str, rng: random.Random) -> list[str]:
    """A function of a few statements with a branch, so that some of its lines run."""
    limit = rng.randint(1, 9)
    body = [
        f"def {name}(x):",
        f"    y = x * {rng.randint(2, 9)}",
        f"    if x > {limit}:",
        f"        y += {rng.randint(1, 5)}",
        "        y = -y",
        "    else:",
        f"        y -= {rng.randint(1, 5)}",
        "    return y",
    ]
    if rng.random() < 0.3:
        body.insert(2, "    # a comment changed lines may hold")
    return body


class History:
    """One generated repository: a package on main, a branch that changes it, a driver that
    runs some of its functions."""

    def __init__(self, repo: Path, seed: int) -> None:
        self.repo, self.rng = repo, random.Random(seed)
        self.modules: dict[str, list[str]] = {}  # path -> lines
        self.count = 0

    def new_function(self) -> list[str]:
        self.count += 1
        return function(f"f{self.count}", self.rng)

    def write(self) -> None:
        for path, lines in self.modules.items():
            target = self.repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n")

    def functions(self) -> list[tuple[str, str]]:
        found = []
        for path, lines in self.modules.items():
            module = path[:-3].replace("/", ".")
            found += [(module, ln[4 : ln.index("(")]) for ln in lines if ln.startswith("def ")]
        return found

    def build(self) -> None:
        rng, repo = self.rng, self.repo
        git(repo, "init", "-q", "-b", "main")
        (repo / "pkg").mkdir()
        (repo / "pkg" / "__init__.py").write_text("")
        for index in range(rng.randint(2, 4)):
            lines: list[str] = []
            for _ in range(rng.randint(2, 5)):
                lines += [*self.new_function(), "", ""]
            self.modules[f"pkg/m{index}.py"] = lines
        self.write()
        (repo / "README.md").write_text("readme\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "base")
        git(repo, "checkout", "-qb", "change")
        for _ in range(rng.randint(1, 3)):
            for _ in range(rng.randint(1, 3)):
                self.edit(rng.choice(list(self.modules)))
            if rng.random() < 0.2:
                self.rename()
            if rng.random() < 0.2 and len(self.modules) > 1:
                gone = rng.choice(list(self.modules))
                del self.modules[gone]
                (repo / gone).unlink()
            if rng.random() < 0.3:
                self.modules[f"pkg/new{self.count}.py"] = [*self.new_function(), ""]
            self.write()
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "change")
        if rng.random() < 0.5:  # main moves on after the branch point
            git(repo, "checkout", "-q", "main")
            (repo / "README.md").write_text("readme\nmoved on\n")
            git(repo, "commit", "-qam", "main moves on")
            git(repo, "checkout", "-q", "change")
        self.uncommitted()

    def edit(self, path: str) -> None:
        lines, rng = self.modules[path], self.rng
        kind = rng.choice(["append", "insert", "modify", "delete", "comment"])
        starts = [i for i, ln in enumerate(lines) if ln.startswith("def ")]
        at = rng.choice(starts)
        if kind == "append":
            lines += [*self.new_function(), "", ""]
        elif kind == "insert":
            lines[at:at] = [*self.new_function(), "", ""]
        elif kind == "modify":
            lines[at + 1] = f"    y = x * {rng.randint(10, 99)}"
        elif kind == "delete" and lines[at + 3].startswith("        y +="):
            del lines[at + 3]
            lines[at + 2] = lines[at + 2] + "  # nothing added"
        else:
            lines.insert(at + 1, "    # explained")

    def rename(self) -> None:
        path = self.rng.choice(list(self.modules))
        new = path.replace(".py", "_moved.py")
        git(self.repo, "mv", path, new)
        self.modules[new] = self.modules.pop(path)
        self.modules[new][1] = "    y = x * 100"

    def uncommitted(self) -> None:
        """Staged, unstaged and untracked changes, each to a module the commits left alone
        (diff-cover adds each diff's lines by their own numbering; see the test below)."""
        rng, touched = self.rng, set(git(self.repo, "diff", "--name-only", "main...HEAD").split())
        untouched = [p for p in self.modules if p not in touched]
        rng.shuffle(untouched)
        for path, staged in zip(untouched, (True, False), strict=False):
            if rng.random() < 0.6:
                self.modules[path] += [*self.new_function(), ""]
                self.write()
                if staged:
                    git(self.repo, "add", path)
        if rng.random() < 0.5:
            self.modules[f"pkg/untracked{self.count}.py"] = [*self.new_function(), ""]
            self.write()

    def measure(self) -> None:
        calls = [f for f in self.functions() if self.rng.random() < 0.6]
        driver = ["import importlib"] + [
            f"importlib.import_module({m!r}).{name}({self.rng.randint(0, 12)})" for m, name in calls
        ]
        imports = [f"import {p[:-3].replace('/', '.')}" for p in self.modules]
        (self.repo / "drive.py").write_text("\n".join(imports + driver) + "\n")
        # as CI writes it: coverage.py's absolute source root with paths under it, or with
        # relative_files, paths from the repository's top
        relative = self.rng.random() < 0.5
        (self.repo / ".coveragerc").write_text(f"[run]\nrelative_files = {relative}\n")
        subprocess.run(
            [sys.executable, "-m", "coverage", "run", "--source=pkg", "drive.py"],
            cwd=self.repo, check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "coverage", "xml", "-o", "coverage.xml"],
            cwd=self.repo, check=True, capture_output=True,
        )  # fmt: skip
        # the driver and the reports are the test's, not the change's
        (self.repo / ".git" / "info" / "exclude").write_text(
            "drive.py\ncoverage.xml\n.coverage\n.coveragerc\n"
        )


def by_diff_cover(repo: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(repo)
    out = repo.parent / f"{repo.name}-diff-cover.json"
    diff_cover_tool.main(
        ["diff-cover", "coverage.xml", "--compare-branch=main", "--include-untracked",
         f"--format=json:{out}"]
    )  # fmt: skip
    data = json.loads(out.read_text())
    return {
        "total": data["total_num_lines"],
        "uncovered": data["total_num_violations"],
        "files": {
            path: sorted(stats["violation_lines"])
            for path, stats in data["src_stats"].items()
            if stats["violation_lines"]
        },
    }


def measured_change(repo: Path) -> DiffCoverage:
    return diff_coverage(
        load([str(repo / "coverage.xml")], str(repo)), change_since("main", str(repo))
    )


def by_pitstop(repo: Path) -> dict[str, object]:
    diff = measured_change(repo)
    covered, total = diff.lines
    return {
        "total": total,
        "uncovered": total - covered,
        "files": {path: sorted(lines) for path, lines in diff.uncovered.items()},
    }


def test_diff_coverage_agrees_with_diff_cover_on_generated_histories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = uncovered = 0
    for seed in range(HISTORIES):
        repo = tmp_path / f"h{seed}"
        repo.mkdir()
        history = History(repo, seed)
        history.build()
        history.measure()
        theirs, ours = by_diff_cover(repo, monkeypatch), by_pitstop(repo)
        assert ours == theirs, f"history {seed}"
        changed += int(str(ours["total"]))
        uncovered += int(str(ours["uncovered"]))
    # the histories are not trivial: many changed lines, both run and not run
    assert changed > 10 * HISTORIES
    assert 0 < uncovered < changed


def test_an_uncommitted_edit_above_a_committed_one_keeps_both_where_they_are(
    tmp_path: Path,
) -> None:
    """Where pitstop and diff-cover part: diff-cover takes the committed diff's lines by HEAD's
    numbering and adds the unstaged diff's by the working tree's, so lines inserted above a
    committed change are not shifted. pitstop diffs the merge base against the working tree, so
    each added line is where it is in the file that ran."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "m.py").write_text("def f(x):\n    return x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "change")
    (repo / "m.py").write_text("def f(x):\n    return x\n\n\ndef g(x):\n    return -x\n")
    git(repo, "commit", "-qam", "g")
    # unstaged: two lines above g
    (repo / "m.py").write_text("def f(x):\n    y = x\n    return y\n\n\ndef g(x):\n    return -x\n")
    (repo / "drive.py").write_text("import m\nm.f(1)\n")
    (repo / ".git" / "info" / "exclude").write_text("drive.py\ncoverage.xml\n.coverage\n")
    for step in (["run", "drive.py"], ["xml", "-o", "coverage.xml"]):
        subprocess.run([sys.executable, "-m", "coverage", *step], cwd=repo, check=True,
                       capture_output=True)  # fmt: skip
    diff = measured_change(repo)
    # y = x and return y (lines 2-3) ran; def g (6) ran at import; return -x (7) did not
    assert diff.changed == {"m.py": {2, 3, 6, 7}}
    assert diff.uncovered == {"m.py": {7}}


def test_the_gate_fails_below_min_diff_and_names_the_uncovered_lines(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    history = History(repo, 7)
    history.build()
    history.measure()
    expected = by_pitstop(repo)
    files = expected["files"]
    assert isinstance(files, dict) and files
    run = subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "coverage", "coverage.xml",
         "--diff-against", "main", "--min-diff", "100"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert "changed-line coverage" in run.stdout and "below the minimum 100%" in run.stdout
    assert "uncovered changed lines:" in run.stdout
    for path in files:
        assert path in run.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "pitstop", "gate", "coverage", "coverage.xml",
         "--min-diff", "0", "--format", "json"],
        cwd=repo, capture_output=True, text=True, check=False,
        env={**os.environ, "GITHUB_BASE_REF": "main"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    figures = json.loads(shown.stdout)["figures"]["diff"]
    assert figures["lines"] == [expected["total"] - expected["uncovered"], expected["total"]]  # type: ignore[operator]
    assert figures["uncovered"] == files
    assert figures["base"].startswith("merge base with main")


def test_a_shallow_clone_says_what_to_fetch(tmp_path: Path) -> None:
    """actions/checkout fetches one commit by default: the base branch is then missing, or
    present without the commits it shares with HEAD. Either is exit 2 saying what to fetch,
    never a pass on no lines."""
    origin = tmp_path / "origin"
    origin.mkdir()
    History(origin, 3).build()
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "all")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch=change", f"file://{origin}", str(clone))
    (clone / "coverage.xml").write_text(
        '<coverage><packages><package><classes><class filename="pkg/m0.py"><lines>'
        '<line number="1" hits="1"/></lines></class></classes></package></packages></coverage>'
    )
    gate = [sys.executable, "-m", "pitstop", "gate", "coverage", "coverage.xml", "--min-diff", "80"]
    env = {**os.environ, "GITHUB_BASE_REF": "main"}
    missing = subprocess.run(gate, cwd=clone, capture_output=True, text=True, env=env)
    git(clone, "fetch", "-q", "--depth=1", "origin", "main:refs/remotes/origin/main")
    unrelated = subprocess.run(gate, cwd=clone, capture_output=True, text=True, env=env)
    for run, says in ((missing, "no revision 'origin/main'"), (unrelated, "share no commit")):
        assert run.returncode == 2, run.stdout + run.stderr
        assert says in run.stderr and "fetch-depth: 0" in run.stderr
        assert "Traceback" not in run.stderr


def test_on_this_repositorys_own_coverage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pitstop's own code measured by a slice of its own tests, in a clone of its committed
    state, the change being its last 20 commits: both tools on the same report and history."""
    here = Path(__file__).resolve().parent
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True,
                         text=True, check=False).stdout.strip()  # fmt: skip
    if not top:
        pytest.skip("the tests are not in a git checkout of pitstop")
    clone = tmp_path / "pitstop"
    git(tmp_path, "clone", "-q", "--no-hardlinks", top, str(clone))
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD~20"], cwd=clone,
                      capture_output=True, check=False).returncode:  # fmt: skip
        pytest.skip("the checkout has fewer than 20 commits of history (a shallow clone)")
    base = git(clone, "rev-parse", "HEAD~20").strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # not a worker
    env |= {"PYTHONPATH": str(clone / "src"), "COVERAGE_FILE": str(tmp_path / "cov")}
    subprocess.run(  # in one process (`-n 0`), where coverage.py measures it
        [sys.executable, "-m", "coverage", "run", "--source=src/pitstop", "-m", "pytest", "-q",
         "-p", "no:cacheprovider", "-n", "0", "tests/expr/test_template.py",
         "tests/expr/test_hashfiles.py"],
        cwd=clone, env=env, check=True, capture_output=True,
    )  # fmt: skip
    report = tmp_path / "coverage.xml"
    subprocess.run([sys.executable, "-m", "coverage", "xml", "-o", str(report)], cwd=clone,
                   env=env, check=True, capture_output=True)  # fmt: skip
    monkeypatch.chdir(clone)
    out = tmp_path / "diff-cover.json"
    diff_cover_tool.main(
        ["diff-cover", str(report), f"--compare-branch={base}", f"--format=json:{out}"]
    )
    theirs = json.loads(out.read_text())
    diff = diff_coverage(load([str(report)], str(clone)), change_since(base, str(clone)))
    covered, total = diff.lines
    assert total > 100, "the last 20 commits change measured lines"
    assert (total, total - covered) == (theirs["total_num_lines"], theirs["total_num_violations"])
    assert {p: sorted(lines) for p, lines in diff.uncovered.items()} == {
        p: sorted(s["violation_lines"])
        for p, s in theirs["src_stats"].items()
        if s["violation_lines"]
    }
