"""Layout kernels of the compiled plan: how a group's matrices meet the flat state in one pass.

Flat states are ``(B, 2**n * tail)`` complex: wire 0 is the most significant bit of the basis
index, and ``tail`` elements follow each index (1 for batch-first states, ``B`` for the
batch-last layout, where the whole batch is one ``(1, 2**n * B)`` register). Every kernel here
is a pure function of tensors and gate-table rows; the groups (:mod:`qml.sim.groups`) decide
which to call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import torch

from qml.gates import GateSpec

__all__ = [
    "apply_contiguous",
    "chunk_cotangent",
    "contiguous_runs",
    "flip_gate",
    "gather_window",
    "kron_reduce",
    "matrix_cotangent",
    "pauli_rotation",
    "permutation_index",
    "permute_window",
    "rotation_generator",
]

GATHER_ROW_MIN = 8  # rows at least this long are copied whole (index_select), else gathered
MIDDLE_MATMUL_MIN_RATIO = 4  # a middle chunk broadcasts k over 2**w0 blocks only if c >= 4 d
KRON_TAIL_MAX = 64  # else, if d * c <= 64, the trailing wires join the matrix as k x I_c


# -- permutations --------------------------------------------------------------------------------
def permutation_index(n: int, gates: Sequence[tuple[GateSpec, tuple[int, ...]]]) -> np.ndarray:
    """Index ``idx`` with ``new_state[j] = old_state[idx[j]]`` after ``gates`` in order.

    Args:
        n: wires of the register the index runs over.
        gates: ``(spec, wires)`` of permutation gates (``spec.permutation`` set), in circuit
            order, wires numbered in this register.

    Returns:
        ``(2**n,)`` int64.

    >>> from qml.gates import GATES
    >>> permutation_index(2, [(GATES["cnot"], (0, 1))]).tolist()
    [0, 1, 3, 2]
    """
    idx = np.arange(2**n, dtype=np.int64)
    for spec, wires in reversed(gates):  # new[j] = old[f1(f2(...fm(j)))]: apply fm first
        assert spec.permutation is not None, spec.name
        idx = spec.permutation(idx, tuple(1 << (n - 1 - w) for w in wires))
    return idx


def gather_window(
    state: torch.Tensor, idx: torch.Tensor, lo: int, n: int, tail: int = 1
) -> torch.Tensor:
    """``new[.., j, ..] = old[.., idx[j], ..]`` over the ``2**k`` states of wires ``lo..lo+k-1``.

    Args:
        state: flat ``(B, 2**n * tail)``.
        idx: ``(2**k,)`` int64 on the state's device.
        lo: first wire of the window.
        n: wires of the register.
        tail: elements per basis index.

    Returns:
        The gathered state, flat ``(B, 2**n * tail)``.
    """
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


class _Permute(torch.autograd.Function):
    """:func:`gather_window` whose backward is the inverse gather."""

    @staticmethod
    def forward(ctx, state, idx, inv, lo, n, tail):
        ctx.save_for_backward(inv)
        ctx.lo, ctx.n, ctx.tail = lo, n, tail
        return gather_window(state, idx, lo, n, tail)

    @staticmethod
    def backward(ctx, grad):
        (inv,) = ctx.saved_tensors
        return gather_window(grad, inv, ctx.lo, ctx.n, ctx.tail), None, None, None, None, None


def permute_window(
    state: torch.Tensor, idx: torch.Tensor, inv: torch.Tensor, lo: int, n: int, tail: int = 1
) -> torch.Tensor:
    """:func:`gather_window` by ``idx``, differentiable: autograd keeps only ``inv``
    (the inverse index), not the state."""
    return _Permute.apply(state, idx, inv, lo, n, tail)


TargetOp = Callable[[torch.Tensor, list[int]], torch.Tensor]
_TARGET_OPS: dict[tuple[str, bool], TargetOp] = {}


def _target_op(spec: GateSpec, adjoint: bool) -> TargetOp:
    """How a permutation gate (or its inverse) moves the basis states of its target wires
    (controls all 1): a flip of some axes (X-like), a transposition of axes (SWAP-like), else
    a gather."""
    key = (spec.name, adjoint)
    if key in _TARGET_OPS:
        return _TARGET_OPS[key]
    assert spec.permutation is not None, spec.name
    m, c = spec.num_wires, spec.controls
    k = m - c
    controls_on = ((1 << c) - 1) << k
    local = np.arange(2**k, dtype=np.int64)
    bits = tuple(1 << (m - 1 - i) for i in range(m))
    src = spec.permutation(controls_on | local, bits) & ((1 << k) - 1)  # new[j] = old[src[j]]
    if adjoint:
        inv = np.empty_like(src)
        inv[src] = local
        src = inv
    table = local.reshape((2,) * k)
    op: TargetOp
    if np.array_equal(src, local ^ src[0]):
        flipped = [i for i in range(k) if src[0] >> (k - 1 - i) & 1]

        def op(v: torch.Tensor, axes: list[int]) -> torch.Tensor:
            return v.flip([axes[i] for i in flipped])

    else:
        order = next(
            (
                list(p)
                for p in itertools.permutations(range(k))
                if np.array_equal(np.transpose(table, p).reshape(-1), src)
            ),
            None,
        )
        if order is not None:
            axis_order = order

            def op(v: torch.Tensor, axes: list[int]) -> torch.Tensor:
                dims = list(range(v.dim()))
                for i, a in enumerate(axes):
                    dims[a] = axes[axis_order[i]]
                return v.permute(dims)

        else:
            source = torch.as_tensor(src)

            def op(v: torch.Tensor, axes: list[int]) -> torch.Tensor:
                front = list(range(len(axes)))
                moved = v.movedim(axes, front)
                flat = moved.reshape((2**k, -1))
                out = flat.index_select(0, source.to(v.device)).reshape(moved.shape)
                return out.movedim(front, axes)

    _TARGET_OPS[key] = op
    return op


def flip_gate(
    state: torch.Tensor,
    spec: GateSpec,
    wires: tuple[int, ...],
    n: int,
    tail: int = 1,
    *,
    adjoint: bool = False,
) -> torch.Tensor:
    """A permutation gate (CNOT, SWAP, Toffoli, ...) or its inverse by slicing: one copy of
    the state, no index.

    Args:
        state: flat ``(B, 2**n * tail)``.
        spec: a gate-table row with ``permutation`` set; its first ``spec.controls`` wires
            are controls.
        wires: the gate's wires.
        n: wires of the register.
        tail: elements per basis index.
        adjoint: apply the gate's inverse.

    Returns:
        The new flat state.
    """
    batch = state.shape[0]
    view = state.view((batch,) + (2,) * n + (tail,))
    op = _target_op(spec, adjoint)
    controls, targets = list(wires[: spec.controls]), list(wires[spec.controls :])

    def apply(v: torch.Tensor, ctrls: list[int], removed: list[int]) -> torch.Tensor:
        def axis(w: int) -> int:
            return w + 1 - sum(1 for r in removed if r < w)

        if not ctrls:
            return op(v, [axis(t) for t in targets])
        c = ctrls[0]
        on = apply(v.select(axis(c), 1), ctrls[1:], removed + [c])
        return torch.stack([v.select(axis(c), 0), on], dim=axis(c))

    return apply(view, controls, []).reshape(batch, -1)


# -- single-qubit blocks as Kronecker chunks ------------------------------------------------------
_ROTATION_GENERATORS: dict[str, tuple | None] = {}
_ROTATION_CACHE: dict = {}


def rotation_generator(spec: GateSpec) -> tuple | None:
    """The Pauli-like ``P`` (``P^2 = I``, Hermitian) with ``spec``'s matrix equal to
    ``exp(-i theta/2 P)``, for a one-wire, one-angle row; else ``None``. Read off the row's
    matrix, so RX, RY and RZ (and any such row) qualify without a list of names.

    >>> from qml.gates import GATES
    >>> rotation_generator(GATES["rx"])
    ((0j, (1+0j)), ((1+0j), 0j))
    >>> rotation_generator(GATES["phase"]) is None
    True
    """
    if spec.name in _ROTATION_GENERATORS:
        return _ROTATION_GENERATORS[spec.name]
    found = None
    if spec.num_wires == 1 and spec.num_params == 1:

        def m(theta: float) -> np.ndarray:
            angle = torch.tensor(theta, dtype=torch.float64)
            return spec.matrix([angle], torch.complex128).numpy()

        p = np.round(1j * m(np.pi), 12) + 0.0
        eye = np.eye(2)
        if np.allclose(p, p.conj().T) and np.allclose(p @ p, eye):
            ok = all(
                np.allclose(m(t), np.cos(t / 2) * eye - 1j * np.sin(t / 2) * p, atol=1e-12)
                for t in (0.0, 0.37, -1.9, 2.8)
            )
            if ok:
                found = tuple(tuple(complex(x) for x in row) for row in p)
    _ROTATION_GENERATORS[spec.name] = found
    return found


def pauli_rotation(theta: torch.Tensor, generator: tuple, dtype: torch.dtype) -> torch.Tensor:
    """``cos(t/2) I - i sin(t/2) P`` for angles ``(..., k)``: ``(..., k, 2, 2)`` in 4 ops.

    Args:
        theta: real angles ``(..., k)``.
        generator: ``P`` as nested tuples (see :func:`rotation_generator`).
        dtype: complex dtype of the result.
    """
    key = (generator, dtype, theta.device)
    if key not in _ROTATION_CACHE:
        p = torch.tensor(generator, dtype=dtype, device=theta.device)
        _ROTATION_CACHE[key] = (torch.eye(2, dtype=dtype, device=theta.device), -1j * p)
    eye, mip = _ROTATION_CACHE[key]
    half = (theta / 2)[..., None, None]
    return torch.cos(half) * eye + torch.sin(half) * mip


def kron_reduce(m: torch.Tensor) -> torch.Tensor:
    """``(..., N, k, 2, 2)`` -> ``(..., N, 2**k, 2**k)``: Kronecker product over the k axis."""
    out = m[..., 0, :, :]
    for j in range(1, m.shape[-3]):
        nxt = m[..., j, :, :]
        d = out.shape[-1]
        out = (out[..., :, None, :, None] * nxt[..., None, :, None, :]).reshape(
            out.shape[:-2] + (2 * d, 2 * d)
        )
    return out


def contiguous_runs(wires: Sequence[int], size: int) -> list[tuple[int, ...]]:
    """Split sorted ``wires`` into runs of consecutive wires, at most ``size`` long.

    >>> contiguous_runs([0, 1, 2, 4, 5], 2)
    [(0, 1), (2,), (4, 5)]
    """
    out: list[list[int]] = []
    for w in wires:
        if out and out[-1][-1] == w - 1 and len(out[-1]) < size:
            out[-1].append(w)
        else:
            out.append([w])
    return [tuple(run) for run in out]


def apply_contiguous(
    state: torch.Tensor, k: torch.Tensor, w0: int, nw: int, n: int, tail: int = 1
) -> torch.Tensor:
    """Apply ``k: (d, d)`` or ``(B, d, d)`` on wires ``w0 .. w0+nw-1`` of flat ``state``.

    Three layouts keep it to one GEMM pass with no copy of the state: chunk at the front
    (``(d x d) @ (d x rest)`` per sample), at the end (``(rest x d) @ (d x d)^T``), and in the
    middle with long rows (``k`` broadcast over the leading blocks); a middle chunk with short
    rows goes through einsum.

    Args:
        state: flat ``(B, 2**n * tail)``.
        k: the chunk's matrix, ``d = 2**nw``.
        w0: first wire of the chunk.
        nw: wires in the chunk.
        n: wires of the register.
        tail: elements per basis index.

    Returns:
        The new flat state.
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
        return apply_contiguous(state, big, w0, nw + (c.bit_length() - 1), n)
    if k.dim() == 2:
        return torch.einsum("ij,bajc->baic", k, view).reshape(batch, -1)
    return torch.einsum("bij,bajc->baic", k, view).reshape(batch, -1)


