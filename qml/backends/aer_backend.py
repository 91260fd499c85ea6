"""Qiskit Aer as a backend: ``backend="aer"`` / ``"aer:gpu"``, optional ``noise="fake_<name>"``.

The slot circuit (:meth:`~qml.Circuit.angles_as_inputs`) becomes one parametrised Qiskit circuit (a
``ParameterVector`` ``s``, one entry per gate angle), transpiled once; a batch of rows runs as
ONE ``EstimatorV2`` PUB (``parameter_values: (R, 1, A)``, observables ``(n_obs,)`` ->
``(R, n_obs)``), so a forward pass is one Aer execution and a parameter-shift backward a few.
Gradients, measurement groups and statistics are :class:`~qml.backends.rows.RowExecutable`'s;
this module implements its ``run_rows`` and ``sample_rows``.

Noise (``noise="fake_fez"``, ``"fake_torino"``, ``"fake_manila"``, ...): the circuit is transpiled
to the fake backend's basis and coupling map (``generate_preset_pass_manager``), observables
follow the layout (``SparsePauliOp.apply_layout``), and the noise model is built from the
backend's calibration for the active qubits only, simulated as an exact density matrix
(measured in docs/notes/aer-backend-research.md: the full 156-qubit FakeFez model costs ~3 s a
call, the compact one ~0.03 s, with identical results). ``"ibm_<name>"`` names the same fake
backend (the estimator's targets are named so). A custom ``qiskit_aer.noise.NoiseModel`` is
simulated as a density matrix on the circuit transpiled to the model's basis gates (no layout).

Shots: one measured circuit per qubit-wise commuting group of the observables' terms
(:mod:`qml.measurement_groups`, the grouping the estimator counts), all groups and rows in one
``SamplerV2`` run seeded from the layer's generator.

Memory: before each run the bytes of one state (``16 * 2**n``, or ``16 * 4**n`` for a density
matrix) are checked against the free memory (Aer runs the bound rows of a circuit one after
another), raising :class:`~qml.errors.MemoryBudgetError` rather than dying inside Aer.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence

import numpy as np
import torch

from qml._checks import boolean
from qml.backends.base import MAX_QUBITS, Capabilities
from qml.backends.fake_backends import canonical_fake_name, fake_backend
from qml.backends.rows import RowExecutable
from qml.circuit import Circuit
from qml.errors import BackendError, MemoryBudgetError
from qml.interop.bitorder import to_sparse_pauli_op
from qml.measurement_groups import draw_seed
from qml.observables import Observable, Z
from qml.sim.memory import ALWAYS_FITS_BYTES, available_bytes, format_bytes

__all__ = ["AerBackend", "AerExecutable"]

NOISY_MAX_QUBITS = 12  # density matrices: 16**n bytes
AER_BASIS = (
    *("u", "p", "rx", "ry", "rz", "cx", "cz", "swap", "ccx", "rxx", "ryy", "rzz"),
    *("h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg"),
)
SHIFT_ROW_BYTES = 2**16  # Aer rows are cheap to batch; sizes the parameter-shift slices


def _qiskit_aer():
    try:
        import qiskit_aer
    except ImportError as exc:  # pragma: no cover - qiskit-aer is a core dependency
        raise BackendError("'aer' backends need Qiskit Aer: pip install qiskit-aer") from exc
    return qiskit_aer


def _noise_backend(noise: str):
    """The fake backend a ``noise`` name (``fake_<name>`` or ``ibm_<name>``) stands for."""
    return fake_backend(noise, what="noise backend")


def _check_noise(noise: object) -> None:
    """Refuse a ``noise`` that is neither a fake backend's name nor an Aer ``NoiseModel``."""
    if noise is None or isinstance(noise, str):
        if noise is not None:
            _noise_backend(noise)  # an unknown name fails at construction, listing the known ones
        return
    from qiskit_aer.noise import NoiseModel

    if not isinstance(noise, NoiseModel):
        raise BackendError(
            "noise must be a fake backend's name ('fake_fez', 'ibm_fez', ...) or a "
            f"qiskit_aer.noise.NoiseModel, got {noise!r}"
        )


