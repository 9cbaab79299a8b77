"""A job's own copy of the working tree: tracked and unignored files, uncommitted changes
included, so jobs running side by side cannot trample each other or the user's files."""

from __future__ import annotations

import os
import shutil
import subprocess

from pitstop.git import tree_files


def copy_tree(root: str, target: str) -> int:
    """Copy the working tree's files into ``target``; returns how many were copied."""
    count = 0
    made: set[str] = set()
    for relative in tree_files(root):
        source = os.path.join(root, relative)
        if not os.path.lexists(source) or (os.path.isdir(source) and not os.path.islink(source)):
            continue  # deleted in the working tree, or a submodule folder
        destination = os.path.join(target, relative)
        folder = os.path.dirname(destination)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if os.path.islink(source):
            if os.path.lexists(destination):
                os.remove(destination)
            os.symlink(os.readlink(source), destination)
        else:
            shutil.copy2(source, destination)
        count += 1
    if os.path.isdir(os.path.join(root, ".git")):
        _share_history(root, target)
    return count


def _share_history(root: str, target: str) -> None:
    """Give the copy a ``.git`` of its own that borrows the repository's objects (``--shared``):
    git commands in a step see the history and HEAD, and cannot change the user's repository."""
    scratch = os.path.join(target, ".pitstop-git")
    try:
        subprocess.run(
            ["git", "clone", "--quiet", "--shared", "--no-checkout", root, scratch],
            check=True,
            capture_output=True,
        )
        os.replace(os.path.join(scratch, ".git"), os.path.join(target, ".git"))
        subprocess.run(["git", "reset", "--quiet"], cwd=target, check=False, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pass  # a workspace without history still runs most steps
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
