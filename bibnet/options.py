"""Every option of bibnet, declared once: default, allowed values, help text and check.

An option is a field of a frozen parameter dataclass (:class:`~bibnet.selection.NetworkParams`,
:class:`~bibnet.clustering.ClusterParams`, :class:`~bibnet.layout.LayoutParams`) made with
:func:`option`. Everything else is derived from that one declaration:

- the check, by :class:`Params` when an instance is made;
- the command-line flag, its type, default and help (:mod:`bibnet.cli.options`);
- the keyword options, signature and docstring of functions that take the parameters
  (:func:`takes`), so ``help(Network.cluster)`` lists them;
- the keys of ``summary.json`` and ``parameters.json`` (:meth:`Params.to_dict`).

Options whose values name methods (counting, normalisation, ...) take their choices from the
registry of those methods, so a new method is one registry entry plus its function.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import os
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from bibnet.errors import OptionError

__all__ = ["Option", "Params", "base_type", "defaults", "option", "options", "resolve", "takes", "type_hints"]

P = TypeVar("P", bound="Params")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Option:
    """What is known about one option besides its name and default.

    Attributes
    ----------
    help
        One sentence for ``--help`` and docstrings.
    what
        The option in words, for error messages ("minimum occurrences").
    choices
        Allowed values, in the order shown; ``None`` when any value of the type is allowed.
    min, max
        Bounds (inclusive unless ``open_min``/``open_max``).
    flag
        Command-line flag when not ``--`` plus the name with dashes; ``""`` keeps the option
        off the command line.
    path
        The value names a file (the command line checks that it is not a folder).
    aliases
        Other names accepted for some choices, each with the choice it stands for
        (``{"plus": "indexed"}``: the Web of Science name of a field); recorded as the choice.
    parse
        For options whose values are not one number or word (a list of years): reads the value
        from text (``"2015,2020"``), raising :class:`~bibnet.errors.OptionError`. Applied to
        a ``str`` given for the option, on the command line and in Python alike.
    """

    help: str
    what: str
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    open_min: bool = False
    open_max: bool = False
    flag: str | None = None
    path: bool = False
    aliases: tuple[tuple[str, str], ...] = ()
    parse: Callable[[str], Any] | None = None


def option(
    default: Any,
    *,
    help: str,
    what: str = "",
    choices: Iterable[str] | None = None,
    min: float | None = None,
    max: float | None = None,
    open_min: bool = False,
    open_max: bool = False,
    flag: str | None = None,
    path: bool = False,
    aliases: dict[str, str] | None = None,
    parse: Callable[[str], Any] | None = None,
) -> Any:
    """Declare a field of a :class:`Params` dataclass as an option (see :class:`Option`).

    ``choices`` may be a registry (a dict of methods): its keys are the allowed values.
    ``what`` defaults to the field name with spaces.
    """
    spec = Option(help=help, what=what, choices=tuple(choices) if choices is not None else None, min=min, max=max,
                  open_min=open_min, open_max=open_max, flag=flag, path=path,
                  aliases=tuple((aliases or {}).items()), parse=parse)
    return dataclasses.field(default=default, metadata={"option": spec})


@dataclass(frozen=True)
class Params:
    """Base of the parameter dataclasses: checks every option when an instance is made."""

    #: Name used in messages about the whole set ("network options").
    kind: ClassVar[str] = "options"

    def __post_init__(self) -> None:
        for name, spec in options(type(self)).items():
            value = getattr(self, name)
            if spec.aliases and isinstance(value, str) and value in dict(spec.aliases):
                value = dict(spec.aliases)[value]  # recorded under the one name every output uses
                object.__setattr__(self, name, value)
            if spec.parse is not None and isinstance(value, str):
                value = spec.parse(value)
                object.__setattr__(self, name, value)
            if spec.path and isinstance(value, os.PathLike):
                object.__setattr__(self, name, os.fspath(value))  # a Path given for a file name
            _check(name, spec, getattr(self, name), type_hints(type(self))[name])
            if base_type(type_hints(type(self))[name]) is int and isinstance(value, float):
                object.__setattr__(self, name, int(value))  # 2.0 checked as a whole number: recorded as 2
        self.check()

    def check(self) -> None:
        """Checks that involve several options (none here; subclasses add theirs)."""

    def to_dict(self) -> dict[str, Any]:
        """The options by name, in declaration order (the keys written to JSON files)."""
        return dataclasses.asdict(self)


def options(cls: type[Params]) -> dict[str, Option]:
    """The options of a parameter class, by field name, in declaration order."""
    found = {}
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("option")
        if spec is not None:
            what = spec.what or f.name.replace("_", " ")
            choices = spec.choices if spec.choices is not None else _literal(type_hints(cls)[f.name])
            found[f.name] = dataclasses.replace(spec, what=what, choices=choices)
    return found


def defaults(cls: type[Params]) -> dict[str, Any]:
    """Default value of each option of ``cls``."""
    return {f.name: f.default for f in dataclasses.fields(cls) if "option" in f.metadata}


def resolve(cls: type[P], params: P | None, given: dict[str, Any]) -> P:
    """``params``, or a ``cls`` made from keyword options; both at once is an error."""
    if params is not None and given:
        raise OptionError(f"give params= or the {cls.kind} ({', '.join(sorted(given))}), not both")
    if params is not None:
        if not isinstance(params, cls):
            raise OptionError(f"params must be a {cls.__name__}, got {type(params).__name__}")
        return params
    unknown = sorted(set(given) - set(options(cls)))
    if unknown:
        raise TypeError(f"unknown option {unknown[0]!r}; the {cls.kind} are {', '.join(options(cls))}")
    return cls(**given)


def takes(cls: type[Params]) -> Callable[[F], F]:
    """Show the options of ``cls`` as keyword-only parameters of a function taking ``params``.

    The function is declared ``f(..., *, params: cls | None = None, **options)`` and calls
    :func:`resolve`; this decorator gives it the signature and docstring that list every
    option with its default, so ``help(f)`` and editors show them. It does not wrap the call.
    """

    def decorate(func: F) -> F:
        sig = inspect.signature(func)
        own = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        types = type_hints(cls)
        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=types[name])
                 for name, default in defaults(cls).items()]
        func.__signature__ = sig.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
        func.__doc__ = (func.__doc__ or "").rstrip() + "\n\n" + _doc_section(cls, indent=_indent(func.__doc__))
        return func

    return decorate


def _doc_section(cls: type[Params], *, indent: str) -> str:
    heading = f"Options (or ``params={cls.__name__}(...)``)"
    lines = [heading, "-" * len(heading)]
    types = type_hints(cls)
    for name, spec in options(cls).items():
        default = defaults(cls)[name]
        lines.append(f"{name} : {_type_name(types[name])}, default {default!r}")
        allowed = f" One of: {', '.join(spec.choices)}." if spec.choices else ""
        lines.append(f"    {spec.help}{allowed}")
    return "\n".join(indent + line if line else line for line in lines) + "\n"


def _indent(doc: str | None) -> str:
    for line in (doc or "").splitlines()[1:]:
        if line.strip():
            return line[: len(line) - len(line.lstrip())]
    return ""


#: :func:`type_hints` per class. A plain dict rather than ``functools.cache``: mypy does not
#: accept a class (``type[Params]``) as a ``Hashable`` argument of a cached function.
_type_hints: dict[type, dict[str, Any]] = {}


def type_hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of ``cls`` (computed once per class)."""
    hints = _type_hints.get(cls)
    if hints is None:
        hints = _type_hints[cls] = typing.get_type_hints(cls)
    return hints


