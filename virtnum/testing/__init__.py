"""Test helpers for users of virtnum: a fake Data API server on loopback.

Not imported by the library itself.
"""

from virtnum.testing._data import synthetic_numbers
from virtnum.testing._faults import Fault, Faults
from virtnum.testing._server import FakeServer, RecordedRequest

__all__ = ["FakeServer", "Fault", "Faults", "RecordedRequest", "synthetic_numbers"]
