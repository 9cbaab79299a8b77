"""Actions whose whole job is to start a server in a Docker container for the steps after them,
served like ``services:`` are (``runner/services``): the same server families, version choice,
port checks and log. The server stops in the action's post step, as the container goes when the
job ends.

Knowledge is data: ``STARTS`` names, per action, the image family it starts, the inputs that
carry the version and the host port, and where that was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pitstop.runner.results import FAILURE, SUCCESS, StepResult
from pitstop.runner.services import ServiceError, ServiceSpec, family, serve
from pitstop.runner.uses import ActionCall

if TYPE_CHECKING:
    from pitstop.runner.step_context import StepContext


@dataclass(frozen=True)
class Starts:
    image: str  # the image the action runs (its family decides the server)
    version_input: str
    port_input: str
    container_port: int
    source: str


STARTS = {
    "supercharge/redis-github-action": Starts(
        image="redis",
        version_input="redis-version",  # default 'latest'
        port_input="redis-port",  # default 6379
        container_port=6379,
        source="supercharge/redis-github-action action.yml: inputs redis-version, redis-port",
    ),
}


async def run(job: StepContext, call: ActionCall) -> None:
    starts = STARTS[call.name]
    version = call.input(starts.version_input, "latest")
    port_text = call.input(starts.port_input, str(starts.container_port))
    image = f"{starts.image}:{version}"
    kind = family(image)
    try:
        port = int(port_text)
        assert kind is not None
        running = await serve(
            job,
            ServiceSpec(call.step.id or starts.image, image, {}, {starts.container_port: port}),
            kind,
        )
    except (ValueError, ServiceError, OSError) as error:
        job.log.emit("error", f"{call.name} could not start {image}: {error}")
        call.result.outcome = FAILURE
        return

    async def stop() -> StepResult | None:
        await running.stop()
        job.log.line(f"Stopped {image}")
        return None

    job.post_steps.append((call.step.label, stop))
    call.result.outcome = SUCCESS
