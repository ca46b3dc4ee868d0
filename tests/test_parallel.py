"""Issue 15: the batched path (nlp.pipe) and the Dask ingest give exactly what the serial path
gives, in input order, with per-article errors; the writer holds back only a bounded amount."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.pipeline import (
    BatchStage, ExtractionError, MAX_WAITING, default_extractor, ingest, store_outcomes,
)
from geo.read import ArticleError, read_articles
from geo.records import Article, Extraction
from geo.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
FAKES = FIXTURES / "fakes_sample.jsonl"  # five real Syria reports (see fixtures/README.md)
SEED = FIXTURES / "000_6b9e2fcaa4d74d82.txt"


def _articles() -> list[Article]:
    items = list(read_articles([FAKES, SEED], date="2020-09-30"))
    assert all(isinstance(a, Article) for a in items) and len(items) == 6
    return items


def _serial_store(db: Path, items) -> list[tuple]:
    """The path as it was before issue 15: extract one article, store it, the next."""
    extractor = default_extractor()
    with open_store(str(db)) as store:
        for item in items:
            if isinstance(item, Article) and not store.has(item.id):
                store.add(extractor.extract(item))
        return _contents(store, items)


def _contents(store, items) -> list[tuple]:
    out = []
    for item in items:
        if isinstance(item, Article):
            extraction = store.get_extraction(item.id)
            out.append((item.id, json.dumps(extraction.to_json(with_text=True), sort_keys=True,
                                            default=str)))
    return out


def test_extract_many_gives_what_extract_gives_article_by_article():
    extractor = default_extractor()
    articles = _articles()
    serial = [extractor.extract(a).to_json(with_text=True) for a in articles]
    for batch_size in (1, 4, 16):  # batches that split the input, and one that holds it all
        batched = list(extractor.extract_many(iter(articles), batch_size=batch_size))
        assert [a.id for a, _ in batched] == [a.id for a in articles]
        assert [x.to_json(with_text=True) for _, x in batched] == serial


def test_a_stream_of_new_words_leaves_nothing_in_the_vocabulary():
    """Each batch runs in a spaCy memory zone: the strings a stream brings (new names, typos)
    are freed with it, and the rules still work after the zones closed."""
    extractor = default_extractor()
    extractor.warm_up()  # its strings are the lasting ones every rule needs
    first = _articles()[0]
    expected = extractor.extract(first).to_json(with_text=True)
    before = len(extractor.nlp.vocab.strings)
    stream = (Article(id=f"s{k}", text=f"{first.text}\n\nFiled by Zqx{k}a and Wqy{k}b.",
                      title=first.title, date=first.date) for k in range(12))
    out = list(extractor.extract_many(stream, batch_size=4))
    assert len(out) == 12 and all(isinstance(x, Extraction) and x.casualties for _, x in out)
    assert len(extractor.nlp.vocab.strings) == before
    assert extractor.extract(first).to_json(with_text=True) == expected


def test_extract_many_reports_a_failure_in_its_place_and_goes_on():
    extractor = default_extractor()
    good = _articles()[:2]
    too_long = Article(id="long", text="x" * (extractor.nlp.max_length + 1))
    out = list(extractor.extract_many([good[0], too_long, good[1]], batch_size=3))
    assert [a.id for a, _ in out] == [good[0].id, "long", good[1].id]
    assert isinstance(out[0][1], Extraction) and isinstance(out[2][1], Extraction)
    assert isinstance(out[1][1], ExtractionError) and "too long" in str(out[1][1])


def test_batched_ingest_stores_what_the_serial_path_stores(tmp_path):
    items = _articles()
    expected = _serial_store(tmp_path / "serial.sqlite", items)
    with open_store(str(tmp_path / "batched.sqlite")) as store:
        results = list(ingest(iter(items), store, batch_size=4))
        assert [r.status for r in results] == ["ok"] * len(items)
        assert _contents(store, items) == expected


class HoldingStage:
    """A stage that answers only when drained (articles in flight until then)."""

    def __init__(self, fail: tuple = ()):
        self.held, self.fail, self.drains = [], fail, 0

    def put(self, article):
        self.held.append(article)
        return []

    def drain(self):
        self.drains += 1
        held, self.held = self.held, []
        return [(a, f"ValueError: {a.id}" if a.id in self.fail else
                 Extraction(article=a, places=[], casualties=[], claims=[])) for a in held]


def test_the_writer_reports_every_item_in_input_order(tmp_path):
    a, b, c = (Article(id=i, text=f"Text {i}.", title=i) for i in "abc")
    items = [ArticleError("broken.txt", "empty"), a, a, b, ArticleError("x.pdf", "unsupported"), c]
    with open_store(str(tmp_path / "s.sqlite")) as store:
        results = list(store_outcomes(iter(items), store, HoldingStage(fail=("b",))))
        assert [(r.article_id, r.status) for r in results] == [
            (None, "error"), ("a", "ok"), ("a", "duplicate"), ("b", "error"), (None, "error"),
            ("c", "ok")]
        assert results[3].reason == "ValueError: b"
        assert "a" in results[2].reason  # the stored twin is named
        assert store.has("a") and store.has("c") and not store.has("b")


def test_the_writer_holds_back_a_bounded_number_of_results(tmp_path):
    """Errors behind an article in flight wait for it, but never more than MAX_WAITING."""
    consumed = []

    def items():
        yield Article(id="a", text="Text.", title="a")
        for i in range(3 * MAX_WAITING):
            consumed.append(i)
            yield ArticleError(f"e{i}.txt", "empty")

    stage = HoldingStage()
    with open_store(str(tmp_path / "s.sqlite")) as store:
        results = store_outcomes(items(), store, stage)
        first = next(results)
        assert first.article_id == "a" and first.status == "ok"
        assert len(consumed) <= MAX_WAITING + 1 and stage.drains == 1
        assert sum(1 for _ in results) == 3 * MAX_WAITING


def test_batch_stage_loads_the_extractor_only_for_work(monkeypatch):
    import geo.pipeline

    loaded = []
    monkeypatch.setattr(geo.pipeline, "default_extractor", lambda: loaded.append(1))
    assert BatchStage().drain() == [] and loaded == []


@pytest.mark.slow
def test_dask_ingest_on_two_workers_stores_what_the_serial_path_stores(tmp_path):
    """A 2-worker LocalCluster (processes, one thread each): same store, same results, same
    order; a reading error and a duplicate in the input are reported in their place."""
    pytest.importorskip("distributed")
    from geo.parallel import ingest_parallel

    articles = _articles()
    items = [articles[0], ArticleError("broken.txt", "empty"), *articles[1:], articles[2]]
    expected = _serial_store(tmp_path / "serial.sqlite", items)
    with open_store(str(tmp_path / "batched.sqlite")) as other:
        serial_results = [(r.article_id, r.status, r.reason, r.counts)
                          for r in ingest(iter(items), other)]
    with open_store(str(tmp_path / "dask.sqlite")) as store:
        results = [(r.article_id, r.status, r.reason, r.counts)
                   for r in ingest_parallel(iter(items), store, workers=2, chunk_size=2)]
        assert results == serial_results
        assert [s for _, s, _, _ in results] == ["ok", "error"] + ["ok"] * 5 + ["duplicate"]
        assert _contents(store, items) == expected
