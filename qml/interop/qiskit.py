"""qml IR <-> Qiskit ``QuantumCircuit`` and OpenQASM 3.

Inputs and weights become Qiskit ``ParameterVector`` s named after them (weights flattened in
row-major order, their shapes recorded in ``QuantumCircuit.metadata["qml_weight_shapes"]``);
importing maps them back, shapes included. A gate on qml wire ``q`` acts on Qiskit qubit ``q``
(the bit-order difference only shows in indices: see :mod:`qml.interop.bitorder`).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from qml._checks import is_integer, is_real, real
from qml.circuit import Circuit
from qml.errors import InteropError
from qml.expr import Add, Const, Expr, Input, Mul, Weight
from qml.gates import GATES, GateSpec

__all__ = ["to_qiskit", "from_qiskit", "to_qasm3"]

# Qiskit instruction name -> qml gate, from the table's names and aliases
_FROM_QISKIT = {
    qiskit: spec.name
    for spec in GATES.values()
    for qiskit in (spec.qiskit, *spec.qiskit_aliases)
    if qiskit
}
_SKIPPED = {"barrier", "id", "delay"}
# where to_qiskit records each weight's shape (Qiskit vectors are flat)
_SHAPES_KEY = "qml_weight_shapes"


def to_qiskit(circuit: Circuit):
    """See :meth:`qml.Circuit.to_qiskit`."""
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    # Qiskit vectors are flat: the shapes ride along in the metadata for from_qiskit
    shapes = {name: list(shape) for name, shape in circuit.weight_shapes.items()}
    qc = QuantumCircuit(circuit.n_qubits, metadata={_SHAPES_KEY: shapes} if shapes else None)
    vectors = {name: ParameterVector(name, size) for name, size in circuit.input_shapes.items()}
    for name, shape in circuit.weight_shapes.items():
        vectors[name] = ParameterVector(name, math.prod(shape))

    def convert(e: Expr):
        if isinstance(e, Const):
            return e.value
        if isinstance(e, Input):
            return vectors[e.name][e.index]
        if isinstance(e, Weight):
            return vectors[e.name][e.flat]
        if isinstance(e, Add):
            return convert(e.left) + convert(e.right)
        if isinstance(e, Mul):
            return convert(e.left) * convert(e.right)
        raise InteropError(f"cannot convert expression {e!r} to Qiskit")

    from qml.circuit import StatePrep

    for op in circuit:
        if isinstance(op, StatePrep):
            raise InteropError(
                "amplitude_embedding has data-dependent amplitudes, which a parametrised Qiskit "
                "circuit cannot hold; prepare the state with qiskit's StatePreparation per sample"
            )
        for spec, wires, params in _qiskit_gates(op.spec, op.wires, op.params):
            getattr(qc, spec.qiskit)(*[convert(p) for p in params], *wires)
    return qc


def _qiskit_gates(
    spec: GateSpec, wires: tuple[int, ...], params: tuple[Any, ...]
) -> Iterator[tuple[GateSpec, tuple[int, ...], tuple[Any, ...]]]:
    """The gate as gates Qiskit has: itself, or its decomposition (in circuit order)."""
    if spec.qiskit:
        yield spec, wires, params
        return
    if spec.decomposition is None:  # pragma: no cover - the table gives one (tested)
        raise InteropError(f"gate {spec.name!r} has no Qiskit instruction and no decomposition")
    for name, sub_wires, sub_params in spec.decomposition(wires, params):
        yield from _qiskit_gates(GATES[name], sub_wires, sub_params)


def to_qasm3(circuit: Circuit) -> str:
    """See :meth:`qml.Circuit.to_qasm3`."""
    from qiskit import qasm3

    return qasm3.dumps(to_qiskit(circuit))


def from_qiskit(qc, *, inputs: str | Sequence[str] = ("x",)) -> Circuit:
    """See :meth:`qml.Circuit.from_qiskit`.

    Parameter vectors (and plain parameters) whose name is in ``inputs`` (whole names, a bare
    string is one name) become input arrays, declared in Qiskit's parameter order (sorted by
    name); every other parameter becomes a weight: a ``ParameterVector`` of length ``k`` a
    weight of shape ``(k,)`` (or the shape :func:`to_qiskit` recorded in
    ``qc.metadata["qml_weight_shapes"]``), a plain ``Parameter`` a scalar weight. Names are
    made Python identifiers (``a-b`` -> ``a_b``); distinct parameters whose names sanitise
    alike get a suffix (``a_b_1``), and a name that is already an identifier is kept. The
    global phase is dropped (it changes no expectation or probability).

    Args:
        qc: a ``qiskit.QuantumCircuit`` of standard gates.
        inputs: the names of the parameter vectors (or parameters) that are input features.
            Names other than the default ``"x"`` must each match a parameter of ``qc``.

    Returns:
        A new :class:`~qml.Circuit` on ``qc.num_qubits`` wires.

    Raises:
        InteropError: ``qc`` is not a ``QuantumCircuit`` or has no qubits; ``inputs`` is not
            a name or a sequence of names, or names a parameter ``qc`` does not have; an
            instruction qml has no gate for (named, with the supported list), a custom gate
            named like a standard one, a measurement, reset or control flow; an angle that
            is complex, not finite, or not a polynomial of the parameters; shape metadata
            that does not fit its vector.
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ControlFlowOp, ParameterVectorElement
    from qiskit.circuit.library import get_standard_gate_name_mapping

    if not isinstance(qc, QuantumCircuit):
        hint = " (it is already a qml.Circuit)" if isinstance(qc, Circuit) else ""
        raise InteropError(
            f"from_qiskit expects a qiskit QuantumCircuit, got {type(qc).__name__} "
            f"{_short_repr(qc)}{hint}"
        )
    if qc.num_qubits < 1:
        raise InteropError("the Qiskit circuit has no qubits (num_qubits=0); qml needs at least 1")
    input_names = _input_names(inputs)

    # groups of Qiskit parameters, one per qml array: (qiskit name, vector size or None)
    groups: dict[tuple[str, bool], int | None] = {}
    for p in qc.parameters:
        if isinstance(p, ParameterVectorElement):
            groups[(p.vector.name, True)] = len(p.vector)
        else:
            groups[(p.name, False)] = None
    known = {name for name, _ in groups}
    if tuple(input_names) != ("x",):
        missing = [n for n in input_names if n not in known]
        if missing:
            raise InteropError(
                f"inputs {missing!r} match no parameter of the Qiskit circuit; its parameters "
                f"(vectors by name): {sorted(known) or 'none'}"
            )
    idents = _unique_identifiers(list(groups))
    shapes = _recorded_shapes(qc)

    circuit = Circuit(qc.num_qubits)
    symbols: dict[str, Expr] = {}
    for (name, is_vector), size in groups.items():
        ident = idents[(name, is_vector)]
        if size is None:
            if name in input_names:
                symbols[name] = circuit.inputs(1, ident)[0]
            else:
                symbols[name] = circuit.weights(ident, ())[()]  # type: ignore[assignment]
            continue
        if name in input_names:
            inp = circuit.inputs(size, ident)
            for i in range(size):
                symbols[f"{name}[{i}]"] = inp[i]
            continue
        shape = shapes.get(name, (size,))
        if math.prod(shape) != size:
            raise InteropError(
                f"qc.metadata['qml_weight_shapes'][{name!r}] is {list(shape)}, which does not "
                f"fit the ParameterVector {name!r} of length {size}"
            )
        arr = circuit.weights(ident, shape)
        for i in range(size):
            symbols[f"{name}[{i}]"] = arr[_unravel(i, shape)]  # type: ignore[assignment]

    standard = get_standard_gate_name_mapping()
    for inst in qc.data:
        op = inst.operation
        name = op.name
        if name in _SKIPPED:
            continue
        if isinstance(op, ControlFlowOp):
            raise InteropError(
                f"instruction {name!r} is classical control flow; qml circuits are unitary "
                "(drop measurements and conditions before importing)"
            )
        if getattr(op, "condition", None) is not None or inst.clbits:
            raise InteropError(
                f"instruction {name!r} uses classical bits; qml circuits are unitary "
                "(drop measurements before importing)"
            )
        gate = _FROM_QISKIT.get(name)
        if gate is None:
            raise InteropError(
                f"Qiskit instruction {name!r} has no qml gate; supported: "
                f"{', '.join(sorted(_FROM_QISKIT))} (transpile to these first)"
            )
        if name in standard and not isinstance(op, type(standard[name])):
            raise InteropError(
                f"instruction {name!r} is a custom {type(op).__name__}, not Qiskit's standard "
                f"{type(standard[name]).__name__}; decompose it first (qc.decompose())"
            )
        wires = [qc.find_bit(q).index for q in inst.qubits]
        params = [_param_to_expr(v, symbols, name) for v in op.params]
        circuit.append(gate, wires, params)
    return circuit


