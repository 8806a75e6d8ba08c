"""moto's server with a request meter, for benches/collect_aws.sh.

Usage: moto_bench_server.py -p PORT  (binds 127.0.0.1 only)

The same server as `moto_server` (werkzeug, threaded), wrapped in a WSGI
middleware that counts every request by service, region and operation, and
adds up the time moto spent on it and the bytes it answered. The operation
is the query `Action` (EC2, RDS, STS, query-protocol CloudWatch), the JSON
`X-Amz-Target` (Organizations, ECS, JSON CloudWatch), the last path segment
of Smithy RPCv2 (`/service/.../operation/GetMetricData`), or for REST
services the method and path (S3: with the bucket as `{bucket}`, and the
collector's calls named: ListBuckets, GetBucketLocation, ...; Lambda
ListFunctions, EKS ListClusters named too).
Service and region come from the SigV4 credential scope.

  GET  /__bench/stats   {"requests": [{service, region, operation, count, seconds, max_seconds, bytes}]}
  POST /__bench/reset   forget what was counted

tests/tools/moto_server.py (what the tests use) is left as it is.
"""
import argparse
import io
import json
import logging
import re
import sys
import threading
import time
import urllib.parse

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


S3_NAMES = {"GET /": "ListBuckets", "GET /{bucket}?location": "GetBucketLocation",
            "GET /{bucket}?publicAccessBlock": "GetPublicAccessBlock",
            "GET /{bucket}?encryption": "GetBucketEncryption", "PUT /{bucket}": "CreateBucket"}


def operation(service, method, path, query, body, headers):
    target = headers.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    if "/operation/" in path:
        return path.rsplit("/", 1)[-1]
    for source in (query, body):
        if "Action=" in source:
            action = urllib.parse.parse_qs(source).get("Action")
            if action:
                return action[0]
    keys = [k for k in sorted(urllib.parse.parse_qs(query, keep_blank_values=True)) if k != "x-id"]
    if service == "s3":
        # Path style: the bucket and key become placeholders.
        parts = [p for p in path.split("/") if p]
        shape = "/" + "/".join(["{bucket}"] + ["{key}"] * (len(parts) > 1)) if parts else "/"
        shape = f"{method} {shape}" + (("?" + "&".join(keys)) if keys else "")
        return S3_NAMES.get(shape, shape)
    if service == "lambda" and method == "GET" and path.rstrip("/") == "/2015-03-31/functions":
        return "ListFunctions"
    if service == "eks" and method == "GET" and path.rstrip("/") == "/clusters":
        return "ListClusters"
    return f"{method} {path}"


class Meter:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.stats = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/__bench/"):
            return self.control(environ, start_response, path)
        return self.metered(environ, start_response, path)

    def metered(self, environ, start_response, path):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        query = environ.get("QUERY_STRING", "")
        text = body[:4096].decode("utf-8", "replace") if body[:1] != b"\xbf" else ""
        scope = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        region, service = scope.groups() if scope else ("-", "-")
        op = operation(service, environ.get("REQUEST_METHOD", ""), path, query, text, environ)
        started = time.perf_counter()
        size = 0
        try:
            for chunk in self.app(environ, start_response):
                size += len(chunk)
                yield chunk
        finally:
            spent = time.perf_counter() - started
            key = (service, region, op)
            with self.lock:
                s = self.stats.setdefault(key, [0, 0.0, 0.0, 0])
                s[0] += 1
                s[1] += spent
                s[2] = max(s[2], spent)
                s[3] += size

    def control(self, environ, start_response, path):
        if path == "/__bench/reset":
            with self.lock:
                self.stats.clear()
            body = b"{}"
        else:
            with self.lock:
                rows = [{"service": k[0], "region": k[1], "operation": k[2], "count": v[0],
                         "seconds": round(v[1], 6), "max_seconds": round(v[2], 6), "bytes": v[3]}
                        for k, v in sorted(self.stats.items())]
            body = json.dumps({"requests": rows}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("-p", "--port", type=int, required=True)
    args = p.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app = Meter(DomainDispatcherApplication(create_backend_app))
    run_simple("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
