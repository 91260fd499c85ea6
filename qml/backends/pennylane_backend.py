"""Any PennyLane device as a backend: ``backend="pennylane:<device>"``.

The circuit goes to PennyLane operations (:mod:`qml.interop.pennylane`) and a batch runs as one
broadcast execution. ``backprop`` (and ``auto`` on devices that support it) is PennyLane's own
through its torch interface; ``parameter-shift`` and ``spsa`` are qml's shift rules
(:mod:`qml.sim.gradients`) over the slot circuit (:mod:`qml.backends.slots`), so every
shifted circuit of every sample is packed into as few broadcast executions as memory allows
(PennyLane's own parameter-shift cannot differentiate broadcast tapes).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch

from qml.backends.base import Capabilities
from qml.backends.slots import (
    SlotRows,
    differentiable_rows,
    needs_grad,
    shift_rules,
    slot_circuit,
)
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import BackendError, DiffMethodError
from qml.observables import Observable
from qml.sim.angles import AngleProgram
from qml.sim.gradients import mask_rules
from qml.sim.measure import sample_bits
from qml.sim.schedule import build_schedule

__all__ = ["PennyLaneBackend", "PennyLaneExecutable"]

# default.mixed also backpropagates in PennyLane, but its input gradients under parameter
# broadcasting came out wrong (PennyLane 0.45); it runs the shift rules here instead.
BACKPROP_DEVICES = ("default.qubit",)
MAX_QUBITS = 30
SPSA_EPS = 0.05
SHIFT_ROW_BYTES = 2**20  # rows of a shift batch are sized as if a state took this much


def _pennylane():
    try:
        import pennylane
    except ImportError as exc:  # pragma: no cover - pennylane is a core dependency
        raise BackendError(
            "backend 'pennylane:...' needs PennyLane: pip install pennylane"
        ) from exc
    return pennylane


class PennyLaneExecutable:
    """A circuit compiled to PennyLane QNodes (one for backprop, one over slot angles)."""

    def __init__(self, backend: PennyLaneBackend, circuit: Circuit,
                 observables: Sequence[Observable], *, shots: int | None,
                 diff_method: str) -> None:  # fmt: skip
        from qml.interop.pennylane import observable_to_pennylane

        pl = _pennylane()
        self.circuit = circuit
        self.shots = shots
        self.diff_method = diff_method
        self.stats = ExecutionStats()
        self.device_name = backend.device_name
        try:
            self.device = pl.device(backend.device_name, wires=circuit.n_qubits)
        except Exception as exc:  # PennyLane raises its own DeviceError and others
            raise BackendError(
                f"PennyLane device {backend.device_name!r} could not be created: {exc}"
            ) from exc
        pl_obs = [observable_to_pennylane(o) for o in observables]
        self.n_obs = len(pl_obs)
        qfunc = circuit.to_pennylane()
        slots = slot_circuit(circuit)
        slot_qfunc = slots.to_pennylane()
        sched = build_schedule(circuit)
        self.program = AngleProgram(circuit, sched.slot_exprs)
        self.rows = SlotRows(self.program)
        self.rules = shift_rules(self.program, sched.slot_gate)

        self.backprop = (
            diff_method in ("backprop", "auto")
            and shots is None
            and backend.device_name in BACKPROP_DEVICES
        )
        kw = {"shots": shots} if shots is not None else {}

        @pl.qnode(self.device, interface="torch",
                  diff_method="backprop" if self.backprop else None, **kw)  # fmt: skip
        def direct(x, **weights):
            qfunc(x=x, **weights)
            return [pl.expval(o) for o in pl_obs]

        def run_slots(s):
            slot_qfunc(x=s) if slots.num_inputs else slot_qfunc()

        @pl.qnode(self.device, interface="torch", diff_method=None, **kw)
        def slot_node(s):
            run_slots(s)
            return [pl.expval(o) for o in pl_obs]

        @pl.qnode(self.device, interface="torch", diff_method=None)
        def probs_node(x, wires, **weights):
            qfunc(x=x, **weights)
            return pl.probs(wires=wires)

        self._direct, self._slot_node, self._probs = direct, slot_node, probs_node

    def _stack(self, out, rows: int) -> torch.Tensor:
        cols = [torch.as_tensor(o, dtype=torch.float64).reshape(-1) for o in out]
        cols = [c.expand(rows) if c.numel() == 1 else c for c in cols]
        return torch.stack(cols, dim=1)

    def _evaluate(self, shared: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
        rows = sample.shape[0]
        s = self.rows.rows(shared.double(), sample.double())
        start = time.perf_counter()
        out = self._slot_node(s if s.shape[1] else None)
        self.stats.record(circuits=rows, shots=self.shots, seconds=time.perf_counter() - start)
        return self._stack(out, rows).to(sample.dtype)

    def expvals(self, inputs, weights, *, batch, dtype, device, generator=None) -> torch.Tensor:
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        grad = needs_grad(inputs, weights)
        method = self.diff_method
        if self.backprop:
            x = inputs.double() if inputs is not None else None
            start = time.perf_counter()
            out = self._direct(x, **{k: v.double() for k, v in weights.items()})
            self.stats.record(circuits=batch, shots=None, seconds=time.perf_counter() - start)
            return self._stack(out, batch).to(real)
        shared, sample = self.program.evaluate(inputs, weights, batch=batch, real=torch.float64,
                                               device=torch.device("cpu"))  # fmt: skip
        rules = mask_rules(self.rules, self.program.wanted(inputs, weights))
        out = differentiable_rows(self._evaluate, shared, sample, rules=rules,
                                  diff_method=method, grad=grad, generator=generator,
                                  spsa_eps=SPSA_EPS, row_bytes=SHIFT_ROW_BYTES)  # fmt: skip
        return out.to(real)

    def probs(self, inputs, weights, *, wires=None, batch, dtype, device) -> torch.Tensor:
        wires = list(range(self.circuit.n_qubits)) if wires is None else list(wires)
        x = inputs.double() if inputs is not None else None
        with torch.no_grad():
            p = self._probs(x, wires, **{k: v.detach().double() for k, v in weights.items()})
        p = torch.as_tensor(p, dtype=torch.float64)
        return p.reshape(batch, -1) if p.dim() == 2 else p.expand(batch, -1)

    def sample(self, inputs, weights, *, shots, wires=None, batch, dtype, device,
               generator=None) -> torch.Tensor:  # fmt: skip
        p = self.probs(inputs, weights, wires=wires, batch=batch, dtype=dtype, device=device)
        n_bits = self.circuit.n_qubits if wires is None else len(wires)
        return sample_bits(p, shots, n_bits, generator=generator)

    def cost(self, *, batch: int, dtype, device):
        raise BackendError(
            f"no cost model for pennylane:{self.device_name}; estimate_cost covers the native "
            "backend"
        )


class PennyLaneBackend:
    """``pennylane:<device>``: any installed PennyLane device."""

    def __init__(self, name: str):
        prefix, _, device = name.partition(":")
        if prefix != "pennylane" or not device:
            raise BackendError(
                f"PennyLane backends are named 'pennylane:<device>', e.g. "
                f"'pennylane:default.qubit', got {name!r}"
            )
        self.name = name
        self.device_name = device
        methods = ["auto", "parameter-shift", "spsa"]
        if device in BACKPROP_DEVICES:
            methods.insert(1, "backprop")
        self.capabilities = Capabilities(
            exact=True, shots=True, diff_methods=tuple(methods), devices=("cpu",),
            max_qubits=MAX_QUBITS,
        )  # fmt: skip

    def compile(self, circuit: Circuit, observables: Sequence[Observable], *,
                shots: int | None, diff_method: str = "auto") -> PennyLaneExecutable:  # fmt: skip
        if shots is not None and diff_method == "backprop":
            raise DiffMethodError(
                f"diff_method='backprop' needs exact expectations, but shots={shots}; use "
                "'parameter-shift' or 'spsa' with shots"
            )
        return PennyLaneExecutable(self, circuit, observables, shots=shots,
                                   diff_method=diff_method)  # fmt: skip
