"""The HTTP API: v1 (``v1.py``) and the old /api/pledges/ (``legacy.py``)."""
