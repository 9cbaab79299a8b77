"""``actions/setup-python``: find the requested Python on this machine (PATH, pyenv, uv, the
running interpreter), and put a virtual environment of it first on the job's PATH, so a step's
``pip install`` never touches the user's own environment.

By default every job gets a new environment, as every job on GitHub starts from the runner
image's Python: pip and setuptools as the interpreter's ``ensurepip`` bundles them, nothing else.
It is made in the job's own folder and goes with it. Made fast: ``python -m venv
--without-pip`` (a fraction of a second), then pip and setuptools copied from a seed environment
made once per interpreter under ``<pitstop home>/seeds``, which is exactly what ``python -m venv``
would have put there. pip's download and wheel cache is ``<pitstop home>/pip-cache``: it changes
what is downloaded, never what is installed.

With ``--reuse-envs`` environments are kept under ``<pitstop home>/venvs``, keyed by the
repository's absolute path, the workflow, the job, the matrix row, the interpreter and a hash of
the dependency files in the workspace (requirements, lock files, pyproject.toml, setup.*), so
nothing crosses repositories and a changed dependency file starts anew. Outputs as the action's:
``python-version``, ``python-path``, ``cache-hit``.
"""

from __future__ import annotations

import asyncio
import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import TYPE_CHECKING

from pitstop.folders import SKIP_DIRS
from pitstop.runner.actions.python_version_spec import from_file, requested
from pitstop.runner.actions.version_range import is_range, numbers, satisfies
from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall, JobNotRunLocally

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _version_of(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def candidates() -> list[str]:
    """Interpreters on this machine, most specific places first."""
    found = [sys.executable]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        found.extend(sorted(glob.glob(os.path.join(folder, "python3*"))))
    home = os.path.expanduser("~")
    found.extend(sorted(glob.glob(os.path.join(home, ".pyenv", "versions", "*", "bin", "python3"))))
    found.extend(
        sorted(
            glob.glob(os.path.join(home, ".local", "share", "uv", "python", "*", "bin", "python3"))
        )
    )
    found.extend(
        sorted(glob.glob("/usr/bin/python3*")) + sorted(glob.glob("/usr/local/bin/python3*"))
    )
    unique: list[str] = []
    for path in found:
        if re.search(r"python3(\.\d+)?$", path) and os.access(path, os.X_OK) and path not in unique:
            unique.append(path)
    return unique


def matches(wanted: str, version: str) -> bool:
    wanted = wanted.strip()
    if wanted in ("", "3", "3.x", "x"):
        return version.startswith("3.")
    if wanted.endswith(".x"):
        wanted = wanted[:-2]
    return version == wanted or version.startswith(wanted + ".")


def find_python(wanted: str) -> tuple[str, str] | None:
    """The first interpreter of ``candidates()`` of the version asked for; for a range
    (``>=3.9 <4``), the newest inside it."""
    seen: set[str] = set()
    inside: list[tuple[tuple[int, ...], int, str, str]] = []
    for order, path in enumerate(candidates()):
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        version = _version_of(path)
        if not version:
            continue
        if not is_range(wanted):
            if matches(wanted, version):
                return path, version
        elif satisfies(wanted, version):
            inside.append((numbers(version), -order, path, version))
    if inside:
        _, _, path, version = max(inside)
        return path, version
    return None


def _wanted_version(job: StepContext, call: ActionCall) -> str:
    """The version the step's ``python`` is: the last of those asked for (see
    ``python_version_spec``). Raises OSError or ValueError for a version file the action
    would fail on too."""
    versions = requested(call.input("python-version"))
    if not versions:
        named = call.input("python-version-file")
        path = os.path.join(job.workspace, named or ".python-version")
        if named and not os.path.isfile(path):
            raise OSError(f"The specified python version file at: {named} doesn't exist.")
        if os.path.isfile(path):
            versions = from_file(path)
    return versions[-1] if versions else ""


DEPENDENCY_FILES = re.compile(
    r"(^|/)(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|[^/]*\.lock|pyproject\.toml|"
    r"setup\.(py|cfg)|Pipfile)$"
)


def dependency_digest(workspace: str) -> str:
    """A hash of the dependency files under ``workspace`` (names and contents)."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, workspace)
            if DEPENDENCY_FILES.search(relative.replace(os.sep, "/")):
                digest.update(relative.encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()[:16]


async def _run(*argv: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


def _site_packages(venv: str) -> str:
    found = glob.glob(os.path.join(venv, "lib", "*", "site-packages"))
    if not found:
        raise OSError(f"no site-packages in {venv}")
    return found[0]


SEED_PIP = "PITSTOP_SEED_PIP"
"""``latest`` (the default): the seed's pip is upgraded as GitHub's toolcache installer upgrades
the runner's (actions/python-versions, installers/nix-setup-template.sh: ``python -m ensurepip``
then ``python -m pip install --upgrade pip``), and made anew each week, as runner images are.
``bundled``: pip as the interpreter's ``ensurepip`` bundles it, for a machine with no index."""


