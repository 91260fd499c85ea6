"""Every mistake in a circuit template's arguments is a typed qml error naming the value: no raw
TypeError, no silent reinterpretation, no template that fills the memory."""

import re

import numpy as np
import pytest

from circuits import _checks, ansatze, encodings, observables
from qml.errors import CircuitError, ObservableError


def _named(value):
    return re.escape(repr(value))


ENTANGLED = {
    "entangler_map": lambda e: ansatze.entangler_map(3, e),
    "zz_feature_map": lambda e: encodings.zz_feature_map(3, entanglement=e),
    "real_amplitudes": lambda e: ansatze.real_amplitudes(3, entanglement=e),
}


@pytest.mark.parametrize("template", sorted(ENTANGLED))
@pytest.mark.parametrize("bad", [None, 3, b"full", {(0, 1), (1, 2)}])
def test_entanglement_that_is_not_a_name_or_a_list(template, bad):
    with pytest.raises(CircuitError, match=rf"entanglement.*{_named(bad)}"):
        ENTANGLED[template](bad)


@pytest.mark.parametrize("template", sorted(ENTANGLED))
@pytest.mark.parametrize("bad", [3, None, "01"])
def test_entanglement_pair_that_is_not_a_pair(template, bad):
    with pytest.raises(CircuitError, match=rf"entanglement pair {_named(bad)} is not two"):
        ENTANGLED[template]([(0, 1), bad])


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (3, "pattern must be an ordered sequence, got 3"),
        ([3], "pair 3 is not two"),
        ([None], "pair None is not two"),
        ({(0, 1)}, r"ordered sequence, got \{\(0, 1\)\}"),
    ],
)
def test_iqp_pattern(bad, match):
    with pytest.raises(CircuitError, match=match):
        encodings.iqp(3, pattern=bad)


@pytest.mark.parametrize("bad", [None, 3, [3], ["RY"], [None]])
def test_hardware_efficient_rotations(bad):
    with pytest.raises(CircuitError, match=rf"rotations must be .*{_named(bad)}"):
        ansatze.hardware_efficient(3, layers=1, rotations=bad)


@pytest.mark.parametrize("bad", [3, "12", {1, 2}])
def test_strongly_entangling_ranges(bad):
    with pytest.raises(
        CircuitError, match=rf"ranges must be an ordered sequence, got {_named(bad)}"
    ):
        ansatze.strongly_entangling(3, layers=2, ranges=bad)


@pytest.mark.parametrize("template", [ansatze.qcnn_conv, ansatze.qcnn_pool])
@pytest.mark.parametrize("bad", [3, "01", {0, 1}])
def test_qcnn_wires(template, bad):
    with pytest.raises(
        CircuitError, match=rf"wires must be an ordered sequence, got {_named(bad)}"
    ):
        template(4, wires=bad)


@pytest.mark.parametrize("template", [ansatze.qcnn_conv, ansatze.qcnn_pool])
@pytest.mark.parametrize("bad", ["yes", None, 1, 0, "False"])
def test_qcnn_shared_must_be_a_bool(template, bad):
    with pytest.raises(CircuitError, match=rf"shared must be True or False, got {_named(bad)}"):
        template(4, shared=bad)

    def shape(c):
        return (c if isinstance(c, ansatze.Circuit) else c[0]).weight_shapes

    # numpy's bools are bools
    assert shape(template(4, shared=np.bool_(False))) == shape(template(4, shared=False))
    assert shape(template(4, shared=np.bool_(True))) == shape(template(4, shared=True))


@pytest.mark.parametrize("bad", [None, 3, "c"])
def test_identity_block_piece_must_be_a_circuit(bad):
    with pytest.raises(CircuitError, match=rf"needs a qml.Circuit piece, got {_named(bad)}"):
        ansatze.identity_block(bad)


@pytest.mark.parametrize("bad", ["", 3, None])
def test_identity_block_suffix(bad):
    """An empty suffix would name the inverse's weights like the originals: the block would be
    the identity whatever its weights (silently untrainable)."""
    with pytest.raises(
        CircuitError, match=rf"suffix must be a non-empty string, got {_named(bad)}"
    ):
        ansatze.identity_block(ansatze.basic_entangler(2, layers=1), suffix=bad)


@pytest.mark.parametrize("bad", [None, 3.5, b"01"])
def test_parity_wires(bad):
    with pytest.raises(ObservableError, match=rf"parity needs a wire or a sequence.*{_named(bad)}"):
        observables.parity(bad)


HUGE = {
    "angle": lambda n: encodings.angle(n),
    "iqp": lambda n: encodings.iqp(n),
    "zz_feature_map": lambda n: encodings.zz_feature_map(n),
    "reuploading": lambda n: encodings.reuploading(n, layers=1),
    "strongly_entangling": lambda n: ansatze.strongly_entangling(n, layers=1),
    "basic_entangler": lambda n: ansatze.basic_entangler(n, layers=1),
    "hardware_efficient": lambda n: ansatze.hardware_efficient(n, layers=1),
    "real_amplitudes": lambda n: ansatze.real_amplitudes(n, layers=1),
    "qcnn_conv": lambda n: ansatze.qcnn_conv(n),
    "qcnn_pool": lambda n: ansatze.qcnn_pool(n),
    "entangler_map": lambda n: ansatze.entangler_map(n),
}


@pytest.mark.parametrize("template", sorted(HUGE))
@pytest.mark.parametrize("n", [10**9, np.int64(10**12), 2**70])
def test_a_typo_sized_template_fails_at_once(template, n):
    with pytest.raises(CircuitError, match=r"would build [\d,]+ gates, more than the 2,000,000"):
        HUGE[template](n)


def test_the_gate_budget_is_sharp():
    n = _checks.MAX_TEMPLATE_OPERATIONS // 4  # strongly_entangling: 4 gates per wire and layer
    with pytest.raises(CircuitError, match="would build"):
        ansatze.strongly_entangling(n + 1, layers=1)
    with pytest.raises(CircuitError, match=rf"layers={2}"):
        ansatze.strongly_entangling(n, layers=2)


def test_iqp_full_pairs_count_towards_the_budget():
    # 2,001 wires: 2,001,000 pairs alone; each a list entry and a gate
    with pytest.raises(CircuitError, match="iqp"):
        encodings.iqp(2001)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 10**9}, r"takes 2\*\*1000000000 features"),
        ({"n": 30}, r"takes 2\*\*30 features"),
        ({"n": 21}, "takes 2097152 features, more than"),
        ({"n": 40, "features": 2**40, "pad_with": 0.0}, "1,099,511,627,776 features"),
        ({"n": 10**9, "features": 4}, r"takes 2\*\*1000000000 features, got features=4"),
    ],
)
def test_amplitude_beyond_the_budget(kwargs, match):
    with pytest.raises(CircuitError, match=match):
        encodings.amplitude(**kwargs)
    c = encodings.amplitude(100, features=4, pad_with=0.0)  # a wide register, padded: builds
    assert c.n_qubits == 100 and c.input_shapes == {"x": 4}


@pytest.mark.parametrize("fn", [observables.x_all, observables.y_all, observables.z_all])
def test_observable_sets_beyond_the_budget(fn):
    with pytest.raises(ObservableError, match="more than the 2,000,000"):
        fn(10**9)
