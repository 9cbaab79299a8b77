"""A list of steps being run: the job's own steps, or a composite action's steps inside them.

Each scope has its own ``steps`` context, ``inputs`` and success state, as the runner keeps them for
composite actions (``CompositeActionHandler.cs``); the job's environment files are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scope:
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # a composite action step's own env
    failed: bool = False
    action_path: str = ""
    action_name: str = ""  # github.action_repository for actions
    composite: bool = False
    depth: int = 0
    prefix: str = ""  # label prefix for nested steps
    run_counter: dict[str, int] = field(default_factory=dict)
    # a composite's inner steps that were not run locally, or not as on GitHub: (label, why)
    not_run_locally: list[tuple[str, str]] = field(default_factory=list)
    differs: list[tuple[str, str]] = field(default_factory=list)

    def action_id(self, step_id: str | None) -> str:
        """``GITHUB_ACTION``: the step id, or ``__run``, ``__run_2``, … for steps without one."""
        if step_id:
            return step_id
        count = self.run_counter.get("__run", 0) + 1
        self.run_counter["__run"] = count
        return "__run" if count == 1 else f"__run_{count}"
