"""The reference interpreter of the native simulator: one kernel call per gate.

:func:`compile_plan` wraps a :class:`~qml.Circuit` in a :class:`Plan`; ``Plan.run`` evaluates
each gate's angles for the batch and applies the gates one by one with the pure kernels. It is
slow and obviously right: the layers run the optimised :class:`~qml.sim.compiled.CompiledPlan`,
and the tests hold the compiled plan to this interpreter (itself held to Qiskit and PennyLane).
Shot sampling of expectations (``Plan.sampled_expvals``) and amplitude encoding
(``amplitude_state``) live here and are shared by both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch

from qml.circuit import Circuit, StatePrep
from qml.errors import InputError
from qml.gates import GATES, GateSpec, gate_matrix
from qml.measurement_groups import (
    MeasurementGroup,
    MeasurementGroups,
    estimates_from_bits,
    measurement_groups,
)
from qml.observables import Observable, PauliWord
from qml.sim.measure import basis_rotation, expval, probabilities, sample_bits
from qml.sim.statevector import apply_diagonal, apply_matrix, zero_state

__all__ = ["Plan", "compile_plan", "split_inputs"]


@dataclass(frozen=True)
class _Step:
    spec: GateSpec
    wires: tuple[int, ...]
    params: tuple  # Expr per angle


class Plan:
    """A circuit prepared for repeated batched execution (see :func:`compile_plan`)."""

    def __init__(self, circuit: Circuit):
        self.circuit = circuit
        self.n_qubits = circuit.n_qubits
        ops = circuit.operations
        self.prep = ops[0] if ops and isinstance(ops[0], StatePrep) else None
        self.steps = [
            _Step(op.spec, op.wires, op.params) for op in ops if not isinstance(op, StatePrep)
        ]

    def run(
        self,
        inputs: torch.Tensor | None,
        weights: Mapping[str, torch.Tensor],
        *,
        batch: int | None = None,
        dtype: torch.dtype = torch.complex64,
        device=None,
    ) -> torch.Tensor:
        """Final states for a batch.

        Args:
            inputs: ``(B, F)`` real features, or ``None`` for a circuit without inputs.
            weights: name -> tensor of the declared shape.
            batch: ``B`` when ``inputs`` is ``None`` (default 1).
            dtype: ``torch.complex64`` or ``torch.complex128``.
            device: where to simulate when ``inputs`` is ``None``.

        Returns:
            ``(B, 2, ..., 2)`` complex states.
        """
        if inputs is not None:
            real = torch.float64 if dtype == torch.complex128 else torch.float32
            inputs = inputs.to(real)
            batch, device = inputs.shape[0], inputs.device
        batch = 1 if batch is None else batch
        cols = split_inputs(self.circuit, inputs)
        flat = {name: w.reshape(-1) for name, w in weights.items()}
        if self.prep is not None:
            state = _prepare(self.prep, self.n_qubits, cols, flat, batch, dtype, device)
        else:
            state = zero_state(self.n_qubits, batch, dtype=dtype, device=device)
        for step in self.steps:
            angles = [p.evaluate(cols, flat) for p in step.params]
            m = gate_matrix(step.spec, angles, dtype=dtype, device=device)
            if step.spec.diagonal:
                state = apply_diagonal(state, torch.diagonal(m, dim1=-2, dim2=-1), step.wires)
            else:
                state = apply_matrix(state, m, step.wires)
        return state

    @staticmethod
    def expvals(state: torch.Tensor, observables: Sequence[Observable]) -> torch.Tensor:
        """Exact expectations, ``(B, len(observables))`` real."""
        return torch.stack([expval(state, o) for o in observables], dim=1)

    @staticmethod
    def sampled_expvals(
        state: torch.Tensor,
        observables: Sequence[Observable] | MeasurementGroups,
        shots: int,
        *,
        generator: torch.Generator | None,
    ) -> torch.Tensor:
        """Expectations estimated from ``shots`` measurements per group, ``(B, len(obs))``.

        The terms are grouped qubit-wise (:func:`~qml.measurement_groups.measurement_groups`):
        each group's basis is rotated onto Z once (a Hermitian's eigenbasis for a Hermitian
        group) and sampled once, and every term of the group is read from the same samples.
        The estimate of a sum is the coefficient-weighted sum of the term estimates.

        Args:
            state: ``(B, 2, ..., 2)`` complex.
            observables: the observables, or their precomputed grouping.
            shots: measurements per group and sample.
            generator: the source of randomness (``None``: torch's default).

        Returns:
            ``(B, n_observables)`` real, of the state's real dtype.
        """
        grouping = (
            observables
            if isinstance(observables, MeasurementGroups)
            else measurement_groups(observables)
        )
        bits = [_sampled_group(state, g, shots, generator) for g in grouping.groups]
        out = estimates_from_bits(grouping, bits, rows=state.shape[0], device=state.device)
        return out.to(state.real.dtype)


def _sampled_group(state, group: MeasurementGroup, shots: int, generator) -> torch.Tensor:
    """``(B, shots, k)`` bits of ``group.wires`` measured after the group's basis rotation."""
    rotated = state
    if group.v_dag is not None:
        v_dag = torch.as_tensor(group.v_dag, dtype=state.dtype, device=state.device)
        rotated = apply_matrix(state, v_dag, group.wires)
    else:
        for name, w in basis_rotation(PauliWord(dict(group.basis))):
            m = gate_matrix(GATES[name], [], dtype=state.dtype, device=state.device)
            rotated = apply_matrix(rotated, m, (w,))
    wires = list(group.wires)
    return sample_bits(probabilities(rotated, wires), shots, len(wires), generator=generator)


def _prepare(prep: StatePrep, n: int, cols, flat, batch: int, dtype, device) -> torch.Tensor:
    """Initial state of an amplitude encoding: ``(B, 2, ..., 2)``."""
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    values = []
    for f in prep.params:
        v = torch.as_tensor(f.evaluate(cols, flat), dtype=real, device=device)
        values.append(v.expand(batch))
    return amplitude_state(prep, n, torch.stack(values, dim=1), dtype=dtype)


def amplitude_state(prep: StatePrep, n: int, amps: torch.Tensor, *, dtype) -> torch.Tensor:
    """``(B, 2, ..., 2)`` state whose amplitudes on ``prep.wires`` are ``amps: (B, m)`` real.

    Pads with ``prep.pad_with``, normalises (or checks the norm), and leaves other wires in |0>.

    Raises:
        InputError: a sample whose features are all zero, or not of norm 1 without normalize.
    """
    batch, device = amps.shape[0], amps.device
    real = amps.dtype
    dim = 2 ** len(prep.wires)
    if amps.shape[1] < dim:
        pad = torch.full(
            (batch, dim - amps.shape[1]), prep.pad_with or 0.0, dtype=real, device=device
        )
        amps = torch.cat([amps, pad], dim=1)
    norm = amps.norm(dim=1, keepdim=True)
    if prep.normalize:
        if bool((norm == 0).any()):
            i = int((norm[:, 0] == 0).nonzero()[0, 0])
            raise InputError(
                f"amplitude encoding of sample {i}: all features are zero, cannot normalise"
            )
        amps = amps / norm
    elif not torch.allclose(norm, torch.ones_like(norm), atol=1e-6):
        i = int((norm[:, 0] - 1).abs().argmax())
        raise InputError(
            f"amplitude encoding of sample {i}: features have norm {float(norm[i, 0]):.6g}, not 1; "
            "pass normalize=True"
        )
    k = len(prep.wires)
    order = sorted(range(k), key=lambda i: prep.wires[i])
    local = amps.to(dtype).reshape((batch,) + (2,) * k).permute([0] + [1 + i for i in order])
    state = torch.zeros((batch,) + (2,) * n, dtype=dtype, device=device)
    index = tuple([slice(None)] + [slice(None) if w in prep.wires else 0 for w in range(n)])
    state[index] = local
    return state


def split_inputs(circuit: Circuit, inputs: torch.Tensor | None) -> dict[str, torch.Tensor]:
    """Split ``(B, F)`` features into the circuit's input arrays, in declaration order.

    Raises:
        InputError: wrong width, not 2-D, or containing NaN / inf.
    """
    shapes = circuit.input_shapes
    width = circuit.num_inputs
    if inputs is None:
        if width:
            raise InputError(f"the circuit expects {width} input features, got none")
        return {}
    if inputs.dim() != 2:
        raise InputError(f"inputs must be (B, F), got shape {tuple(inputs.shape)}")
    if inputs.shape[1] != width:
        raise InputError(
            f"inputs have {inputs.shape[1]} features per sample, but the circuit declares "
            f"{width} ({', '.join(f'{n}[{s}]' for n, s in shapes.items()) or 'none'})"
        )
    if inputs.is_complex():
        raise InputError(f"inputs must be real, got dtype {inputs.dtype}")
    if not torch.isfinite(inputs).all():
        bad = (~torch.isfinite(inputs)).nonzero()[0].tolist()
        raise InputError(
            f"inputs contain a non-finite value {inputs[bad[0], bad[1]].item()} at sample "
            f"{bad[0]}, feature {bad[1]}"
        )
    cols: dict[str, torch.Tensor] = {}
    start = 0
    for name, size in shapes.items():
        cols[name] = inputs[:, start : start + size]
        start += size
    return cols


def compile_plan(circuit: Circuit) -> Plan:
    """Prepare ``circuit`` for batched execution."""
    return Plan(circuit)
