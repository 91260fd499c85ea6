"""Ready-made circuit pieces: data encodings, trainable ansätze and observable sets.

Example:
    >>> from circuits import ansatze, encodings, observables
    >>> c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    >>> c, observables.z_all(2)
    (Circuit(2 qubits, 5 operations, inputs x[2], weights theta(1, 2)), [Z(0), Z(1)])
"""

from circuits import ansatze, encodings, observables

__all__ = ["ansatze", "encodings", "observables"]
