"""The JSON API for CI and scripts (`/api/v1/`) and the tokens that open it (`/settings/tokens/`).

It acts through the same services, permissions, history and Kapso budget as the pages:
`sandbox.ensure`, `sandbox.sessions`, `sandbox.access`, `sandbox.history`. Start at `api.py`.
"""
