"""The angle program: every gate angle of a circuit, for the whole batch, in a few tensor ops.

Each gate parameter occurrence (and each amplitude-embedding feature) is a *slot*. A slot whose
expression uses no input is *shared* by the batch; one that uses inputs is *per-sample*.
``AngleProgram.evaluate`` returns

- ``shared: (A_s,)`` real angles, one per shared slot, and
- ``per_sample: (B, A_p)`` real angles, one column per per-sample slot,

computing every affine slot (``a * leaf + b``, which covers plain inputs and weights) with one
gather per kind and evaluating the others expression by expression.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit
from qml.expr import Add, Const, Expr, Input, Mul, Weight

__all__ = ["AngleProgram", "SlotRef"]


@dataclass(frozen=True)
class SlotRef:
    """Where a slot's value lives: ``shared[index]`` or ``per_sample[:, index]``."""

    per_sample: bool
    index: int


@dataclass(frozen=True)
class _SlotPart:
    """One side's slots (shared or per-sample) as evaluated together: the affine slots
    ``scale * leaf[idx] + offset`` in one gather, then the constants, then the general
    expressions one by one; ``inverse`` puts the results back in slot order (``None``: they
    already are)."""

    idx: torch.Tensor  # (n_affine,) int64 leaf indices
    scale: torch.Tensor  # (n_affine,) float64
    offset: torch.Tensor  # (n_affine,) float64
    consts: torch.Tensor  # (n_const,) float64
    general: list[Expr]
    inverse: torch.Tensor | None


def _affine(e: Expr) -> tuple[float, Input | Weight | None, float] | None:
    """``e`` as ``scale * leaf + offset``, or ``None`` if it is not of that form."""
    if isinstance(e, Const):
        return 0.0, None, e.value
    if isinstance(e, Input | Weight):
        return 1.0, e, 0.0
    if isinstance(e, Mul) and isinstance(e.left, Const):
        inner = _affine(e.right)
        if inner is None:
            return None
        return e.left.value * inner[0], inner[1], e.left.value * inner[2]
    if isinstance(e, Add):
        a, b = _affine(e.left), _affine(e.right)
        if a is None or b is None:
            return None
        if a[1] is not None and b[1] is not None:
            return None
        leaf = a[1] if a[1] is not None else b[1]
        scale = a[0] if a[1] is not None else b[0]
        return scale, leaf, a[2] + b[2]
    return None


