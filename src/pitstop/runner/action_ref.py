"""What a ``uses:`` names: the actions pitstop emulates, a reference split into name and ref, and
which references are repository actions to fetch. Nothing here knows a job or a file."""

from __future__ import annotations

EMULATIONS = {
    "actions/checkout": "checkout",
    "actions/setup-python": "setup_python",
    "actions/setup-node": "setup_node",
    "actions/cache": "cache",
    "actions/cache/restore": "cache",
    "actions/cache/save": "cache",
    "actions/upload-artifact": "artifacts",
    "actions/download-artifact": "artifacts",
    "astral-sh/setup-uv": "setup_uv",
    "supercharge/redis-github-action": "service_action",
}


def split_uses(uses: str) -> tuple[str, str]:
    """``owner/repo/path@ref`` → (``owner/repo/path``, ``ref``)."""
    name, _, ref = uses.partition("@")
    return name.strip(), ref.strip()


def remote_action(uses: str | None) -> tuple[str, str] | None:
    """``(owner/repo[/path], ref)`` of a repository action pitstop does not emulate; None for
    local, Docker, emulated and expression ``uses:``, and for names without owner or ref."""
    if not uses or uses.startswith(("./", "docker://")) or "${{" in uses:
        return None
    name, ref = split_uses(uses)
    if name.lower() in EMULATIONS or "/" not in name or not ref:
        return None
    return name, ref
