"""``qml bench``: time a training step of one model on qml and on the peers, in one process.

For each case (qubits ``n``, layers ``L``, batch ``B``) every qml differentiation method and
every installed peer runs the same model on the same data (:mod:`experiments.bench.models`).
Cases run smallest first. A peer (or a qml method that runs the circuit once per parameter)
predicted to take longer than the budget is skipped, and one still running at the budget is
stopped; qml's other methods always run, a single cold step where they are slow. A case
that would keep more memory than is free is skipped. All are marked in the table
(:mod:`experiments.bench.guards`).

    qml bench --quick                       # a tiny grid, well under a minute
    qml bench                               # n 4..20, B 1/32/256, L 4, plus n=8 B=16
    qml bench --n 8 --batch 16 --include-slow
"""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
from rich.console import Console

from experiments.bench.guards import History, available_bytes, saved_bytes
from experiments.bench.machine import machine_info
from experiments.bench.models import Data, Model, Problem, build_qml, make_data, qml_diff_methods
from experiments.bench.peers import PEERS, NotInstalled
from experiments.bench.report import Row, format_seconds, plot, print_table, write_json
from experiments.bench.timing import (
    BudgetExceeded,
    measure_bandwidth,
    synchronizer,
    time_callable,
)
from qml.errors import QmlError

__all__ = ["BenchConfig", "parse_args", "run", "main"]

DEFAULT_N = (4, 8, 12, 16, 20)
DEFAULT_BATCH = (1, 32, 256)
DEFAULT_LAYERS = (4,)
QISKIT_CASE = (8, 4, 16)  # (n, L, B): the Qiskit ML comparison, ~160 s a step there
QUICK = {"n": (4, 6), "batch": (1, 8), "layers": (2,)}
MEMORY_SHARE = 0.5  # skip a case whose saved tensors would fill more than this share of free
MODEL_MEMORY_SHARE = 0.7  # the same for qml's own calibrated peak (estimate_cost): a
# benchmark killed for memory loses the case in flight, so leave room for other work
PROBE_AMPLITUDES = 2**16  # probe memory from B = 1 once B * 2**n reaches this
# qml methods that cost a forward pass per parameter: p = 2 in the runtime model (guards.py),
# and, like the peers, skipped or stopped past the budget. qml's other methods always run.
QML_PER_PARAMETER = ("parameter-shift", "finite-diff")


@dataclass(frozen=True, kw_only=True)
class BenchConfig:
    """Everything a run depends on (see :func:`parse_args` for the flags)."""

    cases: tuple[tuple[int, int, int], ...]  # (n, L, B), run in this order
    device: str = "cpu"
    forward: bool = False
    warmup: int = 2
    max_repeats: int = 20
    min_total_s: float = 0.5
    budget_s: float = 60.0
    include_slow: bool = False
    quick: bool = False
    double: bool = False
    seed: int = 0
    out: Path = Path("results/bench/bench.json")

    @property
    def plot_path(self) -> Path:
        return self.out.with_suffix(".png")


