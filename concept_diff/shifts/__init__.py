"""Shift analysis: which terms, actors and framings changed between two versions.

    from concept_diff.shifts import analyse
    shifts = analyse(old_doc, new_doc, embedder=embedder)
    shifts.terms            # DataFrame: counts, rates, keyness (G2), p-value, log ratio, status
    shifts.actors           # per actor: mentions, framing per version, shift, evidence
    shifts.headlines        # ranked findings with quotes
    shifts.mentions("Russia")
"""

from __future__ import annotations

from .analysis import Shifts, analyse

__all__ = ["Shifts", "analyse"]
