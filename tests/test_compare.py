"""compare() on the real NSS corpus with the bundled model, and the CLI's JSON output."""

from __future__ import annotations

import json

import pytest

from concept_diff.comparison import compare

pytestmark = [pytest.mark.corpus, pytest.mark.model]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """One embedding cache for the module: the NSS texts are embedded once (the slow part)."""
    return tmp_path_factory.mktemp("compare-cache")


@pytest.fixture(scope="module")
def pairs(nss_files, cache):
    pytest.importorskip("sentence_transformers")
    from concept_diff.embed import get_embedder

    embedder = get_embedder(None, device="cpu", cache_dir=cache)
    return {
        (a, b): compare(nss_files[a], nss_files[b], embedder=embedder, analyse=False)
        for a, b in (("2010", "2015"), ("2002", "2006"))
    }


@pytest.mark.parametrize("pair", [("2010", "2015"), ("2002", "2006")])
def test_every_passage_accounted_for_once(pairs, pair) -> None:
    result = pairs[pair]
    contract = result.to_dict()
    for side, doc in (("old", result.old), ("new", result.new)):
        ids = sorted((i for e in contract["alignment"] for i in e[side]),
                     key=lambda p: int(p[1:]))
        assert ids == [p.id for p in doc.passages]
    kinds = {e["kind"] for e in contract["alignment"]}
    assert kinds <= {"unchanged", "edited", "rewritten", "moved", "split", "merged", "added",
                     "removed"}
    # different editions of one strategy: not everything is new. Passages pair up where the
    # pair decision is confident they say the same; the rest name a same-topic passage on the
    # other side (related), as a rewritten edition's map of topics
    paired = sum(1 for e in contract["alignment"] if e["old"] and e["new"])
    assert paired >= 0.03 * min(len(result.old.passages), len(result.new.passages))
    lonely = [e for e in contract["alignment"] if not (e["old"] and e["new"])]
    assert sum(1 for e in lonely if e["related"]) >= 0.8 * len(lonely)
    for entry in contract["alignment"]:
        if entry["old"] and entry["new"] and entry["kind"] != "unchanged":
            assert entry["redline"], entry
            old_ids = {s for x in entry["sentences"] for s in x["old"]}
            assert {s.split(".")[0] for s in old_ids} == set(entry["old"])


def test_alignment_frame_has_one_row_per_entry(pairs) -> None:
    result = pairs[("2010", "2015")]
    frame = result.alignment_frame()
    assert len(frame) == len(result.alignment.entries)
    assert set(frame["kind"]) == {e.kind for e in result.alignment.entries}
    linked = frame[frame["old"].ne("") & frame["new"].ne("")]
    lonely = frame[frame["old"].eq("") | frame["new"].eq("")]
    assert linked["confidence"].notna().any() and lonely["confidence"].isna().all()
    assert lonely["related"].notna().sum() == sum(
        1 for e in result.alignment.entries if e.related)  # the pointer, as in the JSON


def test_parameters_report_the_calibrated_threshold(pairs) -> None:
    params = pairs[("2010", "2015")].to_dict()["parameters"]
    assert params["calibration"]["method"] == "random-pairs"
    assert params["calibration"]["random_quantile"] < params["threshold"] < 1


def test_json_is_byte_identical_across_runs(nss_files, tmp_path, cache, pairs) -> None:
    from concept_diff.api import compare_files

    outputs = []
    for run in range(2):
        out = tmp_path / f"run{run}.json"
        result = compare_files(nss_files["2002"], nss_files["2006"], model=None, device="cpu",
                               cache_dir=cache, output=out, fmt="json")
        assert result.written == [out]
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    contract = json.loads(outputs[0])
    assert contract["schema"] == "concept-diff/1"
    assert contract["old"]["source"] == str(nss_files["2002"])
    assert contract["model"]["name"]
    assert contract["terms"] and contract["headlines"]
