"""support/servers.py: servers in child processes on ports no one else can take, started,
awaited and stopped, with their output when they fail."""

from __future__ import annotations

import socket
import sys

import pytest
import requests

from support.servers import (
    EMULATOR,
    ServerError,
    listening_socket,
    start_emulator,
    start_process,
    wait_http,
)

# A server on the socket it inherits (descriptor in argv[1]): 200 to any GET.
INHERITED = """
import http.server, socket, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"inherited")
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
server.socket.close()
server.socket = socket.socket(fileno=int(sys.argv[1]))
server.serve_forever()
"""


def test_the_emulator_starts_on_a_port_it_picked_and_stops_with_its_log(tmp_path):
    with start_emulator("--api-key", "key") as emulator:
        assert emulator.port > 0 and emulator.url == f"http://127.0.0.1:{emulator.port}"
        agents = requests.get(
            emulator.url + "/api/v1/agents", headers={"X-API-Key": "key"}, timeout=10
        )
        assert agents.status_code == 200
        log = emulator.log
        assert log.exists()
    assert emulator.process.poll() is not None
    assert not log.exists()  # a temporary log goes with the server
    assert emulator.stop() == emulator.process.returncode  # twice is safe


def test_a_child_serves_the_socket_it_inherits_and_a_given_log_is_kept(tmp_path):
    sock = listening_socket()
    port = sock.getsockname()[1]
    log = tmp_path / "server.log"
    running = start_process(
        [sys.executable, "-c", INHERITED, str(sock.fileno())], listen=sock, log=log
    )
    try:
        assert running.url == f"http://127.0.0.1:{port}"
        assert sock.fileno() == -1  # this process's copy is closed once the child has it
        assert requests.get(running.url, timeout=10).text == "inherited"
    finally:
        running.stop()
    assert log.exists()


def test_a_child_that_exits_first_fails_with_its_last_words():
    with pytest.raises(ServerError) as failed:
        start_process(
            [sys.executable, "-c", "print('boom: no config'); raise SystemExit(3)"],
            announce=EMULATOR,
        )
    message = str(failed.value)
    assert "exited with code 3 before listening" in message and "boom: no config" in message


def test_a_child_that_never_says_where_it_listens_is_stopped_after_the_timeout():
    with pytest.raises(ServerError, match="did not say where it listens"):
        start_process(
            [sys.executable, "-c", "import time; time.sleep(60)"], announce=EMULATOR, timeout=1
        )


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_of_announce_and_listen(both):
    sock = listening_socket() if both else None
    try:
        with pytest.raises(ValueError, match="exactly one"):
            start_process(["true"], announce=EMULATOR if both else None, listen=sock)
    finally:
        if sock:
            sock.close()


def test_waiting_on_a_port_where_no_one_listens_gives_up_saying_so():
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/"
        with pytest.raises(ServerError, match="did not answer 200"):
            wait_http(url, timeout=0.3)


def test_a_listening_socket_is_ready_for_connections():
    sock = listening_socket()
    try:
        with socket.create_connection(sock.getsockname()[:2], timeout=5):
            pass  # waits in the backlog: no one has accepted it yet
    finally:
        sock.close()
