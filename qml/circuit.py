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

import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from qml.errors import CircuitError, ParameterError
from qml.expr import Add, Expr, Input, InputArray, Mul, Weight, WeightArray, as_expr
from qml.gates import GATES, GateSpec

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


class Circuit:
    """A parametrised quantum circuit on ``n_qubits`` wires (wire 0 = most significant bit).

    Args:
        n_qubits: number of wires, at least 1.

    Raises:
        CircuitError: if ``n_qubits`` is not a positive integer.
    """

    def __init__(self, n_qubits: int):
        if isinstance(n_qubits, bool) or not isinstance(n_qubits, numbers.Integral):
            raise CircuitError(f"n_qubits must be a positive integer, got {n_qubits!r}")
        if n_qubits < 1:
            raise CircuitError(f"n_qubits must be at least 1, got {n_qubits}")
        self.n_qubits: int = int(n_qubits)
        self._ops: list[Operation | StatePrep] = []
        self._inputs: dict[str, int] = {}  # name -> size, in declaration order
        self._weights: dict[str, tuple[int, ...]] = {}  # name -> shape

    # -- symbols -----------------------------------------------------------------------------
    def inputs(self, size: int, name: str = "x") -> InputArray:
        """Declare (or fetch) ``size`` symbolic input features called ``name``.

        A layer's input ``(B, F)`` is split into the input arrays in declaration order, so
        ``F`` is the sum of their sizes (usually one array ``x``).

        Raises:
            ParameterError: a bad size or name, or ``name`` already declared with another size.
        """
        size = _positive_int(size, f"input size of {name!r}")
        self._check_name(name, "input")
        if name in self._weights:
            raise ParameterError(f"name {name!r} is already a weight array")
        if name in self._inputs and self._inputs[name] != size:
            raise ParameterError(
                f"input {name!r} already declared with size {self._inputs[name]}, not {size}"
            )
        self._inputs[name] = size
        return InputArray(name, size)

    def weights(self, name: str, shape: int | Sequence[int] = ()) -> WeightArray:
        """Declare (or fetch) trainable weights ``name`` of ``shape`` (an nn.Parameter each).

        Raises:
            ParameterError: a bad shape or name, or ``name`` reused with another shape.
        """
        self._check_name(name, "weight")
        raw = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)  # type: ignore[arg-type]
        dims = tuple(_positive_int(d, f"shape entry of weight {name!r}") for d in raw)
        if name in self._inputs:
            raise ParameterError(f"name {name!r} is already an input array")
        if name in self._weights and self._weights[name] != dims:
            raise ParameterError(
                f"weight {name!r} already declared with shape {self._weights[name]}, "
                f"cannot redeclare it with shape {dims}"
            )
        self._weights[name] = dims
        return WeightArray(name, dims)

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

        Raises:
            CircuitError: unknown gate, wrong number of wires or angles, wire out of range or
                repeated.
            ParameterError: an angle that is not a number or expression, or that uses an input
                or weight this circuit did not declare.
        """
        spec = GATES.get(name)
        if spec is None:
            raise CircuitError(f"unknown gate {name!r}; known gates: {', '.join(GATES)}")
        wires = tuple(wires)
        if len(wires) != spec.num_wires:
            raise CircuitError(f"{name} acts on {spec.num_wires} wire(s), got wires {wires}")
        for w in wires:
            if isinstance(w, bool) or not isinstance(w, numbers.Integral):
                raise CircuitError(f"{name} wire must be an integer, got {w!r}")
            if not 0 <= w < self.n_qubits:
                raise CircuitError(
                    f"{name} on wire {w}, but the circuit has {self.n_qubits} qubits"
                )
        if len(set(wires)) != len(wires):
            raise CircuitError(f"{name} needs distinct wires, got {wires}")
        if len(params) != spec.num_params:
            raise CircuitError(
                f"{name} takes {spec.num_params} angle(s), got {len(params)}: {tuple(params)}"
            )
        exprs = tuple(as_expr(p, what=f"angle of {name}") for p in params)
        for e in exprs:
            self._check_symbols(e, name)
        self._ops.append(Operation(name, tuple(int(w) for w in wires), exprs))
        return self

    def _check_symbols(self, e: Expr, gate: str) -> None:
        for leaf in e.leaves():
            if isinstance(leaf, Input):
                size = self._inputs.get(leaf.name)
                if size is None or leaf.index >= size:
                    raise ParameterError(
                        f"{gate} uses input {leaf!r}, which this circuit did not declare "
                        f"(inputs: {self._inputs or 'none'}); call circuit.inputs(...) first"
                    )
            elif isinstance(leaf, Weight):
                shape = self._weights.get(leaf.name)
                if shape is None or len(shape) != len(leaf.index):
                    raise ParameterError(
                        f"{gate} uses weight {leaf!r}, which this circuit did not declare "
                        f"(weights: {self._weights or 'none'}); call circuit.weights(...) first"
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
            CircuitError: it is not the first operation, the wires are bad, or the number of
                features does not fit the wires.
        """
        wires = tuple(range(self.n_qubits)) if wires is None else tuple(wires)
        for w in wires:
            if isinstance(w, bool) or not isinstance(w, numbers.Integral):
                raise CircuitError(f"amplitude_embedding wire must be an integer, got {w!r}")
            if not 0 <= w < self.n_qubits:
                raise CircuitError(
                    f"amplitude_embedding on wire {w}, but the circuit has {self.n_qubits} qubits"
                )
        if not wires or len(set(wires)) != len(wires):
            raise CircuitError(f"amplitude_embedding needs distinct wires, got {wires}")
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
        pad = None if pad_with is None else float(pad_with)
        self._ops.append(StatePrep(wires, feats, bool(normalize), pad))
        return self

    # one method per gate of the table; each returns the circuit for chaining
    def h(self, q: int) -> Circuit:
        return self.append("h", (q,))

    def x(self, q: int) -> Circuit:
        return self.append("x", (q,))

    def y(self, q: int) -> Circuit:
        return self.append("y", (q,))

    def z(self, q: int) -> Circuit:
        return self.append("z", (q,))

    def s(self, q: int) -> Circuit:
        return self.append("s", (q,))

    def sdg(self, q: int) -> Circuit:
        return self.append("sdg", (q,))

    def t(self, q: int) -> Circuit:
        return self.append("t", (q,))

    def tdg(self, q: int) -> Circuit:
        return self.append("tdg", (q,))

    def sx(self, q: int) -> Circuit:
        return self.append("sx", (q,))

    def sxdg(self, q: int) -> Circuit:
        return self.append("sxdg", (q,))

    def rx(self, q: int, theta) -> Circuit:
        return self.append("rx", (q,), (theta,))

    def ry(self, q: int, theta) -> Circuit:
        return self.append("ry", (q,), (theta,))

    def rz(self, q: int, theta) -> Circuit:
        return self.append("rz", (q,), (theta,))

    def phase(self, q: int, phi) -> Circuit:
        return self.append("phase", (q,), (phi,))

    def u3(self, q: int, theta, phi, lam) -> Circuit:
        return self.append("u3", (q,), (theta, phi, lam))

    def cnot(self, control: int, target: int) -> Circuit:
        return self.append("cnot", (control, target))

    cx = cnot

    def cy(self, control: int, target: int) -> Circuit:
        return self.append("cy", (control, target))

    def cz(self, q0: int, q1: int) -> Circuit:
        return self.append("cz", (q0, q1))

    def swap(self, q0: int, q1: int) -> Circuit:
        return self.append("swap", (q0, q1))

    def crx(self, control: int, target: int, theta) -> Circuit:
        return self.append("crx", (control, target), (theta,))

    def cry(self, control: int, target: int, theta) -> Circuit:
        return self.append("cry", (control, target), (theta,))

    def crz(self, control: int, target: int, theta) -> Circuit:
        return self.append("crz", (control, target), (theta,))

    def cphase(self, control: int, target: int, phi) -> Circuit:
        return self.append("cphase", (control, target), (phi,))

    def rxx(self, q0: int, q1: int, theta) -> Circuit:
        return self.append("rxx", (q0, q1), (theta,))

    def ryy(self, q0: int, q1: int, theta) -> Circuit:
        return self.append("ryy", (q0, q1), (theta,))

    def rzz(self, q0: int, q1: int, theta) -> Circuit:
        return self.append("rzz", (q0, q1), (theta,))

    def ccx(self, c0: int, c1: int, target: int) -> Circuit:
        return self.append("ccx", (c0, c1, target))

    toffoli = ccx

    # -- composition and transformation -----------------------------------------------------
    def copy(self) -> Circuit:
        out = Circuit(self.n_qubits)
        out._ops = list(self._ops)
        out._inputs = dict(self._inputs)
        out._weights = dict(self._weights)
        return out

    def __add__(self, other: object) -> Circuit:
        """``a + b``: the gates of ``a`` then those of ``b``; inputs and weights merge by name.

        Raises:
            CircuitError: the pieces have different numbers of qubits.
            ParameterError: a name is an input in one piece and a weight in the other, or has
                different sizes / shapes in the two pieces.
        """
        if not isinstance(other, Circuit):
            return NotImplemented
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
        out._ops.extend(other._ops)
        return out

    def inverse(self) -> Circuit:
        """The adjoint circuit (gates reversed and inverted); inputs and weights are kept."""
        out = Circuit(self.n_qubits)
        out._inputs = dict(self._inputs)
        out._weights = dict(self._weights)
        for op in reversed(self._ops):
            if isinstance(op, StatePrep):
                raise CircuitError("a circuit with amplitude_embedding has no inverse circuit")
            spec = op.spec
            if spec.inverse is None:
                out._ops.append(op)
            elif op.name == "u3":
                theta, phi, lam = op.params
                out._ops.append(Operation("u3", op.wires, (-theta, -lam, -phi)))
            elif spec.num_params:
                out._ops.append(Operation(spec.inverse, op.wires, tuple(-p for p in op.params)))
            else:
                out._ops.append(Operation(spec.inverse, op.wires, ()))
        return out

    def rename_weights(self, mapping: dict[str, str]) -> Circuit:
        """A copy whose weight arrays are renamed by ``mapping`` (old -> new)."""
        out = Circuit(self.n_qubits)
        out._inputs = dict(self._inputs)
        for name, shape in self._weights.items():
            out.weights(mapping.get(name, name), shape)

        def sub(e: Expr) -> Expr:
            return _substitute(e, mapping)

        out._ops = [
            op.__class__(op.name, op.wires, tuple(sub(p) for p in op.params))
            if isinstance(op, Operation)
            else StatePrep(op.wires, tuple(sub(p) for p in op.params), op.normalize, op.pad_with)
            for op in self
        ]
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
        """A text drawing, one line per wire; long circuits wrap at ``max_width`` columns."""
        from qml.drawing import draw_text

        return draw_text(self, max_width=max_width)

    # -- interop (conversions live in qml.interop) ----------------------------------------
    def to_qiskit(self):
        """A Qiskit ``QuantumCircuit``; inputs and weights become ``ParameterVector`` s."""
        from qml.interop.qiskit import to_qiskit

        return to_qiskit(self)

    @classmethod
    def from_qiskit(cls, qc, *, inputs: Sequence[str] = ("x",)) -> Circuit:
        """Import a Qiskit circuit; parameters named in ``inputs`` become inputs, others weights."""
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


def _substitute(e: Expr, mapping: dict[str, str]) -> Expr:
    if isinstance(e, Weight) and e.name in mapping:
        return Weight(mapping[e.name], e.index, e.flat)
    if isinstance(e, Add):
        return Add(_substitute(e.left, mapping), _substitute(e.right, mapping))
    if isinstance(e, Mul):
        return Mul(_substitute(e.left, mapping), _substitute(e.right, mapping))
    return e


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ParameterError(f"{what} must be a positive integer, got {value!r}")
    return int(value)
