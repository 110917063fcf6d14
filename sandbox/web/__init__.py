"""Web plumbing under every page: request ids, security headers, login throttling, logs."""
