"""Plain-Python domain: vocabularies and value objects. Imports neither Qt nor SQLAlchemy."""
