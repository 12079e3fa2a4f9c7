"""Errors the user can act on. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations

from pathlib import Path


class ConceptDiffError(Exception):
    """Bad input or an unusable environment: a message for the user, never a traceback."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(ConceptDiffError):
    """A file or folder the user named cannot be used (missing, empty, binary, scanned...)."""
