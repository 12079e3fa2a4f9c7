"""A lexical embedder, numpy only: hashed, sublinear TF over words, word pairs and char n-grams.

Why no IDF: vectors are cached per text and compared across documents, so a weight fitted on
one call's texts would make the same text embed differently in another call. Instead every
feature is hashed (signed, so collisions cancel on average instead of piling up) into a fixed
space, counts are damped with 1 + log(tf), and the words that IDF would mute are muted by a
short list of English function words. Character 3-5-grams inside words let "strengthen" and
"strengthening" meet; word pairs reward shared phrasing. Each family is normalised on its own
and mixed with fixed weights, so a long passage's many character grams cannot drown its words.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import zlib
from collections.abc import Sequence

import numpy as np

DIM = 1 << 12
CHAR_NGRAMS = (3, 4, 5)
# Share of the vector's energy per feature family (squared weights sum to ~1); chosen on NSS
# paragraphs: char grams lift reworded matches but also the floor between unrelated texts.
FAMILY_WEIGHTS = {"word": 0.7, "pair": 0.4, "char": 0.6}
FUNCTION_WORD_WEIGHT = 0.15

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
FUNCTION_WORDS = frozenset(
    (
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
        "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
        "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
        "during", "each", "few", "for", "from", "further", "had", "has", "have", "having",
        "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
        "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
        "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
        "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
        "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
        "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
        "until", "up", "upon", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "yourself", "yourselves", "shall", "may", "might", "must", "us",
    )
)
_MAX_CACHED_WORDS = 200_000


class LexicalEmbedder:
    """Deterministic, fit-free text vectors; cosine ≈ shared vocabulary and phrasing."""

    name = "lexical"
    source = "builtin"
    dim = DIM

    def __init__(self) -> None:
        settings = f"v1|{DIM}|{CHAR_NGRAMS}|{sorted(FAMILY_WEIGHTS.items())}|{FUNCTION_WORD_WEIGHT}"
        settings += "|" + " ".join(sorted(FUNCTION_WORDS))
        self.identity = "lexical:" + hashlib.sha256(settings.encode()).hexdigest()[:16]
        self._char_cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def _vector(self, text: str) -> np.ndarray:
        words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
        content = [w for w in words if w not in FUNCTION_WORDS]
        families = {
            "word": (_hashes("w", words), _word_weights(words)),
            "pair": (_hashes("p", _pairs(words)), None),
            "char": (self._char_hashes(content), None),
        }
        total = np.zeros(DIM, dtype=np.float64)
        for family, (hashes, weights) in families.items():
            total += FAMILY_WEIGHTS[family] * _family_vector(hashes, weights)
        norm = np.linalg.norm(total)
        return (total / norm if norm > 0 else total).astype(np.float32)

    def _char_hashes(self, words: list[str]) -> np.ndarray:
        if not words:
            return np.zeros(0, dtype=np.uint32)
        parts = []
        for word in words:
            cached = self._char_cache.get(word)
            if cached is None:
                cached = _char_gram_hashes(word)
                if len(self._char_cache) < _MAX_CACHED_WORDS:
                    self._char_cache[word] = cached
            parts.append(cached)
        return np.concatenate(parts)


def _pairs(words: list[str]) -> list[str]:
    # A pair of two function words ("of the") says nothing about the topic.
    return [
        f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if not (a in FUNCTION_WORDS and b in FUNCTION_WORDS)
    ]


def _word_weights(words: list[str]) -> np.ndarray:
    return np.array([FUNCTION_WORD_WEIGHT if w in FUNCTION_WORDS else 1.0 for w in words])


def _hashes(prefix: str, items: list[str]) -> np.ndarray:
    return np.fromiter(
        (zlib.crc32(f"{prefix}:{item}".encode()) for item in items), dtype=np.uint32,
        count=len(items),
    )


def _char_gram_hashes(word: str) -> np.ndarray:
    marked = f"<{word}>"
    grams = [
        marked[i:i + n]
        for n in CHAR_NGRAMS
        for i in range(len(marked) - n + 1)
    ]
    return _hashes("c", grams or [marked])


def _family_vector(hashes: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Signed feature hashing with sublinear tf, normalised to unit length."""
    if hashes.size == 0:
        return np.zeros(DIM)
    if weights is None:
        weights = np.ones(hashes.size)
    unique, inverse = np.unique(hashes, return_inverse=True)
    counts = np.bincount(inverse, minlength=unique.size).astype(np.float64)
    # Each feature's weight is the mean weight of its occurrences (a word has one weight).
    mean_weight = np.bincount(inverse, weights=weights, minlength=unique.size) / counts
    tf = (1.0 + np.log(counts)) * mean_weight
    signs = np.where(unique >> 31, 1.0, -1.0)
    vector = np.bincount(unique & (DIM - 1), weights=signs * tf, minlength=DIM)
    norm = math.sqrt(float(vector @ vector))
    return vector / norm if norm > 0 else vector
