"""The kinds of gate group a compiled plan applies, one class each.

:func:`~qml.sim.schedule.build_schedule` turns a circuit into a list of groups; the compiled
plan (:mod:`qml.sim.compiled`) lays each out once and builds the matrices every call
(:class:`Tables`). A group then knows how to

- ``apply`` itself (or its inverse) to a flat state ``(B, 2**n * tail)``,
- ``adjoint_step``: un-compute itself from the state and the adjoint vector of the adjoint
  sweep, returning the cotangents of the matrices it used,
- count its full-state ``passes`` (and those whose input backprop keeps).

Kinds:

- :class:`SingleQubitGroup`: runs of single-qubit gates fused per wire into one 2x2
  :class:`Block`; blocks on contiguous wires applied together as Kronecker :class:`Chunk` s;
- :class:`PermutationGroup`: gates that only permute basis states (CNOT, SWAP, Toffoli: any row
  with ``GateSpec.permutation``) as index gathers or slicing;
- :class:`DiagonalGroup`: diagonal gates multiplied into one diagonal;
- :class:`DenseGroup`: one other multi-qubit gate, applied as its matrix.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import torch

from qml.gates import GateSpec, gate_matrix
from qml.sim.angles import SlotRef
from qml.sim.kernels import (
    apply_contiguous,
    chunk_cotangent,
    flip_gate,
    matrix_cotangent,
    permute_window,
)
from qml.sim.statevector import apply_matrix, diagonal_factor

__all__ = [
    "GateRef",
    "Block",
    "Chunk",
    "Tables",
    "Group",
    "SingleQubitGroup",
    "PermutationGroup",
    "DiagonalGroup",
    "DenseGroup",
    "IndexGather",
    "SlicedGate",
    "Cotangents",
]

# (matrix, cotangent) pairs of an adjoint step: the angles' gradient is the vector-Jacobian
# product of every matrix with its cotangent
Cotangents = list[tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class GateRef:
    """One gate occurrence: its spec, wires and the angle slots of its parameters."""

    spec: GateSpec
    wires: tuple[int, ...]
    slots: tuple[int, ...]


@dataclass(frozen=True)
class Block:
    """The single-qubit gates of a group on one wire, fused into one 2x2 matrix."""

    wire: int
    gates: tuple[GateRef, ...]


@dataclass(frozen=True)
class Chunk:
    """Blocks on contiguous ``wires`` applied as one Kronecker product; its matrix is
    ``Tables.chunks[table][..., row, :, :]``."""

    wires: tuple[int, ...]
    table: int
    row: int


@dataclass(frozen=True)
class Tables:
    """Every matrix a run needs, built from the angles (differentiable).

    Attributes:
        blocks_shared: fused blocks shared by the batch, ``(nbs, 2, 2)`` or ``(R, nbs, 2, 2)``.
        blocks_sample: per-sample fused blocks, ``(B, nbp, 2, 2)``.
        angles_shared: ``(A_s,)`` or ``(R, A_s)`` slot angles.
        angles_sample: ``(B, A_p)`` slot angles.
        chunks: per chunk table, ``(N, d, d)``, ``(R, N, d, d)`` or ``(B, N, d, d)``.
        refs: where each slot's angle lives (the angle program's slot refs).
        dtype: the complex dtype of the matrices.
    """

    blocks_shared: torch.Tensor
    blocks_sample: torch.Tensor
    angles_shared: torch.Tensor
    angles_sample: torch.Tensor
    chunks: list[torch.Tensor]
    refs: Sequence[SlotRef]
    dtype: torch.dtype

    def chunk(self, c: Chunk) -> torch.Tensor:
        """A chunk's Kronecker product: ``(d, d)`` or ``(B, d, d)``."""
        return self.chunks[c.table][..., c.row, :, :]

    def gate_angles(self, ref: GateRef) -> list[torch.Tensor]:
        """Angles of one gate: 0-dim (shared) or ``(B,)`` each."""
        out = []
        for s in ref.slots:
            r = self.refs[s]
            if r.per_sample:
                out.append(self.angles_sample[:, r.index])
            else:
                out.append(self.angles_shared[..., r.index])
        return out

    def gate_matrix(self, ref: GateRef) -> torch.Tensor:
        """One gate's matrix: ``(d, d)`` or ``(B, d, d)``."""
        return gate_matrix(
            ref.spec, self.gate_angles(ref), dtype=self.dtype, device=self.angles_sample.device
        )


def _dagger(m: torch.Tensor) -> torch.Tensor:
    return m.conj().transpose(-1, -2)


