"""Every mistake on the non-native backends is a typed error naming the value."""

from __future__ import annotations

import pytest
import torch

import qml
from circuits import encodings
from qml.backends import get_backend, registry
from qml.errors import BackendError, MemoryBudgetError


@pytest.mark.parametrize(
    "name, options, match",
    [
        ("aer:foo", {}, "'aer:foo'"),
        ("pennylane:", {}, "'pennylane:'"),
        ("pennylane:nosuch", {}, "no PennyLane device 'nosuch'.*default.qubit"),
        ("aer", {"noise": 123}, "noise must be .*NoiseModel, got 123"),
        ("aer", {"noise": ["fake_fez"]}, r"got \['fake_fez'\]"),
        ("aer", {"noise": "fake_provider"}, "unknown noise backend 'fake_provider'"),
        ("aer", {"strict": "yes"}, "strict must be True or False, got 'yes'"),
        ("aer", {"nosie": "x"}, r"does not take options \[.nosie.\]; it takes noise, strict"),
        ("torch", {"noise": "fake_fez"}, r"'torch' does not take options \['noise'\]"),
        ("pennylane:default.qubit", {"seed": 1}, r"does not take options \['seed'\]"),
    ],
)
def test_bad_backend_names_and_options_are_backend_errors(name, options, match):
    with pytest.raises(BackendError, match=match):
        get_backend(name, **options)


def test_a_type_error_inside_a_factory_is_not_called_an_unknown_option(monkeypatch):
    def factory(name: str, *, size: int = 1):
        return len(size)  # a bug inside the factory: TypeError, not an option problem

    monkeypatch.setitem(registry._FACTORIES, "buggy", factory)
    with pytest.raises(TypeError, match="has no len"):
        get_backend("buggy", size=3)
    with pytest.raises(BackendError, match=r"does not take options \['colour'\]; it takes size"):
        get_backend("buggy", colour="blue")


def test_aer_noise_narrower_than_the_circuit_names_both_widths():
    backend = get_backend("aer", noise="fake_manila")  # 5 qubits
    with pytest.raises(BackendError, match="5-qubit device, but the circuit has 7 qubits"):
        qml.QuantumLayer(encodings.angle(7), backend=backend)


def test_aer_accepts_a_noise_model_and_ibm_names():
    from qiskit_aer.noise import NoiseModel

    assert get_backend("aer", noise=NoiseModel()).noise is not None
    assert get_backend("aer", noise="ibm_fez").noise == "ibm_fez"


def _wide_layer(backend: str, n: int, **kw) -> qml.QuantumLayer:
    c = qml.Circuit(n)
    x = c.inputs(1)
    c.ry(0, x[0])
    return qml.QuantumLayer(c, [qml.Z(0)], backend=backend, **kw)


@pytest.mark.parametrize(
    "backend, kw, module",
    [
        ("aer", {}, "qml.backends.aer_backend"),
        ("aer", {"shots": 10}, "qml.backends.aer_backend"),
        ("pennylane:default.qubit", {}, "qml.backends.pennylane_backend"),
        ("pennylane:default.qubit", {"shots": 10}, "qml.backends.pennylane_backend"),
    ],
)
def test_states_beyond_the_free_memory_fail_before_running(monkeypatch, backend, kw, module):
    # 28 qubits: a 4 GiB statevector; the machine is told it has 1 GiB free (nothing allocated)
    monkeypatch.setattr(f"{module}.available_bytes", lambda device: 2**30)
    layer = _wide_layer(backend, 28, **kw)
    # Aer runs the two rows one after another (4 GiB), default.qubit broadcasts both (8 GiB)
    need = "8.0" if backend.startswith("pennylane") else "4.0"
    with pytest.raises(MemoryBudgetError, match=rf"28 qubits need.* {need} GiB.*1\.0 GiB"):
        layer(torch.rand(2, 1))
    assert layer.stats.calls == 0


def test_pennylane_memory_counts_every_row_of_a_broadcast(monkeypatch):
    # 22 qubits: 64 MiB a state; 40 rows broadcast at once need 2.5 GiB of the 1 GiB free
    monkeypatch.setattr("qml.backends.pennylane_backend.available_bytes", lambda device: 2**30)
    layer = _wide_layer("pennylane:default.qubit", 22, diff_method="parameter-shift")
    with pytest.raises(MemoryBudgetError, match=r"40 state\(s\) of 22 qubits need.*2\.5 GiB"):
        layer(torch.rand(40, 1))
