"""The compiled execution plan of the native simulator.

``CompiledPlan(circuit, observables)`` schedules the gates once (:mod:`qml.sim.schedule`):
fused single-qubit blocks applied as Kronecker chunks, permutation groups as one index
gather, diagonal groups as one elementwise product. Each call then

1. evaluates every angle of the batch at once (:class:`~qml.sim.angles.AngleProgram`),
2. builds every gate matrix of one type in one vectorised call and multiplies each fused block
   in a batched chain,
3. starts from a product state when the first group is single-qubit (no pass over ``|0...0>``),
4. applies the groups, or, for a run of batch-independent groups on a batch larger than the
   state, the run's unitary built once and applied as one matmul (the cost model decides),
5. reads the observables (:class:`~qml.sim.observe.Measurement`).

Flat states are ``(B, 2**n)`` complex; wire 0 is the most significant bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from qml.circuit import Circuit
from qml.gates import GATES, gate_matrix
from qml.observables import Observable
from qml.sim.angles import AngleProgram
from qml.sim.observe import Measurement
from qml.sim.plan import amplitude_state
from qml.sim.schedule import GateRef, Group, build_schedule, perm_index
from qml.sim.statevector import apply_matrix

__all__ = ["CompiledPlan", "Tables"]

# Single-qubit blocks are applied as Kronecker products over chunks of contiguous wires. A
# chunk of k wires costs 2**k complex multiply-adds per amplitude in one pass: on registers that
# live in cache (few qubits) passes are cheap and the fewest, largest chunks win; on registers
# that stream from memory, 2-wire chunks balance arithmetic against passes (see
# docs/performance.md for the measurement).
CHUNK_QUBITS_SMALL = 4
CHUNK_QUBITS_LARGE = 2
LARGE_REGISTER_QUBITS = 16
BATCH_LAST_MIN = 16  # batches at least this large run shared groups in the batch-last layout
GLOBAL_PERM_MAX_QUBITS = 14  # up to here a permutation group is one gather over 2**n indices
PERM_WINDOW_QUBITS = 8  # above, gates are gathered in windows of <= 8 contiguous wires
UNITARY_MAX_QUBITS = 12  # largest register for which a run's unitary may be built
KERNEL_OVERHEAD_AMPLITUDES = 4096  # one kernel launch costs about this many amplitude updates


class _Permute(torch.autograd.Function):
    """Gather the 2**k basis states of wires ``lo..lo+k-1``; backward is the inverse gather."""

    @staticmethod
    def forward(ctx, state, idx, inv, lo, n, tail=1):
        ctx.save_for_backward(inv)
        ctx.lo, ctx.n, ctx.tail = lo, n, tail
        return _gather_window(state, idx, lo, n, tail)

    @staticmethod
    def backward(ctx, grad):
        (inv,) = ctx.saved_tensors
        return _gather_window(grad, inv, ctx.lo, ctx.n, ctx.tail), None, None, None, None, None


GATHER_ROW_MIN = 8  # rows at least this long are copied whole (index_select), else gathered


def _gather_window(
    state: torch.Tensor, idx: torch.Tensor, lo: int, n: int, tail: int = 1
) -> torch.Tensor:
    """``new[.., j, ..] = old[.., idx[j], ..]`` over the 2**k states of wires ``lo..lo+k-1``."""
    batch = state.shape[0]
    k = (idx.numel() - 1).bit_length()
    rows = 2 ** (n - lo - k) * tail
    view = state.view(batch * 2**lo, 2**k, rows)
    if rows >= GATHER_ROW_MIN:
        return view.index_select(1, idx).reshape(batch, -1)
    # element gathers: torch.gather with a broadcast (stride-0) index is several times faster
    # than index_select on complex data and needs no index copy
    index = idx[None, :, None].expand(view.shape)
    return torch.gather(view, 1, index).reshape(batch, -1)


def _flip_gate(
    state: torch.Tensor, name: str, wires: tuple[int, ...], n: int, tail: int = 1
) -> torch.Tensor:
    """A CNOT, SWAP or Toffoli by slicing (one copy of the state, no index)."""
    batch = state.shape[0]
    view = state.view((batch,) + (2,) * n + (tail,))
    if name == "swap":
        a, b = wires
        return view.transpose(a + 1, b + 1).reshape(batch, -1)
    *controls, target = wires
    top = controls[0]
    rest = list(controls[1:])

    def flip(v: torch.Tensor, ctrls: list[int], removed: list[int]) -> torch.Tensor:
        def axis(w: int) -> int:
            return w + 1 - sum(1 for r in removed if r < w)

        if not ctrls:
            return v.flip(axis(target))
        c = ctrls[0]
        return torch.stack(
            [v.select(axis(c), 0), flip(v.select(axis(c), 1), ctrls[1:], removed + [c])],
            dim=axis(c),
        )

    out = torch.stack([view.select(top + 1, 0), flip(view.select(top + 1, 1), rest, [top])],
                      dim=top + 1)  # fmt: skip
    return out.reshape(batch, -1)


@dataclass
class Tables:
    """Every matrix a run needs, built from the angles (differentiable)."""

    blocks_shared: torch.Tensor  # (nbs, 2, 2) or (R, nbs, 2, 2)
    blocks_sample: torch.Tensor  # (B, nbp, 2, 2)
    angles_shared: torch.Tensor
    angles_sample: torch.Tensor
    chunks: list[torch.Tensor]  # per chunk table: (N, d, d), (R, N, d, d) or (B, N, d, d)


class CompiledPlan:
    """See module docstring. ``run`` gives states, ``expvals`` expectations."""

    def __init__(self, circuit: Circuit, observables: Sequence[Observable]):
        self.circuit = circuit
        self.n = n = circuit.n_qubits
        self.schedule = sched = build_schedule(circuit)
        self.program = AngleProgram(circuit, sched.slot_exprs)
        self.measure = Measurement(n, observables)
        refs = self.program.refs

        # -- single-qubit occurrences, grouped by gate name, shared vs per-sample ------------
        blocks: list[tuple[int, list[GateRef]]] = [
            item for g in sched.groups if g.kind == "f1" for item in g.items
        ]
        occ_sample = {}
        by_name: dict[tuple[bool, str], list[GateRef]] = {}
        for _, gates in blocks:
            for ref in gates:
                ps = any(refs[s].per_sample for s in ref.slots)
                occ_sample[id(ref)] = ps
                by_name.setdefault((ps, ref.spec.name), []).append(ref)
        self._occ_rows: dict[int, int] = {}  # id(ref) -> row in its table
        self._gate_batches: list[tuple[bool, str, list[GateRef], list]] = []
        counts = {False: 0, True: 0}
        for (ps, name), gates in sorted(by_name.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            spec = GATES[name]
            gathers = [
                _gather_plan([refs[r.slots[p]] for r in gates]) for p in range(spec.num_params)
            ]
            self._gate_batches.append((ps, name, gates, gathers))
            for ref in gates:
                self._occ_rows[id(ref)] = counts[ps]
                counts[ps] += 1
        self.n_occ_shared = counts[False]

        # -- fused blocks: batched chains of equal length --------------------------------------
        self._block_loc: dict[tuple[int, int], tuple[bool, int]] = {}  # (group, wire) -> loc
        chains: dict[tuple[bool, int], list[tuple[int, int, list[int]]]] = {}
        for gi, g in enumerate(sched.groups):
            if g.kind != "f1":
                continue
            for w, gates in g.items:
                ps = any(occ_sample[id(r)] for r in gates)
                rows = [
                    self._occ_rows[id(r)] + (self.n_occ_shared if ps and occ_sample[id(r)] else 0)
                    for r in gates
                ]
                chains.setdefault((ps, len(gates)), []).append((gi, w, rows))
        self._chains: list[tuple[bool, bool, torch.Tensor]] = []
        counts = {False: 0, True: 0}
        for (ps, _length), members in sorted(chains.items()):
            table = torch.tensor([m[2] for m in members], dtype=torch.long).T.contiguous()
            # (length, n_blocks) rows into the gate table; a per-sample chain made only of
            # per-sample gates indexes the per-sample table alone (no batch copy of the rest)
            pure = ps and bool((table >= self.n_occ_shared).all())
            if pure:
                table = table - self.n_occ_shared
            self._chains.append((ps, pure, table))
            for gi, w, _ in members:
                self._block_loc[(gi, w)] = (ps, counts[ps])
                counts[ps] += 1
        n_blocks_shared = counts[False]

        # -- per group: chunks, permutation indices ------------------------------------------
        self._chunks: dict[int, list[tuple[int, list[int]]]] = {}
        self._perm: dict[int, list] = {}
        for gi, g in enumerate(sched.groups):
            if g.kind == "f1":
                size = CHUNK_QUBITS_LARGE if n >= LARGE_REGISTER_QUBITS else CHUNK_QUBITS_SMALL
                self._chunks[gi] = _chunks(sorted(g.wires), size)
            elif g.kind == "perm":
                self._perm[gi] = _perm_pieces(n, g.items)
        self._prep_gather = _gather_plan([refs[s] for s in sched.prep_slots])
        self.product_start = (
            sched.prep is None and bool(sched.groups) and (sched.groups[0].kind == "f1")
        )
        # -- chunk matrices: every chunk of one size and kind built in one batched product ------
        by_key: dict[tuple[bool, int], list[tuple[tuple[int, int], list[int]]]] = {}
        for gi, chunks in self._chunks.items():
            if gi == 0 and self.product_start:
                continue
            for w0, wires in chunks:
                locs = [self._block_loc[(gi, w)] for w in wires]
                ps = any(loc[0] for loc in locs)
                rows = [loc[1] + (n_blocks_shared if ps and loc[0] else 0) for loc in locs]
                by_key.setdefault((ps, len(wires)), []).append(((gi, w0), rows))
        self._chunk_tables: list[tuple[bool, bool, torch.Tensor]] = []
        self._chunk_loc: dict[tuple[int, int], tuple[int, int]] = {}
        for (ps, _k), in_table in sorted(by_key.items()):
            self._chunk_loc.update(
                {key: (len(self._chunk_tables), row) for row, (key, _) in enumerate(in_table)}
            )
            index = torch.tensor([rows for _, rows in in_table], dtype=torch.long)
            pure = ps and bool((index >= n_blocks_shared).all())
            if pure:
                index = index - n_blocks_shared
            self._chunk_tables.append((ps, pure, index))
        self._shared_group = [self._is_shared(gi, g) for gi, g in enumerate(sched.groups)]
        self._device_cache: dict = {}

    # -- structure queries -------------------------------------------------------------------
    def _is_shared(self, gi: int, g: Group) -> bool:
        refs = self.program.refs
        if g.kind == "f1":
            return not any(self._block_loc[(gi, w)][0] for w, _ in g.items)
        if g.kind == "perm":
            return True
        return not any(refs[s].per_sample for ref in g.items for s in ref.slots)

    def passes(self) -> int:
        """Full-state passes of one forward run (each chunk, perm, diag, dense group: one)."""
        count = 0
        for gi, g in enumerate(self.schedule.groups):
            if gi == 0 and self.product_start:
                count += 1
            elif g.kind == "f1":
                count += len(self._chunks[gi])
            elif g.kind == "perm":
                count += len(self._perm[gi])
            else:
                count += 1
        return count

    def saving_passes(self) -> int:
        """Passes whose input autograd keeps for backprop (GEMMs and products, not gathers)."""
        count = 0
        for gi, g in enumerate(self.schedule.groups):
            if gi == 0 and self.product_start:
                continue
            if g.kind == "f1":
                count += len(self._chunks[gi])
            elif g.kind != "perm":
                count += 1
        return count

    def _indices(self, device) -> dict:
        """Per permutation group, its pieces with index tensors on ``device``."""
        key = str(device)
        if key not in self._device_cache:
            self._device_cache[key] = {
                gi: [
                    piece if piece[0] == "gate" else
                    (piece[0], piece[1], torch.as_tensor(piece[2], device=device),
                     torch.as_tensor(piece[3], device=device), piece[4])
                    for piece in pieces
                ]
                for gi, pieces in self._perm.items()
            }  # fmt: skip
        return self._device_cache[key]

    def index_bytes(self) -> int:
        """Bytes held by the permutation indices (forward and inverse)."""
        return sum(p[2].nbytes * 2 for ps in self._perm.values() for p in ps if p[0] == "index")

    # -- matrices ----------------------------------------------------------------------------
    def tables(self, shared: torch.Tensor, sample: torch.Tensor, *, dtype) -> Tables:
        """Gate and fused-block matrices from the angles.

        Args:
            shared: ``(A_s,)`` angles, or ``(R, A_s)`` to give every row its own.
            sample: ``(B, A_p)`` angles (``B == R`` in the row-wise case).
        """
        batch = sample.shape[0]
        rowwise = shared.dim() == 2
        tabs: dict[bool, list[torch.Tensor]] = {False: [], True: []}
        for ps, name, gates, gathers in self._gate_batches:
            spec = GATES[name]
            if spec.num_params == 0:
                m = spec.matrix([], dtype).to(sample.device)
                lead = (batch,) if (ps or rowwise) else ()
                tabs[ps].append(m.expand(lead + (len(gates), 2, 2)))
                continue
            angles = [self._gather(plan, shared, sample, ps or rowwise) for plan in gathers]
            if name in _PAULI_OF:
                tabs[ps].append(_rotation(angles[0], _PAULI_OF[name], dtype))
            else:
                tabs[ps].append(spec.matrix(angles, dtype))
        t_shared = _cat(tabs[False], dim=-3, empty=(0, 2, 2), dtype=dtype, like=sample)
        t_sample = _cat(tabs[True], dim=-3, empty=(batch, 0, 2, 2), dtype=dtype, like=sample)
        combined = None
        out: dict[bool, list[torch.Tensor]] = {False: [], True: []}
        for ps, pure, rows in self._chains:
            if pure:
                table = t_sample
            elif ps:
                if combined is None:
                    base = t_shared if rowwise else t_shared.expand((batch,) + t_shared.shape)
                    combined = torch.cat([base, t_sample], dim=-3)
                table = combined
            else:
                table = t_shared
            rows = rows.to(sample.device)
            m = table.index_select(-3, rows[0])
            for j in range(1, rows.shape[0]):
                m = table.index_select(-3, rows[j]) @ m
            out[ps].append(m)
        lead_s = (batch,) if rowwise else ()
        blocks_shared = _cat(out[False], dim=-3, empty=lead_s + (0, 2, 2), dtype=dtype, like=sample)
        blocks_sample = _cat(out[True], dim=-3, empty=(batch, 0, 2, 2), dtype=dtype, like=sample)
        chunks = []
        both = None
        for ps, pure, index in self._chunk_tables:
            if pure:
                src = blocks_sample
            elif ps:
                if both is None:
                    base = blocks_shared
                    if not rowwise:
                        base = base.expand((batch,) + base.shape)
                    both = torch.cat([base, blocks_sample], dim=-3)
                src = both
            else:
                src = blocks_shared
            m = src.index_select(-3, index.to(sample.device).reshape(-1))
            m = m.reshape(m.shape[:-3] + index.shape + (2, 2))  # (..., N, k, 2, 2)
            chunks.append(_kron_reduce(m))
        return Tables(blocks_shared, blocks_sample, shared, sample, chunks)

    def block(self, t: Tables, gi: int, w: int) -> torch.Tensor:
        """Fused 2x2 block of group ``gi`` on wire ``w``: ``(2, 2)`` or ``(B, 2, 2)``."""
        ps, i = self._block_loc[(gi, w)]
        return t.blocks_sample[:, i] if ps else t.blocks_shared[..., i, :, :]

    def chunk_matrix(self, t: Tables, gi: int, wires: list[int]) -> torch.Tensor:
        """Kronecker product of the blocks on contiguous ``wires``: ``(d, d)`` or ``(B, d, d)``."""
        table, row = self._chunk_loc[(gi, wires[0])]
        return t.chunks[table][..., row, :, :]

    @staticmethod
    def _gather(plan: dict, shared, sample, per_sample: bool) -> torch.Tensor:
        """Angles of some slots: ``(k,)`` if all shared and not per-sample, else ``(B, k)``."""
        dev = sample.device
        parts = []
        if len(plan["shared"]):
            s = shared.index_select(-1, plan["shared"].to(dev))
            if per_sample and s.dim() == 1:
                s = s.expand(sample.shape[0], -1)
            parts.append(s)
        if len(plan["sample"]):
            parts.append(sample.index_select(1, plan["sample"].to(dev)))
        out = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        if plan["inverse"] is not None:
            out = out.index_select(-1, plan["inverse"].to(dev))
        return out

    def gate_angles(self, t: Tables, ref: GateRef) -> list[torch.Tensor]:
        """Angles of one gate: 0-dim (shared) or ``(B,)`` each."""
        refs = self.program.refs
        out = []
        for s in ref.slots:
            r = refs[s]
            if r.per_sample:
                out.append(t.angles_sample[:, r.index])
            else:
                out.append(t.angles_shared[..., r.index])
        return out

    def diag_tensor(self, t: Tables, gi: int, *, dtype) -> torch.Tensor:
        """The group's diagonal, broadcastable to ``(B, 2, ..., 2)``."""
        n = self.n
        acc = None
        for ref in self.schedule.groups[gi].items:
            m = gate_matrix(
                ref.spec, self.gate_angles(t, ref), dtype=dtype, device=t.angles_sample.device
            )
            d = torch.diagonal(m, dim1=-2, dim2=-1)
            lead = d.shape[:-1]
            k = len(ref.wires)
            d = d.reshape(lead + (2,) * k)
            order = sorted(range(k), key=lambda i: ref.wires[i])
            d = d.permute(list(range(len(lead))) + [len(lead) + i for i in order])
            shape = [1] * n
            for w in ref.wires:
                shape[w] = 2
            d = d.reshape((lead[0] if lead else 1,) + tuple(shape))
            acc = d if acc is None else acc * d
        assert acc is not None
        return acc

    def initial_state(self, t: Tables, batch: int, *, dtype, device) -> torch.Tensor:
        """``(B, 2**n)`` start: ``|0...0>``, the amplitude encoding, or the first product layer."""
        sched = self.schedule
        if sched.prep is not None:
            refs = [self.program.refs[s] for s in sched.prep_slots]
            feats = self._gather(self._prep_gather, t.angles_shared, t.angles_sample, True)
            del refs
            return amplitude_state(sched.prep, self.n, feats, dtype=dtype).reshape(batch, -1)
        if not self.product_start:
            state = torch.zeros((batch, 2**self.n), dtype=dtype, device=device)
            state[:, 0] = 1
            return state
        g = sched.groups[0]
        covered = {w for w, _ in g.items}
        vec = None
        for w in range(self.n):
            if w in covered:
                v = self.block(t, 0, w)[..., :, 0]
            else:
                v = torch.tensor([1, 0], dtype=dtype, device=device)
            vec = (
                v
                if vec is None
                else (vec[..., :, None] * v[..., None, :]).reshape(
                    torch.broadcast_shapes(vec.shape[:-1], v.shape[:-1]) + (-1,)
                )
            )
        assert vec is not None
        if vec.dim() == 1 or vec.shape[0] != batch:
            vec = vec.expand(batch, -1).contiguous()
        return vec

    # -- application -------------------------------------------------------------------------
    def apply_group(
        self, state: torch.Tensor, t: Tables, gi: int, *, dtype, adjoint=False, tail: int = 1
    ):
        """Apply group ``gi`` (or its inverse) to flat ``state: (B, 2**n * tail)``.

        ``tail`` elements follow each basis index: 1 for batch-first states, ``B`` for the
        batch-last layout (then ``state`` is ``(1, 2**n * B)`` and every group is shared).
        """
        g = self.schedule.groups[gi]
        batch = state.shape[0]
        n = self.n
        if g.kind == "f1":
            for w0, wires in self._chunks[gi]:
                k = self.chunk_matrix(t, gi, wires)
                if adjoint:
                    k = k.conj().transpose(-1, -2)
                state = _apply_contiguous(state, k, w0, len(wires), n, tail)
            return state
        if g.kind == "perm":
            pieces = self._indices(state.device)[gi]
            for piece in reversed(pieces) if adjoint else pieces:
                if piece[0] == "gate":
                    ref = piece[1]
                    state = _flip_gate(state, ref.spec.name, ref.wires, n, tail)
                else:
                    _, lo, fwd, inv, _ = piece
                    if adjoint:
                        fwd, inv = inv, fwd
                    state = _Permute.apply(state, fwd, inv, lo, n, tail)
            return state
        shape = (batch,) + (2,) * n + (tail,)
        if g.kind == "diag":
            d = self.diag_tensor(t, gi, dtype=dtype)
            if adjoint:
                d = d.conj()
            return (state.view(shape) * d[..., None]).reshape(batch, -1)
        (ref,) = g.items
        m = gate_matrix(ref.spec, self.gate_angles(t, ref), dtype=dtype, device=state.device)
        if adjoint:
            m = m.conj().transpose(-1, -2)
        return apply_matrix(state.view(shape), m, ref.wires).reshape(batch, -1)

    def unitary_runs(self, batch: int) -> list[tuple[int, int]]:
        """Runs ``[start, stop)`` of batch-independent groups worth building a unitary for."""
        if self.n > UNITARY_MAX_QUBITS:
            return []
        dim = 2**self.n
        runs = []
        start = None
        groups = self.schedule.groups
        first = 1 if self.product_start else 0
        for gi in range(first, len(groups) + 1):
            shared = gi < len(groups) and self._shared_group[gi]
            if shared and start is None:
                start = gi
            if not shared and start is not None:
                runs.append((start, gi))
                start = None
        chosen = []
        for a, b in runs:
            passes = sum(len(self._chunks[g]) if groups[g].kind == "f1" else 1 for g in range(a, b))
            direct = passes * (batch * dim + KERNEL_OVERHEAD_AMPLITUDES)
            built = passes * (dim * dim + KERNEL_OVERHEAD_AMPLITUDES) + batch * dim * dim / 8
            if built < direct:
                chosen.append((a, b))
        return chosen

    def run(self, t: Tables, batch: int, *, dtype, device, allow_unitary: bool = True):
        """Final flat states ``(B, 2**n)`` for the angles in ``t``."""
        state = self.initial_state(t, batch, dtype=dtype, device=device)
        groups = self.schedule.groups
        runs = {a: b for a, b in self.unitary_runs(batch)} if allow_unitary else {}
        if t.angles_shared.dim() == 2:
            runs = {}
        gi = 1 if self.product_start else 0
        if (
            not runs
            and batch >= BATCH_LAST_MIN
            and t.angles_shared.dim() == 1
            and all(self._shared_group[g] for g in range(gi, len(groups)))
        ):
            # batch-last layout: (2**n, B) as one long register, so permutations copy rows of
            # B amplitudes and chunk GEMMs see the batch as columns
            s = state.T.contiguous().view(1, -1)
            for g in range(gi, len(groups)):
                s = self.apply_group(s, t, g, dtype=dtype, tail=batch)
            return s.view(2**self.n, batch).T.contiguous()
        while gi < len(groups):
            if gi in runs:
                stop = runs[gi]
                dim = 2**self.n
                u = torch.eye(dim, dtype=dtype, device=device)
                for g in range(gi, stop):
                    u = self.apply_group(u, t, g, dtype=dtype)
                state = state @ u
                gi = stop
                continue
            state = self.apply_group(state, t, gi, dtype=dtype)
            gi += 1
        return state

    def angles(self, inputs, weights, *, batch, real, device):
        return self.program.evaluate(inputs, weights, batch=batch, real=real, device=device)


