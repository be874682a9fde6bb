"""Disconnected maps: the smaller components are packed next to the largest before standardising."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from test_layout import assert_standard, planted

import bibnet
from bibnet import layout as layout_module
from bibnet.layout import EPSILON, _pack_components, layout
from bibnet.report import methods_text

WOS = Path(__file__).parent / "data" / "wos"


def boxes(coords: np.ndarray, labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(coords[labels == k].min(axis=0), coords[labels == k].max(axis=0)) for k in range(labels.max() + 1)]


def main_share(coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Width and height of the largest component's bounding box over those of the whole map."""
    main = labels == np.argmax(np.bincount(labels))
    return np.ptp(coords[main], axis=0) / np.ptp(coords, axis=0)


def assert_no_overlap(coords: np.ndarray, labels: np.ndarray) -> None:
    found = boxes(coords, labels)
    for i, (low_a, high_a) in enumerate(found):
        for low_b, high_b in found[i + 1 :]:
            assert (high_a < low_b).any() or (high_b < low_a).any(), "two components' boxes overlap"


def unpacked(weights: sp.spmatrix, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """The layout as it was before packing: the optimiser's positions, standardised."""
    with monkeypatch.context() as patch:
        patch.setattr(layout_module, "_pack_components", lambda coords, labels: coords)
        return layout(weights).coords


# A lone item and a pair before the two dense groups, and two more lone items after them.
PARTS = [sp.csr_matrix((1, 1)), sp.csr_matrix(np.array([[0, 1.0], [1.0, 0]])),
         planted(40, 1, seed=2), planted(60, 1, seed=1), sp.csr_matrix((2, 2))]  # fmt: skip
DISCONNECTED = sp.block_diag(PARTS).tocsr()
LABELS = connected_components(DISCONNECTED, directed=False)[1]


def test_disconnected_map_is_packed_around_its_largest_component(monkeypatch):
    assert np.bincount(LABELS).tolist() == [1, 2, 40, 60, 1, 1]
    result = layout(DISCONNECTED)
    c = result.coords
    assert result.epsilon == EPSILON
    assert_standard(c)
    assert_no_overlap(c, LABELS)
    assert main_share(c, LABELS).max() >= 0.7
    assert np.array_equal(layout(DISCONNECTED).coords, c)
    # Before packing the lone items sat far out: the largest group had less of the picture.
    before = unpacked(DISCONNECTED, monkeypatch)
    assert main_share(before, LABELS).min() < main_share(c, LABELS).min()
    # Each component keeps its shape: distances inside components all scale by one factor.
    ratios = []
    for k in range(LABELS.max() + 1):
        items = np.flatnonzero(LABELS == k)
        if len(items) > 1:
            i, j = np.triu_indices(len(items), 1)
            d_after = np.linalg.norm(c[items[i]] - c[items[j]], axis=1)
            d_before = np.linalg.norm(before[items[i]] - before[items[j]], axis=1)
            ratios.append(d_after / d_before)
    ratios = np.concatenate(ratios)
    assert np.allclose(ratios, ratios[0], rtol=1e-9)
    # The reported quality is the objective of the packed coordinates.
    value = layout_module.objective(DISCONNECTED, c, attraction=2, repulsion=0, epsilon=EPSILON)
    assert result.quality == pytest.approx(value, rel=1e-10)


def test_connected_map_is_not_packed(monkeypatch):
    def fail(coords, labels):
        raise AssertionError("packing a connected map")

    monkeypatch.setattr(layout_module, "_pack_components", fail)
    w = planted(10, 2, inside=3, outside=1, seed=3)
    # Computed by bibnet before packing was added (commit da4db6b).
    expected = [[-0.179648663, 0.3573886969], [0.7269549747, -0.5021013103], [-0.13204665, 0.7230917796],
                [0.8196501095, -0.0631882951], [-0.8132911663, -0.55531112], [0.5821881654, 0.4076029254],
                [-0.8158204995, -0.2774619672], [0.093392524, -0.4342658299], [-0.5792301192, 0.4569512758],
                [0.2978513244, -0.112706155]]  # fmt: skip
    result = layout(w)
    assert np.allclose(result.coords, expected, rtol=0, atol=2e-10)
    assert result.quality == pytest.approx(14.932458011490354, rel=1e-12)


def test_pack_order_rows_and_translations():
    # Main component: 21 items on a slanted line (width 20 once turned flat, gap 2); then
    # components of sizes 1, 3, 2, 2 (items 21; 22-24; 25-26; 27-28), far away.
    g = np.random.default_rng(0)
    line = np.column_stack([np.arange(21.0), 0.1 * g.normal(size=21)])
    angle = 0.3
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    others = [[50.0, 50.0], [40.0, 0.0], [41.0, 1.0], [42.0, 0.0], [-30.0, 5.0], [-28.0, 5.0], [0.0, -40], [3.0, -40]]
    coords = np.vstack([line @ turn.T, others])
    labels = np.array([0] * 21 + [1] + [2] * 3 + [3] * 2 + [4] * 2)
    packed = _pack_components(coords, labels)
    assert np.array_equal(packed, _pack_components(coords, labels))
    # One rigid motion of the whole map, then a translation of each component.
    d = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    moved = np.linalg.norm(packed[:, None] - packed[None], axis=2)
    for k in range(5):
        items = labels == k
        assert np.allclose(moved[np.ix_(items, items)], d[np.ix_(items, items)], atol=1e-12)
    main = packed[:21]
    assert np.ptp(main[:, 0]) > 19.9 and np.ptp(main[:, 1]) < 1  # turned onto its widest spread
    assert_no_overlap(packed, labels)
    # Below the main component, largest first, left to right: the 3-item component, then the
    # pair with the smaller item index (25-26), the other pair and the lone item, in one row.
    low = main.min(axis=0)
    lefts = {k: packed[labels == k, 0].min() for k in range(1, 5)}
    tops = {k: packed[labels == k, 1].max() for k in range(1, 5)}
    assert all(top < low[1] for top in tops.values())
    assert lefts[2] < lefts[3] < lefts[4] < lefts[1]
    assert len({round(t, 9) for t in tops.values()}) == 1
    assert np.ptp(packed[:, 0]) == pytest.approx(np.ptp(main[:, 0]))


def test_rows_wrap_at_the_main_components_width():
    main = np.column_stack([np.arange(5.0), np.zeros(5)])  # width 4, gap 2 (twice the spacing)
    lone = np.column_stack([np.arange(7.0) * 10, np.full(7, 30.0)])
    labels = np.r_[np.zeros(5, int), np.arange(1, 8)]
    packed = _pack_components(np.vstack([main, lone]), labels)
    assert_no_overlap(packed, labels)
    rows = np.unique(packed[5:, 1].round(9))
    assert len(rows) == 3  # three lone items (two gaps of 2) fill a row of width 4: 3 + 3 + 1
    assert (packed[5:, 0] >= packed[:5, 0].min() - 1e-12).all() and (packed[5:, 0] <= packed[:5, 0].max() + 1e-12).all()
    # A network without links: nothing to pack around.
    assert np.array_equal(_pack_components(lone, np.arange(7)), lone)
    assert_standard(layout(sp.csr_matrix((6, 6))).coords)


def test_real_map_with_a_lone_keyword(monkeypatch):
    corpus = bibnet.read(WOS / "imaginaries", WOS / "tab" / "rmp_savedrecs.txt", WOS / "tab" / "labnetwork_savedrecs.txt")
    weights = bibnet.build_network(corpus, keywords="all", min_occurrences=4).weights
    labels = connected_components(weights, directed=False)[1]
    assert np.bincount(labels).tolist() == [241, 1]  # "expression" is linked to no other keyword
    c = layout(weights).coords
    assert_standard(c)
    assert_no_overlap(c, labels)
    share = main_share(c, labels)
    assert share.min() >= 0.85  # 1.0 wide, 0.91 high
    assert main_share(unpacked(weights, monkeypatch), labels).min() < 0.3  # was 0.28 of the height


def test_methods_say_when_parts_were_packed():
    corpus = bibnet.read(WOS / "tab" / "rmp_savedrecs.txt", WOS / "tab" / "labnetwork_savedrecs.txt")
    apart = bibnet.build_network(corpus, keywords="all", min_occurrences=4).layout()
    whole = bibnet.build_network(corpus, keywords="all", min_occurrences=4, largest_component=True).layout()
    assert (apart.summary().components, whole.summary().components) == (2, 1)
    sentence = "The unconnected parts of a map were placed in rows below its largest connected part"
    assert sentence in methods_text([apart.summary()])
    assert sentence not in methods_text([whole.summary()])
    assert "Несвязанные части карты размещены рядами" in methods_text([apart.summary()], lang="ru")
