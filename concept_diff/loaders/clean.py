"""Clean-up for real-world text extractions (OCR, PDF-to-text, copy-paste).

Each step is a small function over lines or paragraphs that returns what it changed, so
``inspect`` can report it and tests can check it. ``clean_text`` runs them in order:

ligatures -> fused page footers -> running headers/footers -> bare page numbers ->
letter-spacing -> numbered-chapter lines -> table of contents -> paragraphs (rejoin
hard-wrapped lines, join line-break hyphens) -> sentences broken by a page break or a stray
blank line (after a comma, a word no sentence ends on, an abbreviation such as "U.S.", a colon
or semicolon before a clause, or a title-case line with a small-letter word, which is no
heading: a heading is never the last line of a page). Facing-page footers ("12 Title") are cut
where their number fits the pages around them. An epigraph set one line a paragraph is one
paragraph with its attribution lines (``layout.py``), and a heading with its epigraph that cut
a sentence or list goes before it (listed as a "moved" repair). Text extracted in long lines
that break anywhere keeps a paragraph across a single line break after a sentence.

Decisions use only the document itself (its own vocabulary, what repeats in it) and a general
English word list (``words.py``), never a list of facts about a particular corpus. No repair
joins two pieces that are both words (see ``words.py``); every repair that changes a word is
listed in the clean-up report (``CleanupReport.repairs``).
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import CleanupReport
from ..segment import BULLET, ENUMERATOR, MINOR_WORDS, is_heading_like, title_case_ratio
from .layout import attribution, epigraph_end, quotation, quotation_end
from .pages import contents_pages, displaced_chapters, page_starts
from .spacing import fix_letterspacing, undo_letterspacing
from .words import is_common, is_known, is_word

__all__ = ["clean_text", "fix_letterspacing", "undo_letterspacing", "vocabulary"]

PAGE_BREAK = "\f"  # a line of its own: where a page ended or a running line was removed

_LIGATURES = re.compile("[\ufb00-\ufb06]")
_TERMINAL = re.compile(r"[.!?;:][\"'”’)\]]*$|[\"”]$")
_WORDS = re.compile(r"[A-Za-z]+")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.)\s*)?(?:\d{1,3}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,3})?\s*$"
    r"|^\s*[-–—*(\[]\s*\d{1,3}\s*[-–—*)\]]\s*$",
    re.IGNORECASE,
)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:·\s?){4,}")
_CONTENTS_TITLE = re.compile(r"^\s*(?:table\s+of\s+)?contents\s*$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[\dlIO|\\/_.\s]{1,16}$")
_ROMAN_ONLY = re.compile(r"^\s*[IVXLC]{1,6}\.\s*$")
_CONTINUATION = re.compile(r"^[a-z][a-z’'\-]*(?![.)])\b")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_LEADING_WORD = re.compile(r"^([A-Za-z]+)(.*)$", re.DOTALL)
_LOWER = re.compile("[a-z]")


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


_LINE_BREAK_HYPHEN = re.compile(r"[A-Za-z]+-[ \t]*\n[\s\f]*[A-Za-z]+")
_COMPOUND = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")


def vocabulary(text: str) -> Counter:
    """Lower-cased word and compound counts: the document's own dictionary for repairs.

    Words split by a line-break hyphen are left out, so "concen" never counts as a word.
    """
    text = _LINE_BREAK_HYPHEN.sub(" ", text)
    counts = Counter(w.lower() for w in _WORDS.findall(text))
    counts.update(c.lower() for c in _COMPOUND.findall(text))
    return counts


# --- characters -------------------------------------------------------------------------


def fix_ligatures(text: str) -> tuple[str, int]:
    """Replace typographic ligatures (ﬁ ﬂ ﬀ ...) by their letters (NFKC); count them."""
    count = len(_LIGATURES.findall(text))
    if not count:
        return text, 0
    return _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text), count


# one "|" between letters ("examp|e"), or after a lone letter before a hyphen ("a|-Qa'ida");
# "a||" and "powerfu|" are left: reading them would change the text labelled sets point at
_PIPE_IN_WORD = re.compile(r"[A-Za-z]+(?:\|[a-z]+)+(?!\|)-?|\b[a-z]\|-")
_PIPE_WORDS = re.compile(r"\S*\|\S*")
_GLUED_SENTENCE = re.compile(r"(?<=[a-z]{2}[.?!])(?=[A-Z][a-z])")


def _pipe_for_l(match: re.Match, vocab: Counter, repairs: list[dict[str, str]]) -> str:
    before = match.group()
    after = before.replace("|", "l")
    pieces = before.rstrip("-").split("|")
    two_words = "" not in pieces and all(is_word(p, vocab) for p in pieces)
    if two_words and not _reads_as_word(after, vocab):
        return before  # "yes|no": two words with a bar between them, not one word
    repairs.append({"kind": "pipe", "before": before, "after": after})
    return after


def _reads_as_word(text: str, vocab: Counter) -> bool:
    """A word, or the start of a document word cut by a line-break hyphen ("includ-")."""
    if not text.endswith("-"):
        return is_known(text, vocab)
    head = text[:-1].lower()
    return any(word.startswith(head) for word in vocab if len(word) > len(head))


def fix_ocr_glyphs(text: str, repairs: list[dict[str, str]] | None = None) -> tuple[str, int]:
    """Two OCR slips that corrupt words, undone where nothing else can be meant:
    "|" read for "l" inside a word ("examp|e", "a|-Qa'ida"; never between two words), and a
    sentence glued to the next ("countries.The"). Returns the text and how many repairs were
    made; the "|" repairs are appended to ``repairs``."""
    made: list[dict[str, str]] = []
    vocab = vocabulary(_PIPE_WORDS.sub(" ", text)) if "|" in text else Counter()
    text = _PIPE_IN_WORD.sub(lambda m: _pipe_for_l(m, vocab, made), text)
    text, glued = _GLUED_SENTENCE.subn(" ", text)
    if repairs is not None:
        repairs.extend(made)
    return text, len(made) + glued


def normalise_whitespace(text: str) -> str:
    """Unix newlines, form feeds as lines of their own, no tabs/odd spaces, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", f"\n{PAGE_BREAK}\n")
    text = re.sub(r"[\t\u00a0\u2000-\u200a\u202f\u3000]", " ", text)
    text = text.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    # rstrip would take the form feed too: a page break stays a line of its own
    return "\n".join(line if line == PAGE_BREAK else line.rstrip() for line in text.split("\n"))


