"""No code runs from a file.

Every pickle payload below would create a marker file if it ran. It is saved in a .pt/.pth
the way an attacker would ship it, then loaded through ``qml.load`` and through
``qml estimate``: the marker must never appear, and the answer is a typed error (exit code 2,
one line). The safe model file round-trips a layer exactly, and the source scan keeps the rule.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import io
import json
import os
import pickle
import shlex
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import qml
from qml.cli import main
from qml.errors import QmlError
from qml.nn.serialization import ModelFileError

ROOT = Path(__file__).resolve().parents[2]


def _circuit() -> qml.Circuit:
    c = qml.Circuit(3)
    x = c.inputs(2)
    w = c.weights("theta", (2, 3))
    b = c.weights("bias", ())
    c.ry(0, x[0]).ry(1, x[1]).ry(2, (np.pi - x[0]) * (np.pi - x[1]))
    for q in range(3):
        c.rx(q, w[0, q] * x[q % 2] + b[()])
    c.cnot(0, 1).cz(1, 2).rzz(0, 2, w[1, 0] - 0.25).u3(1, w[1, 1], 0.5, -w[1, 2])
    return c


def _observables() -> list:
    herm = np.array([[1.0, 0.5 - 0.25j], [0.5 + 0.25j, -0.3]])
    return [qml.Z(0), 0.5 * qml.X(0) @ qml.Y(2) - qml.Z(1), qml.Hermitian(herm, 1), qml.I(2)]


def _layer(**kwargs) -> qml.QuantumLayer:
    return qml.QuantumLayer(_circuit(), _observables(), seed=5, **kwargs)


class _Payload:
    """Unpickling this runs ``touch marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


class _ExecPayload:
    """Unpickling this calls ``exec`` to write the marker."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


class _PayloadModule(nn.Module):
    """A module that pickles as a payload (inside an otherwise valid Sequential)."""

    def __init__(self, marker: Path):
        super().__init__()
        self.marker = marker

    def __reduce_ex__(self, protocol):
        return _Payload(self.marker).__reduce__()


def _malicious_files(tmp: Path, marker: Path) -> dict[str, Path]:
    files = {}

    def put(name: str, obj) -> Path:
        path = tmp / name
        torch.save(obj, path)
        files[name] = path
        return path

    put("plain.pt", _Payload(marker))
    put("exec.pth", _ExecPayload(marker))
    model = nn.Sequential(nn.Linear(2, 2), _layer())
    model.extra = _Payload(marker)  # an attribute of a valid model
    put("attribute.pt", model)
    put("in_sequential.pt", nn.Sequential(nn.Linear(2, 2), _PayloadModule(marker), _layer()))
    good = _layer()
    good.save(tmp / "good.pt")
    payload = torch.load(tmp / "good.pt", weights_only=True)
    payload["state_dict"]["theta"] = _Payload(marker)  # a payload in place of a tensor
    put("in_model_file.pt", payload)
    # corrupt files: a truncated zip, garbage after the archive, raw pickles (not zips)
    whole = (files["plain.pt"]).read_bytes()
    (tmp / "truncated.pt").write_bytes(whole[: len(whole) // 2])
    (tmp / "garbage_after.pt").write_bytes(whole + os.urandom(64))
    (tmp / "raw.pt").write_bytes(pickle.dumps(_Payload(marker)))
    (tmp / "raw_garbage.pth").write_bytes(pickle.dumps(_Payload(marker), protocol=2) + b"\x00junk")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # a zip whose data.pkl is a raw payload + garbage
        zf.writestr("m/data.pkl", pickle.dumps(_Payload(marker), protocol=2) + b"garbage")
        zf.writestr("m/version", "3\n")
    (tmp / "zip_payload.pt").write_bytes(buf.getvalue())
    for name in ("truncated.pt", "garbage_after.pt", "raw.pt", "raw_garbage.pth", "zip_payload.pt"):
        files[name] = tmp / name
    return files


MALICIOUS = [
    "plain.pt",
    "exec.pth",
    "attribute.pt",
    "in_sequential.pt",
    "in_model_file.pt",
    "truncated.pt",
    "garbage_after.pt",
    "raw.pt",
    "raw_garbage.pth",
    "zip_payload.pt",
]


@pytest.fixture(scope="module")
def malicious(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("malicious")
    marker = tmp / "marker"
    return _malicious_files(tmp, marker), marker


def test_the_payloads_are_live(malicious, tmp_path):
    """The fixture's payload really runs under an unsafe load (so the tests below can fail)."""
    files, marker = malicious
    torch.load(files["plain.pt"], weights_only=False)
    assert marker.exists()
    marker.unlink()


