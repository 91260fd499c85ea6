"""Every ```python block of docs/*.md and README.md runs, and prints what the doc says it prints.

A file's blocks run in order in one namespace, in a temporary working directory with its own
``QML_CACHE_DIR``. A block fenced right after ``<!-- output -->`` is the exact text that the
python block before it prints, trailing spaces aside. A python block right after
``<!-- no-test -->`` is not run; keep those few.
"""

from __future__ import annotations

import contextlib
import io
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
NO_TEST = "<!-- no-test -->"
OUTPUT = "<!-- output -->"
MAX_NO_TEST = 2  # blocks a reader cannot run offline; more means the docs drifted from tests
_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")


@dataclass(frozen=True, kw_only=True)
class Block:
    """One fenced block of a Markdown file."""

    path: Path
    line: int  # 1-based line of the first line inside the fence
    lang: str
    text: str
    marker: str | None  # NO_TEST, OUTPUT or None: the last non-blank line before the fence


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path``, in order.

    Raises:
        AssertionError: a fence is not closed.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    previous = ""
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            if lines[i].strip():
                previous = lines[i].strip()
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
        assert end is not None, f"{path}:{i + 1}: a fence that is never closed"
        marker = previous if previous in (NO_TEST, OUTPUT) else None
        text = "\n".join(lines[i + 1 : end])
        out.append(Block(path=path, line=i + 2, lang=opening.group(1), text=text, marker=marker))
        previous = ""
        i = end + 1
    return out


def _runnable(block: Block) -> bool:
    return block.lang in ("python", "py") and block.marker != NO_TEST


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_code_blocks_run_and_print_what_the_doc_says(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QML_CACHE_DIR", str(tmp_path / "cache"))
    namespace: dict = {"__name__": f"docs_{path.stem.replace('-', '_')}"}
    with torch.random.fork_rng():  # the blocks may draw from torch's global generator
        torch.manual_seed(0)
        _run_blocks(path, namespace)


def _run_blocks(path: Path, namespace: dict) -> None:
    printed: io.StringIO | None = None  # what the last python block printed
    for block in blocks(path):
        where = f"{_name(path)}:{block.line}"
        if block.marker == OUTPUT:
            assert printed is not None, f"{where}: an output block with no python block before"
            assert _plain(printed.getvalue()) == _plain(block.text), (
                f"{where}: the python block before it prints\n{printed.getvalue()}"
            )
            printed = None
            continue
        if not _runnable(block):
            printed = None
            continue
        printed = io.StringIO()
        # blank lines in front keep the Markdown file's line numbers in tracebacks
        code = compile("\n" * (block.line - 1) + block.text, str(path), "exec")
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        except Exception:  # noqa: BLE001 - reported with the doc's file and line
            pytest.fail(f"{where}: the block fails:\n{traceback.format_exc()}")


def test_docs_have_code_and_few_untested_blocks():
    found = [b for path in DOCS for b in blocks(path)]
    assert sum(_runnable(b) for b in found) >= 8
    assert sum(b.marker == OUTPUT for b in found) >= 1
    skipped = [f"{_name(b.path)}:{b.line}" for b in found if b.marker == NO_TEST]
    assert len(skipped) <= MAX_NO_TEST, skipped


def test_the_block_parser_reads_markers_and_line_numbers(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# t\n\n```python\nprint(1)\n```\n\n<!-- output -->\n```text\n1\n```\n"
        "<!-- no-test -->\n\n```python\nimport missing\n```\n```bash\nls\n```\n",
        encoding="utf-8",
    )
    got = [(b.line, b.lang, b.text, b.marker) for b in blocks(doc)]
    assert got == [
        (4, "python", "print(1)", None),
        (9, "text", "1", OUTPUT),
        (14, "python", "import missing", NO_TEST),
        (17, "bash", "ls", None),
    ]
