"""Reading: files, folders, uploads and pasted text -> ``Article`` records (decoded text, its
metadata and its boilerplate spans), or an ``ArticleError`` per input that cannot be read.
``articles`` holds the entry points; ``decoding``, ``boilerplate``, ``titles``, ``metadata``,
``formats`` and ``assemble`` the steps they take. Warnings are logged on ``geo.read``.
"""
from geo.read.assemble import MAX_CHARS, article_id, make_article
from geo.read.articles import (
    estimate_articles, has_article_files, read_article, read_articles, read_text_article,
    read_upload, read_upload_file,
)
from geo.read.errors import ArticleError, ArticleReadError

__all__ = [
    "read_articles", "read_article", "read_upload", "read_upload_file", "read_text_article",
    "estimate_articles", "has_article_files",
    "make_article", "article_id", "ArticleError", "ArticleReadError", "MAX_CHARS",
]
