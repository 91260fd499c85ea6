"""Every mistake a user can make with a QuantumLayer gets a typed qml error naming the value,
before anything runs."""

import numpy as np
import pytest
import torch
from torch import nn

import qml
from qml.errors import (
    CircuitError,
    DiffMethodError,
    InputError,
    MemoryBudgetError,
    ObservableError,
    ParameterError,
    ShotsError,
)
from tests.tolerances import atol


def circuit(n=3, name="theta"):
    c = qml.Circuit(n)
    x = c.inputs(n)
    w = c.weights(name, (2, n))
    for q in range(n):
        c.ry(q, x[q])
        c.rz(q, w[0, q] * x[q])
    for q in range(n - 1):
        c.cnot(q, q + 1)
    for q in range(n):
        c.rx(q, w[1, q])
    return c


X = torch.rand(4, 3, generator=torch.Generator().manual_seed(0))


# -- dtypes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "convert",
    [
        lambda m: m.half(),
        lambda m: m.bfloat16(),
        lambda m: m.to(torch.float16),
        lambda m: m.to(torch.complex64),
    ],
    ids=["half", "bfloat16", "to-float16", "to-complex"],
)
@pytest.mark.filterwarnings("ignore:Complex modules are a new feature")
def test_unsupported_dtype_is_refused_and_leaves_the_layer_as_it_was(convert):
    layer = qml.QuantumLayer(circuit(), seed=0)
    before = layer(X).detach()
    with pytest.raises(ParameterError, match="complex64 or complex128"):
        convert(layer)
    assert layer.theta.dtype == torch.float32
    torch.testing.assert_close(layer(X), before, rtol=0, atol=0)


def test_half_on_a_model_holding_a_layer_is_refused_with_a_typed_error():
    model = nn.Sequential(nn.Linear(3, 3), qml.QuantumLayer(circuit(), seed=0))
    with pytest.raises(ParameterError, match="float16"):
        model.half()


def test_double_and_float_still_switch_the_simulation():
    layer = qml.QuantumLayer(circuit(), seed=0).double()
    assert layer(X.double()).dtype == torch.float64
    assert layer.float()(X).dtype == torch.float32


# -- seeds --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [np.int64(3), np.uint8(3), 3])
def test_numpy_integer_seeds_are_seeds(seed):
    a = qml.QuantumLayer(circuit(), seed=seed)
    b = qml.QuantumLayer(circuit(), seed=3)
    assert torch.equal(a.theta, b.theta)


@pytest.mark.parametrize("seed", [1.5, "3", True, -1, 2**64, [3], np.float64(2.0)])
def test_bad_seeds(seed):
    with pytest.raises(ParameterError, match="seed"):
        qml.QuantumLayer(circuit(), seed=seed)


# -- construction ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "probs",
        "n_qubits",
        "forward",
        "circuit",
        "observables",
        "stats",
        "shots",
        "backend",
        "diff_method",
        "sample",
        "training",
    ],
)
def test_weight_names_that_clash_with_the_layer(name):
    with pytest.raises(ParameterError, match=name):
        qml.QuantumLayer(circuit(name=name))


@pytest.mark.parametrize("scale", [float("nan"), float("inf"), -0.1, "0.1", None])
def test_bad_init_scale(scale):
    with pytest.raises(ParameterError, match="init_scale"):
        qml.QuantumLayer(circuit(), init="normal", init_scale=scale)


@pytest.mark.parametrize("init", [3, None, ["uniform"]])
def test_bad_init(init):
    with pytest.raises(ParameterError, match="init"):
        qml.QuantumLayer(circuit(), init=init)


@pytest.mark.parametrize("obs", [5, "Z", [qml.Z(0), 3]])
def test_bad_observables(obs):
    with pytest.raises(ObservableError):
        qml.QuantumLayer(circuit(), obs)


@pytest.mark.parametrize("dtype", [torch.float32, "complex64", [torch.complex64]])
def test_bad_dtype(dtype):
    with pytest.raises(ParameterError, match="dtype"):
        qml.QuantumLayer(circuit(), dtype=dtype)


