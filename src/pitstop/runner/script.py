"""Running one process for a step: its environment, env files and workflow commands.

Used for ``run:`` steps and for JavaScript actions; the caller decides the command line.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pitstop.runner.commands import (
    DEPRECATED_MESSAGE,
    DISABLED_MESSAGE,
    CommandState,
)
from pitstop.runner.envfiles import (
    SUMMARY_LIMIT,
    FileCommandError,
    StepFiles,
    parse_key_values,
    parse_path_file,
)
from pitstop.runner.process import Finished, ProcessOutcome, run_streamed

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


def _allow_unsecure(env: Mapping[str, str]) -> bool:
    return env.get("ACTIONS_ALLOW_UNSECURE_COMMANDS", "").strip().lower() == "true"


async def run_process(
    job: StepContext,
    argv: Sequence[str],
    *,
    cwd: str,
    env: dict[str, str],
    timeout: float | None,
    cancel: asyncio.Event,
) -> ProcessOutcome:
    """Run ``argv`` with fresh env files, handle its output and its file commands."""
    files = StepFiles.create(job.files_dir)
    env = {**env, **files.paths}
    outcome = ProcessOutcome(Finished(None))
    commands = CommandState()
    log = job.log

    def on_line(line: str) -> None:
        command = commands.parse(line)
        if command is None:
            log.line(line)
            return
        name, data = command.name, command.data
        if name in ("error", "warning", "notice"):
            where = _annotation_place(command.properties)
            log.emit(name, f"{where}{data}")
        elif name == "debug":
            log.emit("debug", data)
        elif name == "group":
            log.emit("group", data)
        elif name == "endgroup":
            log.emit("endgroup", "")
        elif name == "add-mask":
            job.state.masker.add(data)
        elif name in ("set-output", "save-state"):
            key = command.properties.get("name")
            if not key:
                log.emit("error", f"Required field 'name' is missing in ##[{name}] command.")
                outcome.failed_command = True
                return
            log.emit("warning", DEPRECATED_MESSAGE.format(name))
            (outcome.outputs if name == "set-output" else outcome.state)[key] = data
        elif name in ("set-env", "add-path"):
            if not _allow_unsecure(env):
                log.emit("error", f"Unable to process command '{line.strip()}' successfully.")
                log.emit("error", DISABLED_MESSAGE.format(name))
                outcome.failed_command = True
            elif name == "set-env":
                key = command.properties.get("name", "")
                if key.upper() == "NODE_OPTIONS":
                    log.emit(
                        "error",
                        "Can't update NODE_OPTIONS environment variable using ::set-env:: command.",
                    )
                elif key:
                    job.global_env[key] = data
            elif data:
                job.add_path(data)
        elif name == "stop-commands" or name == "resume-commands":
            log.emit("line", line)
        # echo, add-matcher, remove-matcher: accepted, nothing to show locally

    outcome.finished = await run_streamed(
        argv,
        cwd=cwd,
        env=env,
        on_line=on_line,
        timeout=timeout,
        cancel=cancel,
        groups=job.groups,
    )
    _read_files(job, files, outcome)
    files.remove()
    return outcome


def _annotation_place(properties: Mapping[str, str]) -> str:
    title = properties.get("title")
    file = properties.get("file")
    line = properties.get("line")
    col = properties.get("col")
    place = ""
    if file:
        place = file + (f":{line}" if line else "") + (f":{col}" if line and col else "")
    parts = [p for p in (place, title) if p]
    return (" - ".join(parts) + ": ") if parts else ""


def _read_files(job: StepContext, files: StepFiles, outcome: ProcessOutcome) -> None:
    log = job.log
    for variable, context in (
        ("GITHUB_ENV", "env"),
        ("GITHUB_OUTPUT", "output"),
        ("GITHUB_STATE", "state"),
    ):
        try:
            pairs = parse_key_values(files.read(variable))
        except FileCommandError as error:
            log.emit("error", f"Unable to process file command '{context}' successfully.")
            log.emit("error", str(error))
            outcome.failed_command = True
            continue
        for key, value in pairs:
            if context == "env":
                job.global_env[key] = value
            elif context == "output":
                outcome.outputs[key] = value
            else:
                outcome.state[key] = value
    for folder in parse_path_file(files.read("GITHUB_PATH")):
        job.add_path(folder)
    size = files.size("GITHUB_STEP_SUMMARY")
    if size > SUMMARY_LIMIT:
        log.emit(
            "error",
            f"$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of "
            f"{SUMMARY_LIMIT // 1024}k, got {size // 1024}k.",
        )
    elif size:
        outcome.summary = job.state.masker.mask(files.read("GITHUB_STEP_SUMMARY"))


def script_path(job: StepContext, extension: str) -> str:
    return os.path.join(job.temp_dir, f"{uuid.uuid4()}{extension}")
