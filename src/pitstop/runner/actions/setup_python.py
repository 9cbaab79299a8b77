"""``actions/setup-python``: find the requested Python on this machine (PATH, pyenv, uv, the
running interpreter), and put a virtual environment of it first on the job's PATH, so a step's
``pip install`` never touches the user's own environment.

Environments are kept under ``~/.cache/pitstop/venvs`` by interpreter, workflow, job and matrix row,
so a second run reuses what the first installed (``--fresh-envs`` starts them anew). Outputs as
the action's: ``python-version``, ``python-path``, ``cache-hit``.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall

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
    seen: set[str] = set()
    for path in candidates():
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        version = _version_of(path)
        if version and matches(wanted, version):
            return path, version
    return None


def _wanted_version(job: StepContext, call: ActionCall) -> str:
    version = call.input("python-version")
    if version:
        return version.splitlines()[0]
    file = call.input("python-version-file") or ".python-version"
    path = os.path.join(job.workspace, file)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split()
        return lines[0] if lines else ""
    return ""


async def run(job: StepContext, call: ActionCall) -> None:
    wanted = _wanted_version(job, call)
    found = await asyncio.to_thread(find_python, wanted)
    if found is None:
        job.log.emit(
            "error",
            f"Python {wanted or '3'} was not found on this machine (looked on the PATH, in pyenv "
            "and uv). Install it, or change python-version.",
        )
        call.result.outcome = FAILURE
        return
    interpreter, version = found
    key = json.dumps(
        [os.path.realpath(interpreter), job.workflow.path, job.job.id, job.result.matrix],
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    venv = os.path.join(job.state.tool_cache, "venvs", f"{version}-{digest}")
    hit = os.path.isfile(os.path.join(venv, "bin", "python"))
    if hit and job.state.options.fresh_envs:
        shutil.rmtree(venv, ignore_errors=True)
        hit = False
    if not hit:
        job.log.line(f"Creating a virtual environment of Python {version} ({interpreter})")
        proc = await asyncio.create_subprocess_exec(
            interpreter,
            "-m",
            "venv",
            venv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        if proc.returncode:
            job.log.emit("error", f"Creating the virtual environment failed: {out.decode()[-500:]}")
            call.result.outcome = FAILURE
            return
    else:
        job.log.line(f"Reusing the virtual environment of Python {version} at {venv}")
    bin_dir = os.path.join(venv, "bin")
    job.add_path(bin_dir)
    job.global_env["pythonLocation"] = venv
    job.global_env["Python_ROOT_DIR"] = venv
    job.global_env["Python3_ROOT_DIR"] = venv
    job.global_env["PKG_CONFIG_PATH"] = os.path.join(venv, "lib", "pkgconfig")
    job.global_env["VIRTUAL_ENV"] = venv
    call.result.outputs.update(
        {
            "python-version": version,
            "python-path": os.path.join(bin_dir, "python"),
            "cache-hit": "true" if hit else "false",
        }
    )
    job.log.line(f"Python {version} is first on the PATH ({bin_dir})")
    call.result.outcome = SUCCESS
