"""`python -m emulator`: the same as the `aicontent-emulator` command."""

from emulator.cli import main

raise SystemExit(main())
