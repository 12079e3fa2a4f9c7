"""Loaders: encodings, HTML/PDF/DOCX built in the test, and the real NSS texts."""

from __future__ import annotations

import hashlib
import io
import re
import time
from pathlib import Path

import pytest

from concept_diff.loaders import load_document, load_text

TEXT = (
    "The Alliance’s Strategy\n\n"
    "The alliance will defend every member — café owners and farmers alike.\n\n"
    "It will work with partners and invest in resilience.\n"
)


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("cp1252", b""),
    ],
)
def test_text_encodings_decode_to_the_same_document(tmp_path, encoding, bom):
    path = tmp_path / "2030-strategy.txt"
    data = bom + TEXT.encode(encoding)
    path.write_bytes(data)
    doc = load_document(path)
    assert "café owners" in doc.passages[0].text and "—" in doc.passages[0].text
    assert doc.title == "The Alliance’s Strategy"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.date == "2030"


def test_latin1_text(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes("Les alliés défendent la sécurité de l'Europe.".encode("latin-1"))
    assert load_document(path).passages[0].text == "Les alliés défendent la sécurité de l'Europe."


def test_html_keeps_headings_and_paragraphs_drops_chrome(tmp_path):
    html = """<!DOCTYPE html><html><head><style>p {color: red}</style>
    <script>var tracking = "do not read me";</script></head><body>
    <header>Site banner</header><nav><ul><li>Home</li><li>About</li></ul></nav>
    <h1>Strategic Concept</h1><h2>Core Tasks</h2>
    <p>1. The Alliance will deter and defend against all threats.</p>
    <ul><li>Crisis prevention and management matter.</li></ul>
    <aside>Related links</aside><footer>© Somebody</footer></body></html>"""
    path = tmp_path / "concept.html"
    path.write_text(html, encoding="utf-8")
    doc = load_document(path)
    # the <h1> is the title (the cover), not a section
    assert [(s.heading, s.level) for s in doc.sections] == [("Core Tasks", 2)]
    assert doc.title == "Strategic Concept" and doc.cleanup.cover == ["Strategic Concept"]
    assert [p.text for p in doc.passages] == [
        "The Alliance will deter and defend against all threats.",
        "Crisis prevention and management matter.",
    ]
    assert doc.passages[0].label == "1"
    for junk in ("tracking", "Site banner", "Home", "Related", "Somebody", "color"):
        assert junk not in doc.text
    assert doc.format == "html"


def test_html_is_sniffed_even_with_a_txt_name(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<html><body><p>Hello there, allies.</p></body></html>", encoding="utf-8")
    assert load_document(path).format == "html"


def _pdf_bytes(pages: list[list[str]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buffer) as pdf:
        for number, lines in enumerate(pages, 1):
            figure = plt.figure(figsize=(8.5, 11))
            for row, line in enumerate(lines):
                figure.text(0.08, 0.94 - 0.03 * row, line, fontsize=9)
            figure.text(0.5, 0.03, str(number), fontsize=9)
            pdf.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()


def test_pdf_text_layer_pages_joined_and_running_header_dropped(tmp_path):
    header = "ACME ALLIANCE STRATEGY"
    pages = [
        [header, "The alliance has kept the peace for decades and it will keep it for as long",
         "as its members stand together and invest in their common defence and in the",
         "resilience of their societies against every kind of threat that may arise."],
        [header, "Partners matter to the alliance because no member can meet the challenges",
         "of this century alone, and the alliance will therefore work with all who share",
         "its values and its interest in a stable and peaceful international order."],
        [header, "Technology is changing how wars are fought, and the alliance will adapt its",
         "forces, its planning and its industry so that it keeps the edge it needs to",
         "deter aggression and to defend every part of its territory if deterrence fails."],
    ]
    path = tmp_path / "2040-strategy.pdf"
    path.write_bytes(_pdf_bytes(pages))
    doc = load_document(path)
    assert doc.format == "pdf"
    assert doc.cleanup.header_footer_counts == {header: 3}
    assert doc.cleanup.page_numbers == 3
    assert [p.text.split()[0] for p in doc.passages] == ["The", "Partners", "Technology"]
    assert doc.passages[0].text.endswith("threat that may arise.")
    assert header not in doc.text


def test_docx_heading_styles_become_headings(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Strategic Concept 2040", level=0)
    document.add_heading("Core Tasks", level=1)
    document.add_paragraph("1. The Alliance will deter and defend against all threats.")
    document.add_paragraph("Crisis prevention is a core task of the alliance.")
    path = tmp_path / "2040-concept.docx"
    document.save(path)
    doc = load_document(path)
    assert [(s.heading, s.level) for s in doc.sections] == [("Core Tasks", 1)]
    assert [p.label for p in doc.passages] == ["1", None]
    assert doc.title == "Strategic Concept 2040"
    assert doc.format == "docx"


def test_load_text_offsets_are_spans_of_the_document():
    doc = load_text("Title Line\n\nFirst para. Second sentence.\n\nAnother one here.")
    for passage in doc.passages:
        assert doc.text[passage.start : passage.end] == passage.text
        for sentence in passage.sentences:
            assert passage.text[sentence.start : sentence.end] == sentence.text


# --- the real corpus -------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\W*(?:\d{1,3}|[ivxlc]{1,6})\W*$", re.IGNORECASE)
_LIGATURE = re.compile("[\ufb00-\ufb06]")


@pytest.fixture(scope="module")
def nss_docs(nss_files):
    return {year: load_document(path) for year, path in nss_files.items()}


def test_nss_passages_are_not_page_numbers_running_lines_or_toc(nss_docs):
    for year, doc in nss_docs.items():
        removed = {line.lower() for line in doc.cleanup.toc_lines}
        running = [re.compile(re.escape(k).replace("\\#", r"\d+")) for k in doc.cleanup.headers_footers]
        for passage in doc.passages:
            text = passage.text.strip()
            assert not _PAGE_NUMBER.match(text), (year, passage.id, text)
            assert text.lower() not in removed, (year, passage.id, text)
            assert not re.search(r"(?:\.\s?){6,}\s*\d", text), (year, passage.id, text)
            assert not any(r.fullmatch(text) for r in running), (year, passage.id, text)
            assert not re.search(r"National Security Strategy \d{1,2}\b", text), (year, text)


def test_nss_running_headers_found(nss_docs):
    counts = {y: d.cleanup.header_footer_counts for y, d in nss_docs.items()}
    assert counts["2010"]["III. ADVANCING OUR INTERESTS"] == 17
    assert counts["2010"]["NATIONAL SECURITY STRATEGY"] >= 20
    assert counts["2002"]["National Security Strategy #"] >= 10  # fused into lines
    assert nss_docs["2010"].cleanup.page_numbers >= 45
    assert "III. ADVANCING OUR INTERESTS" not in nss_docs["2010"].text
    assert all(len(d.cleanup.toc_lines) >= 2 for d in nss_docs.values())


def _corpus_vocabulary(raw_texts: list[str]) -> set[str]:
    words: set[str] = set()
    for raw in raw_texts:
        unsplit = re.sub(r"[A-Za-z]+-[ \t]*\n[\s]*[A-Za-z]+", " ", raw)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", unsplit))
    return words


def test_nss_no_word_left_split_by_a_line_break_hyphen(nss_files, nss_docs):
    raws = {y: p.read_text(encoding="utf-8") for y, p in nss_files.items()}
    vocabulary = _corpus_vocabulary(list(raws.values()))
    checked = 0
    for year, raw in raws.items():
        text = nss_docs[year].text
        assert not re.search(r"[a-z]-\n", text)
        for a, b in re.findall(r"([A-Za-z]+)-[ \t]*\n\s*([a-z]+)", raw):
            if (a + b).lower() in vocabulary and f"{a}-{b}".lower() not in raw.lower():
                checked += 1
                assert f"{a}- {b}" not in text and f"{a}-{b}" not in text, (year, a, b)
                assert f"{a}{b}" in text, (year, a, b)
    assert checked > 100


def test_nss_known_repairs(nss_docs):
    text2002 = nss_docs["2002"].text
    assert "concentrations" in text2002 or "concen-" not in text2002
    assert "self-defense" in text2002
    assert "development experts who can strengthen governance" in nss_docs["2010"].text
    assert "FEBRUARY 2015" in nss_docs["2015"].text


def test_nss_no_ligatures_and_plausible_counts(nss_docs):
    for year, doc in nss_docs.items():
        assert not _LIGATURE.search(doc.text), year
        passages, sentences = len(doc.passages), doc.sentence_count
        print(f"NSS {year}: {doc.words} words, {passages} passages, {sentences} sentences")
        assert 100 <= passages <= 700, (year, passages)
        assert 1.5 * passages <= sentences <= 8 * passages, (year, sentences)
        one_liners = sum(1 for p in doc.passages if p.words < 5)
        assert one_liners <= 0.05 * passages, (year, one_liners)
        assert max(p.words for p in doc.passages) < 1000, year
        assert doc.words >= 0.9 * len(doc.text.split())  # nothing big lost to headings


def test_nss_titles_and_dates(nss_docs):
    for year, doc in nss_docs.items():
        assert doc.date == year
        assert "national security strategy" in doc.title.lower(), (year, doc.title)


def test_loading_a_28k_word_text_is_fast(nss_files):
    start = time.perf_counter()
    doc = load_document(nss_files["2010"])
    elapsed = time.perf_counter() - start
    print(f"NSS 2010 ({doc.words} words) loaded in {elapsed:.2f}s")
    assert elapsed < 10  # generous: shared CI cores; the figure is printed for the record


def test_nss_source_hash_is_of_the_file_bytes(nss_files, nss_docs):
    data = Path(nss_files["2006"]).read_bytes()
    assert nss_docs["2006"].sha256 == hashlib.sha256(data).hexdigest()


def test_html_ordered_list_items_keep_their_numbers_as_labels():
    from concept_diff.loaders import load_text

    html = (
        "<html><body><h1>Strategy</h1><h2>Aims</h2><ol><li>The first aim, stated in full.</li>"
        "<li>The second aim.</li></ol><h2>Means</h2><ol start='3'><li>The third, a means.</li>"
        "<li>12. Already numbered.</li></ol><ul><li>A bullet, not a paragraph number.</li></ul>"
        "</body></html>"
    )
    doc = load_text(html, fmt="html")
    assert [p.label for p in doc.passages] == ["1", "2", "3", "12", None]
    assert doc.passages[2].text == "The third, a means." and doc.passages[2].section == "Means"
