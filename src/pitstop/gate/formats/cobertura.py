"""Cobertura XML (coverage.py ``coverage xml``, Jest/Vitest/istanbul's ``cobertura`` reporter,
gcovr ``--cobertura``): ``<coverage><sources><source>`` roots, ``<class filename=…>`` files and
their ``<line number hits branch condition-coverage="50% (1/2)">`` lines."""

from __future__ import annotations

import re

from pitstop.gate.coverage_model import Report
from pitstop.gate.formats.xml_report import check_xml, int_attribute, parse_xml, unescape

CONDITIONS = re.compile(r"\((\d+)/(\d+)\)")

# The form every tool writes (coverage.py, istanbul, gcovr): attributes in this order, double
# quotes. A report in it is read by scanning its text, which is four times faster than building
# its tree on a large report; any other form is read from the tree.
_CLASS = re.compile(r'<class\s[^>]*?\bfilename="([^"]*)"')
_LINE = re.compile(r'<line number="(\d+)" hits="(\d+)"')  # other spacing: read from the tree
_BRANCHES = re.compile(
    r'<line\s+number="(\d+)"\s+hits="\d+"\s+branch="true"\s+'
    r'condition-coverage="[^"]*?\((\d+)/(\d+)\)"'
)
_SOURCE = re.compile(r"<source>([^<]*)</source>")


def looks_like(text: str) -> bool:
    head = text.lstrip()[:4096]
    return head.startswith("<") and re.search(r"<coverage[\s>]", head) is not None


def read(text: str, path: str) -> Report:
    check_xml(text, path, "coverage")
    scanned = _scanned(text, path)
    return scanned if scanned is not None else _from_tree(text, path)


def _scanned(text: str, path: str) -> Report | None:
    """The report read from its text, or None when it is not all in the usual form (a comment,
    CDATA or a differently written element after its first class)."""
    first = text.find("<class")
    if (
        first < 0
        or "<![CDATA[" in text
        or text.find("<!--", first) >= 0
        or text.find("<?", first) >= 0
    ):
        return None
    starts = [(m.start(), m.group(1)) for m in _CLASS.finditer(text)]
    # every <class> element (not <classes>) is one of those, and every <line> below one read
    if len(starts) != text.count("<class") - text.count("<classes"):
        return None
    report = Report(path)
    report.sources = [unescape(s).strip() for s in _SOURCE.findall(text) if s.strip()]
    seen = 0
    for index, (start, name) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        # the class's own <lines> follow its <methods> (the DTD's order); istanbul lists each
        # function's declaration line there, which is not a line of line coverage
        methods_end = text.find("</methods>", start, end)
        lines_from = start if methods_end < 0 else methods_end
        rows = _LINE.findall(text, lines_from, end)
        seen += len(rows)
        if lines_from > start:  # the methods' <line> elements, counted for the check below
            seen += text.count("<line", start, lines_from) - text.count("<lines", start, lines_from)
        if not name:
            continue
        file = report.file(unescape(name))
        lines = {int(number): int(hits) for number, hits in rows}
        if file.lines or len(lines) != len(rows):  # a line twice (a method's and its class's)
            for number, hits in rows:
                file.add_line(int(number), int(hits))
        else:
            file.lines = lines
        if text.find('branch="true"', lines_from, end) >= 0:
            branches = _BRANCHES.findall(text, lines_from, end)
            if len(branches) != text.count('branch="true"', lines_from, end):
                return None
            for number, taken, total in branches:
                file.add_branches(int(number), int(taken), int(total))
    if seen != text.count("<line") - text.count("<lines"):
        return None
    return report


def _from_tree(text: str, path: str) -> Report:
    root = parse_xml(text, path, "coverage")
    report = Report(path)
    report.sources = [(s.text or "").strip() for s in root.iter("source") if (s.text or "").strip()]
    for cls in root.iter("class"):
        name = cls.get("filename")
        if not name:
            continue
        file = report.file(name)
        for line in cls.findall("./lines/line"):  # a method's lines are not line coverage
            number, hits = int_attribute(line, "number"), int_attribute(line, "hits")
            if number is None:
                continue
            file.add_line(number, hits or 0)
            found = CONDITIONS.search(line.get("condition-coverage") or "")
            if line.get("branch") == "true" and found:
                file.add_branches(number, int(found.group(1)), int(found.group(2)))
    return report
