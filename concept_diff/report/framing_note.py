"""The Method section's account of framing: how labels were made, how well that was measured,
when a framing shift is reported, and how many labels the researcher supplied. Everything is
read from the contract's ``framing`` object (filled from the shipped model file), never
written here as figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .markup import percent


def framing_method(framing: Mapping[str, Any]) -> list[str]:
    """Paragraphs for the Method section (none when the contract has no framing object)."""
    if not framing:
        return []
    rule = framing.get("rule") or {}
    lines = []
    if framing.get("method") == "role-aware model":
        held, base = framing.get("held_out") or {}, framing.get("prototype_held_out") or {}
        measured = ""
        if held:
            measured = (
                f" Measured on {_count(framing.get('items'))} hand-labelled actor mentions"
                + (f" (of {_count(framing.get('labelled'))} labelled sentences; the rest name "
                   "something the tool does not read as an actor)"
                   if (framing.get("labelled") or 0) > (framing.get("items") or 0) else "")
                + " from "
                f"{_documents(framing)}, each document held out in "
                f"turn (fitted on the others): accuracy {percent(held.get('accuracy'))}, macro-F1 "
                f"{_num(held.get('macro_f1'))}, partner↔threat swaps "
                f"{percent(held.get('swaps'), 1)}"
                + (f" (the earlier prototype scorer: accuracy {percent(base.get('accuracy'))})"
                   if base else "")
                + "."
            )
        if framing.get("kappa") is not None:
            measured += (f" Two labellers agreed with Cohen's kappa "
                         f"{_num(framing.get('kappa'))}.")
        lines.append(
            "**Framing.** Each sentence naming an actor is labelled partner, competitor, "
            "threat, concern or neutral by a logistic model that reads the actor's role in "
            "the clause governing the mention (a spaCy dependency parse: worked with, "
            "targeted, threatening, a place), the kind of actor (country, organisation, "
            "region, other name), cue words, similarity to prototype statements and the "
            "embedding of the sentence with the actor masked; an actor the clause deters, contains, sanctions or defends against "
            f"is never labelled partner.{_variant(framing)}{measured} Per-sentence labels are proposals: check "
            "them with `--mentions` and correct them with `--framing-labels`."
        )
    else:
        lines.append(f"**Framing.** Labels by the {framing.get('method', 'framing')} "
                     "(a custom framing file); its accuracy has not been measured.")
    if rule:
        lines.append(
            f"A framing shift is reported only with at least {rule.get('min_sentences')} "
            "sentences naming the actor in each version, and only when the "
            f"{percent(rule.get('level'))} interval of the rise in the share of the framing it "
            "claims (Dirichlet posteriors on the sentence counts of each version) lies above "
            "zero"
            + (f"; a headline also needs the main framing to switch, its gain in share at "
               f"least {rule['min_z']:g} standard errors (two-proportion z test)."
               if rule.get("min_z") else ".")
        )
    overrides = framing.get("overrides")
    if overrides:
        lines.append(
            f"The labels of {overrides.get('taken')} mentions were taken from "
            f"`{overrides.get('file')}` ({overrides.get('changed')} of them differ from the "
            f"model's; {overrides.get('rows')} rows in the file)."
        )
    return [line for text in lines for line in (text, "")]


def _documents(framing: Mapping[str, Any]) -> str:
    """"4 documents (US National Security Strategies 2002, 2006, 2010, 2015)": the labelled
    set's documents as the model file names them."""
    names = [str(n) for n in framing.get("documents") or []]
    corpus = framing.get("corpus")
    listed = f" ({corpus + ' ' if corpus else ''}{', '.join(names)})" if names else ""
    return f"{len(names)} documents{listed}"


def _variant(framing: Mapping[str, Any]) -> str:
    if framing.get("variant") != "parse":
        return ""
    return (" With this embedder the model's parse-only variant runs (no similarity to "
            "prototype statements or sentence embedding); the figures below are that "
            "variant's.")




def _num(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _count(n) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)
