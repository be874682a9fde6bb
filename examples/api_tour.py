"""A notebook-style tour of the bibnet API on the sample exports in wos_exports/.

Run it cell by cell in a notebook, or as a script: python examples/api_tour.py
"""

# %% Read the exports: files, folders or glob patterns. The report says what was read.
import tempfile
from pathlib import Path

import bibnet
from bibnet.plotting import plot
from bibnet.readwrite import save, to_networkx, to_vosviewer

corpus = bibnet.read(Path(__file__).resolve().parent.parent / "wos_exports")
print(corpus.report)

# %% The author keyword network: threshold, co-occurrence counts, scores.
net = bibnet.build_network(corpus, keywords="author", min_occurrences=4)
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
network = plot(net)
overlay = plot(net, overlay="year")
density = plot(net, density=True)

# %% Author keywords next to Keywords Plus.
print(bibnet.compare_fields(corpus, n=10))

# %% Graph libraries and VOSviewer files.
graph = to_networkx(to_vosviewer(net))
print(graph.number_of_nodes(), "nodes,", graph.number_of_edges(), "edges")
print(save(net, Path(tempfile.mkdtemp()) / "map"))  # map.txt, network.txt, map.json, summary.json
