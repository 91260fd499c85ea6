"""Timing calibrations are robust: repeated until stable, their spread recorded and warned about,
announced with their cache path, and never written to the user's cache during tests."""

import itertools
import json
import os
import tempfile
import warnings
from pathlib import Path

import pytest

from qml.estimator import classical, simulation_calibration, timing
from qml.estimator.calibration import CalibrationWarning, cache_path
from qml.estimator.classical import ClassicalCalibration
from qml.estimator.simulation_calibration import (
    SimulationCalibration,
    cached_calibration,
    measure_calibration,
)
from qml.estimator.timing import repeat_until_stable

POINTS = (("se", 4, 1, 2), ("se", 6, 1, 4), ("iqp", 5, 1, 2), ("se", 8, 1, 2))
STABLE = (1.0, 1.01, 1.02, 1.5, 1.5, 1.5)  # the best 3 agree within 5 %
NOISY = (1.0, 1.6, 1.3, 2.0, 1.25, 1.9, 1.5, 1.7, 1.4, 2.2, 1.8, 1.35, 1.6, 1.45)  # never do


def _steps(pattern, base_s=1e-3):
    it = itertools.cycle(pattern)
    return lambda: base_s * next(it)


@pytest.fixture
def fake_steps(tmp_path, monkeypatch):
    """Calibrate over four small points with steps that take ``pattern`` times a per-point base
    (no simulation runs); returns a setter for the pattern and the number of steps taken."""
    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(simulation_calibration, "CALIBRATION_POINTS", POINTS)
    state = {"pattern": STABLE, "calls": 0}

    def step_function(circuit, observables, *, batch, diff_method, device):
        base = 1e-4 * batch * 2**circuit.n_qubits * (2 if diff_method == "adjoint" else 1)
        it = itertools.cycle((1.0, *state["pattern"]))  # the warm-up, then the pattern

        def step():
            state["calls"] += 1
            return base * next(it)

        return step

    monkeypatch.setattr(timing, "_step_function", step_function)
    return state


def test_stable_steps_stop_after_three():
    timing = repeat_until_stable(_steps(STABLE))
    assert timing.repeats == 3 and timing.stable
    assert timing.seconds == pytest.approx(1e-3)
    assert timing.spread == pytest.approx(0.01)  # median 1.01 over min 1.0


def test_noisy_steps_repeat_up_to_the_cap_and_keep_the_fastest():
    timing = repeat_until_stable(_steps(NOISY), max_repeats=12)
    assert timing.repeats == 12 and not timing.stable
    assert timing.seconds == pytest.approx(1e-3)
    times = sorted(NOISY[:12])
    median = (times[5] + times[6]) / 2
    assert timing.spread == pytest.approx(median - 1.0)


def test_noisy_steps_that_settle_stop_when_the_best_agree():
    timing = repeat_until_stable(_steps((1.0, 1.6, 1.3, 2.0, 1.02, 1.04, 9.0)))
    assert timing.repeats == 6 and timing.stable


def test_the_time_budget_caps_repeats():
    timing = repeat_until_stable(_steps(NOISY, base_s=0.5), budget_s=1.9, max_repeats=100)
    assert timing.repeats == 3  # 0.5 + 0.8 + 0.65 s pass the 1.9 s budget


@pytest.mark.parametrize("bad", [0.0, -1e-3, float("nan"), float("inf")])
def test_a_nonsense_step_time_is_refused(bad):
    with pytest.raises(timing.EstimateError, match="took"):
        repeat_until_stable(lambda: bad)


def test_quiet_calibration_takes_three_steps_per_point_and_does_not_warn(fake_steps):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        cal = measure_calibration()
    assert cal.point_repeats == (3,) * 2 * len(POINTS)
    assert fake_steps["calls"] == 4 * 2 * len(POINTS)  # a warm-up and three timed steps each
    assert cal.spread == pytest.approx(0.01) and not cal.busy and cal.unstable_points == 0


def test_busy_calibration_repeats_more_and_warns(fake_steps):
    fake_steps["pattern"] = NOISY
    with pytest.warns(CalibrationWarning, match="busy machine"):
        cal = measure_calibration()
    assert all(r > 3 for r in cal.point_repeats)
    assert cal.spread > simulation_calibration.BUSY_SPREAD and cal.busy
    assert cal.unstable_points == 2 * len(POINTS)
    assert len(cal.point_spreads) == len(cal.points)


