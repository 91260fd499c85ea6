"""Slot rows: one free angle per gate parameter, for backends that take angle rows.

A backend that cannot differentiate the circuit itself (a PennyLane device without backprop,
Qiskit Aer, IBM hardware) runs the *slot circuit* (:meth:`~qml.Circuit.angles_as_inputs`): the
same gates, each parameter replaced by its own input ``s[k]`` in the order of
:class:`~qml.sim.angles.AngleProgram`'s slots. The angle program (differentiable) produces the
slot angles; the shift rules of :mod:`qml.sim.gradients` perturb them; the backend only ever
evaluates rows of angles, all rows of a call in one execution
(:class:`~qml.backends.rows.RowExecutable`).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from qml.sim.angles import AngleProgram
from qml.sim.schedule import ShiftRule

__all__ = [
    "SlotRows",
    "shift_rules",
    "needs_grad",
]


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


def shift_rules(
    program: AngleProgram, slot_rules: Sequence[ShiftRule | None]
) -> tuple[list[ShiftRule | None], list[ShiftRule | None]]:
    """The schedule's per-slot parameter-shift rules (``None`` where none applies, e.g.
    amplitudes) split like the program's angles: ``(shared_rules, per_sample_rules)``."""
    shared: list[ShiftRule | None] = [None] * program.n_shared
    sample: list[ShiftRule | None] = [None] * program.n_per_sample
    for k, ref in enumerate(program.refs):
        (sample if ref.per_sample else shared)[ref.index] = slot_rules[k]
    return shared, sample


def needs_grad(inputs, weights) -> bool:
    """Whether autograd will ask for gradients of this call."""
    return torch.is_grad_enabled() and (
        any(w.requires_grad for w in weights.values())
        or (inputs is not None and inputs.requires_grad)
    )