def _literal(hint: Any) -> tuple[str, ...] | None:
    if typing.get_origin(hint) is typing.Literal:
        return tuple(typing.get_args(hint))
    return None


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def base_type(hint: Any) -> type | None:
    """``int``, ``float``, ``bool`` or ``str`` behind a hint (``int | None`` -> ``int``), else ``None``."""
    if typing.get_origin(hint) is typing.Literal:
        return str
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return hint if hint in (int, float, bool, str) else None


def _check(name: str, spec: Option, value: Any, hint: Any) -> None:
    what = spec.what
    if value is None:
        if type(None) in typing.get_args(hint):
            return
        raise OptionError(f"{what} must be given")
    base = base_type(hint)
    if spec.choices is not None:
        if value not in spec.choices:
            expected = (" or ".join(spec.choices) if len(spec.choices) == 2
                        else "one of " + ", ".join(spec.choices))
            raise OptionError(f"unknown {what} {value!r}; expected {expected}")
        return
    if base is bool:
        if not isinstance(value, bool):
            raise OptionError(f"{what} must be True or False, got {value!r}")
        return
    if base is str:
        if not isinstance(value, str):
            raise OptionError(f"{what} must be text, got {value!r}")
        return
    if base not in (int, float):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise OptionError(f"{what} must be a number, got {value!r}")
    number = float(value)
    if base is int and not number.is_integer():
        raise OptionError(f"{what} must be an integer, got {value}")
    if math.isnan(number):
        raise OptionError(f"{what} must be a number, got {value}")
    low = spec.min is None or (number > spec.min if spec.open_min else number >= spec.min)
    high = spec.max is None or (number < spec.max if spec.open_max else number <= spec.max)
    if low and high and math.isfinite(number):
        return
    if spec.min is not None and spec.max is not None:
        raise OptionError(f"{what} must be between {_n(spec.min)} and {_n(spec.max)}, got {value}")
    if base is int and spec.min is not None:
        raise OptionError(f"{what} must be at least {_n(spec.min)}, got {value}")
    sign = ">" if spec.open_min else ">="
    raise OptionError(f"{what} must be a number {sign} {_n(spec.min or 0)}, got {value}")


def _n(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)
