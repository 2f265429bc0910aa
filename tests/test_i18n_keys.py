"""Every i18n key the code names exists in a catalogue.

``t()`` shows a missing key as the key itself rather than crash in front of a
user, so a typo in a key (or a key whose text was never registered) would
only be seen on screen. These tests read the source with ``ast`` and check
every key the code names, in every form the code passes keys around:

- call arguments that are keys or text sources (``t``, ``Tr``, ``TrButton``,
  ``TitleBar``, ``Field`` and its ``hint=``, ``ComelinError`` and its
  subclasses, ``Binding`` descriptions, ``ConfigWarning``...): any string
  literal there must be a key, dotted or not;
- any other string literal that looks like a key of a catalogue namespace
  (``tui.step.email`` held in a table, a tuple, a default...), once the other
  dotted vocabularies are set aside (diagnosis codes, settings field paths);
- keys built with f-strings: the literal prefix must start at least one key,
  and where the values come from a closed set (security modes, step ids,
  statuses), every value's key must exist.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest
from test_i18n import _import_all_modules

import comelin_tui
from comelin_tui import i18n
from comelin_tui.fields import FIELDS

PACKAGE = Path(comelin_tui.__file__).resolve().parent
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
# The literal start of an f-string key: "tui.security." or "tui.home.last_".
KEY_PREFIX = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*[._]")

# Callables whose first positional argument is a key, or a text source (a key or a callable).
KEY_FIRST = {
    "t",  # i18n.t
    "_text",  # classifier: catalogue text or None
    "Tr", "TrButton", "TitleBar", "Field",  # widgets/text.py
    "show_text", "set_key", "set_error", "set_hint",  # their setters
}
# Keyword arguments that hold a key or a text source, whatever the callable.
KEY_KEYWORDS = {"hint", "description", "source", "key"}
# Binding(keys, action, description, ...): the description is an i18n key.
BINDING_DESCRIPTION = 2
# ConfigWarning(field, key): the message is `key`, the hint `key + ".hint"`.
SUFFIXED = {"ConfigWarning": (1, ("", ".hint"))}


@dataclass(frozen=True)
class Use:
    """A key (or an f-string key's literal prefix) named at file:line."""

    where: str
    key: str
    prefix: bool = False  # an f-string: only its literal start is known


@pytest.fixture(scope="module")
def catalogue() -> set[str]:
    _import_all_modules()
    return set(i18n.catalogue())


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE.parent).as_posix()
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def _error_classes() -> set[str]:
    """ComelinError and the subclasses whose first positional argument is the key."""
    from comelin_tui.errors import ComelinError

    _import_all_modules()
    names = {"ComelinError"}
    pending = [ComelinError]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            params = [p for p in inspect.signature(sub.__init__).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if len(params) > 1 and params[1].name == "key":
                names.add(sub.__name__)
    return names


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        # super().__init__(key) in an error class is the ComelinError call.
        if func.attr == "__init__" and isinstance(func.value, ast.Call) \
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
            return "super().__init__"
        return func.attr
    return None


def _key_uses(node: ast.expr, where: str, suffixes: tuple[str, ...] = ("",)) -> Iterator[Use]:
    """The keys an argument names: a literal, an f-string, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        for suffix in suffixes:
            yield Use(where, node.value + suffix)
    elif isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield Use(where, first.value, prefix=True)
    elif isinstance(node, ast.IfExp):
        yield from _key_uses(node.body, where, suffixes)
        yield from _key_uses(node.orelse, where, suffixes)


def _call_uses(errors: set[str]) -> Iterator[Use]:
    for name, tree in _sources():
        yield from _call_uses_in(name, tree, errors)


def _call_uses_in(name: str, tree: ast.Module, errors: set[str]) -> Iterator[Use]:
    """Keys in the argument positions that take a key."""
    first = KEY_FIRST | errors
    in_error_class = {
        id(node) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id in errors for b in cls.bases)
        for node in ast.walk(cls)
    }
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        where = f"{name}:{call.lineno}"
        callee = _callee(call)
        if callee == "super().__init__" and id(call) not in in_error_class:
            callee = None
        if (callee in first or callee == "super().__init__") and call.args:
            yield from _key_uses(call.args[0], where)
        if callee == "Binding" and len(call.args) > BINDING_DESCRIPTION:
            yield from _key_uses(call.args[BINDING_DESCRIPTION], where)
        if callee in SUFFIXED:
            index, suffixes = SUFFIXED[callee]
            if len(call.args) > index:
                yield from _key_uses(call.args[index], where, suffixes)
        for keyword in call.keywords:
            if keyword.arg in KEY_KEYWORDS:
                suffixes = SUFFIXED[callee][1] if callee in SUFFIXED else ("",)
                yield from _key_uses(keyword.value, where, suffixes)


# Wizard fields that are not settings (the sign-in button, the choice of how to sign in):
# focus targets and help topics, named like the settings' field paths.
# A sender profile's fields in the profile wizard (profile.name...) are named so too.
WIZARD_FIELDS = {"oauth.method", "oauth.sign_in",
                 *(spec.name for spec in FIELDS if spec.name.startswith("profile."))}


def _other_vocabularies() -> set[str]:
    """Dotted names that are not i18n keys: diagnosis codes and field paths."""
    from pydantic import BaseModel

    from comelin_tui.config import Config
    from comelin_tui.diagnostics.diagnosis_messages import DIAGNOSIS_CODES

    names = set(DIAGNOSIS_CODES) | WIZARD_FIELDS

    def walk(model: type[BaseModel], prefix: str) -> None:
        for field_name, info in model.model_fields.items():
            names.add(prefix + field_name)
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
                walk(info.annotation, f"{prefix}{field_name}.")

    walk(Config, "")
    return names


def _literal_uses(namespaces: set[str], others: set[str]) -> Iterator[Use]:
    for name, tree in _sources():
        yield from _literal_uses_in(name, tree, namespaces, others)


def _literal_uses_in(name: str, tree: ast.Module, namespaces: set[str],
                     others: set[str]) -> Iterator[Use]:
    """Other string literals that look like keys of a catalogue namespace."""
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    fstring_parts = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                     for part in node.values}
    # folder / "config.toml": a file name.
    path_parts = {id(node.right) for node in ast.walk(tree)
                  if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        if id(node) in docstrings | fstring_parts | path_parts or not KEY.fullmatch(value):
            continue
        if value.split(".")[0] not in namespaces or value in others:
            continue
        # A diagnosis code's own texts ("auth.unavailable.summary") are registered
        # under "diagnosis." by diagnosis_messages.
        if any(value.startswith(code + ".") for code in others) \
                and "diagnosis." + value in i18n.catalogue():
            continue
        yield Use(f"{name}:{node.lineno}", value)


def _missing(uses: Iterator[Use], catalogue: set[str]) -> list[str]:
    problems = []
    for use in uses:
        if use.prefix:
            if KEY_PREFIX.fullmatch(use.key) and not any(k.startswith(use.key) for k in catalogue):
                problems.append(f"{use.where}: no key starts with {use.key!r}")
        elif use.key not in catalogue:
            problems.append(f"{use.where}: {use.key!r} is in no catalogue")
    return sorted(set(problems))


def test_keys_passed_to_text_callables_exist(catalogue: set[str]) -> None:
    uses = list(_call_uses(_error_classes()))
    assert len(uses) > 300, "the scan found too few keys: has the way keys are passed changed?"
    problems = _missing(iter(uses), catalogue)
    assert not problems, "\n".join(problems)


def test_key_like_literals_exist(catalogue: set[str]) -> None:
    namespaces = {key.split(".")[0] for key in catalogue}
    problems = _missing(_literal_uses(namespaces, _other_vocabularies()), catalogue)
    assert not problems, "\n".join(problems)


def _closed_sets() -> list[tuple[str, tuple[str, ...]]]:
    from comelin_tui.diagnostics.model import AuthKind, Security, StepId, StepStatus
    from comelin_tui.discovery.dns import LookupStatus
    from comelin_tui.discovery.results import Confidence, Source

    security = get_args(Security)
    finished = tuple(s for s in get_args(StepStatus) if s != "running")
    return [
        ("label.security.", security),
        ("label.security_choice.", security),
        ("show.auth.", get_args(AuthKind)),
        ("discover.source.", get_args(Source)),
        ("discover.confidence.", get_args(Confidence)),
        ("render.status.", finished),
        ("render.step.", get_args(StepId)),
        ("discovery.lookup.", get_args(LookupStatus)),
        ("tui.home.last_", ("ok", "warn")),
    ]


@pytest.mark.parametrize(("prefix", "values"), _closed_sets(), ids=lambda v: str(v)[:24])
def test_fstring_keys_over_closed_sets_exist(prefix: str, values: tuple[str, ...],
                                             catalogue: set[str]) -> None:
    missing = [prefix + value for value in values if prefix + value not in catalogue]
    assert not missing, missing


def test_the_scan_catches_a_missing_key(catalogue: set[str]) -> None:
    """Each form is read; a key that no catalogue has is reported with its file and line."""
    source = (
        'Tr("tui.no_such.label")\n'
        'x = Field("tui.step.email", None, hint="tui.no_such.hint")\n'
        'Binding("f9", "go", "tui.no_such.key")\n'
        'raise SecretError("secrets.no_such")\n'
        't(f"tui.no_such_prefix.{x}")\n'
        'TrButton("tui.key.next" if x else "Next")\n'
        'ConfigWarning("smtp.port", "config.warn.no_such")\n'
        'LABELS = {"smtp.host": "tui.no_such.label_in_a_table", "auth.unavailable": 1}\n'
        'path = folder / "config.toml"\n'
    )
    tree = ast.parse(source)
    uses = [*_call_uses_in("x.py", tree, _error_classes()),
            *_literal_uses_in("x.py", tree, {"tui", "config", "smtp", "secrets"},
                              _other_vocabularies())]
    assert _missing(iter(uses), catalogue) == [
        "x.py:1: 'tui.no_such.label' is in no catalogue",
        "x.py:2: 'tui.no_such.hint' is in no catalogue",
        "x.py:3: 'tui.no_such.key' is in no catalogue",
        "x.py:4: 'secrets.no_such' is in no catalogue",
        "x.py:5: no key starts with 'tui.no_such_prefix.'",
        "x.py:6: 'Next' is in no catalogue",
        "x.py:7: 'config.warn.no_such' is in no catalogue",
        "x.py:7: 'config.warn.no_such.hint' is in no catalogue",
        "x.py:8: 'tui.no_such.label_in_a_table' is in no catalogue",
    ]
