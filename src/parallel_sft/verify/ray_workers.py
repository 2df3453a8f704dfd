"""Sandbox workers as Ray actors: verification spread over a cluster.

One actor per CPU the cluster offers (or `workers` of them), each holding its own
`Sandbox`, so a node judges as many programs at once as it has cores, like the local pool
does on one machine. The driver (this process) cuts the work into small batches, keeps
two in flight per actor, and records each batch's verdicts the moment it returns: the
callers' caches and partial files are written here, never on the workers.

Faults: an actor that crashes, or dies with its node, fails the batches it held; those go
back to the front of the queue and run on the actors left, and a replacement actor is
asked for (it joins once the cluster finds it a CPU). A verdict arrives only with a
batch that finished, and is recorded only once, so nothing is lost and nothing is
written twice. `retried` counts the batches run again. Verdicts that are INFRA_ERROR are
left to the callers' usual rules; this layer only moves work.

Every node needs what the local pool needs: this package, the toolchains and bubblewrap
(the Dockerfile at the repository root builds such a node).
"""

from __future__ import annotations

import atexit
import logging
import socket
import time
from collections import deque
from typing import Any

from ..errors import PsftError
from ..languages import get_language
from .executors import Record, Work
from .runner import VerifyConfig, verify_program
from .sandbox import Sandbox

logger = logging.getLogger(__name__)

BATCH = 4  # candidates per actor call at most: small, so a lost node costs little
IN_FLIGHT = 2  # calls queued per actor, so it never waits for the driver between batches
START_TIMEOUT_S = 120.0  # how long to wait for any actor at all before giving up
# A problem whose tests hold more than this goes to the object store once, and batches
# carry a reference to it; smaller ones travel inside each batch (cheaper than a fetch).
BY_REFERENCE_BYTES = 64 * 1024


class RayUnavailableError(PsftError):
    pass


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            "--executor ray needs Ray, which is not installed: "
            "pip install 'parallel-sft[ray]' (on every node of the cluster)"
        ) from None
    return ray


def connect(address: str | None) -> Any:
    """Join the Ray cluster at `address` (default `auto`: $RAY_ADDRESS, else the one
    `ray start` started on this machine), once per process; the `ray` module."""
    ray = import_ray()
    if ray.is_initialized():
        return ray
    address = address or "auto"
    _check_reachable(address)
    logging.getLogger("ray").setLevel(logging.WARNING)  # not "Connecting to ..." on stderr
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise RayUnavailableError(_no_cluster(address, err)) from None
    atexit.register(_close_shared)
    return ray


