"""The synthetic data set's data, for ``manage.py generate_synthetic``: how
its rows are marked, the sources, themes, actors and instruments it creates,
the word lists and weights its text and timelines are drawn from, and the
pure helpers that draw them. Plain data, no models: the benchmark imports it
before Django is set up."""

import math
from datetime import date

# Every synthetic row is recognisably synthetic by these.
SYNTHETIC_USERNAME = "synthetic-data"
SLUG_PREFIX = "synthetic-"
REF_PREFIX = "syn-"
TEXT_PREFIX = "[synthetic] "


def recipe(pledges, updates_per_pledge, seed):
    """The options that made a data set; the synthetic sources' preamble
    records them, and the benchmark reads them back to reuse the data."""
    return f"--pledges {pledges} --updates-per-pledge {updates_per_pledge} --seed {seed}"


# A constant rather than today, so the same seed gives the same dates on any day.
DEFAULT_UNTIL = date(2026, 11, 1)
PLEDGES_PER_PARAGRAPH = 10

# Each list below is a table: to add a source, a theme, an actor (a party) or
# an instrument, add a row. Kinds and statuses are the models' values
# (Actor.Kind, Instrument.Kind, Status); the command checks them.

# (slug, short title, year adopted, share of the pledges)
SOURCES = [
    ("synthetic-harbour-declaration-1998", "Harbour Declaration (1998)", 1998, 30),
    ("synthetic-lakeside-programme-2002", "Lakeside Programme of Action (2002)", 2002, 25),
    ("synthetic-river-accord-2006", "River Accord (2006)", 2006, 20),
    ("synthetic-summit-conclusions-2011", "Summit Conclusions (2011)", 2011, 15),
    ("synthetic-plateau-compact-2016", "Plateau Compact (2016)", 2016, 10),
]

# Fourteen themes; the weights make a few themes common and most rare, as tags are.
THEMES = [
    ("Counter-terrorism cooperation", 30),
    ("Information sharing", 18),
    ("Capacity building", 14),
    ("International conventions", 10),
    ("Human rights", 9),
    ("Border and transport security", 8),
    ("Terrorist financing", 7),
    ("Organized crime", 6),
    ("Non-proliferation", 5),
    ("Conflict prevention", 4),
    ("Dialogue among cultures", 3),
    ("Development and root causes", 3),
    ("Protection of civilians", 2),
    ("Institutional mechanisms", 2),
]

# (name, Actor.Kind value)
ACTORS = [
    ("Partner states", "group_of_states"),
    ("Senior officials", "officials"),
    ("National agencies", "officials"),
    ("The international community", "group_of_states"),
    ("Coastal Union", "regional_organization"),
    ("Northern Association", "regional_organization"),
    ("Secretariat", "un_system"),
    ("Security Council", "un_system"),
    ("Expert committee", "un_system"),
    ("Ministerial forum", "intergovernmental_body"),
    ("Regional organizations", "regional_organization"),
    ("Development banks", "intergovernmental_body"),
    ("State of Arden", "state"),
    ("State of Belmont", "state"),
    ("State of Corvia", "state"),
    ("State of Dalmar", "state"),
]

# (name, Instrument.Kind value, document symbol, year adopted or None)
INSTRUMENTS = [
    ("Resolution 2101", "sc_resolution", "S/RES/2101", 2001),
    ("Resolution 2177", "sc_resolution", "S/RES/2177", 2004),
    ("Resolution 64/88", "ga_resolution", "A/RES/64/88", 2009),
    ("Charter of the Harbour Union", "charter", "", 1996),
    ("Convention on Financing", "convention", "", 1999),
    ("Convention on Maritime Navigation", "convention", "", 2005),
    ("Draft Comprehensive Convention", "draft_convention", "", None),
    ("Lakeside Work Plan", "programme", "", 2002),
    ("Joint Action Plan", "programme", "", 2012),
    ("Consultative Mechanism", "mechanism", "", 2003),
    ("Monitoring Committee", "mechanism", "", 2007),
    ("Protocol on Small Arms", "convention", "", 2010),
    ("Model Legislation", "programme", "", 2015),
]

