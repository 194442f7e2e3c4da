#!/usr/bin/env python3
"""Loopback fixture server for the benchmark: N provider pages in the Ofsted markup that
DESIGN.md describes (60-150 KB each, with header, navigation, cookie banner and footer, 5-30
reports), with ETag/Last-Modified (304 when unchanged) and gzip when asked.

GET /p/<i>                 a provider page
GET /control?publish=F     publishes a new report on a share F of the pages (deterministic)
GET /control?reset=1       back to the first version of every page
Binds 127.0.0.1 only; prints the port on stdout, then serves until killed.
"""
import gzip
import hashlib
import http.server
import random
import socketserver
import sys
import threading
from urllib.parse import urlparse, parse_qs

PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
TYPES = ["Children's services inspection", "Children's services focused visit", "Monitoring visit",
         "Joint area child protection inspection", "Area SEND full inspection"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

lock = threading.Lock()
versions = [0] * PAGES
cache = {}


def filler(rng, words):
    vocabulary = ("council children services inspection report local authority care leavers help protection "
                  "families social work practice leaders improvement safeguarding education").split()
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def render(index, version):
    rng = random.Random(index * 7919 + 17)
    reports = 5 + rng.randrange(26)
    target = 60_000 + rng.randrange(90_000)
    events = []
    for number in range(reports + version):
        file_id = 50000000 + index * 1000 + number
        year = 2010 + (number % 16)
        day = 1 + (number * 7) % 28
        month = MONTHS[(index + number) % 12]
        kind = TYPES[(index + number) % len(TYPES)]
        events.append(f'''<li class="timeline__day"><p class="timeline__date"><time datetime="{year}-01-{day:02d}">{day} {month} {year}</time></p>
<ul class="timeline__events"><li><a class="publication-link" href="https://files.ofsted.gov.uk/v1/file/{file_id}">{kind}<span class="nonvisual">{kind}, PDF - {day} {month} {year}</span></a></li></ul></li>''')
    events.reverse()
    head = f'''<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Council {index} - Ofsted</title>
<link rel="stylesheet" href="/assets/main.css"><script src="/assets/app.js"></script></head><body>
<div class="cookie-banner" id="cookie-banner"><p>We use some essential cookies to make this service work. {filler(rng, 40)}</p>
<button>Accept analytics cookies</button><button>Reject analytics cookies</button></div>
<header class="header"><nav><ul>{"".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(40))}</ul></nav></header>
<main><h1 class="heading-large">Council {index} local authority children's services</h1><p>URN: {80000 + index}</p>
<ol class="timeline">{"".join(events)}</ol>'''
    tail = "</main><footer>" + "".join(f"<p>{filler(rng, 30)}</p>" for _ in range(10)) + "</footer></body></html>"
    padding = []
    size = len(head) + len(tail)
    while size < target:
        paragraph = f'<div class="related"><h2>Related</h2><p>{filler(rng, 60)}</p></div>'
        padding.append(paragraph)
        size += len(paragraph)
    body = (head + "".join(padding) + tail).encode()
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    return body, gzip.compress(body, 6), etag


def page(index):
    with lock:
        version = versions[index]
    key = (index, version)
    if key not in cache:
        cache[key] = render(index, version)
    return cache[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/control":
            query = parse_qs(url.query)
            with lock:
                if "reset" in query:
                    for i in range(PAGES):
                        versions[i] = 0
                if "publish" in query:
                    share = float(query["publish"][0])
                    step = max(1, round(1 / share)) if share > 0 else PAGES + 1
                    for i in range(0, PAGES, step):
                        versions[i] += 1
            return self.reply(200, b"ok", {})
        if url.path == "/robots.txt":
            return self.reply(404, b"", {})
        if not url.path.startswith("/p/"):
            return self.reply(404, b"not found", {})
        try:
            index = int(url.path[3:])
        except ValueError:
            return self.reply(404, b"not found", {})
        if not 0 <= index < PAGES:
            return self.reply(404, b"not found", {})
        body, compressed, etag = page(index)
        headers = {"ETag": etag, "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT", "Content-Type": "text/html; charset=utf-8"}
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", headers)
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            headers["Content-Encoding"] = "gzip"
            body = compressed
        return self.reply(200, body, headers)

    def reply(self, status, body, headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # A client that closes a kept-alive connection mid-request (the service stopping with
        # transfers in flight) is expected, not worth a traceback in the benchmark's table.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


if __name__ == "__main__":
    for i in range(PAGES):
        page(i)
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
