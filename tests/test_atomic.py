"""Writing several files all or none (what ``pitstop fix`` relies on): a failure while staging
leaves every file as it was, and so does a rename that fails after another has succeeded."""

from __future__ import annotations

from pathlib import Path

import pytest

from pitstop.atomic import write_text, write_texts


def test_every_file_changes_together(tmp_path: Path) -> None:
    first, second = tmp_path / "ci.yml", tmp_path / "deploy.yml"
    first.write_text("old ci\n")
    write_texts({str(first): "new ci\n", str(second): "new deploy\n"})
    assert (first.read_text(), second.read_text()) == ("new ci\n", "new deploy\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ci.yml", "deploy.yml"]


def test_a_file_that_cannot_be_staged_changes_nothing(tmp_path: Path) -> None:
    first = tmp_path / "ci.yml"
    first.write_text("old ci\n")
    with pytest.raises(FileNotFoundError):
        write_texts({str(first): "new ci\n", str(tmp_path / "no" / "such.yml"): "x\n"})
    assert first.read_text() == "old ci\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ci.yml"]


def test_a_rename_that_fails_puts_back_what_was_replaced(tmp_path: Path) -> None:
    """A directory where the second file should go: staging beside it works, renaming over it
    fails (a real failure at rename time). The first file, already replaced, gets its old
    contents back; the file that was new is gone again."""
    first, new, blocked = tmp_path / "a.yml", tmp_path / "b.yml", tmp_path / "c.yml"
    first.write_text("old a\n")
    blocked.mkdir()
    (blocked / "keep").write_text("x")
    with pytest.raises(OSError):
        write_texts({str(first): "new a\n", str(new): "new b\n", str(blocked): "new c\n"})
    assert first.read_text() == "old a\n"
    assert not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml", "c.yml"]


def test_one_file_keeps_its_mode(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("echo old\n")
    script.chmod(0o750)
    write_text(str(script), "echo new\n")
    assert script.read_text() == "echo new\n"
    assert script.stat().st_mode & 0o777 == 0o750
