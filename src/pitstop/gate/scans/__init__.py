"""Security scanners' reports by format, each read into one finding shape
(``gate.security_model``) and detected from the file's content, never its name: adding a
format is adding a module here and a line in ``READERS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pitstop.errors import PitstopError, Span
from pitstop.gate.report_file import report_json
from pitstop.gate.scans import (
    bandit,
    gitleaks,
    npm_audit,
    osv_scanner,
    pip_audit,
    safety,
    sarif,
    trivy,
)
from pitstop.gate.security_model import ScanReport

# (name, does the parsed JSON look like it, read it into findings)
READERS: tuple[tuple[str, Callable[[Any], bool], Callable[[Any, str, str], ScanReport]], ...] = (
    ("SARIF 2.1.0", sarif.looks_like, sarif.read),
    ("pip-audit JSON", pip_audit.looks_like, pip_audit.read),
    ("npm audit JSON", npm_audit.looks_like, npm_audit.read),
    ("Trivy JSON", trivy.looks_like, trivy.read),
    ("Gitleaks JSON", gitleaks.looks_like, gitleaks.read),
    ("Bandit JSON", bandit.looks_like, bandit.read),
    ("Safety JSON", safety.looks_like, safety.read),
    ("osv-scanner JSON", osv_scanner.looks_like, osv_scanner.read),
)
KNOWN = "SARIF 2.1.0, pip-audit, npm audit (7+), Trivy, Gitleaks, Bandit, Safety, osv-scanner"


def read_scan(path: str, default_severity: str) -> ScanReport:
    """The findings in the scanner report at ``path``, whatever its format; a finding whose
    tool gives no severity gets ``default_severity``. A file that cannot be read, is not JSON,
    or is none of the formats raises PitstopError naming it (and the place, for bad JSON)."""
    parsed = report_json(path, "scanner report")
    if parsed == []:  # Gitleaks' report when it finds nothing; no other format is a bare []
        return ScanReport(path, "Gitleaks JSON (no leaks)", [])
    for name, looks_like, read in READERS:
        if looks_like(parsed):
            try:
                return read(parsed, path, default_severity)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise PitstopError(
                    f"a {name} report pitstop cannot read: {type(error).__name__} {error}",
                    Span.file_start(path),
                ) from None
    raise PitstopError(f"not a scanner report pitstop reads ({KNOWN})", Span.file_start(path))
