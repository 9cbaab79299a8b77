"""Folders that are never a project's own files: version control, dependencies installed into
the tree, virtual environments, caches and pitstop's own state."""

from __future__ import annotations

SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".pitstop", ".tox"})
