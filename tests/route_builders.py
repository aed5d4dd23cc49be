"""Werkzeug's URL builders, compiled once per process rather than once per app.

Every test makes an app of its own (tests/conftest.py `app`), and making one registers
some 100 routes; Werkzeug compiles Python code for each route's URL builder (two per
route: `ast` and `compile()`), which was most of create_app's time and a fifth of a typical
test's. The code depends only on the rule's parts, its defaults and which of the two it is,
so the same rule in the next test's app is given the function compiled for the last one;
Werkzeug binds it to the new rule as it would a new one. Rules whose defaults fill in one
of their own variables (the builder then holds the converted value) are compiled as usual.
"""

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


def install() -> None:
    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "kutsu_cached", False):
        return  # a Werkzeug without it, or done already
    compiled: dict[tuple, Callable[..., Any]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return original(self, append_unknown)
        key = (
            self.rule,
            tuple(self._trace),
            tuple(sorted((name, repr(value)) for name, value in defaults.items())),
            append_unknown,
        )
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    compile_builder.kutsu_cached = True
    Rule._compile_builder = compile_builder
