"""`concept-diff inspect`: what was loaded from a file or a corpus folder, as text or JSON.

The JSON of one document (``summary``) is one object; of a corpus, ``{"corpus", "documents":
[...]}``. With ``--passages`` each document carries ``passage_list``: one object per passage,
``{id, label, section, start, end, words, sentences, text}`` with the passage's full text, so
``pandas.DataFrame(doc["passage_list"])`` is a table of the document (README: "inspect JSON").
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .errors import InputError
from .model import Document

_FIRST_WORDS = 12
_REPAIRS_SHOWN = 8


def inspect_path(path: str | Path, *, passages: bool = False, as_json: bool = False) -> str:
    """Describe one document, or every document of a corpus folder / corpus.toml in date order."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or directory", path)
    if path.is_dir() or path.name == "corpus.toml":
        documents = corpus_documents(path)
        if as_json:
            payload = {"corpus": str(path), "documents": [summary(d, passages) for d in documents]}
            return json.dumps(payload, indent=2, ensure_ascii=False)
        return "\n\n".join(describe(d, passages=passages) for d in documents)
    from .loaders import load_document

    document = load_document(path)
    if as_json:
        return json.dumps(summary(document, passages), indent=2, ensure_ascii=False)
    return describe(document, passages=passages)


def corpus_documents(path: Path) -> list[Document]:
    """The series' documents by date (concept_diff.series.corpus; a plain folder scan until it exists)."""
    try:
        from .series.corpus import load_corpus
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.corpus":
            raise
        load_corpus = None
    if load_corpus is not None:
        return list(load_corpus(path).documents())
    if not path.is_dir():
        raise InputError("corpus.toml needs concept_diff.series.corpus, which is not installed", path)
    return _scan_folder(path)


def _scan_folder(folder: Path) -> list[Document]:
    from .loaders import EXTENSIONS, load_document
    from .segment import date_from_path

    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS)
    dated = [p for p in files if date_from_path(p)]
    files = dated or files  # a series names its versions YYYY[-MM[-DD]]-slug; notes are not one
    if not files:
        raise InputError("no documents (.txt .md .html .pdf .docx) in folder", folder)
    documents = [load_document(p) for p in files]
    return sorted(documents, key=lambda d: (d.date or "", d.source))


def summary(document: Document, passages: bool = False) -> dict:
    """The facts `inspect` shows, as a JSON-ready dict."""
    data = {
        "source": document.source,
        "title": document.title,
        "date": document.date,
        "format": document.format,
        "sha256": document.sha256,
        "words": document.words,
        "sections": len(document.sections),
        "passages": len(document.passages),
        "sentences": document.sentence_count,
        "cleanup": document.cleanup.to_dict(),
    }
    if passages:
        data["passage_list"] = [
            {
                "id": p.id,
                "label": p.label,
                "section": p.section,
                "start": p.start,
                "end": p.end,
                "words": p.words,
                "sentences": len(p.sentences),
                "text": p.text,
            }
            for p in document.passages
        ]
    return data


def first_words(text: str, count: int = _FIRST_WORDS) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def describe(document: Document, *, passages: bool = False) -> str:
    """Plain-text report of one document."""
    lines = [
        document.source,
        f"  title:     {document.title}",
        f"  date:      {document.date or '(unknown)'}",
        f"  format:    {document.format}   sha256 {document.sha256[:16]}…",
        f"  words:     {document.words:,}",
        f"  sections:  {len(document.sections):,}",
        f"  passages:  {len(document.passages):,}",
        f"  sentences: {document.sentence_count:,}",
        *_cleanup_lines(document),
    ]
    if passages:
        lines.append("  passages:")
        lines.extend(_passage_line(p) for p in document.passages)
    return "\n".join(lines)


def _cleanup_lines(document: Document) -> list[str]:
    report = document.cleanup
    lines = ["  clean-up:"]
    if report.header_footer_counts:
        lines.append(f"    running headers/footers removed: {report.header_footer_lines} lines")
        lines.extend(f"      {count:>3} × {line}" for line, count in report.header_footer_counts.items())
    lines.append(f"    page numbers removed:  {report.page_numbers}")
    lines.append(f"    table-of-contents lines removed: {len(report.toc_lines)}")
    lines.append(f"    line-break hyphens joined: {report.hyphen_joins}")
    lines.append(f"    ligatures replaced:    {report.ligatures}")
    lines.append(f"    letter-spaced runs closed: {report.letterspaced}")
    lines.append(f"    hard-wrapped lines rejoined: {report.rejoined_lines}")
    lines.append(f"    OCR slips repaired:    {report.ocr_repairs}")
    if report.cover:
        lines.append(f"    cover (title page, in no section): {' | '.join(report.cover)[:120]}")
    if report.unsure_chapters:  # the passages before each such heading name both chapters
        lines.append(f"    chapter starts unknown (page before without footer): "
                     f"{len(report.unsure_chapters)}")
    if report.repairs:
        kinds = Counter(repair["kind"] for repair in report.repairs)
        lines.append("    words repaired: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        lines.extend(
            f"      {r['kind']:<13} {r['before']!r} -> {r['after']!r}"
            for r in report.repairs[:_REPAIRS_SHOWN]
        )
        if len(report.repairs) > _REPAIRS_SHOWN:
            lines.append(f"      … {len(report.repairs) - _REPAIRS_SHOWN} more (--json lists all)")
    return lines


def _passage_line(passage) -> str:
    label = f"[{passage.label}]" if passage.label else ""
    section = f"§ {_section_cell(passage.section)}" if passage.section else ""
    return f"    {passage.id:>5} {label:>6} {section:<43} {first_words(passage.text)}"


def _section_cell(section: str, width: int = 40) -> str:
    """A section label in ``width`` characters; a heading path keeps its last heading
    ("II. Champion Aspir… › C. The Way Ahead")."""
    from .loaders.outline import LABEL_SEPARATOR, is_unsure

    if len(section) <= width:
        return section
    if is_unsure(section):  # the section before or the next: "ii. Champ… or … (uncertain)"
        mark = "… or … (uncertain)"
        return section[: width - len(mark)] + mark
    head, separator, tail = section.rpartition(LABEL_SEPARATOR)
    if not separator:
        return section[:width]
    tail = tail[: width // 2]
    return f"{head[: width - len(tail) - len(separator) - 1]}…{separator}{tail}"
