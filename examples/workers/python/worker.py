#!/usr/bin/env python3
"""A remote worker in Python, on the standard library alone.

It registers a tool with the server, takes tasks from the `toolTasks` subscription over
GraphQL-over-SSE (a POST with `Accept: text/event-stream` to the same /graphql endpoint),
runs them on a thread pool (never more than WORKER_SLOTS at once: the server sends no more)
and answers with the completeToolTask / failToolTask mutations. Any language with an HTTP
client can do the same.

  AEF_URL=http://127.0.0.1:4000/graphql AEF_TOKEN=<API key, when AUTH is on> python3 worker.py
"""
import collections, http.client, json, os, re, signal, sys, time, urllib.error, urllib.parse, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor

URL = os.environ.get("AEF_URL", "http://127.0.0.1:4000/graphql")
TOKEN = os.environ.get("AEF_TOKEN")
SLOTS = int(os.environ.get("WORKER_SLOTS", "4"))
WORKER_ID = os.environ.get("WORKER_ID") or f"py_{uuid.uuid4().hex[:12]}"
TOOL = os.environ.get("TOOL_NAME", "text_stats")


def text_stats(inp, config):
    """Word and character counts of `input.text`, and its most frequent words."""
    text = str(inp.get("text", ""))
    words = re.findall(r"[\w']+", text.lower())
    top = collections.Counter(words).most_common(int(config.get("top", 3)))
    return {"words": len(words), "chars": len(text), "top": [w for w, _ in top], "by": "python"}


TOOLS = {TOOL: {
    "description": "Word and character counts of a text, and its most frequent words (Python)",
    "configSchema": {"type": "object", "properties": {"top": {"type": "integer", "minimum": 1}}, "additionalProperties": False},
    "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
    "run": text_stats,
}}

REGISTER = "mutation($input: RegisterWorkerInput!) { registerWorker(input: $input) { id } }"
TASKS = "subscription($w: ID!) { toolTasks(workerId: $w) { id tool input config attempt } }"
COMPLETE = "mutation($id: ID!, $r: JSON) { completeToolTask(taskId: $id, result: $r) { status } }"
FAIL = "mutation($id: ID!, $e: ToolTaskErrorInput!) { failToolTask(taskId: $id, error: $e) { status } }"
DRAIN = "mutation($w: ID!) { drainWorker(workerId: $w) { id } }"


class Refused(Exception):
    """The server answered with a GraphQL error (a code, not a network problem)."""


def headers(accept):
    h = {"Content-Type": "application/json", "Accept": accept}
    if TOKEN:
        h["Authorization"] = f"Bearer {TOKEN}"
    return h


def gql(query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    req = urllib.request.Request(URL, data=body, headers=headers("application/json"), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            answer = json.load(resp)
    except urllib.error.HTTPError as err:  # 401, 429...: the body still says why
        answer = json.load(err)
    if answer.get("errors"):
        e = answer["errors"][0]
        raise Refused(f"{e.get('extensions', {}).get('code')}: {e.get('message')}")
    return answer["data"]


def persist(query, variables):
    """Sends an answer until the server takes or refuses it (it may be restarting)."""
    delay = 0.2
    while True:
        try:
            return gql(query, variables)
        except Refused as err:
            print(f"answer refused: {err}", flush=True)  # cancelled, reassigned...: drop it
            return None
        except (urllib.error.URLError, OSError):
            time.sleep(delay)
            delay = min(delay * 2, 5)


def run(task):
    try:
        result = TOOLS[task["tool"]]["run"](task["input"] or {}, task["config"] or {})
        persist(COMPLETE, {"id": task["id"], "r": result})
    except Exception as err:  # the tool failed: the node's retry policy decides
        persist(FAIL, {"id": task["id"], "e": {"message": str(err), "retryable": True}})


def subscribe(pool):
    """One GraphQL-over-SSE subscription: returns when the server ends it or the socket drops."""
    u = urllib.parse.urlsplit(URL)
    conn = (http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection)(u.hostname, u.port)
    conn.request("POST", u.path, json.dumps({"query": TASKS, "variables": {"w": WORKER_ID}}), headers("text/event-stream"))
    resp = conn.getresponse()
    if resp.status != 200:
        raise Refused(f"subscription answered {resp.status}: {resp.read()[:300]!r}")
    print(f"worker {WORKER_ID} ready ({SLOTS} slots)", flush=True)
    event, data = None, []
    while True:
        line = resp.readline()
        if not line:
            return
        line = line.decode("utf-8").rstrip("\r\n")
        if line == "":  # end of one SSE message
            if event == "complete":
                return
            if event == "next" and data:
                payload = json.loads("\n".join(data))
                if payload.get("errors"):
                    raise Refused(payload["errors"][0].get("message"))
                pool.submit(run, payload["data"]["toolTasks"])
            event, data = None, []
        elif not line.startswith(":"):  # ":" lines are keep-alive comments
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)


def main():
    tools = [{k: v for k, v in spec.items() if k != "run"} | {"name": name} for name, spec in TOOLS.items()]
    if persist(REGISTER, {"input": {"id": WORKER_ID, "name": "python worker", "slots": SLOTS, "tools": tools}}) is None:
        sys.exit(1)  # refused (a tool name taken, no permission): nothing to serve
    pool = ThreadPoolExecutor(max_workers=SLOTS)
    stopping = []

    def stop(*_):  # SIGTERM: take no more tasks, finish those held, then exit
        stopping.append(True)
        persist(DRAIN, {"w": WORKER_ID})
        pool.shutdown(wait=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    delay = 0.2
    while not stopping:
        try:
            subscribe(pool)
            delay = 0.2
        except (OSError, http.client.HTTPException, Refused) as err:
            print(f"subscription dropped ({err}); reconnecting", flush=True)
        time.sleep(delay)
        delay = min(delay * 2, 5)


if __name__ == "__main__":
    main()
