"""A training workload, and what it asks of a circuit: evaluations, measurement settings, shots.

Counting rules (one *execution* is one circuit with one binding of its parameters, run for a
number of shots in one measurement setting):

- forward of one sample: ``groups`` executions, one per qubit-wise commuting group of the
  layer's Pauli terms (all outputs of a ``Z``-product layer share one group);
- parameter-shift: per sample, the forward plus, for every trainable angle occurrence, its
  shift rule's terms (2 for ``rx``-like gates, 4 for controlled rotations; Schuld et al. 2019,
  arXiv:1811.11184; Anselmetti et al. 2021, arXiv:2107.12390), each in every group;
- SPSA: per sample, the forward plus 2 perturbed evaluations (Spall 1992), in every group;
- adjoint and backprop: simulators only (they read the state, which hardware cannot);
- ``"none"``: inference, the forward only.

Jobs: a training step sends its forward and its gradient circuits as two jobs (as the ``aer``
backend does, one primitive call each); inference sends one job per batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qml._checks import boolean, integer, is_real
from qml.circuit import Circuit, StatePrep
from qml.errors import EstimateError
from qml.estimator.shots import shot_allocation
from qml.expr import Weight
from qml.gates import GATES
from qml.measurement_groups import MeasurementGroups, measurement_groups
from qml.observables import Observable

__all__ = [
    "Workload",
    "DIFF_METHODS",
    "HARDWARE_DIFF_METHODS",
    "CircuitDemand",
    "demand",
    "shots_for_precision",
]

DIFF_METHODS = ("parameter-shift", "spsa", "adjoint", "backprop", "none")
HARDWARE_DIFF_METHODS = ("parameter-shift", "spsa", "none")
SPSA_EVALUATIONS_PER_STEP = 2  # Spall 1992: two perturbed evaluations per gradient estimate


@dataclass(frozen=True, kw_only=True)
class Workload:
    """What training (or inference) asks of a model.

    Args:
        samples: training samples per epoch.
        epochs: passes over the samples.
        batch: samples per optimiser step.
        shots: shots per execution on hardware; or give ``precision`` instead.
        precision: target standard error of every expectation, in (0, 1); converted to shots
            with ``M = (sum_g sqrt(Var_g))**2 / precision**2`` (:func:`estimate_shots`).
        diff_method: ``"parameter-shift"``, ``"spsa"``, ``"adjoint"``, ``"backprop"`` (the last
            two on simulators only) or ``"none"`` (inference).
        observable_groups: measurement settings per evaluation; by default the number of
            qubit-wise commuting groups of the observables' Pauli terms.
        differentiate_inputs: also shift input-dependent angles (a classical layer before
            the quantum one needs their gradients).

    Raises:
        EstimateError: a zero or negative count, a precision outside (0, 1), both ``shots``
            and ``precision``, or an unknown ``diff_method``.

    Example:
        >>> w = Workload(samples=1000, epochs=10, batch=32, shots=1000)
        >>> w.steps
        320
    """

    samples: int
    epochs: int = 1
    batch: int = 1
    shots: int | None = None
    precision: float | None = None
    diff_method: str = "parameter-shift"
    observable_groups: int | None = None
    differentiate_inputs: bool = False

    def __post_init__(self) -> None:
        for name in ("samples", "epochs", "batch"):
            integer(getattr(self, name), name=name, error=EstimateError, minimum=1)
        for name in ("shots", "observable_groups"):
            if getattr(self, name) is not None:
                integer(getattr(self, name), name=name, error=EstimateError, minimum=1)
        if self.precision is not None:
            p = self.precision
            if not is_real(p) or not 0 < p < 1:
                raise EstimateError(f"precision must be a number in (0, 1), got {p!r}")
            if self.shots is not None:
                raise EstimateError(
                    f"give shots or precision, not both (got shots={self.shots}, precision={p})"
                )
        inputs = boolean(
            self.differentiate_inputs, name="differentiate_inputs", error=EstimateError
        )
        object.__setattr__(self, "differentiate_inputs", inputs)
        if self.diff_method not in DIFF_METHODS:
            raise EstimateError(
                f"unknown diff_method {self.diff_method!r}; choose one of {', '.join(DIFF_METHODS)}"
            )
        if self.batch > self.samples:
            raise EstimateError(f"batch {self.batch} is larger than samples {self.samples}")

    @property
    def steps(self) -> int:
        """Optimiser steps (batches) over all epochs: ``epochs * ceil(samples / batch)``."""
        return self.epochs * math.ceil(self.samples / self.batch)

    @property
    def evaluations(self) -> int:
        """Samples pushed through the model: ``samples * epochs``."""
        return self.samples * self.epochs

    @property
    def training(self) -> bool:
        return self.diff_method != "none"


@dataclass(frozen=True, kw_only=True)
class CircuitDemand:
    """What one workload asks of one circuit and its observables on hardware."""

    groups: int  # measurement settings per evaluation
    circuits_per_sample: int  # evaluations per sample (forward + gradient), before groups
    executions: int  # groups * circuits_per_sample * samples * epochs
    shots_per_execution: int
    total_shots: int
    jobs: int
    trainable_angles: int  # angle occurrences parameter-shift shifts (0 for other methods)


def qubitwise_groups(observables: list[Observable]) -> int:
    """Greedy qubit-wise commuting groups of all Pauli terms (a ``Hermitian`` is its own group).

    The groups are the ones the shot-based backends measure
    (:func:`qml.measurement_groups.measurement_groups`); 0 when every observable is a multiple
    of the identity (a constant: nothing is measured, as on the backends).

    Example:
        >>> from qml.observables import X, Z
        >>> qubitwise_groups([Z(0), Z(1), Z(0) @ Z(1), X(0)])
        2
    """
    return len(measurement_groups(observables))


def _variances(groups: MeasurementGroups, observable: int) -> list[float]:
    """Variance bounds ``V_g = sum_j c_j**2`` of one observable's terms in each measured group
    that holds any (a Hermitian term counts its coefficient times its largest |eigenvalue|)."""
    out = []
    for group in groups.groups:
        scale = 1.0 if group.eigvals is None else float(np.abs(group.eigvals).max())
        coeffs = [ref.coeff * scale for ref in group.terms if ref.observable == observable]
        if coeffs:
            out.append(math.fsum(c * c for c in coeffs))
    return out  # empty: no variance, no shots needed


def shots_for_precision(
    observables: list[Observable], precision: float, *, groups: MeasurementGroups | None = None
) -> int:
    """Shots per execution so that every observable's estimate has standard error ``precision``.

    Each observable's terms fall into the measured groups ``g`` (``groups``, by default
    :func:`~qml.measurement_groups.measurement_groups` of ``observables``), of variance bound
    ``V_g = sum_j c_j**2``; the optimal allocation gives group ``g``
    ``M_g = sqrt(V_g) * sum_h sqrt(V_h) / precision**2`` shots
    (:func:`~qml.estimator.shots.shot_allocation`; ``M = sum_g M_g`` is what :func:`estimate_shots`
    returns). Every execution gets the same number of shots here, so the largest ``M_g`` over
    all observables and groups is needed.

    Example:
        >>> from qml.observables import X, Z
        >>> shots_for_precision([0.9 * X(0) + 0.1 * Z(0)], 0.01)   # (0.9 + 0.1) * 0.9 / 1e-4
        9000
    """
    if groups is None:
        groups = measurement_groups(observables)
    need = 0.0
    for k in range(len(observables)):
        _, per_group = shot_allocation(_variances(groups, k), error=precision)
        need = max([need, *per_group])
    return max(1, math.ceil(need - 1e-9 * need))


def trainable_angles(
    circuit: Circuit, *, inputs: bool = False, frozen: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """``(angle occurrences, shift-rule terms)`` of the angles a gradient must shift.

    An angle is shifted when it depends on a weight not in ``frozen`` (or on an input, with
    ``inputs=True``), as the simulators' parameter-shift does.
    """

    def trains(leaf) -> bool:
        return isinstance(leaf, Weight) and leaf.name not in frozen

    angles = terms = 0
    for op in circuit.operations:
        if isinstance(op, StatePrep):
            if any(trains(leaf) for p in op.params for leaf in p.leaves()):
                raise EstimateError(
                    "amplitude-embedded features depend on weights: parameter-shift has no rule "
                    "for them; use diff_method='spsa'"
                )
            if inputs:
                raise EstimateError(
                    "differentiate_inputs=True, but amplitude embedding has no shift rule; "
                    "use diff_method='spsa' (or 'none'), or differentiate_inputs=False"
                )
            continue
        for p in op.params:
            leaves = list(p.leaves())
            if not leaves or not (
                any(trains(leaf) for leaf in leaves) or (inputs and p.depends_on_inputs)
            ):
                continue
            rule = GATES[op.name].shift_rule
            if rule is None:
                raise EstimateError(f"gate {op.name!r} has a trainable angle but no shift rule")
            angles += 1
            terms += len(rule)
    return angles, terms


def demand(
    circuit: Circuit,
    observables: list[Observable],
    workload: Workload,
    *,
    frozen: frozenset[str] = frozenset(),
) -> CircuitDemand:
    """Executions, shots and jobs ``workload`` needs of ``circuit`` on hardware; weights named
    in ``frozen`` (``requires_grad=False`` on a layer) are not shifted.

    Raises:
        EstimateError: a simulator-only gradient method, or neither shots nor precision given.
    """
    if workload.diff_method not in HARDWARE_DIFF_METHODS:
        raise EstimateError(
            f"diff_method {workload.diff_method!r} runs only on simulators (it reads the state); "
            f"hardware needs one of {', '.join(HARDWARE_DIFF_METHODS)}"
        )
    if workload.shots is None and workload.precision is None:
        raise EstimateError("a hardware estimate needs shots or precision in the Workload")
    measured = measurement_groups(observables)
    groups = workload.observable_groups or len(measured)
    angles = 0
    if workload.diff_method == "parameter-shift":
        angles, terms = trainable_angles(
            circuit, inputs=workload.differentiate_inputs, frozen=frozen
        )
        per_sample = 1 + terms
    elif workload.diff_method == "spsa":
        per_sample = 1 + SPSA_EVALUATIONS_PER_STEP
    else:
        per_sample = 1
    executions = groups * per_sample * workload.evaluations
    if workload.shots is not None:
        shots = workload.shots
    else:
        assert workload.precision is not None  # checked above: one of them is given
        shots = shots_for_precision(observables, workload.precision, groups=measured)
    jobs_per_step = 2 if workload.training else 1
    return CircuitDemand(
        groups=groups,
        circuits_per_sample=per_sample,
        executions=executions,
        shots_per_execution=shots,
        total_shots=executions * shots,
        jobs=jobs_per_step * workload.steps,
        trainable_angles=angles,
    )
