"""The shape of the package: one direction of imports, small modules, a documented keyword-only API.

Also the one-declaration rule for options: the command line, signatures, summaries and the
methods text all come from :mod:`bibnet.options` declarations and the method registries.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import pydoc
import re
from pathlib import Path

import click
import pytest

import bibnet
from bibnet import AnalysisParams, ClusterParams, LayoutParams, NetworkParams, NetworkSummary, OptionError
from bibnet.cli import main
from bibnet.cooccurrence import COUNTINGS
from bibnet.normalize import NORMALIZATIONS
from bibnet.options import options
from bibnet.report import methods_text

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bibnet"
#: Modules allowed over 400 lines: compiled kernels only.
KERNELS = {"bibnet._leiden_kernels", "bibnet._layout_kernels"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every bibnet module ``name`` imports, at the top, in functions or for type checking only,
    with the packages whose ``__init__`` the import runs."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ too
                prefix = ".".join(parts[:i])
                # A module importing its own package runs nothing new: that package is already loading.
                if prefix in known and prefix != "bibnet" and prefix != name and not name.startswith(prefix + "."):
                    found.add(prefix)
    return found


def test_no_import_cycle_among_bibnet_modules():
    mods = modules()
    graph = {name: imports(path, name, set(mods)) for name, path in mods.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_import_graph_sees_a_cycle(tmp_path):
    """The cycle test above can fail: two modules importing each other inside functions are found."""
    (tmp_path / "bibnet").mkdir()
    a, b = tmp_path / "bibnet" / "a.py", tmp_path / "bibnet" / "b.py"
    a.write_text("def f():\n    from bibnet.b import g\n", encoding="utf-8")
    b.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bibnet import a\n", encoding="utf-8")
    known = {"bibnet.a", "bibnet.b"}
    assert imports(a, "bibnet.a", known) == {"bibnet.b"} and imports(b, "bibnet.b", known) == {"bibnet.a"}


def test_no_module_over_400_lines():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {name: n for name, n in sizes.items() if n > 400 and name not in KERNELS} == {}


# -- the public API -----------------------------------------------------------------------------
PUBLIC_MODULES = ["bibnet", "bibnet.readwrite", "bibnet.plotting", "bibnet.tables", "bibnet.report",
                  "bibnet.analysis", "bibnet.clustering", "bibnet.layout", "bibnet.selection", "bibnet.network"]


def public_callables():
    import importlib

    seen = {}
    for mod_name in PUBLIC_MODULES:
        mod = importlib.import_module(mod_name)
        listed = getattr(mod, "__all__", None)
        names = listed or [n for n, v in vars(mod).items() if not n.startswith("_") and getattr(v, "__module__", "") == mod_name]
        for name in names:
            obj = getattr(mod, name)
            if getattr(obj, "__module__", "").startswith("bibnet") and (inspect.isfunction(obj) or inspect.isclass(obj)):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
                if inspect.isclass(obj) and not issubclass(obj, Exception):
                    for attr, member in vars(obj).items():
                        if inspect.isfunction(member) and not attr.startswith("_"):
                            seen[f"{obj.__module__}.{obj.__qualname__}.{attr}"] = member
    return seen


API = public_callables()
#: Functions whose optional parameters are data, not options: VOSviewer opens a map file, a network
#: file or both, and so does read_vosviewer(map_path, network_path).
OPTIONAL_DATA = {"bibnet.readwrite.vosmap_reader.read_vosviewer", "bibnet.readwrite.vosmap.read_vosviewer"}


@pytest.mark.parametrize("name", sorted(API))
def test_public_callables_are_documented(name):
    assert (inspect.getdoc(API[name]) or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name", sorted(n for n, f in API.items() if inspect.isfunction(f)))
def test_options_are_keyword_only(name):
    """Data goes first and may be positional; every option (a parameter with a default) is keyword-only,
    except ``params``, the typed set of options, which may follow the data."""
    positional = [p for p in inspect.signature(API[name]).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is not p.empty
                  and p.name != "params" and name not in OPTIONAL_DATA]
    assert positional == [], f"{name}: options {', '.join(p.name for p in positional)} may be given by position"


def test_the_api_lists_the_stages_types():
    for name in ("read", "build_network", "Corpus", "Network", "NetworkParams", "ClusterParams", "LayoutParams",
                 "AnalysisParams", "NetworkSummary", "Run", "analyze"):
        assert name in bibnet.__all__ and getattr(bibnet, name) is not None


def test_help_shows_the_options():
    text = pydoc.render_doc(bibnet.Network.cluster, renderer=pydoc.plaintext)
    assert "min_cluster_size: int = 1" in text and "resolution: float = 1.0" in text
    assert "Clusters with fewer keywords are merged into the one they link to most." in text
    assert "min_occurrences: int = 5" in pydoc.render_doc(bibnet.build_network, renderer=pydoc.plaintext)
    assert "attraction: int = 2" in pydoc.render_doc(bibnet.Network.layout, renderer=pydoc.plaintext)


# -- one declaration per option -----------------------------------------------------------------
RECORDS = __import__("pandas").DataFrame({"DE": ["a; b; c", "a; b", "a; c"], "ID": [None, "B", "C"],
                                          "PY": [2020, 2021, 2022], "TC": [1, 2, 3]})


def test_params_and_options_together_is_an_error():
    with pytest.raises(OptionError, match=r"^give params= or the network options \(min_occurrences\), not both$"):
        bibnet.build_network(RECORDS, params=NetworkParams(), min_occurrences=34)
    net = bibnet.build_network(RECORDS, min_occurrences=2)
    with pytest.raises(OptionError, match="give params= or the clustering options"):
        net.cluster(params=ClusterParams(), resolution=2.0)
    with pytest.raises(TypeError, match="unknown option 'resolutoin'"):
        net.cluster(resolutoin=2.0)
    assert len(net) == 3 and net.params.min_occurrences == 2


@pytest.mark.parametrize(
    "cls, flag, default",
    [(NetworkParams, "--counting", "full"), (NetworkParams, "--min-occurrences", 5), (ClusterParams, "--resolution", 1.0),
     (ClusterParams, "--seed", 0), (LayoutParams, "--layout-starts", 1), (LayoutParams, "--layout-method", "auto")],
)
def test_cli_flags_come_from_the_declarations(cls, flag, default):
    command = main.commands["map"]
    option = next(p for p in command.params if flag in p.opts)
    assert option.default == default
    name = next(n for n, spec in options(cls).items() if (spec.flag or "--" + n.replace("_", "-")) == flag)
    assert option.help == options(cls)[name].help
    if options(cls)[name].choices:
        assert isinstance(option.type, click.Choice) and tuple(option.type.choices) == options(cls)[name].choices


def test_choices_come_from_the_registries():
    assert options(NetworkParams)["counting"].choices == tuple(COUNTINGS)
    assert options(NetworkParams)["normalization"].choices == tuple(NORMALIZATIONS)


def summary_with(**network: object) -> NetworkSummary:
    return NetworkSummary(field="all", records=10, records_with_keywords=10, keywords_total=20,
                          keywords_meeting_threshold=5, keywords_selected=5, links=4, components=1,
                          total_link_strength=6, network=NetworkParams(**network))


@pytest.mark.parametrize("name", sorted(COUNTINGS))
def test_methods_text_describes_every_counting_method(name):
    assert COUNTINGS[name].methods and f"co-occurrences were {COUNTINGS[name].methods}." in methods_text(
        [summary_with(counting=name)])


@pytest.mark.parametrize("name", sorted(NORMALIZATIONS))
def test_methods_text_describes_every_normalization(name):
    assert f"Link strengths were {NORMALIZATIONS[name].methods}." in methods_text([summary_with(normalization=name)])


def test_summary_keys_are_the_declared_options():
    s = bibnet.build_network(RECORDS, min_occurrences=1).cluster(random_starts=1).summary().to_dict()
    params = s["parameters"]
    assert list(params)[: len(options(NetworkParams))] == list(options(NetworkParams))
    assert list(params["clustering"]) == [*options(ClusterParams), "engine"]
    assert [f.name for f in dataclasses.fields(AnalysisParams)] == list(options(AnalysisParams))


def test_option_errors_name_the_option():
    with pytest.raises(OptionError, match=r"^unknown counting 'half'; expected full or fractional$"):
        NetworkParams(counting="half")
    with pytest.raises(OptionError, match=r"^attraction must be between -9 and 10, got 11$"):
        LayoutParams(attraction=11)
    with pytest.raises(OptionError, match=r"^unknown keyword field 'titles'; expected some of all, author, indexed$"):
        AnalysisParams(fields=("titles",))


# -- README's Python API example runs ----------------------------------------------------------
def test_readme_python_api_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.replace('"exports/"', repr(str(ROOT / "wos_exports"))).replace('"out/"', repr(str(tmp_path / "out")))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".bibnet-manifest.json", "map.json", "map.txt", "network.txt", "summary.json"]


def test_whole_floats_are_recorded_as_integers():
    assert NetworkParams(min_occurrences=2.0).to_dict()["min_occurrences"] == 2
    assert type(NetworkParams(min_occurrences=2.0).min_occurrences) is int
