"""The pledge × party matrix of one source for API v1 (/api/v1/matrix/).

Today's cells are the HTML matrix's and its data.json's: ``parties.matrix_rows``
over the maintained ``PartyStatus`` rows, each described by
``parties.CellView.as_json()``. On a past day (``?as_of=``) the cells are
``StatusUpdate.objects.party_cells(as_of=day)``, the one per-party rule that
``PartyStatus`` maintains, put in the same shape.

``dated_matrix_rows`` repeats ``parties.matrix_rows``' dozen lines that lay a
pledge's cells out in the parties' order (narrowed pledges marked not
applicable), because that function reads only the maintained cells and
tracker/parties.py is being changed on another branch (party pages and HTML
matrix as of a day). When ``parties.matrix_rows`` takes a day, call it here
and delete this copy.
"""

from tracker import parties
from tracker.models import StatusUpdate, id_set


def dated_cells(pledge_ids, party_ids, day):
    """``parties.cells_for()``'s shape, ``{pledge id: {actor id: cell
    values}}``, as the updates dated on or before ``day`` make the cells:
    one query."""
    cells = (
        StatusUpdate.objects.filter(pledge_id__in=id_set(pledge_ids), actor_id__in=party_ids)
        .party_cells(as_of=day)
        .values()
    )
    by_pledge = {}
    for cell in cells:
        fields = cell.fields()
        values = tuple(fields[name] for name in parties.CELL_COLUMNS)
        by_pledge.setdefault(cell.pledge_id, {})[cell.actor_id] = values
    return by_pledge


def dated_matrix_rows(pledges, party_list, day):
    """``parties.matrix_rows()`` on ``day``: two queries (narrowing, cells)."""
    pledges = list(pledges)
    ids = [pledge.pk for pledge in pledges]
    party_ids = [party.pk for party in party_list]
    narrowed = parties.narrowed_to(ids)
    cells = dated_cells(ids, party_ids, day)
    rows = []
    for pledge in pledges:
        known, allowed = cells.get(pledge.pk), narrowed.get(pledge.pk)
        if known is None and allowed is None:
            rows.append((pledge, None))
            continue
        known = known or {}
        rows.append(
            (
                pledge,
                [
                    parties.NOT_APPLICABLE
                    if allowed is not None and actor_id not in allowed
                    else known.get(actor_id)
                    for actor_id in party_ids
                ],
            )
        )
    return rows


def matrix_rows(pledges, party_list, day=None):
    """The rows of the matrix on ``day`` (None: today, the maintained cells)."""
    if day is None:
        return parties.matrix_rows(pledges, party_list)
    return dated_matrix_rows(pledges, party_list, day)


def cell_json(cell, links):
    """``CellView.as_json()`` (data.json's cell), with each update's API URL."""
    data = cell.as_json()
    for side in ("self_report", "independent_assessment"):
        if side in data:
            data[side]["url"] = links.update_api(data[side]["update"])
    return data


def matrix_results(rows, party_list, links):
    """The page's rows as the API's ``MatrixRow`` dicts."""
    slugs = [party.slug for party in party_list]
    return [
        {
            "ref": pledge.ref,
            "title": pledge.title,
            "url": links.pledge(pledge.ref),
            "api_url": links.pledge_api(pledge.ref),
            "cells": {
                slug: cell_json(cell, links) for slug, cell in zip(slugs, cells, strict=True)
            },
        }
        for pledge, cells in parties.matrix_cell_views(rows, len(party_list))
    ]
