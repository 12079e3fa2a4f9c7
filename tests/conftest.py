"""Shared fixtures. Tests on the real corpus read it from $CONCEPT_DIFF_CORPORA (never committed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NSS_YEARS = ("2002", "2006", "2010", "2015")


def corpora_root() -> Path | None:
    value = os.environ.get("CONCEPT_DIFF_CORPORA")
    return Path(value) if value else None


@pytest.fixture(scope="session")
def nss_dir() -> Path:
    """The US National Security Strategy folder; skipped (visibly) only when the variable is unset."""
    root = corpora_root()
    if root is None:
        pytest.skip("CONCEPT_DIFF_CORPORA is unset: real-corpus tests need ../shared/corpora")
    folder = root / "us-national-security-strategy"
    assert folder.is_dir(), f"CONCEPT_DIFF_CORPORA is set but {folder} is missing"
    return folder


@pytest.fixture(scope="session")
def nss_files(nss_dir: Path) -> dict[str, Path]:
    return {year: nss_dir / f"{year}-national-security-strategy.txt" for year in NSS_YEARS}


@pytest.fixture(scope="session")
def minilm(tmp_path_factory):
    """The bundled all-MiniLM-L6-v2 embedder (loaded once per session, cache in a temp dir)."""
    pytest.importorskip("sentence_transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from concept_diff.embed import get_embedder

    return get_embedder(None, device="cpu", cache_dir=tmp_path_factory.mktemp("minilm-cache"))


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests never read or fill the user's real cache; one cache is shared by the whole run."""
    if "CONCEPT_DIFF_CACHE_FOR_TESTS" in os.environ:  # opt-in: reuse a cache across runs
        os.environ["CONCEPT_DIFF_CACHE"] = os.environ["CONCEPT_DIFF_CACHE_FOR_TESTS"]
    else:
        os.environ["CONCEPT_DIFF_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