def test_spread_round_trips_through_the_cache_file(fake_steps, tmp_path):
    fake_steps["pattern"] = NOISY
    with pytest.warns(CalibrationWarning):
        cal = measure_calibration()
    saved = json.loads((tmp_path / "calibration-cpu.json").read_text())
    assert saved["spread"] == cal.spread and saved["point_repeats"] == list(cal.point_repeats)
    assert SimulationCalibration.from_dict(saved) == cal
    calls = fake_steps["calls"]
    with pytest.warns(CalibrationWarning, match="cached calibration at .*busy"):
        assert cached_calibration("cpu") == cal  # a busy cache is used, with a warning
    assert fake_steps["calls"] == calls  # and not measured again


def test_first_use_says_it_calibrates_and_where_it_caches(fake_steps, tmp_path, capsys):
    cal = cached_calibration("cpu")
    err = capsys.readouterr().err
    assert "calibrating the simulator" in err
    assert str(tmp_path / "calibration-cpu.json") in err
    assert cached_calibration("cpu") == cal  # cached: no second measurement, no message
    assert capsys.readouterr().err == ""


def test_old_cache_without_spread_loads_and_is_measured_again(fake_steps, tmp_path, capsys):
    cal = measure_calibration()
    old = {
        k: v
        for k, v in cal.to_dict().items()
        if k not in ("spread", "point_spreads", "point_repeats", "unstable_points")
    }
    assert SimulationCalibration.from_dict(old).spread is None  # still loads
    (tmp_path / "calibration-cpu.json").write_text(json.dumps(old))
    capsys.readouterr()
    again = cached_calibration("cpu")
    assert again.spread is not None and "calibrating" in capsys.readouterr().err
    assert json.loads((tmp_path / "calibration-cpu.json").read_text())["spread"] is not None


def test_repeats_is_validated():
    for bad in (0, -1, 1.5, True, "3"):
        with pytest.raises(simulation_calibration.EstimateError, match=rf"repeats.*{bad!r}"):
            measure_calibration(repeats=bad, save=False)


def _fake_medians(spreads):
    def median_step_times(dev, shapes, budget_s):
        return [1e-4 * (1 + i) for i in range(len(shapes))], list(spreads)

    return median_step_times


def test_busy_classical_calibration_warns_and_records_its_spread(monkeypatch):
    monkeypatch.setattr(classical, "_median_step_times", _fake_medians((0.9, 1.2, 0.7)))
    with pytest.warns(CalibrationWarning, match="busy machine"):
        cal = classical.measure_classical_calibration("cpu", seconds=0.1)
    assert cal.spread == pytest.approx(0.9) and cal.shape_spreads == (0.9, 1.2, 0.7)
    assert ClassicalCalibration.from_dict(cal.to_dict()) == cal


def test_quiet_classical_calibration_is_silent(monkeypatch):
    monkeypatch.setattr(classical, "_median_step_times", _fake_medians((0.1, 0.05, 0.2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        cal = classical.measure_classical_calibration("cpu", seconds=0.1)
    assert cal.spread == pytest.approx(0.1) and not cal.busy


def test_classical_cache_announces_round_trips_and_remeasures_old_files(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(classical, "_median_step_times", _fake_medians((0.1, 0.05, 0.2)))
    cal = classical.cached_classical_calibration("cpu")
    path = tmp_path / "classical-cpu.json"
    assert str(path) in capsys.readouterr().err
    assert classical.cached_classical_calibration("cpu") == cal
    assert capsys.readouterr().err == ""
    saved = json.loads(path.read_text())
    assert saved["calibration"]["spread"] == cal.spread
    del saved["calibration"]["spread"], saved["calibration"]["shape_spreads"]
    assert ClassicalCalibration.from_dict(saved["calibration"]).spread is None  # still loads
    path.write_text(json.dumps(saved))
    assert classical.cached_classical_calibration("cpu").spread is not None
    assert "calibrating" in capsys.readouterr().err


def test_a_bad_spread_is_refused():
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(classical.EstimateError, match="spread"):
            ClassicalCalibration(device="cpu", flops_per_s=1e9, step_overhead_s=0.0, spread=bad)


def test_tests_never_use_the_users_cache():
    path = cache_path("cpu")
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    assert not path.is_relative_to(Path(xdg) / "qml"), path
    assert path.is_relative_to(Path(tempfile.gettempdir())), path
    if not Path(tempfile.gettempdir()).is_relative_to(Path.home()):
        assert not path.is_relative_to(Path.home()), path
