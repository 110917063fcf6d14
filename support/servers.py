"""Local servers in child processes, on ports no other process can take first.

Binding port 0, closing the socket and handing the number to a child is a race: between
the close and the child's bind any process may take the port, and then the child dies with
"address in use" or, worse, the caller talks to somebody else's server. Two ways without
that gap, both here:

1. The server binds port 0 itself and prints the address it got. The Kapso emulator
   (`python -m kapso_emulator --port 0`), Django's `runserver 127.0.0.1:0` and gunicorn
   (`--bind 127.0.0.1:0`) all do; `start_process(cmd, announce=EMULATOR)` reads it from
   the child's output.
2. We bind and listen, and the child inherits the listening socket; gunicorn serves it
   with `--bind fd://N`:

       sock = listening_socket()
       server = start_process(
           [gunicorn, "--bind", f"fd://{sock.fileno()}", "app:wsgi"], listen=sock
       )

Either way `start_process` then waits until the server answers and returns a `Running`,
whose `stop()` ends the child and whatever is left in its process group:

    with start_emulator("--api-key", "key") as emulator:
        requests.get(emulator.url + "/api/v1/agents", headers={"X-API-Key": "key"})
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

# What each server prints once its socket listens; the group "url" is its origin.
EMULATOR = r"Kapso emulator listening on (?P<url>http://[^/\s]+)"
RUNSERVER = r"Starting development server at (?P<url>http://[^/\s]+)"
GUNICORN = r"Listening at: (?P<url>http://[^/\s,]+)"


class ServerError(RuntimeError):
    """A server did not start, or did not answer in time; the message ends with its log."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer of its own (e.g. to the login page)


# Loopback only: never through a proxy from the environment, never following redirects.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def listening_socket(host: str = "127.0.0.1", backlog: int = 128) -> socket.socket:
    """A TCP socket on a port the OS picked, already listening, for a child to inherit.

    Give it to `start_process(listen=...)`; connections made before the child accepts wait
    in the backlog instead of being refused.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def wait_http(
    url: str,
    *,
    timeout: float = 30.0,
    process: subprocess.Popen | None = None,
    status: int = 200,
) -> None:
    """Poll `url` with GET until it answers `status`; raise ServerError after `timeout` s.

    With `process`, give up as soon as that process has exited.
    """
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if process is not None and process.poll() is not None:
            raise ServerError(f"exited with code {process.returncode} before {url} answered")
        code = None
        try:
            with _OPENER.open(url, timeout=5) as answer:
                code = answer.status
        except urllib.error.HTTPError as exc:
            code = exc.code
            exc.close()
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out
            last = str(exc)
        if code == status:
            return
        if code is not None:
            last = f"HTTP {code}"
        if time.monotonic() >= deadline:
            raise ServerError(f"{url} did not answer {status} within {timeout:.0f} s ({last})")
        time.sleep(0.1)


class Running:
    """A server in a child process, in a process group of its own, answering at `url`."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path, *, remove_log: bool) -> None:
        self.process = process
        self.url = url  # origin only: "http://127.0.0.1:40123"
        self.log = log  # the child's stdout and stderr
        self._remove_log = remove_log

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM to the server, then SIGKILL to its process group if it is not gone
        within `timeout` s, and to anything of the group that outlives it. Safe to call
        twice. Returns the server's exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(self.process.pid)
                self.process.wait(timeout=10)
        _kill_group(self.process.pid)  # e.g. workers left behind by a master that crashed
        if self._remove_log:
            self.log.unlink(missing_ok=True)
            self._remove_log = False
        return self.process.returncode

    def __enter__(self) -> Running:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_process(
    cmd: Sequence[str],
    *,
    announce: str | None = None,
    listen: socket.socket | None = None,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    log: str | Path | None = None,
    timeout: float = 60.0,
) -> Running:
    """Start `cmd` in a process group of its own and return once it serves.

    Exactly one of these says where the server listens:
    - `announce`: a regular expression with a group named "url" that the server prints
      once its socket listens (EMULATOR, RUNSERVER, GUNICORN), looked for in its output;
    - `listen`: a socket from `listening_socket()`, inherited by the child under the same
      descriptor number (`listen.fileno()`, e.g. gunicorn's `--bind fd://N`); this
      process's copy is closed once the child has it.
    Then `url + ready_path` must answer 200 to a GET.

    The child's stdout and stderr go to `log` (when not given, a temporary file that `stop()`
    removes); PYTHONUNBUFFERED=1 is added to its environment (`env`, else this process's)
    so that a Python server's announcement is not held in a buffer. If the child exits, or
    is not serving within `timeout` s in all, it is stopped and ServerError is raised.
    """
    if (announce is None) == (listen is None):
        raise ValueError("give exactly one of announce= and listen=")
    log_path, remove_log = _log_file(log)
    deadline = time.monotonic() + timeout
    process = _spawn(cmd, cwd=cwd, env=env, log_path=log_path, listen=listen)
    running = Running(process, "", log_path, remove_log=remove_log)
    try:
        running.url = _where_it_listens(running, announce, listen, deadline)
        wait_http(
            running.url + ready_path,
            timeout=max(0.0, deadline - time.monotonic()),
            process=process,
        )
    except BaseException as exc:
        message = f"{_name(cmd)}: {exc}\n--- last lines of its output ---\n{running.log_tail()}"
        running.stop()
        if isinstance(exc, ServerError):
            raise ServerError(message) from None
        raise
    return running


