#!/usr/bin/env python3
"""A real SMTP server for reportwatch's tests (aiosmtpd), on 127.0.0.1 unless --host says otherwise.

Every message it accepts is saved as N.eml (the bytes received) and N.json (what Python's
`email` package makes of it: envelope, decoded headers, the raw header lines, each MIME part
decoded, and any defects), so the Swift tests check the message as a mail client would read it.

Prints one JSON line {"port": N} on stdout once it accepts connections, then runs until stdin
closes or it gets SIGTERM.

  --dir DIR                 where to save messages (required)
  --tls-cert F --tls-key F  offer STARTTLS with this certificate (and require it: --require-starttls)
  --smtps                   TLS from the first byte (implicit TLS) with the same certificate
  --auth USER:PASSWORD      require AUTH (PLAIN/LOGIN) with these credentials
  --reject N                answer 451 to the first N messages (a server that is having trouble)
  --host ADDRESS            listen on this IPv4 address of the machine instead of 127.0.0.1
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def describe(content: bytes) -> dict:
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    raw = email.message_from_bytes(content, policy=email.policy.compat32)
    parts = []
    defects = [repr(d) for d in parsed.defects]
    if parsed.is_multipart():
        for part in parsed.iter_parts():
            defects += [repr(d) for d in part.defects]
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
    return {
        "subject": str(parsed["Subject"]) if parsed["Subject"] is not None else None,
        "headers": [[k, str(v)] for k, v in parsed.items()],
        "raw_headers": [[k, v] for k, v in raw.items()],
        "content_type": parsed.get_content_type(),
        "parts": parts,
        "defects": defects,
    }


class Saver:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = reject
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.reject > 0:
                self.reject -= 1
                return "451 4.3.0 Try again later"
            self.count += 1
            number = self.count
        content = envelope.original_content or envelope.content
        info = describe(content)
        info.update({
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # session.ssl is set by STARTTLS only; an implicit-TLS transport says so itself.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else session.auth_data,
        })
        base = os.path.join(self.directory, str(number))
        with open(base + ".eml", "wb") as f:
            f.write(content)
        # The .json last, and by rename: a test that sees it sees a whole file.
        with open(base + ".json.tmp", "w") as f:
            json.dump(info, f, ensure_ascii=False, indent=1, default=str)
        os.rename(base + ".json.tmp", base + ".json")
        return f"250 2.0.0 Ok: queued as rw{number}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--smtps", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--reject", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)

    kwargs = {}
    if context is not None and not args.smtps:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = args.require_starttls
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, auth_data=auth_data if ok else None, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # Credentials only over TLS when the server has TLS at all, as a real server would.
        kwargs["auth_require_tls"] = context is not None

    port = free_port(args.host)
    controller = Controller(
        Saver(args.dir, args.reject), hostname=args.host, port=port,
        ssl_context=context if args.smtps else None, server_hostname=args.host, **kwargs)
    controller.start()
    print(json.dumps({"port": port}), flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