# --- running headers, footers, page numbers --------------------------------------------

_FOOTER_CANDIDATE = re.compile(
    r"((?:[A-Z][\w’'&\-]*\s+){1,6}?)?((?:[A-Z][\w’'&\-]*\s+){1,6})(\d{1,3}|[ivxlc]{1,6})\b"
)
_TITLE_RUN = re.compile(r"(?:[A-Z][\w’'&\-]*\s+){2,7}(\d{1,3}|[ivxlc]{1,6})\b")


def _footer_phrases(lines: Sequence[str]) -> list[str]:
    """Title-case phrases followed by a page number that keeps changing and rising: footers."""
    seen: dict[str, list[str]] = {}
    for line in lines:
        for match in _TITLE_RUN.finditer(line):
            words = match.group(0).split()[:-1]
            number = match.group(1)
            for i in range(len(words) - 1):  # every suffix of 2+ words is a candidate
                seen.setdefault(" ".join(words[i:]), []).append(number)
    phrases = []
    for phrase, numbers in seen.items():
        digits = [int(n) for n in numbers if n.isdigit()]
        rising = sum(b > a for a, b in itertools.pairwise(digits))
        if len(set(numbers)) >= 3 and len(digits) >= 3 and rising >= 0.8 * (len(digits) - 1):
            phrases.append(phrase)
    # keep the longest form: "National Security Strategy", not also "Security Strategy"
    return sorted(p for p in phrases if not any(q != p and q.endswith(" " + p) for q in phrases))


def footer_cuts(lines: Sequence[str]) -> list[list[re.Match]]:
    """The "Title Words 12" footers in each line (and the facing pages' "12 Title Words" that
    ``_facing_footers`` accepts), in order; the number is a match's last word or its first."""
    phrases = _footer_phrases(lines)
    if not phrases:
        return [[] for _ in lines]
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    pattern = re.compile(rf"(?<![\w’'])(?:{alternatives})\s+(?:\d{{1,3}}|[ivxlc]{{1,6}})\b")
    facing = re.compile(rf"(?<![\w’'.,$%-])\d{{1,3}}\s+(?:{alternatives})(?![\w’'])")
    cuts = [list(pattern.finditer(line)) for line in lines]
    for i, extra in _facing_footers(lines, cuts, facing):
        cuts[i] = sorted(cuts[i] + extra, key=lambda m: m.start())
    return cuts


