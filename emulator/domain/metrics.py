"""Which figures each kind of model reports, and how they are labelled ([choice], CONTRACT §3).

Every model reports `total_calls` first and `total_amount` last; between them the usage figures
of its type. A *drawn* metric is generated per call; a *derived* one is a sum of drawn ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str
    sortable: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "sortable": self.sortable, "unit": self.unit}


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("total_calls", "调用次数", "次"),
        Column("input_tokens", "输入Token数", "Token"),
        Column("output_tokens", "输出Token数", "Token"),
        Column("total_tokens", "总Token数", "Token"),
        Column("image_count", "图片张数", "张"),
        Column("video_duration", "视频时长", "秒"),
        Column("audio_duration", "音频时长", "秒"),
        Column("characters", "字符数", "字符"),
        Column("total_amount", "消费金额", "元"),
    )
}


@dataclass(frozen=True)
class ModelType:
    """A model type: its drawn metrics with their mean amount per call, and derived sums."""

    name: str
    per_call: tuple[tuple[str, int], ...]  # (metric, mean units per call), calls excluded
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (metric, the drawn metrics it sums)

    @property
    def drawn(self) -> tuple[str, ...]:
        """Generated figures in storage order: calls first, then the per-call metrics."""
        return ("total_calls",) + tuple(m for m, _ in self.per_call)

    @property
    def columns(self) -> tuple[Column, ...]:
        keys = list(self.drawn) + [m for m, _ in self.derived] + ["total_amount"]
        return tuple(COLUMNS[k] for k in keys)


MODEL_TYPES: dict[str, ModelType] = {
    t.name: t
    for t in (
        ModelType(
            "text",
            per_call=(("input_tokens", 900), ("output_tokens", 350)),
            derived=(("total_tokens", ("input_tokens", "output_tokens")),),
        ),
        ModelType(
            "embedding",
            per_call=(("input_tokens", 400),),
            derived=(("total_tokens", ("input_tokens",)),),
        ),
        ModelType("image", per_call=(("image_count", 2),)),
        ModelType("video", per_call=(("video_duration", 6),)),
        ModelType("speech_recognition", per_call=(("audio_duration", 40),)),
        ModelType("speech_synthesis", per_call=(("characters", 180),)),
    )
}

# Metrics a price may be attached to: anything drawn (calls included).
PRICEABLE = frozenset(m for t in MODEL_TYPES.values() for m in t.drawn)
