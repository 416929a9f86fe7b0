"""Search and similarity over postmortems: pure Python, no Django (docs/search.md)."""
