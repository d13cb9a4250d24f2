"""Write docs/api.md, the API reference, from the docstrings of newsclean's public names.

    python docs/gen_api.py           # rewrite docs/api.md
    python docs/gen_api.py --check   # exit 1 when docs/api.md is out of date

The public names of a module are its ``__all__``, else the classes and functions it defines
whose names do not start with ``_``. A name exported by ``newsclean`` itself is documented
there once; the modules list it under "Also here".
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

MODULES = (
    "newsclean",
    "newsclean.api",
    "newsclean.engine.driver",
    "newsclean.config",
    "newsclean.engine.corpus",
    "newsclean.options",
    "newsclean.model",
    "newsclean.rulepack",
    "newsclean.readers",
    "newsclean.writers",
    "newsclean.formats",
    "newsclean.integrations",
    "newsclean.minhash",
    "newsclean.duplicates",
    "newsclean.engine.distributed",
    "newsclean.testing",
)
API_MD = Path(__file__).resolve().parent / "api.md"
HEADER = """\
# API reference

Generated from the docstrings by `python docs/gen_api.py`; do not edit by hand (a test fails
when this file is out of date). How to use the API: [usage.md](usage.md),
[quickstart.md](quickstart.md), [cookbook.md](cookbook.md).
"""
_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc):`~?([^`]+)`")


def public_names(module: Any) -> list[str]:
    if hasattr(module, "__all__"):
        return [n for n in module.__all__ if not n.startswith("_")]
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == module.__name__
    )


def docstring(obj: Any) -> str:
    """The docstring as Markdown: reST roles and double backticks become code spans, and a
    paragraph laid out by hand (indented lines, columns aligned with spaces) stays as it is,
    in a text block."""
    paragraphs = (inspect.getdoc(obj) or "").split("\n\n")
    return "\n\n".join(_markdown(p) for p in paragraphs)


_LAID_OUT = re.compile(r"^\s|\S {3,}\S", re.MULTILINE)


def _markdown(paragraph: str) -> str:
    if _LAID_OUT.search(paragraph):
        return f"```text\n{paragraph}\n```"
    return _ROLE.sub(r"`\1`", paragraph).replace("``", "`")


def _default(value: Any) -> str:
    if type(value).__name__ == "_Nothing":  # attrs: the default comes from a factory
        return "<factory>"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    text = repr(value)
    if " at 0x" in text:  # a memory address would change on every run
        return getattr(value, "__qualname__", type(value).__name__)
    return text


def signature(obj: Any, *, bound: bool = False) -> str:
    """``(a, *, b=1)``: parameters and defaults, without annotations (they are strings here);
    ``bound`` leaves out the first parameter (``self``, ``cls``)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    parts: list[str] = []
    star_done = False
    params = list(sig.parameters.values())[1 if bound else 0 :]
    for param in params:
        if param.kind is param.VAR_POSITIONAL:
            parts.append(f"*{param.name}")
            star_done = True
        elif param.kind is param.VAR_KEYWORD:
            parts.append(f"**{param.name}")
        else:
            if param.kind is param.KEYWORD_ONLY and not star_done:
                parts.append("*")
                star_done = True
            if param.default is param.empty:
                parts.append(param.name)
            else:
                parts.append(f"{param.name}={_default(param.default)}")
    return "(" + ", ".join(parts) + ")"


def members(cls: type) -> list[tuple[str, str, Any]]:
    """(name, kind, object) of the public methods and properties defined on ``cls`` itself,
    in source order; kind is ``method``, ``classmethod``, ``staticmethod`` or ``property``."""
    found = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            found.append((name, type(value).__name__, value.__func__))
        elif inspect.isfunction(value):
            found.append((name, "method", value))
        elif isinstance(value, property):
            found.append((name, "property", value.fget))
    return found


def render_class(qualified: str, cls: type) -> list[str]:
    bases = [b.__name__ for b in cls.__bases__ if b is not object]
    if issubclass(cls, BaseException):
        title = f"class {qualified}({', '.join(bases)})"
    elif issubclass(cls, enum.Enum) or getattr(cls, "_is_protocol", False):
        title = f"class {qualified}"
    else:
        title = f"class {qualified}{signature(cls)}"
    lines = [f"### `{title}`", "", docstring(cls), ""]
    if issubclass(cls, enum.Enum):
        lines += ["Values: " + ", ".join(f"`{m.value}`" for m in cls), ""]
    for name, kind, member in members(cls):
        if kind == "property":
            lines += [f"#### `{cls.__name__}.{name}` (property)", ""]
        else:
            call = signature(member, bound=kind != "staticmethod")
            note = f" ({kind})" if kind != "method" else ""
            lines += [f"#### `{cls.__name__}.{name}{call}`{note}", ""]
        doc = docstring(member)
        if doc:
            lines += [doc, ""]
    return lines


def render_function(qualified: str, func: Any) -> list[str]:
    return [f"### `{qualified}{signature(func)}`", "", docstring(func), ""]


def render() -> str:
    """The whole of docs/api.md."""
    lines = [HEADER]
    documented: dict[int, str] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        lines += [f"## `{module_name}`", "", docstring(module), ""]
        also: list[str] = []
        for name in public_names(module):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if id(obj) in documented:
                also.append(f"`{name}` (see `{documented[id(obj)]}`)")
                continue
            qualified = f"{module_name}.{name}"
            documented[id(obj)] = qualified
            lines += render_class(qualified, obj) if inspect.isclass(obj) else render_function(qualified, obj)
        if also:
            lines += ["Also here: " + ", ".join(also) + ".", ""]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = API_MD.read_text(encoding="utf-8") if API_MD.exists() else ""
        if current != text:
            print("docs/api.md is out of date: run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    API_MD.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
