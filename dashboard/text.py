"""Text from the URL, the store or an article, shown as text. Streamlit renders captions,
labels and expander titles as Markdown: an image tag there would make the reader's browser
fetch a URL chosen by whoever wrote the text, so every Markdown character is escaped."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

# CommonMark lets a backslash escape any ASCII punctuation; ':' and '$' also start Streamlit's
# own syntax (':red[...]', emoji shortcodes, math).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~:$&\"'=])")


def as_text(value: object) -> str:
    """``value`` for a Markdown-rendering widget, shown exactly as written."""
    return _MARKDOWN.sub(r"\\\1", str(value)).replace("\n", " ")


# "renamed": its id held another text, so it was stored as ``id~hash`` and both were kept
_STATUS_WORDS = {"ok": "stored", "renamed": "stored under a new id (their id held another text)",
                 "duplicate": "already in the store", "error": "failed"}


def upload_summary(statuses: Iterable[str]) -> str:
    """'2 stored, 1 failed' for the ingest statuses of an upload."""
    counts = Counter(statuses)
    order = [s for s in _STATUS_WORDS if s in counts] + sorted(set(counts) - set(_STATUS_WORDS))
    return ", ".join(f"{counts[s]} {_STATUS_WORDS.get(s, s)}" for s in order) or "nothing read"


def demo_note(demo_db: str, own_db: str) -> str:
    """What the demo store is, for the banner over it (Markdown; the paths shown as text)."""
    return ("**Demo store**: the bundled sample articles, in a store of their own ("
            + as_text(demo_db) + "). Your own store is " + as_text(own_db) + ": the articles "
            "you add in the sidebar go there, never into the demo, and it opens instead of the "
            "demo once it holds some. To open another store: "
            "`streamlit run app.py -- --db PATH`.")


def store_problem(db: str, err: Exception) -> None:
    """Say, in words, why the store cannot be shown and what the user can do."""
    import streamlit as st

    from geo.store import SchemaVersionError

    st.title("Conflict map")
    if isinstance(err, SchemaVersionError):
        advice = ("It was written by a newer version of this project: upgrade the project "
                  "(git pull, then bash scripts/install.sh), or open another store with "
                  "`-- --db PATH`.")
    else:
        advice = ("The file is damaged or is not a store of this project. Restore it from a "
                  "backup, or start the dashboard on another file (`streamlit run app.py -- "
                  "--db PATH`) and add the articles again (`python -m geo ingest FOLDER --db "
                  "PATH`).")
    st.error("The store " + as_text(db) + " cannot be read: " + as_text(err))
    st.markdown(advice)
