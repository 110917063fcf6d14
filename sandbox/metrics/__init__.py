"""`/metrics` for operators, in Prometheus's text format (prometheus_client).

instruments live where the events happen (Kapso calls: sandbox/usage.py; requests:
middleware.py); collectors.py reads the state at scrape time (quota, sessions, queue,
worker); exposition.py joins them, across processes when PROMETHEUS_MULTIPROC_DIR is set;
access.py decides who may scrape; views.py is the door.
"""
