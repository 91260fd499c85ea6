"""The parameter-matched MLP and its training-cost model, against brute force and real loops."""

import math
import re
import statistics
import time

import pytest
import torch

from qml.errors import EstimateError
from qml.estimator.classical import (
    ClassicalCalibration,
    classical_cost,
    matched_mlp,
    measure_classical_calibration,
)

CAL = ClassicalCalibration(device="cpu", flops_per_s=2e9, step_overhead_s=3e-4)


def _count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize(
    ("n_in", "n_out", "target"),
    [
        (4, 1, 40),
        (4, 1, 43),
        (2, 3, 1),
        (8, 8, 500),
        (16, 2, 1000),
        (0, 1, 10),
        (0, 3, 50),
        (1, 1, 4),
        (10, 10, 21),
        (3, 2, 100_000),
    ],
)
def test_matched_mlp_is_closest_achievable(n_in, n_out, target):
    torch.manual_seed(0)
    mlp = matched_mlp(in_features=n_in, out_features=n_out, parameters=target)
    best = min(abs((n_in + 1) * h + (h + 1) * n_out - target) for h in range(1, target + 2))
    assert abs(_count(mlp) - target) == best
    assert mlp[0].in_features == n_in and mlp[-1].out_features == n_out
    assert mlp(torch.zeros(5, n_in)).shape == (5, n_out)


def test_zero_input_layer_is_a_trainable_bias():
    torch.manual_seed(0)
    mlp = matched_mlp(in_features=0, out_features=2, parameters=30)
    out = mlp(torch.zeros(4, 0))
    assert out.shape == (4, 2)
    assert mlp[0].bias.abs().max() > 0  # not the zero bias PyTorch leaves for fan_in 0
    out.sum().backward()
    assert mlp[0].bias.grad is not None and mlp[0].bias.grad.abs().sum() > 0


def test_flops_follow_six_p_rule_and_steps_round_up():
    cost = classical_cost(
        in_features=5,
        out_features=3,
        parameters=200,
        samples=1001,
        epochs=7,
        batch=100,
        calibration=CAL,
        watts=30.0,
    )
    p = _count(matched_mlp(in_features=5, out_features=3, parameters=200))
    assert cost.parameters == p
    assert cost.layout == (5, cost.hidden, 3)
    assert cost.flops == 6 * p * 1001 * 7
    assert cost.steps == 7 * 11
    assert cost.seconds == pytest.approx(77 * 3e-4 + 6 * p * 1001 * 7 / 2e9, rel=1e-12)


def test_energy_is_watts_times_seconds():
    cost = classical_cost(
        in_features=4,
        out_features=1,
        parameters=43,
        samples=640,
        epochs=3,
        batch=64,
        calibration=CAL,
        watts=123.0,
    )
    assert cost.power.source == "user" and not cost.power.measured
    assert cost.energy_kwh == pytest.approx(123.0 * cost.seconds / 3.6e6, rel=1e-12)
    d = cost.to_dict()
    assert d["power"]["watts"] == 123.0 and d["layout"] == (4, 7, 1)


def test_default_cpu_power_is_a_labelled_assumption():
    cost = classical_cost(
        in_features=4,
        out_features=1,
        parameters=43,
        samples=64,
        epochs=1,
        batch=64,
        calibration=CAL,
    )
    assert cost.power.source in ("assumption", "rapl") and not cost.power.measured
    assert cost.energy_kwh == pytest.approx(cost.power.watts * cost.seconds / 3.6e6)


