"""The synthetic data set's data: how its rows are marked, and (for
``manage.py generate_synthetic``) the word lists and weights it draws from.
Plain data and pure helpers, no models: the benchmark imports it before
Django is set up."""

# Every synthetic row is recognisably synthetic by these.
SYNTHETIC_USERNAME = "synthetic-data"
SLUG_PREFIX = "synthetic-"
REF_PREFIX = "syn-"
TEXT_PREFIX = "[synthetic] "


def recipe(pledges, updates_per_pledge, seed):
    """The options that made a data set; the synthetic sources' preamble
    records them, and the benchmark reads them back to reuse the data."""
    return f"--pledges {pledges} --updates-per-pledge {updates_per_pledge} --seed {seed}"