def _per_batch(cot: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """A ``(B, d, d)`` cotangent summed over the batch when the matrix is shared ``(d, d)``."""
    return cot if m.dim() == 3 else cot.sum(0)


class Group(ABC):
    """Gates applied to the state together (see module docstring)."""

    mergeable: ClassVar[bool] = True  # later gates of this kind may join the group
    wires: set[int]

    @classmethod
    @abstractmethod
    def of(cls, item: Any) -> Self:
        """A group holding ``item`` alone (a :class:`Block`, or a :class:`GateRef`)."""

    def add(self, item: Any) -> None:
        """``item`` joins the group (kinds with ``mergeable`` set)."""
        raise TypeError(f"{type(self).__name__} holds one gate")

    @property
    @abstractmethod
    def gates(self) -> list[GateRef]:
        """The group's gates, in circuit order per wire."""

    def batch_independent(self, refs: Sequence[SlotRef]) -> bool:
        """No angle of the group depends on the inputs (one matrix for the whole batch)."""
        return not any(refs[s].per_sample for ref in self.gates for s in ref.slots)

    @abstractmethod
    def passes(self) -> int:
        """Full-state passes of one application."""

    def saving_passes(self) -> int:
        """Passes whose input state autograd keeps for backprop."""
        return self.passes()

    @abstractmethod
    def apply(
        self, state: torch.Tensor, t: Tables, *, n: int, adjoint: bool = False, tail: int = 1
    ) -> torch.Tensor:
        """The group (or its inverse) applied to flat ``state: (B, 2**n * tail)``.

        ``tail`` elements follow each basis index: 1 for batch-first states, ``B`` for the
        batch-last layout (then ``state`` is ``(1, 2**n * B)`` and the group is shared).
        """

    @abstractmethod
    def adjoint_step(
        self, psi: torch.Tensor, lam: torch.Tensor, t: Tables, *, n: int
    ) -> tuple[torch.Tensor, torch.Tensor, Cotangents]:
        """One step of the adjoint sweep on flat ``(B, 2**n)`` states: ``psi <- G^dagger psi``,
        ``lam <- G^dagger lam``, and each matrix of ``G`` with its cotangent
        ``2 sum lam psi^dagger`` (``lam`` after, ``psi`` before the group)."""


@dataclass(eq=False)
class SingleQubitGroup(Group):
    """Fused single-qubit blocks on distinct wires, applied as Kronecker chunks."""

    wires: set[int]
    blocks: list[Block]
    chunks: list[Chunk] = field(default_factory=list)  # laid out by the compiled plan

    @classmethod
    def of(cls, item: Block) -> SingleQubitGroup:
        return cls({item.wire}, [item])

    @property
    def gates(self) -> list[GateRef]:
        return [ref for b in self.blocks for ref in b.gates]

    def add(self, block: Block) -> None:
        self.blocks.append(block)
        self.wires.add(block.wire)

    def passes(self) -> int:
        return len(self.chunks)

    def apply(
        self, state: torch.Tensor, t: Tables, *, n: int, adjoint: bool = False, tail: int = 1
    ) -> torch.Tensor:
        for c in self.chunks:
            k = t.chunk(c)
            if adjoint:
                k = _dagger(k)
            state = apply_contiguous(state, k, c.wires[0], len(c.wires), n, tail)
        return state

    def adjoint_step(
        self, psi: torch.Tensor, lam: torch.Tensor, t: Tables, *, n: int
    ) -> tuple[torch.Tensor, torch.Tensor, Cotangents]:
        pairs: Cotangents = []
        for c in reversed(self.chunks):
            k = t.chunk(c)
            kh = _dagger(k.detach())
            w0, nw = c.wires[0], len(c.wires)
            psi = apply_contiguous(psi, kh, w0, nw, n)
            pairs.append((k, _per_batch(2 * chunk_cotangent(lam, psi, w0, nw, n), k)))
            lam = apply_contiguous(lam, kh, w0, nw, n)
        return psi, lam, pairs


class IndexGather:
    """Permutation gates on wires ``lo..lo+k-1`` as one gather ``new = old[index]``."""

    def __init__(self, lo: int, index: np.ndarray, gates: Sequence[GateRef]):
        self.lo = lo
        self.index = index  # (2**k,) int64
        self.inverse = np.empty_like(index)
        self.inverse[index] = np.arange(index.size)
        self.gates = tuple(gates)
        self._on: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}

    @property
    def num_wires(self) -> int:
        return (self.index.size - 1).bit_length()

    @property
    def nbytes(self) -> int:
        """Bytes held by the forward and inverse index."""
        return self.index.nbytes + self.inverse.nbytes

    def apply(self, state: torch.Tensor, *, n: int, adjoint: bool, tail: int) -> torch.Tensor:
        key = str(state.device)
        if key not in self._on:
            self._on[key] = (
                torch.as_tensor(self.index, device=state.device),
                torch.as_tensor(self.inverse, device=state.device),
            )
        fwd, inv = self._on[key]
        if adjoint:
            fwd, inv = inv, fwd
        return permute_window(state, fwd, inv, self.lo, n, tail)


@dataclass(frozen=True)
class SlicedGate:
    """One permutation gate applied by slicing (no index)."""

    gate: GateRef

    def apply(self, state: torch.Tensor, *, n: int, adjoint: bool, tail: int) -> torch.Tensor:
        g = self.gate
        return flip_gate(state, g.spec, g.wires, n, tail, adjoint=adjoint)


