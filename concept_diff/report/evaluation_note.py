"""The Method section's account of the headline ranking and the passage-pair decision: what
each was measured on and how well it did, from the contract's ``evaluation`` object
(concept_diff/evaluation.py), so a reader can weigh the claims."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .markup import percent

GLOSSARY = (
    "**Passage kinds.** Unchanged: the same words in the same order (a change of letter "
    "case alone is no edit; it is marked and shown in a redline). Edited: the same content in "
    "the same place, most words kept. Rewritten: the same content in the same place, most words new. Moved: "
    "the same content found out of order. Split or merged: one passage became several, or "
    "several one (not always neighbours). Added or removed: no passage of the other version "
    "was judged to say the "
    "same thing. Similarity is the cosine of the passages' sentence-embedding vectors, lexical "
    "the share of words kept (difflib ratio), confidence the estimated probability that a "
    "linked pair says the same thing, and topic (in “closest in topic”) the estimated "
    "probability that two passages are on the same topic."
)


def evaluation_method(evaluation: Mapping[str, Any]) -> list[str]:
    """Paragraphs for the Method section: the glossary of kinds and scores, then what was
    measured (nothing about what was not)."""
    lines = [GLOSSARY]
    pairs = evaluation.get("pairs") or {}
    if pairs.get("precision") is not None and pairs.get("recall") is not None:
        lines.append(
            "**Passage pairs.** Two passages are linked as edited or rewritten only when a "
            "logistic model over their similarity, shared rare words, numbers and names gives "
            "a probability of the same content (`confidence`) above a threshold chosen for "
            f"precision. Measured on {pairs.get('items')} hand-labelled passage pairs of "
            f"{pairs.get('documents')}, each document pair held out in turn: precision "
            f"{percent(pairs['precision'])} at recall {percent(pairs['recall'])} for same content"
            + (f" (without the decision: precision {percent(pairs['baseline_precision'])} at "
               f"recall {percent(pairs['baseline_recall'])})"
               if pairs.get("baseline_precision") is not None else "")
            + "; one report's links can be less precise than this pooled figure, so check a "
            "link before citing it. An added or removed passage names the other version's passage closest in "
            "topic, a pointer for reading outside the counts (“possibly the same content” "
            "where that pair's P(same) is at least 0.5; above the link threshold the pointer "
            "says why the pair is not linked)"
            + (f", and matched hand-labelled counterparts in {percent(pairs['related'])} of "
               f"cases on a held-out document pair" if pairs.get("related") is not None else "")
            + "."
        )
    heads = evaluation.get("headlines") or {}
    if heads.get("precision_at_15") is not None:
        lines.append(
            "**Headlines.** Ranked by the size of the change, a log-likelihood test with a "
            "Benjamini–Hochberg cut, how widely it spreads over passages and how specific the "
            "term is against general English; spelling variants, acronyms and an actor's "
            f"other names are folded first. On {heads.get('pairs')} pairs of "
            f"{heads.get('documents')}, {heads.get('judged')} headlines judged by independent "
            f"judges (Cohen's kappa {heads.get('kappa'):.2f}): "
            f"{percent(heads.get('precision_at_5'))} of the top 5 and "
            f"{percent(heads.get('precision_at_15'))} of the top 15 judged good, "
            f"{heads.get('false_at_15')} false in the top 15s. These are the documents the "
            "ranking was developed on, so expect less on others; every count in a headline "
            "is computed from the texts and every quote is the document's own text as loaded "
            "(ligatures, line-break hyphens and page headers cleaned; OCR errors kept). "
            "The term tables count each term as its headline does."
        )
    return [line for text in lines for line in (text, "")]
