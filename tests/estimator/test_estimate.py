"""qml.estimate: QPU, simulation and classical cost, checked against independent references."""

import dataclasses
import importlib
import json
import math

import pytest
import torch
from qiskit_ibm_runtime.fake_provider import FakeFez

import qml
from circuits import ansatze, encodings
from qml.cli import main
from qml.estimator import EstimateError, Workload, get_target
from qml.estimator.classical import matched_mlp
from qml.estimator.logical_counts import logical_counts
from qml.estimator.steps import step_cost
from qml.observables import Z
from tests.estimator.calibrations import FIXED, SIM


def _layer(n=4, layers=2):
    circuit = encodings.angle(n) + ansatze.strongly_entangling(n, layers=layers)
    return qml.QuantumLayer(circuit, [Z(q) for q in range(n)], seed=0)


@pytest.fixture(scope="module")
def fez_estimate():
    w = Workload(samples=1000, epochs=10, batch=32, shots=1000, diff_method="parameter-shift")
    return qml.estimate(_layer(), target="ibm_fez", workload=w, gpu=False, **FIXED)


def test_entry_point_fields_and_qpu_time_formula(fez_estimate):
    est = fez_estimate
    layer = _layer()
    res = get_target("ibm_fez").resources(layer.circuit)
    assert (est.qubits, est.physical_qubits, est.depth, est.two_qubit_gates) == (
        4,
        res.physical_qubits,
        res.depth,
        res.two_qubit_gates,
    )
    # 24 weight angles x 2 shift terms + the forward, one measurement group, 10,000 samples
    assert est.executions == (1 + 2 * 24) * 1000 * 10
    assert est.total_shots == est.executions * 1000
    cfg = FakeFez().configuration()
    per_shot = cfg.default_rep_delay + res.duration_s  # rep delay read independently
    job_s = get_target("ibm_fez").profile.job_overhead_s
    expected = est.executions * 1000 * per_shot + est.jobs * job_s
    assert est.qpu_seconds == pytest.approx(expected, rel=1e-12)
    assert est.jobs == 2 * 10 * math.ceil(1000 / 32)
    assert est.qpu_energy_kwh == pytest.approx(est.qpu_power_watts * est.qpu_seconds / 3.6e6)
    assert est.cost_usd == pytest.approx(1.60 * est.qpu_seconds)  # IBM pay-as-you-go
    assert est.co2_kg == pytest.approx(est.qpu_energy_kwh * 481 / 1000)  # world average
    assert "marginal" in est.marginal_energy_note
    assert any("system_power_w" in a for a in est.assumptions)


def test_simulation_and_classical_sides(fez_estimate):
    est = fez_estimate
    layer = _layer()
    assert est.simulation.diff_method == "backprop"
    assert est.simulation.memory_bytes == layer.estimate_cost(batch=32).step_peak_bytes
    # the time model written out on the simulator's own memory model (no diagonal gates here)
    cost = layer.estimate_cost(batch=32)
    moved = cost.forward_bytes + cost.backward_bytes
    step_s = 1e-3 + moved / (2 * cost.state_bytes) * 1e-4 + moved / 1e10
    assert (
        step_cost(layer.circuit, layer.observables, batch=32, diff_method="backprop").diag_angles
        == 0
    )
    assert est.simulation.seconds == pytest.approx(step_s * 320)
    assert est.simulation.energy_kwh == pytest.approx(100.0 * est.simulation.seconds / 3.6e6)
    mlp = matched_mlp(in_features=4, out_features=4, parameters=24)
    params = sum(p.numel() for p in mlp.parameters())
    assert est.classical.parameters == params
    assert est.classical.flops == 6 * params * 1000 * 10  # 3 x 2 x params x samples x epochs
    assert est.classical.seconds == pytest.approx(320 * 1e-4 + est.classical.flops / 1e9)


