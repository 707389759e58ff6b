"""A fake SMS gateway on 127.0.0.1 that keeps the gateway contract: each idempotency key is sent once.

Every POST is recorded in `posts`; a key seen for the first time is "sent" (appended to `sent`),
a repeated key is answered like the first time without sending. `delay` slows every answer;
`hold_at=n` makes the n-th POST record its message as sent and then hang (the worker waits
for an answer it will never get) until `release()` — the moment a test kills the worker.
"""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self, *, secret: str, delay: float = 0.0, hold_at: int | None = None):
        self.secret, self.delay, self.hold_at = secret, delay, hold_at
        self.posts: list[dict] = []
        self.sent: list[dict] = []
        self.ids: dict[str, str] = {}
        self.holding = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                msg = self.headers["X-Timestamp"].encode() + b"\n" + self.headers["X-Nonce"].encode() + b"\n" + body
                good = hmac.compare_digest(
                    hmac.new(gateway.secret.encode(), msg, hashlib.sha256).hexdigest(), self.headers["X-Signature"]
                )
                data = json.loads(body)
                key = self.headers.get("Idempotency-Key", "")
                with gateway._lock:
                    gateway.posts.append({"key": key, "phone": data["phone"], "text": data["text"], "signed": good})
                    n = len(gateway.posts)
                    if good and key and key not in gateway.ids:
                        gateway.ids[key] = f"gw-{len(gateway.ids) + 1}"
                        gateway.sent.append({"key": key, "phone": data["phone"], "text": data["text"]})
                    answer = gateway.ids.get(key, "")
                if gateway.delay:
                    time.sleep(gateway.delay)
                if gateway.hold_at is not None and n == gateway.hold_at:
                    gateway.holding.set()
                    gateway._release.wait(120)
                try:
                    self.send_response(200 if good and key else 400)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps({"id": answer}).encode())
                except OSError:  # the worker was killed while we held its request
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def posts_for(self, key: str) -> int:
        return sum(1 for p in self.posts if p["key"] == key)

    def release(self):
        self._release.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.server.shutdown()
        self.server.server_close()
