#!/usr/bin/env python3
"""An independent fake of Sprinto's push API, written from the published
documentation rather than from pushsh's sandbox: it answers the way the
documentation allows, not the way pushsh expects.

Each base URL picks a scenario: http://127.0.0.1:PORT/<scenario>/api/external/push
  doc          200 where 201/202 are usual; 202 pages with partial rejections
               (records without an '@' in workEmail are rejected, the rest staged);
               gzip bodies; zone-less and past timestamps; close answers 200
  otherid      like doc, but session reads answer with another session's id
  deflate      like doc, but session and page answers are deflate-encoded
               (zlib, as RFC 9110 defines it), whatever the request accepts
  page200      like doc, but pages are answered 200 where 202 is documented
  retrydate    the first start gets 429 with Retry-After as an HTTP date (2 s ahead)
  retryfar     every start gets 429 with Retry-After 1 hour ahead
  cross        every request is redirected (307) to --other-origin
  same         every request is redirected (307) to the same path under /doc
  moved        every POST gets 301 to the same path under /doc
  upgrade      every request gets 301 to https://<same host:port>/...
  garbage      a start answers 200 with binary bytes (the session is created)
  nostate      a start answers 201 with {"id": ...} and no state
  slow         every request waits 3 s before answering
Every request is logged as one JSON line to --log: method, path, headers.
"""
import argparse, email.utils, gzip, json, zlib, signal, ssl, sys, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/api/external/push"
LOCK = threading.Lock()
SESSIONS = {}   # id -> dict
EVENTS = []
STARTS = {"retrydate": 0}


def now_iso(offset=0.0, zone=True):
    t = time.gmtime(time.time() + offset)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", t)
    return text + ".000Z" if zone else text


