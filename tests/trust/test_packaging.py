"""Packaging a user can rely on: runtime dependencies, py.typed, LICENSE, version."""

from __future__ import annotations

import ast
import hashlib
import re
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import qml

ROOT = Path(__file__).resolve().parents[2]
# sha256 of the whitespace-normalised TERMS AND CONDITIONS of the Apache License 2.0 as
# published at https://www.apache.org/licenses/LICENSE-2.0.txt (the same in every copy of it)
APACHE_2_TERMS_SHA256 = "efc42672d5e2255417ab2bbcef2a39e8400f0ab6d32f4c790d95a3640087923c"


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def test_pytest_is_a_test_extra_not_a_runtime_dependency():
    project = _pyproject()["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    assert not {"pytest", "pytest-xdist"} & runtime
    assert "pytest" in {_name(r) for r in project["optional-dependencies"]["test"]}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r'pip install .*-e "\.\[[^\]]*\btest\b', makefile)


def test_py_typed_ships_with_the_package():
    assert (Path(qml.__file__).parent / "py.typed").is_file()
    package_data = _pyproject()["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data["qml"]


def test_license_file_is_the_declared_apache_2_license():
    project = _pyproject()["project"]
    assert project["license"] == "Apache-2.0"  # an SPDX expression, as setuptools >= 77 wants
    assert project["license-files"] == ["LICENSE"]
    requires = _pyproject()["build-system"]["requires"]
    setuptools_req = next(r for r in requires if _name(r) == "setuptools")
    major = int(re.search(r">=\s*(\d+)", setuptools_req).group(1))
    assert major >= 77, setuptools_req
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    terms = text[text.index("TERMS AND CONDITIONS") : text.index("END OF TERMS AND CONDITIONS")]
    digest = hashlib.sha256(" ".join(terms.split()).encode()).hexdigest()
    assert digest == APACHE_2_TERMS_SHA256


def test_installed_version_is_the_package_version():
    assert version("qml-hybrid") == qml.__version__ == _pyproject()["project"]["version"]


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_qml_does_not_depend_on_the_packages_above_it():
    """experiments -> circuits -> qml: qml reaches ``qml bench`` and the templates a config
    names through entry points, never by import."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "qml").rglob("*.py"))
        if {"experiments", "circuits"} & _imported_roots(path)
        or "sys.path" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
    entry_points = _pyproject()["project"]["entry-points"]
    assert entry_points["qml.commands"] == {"bench": "experiments.bench:COMMAND"}
    assert entry_points["qml.templates"] == {
        "encodings": "circuits.encodings",
        "ansatze": "circuits.ansatze",
    }
    code = (
        "import sys, qml, qml.cli; print([m for m in sys.modules if m.startswith('experiments')])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"
