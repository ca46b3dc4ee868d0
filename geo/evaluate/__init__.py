"""Evaluations of the extractor on the development corpora (``python -m geo.evaluate ...``)."""
