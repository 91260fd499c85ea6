"""Observables: Pauli words, real-weighted Pauli sums and Hermitian matrices.

``qml.Z(0) @ qml.Z(1)`` is a Pauli product, ``0.5 * qml.X(0) - qml.Z(1)`` a real-weighted sum.
Wire ``q`` is circuit qubit ``q`` (wire 0 is the most significant bit of a basis index).

Example:
    >>> import qml
    >>> 0.5 * qml.Z(0) @ qml.Z(1) - qml.X(2)
    0.5 * Z(0) @ Z(1) - X(2)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import torch

from qml._checks import integer, is_integer, is_real, real
from qml.errors import ObservableError

__all__ = [
    "Observable",
    "PauliWord",
    "PauliSum",
    "Hermitian",
    "X",
    "Y",
    "Z",
    "I",
    "as_observable",
    "observable_list",
]

# Single-qubit Pauli product table: (a, b) -> (phase, result), from a b = i c for the cyclic
# orders (a, b, c) of X, Y, Z
_PAULI_PRODUCT: dict[tuple[str, str], tuple[complex, str]] = {(p, p): (1, "I") for p in "XYZ"}
for _a, _b, _c in (("X", "Y", "Z"), ("Y", "Z", "X"), ("Z", "X", "Y")):
    _PAULI_PRODUCT[_a, _b] = (1j, _c)
    _PAULI_PRODUCT[_b, _a] = (-1j, _c)

PAULI_MATRICES = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}


class Observable:
    """Base class: a Hermitian operator on some wires."""

    @property
    def wires(self) -> tuple[int, ...]:
        raise NotImplementedError

    def terms(self) -> list[tuple[float, PauliWord | Hermitian]]:
        """The observable as a real-weighted list of Pauli words / Hermitian matrices."""
        raise NotImplementedError

    def matrix(self, n_qubits: int | None = None) -> np.ndarray:
        """Dense matrix on wires ``0..n_qubits-1`` (default: up to the largest wire used)."""
        n = n_qubits if n_qubits is not None else (max(self.wires, default=-1) + 1)
        out = np.zeros((2**n, 2**n), dtype=complex)
        for coeff, term in self.terms():
            out += coeff * term._dense(n)
        return out

    # -- algebra ----------------------------------------------------------------------------
    def _operand(self, other: object, op: str) -> Observable:
        """``other`` as an observable (a real number is a multiple of the identity)."""
        if isinstance(other, Observable):
            return other
        if is_real(other):
            return PauliWord({}, _coefficient(other, f"the constant in {self} {op} {other!r}"))
        raise ObservableError(
            f"cannot combine observable {self} with {other!r} using {op!r}: use observables "
            "and real numbers"
        )

    def __add__(self, other: object) -> PauliSum:
        return PauliSum(self.terms() + self._operand(other, "+").terms())

    def __radd__(self, other: object) -> PauliSum:
        return PauliSum(self.terms() + self._operand(other, "+").terms())

    def __sub__(self, other: object) -> PauliSum:
        return PauliSum(self.terms() + [(-c, t) for c, t in self._operand(other, "-").terms()])

    def __rsub__(self, other: object) -> PauliSum:
        return PauliSum([(-c, t) for c, t in self.terms()] + self._operand(other, "-").terms())

    def __neg__(self) -> Observable:
        return -1.0 * self

    def __mul__(self, scalar: object) -> Observable:
        return self._scale(scalar)

    def __rmul__(self, scalar: object) -> Observable:
        return self._scale(scalar)

    def _scale(self, scalar: object) -> Observable:
        if isinstance(scalar, torch.Tensor) and scalar.numel() == 1 and not scalar.is_complex():
            scalar = float(scalar.detach().reshape(()))
        if isinstance(scalar, bool) or not isinstance(scalar, numbers.Number):
            raise ObservableError(
                f"an observable can only be multiplied by a real number, got {scalar!r} "
                f"(times {self})"
            )
        try:
            number = complex(scalar)  # type: ignore[call-overload]
        except OverflowError:  # an integer beyond the float range
            raise ObservableError(
                f"coefficient of {self} must be finite, got an integer of {len(str(scalar))} digits"
            ) from None
        if number.imag != 0:
            raise ObservableError(
                f"coefficient {scalar!r} is not real: a complex multiple of {self} is not Hermitian"
            )
        value = _coefficient(number.real, f"{scalar!r} * {self}")
        terms = [(_coefficient(value * c, f"{scalar!r} * {self}"), t) for c, t in self.terms()]
        if len(terms) == 1 and isinstance(terms[0][1], PauliWord):
            return terms[0][1]._with_coeff(terms[0][0])
        return PauliSum(terms)

    def __matmul__(self, other: object) -> Observable:
        if not isinstance(other, Observable):
            raise ObservableError(
                f"@ takes two observables (a tensor product), got {self} @ {other!r}"
            )
        out: list[tuple[complex, PauliWord]] = []
        for ca, ta in self.terms():
            for cb, tb in other.terms():
                if not (isinstance(ta, PauliWord) and isinstance(tb, PauliWord)):
                    raise ObservableError(
                        f"products with Hermitian matrices are not supported: {ta} @ {tb}"
                    )
                phase, word = ta._times(tb)
                out.append((ca * cb * phase, word))
        # products of sums can pair imaginary parts that cancel: collect before judging
        total: dict[tuple, complex] = {}  # Pauli word key -> summed coefficient
        words: dict[tuple, PauliWord] = {}
        for c, w in out:
            total[w.key] = total.get(w.key, 0) + c
            words[w.key] = w
        terms: list[tuple[float, PauliWord | Hermitian]] = []
        for key, c in total.items():
            if abs(complex(c).imag) > 1e-12:
                raise ObservableError(
                    f"{self} @ {other} has the imaginary coefficient {complex(c)!r} on "
                    f"{words[key]}: the product is not Hermitian"
                )
            terms.append((_coefficient(complex(c).real, f"{self} @ {other}"), words[key]))
        if len(terms) == 1:
            return words[next(iter(total))]._with_coeff(terms[0][0])
        return PauliSum(terms)

    def validate(self, n_qubits: int) -> None:
        """Raise :class:`ObservableError` if the observable acts outside ``n_qubits`` wires."""
        for w in self.wires:
            if not 0 <= w < n_qubits:
                raise ObservableError(
                    f"observable {self} acts on wire {w}, but the circuit has {n_qubits} qubits"
                )


class PauliWord(Observable):
    """``coeff * P_w0 @ P_w1 @ ...``; ``paulis`` maps wire -> 'X' | 'Y' | 'Z' (identity omitted).

    ``identity_wires`` remembers wires given as ``I(q)`` so they are still range-checked.
    """

    def __init__(self, paulis: dict[int, str], coeff: float = 1.0, identity_wires=()):
        if not isinstance(paulis, Mapping):
            raise ObservableError(
                f"a Pauli word maps wires to 'X', 'Y' or 'Z' (a dict such as {{0: 'Z'}}), "
                f"got {paulis!r}"
            )
        for w, p in paulis.items():
            _wire(w, "Pauli word")
            if p not in ("X", "Y", "Z"):
                raise ObservableError(f"a Pauli word maps wires to 'X', 'Y' or 'Z', got {p!r}")
        self.paulis = {int(w): p for w, p in sorted(paulis.items())}
        self.coeff = _coefficient(coeff, "a Pauli word")
        ids = {_wire(w, "Pauli word") for w in identity_wires}
        self.identity_wires = tuple(sorted(ids - set(self.paulis)))

    @property
    def key(self) -> tuple:
        return tuple(self.paulis.items())

    @property
    def wires(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.paulis) | set(self.identity_wires)))

    def terms(self):
        return [(self.coeff, self._with_coeff(1.0))]

    def _with_coeff(self, coeff: float) -> PauliWord:
        return PauliWord(self.paulis, coeff, self.identity_wires)

    def _times(self, other: PauliWord) -> tuple[complex, PauliWord]:
        phase: complex = 1
        paulis = dict(self.paulis)
        for w, p in other.paulis.items():
            if w in paulis:
                ph, r = _PAULI_PRODUCT[(paulis[w], p)]
                phase *= ph
                if r == "I":
                    del paulis[w]
                else:
                    paulis[w] = r
            else:
                paulis[w] = p
        ids = set(self.identity_wires) | set(other.identity_wires) | set(self.paulis)
        ids |= set(other.paulis)
        return phase, PauliWord(paulis, 1.0, ids)

    def _dense(self, n: int) -> np.ndarray:
        out = np.ones((1, 1), dtype=complex)
        for w in range(n):
            out = np.kron(out, PAULI_MATRICES[self.paulis.get(w, "I")])
        return out

    def __repr__(self) -> str:
        body = " @ ".join(f"{p}({w})" for w, p in self.paulis.items())
        if not body:
            body = f"I({self.identity_wires[0]})" if self.identity_wires else "I"
        if self.coeff == 1.0:
            return body
        return f"-{body}" if self.coeff == -1.0 else f"{self.coeff:g} * {body}"


class PauliSum(Observable):
    """A real-weighted sum of Pauli words (and Hermitian matrices)."""

    def __init__(self, terms: Iterable[tuple[float, PauliWord | Hermitian]]):
        self._terms = []
        for entry in terms:
            if not (isinstance(entry, tuple) and len(entry) == 2):
                raise ObservableError(
                    f"a Pauli sum term is a (coefficient, term) pair, got {entry!r}"
                )
            c, t = entry
            if not isinstance(t, (PauliWord, Hermitian)):
                raise ObservableError(
                    f"a Pauli sum term must be a Pauli word or Hermitian, got {t!r}"
                )
            c = _coefficient(c, f"the term {t}")
            if isinstance(t, PauliWord) and t.coeff != 1.0:  # 2 * (3 * Z) is 6 * Z
                c, t = _coefficient(c * t.coeff, f"the term {t}"), t._with_coeff(1.0)
            self._terms.append((c, t))

    @property
    def wires(self) -> tuple[int, ...]:
        return tuple(sorted({w for _, t in self._terms for w in t.wires}))

    def terms(self):
        return list(self._terms)

    def __repr__(self) -> str:
        parts = []
        for i, (c, t) in enumerate(self._terms):
            sign = "-" if c < 0 else "+"
            mag = abs(c)
            body = repr(t) if mag == 1.0 else f"{mag:g} * {t!r}"
            parts.append(body if i == 0 and sign == "+" else f"{sign} {body}")
            if i == 0 and sign == "-":
                parts[0] = f"-{body}"
        return " ".join(parts) if parts else "0"


class Hermitian(Observable):
    """A Hermitian matrix on ``wires`` (first listed wire = most significant bit).

    Raises:
        ObservableError: if the matrix is not square of size ``2**len(wires)``, not Hermitian,
            or the wires repeat.
    """

    def __init__(self, matrix, wires: Sequence[int] | int):
        if is_integer(wires):
            given: Iterable[object] = (wires,)
        elif isinstance(wires, (str, bytes)) or not isinstance(wires, Iterable):
            raise ObservableError(
                f"Hermitian wires must be an integer or a sequence of integers, got {wires!r}"
            )
        else:
            given = wires
        wires = tuple(_wire(w, "Hermitian") for w in given)
        if len(set(wires)) != len(wires) or not wires:
            raise ObservableError(f"Hermitian needs distinct wires, got {wires}")
        m = _matrix(matrix)
        d = 2 ** len(wires)
        if m.shape != (d, d):
            raise ObservableError(
                f"Hermitian on wires {wires} needs a {d}x{d} matrix, got shape {m.shape}"
            )
        if not np.isfinite(m).all():
            raise ObservableError(
                f"matrix on wires {wires} has non-finite entries (nan or inf): {matrix!r}"
            )
        if not np.allclose(m, m.conj().T, atol=1e-10):
            err = float(np.abs(m - m.conj().T).max())
            raise ObservableError(
                f"matrix on wires {wires} is not Hermitian (max |M - M^dagger| = {err:.3g})"
            )
        self.matrix_ = m
        self._wires = tuple(int(w) for w in wires)

    @property
    def wires(self) -> tuple[int, ...]:
        return self._wires

    def terms(self):
        return [(1.0, self)]

    def _dense(self, n: int) -> np.ndarray:
        rest = [w for w in range(n) if w not in self._wires]
        full = np.kron(self.matrix_, np.eye(2 ** len(rest)))
        order = list(self._wires) + rest  # axis i of `full` is wire order[i]
        t = full.reshape([2] * (2 * n))
        perm = [order.index(w) for w in range(n)]
        t = t.transpose(perm + [n + p for p in perm])
        return t.reshape(2**n, 2**n)

    def __repr__(self) -> str:
        return f"Hermitian(wires={list(self._wires)})"


def _coefficient(value: object, where: str) -> float:
    """A finite real coefficient, or :class:`ObservableError` naming the value."""
    return real(value, name=f"coefficient of {where}", error=ObservableError)


def _wire(wire: object, what: str) -> int:
    """A non-negative integer wire (numpy integers are fine), or :class:`ObservableError`."""
    return integer(wire, name=f"{what} wire", error=ObservableError, minimum=0)


def _matrix(matrix: object) -> np.ndarray:
    """``matrix`` (array-like or tensor) as a complex ndarray of numbers."""
    if isinstance(matrix, torch.Tensor):
        matrix = matrix.detach().cpu().numpy()
    try:
        raw = np.asarray(matrix)
    except (ValueError, TypeError) as e:  # ragged nested lists
        raise ObservableError(
            f"Hermitian matrix must be a square array of numbers, got {matrix!r}"
        ) from e
    if raw.dtype.kind == "O" and all(
        isinstance(v, numbers.Number) and not isinstance(v, bool) for v in raw.flat
    ):
        raw = raw.astype(complex)  # an object array of numbers (Fractions, Python complex)
    if raw.dtype.kind not in "iufc":  # bool, str, object, ...
        raise ObservableError(
            f"Hermitian matrix must hold numbers, got {matrix!r} (dtype {raw.dtype})"
        )
    return raw.astype(complex)


def _pauli(letter: str, wire: object) -> PauliWord:
    if not is_integer(wire) or wire < 0:  # type: ignore[operator]
        raise ObservableError(f"{letter}(wire) needs a non-negative integer wire, got {wire!r}")
    if letter == "I":
        return PauliWord({}, 1.0, (int(wire),))  # type: ignore[call-overload]
    return PauliWord({int(wire): letter})  # type: ignore[call-overload]


def X(wire: int) -> PauliWord:
    """Pauli X on ``wire``.

    >>> X(0) @ X(1)
    X(0) @ X(1)
    """
    return _pauli("X", wire)


def Y(wire: int) -> PauliWord:
    """Pauli Y on ``wire``."""
    return _pauli("Y", wire)


def Z(wire: int) -> PauliWord:
    """Pauli Z on ``wire``."""
    return _pauli("Z", wire)


def I(wire: int) -> PauliWord:  # noqa: E743 - the conventional name
    """The identity on ``wire`` (it keeps the wire in the observable's support)."""
    return _pauli("I", wire)


def observable_list(
    observables: object, *, n_qubits: int, error: type[Exception] = ObservableError
) -> list[Observable]:
    """The observables a layer or an estimate measures, checked against ``n_qubits`` wires.

    ``None`` means ``Z`` on every wire; one observable means a list of it; anything else must
    be an iterable of observables (or what :func:`as_observable` accepts). The list may come
    back empty: each caller says why that is wrong in its own words.

    Raises:
        error: ``observables`` is a string or not iterable.
        ObservableError: an entry is not an observable or acts outside the wires.

    >>> observable_list(None, n_qubits=2)
    [Z(0), Z(1)]
    """
    if observables is None:
        return [Z(q) for q in range(n_qubits)]
    if isinstance(observables, Observable):
        observables = [observables]
    if isinstance(observables, str | bytes) or not isinstance(observables, Iterable):
        raise error(f"observables must be an observable or a list of them, got {observables!r}")
    obs = [as_observable(o) for o in observables]
    for o in obs:
        o.validate(n_qubits)
    return obs


def as_observable(obs: object) -> Observable:
    """Accept an :class:`Observable` or raise :class:`ObservableError` naming the value."""
    if isinstance(obs, Observable):
        return obs
    raise ObservableError(
        f"expected an observable such as qml.Z(0) or qml.Hermitian(M, wires), got {obs!r}"
    )
