"""Which tests a `go test`, pytest or Maven command selects, and whether one run selects every
test another does: a run on push that holds a pull request's run (`./store/...` holds
`./store/test/...`; `-k 'not Onnx'` holds `-k 'not Onnx and x'`; `mvn verify` holds `mvn
install`'s tests)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from pitstop.audit.scripts import words

# pytest's options that choose tests (pytest --help: -k, -m, --deselect, --ignore,
# --ignore-glob, --lf, --sw), and how a run names where its tests are: paths, `path::test`.
PYTEST_EXPRESSIONS = frozenset({"-k", "-m"})
PYTEST_LEAVE_OUT = frozenset({"--deselect", "--ignore", "--ignore-glob"})
PYTEST_SUBSETS = frozenset({"--lf", "--last-failed", "--sw", "--stepwise", "--nf"})
# pytest-cov's threshold (pytest-cov docs, "--cov-fail-under"): the same tests, one more gate
PYTEST_GATES = frozenset({"--cov-fail-under"})


ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


@dataclass(frozen=True)
class _Pytest:
    expressions: tuple[tuple[str, str], ...]  # (-k or -m, expression)
    left_out: frozenset[str]
    subset: bool
    paths: tuple[str, ...]  # none: the whole suite (testpaths)
    gates: frozenset[str]  # options that fail a run its tests pass (--cov-fail-under=80)


def _pytest(text: str, root: str) -> _Pytest | None:
    """A pytest run's choice of tests, or None for another command. A word is a path when it
    has a slash, ends in .py, names a test (``::``) or exists in the repository; another word
    after an option is that option's value (``-n 4``)."""
    said = words(EXPRESSION.sub("EXPR", text))  # `tests/${{ matrix.module }}`: one word
    while said and ENV_ASSIGNMENT.match(said[0]):
        said = said[1:]  # `HUGGINGFACE_CO_STAGING=true pytest …`
    at = next((i for i, w in enumerate(said) if w == "pytest" or w.endswith("/pytest")), -1)
    if at < 0 or said[:at] not in ((), ("python", "-m"), ("python3", "-m"), ("uv", "run")):
        return None
    expressions: list[tuple[str, str]] = []
    left_out: set[str] = set()
    subset = False
    paths: list[str] = []
    gates: set[str] = set()
    rest = iter(said[at + 1 :])
    for word in rest:
        if word.partition("=")[0] in PYTEST_GATES:
            gates.add(word if "=" in word else f"{word}={next(rest, '')}")
        elif not word.startswith("-"):
            paths.append(word)
        elif word in PYTEST_EXPRESSIONS:
            expressions.append((word, " ".join(next(rest, "").split())))
        elif word.partition("=")[0] in PYTEST_LEAVE_OUT:
            left_out.add(word.partition("=")[2] or next(rest, ""))
        elif word in PYTEST_SUBSETS:
            subset = True
        elif "=" not in word:
            value = next(rest, None)  # an option's value, unless it is a path
            if value is not None and _looks_like_path(value, root):
                paths.append(value)
    return _Pytest(
        tuple(sorted(expressions)), frozenset(left_out), subset, tuple(paths), frozenset(gates)
    )


def _looks_like_path(word: str, root: str) -> bool:
    if "/" in word or word.endswith(".py") or "::" in word:
        return True
    # a word with no slash names something in the repository's root, never above it
    return not word.startswith("-") and word != ".." and os.path.exists(os.path.join(root, word))


def _pytest_covers(push: _Pytest, mine: _Pytest) -> bool:
    """Whether the pytest run on push runs every test ``mine`` runs, and holds them to every
    gate I hold (a coverage threshold): it leaves out nothing I keep, each of its -k/-m
    expressions is mine or the start of a narrower one of mine (``not Onnx`` and ``not Onnx and
    $pattern``), and each of my paths is within one of its."""
    if push.subset or not push.left_out <= mine.left_out or not mine.gates <= push.gates:
        return False
    for option, expression in push.expressions:
        if not any(
            o == option and (e == expression or e.startswith(f"{expression} and "))
            for o, e in mine.expressions
        ):
            return False
    if not push.paths:
        return True
    return bool(mine.paths) and all(
        any(_within_folder(p, scope) for scope in push.paths) for p in mine.paths
    )


def _within_folder(path: str, scope: str) -> bool:
    path, scope = path.removeprefix("./").rstrip("/"), scope.removeprefix("./").rstrip("/")
    return scope in ("", ".") or path == scope or path.startswith(scope + "/")


# `go test`'s flags that choose which tests run or how they build (`go help testflag`: -run,
# -skip, -short, -list; `go help build`: -tags, -C), and its other flags that take a value
# (so that value is not read as a package). Packages: `go help packages` ("./..." matches the
# folder and every folder below it).
GO_CHOOSING = frozenset({"run", "skip", "list", "tags", "C"})
GO_CHOOSING_SWITCHES = frozenset({"short"})
GO_VALUED = frozenset(
    {
        "timeout", "coverprofile", "covermode", "coverpkg", "count", "p", "parallel", "cpu",
        "bench", "benchtime", "o", "exec", "shuffle", "vet", "ldflags", "gcflags", "asmflags",
        "mod", "modfile", "outputdir", "memprofile", "cpuprofile", "blockprofile",
        "mutexprofile", "trace", "fuzz", "fuzztime", "fuzzminimizetime",
    }
)  # fmt: skip