def session_json(s):
    return {
        "id": s["id"], "integration_id": s["integration"], "state": s["state"],
        # A real service may drop the zone or the milliseconds of display-only fields.
        "created_at": s["created"], "updated_at": now_iso(zone=False),
        "expires_at": s["expires"], "inactivity_timeout_seconds": 3600,
        "accepted_records_total": s["accepted"], "accepted_records_by_entity": {"User": s["accepted"]},
        "last_error": None, "accepted_batches": s["batches"], "retry_count": 0,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, body):
        entry = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                 "body_bytes": len(body)}
        with LOCK, open(self.server.log_path, "a") as log:
            log.write(json.dumps(entry) + "\n")

    def answer(self, status, obj=None, headers=None, raw=None, compress=False):
        body = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        extra = dict(headers or {})
        if compress and getattr(self, "deflate", False) and body:
            body = zlib.compress(body)
            extra["Content-Encoding"] = "deflate"
        elif compress and "gzip" in self.headers.get("accept-encoding", "") and body:
            body = gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        self.send_response(status)
        if raw is None and obj is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.record(body)
        parts = self.path.split("?")[0].split("/")
        scenario = parts[1] if len(parts) > 1 else ""
        rest = "/" + "/".join(parts[2:])
        host = self.headers.get("host", "")
        if scenario == "slow":
            time.sleep(3)
            scenario = "doc"
        self.deflate = scenario == "deflate"
        page_status = 200 if scenario == "page200" else 202
        if scenario in ("deflate", "page200"):
            scenario = "doc"
        if scenario == "cross":
            return self.answer(307, {"moved": True}, {"Location": self.server.other_origin + self.path})
        if scenario == "same":
            return self.answer(307, None, {"Location": "/doc" + rest + ("?" + self.path.split("?", 1)[1] if "?" in self.path else "")})
        if scenario == "moved" and self.command == "POST":
            return self.answer(301, None, {"Location": "/doc" + rest})
        if scenario == "upgrade":
            return self.answer(301, None, {"Location": "https://" + host + self.path})
        if not rest.startswith(PREFIX + "/v1/integrations/"):
            return self.answer(404, {"message": "no such route"})
        if self.headers.get("api-key") != "doc-key":
            return self.answer(401, {"message": "Unauthorized"})
        tail = rest[len(PREFIX + "/v1/integrations/"):].split("/")
        integration, what = tail[0], tail[1:]
        if what == ["sessions"] and self.command == "POST":
            return self.start(scenario, integration)
        if len(what) >= 2 and what[0] == "sessions":
            with LOCK:
                s = SESSIONS.get(what[1])
            if s is None:
                return self.answer(404, {"message": "session not found"})
            if len(what) == 2 and self.command == "GET":
                if s["state"] == "processing":
                    s["state"] = "processed"
                out = session_json(s)
                if scenario == "otherid":
                    out["id"] = "ses_someone_else"
                return self.answer(200, out, compress=True)
            if what[2:] == ["entities"] and self.command == "POST":
                return self.push(s, body, page_status)
            if what[2:] == ["close"] and self.command == "POST":
                status = json.loads(body or b"{}").get("status", "apply")
                s["state"] = "processing" if status == "apply" else "cancelled"
                EVENTS.append({"type": "session_closed", "session_id": s["id"]})
                return self.answer(200, session_json(s), compress=True)
        if what == ["activity"]:
            items = [{"id": f"evt_{i}", "at": now_iso(), "level": "info", "type": e["type"],
                      "message": e["type"], "session_id": e["session_id"], "details": {}} for i, e in enumerate(EVENTS)]
            return self.answer(200, {"items": list(reversed(items)), "page": 1, "page_size": 50, "next_page": None})
        if what == ["status"]:
            return self.answer(200, {"integration_id": integration, "sessions": {"active": 0, "processing": 0, "processed": 0, "failed": 0, "expired": 0}})
        return self.answer(404, {"message": "no such route"})

    def start(self, scenario, integration):
        if scenario == "retrydate":
            with LOCK:
                STARTS["retrydate"] += 1
                first = STARTS["retrydate"] == 1
            if first:
                return self.answer(429, {"message": "slow down"}, {"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)})
        if scenario == "retryfar":
            return self.answer(429, {"message": "slow down"}, {"Retry-After": email.utils.formatdate(time.time() + 3600, usegmt=True)})
        sid = "ses_" + uuid.uuid4().hex[:12]
        s = {"id": sid, "integration": integration, "state": "active", "accepted": 0, "batches": 0,
             "created": now_iso(zone=False), "expires": now_iso(-3 * 3600)}
        with LOCK:
            SESSIONS[sid] = s
            EVENTS.append({"type": "session_created", "session_id": sid})
        if scenario == "garbage":
            return self.answer(200, raw=bytes(range(256)) * 4, headers={"Content-Type": "application/octet-stream"})
        if scenario == "nostate":
            return self.answer(201, {"id": sid})
        # 200 where the documentation shows 201.
        return self.answer(200, session_json(s), compress=True)

    def push(self, s, body, status=202):
        envelope = json.loads(body)
        accepted, errors, by_entity = 0, [], {}
        for entity, records in envelope.get("entities", {}).items():
            for i, r in enumerate(records):
                if entity == "User" and "@" not in str(r.get("workEmail", "")):
                    errors.append({"entity_type": entity, "index": i, "field": "workEmail", "issue": "must be an email address"})
                else:
                    accepted += 1
                    by_entity[entity] = by_entity.get(entity, 0) + 1
        s["accepted"] += accepted
        s["batches"] += 1
        # 202 (or 200) with the documented BatchIngestResponse, rejections included.
        return self.answer(status, {"session_id": s["id"], "accepted_count_total": accepted, "accepted_count_by_entity": by_entity,
                                 "rejected_count_total": len({(e["entity_type"], e["index"]) for e in errors}),
                                 "validation_errors": errors, "echoes": {"page_hint": envelope.get("page_hint")}}, compress=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--other-origin", default="http://127.0.0.1:9")
    a = p.parse_args()
    # A test runner may start us with SIGTERM ignored or blocked: be stoppable.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    server.log_path = a.log
    server.other_origin = a.other_origin
    open(a.log, "a").close()
    if a.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(a.cert, a.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
