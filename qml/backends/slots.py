"""Slot circuits: one free angle per gate parameter, for backends that take angle rows.

A backend that cannot differentiate the circuit itself (a PennyLane device without backprop,
Qiskit Aer, IBM hardware) runs the *slot circuit*: the same gates, each parameter replaced by
its own input ``s[k]`` in the order of :class:`~qml.sim.angles.AngleProgram`'s slots. The angle
program (differentiable) produces the slot angles; the shift rules of
:mod:`qml.sim.gradients` perturb them; the backend only ever evaluates rows of angles, all rows
of a call in one execution.
"""

from __future__ import annotations

import torch

from qml.circuit import Circuit, Operation, StatePrep
from qml.expr import Input
from qml.sim.angles import AngleProgram

__all__ = [
    "slot_circuit",
    "SlotRows",
    "SLOT_INPUT",
    "shift_rules",
    "needs_grad",
    "differentiable_rows",
]

SLOT_INPUT = "s"


def slot_circuit(circuit: Circuit) -> Circuit:
    """``circuit`` with parameter ``k`` (in slot order) replaced by the input ``s[k]``."""
    count = sum(len(op.params) for op in circuit)
    out = Circuit(circuit.n_qubits)
    if count:
        out.inputs(count, SLOT_INPUT)
    k = 0
    ops: list[Operation | StatePrep] = []
    for op in circuit:
        params = tuple(Input(SLOT_INPUT, k + i) for i in range(len(op.params)))
        k += len(op.params)
        if isinstance(op, StatePrep):
            ops.append(StatePrep(op.wires, params, op.normalize, op.pad_with))
        else:
            ops.append(Operation(op.name, op.wires, params))
    out._ops = ops
    return out


class SlotRows:
    """Assemble ``(R, A)`` slot rows from the program's ``shared`` and ``per_sample`` angles."""

    def __init__(self, program: AngleProgram):
        refs = program.refs
        self.n_slots = len(refs)
        self.shared_pos = torch.tensor([k for k, r in enumerate(refs) if not r.per_sample])
        self.shared_idx = torch.tensor([r.index for r in refs if not r.per_sample])
        self.sample_pos = torch.tensor([k for k, r in enumerate(refs) if r.per_sample])
        self.sample_idx = torch.tensor([r.index for r in refs if r.per_sample])

    def rows(self, shared: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
        """``shared: (A_s,)`` or ``(R, A_s)``, ``sample: (R, A_p)`` -> ``(R, A)``."""
        n_rows = sample.shape[0]
        out = torch.zeros((n_rows, self.n_slots), dtype=sample.dtype, device=sample.device)
        if len(self.shared_pos):
            values = shared[..., self.shared_idx.to(shared.device)]
            out[:, self.shared_pos.to(out.device)] = values.expand(n_rows, -1).to(out.dtype)
        if len(self.sample_pos):
            out[:, self.sample_pos.to(out.device)] = sample[:, self.sample_idx.to(sample.device)]
        return out


def shift_rules(program: AngleProgram, slot_gates: list[str]) -> tuple[list, list]:
    """Per slot its parameter-shift terms (``None`` where no rule applies, e.g. amplitudes),
    split like the program's angles: ``(shared_rules, per_sample_rules)``."""
    from qml.sim.gradients import SHIFT_RULES

    shared: list = [None] * program.n_shared
    sample: list = [None] * program.n_per_sample
    for k, ref in enumerate(program.refs):
        (sample if ref.per_sample else shared)[ref.index] = SHIFT_RULES.get(slot_gates[k])
    return shared, sample


def needs_grad(inputs, weights) -> bool:
    """Whether autograd will ask for gradients of this call."""
    return torch.is_grad_enabled() and (
        any(w.requires_grad for w in weights.values())
        or (inputs is not None and inputs.requires_grad)
    )


def differentiable_rows(evaluate, shared, sample, *, rules, diff_method: str, grad: bool,
                        generator, spsa_eps: float, row_bytes: int) -> torch.Tensor:  # fmt: skip
    """``evaluate(shared, sample)`` with the gradient method of a backend that evaluates rows:
    SPSA, else the shift rules (when a gradient is wanted), else a plain evaluation."""
    from qml.sim.gradients import shift_expvals, spsa_expvals

    if not grad or shared.numel() + sample.shape[1] == 0:
        return evaluate(shared, sample)
    if diff_method == "spsa":
        return spsa_expvals(shared, sample, evaluate, eps=spsa_eps, generator=generator)
    return shift_expvals(shared, sample, evaluate, rules, row_bytes=row_bytes)
