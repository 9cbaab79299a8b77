"""Every job starts from a clean toolchain, as on GitHub: a package one job installed is not there
for another job, another repository or the next run, by default and with ``--reuse-envs`` alike,
unless the dependency files and everything else in the key are the same."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from tests.gitrepo import commit_all
from tests.run.conftest import pitstop_run

WHEEL = "leak-1.0-py3-none-any.whl"


def make_wheel(folder: Path) -> Path:
    """A real wheel of one module, ``leak``, so pip installs it with no index and no build."""
    files = {
        "leak.py": "VALUE = 'leaked'\n",
        "leak-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: leak\nVersion: 1.0\n",
        "leak-1.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append("leak-1.0.dist-info/RECORD,,")
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("leak-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def workflow(*steps: str) -> str:
    body = "".join(f"      - run: {step}\n" for step in steps)
    return (
        "on: push\njobs:\n  tests:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n        python-version: ['3.11']\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: actions/setup-python@v5\n"
        "        with:\n          python-version: ${{ matrix.python-version }}\n" + body
    )


def repository(root: Path, text: str, wheel: bool = True, requirements: str | None = None) -> Path:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "test-suite.yml").write_text(text)
    if wheel:
        make_wheel(root)
    if requirements is not None:
        (root / "requirements.txt").write_text(requirements)
    return commit_all(root)


IMPORT = "python -c 'import leak'"


def test_a_package_installed_by_one_repository_is_not_there_for_another(tmp_path: Path) -> None:
    """httpx then starlette, tried as a user would: same workflow file, job and row."""
    for mode in ([], ["--reuse-envs"]):
        first = repository(
            tmp_path / f"first{len(mode)}", workflow(f"pip install --no-index ./{WHEEL}", IMPORT)
        )
        second = repository(tmp_path / f"second{len(mode)}", workflow(IMPORT), wheel=False)
        installed = pitstop_run(first, *mode)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        assert "Successfully installed leak-1.0" in installed.stdout
        leaked = pitstop_run(second, *mode)
        assert leaked.returncode == 1, (mode, leaked.stdout)
        assert "ModuleNotFoundError: No module named 'leak'" in leaked.stdout


def test_a_dependency_removed_from_requirements_is_gone_in_the_next_run(tmp_path: Path) -> None:
    steps = ("pip install --no-index -r requirements.txt", IMPORT)
    for mode in ([], ["--reuse-envs"]):
        repo = repository(
            tmp_path / f"repo{len(mode)}", workflow(*steps), requirements=f"./{WHEEL}\n"
        )
        first = pitstop_run(repo, *mode)
        assert first.returncode == 0, first.stdout + first.stderr
        (repo / "requirements.txt").write_text("# leak is not needed any more\n")
        second = pitstop_run(repo, *mode)
        assert second.returncode == 1, (mode, second.stdout)
        assert "ModuleNotFoundError: No module named 'leak'" in second.stdout


def test_reuse_keeps_an_environment_when_nothing_in_its_key_changed(tmp_path: Path) -> None:
    repo = repository(
        tmp_path / "repo",
        workflow("pip install --no-index -r requirements.txt", IMPORT),
        requirements=f"./{WHEEL}\n",
    )
    first = pitstop_run(repo, "--reuse-envs")
    second = pitstop_run(repo, "--reuse-envs")
    assert first.returncode == 0 and second.returncode == 0, second.stdout
    assert "Reusing the environment of Python" in second.stdout
    assert "leak is already installed with the same version" in second.stdout
    assert "environments: kept between runs" in second.stdout
    fresh = pitstop_run(repo)
    assert "environments: fresh for every job" in fresh.stdout
    assert "A new environment of Python" in fresh.stdout
