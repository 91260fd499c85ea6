"""QuantumLayer as an nn.Module: shapes, dtypes, devices, state_dict, training, bad input."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import qml
from qml.errors import (
    BackendError,
    CircuitError,
    DiffMethodError,
    InputError,
    ObservableError,
    ParameterError,
    ShotsError,
)
from qml.interop.bitorder import reverse_index_bits
from tests.tolerances import atol


def small_circuit(n=3, layers=2):
    c = qml.Circuit(n)
    x = c.inputs(n)
    w = c.weights("theta", (layers, n))
    b = c.weights("bias", (n,))
    for q in range(n):
        c.ry(q, x[q])
    for layer in range(layers):
        for q in range(n):
            c.rx(q, w[layer, q] * x[q] + b[q])
        for q in range(n - 1):
            c.cnot(q, q + 1)
    return c


def qiskit_expvals(c, obs, xs, weights):
    """Reference: bind each sample in Qiskit and take Statevector expectations."""
    from qiskit.quantum_info import Statevector

    from qml.interop.bitorder import to_sparse_pauli_op

    qc = c.to_qiskit()
    out = []
    for row in xs:
        values = {}
        for p in qc.parameters:
            name, i = p.vector.name, p.index
            values[p] = float(row[i]) if name == "x" else float(weights[name].reshape(-1)[i])
        sv = Statevector(qc.assign_parameters(values))
        out.append([sv.expectation_value(to_sparse_pauli_op(o, c.n_qubits)).real for o in obs])
    return np.array(out)


def test_layer_matches_qiskit_and_has_named_parameters():
    c = small_circuit()
    obs = [qml.Z(0), qml.X(1) @ qml.Z(2), 0.5 * qml.Y(0) - qml.Z(1)]
    layer = qml.QuantumLayer(c, obs, dtype=torch.complex128, seed=3)
    assert dict(layer.named_parameters()).keys() == {"theta", "bias"}
    assert layer.theta.shape == (2, 3) and layer.bias.shape == (3,)
    xs = torch.rand(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    got = layer(xs).detach().numpy()
    want = qiskit_expvals(
        c, obs, xs.numpy(), {k: v.detach() for k, v in layer.weight_tensors().items()}
    )
    np.testing.assert_allclose(got, want, atol=atol(torch.complex128))


def test_single_sample_and_batch_shapes():
    layer = qml.QuantumLayer(small_circuit(), seed=0)
    x = torch.rand(4, 3)
    assert layer(x).shape == (4, 3)
    assert layer(x[0]).shape == (3,)
    torch.testing.assert_close(layer(x[0]), layer(x)[0])


def test_default_dtype_and_double():
    layer = qml.QuantumLayer(small_circuit(), seed=0)
    x = torch.rand(2, 3, dtype=torch.float64)
    assert layer(x).dtype == torch.float32
    layer.double()
    assert layer.theta.dtype == torch.float64
    out = layer(x)
    assert out.dtype == torch.float64
    ref = qml.QuantumLayer(small_circuit(), dtype=torch.complex128, seed=0)
    ref.load_state_dict(layer.state_dict())  # the float32 weights, widened
    torch.testing.assert_close(out, ref(x), atol=atol(torch.complex128), rtol=0)


def test_complex64_agrees_with_complex128():
    l64 = qml.QuantumLayer(small_circuit(), seed=5)
    l128 = qml.QuantumLayer(small_circuit(), dtype=torch.complex128, seed=5)
    x = torch.rand(8, 3, dtype=torch.float64)
    torch.testing.assert_close(l64(x).double(), l128(x), atol=atol(torch.complex64), rtol=0)


def test_state_dict_round_trip():
    a = qml.QuantumLayer(small_circuit(), seed=1)
    b = qml.QuantumLayer(small_circuit(), seed=2)
    x = torch.rand(3, 3)
    assert not torch.allclose(a(x), b(x))
    b.load_state_dict(a.state_dict())
    torch.testing.assert_close(a(x), b(x))
    assert set(a.state_dict()) == {"theta", "bias"}


def test_whole_model_saves_and_loads(tmp_path):
    """torch.save of a model holding a layer (pickled, executable rebuilt on load; read with
    qml.load, which allowlists qml's and torch.nn's classes): same outputs, same gradients,
    and the loaded copy keeps training."""
    model = nn.Sequential(nn.Linear(2, 3), qml.QuantumLayer(small_circuit(), seed=1))
    torch.save(model, tmp_path / "m.pt")
    loaded = qml.load(tmp_path / "m.pt")
    x = torch.rand(4, 2)
    torch.testing.assert_close(loaded(x), model(x))
    model(x).sum().backward()
    loaded(x).sum().backward()
    torch.testing.assert_close(loaded[1].theta.grad, model[1].theta.grad)
    shots = qml.QuantumLayer(small_circuit(), shots=100, diff_method="parameter-shift", seed=3)
    torch.save(shots, tmp_path / "s.pt")
    again = qml.load(tmp_path / "s.pt")
    assert again.shots == 100 and again.diff_method == "parameter-shift"
    assert again(torch.rand(2, 3)).shape == (2, again.output_size)


def test_seed_makes_initialisation_reproducible():
    a = qml.QuantumLayer(small_circuit(), seed=7)
    b = qml.QuantumLayer(small_circuit(), seed=7)
    torch.testing.assert_close(a.theta, b.theta)
    assert 0 <= float(a.theta.detach().min()) and float(a.theta.detach().max()) < 2 * math.pi


def test_initialisers():
    c = small_circuit()
    zeros = qml.QuantumLayer(c, init="zeros")
    assert float(zeros.theta.detach().abs().max()) == 0
    normal = qml.QuantumLayer(c, init="normal", init_scale=0.01, seed=0)
    assert 0 < float(normal.theta.detach().abs().max()) < 0.1
    with pytest.raises(ParameterError, match="unknown init 'gaussian'"):
        qml.QuantumLayer(c, init="gaussian")
    with pytest.raises(ParameterError, match="identity-block"):
        qml.QuantumLayer(c, init="identity-block")


def test_identity_block_init_gives_identity():
    piece = qml.Circuit(3)
    w = piece.weights("theta", (2, 3))
    for layer in range(2):
        for q in range(3):
            piece.ry(q, w[layer, q])
        piece.cnot(0, 1).cnot(1, 2)
    block = piece + piece.inverse().rename_weights({"theta": "theta_inv"})
    layer = qml.QuantumLayer(block, init="identity-block", seed=0, dtype=torch.complex128)
    assert float(layer.theta.detach().abs().sum()) > 0
    torch.testing.assert_close(layer(), torch.ones(3, dtype=torch.float64))


def test_trains_inside_sequential_with_optimizer():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 3), nn.Tanh(), qml.QuantumLayer(small_circuit(), seed=0), nn.Linear(3, 1)
    )
    x = torch.rand(16, 2)
    y = torch.sin(3 * x[:, :1])
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert model[2].theta.grad is not None


def test_circuit_without_inputs():
    c = qml.Circuit(2)
    w = c.weights("w", (1,))
    c.ry(0, w[0])
    layer = qml.QuantumLayer(c, qml.Z(0), init="zeros")
    torch.testing.assert_close(layer(), torch.ones(1))
    with pytest.raises(InputError, match="expects inputs of 2 features"):
        qml.QuantumLayer(small_circuit(2))()


def test_probs_follow_wire_order():
    c = qml.Circuit(2)
    c.x(1)  # |01>
    layer = qml.QuantumLayer(c, dtype=torch.complex128)
    torch.testing.assert_close(layer.probs(), torch.tensor([0, 1, 0, 0.0], dtype=torch.float64))
    torch.testing.assert_close(
        layer.probs(wires=[1, 0]), torch.tensor([0, 0, 1, 0.0], dtype=torch.float64)
    )
    np.testing.assert_allclose(reverse_index_bits(np.array([0, 1, 0, 0]), 2), [0, 0, 1, 0])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: qml.QuantumLayer(small_circuit(), backend="nope"),
            BackendError,
            "unknown backend 'nope'; available: aer, pennylane, torch",
        ),
        (lambda: qml.QuantumLayer(small_circuit(), shots=0), ShotsError, "got 0"),
        (lambda: qml.QuantumLayer(small_circuit(), shots=-5), ShotsError, "got -5"),
        (lambda: qml.QuantumLayer(small_circuit(), shots=2.5), ShotsError, "got 2.5"),
        (
            lambda: qml.QuantumLayer(small_circuit(), diff_method="magic"),
            DiffMethodError,
            "'magic'",
        ),
        (lambda: qml.QuantumLayer(small_circuit(), [qml.Z(7)]), ObservableError, "wire 7"),
        (lambda: qml.QuantumLayer(small_circuit(), ["Z0"]), ObservableError, "'Z0'"),
        (lambda: qml.QuantumLayer("circuit"), CircuitError, "got str"),
        (lambda: qml.QuantumLayer(small_circuit(), dtype=torch.float16), ParameterError, "float16"),
    ],
)
def test_bad_construction(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_inputs_raise_before_simulation():
    layer = qml.QuantumLayer(small_circuit(), seed=0)
    with pytest.raises(InputError, match="inputs have 4 features, but the circuit declares 3"):
        layer(torch.rand(2, 4))
    x = torch.rand(2, 3)
    x[1, 2] = float("nan")
    with pytest.raises(InputError, match="nan at sample 1, feature 2"):
        layer(x)
    with pytest.raises(InputError, match=r"shape \(2, 3, 1\)"):
        layer(torch.rand(2, 3, 1))
    with pytest.raises(InputError, match="complex"):
        layer(torch.rand(2, 3, dtype=torch.complex64))


def test_weight_names_that_clash_with_module_attributes():
    c = qml.Circuit(1)
    w = c.weights("training", (1,))
    c.rx(0, w[0])
    with pytest.raises(ParameterError, match="training"):
        qml.QuantumLayer(c)


@pytest.mark.gpu
def test_layer_on_cuda_matches_cpu():
    layer = qml.QuantumLayer(small_circuit(), seed=0, dtype=torch.complex128)
    x = torch.rand(8, 3, dtype=torch.float64)
    cpu = layer(x)
    layer.to("cuda")
    assert layer.theta.device.type == "cuda"
    gpu = layer(x.cuda())
    torch.testing.assert_close(gpu.cpu(), cpu, atol=atol(torch.complex128), rtol=0)
    gpu.sum().backward()
    assert layer.theta.grad.device.type == "cuda"
    with pytest.raises(InputError, match="inputs are on cpu but the layer is on cuda"):
        layer(x)