def drop_fused_footers(lines: list[str]) -> tuple[list[str], Counter]:
    """Cut "Title Words 12" page footers out of lines they were glued into; a page break stays.

    The facing pages' form, "12 Title Words", is cut too where it is glued into prose and its
    number is the page's: it lies between the numbers of the footers before and after it."""
    found: Counter = Counter()
    cuts = footer_cuts(lines)
    if not any(cuts):
        return lines, found
    out: list[str] = []
    for line, matches in zip(lines, cuts):
        if not matches:
            out.append(line)
            continue
        pieces, at = [], 0
        for match in matches:
            found[re.sub(r"\s+", " ", re.sub(r"\d+|\b[ivxlc]+$", "#", match.group()))] += 1
            pieces.append(line[at : match.start()])
            at = match.end()
        pieces.append(line[at:])
        kept = [piece.strip() for piece in pieces]
        out.append(kept[0]) if kept[0] else None
        for piece in kept[1:]:
            out.extend([PAGE_BREAK, piece] if piece else [PAGE_BREAK])
    return out, found


def _facing_footers(
    lines: Sequence[str], cuts: Sequence[list[re.Match]], facing: re.Pattern
) -> list[tuple[int, list[re.Match]]]:
    """"12 Title Words" footers glued into a line of prose whose number fits the page numbers
    of the "Title Words N" footers around it ("... not just 6 National Security Strategy"
    between footers 5 and 9); a line of its own is left to the running-line rule."""
    pages = [(i, int(n)) for i, matches in enumerate(cuts) for m in matches
             if (n := m.group().split()[-1]).isdigit()]
    if len(pages) < 3:
        return []
    # past the first or last footer, a page number lies at most the widest step away
    gap = max(b - a for (_, a), (_, b) in itertools.pairwise(pages))
    found = []
    for i, line in enumerate(lines):
        if line.strip() == PAGE_BREAK:
            continue
        low = ([n for k, n in pages if k <= i] or [pages[0][1] - gap - 1])[-1]
        high = next((n for k, n in pages if k > i), pages[-1][1] + gap + 1)
        extra = [
            match for match in facing.finditer(line)
            if line.strip() != match.group() and low < int(match.group().split()[0]) < high
        ]
        if extra:
            found.append((i, extra))
    return found


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip()))


def is_letterspaced(line: str) -> bool:
    tokens = line.split()
    return len(tokens) >= 4 and sum(len(t) == 1 for t in tokens) >= 0.6 * len(tokens)


def _neighbour(lines: Sequence[str], index: int, step: int) -> str:
    index += step
    while 0 <= index < len(lines) and not lines[index].strip():
        index += step
    return lines[index] if 0 <= index < len(lines) else ""


def _interrupts(lines: Sequence[str], index: int) -> bool:
    """Does the line at ``index`` sit inside a sentence, or beside a page number?"""
    before, after = _neighbour(lines, index, -1), _neighbour(lines, index, 1)
    if _PAGE_NUMBER.match(before) or _PAGE_NUMBER.match(after):
        return True
    mid_sentence = before and not ends_sentence(before) and not is_heading_like(before)
    return bool(mid_sentence and _CONTINUATION.match(after.strip()))


def _numbers_rise(lines: Sequence[str], where: Sequence[int]) -> bool:
    """Do the numbers in these lines change and mostly rise, as page numbers do?"""
    numbers = [tuple(int(n) for n in re.findall(r"\d+", lines[i])) for i in where]
    if len(set(numbers)) < 3 or not numbers[0]:
        return False
    rising = sum(b > a for a, b in itertools.pairwise(numbers))
    return rising >= 0.8 * (len(numbers) - 1)


def _may_run(line: str) -> bool:
    """Short, not a bare page number, and not a line of running prose."""
    words = line.split()
    if not words or line == PAGE_BREAK or len(line) > 100 or _PAGE_NUMBER.match(line):
        return False
    if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
        return False  # a Markdown table row: its rows repeat their shape, they are content
    if is_letterspaced(line):
        return True
    return len(words) <= 12 and not (len(words) >= 6 and title_case_ratio(line) < 0.5)


def find_running_lines(lines: Sequence[str]) -> set[str]:
    """Keys of lines that repeat across the document as page headers/footers."""
    positions: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if _may_run(line):
            positions.setdefault(_line_key(line), []).append(i)
    running = set()
    for key, where in positions.items():
        spaced = is_letterspaced(lines[where[0]])
        if len(where) < (2 if spaced else 3):
            continue
        variants = {lines[i].strip() for i in where}
        if ends_sentence(key) and len(variants) == 1:
            continue  # a repeated sentence-ending line is prose ("challenges."), not a header
        if spaced or _numbers_rise(lines, where) or any(_interrupts(lines, i) for i in where):
            running.add(key)
    return running


