"""Staff's activity page: how the team uses the dashboard and its Kapso quota.

aggregates.py (the figures, in the database), percentiles.py (percentile_cont where the
database has it, the same rule in Python where it does not), charts.py (server-drawn SVG),
forms.py (the range and filters), views.py (the door: page and CSV).
"""
