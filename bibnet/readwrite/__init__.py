"""Reading and writing maps: VOSviewer map/network/JSON files, GEXF, GraphML, Pajek.

One module per format, networkx-style:

* :mod:`bibnet.readwrite.vosmap` - :class:`VOSviewerMap`, VOSviewer map and network text files;
* :mod:`bibnet.readwrite.vosjson` - VOSviewer JSON files;
* :mod:`bibnet.readwrite.graphs` - networkx/igraph objects, GEXF, GraphML, Pajek files;
* :mod:`bibnet.readwrite.convert` - a :class:`~bibnet.network.Network` as a :class:`VOSviewerMap`;
* :mod:`bibnet.readwrite.folder` - the map folder that every command writes.

Example
-------
>>> vmap = read_vosviewer("map.txt", "network.txt")          # doctest: +SKIP
>>> write_json(vmap, "map.json")                               # doctest: +SKIP
"""

from bibnet.readwrite.convert import MAP_COLUMNS, to_vosviewer, vosviewer_items
from bibnet.readwrite.folder import GRAPH_FORMATS, save, write_map_folder, write_vosviewer
from bibnet.readwrite.graphs import (
    attribute_names,
    read_pajek,
    read_pajek_partition,
    read_pajek_vector,
    to_igraph,
    to_networkx,
    write_gexf,
    write_graphml,
    write_pajek,
    write_pajek_partition,
    write_pajek_vector,
)
from bibnet.readwrite.vosjson import write_json
from bibnet.readwrite.vosjson_reader import read_json
from bibnet.readwrite.vosmap import VOSviewerMap, column_kind, merge_links, write_map, write_network
from bibnet.readwrite.vosmap_reader import read_map, read_network, read_vosviewer

__all__ = [
    "GRAPH_FORMATS", "MAP_COLUMNS", "save", "to_vosviewer", "vosviewer_items", "write_map_folder",
    "VOSviewerMap", "attribute_names", "column_kind", "merge_links", "read_json", "read_map", "read_network",
    "read_pajek", "read_pajek_partition", "read_pajek_vector", "read_vosviewer", "to_igraph", "to_networkx",
    "write_gexf", "write_graphml", "write_json", "write_map", "write_network", "write_pajek",
    "write_pajek_partition", "write_pajek_vector", "write_vosviewer",
]
