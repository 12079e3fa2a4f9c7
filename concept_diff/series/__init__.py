"""A series of versions over time: the manifest, fetching, and scheduled re-runs.

    corpus.py   a folder of dated versions or a corpus.toml manifest, ordered by date
    http.py     polite GETs (retries, conditional requests) for fetch.py
    fetch.py    official sources from manifest URLs, checksums and change detection
    update.py   incremental re-runs: state file, only changed pairs, series index
    lock.py     one run at a time per reports folder
    watch.py    run update whenever the corpus folder changes

Atomic writes (``concept_diff.atomic``) stay outside: the document and embedding caches and
every report use them too.
"""
