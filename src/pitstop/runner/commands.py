"""Workflow commands in a step's output: ``::name key=value,…::data``.

Source: actions/runner ``ActionCommandManager.cs`` and ``ActionCommand.cs`` (TryParseV2). A line
is a command when, after leading white space, it starts with ``::``, a known command name follows
(up to a space or the next ``::``), and properties are ``key=value`` pairs separated by commas.
Data unescapes
``%25`` ``%0D`` ``%0A``; property values also ``%3A`` and ``%2C``. ``stop-commands`` pauses
processing until a line ``::TOKEN::``. ``set-env`` and ``add-path`` are disabled unless
``ACTIONS_ALLOW_UNSECURE_COMMANDS`` is true; ``set-output`` and ``save-state`` still work but warn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KNOWN = frozenset(
    {
        "error",
        "warning",
        "notice",
        "debug",
        "group",
        "endgroup",
        "add-mask",
        "stop-commands",
        "set-output",
        "save-state",
        "set-env",
        "add-path",
        "echo",
        "add-matcher",
        "remove-matcher",
    }
)

DISABLED_MESSAGE = (
    "The `{0}` command is disabled. Please upgrade to using Environment Files or opt into unsecure "
    "command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to "
    "`true`. For more information see: "
    "https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/"
)
DEPRECATED_MESSAGE = (
    "The `{0}` command is deprecated and will be disabled soon. Please upgrade to using "
    "Environment Files. For more information see: "
    "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/"
)


@dataclass(frozen=True)
class Command:
    name: str
    properties: dict[str, str]
    data: str


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_command(line: str, known: frozenset[str] | set[str] = KNOWN) -> Command | None:
    """The command on ``line``, or ``None`` when the line is ordinary output."""
    text = line.lstrip()
    if not text.startswith("::"):
        return None
    end = text.find("::", 2)
    if end < 0:
        return None
    info = text[2:end]
    name, _, props = info.partition(" ")
    if name.lower() not in known:
        return None
    properties: dict[str, str] = {}
    for pair in props.split(","):
        key, sep, value = pair.partition("=")
        if sep and key.strip() and value:
            properties[key.strip()] = _unescape_property(value)
    return Command(name.lower(), properties, _unescape_data(text[end + 2 :]))


@dataclass
class CommandState:
    """What persists between lines of one step: a ``stop-commands`` token."""

    stop_token: str | None = None
    extra_known: set[str] = field(default_factory=set)

    def parse(self, line: str) -> Command | None:
        if self.stop_token is not None:
            command = parse_command(line, {self.stop_token.lower()})
            if command is not None and command.name == self.stop_token.lower():
                self.stop_token = None
                return Command("resume-commands", {}, "")
            return None
        command = parse_command(line)
        if command is not None and command.name == "stop-commands":
            self.stop_token = command.data or None
        return command
