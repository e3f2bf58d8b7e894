"""The layout rule: packages import only the layers below them, and no module imports itself in a circle.

Layers, lowest first (README, "How it fits together"): the base modules, ``kg.graph``,
``kg.queries``, then ``kg.validation`` and ``kg.network`` side by side, ``kg.web``, and the
command line (``kg.commands``, ``kg.cli``) with the public API of ``kg`` on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

KG = Path(__file__).resolve().parent.parent / "kg"

#: Layer of each package; a package may import any lower layer. Of one layer, only the base modules and the
#: command line may import each other: validation and the network stay apart.
LAYERS = {
    "kg.errors": 0, "kg.namespaces": 0, "kg.dates": 0,
    "kg.graph": 1,
    "kg.queries": 2,
    "kg.validation": 3, "kg.network": 3,
    "kg.web": 4,
    "kg.commands": 5, "kg.cli": 5, "kg.__main__": 5, "kg": 6,
}
SHARED_LAYERS = {0, 5}


def forbidden(a: str, b: str) -> bool:
    """True when module ``a`` may not import module ``b``.

    >>> forbidden("kg.network.page", "kg.graph.files"), forbidden("kg.graph.files", "kg.queries.search")
    (False, True)
    >>> forbidden("kg.validation.validator", "kg.network.projection"), forbidden("kg.dates", "kg.errors")
    (True, False)
    """
    pa, pb = package(a), package(b)
    if pa == pb:
        return False
    return LAYERS[pb] > LAYERS[pa] or (LAYERS[pb] == LAYERS[pa] and LAYERS[pa] not in SHARED_LAYERS)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports() -> nx.DiGraph:
    """Module -> module for every ``import kg...`` anywhere in a module, function bodies included."""
    graph = nx.DiGraph()
    for path in sorted(KG.rglob("*.py")):
        name = module_name(path)
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kg":
                for alias in node.names:  # "from kg.queries import stored" imports the module kg.queries.stored
                    full = f"{node.module}.{alias.name}"
                    graph.add_edge(name, full if (KG.parent / (full.replace(".", "/") + ".py")).exists() else node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "kg":
                        graph.add_edge(name, alias.name)
    return graph


def package(module: str) -> str:
    """The entry of ``LAYERS`` a module belongs to.

    >>> package("kg.queries.search"), package("kg"), package("kg.errors")
    ('kg.queries', 'kg', 'kg.errors')
    """
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return ".".join(parts[:n])
    raise KeyError(module)


def test_every_module_has_a_layer():
    # a module straight under kg/ that is not a base module has no layer (it would count as the public API)
    missing = sorted(m for m in imports() if package(m) == "kg" and m != "kg")
    assert missing == []


def test_no_package_imports_a_higher_layer_or_a_sibling():
    wrong = sorted((a, b) for a, b in imports().edges if forbidden(a, b))
    assert wrong == []


def test_no_import_circles():
    graph = imports()
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if b == package(a) and b != a])  # a package's own __init__
    assert sorted(sorted(c) for c in nx.simple_cycles(graph)) == []


def test_every_package_says_what_it_holds_and_exports():
    for init in sorted(KG.glob("*/__init__.py")):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{init.parent.name}: no docstring"
        if init.parent.name != "commands":
            names = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"]
            assert names, f"{init.parent.name}: no __all__"


@pytest.mark.parametrize("pkg", ["graph", "queries", "validation", "network", "web"])
def test_exported_names_exist(pkg):
    import importlib

    module = importlib.import_module(f"kg.{pkg}")
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


def test_the_rule_catches_wrong_imports():
    graph = imports()
    graph.add_edges_from([("kg.graph.files", "kg.network.projection"), ("kg.network.page", "kg.validation.report")])
    assert sorted((a, b) for a, b in graph.edges if forbidden(a, b)) == [
        ("kg.graph.files", "kg.network.projection"), ("kg.network.page", "kg.validation.report")]