@pytest.mark.parametrize("name", MALICIOUS)
def test_qml_load_never_runs_a_payload(malicious, name):
    files, marker = malicious
    with pytest.raises(ModelFileError) as info:
        qml.load(files[name])
    assert not marker.exists()
    message = str(info.value)
    assert str(files[name]) in message and "\n" not in message
    if name in ("plain.pt", "attribute.pt", "in_sequential.pt", "raw_garbage.pth"):
        assert "would import posix.system" in message  # names what it refused to import
    if name == "exec.pth":
        assert "would import builtins.exec" in message


@pytest.mark.parametrize("name", MALICIOUS)
def test_qml_estimate_never_runs_a_payload(malicious, name, capsys):
    files, marker = malicious
    assert main(["estimate", str(files[name]), "--samples", "10"]) == 2
    assert not marker.exists()
    err = capsys.readouterr().err.strip()
    assert err.startswith("qml estimate: error:") and len(err.splitlines()) == 1
    assert str(files[name]) in err


# -- the safe model file ------------------------------------------------------------------------
def _outputs_and_grads(layer, x):
    x = x.clone().requires_grad_(True)
    out = layer(x)
    grads = torch.autograd.grad(out.square().sum(), [x, *layer.parameters()])
    return out.detach(), [g.detach() for g in grads]


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_layer_file_round_trip(tmp_path, dtype):
    layer = _layer(dtype=dtype, diff_method="adjoint")
    with torch.no_grad():
        layer.theta.add_(0.3)  # trained weights, not the initial ones
    path = layer.save(tmp_path / "m.pt")
    loaded = qml.load(path)
    assert isinstance(loaded, qml.QuantumLayer)
    assert loaded.requested_diff_method == "adjoint" and loaded.shots is None
    x = torch.rand(5, 2, dtype=torch.float64 if dtype == torch.complex128 else torch.float32)
    out, grads = _outputs_and_grads(layer, x)
    out2, grads2 = _outputs_and_grads(loaded, x)
    torch.testing.assert_close(out2, out, rtol=0, atol=0)
    for g, g2 in zip(grads, grads2, strict=True):
        torch.testing.assert_close(g2, g, rtol=0, atol=0)
    # independent of the save: the Z(0) output equals Qiskit's Statevector expectation
    from qiskit.quantum_info import SparsePauliOp, Statevector

    bound = qml.Circuit.to_qiskit(loaded.circuit)
    values = {p.name: None for p in bound.parameters}
    flat = {
        "x": x[0].tolist(),
        "theta": loaded.theta.detach().reshape(-1).tolist(),
        "bias": [float(loaded.bias.detach())],
    }
    for p in bound.parameters:
        vec, _, idx = p.name.partition("[")
        values[p.name] = flat[vec][int(idx.rstrip("]")) if idx else 0]
    sv = Statevector(bound.assign_parameters({p: values[p.name] for p in bound.parameters}))
    z0 = sv.expectation_value(SparsePauliOp("I" * 2 + "Z")).real  # qiskit: qubit 0 rightmost
    assert abs(float(out2[0, 0]) - z0) < (1e-5 if dtype == torch.complex64 else 1e-10)
    again = tmp_path / "second" / "m.pt"
    again.parent.mkdir()
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()  # a second save is identical


def test_layer_file_keeps_backend_options_shots_and_generator(tmp_path):
    pytest.importorskip("qiskit_aer")
    backend = qml.backends.get_backend("aer", noise="fake_manila")
    layer = qml.QuantumLayer(
        _circuit(), [qml.Z(0)], backend=backend, shots=64, seed=11, diff_method="parameter-shift"
    )
    layer.save(tmp_path / "aer.pt")
    loaded = qml.load(tmp_path / "aer.pt")
    assert loaded.backend.name == "aer" and loaded.backend.noise == "fake_manila"
    assert loaded.shots == 64
    spec = json.loads(torch.load(tmp_path / "aer.pt", weights_only=True)["spec"])
    assert spec["backend"] == {"name": "aer", "options": {"noise": "fake_manila"}}
    x = torch.rand(3, 2)
    torch.testing.assert_close(loaded(x), layer(x), rtol=0, atol=0)  # same seeded shots