def _model_basis(model) -> list[str]:
    """Gates to transpile to for a custom NoiseModel: its basis, without the controlled
    rotations Aer mis-binds (their decompositions carry the noise of the basis gates)."""
    keep = set(AER_BASIS) | {"id", "u1", "u2", "u3"}
    return sorted(g for g in model.basis_gates if g in keep)


def _state_bytes(n_qubits: int, *, density: bool) -> int:
    """Bytes of one Aer state: complex128 amplitudes, ``4**n`` of them for a density matrix."""
    return 16 * (4**n_qubits if density else 2**n_qubits)


def check_memory(n_qubits: int, *, density: bool, where: str) -> None:
    """Raise :class:`MemoryBudgetError` if one state of ``n_qubits`` does not fit (Aer runs
    the rows of a PUB one after another).

    Raises:
        MemoryBudgetError: naming the bytes needed and available.
    """
    need = _state_bytes(n_qubits, density=density)
    if need <= ALWAYS_FITS_BYTES:
        return
    have = available_bytes(torch.device("cpu"))
    if need > have:
        kind = "density matrix" if density else "statevector"
        raise MemoryBudgetError(
            f"{where}: a {kind} of {n_qubits} qubits needs about {format_bytes(need)}, but "
            f"{format_bytes(have)} is available; use fewer qubits"
        )


@functools.cache
def _device_errors(noise: str):
    """Gate and readout errors of the fake backend ``fake_<name>`` (a few seconds once)."""
    from qiskit_aer.noise.device import basic_device_gate_errors, basic_device_readout_errors

    fake = _noise_backend(noise)
    return basic_device_gate_errors(target=fake.target), basic_device_readout_errors(
        target=fake.target
    )


@functools.cache
def _gpu_usable() -> bool:
    """Probe once whether Aer can simulate on a GPU."""
    aer = _qiskit_aer()
    if "GPU" not in aer.AerSimulator().available_devices():
        return False
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(1)
    qc.h(0)
    qc.save_statevector()
    try:
        aer.AerSimulator(device="GPU").run(qc).result()
    except Exception:  # noqa: BLE001 - any failure means no usable GPU
        return False
    return True


