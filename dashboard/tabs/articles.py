"""The Articles tab: the list, one article highlighted, and corrections of its places and
parties (each undoable)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.report import highlight_article, item_label
from geo.store import open_store

from dashboard import data
from dashboard.data import View


def show(view: View, articles: pd.DataFrame) -> None:
    st.dataframe(articles, width="stretch", hide_index=True, height=240)
    if articles.empty:
        return
    titles = dict(zip(articles["id"], articles["title"]))
    pick = st.selectbox("Read an article", articles["id"], key="article",
                        format_func=lambda i: str(titles.get(i) or i))
    detail = data.article_detail(view.db, view.version, pick)
    # article fields are untrusted: plain text only (st.text renders no markdown or HTML)
    st.text(detail["title"] or pick)
    st.text(" · ".join(str(v) for v in (detail["source"], detail["date"], detail["url"]) if v))
    # highlight_article escapes the article text; only its own <mark> tags are HTML
    st.html(highlight_article(detail, view.parties))
    with st.expander("Correct a place or a party"):
        place_form(view, pick, detail)
        party_form(view, pick)
        corrections_made(view)


def place_form(view: View, pick: str, detail: dict) -> None:
    st.markdown("**Place**")
    place_names = sorted({p["name"] for p in detail["places"]})
    wrong = st.selectbox("Place in this article", place_names, key="fix_place")
    lookup = st.text_input("Look up", value=wrong or "", key="fix_lookup")
    options = data.candidates(lookup)
    if lookup and not options:
        st.caption("The gazetteer has no such place.")
    if wrong and options:
        chosen = st.selectbox("Put it at", range(len(options)), key="fix_target",
                              format_func=lambda k: options[k]["label"])
        everywhere = st.checkbox("Everywhere this name occurs", value=True,
                                 key="fix_everywhere")
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
    new_party = st.selectbox("Party (victims' side for a figure, claimant for a claim)",
                             [p.id for p in view.parties], format_func=view.names.name,
                             key="fix_party")
    if st.button("Correct the party", key="fix_party_go"):
        row = rows[which]
        with open_store(view.db) as store:
            store.correct_party(row["kind"], int(row["item_id"]), new_party)
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
