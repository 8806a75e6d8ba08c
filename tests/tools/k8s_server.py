"""A stand-in Kubernetes API server serving recorded responses.

Usage: k8s_server.py FIXTURES_DIR LOG_FILE PORT

Serves tests/fixtures/k8s/api (see its README for the file naming) on
127.0.0.1:PORT over plain HTTP. Every request must carry
`Authorization: Bearer estate-test-token`, else 401 with a Status object as
the real server sends it. Pods are paged: `limit` below the pod count gives
page 1 with a `continue` token, that token gives page 2. Every request's
method and path is appended to LOG_FILE (one JSON line each).
"""
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIXTURES, LOG, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
TOKEN = "Bearer estate-test-token"


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": url.path, "query": query}) + "\n")
        if self.headers.get("Authorization") != TOKEN:
            return self.send(401, status(401, "Unauthorized", "Unauthorized"))
        if self.command != "GET":
            return self.send(405, status(405, "MethodNotAllowed", "read-only fixture server"))
        name = url.path.strip("/").replace("/", "__")
        if name == "api__v1__pods":
            full = json.load(open(os.path.join(FIXTURES, "api__v1__pods.json")))
            if "continue" in query:
                name += "__page2"
            elif "limit" in query and int(query["limit"][0]) < len(full["items"]):
                name += "__page1"
        path = os.path.join(FIXTURES, name + ".json")
        if not os.path.exists(path):
            return self.send(404, status(404, "NotFound", f"the server could not find the requested resource ({url.path})"))
        self.send(200, json.load(open(path)))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
