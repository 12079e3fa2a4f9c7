"""Letter-spacing: "F E B R U A R Y 2 0 1 5" -> "FEBRUARY 2015", "NAT IONA L" -> "NATIONAL".

Text extracted from display type often has its letters spaced out, or a word broken into
pieces. A run of such pieces is closed up when, spaces removed, it reads as words; and only
where that cannot be ordinary prose misread (``words.is_word``):

- every word made from two or more pieces has a piece that is not a word by itself, so
  "a new foundation", "for a", "of the", "a venue" stay as they are;
- a piece that is a word is never cut in two;
- single letters spaced out in a row of three or more ("P R O", "I I I.") are letter-spacing
  whatever they spell, so they count as fragments, not as the words "a" and "I".
"""

from __future__ import annotations

import re
from collections import Counter

from .words import is_known, is_word

_SPACED_DOT = re.compile(r"\b([A-Za-z]) \.")  # "I I I ." -> "I I I."
_RUN_END = re.compile(r"^([A-Za-z0-9]+)([.,:;])$")  # a run may end on "I." or "Y,"
_LONGEST_WORD = 24


def _is_fragment(token: str, vocab: Counter) -> bool:
    """A short piece the document does not otherwise use: what letter-spacing leaves behind."""
    if len(token) == 1:
        return token.isalnum()
    return token.isalnum() and len(token) <= 6 and vocab.get(token.lower(), 0) <= 1


def _core(token: str) -> str:
    end = _RUN_END.match(token)
    return end.group(1) if end else token


def _spaced_letters(pieces: list[str]) -> list[bool]:
    """Which pieces are single characters in a row of three or more."""
    flags = [False] * len(pieces)
    k = 0
    while k < len(pieces):
        j = k
        while j < len(pieces) and len(pieces[j]) == 1:
            j += 1
        if j - k >= 3:
            flags[k:j] = [True] * (j - k)
        k = max(j, k + 1)
    return flags


def _segment(pieces: list[str], vocab: Counter) -> list[str] | None:
    """The fewest words that spell ``pieces`` joined, under the rules above; None if none do."""
    spaced = _spaced_letters(pieces)
    word = [is_word(p, vocab) and not s for p, s in zip(pieces, spaced)]
    owner = [k for k, piece in enumerate(pieces) for _ in piece]
    joined = "".join(pieces)
    cuts = {0, len(joined)}
    offset = 0
    for piece in pieces:
        offset += len(piece)
        cuts.add(offset)

    def may_cut(at: int) -> bool:
        return at in cuts or not word[owner[at]]

    best: list[list[str] | None] = [None] * (len(joined) + 1)
    best[0] = []
    for end in range(1, len(joined) + 1):
        if end < len(joined) and not may_cut(end):
            continue
        for start in range(max(0, end - _LONGEST_WORD), end):
            if best[start] is None:
                continue
            text = joined[start:end]
            first, last = owner[start], owner[end - 1]
            if text.isdigit():
                if last > first and not all(spaced[first : last + 1]):
                    continue  # "1 7" may be two numbers; "2 0 1 5" in a spaced row is one
            elif not (len(text) > 1 and is_known(text, vocab)):
                continue
            elif last > first and all(word[first : last + 1]):
                continue  # two or more words would become one
            candidate = best[start] + [text]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    return best[len(joined)]


def _collapse_run(tokens: list[str], vocab: Counter) -> list[str] | None:
    pieces = [_core(t) for t in tokens]
    trailing = tokens[-1][len(pieces[-1]) :]
    words = _segment(pieces, vocab)
    if words is None or len(words) >= len(pieces):
        words = None
        if len(pieces) >= 3 and all(len(p) == 1 for p in pieces):  # "2 0 1 5", "S e p t"
            words = re.findall(r"\d+|\D+", "".join(pieces))
    if words is None:
        return None
    return words[:-1] + [words[-1] + trailing]


def _longest_collapse(
    tokens: list[str], start: int, stop: int, vocab: Counter
) -> tuple[int, list[str] | None]:
    """The longest run of fragments from ``start`` that reads as words once its spaces go."""
    for end in range(stop, start + 1, -1):
        run = tokens[start:end]
        if sum(_is_fragment(_core(t), vocab) for t in run) >= 2:
            collapsed = _collapse_run(run, vocab)
            if collapsed is not None:
                return end, collapsed
    return start, None


def _may_extend(token: str, vocab: Counter) -> bool:
    return _is_fragment(token, vocab) or (len(token) <= 3 and token.isalpha())


def undo_letterspacing(line: str, vocab: Counter) -> tuple[str, list[tuple[str, str]]]:
    """Close up the letter-spaced runs of one line; the line and each (before, after) repair."""
    tokens = _SPACED_DOT.sub(r"\1.", line).split(" ")
    out: list[str] = []
    repairs: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and _may_extend(_core(tokens[j]), vocab):
            j += 1
            if _RUN_END.match(tokens[j - 1]):
                break  # "I I I." ends its run at the period
        end, collapsed = _longest_collapse(tokens, i, j, vocab)
        if collapsed:
            out.extend(collapsed)
            repairs.append((" ".join(tokens[i:end]), " ".join(collapsed)))
            i = end
            continue
        out.append(tokens[i])
        i += 1
    return (" ".join(out), repairs) if repairs else (line, [])


def fix_letterspacing(
    lines: list[str], vocab: Counter
) -> tuple[list[str], list[tuple[str, str]]]:
    """Undo letter-spacing on lines with several fragments; the lines and every repair made."""
    out: list[str] = []
    repairs: list[tuple[str, str]] = []
    for line in lines:
        tokens = line.split()
        fragments = sum(_is_fragment(t, vocab) for t in tokens)
        if fragments >= 3 or (tokens and fragments >= 2 and fragments >= len(tokens) / 3):
            line, made = undo_letterspacing(line, vocab)
            repairs.extend(made)
        out.append(line)
    return out, repairs