def test_json_dict_and_table(fez_estimate):
    d = json.loads(fez_estimate.to_json())
    assert d["qpu_seconds"] == pytest.approx(fez_estimate.qpu_seconds)
    assert d["simulation"]["memory_bytes"] == fez_estimate.simulation.memory_bytes
    assert d["classical"]["flops"] == fez_estimate.classical.flops
    assert d["workload"]["samples"] == 1000
    r = fez_estimate.ratios()
    assert r["time"]["cpu"] == pytest.approx(
        fez_estimate.qpu_seconds / fez_estimate.simulation.seconds
    )
    assert r["energy"]["classical"] == pytest.approx(
        fez_estimate.qpu_energy_kwh / fez_estimate.classical.energy_kwh
    )
    assert d["ratios"]["time"]["cpu"] == pytest.approx(r["time"]["cpu"])
    assert f"{r['time']['cpu']:.2g}x the time" in fez_estimate.verdict()
    text = str(fez_estimate)
    assert "QPU ibm_fez" in text and "classical MLP" in text and "sim cpu" in text


def test_country_changes_co2_only():
    w = Workload(samples=64, batch=32, shots=100)
    world = qml.estimate(_layer(2, 1), workload=w, gpu=False, **FIXED)
    fra = qml.estimate(_layer(2, 1), workload=w, gpu=False, country="FRA", **FIXED)
    assert fra.qpu_energy_kwh == world.qpu_energy_kwh
    assert fra.co2_kg == pytest.approx(fra.qpu_energy_kwh * 56 / 1000)


def test_circuit_with_observables_and_generic_targets():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    w = Workload(samples=10, shots=100)
    ion = qml.estimate(c, [Z(0)], target="trapped_ion", workload=w, gpu=False, **FIXED)
    sc = qml.estimate(c, [Z(0)], target="superconducting", workload=w, gpu=False, **FIXED)
    assert ion.technology == "trapped_ion" and sc.technology == "superconducting"
    assert ion.executions == sc.executions == (1 + 2 * 6) * 10
    shots_s = {
        e.target: e.qpu_seconds - e.jobs * get_target(e.target).profile.job_overhead_s
        for e in (ion, sc)
    }
    assert shots_s["trapped_ion"] > 100 * shots_s["superconducting"]  # 5.5 Hz against 250 us


def test_fault_tolerant_preset_reuses_the_azure_model():
    c = encodings.angle(3) + ansatze.basic_entangler(3, layers=2)
    counts = logical_counts(c)
    assert counts.rotation_count == 3 + 6  # 3 input rotations, 6 weight rotations
    assert counts.rotation_depth == 3  # one encoding and two ansatz layers on each wire
    w = Workload(samples=10, shots=100)
    est = qml.estimate(c, target="qubit_gate_ns_e3", workload=w, gpu=False, **FIXED)
    ft = qml.estimate_fault_tolerant(counts, qubit="qubit_gate_ns_e3", error_budget=1e-3)
    assert est.fault_tolerant == ft
    assert est.physical_qubits == ft.physical_qubits_for_algorithm
    assert est.circuit_seconds == pytest.approx(ft.runtime_ns * 1e-9)
    with pytest.raises(EstimateError, match="error_budget"):
        qml.estimate(c, target="qubit_gate_ns_e3", workload=w, error_budget=1.5, **FIXED)


def test_bad_inputs_are_named():
    w = Workload(samples=10, shots=100)
    with pytest.raises(EstimateError, match="unknown target 'ibm_nowhere'.*ibm_fez"):
        qml.estimate(_layer(2, 1), target="ibm_nowhere", workload=w, **FIXED)
    wide = encodings.angle(6) + ansatze.basic_entangler(6, layers=1)
    with pytest.raises(EstimateError, match="6.*5|5.*6"):
        qml.estimate(wide, target="ibm_manila", workload=w, **FIXED)
    with pytest.raises(EstimateError, match="workload must be a qml.Workload"):
        qml.estimate(_layer(2, 1), workload={"samples": 10}, **FIXED)
    with pytest.raises(EstimateError, match="runs only on simulators"):
        qml.estimate(_layer(2, 1), workload=Workload(samples=4, shots=10, diff_method="backprop"))
    with pytest.raises(EstimateError, match="or a module holding one. or a qml.Circuit"):
        qml.estimate("circuit.qasm", workload=w)


