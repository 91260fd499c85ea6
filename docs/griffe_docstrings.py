"""A griffe extension for the API reference: qml's docstrings as mkdocstrings reads them.

qml's docstrings title their doctests ``Example:`` (Google style allows both); griffe reads
only ``Examples:`` as an examples section and would render the doctest as Markdown text. They
also name objects with Sphinx roles (``:class:`qml.Circuit```), which Markdown shows as is:
each becomes inline code (``~a.b.C`` shows ``C``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`(~?)([^`]+)`")


def _code(match: re.Match) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


class QmlDocstrings(griffe.Extension):
    """Retitle ``Example:`` sections ``Examples:`` and turn roles into code as objects load."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            text = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = _ROLE.sub(_code, text)
