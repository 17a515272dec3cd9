"""tollwatch: trace goods made with North Korean forced labor through supply chains."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # Screening pulls in the store and the name index: import it only when asked for.
    if name in ("screen", "match"):
        from tollwatch import api_screening

        return getattr(api_screening, name)
    raise AttributeError(f"module 'tollwatch' has no attribute {name!r}")
