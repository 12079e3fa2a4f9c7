"""Corpus: dated folders and corpus.toml manifests, where texts are found, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from concept_diff.errors import InputError
from concept_diff.series.corpus import date_from_name, load_corpus

ROOT = Path(__file__).resolve().parent.parent
DOC = "# A Strategy\n\n## Aims\n\n1. We aim to keep the peace in {year}.\n\n2. We will {verb} our allies.\n"


def write_doc(path: Path, year: str, verb: str = "support") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC.format(year=year, verb=verb), encoding="utf-8")
    return path


def test_date_from_name_takes_only_valid_parts() -> None:
    assert date_from_name("2015-02-06-national-security-strategy.txt") == "2015-02-06"
    assert date_from_name("2010-national-security-strategy.pdf") == "2010"
    assert date_from_name("2022-06-strategic-concept.pdf") == "2022-06"
    assert date_from_name("2012-13-odd.txt") == "2012"
    assert date_from_name("20150-x.txt") is None
    assert date_from_name("SOURCES.md") is None


def test_folder_is_ordered_by_date_and_skips_notes(tmp_path: Path) -> None:
    write_doc(tmp_path / "2015-02-strategy.md", "2015")
    write_doc(tmp_path / "2002-strategy.md", "2002")
    write_doc(tmp_path / "2010-05-19-strategy.txt", "2010")
    (tmp_path / "SOURCES.md").write_text("Where the texts came from.\n", encoding="utf-8")
    (tmp_path / "2020-notes.csv").write_text("a,b\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [e.date for e in corpus.entries] == ["2002", "2010-05-19", "2015-02"]
    assert corpus.name == tmp_path.name
    documents = corpus.documents()
    assert [d.date for d in documents] == ["2002", "2010-05-19", "2015-02"]
    assert [p.label for p in documents[0].passages] == ["1", "2"]
    pairs = corpus.pairs()
    assert [(a.date, b.date) for a, b in pairs] == [("2002", "2010-05-19"), ("2010-05-19", "2015-02")]


def test_manifest_entries_sorted_with_urls_in_order(tmp_path: Path) -> None:
    write_doc(tmp_path / "texts" / "b.md", "2020")
    write_doc(tmp_path / "texts" / "a.md", "2010")
    manifest = tmp_path / "corpus.toml"
    manifest.write_text(
        'name = "demo"\ntitle = "Demo series"\n'
        '[[document]]\ntitle = "Later"\ndate = 2020-06-29\nfile = "texts/b.md"\n'
        'urls = ["https://example.org/b.pdf", "https://example.org/b.htm"]\n'
        f'sha256 = "{"AB" * 32}"\n'
        '[[document]]\ntitle = "Earlier"\ndate = "2010"\nfile = "texts/a.md"\n'
        'url = "http://example.org/a.htm"\n',
        encoding="utf-8",
    )
    corpus = load_corpus(manifest)
    assert (corpus.name, corpus.title) == ("demo", "Demo series")
    assert [(e.title, e.date, e.key) for e in corpus.entries] == [
        ("Earlier", "2010", "a"),
        ("Later", "2020-06-29", "b"),
    ]
    later = corpus.entries[1]
    assert later.urls == ("https://example.org/b.pdf", "https://example.org/b.htm")
    assert later.sha256 == "ab" * 32
    assert corpus.resolve(later) == tmp_path / "texts" / "b.md"
    assert [d.title for d in corpus.documents()] == ["Earlier", "Later"]
    assert load_corpus(tmp_path).name == "demo"  # a folder holding a manifest means the manifest


def test_missing_text_names_entry_and_suggests_fetch(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CONCEPT_DIFF_CORPORA", raising=False)
    monkeypatch.setenv("CONCEPT_DIFF_DATA", str(tmp_path / "data"))
    manifest = tmp_path / "series" / "corpus.toml"
    manifest.parent.mkdir()
    manifest.write_text(
        '[[document]]\ntitle = "Only Online"\ndate = "1999-04-24"\n'
        'urls = ["https://example.org/x.htm"]\n',
        encoding="utf-8",
    )
    corpus = load_corpus(manifest)
    assert corpus.resolve(corpus.entries[0]) is None
    with pytest.raises(InputError, match=r"1999-04-24 'Only Online'.*concept-diff fetch series"):
        corpus.documents()


def test_text_found_in_shared_corpora_then_fetch_folder(tmp_path: Path, monkeypatch) -> None:
    manifest = tmp_path / "repo" / "corpora" / "nss" / "corpus.toml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        'name = "nss"\n[[document]]\ndate = "2002"\nfile = "2002-nss.md"\n'
        '[[document]]\ndate = "2022"\nid = "late"\nurls = ["https://example.org/late.html"]\n',
        encoding="utf-8",
    )
    shared = write_doc(tmp_path / "shared" / "nss" / "2002-nss.md", "2002")
    fetched = tmp_path / "data" / "nss" / "late"
    write_doc(fetched / "source.md", "2022", verb="defend")
    (fetched / "provenance.json").write_text(json.dumps({"file": "source.md"}), encoding="utf-8")
    monkeypatch.setenv("CONCEPT_DIFF_CORPORA", str(tmp_path / "shared"))
    corpus = load_corpus(manifest, data_dir=tmp_path / "data")
    assert [corpus.resolve(e) for e in corpus.entries] == [shared, fetched / "source.md"]
    assert "defend" in corpus.documents()[1].text
    monkeypatch.setenv("CONCEPT_DIFF_DATA", str(tmp_path / "data"))
    assert load_corpus(manifest).resolve(corpus.entries[1]) == fetched / "source.md"


def test_bare_series_name_finds_the_package_manifests(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # not inside the checkout: the package-relative folder answers
    monkeypatch.delenv("CONCEPT_DIFF_CORPORA", raising=False)
    nato = load_corpus("nato-strategic-concepts")
    assert nato.root == ROOT / "corpora" / "nato-strategic-concepts" / "corpus.toml"
    assert [e.date[:4] for e in nato.entries] == ["1991", "1999", "2010", "2022"]
    for entry in nato.entries:
        assert entry.title and entry.urls
        assert all(u.startswith("https://www.nato.int/") for u in entry.urls)
    assert len(nato.entries[-1].urls) >= 2


def test_nss_manifest_resolves_the_shared_texts(nss_dir: Path, nss_files, monkeypatch) -> None:
    monkeypatch.setenv("CONCEPT_DIFF_CORPORA", str(nss_dir.parent))
    corpus = load_corpus(ROOT / "corpora" / "us-national-security-strategy" / "corpus.toml")
    assert [corpus.resolve(e) for e in corpus.entries] == list(nss_files.values())
    assert [e.date for e in corpus.entries] == ["2002-09", "2006-03", "2010-05", "2015-02"]
    assert all(e.urls and e.urls[0].startswith("https://") for e in corpus.entries)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[document]\ndate = 2010", "invalid TOML"),
        ('[[document]]\ntitle = "No date"\nfile = "a.md"\n', "has no date"),
        ('[[document]]\ndate = "2010-13"\nfile = "a.md"\n', "is not YYYY"),
        ('[[document]]\ndate = "2010"\nurls = ["ftp://example.org/a.pdf"]\n', "only http"),
        ('[[document]]\ndate = "2010"\n', "neither `file` nor `urls`"),
        ('title = "x"\n', "no \\[\\[document\\]\\] entries"),
        ('[[document]]\ndate = "2010"\nfile = "a.md"\nsha256 = "abc"\n', "64 hex"),
    ],
)
def test_bad_manifests_are_one_line_input_errors(tmp_path: Path, text: str, message: str) -> None:
    manifest = tmp_path / "corpus.toml"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_corpus(manifest)
    assert "\n" not in str(caught.value) and str(manifest) in str(caught.value)


def test_folder_without_documents_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes\n", encoding="utf-8")
    with pytest.raises(InputError, match="no documents in folder"):
        load_corpus(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        load_corpus(tmp_path / "absent")
    with pytest.raises(InputError, match="no such file"):
        load_corpus("no-such-series-anywhere")