def drop_running_lines(lines: list[str]) -> tuple[list[str], Counter]:
    running = find_running_lines(lines)
    found: Counter = Counter()
    out = []
    for line in lines:
        key = _line_key(line) if line.strip() else ""
        if key in running:
            found[key] += 1
            out.append(PAGE_BREAK)
        else:
            out.append(line)
    return out, found


def drop_page_numbers(lines: list[str]) -> tuple[list[str], int]:
    out, count = [], 0
    for line in lines:
        if line != PAGE_BREAK and _PAGE_NUMBER.match(line):
            count += 1
            out.append(PAGE_BREAK)
        else:
            out.append(line)
    return out, count


# --- chapter numbers and table of contents -----------------------------------------------


def merge_numeral_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """A line holding only "II." belongs to the heading after it; alone, it is TOC residue."""
    out: list[str] = []
    dropped: list[str] = []
    skip_to = -1
    for i, line in enumerate(lines):
        if i <= skip_to:
            continue
        if not _ROMAN_ONLY.match(line):
            out.append(line)
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        nxt = lines[j] if j < len(lines) else ""
        if nxt and is_heading_like(nxt) and not _ROMAN_ONLY.match(nxt) and not _CONTENTS_TITLE.match(nxt):
            out.append(f"{line.strip()} {nxt.strip()}")
            skip_to = j
        else:
            dropped.append(line.strip())
    return out, dropped


def _toc_key(line: str) -> str:
    line = _DOT_LEADER.split(line)[0]
    line = re.sub(r"[\s.]*\d{0,3}\s*$", "", line)
    return re.sub(r"[^a-z]+", "", line.lower())


def _is_prose(line: str) -> bool:
    """Running text (mostly lower-case words), as opposed to a contents entry."""
    if _DOT_LEADER.search(line):
        return False
    return len(line) > 130 or (len(line.split()) >= 8 and title_case_ratio(line) < 0.5)


def _entry_like(line: str) -> bool:
    """A contents entry: leaders, a page-number column, or a title-case line (OCR-tolerant)."""
    stripped = re.sub(r"[\s.]*\d{0,3}\s*$", "", line).strip()
    if _DOT_LEADER.search(line) or _NUMBERISH.match(line):
        return True
    if not stripped or len(stripped) > 110 or re.search(r"[,;:!?]$", stripped):
        return False
    short = len(stripped.split()) <= 8 and not re.search(r"[.!?]\s", stripped)
    return short or is_heading_like(stripped) or title_case_ratio(stripped) >= 0.6


def _next_content(lines: Sequence[str], index: int) -> str:
    for line in lines[index + 1 :]:
        if line.strip() and line != PAGE_BREAK:
            return line
    return ""


def find_toc(lines: Sequence[str]) -> set[int]:
    """Indexes of table-of-contents lines: dot leaders, a "Contents" title and the entries after it."""
    toc: set[int] = set()
    for i, line in enumerate(lines):
        if _DOT_LEADER.search(line) and re.search(r"\d\s*$|(?:\.\s?){4,}\s*\d", line):
            toc.add(i)
    starts = [i for i, line in enumerate(lines) if _CONTENTS_TITLE.match(line)]
    covered = -1
    for start in sorted(set(starts) | toc):
        toc.add(start)
        if start <= covered:
            continue
        covered = start
        first_key = ""
        for i in range(start + 1, min(len(lines), start + 150)):
            line = lines[i]
            if not line.strip() or line == PAGE_BREAK:
                continue
            if not _entry_like(line) or _is_prose(line):
                break
            key = _toc_key(line)
            if first_key and key == first_key:
                break  # the first entry again: the body has begun
            if _is_prose(_next_content(lines, i)):
                break  # a heading followed by prose is the body, not an entry
            first_key = first_key or key
            toc.add(i)
            covered = i
    return toc


def drop_toc(lines: list[str]) -> tuple[list[str], list[str]]:
    toc = find_toc(lines)
    kept = [line if i not in toc else PAGE_BREAK for i, line in enumerate(lines)]
    return kept, [lines[i].strip() for i in sorted(toc)]


def _letters(line: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "", line.upper())


