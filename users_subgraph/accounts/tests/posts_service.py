"""A stand-in for the posts service's internal endpoints: a real HTTP server on a free local port
that records each request and answers as a test tells it to (or is not there at all)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class RecordedRequest:
    method: str
    path: str
    router_secret: str | None


@dataclass
class FakePostsService:
    status: int = 200
    deleted_posts: int = 0
    requests: list[RecordedRequest] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


def serve(posts: FakePostsService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.requests.append(
                RecordedRequest("POST", self.path, self.headers.get("X-Router-Secret"))
            )
            user_id = self.path.split("/")[3]
            answer = {"userId": user_id}
            if self.path.endswith("/posts"):
                answer["deletedPosts"] = posts.deleted_posts
            body = json.dumps(answer if posts.status == 200 else {"error": "down"}).encode()
            self.send_response(posts.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