# Word lists for the text. Domains appear in sentences, titles and summaries
# with uneven frequencies, places and details more rarely, so that a search
# for a common word finds many pledges and one for a rare word a few.
SUBJECTS = [
    "We pledge to",
    "We resolve to",
    "We undertake to",
    "The partners agreed to",
    "The participants will",
    "Member states should",
    "We call upon all states to",
    "The meeting encouraged regional organizations to",
    "The ministers decided to",
    "We reaffirm our commitment to",
]
VERBS = [
    "strengthen",
    "enhance",
    "promote",
    "support",
    "develop",
    "establish",
    "review",
    "implement",
    "coordinate",
    "expand",
    "improve",
    "harmonise",
    "intensify",
    "facilitate",
    "monitor",
    "fund",
    "evaluate",
    "modernise",
]
OBJECTS = [
    "cooperation on {d}",
    "national legislation on {d}",
    "the exchange of information on {d}",
    "technical assistance for {d}",
    "joint training in {d}",
    "early warning mechanisms for {d}",
    "common standards for {d}",
    "regional networks dealing with {d}",
    "the capacity of national authorities in {d}",
    "practical measures against {d}",
    "dialogue with civil society on {d}",
    "research and analysis of {d}",
]
DOMAINS = [
    "terrorist financing",
    "border control",
    "maritime security",
    "aviation security",
    "extradition",
    "mutual legal assistance",
    "money laundering",
    "arms trafficking",
    "cyber security",
    "chemical weapons",
    "nuclear material",
    "biological agents",
    "refugee protection",
    "human rights education",
    "interfaith dialogue",
    "poverty reduction",
    "youth employment",
    "peacekeeping operations",
    "small arms",
    "customs procedures",
    "document fraud",
    "port facilities",
    "container inspection",
    "hostage taking",
    "explosives detection",
    "radicalisation in prisons",
    "victims of terrorism",
    "police training",
    "judicial cooperation",
    "critical infrastructure",
    "charitable organizations",
    "alternative remittance systems",
    "drug trafficking",
    "piracy",
    "migrant smuggling",
    "witness protection",
    "forensic science",
    "export controls",
    "public health emergencies",
    "disaster relief",
]
QUALIFIERS = [
    "",
    "",
    "",
    " in accordance with international law",
    " within the framework of the United Nations",
    " with full respect for human rights and the rule of law",
    " at the regional and subregional levels",
    " through regular consultations among experts",
    " as a matter of priority",
    " in the {p} region",
    " in cooperation with the authorities of {p}",
    " by the end of {y}",
    " building on the experience gained in {p}",
]
PLACES = [
    "Mekong",
    "Sahel",
    "Baltic",
    "Andean",
    "Caribbean",
    "Pacific",
    "Danube",
    "Balkan",
    "Caucasus",
    "Maghreb",
    "Horn of Africa",
    "Great Lakes",
    "Arctic",
    "Gulf of Guinea",
    "Central Asian",
    "Adriatic",
    "Amazon",
    "Red Sea",
    "Black Sea",
    "Indian Ocean",
    "Arden",
    "Belmont",
    "Corvia",
    "Dalmar",
    "Eskerfield",
    "Fenwick",
    "Galloway",
    "Hollin",
]
UPDATE_OPENINGS = [
    "{a} reported progress on {d}",
    "{a} adopted new measures on {d}",
    "{a} launched a programme on {d}",
    "{a} published a review of {d}",
    "{a} held a workshop on {d}",
    "{a} announced funding for {d}",
    "{a} postponed its plans on {d}",
    "An independent assessment examined {d}",
    "A peer review visit looked at {d}",
    "{a} submitted a national report covering {d}",
]
UPDATE_DETAILS = [
    "{n} officials were trained in {p}.",
    "The assessment found gaps in implementation in {p}.",
    "A bill was tabled in parliament in {m} {y}.",
    "The report notes that funding remains uncertain.",
    "Implementation is uneven across the {p} region.",
    "A follow-up meeting took place in {p} in {m} {y}.",
    "Evidence of activity is limited to official statements.",
    "Donors pledged {n} million for the next phase.",
    "The working group met {n} times during the year.",
    "No further information has been published since.",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# A pledge's fate: the current status it ends on, and the path its overall
# updates follow to get there. Weights skew towards "no information" and
# "ongoing", with few complete pledges, as in real monitoring data.
FATES = [
    (15, ["no_information"]),
    (30, ["ongoing"]),
    (10, ["not_started"]),
    (15, ["not_started", "limited"]),
    (12, ["not_started", "limited", "substantial"]),
    (7, ["limited", "stalled"]),
    (7, ["not_started", "limited", "substantial", "complete"]),
    (4, ["ongoing", "superseded"]),
]
# Share of pledges with no update at all (their status is "no information").
NEVER_UPDATED = 0.15
# Share of updates that concern one actor's part rather than the pledge as a whole.
ACTOR_SPECIFIC = 0.2


def weighted_sample(rng, items, weights, count):
    """``count`` distinct items, drawn with ``weights`` (few items, so a loop is fine)."""
    pool, pool_weights, chosen = list(items), list(weights), []
    for _ in range(min(count, len(pool))):
        index = rng.choices(range(len(pool)), weights=pool_weights)[0]
        chosen.append(pool.pop(index))
        pool_weights.pop(index)
    return chosen


def spread(total, weights):
    """Split ``total`` into whole shares proportional to ``weights`` (largest remainder)."""
    exact = [total * weight / sum(weights) for weight in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


class TextMaker:
    """Sentences, titles and summaries from the word lists above, drawn from
    ``rng`` so that a seed always gives the same text."""

    def __init__(self, rng, until):
        self.rng = rng
        self.years = range(1995, until.year + 1)

    def fill(self, template, **extra):
        rng = self.rng
        return template.format(
            d=rng.choice(DOMAINS),
            p=rng.choice(PLACES),
            y=rng.choice(self.years),
            m=rng.choice(MONTHS),
            n=rng.randint(2, 90),
            **extra,
        )

    def commitment(self):
        """One sentence of a source text, and the short title of a pledge that quotes it."""
        rng = self.rng
        verb = rng.choice(VERBS)
        obj = self.fill(rng.choice(OBJECTS))
        qualifier = self.fill(rng.choice(QUALIFIERS))
        sentence = f"{rng.choice(SUBJECTS)} {verb} {obj}{qualifier}."
        return sentence, f"{verb.capitalize()} {obj}"

    def summary(self, actor_name):
        rng = self.rng
        opening = self.fill(rng.choice(UPDATE_OPENINGS), a=actor_name)
        details = " ".join(self.fill(t) for t in rng.sample(UPDATE_DETAILS, rng.randint(1, 2)))
        return f"{TEXT_PREFIX}{opening}. {details}"
