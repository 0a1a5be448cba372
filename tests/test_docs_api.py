"""docs/reference/api.md lists the API's operations exactly as its OpenAPI schema does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.test import Client

DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "api.md"
SCHEMA_URL = "/api/v1/openapi.json"
ROW = re.compile(r"^\| `(?P<method>[A-Z]+)` \| `(?P<path>/[^`]*)` \| (?P<codes>[\d, ]+) \|")


def documented() -> set[tuple[str, str, tuple[int, ...]]]:
    rows = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            codes = tuple(sorted(int(code) for code in match["codes"].split(",")))
            rows.add((match["method"], match["path"], codes))
    return rows


def served(schema: dict[str, Any]) -> set[tuple[str, str, tuple[int, ...]]]:
    return {
        (method.upper(), path, tuple(sorted(int(code) for code in operation["responses"])))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_the_documented_operations_are_the_served_schema_s(client: Client) -> None:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200, f"the doc says the schema is at {SCHEMA_URL}"
    assert f"`{SCHEMA_URL}`" in DOC.read_text(encoding="utf-8")
    rows = documented()
    assert rows, "no operation rows found in the doc's table"
    assert rows == served(response.json())