def _perm_pieces(n: int, gates: list[GateRef]) -> list:
    """A permutation group as gathers: one over all wires for small registers, else windows
    of at most PERM_WINDOW_QUBITS contiguous wires (``("index", lo, idx, inv)``), and gates
    spanning more than a window by slicing (``("gate", ref)``)."""

    def index(lo: int, hi: int, members: list[GateRef]):
        k = hi - lo + 1
        local = [GateRef(r.spec, tuple(w - lo for w in r.wires), r.slots) for r in members]
        idx = perm_index(k, local)
        inv = np.empty_like(idx)
        inv[idx] = np.arange(idx.size)
        return ("index", lo, idx, inv, {id(r) for r in members})

    if n <= GLOBAL_PERM_MAX_QUBITS:
        return [index(0, n - 1, gates)]
    pieces: list = []
    window: list[GateRef] = []
    lo = hi = 0
    for ref in gates:
        a, b = min(ref.wires), max(ref.wires)
        if window and max(hi, b) - min(lo, a) + 1 <= PERM_WINDOW_QUBITS:
            window.append(ref)
            lo, hi = min(lo, a), max(hi, b)
            continue
        if window:
            pieces.append(index(lo, hi, window))
            window = []
        if b - a + 1 <= PERM_WINDOW_QUBITS:
            window, lo, hi = [ref], a, b
        else:
            pieces.append(("gate", ref))
    if window:
        pieces.append(index(lo, hi, window))
    # A window that ends at the last wires gathers single elements, several times slower than
    # a pass; a short one is cheaper as slicing gates.
    out: list = []
    for piece in pieces:
        if piece[0] == "index" and n - piece[1] - _bits(piece[2]) < 3:
            members = [r for r in gates if _in_window(r, piece)]
            if len(members) <= TAIL_SLICE_MAX_GATES:
                out.extend(("gate", r) for r in members)
                continue
        out.append(piece)
    return out


