"""Optional dependencies: imported on first use, with a message naming the extra that installs them."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str, purpose: str, error: type[Exception] = ImportError) -> ModuleType:
    """Import ``module``, or raise ``error`` saying ``purpose`` needs ``pip install 'newsclean[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.split(".", 1)[0]
        raise error(f"{purpose} needs {package}: pip install 'newsclean[{extra}]'") from None
