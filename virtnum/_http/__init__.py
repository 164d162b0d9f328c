"""The HTTP layer: one aiohttp session per loop, retries, limits, status -> typed error.

It returns a success's body bytes (``Payload``) and knows nothing of models.
"""