TAIL_SLICE_MAX_GATES = 6


def _bits(idx: np.ndarray) -> int:
    return (idx.size - 1).bit_length()


def _in_window(ref: GateRef, piece) -> bool:
    lo, k = piece[1], _bits(piece[2])
    return all(lo <= w < lo + k for w in ref.wires) and id(ref) in piece[4]


_PAULI_OF = {"rx": ((0, 1), (1, 0)), "ry": ((0, -1j), (1j, 0)), "rz": ((1, 0), (0, -1))}
_PAULI_CACHE: dict = {}


def _rotation(theta: torch.Tensor, pauli, dtype) -> torch.Tensor:
    """``cos(t/2) I - i sin(t/2) P`` for angles ``(..., k)``: ``(..., k, 2, 2)`` in 4 ops."""
    key = (pauli, dtype, theta.device)
    if key not in _PAULI_CACHE:
        p = torch.tensor(pauli, dtype=dtype, device=theta.device)
        _PAULI_CACHE[key] = (torch.eye(2, dtype=dtype, device=theta.device), -1j * p)
    eye, mip = _PAULI_CACHE[key]
    half = (theta / 2)[..., None, None]
    return torch.cos(half) * eye + torch.sin(half) * mip


def _kron_reduce(m: torch.Tensor) -> torch.Tensor:
    """``(..., N, k, 2, 2)`` -> ``(..., N, 2**k, 2**k)``: Kronecker product over the k axis."""
    out = m[..., 0, :, :]
    for j in range(1, m.shape[-3]):
        nxt = m[..., j, :, :]
        d = out.shape[-1]
        out = (out[..., :, None, :, None] * nxt[..., None, :, None, :]).reshape(
            out.shape[:-2] + (2 * d, 2 * d)
        )
    return out


