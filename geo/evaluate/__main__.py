"""``python -m geo.evaluate geoparse FILE... | events FILE...``: one dispatcher, lazy imports."""
from __future__ import annotations

import sys
from typing import Optional

COMMANDS = {
    "geoparse": ("geo.evaluate.geoparse", "toponym recall/precision and accuracy@161 km"),
    "events": ("geo.evaluate.events", "casualty figures and parties against UCDP GED"),
    "figures": ("geo.evaluate.figures", "figures, claims and places against the FA-KES gold"),
    "capitals": ("geo.evaluate.capitals", "world capitals placed at namesakes (no gold needed)"),
    "locations": ("geo.evaluate.locations", "events placed in FA-KES's labelled governorate"),
}


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        lines = [f"  {name:<9} {help_}" for name, (_, help_) in COMMANDS.items()]
        print("usage: python -m geo.evaluate {geoparse,events,figures,capitals,locations} FILE... [options]\n"
              + "\n".join(lines), file=sys.stderr)
        return 2
    import importlib

    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
