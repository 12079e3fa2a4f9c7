"""Role-aware framing: what a mention's parse says, and the shipped model that reads it.

Each mention (a sentence and where the actor is named in it) becomes:

- named features from its role in the governing clause (roles.py): the role, the actor's
  grammatical function, the preposition, word classes of the governing verb and of the noun
  the actor qualifies, whether the author ("we") acts, negation, the entity type; cue words
  of each framing category counted inside the governing clause and near the mention;
- the governing clause with the actor masked, embedded (with the bundled model), and its
  similarity to each category's prototype statements; the whole-sentence scores of the
  prototype scorer (FramingScorer) as further features.

The model (data/framing_model.json) is a multinomial logistic regression fitted on labelled
real sentences (bench/bench_framing.py --fit); it ships as plain arrays: feature names, the
standardising means and scales, coefficients and intercepts. Two variants: ``full`` (parse
features and the embedding, used with the embedder it was fitted with) and ``parse`` (parse
features only, used with any other embedder, e.g. ``--model lexical``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .framing import CueIndex, Framing, FramingScorer, _near_lemmas, mask_sentence
from .parse import Parse, parse_sentences
from .roles import Role, actor_role, lexicon
from .text import lemma, token_spans

Item = tuple[str, tuple[tuple[int, int], ...]]  # sentence, spans of the actor
_CLASSES = {
    "verb": ("against_verbs", "with_verbs", "threat_verbs", "with_subject_verbs",
             "competitor_verbs"),
    "noun": ("threat_nouns", "partner_nouns", "concern_nouns", "competitor_nouns",
             "against_nouns"),
}


@dataclass
class MentionData:
    """Everything the scorers need about a list of mentions, computed once."""

    roles: list[Role]
    features: list[dict[str, float]]  # named parse and cue features
    clauses: list[str]  # governing clause, actor masked
    sentence_probs: np.ndarray  # the prototype scorer on whole sentences (FramingScorer)
    sentence_raw: np.ndarray


def mention_data(items: list[Item], framing: Framing, embedder: Any,
                 cache_dir: str | Path | None = None) -> MentionData:
    parses = parse_sentences([text for text, _ in items], cache_dir) if items else []
    roles = [actor_role(p, spans) for p, (_, spans) in zip(parses, items)]
    index = CueIndex(c.cues for c in framing.categories)
    features, clauses = [], []
    for parse, role, (text, spans) in zip(parses, roles, items):
        clause_text, clause_spans = _clause_item(text, spans, role)
        clauses.append(mask_sentence(clause_text, clause_spans, framing.mask))
        features.append(parse_features(role, framing, index, parse, spans, clause_text,
                                       clause_spans))
    raw, probs = FramingScorer(framing, embedder).scored(items)
    return MentionData(roles, features, clauses, probs, raw)


def _clause_item(text: str, spans, role: Role) -> Item:
    start, end = role.clause
    inside = tuple((a - start, b - start) for a, b in spans if a >= start and b <= end)
    if not inside:
        return text, spans
    return text[start:end], inside


def parse_features(role: Role, framing: Framing, index: CueIndex, parse: Parse, spans,
                   clause_text: str, clause_spans) -> dict[str, float]:
    lex = lexicon()
    found: dict[str, float] = {
        f"role={role.role}": 1.0,
        f"function={role.function}": 1.0,
        f"entity={role.entity or 'none'}": 1.0,
        "author_acts": float(role.author_acts),
        "negated": float(role.negated),
    }
    if role.prep:
        kind = next((k for k in ("with_preps", "against_preps", "place_preps")
                     if role.prep in lex[k]), "other")
        found[f"prep={role.prep if kind != 'other' else 'other'}"] = 1.0
    for name in _CLASSES["verb"]:
        if role.predicate in lex[name]:
            found[f"verb:{name}"] = 1.0
    for name in _CLASSES["noun"]:
        if role.noun in lex[name]:
            found[f"noun:{name}"] = 1.0
    keys = framing.keys
    clause_lemmas = _masked_lemmas(clause_text, clause_spans)
    for key, count in zip(keys, index.counts(clause_lemmas)):
        found[f"cue_clause:{key}"] = float(min(count, 3))
    for key, count in zip(keys, index.counts(_near_lemmas(parse.text, spans, framing.window))):
        found[f"cue_near:{key}"] = float(min(count, 3))
    found["clause_words"] = min(len(clause_lemmas), 60) / 60
    return found


def _masked_lemmas(text: str, spans) -> list[str]:
    return [
        "\0" if any(s < b and e > a for a, b in spans) else lemma(w)
        for s, e, w in token_spans(text)
    ]


# --- the shipped model ----------------------------------------------------------------------


MODEL_FILE = "framing_model.json"


@dataclass(frozen=True)
class LinearModel:
    keys: tuple[str, ...]
    features: tuple[str, ...]  # named features, then "emb:0".. for embedding dims, in order
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (categories, features)
    intercept: np.ndarray

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        logits = ((matrix - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        return {"keys": list(self.keys), "features": list(self.features),
                "mean": _floats(self.mean), "scale": _floats(self.scale),
                "coef": [_floats(row) for row in self.coef], "intercept": _floats(self.intercept)}

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        return cls(tuple(data["keys"]), tuple(data["features"]),
                   np.asarray(data["mean"], dtype=np.float64),
                   np.asarray(data["scale"], dtype=np.float64),
                   np.asarray(data["coef"], dtype=np.float64),
                   np.asarray(data["intercept"], dtype=np.float64))


def _floats(values) -> list[float]:
    return [round(float(v), 7) for v in values]


def design_matrix(data: MentionData, features: tuple[str, ...], embedder: Any | None
                  ) -> np.ndarray:
    """Rows of the named features (absent ones 0) and, for a ``full`` model, the masked-clause
    embedding, its prototype similarities and the sentence scorer's probabilities."""
    names = [f for f in features if not f.startswith(("emb:", "sent:"))]
    rows = np.array([[row.get(name, 0.0) for name in names] for row in data.features],
                    dtype=np.float64).reshape(len(data.features), len(names))
    if len(names) == len(features):
        return rows
    assert embedder is not None, "a full model needs the embedder"
    vectors = np.asarray(embedder.encode(data.clauses), dtype=np.float64)
    extra = [vectors, data.sentence_probs]
    return np.hstack([rows, *extra]).reshape(len(rows), len(features))


