"""One training step of the benchmark model on two checkouts of qml, side by side.

For a refactor that must not slow the simulator: ``python -m experiments.bench.trees OLD NEW``
(two source trees, e.g. a ``git worktree`` of the old commit and this one) runs each tree's
``qml`` in its own child process, alternating, ``--rounds`` times, one thread, and prints the
median thread time of a step (forward + ``sum().backward()``) per case and round. Only the
``qml`` package is taken from each tree, so the two runs share the rest of the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CASES = ((4, 32), (8, 32), (12, 32))
METHODS = ("backprop", "adjoint")
STEPS = 40

_CHILD = """
import json, sys, time
sys.path.insert(0, {tree!r})
import torch, qml
torch.set_num_threads(1)
out = {{}}
for n, batch in {cases!r}:
    c = qml.Circuit(n)
    x = c.inputs(n)
    w = c.weights("w", (4, n, 3))
    for q in range(n):
        c.ry(q, x[q])
    for layer in range(4):
        for q in range(n):
            c.rx(q, w[layer, q, 0]).ry(q, w[layer, q, 1]).rz(q, w[layer, q, 2])
        for q in range(n):
            c.cnot(q, (q + 1) % n)
    for method in {methods!r}:
        m = qml.QuantumLayer(c, observables=[qml.Z(q) for q in range(n)],
                             diff_method=method, seed=0)
        xb = torch.rand(batch, n, generator=torch.Generator().manual_seed(0))
        for _ in range(5):
            m(xb).sum().backward()
        times = []
        for _ in range({steps}):
            t = time.thread_time()
            m(xb).sum().backward()
            times.append(time.thread_time() - t)
        times.sort()
        out[f"n={{n}} B={{batch}} {{method}}"] = times[len(times) // 2] * 1e3
print(json.dumps({{"qml": qml.__file__, "ms": out}}))
"""


def _run(tree: Path) -> dict:
    code = _CHILD.format(tree=str(tree), cases=CASES, methods=METHODS, steps=STEPS)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not Path(result["qml"]).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{tree}: imported qml from {result['qml']}, not from the tree")
    return result["ms"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="source tree holding the old qml/")
    parser.add_argument("new", type=Path, help="source tree holding the new qml/")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args(argv)
    for tree in (args.old, args.new):
        if not (tree / "qml" / "__init__.py").is_file():
            parser.error(f"{tree} has no qml/__init__.py")
    for r in range(args.rounds):
        for label, tree in (("old", args.old), ("new", args.new)):
            ms = _run(tree)
            print(f"round {r + 1} {label}: " + "  ".join(f"{k} {v:.2f} ms" for k, v in ms.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
