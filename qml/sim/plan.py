"""The reference interpreter of the native simulator: one kernel call per gate.

:func:`reference_plan` wraps a :class:`~qml.Circuit` in a :class:`ReferencePlan`;
``ReferencePlan.run`` evaluates each gate's angles for the batch and applies the gates one by one
with the pure kernels. It is slow and obviously right: the layers run the optimised
:class:`~qml.sim.compiled.CompiledPlan`, and the tests hold the compiled plan to this interpreter
(itself held to Qiskit and PennyLane).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit, StatePrep
from qml.errors import InputError
from qml.gates import GateSpec, gate_matrix
from qml.observables import Observable
from qml.sim.measure import expval
from qml.sim.statevector import amplitude_state, apply_diagonal, apply_matrix, zero_state

__all__ = ["ReferencePlan", "reference_plan", "split_inputs"]


@dataclass(frozen=True)
class _Step:
    spec: GateSpec
    wires: tuple[int, ...]
    params: tuple  # Expr per angle


class ReferencePlan:
    """A circuit run gate by gate (see :func:`reference_plan`)."""

    def __init__(self, circuit: Circuit):
        self.circuit = circuit
        self.n_qubits = circuit.n_qubits
        ops = circuit.operations
        self.prep = ops[0] if ops and isinstance(ops[0], StatePrep) else None
        self.steps = [
            _Step(op.spec, op.wires, op.params) for op in ops if not isinstance(op, StatePrep)
        ]

    def run(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        batch: int | None = None,
        dtype: torch.dtype = torch.complex64,
        device=None,
    ) -> torch.Tensor:
        """Final states for a batch.

        Args:
            inputs: ``(B, F)`` real features, or ``None`` for a circuit without inputs.
            weights: name -> tensor of the declared shape.
            batch: ``B`` when ``inputs`` is ``None`` (default 1).
            dtype: ``torch.complex64`` or ``torch.complex128``.
            device: where to simulate when ``inputs`` is ``None``.

        Returns:
            ``(B, 2, ..., 2)`` complex states.
        """
        if inputs is not None:
            real = torch.float64 if dtype == torch.complex128 else torch.float32
            inputs = inputs.to(real)
            batch, device = inputs.shape[0], inputs.device
        batch = 1 if batch is None else batch
        cols = split_inputs(self.circuit, inputs)
        flat = {name: w.reshape(-1) for name, w in weights.items()}
        if self.prep is not None:
            state = _prepare(self.prep, self.n_qubits, cols, flat, batch, dtype, device)
        else:
            state = zero_state(self.n_qubits, batch, dtype=dtype, device=device)
        for step in self.steps:
            angles = [p.evaluate(cols, flat) for p in step.params]
            m = gate_matrix(step.spec, angles, dtype=dtype, device=device)
            if step.spec.diagonal:
                state = apply_diagonal(state, torch.diagonal(m, dim1=-2, dim2=-1), step.wires)
            else:
                state = apply_matrix(state, m, step.wires)
        return state

    @staticmethod
    def expvals(state: torch.Tensor, observables: Sequence[Observable]) -> torch.Tensor:
        """Exact expectations, ``(B, len(observables))`` real."""
        return torch.stack([expval(state, o) for o in observables], dim=1)


def _prepare(prep: StatePrep, n: int, cols, flat, batch: int, dtype, device) -> torch.Tensor:
    """Initial state of an amplitude encoding: ``(B, 2, ..., 2)``."""
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    values = []
    for f in prep.params:
        v = torch.as_tensor(f.evaluate(cols, flat), dtype=real, device=device)
        values.append(v.expand(batch))
    return amplitude_state(prep, n, torch.stack(values, dim=1), dtype=dtype)


def split_inputs(circuit: Circuit, inputs: torch.Tensor | None) -> dict[str, torch.Tensor]:
    """Split ``(B, F)`` features into the circuit's input arrays, in declaration order.

    Raises:
        InputError: wrong width, not 2-D, or containing NaN / inf.
    """
    shapes = circuit.input_shapes
    width = circuit.num_inputs
    if inputs is None:
        if width:
            raise InputError(f"the circuit expects {width} input features, got none")
        return {}
    if inputs.dim() != 2:
        raise InputError(f"inputs must be (B, F), got shape {tuple(inputs.shape)}")
    if inputs.shape[1] != width:
        raise InputError(
            f"inputs have {inputs.shape[1]} features per sample, but the circuit declares "
            f"{width} ({', '.join(f'{n}[{s}]' for n, s in shapes.items()) or 'none'})"
        )
    if inputs.is_complex():
        raise InputError(f"inputs must be real, got dtype {inputs.dtype}")
    if not torch.isfinite(inputs).all():
        bad = (~torch.isfinite(inputs)).nonzero()[0].tolist()
        raise InputError(
            f"inputs contain a non-finite value {inputs[bad[0], bad[1]].item()} at sample "
            f"{bad[0]}, feature {bad[1]}"
        )
    cols: dict[str, torch.Tensor] = {}
    start = 0
    for name, size in shapes.items():
        cols[name] = inputs[:, start : start + size]
        start += size
    return cols


def reference_plan(circuit: Circuit) -> ReferencePlan:
    """The reference interpreter of ``circuit``: one kernel call per gate, no optimisation.

    >>> import qml
    >>> c = qml.Circuit(1)
    >>> _ = c.h(0)
    >>> state = reference_plan(c).run(None, {})
    >>> tuple(state.shape)
    (1, 2)
    """
    return ReferencePlan(circuit)