def test_backend_options_that_are_not_data_are_refused(tmp_path):
    pytest.importorskip("qiskit_aer")
    from qiskit_aer.noise import NoiseModel

    backend = qml.backends.get_backend("aer", noise=NoiseModel())
    layer = qml.QuantumLayer(_circuit(), [qml.Z(0)], backend=backend, shots=16)
    with pytest.raises(ModelFileError, match="option noise=.* is a NoiseModel, not plain data"):
        layer.save(tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()
    torch.save(layer, tmp_path / "pickled.pt")  # the whole layer: the NoiseModel is refused
    with pytest.raises(ModelFileError, match="would import qiskit_aer.noise"):
        qml.load(tmp_path / "pickled.pt")

    class Custom:  # a backend object qml does not know
        name = "torch"
        capabilities = _layer().backend.capabilities

        def compile(self, *args, **kwargs):
            return _layer()._executable

    odd = _layer()
    odd.backend = Custom()
    with pytest.raises(ModelFileError, match="qml cannot describe as data"):
        odd.save(tmp_path / "y.pt")


def test_whole_models_of_qml_and_torch_nn_classes_load(tmp_path):
    layer = _layer()
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Dropout(0.0), layer, nn.Linear(4, 1))
    torch.save(model, tmp_path / "m.pth")
    loaded = qml.load(tmp_path / "m.pth")
    assert isinstance(loaded, nn.Sequential)
    x = torch.rand(4, 2)
    torch.testing.assert_close(loaded(x), model(x), rtol=0, atol=0)
    torch.save(layer, tmp_path / "layer.pt")  # a pickled layer on its own
    torch.testing.assert_close(qml.load(tmp_path / "layer.pt")(x), layer(x), rtol=0, atol=0)


class Net(nn.Module):
    """A user's own model class."""

    def __init__(self):
        super().__init__()
        self.q = _layer()


def test_user_classes_are_refused_by_name_unless_trusted(tmp_path, capsys):
    torch.save(Net(), tmp_path / "net.pt")
    with pytest.raises(ModelFileError, match=r"would import .*Net, which qml does not load"):
        qml.load(tmp_path / "net.pt")
    assert main(["estimate", str(tmp_path / "net.pt"), "--samples", "4"]) == 2
    err = capsys.readouterr().err
    assert "Net" in err and "layer.save(path)" in err
    with pytest.raises(ModelFileError, match="trusted= takes classes"):
        qml.load(tmp_path / "net.pt", trusted=["Net"])
    assert isinstance(qml.load(tmp_path / "net.pt", trusted=[Net]), Net)  # the user's choice


def test_a_state_dict_gets_told_what_to_save(tmp_path, capsys):
    torch.save(_layer().state_dict(), tmp_path / "sd.pt")
    with pytest.raises(ModelFileError, match="holds a state_dict .*layer.save\\(path\\)"):
        qml.load(tmp_path / "sd.pt")
    assert main(["estimate", str(tmp_path / "sd.pt"), "--samples", "4"]) == 2
    assert "holds a state_dict" in capsys.readouterr().err
    torch.save({"epoch": 3}, tmp_path / "ckpt.pt")
    with pytest.raises(ModelFileError, match="holds a dict with keys \\['epoch'\\]"):
        qml.load(tmp_path / "ckpt.pt")


