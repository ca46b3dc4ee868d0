"""The package's shape (issue 10): one direction of flow, no import loop, small modules, and
the rules that must have exactly one implementation. Read from the source with ``ast``: nothing
is imported or run."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parent.parent / "geo"
MAX_LINES = 500

# The flow, left to right: a module may import from its own stage or one to its left.
STAGES = {
    "geo.config": 0, "geo.records": 0, "geo.parties": 0, "geo.fingerprints": 0, "geo.nlp": 0, "geo.lazy": 0,
    "geo.read": 1,
    "geo.places": 2, "geo.events": 2,
    "geo.pipeline": 3, "geo.parallel": 3,
    "geo.store": 4,
    "geo.report": 5,
    "geo.render": 6,
    "geo.cli": 7, "geo.__main__": 7, "geo.evaluate": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(GEO.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(GEO.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """The geo modules a file imports, at the top or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "geo"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "geo":
                continue
            for alias in node.names:  # "from geo.render import assets" imports a module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base)
    return found - {name}


def stage(name: str) -> tuple[str, int]:
    for prefix in sorted(STAGES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return prefix, STAGES[prefix]
    raise AssertionError(f"{name} belongs to no stage: add it to STAGES")


def graph() -> dict[str, set[str]]:
    mods = modules()
    # geo/__init__ is the lazy public API (importlib by name), not part of the flow.
    return {n: {i for i in imports_of(p, n) if i != "geo"} for n, p in mods.items() if n != "geo"}


def test_every_module_belongs_to_a_stage():
    for name in graph():
        stage(name)


def test_no_import_runs_back_against_the_flow():
    backwards = []
    for name, deps in graph().items():
        _, rank = stage(name)
        for dep in deps:
            dep_stage, dep_rank = stage(dep)
            if dep_rank > rank:
                backwards.append(f"{name} -> {dep}")
    assert not backwards


def test_places_and_events_do_not_import_each_other():
    crossing = [f"{n} -> {d}" for n, deps in graph().items() for d in deps
                if {stage(n)[0], stage(d)[0]} == {"geo.places", "geo.events"}]
    assert not crossing


def test_no_import_loop():
    g = graph()
    state: dict[str, int] = {}
    loops = []

    def visit(node, path):
        state[node] = 1
        for dep in sorted(g.get(node, ())):
            if state.get(dep) == 1:
                loops.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [node])
    assert not loops


def test_the_public_api_resolves():
    import geo

    for name in geo.__all__:
        assert getattr(geo, name) is not None, name


@pytest.mark.parametrize("path", sorted(GEO.rglob("*.py")) + [GEO.parent / "app.py"]
                         + sorted((GEO.parent / "dashboard").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(GEO.parent)))
def test_no_module_is_over_the_size_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines"


def _files_matching(pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return sorted(module_name(p) for p in GEO.rglob("*.py")
                  if rx.search(p.read_text(encoding="utf-8")))


def test_the_environment_is_read_in_one_place():
    assert _files_matching(r"os\.environ|os\.getenv|getenv\(") == ["geo.config"]


def test_one_spatial_join():
    # geopandas predicates and spatial-index queries (pandas' .str.contains is text search)
    pattern = (r"\bsjoin(_nearest)?\(|(?<!\.str)\.contains\(|\.within\(|\.intersects\(|"
               r"\.sindex\.(query|nearest)\(")
    assert _files_matching(pattern) == ["geo.places.regions"]


def test_one_haversine():
    defs = [module_name(p) for p in GEO.rglob("*.py")
            if re.search(r"^def haversine_km\b", p.read_text(encoding="utf-8"), re.M)]
    assert defs == ["geo.places.geodesy"]


def test_each_name_is_defined_once_across_the_package():
    """A public name defined at the top of two modules means two implementations of one thing,
    or one name for two things (the issue found KINDS, consolidate and slug)."""
    where = defaultdict(list)
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                targets = [node.name]
            elif isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for t in targets:
                if not t.startswith("_") and t not in ("__all__", "main", "logger", "log"):
                    where[t].append(name)
    twice = {k: v for k, v in where.items() if len(v) > 1}
    assert not twice


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo"):
                offenders += [f"{name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert not offenders
