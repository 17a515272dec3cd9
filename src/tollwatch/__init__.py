"""tollwatch: trace goods made with North Korean forced labor through supply chains."""

__version__ = "0.1.0"