@dataclass(eq=False)
class _GateList(Group):
    """A group of gates that later gates of the same kind may join."""

    wires: set[int]
    members: list[GateRef]

    @classmethod
    def of(cls, item: GateRef) -> Self:
        return cls(set(item.wires), [item])

    @property
    def gates(self) -> list[GateRef]:
        return self.members

    def add(self, ref: GateRef) -> None:
        self.members.append(ref)
        self.wires.update(ref.wires)


@dataclass(eq=False)
class PermutationGroup(_GateList):
    """Fixed permutation gates composed into gathers (one per window of wires) and slices."""

    pieces: list[IndexGather | SlicedGate] = field(default_factory=list)  # laid out by the plan

    def passes(self) -> int:
        return len(self.pieces)

    def saving_passes(self) -> int:
        return 0  # gathers keep only their index

    def index_bytes(self) -> int:
        return sum(p.nbytes for p in self.pieces if isinstance(p, IndexGather))

    def apply(
        self, state: torch.Tensor, t: Tables, *, n: int, adjoint: bool = False, tail: int = 1
    ) -> torch.Tensor:
        for piece in reversed(self.pieces) if adjoint else self.pieces:
            state = piece.apply(state, n=n, adjoint=adjoint, tail=tail)
        return state

    def adjoint_step(
        self, psi: torch.Tensor, lam: torch.Tensor, t: Tables, *, n: int
    ) -> tuple[torch.Tensor, torch.Tensor, Cotangents]:
        with torch.no_grad():
            psi = self.apply(psi, t, n=n, adjoint=True)
            lam = self.apply(lam, t, n=n, adjoint=True)
        return psi, lam, []


@dataclass(eq=False)
class DiagonalGroup(_GateList):
    """Diagonal gates multiplied into one diagonal, applied elementwise."""

    def passes(self) -> int:
        return 1

    def diagonal(self, t: Tables, *, n: int) -> torch.Tensor:
        """The group's diagonal, broadcastable to ``(B, 2, ..., 2)``."""
        acc: torch.Tensor | None = None
        for ref in self.members:
            d = torch.diagonal(t.gate_matrix(ref), dim1=-2, dim2=-1)
            factor = diagonal_factor(d, ref.wires, n)
            acc = factor if acc is None else acc * factor
        assert acc is not None
        return acc

    def apply(
        self, state: torch.Tensor, t: Tables, *, n: int, adjoint: bool = False, tail: int = 1
    ) -> torch.Tensor:
        batch = state.shape[0]
        d = self.diagonal(t, n=n)
        if adjoint:
            d = d.conj()
        shape = (batch,) + (2,) * n + (tail,)
        return (state.view(shape) * d[..., None]).reshape(batch, -1)

    def adjoint_step(
        self, psi: torch.Tensor, lam: torch.Tensor, t: Tables, *, n: int
    ) -> tuple[torch.Tensor, torch.Tensor, Cotangents]:
        batch = psi.shape[0]
        d = self.diagonal(t, n=n)
        dc = d.detach().conj()
        shape = (batch,) + (2,) * n
        psi = (psi.view(shape) * dc).reshape(batch, -1)
        cot = 2 * (lam.view(shape) * psi.view(shape).conj()).sum_to_size(d.shape)
        lam = (lam.view(shape) * dc).reshape(batch, -1)
        return psi, lam, [(d, cot)]


@dataclass(eq=False)
class DenseGroup(Group):
    """One multi-qubit gate that is neither a permutation nor diagonal, as its matrix."""

    mergeable: ClassVar[bool] = False
    wires: set[int]
    gate: GateRef

    @classmethod
    def of(cls, item: GateRef) -> DenseGroup:
        return cls(set(item.wires), item)

    @property
    def gates(self) -> list[GateRef]:
        return [self.gate]

    def passes(self) -> int:
        return 1

    def apply(
        self, state: torch.Tensor, t: Tables, *, n: int, adjoint: bool = False, tail: int = 1
    ) -> torch.Tensor:
        batch = state.shape[0]
        m = t.gate_matrix(self.gate)
        if adjoint:
            m = _dagger(m)
        shape = (batch,) + (2,) * n + (tail,)
        return apply_matrix(state.view(shape), m, self.gate.wires).reshape(batch, -1)

    def adjoint_step(
        self, psi: torch.Tensor, lam: torch.Tensor, t: Tables, *, n: int
    ) -> tuple[torch.Tensor, torch.Tensor, Cotangents]:
        batch = psi.shape[0]
        m = t.gate_matrix(self.gate)
        mh = _dagger(m.detach())
        shape = (batch,) + (2,) * n
        wires = self.gate.wires
        psi = apply_matrix(psi.view(shape), mh, wires).reshape(batch, -1)
        cot = _per_batch(2 * matrix_cotangent(lam, psi, wires, n), m)
        lam = apply_matrix(lam.view(shape), mh, wires).reshape(batch, -1)
        return psi, lam, [(m, cot)]
