"""qml IR <-> Qiskit ``QuantumCircuit`` and OpenQASM 3.

Inputs and weights become Qiskit ``ParameterVector`` s named after them (weights flattened in
row-major order); importing maps them back. A gate on qml wire ``q`` acts on Qiskit qubit ``q``
(the bit-order difference only shows in indices: see :mod:`qml.interop.bitorder`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from qml.circuit import Circuit
from qml.errors import InteropError
from qml.expr import Add, Const, Expr, Input, InputArray, Mul, Weight, WeightArray
from qml.gates import GATES

__all__ = ["to_qiskit", "from_qiskit", "to_qasm3"]

# Qiskit instruction name -> (qml gate, angle transform)
_FROM_QISKIT = {spec.qiskit: spec.name for spec in GATES.values()}
_FROM_QISKIT.update({"u3": "u3", "cnot": "cnot", "u1": "phase", "cu1": "cphase", "toffoli": "ccx"})
_SKIPPED = {"barrier", "id", "delay"}


def to_qiskit(circuit: Circuit):
    """See :meth:`qml.Circuit.to_qiskit`."""
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    qc = QuantumCircuit(circuit.n_qubits)
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
        method = getattr(qc, op.spec.qiskit)
        method(*[convert(p) for p in op.params], *op.wires)
    return qc


def to_qasm3(circuit: Circuit) -> str:
    """See :meth:`qml.Circuit.to_qasm3`."""
    from qiskit import qasm3

    return qasm3.dumps(to_qiskit(circuit))


def from_qiskit(qc, *, inputs: Sequence[str] = ("x",)) -> Circuit:
    """See :meth:`qml.Circuit.from_qiskit`.

    Parameter vectors (and plain parameters) whose name is in ``inputs`` become input arrays;
    every other parameter becomes a weight: a ``ParameterVector`` of length ``k`` a weight of
    shape ``(k,)``, a plain ``Parameter`` a scalar weight. The global phase is dropped (it
    changes no expectation or probability).

    Raises:
        InteropError: an instruction qml has no gate for (named, with the supported list), a
            measurement or reset, classical control, or an angle that is not a polynomial of
            the parameters.
    """
    from qiskit.circuit import ParameterVectorElement

    circuit = Circuit(qc.num_qubits)
    symbols: dict[str, Expr] = {}
    vector_sizes: dict[str, int] = {}
    for p in qc.parameters:
        if isinstance(p, ParameterVectorElement):
            vector_sizes[p.vector.name] = len(p.vector)
    for name, size in vector_sizes.items():
        arr: InputArray | WeightArray
        if name in inputs:
            arr = circuit.inputs(size, _identifier(name))
        else:
            arr = circuit.weights(_identifier(name), (size,))
        for i in range(size):
            symbols[f"{name}[{i}]"] = arr[i]  # type: ignore[assignment]
    for p in qc.parameters:
        if isinstance(p, ParameterVectorElement):
            continue
        ident = _identifier(p.name)
        if p.name in inputs:
            symbols[p.name] = circuit.inputs(1, ident)[0]
        else:
            symbols[p.name] = circuit.weights(ident, ())[()]  # type: ignore[assignment]

    for inst in qc.data:
        op = inst.operation
        name = op.name
        if name in _SKIPPED:
            continue
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
        wires = [qc.find_bit(q).index for q in inst.qubits]
        params = [_param_to_expr(v, symbols) for v in op.params]
        circuit.append(gate, wires, params)
    return circuit


def _identifier(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    return ident if ident.isidentifier() else f"p_{ident}"


def _param_to_expr(value, symbols: dict[str, Expr]) -> Expr | float:
    from qiskit.circuit import ParameterExpression

    if not isinstance(value, ParameterExpression):
        return float(value)
    if not value.parameters:
        return float(value.numeric())
    return _sympy_to_expr(value.sympify(), symbols, value)


def _sympy_to_expr(node, symbols: dict[str, Expr], original) -> Expr:
    import sympy

    if isinstance(node, sympy.Symbol):
        return symbols[node.name]
    if node.is_number:
        if not node.is_real:
            raise InteropError(f"angle {original} has a complex constant {node}")
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
