"""Qiskit Aer as a backend: ``backend="aer"`` / ``"aer:gpu"``, optional ``noise="fake_<name>"``.

The slot circuit (:mod:`qml.backends.slots`) becomes one parametrised Qiskit circuit (a
``ParameterVector`` ``s``, one entry per gate angle), transpiled once; a batch of rows runs as
ONE ``EstimatorV2`` PUB (``parameter_values: (R, 1, A)``, observables ``(n_obs,)`` ->
``(R, n_obs)``), so a forward pass is one Aer execution and a parameter-shift backward a few.
Gradients are qml's shift rules over the slot angles (:mod:`qml.sim.gradients`).

Noise (``noise="fake_fez"``, ``"fake_torino"``, ``"fake_manila"``, ...): the circuit is transpiled
to the fake backend's basis and coupling map (``generate_preset_pass_manager``), observables
follow the layout (``SparsePauliOp.apply_layout``), and the noise model is built from the
backend's calibration for the active qubits only, simulated as an exact density matrix
(measured in docs/notes/aer-backend-research.md: the full 156-qubit FakeFez model costs ~3 s a
call, the compact one ~0.03 s, with identical results).
"""

from __future__ import annotations

import functools
import time
import warnings
from collections.abc import Sequence

import numpy as np
import torch

from qml.backends.base import Capabilities
from qml.backends.slots import (
    SlotRows,
    differentiable_rows,
    needs_grad,
    shift_rules,
    slot_circuit,
)
from qml.backends.stats import ExecutionStats
from qml.circuit import Circuit
from qml.errors import BackendError
from qml.interop.bitorder import to_sparse_pauli_op
from qml.observables import Observable
from qml.sim.angles import AngleProgram
from qml.sim.gradients import mask_rules
from qml.sim.schedule import build_schedule

__all__ = ["AerBackend", "AerExecutable", "fake_backend_names"]

MAX_QUBITS = 30
NOISY_MAX_QUBITS = 12  # density matrices: 16**n bytes
SPSA_EPS = 0.05
AER_BASIS = ("u", "p", "rx", "ry", "rz", "cx", "cz", "swap", "ccx", "rxx", "ryy", "rzz", "h",
             "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg")  # fmt: skip
SHIFT_ROW_BYTES = 2**16  # Aer rows are cheap to batch; sizes the parameter-shift slices


def _qiskit_aer():
    try:
        import qiskit_aer
    except ImportError as exc:  # pragma: no cover - qiskit-aer is a core dependency
        raise BackendError("'aer' backends need Qiskit Aer: pip install qiskit-aer") from exc
    return qiskit_aer


def fake_backend_names() -> list[str]:
    """``fake_<name>`` of every qiskit-ibm-runtime V2 fake backend."""
    from qiskit_ibm_runtime import fake_provider

    names = []
    for attr in dir(fake_provider):
        if (
            attr.startswith("Fake")
            and not attr.endswith("V1")
            and attr != "FakeProviderForBackendV2"
        ):
            base = attr[4:].removesuffix("V2").lower()
            if base and base not in names and base not in ("provider", "backendv2"):
                names.append(base)
    return sorted(f"fake_{n}" for n in names)


@functools.cache
def _fake_backend(noise: str):
    from qiskit_ibm_runtime import fake_provider

    base = noise.removeprefix("fake_")
    for attr in (f"Fake{base.capitalize()}", f"Fake{base.capitalize()}V2"):
        cls = getattr(fake_provider, attr, None)
        if cls is not None:
            return cls()
    raise BackendError(f"unknown noise backend {noise!r}; known: {', '.join(fake_backend_names())}")


@functools.cache
def _device_errors(noise: str):
    """Gate and readout errors of a fake backend (a few seconds once per backend)."""
    from qiskit_aer.noise.device import basic_device_gate_errors, basic_device_readout_errors

    fake = _fake_backend(noise)
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


