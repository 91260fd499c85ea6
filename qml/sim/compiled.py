"""The compiled execution plan of the native simulator.

``CompiledPlan(circuit, observables)`` schedules the gates once (:mod:`qml.sim.schedule`) and
lays every group out (:mod:`qml.sim.groups`): fused single-qubit blocks applied as Kronecker
chunks, permutation groups as one index gather, diagonal groups as one elementwise product.
Each call then

1. evaluates every angle of the batch at once (:class:`~qml.sim.angles.AngleProgram`),
2. builds every gate matrix of one type in one vectorised call and multiplies each fused block
   in a batched chain (:meth:`CompiledPlan.tables`),
3. starts from a product state when the first group is single-qubit (no pass over ``|0...0>``),
4. applies the groups, or, for a run of batch-independent groups on a batch larger than the
   state, the run's unitary built once and applied as one matmul (the cost model decides),
5. reads the observables (:class:`~qml.sim.observe.Measurement`).

Flat states are ``(B, 2**n)`` complex; wire 0 is the most significant bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit
from qml.gates import GateSpec
from qml.observables import Observable
from qml.sim.angles import AngleProgram, SlotRef
from qml.sim.groups import (
    Block,
    Chunk,
    GateRef,
    IndexGather,
    PermutationGroup,
    SingleQubitGroup,
    SlicedGate,
    Tables,
)
from qml.sim.kernels import (
    contiguous_runs,
    kron_reduce,
    pauli_rotation,
    permutation_index,
    rotation_generator,
)
from qml.sim.observe import Measurement
from qml.sim.schedule import build_schedule
from qml.sim.statevector import amplitude_state

__all__ = ["CompiledPlan"]

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
TAIL_SLICE_MAX_GATES = 6  # a window ending within 3 wires of the end with so few gates is sliced
UNITARY_MAX_QUBITS = 12  # largest register for which a run's unitary may be built
KERNEL_OVERHEAD_AMPLITUDES = 4096  # one kernel launch costs about this many amplitude updates


class SlotGather:
    """Index tensors that gather a list of slots' angles in one or two ops.

    Args:
        refs: where each slot's angle lives, in the order wanted.
    """

    def __init__(self, refs: Sequence[SlotRef]):
        shared = [i for i, r in enumerate(refs) if not r.per_sample]
        sample = [i for i, r in enumerate(refs) if r.per_sample]
        order = shared + sample
        inverse = [0] * len(order)
        for k, i in enumerate(order):
            inverse[i] = k
        self.shared = torch.tensor([refs[i].index for i in shared], dtype=torch.long)
        self.sample = torch.tensor([refs[i].index for i in sample], dtype=torch.long)
        self.inverse = None if order == list(range(len(order))) else torch.tensor(inverse)

    def take(self, shared: torch.Tensor, sample: torch.Tensor, *, per_sample: bool) -> torch.Tensor:
        """The slots' angles: ``(k,)`` if all shared and not ``per_sample``, else ``(B, k)``.

        Args:
            shared: ``(A_s,)`` or ``(R, A_s)`` angles.
            sample: ``(B, A_p)`` angles.
            per_sample: give every sample its row even if every slot is shared.
        """
        dev = sample.device
        parts = []
        if len(self.shared):
            s = shared.index_select(-1, self.shared.to(dev))
            if per_sample and s.dim() == 1:
                s = s.expand(sample.shape[0], -1)
            parts.append(s)
        if len(self.sample):
            parts.append(sample.index_select(1, self.sample.to(dev)))
        out = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        if self.inverse is not None:
            out = out.index_select(-1, self.inverse.to(dev))
        return out


@dataclass(frozen=True)
class GateBatch:
    """Every single-qubit occurrence of one gate, shared or per-sample, built in one call.

    ``gathers[p]`` collects the ``p``-th angle of every occurrence."""

    per_sample: bool
    spec: GateSpec
    count: int
    gathers: list[SlotGather]
    generator: tuple | None  # P when the gate is exp(-i theta/2 P): built in 4 ops


@dataclass(frozen=True)
class RowTable:
    """Rows gathered from a matrix table: the shared table, the per-sample one, or both joined
    (per-sample rows after the shared ones); ``pure`` when only per-sample rows are read
    (indices into the per-sample table alone, no batch copy of the shared one)."""

    per_sample: bool
    pure: bool
    rows: torch.Tensor  # chains: (length, n_blocks); chunks: (n_chunks, k)


@dataclass(frozen=True)
class BlockLoc:
    """Where a fused block's matrix is: ``blocks_sample[:, index]`` or ``blocks_shared[index]``."""

    per_sample: bool
    index: int


