"""The script an integrator would write: requests with one keep-alive session,
pages of 100, json.dumps per page. The baseline pushsh is measured against."""
import json, sys
import requests


def main(base, integration, key, path):
    session = requests.Session()
    headers = {"api-key": key, "content-type": "application/json"}
    prefix = f"{base}/v1/integrations/{integration}"
    r = session.post(f"{prefix}/sessions", data="{}", headers=headers)
    r.raise_for_status()
    sid = r.json()["id"]
    page, hint, sent = [], 0, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            page.append(json.loads(line))
            if len(page) == 100:
                hint += 1
                r = session.post(f"{prefix}/sessions/{sid}/entities", data=json.dumps({"entities": {"User": page}, "page_hint": hint}), headers=headers)
                r.raise_for_status()
                sent += len(page)
                page = []
    if page:
        hint += 1
        r = session.post(f"{prefix}/sessions/{sid}/entities", data=json.dumps({"entities": {"User": page}, "page_hint": hint}), headers=headers)
        r.raise_for_status()
        sent += len(page)
    session.post(f"{prefix}/sessions/{sid}/close", data=json.dumps({"status": "discard"}), headers=headers).raise_for_status()
    print(sent)


if __name__ == "__main__":
    main(*sys.argv[1:5])
