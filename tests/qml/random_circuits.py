"""Seeded random circuits and observables over the whole gate table, for reference tests.

Every circuit on ``n`` qubits holds each gate of :data:`qml.GATES` that fits on ``n`` wires at
least once, in a random order and on random (ordered) wires, after a layer of single-qubit gates
that spreads the state so phases and diagonal gates matter. Angles mix floats, inputs, weights
and expressions (``w * x + b``, ``(pi - x0) * (pi - x1)``, products of weights, ``-x / 2``);
every declared input feature and weight entry is used at least once, so every gradient entry is
non-trivial. Randomness comes only from ``numpy.random.default_rng`` seeded by the caller.

Input and weight values are rounded to float32 so complex64 runs see exactly the same angles as
the float64 references.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

import qml
from qml.expr import Expr, Input, Weight

__all__ = [
    "INPUT_RANGE",
    "fitting_gates",
    "random_circuit",
    "random_inputs",
    "random_observables",
    "random_weights",
]

INPUT_RANGE = (-math.pi, math.pi)  # inputs and weights are drawn uniformly from this range

# Separate streams of one seed, so adding a draw to one does not shift the others.
_CIRCUIT_STREAM, _OBSERVABLE_STREAM, _INPUT_STREAM, _WEIGHT_STREAM = range(4)
_SPREAD_GATES = ("h", "sx", "ry", "u3")  # non-diagonal single-qubit gates for the first layer


def fitting_gates(n_qubits: int) -> list[str]:
    """Names of the gates of :data:`qml.GATES` that act on at most ``n_qubits`` wires."""
    return [name for name, spec in qml.GATES.items() if spec.num_wires <= n_qubits]


class _Angles:
    """Draws angle expressions, using every not-yet-used input and weight leaf first."""

    def __init__(self, rng: np.random.Generator, inputs: list[Input], weights: list[Weight]):
        self.rng = rng
        self.inputs = inputs
        self.weights = weights
        self.unused_inputs = list(inputs)
        self.unused_weights = list(weights)

    def _pick(self, pool: list, unused: list):
        if unused:
            return unused.pop(int(self.rng.integers(len(unused))))
        return pool[int(self.rng.integers(len(pool)))]

    def x(self) -> Input:
        return self._pick(self.inputs, self.unused_inputs)

    def w(self) -> Weight:
        return self._pick(self.weights, self.unused_weights)

    def draw(self) -> float | Expr:
        kind = int(self.rng.integers(9))
        if kind == 0:
            return float(self.rng.uniform(-math.pi, math.pi))
        if kind == 1:
            return self.x()
        if kind == 2:
            return self.w()
        if kind == 3:  # data re-uploading
            return self.w() * self.x() + self.w()
        if kind == 4:  # ZZ feature map
            return (math.pi - self.x()) * (math.pi - self.x())
        if kind == 5:
            return -self.x() / 2 + 0.25
        if kind == 6:
            return self.w() * self.w() - self.x()
        if kind == 7:
            return 0.5 - 2.0 * self.w()
        return self.x() * self.x() + 0.3 * self.w()


def random_circuit(
    n_qubits: int,
    *,
    seed: int,
    n_extra: int | None = None,
    two_input_arrays: bool | None = None,
) -> qml.Circuit:
    """A random circuit on ``n_qubits`` wires holding every gate that fits.

    Args:
        n_qubits: number of wires (gates on more wires are left out).
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same circuit.
        n_extra: random gates added on top of one of each fitting gate (default ``2 * n``).
        two_input_arrays: also declare a second input array ``u`` (default: drawn).

    Returns:
        The circuit. Inputs: ``x`` (1 to 3 features) and maybe ``u`` (1 or 2); weights:
        ``theta`` of shape ``(L, 2)``, ``beta`` of shape ``(k,)`` and the scalar ``gamma``.
    """
    rng = np.random.default_rng((seed, _CIRCUIT_STREAM))
    c = qml.Circuit(n_qubits)
    inputs = list(c.inputs(int(rng.integers(1, 4)), "x"))
    if two_input_arrays is None:
        two_input_arrays = bool(rng.integers(2))
    if two_input_arrays:
        inputs += list(c.inputs(int(rng.integers(1, 3)), "u"))
    theta = c.weights("theta", (int(rng.integers(2, 4)), 2))
    beta = c.weights("beta", (int(rng.integers(1, 4)),))
    gamma = c.weights("gamma", ())
    weights = [theta[i, j] for i in range(theta.shape[0]) for j in range(2)]
    weights += list(beta) + [gamma[()]]
    angles = _Angles(rng, inputs, weights)

    for q in range(n_qubits):
        name = _SPREAD_GATES[int(rng.integers(len(_SPREAD_GATES)))]
        _append(c, rng, angles, name, wires=(q,))

    names = fitting_gates(n_qubits)
    n_extra = 2 * n_qubits if n_extra is None else n_extra
    body = names + [names[int(i)] for i in rng.integers(len(names), size=n_extra)]
    for i in rng.permutation(len(body)):
        _append(c, rng, angles, body[int(i)])

    # leaves the draws above did not reach still get a gate, so every gradient entry is used
    for leaf in angles.unused_inputs + angles.unused_weights:
        c.append("ry" if rng.integers(2) else "rx", (int(rng.integers(n_qubits)),), (leaf,))
    return c


def _append(c: qml.Circuit, rng, angles: _Angles, name: str, wires: Sequence[int] = ()):
    spec = qml.GATES[name]
    if not wires:
        wires = tuple(int(w) for w in rng.choice(c.n_qubits, size=spec.num_wires, replace=False))
    c.append(name, wires, [angles.draw() for _ in range(spec.num_params)])


def random_observables(n_qubits: int, *, seed: int) -> list[qml.Observable]:
    """Random observables on ``n_qubits`` wires, one of each kind.

    Returns:
        ``[Z on a random wire, Pauli word, weighted Pauli word, real-weighted Pauli sum with a
        constant term, Hermitian matrix, weighted Hermitian plus a Pauli word]``. The Pauli words
        use X, Y and Z (all three when the word has at least three wires) on random wires.
    """
    rng = np.random.default_rng((seed, _OBSERVABLE_STREAM))
    n = n_qubits

    def word(max_len: int = 4) -> qml.Observable:
        size = int(rng.integers(1, min(n, max_len) + 1))
        wires = rng.choice(n, size=size, replace=False)
        letters = list(rng.permutation(["X", "Y", "Z"]))
        out = None
        for i, w in enumerate(wires):
            p = {"X": qml.X, "Y": qml.Y, "Z": qml.Z}[letters[i % 3]](int(w))
            out = p if out is None else out @ p
        return out

    def coeff() -> float:
        return float(rng.uniform(0.2, 1.5) * rng.choice([-1.0, 1.0]))

    sum_ = float(rng.uniform(-0.5, 0.5)) + coeff() * word()
    for _ in range(int(rng.integers(1, 4))):
        sum_ = sum_ + coeff() * word()
    if n > 1:
        sum_ = sum_ - 0.5 * qml.I(int(rng.integers(n)))

    def hermitian() -> qml.Hermitian:
        k = min(n, int(rng.integers(1, 4)))
        g = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
        wires = [int(w) for w in rng.choice(n, size=k, replace=False)]
        return qml.Hermitian((g + g.conj().T) / 2, wires=wires)

    return [
        qml.Z(int(rng.integers(n))),
        word(),
        coeff() * word(),
        sum_,
        hermitian(),
        coeff() * hermitian() + coeff() * word(2),
    ]


def random_inputs(circuit: qml.Circuit, batch: int, *, seed: int) -> np.ndarray:
    """``(batch, circuit.num_inputs)`` float64 features, exactly representable in float32."""
    rng = np.random.default_rng((seed, _INPUT_STREAM))
    values = rng.uniform(*INPUT_RANGE, size=(batch, circuit.num_inputs))
    return values.astype(np.float32).astype(np.float64)


def random_weights(circuit: qml.Circuit, *, seed: int) -> dict[str, np.ndarray]:
    """Weight name -> float64 array of the declared shape, exactly representable in float32."""
    rng = np.random.default_rng((seed, _WEIGHT_STREAM))
    return {
        name: np.asarray(rng.uniform(*INPUT_RANGE, size=shape), dtype=np.float32).astype(np.float64)
        for name, shape in circuit.weight_shapes.items()
    }
