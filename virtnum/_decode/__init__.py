"""Response bytes -> models: msgspec straight into the attrs classes, cattrs as the
fallback that names each bad value's JSON path."""
