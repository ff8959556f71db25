"""The project's small error hierarchy.

Every stage raises a subclass of `PolicyAssistantError` with a message that says what happened
and what to do; the edges (HTTP handlers, the CLI) translate them once into a status code or an
exit code. Other packages import these classes rather than defining parallel hierarchies.
"""

from __future__ import annotations


class PolicyAssistantError(Exception):
    """Base class: a failure the user can understand and act on."""


class CorpusError(PolicyAssistantError):
    """A policy text cannot be read or parsed."""


class NotFoundError(PolicyAssistantError):
    """A document, clause or conversation id that does not exist."""


class IndexStateError(PolicyAssistantError):
    """The built index is missing, stale or corrupt."""


class InputError(PolicyAssistantError):
    """A request is well-formed JSON but asks for something impossible (e.g. an unknown region).

    `field` names the request field at fault, when there is one (the API reports it).
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field
