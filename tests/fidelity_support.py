"""Word-for-word comparison of a source file with the Document loaded from it.

The loaded words must equal the source words except where the clean-up report lists a repair
or a removal: pieces joined by a repair (line-break hyphen, letter-spacing, "|" read as "l"),
ligatures replaced, page furniture removed (page numbers, running headers/footers, contents
lines). ``compare`` explains every difference or returns it as unexplained.

Run ``python tests/fidelity_support.py FILE...`` for the figures per file.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cydifflib import SequenceMatcher

from concept_diff.loaders import load_document
from concept_diff.loaders.clean import _PAGE_NUMBER, PAGE_BREAK, normalise_whitespace
from concept_diff.loaders.sniff import decode_text
from concept_diff.loaders.words import is_common, is_word
from concept_diff.model import Document

# a word: letters/digits, with "|" inside or at the end ("hea|th", "a|"): an OCR "l"
_SOURCE_WORD = re.compile(r"[^\W_]+(?:\|[^\W_]*)*")
_LOADED_WORD = _SOURCE_WORD  # a "|" the loader left is compared as it stands
_NUMBER = re.compile(r"\b(?:\d+|[ivxlc]{1,6})\b")


@dataclass
class Fidelity:
    source_words: int = 0
    loaded_words: int = 0
    joins: Counter = field(default_factory=Counter)  # "hyphen", "letterspacing", "pipe"
    join_examples: list[tuple[str, tuple[str, ...], str, frozenset]] = field(default_factory=list)
    ligature_words: int = 0
    removed_words: int = 0  # page furniture, each on a line the report names
    unexplained: list[str] = field(default_factory=list)

    @property
    def words_changed(self) -> int:
        return sum(self.joins.values()) + self.ligature_words


def _source_tokens(raw: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _SOURCE_WORD.finditer(raw)]


def loaded_tokens(document: Document) -> list[str]:
    """Words of the loaded text, each numbered paragraph's label put back before it."""
    labels = {p.start: p.label for p in document.passages if p.label}
    tokens: list[str] = []
    starts = sorted(labels)
    k = 0
    for match in _LOADED_WORD.finditer(document.text):
        while k < len(starts) and starts[k] <= match.start():
            tokens.extend(_LOADED_WORD.findall(labels[starts[k]]))
            k += 1
        tokens.append(match.group())
    return tokens


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _squash(text: str) -> str:
    """A line as the report may name it: no spaces, ligatures folded, numbers as "#"."""
    text = _fold(text).replace("|", "l")
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", text))


class Furniture:
    """The lines and in-line cuts the clean-up report says it removed."""

    def __init__(self, document: Document):
        report = document.cleanup
        # each named line explains as many lines as the report says it removed, in reading order
        self.lines = Counter({_squash(k): n for k, n in report.header_footer_counts.items()})
        self.lines.update(_squash(line) for line in report.toc_lines)
        self.fused = [
            re.compile(
                re.escape(key).replace("\\#", r"(?:\d+|[ivxlc]{1,6})").replace("\\ ", r"\s+")
            )
            for key in report.header_footer_counts
            if "#" in key
        ]

    def whole_line(self, line: str) -> bool:
        line = line.strip()
        if not line or _PAGE_NUMBER.match(line) or self._take(line):
            return True
        for pattern in self.fused:  # "National Security Strategy vii Table of Contents ..."
            rest = pattern.sub(" ", line).strip()
            if rest != line and (not rest or self._take(rest)):
                return True
        return False

    def _take(self, line: str) -> bool:
        key = _squash(line)
        if self.lines[key] <= 0:
            return False
        self.lines[key] -= 1
        return True

    def cut_from_line(self, cut: str) -> bool:
        """Is ``cut`` one or more fused footers in a row ("Strategy 12 National Strategy 13")?"""
        rest = cut.strip()
        while rest:
            match = next((m for p in self.fused if (m := p.match(rest))), None)
            if match is None:
                return False
            rest = rest[match.end() :].strip()
        return True


_BULLET_GLYPH = re.compile(r"^\s*[o0](?=\s+[A-Z])")  # a bullet extracted as "o" or "0"


def _removed_ok(raw: str, tokens: list[tuple[str, int, int]], furniture: Furniture) -> bool:
    return furniture.cut_from_line(raw[tokens[0][1] : tokens[-1][2]])


def _same_but_pipes(source: str, loaded: str) -> bool:
    """Equal, except where a source "|" was read as "l" (some of them may have stayed)."""
    return len(source) == len(loaded) and all(
        a == b or (a == "|" and b == "l") for a, b in zip(source, loaded)
    )


def _group(source: list[tuple[str, int, int]], loaded: list[str]):
    """Source tokens grouped so that each group spells one loaded word; None if they cannot be."""
    groups, i = [], 0
    for word in loaded:
        pieces, spelled = [], ""
        target = _fold(word)
        while i < len(source) and len(spelled) < len(target):
            pieces.append(source[i])
            spelled += _fold(source[i][0])
            i += 1
        if not _same_but_pipes(spelled, target):
            return None
        groups.append((pieces, word))
    return groups if i == len(source) else None


def _join_kinds(raw: str, pieces: list[tuple[str, int, int]]) -> frozenset:
    kinds = set()
    if any("|" in p[0] for p in pieces):
        kinds.add("pipe")
    for a, b in itertools.pairwise(pieces):
        gap = raw[a[2] : b[1]]
        if "-" in gap and "\n" in gap:
            kinds.add("hyphen")
        elif gap.strip(" ") == "" or gap.strip(" .") == "":
            kinds.add("letterspacing")
        else:
            kinds.add("other:" + repr(gap))
    return frozenset(kinds)


