"""postmortems: write, check, review, publish and learn from incident postmortems."""

__version__ = "0.1.0"
