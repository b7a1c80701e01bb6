"""What a client sees of an error it did not cause.

A bug is masked as "Unexpected error." (the log has the details). The database being out of
reach (down, restarting, no free connection within the pool's timeout) is not a bug in the
request or the code: the client gets a clear, retryable SERVICE_UNAVAILABLE instead, still
without the driver's message.
"""

from __future__ import annotations

from django.db.utils import InterfaceError, OperationalError
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

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
