"""The Streamlit dashboard's pieces; ``app.py`` puts them on the page.

``data`` loads the models and the store once and caches every query; ``state`` keeps the
filters in the URL; ``sidebar`` draws the filters and the upload form; ``tabs`` holds one module
per tab, each a function that takes what it shows as arguments. Logic lives in ``geo``: these
modules only call it and lay out its results.
"""
