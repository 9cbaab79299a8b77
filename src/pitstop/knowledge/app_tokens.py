"""Actions that mint GitHub App tokens, from ``app_tokens.toml``: the inputs that decide which
repositories and permissions a token reaches, and how long it lives."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pitstop.knowledge.tables import table


@dataclass(frozen=True)
class TokenAction:
    name: str
    revoke_off: str
    owner: str
    repositories: str
    permission_prefix: str


@cache
def token_actions() -> dict[str, TokenAction]:
    """owner/repo, lower case -> what its inputs mean."""
    return {
        row["name"].lower(): TokenAction(
            row["name"],
            row["revoke_off"],
            row["owner"],
            row["repositories"],
            row["permission_prefix"],
        )
        for row in table("app_tokens.toml")["action"]
    }


def token_action(uses: str) -> TokenAction | None:
    return token_actions().get(uses.partition("@")[0].lower())


def organization_only(permission: str) -> bool:
    """Whether a permission (`members`, `organization-secrets`) is the organization's rather
    than its repositories'."""
    org = table("app_tokens.toml")["organization"]
    return permission.startswith(org["prefix"]) or permission in org["names"]