def parse_args(argv: Sequence[str] | None = None) -> BenchConfig:
    p = argparse.ArgumentParser(
        prog="qml bench",
        description="Time one training step (forward, MSE, backward) of the same model on qml "
        "(every diff method) and on PennyLane and Qiskit ML, in one process.",
        epilog="The default grid is n 4 8 12 16 20 x B 1 32 256 at L 4, plus n 8, B 16 (the "
        "Qiskit ML comparison). Method: docs/performance.md.",
    )
    p.add_argument("--quick", action="store_true", help="tiny grid (n 4,6; B 1,8; L 2), < 1 min")
    p.add_argument("--n", type=int, nargs="+", help=f"qubit counts (default {DEFAULT_N})")
    p.add_argument("--batch", type=int, nargs="+", help=f"batch sizes (default {DEFAULT_BATCH})")
    p.add_argument("--layers", type=int, nargs="+", help=f"layers (default {DEFAULT_LAYERS})")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="qml's device")
    p.add_argument(
        "--forward-only",
        dest="forward",
        action="store_true",
        help="also time qml's forward pass alone, against its own floor",
    )
    p.add_argument("--repeats", type=int, help="most timed repeats per case (default 20; quick 3)")
    p.add_argument("--budget", type=float, help="seconds one case may take (60; quick 10)")
    p.add_argument(
        "--include-slow",
        action="store_true",
        help="run cases predicted to exceed the budget, and let steps run past it",
    )
    p.add_argument("--double", action="store_true", help="qml in complex128, as the peers")
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the inputs, weights and targets (default 0)"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("results/bench/bench.json"),
        help="JSON path; the plot goes next to it as .png (default %(default)s)",
    )
    a = p.parse_args(argv)
    for name in ("n", "batch", "layers"):
        values = getattr(a, name)
        if values is not None and any(v < 1 for v in values):
            p.error(f"--{name} values must be positive, got {values}")
    if a.repeats is not None and a.repeats < 1:
        p.error(f"--repeats must be positive, got {a.repeats}")
    if a.budget is not None and a.budget <= 0:
        p.error(f"--budget must be positive, got {a.budget}")
    grid = QUICK if a.quick else {"n": DEFAULT_N, "batch": DEFAULT_BATCH, "layers": DEFAULT_LAYERS}
    ns, bs, ls = (tuple(getattr(a, k) or grid[k]) for k in ("n", "batch", "layers"))
    cases = {(n, L, B) for n in ns for L in ls for B in bs}
    if not a.quick and a.n is None and a.batch is None and a.layers is None:
        cases.add(QISKIT_CASE)
    return BenchConfig(
        cases=tuple(sorted(cases, key=lambda c: (c[1], c[0], c[2]))),
        device=a.device,
        forward=a.forward,
        max_repeats=a.repeats or (3 if a.quick else 20),
        min_total_s=0.1 if a.quick else 0.5,
        budget_s=a.budget or (10.0 if a.quick else 60.0),
        include_slow=a.include_slow,
        quick=a.quick,
        double=a.double,
        seed=a.seed,
        out=a.out,
    )


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """One thing to time on every case: a qml method or a peer."""

    label: str
    framework: str
    method: str
    build: Callable[[Problem, Data], Model]
    cost_power: int
    autograd: bool
    budgeted: bool  # skipped when predicted over the budget, stopped when it runs over
    slow: bool = False


def _entries(cfg: BenchConfig) -> list[_Entry]:
    dtype = torch.complex128 if cfg.double else torch.complex64
    methods = [m for m in qml_diff_methods() if m != "auto"] + ["auto"]
    entries = [
        _Entry(
            label=f"qml {m}",
            framework="qml",
            method=m,
            build=lambda pr, d, m=m: build_qml(
                pr, d, diff_method=m, device=cfg.device, dtype=dtype
            ),
            cost_power=2 if m in QML_PER_PARAMETER else 1,
            autograd=True,
            budgeted=m in QML_PER_PARAMETER,
        )
        for m in methods
    ]
    entries += [
        _Entry(
            label=peer.label,
            framework=peer.framework,
            method=peer.method,
            build=peer.build,
            cost_power=peer.cost_power,
            autograd=peer.autograd,
            budgeted=True,
            slow=peer.slow,
        )
        for peer in PEERS
    ]
    return entries


def _memory_note(entry: _Entry, problem: Problem, device: str) -> str | None:
    """Why ``problem`` would not fit in memory; ``None`` if it fits.

    qml layers with ``estimate_cost`` give their step's peak; otherwise the bytes autograd
    saves for one sample (a probe at ``B = 1``) are scaled by the batch.
    """
    if not entry.autograd or problem.batch == 1:
        return None
    if problem.batch * 2**problem.n_qubits < PROBE_AMPLITUDES:
        return None
    one = replace(problem, batch=1)
    model = entry.build(one, make_data(one))
    cost = _cost(model.module, problem.batch)
    if cost is not None and hasattr(cost, "step_peak_bytes"):
        need = cost.step_peak_bytes + getattr(cost, "index_bytes", 0)
        share = MODEL_MEMORY_SHARE
    else:
        need = saved_bytes(model.forward) * problem.batch
        share = MEMORY_SHARE
    free = available_bytes(device if entry.framework == "qml" else "cpu")
    if need > share * free:
        return f"memory: ~{need / 2**30:.3g} GiB, {free / 2**30:.3g} GiB free"
    return None


def _cost(module: torch.nn.Module, batch: int):
    """``module.estimate_cost(batch=batch)`` where the layer has it, else ``None``."""
    if not hasattr(module, "estimate_cost"):
        return None
    return module.estimate_cost(batch=batch)