def _short_repr(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _input_names(inputs: object) -> tuple[str, ...]:
    if isinstance(inputs, str):
        return (inputs,)
    bad = InteropError(
        "inputs must be a parameter name or a sequence of names (e.g. ('x',)), "
        f"got {_short_repr(inputs)}"
    )
    if isinstance(inputs, bytes | bytearray) or not isinstance(inputs, Iterable):
        raise bad
    names = tuple(inputs)
    if not all(isinstance(n, str) for n in names):
        raise bad
    return names


def _unique_identifiers(keys: list[tuple[str, bool]]) -> dict[tuple[str, bool], str]:
    """Each Qiskit array (name, is-a-vector) -> a distinct Python identifier.

    A name that already is an identifier keeps it (a vector before a plain parameter of the
    same name); the others are sanitised and suffixed ``_1``, ``_2``, ... until free, so that
    ``a-b``, ``a.b`` and ``a_b`` stay three arrays.
    """
    out: dict[tuple[str, bool], str] = {}
    used: set[str] = set()
    for key in sorted(keys, key=lambda k: not k[1]):
        if key[0].isidentifier() and key[0] not in used:
            out[key] = key[0]
            used.add(key[0])
    for key in keys:
        if key in out:
            continue
        base = _identifier(key[0])
        ident, n = base, 0
        while ident in used:
            n += 1
            ident = f"{base}_{n}"
        out[key] = ident
        used.add(ident)
    return {key: out[key] for key in keys}


def _recorded_shapes(qc) -> dict[str, tuple[int, ...]]:
    """The weight shapes :func:`to_qiskit` recorded in ``qc.metadata`` (``{}`` if none)."""
    meta = qc.metadata or {}
    raw = meta.get(_SHAPES_KEY) if isinstance(meta, dict) else None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InteropError(
            f"qc.metadata[{_SHAPES_KEY!r}] must map names to shapes, got {_short_repr(raw)}"
        )
    shapes: dict[str, tuple[int, ...]] = {}
    for name, shape in raw.items():
        if not isinstance(shape, list | tuple) or not all(is_integer(d) and d > 0 for d in shape):
            raise InteropError(
                f"qc.metadata[{_SHAPES_KEY!r}][{name!r}] must be a list of positive integers, "
                f"got {_short_repr(shape)}"
            )
        shapes[str(name)] = tuple(shape)
    return shapes


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major index of element ``flat`` of an array of ``shape`` (``()`` for a scalar)."""
    index = []
    for dim in reversed(shape):
        index.append(flat % dim)
        flat //= dim
    return tuple(reversed(index))


def _identifier(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    return ident if ident.isidentifier() else f"p_{ident}"


def _param_to_expr(value, symbols: dict[str, Expr], gate: str) -> Expr | float:
    from qiskit.circuit import ParameterExpression

    if isinstance(value, ParameterExpression):
        if value.parameters:
            return _sympy_to_expr(value.sympify(), symbols, value)
        value = value.numeric()
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        if value.imag != 0:
            raise InteropError(f"angle of {gate} is complex, got {value!r}; angles are real")
        value = value.real
    if not is_real(value):
        raise InteropError(f"angle of {gate} must be a real number, got {_short_repr(value)}")
    return real(value, name=f"angle of {gate}", error=InteropError)


def _sympy_to_expr(node, symbols: dict[str, Expr], original) -> Expr:
    import sympy

    if isinstance(node, sympy.Symbol):
        return symbols[node.name]
    if node.is_number:
        if not node.is_real:
            raise InteropError(f"angle {original} has a complex constant {node}")
        if not node.is_finite:
            raise InteropError(f"angle {original} has a non-finite constant {node}")
        return Const(float(node))
    args = [_sympy_to_expr(a, symbols, original) for a in node.args] if node.args else []
    if isinstance(node, sympy.Add):
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if isinstance(node, sympy.Mul):
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if isinstance(node, sympy.Pow) and node.exp.is_Integer and int(node.exp) > 0:
        base = _sympy_to_expr(node.base, symbols, original)
        out = base
        for _ in range(int(node.exp) - 1):
            out = out * base
        return out
    raise InteropError(
        f"angle {original} uses {type(node).__name__}; qml angles are polynomials of inputs "
        "and weights (+, -, *, constants)"
    )
