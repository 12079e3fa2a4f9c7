"""A covering letter's furniture: the letterhead glued to its first paragraph ("THE WHITE HOUSE
WASHINGTON Today, the United States ...") and the signature under its last one, which a text
extraction or OCR leaves as a scrap ("[POTUS SIGNATURE]", "bile", "”i.a.").

Both become text in no passage (kind "cover" for the letterhead, as on a title page;
"signature" for the scrap): the words stay in the document text, and no passage, sentence or
alignment holds them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..build import Block

SCRAP_WORDS = 3  # a signature's scrap is a few tokens at most
LETTER_PARAGRAPHS = 3  # a letter has a few paragraphs before its signature (not a preface)
_CAPITALS_RUN = re.compile(r"^((?:[A-Z]{2,}[,.]?\s+){2,})(?=[A-Z][a-z])")
_STOP = re.compile(r"[.!?][\"'”’)\]]*$")


def split_letterhead(blocks: Sequence[Block]) -> list[Block]:
    """The first passage, before any heading of the body, opening with a run of two or more
    words in capitals that the prose never writes in capitals (no acronyms: "NATO"), then a
    sentence: the run is the letterhead, kept as a cover block."""
    out = list(blocks)
    first = next((i for i, b in enumerate(out) if b.kind in ("passage", "heading")), None)
    if first is None or out[first].kind != "passage":
        return out
    match = _CAPITALS_RUN.match(out[first].text)
    if not match:
        return out
    run = match.group(1)
    words = re.findall(r"[A-Z]+", run)
    prose = Counter(re.findall(r"\b[A-Z]{2,}\b", " ".join(
        b.text for b in out[first + 1 :] if b.kind == "passage")))
    if sum(map(len, words)) < 8 or any(prose[w] for w in words):
        return out
    rest = out[first].text[match.end() :]
    out[first : first + 1] = [Block("cover", run.strip()),
                              Block("passage", rest, label=out[first].label)]
    return out


def drop_signatures(blocks: Sequence[Block]) -> list[Block]:
    """A scrap after the letter that opens the document (a few paragraphs of prose before any
    heading), before its first heading or its dateline: a few tokens that are no sentence (no
    stop, or no word of three letters); the letter's last paragraph before it ends a sentence."""
    out = list(blocks)
    body = [i for i, b in enumerate(out) if b.kind in ("passage", "heading", "dateline")]
    for k, i in enumerate(body[LETTER_PARAGRAPHS:], start=LETTER_PARAGRAPHS):
        block = out[i]
        if block.kind != "passage" or out[body[k - 1]].kind != "passage":
            break  # the first heading or dateline: the letter has ended
        before = out[body[k - 1]]
        after = out[body[k + 1]] if k + 1 < len(body) else None
        if (
            _scrap(block.text)
            and before.kind == "passage"
            and _STOP.search(before.text)
            and (after is None or after.kind in ("heading", "dateline"))
        ):
            out[i] = Block("signature", block.text)
    return out


def _scrap(text: str) -> bool:
    words = text.split()
    if len(words) > SCRAP_WORDS:
        return False
    return not _STOP.search(text) or not any(len(w) >= 3 for w in re.findall("[A-Za-z]+", text))
