"""How a ``run:`` step becomes a command line: the shell templates of the runner.

Source: actions/runner ``ScriptHandlerHelpers.cs`` and docs.github.com "Workflow syntax",
jobs.<job_id>.steps[*].shell. With no ``shell`` the runner uses ``bash -e {0}`` when bash is on the
PATH, else ``sh -e {0}``. A custom shell is a command line containing ``{0}``, the script's path.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass

TEMPLATES = {
    "bash": "bash --noprofile --norc -eo pipefail {0}",
    "sh": "sh -e {0}",
    "python": "python {0}",
    "pwsh": "pwsh -command \". '{0}'\"",
    "powershell": "powershell -command \". '{0}'\"",
    "cmd": 'cmd /D /E:ON /V:OFF /S /C "CALL "{0}""',
}
EXTENSIONS = {"bash": ".sh", "sh": ".sh", "python": ".py", "pwsh": ".ps1", "powershell": ".ps1"}
BUILT_IN = ("bash", "pwsh", "python", "sh", "cmd", "powershell")


class ShellError(Exception):
    pass


@dataclass(frozen=True)
class Shell:
    name: str  # the built-in name, or the custom shell's program
    template: str
    extension: str

    def command(self, script_path: str) -> list[str]:
        """The argv that runs ``script_path``."""
        parts = shlex.split(self.template)
        return [part.replace("{0}", script_path) for part in parts]

    def wrap(self, script: str) -> str:
        """The script file's content: PowerShell gets the runner's error preamble and epilogue."""
        if self.name in ("pwsh", "powershell"):
            return (
                "$ErrorActionPreference = 'stop'\n"
                + script
                + "\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }\n"
            )
        return script


def resolve_shell(shell: str | None, path: str | None = None) -> Shell:
    """The shell a step runs in; ``ShellError`` when it is neither built in nor has ``{0}``."""
    if not shell:
        if shutil.which("bash", path=path):
            return Shell("bash", "bash -e {0}", ".sh")
        return Shell("sh", "sh -e {0}", ".sh")
    name = shell.strip()
    if name in TEMPLATES:
        return Shell(name, TEMPLATES[name], EXTENSIONS.get(name, ""))
    if "{0}" not in name:
        raise ShellError(
            f"Invalid shell option. Shell must be a valid built-in ({', '.join(BUILT_IN)}) or a "
            "format string containing '{0}'"
        )
    program = shlex.split(name)[0]
    return Shell(program, name, "")
