"""Thin views, one module per page: bind a form, call a service, redirect; or read and render."""
