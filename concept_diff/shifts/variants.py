"""One term, however it is written: the spellings a reader takes for the same word.

Before a headline says a term or actor is new, gone, or how often it occurs, its occurrences
are counted over every way the two texts write it:

- case, hyphens, spaces and apostrophes: "Non-Proliferation", "nonproliferation", "long term",
  "long-term", "al-Qaida", "al-Qa'ida" are one key (letters and digits, lower-cased, the
  words run together, matched only at word boundaries);
- plural and possessive endings (text.lemma);
- ordinal numbers: "twenty-first", "21st" and an OCR'd "21“" are one number;
- OCR look-alikes ("tvventy" for "twenty", "rn" for "m", "cl" for "d"): a word holding one is
  read as its repaired form only where that form is a word of the two texts and the damaged
  one is no English word (data/english_zipf.txt), so "modern" never becomes "modem";
- an acronym and the long form a text defines for it, "Weapons of Mass Destruction (WMD)",
  in either version (``acronym_definitions``).

``Spellings`` indexes one document for these questions; ``Spellings.count`` answers with the
occurrences, the passages and the first sentence holding the term.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from os.path import commonprefix

from ..english import zipf
from ..model import Document
from .compound import compound
from .text import STOP_WORDS, SentenceRef, iter_sentences, lemma, normalise

_PART = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b|(?<=s)['’](?!\w)")
# Character confusions of OCR: (as misread, as meant).
LOOKALIKES = (("vv", "w"), ("rn", "m"), ("cl", "d"))
_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_UNIT_ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                  "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS_ORDINALS = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth",
                  "seventieth", "eightieth", "ninetieth"]
_DIGIT_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_ACRONYM_DEF = re.compile(r"\(([A-Z][A-Za-z]{0,2}[A-Z0-9-]{1,8}s?)\)")
CONNECTORS = frozenset({"of", "and", "the", "for", "in", "on", "de", "al", "to"})
# General English prefixes that make a word of another ("nonproliferation", "counterterrorism");
# the last three also start many established words ("cooperation", "resources"), so a word
# formed with them counts only where it is much rarer in English than its base.
PREFIXES = ("non", "counter", "anti", "de", "re", "co")
_LOOSE_PREFIXES = ("de", "re", "co")


def _ordinal_words() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Ordinal words as bare numbers: "fifth" → "5", ("twenty", "first") → "21"."""
    single = {word: str(n) for n, word in enumerate(_UNIT_ORDINALS) if word}
    single |= {word: str(n + 10) for n, word in enumerate(_TEENS)}
    single |= {word: str(10 * n) for n, word in enumerate(_TENS_ORDINALS) if word}
    pairs = {
        (tens, unit): str(10 * t + u)
        for t, tens in enumerate(_TENS) if tens
        for u, unit in enumerate(_UNIT_ORDINALS) if unit
    }
    return single, pairs


_ORDINAL, _ORDINAL_PAIRS = _ordinal_words()


def parts(text: str) -> list[str]:
    """Lower-cased runs of letters and digits, apostrophes inside a word dropped ("qa'ida" →
    "qaida"), possessive endings removed."""
    return list(_lower_parts(text))


# Each sentence is split by the vocabulary and by both indexes of a pair (and terms are split
# again and again): each text once per process, bounded so a long-running watch stays small.
@lru_cache(maxsize=1 << 15)
def _cased_parts(text: str) -> tuple[str, ...]:
    return tuple(_PART.findall(_unquote(repair_pipes(normalise(text)))))


@lru_cache(maxsize=1 << 15)
def _lower_parts(text: str) -> tuple[str, ...]:
    return tuple(map(str.lower, _cased_parts(text)))


_PIPE_WORD = re.compile(r"[^\W\d_]*(?:\|+[^\W\d_]*)+")


def repair_pipes(text: str) -> str:
    """An OCR "|" inside or at the edge of a word read as the letter that makes an English
    word: "|ndia" → "India", "a||ies" → "allies", "A|DS" → "AIDS"; unchanged where neither
    "l" nor "i" does. One character for one, so offsets hold."""
    return _PIPE_WORD.sub(_repair_pipe, text) if "|" in text else text


def _repair_pipe(match: re.Match) -> str:
    word = match.group(0)
    best, letter, best_zipf = word, "", 0.0
    for option in ("l", "i"):
        value = zipf(word.replace("|", option).lower())
        if value > best_zipf:
            best, letter, best_zipf = word.replace("|", option), option, value
    if letter != "i":
        return best
    # A capital I where the word starts with it or is written in capitals ("|ndia", "A|DS").
    letters = word.replace("|", "")
    capital = word.startswith("|") or sum(c.isupper() for c in letters) * 2 > len(letters)
    return word.replace("|", "I" if capital else "i")