def _measure(
    entry: _Entry,
    problem: Problem,
    data: Data,
    cfg: BenchConfig,
    *,
    history: History,
    bandwidth: float,
) -> Row:
    n, layers, batch = problem.n_qubits, problem.layers, problem.batch
    base = {
        "n": n,
        "layers": layers,
        "batch": batch,
        "label": entry.label,
        "framework": entry.framework,
        "method": entry.method,
    }
    est = history.predict(entry.label, n=n, layers=layers, batch=batch, power=entry.cost_power)
    if entry.budgeted and est is not None and est > cfg.budget_s and not cfg.include_slow:
        note = f"est. {format_seconds(est)} > {format_seconds(cfg.budget_s)} budget"
        return Row(**base, status="skipped", estimate_s=est, note=note)
    try:
        memory = _memory_note(entry, problem, cfg.device)
        if memory is not None:
            return Row(**base, status="skipped", estimate_s=est, note=memory)
        model = entry.build(problem, data)
    except NotInstalled as e:
        return Row(**base, status="not installed", note=str(e))
    except QmlError as e:
        return Row(**base, status="unavailable", note=f"{type(e).__name__}: {e}")
    except Exception as e:  # a peer's own failure is a result, not a crash of the benchmark
        return Row(**base, status="error", note=f"{type(e).__name__}: {e}")
    device = cfg.device if entry.framework == "qml" else "cpu"
    sync = synchronizer(device)
    # a budgeted case predicted to need over half the budget gets one cold step; elsewhere
    # the timer itself stops after the warm-up when no repeat fits the budget
    slow = entry.budgeted and est is not None and 2 * est > cfg.budget_s
    common = {
        "min_total_s": cfg.min_total_s,
        "max_repeats": cfg.max_repeats,
        "budget_s": cfg.budget_s,
        "hard_stop": entry.budgeted and not cfg.include_slow,  # stop a mispredicted step
        "sync": sync,
    }
    try:
        timing = time_callable(model.step, warmup=0 if slow else cfg.warmup, **common)
    except BudgetExceeded as e:  # the first step outran the budget: at least that long
        note = f"stopped after {format_seconds(e.seconds)} (> budget)"
        return Row(**base, status="skipped", estimate_s=max(e.seconds, est or 0.0), note=note)
    except (MemoryError, torch.OutOfMemoryError) as e:  # qml's MemoryBudgetError is one
        note = f"memory: {type(e).__name__}: {e}"
        return Row(**base, status="skipped", estimate_s=est, note=note)
    except Exception as e:  # e.g. a bug in a peer: a result, not a crash
        return Row(**base, status="error", estimate_s=est, note=f"{type(e).__name__}: {e}")
    history.add(entry.label, n=n, layers=layers, batch=batch, seconds=timing.median_s)
    forward_s, note = None, ""
    if cfg.forward and entry.framework == "qml":
        try:
            with torch.no_grad():
                forward_s = time_callable(model.forward, warmup=cfg.warmup, **common).median_s
        except (BudgetExceeded, Exception) as e:
            note = f"forward not timed: {type(e).__name__}: {e}"
    row = Row(
        **base,
        status="ok",
        step_s=timing.median_s,
        times_s=timing.times_s,
        cold=timing.cold or slow,
        estimate_s=est,
        forward_s=forward_s,
        note=note,
    )
    return _with_floor(row, model.module, batch, bandwidth)


def _with_floor(row: Row, module: torch.nn.Module, batch: int, bandwidth: float) -> Row:
    """Add the bytes the qml plan must move (``estimate_cost``, where the layer has it) and
    the method ``auto`` resolved to."""
    if row.framework != "qml":
        return row
    try:
        cost = _cost(module, batch)
    except Exception as e:  # the estimate is optional: report, do not fail the timing
        return replace(row, note=f"estimate_cost failed: {type(e).__name__}: {e}")
    if cost is None:
        return row
    fwd = getattr(cost, "forward_bytes", None)
    bwd = getattr(cost, "backward_bytes", None)
    floor = None if fwd is None or bwd is None else (fwd + bwd) / bandwidth
    fwd_floor = None if fwd is None else fwd / bandwidth
    resolved = getattr(cost, "diff_method", None)
    return replace(
        row,
        resolved_method=resolved if row.method == "auto" else None,
        forward_bytes=fwd,
        backward_bytes=bwd,
        floor_s=floor,
        forward_floor_s=fwd_floor,
        vs_floor=None if not floor or row.step_s is None else row.step_s / floor,
        forward_vs_floor=(
            None if not fwd_floor or row.forward_s is None else row.forward_s / fwd_floor
        ),
    )


