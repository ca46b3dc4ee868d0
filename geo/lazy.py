"""Package APIs that load on first use (PEP 562): ``from geo.render import export`` must not
import folium, nor ``import geo`` the language model. One mechanism for every package that
needs it."""
from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping


def lazy_exports(package: str, api: Mapping[str, str], namespace: dict
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """(``__getattr__``, ``__dir__``) for ``package``: each name in ``api`` comes from its module
    (absolute, or relative to the package) when first asked for, then stays in ``namespace``."""
    def __getattr__(name: str) -> Any:
        module = api.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        path = module if module.startswith("geo.") or module == "geo" else f"{package}.{module}"
        value = getattr(importlib.import_module(path), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(namespace.get("__all__", api))

    return __getattr__, __dir__
