"""Log lines: JSON in production, text in development, one handler for every library's logger."""

import json
import logging
import logging.config
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
import uvicorn.config
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from subgraph_kit.settings import logging_settings
from subgraph_kit.testing import SubgraphClient, captured_logs

pytestmark = pytest.mark.django_db

ROUTER_SECRET = {"X-Router-Secret": "router-secret-for-tests"}
PASSWORD = "correct-horse-battery-staple"
KIT_DIR = Path(__file__).resolve().parents[1]


def environment(**variables: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = variables
    return env


def console_formatter(config: dict) -> str:
    return config["LOGGING"]["handlers"]["console"]["formatter"]


def test_production_lines_are_json_with_the_fields_collectors_index():
    with captured_logs() as output:
        logging.getLogger("tests.anything").warning("disk %s full", "/var")
    (line,) = [json.loads(text) for text in output.getvalue().splitlines()]
    assert line["message"] == "disk /var full"
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.anything"
    assert line["service"] == "kit"
    assert line["request_id"] == "-"
    assert line["timestamp"].endswith("+00:00")


def test_debug_gives_text_and_log_format_overrides_either_default():
    debug = logging_settings(environment(), debug=True, service_name="posts")
    production = logging_settings(environment(), debug=False, service_name="posts")
    assert console_formatter(debug) == "text"
    assert console_formatter(production) == "json"
    text_in_production = logging_settings(
        environment(LOG_FORMAT="text"), debug=False, service_name="posts"
    )
    assert console_formatter(text_in_production) == "text"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_settings(environment(LOG_FORMAT="xml"), debug=False, service_name="posts")


def test_development_text_lines_show_the_service_and_the_request_id():
    config = logging_settings(environment(), debug=True, service_name="posts")["LOGGING"]
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "hello", None, None)
    record.service, record.request_id = "posts", "req-1"
    formatter = logging.Formatter(config["formatters"]["text"]["format"])
    assert formatter.format(record).endswith(" INFO posts req-1 tests: hello")


@pytest.fixture
def uvicorn_then_django_logging():
    """Logging as in a uvicorn worker: uvicorn's own set-up, then Django's LOGGING on top."""
    logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)
    logging.config.dictConfig(settings.LOGGING)
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_uvicorn_lines_go_through_the_services_handler(uvicorn_then_django_logging):
    with captured_logs() as output:
        logging.getLogger("uvicorn.error").info("Started server process [1]")
        logging.getLogger("uvicorn.access").info('127.0.0.1 - "POST /graphql HTTP/1.1" 200')
    (line,) = [json.loads(text) for text in output.getvalue().splitlines()]
    # The access line is left out: the request line replaces it.
    assert line["logger"] == "uvicorn.error"
    assert line["service"] == "kit"


def test_python_warnings_become_log_lines_too():
    # In a process of its own: pytest records warnings itself.
    started = subprocess.run(
        [sys.executable, "-c", "import django, warnings; django.setup(); warnings.warn('old API')"],
        cwd=KIT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [json.loads(text) for text in started.stderr.splitlines()]
    assert line["logger"] == "py.warnings"
    assert "old API" in line["message"]
    assert line["service"] == "kit"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        # Variables of the wrong shape: graphql-core's message quotes the value.
        ('mutation ($p: String!) { login(email: "a", password: $p) }', {"p": [PASSWORD]}),
        (
            "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) }",
            {"e": "a", "p": PASSWORD, "unused": PASSWORD},
        ),
        # A literal of the wrong type, and a syntax error next to a literal.
        (f'mutation {{ login(email: "a", password: ["{PASSWORD}"]) }}', None),
        (f'mutation {{ login(email: "a", password: "{PASSWORD}" ', None),
        # The resolver's own refusal.
        (f'mutation {{ login(email: "a", password: "{PASSWORD}") }}', None),
    ],
    ids=["wrong-type-variable", "extra-variable", "wrong-type-literal", "syntax", "refused"],
)
def test_no_password_reaches_the_logs_whatever_the_error(query, variables):
    client = SubgraphClient(headers=ROUTER_SECRET)
    with captured_logs() as output:
        response = client.post(
            "/graphql",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
        )
    assert response.json()["errors"]
    assert "client error" in output.getvalue()
    assert PASSWORD not in output.getvalue()