def compare(path: str | Path) -> tuple[Fidelity, Document]:
    path = Path(path)
    document = load_document(path, use_cache=False)
    raw = normalise_whitespace(decode_text(path.read_bytes(), path)).replace(PAGE_BREAK, "")
    furniture = Furniture(document)
    source, removed, offset = [], 0, 0
    for line in raw.split("\n"):
        tokens = [(t, a + offset, b + offset) for t, a, b in _source_tokens(line)]
        if tokens and furniture.whole_line(line):
            removed += len(tokens)
        elif _BULLET_GLYPH.match(line):  # the segmenter takes a bullet glyph off its item
            removed += 1
            source.extend(tokens[1:])
        else:
            source.extend(tokens)
        offset += len(line) + 1
    loaded = loaded_tokens(document)
    result = Fidelity(len(source) + removed, len(loaded), removed_words=removed)
    matcher = SequenceMatcher(None, [t[0] for t in source], loaded, autojunk=False)
    opcodes = _moves_taken(matcher.get_opcodes(), source, loaded, document)
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            continue
        if op == "insert":
            result.unexplained.append(f"added: {' '.join(loaded[j1:j2])}")
            continue
        if op == "delete":
            if _removed_ok(raw, source[i1:i2], furniture):
                result.removed_words += i2 - i1
            else:
                result.unexplained.append(f"removed: {raw[source[i1][1]:source[i2 - 1][2]]!r}")
            continue
        groups = _group(source[i1:i2], loaded[j1:j2])
        if groups is None:
            before = raw[source[i1][1] : source[i2 - 1][2]]
            result.unexplained.append(f"changed: {before!r} -> {' '.join(loaded[j1:j2])!r}")
            continue
        for pieces, word in groups:
            if len(pieces) == 1:
                if "|" in pieces[0][0] and pieces[0][0] != word:
                    result.joins["pipe"] += 1
                elif _fold(pieces[0][0]) == word:
                    result.ligature_words += 1
                else:
                    result.unexplained.append(f"changed: {pieces[0][0]!r} -> {word!r}")
                continue
            kinds = _join_kinds(raw, pieces)
            result.joins.update(kinds)
            before = raw[pieces[0][1] : pieces[-1][2]]
            result.join_examples.append((word, tuple(p[0] for p in pieces), before, kinds))
    return result, document


def _moves_taken(opcodes, source, loaded, document: Document) -> list:
    """Opcodes with each pair of a deletion and an insertion of the same words (but for page
    furniture in the deletion) turned into the furniture's deletion alone: a block the loader
    moved (a heading and epigraph put before the sentence they cut), no more pairs than the
    clean-up report lists as "moved"."""
    moves = sum(r["kind"] == "moved" for r in document.cleanup.repairs)
    replaced: dict[int, list] = {}
    for i, insert in enumerate(opcodes):
        if insert[0] != "insert" or not moves:
            continue
        words = loaded[insert[3] : insert[4]]
        for k, delete in enumerate(opcodes):
            if delete[0] != "delete" or k in replaced:
                continue
            inner = SequenceMatcher(None, [t[0] for t in source[delete[1] : delete[2]]], words,
                                    autojunk=False).get_opcodes()
            if all(op in ("equal", "delete") for op, *_ in inner) and sum(
                    b - a for op, _i, _j, a, b in inner if op == "equal") == len(words):
                rest = [("delete", delete[1] + a, delete[1] + b, 0, 0)
                        for op, a, b, _x, _y in inner if op == "delete"]
                replaced[i], replaced[k] = [], rest
                moves -= 1
                break
    return [op for i, o in enumerate(opcodes) for op in replaced.get(i, [o])]


def joins_of_two_words(result: Fidelity, document: Document) -> list[str]:
    """Joins that made one word of pieces that are all words: none is allowed, except a
    line-break hyphen whose joined form is itself an established word ("assist-|ing")."""
    from concept_diff.loaders.clean import vocabulary

    vocab = vocabulary(document.text)
    # the joined form must occur besides the joins that made it
    made = Counter(w.lower() for w, _p, _b, kinds in result.join_examples if "hyphen" in kinds)
    elsewhere = Counter({w: n - made[w] for w, n in vocab.items()})
    bad = []
    for word, pieces, before, kinds in result.join_examples:
        clean = [p.replace("|", "") for p in pieces]
        if len(clean) >= 3 and all(len(p) == 1 for p in clean):
            continue  # a spaced-out row of letters ("F E B")
        if not all(is_word(p, vocab) for p in clean):
            continue
        if kinds == {"hyphen"} and is_common(word, +elsewhere):
            continue
        if "pipe" in kinds and len(pieces) == 1:
            continue
        bad.append(f"{before!r} -> {word!r}")
    return bad


def main(paths: list[str]) -> None:
    for path in paths:
        result, document = compare(path)
        report = document.cleanup
        print(
            f"{Path(path).name}: {result.source_words} source words, {result.loaded_words} "
            f"loaded; changed {result.words_changed} (joins {dict(result.joins)}, ligature "
            f"words {result.ligature_words}); furniture words removed {result.removed_words}; "
            f"unexplained {len(result.unexplained)}; joins of two words "
            f"{len(joins_of_two_words(result, document))}; report: hyphen {report.hyphen_joins}, "
            f"letter-spacing {report.letterspaced}, ocr {report.ocr_repairs}, ligatures "
            f"{report.ligatures}"
        )
        for line in result.unexplained[:15]:
            print("   ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
