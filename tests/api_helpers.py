"""Helpers for the API tests: the served OpenAPI document, and a check that
a response is one the document describes."""

import json
import re
from functools import cache

from django.test import Client
from openapi_schema_validator import OAS31Validator

SCHEMA_URL = "/api/v1/openapi.json"


@cache
def openapi():
    """The document as served (it depends only on the code, so once a run)."""
    response = Client().get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def operation_for(path, method):
    """The documented path template and operation that ``path`` matches."""
    for template, operations in openapi()["paths"].items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + r"\Z"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def assert_documented(response, method="GET"):
    """The response's status is documented for its operation and its JSON
    body validates against the documented schema. Returns the body."""
    path = response.wsgi_request.path
    template, operation = operation_for(path, method)
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {template} does not document {status}"
    documented = operation["responses"][status]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "content" not in documented:
        assert not body
        return None
    [(media_type, content)] = documented["content"].items()
    assert response["Content-Type"].split(";")[0] == media_type
    if media_type != "application/json":
        return body
    data = json.loads(body)
    schema = {**content["schema"], "components": openapi()["components"]}
    OAS31Validator(schema).validate(data)
    return data
