"""The packages whose name is also the name of the function they export.

``policygraph.export`` is both a package and the function users call as ``pg.export(...)``
(``policygraph.evaluate`` likewise).
Python binds a submodule to its package's attribute when it is first imported, so after
``from policygraph.export import networkx_formats`` the name ``pg.export`` is the package, and
calling it failed with "'module' object is not callable". Each such package makes itself
callable (the function it is named after), whatever was imported first.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, function: Callable[..., Any]) -> None:
    """Calling the module ``module_name`` calls ``function``."""

    class CallableModule(types.ModuleType):
        __doc__ = sys.modules[module_name].__doc__

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
