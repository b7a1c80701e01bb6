"""HTTP endpoints of accounts besides GraphQL."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from accounts.tokens import json_web_key_set


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys that verify this service's tokens (RFC 7517 JWK Set)."""
    return JsonResponse(json_web_key_set())