def _unquote(text: str) -> str:
    """Possessive endings removed, apostrophes inside a word dropped."""
    if "'" in text or "’" in text:
        return _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    return text


def _ordinals(words: list[str]) -> list[str]:
    """Ordinals as bare numbers, however written: "twenty first", "21st" and "21" (an OCR'd
    superscript, "21“ Century") are all "21"."""
    # No ordinal word, and letters only (so no word starts with a digit): nothing to do.
    if _ORDINAL.keys().isdisjoint(words) and "".join(words).isalpha():
        return words
    if not any(w in _ORDINAL or w[:1].isdigit() for w in words):
        return words
    out: list[str] = []
    for word in words:
        if out and (out[-1], word) in _ORDINAL_PAIRS:
            out[-1] = _ORDINAL_PAIRS[(out[-1], word)]
        else:
            digits = _DIGIT_ORDINAL.fullmatch(word)
            out.append(digits.group(1) if digits else _ORDINAL.get(word, word))
    return out


def ocr_repairs(vocabulary: Counter) -> dict[str, str]:
    """Damaged word → repaired word (or two words), confirmed by the texts' own vocabulary:
    a look-alike repair is a word of the texts seen at least as often; a run-together word
    ("offissile", "ofamerican") is a short function word joined to a word English or the
    texts know. The damaged form is never an English word."""
    repairs = {}
    for word, count in vocabulary.items():
        if zipf(word) > 0 or not word.isalpha():
            continue
        split = _run_together(word, vocabulary)
        if split:
            repairs[word] = split
            continue
        if not any(bad in word for bad, _ in LOOKALIKES):
            continue
        for bad, good in LOOKALIKES:
            fixed = word.replace(bad, good)
            if fixed != word and vocabulary.get(fixed, 0) >= count and (
                zipf(fixed) > 0 or vocabulary[fixed] >= 2
            ):
                repairs[word] = fixed
                break
    return repairs


_GLUE = ("of", "in", "to", "the", "and", "for", "on", "at", "by", "with", "from", "as")


def _run_together(word: str, vocabulary: Counter) -> str | None:
    """"of fissile" for "offissile": a function word and a known word written as one."""
    for head in _GLUE:
        tail = word[len(head):]
        if word.startswith(head) and len(tail) >= 2 and (
            zipf(tail) >= 2.5 or vocabulary.get(tail, 0) >= 2 or tail in STOP_WORDS
        ):
            return f"{head} {tail}"
    return None