def _chunks(wires: list[int], size: int) -> list[tuple[int, list[int]]]:
    """Split sorted wires into contiguous runs of at most ``size``: (first wire, wires)."""
    out: list[tuple[int, list[int]]] = []
    for w in wires:
        if out and out[-1][1][-1] == w - 1 and len(out[-1][1]) < size:
            out[-1][1].append(w)
        else:
            out.append((w, [w]))
    return out


MIDDLE_MATMUL_MIN_RATIO = 4  # a middle chunk broadcasts k over 2**w0 blocks only if c >= 4 d
KRON_TAIL_MAX = 64  # else, if d * c <= 64, the trailing wires join the matrix as k x I_c


def _apply_contiguous(
    state: torch.Tensor, k: torch.Tensor, w0: int, nw: int, n: int, tail: int = 1
) -> torch.Tensor:
    """Apply ``k: (d, d)`` or ``(B, d, d)`` on wires ``w0 .. w0+nw-1`` of flat ``state``.

    Three layouts keep it to one GEMM pass with no copy of the state: chunk at the front
    (``(d x d) @ (d x rest)`` per sample), at the end (``(rest x d) @ (d x d)^T``), and in the
    middle with long rows (``k`` broadcast over the leading blocks); a middle chunk with short
    rows goes through einsum.
    """
    batch = state.shape[0]
    d = 2**nw
    a, c = 2**w0, 2 ** (n - w0 - nw) * tail
    kt = k.transpose(-1, -2)
    if a == 1:
        return torch.matmul(k, state.view(batch, d, c)).reshape(batch, -1)
    if c == 1:
        if k.dim() == 2:
            return (state.view(batch * a, d) @ kt).reshape(batch, -1)
        return torch.matmul(state.view(batch, a, d), kt).reshape(batch, -1)
    view = state.view(batch, a, d, c)
    if c >= MIDDLE_MATMUL_MIN_RATIO * d:
        return torch.matmul(k if k.dim() == 2 else k[:, None], view).reshape(batch, -1)
    if tail == 1 and d * c <= KRON_TAIL_MAX:
        # fold the few trailing wires into the matrix (k x I_c): an end chunk, one GEMM
        eye = torch.eye(c, dtype=k.dtype, device=k.device)
        big = (k[..., :, None, :, None] * eye[None, :, None, :]).reshape(
            k.shape[:-2] + (d * c, d * c)
        )
        return _apply_contiguous(state, big, w0, nw + (c.bit_length() - 1), n)
    if k.dim() == 2:
        return torch.einsum("ij,bajc->baic", k, view).reshape(batch, -1)
    return torch.einsum("bij,bajc->baic", k, view).reshape(batch, -1)


