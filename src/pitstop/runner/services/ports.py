"""Whether a host port is free before a service takes it, and who holds it when it is not.

A port is busy when a socket of this machine is bound to it (listening or not): binding
127.0.0.1:<port> fails. The holder is found as ``ss -p`` finds it, from ``/proc/net/tcp{,6}``
(the socket's inode, by local port) and the ``socket:[inode]`` links under ``/proc/<pid>/fd``.
A server another pitstop run started is told apart by its private folder (``pitstop-<kind>-…``),
which is its working folder (Redis renames its process, so the command line alone cannot tell),
so the job can wait its turn instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass

PITSTOP_MARK = "pitstop-"  # the prefix of every service's private folder (binaries.private_folder)
TIME_WAIT = "06"


@dataclass(frozen=True)
class Holder:
    pid: int | None  # None: a socket pitstop cannot see the owner of (another user's)
    command: str
    folder: str = ""  # its working folder

    @property
    def is_pitstop(self) -> bool:
        text = f"{self.command} {self.folder}"
        return any(f"{PITSTOP_MARK}{kind}-" in text for kind in SERVICE_KINDS)

    def describe(self) -> str:
        if self.pid is None:
            return "a process pitstop cannot see (another user's?)"
        command = " ".join(self.command.split())
        return f"pid {self.pid} ({command[:120]})"


SERVICE_KINDS = ("postgres", "redis", "mysql")


def is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def holder(port: int) -> Holder | None:
    """Who has a socket bound to ``port``; None when nobody does (or /proc cannot tell)."""
    inodes = _inodes(port)
    if not inodes:
        return None
    for pid in _pids():
        folder = f"/proc/{pid}/fd"
        try:
            links = os.listdir(folder)
        except OSError:
            continue
        for name in links:
            with contextlib.suppress(OSError):
                target = os.readlink(os.path.join(folder, name))
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return Holder(pid, _command(pid), _folder(pid))
    return Holder(None, "")


def _inodes(port: int) -> set[str]:
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] == TIME_WAIT:
                continue
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[9] != "0":
                found.add(fields[9])
    return found


def _pids() -> list[int]:
    try:
        return sorted(int(n) for n in os.listdir("/proc") if n.isdigit())
    except OSError:
        return []


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            raw = handle.read()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or "?"


def _folder(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return ""
