"""Shared helpers of the template tests: our states and PennyLane's, side by side."""

from __future__ import annotations

import numpy as np
import pennylane as pl
import torch

from qml.sim import reference_plan


def our_states(circuit, x: np.ndarray | None, weights: dict[str, np.ndarray] | None = None):
    """Our states, ``(B, 2, ..., 2)`` complex128, for features ``x: (B, F)`` (or none)."""
    ws = {k: torch.from_numpy(v) for k, v in (weights or {}).items()}
    inputs = None if x is None else torch.from_numpy(x)
    return reference_plan(circuit).run(inputs, ws, dtype=torch.complex128)


def flat(state: torch.Tensor) -> np.ndarray:
    """``(B, 2, ..., 2)`` -> ``(B, 2**n)`` numpy."""
    return state.reshape(state.shape[0], -1).numpy()


def pennylane_states(n: int, qfunc, x: np.ndarray) -> np.ndarray:
    """PennyLane ``default.qubit`` states of ``qfunc(sample)`` for each row of ``x``."""

    @pl.qnode(pl.device("default.qubit", wires=n))
    def state(sample):
        qfunc(sample)
        return pl.state()

    return np.stack([np.asarray(state(row)) for row in x])
