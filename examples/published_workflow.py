"""Reproduce a published keyword co-occurrence analysis, start to finish, on wos_exports/.

The paper's recipe: all keywords (author keywords and Keywords Plus); minimum 4 occurrences;
minimum cluster size 100; Table 1: the 40 most frequent keywords; Table 2: the 30 most common
author keywords next to the 30 most common Keywords Plus; Figure 1: network of all keywords;
Figure 2: overlay of author-assigned versus WoS-generated keywords; Figure 3: network of
Keywords Plus. The same as `bibnet analyze wos_exports --out OUT --min-occurrences 4
--min-cluster-size 100`.

Usage: python examples/published_workflow.py [OUT]   (default: results-published/)
"""

from __future__ import annotations

import sys
from pathlib import Path

import bibnet
from bibnet.analysis import analyze, published_summary

HERE = Path(__file__).resolve().parent


def main(out: Path) -> None:
    corpus = bibnet.read(HERE.parent / "wos_exports")
    print(f"metadata of {len(corpus):,} WoS publications ({corpus.report.duplicates} duplicates removed)")
    result = analyze(
        corpus, out,
        network_params=bibnet.NetworkParams(min_occurrences=4),
        clustering=bibnet.ClusterParams(min_cluster_size=100),
    )
    for line in published_summary(result):
        print(line)
    print(f"Table 1: {out / 'tables' / 'top_keywords.md'}")
    print(f"Table 2: {out / 'tables' / 'author_vs_indexed.md'}")
    print(f"Figure 1: {out / 'figures' / 'all_network.png'}")
    print(f"Figure 2: {out / 'figures' / 'all_top30_author_vs_indexed.png'}")
    print(f"Figure 3: {out / 'figures' / 'indexed_network.png'}")
    print(f"Methods: {out / 'methods.md'}; report: {out / 'report.html'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("results-published"))
