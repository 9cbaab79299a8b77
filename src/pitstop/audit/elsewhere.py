"""The repository's configuration for other CI systems (``knowledge/ci_systems.toml``), read
once per repository: where work the workflows do not show may run."""

from __future__ import annotations

from dataclasses import dataclass

from pitstop.audit.folders import NOT_OURS, SAMPLES, under
from pitstop.audit.repo import Repo
from pitstop.knowledge.ci_systems import configured


@dataclass(frozen=True)
class Config:
    system: str  # "Azure Pipelines"
    path: str  # relative to the repository
    text: str


def other_ci(repo: Repo) -> list[Config]:
    """Every file configuring another CI system, outside test data, vendored code and samples
    (cibuildwheel's `examples/azure-pipelines-minimal.yml` is the reader's, not its own)."""

    def read() -> list[Config]:
        found = configured(repo.files)  # few files match: the folder test is for those only
        return [
            Config(system, path, text)
            for system, path in found
            if not under(path, NOT_OURS | SAMPLES) and (text := repo.read(path)) is not None
        ]

    return repo.memo("other-ci", read)


def where(configs: list[Config]) -> str:
    """ "Azure Pipelines (eng/pipelines/a.yml, 2 more)": for a figure or a message."""
    first = configs[0]
    more = f", {len(configs) - 1} more" if len(configs) > 1 else ""
    return f"{first.system} ({first.path}{more})"
