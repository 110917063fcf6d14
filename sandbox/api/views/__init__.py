"""The API's operations, one module per resource; each is thin: check, call a service, answer."""
