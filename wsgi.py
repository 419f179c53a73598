"""The WSGI entry point for gunicorn (`gunicorn wsgi:app`); the only module with a global app."""

from matcher import create_app

app = create_app()
