"""Schema-driven fuzzing: schemathesis reads /openapi.json and generates requests that fit it (positive)
and requests it forbids (negative) for every operation; no answer may be a 500, and every answer must
conform to the schema (status codes, content types, bodies).

Bounded to 30 examples per operation and mode, so the run takes a minute or two. The cases run through
Hypothesis directly: schemathesis.pytest.from_fixture does not work with pytest 9.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.conftest import KEY, app_for, demo_home

pytestmark = pytest.mark.slow  # hundreds of generated requests against the API

AUTH = {"Authorization": f"Bearer {KEY}"}


def cases() -> list[tuple[str, str, GenerationMode]]:
    """(path, method, mode) for every operation, read from the schema of an app that is never called;
    invalid requests only where the operation takes input (there is nothing to break in GET /health)."""
    schema = app_for(Path("never-opened"), api_key=KEY, preload=False).openapi()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            out.append((path, method.upper(), GenerationMode.POSITIVE))
            if op.get("parameters") or op.get("requestBody"):
                out.append((path, method.upper(), GenerationMode.NEGATIVE))
    return out


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    app = app_for(demo_home(tmp_path_factory), api_key=KEY, preload=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app, headers=AUTH)


@pytest.mark.parametrize("path, method, mode", cases(), ids=lambda v: getattr(v, "value", v))
def test_api_never_fails_and_keeps_to_its_schema(api_schema: Any, path: str, method: str,
                                                 mode: GenerationMode) -> None:
    operation = api_schema[path][method]

    @settings(max_examples=30, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=operation.as_strategy(mode, headers=AUTH))
    def answers(case: Any) -> None:
        response = case.call_and_validate(headers=AUTH)
        assert response.status_code < 500, response.text

    answers()