def drop_capitalised_copies(lines: list[str]) -> tuple[list[str], Counter]:
    """Drop a heading repeated in capitals where the document writes it in small letters.

    A page header often repeats the chapter title in capitals ("I. OVERVIEW OF NATIONAL
    SECURITY STRATEGY" over the chapter "I. Overview of National Security Strategy"); left in,
    it would open a second section of the same name. Run after the contents are dropped, so a
    contents entry never counts as the heading.
    """
    headings = {
        _letters(line) for line in lines if _LOWER.search(line) and is_heading_like(line)
    }
    found: Counter = Counter()
    out = []
    for line in lines:
        text = line.strip()
        key = _letters(text)
        if (
            key in headings
            and len(key) >= 6
            and not _LOWER.search(text)
            and (is_heading_like(text) or is_letterspaced(text))
        ):
            found[text] += 1
            out.append(PAGE_BREAK)
        else:
            out.append(line)
    return out, found


# --- paragraphs --------------------------------------------------------------------------


@dataclass
class Paragraph:
    text: str
    after_page_break: bool = False  # a page break or removed running line came before it


def join_hyphenated(left: str, right: str, vocab: Counter) -> tuple[str, bool]:
    """Join ``left`` (ending "concen-") and ``right`` ("trations ..."): drop or keep the hyphen.

    The hyphen goes when the joined word occurs in the document ("with-out" -> "without") or a
    part is not a word by itself ("concen"); it stays when the hyphenated compound occurs
    ("self-defense"), the second part is capitalised ("sub-Saharan"), or both parts are words
    and the joined form is neither the document's nor a common English word ("long-term").
    """
    head, tail = _HYPHEN_END.search(left), _LEADING_WORD.match(right)
    if not head or not tail:
        return f"{left} {right}", False
    a, b = head.group(1), tail.group(1)
    joined = (a + b).lower()
    compound = f"{a}-{b}".lower()
    if vocab.get(compound, 0) > vocab.get(joined, 0) or b[0].isupper():
        return f"{left}{right}", False
    if is_common(joined, vocab) or not is_word(a, vocab) or not is_word(b, vocab):
        return f"{left[:-1]}{right}", True
    return f"{left}{right}", False


def _wrap_width(blocks: Sequence[Sequence[str]]) -> float | None:
    """Typical width of hard-wrapped lines: lines whose paragraph plainly goes on below."""
    samples = [
        len(a)
        for block in blocks
        for a, b in itertools.pairwise(block)
        if 30 <= len(a) <= 160 and not ends_sentence(a) and _CONTINUATION.match(b)
    ]
    return statistics.median(samples) if len(samples) >= 5 else None


def _starts_new_paragraph(
    a: str, b: str, width: float | None, by_blank_lines: bool, loose: bool = False
) -> bool:
    """Does line ``b`` open a new paragraph after line ``a`` (both in one block)? ``loose``:
    the document's single line breaks fall anywhere (see ``_loose_line_breaks``)."""
    if BULLET.match(b) or b.startswith("#") or a.startswith("#"):
        return True
    if _CONTINUATION.match(b) or _HYPHEN_END.search(a):
        return False
    if ENUMERATOR.match(b) and (ends_sentence(a) or is_heading_like(a)):
        return True
    if ends_sentence(a):
        if loose:  # the extractor's line break (a PDF line), unless a list or heading follows
            return a.rstrip()[-1:] in ":;" or not b[:1].isupper() or is_heading_like(b)
        if width is None or len(a) > 1.6 * width:  # lines are whole paragraphs
            return True
        return not by_blank_lines and len(a) < 0.75 * width
    if is_heading_like(a):
        # a numbered title ("3. How We Will Advance Freedom: ...") is a heading at any length
        short = width is None or len(a) < 0.7 * width or bool(ENUMERATOR.match(a))
        return short and not (is_heading_like(b) and not ENUMERATOR.match(b) and len(b) < 90)
    return False


def _loose_line_breaks(blocks: Sequence[Sequence[str]]) -> bool:
    """Does the extractor break lines anywhere inside a paragraph, not at a wrap width (PDF
    text extracted in long lines: "... This new National" | "Security Strategy ...")? Blank
    lines part the paragraphs (several blocks), and a quarter or more of the line breaks
    inside blocks fall in the middle of a sentence."""
    pairs = [(a, b) for block in blocks for a, b in itertools.pairwise(block)]
    if len(blocks) < LOOSE_MIN_BLOCKS or not pairs:
        return False
    inside = sum(not ends_sentence(a) and not is_heading_like(a) and not BULLET.match(b)
                 for a, b in pairs)
    return inside >= 0.25 * len(pairs)


LOOSE_MIN_BLOCKS = 5


