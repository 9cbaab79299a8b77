"""Coverage reports by format, each read into one model (``gate.coverage_model``) and detected
from the file's content, never its name: adding a format is adding a module here and a line in
``READERS``."""

from __future__ import annotations

from collections.abc import Callable

from pitstop.errors import PitstopError, Span
from pitstop.gate.coverage_model import Report
from pitstop.gate.formats import cobertura, coverage_json, jacoco, lcov
from pitstop.gate.report_file import report_text

# (name, does the text look like it, read it)
READERS: tuple[tuple[str, Callable[[str], bool], Callable[[str, str], Report]], ...] = (
    ("Cobertura XML", cobertura.looks_like, cobertura.read),
    ("JaCoCo XML", jacoco.looks_like, jacoco.read),
    ("coverage.py JSON", coverage_json.looks_like, coverage_json.read),
    ("LCOV", lcov.looks_like, lcov.read),
)


def read_report(path: str) -> Report:
    """The coverage in the report at ``path``, whatever its format. A file that cannot be read,
    is not text, or is none of the formats raises PitstopError naming it."""
    text = report_text(path, "coverage report")
    for name, looks_like, read in READERS:
        if looks_like(text):
            report = read(text, path)
            report.format = name
            return report
    raise PitstopError(
        "not a coverage report pitstop reads (Cobertura XML, JaCoCo XML, coverage.py JSON, LCOV)",
        Span.file_start(path),
    )
