"""watch: re-runs update after a change in the corpus folder, and only then."""

from __future__ import annotations

from pathlib import Path

from concept_diff.series.watch import folder_signature, watch


def test_watch_runs_once_per_settled_change(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "2010-a.txt").write_text("first version\n")
    runs: list[int] = []
    ticks = {"n": 0}

    def fake_sleep(_seconds: float) -> None:
        # The folder changes during the 2nd look (a new file), then once more while settling.
        ticks["n"] += 1
        if ticks["n"] == 2:
            (corpus / "2015-b.txt").write_text("second version, being copied")
        if ticks["n"] == 3:
            (corpus / "2015-b.txt").write_text("second version, copied in full\n")

    count = watch(corpus, lambda: runs.append(len(folder_signature(corpus))),
                  interval=0, settle=0, max_runs=2, sleep=fake_sleep)
    assert count == 2
    assert runs == [1, 2]  # once at start, once after the new file settled (not twice)


def test_signature_ignores_hidden_files_and_sees_edits(tmp_path: Path):
    (tmp_path / "2010-a.txt").write_text("one")
    before = folder_signature(tmp_path)
    (tmp_path / ".concept-diff").mkdir()
    (tmp_path / ".concept-diff" / "state.json").write_text("{}")
    assert folder_signature(tmp_path) == before
    (tmp_path / "2010-a.txt").write_text("one, edited")
    assert folder_signature(tmp_path) != before
