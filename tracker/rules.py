"""The role rules, stated once: object-level permissions derived from the data
with django-rules (no per-object permission rows). Loaded automatically by
rules' app config. The public form, the admin (add form, inline, bulk action,
import) and the API all ask these permissions; none restates them.

- ``tracker.log_update``: without an object, may this user log updates at all
  (the update form's gate); with an unsaved ``StatusUpdate``, may they log
  *this* one (its kind, its actor and its pledge).
- ``tracker.log_update_on_pledge``: with a ``Pledge``, may this user log some
  update on it (a Reporter only on pledges that an actor they report for
  answers for: named in it, or a party it applies to).
- ``tracker.withdraw_update``: may this user withdraw an update.
- ``tracker.view_attention``: may this user read the stewards' "Needs
  attention" page (flagged updates with their notes and who flagged them).
- ``tracker.import_as_others``: may this user import updates whose ``author``
  column names someone else.
- ``alerts.view_followers``: may this user see followers and their
  addresses (the admin of tracker/alerts/).
"""

import rules

from tracker.models import HISTORICAL_RECORD_USERNAME, Actor, Pledge, UpdateKind
from tracker.roles import ASSESSOR, REPORTER, STEWARD

is_reporter = rules.is_group_member(REPORTER)
is_assessor = rules.is_group_member(ASSESSOR)
is_steward = rules.is_group_member(STEWARD)


@rules.predicate
def reports_for_some_actor(user):
    return user.is_authenticated and user.reporting_for.exists()


@rules.predicate
def reports_for_an_actor_of_the_pledge(user, pledge):
    return (
        user.is_authenticated
        and pledge is not None
        and Pledge.objects.filter(pk=pledge.pk)
        .concerning(Actor.objects.filter(reporters=user))
        .exists()
    )


@rules.predicate
def is_self_report_for_own_actor_of_the_pledge(user, update):
    """A self-report for an actor the user reports for, on a pledge that
    actor answers for (``Pledge.objects.concerning``: one that names it, or
    one that applies to it as a party of the text): a Reporter speaks for
    their organisation, about what their organisation pledged, and a
    Reporter of Japan for Japan on Japan's pledges."""
    return (
        update is not None
        and update.kind == UpdateKind.SELF_REPORT
        and update.actor_id is not None
        and update.pledge_id is not None
        and user.reporting_for.filter(pk=update.actor_id).exists()
        and Pledge.objects.filter(pk=update.pledge_id).concerning(update.actor_id).exists()
    )


@rules.predicate
def is_independent_assessment(user, update):
    return update is not None and update.kind == UpdateKind.INDEPENDENT_ASSESSMENT


@rules.predicate
def no_object(user, update):
    return update is None


may_log_any_update = (is_reporter & reports_for_some_actor) | is_assessor | is_steward

rules.add_perm(
    "tracker.log_update",
    (no_object & may_log_any_update)
    | is_steward
    | (is_reporter & is_self_report_for_own_actor_of_the_pledge)
    | (is_assessor & is_independent_assessment),
)
rules.add_perm(
    "tracker.log_update_on_pledge",
    is_steward | is_assessor | (is_reporter & reports_for_an_actor_of_the_pledge),
)
rules.add_perm("tracker.withdraw_update", is_steward)
rules.add_perm("tracker.view_attention", is_steward)
rules.add_perm("tracker.import_as_others", is_steward)


def may_be_recorded_as_author(author, update):
    """May ``update`` be recorded under ``author``'s name (a steward's import
    naming an author): only an update that author may log themselves. The
    shipped historical record's account authors the compiled history."""
    return author.get_username() == HISTORICAL_RECORD_USERNAME or author.has_perm(
        "tracker.log_update", update
    )


# Followers' addresses (tracker/alerts/admin.py): stewards only, never in
# public pages or exports.
rules.add_perm("alerts.view_followers", is_steward)
