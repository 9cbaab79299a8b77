"""``pitstop gate security`` on 50,000 findings across formats, beside reading the same JSON.

    python bench/gate_security.py [--findings 50000] [--rounds 3]

Writes reports in four formats (SARIF with security-severity, pip-audit, npm audit, Trivy),
a quarter of the findings each, where every tenth dependency advisory is reported by two tools
(so the merge has work), then times ``pitstop gate security … --format json`` as a pipeline runs
it, from process start to exit, against the baseline: a Python process that only loads the same
files with ``json.load``. Rounds alternate the two. Prints the best and median wall time and the
peak memory of each, the findings the gate counted, and the ratio of the best times. The goal
is under 2 s for the gate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from typing import Any

from timing import timed


def sarif(count: int) -> dict[str, Any]:
    rules = [
        {
            "id": f"R{n}",
            "shortDescription": {"text": f"rule {n}"},
            "properties": {"security-severity": str(1.0 + (n % 90) / 10)},
        }
        for n in range(100)
    ]
    results = [
        {
            "ruleId": f"R{n % 100}",
            "ruleIndex": n % 100,
            "message": {"text": f"finding {n}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f"src/m{n // 50}.py"},
                        "region": {"startLine": n % 50 + 1},
                    }
                }
            ],
        }
        for n in range(count)
    ]
    return {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "Scanner", "rules": rules}}, "results": results}],
    }


def advisory(n: int) -> tuple[str, str]:
    return f"GHSA-{n:04x}-aaaa-bbbb", f"CVE-2026-{n:05d}"


def pip_audit(count: int) -> dict[str, Any]:
    deps = []
    for n in range(count):
        ghsa, cve = advisory(n)
        deps.append(
            {
                "name": f"pkg{n}",
                "version": "1.0",
                "vulns": [
                    {
                        "id": ghsa,
                        "aliases": [cve],
                        "fix_versions": ["1.1"],
                        "description": f"advisory {n}",
                    }
                ],
            }
        )
    return {"dependencies": deps, "fixes": []}


def npm_audit(count: int) -> dict[str, Any]:
    vulns = {}
    for n in range(count):
        ghsa, _ = advisory(100_000 + n)
        vulns[f"npm{n}"] = {
            "name": f"npm{n}",
            "severity": "high",
            "via": [
                {
                    "source": n,
                    "name": f"npm{n}",
                    "title": f"advisory {n}",
                    "url": f"https://github.com/advisories/{ghsa}",
                    "severity": "high",
                    "range": "<2.0.0",
                }
            ],
            "fixAvailable": True,
        }
    return {"auditReportVersion": 2, "vulnerabilities": vulns, "metadata": {}}


def trivy(count: int) -> dict[str, Any]:
    vulns = []
    for n in range(count):
        # every tenth is pip-audit's advisory on the same package again
        shared = n % 10 == 0
        ghsa, cve = advisory(n if shared else 200_000 + n)
        vulns.append(
            {
                "VulnerabilityID": cve,
                "VendorIDs": [ghsa],
                "PkgName": f"pkg{n}" if shared else f"img{n}",
                "InstalledVersion": "1.0",
                "FixedVersion": "1.1",
                "Severity": "MEDIUM",
                "Title": f"advisory {n}",
            }
        )
    return {
        "SchemaVersion": 2,
        "ArtifactName": ".",
        "Results": [{"Target": "requirements.txt", "Vulnerabilities": vulns}],
    }


def describe(label: str, samples: list[float], peak: int) -> None:
    print(
        f"{label:<40} best {min(samples):6.2f} s  median {statistics.median(samples):6.2f} s  "
        f"peak {peak / 1024:6.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    quarter = args.findings // 4
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        reports = {
            "scan.sarif": sarif(quarter),
            "pip-audit.json": pip_audit(quarter),
            "npm-audit.json": npm_audit(quarter),
            "trivy.json": trivy(args.findings - 3 * quarter),
        }
        size = 0
        for name, data in reports.items():
            (root / name).write_text(json.dumps(data))
            size += (root / name).stat().st_size
        names = list(reports)
        print(
            f"{args.findings:,} findings in {len(names)} reports, {size / 1e6:.1f} MB, "
            f"{os.cpu_count()} CPUs"
        )
        load = [
            sys.executable,
            "-c",
            "import json, sys\nfor name in sys.argv[1:]:\n    json.load(open(name))",
            *names,
        ]
        gate = [sys.executable, "-m", "pitstop", "gate", "security", *names, "--format", "json"]
        base: list[float] = []
        ours: list[float] = []
        base_peak = our_peak = 0
        for _ in range(args.rounds):  # alternated, so a busy moment costs both alike
            took, peak, _ = timed(load, (0,), root)
            base.append(took)
            base_peak = max(base_peak, peak)
            took, peak, out = timed(gate, (0, 1), root)
            ours.append(took)
            our_peak = max(our_peak, peak)
        figures = json.loads(out)["figures"]
        describe("json.load of the reports (baseline)", base, base_peak)
        describe("pitstop gate security", ours, our_peak)
        print(f"findings counted: {figures['findings']:,} ({figures['merged']:,} merged)")
    print(f"ratio gate / json.load: {min(ours) / min(base):.2f}x")
    print(f"gate wall time: {min(ours):.2f} s (goal: under 2 s)")


if __name__ == "__main__":
    main()
