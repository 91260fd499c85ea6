"""Memory and traffic model of the native simulator, checked before anything is allocated.

For a compiled plan, a batch ``B``, ``n`` qubits and a complex dtype of ``s`` bytes, one state is
``S = B * 2**n * s`` bytes. The model (constants calibrated against measured peaks in
``tests/qml/test_memory.py``):

- forward without gradients: ``FORWARD_STATES * S`` (the state, the next one, the
  probabilities and their temporaries);
- backprop: autograd keeps the input state of every GEMM or product pass (gathers keep only
  their index), ``(saving passes + BACKPROP_EXTRA_STATES) * S``;
- adjoint: ``ADJOINT_STATES * S`` whatever the depth (state, lambda, their updates, the
  start state rebuilt for its cotangent);
- parameter-shift / SPSA: shifted circuits run in slices of at most ``SHIFT_BATCH_BYTES`` of
  states, ``FORWARD_STATES * min(rows * S / B, SHIFT_BATCH_BYTES)``.

Bytes *moved* (the bandwidth floor's numerator): each pass reads and writes the state once, the
start writes it and the measurement reads it: ``(2 * passes + 2) * S``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from qml.errors import MemoryBudgetError

__all__ = [
    "CostEstimate",
    "estimate",
    "available_bytes",
    "check_budget",
    "check_bytes",
    "format_bytes",
    "auto_diff_method",
]

FORWARD_STATES = 4.0
BACKPROP_EXTRA_STATES = 5.5
ADJOINT_STATES = 8.5
SHIFT_BATCH_BYTES = 256 * 2**20
ALWAYS_FITS_BYTES = 64 * 2**20  # steps below this are not checked against free memory
AUTO_BACKPROP_FRACTION = 0.25  # auto picks backprop while its peak is under this share of memory


def auto_diff_method(*, backprop_peak_bytes: int, available_bytes: int) -> str:
    """What ``diff_method="auto"`` picks for an exact (shot-free) step: ``"backprop"`` while its
    modelled peak is small or under :data:`AUTO_BACKPROP_FRACTION` of ``available_bytes``, else
    ``"adjoint"`` (memory flat in depth). The torch backend and the estimator both ask this.

    >>> auto_diff_method(backprop_peak_bytes=2**20, available_bytes=2**30)
    'backprop'
    >>> auto_diff_method(backprop_peak_bytes=2**34, available_bytes=2**35)
    'adjoint'
    """
    if backprop_peak_bytes <= ALWAYS_FITS_BYTES:
        return "backprop"
    if backprop_peak_bytes <= AUTO_BACKPROP_FRACTION * available_bytes:
        return "backprop"
    return "adjoint"


@dataclass(frozen=True)
class CostEstimate:
    """What one training step of a plan costs in memory and traffic (bytes)."""

    state_bytes: int
    passes: int
    index_bytes: int  # permutation indices, held once per plan and device
    forward_bytes: int  # moved by a forward pass
    backward_bytes: int  # moved by the backward pass of the chosen method
    forward_peak_bytes: int
    step_peak_bytes: int  # forward + backward of the chosen method
    diff_method: str


def estimate(plan, *, batch: int, dtype: torch.dtype, diff_method: str) -> CostEstimate:
    """The cost model above for ``plan`` (a :class:`~qml.sim.compiled.CompiledPlan`)."""
    itemsize = torch.empty((), dtype=dtype).element_size()
    state = batch * 2**plan.n * itemsize
    passes = plan.passes()
    moved = (2 * passes + 2) * state
    fwd_peak = int(FORWARD_STATES * state)
    if diff_method == "backprop":
        peak = int((plan.saving_passes() + BACKPROP_EXTRA_STATES) * state)
        back = 2 * moved
    elif diff_method == "adjoint":
        peak = int(ADJOINT_STATES * state)
        back = 3 * moved
    else:  # parameter-shift, spsa: slices of shifted states
        slots = plan.program.n_shared + plan.program.n_per_sample
        rows = 2 if diff_method == "spsa" else 4 * max(1, slots)
        peak = max(fwd_peak, int(FORWARD_STATES * min(rows * state, SHIFT_BATCH_BYTES)))
        back = rows * moved
    return CostEstimate(
        state_bytes=state,
        passes=passes,
        index_bytes=plan.index_bytes(),
        forward_bytes=moved,
        backward_bytes=back,
        forward_peak_bytes=fwd_peak,
        step_peak_bytes=peak,
        diff_method=diff_method,
    )


def available_bytes(device: torch.device) -> int:
    """Free memory on ``device``: CUDA's free bytes, or the host's MemAvailable."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} TiB"


def check_budget(plan, *, batch: int, dtype, device, diff_method: str, grad: bool) -> None:
    """Raise :class:`MemoryBudgetError` if the step would not fit, naming bytes and remedies."""
    est = estimate(plan, batch=batch, dtype=dtype, diff_method=diff_method)
    need = (est.step_peak_bytes if grad else est.forward_peak_bytes) + est.index_bytes
    if need <= ALWAYS_FITS_BYTES:
        return  # skip reading the free memory on the hot path of small models
    have = available_bytes(device)
    if need <= have:
        return
    hints = []
    if grad and diff_method == "backprop":
        adj = estimate(plan, batch=batch, dtype=dtype, diff_method="adjoint").step_peak_bytes
        hints.append(f"diff_method='adjoint' needs about {format_bytes(adj)}")
    per_sample = max(1, need // max(1, batch))
    fits = have // per_sample
    hints.append(f"a batch of at most {fits}" if fits >= 1 else "fewer qubits")
    raise MemoryBudgetError(
        f"{'a training step' if grad else 'a forward pass'} of {plan.n} qubits, batch {batch}, "
        f"{dtype} ({diff_method}) needs about {format_bytes(need)} but {format_bytes(have)} "
        f"is available on {device}; try {' or '.join(hints)}"
    )


def check_bytes(need: int, *, what: str, device: torch.device) -> None:
    """Raise :class:`MemoryBudgetError` if ``need`` bytes for ``what`` would not fit on ``device``.

    Example:
        >>> check_bytes(1024, what="a small table", device=torch.device("cpu"))
    """
    if need <= ALWAYS_FITS_BYTES:
        return
    have = available_bytes(device)
    if need > have:
        raise MemoryBudgetError(
            f"{what} needs about {format_bytes(need)} but {format_bytes(have)} is available on "
            f"{device}; ask for less at once (fewer samples, shots or wires per call)"
        )
