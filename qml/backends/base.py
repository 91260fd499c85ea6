"""The backend protocol: compile once, run many times."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import torch

from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.observables import Observable

__all__ = ["Capabilities", "Executable", "Backend", "MAX_QUBITS", "SPSA_EPS"]

MAX_QUBITS = 30  # statevector backends: 2**30 complex64 amplitudes = 8 GiB per sample
SPSA_EPS = 0.05  # perturbation size of SPSA, radians, on every backend


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    """What a backend can do; checked when a layer is built, before anything runs."""

    exact: bool
    shots: bool
    diff_methods: tuple[str, ...]
    devices: tuple[str, ...]
    max_qubits: int


class Executable(Protocol):
    """A circuit and its observables compiled for one backend."""

    def expvals(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        batch: int,
        dtype: torch.dtype,
        device: torch.device,
        generator: torch.Generator | None,
    ) -> torch.Tensor:
        """``(B, n_observables)`` real expectations (estimated from shots if set)."""
        ...

    def probs(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        wires: Sequence[int] | None,
        batch: int,
        dtype: torch.dtype,
        device: torch.device,
    ) -> torch.Tensor:
        """``(B, 2**len(wires))`` exact probabilities."""
        ...

    def sample(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        shots: int,
        wires: Sequence[int] | None,
        batch: int,
        dtype: torch.dtype,
        device: torch.device,
        generator: torch.Generator | None,
    ) -> torch.Tensor:
        """``(B, shots, len(wires))`` measured bits."""
        ...

    stats: ExecutionStats

    def resolve(self, batch: int, dtype: torch.dtype, device: torch.device) -> str:
        """The gradient method a call of ``batch`` samples uses (``"auto"`` resolved)."""
        ...

    def cost(self, *, batch: int, dtype: torch.dtype, device: torch.device):
        """Memory and traffic of one training step (a ``CostEstimate``)."""
        ...


class Backend(Protocol):
    """A backend: its name, what it can do, and how it compiles a circuit to an Executable."""

    name: str
    capabilities: Capabilities

    def compile(
        self,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str = "auto",
    ) -> Executable: ...
