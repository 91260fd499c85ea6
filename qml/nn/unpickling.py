"""Whole-model files (``torch.save(model)``): an allowlisting unpickler, then every layer rebuilt.

:func:`torch_load` reads a file with ``torch.load(weights_only=True)`` and exactly the globals
it needs from a fixed table: qml's own classes, torch.nn's built-in modules and the classes the
caller vouches for. Anything else is refused with a :class:`~qml.errors.ModelFileError` naming
what the file would have imported. :func:`checked_module` then replaces every unpickled
:class:`~qml.QuantumLayer` by the layer its data describes (:func:`qml.nn.spec.build_layer`).
"""

from __future__ import annotations

import importlib
import pickle
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from qml.errors import ModelFileError
from qml.nn.layer import QuantumLayer
from qml.nn.spec import build_layer, error_line, layer_spec

__all__ = ["HOW_TO_SAVE", "torch_load", "checked_module"]

HOW_TO_SAVE = (
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
_MAX_LEGACY_ATTEMPTS = 64  # a legacy (non-zip) file names one missing global per attempt


def torch_load(path: Path, trusted: list[type]) -> Any:
    """``torch.load(path, weights_only=True)`` with exactly the allowlisted globals it needs.

    Args:
        path: an existing file.
        trusted: classes the caller vouches for, allowed besides qml's and torch.nn's.

    Returns:
        The unpickled object, on the CPU.

    Raises:
        ModelFileError: the file would import a global outside the allowlist (named), or is
            not a ``torch.save`` file.
    """
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
    for _ in range(_MAX_LEGACY_ATTEMPTS):
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
            raise ModelFileError(f"{path} is not a torch.save()d model: {error_line(e)}") from None
        except RecursionError:
            raise ModelFileError(
                f"{path} is not a torch.save()d model: nested too deeply"
            ) from None
        except Exception as e:  # noqa: BLE001 - zip, EOF, and errors of allowlisted classes
            raise ModelFileError(
                f"{path} is not a torch.save()d model: {type(e).__name__}: {error_line(e)}"
            ) from None
    raise ModelFileError(f"{path}: names too many globals to load")


def _allowed_globals(trusted: list[type]) -> dict[str, Any]:
    """Full name -> ``(module, attr)`` (imported on use) or the class itself."""
    allowed: dict[str, Any] = dict(_QML_GLOBALS)
    for modname, module in list(sys.modules.items()):
        if modname.startswith("torch.nn.modules.") and module is not None:
            for obj in vars(module).values():
                is_module_class = isinstance(obj, type) and issubclass(obj, nn.Module)
                if is_module_class and obj.__module__ == modname:
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
        f"that imports code can run it); {HOW_TO_SAVE}, or pass your own classes to "
        "qml.load(path, trusted=[...]) if you trust this file"
    )


def checked_module(path: Path, module: nn.Module) -> nn.Module:
    """``module`` with every QuantumLayer replaced by the layer rebuilt from its own data.

    The unpickled layer is never returned: a crafted file could hold attributes (a ``Weight``'s
    flat index, a backend's device) that its data does not describe, so the layer qml builds
    from the data (every check of ``Circuit.append`` and ``QuantumLayer``) takes its place.
    Modules reachable outside the registered submodules (an attribute, a hook) are refused,
    since they would run unchecked.

    Raises:
        ModelFileError: a module hidden in an attribute, or a layer whose data is invalid.
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
        spec = layer_spec(m)
        state = m.state_dict()
        gen = m.generator
        if gen is not None and not isinstance(gen, torch.Generator):
            raise ModelFileError(f"its generator is a {type(gen).__name__}")
        frozen = {n for n, p in m.named_parameters() if not p.requires_grad}
        training = bool(m.training)
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {where}: {e}") from None
    except Exception as e:  # noqa: BLE001 - attributes of the wrong kind
        raise ModelFileError(f"{path}: {where} is malformed: {error_line(e)}") from None
    rng = None if gen is None else gen.get_state()
    layer = build_layer(path, spec, state, rng, where=where)
    for n, p in layer.named_parameters():
        p.requires_grad_(n not in frozen)
    return layer.train(training)
