"""What a fix works with: the repository as it stands this round, the rule's options, the pin
resolver, and the patches it records, one per file it edits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pitstop.audit.repo import Repo
from pitstop.fix.patch import Patch
from pitstop.fix.pins import Pins
from pitstop.workflow.yaml import YamlDocument


@dataclass
class FixContext:
    repo: Repo
    pins: Pins
    options: Mapping[str, Any] = field(default_factory=dict)
    patches: dict[str, Patch] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)  # what the user must do (secrets to create)

    def patch(self, doc: YamlDocument) -> Patch:
        """The patch for ``doc``'s file, started on first use."""
        if doc.path not in self.patches:
            self.patches[doc.path] = Patch(doc)
        return self.patches[doc.path]