def test_calibration_round_trips_and_validates():
    assert ClassicalCalibration.from_dict(CAL.to_dict()) == CAL
    with pytest.raises(EstimateError, match="keys"):
        ClassicalCalibration.from_dict({"device": "cpu", "flops_per_s": 1e9})
    with pytest.raises(EstimateError, match="-1"):
        ClassicalCalibration(device="cpu", flops_per_s=-1, step_overhead_s=0.0)
    with pytest.raises(EstimateError, match="flops_per_s"):
        ClassicalCalibration(device="cpu", flops_per_s=0.0, step_overhead_s=0.0)
    with pytest.raises(EstimateError, match="nan"):
        ClassicalCalibration(device="cpu", flops_per_s=1e9, step_overhead_s=math.nan)
    with pytest.raises(EstimateError, match="'tpu'"):
        ClassicalCalibration(device="tpu", flops_per_s=1e9, step_overhead_s=0.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("in_features", -1),
        ("out_features", 0),
        ("parameters", 0),
        ("samples", 0),
        ("epochs", -2),
        ("batch", 0),
        ("batch", 2.5),
        ("epochs", True),
        ("samples", "10"),
    ],
)
def test_bad_ints_are_named(name, value):
    kwargs = dict(in_features=4, out_features=1, parameters=43, samples=10, epochs=1, batch=5)
    kwargs[name] = value
    with pytest.raises(
        EstimateError, match=rf"{name} must be an integer.*{re.escape(repr(value))}"
    ):
        classical_cost(**kwargs, calibration=CAL, watts=1.0)
    if name in ("in_features", "out_features", "parameters"):
        sizes = {k: kwargs[k] for k in ("in_features", "out_features", "parameters")}
        with pytest.raises(EstimateError, match=name):
            matched_mlp(**sizes)


def test_calibration_for_another_device_is_refused():
    cuda_cal = ClassicalCalibration(device="cuda:0", flops_per_s=1e12, step_overhead_s=1e-4)
    with pytest.raises(EstimateError, match="cuda:0"):
        classical_cost(
            in_features=1,
            out_features=1,
            parameters=5,
            samples=1,
            epochs=1,
            batch=1,
            calibration=cuda_cal,
            watts=1.0,
        )


def test_bad_calibration_budget():
    for bad in (0, -1.0, math.inf, 61, True):
        with pytest.raises(EstimateError, match="seconds"):
            measure_classical_calibration("cpu", seconds=bad)


@pytest.fixture
def one_thread():
    """One intra-op thread for timing: on a shared 2-core machine, even a tiny training step
    enters an OpenMP region, and with another process busy its barrier stalls up to 100x."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _time_training(n_in: int, n_out: int, parameters: int, batch: int, steps: int) -> float:
    """Wall time of a plain training loop written independently of the calibration code."""
    model = matched_mlp(in_features=n_in, out_features=n_out, parameters=parameters)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    data = torch.randn(steps * batch, n_in, generator=gen)  # (samples, in)
    target = torch.randn(steps * batch, n_out, generator=gen)  # (samples, out)
    start = time.perf_counter()
    for i in range(steps):
        xb, yb = data[i * batch : (i + 1) * batch], target[i * batch : (i + 1) * batch]
        loss = ((model(xb) - yb) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


@pytest.mark.timing
@pytest.mark.parametrize(
    ("n_in", "n_out", "parameters", "batch", "steps"),
    [(4, 2, 60, 32, 50), (256, 64, 300_000, 128, 12)],  # overhead-bound, then FLOP-bound
)
def test_time_model_predicts_a_real_loop_within_3x(
    one_thread, n_in, n_out, parameters, batch, steps
):
    """Calibrate, then time the loop, three times; the median ratio must be within 3x.

    Pairing each calibration with its measurement lets both see the same load from other
    processes on a shared machine; no assertion is made about absolute speed.
    """
    torch.manual_seed(0)
    ratios = []
    for _ in range(3):
        cal = measure_classical_calibration("cpu", seconds=0.3)
        measured = statistics.median(
            _time_training(n_in, n_out, parameters, batch, steps) for _ in range(3)
        )
        predicted = classical_cost(
            in_features=n_in,
            out_features=n_out,
            parameters=parameters,
            samples=batch * steps,
            epochs=1,
            batch=batch,
            calibration=cal,
            watts=1.0,
        ).seconds
        ratios.append(measured / predicted)
    assert 1 / 3 < statistics.median(ratios) < 3, ratios
