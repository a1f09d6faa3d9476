"""Prices as the API writes them (a billing rule's `billingType` and `pricingConfig` [sdk]) and
as the figures use them (minor units, 0.0001 元, per unit of a metric): one conversion each way.

The SDK's units: CNY per million tokens (token_tiered, token_flat, omni_multimodal), per image,
per second (video_matrix, per_duration), per 10,000 characters (per_character).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from emulator.domain.scenario import MINOR_PER_YUAN, Model, Tier
from emulator.validation import FieldError, written

BILLING_TYPES = {"text": "token_tiered", "embedding": "token_flat", "image": "per_image", "video": "video_matrix",
                 "speech_recognition": "per_duration", "speech_synthesis": "per_character"}
ALLOWED = {"text": ("token_tiered", "omni_multimodal"), "embedding": ("token_flat",), "image": ("per_image",),
           "video": ("video_matrix",), "speech_recognition": ("per_duration",),
           "speech_synthesis": ("per_character",)}
PriceList = tuple[tuple[str, str, int], ...]  # (metric, yuan, per)


def _per(price_list: PriceList, metric: str, units: int) -> float | None:
    """The listed price of `metric` per `units` of it, as a JSON number (None: not priced)."""
    for name, yuan, per in price_list:
        if name == metric:
            return float(Decimal(yuan) * units / per)
    return None


def tiers_of(model: Model) -> tuple[Tier, ...]:
    return model.tiers or (Tier(0, 1000, model.price_list),)


def config_of(model: Model) -> dict[str, Any]:
    """The model's prices in the SDK's pricingConfig form for its billing type; a price per call,
    which the SDK's forms lack, as `price_per_call` [choice]."""
    kind, prices = model.type.name, model.price_list
    config: dict[str, Any]
    if kind == "text":
        config, low = {"tiers": []}, 0
        for t in tiers_of(model):
            config["tiers"].append({"min_tokens": low, "max_tokens": t.max_tokens,
                                    "input_price": _per(t.price_list, "input_tokens", 10**6) or 0.0,
                                    "output_price": _per(t.price_list, "output_tokens", 10**6) or 0.0})
            low = t.max_tokens
        prices = tiers_of(model)[0].price_list
    elif kind == "embedding":
        config = {"input_price": _per(prices, "input_tokens", 10**6) or 0.0}
    elif kind == "image":
        config = {"price_per_image": _per(prices, "image_count", 1) or 0.0}
    elif kind == "video":
        second = _per(prices, "video_duration", 1) or 0.0
        config = {"tiers": [{"resolution": 720, "has_audio": 0, "price_per_second": second}],
                  "default_price_per_second": second}
    elif kind == "speech_recognition":
        config = {"price_per_unit": _per(prices, "asr_duration", 1) or 0.0}
    else:
        config = {"price_per_unit": _per(prices, "characters", 10_000) or 0.0}
    per_call = _per(prices, "total_calls", 1)
    if per_call is not None:
        config["price_per_call"] = per_call
    return config


def _price(field: str, value: Any) -> str:
    """A non-negative price, as the decimal text it was written as."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(field, "must be a number")
    text = written(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError(field, "must be a number") from None
    if not number.is_finite() or number < 0 or number > 10**9 or len(text) > 32:
        raise FieldError(field, f"must be a price from 0 to 1e9, got {text[:32]}")
    return format(number.normalize(), "f") if number else "0"


def _tiers(model: Model, raw: Any, field: str) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw or len(raw) > 16:
        raise FieldError(field, "must be a list of 1 to 16 tiers")
    tiers, low = [], 0
    shares = [t.share for t in model.tiers] if len(model.tiers) == len(raw) else [1000] + [0] * (len(raw) - 1)
    for i, t in enumerate(raw):
        where = f"{field}.{i}"
        if not isinstance(t, dict):
            raise FieldError(where, "must be an object")
        lo, hi = t.get("min_tokens"), t.get("max_tokens")
        if not isinstance(lo, int) or isinstance(lo, bool) or lo != low:
            raise FieldError(f"{where}.min_tokens", f"must be {low}: tiers start at 0 and are contiguous")
        last = i == len(raw) - 1
        if not isinstance(hi, int) or isinstance(hi, bool) or (hi != 0 if last else hi <= lo):
            raise FieldError(f"{where}.max_tokens", "the last tier's must be 0 (no limit), the others' above "
                                                    "min_tokens")
        listed = (("input_tokens", _price(f"{where}.input_price", t.get("input_price")), 10**6),
                  ("output_tokens", _price(f"{where}.output_price", t.get("output_price")), 10**6))
        tiers.append(Tier(hi, shares[i], listed))
        low = hi
    return tuple(tiers)


def parse(model: Model, billing_type: str, config: Any) -> tuple[PriceList, tuple[Tier, ...]]:
    """A billing rule's price list (and tiers) for `model`; FieldError naming the field."""
    if billing_type not in ALLOWED[model.type.name]:
        raise FieldError("billingType", f"a {model.wire_type} model is priced by "
                                        f"{' or '.join(ALLOWED[model.type.name])}, not {billing_type!r}")
    if not isinstance(config, dict):
        raise FieldError("pricingConfig", "must be an object")
    f = "pricingConfig"
    if billing_type == "token_tiered":
        tiers = _tiers(model, config.get("tiers"), f"{f}.tiers")
        if len(tiers) == 1:
            return tiers[0].price_list, ()
        return (), tiers
    if billing_type == "omni_multimodal":
        return (("input_tokens", _price(f"{f}.text_input_price", config.get("text_input_price")), 10**6),
                ("output_tokens", _price(f"{f}.text_output_price", config.get("text_output_price")), 10**6)), ()
    if billing_type == "token_flat":
        return (("input_tokens", _price(f"{f}.input_price", config.get("input_price")), 10**6),), ()
    if billing_type == "per_image":
        return (("image_count", _price(f"{f}.price_per_image", config.get("price_per_image")), 1),), ()
    if billing_type == "video_matrix":
        rows = config.get("tiers") or []
        default = config.get("default_price_per_second")
        if default is None and isinstance(rows, list) and rows and isinstance(rows[0], dict):
            default = rows[0].get("price_per_second")
        return (("video_duration", _price(f"{f}.default_price_per_second", default), 1),), ()
    if billing_type == "per_duration":
        return (("asr_duration", _price(f"{f}.price_per_unit", config.get("price_per_unit")), 1),), ()
    return (("characters", _price(f"{f}.price_per_unit", config.get("price_per_unit")), 10_000),), ()


def minor_prices(price_list: PriceList, tiers: tuple[Tier, ...]) -> tuple[tuple[str, Fraction], ...]:
    """Minor units per unit, exactly: a tiered list's share-weighted mean."""
    if not tiers:
        return tuple((m, Fraction(Decimal(y)) * MINOR_PER_YUAN / per) for m, y, per in price_list)
    total: dict[str, Fraction] = {}
    for t in tiers:
        for m, y, per in t.price_list:
            total[m] = total.get(m, Fraction(0)) + Fraction(Decimal(y)) * MINOR_PER_YUAN / per * t.share / 1000
    return tuple(total.items())
