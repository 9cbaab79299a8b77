"""The package.json scripts a step runs (`npm run publish`, `pnpm release`, `yarn deploy`),
read from the repository: what a job does often lives there, not in the workflow (drizzle's
release job runs `npm run publish`, whose script is `npm publish package.tgz`)."""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING

from pitstop.audit.scripts import commands, words

if TYPE_CHECKING:
    from pitstop.audit.repo import Repo

# What each package manager runs as a script: `npm run X` / `npm run-script X`
# (docs.npmjs.com/cli/commands/npm-run-script); pnpm, yarn and bun also run a script named
# directly when it is not one of their own commands (pnpm.io/cli/run, yarnpkg.com/cli/run,
# bun.sh/docs/cli/run), as does utoo's `ut` (skills.sh/utooland, utoo's command list: `utoo
# <script>`, alias `ut`).
RUNNERS = ("npm", "pnpm", "yarn", "bun", "ut")
# Their own commands, which a script of the same name does not replace (`pnpm install`).
BUILTIN = frozenset(
    "add audit bin cache ci config create dedupe dlx exec help import info init install "
    "i link list ls outdated pack patch prune publish rebuild remove rm root set store test "
    "unlink up update upgrade version why x".split()
)
# How deep a script that runs another is followed (`"release": "pnpm run build && pnpm run
# publish:npm"`).
DEPTH = 2


def run_scripts(repo: Repo, script: str, folder: str | None) -> str:
    """The text of the package.json scripts ``script`` runs, in ``folder`` (a step's working
    directory; an expression in it, `${{ matrix.package }}`, stands for any folder), and of
    the scripts those run; "" when it runs none."""
    manifests = _manifests(repo, folder or ".")
    if not manifests:
        return ""
    found: list[str] = []
    _follow(script, manifests, found, DEPTH)
    return "\n".join(found)


def _follow(script: str, manifests: list[dict[str, str]], found: list[str], depth: int) -> None:
    for name in _script_names(script):
        for scripts in manifests:
            body = scripts.get(name)
            if body is None or body in found:
                continue
            found.append(body)
            if depth > 0:
                _follow(body, manifests, found, depth - 1)


def _script_names(script: str) -> list[str]:
    names = []
    for command in commands(script):
        said = words(command.text)
        if len(said) < 2 or said[0] not in RUNNERS:
            continue
        rest = [w for w in said[1:] if not w.startswith("-")]
        if not rest:
            continue
        if rest[0] in ("run", "run-script"):
            if len(rest) > 1:
                names.append(rest[1])
        elif said[0] != "npm" and rest[0] not in BUILTIN:
            names.append(rest[0])
    return names


def _manifests(repo: Repo, folder: str) -> list[dict[str, str]]:
    """The scripts of the package.json in ``folder``, or of every package.json whose folder
    the pattern matches when it holds an expression."""
    folder = os.path.normpath(folder.strip())
    if "${{" not in folder:
        return [s for s in (_scripts(repo, os.path.join(folder, "package.json")),) if s]
    pattern = re.compile(
        "/".join("[^/]+" if "${{" in part else re.escape(part) for part in folder.split("/"))
        + "/package.json"
    )
    return [
        s for path in _package_files(repo) if pattern.fullmatch(path) if (s := _scripts(repo, path))
    ]


def _package_files(repo: Repo) -> list[str]:
    return repo.memo(
        "package.json files",
        lambda: [f for f in repo.files if f == "package.json" or f.endswith("/package.json")],
    )


def _scripts(repo: Repo, path: str) -> dict[str, str]:
    """The scripts of one package.json, parsed once per repository however many steps ask."""
    path = os.path.normpath(path)
    return repo.memo(f"package.json scripts {path}", lambda: _parse_scripts(repo, path))


def _parse_scripts(repo: Repo, path: str) -> dict[str, str]:
    text = repo.read(path)
    if not text:
        return {}
    try:
        manifest = json.loads(text)
    except ValueError:
        return {}
    scripts = manifest.get("scripts") if isinstance(manifest, dict) else None
    if not isinstance(scripts, dict):
        return {}
    return {k: v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)}
