"""`concept-diff inspect`: the same facts as text and as JSON, for a file and for a folder."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from typer.testing import CliRunner

from concept_diff.cli import app
from concept_diff.inspect import inspect_path

DOC = """ACME STRATEGY 2030

I. Threats

1. The alliance faces new threats from many directions. It must adapt.

2. Cyber attacks are growing. They target infrastructure.

II. Answers

3. The alliance will invest in resilience and in its partners.
"""


def test_inspect_text_and_json_agree(tmp_path):
    path = tmp_path / "2030-acme-strategy.txt"
    path.write_text(DOC, encoding="utf-8")
    data = json.loads(inspect_path(path, passages=True, as_json=True))
    assert data["title"] == "Acme Strategy 2030" and data["date"] == "2030"
    assert (data["passages"], data["sections"], data["sentences"]) == (3, 2, 5)
    assert [p["label"] for p in data["passage_list"]] == ["1", "2", "3"]
    assert data["passage_list"][2]["section"] == "II. Answers"
    assert data["passage_list"][0]["text"] == (
        "The alliance faces new threats from many directions. It must adapt."
    )
    text = inspect_path(path, passages=True)
    assert "title:     Acme Strategy 2030" in text
    assert f"words:     {data['words']}" in text
    assert "passages:  3" in text and "sentences: 5" in text
    assert "p3" in text and "[3]" in text and "§ II. Answers" in text
    assert "p1" not in inspect_path(path)


def test_cli_inspect_json(tmp_path):
    path = tmp_path / "2030-acme-strategy.md"
    path.write_text(DOC, encoding="utf-8")
    result = CliRunner().invoke(app, ["inspect", str(path), "--json", "--passages"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["passage_list"][0]["id"] == "p1"


def test_inspect_folder_lists_documents_by_date(tmp_path):
    (tmp_path / "2040-acme-strategy.txt").write_text(DOC.replace("2030", "2040"), encoding="utf-8")
    (tmp_path / "2030-acme-strategy.txt").write_text(DOC, encoding="utf-8")
    data = json.loads(inspect_path(tmp_path, as_json=True))
    assert [d["date"] for d in data["documents"]] == ["2030", "2040"]


def test_inspect_nss_reports_cleanup(nss_files):
    data = json.loads(inspect_path(nss_files["2010"], as_json=True))
    cleanup = data["cleanup"]
    assert cleanup["header_footer_counts"]["III. ADVANCING OUR INTERESTS"] == 17
    assert cleanup["page_numbers"] >= 45 and cleanup["ligatures"] > 100
    assert cleanup["hyphen_joins"] > 50 and len(cleanup["toc_lines"]) >= 10
    text = inspect_path(nss_files["2010"])
    assert "17 × III. ADVANCING OUR INTERESTS" in text
    assert f"passages:  {data['passages']}" in text


def test_help_is_fast_and_imports_nothing_heavy():
    code = (
        "import sys, time; t = time.perf_counter();"
        "from concept_diff.cli import app;"
        "heavy = [m for m in ('torch', 'pandas', 'pysbd', 'pypdf', 'selectolax', 'docx',"
        " 'matplotlib', 'sentence_transformers') if m in sys.modules];"
        "print(heavy, time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("[]"), out.stdout
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "concept_diff", "--help"], capture_output=True, text=True, check=False
    )
    print(f"concept-diff --help: {time.perf_counter() - start:.2f}s")
    assert result.returncode == 0 and "inspect" in result.stdout


def test_inspect_json_passages_load_into_pandas_with_full_text(tmp_path):
    import pandas as pd

    from concept_diff.loaders import load_document

    for name in ("2030-acme-strategy.txt", "2040-acme-strategy.txt"):
        (tmp_path / name).write_text(DOC.replace("2030", name[:4]), encoding="utf-8")
    result = CliRunner().invoke(app, ["inspect", str(tmp_path), "--json", "--passages"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    frame = pd.json_normalize(data["documents"], "passage_list", ["source", "title", "date"])
    assert list(frame.columns[:8]) == [
        "id", "label", "section", "start", "end", "words", "sentences", "text"
    ]
    assert len(frame) == 6 and set(frame["date"]) == {"2030", "2040"}
    document = load_document(tmp_path / "2040-acme-strategy.txt")
    one = pd.DataFrame(data["documents"][1]["passage_list"])
    assert one["text"].tolist() == [p.text for p in document.passages]
    assert all(document.text[a:b] == t for a, b, t in zip(one["start"], one["end"], one["text"]))
