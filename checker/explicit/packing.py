"""States packed into one Python integer: a bit field per slot, then one per deadline clock.

A finite slot's value is stored as its position in the slot's domain (`dsl.model.domain_of`):
`False`/`True` as 0/1, `lo..hi` as `v - lo`, an enum value as its declaration index. Field `i`
occupies `width` bits from `shift`; deadline clocks (0..deadline) follow the model's slots.
An int hashes and compares in constant time and costs 28-36 bytes, where a tuple of the same
slots costs 56 + 8 per slot and hashes every element: this is what keeps the explicit engine's
memory near a hand-written BFS's (benchmarks/twophase.py prints bytes per state).

The generated step functions (`checker.explicit.compile`) read and write these fields
directly; `Layout.encode` and `Layout.decode` convert to and from the model's tuples, which
is what predicates in reports, traces and the reference semantics see.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from checker.core.semantics import State, deadline_rules, is_timed
from dsl.model import Model, Value, domain_of


@dataclass(frozen=True, slots=True)
class Field:
    shift: int
    width: int
    domain: tuple[Value, ...]  # code -> value

    @property
    def mask(self) -> int:
        return (1 << self.width) - 1

    @property
    def bits(self) -> int:
        """The field's bits in place (for clearing it)."""
        return self.mask << self.shift

    def code_of(self, v: Value) -> int | None:
        """The code of `v`, None when `v` is outside the domain (1 and True are told apart)."""
        for n, d in enumerate(self.domain):
            if d == v and type(d) is type(v):
                return n
        return None


@dataclass(frozen=True, slots=True)
class Layout:
    fields: tuple[Field, ...]  # one per model slot
    clocks: tuple[Field, ...]  # one per deadline rule instance (timed models)
    model_bits: int  # the model's slots occupy bits 0..model_bits-1

    @property
    def model_mask(self) -> int:
        return (1 << self.model_bits) - 1

    @property
    def all_mask(self) -> int:
        end = self.clocks[-1].shift + self.clocks[-1].width if self.clocks else self.model_bits
        return (1 << end) - 1

    def encode(self, state: State, clocks: Sequence[int] = ()) -> int:
        """The packed form of a model state (and its clocks); ValueError outside a domain."""
        code = 0
        for f, v in zip(self.fields, state, strict=True):
            c = f.code_of(v)
            if c is None:
                raise ValueError(f"{v!r} is outside the domain {f.domain}")
            code |= c << f.shift
        for f, v in zip(self.clocks, clocks, strict=True):
            code |= v << f.shift
        return code

    def decode(self, code: int) -> State:
        """The model's state (clocks left out), with the model's own values."""
        return tuple(f.domain[code >> f.shift & f.mask] for f in self.fields)

    def decode_clocks(self, code: int) -> tuple[int, ...]:
        return tuple(code >> f.shift & f.mask for f in self.clocks)


def layout_of(model: Model) -> Layout:
    """Fields in slot order, then the clocks; a one-value domain takes no bits."""
    fields: list[Field] = []
    shift = 0
    for slot in model.slots:
        domain = domain_of(slot.type)
        assert domain is not None, f"unbounded slot {slot.name}"  # require_finite ran first
        width = (len(domain) - 1).bit_length()
        fields.append(Field(shift, width, domain))
        shift += width
    model_bits = shift
    clocks: list[Field] = []
    if is_timed(model):
        for rule in deadline_rules(model):
            days = rule.deadline_days or 0
            width = days.bit_length()
            clocks.append(Field(shift, width, tuple(range(days + 1))))
            shift += width
    return Layout(tuple(fields), tuple(clocks), model_bits)


class StateView(Sequence[State]):
    """The packed states read as the model's tuples, decoded on access (read-only)."""

    __slots__ = ("_codes", "_decode")

    def __init__(self, codes: Sequence[int], layout: Layout, clocks: bool = False) -> None:
        self._codes = codes
        self._decode = layout.decode_clocks if clocks else layout.decode

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, i: int) -> State: ...
    @overload
    def __getitem__(self, i: slice) -> list[State]: ...
    def __getitem__(self, i: int | slice) -> State | list[State]:
        if isinstance(i, slice):
            return [self._decode(c) for c in self._codes[i]]
        return self._decode(self._codes[i])

    def __iter__(self) -> Iterator[State]:
        return map(self._decode, self._codes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StateView):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
