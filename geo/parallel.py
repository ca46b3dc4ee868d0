"""Batch ingest on a Dask cluster: ``python -m geo ingest --workers N`` (a LocalCluster of N
processes, one thread each) or ``--scheduler tcp://HOST:8786`` (a cluster already running).

The client reads the inputs lazily and sends the articles in chunks; each worker process
loads the model, gazetteer, boundaries and party table once (``default_extractor()``, cached
per process) and returns each article's Extraction, or the reason it failed. The results come
back to the client, and the one writer (``geo.pipeline.store_outcomes``) stores them one
transaction per article, in input order: the store ends exactly as a serial run leaves it.
At most ``in_flight`` chunks are out at a time, so memory stays flat over any stream.

Workers of a remote cluster need this package installed (same version) and its data; they
read their own ``GEO_*`` environment.
"""
from __future__ import annotations

import logging
from collections import deque
from contextlib import ExitStack, contextmanager
from typing import Iterable, Iterator, Optional

from geo.pipeline import IngestResult, Outcomes, failure_reason, store_outcomes
from geo.records import Article, Extraction

CHUNK_SIZE = 8  # articles per task: one nlp.pipe batch on the worker
CHUNKS_PER_WORKER = 3  # in flight per worker thread: one running, the next ones queued


def extract_chunk(articles: list[Article]) -> list:
    """On a worker: each article's Extraction, or the reason it failed (a string), in order."""
    from geo.pipeline import default_extractor

    extractor = default_extractor()  # loaded once per worker process
    return [result if isinstance(result, Extraction) else failure_reason(result)
            for _, result in extractor.extract_many(articles, batch_size=len(articles))]


def warm_up() -> str:
    """On a worker: load the extractor now, so the first chunks do not wait in line for it."""
    from geo.pipeline import default_extractor

    default_extractor()
    return "ready"


class DaskStage:
    """The extraction stage of ``store_outcomes`` on a Dask client: articles are sent in
    chunks, at most ``in_flight`` chunks out, outcomes returned in input order."""

    def __init__(self, client, chunk_size: int = CHUNK_SIZE, in_flight: Optional[int] = None):
        self.client, self.chunk_size = client, max(1, chunk_size)
        threads = sum(client.nthreads().values()) or 1
        self.in_flight = max(2, in_flight or CHUNKS_PER_WORKER * threads)
        self.buffer: list[Article] = []
        self.window: deque = deque()  # (chunk, future) in input order

    def put(self, article: Article) -> Outcomes:
        self.buffer.append(article)
        if len(self.buffer) >= self.chunk_size:
            self._submit()
        done: Outcomes = []
        while self.window and (len(self.window) >= self.in_flight or self.window[0][1].done()):
            done += self._collect(*self.window.popleft())
        return done

    def drain(self) -> Outcomes:
        self._submit()
        done: Outcomes = []
        while self.window:
            done += self._collect(*self.window.popleft())
        return done

    def _submit(self) -> None:
        if self.buffer:
            chunk, self.buffer = self.buffer, []
            self.window.append((chunk, self.client.submit(extract_chunk, chunk, pure=False)))

    @staticmethod
    def _collect(chunk: list[Article], future) -> Outcomes:
        try:
            results = future.result()
        except Exception as err:  # the task itself failed (a worker died): its articles fail
            results = [failure_reason(err)] * len(chunk)
        finally:
            future.release()
        return list(zip(chunk, results))


@contextmanager
def dask_client(workers: Optional[int] = None, scheduler: Optional[str] = None):
    """A Dask client on the cluster at ``scheduler``, else on a new LocalCluster of
    ``workers`` processes with one thread each; the LocalCluster closes with the block."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    import dask

    # No dashboard, so no use for each worker's statistical profiler, which samples the
    # extraction thread's stack every 10 ms: 10-20 % of a worker's time on this pure-Python
    # work (bench/README.md "Ingest speed"). The nanny hands this setting to its worker.
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=max(1, workers or 1), threads_per_worker=1, processes=True,
                         dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def ingest_parallel(items: Iterable, store, workers: Optional[int] = None,
                    scheduler: Optional[str] = None, chunk_size: int = CHUNK_SIZE,
                    in_flight: Optional[int] = None, client=None) -> Iterator[IngestResult]:
    """``geo.pipeline.ingest`` with the extraction on a Dask cluster (see the module's doc).

    Pass ``client`` to reuse one; else one is opened (``dask_client``) and closed at the end,
    or when the caller closes this generator (Ctrl-C)."""
    with ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(workers, scheduler))
        client.run(warm_up)  # every worker loads the model now, side by side
        yield from store_outcomes(items, store, DaskStage(client, chunk_size, in_flight))
