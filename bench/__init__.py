"""Benchmarks of the emulator against a baseline FastAPI app, measured in the same run."""