def chunk_cotangent(lam: torch.Tensor, psi: torch.Tensor, w0: int, nw: int, n: int):
    """``sum over the other wires of lam psi^dagger`` on a chunk: ``(B, d, d)``."""
    batch = lam.shape[0]
    d = 2**nw
    a, c = 2**w0, 2 ** (n - w0 - nw)
    if a == 1:
        return lam.view(batch, d, c) @ psi.view(batch, d, c).conj().transpose(1, 2)
    if c == 1:
        return lam.view(batch, a, d).transpose(1, 2) @ psi.view(batch, a, d).conj()
    return torch.einsum("badc,baec->bde", lam.view(batch, a, d, c), psi.view(batch, a, d, c).conj())


def _gather_plan(refs) -> dict:
    """Index tensors that gather a list of slots in one or two ops (see ``_gather``)."""
    shared = [i for i, r in enumerate(refs) if not r.per_sample]
    sample = [i for i, r in enumerate(refs) if r.per_sample]
    order = shared + sample
    inverse = [0] * len(order)
    for k, i in enumerate(order):
        inverse[i] = k
    return {
        "shared": torch.tensor([refs[i].index for i in shared], dtype=torch.long),
        "sample": torch.tensor([refs[i].index for i in sample], dtype=torch.long),
        "inverse": None if order == list(range(len(order))) else torch.tensor(inverse),
        "all_shared": not sample,
    }


def _cat(parts, *, dim, empty, dtype, like) -> torch.Tensor:
    if not parts:
        return torch.zeros(empty, dtype=dtype, device=like.device)
    return parts[0] if len(parts) == 1 else torch.cat(parts, dim=dim)
