"""The native simulator as a backend (``backend="torch"``).

Compiles the circuit once into a :class:`~qml.sim.compiled.CompiledPlan` and runs it with the
chosen gradient method (:mod:`qml.sim.gradients`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import torch

from qml.backends.base import MAX_QUBITS, SPSA_EPS, Capabilities
from qml.backends.slots import needs_grad, shift_rules
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import BackendError, DiffMethodError
from qml.measurement_groups import measurement_groups
from qml.observables import Observable
from qml.sim.compiled import CompiledPlan
from qml.sim.gradients import adjoint_expvals, mask_rules, shift_expvals, spsa_expvals
from qml.sim.measure import probabilities, sample_bits
from qml.sim.memory import auto_diff_method, available_bytes, check_budget, estimate
from qml.sim.sampling import sampled_expvals

__all__ = ["TorchBackend", "TorchExecutable", "DIFF_METHODS"]

DIFF_METHODS = ("auto", "backprop", "adjoint", "parameter-shift", "spsa")


class TorchExecutable:
    """A compiled plan plus observables, shots and a gradient method."""

    def __init__(
        self,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str,
    ) -> None:
        self.circuit = circuit
        self.plan = CompiledPlan(circuit, observables)
        self.observables = list(observables)
        self.shots = shots
        self.diff_method = diff_method
        self.rules = shift_rules(self.plan.program, self.plan.schedule.slot_rule)
        self.grouping = measurement_groups(self.observables) if shots is not None else None
        self.stats = ExecutionStats()

    def _record(self, *, circuits: int, start: float) -> None:
        self.stats = self.stats + ExecutionStats(
            calls=1,
            circuits=circuits,
            shots=circuits * (self.shots or 0),
            seconds=time.perf_counter() - start,
        )

    def resolve(self, batch: int, dtype: torch.dtype, device: torch.device) -> str:
        """The concrete gradient method for this call (``auto`` decided by the cost model)."""
        if self.diff_method != "auto":
            return self.diff_method
        if self.shots is not None:
            return "parameter-shift"
        backprop = estimate(self.plan, batch=batch, dtype=dtype, diff_method="backprop")
        return auto_diff_method(
            backprop_peak_bytes=backprop.step_peak_bytes, available_bytes=available_bytes(device)
        )

    def _evaluate(self, dtype, generator):
        plan = self.plan

        def evaluate(shared: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
            start = time.perf_counter()
            t = plan.tables(shared, sample, dtype=dtype)
            rows = sample.shape[0]
            state = plan.run(t, rows, dtype=dtype, device=sample.device)
            if self.grouping is None or self.shots is None:
                out = plan.measure.expvals(state)
                self._record(circuits=rows, start=start)
                return out
            # one measured circuit per qubit-wise commuting group (qml.measurement_groups)
            view = state.reshape((rows,) + (2,) * plan.n)
            out = sampled_expvals(view, self.grouping, self.shots, generator=generator)
            self._record(circuits=rows * len(self.grouping), start=start)
            return out

        return evaluate

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
        """``(B, n_obs)`` expectations, differentiable by the resolved method."""
        plan = self.plan
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        grad = needs_grad(inputs, weights)
        method = self.resolve(batch, dtype, device)
        check_budget(plan, batch=batch, dtype=dtype, device=device, diff_method=method, grad=grad)
        shared, sample = plan.angles(inputs, weights, batch=batch, real=real, device=device)
        if method == "adjoint" and grad:
            start = time.perf_counter()
            out = adjoint_expvals(plan, shared, sample, dtype=dtype)
            self._record(circuits=batch, start=start)
            return out
        evaluate = self._evaluate(dtype, generator)
        if method == "parameter-shift" and grad:
            self._check_shiftable(inputs)
            row = 2**plan.n * torch.empty((), dtype=dtype).element_size()
            rules = mask_rules(self.rules, plan.program.wanted(inputs, weights))
            return shift_expvals(shared, sample, evaluate, rules, row_bytes=row)
        if method == "spsa" and grad:
            self._check_shiftable(inputs)
            return spsa_expvals(shared, sample, evaluate, eps=SPSA_EPS, generator=generator)
        return evaluate(shared, sample)

    def _check_shiftable(self, inputs) -> None:
        if self.plan.schedule.prep is not None and inputs is not None and inputs.requires_grad:
            raise DiffMethodError(
                f"{self.diff_method} cannot differentiate amplitude-embedded inputs; "
                "use diff_method='adjoint' or 'backprop', or detach the inputs"
            )

    def state(self, inputs, weights, *, batch, dtype, device) -> torch.Tensor:
        """Final states ``(B, 2, ..., 2)`` (differentiable by autograd)."""
        plan = self.plan
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        grad = needs_grad(inputs, weights)
        check_budget(
            plan, batch=batch, dtype=dtype, device=device, diff_method="backprop", grad=grad
        )
        shared, sample = plan.angles(inputs, weights, batch=batch, real=real, device=device)
        t = plan.tables(shared, sample, dtype=dtype)
        state = plan.run(t, batch, dtype=dtype, device=device)
        return state.reshape((batch,) + (2,) * plan.n)

    def probs(self, inputs, weights, *, wires=None, batch, dtype, device) -> torch.Tensor:
        state = self.state(inputs, weights, batch=batch, dtype=dtype, device=device)
        return probabilities(state, wires)

    def sample(
        self, inputs, weights, *, shots, wires=None, batch, dtype, device, generator=None
    ) -> torch.Tensor:
        p = self.probs(inputs, weights, wires=wires, batch=batch, dtype=dtype, device=device)
        n_bits = self.plan.n if wires is None else len(wires)
        return sample_bits(p, shots, n_bits, generator=generator)

    def cost(self, *, batch: int, dtype: torch.dtype, device: torch.device):
        method = self.resolve(batch, dtype, device)
        return estimate(self.plan, batch=batch, dtype=dtype, diff_method=method)


class TorchBackend:
    """Batched statevector simulation in PyTorch, on the device of the inputs."""

    capabilities = Capabilities(
        exact=True,
        shots=True,
        diff_methods=DIFF_METHODS,
        devices=("cpu", "cuda"),
        max_qubits=MAX_QUBITS,
    )

    def __init__(self, name: str = "torch"):
        if name != "torch":
            raise BackendError(f"the native backend takes no options, got {name!r}")
        self.name = name

    def compile(
        self,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str = "auto",
    ) -> TorchExecutable:
        if circuit.n_qubits > MAX_QUBITS:
            raise BackendError(
                f"circuit has {circuit.n_qubits} qubits; the native backend handles at most "
                f"{MAX_QUBITS}"
            )
        if shots is not None and diff_method in ("backprop", "adjoint"):
            raise DiffMethodError(
                f"diff_method={diff_method!r} needs exact expectations, but shots={shots}; use "
                "'parameter-shift' or 'spsa' with shots, or shots=None"
            )
        return TorchExecutable(circuit, observables, shots=shots, diff_method=diff_method)
