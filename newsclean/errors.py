"""All exceptions newsclean raises on purpose. Each also subclasses the builtin it resembles."""


class NewscleanError(Exception):
    """Base class for newsclean's own errors."""


class ConfigError(NewscleanError, ValueError):
    """A setting or option is invalid. The message says which and how to fix it."""


class RulePackError(ConfigError):
    """A rule pack file is malformed or one of its rules is unsafe."""


class InputError(NewscleanError, OSError):
    """An input path cannot be read at all (missing, not a file we know how to read)."""


class StageError(NewscleanError, RuntimeError):
    """A stage failed on one document; raised only when the pipeline is asked to raise."""

    def __init__(self, stage: str, doc_id: str, cause: BaseException):
        super().__init__(f"stage {stage!r} failed on document {doc_id!r}: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.doc_id = doc_id
        self.cause = cause