def _with_ratios(rows: list[Row]) -> list[Row]:
    """Each row's step time over the fastest qml method's on the same case."""
    qml_times = [r.step_s for r in rows if r.framework == "qml" and r.step_s is not None]
    if not qml_times:
        return rows
    best = min(qml_times)
    out = []
    for r in rows:
        if r.status == "ok" and r.step_s is not None:
            out.append(replace(r, vs_qml_best=r.step_s / best))
        elif r.status == "skipped" and r.estimate_s is not None:
            out.append(replace(r, vs_qml_best=r.estimate_s / best, estimated=True))
        else:
            out.append(r)
    return out


def run(
    cfg: BenchConfig,
    *,
    bandwidth: float,
    log: Console | None = None,
    on_case: Callable[[list[Row]], None] | None = None,
) -> list[Row]:
    """Time every entry on every case of ``cfg``; returns the rows, case by case.

    ``on_case(rows so far)`` is called after each case (``main`` saves them, so a run that is
    killed, e.g. for memory, keeps what it measured).
    """
    log = log or Console(stderr=True)
    entries = _entries(cfg)
    history = History()
    smallest = cfg.cases[0] if cfg.cases else None
    rows: list[Row] = []
    for n, layers, batch in cfg.cases:
        problem = Problem(n_qubits=n, layers=layers, batch=batch, seed=cfg.seed)
        data = make_data(problem)
        case_rows = []
        for entry in entries:
            if cfg.quick and entry.slow and (n, layers, batch) != smallest:
                continue
            row = _measure(entry, problem, data, cfg, history=history, bandwidth=bandwidth)
            case_rows.append(row)
            shown = format_seconds(row.step_s) if row.status == "ok" else row.note or row.status
            log.log(f"n={n} L={layers} B={batch} {row.display}: {shown}")
            gc.collect()
            if cfg.device.startswith("cuda"):
                torch.cuda.empty_cache()
        rows += _with_ratios(case_rows)
        if on_case is not None:
            on_case(rows)
    return rows


def _warn_if_busy(log: Console) -> None:
    """Say so when other work shares the CPUs: every timing suffers, and OpenMP peers
    (lightning) can slow down a hundredfold when their threads wait on a busy core."""
    if not hasattr(os, "getloadavg"):
        return
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    if load > 0.5 * cpus:
        log.print(
            f"[yellow]warning: load average {load:.2f} on {cpus} CPUs: other work is running, "
            "so the timings will be slow and noisy[/yellow]"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table, write the JSON and the plot.

    Returns:
        0, or 1 where a qml case failed (peers' failures are reported, not fatal), or 2 for
        ``--device cuda`` without a GPU.
    """
    cfg = parse_args(argv)
    log = Console(stderr=True)
    if cfg.device == "cuda" and not torch.cuda.is_available():
        log.print("qml bench: --device cuda, but torch sees no CUDA GPU")
        return 2
    _warn_if_busy(log)
    bandwidth = {"cpu": measure_bandwidth("cpu", repeats=3 if cfg.quick else 5)}
    if cfg.device != "cpu":
        bandwidth[cfg.device] = measure_bandwidth(cfg.device)
    qml_bw = bandwidth[cfg.device]
    log.log(f"copy bandwidth: {qml_bw / 1e9:.3g} GB/s ({cfg.device}); {len(cfg.cases)} cases")
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()}

    def save(rows: list[Row], *, complete: bool = False) -> None:
        machine = machine_info(cfg.device, bandwidth)
        write_json(cfg.out, machine=machine, config={**config, "complete": complete}, rows=rows)

    rows = run(cfg, bandwidth=qml_bw, log=log, on_case=save)
    caption = (
        f"{cfg.device}, copy bandwidth {qml_bw / 1e9:.3g} GB/s (floor = bytes moved / that); "
        "vs qml best = step / fastest qml method's step; * = a single, cold step"
    )
    print_table(rows, forward=cfg.forward, caption=caption)
    save(rows, complete=True)
    title = f"one training step, {cfg.device}" + (", qml complex128" if cfg.double else "")
    plot(cfg.plot_path, rows, title=title)
    log.log(f"wrote {cfg.out} and {cfg.plot_path}")
    failed = [r for r in rows if r.framework == "qml" and r.status == "error"]
    return 1 if failed else 0
