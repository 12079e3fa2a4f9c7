"""PNG charts: deterministic bytes, fixed size, no version metadata, robust to odd labels."""

from __future__ import annotations

import hashlib
import struct
import subprocess
import sys

from report_fixtures import make_contract

from concept_diff.report.charts import DPI, WIDTH, actor_framing_chart, charts, term_rate_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_both_charts_drawn_at_a_fixed_width_without_version_metadata() -> None:
    drawn = charts(make_contract())
    assert sorted(drawn) == ["actors", "terms"]
    for png in drawn.values():
        assert _size(png)[0] == int(WIDTH * DPI)
        assert b"matplotlib" not in png.lower() and b"Software" not in png


def test_same_bytes_in_this_process_and_a_fresh_one() -> None:
    here = {k: hashlib.sha256(v).hexdigest() for k, v in charts(make_contract()).items()}
    assert here == {k: hashlib.sha256(v).hexdigest() for k, v in charts(make_contract()).items()}
    code = ("import hashlib, sys; sys.path.insert(0, 'tests');"
            "from report_fixtures import make_contract;"
            "from concept_diff.report.charts import charts;"
            "print(sorted((k, hashlib.sha256(v).hexdigest()) "
            "for k, v in charts(make_contract()).items()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "MPLBACKEND": "svg"})
    assert out.stdout.strip() == str(sorted(here.items()))


def test_nothing_to_draw_gives_no_chart() -> None:
    contract = make_contract()
    contract["terms"] = [t for t in contract["terms"] if t["old_per_10k"] == t["new_per_10k"]]
    contract["actors"] = []
    assert charts(contract) == {}


def test_dollar_signs_and_long_labels_do_not_break_drawing() -> None:
    contract = make_contract()
    contract["terms"][0]["term"] = "$5 billion $ fund " + "x" * 80
    contract["actors"][0]["actor"] = "$\\frac{1}{0}$ Group"
    assert _size(term_rate_chart(contract))[0] == int(WIDTH * DPI)
    assert _size(actor_framing_chart(contract))[0] == int(WIDTH * DPI)


def test_importing_the_report_package_does_not_import_matplotlib_or_pandas() -> None:
    code = ("import sys, concept_diff.report, concept_diff.report.markdown;"
            "print('matplotlib' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def _pixels(png: bytes) -> set[tuple[int, int, int]]:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {image.getpixel((x, y)) for x in range(image.width) for y in range(image.height)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_framing_colours_are_colour_blind_safe_with_threat_as_the_warning_colour() -> None:
    from concept_diff.report.charts import FRAMING_COLOURS, framing_categories

    contract = make_contract()
    keys = ["partner", "competitor", "threat", "concern", "neutral"]
    contract["actors"][0]["old_framing"] = dict(zip(keys, (0.6, 0.1, 0.1, 0.1, 0.1)))
    contract["actors"][0]["new_framing"] = dict(zip(keys, (0.1, 0.1, 0.6, 0.1, 0.1)))
    pixels = _pixels(actor_framing_chart(contract))
    assert _rgb(FRAMING_COLOURS["threat"]) in pixels and _rgb("#D55E00") in pixels
    assert _rgb(FRAMING_COLOURS["partner"]) in pixels
    assert _rgb("#9a6700") not in pixels and _rgb("#8250df") not in pixels  # the old brown/purple
    bars = [("a (old)", contract["actors"][0]["old_framing"])]
    assert framing_categories(bars) == keys  # the legend follows the framing file, not a-z
