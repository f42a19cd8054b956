"""The benchmark: ``bench/run.py`` and the bench-only settings, URLs and middleware."""
