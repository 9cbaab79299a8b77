"""What a fix works with: the repository as it stands this round, the pin resolver, and the
patches it records, one per file it edits."""

from __future__ import annotations

from dataclasses import dataclass, field

from pitstop.audit.repo import Repo
from pitstop.fix.patch import Patch
from pitstop.fix.pins import Pins
from pitstop.workflow.yaml import Node, YamlDocument


@dataclass
class FixContext:
    repo: Repo
    pins: Pins
    patches: dict[str, Patch] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)  # what the user must do (secrets to create)

    def patch(self, doc: YamlDocument) -> Patch:
        """The patch for ``doc``'s file, started on first use."""
        if doc.path not in self.patches:
            self.patches[doc.path] = Patch(doc)
        return self.patches[doc.path]


def set_scalar(doc: YamlDocument, node: Node, value: object, context: FixContext) -> None:
    """A fix's edit that writes ``value`` in place of the scalar ``node`` (bound with partial:
    ``partial(set_scalar, doc, node, "read")``)."""
    context.patch(doc).replace_scalar(node, value)
