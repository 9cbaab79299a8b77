"""A gate's outcome as JUnit XML, for the test reporters CI systems read: one ``testsuite`` per
gate, one ``testcase`` per limit it checked (a ``failure`` when the limit broke), and the
headline, notes and marks in ``system-out`` (the attributes of Ant's JUnit schema, which
Jenkins, GitLab and the test-reporter actions read)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from pitstop.gate.output import Outcome


def junit(outcome: Outcome) -> str:
    failures = sum(1 for check in outcome.checks if not check.passed)
    suites = ET.Element(
        "testsuites",
        name="pitstop gate",
        tests=str(len(outcome.checks)),
        failures=str(failures),
        errors="0",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"pitstop gate {outcome.gate}",
        tests=str(len(outcome.checks)),
        failures=str(failures),
        errors="0",
        skipped="0",
        timestamp=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
    )
    for check in outcome.checks:
        case = ET.SubElement(
            suite, "testcase", classname=f"pitstop.gate.{outcome.gate}", name=check.name
        )
        if not check.passed:
            ET.SubElement(case, "failure", message=check.detail, type="limit").text = check.detail
    said = [outcome.headline, *(f"note: {note}" for note in outcome.notes)]
    said += [f"{m.file}:{m.line}: {m.message}" if m.file else m.message for m in outcome.marks]
    ET.SubElement(suite, "system-out").text = "\n".join(said)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
