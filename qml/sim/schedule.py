"""Compile-time scheduling: gate fusion and grouping into few, large kernels.

The circuit's gates become a list of *groups*, each applied to the state in one pass:

- ``f1``: runs of single-qubit gates fused per wire into one 2x2 block; blocks on distinct wires
  are applied together as Kronecker products over contiguous chunks of wires;
- ``perm``: fixed permutation gates (CNOT, SWAP, Toffoli: ladders, rings, SWAP networks)
  composed into one index permutation of the basis;
- ``diag``: diagonal gates (CZ, RZZ, CRZ, CPHASE) multiplied into one diagonal;
- ``dense``: any other multi-qubit gate, applied as its own matrix.

A gate joins the latest group of its class if it commutes with every group after that one
(it touches none of their wires); single-qubit gates wait (per wire) until a multi-qubit gate
touches their wire, so they fuse as far as the circuit allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qml.circuit import Circuit, StatePrep
from qml.gates import GateSpec

__all__ = ["GateRef", "Group", "Schedule", "build_schedule", "PERM_GATES", "perm_index"]

PERM_GATES = ("cnot", "swap", "ccx")


@dataclass(frozen=True)
class GateRef:
    """One gate occurrence: its spec, wires and the angle slots of its parameters."""

    spec: GateSpec
    wires: tuple[int, ...]
    slots: tuple[int, ...]


@dataclass
class Group:
    """Gates applied in one pass; ``items`` are GateRefs, or (wire, [GateRef]) blocks for f1."""

    kind: str  # "f1" | "perm" | "diag" | "dense"
    wires: set[int] = field(default_factory=set)
    items: list = field(default_factory=list)


@dataclass
class Schedule:
    n_qubits: int
    prep: StatePrep | None
    prep_slots: tuple[int, ...]
    groups: list[Group]
    slot_exprs: list  # Expr per slot, in slot order
    slot_gate: list[str]  # gate name per slot ("amplitude" for prep features)


def _kind(spec: GateSpec) -> str:
    if spec.num_wires == 1:
        return "f1"
    if spec.name in PERM_GATES:
        return "perm"
    if spec.diagonal:
        return "diag"
    return "dense"


def build_schedule(circuit: Circuit) -> Schedule:
    """Group the gates of ``circuit`` (see module docstring)."""
    n = circuit.n_qubits
    slot_exprs: list = []
    slot_gate: list[str] = []
    prep: StatePrep | None = None
    prep_slots: tuple[int, ...] = ()
    groups: list[Group] = []
    pending: dict[int, list[GateRef]] = {w: [] for w in range(n)}

    def place(kind: str, wires: set[int], item) -> None:
        if kind != "dense":
            for g in reversed(groups):
                if g.kind == kind:
                    g.items.append(item)
                    g.wires |= wires
                    return
                if g.wires & wires:
                    break
        groups.append(Group(kind, set(wires), [item]))

    def flush(w: int) -> None:
        if pending[w]:
            place("f1", {w}, (w, pending[w]))
            pending[w] = []

    for op in circuit:
        start = len(slot_exprs)
        slot_exprs.extend(op.params)
        slot_gate.extend([op.name] * len(op.params))
        slots = tuple(range(start, len(slot_exprs)))
        if isinstance(op, StatePrep):
            prep, prep_slots = op, slots
            continue
        ref = GateRef(op.spec, op.wires, slots)
        kind = _kind(op.spec)
        if kind == "f1":
            pending[op.wires[0]].append(ref)
            continue
        for w in op.wires:
            flush(w)
        place(kind, set(op.wires), ref)
    for w in range(n):
        flush(w)
    return Schedule(n, prep, prep_slots, groups, slot_exprs, slot_gate)


def perm_index(n: int, gates: list[GateRef]) -> np.ndarray:
    """Index ``idx`` with ``new_state[j] = old_state[idx[j]]`` after applying ``gates`` in order.

    Returns:
        ``(2**n,)`` int64.
    """
    idx = np.arange(2**n, dtype=np.int64)
    for ref in reversed(gates):  # new[j] = old[f1(f2(...fm(j)))]: apply fm first
        bits = [1 << (n - 1 - w) for w in ref.wires]
        if ref.spec.name == "cnot":
            c, t = bits
            idx = np.where(idx & c, idx ^ t, idx)
        elif ref.spec.name == "ccx":
            c0, c1, t = bits
            idx = np.where(((idx & c0) != 0) & ((idx & c1) != 0), idx ^ t, idx)
        elif ref.spec.name == "swap":
            a, b = bits
            differ = ((idx & a) != 0) != ((idx & b) != 0)
            idx = np.where(differ, idx ^ (a | b), idx)
        else:  # pragma: no cover - PERM_GATES lists the cases above
            raise AssertionError(ref.spec.name)
    return idx