def _join(left: str, right: str, vocab: Counter, report: CleanupReport) -> str:
    """``left`` and ``right`` as one paragraph; a line-break hyphen joined is counted."""
    if not _HYPHEN_END.search(left) or left.endswith(" -"):
        return f"{left} {right}"
    text, joined = join_hyphenated(left, right, vocab)
    if joined:
        a, b = _HYPHEN_END.search(left).group(1), _LEADING_WORD.match(right).group(1)
        report.hyphen_joins += 1
        report.repairs.append({"kind": "hyphen", "before": f"{a}-{b}", "after": a + b})
    return text


def rejoin_lines(
    lines: Sequence[str], vocab: Counter, report: CleanupReport
) -> list[Paragraph]:
    """Blocks (separated by blank lines) -> paragraphs, rejoining hard-wrapped lines."""
    blocks: list[tuple[list[str], bool]] = []
    current: list[str] = []
    page_break = False
    for line in list(lines) + [""]:
        if line.strip() and line != PAGE_BREAK:
            current.append(line.strip())
            continue
        if current:
            blocks.append((current, page_break))
            current, page_break = [], False
        page_break = page_break or line == PAGE_BREAK
    width = _wrap_width([b for b, _ in blocks])
    # blank lines already separate paragraphs when blocks are short (not one block per page)
    by_blank_lines = len(blocks) >= 0.1 * sum(len(b) for b, _ in blocks)
    loose = width is None and by_blank_lines and _loose_line_breaks([b for b, _ in blocks])
    paragraphs: list[Paragraph] = []
    for block, broke in blocks:
        text = previous = block[0]
        first = True
        for line in block[1:]:
            if _starts_new_paragraph(previous, line, width, by_blank_lines, loose):
                paragraphs.append(Paragraph(text, broke and first))
                text = previous = line
                first = False
                continue
            previous = line
            text = _join(text, line, vocab, report)
            report.rejoined_lines += 1
        paragraphs.append(Paragraph(text, broke and first))
    return paragraphs


def _continues(a: Paragraph, b: Paragraph) -> bool:
    """Is ``b`` the rest of ``a``'s sentence, split by a blank line or a page break?"""
    left, right = a.text, b.text
    if BULLET.match(right) or ENUMERATOR.match(right) or right.startswith("#"):
        return False
    if left.startswith("#"):
        return False
    if ends_sentence(left):
        return _resumes_after_stop(left, right)
    if _CONTINUATION.match(right) and (not is_heading_like(left) or _sentence_head(left)):
        return True  # "... of the new Director for" + "foreign assistance": no heading
    if _HYPHEN_END.search(left) and not left.endswith(" -") and right[:1].isalpha():
        return True  # "sub-" + "Saharan": the hyphen rule decides whether it stays
    prose = len(left.split()) >= 6 and not is_heading_like(right)
    if prose and not is_heading_like(left) and _OPEN_END.search(left):
        return True  # "... North America, South America," + "Europe, Africa ..."
    if prose and not is_heading_like(left) and _RESUMES.match(right):
        return True  # "... the International Monetary Fund" + "(IMF), and ..."
    if not (b.after_page_break and prose):
        return False
    # a page break after a line that is no heading, or after a title-case line with a word in
    # small letters: a heading is never the last line of a page, its paragraph goes with it
    return not is_heading_like(left) or _sentence_head(left)


_OPEN_END = re.compile(  # a comma or a word no sentence ends on: the sentence goes on
    r"(?:,|\b(?:the|a|an|of|and|or|nor|to|in|for|with|by|from|on|at|as|than|that|its|their|our"
    r"|whose|which|between|such|including)|\s[-–—])$"
)
_RESUMES = re.compile(r"^(?:\([A-Z]{2,}[a-z]?\)|\$\d|[\"“][a-z])")  # "(IMF)", "$4.5", '"network"'
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}[\"'”’)\]]*$")  # U.S., U.N., e.g.
_LIST_ITEM_END = re.compile(r"(?:;|;\s+(?:and|or))$")


def _resumes_after_stop(left: str, right: str) -> bool:
    """A paragraph in small letters after a stop that ends no sentence: an abbreviation
    ("Thanks to U.S." + "leadership, the ..."; or the rest of a list item after one, whatever
    its first letter), or a colon or semicolon before a clause, where
    neither is an item of a list ("can fail;" + "and we know ..."; an item ends ";" or "; and",
    or opens in small letters or with a bullet)."""
    if is_heading_like(left):
        return False
    if BULLET.match(left) and _ABBREVIATION_END.search(left) and _LIST_ITEM_END.search(right):
        return True  # "* remain committed to the basic U.N." + "Framework Convention ...;"
    if not _CONTINUATION.match(right):
        return False
    if _ABBREVIATION_END.search(left):
        return True
    item = _LIST_ITEM_END.search(right.rstrip()) or left[:1].islower() or BULLET.match(left)
    return left.rstrip()[-1:] in ":;" and not item


