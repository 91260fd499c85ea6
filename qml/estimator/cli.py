"""qml estimate: the estimator on a saved model or an experiment config.

    qml estimate experiments/configs/two_moons.toml --target ibm_fez
    qml estimate model.pt --samples 1000 --epochs 10 --batch 32 --shots 1000 --json
    qml estimate experiments/configs/two_moons.toml --plot scaling.png --qubits 4 8 12 16 20 24
    qml estimate --calibrate            # measure this machine's simulator, cache it, print it

A saved model is a file written by layer.save(path) (a QuantumLayer as data), or a
torch.save(model) of a module built from qml's and torch.nn's own classes that holds one
quantum layer. Loading runs no code from the file: anything else (a class of your own, a
state_dict, a pickle payload) is refused with a message saying what to save instead
(docs/model-files.md). A config is TOML:

    [model]                      # circuits.encodings.<encoding>(qubits) + circuits.ansatze.<ansatz>
    qubits = 4
    encoding = "angle"
    ansatz = "strongly_entangling"
    layers = 2
    [workload]                   # the fields of qml.Workload
    samples = 400
    epochs = 30
    batch = 32
    shots = 1000
    [estimate]                   # target, country, device
    target = "ibm_fez"
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from qml._checks import is_integer, is_real
from qml.errors import EstimateError
from qml.estimator.workload import DIFF_METHODS, Workload

__all__ = ["add_parser", "run", "family_from_config"]

WORKLOAD_FIELDS = (
    "samples",
    "epochs",
    "batch",
    "shots",
    "precision",
    "diff_method",
    "observable_groups",
    "differentiate_inputs",
)


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "estimate",
        help="QPU, simulation and classical cost of a model",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "model",
        nargs="?",
        help="a .pt/.pth model file (docs/model-files.md) or a .toml experiment config",
    )
    p.add_argument(
        "--target",
        help="ibm_<name>, superconducting, trapped_ion, neutral_atom, "
        "or a fault-tolerant preset (qubit_gate_ns_e3, ...)",
    )
    p.add_argument("--list-targets", action="store_true", help="print the known targets")
    p.add_argument("--samples", type=int, help="training samples per epoch")
    p.add_argument("--epochs", type=int, help="training epochs (default 1)")
    p.add_argument("--batch", type=int, help="samples per optimiser step")
    p.add_argument("--shots", type=int, help="shots per circuit execution")
    p.add_argument("--precision", type=float, help="target standard error instead of --shots")
    p.add_argument(
        "--diff-method", choices=DIFF_METHODS, help="gradient method; none: inference only"
    )
    p.add_argument(
        "--differentiate-inputs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also shift input angles (a trainable layer feeds the circuit); a saved model "
        "turns this on when a module with parameters is registered before its quantum layer",
    )
    p.add_argument("--country", help="ISO alpha-3 code for the grid's CO2 intensity")
    p.add_argument("--grams-per-kwh", type=float, help="your grid's gCO2/kWh instead")
    p.add_argument("--watts", type=float, help="power of the simulation/classical device")
    p.add_argument("--device", help="simulation and classical device (cpu, cuda)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", metavar="PNG", help="plot time and energy against --qubits")
    p.add_argument("--qubits", type=int, nargs="+", help="widths for --plot (a config only)")
    p.add_argument(
        "--calibrate",
        action="store_true",
        help="measure the simulator and MLP on this machine and cache the fit",
    )
    return p


CONFIG_KEYS = {
    "model": {"qubits": int, "encoding": str, "ansatz": str, "layers": int},
    "workload": {
        "samples": int,
        "epochs": int,
        "batch": int,
        "shots": int,
        "precision": float,
        "diff_method": str,
        "observable_groups": int,
        "differentiate_inputs": bool,
    },
    "estimate": {
        "target": str,
        "country": str,
        "device": str,
        "grams_per_kwh": float,
        "watts": float,
    },
}


def _config(path: Path) -> dict:
    """The TOML config, every table and key checked against :data:`CONFIG_KEYS`."""
    try:
        cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise EstimateError(f"{path} is not valid TOML: {e}") from e
    unknown = set(cfg) - set(CONFIG_KEYS)
    if unknown:
        raise EstimateError(f"{path}: unknown tables {sorted(unknown)}; known: {list(CONFIG_KEYS)}")
    for table, keys in CONFIG_KEYS.items():
        section = cfg.setdefault(table, {})
        if not isinstance(section, dict):
            raise EstimateError(f"{path}: {table} must be a table ([{table}]), got {section!r}")
        for key, value in section.items():
            if key not in keys:
                raise EstimateError(
                    f"{path}: unknown key {key!r} in [{table}]; known: {sorted(keys)}"
                )
            kind = keys[key]
            if kind is int:
                ok = is_integer(value)
            elif kind is float:
                ok = is_real(value)
            else:
                ok = isinstance(value, kind)
            if not ok:
                raise EstimateError(
                    f"{path}: [{table}] {key} must be {kind.__name__}, got {value!r}"
                )
    return cfg


TEMPLATE_GROUP = "qml.templates"


def _templates(name: str):
    """The template module registered as ``name`` in the ``qml.templates`` entry points (the
    ``circuits`` package registers ``encodings`` and ``ansatze``); qml does not import it."""
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group=TEMPLATE_GROUP) if ep.name == name]
    if not found:
        raise EstimateError(
            f"no circuit templates {name!r} are installed (entry point group {TEMPLATE_GROUP!r});"
            " reinstall qml-hybrid, which ships the circuits package"
        )
    return found[0].load()


def family_from_config(model: dict):
    """``n -> Circuit`` from a config's ``[model]`` table (encoding + ansatz by name)."""
    import inspect

    encodings, ansatze = _templates("encodings"), _templates("ansatze")

    def width_only(fn) -> bool:  # callable as fn(n)
        params = list(inspect.signature(fn).parameters.values())[1:]
        return all(p.default is not inspect.Parameter.empty for p in params)

    known_enc = [n for n in encodings.__all__ if width_only(getattr(encodings, n))]
    known_ans = [
        n
        for n in ansatze.__all__
        if callable(getattr(ansatze, n))
        and "layers" in inspect.signature(getattr(ansatze, n)).parameters
    ]
    enc_name = model.get("encoding", "angle")
    ans_name = model.get("ansatz", "strongly_entangling")
    if enc_name not in known_enc:
        raise EstimateError(f"unknown encoding {enc_name!r} in [model]; known: {known_enc}")
    if ans_name not in known_ans:
        raise EstimateError(f"unknown ansatz {ans_name!r} in [model]; known: {known_ans}")
    enc, ans = getattr(encodings, enc_name), getattr(ansatze, ans_name)
    layers = model.get("layers", 2)
    return lambda n: enc(n) + ans(n, layers=layers)


