"""The status vocabulary is shown the same way everywhere: the stylesheet's
colours are the model's, and every status has a definition."""

import re
from pathlib import Path

from tracker.models import Status

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "status.css"


def test_the_stylesheet_colours_match_the_model():
    declared = dict(
        re.findall(r"\.status-(\w+) \{ background: (#[0-9a-f]{6}); \}", CSS.read_text())
    )
    assert declared == {status.value: status.colour for status in Status}


def test_white_text_on_each_status_colour_meets_wcag_aa():
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for status in Status:
        contrast = 1.05 / (luminance(status.colour) + 0.05)
        assert contrast >= 4.5, (status, round(contrast, 2))


def test_every_status_has_a_one_line_definition():
    for status in Status:
        assert status.definition.endswith(".") and "\n" not in status.definition
