"""The native simulator as a backend (``backend="torch"``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from qml.backends.base import Capabilities
from qml.circuit import Circuit
from qml.errors import BackendError
from qml.observables import Observable
from qml.sim.measure import probabilities, sample_bits
from qml.sim.plan import Plan, compile_plan

__all__ = ["TorchBackend", "TorchExecutable"]

MAX_QUBITS = 30  # 2**30 complex64 amplitudes = 8 GiB per sample


class TorchExecutable:
    """A compiled :class:`~qml.sim.plan.Plan` plus observables and shots."""

    def __init__(self, plan: Plan, observables: Sequence[Observable], shots: int | None):
        self.plan = plan
        self.observables = list(observables)
        self.shots = shots

    def _state(self, inputs, weights, batch, dtype, device) -> torch.Tensor:
        return self.plan.run(inputs, weights, batch=batch, dtype=dtype, device=device)

    def expvals(self, inputs, weights: Mapping[str, torch.Tensor], *, batch, dtype, device,
                generator=None) -> torch.Tensor:  # fmt: skip
        state = self._state(inputs, weights, batch, dtype, device)
        if self.shots is None:
            return self.plan.expvals(state, self.observables)
        return self.plan.sampled_expvals(state, self.observables, self.shots, generator=generator)

    def probs(self, inputs, weights, *, wires=None, batch, dtype, device) -> torch.Tensor:
        return probabilities(self._state(inputs, weights, batch, dtype, device), wires)

    def sample(self, inputs, weights, *, shots, wires=None, batch, dtype, device,
               generator=None) -> torch.Tensor:  # fmt: skip
        p = self.probs(inputs, weights, wires=wires, batch=batch, dtype=dtype, device=device)
        n_bits = self.plan.n_qubits if wires is None else len(wires)
        return sample_bits(p, shots, n_bits, generator=generator)


class TorchBackend:
    """Batched statevector simulation in PyTorch, on the device of the inputs."""

    capabilities = Capabilities(
        exact=True,
        shots=True,
        diff_methods=("auto", "backprop"),
        devices=("cpu", "cuda"),
        max_qubits=MAX_QUBITS,
    )

    def __init__(self, name: str = "torch"):
        if name != "torch":
            raise BackendError(f"the native backend takes no options, got {name!r}")
        self.name = name

    def compile(self, circuit: Circuit, observables: Sequence[Observable], *,
                shots: int | None) -> TorchExecutable:  # fmt: skip
        if circuit.n_qubits > MAX_QUBITS:
            raise BackendError(
                f"circuit has {circuit.n_qubits} qubits; the native backend handles at most "
                f"{MAX_QUBITS}"
            )
        return TorchExecutable(compile_plan(circuit), observables, shots)
