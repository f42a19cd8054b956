"""Keep ``Pledge.current_status`` and ``Pledge.last_update_as_of`` in step with
the pledge's updates, and ``Pledge.source_adopted`` with its source.

Signals rather than ``save()`` alone, because ``loaddata`` saves fixtures raw
(``save()`` is not called) and a queryset or cascade delete never calls
``delete()`` on each row. Both send these signals, inside the transaction
that writes the rows. ``bulk_create`` and ``QuerySet.update()`` send none: code that bulk-inserts
updates calls ``tracker.models.refresh_all_statuses()`` afterwards. (Updates
are append-only, so nothing should ``update()`` their status anyway.)
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from tracker.models import Pledge, SourceDocument, StatusUpdate, refresh_party_status


@receiver(pre_save, dispatch_uid="no_history_for_raw_loads")
def skip_history_of_fixture_loads(sender, instance, raw, **kwargs):
    """simple-history writes no record for a raw (fixture) save, but does for
    the many-to-many rows loaddata sets right after it. Keep the two
    consistent: a fixture load is not an edit. (`setup_local_site` then
    records each loaded row's first version with `populate_history`.)"""
    if raw:
        instance.skip_history_when_saving = True


@receiver(pre_save, sender=Pledge, dispatch_uid="pledge_source_adopted")
def copy_source_adoption_date(sender, instance, **kwargs):
    """``Pledge.source_adopted`` follows the pledge's source, on every save,
    fixture loads included. (Bulk inserts must set it themselves.)"""
    if Pledge.source.is_cached(instance) and instance.source is not None:
        instance.source_adopted = instance.source.date_adopted
    elif instance.source_id is not None:
        adopted = (
            SourceDocument.objects.filter(pk=instance.source_id)
            .values_list("date_adopted", flat=True)
            .first()
        )
        # A backup may load its pledges before their sources (constraints are
        # checked at the end): keep the date the file carries.
        if adopted is not None:
            instance.source_adopted = adopted


@receiver(post_save, sender=SourceDocument, dispatch_uid="source_adopted_to_pledges")
def copy_adoption_date_to_pledges(sender, instance, **kwargs):
    """A corrected adoption date moves the text's pledges in the default order."""
    instance.pledges.exclude(source_adopted=instance.date_adopted).update(
        source_adopted=instance.date_adopted
    )


@receiver(post_save, sender=Pledge, dispatch_uid="pledge_loaded_raw")
def refresh_loaded_pledge(sender, instance, raw, **kwargs):
    """A fixture load writes the pledge's columns as the file has them, which
    knows nothing of its updates: recompute them (re-running `loaddata pledges`
    on a database with history must not reset every status)."""
    if raw:
        instance.refresh_status()


@receiver(post_save, sender=StatusUpdate, dispatch_uid="status_update_saved")
@receiver(post_delete, sender=StatusUpdate, dispatch_uid="status_update_deleted")
def refresh_pledge_status(sender, instance, **kwargs):
    # Refresh the caller's own pledge object when it has one, so code that holds
    # it sees the new status without refresh_from_db().
    if StatusUpdate.pledge.is_cached(instance):
        pledge = instance.pledge
    else:
        pledge = Pledge.objects.filter(pk=instance.pledge_id).only("pk").first()
    if pledge is not None:
        pledge.refresh_status()
        # An update that names an actor also moves that (pledge, party) cell.
        if instance.actor_id is not None:
            refresh_party_status(pledge.pk, instance.actor_id)
