"""The audit reads the repository's own files only: a step that runs `make -C /elsewhere` or
`../x.sh` does not make pitstop open a file outside the repository."""

from __future__ import annotations

from pathlib import Path

from pitstop.audit.repo import Repo


def test_files_outside_the_repository_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Makefile").write_text("deploy:\n\tkubectl apply -f k8s/\n")
    repo_root = tmp_path / "repo"
    (repo_root / ".github" / "workflows").mkdir(parents=True)
    (repo_root / "Makefile").write_text("test:\n\tpytest\n")
    repo = Repo.load(str(repo_root))
    assert repo.read("Makefile") == "test:\n\tpytest\n"
    assert repo.read(str(outside / "Makefile")) is None
    assert repo.read("../outside/Makefile") is None
