"""The JSON spec of a layer: a :class:`~qml.QuantumLayer` as plain data, and back.

The spec names a layer's circuit, observables, backend (by registered name, with plain
options), shots, ``diff_method`` and dtype (docs/model-files.md)::

    {"circuit": {"n_qubits": 2, "inputs": [["x", 2]], "weights": [["w", [1, 2]]],
                 "operations": [{"gate": "ry", "wires": [0], "params": [{"input": "x",
                                                                          "index": 0}]}, ...]},
     "observables": [{"pauli": [[0, "Z"]], "coeff": 1.0, "identity_wires": []}, ...],
     "backend": {"name": "torch", "options": {}}, "shots": null,
     "diff_method": "auto", "dtype": "complex64"}

:func:`layer_spec` writes it; :func:`build_layer` parses it with this module's own parser
(nothing in it names a Python object to import or call) and rebuilds the layer through the
public constructors, so every check of ``Circuit.append`` and ``QuantumLayer`` applies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from qml._checks import is_integer, is_real
from qml.circuit import Circuit, StatePrep
from qml.errors import ModelFileError, QmlError
from qml.expr import Add, Const, Expr, Input, InputArray, Mul, Weight, WeightArray
from qml.nn.layer import QuantumLayer
from qml.observables import Hermitian, Observable, PauliSum, PauliWord

__all__ = ["DTYPES", "layer_spec", "build_layer", "error_line"]

DTYPES = {"complex64": torch.complex64, "complex128": torch.complex128}
_REAL = {torch.complex64: torch.float32, torch.complex128: torch.float64}
_LAYER_FIELDS = ("circuit", "observables", "backend", "shots", "diff_method", "dtype")
# Backend class -> the constructor options it keeps as attributes (stored by name in a file).
_BACKEND_OPTIONS = {
    "qml.backends.torch_backend.TorchBackend": (),
    "qml.backends.pennylane_backend.PennyLaneBackend": (),
    "qml.backends.aer_backend.AerBackend": ("noise",),
}


def error_line(e: BaseException) -> str:
    """The informative line of an error (torch wraps the unpickler's in boilerplate)."""
    lines = [s.strip() for s in str(e).splitlines() if s.strip()] or [type(e).__name__]
    boiler = (
        "Weights only load failed",
        "Please file an issue",
        "Check the documentation",
        "(1)",
        "(2)",
        "WeightsUnpickler error",
    )
    useful = [s for s in lines if not s.startswith(boiler)] or lines
    return useful[0][:200]


# -- writing -------------------------------------------------------------------------------------
def layer_spec(layer: QuantumLayer) -> dict:
    """The spec of ``layer`` as JSON-ready data (see the module docstring).

    Raises:
        ModelFileError: the layer holds something a spec cannot describe as data (a backend
            object with non-data options, a custom observable or expression, a real dtype
            other than float32 or float64).
    """
    real = layer.real_dtype
    dtype = {_REAL[c]: name for name, c in DTYPES.items()}.get(real)
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
            ops.append(
                {
                    "gate": "amplitude",
                    "wires": list(op.wires),
                    "features": [_expr_spec(p) for p in op.params],
                    "normalize": op.normalize,
                    "pad_with": op.pad_with,
                }
            )
        else:
            params = [_expr_spec(p) for p in op.params]
            ops.append({"gate": op.name, "wires": list(op.wires), "params": params})
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
        paulis = [[w, p] for w, p in o.paulis.items()]
        return {"pauli": paulis, "coeff": o.coeff, "identity_wires": list(o.identity_wires)}
    if isinstance(o, PauliSum):
        return {"sum": [[c, _observable_spec(t)] for c, t in o.terms()]}
    if isinstance(o, Hermitian):
        matrix = o.matrix_
        return {
            "hermitian": list(o.wires),
            "real": matrix.real.tolist(),
            "imag": matrix.imag.tolist(),
        }
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
def build_layer(path: Path, spec: Any, state: Mapping, rng: Any, *, where: str) -> QuantumLayer:
    """The layer that ``spec`` describes, with the tensors of ``state`` and generator ``rng``.

    Args:
        path: the model file, to name in errors.
        spec: the parsed JSON spec (untrusted data).
        state: parameter name -> tensor; every declared weight, each of its declared shape.
        rng: the layer's ``torch.Generator`` state (a ``uint8`` vector) or ``None``.
        where: what the spec came from, to name in errors (``"spec"``, ``"the QuantumLayer
            fc.q"``).

    Returns:
        A new :class:`~qml.QuantumLayer` on the CPU.

    Raises:
        ModelFileError: ``"{path}: {where}: ..."`` for anything invalid, the IR's own errors
            (an unknown gate, a bad wire) included.
    """
    from qml.backends import get_backend

    try:
        s = _fields(spec, "layer", _LAYER_FIELDS)
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
        if s["dtype"] not in DTYPES:
            raise ModelFileError(f"dtype must be one of {list(DTYPES)}, got {s['dtype']!r}")
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
            circuit,
            observables,
            backend=get_backend(b["name"], **options),
            shots=s["shots"],
            diff_method=s["diff_method"],
            dtype=DTYPES[s["dtype"]],
            seed=None if rng is None else 0,
        )
        _load_tensors(layer, state)
        if rng is not None and layer.generator is not None:
            try:
                layer.generator.set_state(rng)
            except RuntimeError as e:  # torch refuses a state of the wrong size
                raise ModelFileError(
                    f"rng_state is not a generator state: {error_line(e)}"
                ) from None
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


# The parser's messages cut what they quote from the file: a crafted value can be huge.
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
    if not is_integer(v):
        raise ModelFileError(f"{what} must be an integer, got {v!r:.80}")
    return int(v)


def _real(v: Any, what: str) -> float:
    try:
        finite = is_real(v) and math.isfinite(v)
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
