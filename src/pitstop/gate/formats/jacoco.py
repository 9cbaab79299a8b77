"""JaCoCo XML (``jacoco:report``, Gradle's ``jacocoTestReport``): ``<report><package name="com/x">
<sourcefile name="A.java"><line nr mi ci mb cb>``, a line covered when ``ci`` > 0, its branches
``cb`` covered of ``mb + cb`` (JaCoCo's report DTD,
www.jacoco.org/jacoco/trunk/coverage/report.dtd)."""

from __future__ import annotations

import re

from pitstop.gate.coverage_model import Report
from pitstop.gate.formats.xml_report import int_attribute, parse_xml


def looks_like(text: str) -> bool:
    head = text.lstrip()[:4096]
    return "JACOCO" in head.upper() and re.search(r"<report[\s>]", head) is not None


def read(text: str, path: str) -> Report:
    root = parse_xml(text, path, "report")
    report = Report(path)
    for package in root.iter("package"):
        folder = package.get("name") or ""
        for source in package.iter("sourcefile"):
            name = f"{folder}/{source.get('name')}" if folder else str(source.get("name"))
            file = report.file(name)
            for line in source.iter("line"):
                number = int_attribute(line, "nr")
                if number is None:
                    continue
                file.add_line(number, int_attribute(line, "ci") or 0)
                missed, covered = int_attribute(line, "mb") or 0, int_attribute(line, "cb") or 0
                if missed + covered:
                    file.add_branches(number, covered, missed + covered)
    return report
