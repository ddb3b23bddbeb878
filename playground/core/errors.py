"""Refusals a learner can act on: a translation key and its parameters, never English text.

Every error the engine raises for a person to read is a :class:`PlaygroundError`. It
carries a catalog key (``err.expr.unknown_name_name``) and the values for its
placeholders; the page translates it once, in ``playground.ui.show_error``.
``str(err)`` is the English text, for logs and tests.
"""

from __future__ import annotations

from playground.core.i18n import in_language, md, t

__all__ = [
    "BudgetError",
    "CheckpointError",
    "DatasetError",
    "ExampleError",
    "ExpressionError",
    "ModelError",
    "NotDifferentiableError",
    "PlaygroundError",
    "ProgramError",
    "TrainingError",
    "UnsafeCheckpointError",
    "UploadError",
]


class PlaygroundError(ValueError):
    """A refusal with a catalog ``key`` and the ``params`` its message needs.

    ``torch_message`` holds PyTorch's own error text when PyTorch raised it.
    """

    def __init__(self, key: str, /, *, torch_message: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key, self.params, self.torch_message = key, params, torch_message

    def message(self, lang: str = "en", *, markdown: bool = False) -> str:
        """The message in ``lang``; parameters that are messages themselves are translated too.

        ``markdown=True`` is for ``st.error`` and captions: every parameter (a file
        name, typed code, a URL value) is shown literally, never as a link or markup.
        """
        if markdown:
            return md(self.key, lang, **self.params)
        return t(self.key, lang, **{k: in_language(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.message("en")


class BudgetError(PlaygroundError):
    """Work refused before it started: over the elements, bytes or FLOPs budget."""


class ExpressionError(PlaygroundError):
    """Typed code that was refused or failed (``playground.core.expr``)."""


class ProgramError(ExpressionError):
    """A program line that could not be parsed or run; ``line`` is 1-based."""

    def __init__(
        self, line: int, key: str, /, *, torch_message: str | None = None, **params: object
    ) -> None:
        super().__init__(key, torch_message=torch_message, **params)
        self.line = line

    @classmethod
    def at(cls, line: int, err: PlaygroundError) -> ProgramError:
        """``err`` as raised by the statement on ``line``."""
        return cls(line, err.key, torch_message=err.torch_message, **err.params)

    def message(self, lang: str = "en", *, markdown: bool = False) -> str:
        inner = super().message(lang, markdown=markdown)
        return (md if markdown else t)("err.at_line", lang, line=self.line, message=inner)


class NotDifferentiableError(ExpressionError):
    """An output that autograd cannot differentiate (no ``grad_fn``)."""


class ModelError(PlaygroundError):
    """A layer or model the builder refuses."""


class CheckpointError(PlaygroundError):
    """A file that cannot be used as a checkpoint."""


class UnsafeCheckpointError(CheckpointError):
    """A pickle that holds Python objects (possibly code), not just tensors: refused, never run."""


class UploadError(PlaygroundError):
    """An archive, CSV or image upload that was refused."""


class DatasetError(PlaygroundError):
    """A dataset that cannot be opened or downloaded."""


class TrainingError(PlaygroundError):
    """A training setup that cannot run, or a run that stopped (a non-finite loss)."""


class ExampleError(PlaygroundError):
    """Settings the "Learning PyTorch with Examples" page refuses."""
