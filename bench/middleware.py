"""Count (and optionally explain) the SQL queries of one request.

Active only for a request that carries ``X-Bench-Count-Queries: <id>`` while
the server runs with ``BENCH_QUERY_LOG`` set to a file: it then appends one
JSON line to that file with the request's queries, their times and, with
``X-Bench-Explain: 1`` on PostgreSQL, each SELECT's ``EXPLAIN (ANALYZE, BUFFERS)``
plan. The load runs send neither header, so they pay one dict lookup.

Streaming responses (the CSV export, the API) run their queries while the body
is sent, after the view has returned: the count is written when the stream
ends, so it covers every chunk. Non-streaming responses also get an
``X-Query-Count`` header.
"""

import json
import os
import time

from django.db import connection

MAX_SQL_CHARS = 4000


class QueryRecorder:
    """A ``connection.execute_wrapper`` that keeps each statement and its time."""

    def __init__(self, explain):
        self.explain = explain and connection.vendor == "postgresql"
        self.explained = set()  # each distinct statement once (an export repeats its chunks)
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        plan = None
        reads = sql.lstrip().upper().startswith(("SELECT", "WITH"))
        if self.explain and reads and not many and sql not in self.explained:
            self.explained.add(sql)
            plan = self.plan(context, sql, params)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.statements.append({"sql": sql[:MAX_SQL_CHARS], "ms": elapsed, "plan": plan})

    @staticmethod
    def plan(context, sql, params):
        # A plain cursor of its own: the statement itself may be about to run
        # on a server-side cursor (QuerySet.iterator()), which cannot EXPLAIN.
        with context["connection"].connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.log_path = os.environ.get("BENCH_QUERY_LOG")

    def __call__(self, request):
        request_id = request.headers.get("X-Bench-Count-Queries")
        if not request_id or not self.log_path:
            return self.get_response(request)
        recorder = QueryRecorder(explain=request.headers.get("X-Bench-Explain") == "1")
        started = time.perf_counter()
        connection.execute_wrappers.append(recorder)

        def finish(status):
            connection.execute_wrappers.remove(recorder)
            record = {
                "id": request_id,
                "path": request.get_full_path(),
                "status": status,
                "queries": len(recorder.statements),
                "db_ms": sum(s["ms"] for s in recorder.statements),
                "total_ms": (time.perf_counter() - started) * 1000,
                "statements": recorder.statements,
            }
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")

        try:
            response = self.get_response(request)
        except BaseException:
            connection.execute_wrappers.remove(recorder)
            raise
        if not response.streaming:
            response["X-Query-Count"] = str(len(recorder.statements))
            finish(response.status_code)
            return response

        def counted(chunks, status=response.status_code):
            try:
                yield from chunks
            finally:
                finish(status)

        response.streaming_content = counted(response.streaming_content)
        return response