def _row_table(per_sample: bool, rows: torch.Tensor, n_shared: int) -> RowTable:
    pure = per_sample and bool((rows >= n_shared).all())
    return RowTable(per_sample, pure, rows - n_shared if pure else rows)


class CompiledPlan:
    """See module docstring: ``tables`` builds the matrices, ``run`` gives final states.

    Args:
        circuit: the circuit to compile.
        observables: what ``measure`` reads from the final states.
    """

    def __init__(self, circuit: Circuit, observables: Sequence[Observable]):
        self.circuit = circuit
        self.n = n = circuit.n_qubits
        self.schedule = sched = build_schedule(circuit)
        self.program = AngleProgram(circuit, sched.slot_exprs)
        self.measure = Measurement(n, observables)
        refs = self.program.refs
        groups = sched.groups
        self.product_start = (
            sched.prep is None and bool(groups) and isinstance(groups[0], SingleQubitGroup)
        )

        # -- single-qubit occurrences, batched by gate, shared vs per-sample -------------------
        fused = [(gi, g) for gi, g in enumerate(groups) if isinstance(g, SingleQubitGroup)]
        per_sample: dict[int, bool] = {}  # id(ref) -> whether an angle is per-sample
        by_gate: dict[tuple[bool, str], list[GateRef]] = {}
        for _, g in fused:
            for ref in g.gates:
                ps = any(refs[s].per_sample for s in ref.slots)
                per_sample[id(ref)] = ps
                by_gate.setdefault((ps, ref.spec.name), []).append(ref)
        occ_row: dict[int, int] = {}  # id(ref) -> row in its table
        self.gate_batches: list[GateBatch] = []
        counts = {False: 0, True: 0}
        for (ps, _), gates in sorted(by_gate.items(), key=lambda kv: kv[0]):
            spec = gates[0].spec
            gathers = [
                SlotGather([refs[r.slots[p]] for r in gates]) for p in range(spec.num_params)
            ]
            self.gate_batches.append(
                GateBatch(ps, spec, len(gates), gathers, rotation_generator(spec))
            )
            for ref in gates:
                occ_row[id(ref)] = counts[ps]
                counts[ps] += 1
        n_occ_shared = counts[False]

        # -- fused blocks: batched chains of equal length ----------------------------------------
        self.block_loc: dict[int, BlockLoc] = {}  # id(block) -> where its matrix is
        chains: dict[tuple[bool, int], list[tuple[Block, list[int]]]] = {}
        for _, g in fused:
            for block in g.blocks:
                ps = any(per_sample[id(r)] for r in block.gates)
                rows = [
                    occ_row[id(r)] + (n_occ_shared if ps and per_sample[id(r)] else 0)
                    for r in block.gates
                ]
                chains.setdefault((ps, len(block.gates)), []).append((block, rows))
        self.chains: list[RowTable] = []
        counts = {False: 0, True: 0}
        for (ps, _), members in sorted(chains.items(), key=lambda kv: kv[0]):
            table = torch.tensor([rows for _, rows in members], dtype=torch.long).T.contiguous()
            self.chains.append(_row_table(ps, table, n_occ_shared))
            for block, _ in members:
                self.block_loc[id(block)] = BlockLoc(ps, counts[ps])
                counts[ps] += 1
        n_blocks_shared = counts[False]

        # -- chunks (all of one size and kind built in one batched product), permutations ---------
        size = CHUNK_QUBITS_LARGE if n >= LARGE_REGISTER_QUBITS else CHUNK_QUBITS_SMALL
        by_key: dict[tuple[bool, int], list[tuple[SingleQubitGroup, tuple[int, ...], list[int]]]]
        by_key = {}
        for gi, g in fused:
            if gi == 0 and self.product_start:
                continue  # the start state is built from the blocks themselves
            block_of = {b.wire: b for b in g.blocks}
            for wires in contiguous_runs(sorted(g.wires), size):
                locs = [self.block_loc[id(block_of[w])] for w in wires]
                ps = any(loc.per_sample for loc in locs)
                rows = [
                    loc.index + (n_blocks_shared if ps and loc.per_sample else 0) for loc in locs
                ]
                by_key.setdefault((ps, len(wires)), []).append((g, wires, rows))
        self.chunk_tables: list[RowTable] = []
        for (ps, _), in_table in sorted(by_key.items(), key=lambda kv: kv[0]):
            position = len(self.chunk_tables)
            for row, (owner, wires, _) in enumerate(in_table):
                owner.chunks.append(Chunk(wires, position, row))
            index = torch.tensor([rows for _, _, rows in in_table], dtype=torch.long)
            self.chunk_tables.append(_row_table(ps, index, n_blocks_shared))
        for _, g in fused:
            g.chunks.sort(key=lambda c: c.wires[0])
        for group in groups:
            if isinstance(group, PermutationGroup):
                group.pieces = permutation_pieces(n, group.gates)
        self.prep_gather = SlotGather([refs[s] for s in sched.prep_slots])
        self.shared_group = [group.batch_independent(refs) for group in groups]

    # -- structure queries -----------------------------------------------------------------------
    def passes(self) -> int:
        """Full-state passes of one forward run (each chunk, gather, diag, dense group: one)."""
        groups = self.schedule.groups
        first = 1 if self.product_start else 0
        return first + sum(g.passes() for g in groups[first:])

    def saving_passes(self) -> int:
        """Passes whose input autograd keeps for backprop (GEMMs and products, not gathers)."""
        first = 1 if self.product_start else 0
        return sum(g.saving_passes() for g in self.schedule.groups[first:])

    def index_bytes(self) -> int:
        """Bytes held by the permutation indices (forward and inverse)."""
        return sum(g.index_bytes() for g in self.schedule.groups if isinstance(g, PermutationGroup))

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
        for gb in self.gate_batches:
            ps = gb.per_sample
            if gb.spec.num_params == 0:
                m = gb.spec.matrix([], dtype).to(sample.device)
                lead = (batch,) if (ps or rowwise) else ()
                tabs[ps].append(m.expand(lead + (gb.count, 2, 2)))
                continue
            angles = [g.take(shared, sample, per_sample=ps or rowwise) for g in gb.gathers]
            if gb.generator is not None:
                tabs[ps].append(pauli_rotation(angles[0], gb.generator, dtype))
            else:
                tabs[ps].append(gb.spec.matrix(angles, dtype))
        t_shared = _cat(tabs[False], dim=-3, empty=(0, 2, 2), dtype=dtype, like=sample)
        t_sample = _cat(tabs[True], dim=-3, empty=(batch, 0, 2, 2), dtype=dtype, like=sample)
        combined = None
        out: dict[bool, list[torch.Tensor]] = {False: [], True: []}
        for chain in self.chains:
            if chain.pure:
                table = t_sample
            elif chain.per_sample:
                if combined is None:
                    base = t_shared if rowwise else t_shared.expand((batch,) + t_shared.shape)
                    combined = torch.cat([base, t_sample], dim=-3)
                table = combined
            else:
                table = t_shared
            rows = chain.rows.to(sample.device)
            m = table.index_select(-3, rows[0])
            for j in range(1, rows.shape[0]):
                m = table.index_select(-3, rows[j]) @ m
            out[chain.per_sample].append(m)
        lead_s = (batch,) if rowwise else ()
        blocks_shared = _cat(out[False], dim=-3, empty=lead_s + (0, 2, 2), dtype=dtype, like=sample)
        blocks_sample = _cat(out[True], dim=-3, empty=(batch, 0, 2, 2), dtype=dtype, like=sample)
        chunks = []
        both = None
        for ct in self.chunk_tables:
            if ct.pure:
                src = blocks_sample
            elif ct.per_sample:
                if both is None:
                    base = blocks_shared
                    if not rowwise:
                        base = base.expand((batch,) + base.shape)
                    both = torch.cat([base, blocks_sample], dim=-3)
                src = both
            else:
                src = blocks_shared
            m = src.index_select(-3, ct.rows.to(sample.device).reshape(-1))
            m = m.reshape(m.shape[:-3] + ct.rows.shape + (2, 2))  # (..., N, k, 2, 2)
            chunks.append(kron_reduce(m))
        return Tables(
            blocks_shared, blocks_sample, shared, sample, chunks, self.program.refs, dtype
        )

    def block(self, t: Tables, block: Block) -> torch.Tensor:
        """A fused block's 2x2 matrix: ``(2, 2)`` or ``(B, 2, 2)``."""
        loc = self.block_loc[id(block)]
        return (
            t.blocks_sample[:, loc.index]
            if loc.per_sample
            else t.blocks_shared[..., loc.index, :, :]
        )

    def initial_state(self, t: Tables, batch: int, *, dtype, device) -> torch.Tensor:
        """``(B, 2**n)`` start: ``|0...0>``, the amplitude encoding, or the first product layer."""
        sched = self.schedule
        if sched.prep is not None:
            feats = self.prep_gather.take(t.angles_shared, t.angles_sample, per_sample=True)
            return amplitude_state(sched.prep, self.n, feats, dtype=dtype).reshape(batch, -1)
        if not self.product_start:
            state = torch.zeros((batch, 2**self.n), dtype=dtype, device=device)
            state[:, 0] = 1
            return state
        first = sched.groups[0]
        assert isinstance(first, SingleQubitGroup)
        block_of = {b.wire: b for b in first.blocks}
        vec = None
        for w in range(self.n):
            if w in block_of:
                v = self.block(t, block_of[w])[..., :, 0]
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
            shared = gi < len(groups) and self.shared_group[gi]
            if shared and start is None:
                start = gi
            if not shared and start is not None:
                runs.append((start, gi))
                start = None
        chosen = []
        for a, b in runs:
            passes = sum(g.passes() for g in groups[a:b])
            direct = passes * (batch * dim + KERNEL_OVERHEAD_AMPLITUDES)
            built = passes * (dim * dim + KERNEL_OVERHEAD_AMPLITUDES) + batch * dim * dim / 8
            if built < direct:
                chosen.append((a, b))
        return chosen

    def run(self, t: Tables, batch: int, *, dtype, device, allow_unitary: bool = True):
        """Final flat states ``(B, 2**n)`` for the angles in ``t``."""
        n = self.n
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
            and all(self.shared_group[gi:])
        ):
            # batch-last layout: (2**n, B) as one long register, so permutations copy rows of
            # B amplitudes and chunk GEMMs see the batch as columns
            s = state.T.contiguous().view(1, -1)
            for g in groups[gi:]:
                s = g.apply(s, t, n=n, tail=batch)
            return s.view(2**n, batch).T.contiguous()
        while gi < len(groups):
            if gi in runs:
                stop = runs[gi]
                u = torch.eye(2**n, dtype=dtype, device=device)
                for g in groups[gi:stop]:
                    u = g.apply(u, t, n=n)
                state = state @ u
                gi = stop
                continue
            state = groups[gi].apply(state, t, n=n)
            gi += 1
        return state

    def angles(self, inputs, weights, *, batch, real, device):
        """The slot angles ``(shared (A_s,), per_sample (B, A_p))`` (see ``AngleProgram``)."""
        return self.program.evaluate(inputs, weights, batch=batch, real=real, device=device)


