"""qml IR -> PennyLane operations (the reference and the road to any PennyLane device).

PennyLane orders wires as qml does (wire 0 most significant), so no bit reversal is needed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qml.circuit import Circuit
from qml.errors import InteropError
from qml.observables import Hermitian, Observable, PauliWord

__all__ = ["to_pennylane", "observable_to_pennylane"]


def _pl_op(qml_pl, name: str):
    if name.startswith("Adjoint("):
        base = getattr(qml_pl, name[len("Adjoint(") : -1])
        return lambda wires: qml_pl.adjoint(base(wires=wires))
    cls = getattr(qml_pl, name)
    return lambda *params, wires: cls(*params, wires=wires)


def to_pennylane(circuit: Circuit) -> Callable:
    """A quantum function applying ``circuit`` with PennyLane operations.

    The returned ``qfunc(x=None, **weights)`` takes the input features ``x`` as a ``(F,)`` or
    ``(B, F)`` array (PennyLane parameter broadcasting) and one array per weight name, of the
    declared shape. Call it inside a ``qml.qnode`` of PennyLane and return measurements there.

    Example:
        >>> import pennylane as pl, qml
        >>> c = qml.Circuit(1)
        >>> x = c.inputs(1)
        >>> _ = c.ry(0, x[0])
        >>> @pl.qnode(pl.device("default.qubit", wires=1))
        ... def f(x):
        ...     c.to_pennylane()(x=x)
        ...     return pl.expval(pl.Z(0))
        >>> round(float(f([0.0])), 6)
        1.0
    """
    import pennylane as qml_pl

    from qml.circuit import StatePrep

    def amplitude(op: StatePrep):
        def make(*features, wires):
            feats = qml_pl.math.stack(features, axis=-1)
            return qml_pl.AmplitudeEmbedding(
                feats, wires=wires, normalize=op.normalize, pad_with=op.pad_with
            )

        return make

    ops = [
        (amplitude(op) if isinstance(op, StatePrep) else _pl_op(qml_pl, op.spec.pennylane), op)
        for op in circuit
    ]
    shapes = circuit.weight_shapes

    def qfunc(x=None, **weights):
        missing = set(shapes) - set(weights)
        if missing:
            raise InteropError(f"missing weights {sorted(missing)} for the PennyLane circuit")
        cols = {}
        single = False
        if circuit.num_inputs:
            if x is None:
                raise InteropError(f"the circuit needs {circuit.num_inputs} input features")
            if isinstance(x, list | tuple):
                x = qml_pl.math.asarray(x)
            single = qml_pl.math.ndim(x) == 1
            x2 = x[None, :] if single else x
            start = 0
            for name, size in circuit.input_shapes.items():
                cols[name] = x2[:, start : start + size]
                start += size
        flat = {name: qml_pl.math.reshape(w, (-1,)) for name, w in weights.items()}
        for make, op in ops:
            angles = []
            for p in op.params:
                value = p.evaluate(cols, flat)
                angles.append(value[0] if single and qml_pl.math.ndim(value) == 1 else value)
            like = next((a for a in angles if not isinstance(a, float)), None)
            if like is not None and len(angles) > 1:
                # a gate mixing constant and tensor angles (u3, rot): one interface for all
                interface = qml_pl.math.get_interface(like)
                angles = [
                    qml_pl.math.cast_like(
                        qml_pl.math.asarray(np.asarray(a, dtype=np.float64), like=interface), like
                    )
                    if isinstance(a, float)
                    else a
                    for a in angles
                ]
            make(*angles, wires=list(op.wires)) if angles else make(wires=list(op.wires))

    return qfunc


def observable_to_pennylane(obs: Observable):
    """The PennyLane operator equal to ``obs``."""
    import numpy as np
    import pennylane as qml_pl

    letters = {"X": qml_pl.PauliX, "Y": qml_pl.PauliY, "Z": qml_pl.PauliZ}
    coeffs, ops = [], []
    for c, term in obs.terms():
        if isinstance(term, PauliWord):
            if term.paulis:
                factors = [letters[p](w) for w, p in term.paulis.items()]
                op = factors[0] if len(factors) == 1 else qml_pl.prod(*factors)
            else:
                op = qml_pl.Identity(term.wires[0] if term.wires else 0)
        elif isinstance(term, Hermitian):
            op = qml_pl.Hermitian(np.asarray(term.matrix_), wires=list(term.wires))
        else:  # pragma: no cover - all terms are one of the two
            raise InteropError(f"cannot convert {term!r} to PennyLane")
        coeffs.append(c)
        ops.append(op)
    if len(ops) == 1 and coeffs[0] == 1.0:
        return ops[0]
    return qml_pl.dot(coeffs, ops)
