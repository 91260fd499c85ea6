"""Backends that evaluate rows of angles: the chain they share, written once.

A backend that cannot differentiate a circuit itself (a PennyLane device without backprop, Qiskit
Aer, IBM hardware) runs the *slot circuit* (:meth:`~qml.Circuit.angles_as_inputs`: every gate
parameter replaced by its own angle ``s[k]``). :class:`RowExecutable` holds everything around
that: the schedule, the angle program (inputs and weights -> slot angles, differentiable by
autograd), the assembly of ``(R, A)`` rows, the shift rules masked to the angles a gradient is
asked of, parameter-shift or SPSA over the rows (:mod:`qml.sim.gradients`), the measurement
groups of a shot-based run (:mod:`qml.measurement_groups`) and the execution statistics.

A subclass is a small driver. It implements:

- ``run_rows(rows)``: ``rows: (R, A)`` float64 numpy array of slot angles (``A`` may be 0) ->
  ``(R, n_observables)`` exact expectations (a float64 numpy array or tensor). One call is one
  execution of the engine; every row of it should run in that execution.

and, where the engine samples:

- ``sample_rows(rows, generator)`` -> one ``(R, shots, k)`` (or ``(1, shots, k)`` when no angle
  varies) 0/1 tensor per group of ``self.grouping.groups``, bit ``i`` measured on
  ``group.wires[i]`` after the group's rotation onto Z (:meth:`MeasurementGroup.rotation`).
  The engine's seed comes from ``generator`` (:func:`~qml.measurement_groups.draw_seed`).

It may override ``check_memory(rows)`` (raise :class:`~qml.errors.MemoryBudgetError` before a
run that would not fit), ``row_bytes`` (the bytes a row is sized as when shifted rows are packed
into batches), ``resolve`` and the ``probs`` / ``sample`` / ``cost`` entry points, which by default
refuse with a :class:`~qml.errors.BackendError` naming ``self.name``. Everything else of the
:class:`~qml.backends.base.Executable` protocol comes from here.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

import numpy as np
import torch

from qml.backends.base import SPSA_EPS
from qml.backends.slots import SlotRows, needs_grad, shift_rules
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import BackendError
from qml.measurement_groups import MeasurementGroups, estimates_from_bits, measurement_groups
from qml.observables import Observable
from qml.sim.angles import AngleProgram
from qml.sim.gradients import mask_rules, shift_expvals, spsa_expvals
from qml.sim.schedule import build_schedule

__all__ = ["RowExecutable"]


class RowExecutable(ABC):
    """A circuit compiled for an engine that evaluates rows of slot angles (see module doc).

    Args:
        name: the backend's name, for messages (``"aer"``, ``"pennylane:default.qubit"``).
        circuit: the circuit (the subclass builds the engine's slot circuit from it).
        observables: ``n_obs`` observables, in output order.
        shots: ``None`` for exact expectations (:meth:`run_rows`), else measurements per group
            and row (:meth:`sample_rows`).
        diff_method: ``"auto"``, ``"parameter-shift"`` or ``"spsa"`` (``auto`` is
            parameter-shift; a subclass with a gradient of its own resolves it in ``resolve``).

    Attributes:
        program: the angle program (``shared: (A_s,)``, ``per_sample: (B, A_p)`` angles).
        rules: ``(shared_rules, per_sample_rules)``, per slot its shift terms.
        grouping: the measurement groups with shots, else ``None``.
        stats: an :class:`~qml.backends.stats.ExecutionStats`, replaced after every run.
    """

    row_bytes: int = 2**20

    def __init__(
        self,
        name: str,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str,
    ) -> None:
        self.name = name
        self.circuit = circuit
        self.observables = list(observables)
        self.n_obs = len(self.observables)
        self.shots = shots
        self.diff_method = diff_method
        self.stats = ExecutionStats()
        schedule = build_schedule(circuit)
        self.program = AngleProgram(circuit, schedule.slot_exprs)
        self.slot_rows = SlotRows(self.program)
        self.rules = shift_rules(self.program, schedule.slot_rule)
        self.grouping: MeasurementGroups | None = (
            measurement_groups(self.observables) if shots is not None else None
        )

    # -- what a subclass implements
    @abstractmethod
    def run_rows(self, rows: np.ndarray) -> np.ndarray | torch.Tensor:
        """``rows: (R, A)`` float64 slot angles -> ``(R, n_obs)`` exact expectations."""

    def sample_rows(self, rows: np.ndarray, generator: torch.Generator | None) -> list:
        """``rows: (R, A)`` -> per measurement group, ``(R | 1, shots, k)`` measured bits."""
        raise BackendError(f"backend {self.name!r} does not sample; use shots=None")

    def check_memory(self, rows: int) -> None:
        """Raise :class:`~qml.errors.MemoryBudgetError` if ``rows`` rows would not fit."""
        return None

    # -- the shared chain
    def resolve(self, batch: int, dtype: torch.dtype, device: torch.device) -> str:
        """The gradient method in use (``auto`` is qml's parameter-shift over the rows)."""
        return "parameter-shift" if self.diff_method == "auto" else self.diff_method

    def expvals(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        batch: int,
        dtype: torch.dtype,
        device: torch.device,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """``(B, n_obs)`` expectations, differentiable by parameter-shift or SPSA."""
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        shared, sample = self.program.evaluate(
            inputs, weights, batch=batch, real=torch.float64, device=torch.device("cpu")
        )

        def evaluate(shared: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
            return self._evaluate(shared, sample, generator)

        if not needs_grad(inputs, weights) or shared.numel() + sample.shape[1] == 0:
            out = evaluate(shared, sample)
        elif self.diff_method == "spsa":
            out = spsa_expvals(shared, sample, evaluate, eps=SPSA_EPS, generator=generator)
        else:
            rules = mask_rules(self.rules, self.program.wanted(inputs, weights))
            out = shift_expvals(shared, sample, evaluate, rules, row_bytes=self.row_bytes)
        return out.to(device=device, dtype=real)

    def _evaluate(
        self, shared: torch.Tensor, sample: torch.Tensor, generator: torch.Generator | None
    ) -> torch.Tensor:
        """``shared: (A_s,) | (R, A_s)``, ``sample: (R, A_p)`` -> ``(R, n_obs)`` float64."""
        n_rows = sample.shape[0]
        self.check_memory(n_rows)
        rows = self.slot_rows.rows(shared.double(), sample.double()).cpu().numpy()
        start = time.perf_counter()
        if self.grouping is None:
            values = self.run_rows(rows)
            if isinstance(values, torch.Tensor):
                out = values.detach().to(device="cpu", dtype=torch.float64)
            else:
                out = torch.from_numpy(np.array(values, dtype=np.float64))
            circuits = n_rows
        else:
            bits = [
                torch.as_tensor(b).expand(n_rows, -1, -1) for b in self.sample_rows(rows, generator)
            ]
            out = estimates_from_bits(self.grouping, bits, rows=n_rows)
            circuits = n_rows * len(self.grouping)
        self.stats = self.stats + ExecutionStats(
            calls=1,
            circuits=circuits,
            shots=circuits * (self.shots or 0),
            seconds=time.perf_counter() - start,
        )
        return out.reshape(n_rows, self.n_obs).to(sample.dtype)

    # -- what an engine of rows does not offer by default
    def probs(self, inputs, weights, *, wires=None, batch, dtype, device) -> torch.Tensor:
        raise BackendError(
            f"probabilities on {self.name!r} are not available yet; use backend='torch'"
        )

    def sample(
        self, inputs, weights, *, shots, wires=None, batch, dtype, device, generator=None
    ) -> torch.Tensor:
        raise BackendError(f"samples on {self.name!r} are not available yet; use backend='torch'")

    def cost(self, *, batch: int, dtype: torch.dtype, device: torch.device):
        raise BackendError(
            f"no cost model for {self.name!r}; estimate_cost covers the native backend"
        )
