"""The package's folders are the pipeline's stages, and imports only go down the pipeline.

Read from ``ls src/policygraph``: rules and text are read first, then extracted, resolved,
made RDF, stored, orchestrated by the pipeline, and finally queried, viewed, exported,
served and evaluated. A module may import its own stage and any earlier one, never a later
one (a lazy import inside a function counts too), and never another module's ``_private``
names. These tests read the source with ``ast``; they import nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policygraph"

#: Every top-level name of the package, in pipeline order. Modules on one line share a rank.
STAGES: list[tuple[str, ...]] = [
    ("errors", "model", "namespaces", "_callable"),  # shared by every stage
    ("rules",),  # word lists and vocabularies, as data
    ("text",),  # reading, layout repair, spans, numerals
    ("extract",),  # recognizers: text → facts with offsets
    ("resolve",),  # keys → entities, canonical labels, indicators, cross-document links
    ("rdf",),  # facts → IRIs and triples
    ("store",),  # the store, chunks, serializers, output generations
    ("pipeline",),  # build orchestration: map, cache, reduce, publish, merge
    ("query",),
    ("view",),
    ("export",),
    ("serve",),
    ("evaluate",),
    ("api", "cli", "__init__", "__main__"),  # the stages composed: Python API and CLI
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _top(path: Path) -> str:
    """The top-level name of the package a file belongs to (``rdf`` for rdf/iris.py)."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _from_module(node: ast.ImportFrom, here: list[str]) -> str:
    """The module a ``from … import`` in the file at ``here`` (its parts) names."""
    if node.level:
        base = here[: len(here) - node.level]
        return ".".join(["policygraph", *base, *([node.module] if node.module else [])])
    return node.module or ""


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module under policygraph, names) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = list(path.relative_to(PACKAGE).with_suffix("").parts)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _from_module(node, here)
            names = [a.name for a in node.names]
            if module == "policygraph":  # ``from policygraph import rdf``: the names are modules
                for name in names:
                    found.append((node.lineno, f"policygraph.{name}", []))
            elif module.startswith("policygraph."):
                found.append((node.lineno, module, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("policygraph."):
                    found.append((node.lineno, alias.name, []))
    return found


def test_every_top_level_name_has_a_stage() -> None:
    tops = {_top(p) for p in _modules()}
    assert tops - RANK.keys() == set(), "add the new folder or module to STAGES, in order"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_down_the_pipeline(path: Path) -> None:
    mine = RANK[_top(path)]
    later = [
        f"line {line}: {module}"
        for line, module, _ in _imports(path)
        if RANK.get(module.split(".")[1], -1) > mine
    ]
    assert not later, f"{path.name} imports a later stage: {later}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_another_modules_private_names(path: Path) -> None:
    private = [
        f"line {line}: {module}.{name}"
        for line, module, names in _imports(path)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, f"{path.name} imports private names: {private}"


def test_the_stages_are_folders_a_newcomer_sees() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    stages = {name for names in STAGES for name in names if (PACKAGE / name).is_dir()}
    assert folders == stages
    loose = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert loose == sorted(
        ["__init__", "__main__", "_callable", "api", "cli", "errors", "model", "namespaces"]
    )


def _is_module(dotted: str) -> bool:
    """Whether ``policygraph.a.b`` names a module or package of the source tree."""
    parts = dotted.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _module_aliases(path: Path) -> dict[str, str]:
    """The local names a file binds to policygraph modules (``from policygraph.serve.explore
    import lists as L``: L; ``import policygraph.x.y as m``: m)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = list(path.relative_to(PACKAGE).with_suffix("").parts)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _from_module(node, here)
            if not (module == "policygraph" or module.startswith("policygraph.")):
                continue
            for alias in node.names:
                if _is_module(f"{module}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("policygraph.") and alias.asname:
                    aliases[alias.asname] = alias.name
    return aliases


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reaches_into_another_modules_private_names(path: Path) -> None:
    """``lists._helper`` through a module imported whole is as private as importing it."""
    aliases = _module_aliases(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reached = [
        f"line {node.lineno}: {aliases[node.value.id]}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert not reached, f"{path.name} uses private names of other modules: {reached}"
