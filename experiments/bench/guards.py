"""Whether a case should run: its predicted step time and the memory autograd would keep.

Step time is extrapolated from the nearest smaller case already timed for the same framework
and method (the same ``n`` and ``L`` with a smaller batch first), with
``t ~ B * 2**max(n, OVERHEAD_QUBITS) * (n * L)**p``: a state of ``2**n`` amplitudes per
sample, ``n * L`` gates, and ``p`` = 1 for backprop/adjoint or 2 for one forward pass per
parameter. Below ``OVERHEAD_QUBITS`` a gate's cost is its fixed overhead, not its amplitudes.
The extrapolation in ``n`` errs toward skipping above ``OVERHEAD_QUBITS``; the one in ``B`` is
linear, exact for the peers that loop over samples, and short where a larger batch leaves the
cache; the timer's hard stop (``time_callable(hard_stop=True)``) bounds a case it misjudges.

Memory: a framework that differentiates through torch autograd keeps the tensors its forward
saves; :func:`saved_bytes` counts them for one sample, and the batch scales that linearly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from qml.sim.memory import available_bytes as _qml_available_bytes

__all__ = ["History", "saved_bytes", "available_bytes", "OVERHEAD_QUBITS"]

# Below 2**10 amplitudes (16 KiB in complex128) a gate's fixed cost (Python, dispatch, a
# kernel launch: microseconds) exceeds the time its amplitudes take at memory bandwidth.
OVERHEAD_QUBITS = 10


@dataclass(frozen=True, kw_only=True)
class _Timed:
    n: int
    layers: int
    batch: int
    seconds: float


@dataclass
class History:
    """Step times seen so far, by label; predicts the step time of larger cases."""

    _seen: dict[str, list[_Timed]] = field(default_factory=dict)

    def add(self, label: str, *, n: int, layers: int, batch: int, seconds: float) -> None:
        self._seen.setdefault(label, []).append(
            _Timed(n=n, layers=layers, batch=batch, seconds=seconds)
        )

    def predict(self, label: str, *, n: int, layers: int, batch: int, power: int) -> float | None:
        """Predicted step time in seconds, or ``None`` with no smaller case timed yet.

        Example:
            >>> h = History()
            >>> h.add("a", n=12, layers=2, batch=1, seconds=0.01)
            >>> round(h.predict("a", n=14, layers=2, batch=8, power=1), 3)
            0.373
        """
        smaller = [
            t
            for t in self._seen.get(label, [])
            if t.n <= n and t.layers <= layers and t.batch <= batch
        ]
        if not smaller:
            return None
        ref = max(smaller, key=lambda t: (t.n, t.layers, t.batch))
        gates = (n * layers) / (ref.n * ref.layers)
        amplitudes = 2.0 ** (max(n, OVERHEAD_QUBITS) - max(ref.n, OVERHEAD_QUBITS))
        return ref.seconds * (batch / ref.batch) * amplitudes * gates**power


def saved_bytes(forward: Callable[[], torch.Tensor]) -> int:
    """Bytes of the distinct storages that autograd saves for backward during ``forward()``
    (plus its output): what a backprop step holds at its peak, give or take one state.

    Example:
        >>> w = torch.ones(1000, requires_grad=True)
        >>> saved_bytes(lambda: (w * w).sin().sum()) >= 4000
        True
    """
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = forward()
    s = out.untyped_storage()
    storages[s.data_ptr()] = s.nbytes()
    return sum(storages.values())


def available_bytes(device: str) -> int:
    """Free memory in bytes on ``device`` (qml's own measure: CUDA free memory or MemAvailable)."""
    return _qml_available_bytes(torch.device(device))