def chunk_cotangent(lam: torch.Tensor, psi: torch.Tensor, w0: int, nw: int, n: int) -> torch.Tensor:
    """``sum over the other wires of lam psi^dagger`` on a chunk of wires ``w0..w0+nw-1``.

    Args:
        lam: the adjoint state, flat ``(B, 2**n)``.
        psi: the state, flat ``(B, 2**n)``.
        w0: first wire of the chunk.
        nw: wires in the chunk.
        n: qubits.

    Returns:
        ``(B, d, d)``, ``d = 2**nw``.
    """
    batch = lam.shape[0]
    d = 2**nw
    a, c = 2**w0, 2 ** (n - w0 - nw)
    if a == 1:
        return lam.view(batch, d, c) @ psi.view(batch, d, c).conj().transpose(1, 2)
    if c == 1:
        return lam.view(batch, a, d).transpose(1, 2) @ psi.view(batch, a, d).conj()
    return torch.einsum("badc,baec->bde", lam.view(batch, a, d, c), psi.view(batch, a, d, c).conj())


# -- dense gates -------------------------------------------------------------------------------
def matrix_cotangent(
    lam: torch.Tensor, psi: torch.Tensor, wires: Sequence[int], n: int
) -> torch.Tensor:
    """``sum over the other wires of lam psi^dagger`` on ``wires`` (any order).

    Args:
        lam: the adjoint state, flat ``(B, 2**n)``.
        psi: the state, flat ``(B, 2**n)``.
        wires: the gate's wires.
        n: qubits.

    Returns:
        ``(B, d, d)`` in the order the wires are listed, ``d = 2**len(wires)``.
    """
    batch = lam.shape[0]
    d = 2 ** len(wires)
    axes = [w + 1 for w in wires]
    front = list(range(1, len(axes) + 1))
    shape = (batch,) + (2,) * n
    lv = lam.view(shape).movedim(axes, front).reshape(batch, d, -1)
    pv = psi.view(shape).movedim(axes, front).reshape(batch, d, -1)
    return lv @ pv.conj().transpose(-1, -2)