@pytest.mark.parametrize("method", [["adjoint"], 3, "Adjoint"])
def test_bad_diff_method(method):
    with pytest.raises(DiffMethodError):
        qml.QuantumLayer(circuit(), diff_method=method)


# -- inputs -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "x",
    [
        "abc",
        [[0.1, 0.2, 0.3], [0.1]],
        [["a", "b", "c"]],
        np.array([["a", "b", "c"]]),
        object(),
        {"x": 1},
    ],
)
def test_string_ragged_and_odd_inputs(x):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(InputError):
        layer(x)


def test_list_and_numpy_inputs_are_taken_as_tensors():
    layer = qml.QuantumLayer(circuit(), seed=0)
    torch.testing.assert_close(layer(X.tolist()), layer(X))
    torch.testing.assert_close(layer(X.numpy().astype(np.float64)), layer(X))


# -- weights ------------------------------------------------------------------------------------
def test_replaced_parameter_of_the_wrong_shape():
    layer = qml.QuantumLayer(circuit(), seed=0)
    layer.theta = nn.Parameter(torch.zeros(5))
    with pytest.raises(ParameterError, match=r"shape \(5,\).*\(2, 3\)"):
        layer(X)


def test_replaced_parameter_of_the_right_shape_is_used():
    layer = qml.QuantumLayer(circuit(), seed=0)
    ref = qml.QuantumLayer(circuit(), seed=0, init="zeros")
    layer.theta = nn.Parameter(torch.zeros(2, 3))
    torch.testing.assert_close(layer(X), ref(X))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_weights_are_refused_before_a_forward(bad):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with torch.no_grad():
        layer.theta[1, 2] = bad
    with pytest.raises(ParameterError, match=r"theta.*\(1, 2\)"):
        layer(X)
    with pytest.raises(ParameterError):
        layer.probs(X)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_load_state_dict_refuses_non_finite_weights_and_keeps_the_old_ones(bad):
    layer = qml.QuantumLayer(circuit(), seed=0)
    before = layer.theta.detach().clone()
    state = layer.state_dict()
    state["theta"] = state["theta"].clone()
    state["theta"][0, 0] = bad
    with pytest.raises(ParameterError, match="theta"):
        layer.load_state_dict(state)
    assert torch.equal(layer.theta.detach(), before)


def test_load_state_dict_inside_a_model_refuses_a_wrong_shape():
    model = nn.Sequential(qml.QuantumLayer(circuit(), seed=0))
    state = model.state_dict()
    state["0.theta"] = torch.zeros(3, 2)
    with pytest.raises(ParameterError, match=r"0\.theta"):
        model.load_state_dict(state)


# -- probabilities and samples --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("wires", "match"),
    [
        ([0, 0], "distinct"),
        ([0.5], "integer"),
        ([3], "wire 3"),
        ([-1], "wire -1"),
        ("01", "sequence of integers"),
        ([], "at least one"),
        ([True], "integer"),
    ],
)
def test_bad_wires_for_probs_and_sample(wires, match):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(CircuitError, match=match):
        layer.probs(X, wires=wires)
    with pytest.raises(CircuitError, match=match):
        layer.sample(X, shots=3, wires=wires)


def test_a_single_wire_may_be_given_as_an_integer():
    layer = qml.QuantumLayer(circuit(), seed=0)
    torch.testing.assert_close(layer.probs(X, wires=1), layer.probs(X, wires=[1]))
    torch.testing.assert_close(layer.probs(X, wires=np.array([2, 0])), layer.probs(X, wires=[2, 0]))


@pytest.mark.parametrize("gen", [0, "seed", np.random.default_rng(0)])
def test_bad_generator(gen):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(InputError, match="generator"):
        layer.sample(X, shots=3, generator=gen)


@pytest.mark.parametrize("shots", [0, -1, 1.5, "10", None, True])
def test_bad_shots_for_sample(shots):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(ShotsError):
        layer.sample(X, shots=shots)


def test_samples_beyond_memory_are_refused_before_allocating():
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(MemoryBudgetError, match="shots"):
        layer.sample(X, shots=10**12)


