"""A notebook-style tour of the bibnet API on the sample exports in wos_exports/.

Run it cell by cell in a notebook, or as a script: python examples/api_tour.py
"""

# %% Read the exports: files, folders or glob patterns. The report says what was read.
from pathlib import Path

import bibnet

corpus = bibnet.read(Path(__file__).resolve().parent.parent / "wos_exports")
print(corpus.report)

# %% The author keyword network: threshold, co-occurrence counts, scores.
net = corpus.network(keywords="author", min_occurrences=4)
print(net.describe())
print(net.items[["label", "occurrences", "links", "total_link_strength", "avg_pub_year"]].head())

# %% Cluster (Leiden, VOSviewer's quality function) and lay out (VOS); each returns a new network.
net = net.cluster(resolution=1.0, min_cluster_size=5).layout()
print(net)
print("quality", round(net.clustering.quality, 4), "clusters", net.n_clusters)

# %% Trace a keyword or a link back to its records.
top = net.items.sort_values("occurrences", ascending=False)["label"].iloc[0]
print(top, len(net.documents(top)), "records")

# %% Pictures: plotly figures (fig.show() in a notebook).
network = net.plot()
overlay = net.plot(overlay="year")
density = net.plot(density=True)

# %% Author keywords next to Keywords Plus.
print(bibnet.compare_fields(corpus, n=10))

# %% Graph libraries and VOSviewer files.
graph = net.to_networkx()
print(graph.number_of_nodes(), "nodes,", graph.number_of_edges(), "edges")
