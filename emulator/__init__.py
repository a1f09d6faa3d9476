"""aicontent-emulator: an offline emulator of Alibaba Cloud AiContent's Model Router billing API.

`Emulator` runs a real server in a background thread for tests; `Settings` configures it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Emulator", "Settings", "__version__"]

if TYPE_CHECKING:
    from emulator.server import Emulator
    from emulator.settings import Settings


def __getattr__(name: str) -> Any:
    # Lazy, so `import emulator` stays cheap for the CLI and the pytest plugin's registration.
    if name == "Emulator":
        from emulator.server import Emulator
        return Emulator
    if name == "Settings":
        from emulator.settings import Settings
        return Settings
    raise AttributeError(name)
