"""Load and validate many workflows; compare with PyYAML's C composer alone on the same texts.

    python bench/validate_workflows.py [--files 1200] [--rounds 5]

Prints files per second for both and the ratio pitstop / composer: the composer is the floor no
Python reader of positioned YAML can beat, and the goal is to stay within 3x of it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import yaml

from pitstop.workflow.model import build_workflow
from pitstop.workflow.validate import validate_workflow
from pitstop.workflow.yaml import parse_yaml

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "tradedesk" / ".github" / "workflows"

STEP_KINDS = [
    "      - uses: actions/checkout@v4\n",
    "      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.{n}'\n",
    "      - name: Test {n}\n        run: |\n          pip install -e .[dev]\n"
    "          pytest -q -k t{n}\n",
    "      - run: echo ${{{{ github.sha }}}} ${{{{ matrix.py }}}}\n"
    "        env:\n          N: '{n}'\n",
    "      - id: s{n}\n        if: ${{{{ success() && github.event_name == 'push' }}}}\n"
    "        run: make build-{n}\n",
    "      - uses: actions/cache@v4\n        with:\n          path: ~/.cache/pip\n"
    "          key: pip-${{{{ hashFiles('**/requirements*.txt') }}}}\n",
]


def synthetic(seed: int) -> str:
    rng = random.Random(seed)
    jobs = []
    for j in range(rng.randint(2, 6)):
        needs = f"    needs: [job{j - 1}]\n" if j and rng.random() < 0.6 else ""
        count = rng.randint(3, 12)
        steps = "".join(rng.choice(STEP_KINDS).format(n=k) for k in range(count))
        jobs.append(
            f"  job{j}:\n{needs}    runs-on: ubuntu-latest\n"
            f"    timeout-minutes: {rng.randint(5, 60)}\n"
            f"    strategy:\n      matrix:\n        py: ['3.10', '3.11', '3.12']\n"
            f"    steps:\n{steps}"
        )
    return (
        f"name: generated {seed}\non:\n  push:\n    branches: [main, 'release/**']\n"
        f"  pull_request:\n    paths-ignore: ['docs/**']\npermissions:\n  contents: read\n"
        f"jobs:\n" + "".join(jobs)
    )


def corpus(count: int) -> list[str]:
    texts = [p.read_text() for p in sorted(EXAMPLE.glob("*.yml"))]
    out = []
    for i in range(count):
        out.append(texts[i % len(texts)] if i % 4 == 0 else synthetic(i))
    return out


def time_it(label: str, work: list[str], fn: object, rounds: int) -> float:
    assert callable(fn)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in work:
            fn(text)
        samples.append(time.perf_counter() - start)
    best = min(samples)
    print(
        f"{label:<34} {len(work) / best:>6.0f} files/s  best of {rounds} {best * 1000:.0f} ms, "
        f"median {statistics.median(samples) * 1000:.0f} ms, "
        f"first (cold) {samples[0] * 1000:.0f} ms"
    )
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = corpus(args.files)
    size = sum(len(t) for t in work)
    print(f"{len(work)} workflows, {size / 1e6:.1f} MB, libyaml: {yaml.__with_libyaml__}")

    def composer(text: str) -> None:
        yaml.compose(text, Loader=yaml.CSafeLoader)

    def pitstop(text: str) -> None:
        doc = parse_yaml(text, "w.yml")
        problems = validate_workflow(doc)
        assert not problems, problems[0]
        build_workflow(doc)

    floor = time_it("PyYAML C composer alone (baseline)", work, composer, args.rounds)
    ours = time_it("pitstop read + validate + model", work, pitstop, args.rounds)
    print(f"ratio pitstop / composer: {ours / floor:.2f}x (goal: within 3x)")


if __name__ == "__main__":
    main()
