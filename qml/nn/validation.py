"""What a :class:`~qml.nn.layer.QuantumLayer` accepts, checked before anything runs.

Inputs, weights, ``state_dict`` entries and seeds: each check raises the project's typed error
(:class:`~qml.errors.InputError`, :class:`~qml.errors.ParameterError`) naming the value.

Example:
    >>> import torch
    >>> x, batch, single = layer_inputs(
    ...     torch.zeros(3), num_inputs=3, dtype=torch.float32, device=torch.device("cpu")
    ... )
    >>> tuple(x.shape), batch, single
    ((1, 3), 1, True)
"""

from __future__ import annotations

import torch

from qml._checks import integer
from qml.errors import InputError, ParameterError

__all__ = ["layer_inputs", "layer_weight", "check_state_dict_entry", "check_finite", "checked_seed"]

SEED_LIMIT = 2**64  # torch.Generator.manual_seed takes seeds in [0, 2**64)


def layer_inputs(
    x: object, *, num_inputs: int, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor | None, int, bool]:
    """Validate and shape a layer's input.

    Args:
        x: ``(B, F)`` or ``(F,)`` real values (a tensor, array or nested list), or ``None``
            for a circuit without inputs.
        num_inputs: ``F``, the circuit's number of input features.
        dtype: the real dtype the layer simulates in.
        device: the layer's device; the inputs must already be there.

    Returns:
        ``(x as (B, F) in dtype, or None; B; whether x was a single sample)``.

    Raises:
        InputError: ``None`` for a circuit with inputs, something that is not a real dense
            tensor, another device, a wrong shape or number of features, or NaN / inf.
    """
    if x is None:
        if num_inputs:
            raise InputError(f"this layer expects inputs of {num_inputs} features, got None")
        return None, 1, True
    if not isinstance(x, torch.Tensor):
        try:
            x = torch.as_tensor(x)
        except (TypeError, ValueError, RuntimeError) as e:
            raise InputError(
                f"inputs must be a real tensor or array of shape (B, F), got {_short_repr(x)} ({e})"
            ) from e
    if x.is_complex():
        raise InputError(f"inputs must be real, got dtype {x.dtype}")
    if x.layout != torch.strided or x.is_meta:
        raise InputError(
            f"inputs must be a dense tensor with values, got a {x.layout} tensor on "
            f"{x.device} (use .to_dense())"
        )
    if x.device != device:
        raise InputError(
            f"inputs are on {x.device} but the layer is on {device}; move one with .to()"
        )
    single = x.dim() == 1
    if x.dim() not in (1, 2):
        raise InputError(f"inputs must be (B, F) or (F,), got shape {tuple(x.shape)}")
    x2 = x.unsqueeze(0) if single else x
    if x2.shape[1] != num_inputs:
        raise InputError(
            f"inputs have {x2.shape[1]} features, but the circuit declares "
            f"{num_inputs} (shape {tuple(x.shape)})"
        )
    if x2.is_floating_point() and not torch.isfinite(x2).all():
        bad = (~torch.isfinite(x2)).nonzero()[0].tolist()
        raise InputError(
            f"inputs contain {x2[bad[0], bad[1]].item()} at sample {bad[0]}, feature {bad[1]}"
        )
    return x2.to(dtype), x2.shape[0], single


def layer_weight(
    w: object, *, name: str, shape: tuple[int, ...], device: torch.device
) -> torch.Tensor:
    """A weight tensor checked against the circuit's ``shape``, the layer's ``device`` and for
    NaN / inf (a replaced ``nn.Parameter`` or an optimiser step gone wrong).

    Raises:
        ParameterError: naming the weight and what is wrong with it.
    """
    if not isinstance(w, torch.Tensor) or w.is_complex() or not w.is_floating_point():
        raise ParameterError(
            f"weight {name!r} must be a real floating-point tensor of shape {shape}, got "
            f"{w if not isinstance(w, torch.Tensor) else f'dtype {w.dtype}'!r}"
        )
    if tuple(w.shape) != shape:
        raise ParameterError(
            f"weight {name!r} has shape {tuple(w.shape)}, but the circuit declares "
            f"{shape}; assign an nn.Parameter of shape {shape}"
        )
    if w.device != device:
        raise ParameterError(
            f"weight {name!r} is on {w.device} but the layer is on {device}; move the "
            "layer with .to() instead of replacing its parameters"
        )
    check_finite(w, f"weight {name!r}")
    return w


def check_state_dict_entry(value: object, *, key: str, name: str, shape: tuple[int, ...]) -> None:
    """Refuse a ``state_dict`` entry ``key`` for weight ``name`` that is not a finite, dense,
    real floating-point tensor of ``shape``.

    Raises:
        ParameterError: naming the entry and what is wrong with it.
    """
    if not isinstance(value, torch.Tensor) or value.is_complex() or not value.is_floating_point():
        raise ParameterError(
            f"state_dict entry {key!r} must be a real floating-point tensor, "
            f"got {type(value).__name__}"
            + (f" of dtype {value.dtype}" if isinstance(value, torch.Tensor) else "")
        )
    if value.is_meta or value.layout != torch.strided:
        raise ParameterError(
            f"state_dict entry {key!r} holds no values (a {value.layout} "
            f"tensor on {value.device}); load a dense tensor with values"
        )
    if tuple(value.shape) != shape:
        raise ParameterError(
            f"state_dict entry {key!r} has shape {tuple(value.shape)}, but the "
            f"circuit's weight {name!r} has shape {shape}"
        )
    check_finite(value, f"state_dict entry {key!r}")


def check_finite(value: torch.Tensor, what: str) -> None:
    """Raise :class:`ParameterError` naming the first NaN / inf of ``value`` and where it is."""
    if not torch.isfinite(value).all():
        bad = (~torch.isfinite(value)).nonzero()[0].tolist()
        where = f" at index {tuple(bad)}" if bad else ""
        raise ParameterError(
            f"{what} contains {value.detach()[tuple(bad)].item()}{where}; weights must be finite"
        )


def checked_seed(seed: object) -> int | None:
    """``seed`` as an ``int`` in ``[0, 2**64)``, or ``None``.

    Raises:
        ParameterError: not an integer (``bool`` included), or out of range.
    """
    if seed is None:
        return None
    value = integer(seed, name="seed", error=ParameterError, expected="an integer or None")
    if not 0 <= value < SEED_LIMIT:
        raise ParameterError(f"seed must be in [0, 2**64), got {seed!r}")
    return value


def _short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