def test_probabilities_beyond_memory_are_refused_before_allocating(monkeypatch):
    import qml.sim.memory as memory

    monkeypatch.setattr(memory, "available_bytes", lambda device: 2**30)
    c = qml.Circuit(28)
    c.h(0)
    layer = qml.QuantumLayer(c, [qml.Z(0)])
    with pytest.raises(MemoryBudgetError, match="28 qubits|probabilities"):
        layer.probs()


def test_samples_of_more_than_24_wires():
    """torch.multinomial takes at most 2**24 categories: 25 wires sample by inverse CDF."""
    c = qml.Circuit(25)
    c.x(3).h(7)
    layer = qml.QuantumLayer(c, [qml.Z(0)])
    bits = layer.sample(shots=400, generator=torch.Generator().manual_seed(0))
    assert bits.shape == (400, 25)
    assert (bits[:, 3] == 1).all() and (bits[:, [0, 1, 2, 4, 24]] == 0).all()
    assert 120 < int(bits[:, 7].sum()) < 280  # Binomial(400, 1/2): 5 sigma is +-50


@pytest.mark.parametrize("batch", [0, -1, 1.5, "8", True, None])
def test_estimate_cost_needs_a_positive_batch(batch):
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(InputError, match="batch"):
        layer.estimate_cost(batch=batch)


def test_estimate_cost_accepts_numpy_integers_and_scales_with_batch():
    layer = qml.QuantumLayer(circuit(), seed=0)
    one = layer.estimate_cost(batch=np.int64(1))
    eight = layer.estimate_cost(batch=8)
    assert eight.state_bytes == 8 * one.state_bytes == 8 * 2**3 * 8


# -- gradients ----------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["adjoint", "parameter-shift", "spsa"])
def test_second_derivatives_through_first_order_methods_are_refused(method):
    layer = qml.QuantumLayer(circuit(), diff_method=method, seed=0)
    out = layer(X).sum()
    with pytest.raises(DiffMethodError, match="backprop"):
        torch.autograd.grad(out, layer.theta, create_graph=True)


def test_second_derivatives_through_backprop_match_finite_differences():
    layer = qml.QuantumLayer(circuit(), diff_method="backprop", dtype=torch.complex128, seed=0)
    (g,) = torch.autograd.grad(layer(X.double()).sum(), layer.theta, create_graph=True)
    (h,) = torch.autograd.grad(g[1, 0], layer.theta)
    eps = 1e-5
    with torch.no_grad():
        layer.theta[1, 0] += eps
    (gp,) = torch.autograd.grad(layer(X.double()).sum(), layer.theta)
    with torch.no_grad():
        layer.theta[1, 0] -= 2 * eps
    (gm,) = torch.autograd.grad(layer(X.double()).sum(), layer.theta)
    torch.testing.assert_close(h, (gp - gm) / (2 * eps), atol=1e-6, rtol=1e-5)


# -- torch.compile and the resolved diff method ---------------------------------------------------
@pytest.mark.parametrize("method", ["backprop", "adjoint", "parameter-shift", "spsa", "auto"])
def test_torch_compile_of_a_model_holding_a_layer(method):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 3), qml.QuantumLayer(circuit(), diff_method=method, seed=0))
    compiled = torch.compile(model, backend="aot_eager")
    gen = torch.Generator().manual_seed(5)
    model[1]._generator = gen  # spsa draws its perturbation from the layer's generator
    out = compiled(X)
    out.sum().backward()
    got = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    model[1]._generator = torch.Generator().manual_seed(5)
    ref = model(X)
    ref.sum().backward()
    torch.testing.assert_close(out, ref, atol=atol(torch.complex64), rtol=0)
    for a, b in zip(got, [p.grad for p in model.parameters()], strict=True):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_layer_reports_the_diff_method_auto_resolved_to(monkeypatch):
    layer = qml.QuantumLayer(circuit(), seed=0)
    assert layer.requested_diff_method == "auto"
    assert layer.diff_method == "backprop"
    shots = qml.QuantumLayer(circuit(), shots=100, seed=0)
    assert shots.diff_method == "parameter-shift"
    import qml.sim.memory as memory

    monkeypatch.setattr(memory, "ALWAYS_FITS_BYTES", 0)
    monkeypatch.setattr("qml.backends.torch_backend.available_bytes", lambda device: 16)
    layer(X)
    assert layer.diff_method == "adjoint"  # backprop's peak is over a quarter of 16 bytes


