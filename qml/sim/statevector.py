"""Pure statevector kernels.

Every state is batch-first: ``state: (B, 2, ..., 2)`` complex with ``n`` qubit axes; axis
``1 + q`` is wire ``q`` and wire 0 is the most significant bit of a flattened basis index.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["zero_state", "apply_matrix", "apply_diagonal", "num_qubits"]


def zero_state(n: int, batch: int, *, dtype: torch.dtype, device=None) -> torch.Tensor:
    """``|0...0>`` for each of ``batch`` samples.

    Returns:
        ``(batch, 2, ..., 2)`` tensor with ``n`` qubit axes.
    """
    state = torch.zeros((batch, 2**n), dtype=dtype, device=device)
    state[:, 0] = 1
    return state.reshape((batch,) + (2,) * n)


def num_qubits(state: torch.Tensor) -> int:
    return state.dim() - 1


def apply_matrix(state: torch.Tensor, matrix: torch.Tensor, wires: Sequence[int]) -> torch.Tensor:
    """Apply a ``k``-qubit matrix to ``wires`` (first listed wire = most significant).

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        matrix: ``(2**k, 2**k)`` shared by the batch, or ``(B, 2**k, 2**k)`` per sample.
        wires: ``k`` distinct wires.

    Returns:
        The new state, same shape and dtype.
    """
    k = len(wires)
    batch = state.shape[0]
    axes = [w + 1 for w in wires]
    front = list(range(1, k + 1))
    moved = state.movedim(axes, front)
    shape = moved.shape
    flat = moved.reshape(batch, 2**k, -1)
    out = torch.matmul(matrix, flat)
    return out.reshape(shape).movedim(front, axes)


def apply_diagonal(state: torch.Tensor, diag: torch.Tensor, wires: Sequence[int]) -> torch.Tensor:
    """Multiply by a diagonal gate on ``wires``: elementwise, no matmul.

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        diag: ``(2**k,)`` or ``(B, 2**k)``, indexed with the first listed wire most significant.
        wires: ``k`` distinct wires.
    """
    n = num_qubits(state)
    k = len(wires)
    lead = diag.shape[:-1]  # () or (B,)
    d = diag.reshape(lead + (2,) * k)
    # reorder the gate's axes to ascending wire order, then place them among the n qubit axes
    order = sorted(range(k), key=lambda i: wires[i])
    d = d.permute(list(range(len(lead))) + [len(lead) + i for i in order])
    shape = [1] * n
    for w in wires:
        shape[w] = 2
    d = d.reshape(lead + tuple(shape))
    if not lead:
        d = d.unsqueeze(0)
    return state * d
