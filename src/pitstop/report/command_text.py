"""Text inside a GitHub workflow command (``::error title=…::message``), escaped as the runner
unescapes it (actions/toolkit's command.ts: ``%``, CR and LF in a message; ``:`` and ``,`` too
in a property)."""

from __future__ import annotations


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
