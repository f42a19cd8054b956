"""OpenAPI parameters drawn from a FilterSet, so that the document lists
exactly the filters the list applies, with the FilterSet's labels."""

import django_filters


def filter_parameters(filterset_class, exclude=()):
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        if name in exclude:
            continue
        text = str(filter_.label or name)
        if filter_.extra.get("help_text"):
            text += f": {filter_.extra['help_text']}"
        schema = {"type": "string"}
        choices = filter_.extra.get("choices")
        if isinstance(filter_, django_filters.DateFilter):
            schema = {"type": "string", "format": "date"}
            text += " (YYYY-MM-DD)"
        elif isinstance(filter_, django_filters.OrderingFilter):
            names = [value for value, _label in filter_.param_map.items()]
            schema = {"type": "string", "enum": [*names, *(f"-{n}" for n in names)]}
            text += "; a leading minus sign reverses the order"
        elif isinstance(choices, list | tuple):
            schema = {"type": "string", "enum": [value for value, _label in choices]}
        elif choices is None and isinstance(
            filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter
        ):
            # Choices from the vocabulary, set per request: themes, actors...
            text += " (a slug, as the vocabulary endpoints list them)"
        parameter = {"name": name, "in": "query", "required": False, "description": text}
        if isinstance(filter_, django_filters.MultipleChoiceFilter):
            parameter.update(
                schema={"type": "array", "items": schema},
                style="form",
                explode=True,
                description=text + "; repeat the parameter for any of several",
            )
        else:
            parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def paging_parameters(default_size, max_size):
    return [
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Where the page starts: take it from the `next` or `previous` link.",
            "schema": {"type": "string"},
        },
        {
            "name": "page_size",
            "in": "query",
            "required": False,
            "description": f"Items a page, at most {max_size}.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": max_size,
                "default": default_size,
            },
        },
    ]
