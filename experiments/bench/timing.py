"""Wall-clock timing of a step, and the memory copy bandwidth that bounds it from below."""

from __future__ import annotations

import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch

__all__ = ["Timing", "BudgetExceeded", "time_callable", "measure_bandwidth", "synchronizer"]

BANDWIDTH_BYTES = 256 * 2**20  # per buffer: far above any CPU's last-level cache


@dataclass(frozen=True, kw_only=True)
class Timing:
    """The timings of one callable.

    ``median_s`` is the median of the timed repeats ``times_s``; where the budget left no
    room for a repeat after the warm-up, the warm-up is the only measurement (``cold``).
    """

    median_s: float
    times_s: tuple[float, ...]
    warmup_s: tuple[float, ...]
    cold: bool


class BudgetExceeded(BaseException):
    """A call of a timed callable outran its budget and was stopped.

    A ``BaseException``, like ``KeyboardInterrupt``, so that a library's ``except Exception``
    cannot swallow it. ``seconds`` is how long the call had run.
    """

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:.3g} s")
        self.seconds = seconds


@contextmanager
def _hard_stop(seconds: float | None) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the main thread once ``seconds`` have passed.

    Uses ``SIGALRM``: Python runs the handler between bytecodes, so a call stops at the next
    return from native code. Where there is no ``setitimer`` or this is not the main thread,
    nothing is stopped.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return
    start = time.perf_counter()

    def stop(signum, frame):
        raise BudgetExceeded(time.perf_counter() - start)

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-3))
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even if the alarm lands here
            signal.signal(signal.SIGALRM, previous)


def synchronizer(device: str) -> Callable[[], None] | None:
    """``torch.cuda.synchronize`` for a CUDA device, else ``None`` (nothing to wait for)."""
    return torch.cuda.synchronize if str(device).startswith("cuda") else None


def _once(fn: Callable[[], object], sync: Callable[[], None] | None) -> float:
    if sync is not None:
        sync()
    start = time.perf_counter()
    fn()
    if sync is not None:
        sync()
    return time.perf_counter() - start


def time_callable(
    fn: Callable[[], object],
    *,
    warmup: int = 2,
    min_total_s: float = 0.5,
    min_repeats: int = 3,
    max_repeats: int = 20,
    budget_s: float = 60.0,
    hard_stop: bool = False,
    sync: Callable[[], None] | None = None,
) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then repeats until they add up to
    ``min_total_s`` (and at least ``min_repeats``) or reach ``max_repeats``.

    No call starts that would, at the last call's pace, end after ``budget_s`` from the
    start; the first call always runs. With ``hard_stop`` a call still running at
    ``budget_s`` is stopped (see :func:`_hard_stop`): the calls done so far are the result,
    and where there are none, :class:`BudgetExceeded` is raised.

    Args:
        fn: the work, e.g. ``model.step``.
        warmup: calls before timing (first-call costs: allocation, caches, compilation).
        min_total_s: time the repeats should add up to, for a stable median.
        min_repeats: repeats wanted even when one call exceeds ``min_total_s``.
        max_repeats: the most timed repeats.
        budget_s: wall-clock budget for warm-up and repeats together.
        hard_stop: stop a call that is still running at ``budget_s``.
        sync: called before and after each call (``torch.cuda.synchronize`` on a GPU).

    Returns:
        A :class:`Timing`.

    Raises:
        BudgetExceeded: with ``hard_stop``, the first call outran ``budget_s``.

    Example:
        >>> t = time_callable(lambda: sum(range(1000)), warmup=1, min_total_s=0.001)
        >>> t.median_s > 0 and len(t.times_s) >= 3
        True
    """
    start = time.perf_counter()
    warm: list[float] = []
    times: list[float] = []
    try:
        with _hard_stop(budget_s if hard_stop else None):
            last = 0.0
            for _ in range(warmup):
                if warm and time.perf_counter() - start + last > budget_s:
                    break
                last = _once(fn, sync)
                warm.append(last)
            while len(times) < max(1, max_repeats):
                if (warm or times) and time.perf_counter() - start + last > budget_s:
                    break
                last = _once(fn, sync)
                times.append(last)
                if sum(times) >= min_total_s and len(times) >= min_repeats:
                    break
    except BudgetExceeded:
        if not (warm or times):
            raise
    if not times:
        return Timing(median_s=warm[-1], times_s=(), warmup_s=tuple(warm), cold=True)
    return Timing(
        median_s=statistics.median(times), times_s=tuple(times), warmup_s=tuple(warm), cold=False
    )


def measure_bandwidth(
    device: str = "cpu", *, nbytes: int = BANDWIDTH_BYTES, repeats: int = 5
) -> float:
    """Memory copy bandwidth in bytes per second: bytes read plus bytes written by
    ``dst.copy_(src)`` over the time it takes, best of ``repeats``.

    Uses torch's default number of threads, as the benchmarked steps do.

    Args:
        device: ``"cpu"`` or ``"cuda"``.
        nbytes: size of each buffer; keep it well above the last-level cache.
        repeats: timed copies (after one warm-up).

    Returns:
        Bytes per second (``2 * nbytes / best time``).

    Example:
        >>> measure_bandwidth(nbytes=2**22, repeats=2) > 1e8
        True
    """
    src = torch.ones(nbytes // 4, dtype=torch.float32, device=device)
    dst = torch.empty_like(src)
    sync = synchronizer(device)
    dst.copy_(src)  # warm-up: page faults, first touch
    best = min(_once(lambda: dst.copy_(src), sync) for _ in range(max(1, repeats)))
    return 2 * src.numel() * src.element_size() / best
