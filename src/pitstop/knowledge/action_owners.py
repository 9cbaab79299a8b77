"""Publishers of popular actions, from ``action_owners.toml``, and the one-letter look-alikes of
their names that typosquatters register."""

from __future__ import annotations

from functools import cache

from pitstop.knowledge.tables import table

# Letters a reader takes for one another in a monospaced `uses:` line.
LOOK_ALIKE = str.maketrans({"0": "o", "1": "l", "5": "s", "3": "e", "4": "a"})
MIN_LENGTH = 5  # a shorter name has too many honest neighbours one letter away (snok, snyk)


@cache
def owners() -> dict[str, str]:
    """Account name, lower case -> an action it publishes."""
    return {row["name"].lower(): row["action"] for row in table("action_owners.toml")["owner"]}


@cache
def squatted(owner: str) -> str | None:
    """The listed account that ``owner`` imitates (one letter added, dropped, changed or two
    swapped; or the same name with look-alike digits), or None for a listed account or none
    near it."""
    name = owner.lower()
    known = owners()
    if name in known:
        return None
    plain = name.translate(LOOK_ALIKE)
    for real in known:
        if plain == real or (len(real) >= MIN_LENGTH and _one_edit(name, real)):
            return real
    return None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap of two
    neighbouring letters (Damerau's four typing errors)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
