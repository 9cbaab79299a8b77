"""A job's home folder. On GitHub each job starts on a fresh runner whose `$HOME` belongs to
the runner; here a step's `git config --global`, `pip install --user`, `npm login` or
`~/.cache` writes must not reach the user's own home, so `$HOME` is a folder of the job's,
empty when the job starts (the promise that a job touches nothing outside its own folders).

What the job still reads from the user's home, because a tool finds its installation there
and no step could run without it: rustup's toolchains (`RUSTUP_HOME`, read to run `cargo`
and `rustc`; rustup writes there only to install a toolchain a step asks for)."""

from __future__ import annotations

import os

# Base directories that default to folders of $HOME (XDG Base Directory Specification,
# https://specifications.freedesktop.org/basedir-spec/latest/): set explicitly by the user's
# session, they would still point into the user's home.
XDG = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


def own_home(env: dict[str, str], home: str) -> None:
    """Point ``env`` (a step's process environment, from the user's) at the job's ``home``."""
    real = env.get("HOME") or os.path.expanduser("~")
    rustup = os.path.join(real, ".rustup")
    if "RUSTUP_HOME" not in env and os.path.isdir(rustup):
        env["RUSTUP_HOME"] = rustup  # the toolchains `~/.cargo/bin`'s proxies run
    for name in XDG:
        value = env.get(name)
        if value is not None and _inside(value, real):
            del env[name]  # then it defaults to a folder of the job's home
    env["HOME"] = home
    if "USERPROFILE" in env:
        env["USERPROFILE"] = home  # Windows' home


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == (
            os.path.abspath(folder)
        )
    except ValueError:
        return False


def expand_home(path: str, home: str) -> str:
    """``~`` or ``~/x`` as a step would read it: in the job's home."""
    if path == "~" or path.startswith("~/"):
        return home + path[1:]
    return path
