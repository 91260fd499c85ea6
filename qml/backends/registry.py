"""Backends by name."""

from __future__ import annotations

from collections.abc import Callable

from qml.backends.base import Backend
from qml.errors import BackendError

__all__ = ["register_backend", "get_backend", "available_backends"]

_FACTORIES: dict[str, Callable[[str], Backend]] = {}


def register_backend(prefix: str, factory: Callable[[str], Backend]) -> None:
    """Make ``factory(name)`` build backends called ``prefix`` or ``prefix:<option>``."""
    _FACTORIES[prefix] = factory


def available_backends() -> list[str]:
    return sorted(_FACTORIES)


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (e.g. ``"torch"``).

    Raises:
        BackendError: no backend of that name; the message lists the known ones.
    """
    if not isinstance(name, str):
        raise BackendError(f"backend must be a name such as 'torch', got {name!r}")
    prefix = name.split(":", 1)[0]
    factory = _FACTORIES.get(prefix)
    if factory is None:
        raise BackendError(
            f"unknown backend {name!r}; available: {', '.join(available_backends())}"
        )
    return factory(name)


def _register_builtins() -> None:
    from qml.backends.torch_backend import TorchBackend

    register_backend("torch", TorchBackend)


_register_builtins()
