"""``astral-sh/setup-uv``: uv from PyPI (its ``uv`` wheel) into pitstop's tool folder, first on the
job's PATH, as the action puts the release binary there (inputs and outputs from the action's
``action.yml``).

- ``version`` (``latest`` or empty: the newest on PyPI; a ``>=`` range or ``required-version``
  from ``uv.toml``/``pyproject.toml`` is handed to pip as it is), or ``version-file``;
- ``python-version`` sets ``UV_PYTHON``; ``activate-environment`` makes a venv with ``uv venv``
  (``venv-path``, default ``.venv`` in ``working-directory``) and puts it on the PATH;
- ``tool-dir``/``tool-bin-dir`` set ``UV_TOOL_DIR``/``UV_TOOL_BIN_DIR``;
- ``enable-cache`` uploads nothing here: uv's cache is pitstop's own (``UV_CACHE_DIR`` in pitstop's
  home), kept between runs, which changes what is downloaded, never what is installed.

Outputs: ``uv-version``, ``uv-path``, ``uvx-path``, ``cache-hit`` (false), ``cache-key`` (empty),
``python-version``, ``venv``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from pitstop.runner.results import FAILURE, SUCCESS
from pitstop.runner.uses import ActionCall

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext

EXACT = re.compile(r"^\d+\.\d+\.\d+$")


def wanted_version(job: StepContext, call: ActionCall, workdir: str) -> str:
    """The version asked for: the input, the version file, uv's ``required-version``, else ""."""
    version = call.input("version").strip()
    if version and version != "latest":
        return version.lstrip("v")
    if version == "latest":
        return ""
    file = call.input("version-file")
    if file:
        path = os.path.join(job.workspace, file)
        if os.path.isfile(path) and not path.endswith(".toml"):
            with open(path, encoding="utf-8") as handle:
                text = handle.read().strip()
            return text.removeprefix("uv").strip().lstrip("=v ")
        return _required_version(path) or ""
    for name in ("uv.toml", "pyproject.toml"):
        found = _required_version(os.path.join(workdir, name))
        if found:
            return found
    return ""


def _required_version(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    table = data if path.endswith("uv.toml") else data.get("tool", {}).get("uv", {})
    value = table.get("required-version") if isinstance(table, dict) else None
    return str(value).strip() if value else None


async def _run(argv: list[str], cwd: str | None = None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


async def install(home: str, version: str) -> tuple[str, str, bool]:
    """(bin folder, version, already there): uv of ``version`` in ``<home>/tools/uv/<v>``."""
    tools = os.path.join(home, "tools", "uv")
    if EXACT.match(version):
        folder = os.path.join(tools, version)
        if os.path.isfile(os.path.join(folder, "bin", "uv")):
            return os.path.join(folder, "bin"), version, True
    os.makedirs(tools, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".install-", dir=tools)
    try:
        requirement = (
            "uv" if not version else (f"uv=={version}" if EXACT.match(version) else f"uv{version}")
        )
        code, out = await _run(
            [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
             "--no-warn-script-location", "--target", staging, requirement]
        )  # fmt: skip
        if code:
            raise OSError(f"pip could not install {requirement}: {out.strip()[-400:]}")
        code, out = await _run([os.path.join(staging, "bin", "uv"), "--version"])
        found = re.search(r"(\d+\.\d+\.\d+)", out)
        if code or not found:
            raise OSError(f"the installed uv does not run: {out.strip()[-200:]}")
        folder = os.path.join(tools, found.group(1))
        try:
            os.rename(staging, folder)
        except OSError:
            if not os.path.isfile(os.path.join(folder, "bin", "uv")):
                raise
        return os.path.join(folder, "bin"), found.group(1), False
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def run(job: StepContext, call: ActionCall) -> None:
    workdir = os.path.join(job.workspace, call.input("working-directory", job.workspace))
    version = wanted_version(job, call, workdir)
    try:
        bin_dir, installed, hit = await install(job.state.tool_cache, version)
    except OSError as error:
        job.log.emit("error", f"uv {version or '(latest)'} could not be installed: {error}")
        call.result.outcome = FAILURE
        return
    how = "from pitstop's tool folder" if hit else "installed from PyPI"
    job.log.line(f"uv {installed} {how}: {bin_dir}")
    job.add_path(bin_dir)
    job.global_env["UV_CACHE_DIR"] = os.path.join(job.state.tool_cache, "uv-cache")
    outputs = {
        "uv-version": installed,
        "uv-path": os.path.join(bin_dir, "uv"),
        "uvx-path": os.path.join(bin_dir, "uvx"),
        "cache-hit": "false",
        "cache-key": "",
    }
    if call.input("enable-cache", "auto").lower() == "true":
        job.log.line(
            "enable-cache: nothing is uploaded locally; uv's cache is pitstop's own "
            f"({job.global_env['UV_CACHE_DIR']}), kept between runs"
        )
    for name, variable in (("tool-dir", "UV_TOOL_DIR"), ("tool-bin-dir", "UV_TOOL_BIN_DIR")):
        if call.input(name):
            job.global_env[variable] = os.path.join(job.workspace, call.input(name))
    python = call.input("python-version")
    if python:
        job.global_env["UV_PYTHON"] = python
        outputs["python-version"] = python
    if call.input("activate-environment", "false").lower() == "true":
        venv = os.path.join(workdir, call.input("venv-path", ".venv"))
        argv = [os.path.join(bin_dir, "uv"), "venv", venv] + (
            ["--python", python] if python else []
        )
        code, out = await _run(argv, cwd=workdir)
        if code:
            job.log.emit("error", f"uv venv failed: {out.strip()[-500:]}")
            call.result.outcome = FAILURE
            return
        job.add_path(os.path.join(venv, "bin"))
        job.global_env["VIRTUAL_ENV"] = venv
        outputs["venv"] = venv
        job.log.line(f"Activated the environment {venv}")
    call.result.outputs.update(outputs)
    call.result.outcome = SUCCESS
