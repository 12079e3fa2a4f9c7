"""Load times of the NSS texts: fresh (cache off) beside cold and warm document-cache loads.

    CONCEPT_DIFF_CORPORA=../shared/corpora python bench/bench_load.py [--repeat 3]

Columns, best of ``--repeat`` runs, all measured in this run:
  stock pysbd  fresh load with the sentence splitting as it was before (pysbd's own span search,
               no single-sentence shortcut): the baseline for the splitting speed-up
  fresh        ``load_document(path, use_cache=False)``: the baseline for the cache
  cold         first load into an empty cache (a fresh load plus writing the entry)
  warm         a load the cache answers
A last line times a warm load in a new Python process, imports included, as a CLI run sees it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from concept_diff import build
from concept_diff.loaders import load_document

YEARS = ("2002", "2006", "2010", "2015")


class _Never:
    """Stands in for the single-sentence pattern: never matches, so pysbd sees every passage."""

    def fullmatch(self, text: str) -> None:
        return None


_NEVER = _Never()


def best_of(repeat: int, run: Callable[[int], object]) -> float:
    times = []
    for attempt in range(repeat):
        start = time.perf_counter()
        run(attempt)
        times.append(time.perf_counter() - start)
    return min(times)


def stock_pysbd_fresh(path: Path, repeat: int) -> float:
    """A fresh load with the splitting of before: stock pysbd segmenter, no shortcut."""
    import pysbd

    stock = pysbd.Segmenter(language="en", clean=False, char_span=True)
    saved = build._segmenter, build._ONE_SENTENCE
    build._segmenter, build._ONE_SENTENCE = (lambda: stock), _NEVER
    try:
        return best_of(repeat, lambda _: load_document(path, use_cache=False))
    finally:
        build._segmenter, build._ONE_SENTENCE = saved


def measure(path: Path, root: Path, repeat: int) -> dict[str, float]:
    warm = root / "warm"
    load_document(path, cache_dir=warm)  # fills the cache the warm runs read
    return {
        "stock": stock_pysbd_fresh(path, repeat),
        "fresh": best_of(repeat, lambda _: load_document(path, use_cache=False)),
        "cold": best_of(repeat, lambda i: load_document(path, cache_dir=root / f"cold{i}")),
        "warm": best_of(repeat, lambda _: load_document(path, cache_dir=warm)),
    }


def new_process_warm(path: Path, cache: Path) -> float:
    code = (
        "import time; t = time.perf_counter(); "
        "from concept_diff.loaders import load_document; "
        f"load_document({str(path)!r}, cache_dir={str(cache)!r}); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=os.environ.get("CONCEPT_DIFF_CORPORA"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.corpora:
        sys.exit("set CONCEPT_DIFF_CORPORA or pass --corpora")
    folder = Path(args.corpora) / "us-national-security-strategy"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        load_document(folder / "2015-national-security-strategy.txt", cache_dir=root / "warmup")
        print(f"{'file':<10}{'words':>7}{'stock pysbd':>13}{'fresh':>9}{'cold':>9}{'warm':>9}"
              f"{'fresh/warm':>12}")
        total = dict.fromkeys(("stock", "fresh", "cold", "warm"), 0.0)
        for year in YEARS:
            path = folder / f"{year}-national-security-strategy.txt"
            row = measure(path, root / year, args.repeat)
            words = load_document(path, cache_dir=root / year / "warm").words
            for name, seconds in row.items():
                total[name] += seconds
            print(_row(year, words, row))
        print(_row("all four", None, total))
        nss_2010 = folder / "2010-national-security-strategy.txt"
        seconds = new_process_warm(nss_2010, root / "2010" / "warm")
        print(f"\nwarm load of 2010 in a new process, imports included: {seconds:.3f} s")


def _row(name: str, words: int | None, row: dict[str, float]) -> str:
    count = f"{words:>7}" if words is not None else " " * 7
    return (
        f"{name:<10}{count}{row['stock']:>12.3f}s{row['fresh']:>8.3f}s{row['cold']:>8.3f}s"
        f"{row['warm']:>8.3f}s{row['fresh'] / row['warm']:>11.0f}x"
    )


if __name__ == "__main__":
    main()
