"""Compare two versions: load, embed (passages and sentences), align, analyse shifts.

    result = compare("nss-2010.txt", "nss-2015.txt")       # paths or Documents
    result.alignment.counts()
    result.alignment_frame()                                # pandas, one row per entry
    result.to_dict()                                        # the JSON contract (DESIGN.md)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .align import Alignment, AlignParams, align, decision_for, sentence_texts
from .beside import beside
from .evaluation import measured
from .model import Document

SCHEMA = "concept-diff/1"
# progress(step name, done, total): done/total only for steps that can count their work
Progress = Callable[..., None]


@dataclass
class Comparison:
    old: Document
    new: Document
    alignment: Alignment
    embedder_info: dict
    params: dict
    shifts: dict = field(default_factory=lambda: {"terms": [], "actors": [], "headlines": []})

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: plain types only, no timestamps, same inputs → same object."""
        return {
            "schema": SCHEMA,
            "tool": {"name": "concept-diff", "version": __version__},
            "old": document_dict(self.old),
            "new": document_dict(self.new),
            "model": dict(self.embedder_info),
            "parameters": self.params,
            "alignment": self.alignment.to_list(),
            "terms": self.shifts.get("terms", []),
            "actors": self.shifts.get("actors", []),
            "headlines": self.shifts.get("headlines", []),
            "framing": self.shifts.get("framing", {}),
            "themes": self.shifts.get("themes", []),
            "evaluation": measured(self.params, analysed=bool(self.shifts.get("framing"))),
        }

    def alignment_frame(self) -> pd.DataFrame:
        """One row per alignment entry, as the CSV report's alignment table: kind, ids,
        scores, related passage, and each side's labels, section and text."""
        from .report.tables import alignment_frame

        return alignment_frame({"old": document_dict(self.old), "new": document_dict(self.new),
                                "alignment": self.alignment.to_list()})


def document_dict(doc: Document) -> dict[str, Any]:
    return {
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "sha256": doc.sha256,
        "words": doc.words,
        "passages": [
            {"id": p.id, "label": p.label, "section": p.section, "text": p.text}
            for p in doc.passages
        ],
    }


def _document(value: Document | str | Path, cache_dir: str | Path | None = None) -> Document:
    if isinstance(value, Document):
        return value
    from .loaders import load_document

    return load_document(value, cache_dir=cache_dir)


