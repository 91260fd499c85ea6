"""The benchmark (``qml bench``): it runs from the CLI, reports sane numbers, and compares
like with like (every framework's model gives the same outputs for the same inputs)."""

from __future__ import annotations

import json
import time

import pytest
import torch

from experiments.bench.guards import History, saved_bytes
from experiments.bench.models import Problem, build_qml, make_data, qml_diff_methods
from experiments.bench.peers import PEERS, NotInstalled, build_pennylane, build_qiskit
from experiments.bench.timing import BudgetExceeded, measure_bandwidth, time_callable
from qml import cli

ROW_KEYS = {
    "n",
    "layers",
    "batch",
    "label",
    "framework",
    "method",
    "status",
    "note",
    "step_s",
    "times_s",
    "estimate_s",
    "floor_s",
    "forward_bytes",
    "backward_bytes",
    "vs_qml_best",
    "vs_floor",
}


def test_quick_bench_from_the_cli(tmp_path, capsys):
    out = tmp_path / "bench" / "bench.json"
    assert cli.main(["bench", "--quick", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "qml bench" in printed and "framework / method" in printed
    assert "qml backprop" in printed and "pennylane default.qubit" in printed

    doc = json.loads(out.read_text())
    assert {"machine", "config", "rows"} <= set(doc)
    assert doc["config"]["complete"] is True and doc["config"]["quick"] is True
    machine = doc["machine"]
    assert machine["cpu_count"] >= 1 and machine["torch_threads"] >= 1
    assert machine["bandwidth_bytes_per_s"]["cpu"] > 0 and machine["device"] == "cpu"
    rows = doc["rows"]
    assert rows and all(ROW_KEYS <= set(r) for r in rows)
    assert {(r["n"], r["batch"]) for r in rows} == {(4, 1), (4, 8), (6, 1), (6, 8)}
    ok = [r for r in rows if r["status"] == "ok"]
    assert all(r["step_s"] > 0 and all(t > 0 for t in r["times_s"] or [r["step_s"]]) for r in ok)
    for method in [m for m in qml_diff_methods() if m != "auto"] + ["auto"]:
        qml_rows = [r for r in rows if r["label"] == f"qml {method}"]
        assert len(qml_rows) == 4 and all(r["status"] == "ok" for r in qml_rows)
    for r in ok:  # ratios are against the fastest qml method on the same case
        assert r["vs_qml_best"] > 0
        if r["framework"] == "qml":
            assert r["vs_qml_best"] >= 1 - 1e-12
    qiskit = [r for r in rows if r["framework"] == "qiskit-ml"]
    assert [(r["n"], r["batch"]) for r in qiskit] == [(4, 1)]  # only the smallest case
    assert (tmp_path / "bench" / "bench.png").stat().st_size > 1000


def test_bench_rejects_bad_flags(capsys):
    with pytest.raises(SystemExit):
        cli.main(["bench", "--n", "0"])
    assert "--n values must be positive" in capsys.readouterr().err


def test_bandwidth_is_positive_and_plausible():
    bw = measure_bandwidth(nbytes=64 * 2**20, repeats=3)  # bytes per second
    assert 1e8 < bw < 1e13  # 0.1 GB/s .. 10 TB/s


def test_timer_takes_the_median_within_budget():
    t = time_callable(lambda: sum(range(10_000)), warmup=1, min_total_s=0.01, max_repeats=50)
    assert t.median_s > 0 and 3 <= len(t.times_s) <= 50 and not t.cold
    slow = time_callable(lambda: sum(range(10_000)), warmup=2, budget_s=0.0)
    assert slow.cold and slow.times_s == () and len(slow.warmup_s) == 1


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_timer_stops_a_call_that_outruns_the_budget():
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded):
        time_callable(lambda: _spin(5.0), warmup=0, budget_s=0.2, hard_stop=True)
    assert time.perf_counter() - start < 2.0
    calls = []

    def slower_each_time():  # 1 ms, then 5 s: the second call is stopped, the first counts
        calls.append(None)
        _spin(0.001 if len(calls) == 1 else 5.0)

    t = time_callable(slower_each_time, warmup=0, budget_s=0.3, hard_stop=True)
    assert len(t.times_s) == 1 and t.median_s < 0.1
    assert time.perf_counter() - start < 3.0


def test_history_extrapolates_from_the_nearest_smaller_case():
    h = History()
    assert h.predict("x", n=4, layers=1, batch=1, power=1) is None
    h.add("x", n=12, layers=2, batch=1, seconds=0.01)
    h.add("x", n=12, layers=2, batch=8, seconds=0.02)
    # from (12, 2, 8): twice the batch, four times the amplitudes, 14/12 the gates
    g = 14 / 12
    assert h.predict("x", n=14, layers=2, batch=16, power=1) == pytest.approx(0.02 * 8 * g)
    assert h.predict("x", n=14, layers=2, batch=16, power=2) == pytest.approx(0.02 * 8 * g**2)
    assert h.predict("x", n=12, layers=2, batch=64, power=2) == pytest.approx(0.02 * 8)
    # small states cost their gates' overhead, not their amplitudes
    h.add("y", n=4, layers=2, batch=1, seconds=0.01)
    assert h.predict("y", n=8, layers=2, batch=1, power=2) == pytest.approx(0.01 * 4)
    assert h.predict("y", n=12, layers=2, batch=1, power=1) == pytest.approx(0.01 * 4 * 3)


def test_saved_bytes_grows_with_the_batch():
    pr = Problem(n_qubits=4, layers=1, batch=1)
    one = build_qml(pr, make_data(pr), diff_method="backprop")
    pr8 = Problem(n_qubits=4, layers=1, batch=8)
    eight = build_qml(pr8, make_data(pr8), diff_method="backprop")
    assert 0 < saved_bytes(one.forward) < saved_bytes(eight.forward)


def _forward(build) -> torch.Tensor:
    try:
        model = build()
    except NotInstalled as e:
        pytest.skip(str(e))
    with torch.no_grad():
        return model.forward().detach().to(torch.float64)


def test_every_framework_computes_the_same_model():
    """Same inputs and weights give the same <Z_q> everywhere: the comparison is fair."""
    problem = Problem(n_qubits=3, layers=2, batch=2, seed=7)
    data = make_data(problem)
    ref = _forward(lambda: build_qml(problem, data, diff_method="backprop"))
    assert ref.shape == (2, 3)
    peers = {
        "pennylane default.qubit": lambda: build_pennylane(
            problem, data, device_name="default.qubit", diff_method="backprop"
        ),
        "pennylane lightning.qubit": lambda: build_pennylane(
            problem, data, device_name="lightning.qubit", diff_method="adjoint"
        ),
        "qiskit-ml": lambda: build_qiskit(problem, data),
    }
    for name, build in peers.items():
        torch.testing.assert_close(_forward(build), ref, atol=1e-5, rtol=0, msg=name)


def test_every_framework_steps_and_fills_gradients():
    problem = Problem(n_qubits=3, layers=1, batch=2)
    data = make_data(problem)
    for peer in PEERS:
        try:
            model = peer.build(problem, data)
        except NotInstalled:
            continue
        model.step()
        grads = [p.grad for p in model.module.parameters()]
        assert grads and all(g is not None and torch.isfinite(g).all() for g in grads), peer.label


@pytest.mark.gpu
def test_quick_bench_on_cuda(tmp_path):
    out = tmp_path / "bench.json"
    assert cli.main(["bench", "--quick", "--device", "cuda", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["machine"]["gpu"] and doc["machine"]["bandwidth_bytes_per_s"]["cuda"] > 0
    qml_rows = [r for r in doc["rows"] if r["framework"] == "qml"]
    assert qml_rows and all(r["status"] == "ok" and r["step_s"] > 0 for r in qml_rows)


def test_tree_comparison_refuses_a_folder_without_qml(tmp_path, capsys):
    from experiments.bench import trees

    with pytest.raises(SystemExit) as e:
        trees.main([str(tmp_path), str(tmp_path)])
    assert e.value.code == 2
    assert "has no qml/__init__.py" in capsys.readouterr().err
