"""Where a part of a consolidated law comes from: the law that declared it, or the bill that
inserted it, and the bills that amended it since, in order.

`extends` chains build these (`dsl.imports.amend`); `show` prints them above each part and the
checked model keeps their text on every rule instance (`RuleInstance.origin`). A value, not a
string to be parsed: whether a part was inserted is a field, not a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

Part = tuple[str, str]  # (kind, name): ("rule", "decide"), ("var", "stage"), ("property", "p")


@dataclass(frozen=True, slots=True)
class Provenance:
    declared_in: str = ""  # the law that declared it; "" when a bill inserted it
    inserted_by: str = ""  # the bill that inserted it
    amended_by: tuple[str, ...] = ()  # the bills that amended it, oldest first

    @staticmethod
    def declared(path: str) -> Provenance:
        return Provenance(declared_in=path)

    @staticmethod
    def inserted(bill: str) -> Provenance:
        return Provenance(inserted_by=bill)

    def amended(self, bill: str) -> Provenance:
        return replace(self, amended_by=(*self.amended_by, bill))

    def __str__(self) -> str:
        """`base.rev, amended by bill.rev` or `inserted by bill.rev, amended by …`."""
        head = f"inserted by {self.inserted_by}" if self.inserted_by else self.declared_in
        return ", ".join([head, *(f"amended by {b}" for b in self.amended_by)])

    def shown(self) -> str:
        """As `show` prints it above the part: `from base.rev, …` or `inserted by …`."""
        return str(self) if self.inserted_by else f"from {self}"
