"""One module per tab; each ``show(view, ...)`` draws its tab from what it is given."""
from dashboard.tabs import articles, claims, figures, map, parties, side_by_side, tolls

# (label, module) in the order the tabs appear
TABS = [("Map", map), ("Tolls", tolls), ("Side by side", side_by_side),
        ("Figures per party", figures), ("Claims", claims), ("Articles", articles),
        ("Parties", parties)]
