"""What a client sees of an error it did not cause.

A bug is masked as "Unexpected error." (the log has the details). The database being out of
reach (down, restarting, no free connection within the pool's timeout) is not a bug in the
request or the code: the client gets a clear, retryable SERVICE_UNAVAILABLE instead, still
without the driver's message.

Nor does a client learn the schema from GraphQL's suggestions ("Did you mean 'title'?") outside
development: introspection is off in production, and suggestions would spell out the names it
hides one misspelling at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

SERVICE_UNAVAILABLE_MESSAGE = "The service is temporarily unavailable: try again shortly"


class SubgraphMaskErrors(MaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        # Django raises OperationalError for a refused, lost or timed-out connection (including
        # the pool's timeout) and InterfaceError for one already closed.
        if isinstance(error.original_error, OperationalError | InterfaceError):
            return GraphQLError(
                message=SERVICE_UNAVAILABLE_MESSAGE,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                extensions={"code": "SERVICE_UNAVAILABLE"},
            )
        return super().anonymise_error(error)


# graphql-core's `did_you_mean` sentence, which ends its messages: names hold no "?".
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


class HideSuggestions(SchemaExtension):
    """Removes GraphQL's name suggestions from every error message unless DEBUG is on.

    Validation errors (an unknown field) and variable coercion errors (an unknown input field,
    an enum value) both suggest names.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if settings.DEBUG or result is None or not result.errors:
            return
        # New errors, not edited ones: validation errors are cached and shared across requests.
        result.errors = [_without_suggestions(error) for error in result.errors]


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    message = without_suggestions(error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )
