"""The service's own ceiling: the same pages, pre-encoded before timing
starts, sent one at a time over one keep-alive connection with http.client.
Whatever this reaches is what the sandbox can take; a client cannot beat it."""
import http.client, json, sys, time, urllib.parse


def main(base, integration, key, path):
    url = urllib.parse.urlparse(base)
    prefix = f"{url.path}/v1/integrations/{integration}"
    headers = {"api-key": key, "content-type": "application/json"}
    records = [line.strip() for line in open(path, encoding="utf-8") if line.strip()]
    bodies = []
    for i in range(0, len(records), 100):
        bodies.append(('{"entities":{"User":[' + ",".join(records[i:i + 100]) + ']},"page_hint":%d}' % (i // 100 + 1)).encode())
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("POST", f"{prefix}/sessions", body=b"{}", headers=headers)
    sid = json.loads(conn.getresponse().read())["id"]
    start = time.perf_counter()
    for body in bodies:
        conn.request("POST", f"{prefix}/sessions/{sid}/entities", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 202:
            raise SystemExit(f"page refused: {response.status}")
    elapsed = time.perf_counter() - start
    conn.request("POST", f"{prefix}/sessions/{sid}/close", body=b'{"status":"discard"}', headers=headers)
    conn.getresponse().read()
    print(f"{len(records)} {elapsed:.4f}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
