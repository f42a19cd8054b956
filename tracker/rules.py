"""Object-level permissions, derived from the data with django-rules (no
per-object permission rows). Loaded automatically by rules' app config.

- ``tracker.log_update``: without an object, may this user log updates at all
  (the update form's gate); with an unsaved ``StatusUpdate``, may they log
  *this* one (its kind and actor).
- ``tracker.withdraw_update``: may this user withdraw an update.
"""

import rules

from tracker.models import UpdateKind
from tracker.roles import ASSESSOR, REPORTER, STEWARD

is_reporter = rules.is_group_member(REPORTER)
is_assessor = rules.is_group_member(ASSESSOR)
is_steward = rules.is_group_member(STEWARD)


@rules.predicate
def reports_for_some_actor(user):
    return user.is_authenticated and user.reporting_for.exists()


@rules.predicate
def is_self_report_for_own_actor(user, update):
    return (
        update is not None
        and update.kind == UpdateKind.SELF_REPORT
        and update.actor_id is not None
        and user.reporting_for.filter(pk=update.actor_id).exists()
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
    | (is_reporter & is_self_report_for_own_actor)
    | (is_assessor & is_independent_assessment),
)
rules.add_perm("tracker.withdraw_update", is_steward)
