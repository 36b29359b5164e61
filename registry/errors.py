"""The one error hierarchy. Each class knows its HTTP status; api/problems.py renders them (RFC 9457)."""

from typing import Any


class RegistryError(Exception):
    """Base of every error the service reports to a user."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class InvalidInput(RegistryError):
    status, slug, title = 422, "invalid-input", "Invalid input"


class NotFound(RegistryError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(RegistryError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class Unauthenticated(RegistryError):
    status, slug, title = 401, "unauthenticated", "Authentication required"


class PermissionDenied(RegistryError):
    status, slug, title = 403, "forbidden", "Role not allowed"


class PreconditionFailed(RegistryError):
    status, slug, title = 412, "stale-revision", "The resource changed since you read it"


class PreconditionRequired(RegistryError):
    status, slug, title = 428, "if-match-required", "If-Match header required"


class TooLarge(RegistryError):
    status, slug, title = 413, "too-large", "Request too large"


class MethodNotAllowed(RegistryError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class TooManyRequests(RegistryError):
    """A rate limit or the back-off after failed sign-ins; `retry_after` (seconds) goes in Retry-After."""

    status, slug, title = 429, "too-many-requests", "Too many requests"


class InternalError(RegistryError):
    status, slug, title = 500, "internal-error", "Internal server error"


class ImportRejected(RegistryError):
    """A file had bad rows; `errors` lists every one (line, column, detail). Nothing was written."""

    status, slug, title = 422, "import-rejected", "Import rejected"


class DocumentRejected(RegistryError):
    """A document sent for term checking cannot be read (no text layer, not a Word file, macros, zip bomb,
    unknown encoding); `detail` says why."""

    status, slug, title = 422, "document-rejected", "Document rejected"


class Unavailable(RegistryError):
    """The service cannot answer yet (a term base still being built); retry shortly."""

    status, slug, title = 503, "unavailable", "Service unavailable"


ALL_ERRORS: tuple[type[RegistryError], ...] = (
    RegistryError, InvalidInput, NotFound, Conflict, Unauthenticated, PermissionDenied,
    PreconditionFailed, PreconditionRequired, TooLarge, MethodNotAllowed, DocumentRejected, ImportRejected,
    TooManyRequests, InternalError, Unavailable,
)
