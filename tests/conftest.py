"""Shared test configuration: hypothesis profiles.

The default profile keeps CI quick. `pytest --hypothesis-profile=fuzz tests/test_fuzz.py` runs the
long fuzzing campaign (many more examples, no deadline); the fuzz tests read their example count
from the loaded profile, so the flag is all it takes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