def _sentence_head(text: str) -> bool:
    """A title-case-looking line that reads as the start of a sentence: six words or more, with
    a significant word in small letters that a title would capitalise ("Ongoing conflicts in
    Sudan, ..., and the Central African"), or ending on a word no title ends on."""
    lower = [w for w in _WORDS.findall(text)
             if len(w) >= 4 and w.islower() and w not in MINOR_WORDS]  # "with" may be small
    return len(text.split()) >= 6 and (bool(lower) or bool(_OPEN_END.search(text)))


def _interrupting_header(before: Paragraph, line: Paragraph, after: Paragraph) -> bool:
    """Is ``line`` a short heading-like line standing between two halves of one sentence?"""
    left = before.text
    return (
        not ends_sentence(left)
        and not is_heading_like(left)
        and len(left.split()) >= 6
        and is_heading_like(line.text)
        and len(line.text.split()) <= 12
        and bool(_CONTINUATION.match(after.text))
    )


def _float_end(texts: Sequence[str], start: int) -> int | None:
    """Index of the paragraph after a heading and its epigraph starting at ``start``."""
    if not is_heading_like(texts[start]) or BULLET.match(texts[start]):
        return None
    end = epigraph_end(texts, start + 1)
    return end if end is not None and end < len(texts) else None


def _interrupted(left: str, right: str) -> bool:
    """Is ``right`` the rest of ``left``'s sentence or list, cut by a block set beside the text?
    It opens in small letters (an item after its bullet), and ``left`` is unfinished: no stop
    and no heading, or a list's lead (":") or item (";", "; and") before an item."""
    item = BULLET.match(right)
    if not _CONTINUATION.match(BULLET.sub("", right, count=1)):
        return False
    if item:
        return left.rstrip()[-1:] in ":;" or bool(_LIST_ITEM_END.search(left.rstrip()))
    return not ends_sentence(left) and not is_heading_like(left)


def _list_start(out: Sequence[Paragraph], at: int) -> int:
    """Where the list ``out[at]`` is an item of begins: its lead (ending ":"), else its first
    item; ``at`` itself when it is no item."""
    j = at
    while j > 0 and at - j < LIST_REACH and _list_item(out[j].text):
        j -= 1
    if j == at:
        return at
    return j if out[j].text.rstrip().endswith(":") else j + 1


LIST_REACH = 20  # items a list runs back over to find its lead


def _list_item(text: str) -> bool:
    return bool(BULLET.match(text)) or text[:1].islower()


def join_quotations(
    paragraphs: list[Paragraph], vocab: Counter, report: CleanupReport
) -> list[Paragraph]:
    """A quotation set one line a paragraph (an epigraph) is one paragraph: from the one that
    opens it to the one that closes it, a few paragraphs on with no heading or item between."""
    texts = [p.text for p in paragraphs]
    out: list[Paragraph] = []
    i = 0
    while i < len(paragraphs):
        end = quotation_end(texts, i)
        if end is None:
            out.append(paragraphs[i])
            i += 1
            continue
        text = texts[i]
        for k in range(i + 1, end + 1):
            text = _join(text, texts[k], vocab, report)
            report.rejoined_lines += 1
        out.append(Paragraph(text, paragraphs[i].after_page_break))
        i = end + 1
    return out


def join_attributions(paragraphs: list[str]) -> list[str]:
    """An epigraph is one paragraph: a whole quotation and the attribution lines under it
    ("President Bush" / "West Point, New York June 1, 2002"; "—President Barack Obama, ...").
    The attribution stays in the text, after the quotation's closing mark, so it reads as the
    quotation's last sentence; alone it would be a passage of no content."""
    out: list[str] = []
    glued = False
    for k, text in enumerate(paragraphs):
        following = paragraphs[k + 1] if k + 1 < len(paragraphs) else ""
        if out and (quotation(out[-1]) or glued) and attribution(text, following):
            out[-1] = f"{out[-1]} {text}"
            glued = True
            continue
        out.append(text)
        glued = False
    return out


