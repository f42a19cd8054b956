"""The verbatim rule, stated once: a pledge's quote must stand in its
paragraph word for word, forgiving only runs of white space (non-breaking
spaces included) and straight against typographic quotes and apostrophes.

``normalise_for_quote`` folds those differences away, for the model's check
(``Pledge.clean()``); ``quote_pattern`` is the same rule as a regular
expression, for finding where a quote stands in the original text (the
source page highlights it).
"""

import re

# Each group of characters the rule treats as one: the first stands for all.
EQUIVALENT_QUOTES = ('"“”', "'‘’")
WHITE_SPACE = re.compile(r"\s+")  # \s includes the non-breaking space


def normalise_for_quote(text):
    """``text`` with every run of white space one space and every quote mark
    its plain form, trimmed."""
    for group in EQUIVALENT_QUOTES:
        for variant in group[1:]:
            text = text.replace(variant, group[0])
    return WHITE_SPACE.sub(" ", text).strip()


def quote_pattern(quote):
    """A regex that finds ``quote`` in a text wherever ``normalise_for_quote``
    would say it stands there."""
    classes = {char: f"[{re.escape(group)}]" for group in EQUIVALENT_QUOTES for char in group}
    parts = []
    for char in quote.strip():
        if char.isspace():
            if not parts or parts[-1] != WHITE_SPACE.pattern:
                parts.append(WHITE_SPACE.pattern)
        else:
            parts.append(classes.get(char) or re.escape(char))
    return re.compile("".join(parts))
