"""Keyset (cursor) pagination for the API's lists.

A page is "the next N rows after this one" in the list's own order, found
with a WHERE on the ordering columns instead of an OFFSET: page 1,000 reads
as many index entries as page 1 (an OFFSET reads and throws away every row
before it). The cursor is opaque to clients: the ordering columns' values of
the row at the edge of the page, plus which way to go.

The order is whatever the queryset says (the FilterSet's ``ordering``, search
relevance, or the model's default), so the cursor follows the list page's
order exactly. Every order must end on a unique column (the FilterSet's
always end on ``ref``); if it does not, ``pk`` is appended.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db.models import F, OrderBy, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

NEXT, PREVIOUS = "n", "p"


class InvalidCursor(ValueError):
    """The cursor was not made by this list (edited, truncated, or from another order)."""


@dataclass(frozen=True)
class Key:
    name: str
    descending: bool = False
    # Only for nullable columns: where NULLs sort (True first, False last).
    nulls_first: bool | None = None

    def reversed(self):
        nulls = None if self.nulls_first is None else not self.nulls_first
        return Key(self.name, not self.descending, nulls)

    def order_by(self):
        expression = F(self.name)
        if self.nulls_first is None:
            return expression.desc() if self.descending else expression.asc()
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)

    def after(self, value):
        """Rows strictly after ``value`` in this key's direction."""
        if value is None:
            # Only a nullable key sees NULL: after the NULLs come the values
            # (nulls first), or nothing (nulls last).
            return Q(**{f"{self.name}__isnull": False}) if self.nulls_first else Q(pk__in=[])
        beyond = Q(**{f"{self.name}__{'lt' if self.descending else 'gt'}": value})
        if self.nulls_first is False:  # NULLs come after every value
            beyond |= Q(**{f"{self.name}__isnull": True})
        return beyond

    def equal(self, value):
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def ordering_keys(queryset):
    """The queryset's order as ``Key``s, ending on a unique column."""
    query = queryset.query
    order = query.order_by or (query.default_ordering and queryset.model._meta.ordering) or []
    keys = []
    for item in order:
        if isinstance(item, str):
            keys.append(Key(item.lstrip("-"), item.startswith("-")))
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            nulls = True if item.nulls_first else False if item.nulls_last else None
            keys.append(Key(item.expression.name, item.descending, nulls))
        elif isinstance(item, F):
            keys.append(Key(item.name))
        else:  # pragma: no cover - a programming error, not input
            raise TypeError(f"Cannot page by {item!r}: order by named columns.")
    unique = {"pk", queryset.model._meta.pk.name}
    unique |= {f.name for f in queryset.model._meta.concrete_fields if f.unique}
    if not any(key.name in unique for key in keys):
        keys.append(Key("pk"))
    return keys


# Cursors are signed: an edited one is refused before any of its values
# reaches a query (a made-up date would otherwise fail inside the database).
SIGNER_SALT = "tracker.api.cursor"


def encode(direction, values):
    return signing.dumps([direction, [jsonable(v) for v in values]], salt=SIGNER_SALT)


def jsonable(value):
    if isinstance(value, datetime.date):  # and datetime
        return value.isoformat()
    return value


def decode(cursor, key_count):
    try:
        direction, values = signing.loads(cursor, salt=SIGNER_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor from error
    if direction not in (NEXT, PREVIOUS) or not isinstance(values, list):
        raise InvalidCursor
    if len(values) != key_count or not all(
        v is None or isinstance(v, (str, int, float)) for v in values
    ):
        raise InvalidCursor
    return direction, values


def rows_after(queryset, keys, values):
    """``queryset`` restricted to the rows after ``values`` in the order of
    ``keys``. When every key runs the same way and none is nullable, one row
    comparison, ``(a, b, c) > (x, y, z)``, which an index on (a, b, c) serves
    as a range scan; otherwise the equivalent OR of ANDs."""
    if all(k.nulls_first is None for k in keys) and len({k.descending for k in keys}) == 1:
        lookup = TupleLessThan if keys[0].descending else TupleGreaterThan
        return queryset.filter(lookup(Tuple(*(F(k.name) for k in keys)), list(values)))
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        branch = key.after(values[i])
        for earlier, value in zip(keys[:i], values[:i], strict=True):
            branch &= earlier.equal(value)
        condition |= branch
    return queryset.filter(condition)


@dataclass
class Page:
    pks: list
    next_cursor: str | None
    previous_cursor: str | None


def page_of(queryset, size, cursor=None):
    """The primary keys of one page of ``queryset`` and the cursors of its
    neighbours. Reads ``size + 1`` rows of just the ordering columns: the
    extra row only says whether there is more."""
    keys = ordering_keys(queryset)
    names = [k.name for k in keys]
    direction, values = decode(cursor, len(keys)) if cursor else (NEXT, None)
    walk = keys if direction == NEXT else [k.reversed() for k in keys]
    rows = queryset
    if values is not None:
        rows = rows_after(rows, walk, values)
    rows = list(rows.order_by(*(k.order_by() for k in walk)).values_list("pk", *names)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if direction == PREVIOUS:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    # Coming back from a later page there is always a next one, and going
    # forward from a cursor there is always a previous one.
    has_next = more if direction == NEXT else True
    has_previous = (values is not None) if direction == NEXT else more
    return Page(
        pks=[row[0] for row in rows],
        next_cursor=encode(NEXT, rows[-1][1:]) if has_next else None,
        previous_cursor=encode(PREVIOUS, rows[0][1:]) if has_previous else None,
    )
