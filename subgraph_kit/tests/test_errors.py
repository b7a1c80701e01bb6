"""Client errors reach the client with their code (and, when rate limited, the retry delay)."""

from graphql import GraphQLError

from subgraph_kit.errors import RateLimited


def test_rate_limited_tells_the_client_when_to_retry():
    error = RateLimited("Too many attempts. Try again in 42 seconds.", retry_after_seconds=42)

    formatted = GraphQLError(error.message, original_error=error).formatted

    assert formatted["message"] == "Too many attempts. Try again in 42 seconds."
    assert formatted["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 42}