class AerExecutable:
    """A slot circuit transpiled once, evaluated row-batched through Aer's EstimatorV2."""

    def __init__(self, backend: AerBackend, circuit: Circuit,
                 observables: Sequence[Observable], *, shots: int | None,
                 diff_method: str) -> None:  # fmt: skip
        from qiskit import QuantumCircuit, transpile
        from qiskit.transpiler import generate_preset_pass_manager
        from qiskit_aer.primitives import EstimatorV2

        _qiskit_aer()
        from qiskit_aer import AerSimulator

        self.circuit = circuit
        self.shots = shots
        self.diff_method = diff_method
        self.stats = ExecutionStats()
        self._generator: torch.Generator | None = None
        sched = build_schedule(circuit)
        self.program = AngleProgram(circuit, sched.slot_exprs)
        self.rows = SlotRows(self.program)
        self.rules = shift_rules(self.program, sched.slot_gate)

        qc = slot_circuit(circuit).to_qiskit()
        obs = [to_sparse_pauli_op(o, circuit.n_qubits) for o in observables]
        options: dict = {"method": "statevector"}
        if backend.noise is not None:
            fake = _fake_backend(backend.noise)
            pm = generate_preset_pass_manager(optimization_level=1, backend=fake,
                                              seed_transpiler=0)  # fmt: skip
            isa = pm.run(qc)
            isa_obs = [o.apply_layout(isa.layout) for o in obs]
            qc, obs, noise_model = _compact(isa, isa_obs, backend.noise, QuantumCircuit)
            options = {"method": "density_matrix", "noise_model": noise_model}
        else:
            # Aer 0.18 mis-binds parameters of controlled rotations and controlled phases in
            # row-batched runs (rows go missing or come out wrong); their decompositions in
            # this basis bind correctly (tests/backends/test_conformance.py covers every gate)
            qc = transpile(qc, basis_gates=list(AER_BASIS), optimization_level=0)
        if qc.num_parameters != self.program.n_shared + self.program.n_per_sample:
            raise BackendError(
                f"transpiling for Aer kept {qc.num_parameters} of "
                f"{self.program.n_shared + self.program.n_per_sample} angle slots"
            )
        if backend.gpu:
            options["device"] = "GPU"
        self.n_params = qc.num_parameters
        # Qiskit orders parameters by name; a ParameterVector's entries sort by index
        self._qc, self._obs = qc, obs

        stats = self.stats

        class _Counting(AerSimulator):
            def run(self, *args, **kwargs):
                stats.calls += 1
                return super().run(*args, **kwargs)

        self._simulator = _Counting(**options)
        self._estimator = EstimatorV2.from_backend(self._simulator)
        if shots is not None:
            self._prepare_shots(qc, obs)

    def _prepare_shots(self, qc, obs) -> None:
        """One measured circuit per distinct Pauli label, rotated onto Z (X: H; Y: S^dagger H)."""
        from qiskit.quantum_info import SparsePauliOp

        labels: dict[str, int] = {}
        self._shot_terms: list[list[tuple[int, float]]] = []  # per observable: (label id, coeff)
        self._identity: list[float] = []
        for o in obs:
            terms, const = [], 0.0
            for label, coeff in zip(o.paulis.to_labels(), o.coeffs, strict=True):
                if set(label) == {"I"}:
                    const += float(coeff.real)
                    continue
                terms.append((labels.setdefault(label, len(labels)), float(coeff.real)))
            self._shot_terms.append(terms)
            self._identity.append(const)
        self._shot_circuits, self._z_ops = [], []
        width = qc.num_qubits
        for label in labels:
            c = qc.copy()
            for q in range(width):
                ch = label[width - 1 - q]
                if ch == "Y":
                    c.sdg(q)
                if ch in "XY":
                    c.h(q)
            c.measure_all()
            self._shot_circuits.append(c)
            z = "".join("Z" if ch != "I" else "I" for ch in label)
            self._z_ops.append(SparsePauliOp(z))

    def _sampled(self, s: np.ndarray, generator) -> np.ndarray:
        """Shot estimates ``(R, n_obs)``: every measured circuit and row in one Aer run."""
        from qiskit_aer.primitives import SamplerV2

        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
        sampler = SamplerV2.from_backend(self._simulator, seed=seed)
        pubs = [(c, s) if self.n_params else (c,) for c in self._shot_circuits]
        result = sampler.run(pubs, shots=self.shots).result()
        rows = s.shape[0]
        per_label = []
        for i, z in enumerate(self._z_ops):
            bits = result[i].data.meas
            values = np.asarray(bits.expectation_values(z), dtype=np.float64)
            per_label.append(np.broadcast_to(values, (rows,)))
        out = np.zeros((rows, len(self._shot_terms)))
        for k, terms in enumerate(self._shot_terms):
            out[:, k] = self._identity[k]
            for label_id, coeff in terms:
                out[:, k] += coeff * per_label[label_id]
        return out

    def _evaluate(self, shared: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
        rows = sample.shape[0]
        s = self.rows.rows(shared.double(), sample.double()).cpu().numpy()
        start = time.perf_counter()
        if self.shots is not None:
            out = self._sampled(s, self._generator)
            self.stats.circuits += rows * len(self._shot_circuits)
            self.stats.shots += rows * len(self._shot_circuits) * self.shots
            self.stats.seconds += time.perf_counter() - start
            return torch.as_tensor(out).to(sample.dtype)
        if self.n_params:
            pub = (self._qc, self._obs, s[:, None, :])
            evs = self._estimator.run([pub]).result()[0].data.evs  # (R, n_obs)
        else:
            evs = np.asarray(self._estimator.run([(self._qc, self._obs)]).result()[0].data.evs)
            evs = np.broadcast_to(evs, (rows, len(self._obs)))
        self.stats.circuits += rows
        self.stats.seconds += time.perf_counter() - start
        return torch.as_tensor(np.array(evs, dtype=np.float64)).to(sample.dtype)

    def expvals(self, inputs, weights, *, batch, dtype, device, generator=None) -> torch.Tensor:
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        grad = needs_grad(inputs, weights)
        cpu = torch.device("cpu")
        self._generator = generator
        shared, sample = self.program.evaluate(inputs, weights, batch=batch,
                                               real=torch.float64, device=cpu)  # fmt: skip
        rules = mask_rules(self.rules, self.program.wanted(inputs, weights))
        out = differentiable_rows(self._evaluate, shared, sample, rules=rules,
                                  diff_method=self.diff_method, grad=grad, generator=generator,
                                  spsa_eps=SPSA_EPS, row_bytes=SHIFT_ROW_BYTES)  # fmt: skip
        return out.to(device=device, dtype=real)

    def probs(self, *args, **kwargs):
        raise BackendError("probabilities on 'aer' are not available yet; use backend='torch'")

    def sample(self, *args, **kwargs):
        raise BackendError("samples on 'aer' are not available yet; use backend='torch'")

    def cost(self, *, batch: int, dtype, device):
        raise BackendError("no cost model for 'aer'; estimate_cost covers the native backend")


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
    gate_errors, readout_errors = _device_errors(noise)
    model = NoiseModel(basis_gates=_fake_backend(noise).operation_names)
    for name, qubits, err in gate_errors:
        if all(q in pos for q in qubits):
            model.add_quantum_error(err, name, [pos[q] for q in qubits])
    for qubits, err in readout_errors:
        if all(q in pos for q in qubits):
            model.add_readout_error(err, [pos[q] for q in qubits])
    return small, obs, model


class AerBackend:
    """``aer`` (CPU) or ``aer:gpu``; ``noise="fake_<name>"`` adds a calibrated noise model."""

    def __init__(self, name: str, *, noise: str | None = None, strict: bool = False):
        prefix, _, option = name.partition(":")
        if prefix != "aer" or option not in ("", "gpu", "cpu"):
            raise BackendError(f"Aer backends are 'aer', 'aer:cpu' or 'aer:gpu', got {name!r}")
        self.name = name
        self.noise = noise
        if noise is not None:
            _fake_backend(noise)  # unknown names fail now, listing the known ones
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
            exact=True, shots=True, diff_methods=("auto", "parameter-shift", "spsa"),
            devices=("cpu", "cuda") if self.gpu else ("cpu",), max_qubits=max_q,
        )  # fmt: skip

    def compile(self, circuit: Circuit, observables: Sequence[Observable], *,
                shots: int | None, diff_method: str = "auto") -> AerExecutable:  # fmt: skip
        return AerExecutable(self, circuit, observables, shots=shots, diff_method=diff_method)