def _saved_layer(path: Path):
    """``(layer, trainable_before)`` from a model file, read without running code from it.

    Raises:
        ModelFileError: the file is not a loadable qml model (see :func:`qml.load`).
        EstimateError: the model holds no QuantumLayer, or more than one.
    """
    from qml.estimator.model import find_quantum_layer
    from qml.nn.serialization import load

    return find_quantum_layer(load(path))


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from qml.estimator.estimate import estimate
    from qml.estimator.targets import known_targets

    console = Console()
    if args.list_targets:
        from qml.estimator.fault_tolerant import QUBIT_PRESETS

        for name in known_targets():
            print(name)
        for name in QUBIT_PRESETS:
            print(f"{name}  (fault-tolerant)")
        return 0
    if args.calibrate:
        from qml.estimator.calibration import cache_path
        from qml.estimator.classical import cached_classical_calibration
        from qml.estimator.simulation_calibration import measure_calibration

        device = args.device or "cpu"
        cal = measure_calibration(device)
        ccal = cached_classical_calibration(device, recalibrate=True)
        report = {
            "simulation": cal.to_dict(),
            "classical": ccal.to_dict(),
            "cached": str(cache_path(device)),
        }
        print(json.dumps(report, indent=2))
        if args.model is None:
            return 0
    if args.model is None:
        raise EstimateError("give a model (.pt) or a config (.toml), or --calibrate")
    if args.qubits and not args.plot:
        raise EstimateError("--qubits sets the widths of --plot; give --plot FILE.png too")
    path = Path(args.model)
    if not path.is_file():
        raise EstimateError(f"no such file: {path}")
    cfg: dict = {"model": {}, "workload": {}, "estimate": {}}
    before = False
    if path.suffix == ".toml":
        cfg = _config(path)
        model_cfg = cfg["model"]
        family = family_from_config(model_cfg)
        if "qubits" not in model_cfg:
            raise EstimateError(f"{path}: [model] needs qubits")
        model = family(model_cfg["qubits"])
    elif path.suffix in (".pt", ".pth"):
        model, before = _saved_layer(path)
        family = None
    else:
        raise EstimateError(f"{path}: give a .toml config or a .pt/.pth saved model")
    wl = {k: v for k, v in cfg.get("workload", {}).items()}
    unknown = set(wl) - set(WORKLOAD_FIELDS)
    if unknown:
        raise EstimateError(f"unknown [workload] keys {sorted(unknown)}; known: {WORKLOAD_FIELDS}")
    for key in WORKLOAD_FIELDS:
        value = getattr(args, key, None)
        if value is not None:
            wl[key] = value
    if args.precision is not None:
        wl.pop("shots", None)
    if args.shots is not None:
        wl.pop("precision", None)
    wl.setdefault("differentiate_inputs", before)
    if "samples" not in wl:
        raise EstimateError("the workload needs samples (--samples or [workload] samples)")
    workload = Workload(**wl)
    opts = cfg.get("estimate", {})
    target = args.target or opts.get("target", "ibm_fez")
    country = args.country or opts.get("country")
    device = args.device or opts.get("device", "cpu")
    grams = args.grams_per_kwh if args.grams_per_kwh is not None else opts.get("grams_per_kwh")
    watts = args.watts if args.watts is not None else opts.get("watts")
    if args.plot:
        from qml.estimator.estimate import EstimateOptions
        from qml.estimator.scaling import plot_scaling, scaling

        if family is None:
            raise EstimateError("--plot needs a config (.toml) to build circuits of other widths")
        widths = args.qubits or [4, 8, 12, 16, 20, 24, 28, 32]
        options = EstimateOptions(country=country, device=device, grams_per_kwh=grams, watts=watts)
        points = scaling(family, widths, target=target, workload=workload, options=options)
        out = plot_scaling(points, args.plot, title=f"{path.name} on {target}")
        console.print(f"wrote {out}")
        return 0
    est = estimate(
        model,
        target=target,
        workload=workload,
        country=country,
        device=device,
        grams_per_kwh=grams,
        watts=watts,
    )
    if args.json:
        print(est.to_json())
    else:
        console.print(est.table())
        console.print(f"[bold]{est.verdict()}[/bold]")
        for a in est.assumptions:
            console.print(f"[dim]assumption: {a}[/dim]")
        console.print(f"[dim]energy: {est.marginal_energy_note}[/dim]")
    return 0