def compare(
    old: Document | str | Path,
    new: Document | str | Path,
    *,
    model: str | None = None,
    backend: str | None = None,
    device: str | None = None,
    cache_dir: str | Path | None = None,
    params: AlignParams | None = None,
    embedder: Any = None,
    analyse: bool = True,
    actors: list[str] | str | Path | None = None,
    framing: str | Path | None = None,
    framing_labels: str | Path | None = None,
    progress: Progress | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Comparison:
    """Align ``old`` and ``new`` by meaning; with ``analyse``, add terms, actors, headlines.

    ``model`` may be a spec such as "onnx-int8" or "onnx:PATH"; ``backend`` ("torch", "onnx",
    "onnx-int8") overrides the spec's. ``actors``: extra or merged actors ("Name=alias|alias"
    strings or a TOML file);
    ``framing``: a framing-categories TOML replacing the default; ``framing_labels``: a
    mention file whose corrected labels replace the predictions; ``progress`` is told the
    name of each step as it starts, and for embedding how many texts of how many are done.
    ``meanwhile``: work for this process while the analysis finishes in its child (beside.py),
    such as loading what the reports will need.
    """
    step = progress or (lambda _name, _done=None, _total=None: None)
    from .embed import get_embedder

    if embedder is None:
        embedder = get_embedder(model, backend=backend, device=device, cache_dir=cache_dir)
    # Before any thread or runtime pool exists: the analysis's worker (first runs only)
    worker = _analysis_worker(embedder) if analyse else None
    try:
        return _compare(old, new, embedder, cache_dir, params, analyse, actors, framing,
                        framing_labels, step, meanwhile, worker)
    finally:
        if worker is not None:
            worker.close()


def _compare(old: Document | str | Path, new: Document | str | Path, embedder: Any,
             cache_dir: str | Path | None, params: AlignParams | None, analyse: bool,
             actors: Any, framing: Any, framing_labels: Any, step: Progress,
             meanwhile: Callable[[], None] | None, worker: Any) -> Comparison:
    from .embed import warm_up_in_background

    model_ready = warm_up_in_background(embedder)  # the model loads while the documents do
    step("loading")
    old_doc, new_doc = _documents(worker, old, new, cache_dir)

    def in_process() -> dict:
        return _shifts(old_doc, new_doc, None, embedder, actors, framing, framing_labels)

    analysis = _start_analysis(worker, in_process, old_doc, new_doc, embedder, actors, framing,
                               framing_labels)
    model_ready()
    params = params or AlignParams()
    old_texts, new_texts = [p.text for p in old_doc.passages], [p.text for p in new_doc.passages]
    old_sent, new_sent = sentence_texts(old_doc), sentence_texts(new_doc)
    # One encode call for everything: the cache and the batches see all texts at once.
    texts = old_texts + new_texts + old_sent + new_sent
    if analyse and analysis is None:
        _parser_ahead(embedder, texts)
    vecs = _encode(embedder, texts, step, analysis.poll if analysis else None)
    cuts = _cuts([len(old_texts), len(new_texts), len(old_sent), len(new_sent)])
    old_v, new_v, old_s, new_s = (vecs[a:b] for a, b in cuts)
    # The analysis reads no alignment, so it runs meanwhile in a forked child (beside.py):
    # forked now on a warm run, or the worker forked at the start of a first run
    shifts_of = (analysis.result if analysis else beside(in_process)) if analyse else None
    if analysis is not None:
        analysis.serve()
    step("aligning")
    alignment = align(old_doc, new_doc, old_v, new_v, params,
                      old_sentence_vecs=old_s, new_sentence_vecs=new_s,
                      decision=decision_for(embedder.name))
    info = {"name": embedder.name, "source": embedder.source, "identity": embedder.identity}
    if analyse:
        step("analysing terms, actors and framing")
    if meanwhile is not None:
        meanwhile()
    shifts = shifts_of() if shifts_of is not None else None
    comparison = Comparison(old_doc, new_doc, alignment, info, alignment.parameters)
    if shifts is not None:
        comparison.shifts = shifts
    return comparison


EMBED_CHUNK = 512  # texts per encode call: fixed, so results never depend on the display
PARSER_AHEAD = 256  # texts left to embed: enough time to load the parser (~2 s) meanwhile


def _documents(worker: Any, old: Document | str | Path, new: Document | str | Path,
               cache_dir: str | Path | None) -> tuple[Document, Document]:
    """The two documents; the worker (a first run) loads them while this process loads the
    model, so the model's load and the documents' load each have a core."""
    if worker is not None and not (isinstance(old, Document) and isinstance(new, Document)):
        from .beside import WorkerGone

        try:
            return worker.call(_load_pair, old, new, cache_dir)
        except WorkerGone:  # loaded here, where a bad file is reported as it would be
            pass
    return _load_pair(old, new, cache_dir)


def _load_pair(old: Document | str | Path, new: Document | str | Path,
               cache_dir: str | Path | None) -> tuple[Document, Document]:
    return _document(old, cache_dir), _document(new, cache_dir)


def _analysis_worker(embedder: Any) -> Any:
    """On a first run of a neural model, a worker forked now, before the runtime's pools
    exist (they do not survive a fork): it loads the documents while this process loads the
    model, then runs the analysis beside the encoder (spaCy loads and parses there while this
    process embeds). None where it cannot fork."""
    backend = getattr(embedder, "backend", None)
    if not getattr(embedder, "empty", False) or not hasattr(backend, "warm_up"):
        return None
    from .beside import Worker

    return Worker.start()


class _Analysis:
    """The analysis running in the worker; its texts are embedded here when it asks (this
    process's model and cache): between the chunks of passages and sentences, then by a
    thread (``serve``) while this process aligns, so the encoder never waits for the align."""

    def __init__(self, pending: Any, embedder: Any, in_process: Callable[[], dict]) -> None:
        self.pending, self.embedder, self.in_process = pending, embedder, in_process
        self.thread: threading.Thread | None = None
        self.outcome: tuple = ()

    def poll(self) -> None:
        from .beside import WorkerGone

        try:
            self.pending.poll(self.embedder.encode)
        except WorkerGone:
            pass  # result() runs the analysis here

    def serve(self) -> None:
        """Answer the worker from a thread until its result comes (onnxruntime and torch
        release the GIL while they embed, so this process aligns meanwhile)."""
        def run() -> None:
            try:
                self.outcome = (True, self.pending.result(self.embedder.encode))
            except BaseException as error:  # noqa: BLE001 - raised again by result()
                self.outcome = (False, error)

        self.thread = threading.Thread(target=run, name="concept-diff-analysis", daemon=True)
        self.thread.start()

    def result(self) -> dict:
        from .beside import WorkerGone

        if self.thread is None:
            self.serve()
        self.thread.join()
        ok, value = self.outcome
        if ok:
            return value
        if isinstance(value, WorkerGone):  # it failed there: run here, where errors surface
            return self.in_process()
        raise value


def _start_analysis(worker: Any, in_process: Callable[[], dict], old: Document, new: Document,
                    embedder: Any, actors: Any, framing: Any, framing_labels: Any
                    ) -> _Analysis | None:
    """The analysis started in ``worker``; None without one (``in_process`` runs it here)."""
    if worker is None:
        return None
    from .beside import WorkerGone

    info = {key: getattr(embedder, key) for key in ("name", "source", "identity", "dim", "folder")
            if getattr(embedder, key, None) is not None}
    try:
        pending = worker.submit(_shifts_in_worker, old, new, info, actors, framing,
                                framing_labels)
    except WorkerGone:
        return None
    return _Analysis(pending, embedder, in_process)


class _ParentEmbedder:
    """The analysis's embedder in the worker: the parent embeds (its model, its cache)."""

    def __init__(self, info: dict) -> None:
        self.__dict__.update(info)  # name, source, identity, dim, folder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from .beside import ask_parent

        return ask_parent(list(texts))


def _shifts_in_worker(old: Document, new: Document, info: dict, actors: Any, framing: Any,
                      framing_labels: Any) -> dict:
    # The worker runs no model: spaCy's thinc then skips importing torch (~1 s of CPU), and
    # parses the same (it runs the English pipeline on numpy either way).
    sys.modules.setdefault("torch", None)  # type: ignore[arg-type]
    return _shifts(old, new, None, _ParentEmbedder(info), actors, framing, framing_labels)


def _parser_ahead(embedder: Any, texts: list[str]) -> None:
    """On a cold run (many texts to embed), load the parser the analysis will need while the
    texts embed, in a thread."""
    uncached = getattr(embedder, "uncached", None)
    if uncached is None or len(uncached(texts)) < PARSER_AHEAD:
        return
    try:
        from .shifts.parse import load_in_background
    except ImportError:  # no parser installed: the analysis says so when it needs one
        return
    load_in_background()


def _encode(embedder: Any, texts: list[str], step: Progress,
            between: Callable[[], None] | None = None) -> np.ndarray:
    """Embed in fixed chunks so a long cold run can show a progress bar; ``between`` runs
    after each chunk (the analysis's worker is served its texts there)."""
    name = f"embedding {len(texts):,} passages and sentences"
    step(name, 0, len(texts))
    parts = []
    for start in range(0, len(texts), EMBED_CHUNK):
        parts.append(embedder.encode(texts[start:start + EMBED_CHUNK]))
        step(name, min(start + EMBED_CHUNK, len(texts)), len(texts))
        if between is not None:
            between()
    return np.vstack(parts) if parts else np.zeros((0, embedder.dim), dtype=np.float32)


def _cuts(sizes: list[int]) -> list[tuple[int, int]]:
    out, start = [], 0
    for size in sizes:
        out.append((start, start + size))
        start += size
    return out


def _shifts(old: Document, new: Document, alignment: Alignment | None, embedder: Any, actors: Any,
            framing: Any, framing_labels: Any = None) -> dict:
    """Terms, actors and headlines (concept_diff.shifts), and the scored mentions (for
    ``--mentions``; not part of the JSON contract)."""
    from .shifts import analyse
    from .shifts.framing_io import mention_table

    shifts = analyse(old, new, alignment, embedder, actors=actors, framing=framing,
                     framing_labels=framing_labels)
    result = shifts.to_dict()
    versions = {"old": old.version, "new": new.version}
    result["framing"]["keys"] = shifts.framing.keys
    result["mentions"] = mention_table(shifts.all_mentions(), shifts.framing.keys, versions)
    return result
