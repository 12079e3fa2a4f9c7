"""Regenerate concept_diff/data/english_zipf.txt from the wordfreq package (dev time only).

    .venv/bin/pip install wordfreq==3.1.1 && .venv/bin/python tests/data/make_english_zipf.py

One general-English word list serves the whole package (concept_diff/english.py): the loader's
repairs ask whether a piece of text is a real word (Zipf >= 2.5) and the headlines how specific
a term is. The list is wordfreq's 80,000 most frequent English words with their Zipf frequency
(log10 of occurrences per billion words) rounded to 0.1, one line per value.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TOP = 80_000
TARGET = Path(__file__).resolve().parents[2] / "concept_diff" / "data" / "english_zipf.txt"
HEADER = """\
# General-English word frequencies (Zipf scale: log10 of occurrences per billion words),
# one line per value: ZIPF<TAB>words. Generated at development time from wordfreq {version}
# (top_n_list('en', {top}), zipf_frequency(word, 'en'), rounded to 0.1).
# wordfreq's data is licensed CC BY-SA 4.0 (https://github.com/rspeer/wordfreq,
# Robyn Speer and contributors); this derived list is shared under the same licence.
# Words not listed are rarer than about 2.1 (treated as specific).
"""


def main() -> None:
    from importlib.metadata import version

    import wordfreq

    by_value: dict[float, list[str]] = defaultdict(list)
    for word in wordfreq.top_n_list("en", TOP):
        if word and all(c.isalpha() or c == "'" for c in word):  # words, not numbers or 'u.s'
            by_value[round(wordfreq.zipf_frequency(word, "en"), 1)].append(word)
    lines = [HEADER.format(version=version("wordfreq"), top=TOP)]
    lines += [f"{value:.1f}\t{' '.join(sorted(by_value[value]))}\n" for value in sorted(by_value,
                                                                                   reverse=True)]
    TARGET.write_text("".join(lines), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