@pytest.mark.parametrize(
    ("backend", "shots", "expected"),
    [
        ("pennylane:default.qubit", None, "backprop"),
        ("pennylane:default.qubit", 10, "parameter-shift"),
        ("pennylane:default.mixed", None, "parameter-shift"),
        ("aer", None, "parameter-shift"),
    ],
)
def test_other_backends_report_what_auto_resolved_to(backend, shots, expected):
    layer = qml.QuantumLayer(circuit(), backend=backend, shots=shots, seed=0)
    assert layer.requested_diff_method == "auto"
    assert layer.diff_method == expected


def test_angles_that_overflow_at_run_time_are_refused_not_returned_as_nan():
    """Finite inputs and weights can still give an infinite angle (10 * 1e38 in float32):
    no expression check can see that at build time, so the layer refuses the NaN it would
    return."""
    c = qml.Circuit(1)
    x = c.inputs(1)
    w = c.weights("w", ())
    c.rx(0, w * x[0])
    layer = qml.QuantumLayer(c, [qml.Z(0)])
    with torch.no_grad():
        layer.w.fill_(10.0)
    with pytest.raises(InputError, match="overflowed"):
        layer(torch.tensor([[3e38]]))
    assert torch.isfinite(layer.double()(torch.tensor([[3e38]], dtype=torch.float64))).all()


def test_shots_beyond_an_execution_are_refused():
    with pytest.raises(ShotsError, match="at most"):
        qml.QuantumLayer(circuit(), shots=2**40)


@pytest.mark.parametrize("backend", ["torch", "pennylane:default.qubit", "aer"])
def test_shots_beyond_memory_are_refused_before_any_engine_runs(backend, monkeypatch):
    import qml.sim.memory as memory

    monkeypatch.setattr(memory, "ALWAYS_FITS_BYTES", 0)
    monkeypatch.setattr(memory, "available_bytes", lambda device: 100_000)
    layer = qml.QuantumLayer(circuit(), backend=backend, shots=10**6, seed=0)
    with pytest.raises(MemoryBudgetError, match="shots"):
        layer(X)
    assert layer.stats.calls == 0


def test_torch_shot_sampling_inside_backward_is_memory_checked(monkeypatch):
    """The shifted rows of a parameter-shift backward multiply the samples drawn."""
    import qml.sim.memory as memory

    layer = qml.QuantumLayer(circuit(), shots=2000, seed=0)
    out = layer(X).sum()  # 4 x 2000 x (8 + 27) bytes per group: 280 kB
    monkeypatch.setattr(memory, "ALWAYS_FITS_BYTES", 0)
    monkeypatch.setattr(memory, "available_bytes", lambda device: 400_000)
    with pytest.raises(MemoryBudgetError, match="shots"):
        out.backward()  # 12 shifted rows per chunk at least


@pytest.mark.parametrize(
    "x", [torch.zeros(4, 3).to_sparse(), torch.zeros(4, 3, device="meta")], ids=["sparse", "meta"]
)
def test_inputs_without_dense_values(x):
    with pytest.raises(InputError, match="dense tensor"):
        qml.QuantumLayer(circuit(), seed=0)(x)


def test_load_state_dict_refuses_meta_tensors():
    layer = qml.QuantumLayer(circuit(), seed=0)
    with pytest.raises(ParameterError, match="holds no values"):
        layer.load_state_dict({"theta": torch.zeros(2, 3, device="meta")})


@pytest.mark.parametrize("build", [lambda: 10**400 * qml.Z(0), lambda: qml.PauliWord([0])])
def test_observables_from_huge_integers_or_lists(build):
    with pytest.raises(ObservableError):
        build()
