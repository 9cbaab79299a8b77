"""A canary analysis, read from YAML with every mistake placed at its ``file:line:col``:

interval: 30s                    # between two checks
checks: 10                       # how many (or duration: 5m)
consecutive-failure-limit: 3     # roll back after this many failed checks in a row
failure-limit: 5                 # or this many in all
inconclusive-limit: 3            # end inconclusive after this many checks without data
sources:
  prom: {prometheus: http://prometheus:9090}
metrics:
  - name: error_rate
    source: prom
    query: >-
      sum(rate(requests_total{app="canary",code=~"5.."}[1m]))
      / sum(rate(requests_total{app="canary"}[1m]))
    max: 0.05                    # the canary's value must stay below (min: must stay above)
  - name: latency_vs_baseline
    source: prom
    query: avg(rate(seconds_sum{app="canary"}[1m]) / rate(seconds_count{app="canary"}[1m]))
    baseline: avg(rate(seconds_sum{app="stable"}[1m]) / rate(seconds_count{app="stable"}[1m]))
    compare: {window: 2m, max-increase: 10%, alpha: 0.05}
  - name: orders_ok
    http: http://canary:8000/stats    # a JSON document
    path: orders.ok_ratio
    min: 0.99
  - name: queue_depth
    command: ./scripts/queue-depth.sh # prints a number
    max: 100
"""

from __future__ import annotations

from dataclasses import dataclass

from pitstop.errors import PitstopError, Span
from pitstop.gate.report_file import report_text
from pitstop.probes import yaml_fields as fields
from pitstop.workflow.yaml import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

TOP = (
    "interval",
    "checks",
    "duration",
    "consecutive-failure-limit",
    "failure-limit",
    "inconclusive-limit",
    "sources",
    "metrics",
)
METRIC = ("name", "source", "query", "baseline", "compare", "min", "max", "http", "path", "command")


@dataclass
class Metric:
    name: str
    span: Span
    kind: str  # prometheus, http, command
    query: str = ""  # PromQL, the URL, or the command
    baseline: str | None = None
    source_url: str = ""  # Prometheus
    path: list[str] | None = None  # http: where the number is
    low: float | None = None
    high: float | None = None
    window: float = 60.0  # compare: seconds of samples
    max_increase: float = 0.0  # compare: the allowed rise of the median, a fraction
    alpha: float = 0.05
    compare: bool = False


@dataclass
class Canary:
    path: str
    interval: float
    checks: int
    consecutive_failure_limit: int
    failure_limit: int | None
    inconclusive_limit: int
    metrics: list[Metric]


def load_canary(path: str) -> Canary:
    doc = parse_yaml(report_text(path, "canary config"), path)
    root = doc.root
    if not isinstance(root, MappingNode):
        raise PitstopError("a canary config is a mapping with metrics:", Span.file_start(path))
    fields.known(path, root, TOP, "the config")
    interval = fields.duration(path, root.get("interval")) or 30.0
    checks = _count(path, root.get("checks"), "checks")
    duration = fields.duration(path, root.get("duration"))
    if checks is None:
        checks = max(1, round(duration / interval)) if duration else 10
    sources: dict[str, str] = {}
    listed = root.get("sources")
    if listed is not None:
        if not isinstance(listed, MappingNode):
            raise PitstopError("sources: maps names to {prometheus: URL}", fields.at(path, listed))
        for key, value in listed.items():
            url = value.get("prometheus") if isinstance(value, MappingNode) else None
            if not isinstance(url, ScalarNode) or not str(url.value).startswith(
                ("http://", "https://")
            ):
                raise PitstopError(
                    f"source {key.value}: {{prometheus: http://host:9090}}", fields.at(path, value)
                )
            sources[str(key.value)] = str(url.value).rstrip("/")
    metrics_node = root.get("metrics")
    if not isinstance(metrics_node, SequenceNode) or not metrics_node.items:
        raise PitstopError(
            "metrics: must list at least one metric", fields.at(path, metrics_node or root)
        )
    metrics = [_metric(path, node, sources) for node in metrics_node]
    return Canary(
        path,
        interval,
        checks,
        _count(path, root.get("consecutive-failure-limit"), "consecutive-failure-limit") or 3,
        _count(path, root.get("failure-limit"), "failure-limit"),
        _count(path, root.get("inconclusive-limit"), "inconclusive-limit") or 3,
        metrics,
    )


def _metric(path: str, node: Node, sources: dict[str, str]) -> Metric:
    if not isinstance(node, MappingNode):
        raise PitstopError("a metric is a mapping (name:, query:, max:)", fields.at(path, node))
    fields.known(path, node, METRIC, "a metric")
    name = fields.text(node.get("name"))
    if not name:
        raise PitstopError("a metric needs a name", fields.at(path, node))
    metric = Metric(name, fields.at(path, node), "prometheus")
    if node.get("http") is not None:
        metric.kind, metric.query = "http", fields.text(node.get("http"))
        metric.path = [p for p in fields.text(node.get("path")).removeprefix("$.").split(".") if p]
    elif node.get("command") is not None:
        metric.kind, metric.query = "command", fields.text(node.get("command"))
    else:
        source = fields.text(node.get("source"))
        if source not in sources:
            known = ", ".join(sources) or "none"
            raise PitstopError(
                f"{name}: source {source!r} is not one of sources: ({known})",
                fields.at(path, node.get("source") or node),
            )
        metric.source_url = sources[source]
        metric.query = fields.text(node.get("query"))
        if not metric.query:
            raise PitstopError(f"{name}: no query", metric.span)
        if node.get("baseline") is not None:
            metric.baseline = fields.text(node.get("baseline"))
    metric.low = _number(path, node.get("min"))
    metric.high = _number(path, node.get("max"))
    compare = node.get("compare")
    if compare is not None:
        if metric.kind != "prometheus" or metric.baseline is None:
            raise PitstopError(
                f"{name}: compare needs a Prometheus query and its baseline:",
                fields.at(path, compare),
            )
        if not isinstance(compare, MappingNode):
            raise PitstopError(
                "compare: {window: 2m, max-increase: 10%, alpha: 0.05}", fields.at(path, compare)
            )
        fields.known(path, compare, ("window", "max-increase", "alpha"), "compare")
        metric.compare = True
        metric.window = fields.duration(path, compare.get("window")) or 60.0
        increase = fields.text(compare.get("max-increase")) or "0%"
        try:
            metric.max_increase = float(increase.removesuffix("%")) / 100
        except ValueError:
            raise PitstopError(
                f"max-increase {increase!r}: a percentage", fields.at(path, compare)
            ) from None
        metric.alpha = _number(path, compare.get("alpha")) or 0.05
    if metric.low is None and metric.high is None and not metric.compare:
        raise PitstopError(
            f"{name}: nothing to hold it to: give min:, max: or compare:", metric.span
        )
    return metric


def _number(path: str, node: Node | None) -> float | None:
    if node is None:
        return None
    value = node.to_python()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PitstopError(f"{value!r} is not a number", fields.at(path, node))
    return float(value)


def _count(path: str, node: Node | None, what: str) -> int | None:
    if node is None:
        return None
    value = node.to_python()
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PitstopError(f"{what} must be a whole number from 1", fields.at(path, node))
    return value
