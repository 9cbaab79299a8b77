"""The summary posted to its pull request through GitHub's REST API, created once and then
updated in place: the comment whose body holds the summary's hidden marker is edited
(``PATCH /repos/{owner}/{repo}/issues/comments/{id}``), else one is created
(``POST /repos/{owner}/{repo}/issues/{number}/comments``; GitHub's REST docs, "Issue
comments": a pull request's conversation comments are its issue's). The token is
``GITHUB_TOKEN``, the API ``GITHUB_API_URL``, the repository ``GITHUB_REPOSITORY`` and the
pull request the event's (``GITHUB_EVENT_PATH``), as a workflow step has them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pitstop.errors import PitstopError

if TYPE_CHECKING:
    import httpx

API_VERSION = "2022-11-28"


@dataclass
class Posted:
    url: str
    created: bool  # False: an earlier comment was updated


def pull_request_number(event_path: str | None) -> int:
    if not event_path:
        raise PitstopError("no pull request: GITHUB_EVENT_PATH is not set (or give --pr N)")
    try:
        with open(event_path, encoding="utf-8") as handle:
            event = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise PitstopError(f"cannot read the event payload {event_path}: {error}") from None
    for key in ("pull_request", "issue"):
        number = (event.get(key) or {}).get("number") if isinstance(event, dict) else None
        if isinstance(number, int):
            return number
    raise PitstopError(
        "the event is not a pull request's (no pull_request.number in its payload); "
        "summary --post runs on pull_request events, or give --pr N"
    )


def post(body: str, marker: str, number: int | None = None) -> Posted:
    import httpx

    token = os.environ.get("GITHUB_TOKEN")
    repository = os.environ.get("GITHUB_REPOSITORY")
    if not token:
        raise PitstopError("GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN)")
    if not repository or "/" not in repository:
        raise PitstopError("GITHUB_REPOSITORY (owner/name) is not set")
    if number is None:
        number = pull_request_number(os.environ.get("GITHUB_EVENT_PATH"))
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "pitstop",
    }
    with httpx.Client(headers=headers, timeout=30) as client:
        try:
            existing = _find(client, f"{api}/repos/{repository}/issues/{number}/comments", marker)
            if existing is not None:
                response = client.patch(
                    f"{api}/repos/{repository}/issues/comments/{existing}", json={"body": body}
                )
            else:
                response = client.post(
                    f"{api}/repos/{repository}/issues/{number}/comments", json={"body": body}
                )
            response.raise_for_status()
        except httpx.HTTPStatusError as error:
            said = error.response.text[:300]
            raise PitstopError(
                f"GitHub answered {error.response.status_code} to {error.request.method} "
                f"{error.request.url}: {said}"
            ) from None
        except httpx.HTTPError as error:
            raise PitstopError(f"could not reach GitHub at {api}: {error}") from None
    return Posted(str(response.json().get("html_url", "")), existing is None)


def _find(client: httpx.Client, url: str, marker: str) -> int | None:
    """The id of the first comment whose body holds ``marker``, following the pages."""
    next_url: str | None = f"{url}?per_page=100"
    while next_url:
        response = client.get(next_url)
        response.raise_for_status()
        for comment in response.json():
            if marker in str(comment.get("body", "")):
                return int(comment["id"])
        next_url = response.links.get("next", {}).get("url")
    return None
