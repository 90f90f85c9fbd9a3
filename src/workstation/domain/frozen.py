"""A fast constructor for frozen slots dataclasses that are built in bulk.

A frozen dataclass's generated ``__init__`` stores every field through
``object.__setattr__``: a Transaction has 29 fields, and a 100,000-row import
spent about 0.25 s there (on a 2-core machine) against 0.1 s for the plain
stores of a mutable dataclass.

``quick_constructor(cls)`` returns a mutable dataclass with the same fields,
defaults and slots in the same order, so its instances have exactly the
memory layout of ``cls``. Its ``__init__`` stores the fields directly; then
the new object becomes a ``cls`` (``__class__`` assignment, allowed between
classes of identical layout) and ``cls.__post_init__`` runs on it. What the
caller gets is an ordinary, frozen, validated ``cls`` instance, equal to the
one ``cls(...)`` would build from the same arguments.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_constructor(cls: type[T]) -> type[T]:
    """Return a constructor taking ``cls``'s arguments that builds ``cls`` instances faster.

    ``cls`` must be a frozen dataclass with ``slots=True``. Typed as
    ``type[T]`` so calls are checked against ``cls``'s own signature; the
    returned class is only ever called, never used with ``isinstance``.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    post_init = getattr(cls, "__post_init__", None)

    def seal(draft: Any) -> None:
        draft.__class__ = cls
        if post_init is not None:
            post_init(draft)

    fields = [
        (
            item.name,
            item.type,
            dataclasses.field(
                default=item.default,
                default_factory=item.default_factory,
                init=item.init,
                kw_only=item.kw_only,
            ),
        )
        for item in dataclasses.fields(cls)  # type: ignore[arg-type]
    ]
    draft = dataclasses.make_dataclass(
        f"{cls.__name__}Draft",
        fields,
        namespace={"__post_init__": seal},
        slots=True,
        eq=False,
        repr=False,
        match_args=False,
    )
    draft.__module__ = cls.__module__
    return draft