def full_feature_names(named: list[str], dim: int, keys: list[str]) -> tuple[str, ...]:
    return (*named, *(f"emb:{i}" for i in range(dim)), *(f"sent:{k}" for k in keys))


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> dict:
    """The shipped model file: {"full": {...}, "parse": {...}, "embedder": name, "evaluation"}."""
    if path is None:
        text = resources.files("concept_diff").joinpath("data", MODEL_FILE).read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def rule_probabilities(data: MentionData, keys: list[str]) -> np.ndarray:
    """The role-aware rules: a target or an agent of threat is a threat, the one worked
    with a partner, a victim a concern; any other role keeps the prototype scorer's answer."""
    fixed = {"against": "threat", "agent": "threat", "with": "partner", "victim": "concern"}
    probs = np.array(data.sentence_probs, dtype=np.float64, copy=True)
    for i, role in enumerate(data.roles):
        key = fixed.get(role.role)
        if key in keys:
            probs[i] = 0.0
            probs[i, keys.index(key)] = 1.0
    return probs


def frame_mentions(items: list[Item], framing: Framing, embedder: Any,
                   cache_dir: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, probabilities) per mention: the shipped model where it applies (the default
    categories), else the prototype scorer alone. Scores are the probabilities."""
    model = load_model()
    if not items or list(model["keys"]) != framing.keys:
        return FramingScorer(framing, embedder).scored(items)
    data = mention_data(items, framing, embedder, cache_dir)
    variant = "full" if getattr(embedder, "name", None) == model["embedder"] else "parse"
    linear = LinearModel.from_dict(model[variant])
    matrix = design_matrix(data, linear.features, embedder if variant == "full" else None)
    probs = linear.probabilities(matrix)
    return probs, probs
