"""Look-ups over a report contract: passages by id, reading order, and links to their anchors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .markup import anchor_id, md_fragment, md_text

VERSIONS = ("old", "new")


class Refs:
    """Passage look-ups and link text for one contract (``old``/``new`` sides)."""

    def __init__(self, contract: Mapping[str, Any]):
        self.contract = contract
        self.passages = {
            side: {p["id"]: p for p in contract[side].get("passages", [])} for side in VERSIONS
        }
        self.order = {
            side: {p["id"]: i for i, p in enumerate(contract[side].get("passages", []))}
            for side in VERSIONS
        }
        # passages in an entry with both sides (linked to a passage of the other version)
        self.linked = {
            side: {i for e in contract.get("alignment", []) if e.get("old") and e.get("new")
                   for i in e[side]}
            for side in VERSIONS
        }

    def version(self, side: str) -> str:
        """Short name of a version: its date, else its title, else old/new."""
        doc = self.contract[side]
        return str(doc.get("date") or doc.get("title") or side)

    def passage(self, side: str, passage_id: str) -> Mapping[str, Any]:
        return self.passages[side][passage_id]

    def name(self, side: str, passage_id: str) -> str:
        """``2015 ¶12`` (the document's own label) or ``2015 p12`` (our id), escaped."""
        passage = self.passages[side].get(passage_id, {})
        label = passage.get("label")
        short = f"¶{label}" if label else passage_id
        return md_text(f"{self.version(side)} {short}")

    def names(self, side: str, ids: list[str]) -> str:
        return ", ".join(self.name(side, i) for i in ids)

    def link(self, side: str, passage_id: str) -> str:
        return f"[{self.name(side, passage_id)}](#{anchor_id(side, passage_id)})"

    def quote(self, item: Mapping[str, Any]) -> str:
        """``“quote” — [2015 ¶3](#new-p3)``: a verbatim quote and the passage it was cut from."""
        cited = self.link(item["version"], item["passage"])
        return f"“{md_fragment(_squash(item['quote']))}” — {cited}"

    def section(self, side: str, passage_id: str) -> str | None:
        return self.passages[side].get(passage_id, {}).get("section")


def _squash(text: str) -> str:
    return " ".join(text.split())