def test_cli_estimates_a_layer_file(tmp_path, monkeypatch):
    """The CLI hands the loaded layer (and 'nothing trainable before it') to the estimator."""
    report = importlib.import_module("qml.estimator.estimate")  # the module, not the function

    seen = {}

    def fake_estimate(model, **kwargs):
        seen["model"], seen["workload"] = model, kwargs["workload"]
        raise qml.errors.QmlError("stop here")  # the estimate itself is tested elsewhere

    monkeypatch.setattr(report, "estimate", fake_estimate)
    layer = _layer()
    layer.save(tmp_path / "m.pt")
    assert main(["estimate", str(tmp_path / "m.pt"), "--samples", "4", "--shots", "10"]) == 2
    assert isinstance(seen["model"], qml.QuantumLayer)
    assert seen["model"].circuit.weight_shapes == layer.circuit.weight_shapes
    assert seen["workload"].differentiate_inputs is False
    torch.save(nn.Sequential(nn.Linear(2, 2), layer), tmp_path / "seq.pt")
    assert main(["estimate", str(tmp_path / "seq.pt"), "--samples", "4", "--shots", "10"]) == 2
    assert seen["workload"].differentiate_inputs is True  # the Linear before it trains


# -- malformed model files ----------------------------------------------------------------------
def _rewrite(tmp_path: Path, edit) -> Path:
    _layer().save(tmp_path / "good.pt")
    payload = torch.load(tmp_path / "good.pt", weights_only=True)
    spec = json.loads(payload["spec"])
    out = edit(payload, spec)
    if out is not None:
        payload = out
    elif "spec" in payload and isinstance(payload["spec"], str):
        payload["spec"] = json.dumps(spec)
    torch.save(payload, tmp_path / "bad.pt")
    return tmp_path / "bad.pt"


def _set(d, key, value):
    d[key] = value


def _pop(d, key):
    del d[key]


