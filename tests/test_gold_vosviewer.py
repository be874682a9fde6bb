"""Exactness: bibnet's numbers equal VOSviewer's own map and network for the same WoS records.

``tests/data/gold_coffee_obesity``: 1,047 WoS records (plain text, 3 files) and the VOSviewer
keyword map and network made from them (all keywords, minimum 34 occurrences: 55 keywords pass,
and the author then removed 'consumption', 'green tea' and 'tea' by hand).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bibnet

GOLD = Path(__file__).parent / "data" / "gold_coffee_obesity"
REMOVED_BY_HAND = ["consumption", "green tea", "tea"]


@pytest.fixture(scope="module")
def network():
    corpus = bibnet.read(GOLD / "wos_plaintext")
    net = bibnet.build_network(corpus, keywords="all", min_occurrences=34)
    return net


@pytest.fixture(scope="module")
def gold():
    items = pd.read_csv(GOLD / "vosviewer" / "coffee-obesity_Keyword_map.csv")
    links = pd.read_csv(GOLD / "vosviewer" / "coffee-obesity_Keyword_net.csv", header=None, names=["a", "b", "w"],
                        encoding="utf-8-sig")
    return items, links


def test_summary_numbers(network):
    s = network.summary().to_dict()
    assert (s["records"], s["keywords_total"], s["keywords_meeting_threshold"]) == (1047, 4246, 55)


def test_items_and_links_match_vosviewer(network, gold):
    items, links = gold
    mine = network.items
    kept = ~mine["key"].isin(REMOVED_BY_HAND).to_numpy()
    assert sorted(mine.loc[~kept, "key"]) == REMOVED_BY_HAND
    # Remove the same three items, as the author did in VOSviewer, and recompute Links / TLS.
    idx = np.flatnonzero(kept)
    cooc = network.cooccurrence[idx][:, idx].tocsr()
    mine = mine.loc[kept].assign(
        links=np.diff(cooc.indptr), total_link_strength=np.asarray(cooc.sum(axis=1)).ravel()
    ).set_index("key")
    assert sorted(mine.index) == sorted(items["label"])
    g = items.set_index("label").loc[mine.index]
    assert (mine["occurrences"] == g["weight<Occurrences>"]).all()
    assert (mine["links"] == g["weight<Links>"]).all()
    assert (mine["total_link_strength"] == g["weight<Total link strength>"]).all()
    # VOSviewer prints scores with 4 decimals.
    for ours, theirs in [
        ("avg_pub_year", "score<Avg. pub. year>"),
        ("avg_citations", "score<Avg. citations>"),
        ("avg_norm_citations", "score<Avg. norm. citations>"),
    ]:
        np.testing.assert_array_equal(mine[ours].round(4).to_numpy(), g[theirs].to_numpy(), err_msg=ours)

    # Every network link: map VOSviewer's ids to labels and compare strengths pair by pair.
    label_of = dict(zip(items["id"], items["label"], strict=True))
    theirs = {tuple(sorted((label_of[a], label_of[b]))): w for a, b, w in links.itertuples(index=False)}
    keys = list(mine.index)
    upper = np.triu(cooc.toarray(), k=1)
    ours = {tuple(sorted((keys[i], keys[j]))): upper[i, j] for i, j in zip(*np.nonzero(upper), strict=True)}
    assert len(theirs) == 1058
    assert ours == theirs
