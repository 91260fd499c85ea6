"""Pure statevector kernels.

Every state is batch-first: ``state: (B, 2, ..., 2)`` complex with ``n`` qubit axes; axis
``1 + q`` is wire ``q`` and wire 0 is the most significant bit of a flattened basis index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from qml.errors import InputError

if TYPE_CHECKING:
    from qml.circuit import StatePrep

__all__ = [
    "zero_state",
    "apply_matrix",
    "apply_diagonal",
    "diagonal_factor",
    "num_qubits",
    "amplitude_state",
]


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


def diagonal_factor(diag: torch.Tensor, wires: Sequence[int], n: int) -> torch.Tensor:
    """A gate's diagonal as a factor broadcastable to ``(B, 2, ..., 2)``.

    Args:
        diag: ``(2**k,)`` or ``(B, 2**k)``, indexed with the first listed wire most significant.
        wires: ``k`` distinct wires.
        n: qubits of the state.

    Returns:
        ``(1 or B, s_0, ..., s_{n-1})`` with ``s_w = 2`` on ``wires``, else 1.
    """
    lead = diag.shape[:-1]  # () or (B,)
    k = len(wires)
    d = diag.reshape(lead + (2,) * k)
    # reorder the gate's axes to ascending wire order, then place them among the n qubit axes
    order = sorted(range(k), key=lambda i: wires[i])
    d = d.permute(list(range(len(lead))) + [len(lead) + i for i in order])
    shape = [1] * n
    for w in wires:
        shape[w] = 2
    return d.reshape((lead[0] if lead else 1,) + tuple(shape))


def apply_diagonal(state: torch.Tensor, diag: torch.Tensor, wires: Sequence[int]) -> torch.Tensor:
    """Multiply by a diagonal gate on ``wires``: elementwise, no matmul.

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        diag: ``(2**k,)`` or ``(B, 2**k)``, indexed with the first listed wire most significant.
        wires: ``k`` distinct wires.
    """
    return state * diagonal_factor(diag, wires, num_qubits(state))


def amplitude_state(prep: StatePrep, n: int, amps: torch.Tensor, *, dtype) -> torch.Tensor:
    """``(B, 2, ..., 2)`` state whose amplitudes on ``prep.wires`` are ``amps: (B, m)`` real.

    Pads with ``prep.pad_with``, normalises (or checks the norm), and leaves other wires in |0>.

    Raises:
        InputError: a sample whose features are all zero, or not of norm 1 without normalize.
    """
    batch, device = amps.shape[0], amps.device
    real = amps.dtype
    dim = 2 ** len(prep.wires)
    if amps.shape[1] < dim:
        pad = torch.full(
            (batch, dim - amps.shape[1]), prep.pad_with or 0.0, dtype=real, device=device
        )
        amps = torch.cat([amps, pad], dim=1)
    norm = amps.norm(dim=1, keepdim=True)
    if prep.normalize:
        if bool((norm == 0).any()):
            i = int((norm[:, 0] == 0).nonzero()[0, 0])
            raise InputError(
                f"amplitude encoding of sample {i}: all features are zero, cannot normalise"
            )
        amps = amps / norm
    elif not torch.allclose(norm, torch.ones_like(norm), atol=1e-6):
        i = int((norm[:, 0] - 1).abs().argmax())
        raise InputError(
            f"amplitude encoding of sample {i}: features have norm {float(norm[i, 0]):.6g}, not 1; "
            "pass normalize=True"
        )
    k = len(prep.wires)
    order = sorted(range(k), key=lambda i: prep.wires[i])
    local = amps.to(dtype).reshape((batch,) + (2,) * k).permute([0] + [1 + i for i in order])
    state = torch.zeros((batch,) + (2,) * n, dtype=dtype, device=device)
    index = tuple([slice(None)] + [slice(None) if w in prep.wires else 0 for w in range(n)])
    state[index] = local
    return state
