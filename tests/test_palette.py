"""The status palette as the stylesheet defines it (static/css/status.css,
parsed, so a change of palette is checked): white badge text on each colour
meets WCAG AA, and every two colours stay apart for normal vision and under
simulated protanopia and deuteranopia (Machado et al. 2009, severity 1.0),
measured as CIEDE2000 in CIELAB. Colour is never the only cue on the site
(every bar's segments are listed in words), but it should still help."""

import itertools
import re

import pytest

from tests.colour_vision import ciede2000, contrast_ratio, distance, lab
from tests.test_status_vocabulary import CSS
from tracker.models import CELL_STATUS_COLOURS, CONTESTED, Status

# ΔE00 of about 2 is a just-noticeable difference; 12 keeps two segments
# apart at a glance (the palette before issue 19 fell to 1.2 under
# protanopia: no information and ongoing were one colour).
MINIMUM_DISTANCE = 12
VISIONS = [None, "protanopia", "deuteranopia"]


def stylesheet_palette():
    return dict(re.findall(r"\.status-(\w+) \{ background: (#[0-9a-fA-F]{6}); \}", CSS.read_text()))


def test_the_stylesheet_defines_one_colour_per_status():
    assert set(stylesheet_palette()) == set(Status.values)


@pytest.mark.parametrize("status", Status.values)
def test_white_text_on_each_colour_meets_wcag_aa(status):
    colour = stylesheet_palette()[status]
    assert contrast_ratio(colour, "#ffffff") >= 4.5, (status, colour)


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_every_two_colours_stay_distinct(vision):
    palette = stylesheet_palette()
    too_close = [
        (first, second, round(distance(palette[first], palette[second], vision), 1))
        for first, second in itertools.combinations(sorted(palette), 2)
        if distance(palette[first], palette[second], vision) < MINIMUM_DISTANCE
    ]
    assert not too_close, (
        f"ΔE00 below {MINIMUM_DISTANCE} ({vision or 'normal vision'}): {too_close}"
    )


PARTIES_CSS = CSS.with_name("parties.css")


def test_a_contested_cell_has_its_own_colour_beside_every_status():
    """The matrix key, party badges and party trend charts add one colour,
    contested, to the eight: as the stylesheet draws it, and as far from each
    as the statuses are from each other, in each vision, under white text."""
    css = PARTIES_CSS.read_text()
    badge = r"\.(?:cell-contested-badge|swatch\.status-contested)[^{]*"
    drawn = set(re.findall(badge + r"\{ background: (#[0-9a-fA-F]{6}); \}", css))
    contested = CELL_STATUS_COLOURS[CONTESTED]
    assert drawn == {contested}
    assert f"border-left: 4px solid {contested}" in css  # the matrix cell's mark
    assert contrast_ratio(contested, "#ffffff") >= 4.5
    palette = stylesheet_palette()
    too_close = [
        (status, vision, round(distance(contested, colour, vision), 1))
        for status, colour in palette.items()
        for vision in VISIONS
        if distance(contested, colour, vision) < MINIMUM_DISTANCE
    ]
    assert not too_close
    # The check can fail: the wine red it replaced.
    assert distance("#8a1538", palette["superseded"], "protanopia") < MINIMUM_DISTANCE


def test_the_arithmetic_against_published_values():
    # Sharma, Wu and Dalal (2005), table 1, pairs 1 and 17.
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)
    # sRGB white is L* 100; black on white is WCAG's 21:1.
    assert lab((1.0, 1.0, 1.0))[0] == pytest.approx(100, abs=0.01)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    # Simulation shrinks red-green differences: an olive and a goldenrod
    # are closer for a deuteranope than for a trichromat.
    assert distance("#d62728", "#2ca02c") > 60
    assert distance("#b8860b", "#6b8e23", "deuteranopia") < distance("#b8860b", "#6b8e23")


def test_the_old_palette_would_have_failed():
    """The check can fail: the palette before issue 19."""
    old = {"no_information": "#5f6368", "ongoing": "#2f6b6b"}
    assert distance(old["no_information"], old["ongoing"], "protanopia") < MINIMUM_DISTANCE
