"""What an action may see: the `World`, one immutable snapshot the service hands every call.

Actions never hold the `Service`: they read the scenario (catalogue and directory), the figures
and their aggregates, the page tokens, the forms in force and the bucket rule, all through this
object, which the service replaces whole when something changes (a form is switched, ...), so a
request sees one consistent world from start to end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.domain.aggregate import Aggregator
from emulator.domain.figures import Figures
from emulator.domain.ledger import Ledgers
from emulator.domain.scenario import Scenario
from emulator.domain.tokens import PageTokens
from emulator.settings import FORMS, Settings
from emulator.validation import FieldError


@dataclass(frozen=True)
class Forms(Mapping[str, str]):
    """The forms of the unknowns in force (settings `FORMS`), switchable at run time. A mapping,
    `forms["product_errors"]`, with attributes too: `forms.product_errors`."""

    product_errors: str
    values_encoding: str
    empty_buckets: str
    client_list: str
    exhaustion: str
    discounted_amounts: str

    @classmethod
    def of(cls, settings: Settings) -> Forms:
        return cls(**{name: getattr(settings, name) for name in FORMS})

    def replaced(self, **changes: str) -> Forms:
        """These forms with some switched; an unknown name or form raises FieldError."""
        for name, value in changes.items():
            if name not in FORMS:
                raise FieldError(name, f"is not a form that can be switched at run time; those are {', '.join(FORMS)}")
            if value not in FORMS[name]:
                raise FieldError(name, f"must be one of {', '.join(FORMS[name])}, got {value!r}")
        return dataclasses.replace(self, **changes)

    def public(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    def __getitem__(self, name: str) -> str:
        if name not in FORMS:
            raise KeyError(name)
        return str(getattr(self, name))

    def __iter__(self) -> Iterator[str]:
        return iter(FORMS)

    def __len__(self) -> int:
        return len(FORMS)


@dataclass(frozen=True)
class World:
    scenario: Scenario
    figures: Figures
    aggregate: Aggregator
    tokens: PageTokens
    forms: Forms
    hourly_max_days: int  # spans up to this many days are answered hourly (model-detail's rule)
    # A named operation of the directory (`emulator.domain.operations`) at the data clock's now:
    # its result and the world after it; raises Refused having changed nothing. A third argument,
    # finish(directory, result, at), gives what the operation should keep besides (`Service._write`).
    write: Callable[..., tuple[Any, World]]
    ledgers: Ledgers  # the wallets' ledgers, kept for the directory and data state they are of

    def with_forms(self, forms: Forms) -> World:
        return dataclasses.replace(self, forms=forms)