class AngleProgram:
    """Vectorised evaluation of a list of slot expressions (see module docstring)."""

    def __init__(self, circuit: Circuit, exprs: Sequence[Expr]):
        self.input_offsets: dict[str, int] = {}
        start = 0
        for name, size in circuit.input_shapes.items():
            self.input_offsets[name] = start
            start += size
        self.weight_offsets: dict[str, int] = {}
        start = 0
        for name, shape in circuit.weight_shapes.items():
            self.weight_offsets[name] = start
            start += _numel(shape)
        self.weight_names = list(circuit.weight_shapes)

        self.refs: list[SlotRef] = []
        shared: list[Expr] = []
        per_sample: list[Expr] = []
        for e in exprs:
            if e.depends_on_inputs:
                self.refs.append(SlotRef(True, len(per_sample)))
                per_sample.append(e)
            else:
                self.refs.append(SlotRef(False, len(shared)))
                shared.append(e)
        self.n_shared = len(shared)
        self.n_per_sample = len(per_sample)
        # per slot, what it depends on: "inputs" and/or weight names
        self._deps = {
            False: [_deps(e) for e in shared],
            True: [_deps(e) for e in per_sample],
        }
        self._shared = self._split(shared, inputs=False)
        self._per_sample = self._split(per_sample, inputs=True)

    def _split(self, exprs: list[Expr], *, inputs: bool) -> _SlotPart:
        """Affine slots as (positions, leaf indices, scales, offsets); the rest individually."""
        pos, idx, scale, offset = [], [], [], []
        const_pos, const_val = [], []
        general_pos, general = [], []
        for i, e in enumerate(exprs):
            aff = _affine(e)
            if aff is not None and aff[1] is None:
                const_pos.append(i)
                const_val.append(aff[2])
            elif aff is not None and isinstance(aff[1], Input) == inputs:
                s, leaf, off = aff
                assert leaf is not None
                pos.append(i)
                idx.append(self._leaf_index(leaf))
                scale.append(s)
                offset.append(off)
            else:
                general_pos.append(i)
                general.append(e)
        order = pos + const_pos + general_pos
        inverse = [0] * len(order)
        for k, i in enumerate(order):
            inverse[i] = k
        return _SlotPart(
            idx=torch.tensor(idx, dtype=torch.long),
            scale=torch.tensor(scale, dtype=torch.float64),
            offset=torch.tensor(offset, dtype=torch.float64),
            consts=torch.tensor(const_val, dtype=torch.float64),
            general=general,
            inverse=None if order == list(range(len(order))) else torch.tensor(inverse),
        )

    def _leaf_index(self, leaf: Input | Weight) -> int:
        if isinstance(leaf, Input):
            return self.input_offsets[leaf.name] + leaf.index
        return self.weight_offsets[leaf.name] + leaf.flat

    def evaluate(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        batch: int,
        real: torch.dtype,
        device: torch.device,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(shared (A_s,), per_sample (B, A_p))`` angles in dtype ``real`` on ``device``."""
        flat_w = [weights[n].reshape(-1) for n in self.weight_names]
        wvec = (torch.cat(flat_w) if flat_w else torch.zeros(0)).to(device=device, dtype=real)
        x = inputs.to(device=device, dtype=real) if inputs is not None else None
        cols = {}
        if x is not None:
            sizes = self._input_sizes(x)
            cols = {
                name: x[:, o : o + size]
                for (name, o), size in zip(self.input_offsets.items(), sizes, strict=True)
            }
        wdict = {n: wvec[o : o + weights[n].numel()] for n, o in self.weight_offsets.items()}
        shared = self._run(
            self._shared, wvec, cols, wdict, per_sample=False, batch=batch, real=real, device=device
        )
        if x is None:
            x = torch.zeros((batch, 0), dtype=real, device=device)
        per_sample = self._run(
            self._per_sample, x, cols, wdict, per_sample=True, batch=batch, real=real, device=device
        )
        return shared, per_sample

    def wanted(
        self, inputs: torch.Tensor | None, weights: Mapping[str, torch.Tensor]
    ) -> tuple[list[bool], list[bool]]:
        """Per slot, whether a gradient is asked of it: it uses an input that requires grad,
        or a weight that does. ``(shared (A_s,), per_sample (A_p,))`` lists of bools."""
        live = {name for name, w in weights.items() if w.requires_grad}
        if inputs is not None and inputs.requires_grad:
            live.add(_INPUTS)
        return (
            [bool(d & live) for d in self._deps[False]],
            [bool(d & live) for d in self._deps[True]],
        )

    def _input_sizes(self, x: torch.Tensor) -> list[int]:
        offsets = list(self.input_offsets.values()) + [x.shape[1]]
        return [offsets[i + 1] - offsets[i] for i in range(len(offsets) - 1)]

    @staticmethod
    def _run(part: _SlotPart, source, cols, wdict, *, per_sample, batch, real, device):
        pieces = []
        if len(part.idx):
            scale = part.scale.to(device=device, dtype=real)
            offset = part.offset.to(device=device, dtype=real)
            idx = part.idx.to(device)
            leaves = source[:, idx] if per_sample else source[idx]
            pieces.append(leaves * scale + offset)
        if len(part.consts):
            consts = part.consts.to(device=device, dtype=real)
            pieces.append(consts.expand(batch, -1) if per_sample else consts)
        for e in part.general:
            value = torch.as_tensor(e.evaluate(cols, wdict), dtype=real, device=device)
            if per_sample:
                value = value.expand(batch)
            pieces.append(value.unsqueeze(-1))
        if not pieces:
            shape = (batch, 0) if per_sample else (0,)
            return torch.zeros(shape, dtype=real, device=device)
        out = torch.cat(pieces, dim=-1) if len(pieces) > 1 else pieces[0]
        if part.inverse is not None:
            out = out.index_select(-1, part.inverse.to(device))
        return out


_INPUTS = "\x00inputs"  # stands for every input (inputs are one tensor); not a weight name


def _deps(e: Expr) -> frozenset[str]:
    return frozenset(_INPUTS if isinstance(leaf, Input) else leaf.name for leaf in e.leaves())


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
