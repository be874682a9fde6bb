"""Reading and writing maps: VOSviewer map/network/JSON files, GEXF, GraphML, Pajek.

One module per format, networkx-style:

* :mod:`bibnet.readwrite.vosmap` - :class:`VOSviewerMap`, VOSviewer map and network text files;
* :mod:`bibnet.readwrite.vosjson` - VOSviewer JSON files;
* :mod:`bibnet.readwrite.graphs` - networkx/igraph objects, GEXF, GraphML, Pajek files.

Example
-------
>>> vmap = read_vosviewer("map.txt", "network.txt")          # doctest: +SKIP
>>> write_json(vmap, "map.json")                               # doctest: +SKIP
"""

from bibnet.readwrite.graphs import (
    attribute_names, read_pajek, read_pajek_partition, read_pajek_vector, to_igraph, to_networkx, write_gexf,
    write_graphml, write_pajek, write_pajek_partition, write_pajek_vector,
)
from bibnet.readwrite.vosjson import read_json, write_json
from bibnet.readwrite.vosmap import (
    VOSviewerMap, column_kind, merge_links, read_map, read_network, read_vosviewer, write_map, write_network,
    write_vosviewer,
)

__all__ = [
    "VOSviewerMap", "attribute_names", "column_kind", "merge_links", "read_json", "read_map", "read_network",
    "read_pajek", "read_pajek_partition", "read_pajek_vector", "read_vosviewer", "to_igraph", "to_networkx",
    "write_gexf", "write_graphml", "write_json", "write_map", "write_network", "write_pajek",
    "write_pajek_partition", "write_pajek_vector", "write_vosviewer",
]
