"""The report contract as JSON: the one output every other format is rendered from."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any


def to_json(contract: Mapping[str, Any]) -> str:
    """Deterministic JSON: keys in the contract's own order, UTF-8 text, strict (no NaN)."""
    return json.dumps(_finite(contract), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    """NaN and infinities become null: strict JSON parsers (and jq) reject them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
