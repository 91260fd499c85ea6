"""Model files that run no code: ``layer.save(path)`` and ``qml.load(path)``.

A qml model file is one ``torch.save`` archive of plain data (docs/model-files.md)::

    {"format": "qml.QuantumLayer", "version": 1,
     "spec": "<JSON: circuit, observables, backend name and options, shots, diff_method, dtype>",
     "state_dict": {name: tensor}, "rng_state": uint8 tensor | None}

It is read with ``torch.load(path, weights_only=True)``, and the JSON is turned back into qml
objects by :mod:`qml.nn.spec`'s own parser: nothing in the file names a Python object to import
or call. :func:`load` also reads a whole ``torch.save(model)`` of qml's own classes and
torch.nn's built-in modules (:mod:`qml.nn.unpickling` allowlists exactly those), and refuses
anything else with a :class:`ModelFileError` that names what it would have imported.

The rule this keeps: no ``torch.load`` / ``pickle.load`` of a user's path without
``weights_only=True`` anywhere in qml (tests/trust/test_security.py scans for it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from torch import nn

from qml._checks import integer
from qml.errors import ModelFileError
from qml.nn.layer import QuantumLayer
from qml.nn.spec import build_layer, error_line, layer_spec
from qml.nn.unpickling import HOW_TO_SAVE, checked_module, torch_load

__all__ = ["ModelFileError", "FORMAT", "VERSION", "save", "load"]

FORMAT = "qml.QuantumLayer"
VERSION = 1
_ENTRIES = ("format", "version", "spec", "state_dict", "rng_state")


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
        spec = json.dumps(layer_spec(layer), sort_keys=True, allow_nan=False)
    except ValueError as e:  # json refuses NaN / inf
        raise ModelFileError(f"{path}: the layer holds a non-finite number: {e}") from e
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from e
    state = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in layer.state_dict().items()}
    for name, value in state.items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ModelFileError(f"{path}: weight {name!r} holds non-finite values")
    gen = layer.generator
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
        raise ModelFileError(f"{path}: cannot write the model file: {error_line(e)}") from e
    return path


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
        raise ModelFileError(
            f"{path}: no such file" if not path.exists() else f"{path}: not a file"
        )
    for cls in trusted:
        if not isinstance(cls, type):
            raise ModelFileError(f"trusted= takes classes, got {cls!r}")
    obj = torch_load(path, list(trusted))
    if isinstance(obj, nn.Module):
        return checked_module(path, obj)
    if isinstance(obj, Mapping) and "format" in obj:
        return _from_payload(path, obj)
    if isinstance(obj, Mapping) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        names = ", ".join(list(map(str, obj))[:4]) + (", ..." if len(obj) > 4 else "")
        raise ModelFileError(
            f"{path} holds a state_dict ({len(obj)} tensors: {names}), not a model: it has no "
            f"circuit or observables to rebuild a layer from; {HOW_TO_SAVE}"
        )
    if isinstance(obj, Mapping):
        what = f"a dict with keys {sorted(map(str, obj))[:6]}"
    else:
        what = f"a {type(obj).__name__}"
    raise ModelFileError(f"{path} holds {what}, not a qml model; {HOW_TO_SAVE}")


def _path(path: object) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise ModelFileError(f"a model file path must be a str or os.PathLike, got {path!r:.80}")
    return Path(path)


def _from_payload(path: Path, obj: Mapping) -> QuantumLayer:
    if obj.get("format") != FORMAT:
        raise ModelFileError(f"{path}: format tag {obj.get('format')!r}, expected {FORMAT!r}")
    version = integer(obj.get("version"), name=f"{path}: version", error=ModelFileError, minimum=1)
    if version > VERSION:
        raise ModelFileError(
            f"{path}: written by a newer qml (file version {version}; this qml reads up to "
            f"{VERSION}): upgrade qml"
        )
    unknown = set(obj) - set(_ENTRIES)
    if unknown:
        raise ModelFileError(f"{path}: unknown entries {sorted(map(str, unknown))}")
    text = obj.get("spec")
    if not isinstance(text, str):
        raise ModelFileError(f"{path}: spec must be JSON text, got {type(text).__name__}")
    try:
        spec = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise ModelFileError(f"{path}: spec is not valid JSON: {error_line(e)}") from None
    state = obj.get("state_dict")
    if not isinstance(state, Mapping):
        raise ModelFileError(f"{path}: state_dict must be a dict of tensors, got {state!r:.80}")
    return build_layer(path, spec, state, obj.get("rng_state"), where="spec")


def _no_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")
