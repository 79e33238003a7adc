"""Command line of the engine: ``shell`` (inside a terminal's pty), ``script`` (transcripts) and
``serve-api`` (a saved state's REST API, for the real kubectl)."""

from __future__ import annotations

import argparse
import sys

from .clock import FakeClock, RealClock


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cluster_engine")
    commands = parser.add_subparsers(dest="command", required=True)

    shell = commands.add_parser("shell", help="the interactive sandbox shell, run inside a pty")
    shell.add_argument("--state-fd", type=int, required=True,
                       help="socket inherited from the parent that holds the sandbox state")
    shell.add_argument("--lang", default="en", choices=["en", "ja"])

    zygote = commands.add_parser("zygote", help="fork sandbox shells on request (web server use)")
    zygote.add_argument("--control-fd", type=int, required=True)

    script = commands.add_parser("script", help="run shell lines and print a transcript")
    script.add_argument("file", help="a file of shell lines, or - for standard input")
    script.add_argument("--seed", type=int, default=0)
    script.add_argument("--fake-clock", action="store_true",
                        help="time stands still except where a command waits")
    script.add_argument("--lang", default="en", choices=["en", "ja"])
    script.add_argument("--state-out", help="write the final sandbox state (JSON) to this file")

    serve_api = commands.add_parser("serve-api", help="serve a state's Kubernetes API over HTTP")
    serve_api.add_argument("--state", required=True, help="a state file written by --state-out")
    serve_api.add_argument("--port", type=int, default=8080)
    serve_api.add_argument("--clock", choices=["frozen", "real"], default="frozen",
                           help="frozen: time stays at the state's moment; real: it runs on")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "shell":
        from .terminal import run_terminal

        return run_terminal(args.state_fd, args.lang)

    if args.command == "zygote":
        import socket

        from .zygote import serve

        serve(socket.socket(fileno=args.control_fd))
        return 0

    if args.command == "serve-api":
        from .api.http import serve

        with open(args.state, encoding="utf-8") as state_file:
            server = serve(state_file.read(), args.port, args.clock)
        print(f"Serving the Kubernetes API on http://127.0.0.1:{server.server_address[1]}",
              flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0

    from .script import run_script

    source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    with source:
        backend = run_script(source, sys.stdout, FakeClock() if args.fake_clock else RealClock(),
                             seed=args.seed, lang=args.lang)
    if args.state_out:
        with open(args.state_out, "w", encoding="utf-8") as state_file:
            state_file.write(backend.state_json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