def test_cli_estimate_on_a_config(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path))
    cfg = tmp_path / "m.toml"
    cfg.write_text(
        "[model]\nqubits = 3\nlayers = 1\n[workload]\nsamples = 8\nbatch = 4\nshots = 50\n"
    )
    est_mod = importlib.import_module("qml.estimator.estimate")  # the module, not the function

    real = est_mod.estimate
    monkeypatch.setattr(
        est_mod, "estimate", lambda *a, **k: real(*a, **{**k, "gpu": False, **FIXED})
    )
    assert main(["estimate", str(cfg), "--target", "ibm_torino", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["target"] == "ibm_torino" and d["qubits"] == 3
    assert d["executions"] == (1 + 2 * 9) * 8
    assert main(["estimate", str(cfg), "--target", "ibm_nowhere"]) == 2
    assert "unknown target 'ibm_nowhere'" in capsys.readouterr().err
    assert main(["estimate", "--list-targets"]) == 0
    assert "ibm_fez" in capsys.readouterr().out.split()


def test_scaling_plot_marks_crossovers(tmp_path):
    from qml.estimator.scaling import crossovers, plot_scaling, scaling

    w = Workload(samples=8, batch=4, shots=10)
    family = lambda n: encodings.angle(n) + ansatze.basic_entangler(n, layers=1)  # noqa: E731
    points = scaling(family, [2, 3, 4], workload=w, gpu=False, **FIXED)
    assert [p.qubits for p in points] == [2, 3, 4]
    assert all(p.seconds["qpu"] > p.seconds["cpu"] for p in points)
    assert crossovers(points, "qpu", "cpu") == []
    out = plot_scaling(points, tmp_path / "s.png")
    assert out.stat().st_size > 1000


def test_crossovers_between_any_two_curves():
    from qml.estimator.scaling import ScalingPoint, all_crossovers

    # cpu = 2**n / 1e3 crosses qpu = 100 where 2**n = 1e5: n = log2(1e5) = 16.61 (exact on a
    # log scale, since both curves are log-linear); gpu = cpu / 10 crosses it at 19.93
    points = [
        ScalingPoint(
            qubits=n,
            seconds={"qpu": 100.0, "cpu": 2.0**n / 1e3, "gpu": 2.0**n / 1e4, "classical": 0.1},
            energy_kwh={},
            fits={},
        )
        for n in (10, 15, 20, 25)
    ]
    found = all_crossovers(points)
    assert set(found) == {("qpu", "cpu"), ("qpu", "gpu")}
    assert found[("qpu", "cpu")] == [pytest.approx(math.log2(1e5))]
    assert found[("qpu", "gpu")] == [pytest.approx(math.log2(1e6))]


def test_cli_estimate_on_a_saved_model(tmp_path, capsys, monkeypatch):
    """A saved hybrid model: the quantum layer is found, and the Linear layer before it makes
    the input angles trainable (they are shifted too). The model file loads without running
    code: built from torch.nn and qml classes it loads; the demo's own ``Scale`` module is a
    class qml does not import from a file, and is refused by name."""
    import torch

    from experiments.two_moons import build_model

    demo = build_model()
    torch.save(demo, tmp_path / "demo.pt")
    assert main(["estimate", str(tmp_path / "demo.pt"), "--samples", "8"]) == 2
    assert "would import experiments.two_moons.Scale" in capsys.readouterr().err
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Sequential(*[m for m in demo if type(m).__name__ != "Scale"]), path)
    est_mod = importlib.import_module("qml.estimator.estimate")  # the module, not the function

    real = est_mod.estimate
    monkeypatch.setattr(
        est_mod, "estimate", lambda *a, **k: real(*a, **{**k, "gpu": False, **FIXED})
    )
    args = ["estimate", str(path), "--samples", "8", "--batch", "4", "--shots", "10", "--json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["workload"]["differentiate_inputs"] is True
    assert d["executions"] == (1 + 2 * (24 + 4)) * 8  # 24 weight and 4 input angles
    missing = ["estimate", str(path), "--shots", "10"]
    assert main(missing) == 2
    assert "needs samples" in capsys.readouterr().err


def test_logical_counts_of_toffolis_and_controlled_rotations():
    c = qml.Circuit(3)
    w = c.weights("w", 3)
    c.ccx(0, 1, 2).crx(0, 1, w[0]).cphase(1, 2, w[1]).rz(2, w[2]).t(0).rz(0, 3.141592653589793)
    counts = logical_counts(c)
    assert counts.ccz_count == 1 and counts.t_count == 1
    assert counts.rotation_count == 2 + 3 + 1  # crx: 2, cphase: 3, rz: 1; rz(pi) is Clifford
    assert counts.rotation_depth == 6  # all on one chain: wire 1 then wire 2


def test_custom_fault_tolerant_qubit_and_inference():
    from qml.estimator import QUBIT_PRESETS

    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    qubit = dataclasses.replace(QUBIT_PRESETS["qubit_gate_us_e3"], name="my_ions")
    w = Workload(samples=4, shots=10, diff_method="none")
    est = qml.estimate(c, target=qubit, workload=w, gpu=False, **FIXED)
    assert est.target == "my_ions" and "surface code" in est.technology
    assert est.executions == 4  # inference: the forward only
    mlp = matched_mlp(in_features=2, out_features=2, parameters=2)
    assert est.classical.flops == 2 * sum(p.numel() for p in mlp.parameters()) * 4


def test_more_bad_inputs_are_named(monkeypatch):
    w = Workload(samples=4, shots=10)
    c = encodings.angle(2)
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    with pytest.raises(EstimateError, match="device='cuda', but torch sees no CUDA GPU"):
        qml.estimate(c, workload=w, device="cuda", watts=300.0)
    with pytest.raises(EstimateError, match="device must be 'cpu'"):
        qml.estimate(c, workload=w, device="tpu")
    with pytest.raises(EstimateError, match="simulation_calibration must be a Simul"):
        qml.estimate(c, workload=w, simulation_calibration="x")
    with pytest.raises(EstimateError, match="calibration must be a ClassicalCalibration"):
        qml.estimate(c, workload=w, simulation_calibration=SIM, classical_calibration={})


@pytest.mark.parametrize(
    "text, match",
    [
        ("model = 5\n", "model must be a table"),
        ("[model]\nqubits = 'four'\n", r"\[model\] qubits must be int, got 'four'"),
        ("[model]\nqubits = 2.7\n", "qubits must be int, got 2.7"),
        ("[model]\nqubits = true\n", "qubits must be int, got True"),
        ("[model]\nqubits = 3\nencodng = 'amplitude'\n", "unknown key 'encodng' in \\[model\\]"),
        ("[model]\nqubits = 3\nencoding = 'bogus'\n", "unknown encoding 'bogus'"),
        ("[model]\nqubits = 3\n[estimate]\ndevice = 5\n", "device must be str, got 5"),
        (
            "[model]\nqubits = 3\n[workload]\nsamples = 4\ndifferentiate_inputs = 'false'\n",
            "differentiate_inputs must be bool",
        ),
        ("[modle]\nqubits = 3\n", "unknown tables \\['modle'\\]"),
    ],
)
def test_cli_config_mistakes_are_named(tmp_path, capsys, text, match):
    import re

    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    assert main(["estimate", str(cfg), "--shots", "10"]) == 2
    assert re.search(match, capsys.readouterr().err)


def test_cli_file_mistakes_are_named(tmp_path, capsys):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a pickle")
    assert main(["estimate", str(junk), "--samples", "4", "--shots", "10"]) == 2
    assert "is not a torch.save()d model" in capsys.readouterr().err
    other = tmp_path / "m.json"
    other.write_text("{}")
    assert main(["estimate", str(other)]) == 2
    assert "give a .toml config or a .pt/.pth" in capsys.readouterr().err
    assert main(["estimate", str(tmp_path / "missing.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["estimate", "--list-targets"]) == 0
    assert "qubit_gate_ns_e3" in capsys.readouterr().out


def test_to_dict_carries_gpu_co2():
    w = Workload(samples=4, shots=10)
    est = qml.estimate(encodings.angle(2), workload=w, **FIXED)
    d = est.to_dict()
    assert d["gpu_simulation"]["co2_kg"] == pytest.approx(
        est.gpu_simulation.energy_kwh * 481 / 1000
    )


def test_a_module_holding_one_layer_is_estimated_and_warns_about_input_shifts():
    from torch import nn

    from experiments.two_moons import build_model

    model = build_model()
    w = Workload(samples=4, shots=10)
    est = qml.estimate(model, workload=w, gpu=False, **FIXED)
    assert est.executions == (1 + 2 * 24) * 4
    assert any("differentiate_inputs=True" in a for a in est.assumptions)
    w_in = Workload(samples=4, shots=10, differentiate_inputs=True)
    est = qml.estimate(model, workload=w_in, gpu=False, **FIXED)
    assert est.executions == (1 + 2 * (24 + 4)) * 4
    assert not any("differentiate_inputs=True" in a for a in est.assumptions)
    two = nn.Sequential(_layer(2, 1), nn.Linear(2, 2), _layer(2, 1))
    with pytest.raises(EstimateError, match="holds 2 QuantumLayers"):
        qml.estimate(two, workload=w)
    with pytest.raises(EstimateError, match="holds 0 QuantumLayers"):
        qml.estimate(nn.Linear(2, 2), workload=w)


def test_registers_no_machine_holds_are_estimated_not_allocated():
    w = Workload(samples=4, shots=10)
    wide = encodings.angle(64) + ansatze.basic_entangler(64, layers=1)
    est = qml.estimate(wide, target="ibm_fez", workload=w, **FIXED)
    assert not est.simulation.fits and not est.gpu_simulation.fits
    assert est.simulation.memory_bytes >= 2**64 * 8  # one complex64 state of 64 qubits
    assert math.isfinite(est.simulation.seconds) and est.simulation.seconds > 1e9
    huge = encodings.angle(1200) + ansatze.basic_entangler(1200, layers=1)
    est = qml.estimate(huge, target="qubit_gate_ns_e3", workload=w, **FIXED)
    assert est.simulation.seconds == math.inf and est.simulation.memory_bytes == 2**1200 * 8
    assert "2^1203 B" in str(est)
    assert json.loads(est.to_json())["simulation"]["seconds"] == math.inf


def test_last_input_mistakes(tmp_path, capsys):
    w = Workload(samples=4, shots=10)
    c = encodings.angle(2)
    with pytest.raises(EstimateError, match="error_budget must be a number in .0, 1., got 2"):
        qml.estimate(c, workload=w, error_budget=2, **FIXED)
    assert qml.estimate(c, target="IBM_FEZ", workload=w, gpu=False, **FIXED).target == "ibm_fez"
    with pytest.raises(EstimateError, match="system_power_w must be a finite number"):
        get_target("ibm_fez").with_overrides(system_power_w="x")
    from qml.estimator.scaling import plot_scaling, scaling

    points = scaling(lambda n: encodings.angle(n), [2], workload=w, gpu=False, **FIXED)
    with pytest.raises(EstimateError, match="folder .* does not exist"):
        plot_scaling(points, tmp_path / "no" / "x.png")
    with pytest.raises(EstimateError, match="cannot write a plot as '.xyz'"):
        plot_scaling(points, tmp_path / "x.xyz")
    cfg = tmp_path / "latin.toml"
    cfg.write_bytes("[model]\nqubits = 3 # caf\xe9\n".encode("latin-1"))
    assert main(["estimate", str(cfg), "--samples", "4", "--shots", "10"]) == 2
    assert "is not valid TOML" in capsys.readouterr().err
    good = tmp_path / "m.toml"
    good.write_text("[model]\nqubits = 2\n")
    assert main(["estimate", str(good), "--samples", "4", "--shots", "9", "--qubits", "2"]) == 2
    assert "--qubits sets the widths of --plot" in capsys.readouterr().err


def test_parameters_of_the_root_module_do_not_count_as_before():
    import torch
    from torch import nn

    from qml.estimator.model import find_quantum_layer

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(1))  # applied after the layer, say
            self.q = _layer(2, 1)

        def forward(self, x):
            return self.q(x) * self.scale

    assert find_quantum_layer(Model())[1] is False
    assert find_quantum_layer(nn.Sequential(nn.Linear(2, 2), _layer(2, 1)))[1] is True


def test_frozen_weights_are_not_shifted_as_on_the_simulator():
    c = qml.Circuit(2)
    x = c.inputs(2)
    a = c.weights("a", 2)
    b = c.weights("b", 1)
    c.ry(0, x[0]).rx(1, a[0]).cnot(0, 1).ry(0, a[1]).rz(1, b[0])
    layer = qml.QuantumLayer(c, [Z(0)], shots=10, diff_method="parameter-shift", seed=0)
    layer.a.requires_grad_(False)
    layer(torch.rand(3, 2)).sum().backward()  # the simulator shifts b only
    est = qml.estimate(layer, workload=Workload(samples=3, batch=3, shots=10), gpu=False, **FIXED)
    assert est.executions == layer.stats.circuits == 3 * (1 + 2 * 1)


def test_import_qml_does_not_load_the_estimator():
    """``import qml`` stays light; the estimator's names load on first use."""
    import subprocess
    import sys

    code = (
        "import qml, sys; assert 'qml.estimator' not in sys.modules, 'loaded eagerly'; "
        "names = ['estimate', 'Estimate', 'Workload', 'estimate_shots', "
        "'estimate_fault_tolerant', 'LogicalCounts']; "
        "import qml.estimator as e; assert all(getattr(qml, n) is getattr(e, n) for n in names); "
        "assert set(names) <= set(dir(qml)) and set(names) <= set(qml.__all__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_targets_share_one_surface_and_a_built_target_prices_as_its_name():
    """Hardware and fault-tolerant targets are both QuantumTargets; estimate() prices a target
    object exactly as the name that builds it."""
    from qml.estimator import FaultTolerantTarget, QuantumTarget

    c = encodings.angle(2) + ansatze.basic_entangler(2, layers=1)
    w = Workload(samples=4, shots=10)
    built = FaultTolerantTarget(qubit="qubit_gate_ns_e4", error_budget=0.01)
    assert isinstance(built, QuantumTarget) and isinstance(get_target("trapped_ion"), QuantumTarget)
    by_name = qml.estimate(
        c, target="qubit_gate_ns_e4", workload=w, gpu=False, error_budget=0.01, **FIXED
    )
    by_object = qml.estimate(c, target=built, workload=w, gpu=False, **FIXED)
    assert by_object.to_dict() == by_name.to_dict()
    assert by_name.fault_tolerant is not None and by_name.two_qubit_gates == 0
    ion = qml.estimate(c, target=get_target("trapped_ion"), workload=w, gpu=False, **FIXED)
    assert (
        ion.to_dict()
        == qml.estimate(c, target="trapped_ion", workload=w, gpu=False, **FIXED).to_dict()
    )
