"""Logical counts of a circuit for the fault-tolerant projection, read from the gate table.

Every rotation angle that is not a Clifford multiple of pi/2 counts (weights and inputs are
arbitrary angles), times the gate's ``GateSpec.rotations_per_angle``; a fixed gate adds its
``GateSpec.t_gates`` and ``GateSpec.ccz_gates``; every qubit is measured once.
"""

from __future__ import annotations

import math

from qml.circuit import Circuit, StatePrep
from qml.errors import EstimateError
from qml.estimator.fault_tolerant import LogicalCounts
from qml.expr import Expr
from qml.gates import GATES

__all__ = ["logical_counts"]


def logical_counts(circuit: Circuit) -> LogicalCounts:
    """Logical counts of one execution of ``circuit``.

    The rotation depth is the longest chain of rotations over shared wires.

    Args:
        circuit: the circuit.

    Returns:
        Its :class:`~qml.estimator.fault_tolerant.LogicalCounts`.

    Raises:
        EstimateError: not a circuit, or an amplitude embedding (its state preparation has no
            rotation count here).

    Example:
        >>> import qml
        >>> c = qml.Circuit(2)
        >>> _ = c.h(0).t(0).cnot(0, 1).crz(0, 1, c.weights("w", 1)[0])
        >>> counts = logical_counts(c)
        >>> counts.t_count, counts.rotation_count, counts.rotation_depth
        (1, 2, 2)
    """
    if not isinstance(circuit, Circuit):
        raise EstimateError(f"logical_counts needs a qml.Circuit, got {type(circuit).__name__}")
    n = circuit.n_qubits
    layer_of = [0] * n  # rotation depth reached on each wire
    rotations = t_count = ccz = 0
    for op in circuit.operations:
        if isinstance(op, StatePrep):
            raise EstimateError("a fault-tolerant estimate of amplitude embedding is not modelled")
        spec = GATES[op.name]
        t_count += spec.t_gates
        ccz += spec.ccz_gates
        angles = [p for p in op.params if not _clifford_angle(p)]
        count = len(angles) * spec.rotations_per_angle
        if not count:
            continue
        rotations += count
        top = max(layer_of[w] for w in op.wires) + count
        for w in op.wires:
            layer_of[w] = top
    return LogicalCounts(
        num_qubits=n,
        t_count=t_count,
        ccz_count=ccz,
        rotation_count=rotations,
        rotation_depth=max(layer_of) if rotations else 0,
        measurement_count=n,
    )


def _clifford_angle(p: Expr) -> bool:
    """Whether ``p`` is a constant multiple of pi/2 (a Clifford rotation)."""
    if list(p.leaves()):
        return False
    turns = (float(p.evaluate({}, {})) / (math.pi / 2)) % 1.0
    return math.isclose(turns, 0.0, abs_tol=1e-12) or math.isclose(turns, 1.0, abs_tol=1e-12)
