"""concept-diff: align versions of a strategy document by meaning and report what changed.

Public API (imported lazily, so `import concept_diff` and `concept-diff --help` stay fast)::

    import concept_diff
    doc = concept_diff.load("nss-2015.txt")                    # a Document
    result = concept_diff.compare("nss-2010.txt", "nss-2015.txt")  # a Comparison
    result.alignment_frame()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "compare", "load", "load_corpus"]

if TYPE_CHECKING:  # pragma: no cover
    from .model import Document


def load(path: Any, **kwargs: Any) -> Document:
    """Load one document (.txt .md .html .pdf .docx) into the document model."""
    from .loaders import load_document

    return load_document(path, **kwargs)


def compare(old: Any, new: Any, **kwargs: Any) -> Any:
    """Align two versions (paths or Documents); returns a Comparison."""
    from .comparison import compare as _compare

    return _compare(old, new, **kwargs)


def load_corpus(path: Any) -> Any:
    """A series of dated versions: a folder of `YYYY[-MM[-DD]]-slug.ext` files or a corpus.toml."""
    from .series.corpus import load_corpus as _load_corpus

    return _load_corpus(path)
