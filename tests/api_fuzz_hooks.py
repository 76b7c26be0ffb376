"""Schemathesis hooks for tests/test_api_fuzz.py (loaded by the ``schemathesis run`` it starts):
the service's own rule for errors, as a check."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response


@schemathesis.check
def error_is_json(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Under /api every error is ``{"error": "<a reason>"}`` sent as JSON, whatever the route
    (undocumented methods included, which the coverage phase tries)."""
    if response.status_code < 400 or not case.formatted_path.startswith("/api/"):
        return None
    media = (response.headers.get("content-type") or [""])[0]
    if not media.startswith("application/json"):
        raise AssertionError(f"error {response.status_code} sent as {media!r}, not JSON")
    body = json.loads(response.content)
    if not (isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]):
        raise AssertionError(f"error {response.status_code} without an 'error' reason: {body!r}")
    return True
