"""Where an admin import keeps its upload between the dry run and the
confirmation: a row of ``ImportUpload`` in the database, which every app
server reaches (django-import-export's default is the worker's own /tmp, and a
confirmation that reached another server failed with a 500).

The confirmation claims the row under a lock and deletes it in the import's
transaction: a second confirmation of the same upload (a double click, a
second tab) waits, then finds it gone and is told so; it never imports the
file twice. An upload never confirmed is deleted once it is older than
``IMPORT_UPLOAD_KEPT``, at the next upload."""

from uuid import uuid4

from django.db import connection
from import_export.tmp_storages import BaseStorage

from tracker.models import ImportUpload


class UploadGone(Exception):
    """The upload was imported already, or abandoned and deleted."""


class DatabaseStorage(BaseStorage):
    def save(self, data):
        ImportUpload.objects.abandoned().delete()
        self.name = self.name or uuid4().hex
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        ImportUpload.objects.create(name=self.name, data=data)

    def read(self):
        rows = ImportUpload.objects.filter(name=self.name or "")
        if connection.in_atomic_block:
            rows = rows.select_for_update()  # the confirmation's claim
        upload = rows.first()
        if upload is None:
            raise UploadGone(self.name)
        data = bytes(upload.data)
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        ImportUpload.objects.filter(name=self.name or "").delete()
