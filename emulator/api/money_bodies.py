"""The declared bodies of the money writes: the SDK's fields and names, with the limits it
documents (an idempotency key of at most 32 characters [sdk]) and the emulator's own [choice]
(an amount is required, positive, with at most 4 decimals: checked by the operation)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from emulator.api.kinds import INT64_MAX
from emulator.api.write_bodies import Body, Note
from emulator.validation import Text

Amount = Annotated[float, Field(allow_inf_nan=False)]
Pool = Literal["permanent", "monthly"]
IdempotencyKey = Annotated[Text, Field(min_length=1, max_length=32)]
Instant = Annotated[int, Field(ge=0, le=INT64_MAX)]


class ConfigureBalanceBody(Body):
    balanceType: Literal["amount", "tokens"] | None = None
    enableBalance: bool | None = None
    initialBalance: Amount | None = None


class TransactionBody(Body):
    amount: Amount
    balanceType: Pool | None = None
    idempotencyKey: IdempotencyKey | None = None
    remark: Note | None = None
    type: Annotated[Text, Field(max_length=32)] | None = None


class TransferBody(Body):
    amount: Amount
    balanceType: Pool | None = None
    idempotencyKey: IdempotencyKey | None = None
    monthlyQuota: Amount | None = None  # a monthly transfer's refresh each 1st (0: none), checked by the operation
    remark: Note | None = None


class SubscriptionBody(Body):
    balanceType: Pool | None = None
    effectiveTime: Instant | None = None
    idempotencyKey: IdempotencyKey | None = None
    subscriptionAmount: Amount


class MemberSubscriptionBody(Body):
    amount: Amount
    balanceType: Pool | None = None
    effectiveTime: Instant | None = None
    idempotencyKey: IdempotencyKey | None = None


class StopSubscriptionBody(Body):
    balanceType: Pool | None = None
