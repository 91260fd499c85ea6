"""Backends by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from qml.backends.base import Backend
from qml.errors import BackendError

__all__ = ["register_backend", "get_backend", "available_backends"]

_FACTORIES: dict[str, Callable[[str], Backend]] = {}


def register_backend(prefix: str, factory: Callable[[str], Backend]) -> None:
    """Make ``factory(name)`` build backends called ``prefix`` or ``prefix:<option>``."""
    _FACTORIES[prefix] = factory


ENTRY_POINT_GROUP = "qml.backends"


def _entry_points() -> dict:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_backends() -> list[str]:
    """Registered backend names (prefixes), built-in and from the ``qml.backends`` entry points."""
    return sorted(set(_FACTORIES) | set(_entry_points()))


def get_backend(name: str, **options) -> Backend:
    """The backend called ``name`` (e.g. ``"torch"``, ``"pennylane:lightning.qubit"``).

    Other packages add backends through the ``qml.backends`` entry-point group: the entry
    point's name is the prefix and it loads a factory ``factory(name, **options) -> Backend``.

    Args:
        name: ``"torch"``, ``"pennylane:<device>"``, ``"aer"``, ``"aer:gpu"``, ...
        **options: backend-specific, e.g. ``noise="fake_fez"`` and ``strict=True`` for Aer.

    The options are bound against the factory's signature first: an option it does not take
    is a :class:`BackendError` naming the options it does take; an error raised while the
    factory builds the backend propagates as itself.

    Raises:
        BackendError: no backend of that name (the message lists the known ones), or options
            the factory does not take.
    """
    if not isinstance(name, str):
        raise BackendError(f"backend must be a name such as 'torch', got {name!r}")
    prefix = name.split(":", 1)[0]
    factory = _FACTORIES.get(prefix)
    if factory is None and prefix in (eps := _entry_points()):
        factory = eps[prefix].load()
        register_backend(prefix, factory)
    if factory is None:
        raise BackendError(
            f"unknown backend {name!r}; available: {', '.join(available_backends())}"
        )
    _bind_options(name, factory, options)
    return factory(name, **options)


def _bind_options(name: str, factory: Callable, options: dict) -> None:
    """Raise :class:`BackendError` if ``factory(name, **options)`` would not bind."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # no introspectable signature: let the call decide
        return
    try:
        signature.bind(name, **options)
    except TypeError as exc:
        params = list(signature.parameters.values())[1:]  # the first takes the name
        takes = [p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
        unknown = sorted(set(options) - set(takes))
        raise BackendError(
            f"backend {name!r} does not take options {unknown or sorted(options)}; "
            f"it takes {', '.join(takes) if takes else 'no options'} ({exc})"
        ) from exc


def _register_builtins() -> None:
    from qml.backends.torch_backend import TorchBackend

    register_backend("torch", TorchBackend)

    def pennylane(name: str):
        from qml.backends.pennylane_backend import PennyLaneBackend  # imports PennyLane lazily

        return PennyLaneBackend(name)

    register_backend("pennylane", pennylane)

    def aer(name: str, *, noise: object = None, strict: bool = False):
        from qml.backends.aer_backend import AerBackend  # imports Qiskit Aer lazily

        return AerBackend(name, noise=noise, strict=strict)

    register_backend("aer", aer)


_register_builtins()
