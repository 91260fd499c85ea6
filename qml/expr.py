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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import torch

from qml._checks import is_integer, is_real, real
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
    "Scope",
    "as_expr",
]

# Binding strength used to print the fewest parentheses.
_PREC_ADD = 1
_PREC_MUL = 2
_PREC_ATOM = 3


@dataclass(frozen=True)
class Scope:
    """The declaration a symbol comes from: one ``inputs`` / ``weights`` call of one circuit.

    Input and weight leaves carry it so a circuit can refuse symbols it did not declare (or
    absorb with ``+``): ``w[1, 1]`` of a ``(2, 3)`` array must not read entry 4 of another
    circuit's ``(3, 2)`` array called ``w``. Compared by value, so it survives pickling.
    """

    uid: str  # unique per declaration
    declared: str  # the declaration, for messages: "weight 'w' of shape (2, 3)"


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
        if is_real(other):
            divisor = real(other, name=f"the divisor of {self}", error=ParameterError)
            if divisor == 0:
                raise ParameterError(f"division of {self} by zero")
            return _mul(_const(1.0 / divisor, f"{self} / {other!r}"), self)
        raise ParameterError(
            f"a parameter expression can only be divided by a real constant, got {other!r}"
        )

    def __pow__(self, other: object) -> Expr:
        raise ParameterError(
            f"parameter expressions support +, -, * and / by a constant, not ** ({self} ** "
            f"{other!r}); write the product out, e.g. x[0] * x[0]"
        )

    def __getitem__(self, index: object) -> Expr:
        raise ParameterError(f"{self} is a single parameter and cannot be indexed with {index!r}")

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
    scope: Scope | None = field(default=None, compare=False)  # the declaration it comes from

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
    scope: Scope | None = field(default=None, compare=False)  # the declaration it comes from

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


def _const(value: float, what: object) -> Const:
    """A folded constant, refused when the folding overflowed (``1e308 * 10``) or is NaN."""
    if not math.isfinite(value):
        raise ParameterError(f"constant folding of {what} gives {value!r}: angles must stay finite")
    return Const(value)


def _add(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Const) and isinstance(b, Const):
        return _const(a.value + b.value, f"{a!r} + {b!r}")
    if isinstance(a, Const) and a.value == 0.0:
        return b
    if isinstance(b, Const) and b.value == 0.0:
        return a
    return Add(a, b)


def _mul(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Const) and isinstance(b, Const):
        return _const(a.value * b.value, f"{a!r} * {b!r}")
    if isinstance(b, Const):  # keep constants on the left
        a, b = b, a
    if isinstance(a, Const):
        if a.value == 1.0:
            return b
        if a.value == 0.0:
            return Const(0.0)
        if isinstance(b, Mul) and isinstance(b.left, Const):
            return _mul(_const(a.value * b.left.value, f"{a!r} * ({b!r})"), b.right)
    return Mul(a, b)


def _coerce(value: object, op: str) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, WeightArray):
        return value._scalar(op)
    if is_real(value):
        what = f"a number combined with a parameter expression by {op!r}"
        return Const(real(value, name=what, error=ParameterError))
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
        return Weight(value.name, (), 0, value.scope)
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        value = float(value.detach().reshape(()))
    if is_real(value):
        return Const(real(value, name=what, error=ParameterError))
    raise ParameterError(
        f"{what} must be a real number or an expression of inputs and weights, got {value!r}"
    )


def flat_index(index: Sequence[int], shape: Sequence[int]) -> int:
    """Row-major position of ``index`` in an array of ``shape``."""
    flat = 0
    for i, size in zip(index, shape, strict=True):
        flat = flat * size + i
    return flat


class InputArray:
    """The symbolic input features ``name[0..size-1]`` of a circuit (one batch column each).

    Example:
        >>> import qml
        >>> c = qml.Circuit(2)
        >>> x = c.inputs(2)
        >>> (3.141592653589793 - x[0]) * (3.141592653589793 - x[1])
        (pi - x[0]) * (pi - x[1])
    """

    def __init__(self, name: str, size: int, *, scope: Scope | None = None):
        self.name = name
        self.size = size
        self.scope = scope

    def __getitem__(self, index: int) -> Input:
        if not is_integer(index):
            raise ParameterError(f"input index must be an integer, got {index!r}")
        i = int(index)
        if not -self.size <= i < self.size:
            raise ParameterError(
                f"input index {index} out of range for {self.name!r} of size {self.size}"
            )
        return Input(self.name, i % self.size, self.scope)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[Input]:
        return (Input(self.name, i, self.scope) for i in range(self.size))

    def __repr__(self) -> str:
        return f"InputArray({self.name!r}, size={self.size})"


class WeightArray:
    """Symbolic trainable weights ``name`` of a given shape; index it to get :class:`Weight`.

    Partial indexing returns a view, so ``w[l][q]`` and ``w[l, q]`` are the same weight.
    """

    def __init__(
        self,
        name: str,
        shape: tuple[int, ...],
        _prefix: tuple[int, ...] = (),
        *,
        scope: Scope | None = None,
    ):
        self.name = name
        self.shape = shape
        self._prefix = _prefix
        self.scope = scope

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    # a scalar array (shape ``()``) is its one weight in arithmetic: ``w * x[0] + 1``
    def _scalar(self, op: str) -> Weight:
        if len(self._prefix) != len(self.shape) or self.shape:
            raise ParameterError(
                f"cannot use {op!r} on the weight array {self.name!r} of shape {self.shape}: "
                f"index it first, e.g. {self.name}[0]"
            )
        return Weight(self.name, (), 0, self.scope)

    def __add__(self, other: object) -> Expr:
        return self._scalar("+") + other

    def __radd__(self, other: object) -> Expr:
        return other + self._scalar("+")  # type: ignore[operator]

    def __sub__(self, other: object) -> Expr:
        return self._scalar("-") - other

    def __rsub__(self, other: object) -> Expr:
        return other - self._scalar("-")  # type: ignore[operator]

    def __mul__(self, other: object) -> Expr:
        return self._scalar("*") * other

    def __rmul__(self, other: object) -> Expr:
        return other * self._scalar("*")  # type: ignore[operator]

    def __truediv__(self, other: object) -> Expr:
        return self._scalar("/") / other

    def __neg__(self) -> Expr:
        return -self._scalar("-")

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
            if not is_integer(i):
                raise ParameterError(f"weight index must be integers, got {index!r}")
            if not -size <= int(i) < size:
                raise ParameterError(
                    f"weight index {full} out of range for {self.name!r} of shape {self.shape}"
                )
            norm.append(int(i) % size)
        if len(norm) < len(self.shape):
            return WeightArray(self.name, self.shape, tuple(norm), scope=self.scope)
        return Weight(self.name, tuple(norm), flat_index(norm, self.shape), self.scope)

    def __len__(self) -> int:
        if len(self._prefix) >= len(self.shape):
            raise TypeError("a scalar weight has no length")
        return self.shape[len(self._prefix)]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"WeightArray({self.name!r}, shape={self.shape})"