def acronym_definitions(
    docs: Iterable[Document],
    expand: Callable[[str, str], str | None] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Acronym → the long form a text writes just before it: "Weapons of Mass Destruction
    (WMD)" (the long form's initials spell the acronym; small connecting words may be skipped).

    ``expand(text before, acronym)`` finds the long form (default: any words); ``keep`` says
    which long forms count (default: all). The first definition in reading order wins."""
    expand = expand or _expansion
    found: dict[str, str] = {}
    for doc in docs:
        for sentence in iter_sentences(doc):
            for match in _ACRONYM_DEF.finditer(sentence.text):
                acronym = match.group(1)
                expansion = expand(sentence.text[: match.start()], acronym)
                if expansion and acronym not in found and (keep is None or keep(expansion)):
                    found[acronym] = expansion
    return found


def _expansion(before: str, acronym: str) -> str | None:
    letters = acronym.rstrip("s").replace("-", "").upper()
    words = re.findall(r"[^\W_]+(?:[-'’][^\W_]+)*", before)[-(2 * len(letters) + 2):]
    for size in range(1, len(words) + 1):
        candidate = words[-size:]
        if candidate[0].lower() in CONNECTORS:
            continue
        initials = "".join(
            w[0] for w in candidate if w.lower() not in CONNECTORS or w[0].isupper()
        ).upper()
        if initials == letters:
            return " ".join(candidate)
        if len(initials) > len(letters):
            break
    return None


@dataclass
class Found:
    """Where a term occurs in one document."""

    count: int
    passages: frozenset[str]
    sentences: list[SentenceRef]
    where: list[int]  # sentence numbers in reading order


class Spellings:
    """One document's words run together as folded keys, with the word boundaries kept.

    ``cased`` keeps letter case (for short names such as "US", which lower-cased would be
    the pronoun). ``doc`` is a Document (indexed by sentence) or the units to index."""

    def __init__(self, doc: Document | Iterable[SentenceRef], repairs: dict[str, str] | None = None,
                 cased: bool = False, names=None):
        # ``names`` (compound.Names): each multi-word name is one chunk, so a word inside it
        # ("states" of "United States") or a run cutting it is not found; the whole name is.
        self.repairs = repairs or {}
        self.cased = cased
        chunks: list[str] = []
        sentence_of: list[int] = []  # the sentence of each chunk
        self.sentence_at: list[int] = []  # offset where each sentence starts in ``text``
        self.sentences: list[SentenceRef] = []
        position = 0
        plain: list[str] = []  # the words with no name joined (where ``names``)
        units = iter_sentences(doc) if isinstance(doc, Document) else doc
        for sentence in units:
            self.sentence_at.append(position)
            self.sentences.append(sentence)
            words = self.words(sentence.text)
            if names is not None:
                plain += words
                phrases = names.phrases(sentence.text)
                if phrases:
                    words = compound(words, [self.words(p) for p in phrases], "".join)
            sentence_of += [len(self.sentences) - 1] * (len(words) + 1)
            chunks += words
            chunks.append("\x00")  # nothing matches across a sentence end
            position += sum(map(len, words)) + 1
        self.text = "".join(chunks)  # the words run together, a sentence end as "\x00"
        self.vocabulary = Counter(plain if names is not None else chunks)  # words, not names
        self.vocabulary.pop("\x00", None)
        self._by_start: dict[str, list[str]] | None = None
        self._found: dict[str, Found] = {}
        if "" in self.vocabulary:  # an empty chunk joins nothing
            kept = [i for i, chunk in enumerate(chunks) if chunk]
            chunks, sentence_of = [chunks[i] for i in kept], [sentence_of[i] for i in kept]
        self._chunks, self._sentence_of = chunks, sentence_of
        self._first: dict[str, list[int]] | None = None  # built on the first count
        self._longest = 0  # the longest word's length
        self._next: dict[str, dict[str, list[int]]] = {}

    def words(self, text: str) -> list[str]:
        if self.cased:
            words = _cased_parts(text)
            if not self.repairs or self.repairs.keys().isdisjoint(map(str.lower, words)):
                return list(words)
            return [p for w in words for p in self._repaired(w.lower(), w)]
        words = _lower_parts(text)
        if self.repairs and not self.repairs.keys().isdisjoint(words):
            words = [p for w in words for p in self._repaired(w, w)]
        return list(map(lemma, _ordinals(list(words))))

    def related(self, term: str) -> list[tuple[str, int]]:
        """Other forms of the term's last word that this text writes, with their counts:
        words sharing a long enough start ("tyrants" for "tyranny", "innovative" for
        "innovation", "criminal groups" for "crime"), the other words kept as they are."""
        run = self.words(term)
        if not run:
            return []
        last, before = run[-1], run[:-1]
        if self._by_start is None:
            self._by_start = {}
            for word in sorted(self.vocabulary):
                self._by_start.setdefault(word[:4], []).append(word)
        found = []
        for word in self._by_start.get(last[:4], []):
            if word == last or not word.isalpha() or not _same_family(word, last):
                continue
            phrase = " ".join([*before, word])
            count = self.count(phrase).count if before else self.vocabulary[word]
            if count:
                found.append((phrase, count))
        return found

    def head(self, term: str) -> tuple[str, int] | None:
        """The phrase of three words or more without its first word, where this text writes
        it: "development banks" for "multilateral development banks"."""
        words = term.split()
        if len(words) < 3 or words[1].lower() in STOP_WORDS:
            return None
        phrase = " ".join(words[1:])
        count = self.count(phrase).count
        return (phrase, count) if count else None

    def compounds(self, term: str) -> list[tuple[str, int]]:
        """A single word with a general English prefix put on or taken off, as this text
        writes it, with its counts (any spelling): "nonproliferation" and
        "counterproliferation" for "proliferation", "proliferation" for "nonproliferation"."""
        run = self.words(term)
        if len(run) != 1:
            return []
        found = []
        for word in prefixed(run[0]):
            count = self.count(word).count
            if count:
                found.append((word, count))
        return found

    def joined(self, word: str) -> int:
        """Occurrences of the word written as one word (not "non-proliferation", whose
        "proliferation" the base word's count already holds)."""
        return self.vocabulary[word]

    def _repaired(self, key: str, word: str) -> list[str]:
        """The word, or its repair (one word, or two where OCR ran them together), keeping
        the case of a run-together word's second half ("ofAmerica" → "of", "America")."""
        fixed = self.repairs.get(key)
        if fixed is None:
            return [word]
        if " " in fixed:
            head, _ = fixed.split(" ", 1)
            return [head, word[len(head):]]
        return [fixed]

    def key(self, term: str) -> str:
        return "".join(self.words(term))

    def count(self, term: str) -> Found:
        """Occurrences of ``term`` (any spelling), matched at word boundaries."""
        found = self._found.get(term)
        if found is None:
            found = self._found[term] = self._count(term)
        return found

    def _count(self, term: str) -> Found:
        key = self.key(term)
        if not key:
            return Found(0, frozenset(), [], [])
        hits = self._matches(key)
        where = sorted({self._sentence_of[i] for i in hits})
        refs = [self.sentences[i] for i in where]
        return Found(len(hits), frozenset(r.passage for r in refs), refs, where)

    def _matches(self, key: str) -> list[int]:
        """Indices of the chunks where ``key`` starts and a chunk ends with it: the places
        where ``text`` holds ``key`` between two word boundaries, found through an index of
        the words and of the pairs of words that follow one another, not by scanning."""
        chunks = self._chunks
        if self._first is None:
            self._first = {}
            for i, word in enumerate(chunks):
                self._first.setdefault(word, []).append(i)
            self._first.pop("\x00", None)  # a sentence end starts no match
            self._longest = max(map(len, self._first), default=0)
        first, size = self._first, len(key)
        found: list[int] = []
        for k in range(1, min(size, self._longest) + 1):
            head = key[:k]
            if head not in first:
                continue
            if k == size:
                found += first[head]
                continue
            after = self._next.get(head)
            if after is None:  # where the head word occurs, by the word that follows it
                after = self._next[head] = {}
                for i in first[head]:
                    after.setdefault(chunks[i + 1], []).append(i)
            rest = key[k:]
            for m in range(1, min(len(rest), self._longest) + 1):
                starts = after.get(rest[:m])
                if starts is None:
                    continue
                if m == len(rest):
                    found += starts
                    continue
                for i in starts:  # the chunks after the first two must spell the rest out
                    left, j = rest[m:], i + 2
                    while j < len(chunks) and left.startswith(chunks[j]):
                        left, j = left[len(chunks[j]):], j + 1
                        if not left:
                            found.append(i)
                            break
        return sorted(found)

    def count_any(self, terms: Iterable[str]) -> Found:
        """Sentences holding any of ``terms`` (counted once each), e.g. an actor's aliases."""
        where = sorted({i for term in terms for i in self.count(term).where})
        refs = [self.sentences[i] for i in where]
        return Found(len(refs), frozenset(r.passage for r in refs), refs, where)


def passage_units(passages: Iterable[dict]) -> list[SentenceRef]:
    """Passages of a JSON contract (``{id, text}``) as units for ``Spellings``."""
    return [SentenceRef(str(p.get("id", "")), 0, 0, len(p.get("text", "")), p.get("text", ""))
            for p in passages]


def prefixed(word: str) -> list[str]:
    """The word with each general prefix (PREFIXES) put on, or the one it starts with taken
    off; the base has 6 letters at least, and a loose prefix's word is 1 zipf rarer."""
    out = []
    for prefix in PREFIXES:
        if word.startswith(prefix) and _compound(prefix, word[len(prefix):]):
            out.append(word[len(prefix):])
        if _compound(prefix, word):
            out.append(prefix + word)
    return out


def _compound(prefix: str, base: str) -> bool:
    if len(base) < 6 or not base.isalpha():
        return False
    return prefix not in _LOOSE_PREFIXES or zipf(prefix + base) <= zipf(base) - 1


def _same_family(a: str, b: str) -> bool:
    """Do two words share a start long enough to be forms of one word? Four letters at
    least, and all but two letters of the shorter word ("crime"/"criminal",
    "expand"/"expansion", "tyranny"/"tyrants"; not "sanction"/"sanctuary")."""
    shared = len(commonprefix([a, b]))
    return shared >= 4 and shared >= min(len(a), len(b)) - 2


def vocabulary(docs: Iterable[Document]) -> Counter:
    words: Counter = Counter()
    for doc in docs:
        for sentence in iter_sentences(doc):
            words.update(_lower_parts(sentence.text))
    return words
