"""What users call: one class per group of API endpoints."""

from virtnum.resources.numbers import AsyncNumbers

__all__ = ["AsyncNumbers"]
