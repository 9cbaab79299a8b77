"""Coverage reports by format, each read into one model (``gate.coverage_model``) and detected
from the file's content, never its name: adding a format is adding a module here and a line in
``READERS``."""

from __future__ import annotations

from collections.abc import Callable

from pitstop.errors import PitstopError, Span
from pitstop.gate.coverage_model import Report
from pitstop.gate.formats import cobertura, coverage_json, jacoco, lcov

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
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise PitstopError(f"cannot read: {error.strerror}", Span.file_start(path)) from None
    if b"\0" in data[:8192]:
        raise PitstopError("not a coverage report: a binary file", Span.file_start(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PitstopError("not a coverage report: not UTF-8 text", Span.file_start(path)) from None
    if not text.strip():
        raise PitstopError("not a coverage report: the file is empty", Span.file_start(path))
    for name, looks_like, read in READERS:
        if looks_like(text):
            report = read(text, path)
            report.format = name
            return report
    raise PitstopError(
        "not a coverage report pitstop reads (Cobertura XML, JaCoCo XML, coverage.py JSON, LCOV)",
        Span.file_start(path),
    )
