"""The circuit IR: qubits, gates with symbolic parameters, inputs and weights.

The IR knows nothing of simulators. A :class:`Circuit` is an ordered list of
:class:`Operation` s over ``n_qubits`` wires; angles are :class:`~qml.expr.Expr` of the
circuit's symbolic inputs (one batch column each) and trainable weights.

Example:
    >>> import qml
    >>> c = qml.Circuit(2)
    >>> x = c.inputs(2)
    >>> w = c.weights("theta", (2,))
    >>> _ = c.ry(0, x[0]).ry(1, x[1]).cnot(0, 1).rz(1, w[0] * x[1] + w[1])
    >>> c
    Circuit(2 qubits, 4 operations, inputs x[2], weights theta(2,))
"""

from __future__ import annotations

import dataclasses
import numbers
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from qml._checks import boolean, integer, is_integer, real
from qml.errors import CircuitError, ParameterError
from qml.expr import (
    Add,
    Expr,
    Input,
    InputArray,
    Mul,
    Scope,
    Weight,
    WeightArray,
    as_expr,
    flat_index,
)
from qml.gates import GATES, GateMethods, GateSpec

__all__ = ["Circuit", "Operation", "StatePrep"]


@dataclass(frozen=True)
class Operation:
    """One gate application: ``GATES[name]`` on ``wires`` with angles ``params``."""

    name: str
    wires: tuple[int, ...]
    params: tuple[Expr, ...] = ()

    @property
    def spec(self) -> GateSpec:
        return GATES[self.name]

    def __repr__(self) -> str:
        args = ", ".join([str(w) for w in self.wires] + [repr(p) for p in self.params])
        return f"{self.name}({args})"


@dataclass(frozen=True)
class StatePrep:
    """Amplitude encoding: the state on ``wires`` starts as the (padded, normalised) features.

    Only allowed as a circuit's first operation, where the state is ``|0...0>``.
    """

    wires: tuple[int, ...]
    params: tuple[Expr, ...]  # the features, one Expr each
    normalize: bool = True
    pad_with: float | None = None
    name = "amplitude"

    def __repr__(self) -> str:
        return f"amplitude({', '.join(map(str, self.wires))}; {len(self.params)} features)"


