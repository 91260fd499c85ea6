"""Compile-time scheduling: gate fusion and grouping into few, large kernels.

The circuit's gates become a list of groups (:mod:`qml.sim.groups`), each applied to the state
in one pass or a few:

- :class:`~qml.sim.groups.SingleQubitGroup`: runs of single-qubit gates fused per wire into one
  2x2 block; blocks on distinct wires are applied together as Kronecker products over
  contiguous chunks of wires;
- :class:`~qml.sim.groups.PermutationGroup`: fixed permutation gates (CNOT, SWAP, Toffoli:
  ladders, rings, SWAP networks) composed into one index permutation of the basis;
- :class:`~qml.sim.groups.DiagonalGroup`: diagonal gates (CZ, RZZ, CRZ, CPHASE) multiplied into
  one diagonal;
- :class:`~qml.sim.groups.DenseGroup`: any other multi-qubit gate, applied as its own matrix.

A gate joins the latest group of its kind if it commutes with every group after that one
(it touches none of their wires); single-qubit gates wait (per wire) until a multi-qubit gate
touches their wire, so they fuse as far as the circuit allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from qml.circuit import Circuit, StatePrep
from qml.expr import Expr
from qml.gates import GateSpec
from qml.sim.groups import (
    Block,
    DenseGroup,
    DiagonalGroup,
    GateRef,
    Group,
    PermutationGroup,
    SingleQubitGroup,
)

__all__ = ["Schedule", "ShiftRule", "build_schedule", "group_kind"]

ShiftRule = tuple[tuple[float, float], ...]


@dataclass
class Schedule:
    """A circuit's groups and its angle slots.

    Attributes:
        n_qubits: wires of the circuit.
        prep: the amplitude encoding that starts the circuit, if any.
        prep_slots: the slots of its features.
        groups: the gate groups in application order.
        slot_exprs: the expression of each slot, in slot order.
        slot_rule: the parameter-shift rule of each slot (``None`` for prep features).
    """

    n_qubits: int
    prep: StatePrep | None
    prep_slots: tuple[int, ...]
    groups: list[Group]
    slot_exprs: list[Expr]
    slot_rule: list[ShiftRule | None]


def group_kind(spec: GateSpec) -> type[Group]:
    """The group class a multi-qubit gate joins (single-qubit gates fuse into blocks)."""
    if spec.num_wires == 1:
        return SingleQubitGroup
    if spec.permutation is not None:
        return PermutationGroup
    if spec.diagonal:
        return DiagonalGroup
    return DenseGroup


def build_schedule(circuit: Circuit) -> Schedule:
    """Group the gates of ``circuit`` (see module docstring)."""
    n = circuit.n_qubits
    slot_exprs: list[Expr] = []
    slot_rule: list[ShiftRule | None] = []
    prep: StatePrep | None = None
    prep_slots: tuple[int, ...] = ()
    groups: list[Group] = []
    pending: dict[int, list[GateRef]] = {w: [] for w in range(n)}

    def join(kind: type[Group], wires: set[int]) -> Group | None:
        """The latest group of ``kind`` that every later group commutes past, if any."""
        if not kind.mergeable:
            return None
        for g in reversed(groups):
            if type(g) is kind:
                return g
            if g.wires & wires:
                return None
        return None

    def place(kind: type[Group], wires: set[int], item: GateRef | Block) -> None:
        g = join(kind, wires)
        if g is None:
            groups.append(kind.of(item))
        else:
            g.add(item)

    def flush(w: int) -> None:
        if pending[w]:
            place(SingleQubitGroup, {w}, Block(w, tuple(pending[w])))
            pending[w] = []

    for op in circuit:
        start = len(slot_exprs)
        slot_exprs.extend(op.params)
        slots = tuple(range(start, len(slot_exprs)))
        if isinstance(op, StatePrep):
            slot_rule.extend([None] * len(op.params))
            prep, prep_slots = op, slots
            continue
        slot_rule.extend([op.spec.shift_rule] * len(op.params))
        ref = GateRef(op.spec, op.wires, slots)
        kind = group_kind(op.spec)
        if kind is SingleQubitGroup:
            pending[op.wires[0]].append(ref)
            continue
        for w in op.wires:
            flush(w)
        place(kind, set(op.wires), ref)
    for w in range(n):
        flush(w)
    return Schedule(n, prep, prep_slots, groups, slot_exprs, slot_rule)