def _log_file(log: str | Path | None) -> tuple[Path, bool]:
    """Where the child's output goes, and whether `stop()` removes it (a temporary file)."""
    if log is not None:
        return Path(log), False
    handle, name = tempfile.mkstemp(prefix="server-", suffix=".log")
    os.close(handle)
    return Path(name), True


def _spawn(cmd: Sequence[str], *, cwd, env, log_path: Path, listen) -> subprocess.Popen:
    """`cmd` in a process group of its own, its output in `log_path`, unbuffered."""
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    with log_path.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - the caller's own command, no shell
            list(cmd),
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=(listen.fileno(),) if listen is not None else (),
        )


def _where_it_listens(
    running: Running, announce: str | None, listen: socket.socket | None, deadline: float
) -> str:
    """The server's base URL: the inherited socket's address (this copy is then closed),
    or what the child announces in its output."""
    if listen is None:
        return _announced(running, re.compile(announce or ""), deadline)
    host, port = listen.getsockname()[:2]
    listen.close()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def start_emulator(
    *args: str,
    env: Mapping[str, str] | None = None,
    log: str | Path | None = None,
    timeout: float = 30.0,
) -> Running:
    """The bundled Kapso emulator in its own process, on a port it picks itself.

    Runs `python -m kapso_emulator --port 0 --state-file '' *args` (in memory; a later
    `--state-file PATH` in `args` wins) and waits for `/_emulator/health`. Kapso's API is
    at `url + "/api/v1"`.
    """
    return start_process(
        [sys.executable, "-m", "kapso_emulator", "--port", "0", "--state-file", "", *args],
        announce=EMULATOR,
        ready_path="/_emulator/health",
        cwd=ROOT,
        env=env,
        log=log,
        timeout=timeout,
    )


def _announced(running: Running, pattern: re.Pattern[str], deadline: float) -> str:
    """The "url" group of the first match of `pattern` in the child's output so far."""
    while True:
        with contextlib.suppress(OSError):
            match = pattern.search(running.log.read_text(errors="replace"))
            if match:
                return match.group("url")
        if running.process.poll() is not None:
            raise ServerError(f"exited with code {running.process.returncode} before listening")
        if time.monotonic() >= deadline:
            raise ServerError(f"did not say where it listens (/{pattern.pattern}/) in time")
        time.sleep(0.05)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _name(cmd: Sequence[str]) -> str:
    return " ".join(str(part) for part in cmd[:4]) + (" ..." if len(cmd) > 4 else "")