class Circuit(GateMethods):
    """A parametrised quantum circuit on ``n_qubits`` wires (wire 0 = most significant bit).

    Gates are appended with :meth:`append` or the per-gate methods of
    :class:`~qml.gates.GateMethods` (``c.h(0)``, ``c.rx(0, theta)``, ...), each returning the
    circuit for chaining.

    Args:
        n_qubits: number of wires, at least 1.

    Raises:
        CircuitError: if ``n_qubits`` is not a positive integer.
    """

    def __init__(self, n_qubits: int):
        n_qubits = integer(
            n_qubits, name="n_qubits", error=CircuitError, expected="a positive integer"
        )
        if n_qubits < 1:
            raise CircuitError(f"n_qubits must be at least 1, got {n_qubits}")
        self.n_qubits: int = n_qubits
        self._ops: list[Operation | StatePrep] = []
        self._inputs: dict[str, int] = {}  # name -> size, in declaration order
        self._weights: dict[str, tuple[int, ...]] = {}  # name -> shape
        # name -> the declarations whose symbols this circuit accepts under that name: its own
        # (first; handed out by inputs()/weights()) and those absorbed by `+`, copy, inverse
        self._scopes: dict[str, tuple[Scope | None, ...]] = {}

    def __setstate__(self, state: dict) -> None:
        if "_scopes" not in state:  # pickled without declaration scopes: its symbols carry none
            names = [*state.get("_inputs", {}), *state.get("_weights", {})]
            state["_scopes"] = {name: (None,) for name in names}
        self.__dict__.update(state)

    def _scope(self, name: str, declared: str) -> Scope | None:
        """This circuit's declaration of ``name`` (made on first use)."""
        if name not in self._scopes:
            self._scopes[name] = (Scope(uuid.uuid4().hex, declared),)
        return self._scopes[name][0]

    # -- symbols -----------------------------------------------------------------------------
    def inputs(self, size: int, name: str = "x") -> InputArray:
        """Declare (or fetch) ``size`` symbolic input features called ``name``.

        A layer's input ``(B, F)`` is split into the input arrays in declaration order, so
        ``F`` is the sum of their sizes (usually one array ``x``).

        Raises:
            ParameterError: a bad size or name, or ``name`` already declared with another size.
        """
        size = integer(size, name=f"input size of {name!r}", error=ParameterError, minimum=1)
        self._check_name(name, "input")
        if name in self._weights:
            raise ParameterError(f"name {name!r} is already a weight array")
        if name in self._inputs and self._inputs[name] != size:
            raise ParameterError(
                f"input {name!r} already declared with size {self._inputs[name]}, not {size}"
            )
        self._inputs[name] = size
        return InputArray(name, size, scope=self._scope(name, f"input {name!r} of size {size}"))

    def weights(self, name: str, shape: int | Sequence[int] = ()) -> WeightArray:
        """Declare (or fetch) trainable weights ``name`` of ``shape`` (an nn.Parameter each).

        Raises:
            ParameterError: a bad shape or name, or ``name`` reused with another shape.
        """
        self._check_name(name, "weight")
        if isinstance(shape, numbers.Integral):
            raw: tuple[object, ...] = (shape,)
        elif isinstance(shape, Iterable) and not isinstance(shape, (str, bytes)):
            raw = tuple(shape)
        else:
            raise ParameterError(
                f"shape of weight {name!r} must be an integer or a sequence of integers, "
                f"got {shape!r}"
            )
        what = f"shape entry of weight {name!r}"
        dims = tuple(integer(d, name=what, error=ParameterError, minimum=1) for d in raw)
        if name in self._inputs:
            raise ParameterError(f"name {name!r} is already an input array")
        if name in self._weights and self._weights[name] != dims:
            raise ParameterError(
                f"weight {name!r} already declared with shape {self._weights[name]}, "
                f"cannot redeclare it with shape {dims}"
            )
        self._weights[name] = dims
        scope = self._scope(name, f"weight {name!r} of shape {dims}")
        return WeightArray(name, dims, scope=scope)

    @staticmethod
    def _check_name(name: object, what: str) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"{what} name must be a Python identifier, got {name!r}")

    @property
    def input_shapes(self) -> dict[str, int]:
        """Input array name -> number of features, in declaration (column) order."""
        return dict(self._inputs)

    @property
    def num_inputs(self) -> int:
        """Total number of input features ``F`` a layer expects per sample."""
        return sum(self._inputs.values())

    @property
    def weight_shapes(self) -> dict[str, tuple[int, ...]]:
        """Weight array name -> shape."""
        return dict(self._weights)

    @property
    def operations(self) -> list[Operation | StatePrep]:
        return list(self._ops)

    def __len__(self) -> int:
        return len(self._ops)

    def __iter__(self) -> Iterator[Operation | StatePrep]:
        return iter(self._ops)

    # -- building --------------------------------------------------------------------------
    def append(self, name: str, wires: Sequence[int], params: Sequence[object] = ()) -> Circuit:
        """Append gate ``name`` on ``wires`` with ``params``; validated now, not at run time.

        Args:
            name: a gate of :data:`qml.gates.GATES`, e.g. ``"rx"``.
            wires: a sequence of distinct integer wires (numpy integers are fine).
            params: a sequence of angles: numbers or expressions of this circuit's inputs and
                weights (or of circuits composed into it with ``+``).

        Raises:
            CircuitError: a name that is not a known gate, wires or params that are not
                sequences, the wrong number of wires or angles, a wire out of range or
                repeated.
            ParameterError: an angle that is not a finite number or expression, or that uses
                an input or weight this circuit did not declare (or another circuit's symbol).
        """
        if not isinstance(name, str):
            raise CircuitError(f"gate name must be a string such as 'rx', got {name!r}")
        spec = GATES.get(name)
        if spec is None:
            raise CircuitError(f"unknown gate {name!r}; known gates: {', '.join(GATES)}")
        wires = self.check_wires(wires, name)
        if len(wires) != spec.num_wires:
            raise CircuitError(f"{name} acts on {spec.num_wires} wire(s), got wires {wires}")
        if not isinstance(params, Iterable) or isinstance(params, (str, bytes)):
            raise CircuitError(
                f"{name} params must be a sequence of angles such as (0.5,), got {params!r}"
            )
        params = tuple(params)
        if len(params) != spec.num_params:
            raise CircuitError(
                f"{name} takes {spec.num_params} angle(s), got {len(params)}: {tuple(params)}"
            )
        exprs = tuple(as_expr(p, what=f"angle of {name}") for p in params)
        for e in exprs:
            self._check_symbols(e, name)
        self._ops.append(Operation(name, wires, exprs))
        return self

    def check_wires(self, wires: object, gate: str) -> tuple[int, ...]:
        """``wires`` as a tuple of distinct ints, each a wire of this circuit.

        Args:
            wires: a sequence of integers (numpy integers are fine).
            gate: what the wires are for, to name in the message (``"rx"``, ``"probs"``).

        Returns:
            The wires as a tuple of ``int`` (possibly empty).

        Raises:
            CircuitError: ``wires`` is not a sequence of integers, a wire is out of range, or
                a wire is repeated.

        Example:
            >>> import qml
            >>> qml.Circuit(3).check_wires([2, 0], "probs")
            (2, 0)
        """
        if not isinstance(wires, Iterable) or isinstance(wires, (str, bytes)):
            raise CircuitError(
                f"{gate} wires must be a sequence of integers such as (0,) or (0, 1), got {wires!r}"
            )
        out = []
        for w in wires:
            integer(w, name=f"{gate} wire", error=CircuitError)
            if not 0 <= int(w) < self.n_qubits:
                raise CircuitError(
                    f"{gate} on wire {w}, but the circuit has {self.n_qubits} qubits"
                )
            out.append(int(w))
        if len(set(out)) != len(out):
            raise CircuitError(f"{gate} needs distinct wires, got {tuple(out)}")
        return tuple(out)

    def _check_symbols(self, e: Expr, gate: str) -> None:
        """Every leaf of ``e`` is a symbol of this circuit: declared here (or absorbed by
        ``+``), made by this circuit's arrays, and in range of the declared size / shape."""
        for leaf in e.leaves():
            kind = "input" if isinstance(leaf, Input) else "weight"
            table: dict = self._inputs if isinstance(leaf, Input) else self._weights
            hint = f"circuit.{kind}s(...)"
            if leaf.name not in table:
                raise ParameterError(
                    f"{gate} uses {kind} {leaf!r}, which this circuit did not declare "
                    f"({kind}s: {self._declared(kind)}); call {hint} first"
                )
            if leaf.scope not in self._scopes.get(leaf.name, ()):
                origin = (
                    f"declared there as {leaf.scope.declared}"
                    if leaf.scope is not None
                    else f"built by hand, not by {hint}"
                )
                raise ParameterError(
                    f"{gate} uses {kind} {leaf!r} of another circuit ({origin}); this circuit "
                    f"declares {kind}s {self._declared(kind)} and never absorbed that one. "
                    f"Build the angle from this circuit's own {hint}, or compose the circuits "
                    "with + first"
                )
            if isinstance(leaf, Input):
                size = self._inputs[leaf.name]
                if not (isinstance(leaf.index, int) and 0 <= leaf.index < size):
                    raise ParameterError(
                        f"{gate} uses input {leaf!r}, out of range for input {leaf.name!r} of "
                        f"size {size}"
                    )
            else:
                self._check_weight_index(leaf, self._weights[leaf.name], gate)

    @staticmethod
    def _check_weight_index(leaf: Weight, shape: tuple[int, ...], gate: str) -> None:
        index = leaf.index
        if (
            not isinstance(index, tuple)
            or len(index) != len(shape)
            or not all(isinstance(i, int) and 0 <= i < n for i, n in zip(index, shape, strict=True))
        ):
            raise ParameterError(
                f"{gate} uses weight {leaf!r}, out of range for weight {leaf.name!r} of shape "
                f"{shape}"
            )
        if leaf.flat != flat_index(index, shape):
            raise ParameterError(
                f"{gate} uses weight {leaf!r} with flat position {leaf.flat!r}, but entry "
                f"{index} of shape {shape} is at flat position {flat_index(index, shape)}"
            )

    def _declared(self, kind: str) -> str:
        table = self._inputs if kind == "input" else self._weights
        if not table:
            return "none"
        return ", ".join(
            f"{name!r} of {'size' if kind == 'input' else 'shape'} {size}"
            for name, size in table.items()
        )

    def amplitude_embedding(
        self,
        features: Sequence[object],
        wires: Sequence[int] | None = None,
        *,
        normalize: bool = True,
        pad_with: float | None = None,
    ) -> Circuit:
        """Start the circuit in the state whose amplitudes are ``features`` (amplitude encoding).

        Args:
            features: up to ``2**len(wires)`` real expressions (usually ``list(c.inputs(k))``).
            wires: the wires encoded (default: all); the others start in ``|0>``.
            normalize: divide by the features' norm at run time; if ``False`` the features
                must already have norm 1.
            pad_with: value for the missing amplitudes when fewer than ``2**len(wires)``
                features are given.

        Raises:
            CircuitError: it is not the first operation, the wires are bad, the number of
                features does not fit the wires, ``normalize`` is not a bool or ``pad_with``
                is not a finite real number.
            ParameterError: a feature that is not a finite number or an expression of this
                circuit's symbols.
        """
        what = "amplitude_embedding"
        wires = tuple(range(self.n_qubits)) if wires is None else self.check_wires(wires, what)
        if not wires:
            raise CircuitError(f"amplitude_embedding needs distinct wires, got {wires}")
        normalize = boolean(normalize, name="amplitude_embedding normalize", error=CircuitError)
        pad = None
        if pad_with is not None:
            pad = real(
                pad_with,
                name="amplitude_embedding pad_with",
                error=CircuitError,
                expected="a finite real number or None",
            )
        if not isinstance(features, Iterable) or isinstance(features, (str, bytes)):
            raise CircuitError(
                "amplitude_embedding features must be a sequence of numbers or expressions "
                f"(e.g. list(c.inputs(4))), got {features!r}"
            )
        if self._ops:
            raise CircuitError(
                "amplitude_embedding must be the first operation of a circuit "
                f"(this one already has {len(self._ops)})"
            )
        dim = 2 ** len(wires)
        feats = tuple(as_expr(f, what="amplitude feature") for f in features)
        if len(feats) > dim or (len(feats) < dim and pad_with is None) or not feats:
            raise CircuitError(
                f"amplitude_embedding on {len(wires)} wires takes {dim} features "
                f"(fewer only with pad_with), got {len(feats)}"
            )
        for f in feats:
            self._check_symbols(f, "amplitude_embedding")
        self._ops.append(StatePrep(wires, feats, normalize, pad))
        return self

    # -- composition and transformation -----------------------------------------------------
    def copy(self) -> Circuit:
        """An independent copy; the symbols of this circuit are valid in it."""
        out = Circuit(self.n_qubits)
        out._ops = list(self._ops)
        out._inputs = dict(self._inputs)
        out._weights = dict(self._weights)
        out._scopes = dict(self._scopes)
        return out

    def __add__(self, other: object) -> Circuit:
        """``a + b``: the gates of ``a`` then those of ``b``; inputs and weights merge by name.

        The symbols of both pieces are valid in the result.

        Raises:
            CircuitError: ``other`` is not a circuit, or the pieces have different numbers of
                qubits.
            ParameterError: a name is an input in one piece and a weight in the other, or has
                different sizes / shapes in the two pieces.
        """
        if not isinstance(other, Circuit):
            raise CircuitError(
                f"a circuit composes with + only with another Circuit, got {other!r}"
            )
        if other.n_qubits != self.n_qubits:
            raise CircuitError(
                f"cannot compose a {self.n_qubits}-qubit circuit with a "
                f"{other.n_qubits}-qubit circuit: pieces must act on the same wires"
            )
        if self._ops and any(isinstance(op, StatePrep) for op in other._ops):
            raise CircuitError(
                "the right-hand piece starts with amplitude_embedding, which must be the first "
                "operation; put it on the left"
            )
        out = self.copy()
        for name, size in other._inputs.items():
            out.inputs(size, name)
        for name, shape in other._weights.items():
            out.weights(name, shape)
        for name, scopes in other._scopes.items():
            mine = self._scopes.get(name, ())
            out._scopes[name] = mine + tuple(s for s in scopes if s not in mine)
        out._ops.extend(other._ops)
        return out

    def __radd__(self, other: object) -> Circuit:
        """``0 + c`` is a copy of ``c``, so ``sum(pieces)`` composes a list of pieces.

        Raises:
            CircuitError: ``other`` is anything but the integer 0.
        """
        if is_integer(other) and other == 0:
            return self.copy()
        raise CircuitError(f"a circuit composes with + only with another Circuit, got {other!r}")

    def inverse(self) -> Circuit:
        """The adjoint circuit (gates reversed and inverted); inputs and weights are kept."""
        out = Circuit(self.n_qubits)
        out._inputs = dict(self._inputs)
        out._weights = dict(self._weights)
        out._scopes = dict(self._scopes)
        for op in reversed(self._ops):
            if isinstance(op, StatePrep):
                raise CircuitError("a circuit with amplitude_embedding has no inverse circuit")
            inverse = op.spec.inverse
            if inverse is None:
                out._ops.append(op)
                continue
            for name, wires, params in inverse(op.wires, op.params):
                out._ops.append(Operation(name, wires, tuple(params)))
        return out

    def rename_weights(self, mapping: Mapping[str, str]) -> Circuit:
        """A copy whose weight arrays are renamed by ``mapping`` (old -> new).

        Names not in ``mapping`` are kept; ``{"a": "b", "b": "a"}`` swaps two arrays. The
        inputs of this circuit stay valid in the copy; its weight symbols follow their array
        (this circuit's ``a[0]`` is the copy's ``b[0]``), so use the copy's own
        ``weights(...)`` to build more angles on it.

        Args:
            mapping: old weight name -> new weight name (a Python identifier).

        Raises:
            ParameterError: ``mapping`` is not a dict, names a weight this circuit does not
                have, gives a new name that is not an identifier or is an input's, or would
                merge two arrays under one name.
        """
        if not isinstance(mapping, Mapping):
            raise ParameterError(
                f"rename_weights takes a dict of old -> new weight names, got {mapping!r}"
            )
        for old, new in mapping.items():
            if old not in self._weights:
                what = "an input, not a weight" if old in self._inputs else "not a weight"
                raise ParameterError(
                    f"rename_weights: {old!r} is {what} of this circuit "
                    f"(weights: {', '.join(map(repr, self._weights)) or 'none'})"
                )
            self._check_name(new, "new weight")
            if new in self._inputs:
                raise ParameterError(f"rename_weights: new name {new!r} is already an input")
        renamed = {name: mapping.get(name, name) for name in self._weights}
        seen: dict[str, str] = {}
        for old, new in renamed.items():
            if new in seen:
                raise ParameterError(
                    f"rename_weights would merge weights {seen[new]!r} and {old!r} into "
                    f"{new!r}: give every array its own name"
                )
            seen[new] = old
        out = Circuit(self.n_qubits)
        out._inputs = dict(self._inputs)
        out._scopes = {name: self._scopes[name] for name in self._inputs if name in self._scopes}
        for name, shape in self._weights.items():
            out.weights(renamed[name], shape)
            if name in self._scopes:
                out._scopes[renamed[name]] = self._scopes[name]

        def sub(e: Expr) -> Expr:
            return _substitute(e, mapping)

        out._ops = [
            op.__class__(op.name, op.wires, tuple(sub(p) for p in op.params))
            if isinstance(op, Operation)
            else StatePrep(op.wires, tuple(sub(p) for p in op.params), op.normalize, op.pad_with)
            for op in self
        ]
        return out

    def angles_as_inputs(self, name: str = "s") -> Circuit:
        """The same operations on a fresh circuit whose every angle is an input of its own.

        Angle ``k``, counted over the operations in order (an amplitude embedding's features
        included), becomes input ``name[k]``: a backend that evaluates rows of angles runs this
        circuit with one row per angle assignment. The result declares that one input array
        (none if the circuit has no angles) and no weights.

        Args:
            name: the input array's name (a Python identifier).

        Returns:
            A new :class:`Circuit` on the same wires.

        Raises:
            ParameterError: ``name`` is not a Python identifier.

        Example:
            >>> import qml
            >>> c = qml.Circuit(1)
            >>> w = c.weights("w", (2,))
            >>> _ = c.rx(0, 2 * w[0]).h(0).rz(0, w[0] + w[1])
            >>> c.angles_as_inputs().operations
            [rx(0, s[0]), h(0), rz(0, s[1])]
        """
        self._check_name(name, "input")
        out = Circuit(self.n_qubits)
        count = sum(len(op.params) for op in self._ops)
        slots = list(out.inputs(count, name)) if count else []
        k = 0
        for op in self._ops:
            if op.params:
                op = dataclasses.replace(op, params=tuple(slots[k : k + len(op.params)]))
                k += len(op.params)
            out._ops.append(op)
        return out

    # -- inspection ---------------------------------------------------------------------------
    def depth(self) -> int:
        """Number of layers when every gate starts as early as its wires allow."""
        level = [0] * self.n_qubits
        for op in self._ops:
            d = max(level[w] for w in op.wires) + 1
            for w in op.wires:
                level[w] = d
        return max(level, default=0)

    def gate_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for op in self._ops:
            counts[op.name] = counts.get(op.name, 0) + 1
        return counts

    def __repr__(self) -> str:
        ins = ", ".join(f"{n}[{s}]" for n, s in self._inputs.items()) or "none"
        ws = ", ".join(f"{n}{s}" for n, s in self._weights.items()) or "none"
        return (
            f"Circuit({self.n_qubits} qubits, {len(self._ops)} operations, "
            f"inputs {ins}, weights {ws})"
        )

    def draw(self, *, max_width: int = 120) -> str:
        """A text drawing, one line per wire; long circuits wrap at ``max_width`` columns.

        Raises:
            CircuitError: ``max_width`` is not a positive integer.
        """
        from qml.drawing import draw_text

        return draw_text(self, max_width=max_width)

    # -- interop (conversions live in qml.interop) ----------------------------------------
    def to_qiskit(self):
        """A Qiskit ``QuantumCircuit``; inputs and weights become ``ParameterVector`` s."""
        from qml.interop.qiskit import to_qiskit

        return to_qiskit(self)

    @classmethod
    def from_qiskit(cls, qc, *, inputs: str | Sequence[str] = ("x",)) -> Circuit:
        """Import a Qiskit circuit; parameters named in ``inputs`` become inputs, others weights.

        Args:
            qc: a ``qiskit.QuantumCircuit`` of standard gates.
            inputs: a parameter (vector) name or names, matched exactly.

        Raises:
            InteropError: ``qc`` is not a QuantumCircuit, holds classical control, custom gates
                or complex/non-finite angles, or ``inputs`` is not a name or names.
        """
        from qml.interop.qiskit import from_qiskit

        return from_qiskit(qc, inputs=inputs)

    def to_qasm3(self) -> str:
        """OpenQASM 3 text (inputs and weights as ``input float[64]`` parameters)."""
        from qml.interop.qiskit import to_qasm3

        return to_qasm3(self)

    def to_pennylane(self):
        """A PennyLane quantum function ``qfunc(x=None, **weights)`` applying this circuit."""
        from qml.interop.pennylane import to_pennylane

        return to_pennylane(self)


def _substitute(e: Expr, mapping: Mapping[str, str]) -> Expr:
    if isinstance(e, Weight) and e.name in mapping:
        return dataclasses.replace(e, name=mapping[e.name])  # keeps its declaration (scope)
    if isinstance(e, Add):
        return Add(_substitute(e.left, mapping), _substitute(e.right, mapping))
    if isinstance(e, Mul):
        return Mul(_substitute(e.left, mapping), _substitute(e.right, mapping))
    return e
