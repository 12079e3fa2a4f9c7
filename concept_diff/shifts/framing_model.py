"""Role-aware framing: what a mention's parse says, and the shipped model that reads it.

Each mention (a sentence and where the actor is named in it) becomes:

- named features from its role in the governing clause (roles.py): the role, the actor's
  grammatical function, the preposition, word classes of the governing verb and of the noun
  the actor qualifies, whether the author ("we") acts, negation, the entity type; cue words
  of each framing category counted inside the governing clause and near the mention;
- what kind of actor is named (gazetteer.actor_kind: a country, an organisation, a region,
  an acronym, another name; ``actors``);
- what a sentence reads like: the shape of the sentence (a fragment, a list of names), and
  the prototype scorer (FramingScorer) on the whole sentence, on the governing clause with
  the actor masked, and averaged over the actor's other sentences in the same document, with
  the shares of its roles there (``groups``);
- for the ``full`` variant, the vector of the masked sentence itself (the one the prototype
  scorer embeds, so it costs nothing more), ``emb:0``.. ; its block is penalised harder than
  the named features (bench_framing.EMB_WEIGHT, folded into the shipped scales).

The model (data/framing_model.json) is a multinomial logistic regression fitted on labelled
real sentences (bench/bench_framing.py --fit); it ships as plain arrays: feature names, the
standardising means and scales, coefficients and intercepts. Two variants: ``full`` (all
features, used with the embedder it was fitted with) and ``parse`` (no prototype scores or
vectors, used with any other embedder, e.g. ``--model lexical``). The masked sentence's
vector with a plain penalty overfitted (480 training sentences); on 1,087, with its own
stronger penalty, it raised the held-out figures of the documents used to choose features.
The model is fitted on the labelled mentions still detected as actors. A vector of the mention
itself (the last layer at the masked words) gave no held-out gain on the documents not used to
choose it and is not used (bench_framing.py --mention-vectors; tests/data/framing/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .framing import CueIndex, Framing, FramingScorer, _near_lemmas
from .gazetteer import actor_kind
from .parse import Parse, cache_dir_for, parse_sentences
from .roles import ROLES, Role, actor_role, lexicon
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
    sentence_probs: np.ndarray  # the prototype scorer on whole sentences (FramingScorer)
    sentence_raw: np.ndarray
    sentence_vectors: np.ndarray  # the masked sentences' vectors, unit length


def mention_data(items: list[Item], framing: Framing, embedder: Any,
                 cache_dir: str | Path | None = None, groups: list | None = None,
                 actors: list[str] | None = None) -> MentionData:
    """Roles and features of ``items``. ``groups`` (one key per item, e.g.
    (version, actor)) adds each item's context: how the other sentences naming the same actor
    in the same document read (mean prototype probabilities and role shares). ``actors``
    (the actor's name per item) adds the kind of actor named."""
    parses = parse_sentences([text for text, _ in items], cache_dir) if items else []
    roles = [actor_role(p, spans) for p, (_, spans) in zip(parses, items)]
    index = CueIndex(c.cues for c in framing.categories)
    features, clause_items = [], []
    for parse, role, (text, spans) in zip(parses, roles, items):
        clause_text, clause_spans = _clause_item(text, spans, role)
        clause_items.append((clause_text, clause_spans))
        features.append(parse_features(role, framing, index, parse, spans, clause_text,
                                       clause_spans))
    if actors is not None:
        for row, name in zip(features, actors):
            row[f"kind={actor_kind(name)}"] = 1.0
    scorer = FramingScorer(framing, embedder)
    raw, probs, vectors = scorer.scored_with_vectors(items)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    _, clause_probs = scorer.scored(clause_items)
    for row, p in zip(features, clause_probs):  # the prototype scorer on the clause alone
        row.update({f"ctxsent:clause:{k}": float(v) for k, v in zip(framing.keys, p)})
    if groups is not None:
        _add_context(features, roles, probs, groups, framing.keys)
    return MentionData(roles, features, probs, raw, vectors)


def _add_context(features, roles, probs, groups, keys) -> None:
    members: dict[Any, list[int]] = {}
    for i, key in enumerate(groups):
        members.setdefault(key, []).append(i)
    for indices in members.values():
        mean = probs[indices].mean(axis=0)
        shares = {r: sum(roles[i].role == r for i in indices) / len(indices) for r in ROLES}
        for i in indices:
            features[i].update({f"ctxsent:{k}": float(v) for k, v in zip(keys, mean)})
            features[i].update({f"ctxrole={r}": v for r, v in shares.items()})
            features[i]["ctx_n"] = float(np.log1p(len(indices)))


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
        f"head_function={role.head_function}": 1.0,
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
    if role.predicate:
        found[f"pred={role.predicate}"] = 1.0
    if role.noun:
        found[f"noun={role.noun}"] = 1.0
    keys = framing.keys
    clause_lemmas = _masked_lemmas(clause_text, clause_spans)
    for key, count in zip(keys, index.counts(clause_lemmas)):
        found[f"cue_clause:{key}"] = float(min(count, 3))
    for key, count in zip(keys, index.counts(_near_lemmas(parse.text, spans, framing.window))):
        found[f"cue_near:{key}"] = float(min(count, 3))
    found["clause_words"] = min(len(clause_lemmas), 60) / 60
    found.update(_shape(parse, spans))
    return found


def _shape(parse: Parse, spans) -> dict[str, float]:
    """What kind of sentence names the actor: a fragment with no verb, a list of names, a
    short line, a mention inside parentheses."""
    tokens = parse.tokens
    inside = parse.covering(*spans[0]) if spans else []
    head = next((i for i in inside if tokens[i].head not in inside), inside[0] if inside else 0)
    top = head
    while tokens[top].dep in ("conj", "appos") and tokens[top].head != top:
        top = tokens[top].head
    listed = sum(t.dep == "conj" and t.pos == "PROPN" for t in tokens)
    before = parse.text[: spans[0][0]] if spans else ""
    return {
        "no_verb": float(not any(t.pos in ("VERB", "AUX") for t in tokens)),
        "in_list": float(top != head or any(tokens[c].dep == "conj" for c in parse.children(head))),
        "list_names": min(listed, 6) / 6,
        "sentence_words": min(len(tokens), 60) / 60,
        "in_parentheses": float(before.count("(") > before.count(")")),
        "propn_share": sum(t.pos == "PROPN" for t in tokens) / max(len(tokens), 1),
    }


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
    """Eight significant digits (a fixed number of decimals would round a small scale to 0)."""
    return [float(f"{float(v):.8g}") for v in values]


def design_matrix(data: MentionData, features: tuple[str, ...]) -> np.ndarray:
    """One row per mention: the named features (absent ones 0), then for a ``full`` model the
    sentence scorer's probabilities ("sent:KEY") and the masked sentence's vector ("emb:I")."""
    names = [f for f in features if not f.startswith(("sent:", "emb:"))]
    rows = np.array([[row.get(name, 0.0) for name in names] for row in data.features],
                    dtype=np.float64).reshape(len(data.features), len(names))
    blocks = [rows]
    if any(f.startswith("sent:") for f in features):
        blocks.append(data.sentence_probs)
    dims = sum(f.startswith("emb:") for f in features)
    if dims:
        if data.sentence_vectors.shape[1] != dims:
            raise ValueError(f"the model expects {dims}-dimensional sentence vectors")
        blocks.append(data.sentence_vectors)
    return np.hstack(blocks).reshape(len(rows), len(features))


def feature_names(data: MentionData, keys: list[str], min_count: int = 5
                  ) -> dict[str, tuple[str, ...]]:
    """The features of each variant: ``parse`` (independent of the embedder) and ``full``
    (also the prototype scorer's probabilities: sentence, clause, the actor's other
    sentences; and the masked sentence's vector). A lemma feature ("pred=deter") needs
    ``min_count`` mentions."""
    counts: dict[str, int] = {}
    for row in data.features:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    named = sorted(n for n, c in counts.items()
                   if c >= min_count or not n.startswith(("pred=", "noun=")))
    return {"parse": tuple(n for n in named if not n.startswith("ctxsent:")),
            "full": (*named, *(f"sent:{k}" for k in keys),
                     *(f"emb:{i}" for i in range(data.sentence_vectors.shape[1])))}


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
                   cache_dir: str | Path | None = None, groups: list | None = None,
                   actors: list[str] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(scores, probabilities, roles) per mention from the shipped model: the ``full`` variant
    with the embedder it was fitted with, the ``parse`` variant with any other. Scores are the
    probabilities. ``groups``, ``actors``: see mention_data (the model was fitted with
    them)."""
    model = load_model()
    if cache_dir is None:
        cache_dir = cache_dir_for(embedder)
    data = mention_data(items, framing, embedder, cache_dir, groups, actors)
    variant = variant_for(embedder)
    linear = LinearModel.from_dict(model[variant])
    matrix = design_matrix(data, linear.features)
    probs = never_partner(linear.probabilities(matrix), [r.role for r in data.roles],
                          list(linear.keys))
    return probs, probs, [r.role for r in data.roles]


def variant_for(embedder: Any) -> str:
    """``full`` with the embedder the model was fitted with, else ``parse``."""
    return "full" if getattr(embedder, "name", None) == load_model()["embedder"] else "parse"


TARGETED = ("against", "agent")  # roles that make an actor an adversary in its clause


def never_partner(probs: np.ndarray, roles: list[str], keys: list[str]) -> np.ndarray:
    """The role rule as a guard: an actor the author deters, contains, sanctions or defends
    against, or one that threatens, is never a partner in that clause (the partner
    probability is set to 0 and the rest renormalised)."""
    if "partner" not in keys:
        return probs
    probs = np.array(probs, dtype=np.float64, copy=True)
    column = keys.index("partner")
    for i, role in enumerate(roles):
        if role in TARGETED:
            probs[i, column] = 0.0
            total = probs[i].sum()
            probs[i] = probs[i] / total if total > 0 else np.eye(len(keys))[keys.index("threat")
                                                                             if "threat" in keys
                                                                             else 0]
    return probs
