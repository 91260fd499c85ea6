"""Model files that run no code: ``layer.save(path)`` and ``qml.load(path)``.

A qml model file is one ``torch.save`` archive of plain data (docs/model-files.md)::

    {"format": "qml.QuantumLayer", "version": 1,
     "spec": "<JSON: circuit, observables, backend name and options, shots, diff_method, dtype>",
     "state_dict": {name: tensor}, "rng_state": uint8 tensor | None}

It is read with ``torch.load(path, weights_only=True)``, and the JSON is turned back into qml
objects by this module's own parser: nothing in the file names a Python object to import or
call. :func:`load` also reads a whole ``torch.save(model)`` of qml's own classes and torch.nn's
built-in modules (the unpickler allowlists exactly those, looked up in a fixed table here), and
refuses anything else with a :class:`ModelFileError` that names what it would have imported.

The rule this keeps: no ``torch.load`` / ``pickle.load`` of a user's path without
``weights_only=True`` anywhere in qml (tests/trust/test_security.py scans for it).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pickle
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from qml.circuit import Circuit, StatePrep
from qml.errors import ModelFileError, QmlError
from qml.expr import Add, Const, Expr, Input, InputArray, Mul, Weight, WeightArray
from qml.nn.layer import QuantumLayer
from qml.observables import Hermitian, Observable, PauliSum, PauliWord

__all__ = ["ModelFileError", "FORMAT", "VERSION", "save", "load"]

FORMAT = "qml.QuantumLayer"
VERSION = 1
_DTYPES = {"complex64": torch.complex64, "complex128": torch.complex128}
_REAL = {torch.complex64: torch.float32, torch.complex128: torch.float64}
_HOW = (
    "save the layer with layer.save(path) and read it with qml.load(path), or torch.save a "
    "model built only from qml and torch.nn classes (docs/model-files.md)"
)

_NUMPY_KINDS = ("Float64", "Float32", "Complex128", "Complex64", "Int64", "Int32", "Bool")
# Globals a pickled model may name, and where qml imports them from (never from the file).
_QML_GLOBALS = {
    f"{module}.{name}": (module, name)
    for module, names in {
        "qml.nn.layer": ("QuantumLayer",),
        "qml.circuit": ("Circuit", "Operation", "StatePrep"),
        "qml.expr": ("Const", "Input", "Weight", "Add", "Mul", "Scope"),
        "qml.observables": ("PauliWord", "PauliSum", "Hermitian"),
        "qml.backends.base": ("Capabilities",),
        "qml.backends.torch_backend": ("TorchBackend",),
        "qml.backends.aer_backend": ("AerBackend",),
        "qml.backends.pennylane_backend": ("PennyLaneBackend",),
        "numpy._core.multiarray": ("_reconstruct",),  # a Hermitian matrix is a numpy array
        "numpy.core.multiarray": ("_reconstruct",),
        "numpy": ("ndarray", "dtype"),
        # BUILD of a dtype needs its class, which the pickle does not name
        "numpy.dtypes": tuple(f"{k}DType" for k in _NUMPY_KINDS),
        "torch._C": ("Generator",),  # a layer's seeded generator
    }.items()
    for name in names
}
# Backend class -> the constructor options it keeps as attributes (stored by name in a file).
_BACKEND_OPTIONS = {
    "qml.backends.torch_backend.TorchBackend": (),
    "qml.backends.pennylane_backend.PennyLaneBackend": (),
    "qml.backends.aer_backend.AerBackend": ("noise",),
}


# -- writing -------------------------------------------------------------------------------------
def save(layer: QuantumLayer, path: str | os.PathLike) -> Path:
    """Write ``layer`` to ``path`` as a qml model file (plain data; see the module docstring).

    Args:
        layer: the :class:`~qml.QuantumLayer`; its weights are copied to the CPU.
        path: the file to write (``.pt`` by convention).

    Returns:
        The path written.

    Raises:
        ModelFileError: ``layer`` is not a QuantumLayer, or holds something a file cannot
            describe as data (a backend object with non-data options, a custom observable,
            non-finite weights), or the file cannot be written.

    Example:
        >>> import os, tempfile, torch, qml
        >>> c = qml.Circuit(1)
        >>> _ = c.ry(0, c.inputs(1)[0]).rx(0, c.weights("w", ()))
        >>> layer = qml.QuantumLayer(c, seed=0)
        >>> path = os.path.join(tempfile.mkdtemp(), "layer.pt")
        >>> _ = layer.save(path)
        >>> bool(torch.equal(qml.load(path)(torch.ones(1)), layer(torch.ones(1))))
        True
    """
    path = _path(path)
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory; give a file name such as layer.pt")
    if not isinstance(layer, QuantumLayer):
        raise ModelFileError(f"{path}: save needs a qml.QuantumLayer, got {type(layer).__name__}")
    try:
        spec = json.dumps(_layer_spec(layer), sort_keys=True, allow_nan=False)
    except ValueError as e:  # json refuses NaN / inf
        raise ModelFileError(f"{path}: the layer holds a non-finite number: {e}") from e
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from e
    state = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in layer.state_dict().items()}
    for name, value in state.items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ModelFileError(f"{path}: weight {name!r} holds non-finite values")
    gen = layer._generator
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "spec": spec,
        "state_dict": state,
        "rng_state": None if gen is None else gen.get_state(),
    }
    try:
        torch.save(payload, path)
    except (OSError, RuntimeError) as e:  # torch reports a missing folder as RuntimeError
        raise ModelFileError(f"{path}: cannot write the model file: {_line(e)}") from e
    return path


def _path(path: object) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise ModelFileError(f"a model file path must be a str or os.PathLike, got {path!r:.80}")
    return Path(path)


def _layer_spec(layer: QuantumLayer) -> dict:
    anchor = layer._anchor
    if not isinstance(anchor, torch.Tensor):
        raise ModelFileError(f"the layer's dtype anchor is a {type(anchor).__name__}")
    real = anchor.dtype
    dtype = {r: name for name, c in _DTYPES.items() for r in (_REAL[c],)}.get(real)
    if dtype is None:
        raise ModelFileError(f"the layer simulates in {real}; a file holds complex64 or complex128")
    return {
        "circuit": _circuit_spec(layer.circuit),
        "observables": [_observable_spec(o) for o in layer.observables],
        "backend": _backend_spec(layer.backend),
        "shots": layer.shots,
        "diff_method": getattr(layer, "requested_diff_method", None) or layer.diff_method,
        "dtype": dtype,
    }


def _circuit_spec(c: Circuit) -> dict:
    ops: list[dict] = []
    for op in c.operations:
        if isinstance(op, StatePrep):
            ops.append({"gate": "amplitude", "wires": list(op.wires),
                        "features": [_expr_spec(p) for p in op.params],
                        "normalize": op.normalize, "pad_with": op.pad_with})  # fmt: skip
        else:
            ops.append({"gate": op.name, "wires": list(op.wires),
                        "params": [_expr_spec(p) for p in op.params]})  # fmt: skip
    return {
        "n_qubits": c.n_qubits,
        "inputs": [[n, s] for n, s in c.input_shapes.items()],
        "weights": [[n, list(s)] for n, s in c.weight_shapes.items()],
        "operations": ops,
    }


def _expr_spec(e: Expr) -> dict:
    if isinstance(e, Const):
        return {"const": e.value}
    if isinstance(e, Input):
        return {"input": e.name, "index": e.index}
    if isinstance(e, Weight):
        return {"weight": e.name, "index": list(e.index)}
    if isinstance(e, Add):
        return {"add": [_expr_spec(e.left), _expr_spec(e.right)]}
    if isinstance(e, Mul):
        return {"mul": [_expr_spec(e.left), _expr_spec(e.right)]}
    raise ModelFileError(f"cannot write the expression {e!r} ({type(e).__name__}) to a file")


def _observable_spec(o: Observable) -> dict:
    if isinstance(o, PauliWord):
        return {"pauli": [[w, p] for w, p in o.paulis.items()], "coeff": o.coeff,
                "identity_wires": list(o.identity_wires)}  # fmt: skip
    if isinstance(o, PauliSum):
        return {"sum": [[c, _observable_spec(t)] for c, t in o.terms()]}
    if isinstance(o, Hermitian):
        return {"hermitian": list(o.wires), "real": o.matrix_.real.tolist(),
                "imag": o.matrix_.imag.tolist()}  # fmt: skip
    raise ModelFileError(f"cannot write the observable {o!r} ({type(o).__name__}) to a file")


def _backend_spec(backend: Any) -> dict:
    from qml.backends import get_backend

    kind = f"{type(backend).__module__}.{type(backend).__qualname__}"
    name = backend.name
    if kind not in _BACKEND_OPTIONS:
        try:  # a registered backend without options rebuilds from its name alone
            same = type(fresh := get_backend(name)) is type(backend)
            same = same and vars(fresh) == vars(backend)
        except Exception:  # noqa: BLE001 - any doubt means "cannot describe it as data"
            same = False
        if not same:
            raise ModelFileError(
                f"backend {name!r} is a {type(backend).__name__} that qml cannot describe as "
                "data; build the layer with a registered backend name to save it"
            )
        return {"name": name, "options": {}}
    options = {}
    for key in _BACKEND_OPTIONS[kind]:
        value = getattr(backend, key, None)
        if value is None:
            continue
        if isinstance(value, bool | int | float | str):
            options[key] = value
        else:
            raise ModelFileError(
                f"backend {name!r} option {key}={value!r} is a {type(value).__name__}, not "
                "plain data (str, number, bool); a model file cannot hold it (give it by "
                "name, e.g. noise='fake_fez')"
            )
    return {"name": name, "options": options}


# -- reading -------------------------------------------------------------------------------------
def load(path: str | os.PathLike, *, trusted: Sequence[type] = ()) -> nn.Module:
    """Read a model file without running code from it.

    Args:
        path: a file written by ``layer.save(path)``, or a ``torch.save(model)`` of a module
            built from qml's own classes and torch.nn's built-in modules.
        trusted: classes of your own that you vouch for (they may then run their
            ``__setstate__`` while loading); nothing else outside qml and torch.nn loads.

    Returns:
        The :class:`~qml.QuantumLayer` (on the CPU), or the whole module.

    Raises:
        ModelFileError: the file is missing, unreadable, corrupt, would import a class qml
            does not load (named in the message), holds a state_dict or another object, or
            describes an invalid layer (unknown gate, bad wire, missing or misshapen or
            non-finite tensors, unknown format or newer version).
    """
    path = _path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such file" if not path.exists() else
                             f"{path}: not a file")  # fmt: skip
    for cls in trusted:
        if not isinstance(cls, type):
            raise ModelFileError(f"trusted= takes classes, got {cls!r}")
    obj = _torch_load(path, list(trusted))
    if isinstance(obj, nn.Module):
        return _check_module(path, obj)
    if isinstance(obj, Mapping) and "format" in obj:
        return _from_payload(path, obj)
    if isinstance(obj, Mapping) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        names = ", ".join(list(map(str, obj))[:4]) + (", ..." if len(obj) > 4 else "")
        raise ModelFileError(
            f"{path} holds a state_dict ({len(obj)} tensors: {names}), not a model: it has no "
            f"circuit or observables to rebuild a layer from; {_HOW}"
        )
    what = f"a dict with keys {sorted(map(str, obj))[:6]}" if isinstance(obj, Mapping) else (
        f"a {type(obj).__name__}")  # fmt: skip
    raise ModelFileError(f"{path} holds {what}, not a qml model; {_HOW}")


def _torch_load(path: Path, trusted: list[type]) -> Any:
    """``torch.load(weights_only=True)`` with exactly the allowlisted globals the file needs."""
    allowed = _allowed_globals(trusted)
    try:  # scans the pickle's opcodes; runs nothing (zip files only)
        needed = set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except Exception:  # noqa: BLE001 - not a zip: the unpickler below names what it meets
        needed = set()
    refused = sorted(needed - set(allowed))
    if refused:
        raise _refusal(path, refused)
    names = {n for n in needed if n in allowed}
    if "numpy.dtype" in names:
        names |= {f"numpy.dtypes.{k}DType" for k in _NUMPY_KINDS}
    for _ in range(64):  # a legacy (non-zip) file names one missing global per attempt
        globs: list[Any] = [(g, n) for n in sorted(names) if (g := _resolve(allowed[n]))]
        try:
            with torch.serialization.safe_globals(globs), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*pickle protocol")
                return torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as e:
            found = re.findall(r"GLOBAL ([\w.]+)", str(e))
            if found and found[0] in allowed and found[0] not in names:
                names.add(found[0])
                continue
            if found:
                raise _refusal(path, found[:1]) from None
            raise ModelFileError(f"{path} is not a torch.save()d model: {_line(e)}") from None
        except RecursionError:
            raise ModelFileError(
                f"{path} is not a torch.save()d model: nested too deeply"
            ) from None
        except Exception as e:  # noqa: BLE001 - zip, EOF, and errors of allowlisted classes
            raise ModelFileError(
                f"{path} is not a torch.save()d model: {type(e).__name__}: {_line(e)}"
            ) from None
    raise ModelFileError(f"{path}: names too many globals to load")


def _allowed_globals(trusted: list[type]) -> dict[str, Any]:
    """Full name -> ``(module, attr)`` (imported on use) or the class itself."""
    allowed: dict[str, Any] = dict(_QML_GLOBALS)
    for modname, module in list(sys.modules.items()):
        if modname.startswith("torch.nn.modules.") and module is not None:
            for obj in vars(module).values():
                if (isinstance(obj, type) and issubclass(obj, nn.Module)
                        and obj.__module__ == modname):  # fmt: skip
                    allowed[f"{modname}.{obj.__qualname__}"] = obj
    for cls in trusted:
        allowed[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return allowed


def _resolve(entry: Any) -> Any:
    if isinstance(entry, tuple):
        module, name = entry
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):  # e.g. numpy 1 has no numpy._core
            return None
    return entry


def _refusal(path: Path, names: Sequence[str]) -> ModelFileError:
    return ModelFileError(
        f"{path}: loading it would import {', '.join(names)}, which qml does not load (a file "
        f"that imports code can run it); {_HOW}, or pass your own classes to "
        "qml.load(path, trusted=[...]) if you trust this file"
    )


def _line(e: BaseException) -> str:
    """The informative line of an error (torch wraps the unpickler's in boilerplate)."""
    lines = [s.strip() for s in str(e).splitlines() if s.strip()] or [type(e).__name__]
    boiler = ("Weights only load failed", "Please file an issue", "Check the documentation",
              "(1)", "(2)", "WeightsUnpickler error")  # fmt: skip
    useful = [s for s in lines if not s.startswith(boiler)] or lines
    return useful[0][:200]


def _check_module(path: Path, module: nn.Module) -> nn.Module:
    """``module`` with every QuantumLayer replaced by the layer rebuilt from its own data.

    The unpickled layer is never returned: a crafted file could hold attributes (a ``Weight``'s
    flat index, a backend's device) that its data does not describe, so the layer qml builds
    from the data (every check of ``Circuit.append`` and ``QuantumLayer``) takes its place.
    Modules reachable outside the registered submodules (an attribute, a hook) are refused,
    since they would run unchecked.
    """
    for name, m in module.named_modules():
        _refuse_hidden_modules(path, m, name or "(root)")
    if isinstance(module, QuantumLayer):
        return _rebuilt_layer(path, module, "the QuantumLayer (root)")
    for name, m in list(module.named_modules()):
        for child_name, child in list(m.named_children()):
            if isinstance(child, QuantumLayer):
                full = f"{name}.{child_name}" if name else child_name
                m._modules[child_name] = _rebuilt_layer(path, child, f"the QuantumLayer {full}")
    return module


def _refuse_hidden_modules(path: Path, m: nn.Module, name: str) -> None:
    def holds_module(value: Any, depth: int = 0) -> bool:
        if isinstance(value, nn.Module):
            return True
        if depth > 8:
            return False
        if isinstance(value, Mapping):
            return any(holds_module(v, depth + 1) for v in value.values())
        if isinstance(value, list | tuple | set):
            return any(holds_module(v, depth + 1) for v in value)
        return False

    for key, value in vars(m).items():
        if key != "_modules" and holds_module(value):
            raise ModelFileError(
                f"{path}: module {name} ({type(m).__name__}) holds a module in its attribute "
                f"{key!r}, outside its registered submodules; qml does not load modules it "
                "cannot check"
            )


def _rebuilt_layer(path: Path, m: QuantumLayer, where: str) -> QuantumLayer:
    try:
        spec = _layer_spec(m)
        state = m.state_dict()
        gen = m._generator
        if gen is not None and not isinstance(gen, torch.Generator):
            raise ModelFileError(f"its generator is a {type(gen).__name__}")
        frozen = {n for n, p in m.named_parameters() if not p.requires_grad}
        training = bool(m.training)
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {where}: {e}") from None
    except Exception as e:  # noqa: BLE001 - attributes of the wrong kind
        raise ModelFileError(f"{path}: {where} is malformed: {_line(e)}") from None
    layer = _build(path, spec, state, None if gen is None else gen.get_state(), where=where)
    for n, p in layer.named_parameters():
        p.requires_grad_(n not in frozen)
    return layer.train(training)


def _from_payload(path: Path, obj: Mapping) -> QuantumLayer:
    if obj.get("format") != FORMAT:
        raise ModelFileError(f"{path}: format tag {obj.get('format')!r}, expected {FORMAT!r}")
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{path}: version must be a positive integer, got {version!r}")
    if version > VERSION:
        raise ModelFileError(
            f"{path}: written by a newer qml (file version {version}; this qml reads up to "
            f"{VERSION}): upgrade qml"
        )
    unknown = set(obj) - {"format", "version", "spec", "state_dict", "rng_state"}
    if unknown:
        raise ModelFileError(f"{path}: unknown entries {sorted(map(str, unknown))}")
    text = obj.get("spec")
    if not isinstance(text, str):
        raise ModelFileError(f"{path}: spec must be JSON text, got {type(text).__name__}")
    try:
        spec = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise ModelFileError(f"{path}: spec is not valid JSON: {_line(e)}") from None
    state = obj.get("state_dict")
    if not isinstance(state, Mapping):
        raise ModelFileError(f"{path}: state_dict must be a dict of tensors, got {state!r:.80}")
    return _build(path, spec, state, obj.get("rng_state"), where="spec")


def _no_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")


def _build(path: Path, spec: Any, state: Mapping, rng: Any, *, where: str) -> QuantumLayer:
    from qml.backends import get_backend

    try:
        s = _fields(spec, "layer", ("circuit", "observables", "backend", "shots",
                                     "diff_method", "dtype"))  # fmt: skip
        circuit = _circuit(s["circuit"])
        observables = [_observable(o) for o in _list(s["observables"], "observables")]
        b = _fields(s["backend"], "backend", ("name", "options"))
        options = b["options"]
        if (
            not isinstance(b["name"], str)
            or not isinstance(options, dict)
            or not all(isinstance(v, bool | int | float | str) for v in options.values())
        ):
            raise ModelFileError(f"backend must be a name and plain options, got {b!r}")
        if s["dtype"] not in _DTYPES:
            raise ModelFileError(f"dtype must be one of {list(_DTYPES)}, got {s['dtype']!r}")
        if rng is not None and not (
            isinstance(rng, torch.Tensor) and rng.dtype == torch.uint8 and rng.dim() == 1
        ):
            raise ModelFileError(f"rng_state must be a uint8 vector, got {rng!r:.80}")
        for name, shape in circuit.weight_shapes.items():  # before the layer allocates them
            t = state.get(name)
            if not isinstance(t, torch.Tensor) or tuple(t.shape) != shape:
                got = tuple(t.shape) if isinstance(t, torch.Tensor) else t
                raise ModelFileError(f"tensor {name!r} must have shape {shape}, got {got!r:.80}")
        layer = QuantumLayer(
            circuit, observables, backend=get_backend(b["name"], **options), shots=s["shots"],
            diff_method=s["diff_method"], dtype=_DTYPES[s["dtype"]],
            seed=None if rng is None else 0,
        )  # fmt: skip
        _load_tensors(layer, state)
        if rng is not None and layer._generator is not None:
            try:
                layer._generator.set_state(rng)
            except RuntimeError as e:  # torch refuses a state of the wrong size
                raise ModelFileError(f"rng_state is not a generator state: {_line(e)}") from None
    except QmlError as e:  # ModelFileError and the IR's own errors (CircuitError, ...)
        raise ModelFileError(f"{path}: {where}: {e}") from None
    except RecursionError:
        raise ModelFileError(f"{path}: {where}: nested too deeply") from None
    return layer


def _load_tensors(layer: QuantumLayer, state: Mapping) -> None:
    expected = layer.state_dict()
    missing = sorted(set(expected) - set(state))
    extra = sorted(map(str, set(state) - set(expected)))
    if missing:
        raise ModelFileError(f"missing tensors {missing}")
    if extra:
        raise ModelFileError(f"unexpected tensors {extra} (the layer has {sorted(expected)})")
    for name, ref in expected.items():
        t = state[name]
        if not isinstance(t, torch.Tensor) or t.layout != torch.strided:
            raise ModelFileError(f"tensor {name!r} must be a dense tensor, got {t!r:.80}")
        if t.shape != ref.shape or t.dtype != ref.dtype:
            raise ModelFileError(
                f"tensor {name!r} has shape {tuple(t.shape)} {t.dtype}; the circuit declares "
                f"{tuple(ref.shape)} {ref.dtype}"
            )
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise ModelFileError(f"tensor {name!r} holds non-finite values")
    with torch.no_grad():
        for name, ref in expected.items():
            ref.copy_(state[name])


# -- the JSON parser: data in, qml objects out ---------------------------------------------------
def _fields(d: Any, what: str, keys: tuple[str, ...]) -> dict:
    if not isinstance(d, dict) or set(d) != set(keys):
        got = sorted(d) if isinstance(d, dict) else type(d).__name__
        raise ModelFileError(f"{what} must have the fields {sorted(keys)}, got {got}")
    return d


def _list(v: Any, what: str) -> list:
    if not isinstance(v, list):
        raise ModelFileError(f"{what} must be a list, got {v!r:.80}")
    return v


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ModelFileError(f"{what} must be an integer, got {v!r:.80}")
    return v


def _real(v: Any, what: str) -> float:
    try:
        finite = not isinstance(v, bool) and isinstance(v, int | float) and math.isfinite(v)
    except OverflowError:  # a JSON integer beyond the float range
        finite = False
    if not finite:
        raise ModelFileError(f"{what} must be a finite number, got {str(v)[:40]!r}")
    return float(v)


def _circuit(d: Any) -> Circuit:
    d = _fields(d, "circuit", ("n_qubits", "inputs", "weights", "operations"))
    c = Circuit(_int(d["n_qubits"], "n_qubits"))
    arrays: dict[str, InputArray | WeightArray] = {}
    for entry in _list(d["inputs"], "inputs"):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ModelFileError(f"an input must be [name, size], got {entry!r:.80}")
        arrays[entry[0]] = c.inputs(_int(entry[1], "input size"), entry[0])
    for entry in _list(d["weights"], "weights"):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise ModelFileError(f"a weight must be [name, shape], got {entry!r:.80}")
        shape = [_int(n, "weight shape entry") for n in _list(entry[1], "weight shape")]
        arrays[entry[0]] = c.weights(entry[0], shape)
    for op in _list(d["operations"], "operations"):
        gate = op.get("gate") if isinstance(op, dict) else None
        if gate == "amplitude":
            op = _fields(op, "amplitude", ("gate", "wires", "features", "normalize", "pad_with"))
            if not isinstance(op["normalize"], bool):
                raise ModelFileError(f"normalize must be true or false, got {op['normalize']!r}")
            pad = None if op["pad_with"] is None else _real(op["pad_with"], "pad_with")
            wires = [_int(w, "wire") for w in _list(op["wires"], "wires")]
            feats = [_expr(e, arrays) for e in _list(op["features"], "features")]
            c.amplitude_embedding(feats, wires, normalize=op["normalize"], pad_with=pad)
            continue
        op = _fields(op, "operation", ("gate", "wires", "params"))
        if not isinstance(gate, str):
            raise ModelFileError(f"gate must be a name, got {gate!r:.80}")
        wires = [_int(w, f"{gate} wire") for w in _list(op["wires"], "wires")]
        c.append(gate, wires, [_expr(e, arrays) for e in _list(op["params"], "params")])
    return c


def _expr(d: Any, arrays: Mapping[str, InputArray | WeightArray]) -> Expr:
    kind = next(iter(d), None) if isinstance(d, dict) else None
    if kind == "const" and set(d) == {"const"}:
        return Const(_real(d["const"], "a constant"))
    if kind in ("add", "mul") and len(d) == 1:
        pair = _list(d[kind], kind)
        if len(pair) != 2:
            raise ModelFileError(f"{kind} takes two operands, got {len(pair)}")
        left, right = (_expr(e, arrays) for e in pair)
        return Add(left, right) if kind == "add" else Mul(left, right)
    if isinstance(d, dict) and set(d) in ({"input", "index"}, {"weight", "index"}):
        is_input = "input" in d
        name = d["input"] if is_input else d["weight"]
        array = arrays.get(name) if isinstance(name, str) else None
        if is_input and isinstance(array, InputArray):
            return array[_int(d["index"], f"index of input {name!r}")]
        if not is_input and isinstance(array, WeightArray):
            index = tuple(_int(i, f"index of weight {name!r}") for i in _list(d["index"], "index"))
            if len(index) != len(array.shape):
                raise ModelFileError(f"weight {name!r} of shape {array.shape} indexed {index}")
            out = array[index]  # full indexing (checked above) gives a Weight
            if isinstance(out, Weight):
                return out
        raise ModelFileError(f"{'input' if is_input else 'weight'} {name!r} is not declared")
    raise ModelFileError(f"not an expression: {d!r:.80}")


def _observable(d: Any) -> Observable:
    if isinstance(d, dict) and "pauli" in d:
        d = _fields(d, "Pauli word", ("pauli", "coeff", "identity_wires"))
        paulis: dict[int, str] = {}
        for pair in _list(d["pauli"], "pauli"):
            if not (isinstance(pair, list) and len(pair) == 2 and pair[1] in ("X", "Y", "Z")):
                raise ModelFileError(f"a Pauli factor must be [wire, 'X'|'Y'|'Z'], got {pair!r}")
            w = _int(pair[0], "Pauli wire")
            if w < 0 or w in paulis:
                raise ModelFileError(f"Pauli wire {w} is negative or repeated")
            paulis[w] = pair[1]
        ids = [_int(w, "identity wire") for w in _list(d["identity_wires"], "identity_wires")]
        if any(w < 0 for w in ids):
            raise ModelFileError(f"identity wires must be non-negative, got {ids}")
        return PauliWord(paulis, _real(d["coeff"], "Pauli coefficient"), ids)
    if isinstance(d, dict) and set(d) == {"sum"}:
        terms: list[tuple[float, PauliWord | Hermitian]] = []
        for pair in _list(d["sum"], "sum"):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ModelFileError(f"a sum term must be [coeff, observable], got {pair!r:.80}")
            term = _observable(pair[1])
            if not isinstance(term, PauliWord | Hermitian):
                raise ModelFileError("a sum term must be a Pauli word or a Hermitian")
            terms.append((_real(pair[0], "sum coefficient"), term))
        return PauliSum(terms)
    if isinstance(d, dict) and set(d) == {"hermitian", "real", "imag"}:
        wires = [_int(w, "Hermitian wire") for w in _list(d["hermitian"], "wires")]
        if any(w < 0 for w in wires):
            raise ModelFileError(f"Hermitian wires must be non-negative, got {wires}")
        parts = []
        for key in ("real", "imag"):
            rows = _list(d[key], key)
            parts.append([[_real(v, "matrix entry") for v in _list(r, "row")] for r in rows])
        if len({len(r) for r in parts[0] + parts[1]}) > 1 or len(parts[0]) != len(parts[1]):
            raise ModelFileError(
                "the Hermitian matrix needs rows of one length, as many real as imag"
            )
        import numpy as np

        return Hermitian(np.array(parts[0]) + 1j * np.array(parts[1]), wires)
    raise ModelFileError(f"not an observable: {d!r:.80}")
