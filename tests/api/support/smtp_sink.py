"""A real SMTP server for the tests (aiosmtpd): every accepted message is written to a
folder, as `<n>.eml` with `<n>.json` beside it (envelope, authenticated user, TLS, the
client's address and port), each under a temporary name first. Options make it ask for
STARTTLS or TLS from the start and authentication, or refuse recipients. It prints `ready` once it listens and stops when its stdin closes.

    python smtp_sink.py --port P --dir D [--cert C --key K [--implicit-tls]]
                        [--auth user:pass] [--reject TEXT] [--tempfail TEXT]

With --cert it asks for STARTTLS; with --implicit-tls too, it speaks TLS from the first byte
(`smtps://`) instead.
"""
import argparse
import asyncio
import itertools
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, reject, tempfail):
        self.folder = folder
        self.reject = reject
        self.tempfail = tempfail
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 no such mailbox here"
        if self.tempfail and self.tempfail in address:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.counter)
        user = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            user = session.auth_data.login.decode()
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": user,
            # The client's address and port: one per connection.
            "peer": list(session.peer),
            # After STARTTLS, or from the start with --implicit-tls.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
        }
        # Nanoseconds and a counter: names sort in arrival order across restarts.
        stem = os.path.join(self.folder, f"{os.getpid()}-{n:06d}")
        for suffix, data in ((".eml", envelope.original_content), (".json", json.dumps(meta).encode())):
            with open(stem + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(stem + suffix + ".tmp", stem + suffix)
        return "250 Message accepted for delivery"


def authenticator(expected):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == expected
        return AuthResult(success=ok, auth_data=auth_data)

    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--reject")
    parser.add_argument("--tempfail")
    args = parser.parse_args()
    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.implicit_tls:
            options.update(ssl_context=context)
        else:
            options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(
            authenticator=authenticator((user, password)),
            auth_required=True,
            auth_require_tls=bool(args.cert) and not args.implicit_tls,
        )
    controller = Controller(
        Sink(args.dir, args.reject, args.tempfail),
        hostname="127.0.0.1",
        port=args.port,
        ready_timeout=20,
        **options,
    )
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
