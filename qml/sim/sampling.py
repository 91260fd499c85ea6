"""Shot sampling of expectations on batched statevectors.

The observables' terms are grouped qubit-wise (:func:`~qml.measurement_groups.measurement_groups`):
each group's basis is rotated onto Z once (:func:`~qml.sim.measure.basis_rotation`, or a
Hermitian's eigenbasis for a Hermitian group) and sampled once, and every term of the group is
read from the same samples. The estimate of a sum is the coefficient-weighted sum of the term
estimates.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from qml.gates import GATES, gate_matrix
from qml.measurement_groups import (
    MeasurementGroup,
    MeasurementGroups,
    estimates_from_bits,
    measurement_groups,
)
from qml.observables import Observable, PauliWord
from qml.sim.measure import basis_rotation, probabilities, sample_bits
from qml.sim.statevector import apply_matrix

__all__ = ["sampled_expvals", "sample_group"]


def sampled_expvals(
    state: torch.Tensor,
    observables: Sequence[Observable] | MeasurementGroups,
    shots: int,
    *,
    generator: torch.Generator | None,
) -> torch.Tensor:
    """Expectations estimated from ``shots`` measurements per group (see module docstring).

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        observables: the observables, or their precomputed grouping.
        shots: measurements per group and sample.
        generator: the source of randomness (``None``: torch's default).

    Returns:
        ``(B, n_observables)`` real, of the state's real dtype.

    >>> import qml
    >>> from qml.sim.statevector import zero_state
    >>> state = zero_state(2, 1, dtype=torch.complex64)
    >>> sampled_expvals(state, [qml.Z(0), qml.Z(0) @ qml.Z(1)], 10, generator=None)
    tensor([[1., 1.]])
    """
    grouping = (
        observables
        if isinstance(observables, MeasurementGroups)
        else measurement_groups(observables)
    )
    bits = [sample_group(state, g, shots, generator=generator) for g in grouping.groups]
    out = estimates_from_bits(grouping, bits, rows=state.shape[0], device=state.device)
    return out.to(state.real.dtype)


def sample_group(
    state: torch.Tensor, group: MeasurementGroup, shots: int, *, generator: torch.Generator | None
) -> torch.Tensor:
    """Bits of ``group.wires`` measured after the group's basis rotation.

    Args:
        state: ``(B, 2, ..., 2)`` complex.
        group: one qubit-wise commuting group.
        shots: measurements per sample.
        generator: the source of randomness (``None``: torch's default).

    Returns:
        ``(B, shots, k)`` int8 bits, ``k = len(group.wires)``.
    """
    rotated = state
    if group.v_dag is not None:
        v_dag = torch.as_tensor(group.v_dag, dtype=state.dtype, device=state.device)
        rotated = apply_matrix(state, v_dag, group.wires)
    else:
        for name, w in basis_rotation(PauliWord(dict(group.basis))):
            m = gate_matrix(GATES[name], [], dtype=state.dtype, device=state.device)
            rotated = apply_matrix(rotated, m, (w,))
    wires = list(group.wires)
    return sample_bits(probabilities(rotated, wires), shots, len(wires), generator=generator)
