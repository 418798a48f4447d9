"""cleaner: clean and annotate machine (ASR) transcripts.

>>> from cleaner import Cleaner                        # doctest: +SKIP
>>> result = Cleaner().clean("we used tensor flow")    # doctest: +SKIP
>>> result.cleaned, [e.rule for e in result.edits]     # doctest: +SKIP
('we used TensorFlow', ['ml-terms.tensorflow'])
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Cleaner", "CleanerError", "Edit", "Result", "clean_text", "__version__"]


def __getattr__(name: str) -> Any:  # lazy: `cleaner --help` must not import spaCy
    if name == "Cleaner":
        from .engine import Cleaner
        return Cleaner
    if name in ("Edit", "Result"):
        from . import model
        return getattr(model, name)
    if name == "CleanerError":
        from .errors import CleanerError
        return CleanerError
    if name == "clean_text":
        return clean_text
    raise AttributeError(name)


_default: Any = None


def clean_text(text: str, **options: Any) -> Any:
    """Clean one string (options as for ``Cleaner``); the default cleaner is built once."""
    global _default
    from .engine import Cleaner
    if options:
        return Cleaner(**options).clean(text)
    if _default is None:
        _default = Cleaner()
    return _default.clean(text)