MALFORMED = {
    "format tag": (lambda p, s: _set(p, "format", "other.Thing"), "format tag 'other.Thing'"),
    "newer version": (lambda p, s: _set(p, "version", 2), "newer qml .*version 2"),
    "bad version": (lambda p, s: _set(p, "version", "1"), "version must be a positive integer"),
    "bad JSON": (lambda p, s: {**p, "spec": "{not json"}, "spec is not valid JSON"),
    "NaN in JSON": (
        lambda p, s: {**p, "spec": p["spec"].replace("0.5", "NaN", 1)},
        "not valid JSON: non-finite number NaN",
    ),
    "unknown gate": (
        lambda p, s: _set(s["circuit"]["operations"][0], "gate", "os.system"),
        "unknown gate 'os.system'",
    ),
    "invalid wire": (
        lambda p, s: _set(s["circuit"]["operations"][0], "wires", [7]),
        "on wire 7, but the circuit has 3 qubits",
    ),
    "fractional wire": (
        lambda p, s: _set(s["circuit"]["operations"][0], "wires", [0.5]),
        "wire must be an integer, got 0.5",
    ),
    "undeclared weight": (
        lambda p, s: _set(
            s["circuit"]["operations"][3]["params"][0]["add"][0]["mul"][0], "weight", "other"
        ),
        "weight 'other' is not declared",
    ),
    "bad expression": (
        lambda p, s: _set(s["circuit"]["operations"][0], "params", [{"call": "eval"}]),
        "not an expression",
    ),
    "bad observable": (
        lambda p, s: _set(
            s["observables"], 0, {"pauli": [[0, "Q"]], "coeff": 1, "identity_wires": []}
        ),
        "Pauli factor must be",
    ),
    "observable off the circuit": (
        lambda p, s: _set(s["observables"][0], "pauli", [[9, "Z"]]),
        "acts on wire 9",
    ),
    "non-Hermitian": (
        lambda p, s: _set(s["observables"][2], "imag", [[0, 1], [1, 0]]),
        "not Hermitian",
    ),
    "unknown backend": (lambda p, s: _set(s["backend"], "name", "evil"), "unknown backend 'evil'"),
    "missing field": (lambda p, s: _pop(s, "dtype"), "layer must have the fields"),
    "bad dtype": (lambda p, s: _set(s, "dtype", "float16"), "dtype must be one of"),
    "missing tensor": (lambda p, s: _pop(p["state_dict"], "bias"), "tensor 'bias' must have shape"),
    "extra tensor": (
        lambda p, s: _set(p["state_dict"], "more", torch.zeros(1)),
        "unexpected tensors \\['more'\\]",
    ),
    "wrong shape": (
        lambda p, s: _set(p["state_dict"], "theta", torch.zeros(3, 2)),
        "tensor 'theta' must have shape \\(2, 3\\), got \\(3, 2\\)",
    ),
    "wrong dtype": (
        lambda p, s: _set(p["state_dict"], "theta", torch.zeros(2, 3).double()),
        "tensor 'theta' has shape \\(2, 3\\) torch.float64",
    ),
    "non-finite": (
        lambda p, s: _set(
            p["state_dict"], "theta", torch.tensor([[0.0, float("nan"), 0], [0, 0, 0]])
        ),
        "tensor 'theta' holds non-finite values",
    ),
    "huge weight": (
        lambda p, s: _set(s["circuit"]["weights"][0], 1, [10**6, 10**6]),
        "tensor 'theta' must have shape \\(1000000, 1000000\\)",
    ),
    "bad rng state": (
        lambda p, s: _set(p, "rng_state", torch.zeros(3, dtype=torch.uint8)),
        "rng_state is not a generator state",
    ),
    "unknown entry": (lambda p, s: _set(p, "code", "print(1)"), "unknown entries \\['code'\\]"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_model_files_are_named(tmp_path, case, capsys):
    edit, match = MALFORMED[case]
    path = _rewrite(tmp_path, edit)
    with pytest.raises(ModelFileError, match=match) as info:
        qml.load(path)
    assert str(info.value).startswith(str(path)) and isinstance(info.value, QmlError | ValueError)
    assert main(["estimate", str(path), "--samples", "4"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_missing_and_odd_paths(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        qml.load(tmp_path / "nope.pt")
    with pytest.raises(ModelFileError, match="not a file"):
        qml.load(tmp_path)
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(ModelFileError, match="is not a torch.save\\(\\)d model"):
        qml.load(tmp_path / "empty.pt")
    with pytest.raises(ModelFileError, match="save needs a qml.QuantumLayer"):
        qml.nn.serialization.save(nn.Linear(1, 1), tmp_path / "x.pt")


# -- the rule, kept by a scan of the sources ----------------------------------------------------
def _unsafe_calls(path: Path) -> list[str]:
    """``torch.load`` without ``weights_only=True``, pickle/dill/marshal loads, eval, exec."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(n.split(".")[0] in ("dill", "cloudpickle", "shelve", "marshal") for n in names):
                found.append(f"{path}:{node.lineno} imports {names}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        dotted = ast.unparse(func)
        kw = {k.arg: k.value for k in node.keywords}
        if dotted in ("eval", "exec", "builtins.eval", "builtins.exec"):
            found.append(f"{path}:{node.lineno} calls {dotted}")
        elif dotted in ("torch.load", "torch.serialization.load"):
            safe = kw.get("weights_only")
            if not (isinstance(safe, ast.Constant) and safe.value is True):
                found.append(f"{path}:{node.lineno} calls {dotted} without weights_only=True")
        elif dotted.split(".")[-1] in ("load", "loads", "Unpickler") and dotted.split(".")[0] in (
            "pickle",
            "_pickle",
            "cPickle",
            "dill",
            "joblib",
            "cloudpickle",
        ):
            found.append(f"{path}:{node.lineno} calls {dotted}")
        elif dotted in ("np.load", "numpy.load"):
            flag = kw.get("allow_pickle")
            if isinstance(flag, ast.Constant) and flag.value is True:
                found.append(f"{path}:{node.lineno} calls {dotted} with allow_pickle=True")
    return found


def test_no_source_loads_a_file_unsafely():
    sources = [p for d in ("qml", "circuits", "experiments") for p in (ROOT / d).rglob("*.py")]
    assert len(sources) > 20
    found = [hit for p in sources for hit in _unsafe_calls(p)]
    assert not found, "unsafe loads (docs/model-files.md):\n" + "\n".join(found)


def test_the_scan_catches_what_it_forbids(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import torch, pickle\ntorch.load(p, weights_only=False)\ntorch.load(p)\n"
        "pickle.loads(b)\neval('1')\nimport dill\n"
    )
    assert len(_unsafe_calls(bad)) == 5
    good = tmp_path / "good.py"
    good.write_text("import torch\ntorch.load(p, weights_only=True)\nmodel.eval()\n")
    assert _unsafe_calls(good) == []


# -- the CLI's help (qml estimate) --------------------------------------------------------------
def test_estimate_help_has_no_markup_and_a_help_for_every_flag():
    from qml.estimator import cli as estimate_cli

    sub = argparse.ArgumentParser(prog="qml").add_subparsers()
    parser = estimate_cli.add_parser(sub)
    text = parser.format_help()
    for markup in ("``", ":class:", ":func:", ":mod:", "::\n"):
        assert markup not in text, markup
    missing = [a.option_strings or a.dest for a in parser._actions if not a.help]
    assert not missing
    assert "load only files you trust" not in text and "layer.save(path)" in text


# -- a whole-model file that passes for a valid one but would compute something else ------------
def _two_weight_layer() -> qml.QuantumLayer:
    c = qml.Circuit(2)
    x = c.inputs(2)
    w = c.weights("w", (2,))
    v = c.weights("v", (2,))
    c.ry(0, x[0]).ry(1, x[1]).rx(0, w[0]).rx(1, v[1]).cnot(0, 1)
    return qml.QuantumLayer(c, seed=3)


def test_a_crafted_flat_index_does_not_survive_loading(tmp_path):
    """``Weight.flat`` rewritten to read another array: the loaded layer is the one its data
    describes (rebuilt by qml), not the unpickled object."""
    from qml.expr import Weight

    layer = _two_weight_layer()
    x = torch.rand(3, 2, generator=torch.Generator().manual_seed(0))
    honest = layer(x).detach()
    op = layer.circuit.operations[2]  # rx(0, w[0])
    object.__setattr__(op, "params", (Weight("w", (0,), 1, op.params[0].scope),))
    import copy

    tampered = copy.deepcopy(layer)  # recompiled from its ops, as unpickling does
    assert not torch.allclose(tampered(x), honest)  # it computes something else
    torch.save(nn.Sequential(layer), tmp_path / "m.pt")
    loaded = qml.load(tmp_path / "m.pt")
    torch.testing.assert_close(loaded(x), honest)


def test_frozen_weights_and_mode_survive_the_rebuild(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2), _two_weight_layer()).eval()
    model[1].v.requires_grad_(False)
    torch.save(model, tmp_path / "m.pt")
    loaded = qml.load(tmp_path / "m.pt")
    assert not loaded[1].v.requires_grad and loaded[1].w.requires_grad
    assert not loaded.training and not loaded[1].training


@pytest.mark.parametrize("where", ["attribute", "forward", "hook"])
def test_modules_outside_the_registered_submodules_are_refused(tmp_path, where):
    s = nn.Sequential(nn.Identity())
    layer = _two_weight_layer()
    if where == "attribute":
        object.__setattr__(s, "extra", [layer])
    elif where == "forward":
        object.__setattr__(s, "forward", layer)
    else:
        s._forward_hooks[0] = layer
    torch.save(s, tmp_path / "m.pt")
    with pytest.raises(ModelFileError, match="outside its registered submodules"):
        qml.load(tmp_path / "m.pt")


@pytest.mark.parametrize("bad", [None, 3, b"layer.pt"])
def test_bad_paths_are_model_file_errors(tmp_path, bad):
    with pytest.raises(ModelFileError, match="str or os.PathLike"):
        qml.load(bad)
    with pytest.raises(ModelFileError, match="str or os.PathLike"):
        _two_weight_layer().save(bad)


def test_saving_to_a_directory_or_a_missing_folder_is_a_model_file_error(tmp_path):
    with pytest.raises(ModelFileError, match="directory"):
        _two_weight_layer().save(tmp_path)
    with pytest.raises(ModelFileError, match="cannot write"):
        _two_weight_layer().save(tmp_path / "no" / "such" / "layer.pt")


def test_a_spec_number_beyond_the_float_range_is_a_model_file_error(tmp_path):
    _layer().save(tmp_path / "layer.pt")
    payload = torch.load(tmp_path / "layer.pt", weights_only=True)
    spec = json.loads(payload["spec"])
    spec["circuit"]["operations"].append({"gate": "rx", "wires": [0], "params": [{"const": 0}]})
    payload["spec"] = json.dumps(spec).replace('{"const": 0}', '{"const": ' + "9" * 400 + "}")
    torch.save(payload, tmp_path / "huge.pt")
    with pytest.raises(ModelFileError, match="must be a finite number"):
        qml.load(tmp_path / "huge.pt")
