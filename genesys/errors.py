"""What can go wrong when talking to Genesys, each with a message a user can act on."""

from __future__ import annotations


class GenesysError(RuntimeError):
    """A Genesys call failed; the message says what to do about it."""


class GenesysAuthError(GenesysError):
    """The OAuth client's credentials were refused."""


class GenesysPermissionError(GenesysError):
    """The OAuth client's role lacks a permission."""


class GenesysNotFound(GenesysError):
    """The requested object does not exist (404)."""


class RetryAfterTooLong(GenesysError):
    """Genesys asked to wait longer than this client will."""


class GenesysConflict(GenesysError):
    """A versioned write lost to another writer (409): re-read, then write again."""
