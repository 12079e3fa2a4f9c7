"""The word-level redline: difflib over tokens, shaped to read like an editor's markup.

    ops = diff_words("We will deter attacks.", "We shall deter and defeat attacks.")
    # report.redlines.render(ops): 'We ~~will~~ **shall** deter **and defeat** attacks.'

Tokens are words (inner hyphens, apostrophes and dots kept: "al-Qa'ida", "U.S.") and runs of
punctuation, each carrying the whitespace after it, so joining the ``old`` sides of the ops
gives back the old text exactly, and the ``new`` sides the new one. Matching ignores that
whitespace (a line break where a space was is no change). A comma that changes is its own
change; the word it sits on stays put. Tiny equal runs (a "the" or a "," between two changes)
are folded into one replace, as an editor would mark the phrase rather than its crumbs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

try:  # difflib's own algorithm compiled: the same opcodes and ratios, several times faster
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - the pure-Python original gives identical results
    from difflib import SequenceMatcher

Op = dict[str, str]

_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]+")
# A token with the whitespace after it: every character is \w, \s or neither, so the text
# between two tokens is whitespace only and one findall cuts the whole text.
_TOKEN_SPACE = re.compile(r"(?:\w+(?:['’.\-]\w+)*|[^\w\s]+)\s*")
# An equal run between two changes is folded into them when it has at most this many tokens,
# none longer than TINY_TOKEN_CHARS: "the", "of the", ",", "and" - never a content word.
TINY_RUN_TOKENS = 2
TINY_TOKEN_CHARS = 3
# Characters that can open or close inline Markdown anywhere in a line.


def tokenize(text: str) -> list[str]:
    """Tokens whose concatenation is ``text``; each keeps its trailing whitespace."""
    tokens = _TOKEN_SPACE.findall(text)
    lead = len(text) - len(text.lstrip())
    if lead:  # leading whitespace is a token of its own (all of a blank text)
        tokens.insert(0, text[:lead])
    return tokens


def _key(token: str) -> str:
    return token.rstrip()


def diff_words(old: str, new: str) -> list[Op]:
    """Ops ``{"op": equal|insert|delete|replace, "old": str, "new": str}`` from old to new."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(
        None, [_key(t) for t in old_tokens], [_key(t) for t in new_tokens], autojunk=False
    )
    ops = [
        {"op": tag, "old": "".join(old_tokens[i1:i2]), "new": "".join(new_tokens[j1:j2])}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    return _fold_tiny_runs(_drop_blank_changes(ops))


def _drop_blank_changes(ops: list[Op]) -> list[Op]:
    """A change of whitespace alone (a leading blank token) counts as equal text."""
    out: list[Op] = []
    for op in ops:
        if op["op"] != "equal" and not op["old"].strip() and not op["new"].strip():
            op = {"op": "equal", "old": op["old"], "new": op["new"]}
        if out and out[-1]["op"] == op["op"] == "equal":
            out[-1] = _join(out[-1], op, "equal")
        else:
            out.append(op)
    return out


def _is_tiny(op: Op) -> bool:
    tokens = _TOKEN.findall(op["old"])
    return len(tokens) <= TINY_RUN_TOKENS and all(len(t) <= TINY_TOKEN_CHARS for t in tokens)


def _fold_tiny_runs(ops: list[Op]) -> list[Op]:
    out: list[Op] = []
    for index, op in enumerate(ops):
        between_changes = (
            op["op"] == "equal"
            and 0 < index < len(ops) - 1
            and out
            and out[-1]["op"] != "equal"
            and ops[index + 1]["op"] != "equal"
        )
        adjacent_changes = bool(out) and out[-1]["op"] != "equal" and op["op"] != "equal"
        if (between_changes and _is_tiny(op)) or adjacent_changes:
            out[-1] = _join(out[-1], op, "replace")
        else:
            out.append(dict(op))
    return [_settle(op) for op in out]


def _join(first: Op, second: Op, tag: str) -> Op:
    return {"op": tag, "old": first["old"] + second["old"], "new": first["new"] + second["new"]}


def _settle(op: Op) -> Op:
    """A folded change with one empty side is a plain insert or delete."""
    if op["op"] == "equal":
        return op
    if not op["old"]:
        return {"op": "insert", "old": "", "new": op["new"]}
    if not op["new"]:
        return {"op": "delete", "old": op["old"], "new": ""}
    return {"op": "replace", "old": op["old"], "new": op["new"]}


def _word_count(text: str) -> int:
    return sum(1 for t in _TOKEN.findall(text) if t[0].isalnum() or t[0] == "_")


def change_ratio(ops: Iterable[Mapping[str, str]]) -> float:
    """Share of words changed: (old words removed + new words added) / (old + new words)."""
    changed = total = 0
    for op in ops:
        old_words, new_words = _word_count(op["old"]), _word_count(op["new"])
        total += old_words + new_words
        if op["op"] != "equal":
            changed += old_words + new_words
    return changed / total if total else 0.0


def ops_to_json(ops: Iterable[Mapping[str, str]]) -> str:
    return json.dumps(list(ops), ensure_ascii=False)


def similarity_tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens, for ``lexical_similarity_tokens``."""
    return _TOKEN.findall(text.lower())


def lexical_similarity_tokens(old: list[str], new: list[str]) -> float:
    """difflib ratio of two token lists (autojunk off: common words are real evidence)."""
    if not old and not new:
        return 1.0
    if not old or not new:
        return 0.0
    return SequenceMatcher(None, old, new, autojunk=False).ratio()


def lexical_similarity(old: str, new: str) -> float:
    """How much wording two texts share, 0..1: difflib ratio on lower-cased tokens."""
    return lexical_similarity_tokens(similarity_tokens(old), similarity_tokens(new))
