"""The Articles tab: the list (with each article's conflict), one article highlighted,
corrections of its places, parties and conflict (each undoable), and the bin: articles moved
there leave every view until restored, and are deleted for good only when the user empties
it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.report import OTHER, conflict_names, highlight_article, item_label
from geo.store import open_store

from dashboard import data
from dashboard.auth import can_write
from dashboard.data import View


def show(view: View, articles: pd.DataFrame) -> None:
    conflicts = data.article_conflicts_of(view.db, view.version)
    names = conflict_names()
    articles = articles.assign(conflict=[names.get(conflicts.get(i, OTHER), OTHER)
                                         for i in articles["id"]])
    articles = articles[["id", "title", "conflict"]
                        + [c for c in articles.columns if c not in ("id", "title", "conflict")]]
    st.dataframe(articles, width="stretch", hide_index=True, height=240)
    titles = dict(zip(articles["id"], articles["title"]))
    if can_write():  # a viewer (``dashboard.auth``) may not delete
        move_to_bin(view, articles, titles)
        the_bin(view)
    if articles.empty:
        return
    pick = st.selectbox("Read an article", articles["id"], key="article",
                        format_func=lambda i: str(titles.get(i) or i))
    detail = data.article_detail(view.db, view.version, pick)
    # article fields are untrusted: plain text only (st.text renders no markdown or HTML)
    st.text(detail["title"] or pick)
    st.text(" · ".join(str(v) for v in (detail["source"], detail["date"], detail["url"]) if v))
    # highlight_article escapes the article text; only its own <mark> tags are HTML
    st.html(highlight_article(detail, view.parties))
    if not can_write():  # viewers read; correcting needs a signed-in session (dashboard.auth)
        return
    current = conflicts.get(pick, OTHER)
    with st.expander(f"Conflict: {names.get(current, current)}"):
        conflict_form(view, pick, current)
    with st.expander("Correct a place or a party"):
        place_form(view, pick, detail)
        party_form(view, pick)
        corrections_made(view)


def place_form(view: View, pick: str, detail: dict) -> None:
    st.markdown("**Place**")
    place_names = sorted({p["name"] for p in detail["places"]})
    wrong = st.selectbox("Place in this article", place_names, key=f"fix_place:{pick}")
    # keyed by the place chosen: another place never keeps the last one's lookup or target
    lookup = st.text_input("Look up", value=wrong or "", key=f"fix_lookup:{pick}:{wrong}")
    options = data.candidates(lookup)
    if lookup and not options:
        st.caption("The gazetteer has no such place.")
    if wrong and options:
        chosen = st.selectbox("Put it at", range(len(options)), key=f"fix_target:{lookup}",
                              format_func=lambda k: options[k]["label"])
        # one click moves only this article's mentions unless the user asks for all of them
        everywhere = st.checkbox("Everywhere this name occurs (every article)", value=False,
                                 key=f"fix_everywhere:{pick}:{wrong}")
        if st.button("Correct the place", key="fix_place_go"):
            target = {k: v for k, v in options[chosen].items() if k != "label"}
            with open_store(view.db) as store:
                store.correct_place(wrong, **target, article_id=None if everywhere else pick)
            st.rerun()


def party_form(view: View, pick: str) -> None:
    st.markdown("**Party**")
    everything = data.all_items(view.db, view.version)  # the whole store, not a filtered copy
    mine = everything[everything["article_id"].eq(pick)
                      & everything["kind"].isin(["casualty", "claim"])]
    if mine.empty:
        st.caption("No figure or claim in this article.")
        return
    rows = mine.to_dict("records")

    def label(k: int) -> str:
        row = rows[k]
        if row["kind"] == "casualty":
            return item_label(row, view.parties)
        return f"claim by {view.names.name(row['claimant'])}: {str(row['claim_text'])[:80]}"
    which = st.selectbox("Figure or claim", range(len(rows)), key="fix_item", format_func=label)
    row = rows[which]
    current = row["party"] if row["kind"] == "casualty" else row["claimant"]
    ids = [p.id for p in view.parties]
    # starts at the item's own party (or "choose"), never at the first country of the alphabet
    new_party = st.selectbox("Party (victims' side for a figure, claimant for a claim)", ids,
                             index=ids.index(current) if current in ids else None,
                             placeholder="Choose a party", format_func=view.names.name,
                             key=f"fix_party:{pick}:{which}")
    if st.button("Correct the party", key="fix_party_go",
                 disabled=new_party is None or new_party == current):
        with open_store(view.db) as store:
            store.correct_party(row["kind"], int(row["item_id"]), new_party)
        st.rerun()


def conflict_form(view: View, pick: str, current: str) -> None:
    """Move this article (and its figures, claims and places) to another conflict; the
    "Corrections made" list below undoes it."""
    names = conflict_names()
    ids = list(names)
    new = st.selectbox("Conflict of this article", ids, key=f"fix_conflict:{pick}",
                       index=ids.index(current) if current in ids else None,
                       format_func=lambda c: names[c],
                       help="Assigned from the countries, regions and parties the article "
                            "names most; its tolls move with it.")
    if st.button("Move to this conflict", key="fix_conflict_go",
                 disabled=new is None or new == current):
        with open_store(view.db) as store:
            store.correct_conflict(pick, new)
        st.rerun()


def corrections_made(view: View) -> None:
    done = data.corrections(view.db, view.version)
    if done.empty:
        return
    st.markdown("**Corrections made**")
    st.dataframe(done, width="stretch", hide_index=True)
    undo = st.selectbox("Undo correction", done["id"].tolist(), key="fix_undo")
    if st.button("Remove it", key="fix_undo_go"):
        with open_store(view.db) as store:
            store.remove_correction(undo)
        st.rerun()


def _label(titles: dict, article_id: str) -> str:
    title = titles.get(article_id)
    return f"{title} ({article_id})" if title else str(article_id)


def move_to_bin(view: View, articles: pd.DataFrame, titles: dict) -> None:
    """Select articles, move them (with their places, figures and claims) to the bin."""
    if articles.empty:
        return
    chosen = st.multiselect("Articles to delete", articles["id"].tolist(), key="bin_pick",
                            format_func=lambda i: _label(titles, i),
                            help="They leave the map, the tolls, the tables and the exports; "
                                 "the bin below brings them back until it is emptied.")
    if st.button("Move to bin", key="bin_go", disabled=not chosen):
        with open_store(view.db) as store:
            moved = store.bin(chosen)
        st.session_state.pop("bin_pick", None)
        st.toast(f"{len(moved)} article(s) moved to the bin")
        st.rerun()


def the_bin(view: View) -> None:
    """The bin: what is in it, restore some, or empty it for good."""
    binned = data.binned_table(view.db, view.version)
    if binned.empty:
        return
    with st.expander(f"Bin ({len(binned)} article(s))"):
        # titles are untrusted: a table, never Markdown
        st.dataframe(binned, width="stretch", hide_index=True)
        titles = dict(zip(binned["id"], binned["title"]))
        back = st.multiselect("Articles to restore", binned["id"].tolist(), key="bin_restore",
                              format_func=lambda i: _label(titles, i))
        if st.button("Restore", key="bin_restore_go", disabled=not back):
            with open_store(view.db) as store:
                store.restore(back)
            st.session_state.pop("bin_restore", None)
            st.rerun()
        sure = st.checkbox(f"Delete these {len(binned)} article(s) for good", key="bin_sure")
        if st.button("Empty the bin", key="bin_empty", disabled=not sure):
            with open_store(view.db) as store:
                store.empty_bin(binned["id"].tolist())  # what the user saw, not newer ones
            st.session_state.pop("bin_sure", None)
            st.rerun()
