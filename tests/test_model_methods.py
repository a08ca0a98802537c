"""The generated classes behave as ``@dataclass(frozen=True, slots=True, kw_only=True)`` makes
them: tools/gen_model.py writes out the methods that decorator would compile at every start.

Each generated class is compared with a real dataclass made from its own fields: the
constructor's signature, repr, equality, hash, frozenness, pickling, ``dataclasses.replace``
and ``asdict``, on every object of the bundled valid documents.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest

import runhistory
from conftest import FIXTURES
from runhistory import model
from runhistory.model._types import walk

CLASSES = [
    cls
    for cls in (getattr(model, name) for name in model.__all__)
    if dataclasses.is_dataclass(cls) and cls.__module__ == "runhistory.model._generated"
]


_REFERENCES: dict[type, Any] = {}


def _reference(cls: type) -> Any:
    """A real frozen, slotted, keyword-only dataclass with ``cls``'s fields."""
    if cls in _REFERENCES:
        return _REFERENCES[cls]
    specs = []
    for f in dataclasses.fields(cls):
        default = {} if f.default is dataclasses.MISSING else {"default": f.default}
        specs.append((f.name, f.type, dataclasses.field(repr=f.repr, compare=f.compare, **default)))
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=True, kw_only=True)


def _as_reference(obj: Any) -> Any:
    ref = _reference(type(obj))
    return ref(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})


def _objects() -> list[Any]:
    out: list[Any] = []
    for path in sorted((FIXTURES / "valid").glob("*.xml")):
        out.extend(walk(runhistory.load(path)))
    return out


OBJECTS = _objects()


def test_every_class_is_compared() -> None:
    assert len(CLASSES) > 40
    assert {type(o) for o in OBJECTS} >= {model.ImportError, model.StepDetails, model.RunHistory}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_class_is_a_frozen_slotted_keyword_only_dataclass(cls: type) -> None:
    ref = _reference(cls)
    assert repr(vars(cls)["__dataclass_params__"]) == repr(vars(ref)["__dataclass_params__"])
    assert cls.__slots__ == ref.__slots__  # type: ignore[attr-defined]
    assert cls.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    ours = inspect.signature(cls.__init__)  # type: ignore[misc]
    theirs = inspect.signature(ref.__init__)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    with pytest.raises(TypeError):
        cls(None)  # by keyword only
    if any(f.default is dataclasses.MISSING for f in dataclasses.fields(cls)):
        with pytest.raises(TypeError):
            cls()  # the required fields are required


def test_repr_eq_and_hash_are_those_of_the_dataclass() -> None:
    for obj in OBJECTS:
        ref = _as_reference(obj)
        assert repr(obj) == repr(ref)
        assert hash(obj) == hash(ref)
        same = type(obj)(**{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
        assert same == obj
        assert (same != obj) is False
        assert obj != ref  # another class: not equal, as between two dataclasses


def test_lexical_text_is_left_out_of_repr_and_equality() -> None:
    step = next(o for o in OBJECTS if isinstance(o, model.StepDetails))
    other = dataclasses.replace(step, _lexical=(("step_number", 1, "01"),))
    assert other == step and hash(other) == hash(step) and repr(other) == repr(step)


def test_frozen_pickled_replaced_and_as_dict() -> None:
    for obj in OBJECTS:
        name = dataclasses.fields(obj)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(obj, name)
        again = pickle.loads(pickle.dumps(obj))
        assert again == obj and again._lexical == obj._lexical
        assert dataclasses.replace(obj) == obj
        assert dataclasses.asdict(obj) == dataclasses.asdict(_as_reference(obj))
