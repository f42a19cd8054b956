"""The stewards' tool: the Django admin, where data stewards enter and curate
the data.

- ``site.py``: the ModelAdmins (registered on import, which Django's admin
  autodiscovery does by importing this package);
- ``forms.py``: the admin's forms (version-checked pledge edits, withdrawing
  an update, a new declaration split into paragraphs, the bulk actions' input);
- ``actions.py``: the bulk actions and the "needs attention" page;
- ``resources.py``: CSV and XLSX import and export (django-import-export).

The public side (views, forms, filtersets, presenters, feeds, exports) never
imports from here.
"""

from tracker.admin import site  # noqa: F401  (registers the ModelAdmins)
