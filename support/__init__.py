"""Helpers shared by the tests, the benchmarks (bench/) and the scripts (scripts/).

No Django in here: `support.servers` starts local servers in their own processes on ports
no other process can take first, waits until they answer, and stops them.
"""
