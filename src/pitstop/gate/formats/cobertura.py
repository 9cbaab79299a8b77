"""Cobertura XML (coverage.py ``coverage xml``, Jest/Vitest/istanbul's ``cobertura`` reporter,
gcovr ``--cobertura``): ``<coverage><sources><source>`` roots, ``<class filename=…>`` files and
their ``<line number hits branch condition-coverage="50% (1/2)">`` lines."""

from __future__ import annotations

import re

from pitstop.gate.coverage_model import Report
from pitstop.gate.formats.xml_report import int_attribute, parse_xml

CONDITIONS = re.compile(r"\((\d+)/(\d+)\)")


def looks_like(text: str) -> bool:
    head = text.lstrip()[:4096]
    return head.startswith("<") and re.search(r"<coverage[\s>]", head) is not None


def read(text: str, path: str) -> Report:
    root = parse_xml(text, path, "coverage")
    report = Report(path)
    report.sources = [(s.text or "").strip() for s in root.iter("source") if (s.text or "").strip()]
    for cls in root.iter("class"):
        name = cls.get("filename")
        if not name:
            continue
        file = report.file(name)
        for line in cls.iter("line"):
            number, hits = int_attribute(line, "number"), int_attribute(line, "hits")
            if number is None:
                continue
            file.add_line(number, hits or 0)
            found = CONDITIONS.search(line.get("condition-coverage") or "")
            if line.get("branch") == "true" and found:
                file.add_branches(number, int(found.group(1)), int(found.group(2)))
    return report