def _check_reachable(address: str) -> None:
    """A host:port that refuses connections fails in a second, not after Ray's minute of
    reconnecting."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # `auto`, `local`: Ray resolves those itself
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as err:
        raise RayUnavailableError(_no_cluster(address, err)) from None


def _no_cluster(address: str, err: BaseException) -> str:
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return (
        f"no Ray cluster at {address} ({reason}): start one with `ray start --head` "
        "(and `ray start --address HEAD_IP:6379` on the other nodes), or pass its "
        "address with --ray-address"
    )


class SandboxActor:
    """One sandbox worker on some node (wrapped by `ray.remote` in `RayWorkers`)."""

    def __init__(self, isolate: bool):
        self.sandbox = Sandbox(isolate=isolate)

    def where(self) -> str:
        """The id of the node this actor runs on."""
        import ray

        return ray.get_runtime_context().get_node_id()

    def judge(self, batch: list, config: VerifyConfig) -> list:
        import ray

        # Problems with large tests come as object refs, fetched once per batch.
        refs = list({p for _, _, p in batch if isinstance(p, ray.ObjectRef)})
        fetched = dict(zip(refs, ray.get(refs), strict=True)) if refs else {}
        problems = [fetched[p] if isinstance(p, ray.ObjectRef) else p for _, _, p in batch]
        return [
            (i, verify_program(c.code, get_language(c.language), problem,
                               sandbox=self.sandbox, config=config))
            for (i, c, _), problem in zip(batch, problems, strict=True)
        ]  # fmt: skip


class RayWorkers:
    """Sandbox actors on the cluster at `address`; see the module docstring."""

    def __init__(self, address: str | None = None, workers: int | None = None, *,
                 isolate: bool = True):  # fmt: skip
        self.ray = connect(address)
        cpus = int(self.ray.cluster_resources().get("CPU", 0))
        self.size = workers or cpus
        if self.size < 1:
            raise RayUnavailableError(
                "the Ray cluster offers no CPUs to run sandbox workers on; start its nodes "
                "with `ray start --num-cpus N`"
            )
        self.isolate = isolate
        self._remote = self.ray.remote(num_cpus=1, max_restarts=0)(SandboxActor)
        self.actors: list = []
        self.starting: dict = {}  # readiness ref -> actor not yet placed on a node
        for _ in range(self.size):
            self._start_actor()
        self.nodes: dict = {}  # actor -> the node it was placed on
        self.judged = 0  # programs whose verdicts came back
        self.retried = 0  # batches run again after their actor was lost
        self.lost = 0  # actors lost
        self.duplicates = 0  # verdicts that came back for a program already judged

    def _start_actor(self) -> None:
        actor = self._remote.options(scheduling_strategy="SPREAD").remote(self.isolate)
        self.starting[actor.where.remote()] = actor

    def judge(self, work: Work, config: VerifyConfig, record: Record) -> None:
        ray = self.ray
        size = max(1, min(BATCH, len(work) // (self.size * IN_FLIGHT * 2) or 1))
        work = self._by_reference(work)
        queue = deque(list(work[i : i + size]) for i in range(0, len(work), size))
        config_ref = ray.put(config)
        running: dict = {}  # result ref -> (actor, batch)
        load: dict = {}  # actor -> calls in flight
        seen: set[int] = set()
        waiting_since = time.monotonic()
        try:
            while queue or running:
                for actor in self.actors:
                    while queue and load.get(actor, 0) < IN_FLIGHT:
                        batch = queue.popleft()
                        running[actor.judge.remote(batch, config_ref)] = (actor, batch)
                        load[actor] = load.get(actor, 0) + 1
                if not running and not self.starting:
                    raise PsftError("every Ray sandbox worker died; the cluster has no nodes left")
                timeout = None if running else 5.0
                done, _ = ray.wait([*running, *self.starting], num_returns=1, timeout=timeout)
                if not done:
                    if time.monotonic() - waiting_since > START_TIMEOUT_S:
                        raise PsftError(
                            f"no Ray sandbox worker started within {START_TIMEOUT_S:.0f} s: "
                            "the cluster has no free CPU (see `ray status`)"
                        )
                    continue
                waiting_since = time.monotonic()
                ref = done[0]
                if ref in self.starting:
                    self._placed(ref)
                    continue
                actor, batch = running.pop(ref)
                load[actor] -= 1
                try:
                    results = ray.get(ref)
                except ray.exceptions.RayTaskError:
                    raise  # a bug in verification itself: the local pool would raise too
                except ray.exceptions.RayError as err:  # the actor or its node is gone
                    self._lost(actor, err)
                    self.retried += 1
                    queue.appendleft(batch)
                    continue
                for i, verdict in results:
                    if i in seen:
                        self.duplicates += 1
                        continue
                    seen.add(i)
                    self.judged += 1
                    record(i, verdict)
        except BaseException:
            for ref in running:  # an interrupt: drop the queued calls (a running one ends)
                try:
                    ray.cancel(ref)
                except Exception:  # its actor is gone already
                    pass
            raise

    def _by_reference(self, work: Work) -> list:
        """`work` with each large problem replaced by one object-store reference."""
        refs: dict[int, Any] = {}
        out = []
        for i, cand, problem in work:
            if id(problem) not in refs:
                size = sum(len(t.input) + len(t.output) for t in problem.tests)
                refs[id(problem)] = self.ray.put(problem) if size > BY_REFERENCE_BYTES else None
            ref = refs[id(problem)]
            out.append((i, cand, problem if ref is None else ref))
        return out

    def _placed(self, ref) -> None:
        actor = self.starting.pop(ref)
        try:
            self.nodes[actor] = self.ray.get(ref)
        except self.ray.exceptions.RayError as err:
            self.lost += 1
            logger.warning("a Ray sandbox worker failed to start: %s", _first_line(err))
            return
        self.actors.append(actor)

    def _lost(self, actor, err: BaseException) -> None:
        if actor in self.actors:
            self.actors.remove(actor)
            self.lost += 1
            logger.warning("lost a Ray sandbox worker (%s); its work runs again elsewhere",
                           _first_line(err))  # fmt: skip
            self._start_actor()  # it joins when the cluster has a CPU for it

    def close(self) -> None:
        for actor in [*self.actors, *self.starting.values()]:
            try:
                self.ray.kill(actor)
            except Exception:  # already gone with its node
                pass
        self.actors, self.starting = [], {}

    def summary(self) -> str:
        nodes = len(set(self.nodes.values()))
        return (
            f"ray: {self.judged} programs judged by {len(self.nodes)} sandbox actors on "
            f"{nodes} node{'s' * (nodes != 1)}; {self.retried} batches retried after "
            f"{self.lost} actors were lost"
            + (f"; {self.duplicates} repeated verdicts dropped" if self.duplicates else "")
        )


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


_shared: dict[tuple, RayWorkers] = {}


def shared_ray_workers(address: str | None, workers: int | None, *, isolate: bool) -> RayWorkers:
    """The process's Ray workers for these settings, started on first use."""
    key = (address or "auto", workers, isolate)
    if key not in _shared:
        _shared[key] = RayWorkers(address, workers, isolate=isolate)
    return _shared[key]


def ray_summary() -> str | None:
    """What the Ray workers of this process did (None when there were none): for the
    command's last lines."""
    return "\n".join(w.summary() for w in _shared.values()) or None


def _close_shared() -> None:
    # Registered when Ray is first imported, so it runs before Ray's own exit hook: a
    # call into a Ray that has already shut down would start a new local one.
    for workers in _shared.values():
        if workers.ray.is_initialized():
            workers.close()
    _shared.clear()