def _go_test(text: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """A ``go test`` command's choosing flags (``run=X``, ``short``) and package patterns (``.``
    when none is named), or None for another command."""
    said = words(EXPRESSION.sub("EXPR", text))
    if said[:2] != ("go", "test"):
        return None
    chosen: set[str] = set()
    packages: list[str] = []
    rest = iter(said[2:])
    for word in rest:
        if not word.startswith("-"):
            packages.append(word)
            continue
        name, given, value = word.lstrip("-").partition("=")
        if name in GO_CHOOSING_SWITCHES:
            chosen.add(name)
        elif name in GO_CHOOSING:
            chosen.add(f"{name}={value if given else next(rest, '')}")
        elif name in GO_VALUED and not given:
            next(rest, None)
    return frozenset(chosen), tuple(packages or ["."])


def _go_covers(
    push: tuple[frozenset[str], tuple[str, ...]], mine: tuple[frozenset[str], tuple[str, ...]]
) -> bool:
    """Whether the ``go test`` run on push runs every test ``mine`` runs: it chooses no fewer
    tests (each of its choosing flags is also mine; build tags I add are its too), and each of
    my packages is within one of its patterns."""
    pushed, patterns = push
    chosen, packages = mine
    if not pushed <= chosen or {c for c in chosen if c.startswith(("tags=", "C="))} - pushed:
        return False
    return all(any(_within(p, scope) for scope in patterns) for p in packages)


def _within(package: str, scope: str) -> bool:
    package, scope = package.rstrip("/"), scope.rstrip("/")
    if scope.endswith("/..."):
        base = scope[: -len("/...")]
        return package in (base, scope) or package.startswith(base + "/")
    return package == scope


@dataclass(frozen=True)
class _GoRun:
    chosen: frozenset[str]  # choosing flags with their values: `run=X`, `short`
    packages: tuple[str, ...]


# Maven's default lifecycle (maven.apache.org, "Introduction to the Build Lifecycle"): a phase
# runs every phase before it. `test` and `package` run the unit tests; from
# `integration-test` on, the integration tests (failsafe) too.
MAVEN_UNIT = frozenset({"test", "package"})
MAVEN_ALL = frozenset({"integration-test", "verify", "install", "deploy"})
# The options that change which tests run or where: a profile, a module list, a test filter,
# another pom.
MAVEN_CHOOSING = ("-P", "--activate-profiles", "-pl", "--projects", "-f", "--file")
MAVEN_FILTERS = ("-Dtest=", "-Dit.test=", "-Dgroups=", "-DexcludedGroups=")
MAVEN_WRAPPERS = frozenset({"xvfb-run", "-a", "--auto-servernum", "time", "sudo", "nice"})


@dataclass(frozen=True)
class _MavenRun:
    level: int  # 1: unit tests, 2: integration tests too
    chosen: frozenset[str]  # profiles, modules, files, test filters, as written


def _maven(text: str) -> _MavenRun | None:
    """A Maven run's tests: how far into the lifecycle it goes and what chooses its tests, or
    None for another command. Wrappers (`xvfb-run`) and settings before it are passed over."""
    said = list(words(EXPRESSION.sub("EXPR", text)))
    while said and (ENV_ASSIGNMENT.match(said[0]) or said[0] in MAVEN_WRAPPERS):
        said = said[1:]
    if not said or os.path.basename(said[0]) not in ("mvn", "mvnw", "mvnw.cmd"):
        return None
    level = 0
    chosen: set[str] = set()
    rest = iter(said[1:])
    for word in rest:
        if word in MAVEN_UNIT:
            level = max(level, 1)
        elif word in MAVEN_ALL:
            level = 2
        elif word in MAVEN_CHOOSING:
            chosen.add(f"{word} {next(rest, '')}")
        elif word.startswith(MAVEN_FILTERS) or (
            word.startswith(("-P", "-pl")) and len(word) > 2  # `-Pcoverage`, `-plcore`
        ):
            chosen.add(word)
    return _MavenRun(level, frozenset(chosen)) if level else None


Selection = _GoRun | _Pytest | _MavenRun


def selection(text: str, root: str) -> Selection | None:
    """The tests a command selects, or None when it is not `go test`, pytest or Maven. ``root``: the
    repository, where a pytest argument that exists is a path."""
    go = _go_test(text)
    if go is not None:
        return _GoRun(*go)
    return _pytest(text, root) or _maven(text)


def covers(push: Selection, mine: Selection) -> bool:
    """Whether the run ``push`` selects every test ``mine`` selects (the same tool)."""
    if isinstance(push, _GoRun) and isinstance(mine, _GoRun):
        return _go_covers((push.chosen, push.packages), (mine.chosen, mine.packages))
    if isinstance(push, _Pytest) and isinstance(mine, _Pytest):
        return _pytest_covers(push, mine)
    if isinstance(push, _MavenRun) and isinstance(mine, _MavenRun):
        # as far into the lifecycle, chosen alike: the goals around (clean, jacoco:report, a
        # sonar scan) run no other tests (cryptomator's `mvn -B verify … -Pcoverage` on push
        # holds its pull requests' `mvn -B clean install … -Pcoverage`)
        return push.level >= mine.level and push.chosen == mine.chosen
    return False
