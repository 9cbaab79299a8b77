"""How the benchmarks time a command: as a user runs it, from process start to exit, with the
process's own peak memory."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def timed(
    argv: Sequence[str], ok: Sequence[int], cwd: Path | None = None
) -> tuple[float, int, bytes]:
    """Wall time, peak memory (KiB, the process's own, from wait4) and standard output; an
    exit code outside ``ok`` stops the benchmark with the command's last words."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        took = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in ok:
            raise SystemExit(f"{argv[0]} exited {code}: {err.read().decode()[-500:]}")
        return took, usage.ru_maxrss, out.read()