def _seed_folder(home: str, interpreter: str, version: str, mode: str) -> str:
    key = hashlib.sha256(os.path.realpath(interpreter).encode()).hexdigest()[:12]
    if mode == "bundled":
        return os.path.join(home, "seeds", f"{version}-{key}-bundled")
    year, week, _ = datetime.date.today().isocalendar()
    return os.path.join(home, "seeds", f"{version}-{key}-{year}w{week:02d}")


def _prune_seeds(folder: str) -> None:
    """Seeds of the same interpreter two weeks old or more; last week's stays, as a run that
    started before the week turned may still be copying from it."""
    stem = os.path.basename(folder).rsplit("-", 1)[0]
    year, week, _ = (datetime.date.today() - datetime.timedelta(weeks=1)).isocalendar()
    keep = {os.path.basename(folder), f"{stem}-{year}w{week:02d}"}
    older = re.compile(re.escape(stem) + r"-\d{4}w\d{2}")
    parent = os.path.dirname(folder)
    for name in os.listdir(parent):
        if older.fullmatch(name) and name not in keep:
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


async def _upgrade_pip(python: str, staging: str) -> str | None:
    """``pip install --upgrade pip``, in two halves so that an index pip cannot reach is an
    error, not "Requirement already satisfied": the newest pip is downloaded, then installed."""
    wheels = os.path.join(staging, ".pip-download")
    quiet = ("--disable-pip-version-check", "--quiet")
    code, out = await _run(python, "-m", "pip", "download", "pip", "--no-deps", "-d", wheels,
                           "--only-binary", ":all:", *quiet)  # fmt: skip
    found = glob.glob(os.path.join(wheels, "pip-*.whl"))
    if code == 0 and found:
        code, out = await _run(python, "-m", "pip", "install", "--upgrade", "--no-index",
                               found[0], "--no-warn-script-location", *quiet)  # fmt: skip
    shutil.rmtree(wheels, ignore_errors=True)
    if code == 0 and found:
        return None
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    return lines[-1] if lines else f"pip exited {code}"


async def seed(home: str, interpreter: str, version: str) -> tuple[str, str | None]:
    """A pristine environment of ``interpreter`` as the runner image has it, made once; never
    used by a job. Returns its folder and, when pip could not be upgraded, why."""
    mode = "bundled" if os.environ.get(SEED_PIP, "latest") == "bundled" else "latest"
    folder = _seed_folder(home, interpreter, version, mode)
    marker = os.path.join(folder, "pitstop-seed.json")
    if os.path.isfile(marker):
        with open(marker, encoding="utf-8") as handle:
            return folder, json.load(handle).get("pip-not-upgraded")
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".seed-", dir=os.path.dirname(folder))
    problem: str | None = None
    try:
        code, out = await _run(interpreter, "-m", "venv", staging)
        if code:
            raise OSError(f"python -m venv failed: {out[-500:]}")
        if mode == "latest":
            problem = await _upgrade_pip(os.path.join(staging, "bin", "python"), staging)
        with open(os.path.join(staging, "pitstop-seed.json"), "w", encoding="utf-8") as handle:
            json.dump({"pip-not-upgraded": problem}, handle)
        try:
            os.rename(staging, folder)
        except OSError:
            if not os.path.isfile(marker):
                raise
            with open(marker, encoding="utf-8") as handle:
                problem = json.load(handle).get("pip-not-upgraded")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if mode == "latest":
        _prune_seeds(folder)
    return folder, problem


