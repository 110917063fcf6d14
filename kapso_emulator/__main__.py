"""``python -m kapso_emulator``: run the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from types import FrameType

from kapso_emulator.server import EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kapso_emulator", description="Run a local fake of Kapso's REST API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="0 picks a free port; the 'listening on' line on stdout names the one bound",
    )
    parser.add_argument(
        "--state-file",
        default="var/kapso_emulator.json",
        help="JSON file keeping agents and sessions across restarts; '' keeps them in memory",
    )
    parser.add_argument("--sandbox-number", default="15551234567")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any)")
    parser.add_argument(
        "--rate-limit", type=int, default=100, help="requests per minute per key; 0 = unlimited"
    )
    parser.add_argument("--log-level", default="INFO", help="level for request logging")
    return parser


def _port(text: str) -> int:
    # socket.bind raises OverflowError for these, which would end in a traceback.
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {text!r}")
    return port


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (docker stop, process managers) should end as cleanly as Ctrl-C does.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    state_file = args.state_file or None
    if state_file:
        os.makedirs(os.path.dirname(os.path.abspath(state_file)), exist_ok=True)
    try:
        server = EmulatorServer(
            host=args.host,
            port=args.port,
            state_file=state_file,
            sandbox_number=args.sandbox_number,
            api_key=args.api_key,
            rate_limit=args.rate_limit or None,
        )
    except (OSError, ValueError) as exc:
        print(f"kapso_emulator: cannot start: {exc}", file=sys.stderr)
        return 1
    # The socket is already listening, so whoever reads this line (a test that passed --port 0)
    # can connect at once: there is no window in which the port is free for another process.
    print(
        f"Kapso emulator listening on {server.api_base_url} (state: {state_file or 'memory'})",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
