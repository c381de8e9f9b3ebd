"""What scripts/bench needs of the system: processes, their memory and CPU time from /proc,
and just enough of WebDriver to start an app and watch its window."""
import http.client, json, os, signal, socket, time, urllib.error, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """pid and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_by_process(pid):
    """MiB of PSS of pid and each process below it, by the program's name."""
    found = {}
    for p in descendants(pid):
        try:
            name = os.path.basename(os.readlink(f"/proc/{p}/exe"))
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        found[name] = found.get(name, 0) + int(line.split()[1]) / 1024
        except OSError:
            pass
    return found


def pss_mib(pid):
    return sum(pss_by_process(pid).values())


def cpu_seconds(pid):
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def kill_tree(pid):
    for p in reversed(descendants(pid)):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def wait_for_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("tauri-driver does not listen")


class WebDriver:
    """Just enough of the W3C WebDriver protocol, over loopback."""

    def __init__(self, port, capabilities):
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                value = self.call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
                self.session = value["sessionId"]
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("no WebDriver session")

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(3):
            request = urllib.request.Request(self.base + path, data=data, method=method,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())["value"]
            except http.client.RemoteDisconnected:
                # tauri-driver drops a request when WebKitWebDriver has closed the kept-alive
                # connection it tried to reuse; the request never arrived, so send it again.
                if attempt == 2:
                    raise

    def find(self, testid):
        try:
            found = self.call("POST", f"/session/{self.session}/element",
                              {"using": "css selector", "value": f'[data-testid="{testid}"]'})
        except urllib.error.HTTPError:
            return None
        return next(iter(found.values()))

    def displayed(self, testid):
        element = self.find(testid)
        return element is not None and self.call(
            "GET", f"/session/{self.session}/element/{element}/displayed")

    def text(self, testid):
        return self.call("GET", f"/session/{self.session}/element/{self.find(testid)}/text")

    def click(self, testid):
        self.call("POST", f"/session/{self.session}/element/{self.find(testid)}/click", {})

    def wait(self, testid, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.displayed(testid):
                return time.monotonic()
            time.sleep(0.02)
        raise RuntimeError(f"{testid} never showed")

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        except OSError:
            pass
