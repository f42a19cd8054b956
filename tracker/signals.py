"""Keep ``Pledge.current_status`` and ``Pledge.last_update_as_of`` in step with
the pledge's updates.

Signals rather than ``save()`` alone, because ``loaddata`` saves fixtures raw
(``save()`` is not called) and a queryset or cascade delete never calls
``delete()`` on each row. Both send these signals, inside the transaction
that writes the rows. ``bulk_create`` sends none: code that bulk-inserts
updates calls ``tracker.models.refresh_all_statuses()`` afterwards.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tracker.models import Pledge, StatusUpdate


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
