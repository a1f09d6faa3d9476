"""Which figures each kind of model reports, and how they are labelled ([choice], README "The answer").

Every model reports `total_calls` first and `total_amount` last; between them the usage figures
of its type. A *drawn* metric is generated per call; a *derived* one is a sum of drawn ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        Column("asr_duration", "语音识别时长", "秒"),
        Column("characters", "字符数", "字符"),
        Column("total_amount", "消费金额", "元"),
    )
}


@dataclass(frozen=True, eq=False)  # identity hash: cheap as a cache key on every row
class ModelType:
    """A model type: its drawn metrics with their mean amount per call, and derived sums."""

    name: str
    per_call: tuple[tuple[str, int], ...]  # (metric, mean units per call), calls excluded
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (metric, the drawn metrics it sums)
    # Computed once: generated figures in storage order (calls first, then per-call metrics),
    # the reported columns, and for each column but the amount the figures it sums.
    drawn: tuple[str, ...] = field(init=False)
    columns: tuple[Column, ...] = field(init=False)
    sources: tuple[tuple[int, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        drawn = ("total_calls",) + tuple(m for m, _ in self.per_call)
        parts: dict[str, tuple[int, ...]] = {m: (i,) for i, m in enumerate(drawn)}
        parts.update({m: tuple(drawn.index(p) for p in ps) for m, ps in self.derived})
        keys = list(drawn) + [m for m, _ in self.derived]
        object.__setattr__(self, "drawn", drawn)
        object.__setattr__(self, "columns", tuple(COLUMNS[k] for k in keys + ["total_amount"]))
        object.__setattr__(self, "sources", tuple(parts[k] for k in keys))

    def expand_columns(self, drawn: list[list[int]]) -> list[list[int]]:
        """Drawn figures column by column (calls, per-call metrics, amount) → every reported
        column in order: the drawn ones, the derived sums, the amount last."""
        derived = [[sum(parts) for parts in zip(*(drawn[i] for i in src))]
                   for src in self.sources[len(drawn) - 1:]]
        return drawn[:-1] + derived + drawn[-1:]


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
        ModelType("speech_recognition", per_call=(("asr_duration", 40),)),
        ModelType("speech_synthesis", per_call=(("characters", 180),)),
    )
}

# The model type the API names for each kind, unless the fixture says otherwise (`modelType`).
DEFAULT_WIRE_TYPES: dict[str, str] = {
    "text": "Chat", "embedding": "Embedding", "image": "ImageGeneration", "video": "VideoGeneration",
    "speech_recognition": "ASR", "speech_synthesis": "TTS",
}

# Every model type the API names ([sdk] vocabulary), in the order of the console's tabs.
WIRE_TYPES: tuple[str, ...] = (
    "Chat", "ChatMultimodal", "ChatFullmodal", "ImageGeneration", "ImageEdit", "VideoGeneration",
    "VideoImageGeneration", "Embedding", "Rerank", "MultimodalEmbedding", "MultimodalRerank", "ASR", "TTS",
)

# The kind of usage each model type the API names has (a model created through the API).
KIND_OF_WIRE: dict[str, str] = {
    "Chat": "text", "ChatMultimodal": "text", "ChatFullmodal": "text", "ImageGeneration": "image",
    "ImageEdit": "image", "VideoGeneration": "video", "VideoImageGeneration": "video", "Embedding": "embedding",
    "Rerank": "embedding", "MultimodalEmbedding": "embedding", "MultimodalRerank": "embedding",
    "ASR": "speech_recognition", "TTS": "speech_synthesis",
}

# Metrics a price may be attached to: anything drawn (calls included).
PRICEABLE = frozenset(m for t in MODEL_TYPES.values() for m in t.drawn)

# maxInputLength / maxOutputLength of each kind, unless the fixture says otherwise ([choice]; the
# API writes them as numeric strings, "8192" [doc]); 0 where a length does not apply.
DEFAULT_LENGTHS: dict[str, tuple[int, int]] = {
    "text": (131072, 8192), "embedding": (8192, 0), "image": (800, 0), "video": (800, 0),
    "speech_recognition": (0, 0), "speech_synthesis": (10000, 0),
}