def permutation_pieces(n: int, gates: Sequence[GateRef]) -> list[IndexGather | SlicedGate]:
    """A permutation group as gathers: one over all wires for small registers, else windows
    of at most ``PERM_WINDOW_QUBITS`` contiguous wires, and gates spanning more than a window
    (or few gates in a window at the last wires) by slicing."""

    def gather(lo: int, hi: int, members: list[GateRef]) -> IndexGather:
        local = [(r.spec, tuple(w - lo for w in r.wires)) for r in members]
        return IndexGather(lo, permutation_index(hi - lo + 1, local), members)

    if n <= GLOBAL_PERM_MAX_QUBITS:
        return [gather(0, n - 1, list(gates))]
    pieces: list[IndexGather | SlicedGate] = []
    window: list[GateRef] = []
    lo = hi = 0
    for ref in gates:
        a, b = min(ref.wires), max(ref.wires)
        if window and max(hi, b) - min(lo, a) + 1 <= PERM_WINDOW_QUBITS:
            window.append(ref)
            lo, hi = min(lo, a), max(hi, b)
            continue
        if window:
            pieces.append(gather(lo, hi, window))
            window = []
        if b - a + 1 <= PERM_WINDOW_QUBITS:
            window, lo, hi = [ref], a, b
        else:
            pieces.append(SlicedGate(ref))
    if window:
        pieces.append(gather(lo, hi, window))
    # A window that ends at the last wires gathers single elements, several times slower than
    # a pass; a short one is cheaper as slicing gates.
    out: list[IndexGather | SlicedGate] = []
    for piece in pieces:
        if (
            isinstance(piece, IndexGather)
            and n - piece.lo - piece.num_wires < 3
            and len(piece.gates) <= TAIL_SLICE_MAX_GATES
        ):
            out.extend(SlicedGate(r) for r in piece.gates)
            continue
        out.append(piece)
    return out


def _cat(parts, *, dim, empty, dtype, like) -> torch.Tensor:
    if not parts:
        return torch.zeros(empty, dtype=dtype, device=like.device)
    return parts[0] if len(parts) == 1 else torch.cat(parts, dim=dim)
