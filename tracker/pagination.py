"""Pagination for the pledge list at 100,000 pledges."""

from django.core.paginator import Paginator


def page_number(raw):
    """The requested page as a whole number, 1 for anything that is not one or
    is below 1. (Paginator.get_page sends a negative page to the last page; the
    nearest valid page to -3 is the first.)"""
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


class PledgePaginator(Paginator):
    """A Paginator that is told its count and reads a page in two steps.

    - The count comes from the caller (the list sums it from the status facet,
      which is cached), so there is no COUNT(*).
    - A page is the ids of its rows first, from the filtered and ordered
      queryset, then the rows themselves through ``rows_for(ids)``. The first
      query needs only the filter and sort columns, which the reading-order
      indexes hold (migration 0008): a deep page skips past thousands of
      index entries instead of fetching and sorting every matching row.
    """

    def __init__(self, object_list, per_page, count, rows_for):
        super().__init__(object_list, per_page)
        self.count = count  # in place of the cached_property that would count
        self.rows_for = rows_for

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.rows_for(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
