"""The OpenAPI description (/api/openapi.json) stays true to the routes the app really has;
the fuzz test (test_api_fuzz.py) trusts it for everything else."""

from __future__ import annotations

from typing import Any

import schemathesis
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from schemathesis.core.result import Ok

from hotline.config import Settings, load_settings
from hotline.openapi import document
from hotline.server import create_app

METHODS = {"get", "post", "put", "patch", "delete"}


def _routes(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route but the static files and aiohttp's implicit HEADs."""
    return {(route.method.lower(), route.resource.canonical)
            for route in app.router.routes()
            if route.resource is not None and route.method != "HEAD"
            and not isinstance(route.resource, web.StaticResource)}


def test_every_route_is_described_and_nothing_else(settings: Settings) -> None:
    described = {(method, path) for path, item in document()["paths"].items()
                 for method in item if method in METHODS}
    assert described == _routes(create_app(settings))


def test_every_api_error_is_the_error_object() -> None:
    doc: dict[str, Any] = document()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                if path.startswith("/api/") and int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_schemathesis_reads_every_operation() -> None:
    results = list(schemathesis.openapi.from_dict(document()).get_all_operations())
    labels = [result.ok().label for result in results if isinstance(result, Ok)]
    assert "POST /api/calls" in labels and len(labels) == len(results) == 23


async def test_the_service_serves_it(clean_env: object) -> None:
    app = create_app(load_settings(load_models=False))
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/api/openapi.json")
        assert resp.status == 200 and resp.content_type == "application/json"
        assert await resp.json() == document()