class AerExecutable(RowExecutable):
    """A slot circuit transpiled once, its rows evaluated by one Aer ``EstimatorV2`` PUB
    (exact) or one ``SamplerV2`` run over every measurement group (shots)."""

    row_bytes = SHIFT_ROW_BYTES

    def __init__(
        self,
        backend: AerBackend,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str,
    ) -> None:
        from qiskit import QuantumCircuit, transpile
        from qiskit.transpiler import generate_preset_pass_manager
        from qiskit_aer.primitives import EstimatorV2

        _qiskit_aer()
        from qiskit_aer import AerSimulator

        super().__init__(backend.name, circuit, observables, shots=shots, diff_method=diff_method)
        n = circuit.n_qubits
        qc = circuit.angles_as_inputs().to_qiskit()
        obs = [to_sparse_pauli_op(o, n) for o in observables]
        measured = sorted(
            {w for g in self.grouping.groups for w in g.wires} if self.grouping else set()
        )
        self._phys = {w: w for w in range(n)}  # qml wire -> qubit of the simulated circuit
        options: dict = {"method": "statevector"}
        noise = backend.noise
        if isinstance(noise, str):
            fake = _noise_backend(noise)
            if fake.num_qubits < n:
                raise BackendError(
                    f"noise={noise!r} models a {fake.num_qubits}-qubit device, but the circuit "
                    f"has {n} qubits; choose a wider backend (e.g. 'fake_fez', 156 qubits)"
                )
            pm = generate_preset_pass_manager(optimization_level=1, backend=fake, seed_transpiler=0)
            try:
                isa = pm.run(qc)
            except Exception as exc:  # noqa: BLE001 - Qiskit's TranspilerError and others
                raise BackendError(
                    f"could not transpile the {n}-qubit circuit for noise={noise!r} "
                    f"({fake.num_qubits} qubits): {exc}"
                ) from exc
            isa_obs = [o.apply_layout(isa.layout) for o in obs]
            wire_ops = [to_sparse_pauli_op(Z(w), n).apply_layout(isa.layout) for w in measured]
            qc, all_obs, noise_model = _compact(isa, isa_obs + wire_ops, noise, QuantumCircuit)
            obs = all_obs[: len(isa_obs)]
            for w, op in zip(measured, all_obs[len(isa_obs) :], strict=True):
                self._phys[w] = int(op.to_sparse_list()[0][1][0])
            options = {"method": "density_matrix", "noise_model": noise_model}
        elif noise is not None:  # a custom NoiseModel, on its own basis gates
            basis = _model_basis(noise)
            try:
                qc = transpile(qc, basis_gates=basis, optimization_level=0)
            except Exception as exc:  # noqa: BLE001 - Qiskit's TranspilerError and others
                raise BackendError(
                    f"could not transpile the circuit to the noise model's basis gates {basis}: "
                    f"{exc}"
                ) from exc
            options = {"method": "density_matrix", "noise_model": noise}
        else:
            # Aer 0.18 mis-binds parameters of controlled rotations and controlled phases in
            # row-batched runs (rows go missing or come out wrong); their decompositions in
            # this basis bind correctly (tests/backends/test_conformance.py covers every gate)
            qc = transpile(qc, basis_gates=list(AER_BASIS), optimization_level=0)
        n_slots = self.program.n_shared + self.program.n_per_sample
        if qc.num_parameters != n_slots:
            raise BackendError(
                f"transpiling for Aer kept {qc.num_parameters} of {n_slots} angle slots"
            )
        if backend.gpu:
            options["device"] = "GPU"
        self.n_params = qc.num_parameters
        self._density = options["method"] == "density_matrix"
        # Qiskit orders parameters by name; a ParameterVector's entries sort by index
        self._qc, self._obs = qc, obs
        self._simulator = AerSimulator(**options)
        self._estimator = EstimatorV2.from_backend(self._simulator)
        self._shot_circuits = self._measured_circuits(qc) if shots is not None else []

    def _measured_circuits(self, qc) -> list:
        """One measured circuit per measurement group: the group's wires rotated onto Z
        (:meth:`~qml.measurement_groups.MeasurementGroup.rotation`; a Hermitian: its eigenvector
        matrix V^dagger) and measured into a register ``meas`` in the group's wire order. The
        rotations are ideal gates (a noise model's errors sit on its basis gates); readout
        errors apply."""
        from qiskit import ClassicalRegister
        from qiskit.circuit.library import UnitaryGate

        assert self.grouping is not None  # only called with shots
        circuits = []
        phys = self._phys
        for group in self.grouping.groups:
            c = qc.copy()
            meas = ClassicalRegister(len(group.wires), "meas")
            c.add_register(meas)
            if group.v_dag is not None:
                # Qiskit's matrix convention: qargs[0] is the least significant bit
                c.append(UnitaryGate(group.v_dag), [phys[w] for w in reversed(group.wires)])
            else:
                for gate, w in group.rotation:
                    getattr(c, gate)(phys[w])
            for i, w in enumerate(group.wires):
                c.measure(phys[w], meas[i])
            circuits.append(c)
        return circuits

    def check_memory(self, rows: int) -> None:
        check_memory(self._qc.num_qubits, density=self._density, where=f"backend {self.name!r}")

    def run_rows(self, rows: np.ndarray) -> np.ndarray:
        """``(R, A)`` slot angles -> ``(R, n_obs)``: one EstimatorV2 PUB of every row."""
        if self.n_params:
            pub = (self._qc, self._obs, rows[:, None, :])
            evs = self._estimator.run([pub]).result()[0].data.evs  # (R, n_obs)
        else:
            evs = np.asarray(self._estimator.run([(self._qc, self._obs)]).result()[0].data.evs)
            evs = np.broadcast_to(evs, (rows.shape[0], len(self._obs)))
        return np.array(evs, dtype=np.float64)

    def sample_rows(self, rows: np.ndarray, generator: torch.Generator | None) -> list:
        """Every group's circuit and every row in one SamplerV2 run seeded from ``generator``."""
        from qiskit_aer.primitives import SamplerV2

        seed = draw_seed(generator)
        if not self._shot_circuits:
            return []
        sampler = SamplerV2.from_backend(self._simulator, seed=seed)
        pubs = [(c, rows) if self.n_params else (c,) for c in self._shot_circuits]
        result = sampler.run(pubs, shots=self.shots).result()
        bits = []
        for i in range(len(pubs)):
            b = result[i].data.meas.to_bool_array(order="little")  # (R, shots, k) | (shots, k)
            bits.append(torch.from_numpy(np.array(b, dtype=np.uint8)).reshape(-1, *b.shape[-2:]))
        return bits