async def fresh_venv(home: str, interpreter: str, version: str, target: str) -> str | None:
    """A new environment at ``target``: the seed's, made fast. Returns why pip is the bundled
    one when the seed could not upgrade it."""
    template, problem = await seed(home, interpreter, version)
    code, out = await _run(interpreter, "-m", "venv", "--without-pip", target)
    if code:
        raise OSError(f"python -m venv failed: {out[-500:]}")
    source, destination = _site_packages(template), _site_packages(target)
    for name in os.listdir(source):
        origin = os.path.join(source, name)
        if os.path.isdir(origin):
            shutil.copytree(origin, os.path.join(destination, name), symlinks=True)
        else:
            shutil.copy2(origin, os.path.join(destination, name))
    python = os.path.join(target, "bin", "python")
    for name in os.listdir(os.path.join(template, "bin")):
        origin = os.path.join(template, "bin", name)
        if not name.startswith("pip") or os.path.islink(origin):
            continue
        with open(origin, encoding="utf-8") as handle:
            lines = handle.read().split("\n", 1)
        with open(os.path.join(target, "bin", name), "w", encoding="utf-8") as handle:
            handle.write(f"#!{python}\n" + (lines[1] if len(lines) > 1 else ""))
        os.chmod(os.path.join(target, "bin", name), 0o755)  # nosec B103 (a program)
    return problem


async def run(job: StepContext, call: ActionCall) -> None:
    try:
        wanted = _wanted_version(job, call)
    except (OSError, ValueError) as error:
        job.log.emit("error", str(error))
        call.result.outcome = FAILURE
        return
    found = await asyncio.to_thread(find_python, wanted)
    if found is None:
        raise JobNotRunLocally(
            f"Python {wanted or '3'} is not installed on this machine (looked on the PATH, in "
            "pyenv and uv)"
        )
    interpreter, version = found
    home = job.state.tool_cache
    hit = False
    problem: str | None = None
    try:
        if job.state.options.reuse_envs:
            digest = await asyncio.to_thread(dependency_digest, job.workspace)
            key = json.dumps(
                [os.path.realpath(job.state.root), job.workflow.path, job.job.id,
                 job.result.matrix, os.path.realpath(interpreter), digest],
                sort_keys=True,
            )  # fmt: skip
            name = hashlib.sha256(key.encode()).hexdigest()[:16]
            venv = os.path.join(home, "venvs", f"{version}-{name}")
            hit = os.path.isfile(os.path.join(venv, "bin", "python"))
            if hit:
                job.log.line(
                    f"Reusing the environment of Python {version} at {venv} (--reuse-envs)"
                )
            else:
                job.log.line(f"Creating an environment of Python {version} to keep (--reuse-envs)")
                shutil.rmtree(venv, ignore_errors=True)
                problem = await fresh_venv(home, interpreter, version, venv)
        else:
            folder = job.slot.tools if job.slot is not None else job.temp_dir
            venv = os.path.join(folder, f"python-{version}")
            shutil.rmtree(venv, ignore_errors=True)
            job.log.line(
                f"A new environment of Python {version} ({interpreter}), as on a fresh runner"
            )
            problem = await fresh_venv(home, interpreter, version, venv)
    except OSError as error:
        job.log.emit("error", f"Creating the virtual environment failed: {error}")
        call.result.outcome = FAILURE
        return
    if problem:
        call.result.differs = (
            f"pip is the one Python {version} bundles, not the latest as on a GitHub runner: "
            f"upgrading it failed ({problem[:300]}); {SEED_PIP}=bundled chooses this"
        )
        job.log.emit("warning", call.result.differs)
    bin_dir = os.path.join(venv, "bin")
    job.add_path(bin_dir)
    job.global_env["pythonLocation"] = venv
    job.global_env["Python_ROOT_DIR"] = venv
    job.global_env["Python3_ROOT_DIR"] = venv
    job.global_env["PKG_CONFIG_PATH"] = os.path.join(venv, "lib", "pkgconfig")
    job.global_env["VIRTUAL_ENV"] = venv
    job.global_env.setdefault("PIP_CACHE_DIR", os.path.join(home, "pip-cache"))
    call.result.outputs.update(
        {
            "python-version": version,
            "python-path": os.path.join(bin_dir, "python"),
            "cache-hit": "true" if hit else "false",
        }
    )
    job.log.line(f"Python {version} is first on the PATH ({bin_dir})")
    call.result.outcome = SUCCESS
