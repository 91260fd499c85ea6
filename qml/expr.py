"""Symbolic gate parameters: expressions of circuit inputs and trainable weights.

A gate angle is a float or an :class:`Expr` built from :class:`Input` and :class:`Weight`
leaves with ``+``, ``-``, ``*``, unary minus and division by a constant. That covers angle
encodings (``x[0]``), IQP / ZZ feature maps (``(pi - x[0]) * (pi - x[1])``) and data
re-uploading (``w * x + b``).

Evaluation is vectorised over the batch: an input leaf evaluates to a ``(B,)`` column, a weight
leaf to a 0-dim tensor, so an expression of weights alone stays 0-dim and is broadcast later.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import torch

from qml.errors import ParameterError

__all__ = [
    "Expr",
    "Const",
    "Input",
    "Weight",
    "Add",
    "Mul",
    "InputArray",
    "WeightArray",
    "as_expr",
]

# Binding strength used to print the fewest parentheses.
_PREC_ADD = 1
_PREC_MUL = 2
_PREC_ATOM = 3


class Expr:
    """Base class of symbolic parameter expressions (immutable, hashable)."""

    __slots__ = ()

    # -- arithmetic -----------------------------------------------------------------------
    def __add__(self, other: object) -> Expr:
        return _add(self, _coerce(other, "+"))

    def __radd__(self, other: object) -> Expr:
        return _add(_coerce(other, "+"), self)

    def __sub__(self, other: object) -> Expr:
        return _add(self, _mul(Const(-1.0), _coerce(other, "-")))

    def __rsub__(self, other: object) -> Expr:
        return _add(_coerce(other, "-"), _mul(Const(-1.0), self))

    def __mul__(self, other: object) -> Expr:
        return _mul(self, _coerce(other, "*"))

    def __rmul__(self, other: object) -> Expr:
        return _mul(_coerce(other, "*"), self)

    def __neg__(self) -> Expr:
        return _mul(Const(-1.0), self)

    def __pos__(self) -> Expr:
        return self

    def __truediv__(self, other: object) -> Expr:
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            if other == 0:
                raise ParameterError(f"division of {self} by zero")
            return _mul(Const(1.0 / float(other)), self)
        raise ParameterError(
            f"a parameter expression can only be divided by a real constant, got {other!r}"
        )

    # -- interface --------------------------------------------------------------------------
    def evaluate(self, inputs: Mapping[str, torch.Tensor], weights: Mapping[str, torch.Tensor]):
        """Value of the expression.

        Args:
            inputs: name -> ``(B, size)`` real tensor of input features.
            weights: name -> flattened ``(numel,)`` real tensor of weight values.

        Returns:
            A ``(B,)`` tensor if the expression depends on inputs, else a 0-dim tensor
            (or a Python float for a constant).
        """
        raise NotImplementedError

    def leaves(self) -> Iterator[Input | Weight]:
        """Every input and weight leaf of the expression (with repeats)."""
        raise NotImplementedError

    @property
    def depends_on_inputs(self) -> bool:
        return any(isinstance(leaf, Input) for leaf in self.leaves())

    @property
    def is_constant(self) -> bool:
        return next(iter(self.leaves()), None) is None

    def _prec(self) -> int:
        return _PREC_ATOM

    def _paren(self, outer: int) -> str:
        text = repr(self)
        return f"({text})" if self._prec() < outer else text


@dataclass(frozen=True, eq=True, repr=False)
class Const(Expr):
    """A real constant."""

    value: float

    def evaluate(self, inputs, weights):
        return self.value

    def leaves(self):
        return iter(())

    def __repr__(self) -> str:
        for name, val in (("pi", math.pi), ("2*pi", 2 * math.pi), ("pi/2", math.pi / 2)):
            if self.value == val:
                return name
            if self.value == -val:
                return "-" + name
        return f"{self.value:g}"

    def _prec(self) -> int:
        return _PREC_ATOM if self.value >= 0 else _PREC_ADD


@dataclass(frozen=True, eq=True, repr=False)
class Input(Expr):
    """Feature ``index`` of the input array ``name``: one column of the batch."""

    name: str
    index: int

    def evaluate(self, inputs, weights):
        return inputs[self.name][:, self.index]

    def leaves(self):
        yield self

    def __repr__(self) -> str:
        return f"{self.name}[{self.index}]"


@dataclass(frozen=True, eq=True, repr=False)
class Weight(Expr):
    """Entry ``index`` of the weight array ``name``; ``flat`` is its row-major position."""

    name: str
    index: tuple[int, ...]
    flat: int

    def evaluate(self, inputs, weights):
        return weights[self.name][self.flat]

    def leaves(self):
        yield self

    def __repr__(self) -> str:
        if not self.index:
            return self.name
        return f"{self.name}[{','.join(str(i) for i in self.index)}]"


@dataclass(frozen=True, eq=True, repr=False)
class Add(Expr):
    left: Expr
    right: Expr

    def evaluate(self, inputs, weights):
        return self.left.evaluate(inputs, weights) + self.right.evaluate(inputs, weights)

    def leaves(self):
        yield from self.left.leaves()
        yield from self.right.leaves()

    def __repr__(self) -> str:
        right = self.right
        if isinstance(right, Mul) and isinstance(right.left, Const) and right.left.value < 0:
            negated = _mul(Const(-right.left.value), right.right)
            return f"{self.left._paren(_PREC_ADD)} - {negated._paren(_PREC_MUL)}"
        if isinstance(right, Const) and right.value < 0:
            return f"{self.left._paren(_PREC_ADD)} - {Const(-right.value)!r}"
        return f"{self.left._paren(_PREC_ADD)} + {right._paren(_PREC_ADD + 1)}"

    def _prec(self) -> int:
        return _PREC_ADD


@dataclass(frozen=True, eq=True, repr=False)
class Mul(Expr):
    left: Expr
    right: Expr

    def evaluate(self, inputs, weights):
        return self.left.evaluate(inputs, weights) * self.right.evaluate(inputs, weights)

    def leaves(self):
        yield from self.left.leaves()
        yield from self.right.leaves()

    def __repr__(self) -> str:
        if isinstance(self.left, Const) and self.left.value == -1.0:
            return f"-{self.right._paren(_PREC_MUL + 1)}"
        return f"{self.left._paren(_PREC_MUL)} * {self.right._paren(_PREC_MUL + 1)}"

    def _prec(self) -> int:
        if isinstance(self.left, Const) and self.left.value == -1.0:
            return _PREC_ADD
        return _PREC_MUL


def _add(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value + b.value)
    if isinstance(a, Const) and a.value == 0.0:
        return b
    if isinstance(b, Const) and b.value == 0.0:
        return a
    return Add(a, b)


def _mul(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value * b.value)
    if isinstance(b, Const):  # keep constants on the left
        a, b = b, a
    if isinstance(a, Const):
        if a.value == 1.0:
            return b
        if a.value == 0.0:
            return Const(0.0)
        if isinstance(b, Mul) and isinstance(b.left, Const):
            return _mul(Const(a.value * b.left.value), b.right)
    return Mul(a, b)


def _coerce(value: object, op: str) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return Const(float(value))
    raise ParameterError(
        f"cannot combine a parameter expression with {value!r} using {op!r}: "
        "use floats, inputs and weights"
    )


def as_expr(value: object, *, what: str = "angle") -> Expr:
    """Turn a gate parameter (float, int, 0-dim tensor or Expr) into an :class:`Expr`.

    Raises:
        ParameterError: for anything else, or a non-finite number.
    """
    if isinstance(value, Expr):
        return value
    if isinstance(value, WeightArray) and len(value._prefix) == len(value.shape) == 0:
        return Weight(value.name, (), 0)
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        value = float(value.detach().reshape(()))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(float(value)):
            raise ParameterError(f"{what} must be finite, got {value!r}")
        return Const(float(value))
    raise ParameterError(
        f"{what} must be a real number or an expression of inputs and weights, got {value!r}"
    )


class InputArray:
    """The symbolic input features ``name[0..size-1]`` of a circuit (one batch column each).

    Example:
        >>> import qml
        >>> c = qml.Circuit(2)
        >>> x = c.inputs(2)
        >>> (3.141592653589793 - x[0]) * (3.141592653589793 - x[1])
        (pi - x[0]) * (pi - x[1])
    """

    def __init__(self, name: str, size: int):
        self.name = name
        self.size = size

    def __getitem__(self, index: int) -> Input:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise ParameterError(f"input index must be an integer, got {index!r}")
        i = int(index)
        if not -self.size <= i < self.size:
            raise ParameterError(
                f"input index {index} out of range for {self.name!r} of size {self.size}"
            )
        return Input(self.name, i % self.size)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Input]:
        return (Input(self.name, i) for i in range(self.size))

    def __repr__(self) -> str:
        return f"InputArray({self.name!r}, size={self.size})"


class WeightArray:
    """Symbolic trainable weights ``name`` of a given shape; index it to get :class:`Weight`.

    Partial indexing returns a view, so ``w[l][q]`` and ``w[l, q]`` are the same weight.
    """

    def __init__(self, name: str, shape: tuple[int, ...], _prefix: tuple[int, ...] = ()):
        self.name = name
        self.shape = shape
        self._prefix = _prefix

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    def __getitem__(self, index) -> Weight | WeightArray:
        idx = index if isinstance(index, tuple) else (index,)
        full = self._prefix + tuple(idx)
        if len(full) > len(self.shape):
            raise ParameterError(
                f"weight {self.name!r} has shape {self.shape}, index {full} has too many entries"
            )
        norm = []
        for axis, i in enumerate(full):
            size = self.shape[axis]
            if isinstance(i, bool) or not isinstance(i, numbers.Integral):
                raise ParameterError(f"weight index must be integers, got {index!r}")
            if not -size <= int(i) < size:
                raise ParameterError(
                    f"weight index {full} out of range for {self.name!r} of shape {self.shape}"
                )
            norm.append(int(i) % size)
        if len(norm) < len(self.shape):
            return WeightArray(self.name, self.shape, tuple(norm))
        flat = 0
        for axis, i in enumerate(norm):
            flat = flat * self.shape[axis] + i
        return Weight(self.name, tuple(norm), flat)

    def __len__(self) -> int:
        if len(self._prefix) >= len(self.shape):
            raise TypeError("a scalar weight has no length")
        return self.shape[len(self._prefix)]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"WeightArray({self.name!r}, shape={self.shape})"