def _compact(isa, isa_obs, noise: str, QuantumCircuit):
    """Drop idle wires; a noise model of the active physical qubits only, renumbered."""
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_aer.noise import NoiseModel

    used = {isa.find_bit(q).index for inst in isa.data for q in inst.qubits}
    used |= {q for o in isa_obs for _, qubits, _ in o.to_sparse_list() for q in qubits}
    active = sorted(used)
    pos = {p: i for i, p in enumerate(active)}
    small = QuantumCircuit(len(active))
    for inst in isa.data:
        small.append(inst.operation, [pos[isa.find_bit(q).index] for q in inst.qubits])
    obs = []
    for o in isa_obs:
        terms = [(label, [pos[q] for q in qubits], c) for label, qubits, c in o.to_sparse_list()]
        obs.append(SparsePauliOp.from_sparse_list(terms, len(active)))
    gate_errors, readout_errors = _device_errors(canonical_fake_name(noise))
    model = NoiseModel(basis_gates=_noise_backend(noise).operation_names)
    for name, qubits, err in gate_errors:
        if all(q in pos for q in qubits):
            model.add_quantum_error(err, name, [pos[q] for q in qubits])
    for qubits, err in readout_errors:
        if all(q in pos for q in qubits):
            model.add_readout_error(err, [pos[q] for q in qubits])
    return small, obs, model


class AerBackend:
    """``aer`` (CPU) or ``aer:gpu``; ``noise="fake_<name>"`` (or ``"ibm_<name>"``) adds the
    calibrated noise model of that fake backend, ``noise=NoiseModel(...)`` a custom one.

    Raises:
        BackendError: an unknown name or option, a ``noise`` that is neither a known fake
            backend's name nor a ``qiskit_aer.noise.NoiseModel``, a ``strict`` that is not a
            bool, or ``aer:gpu`` without a usable GPU under ``strict=True``.
    """

    def __init__(self, name: str, *, noise: object = None, strict: bool = False):
        prefix, _, option = name.partition(":")
        if prefix != "aer" or option not in ("", "gpu", "cpu"):
            raise BackendError(f"Aer backends are 'aer', 'aer:cpu' or 'aer:gpu', got {name!r}")
        strict = boolean(strict, name="strict", error=BackendError)
        self.name = name
        _check_noise(noise)
        self.noise = noise
        self.gpu = option == "gpu"
        if self.gpu and not _gpu_usable():
            message = (
                "backend 'aer:gpu' found no usable GPU (the qiskit-aer wheel is CPU-only; "
                "install the 'gpu' extra, which replaces it with qiskit-aer-gpu)"
            )
            if strict:
                raise BackendError(message)
            warnings.warn(message + "; falling back to the CPU", RuntimeWarning, stacklevel=2)
            self.gpu = False
        max_q = NOISY_MAX_QUBITS if noise is not None else MAX_QUBITS
        self.capabilities = Capabilities(
            exact=True,
            shots=True,
            diff_methods=("auto", "parameter-shift", "spsa"),
            devices=("cpu", "cuda") if self.gpu else ("cpu",),
            max_qubits=max_q,
        )

    def compile(
        self,
        circuit: Circuit,
        observables: Sequence[Observable],
        *,
        shots: int | None,
        diff_method: str = "auto",
    ) -> AerExecutable:
        return AerExecutable(self, circuit, observables, shots=shots, diff_method=diff_method)
