"""Fetch zizmor's integration test-data (the workflows its own audits are tested on) from the
sdist of the zizmor release installed here, through PyPI's simple index (PEP 691 JSON), into
.ci/cache/zizmor-<version>-test-data. The recall test reads it from there; nothing else does.
Run by .ci/deps; a failure leaves the test to skip with its reason."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request

CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cache")
PART = "/crates/zizmor/tests/integration/test-data/"


def main() -> int:
    try:
        out = subprocess.run(["zizmor", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        print(".ci/zizmor_test_data.py: zizmor is not installed", file=sys.stderr)
        return 1
    version = out.stdout.split()[-1]
    target = os.path.join(CACHE, f"zizmor-{version}-test-data")
    if os.path.isdir(target):
        return 0
    request = urllib.request.Request(
        "https://pypi.org/simple/zizmor/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        files = json.load(answer)["files"]
    sdist = next(f for f in files if f["filename"] == f"zizmor-{version}.tar.gz")
    with urllib.request.urlopen(sdist["url"], timeout=120) as answer:
        data = answer.read()
    expected = sdist.get("hashes", {}).get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        print(".ci/zizmor_test_data.py: the sdist's sha256 does not match PyPI's", file=sys.stderr)
        return 1
    partial = target + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            at = member.name.find(PART)
            if at < 0 or not member.isfile():
                continue
            relative = member.name[at + len(PART) :]
            path = os.path.join(partial, relative)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            with open(path, "wb") as handle:
                handle.write(source.read())
    os.replace(partial, target)  # whole, or not there
    return 0


if __name__ == "__main__":
    sys.exit(main())
