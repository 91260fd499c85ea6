"""One place for the tolerances every comparison uses, by dtype and shots."""

from __future__ import annotations

import math

import torch

ATOL = {torch.complex128: 1e-10, torch.complex64: 1e-5, torch.float64: 1e-10, torch.float32: 1e-5}


def atol(dtype: torch.dtype) -> float:
    """Absolute tolerance for exact results computed in ``dtype``."""
    return ATOL[dtype]


def shot_bound(variance, shots: int, sigmas: float = 5.0):
    """``sigmas`` standard errors of a mean of ``shots`` samples with the given variance."""
    if isinstance(variance, torch.Tensor):
        return sigmas * torch.sqrt(variance.clamp_min(0) / shots) + 1e-12
    return sigmas * math.sqrt(max(variance, 0.0) / shots) + 1e-12