def join_broken_paragraphs(
    paragraphs: list[Paragraph], vocab: Counter, report: CleanupReport
) -> list[str]:
    """Join paragraphs cut mid-sentence by a page break or a stray blank line.

    A lone heading-like line inside a sentence ("drive the inclu-" | "III. PROSPERITY" |
    "sive economic growth") is a page header: it is dropped and counted as one.
    """
    out: list[Paragraph] = []
    texts = [p.text for p in paragraphs]
    skip_to = -1
    for i, para in enumerate(paragraphs):
        if i < skip_to:
            continue  # a heading and its epigraph, already put where their text begins
        end = _float_end(texts, i) if out else None
        if end is not None and _interrupted(out[-1].text, texts[end]):
            at = _list_start(out, len(out) - 1)
            report.repairs.append({  # listed: the words are the source's, in another order
                "kind": "moved", "before": texts[i], "after": out[at].text})
            out[at:at] = paragraphs[i:end]
            skip_to = end
            continue
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if out and following and _interrupting_header(out[-1], para, following):
            counts = report.header_footer_counts
            counts[para.text] = counts.get(para.text, 0) + 1
            continue
        if out and _continues(out[-1], para):
            text = _join(out[-1].text, para.text, vocab, report)
            out[-1] = Paragraph(text, out[-1].after_page_break)
            report.rejoined_lines += 1
        else:
            out.append(para)
    return [p.text for p in out]


def move_displaced_chapters(
    paragraphs: list[Paragraph],
    contents: dict[tuple, int],
    starts: dict[str, int],
    after_contents: str | None,
    report: CleanupReport,
) -> list[Paragraph]:
    """A chapter heading (and its epigraph) that the extractor put after the text of the page
    it opens goes before that page, where the text says where the page starts (``pages.py``);
    listed as a "moved" repair. Where the page's start is unknown nothing moves, and the text
    that may open the chapter is listed (``CleanupReport.unsure_chapters``)."""
    texts = [p.text for p in paragraphs]
    breaks = [p.after_page_break for p in paragraphs]
    known, unsure = displaced_chapters(texts, breaks, contents, starts, after_contents)
    report.unsure_chapters.extend({"heading": texts[h], "from": texts[k]} for h, k in unsure)
    out = list(paragraphs)
    for h, start in reversed(known):
        end = _float_end(texts, h) or h + 1
        report.repairs.append({"kind": "moved", "before": texts[h], "after": texts[start]})
        out[start:start] = [out.pop(h) for _ in range(end - h)]
    return out


def _first_text_after(lines: Sequence[str], index: int | None) -> str | None:
    """The first line with text after ``lines[index]``: where the body resumes after a block."""
    if index is None:
        return None
    return next((line.strip() for line in lines[index + 1 :]
                 if line.strip() and line != PAGE_BREAK), None)


# --- the pipeline ------------------------------------------------------------------------


def clean_text(text: str) -> tuple[list[str], CleanupReport]:
    """Raw extracted text -> clean paragraphs (headings still in place) and what was done."""
    report = CleanupReport()
    text, report.ligatures = fix_ligatures(normalise_whitespace(text))
    text, report.ocr_repairs = fix_ocr_glyphs(text, report.repairs)
    lines = text.split("\n")
    starts = page_starts(lines, footer_cuts(lines))
    lines, fused = drop_fused_footers(lines)
    lines, running = drop_running_lines(lines)
    lines, report.page_numbers = drop_page_numbers(lines)
    report.header_footer_counts = dict(fused + running)
    vocab = vocabulary("\n".join(lines))
    lines, spaced = fix_letterspacing(lines, vocab)
    report.letterspaced = len(spaced)
    report.repairs.extend(
        {"kind": "letterspacing", "before": before, "after": after} for before, after in spaced
    )
    lines, numerals = merge_numeral_lines(lines)
    after_contents = _first_text_after(lines, max(find_toc(lines), default=None))
    lines, toc = drop_toc(lines)
    report.toc_lines = numerals + toc
    lines, copies = drop_capitalised_copies(lines)
    report.header_footer_counts.update(
        (key, report.header_footer_counts.get(key, 0) + n) for key, n in copies.items()
    )
    paragraphs = join_quotations(rejoin_lines(lines, vocab, report), vocab, report)
    contents = contents_pages(report.toc_lines)
    paragraphs = move_displaced_chapters(paragraphs, contents, starts, after_contents, report)
    paragraphs = join_attributions(join_broken_paragraphs(paragraphs, vocab, report))
    counts = report.header_footer_counts
    report.header_footer_counts = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    report.headers_footers = list(report.header_footer_counts)
    report.header_footer_lines = sum(counts.values())
    return paragraphs, report
