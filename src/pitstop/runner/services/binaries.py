"""Finding a server's binaries and starting it as an unprivileged user when we are root.

PostgreSQL refuses to run as root, so under root (as in CI) the server runs as ``nobody``; its
binaries and data must then be reachable by that user, so a wheel's binaries that live under a
private home folder are linked (or copied) once into a shared temporary folder.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import tempfile

UNPRIVILEGED_UID = 65534  # nobody
UNPRIVILEGED_GID = 65534


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def run_as() -> int | None:
    """The uid servers run under: ``nobody`` when we are root, else ourselves (None)."""
    return UNPRIVILEGED_UID if is_root() else None


def find_on_path(program: str, extra_globs: tuple[str, ...] = ()) -> str | None:
    """The folder holding ``program`` on the PATH, or in one of ``extra_globs``."""
    found = shutil.which(program)
    if found:
        return os.path.dirname(os.path.realpath(found))
    for pattern in extra_globs:
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if os.access(os.path.join(candidate, program), os.X_OK):
                return candidate
    return None


def _traversable_by_others(path: str) -> bool:
    path = os.path.abspath(path)
    while True:
        mode = os.stat(path).st_mode
        if not mode & 0o001:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def shared_copy(base: str, parts: tuple[str, ...]) -> str:
    """``base`` itself when others may reach it, else a copy of its ``parts`` (relative folders,
    kept at the same relative places so that ``$ORIGIN`` library paths still resolve) in the temp
    folder, made once."""
    if not is_root() or _traversable_by_others(base):
        return base
    digest = hashlib.sha256(os.path.realpath(base).encode()).hexdigest()[:12]
    target = os.path.join(tempfile.gettempdir(), f"pitstop-bin-{digest}")
    if os.path.isdir(target):
        return target
    staging = tempfile.mkdtemp(prefix="pitstop-bin-", dir=tempfile.gettempdir())
    try:
        for part in parts:
            source = os.path.join(base, part)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(staging, part), symlinks=True)
        os.chmod(staging, 0o755)  # nosec B103 (a folder of programs)
        os.replace(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not os.path.isdir(target):
            raise
    return target


def private_folder(prefix: str) -> str:
    """A new empty folder owned by the user servers run as."""
    folder = tempfile.mkdtemp(prefix=prefix)
    if is_root():
        os.chown(folder, UNPRIVILEGED_UID, UNPRIVILEGED_GID)
    return folder
