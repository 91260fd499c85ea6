"""Weight initialisers for quantum layers.

- ``"uniform"``: every angle uniform in ``[0, 2 pi)``.
- ``"normal"``: small angles, normal with standard deviation ``scale`` (default 0.1), which keeps
  a deep circuit near the identity on its rotations and mitigates barren plateaus.
- ``"zeros"``: every angle 0.
- ``"identity-block"``: Grant et al. 2019 ("An initialization strategy for addressing barren
  plateaus", Quantum 3, 214): each weight array ``<w>_inv`` that mirrors an array ``<w>`` of the
  same shape (as built by ``circuits.ansatze.identity_block``) starts equal to it, so every block
  ``U(w)^dagger U(w)`` is the identity at the start while ``w`` itself is random (uniform).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch

from qml._checks import real
from qml.errors import ParameterError

__all__ = ["INITIALIZERS", "initial_weights"]

INITIALIZERS = ("uniform", "normal", "zeros", "identity-block")
INVERSE_SUFFIX = "_inv"


def initial_weights(
    shapes: dict[str, tuple[int, ...]],
    *,
    init: str = "uniform",
    scale: float = 0.1,
    dtype: torch.dtype = torch.float32,
    generator: torch.Generator | None = None,
) -> dict[str, torch.Tensor]:
    """Initial values for every weight array.

    Args:
        shapes: weight name -> shape (``Circuit.weight_shapes``).
        init: one of :data:`INITIALIZERS`.
        scale: standard deviation of ``"normal"``.
        dtype: real dtype of the values.
        generator: source of randomness (the global one when ``None``).

    Returns:
        name -> tensor of that shape.

    Raises:
        ParameterError: an unknown ``init``, a ``scale`` that is not a finite number >= 0, or
            ``"identity-block"`` with no mirrored arrays.

    Example:
        >>> g = torch.Generator().manual_seed(0)
        >>> w = initial_weights({"theta": (2, 3)}, init="zeros")
        >>> w["theta"].shape
        torch.Size([2, 3])
    """
    if not isinstance(init, str) or init not in INITIALIZERS:
        raise ParameterError(f"unknown init {init!r}; choose one of {', '.join(INITIALIZERS)}")
    scale = real(
        scale, name="init_scale", error=ParameterError, minimum=0, expected="a finite number >= 0"
    )
    out: dict[str, torch.Tensor] = {}
    # drawn in float64 then cast: one seed gives the same model in either precision
    f64 = torch.float64
    for name, shape in shapes.items():
        if init == "zeros":
            value = torch.zeros(shape, dtype=f64)
        elif init == "normal":
            value = torch.randn(shape, generator=generator, dtype=f64) * scale
        else:
            value = torch.rand(shape, generator=generator, dtype=f64) * (2 * math.pi)
        out[name] = value.to(dtype)
    if init == "identity-block":
        mirrored = [n for n in shapes if _mirrors(n, shapes)]
        if not mirrored:
            raise ParameterError(
                "init='identity-block' needs weight arrays '<name>_inv' mirroring '<name>' "
                f"(build the circuit with circuits.ansatze.identity_block); got {list(shapes)}"
            )
        for n in mirrored:
            out[n] = out[n[: -len(INVERSE_SUFFIX)]].clone()
    return out


def _mirrors(name: str, shapes: Mapping[str, tuple[int, ...]]) -> bool:
    """``name`` is ``<base>_inv`` and weight ``<base>`` has the same shape."""
    base = name.removesuffix(INVERSE_SUFFIX)
    return name.endswith(INVERSE_SUFFIX) and shapes.get(base) == shapes[name]
