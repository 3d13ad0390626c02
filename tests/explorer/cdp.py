"""A headless Chromium driven over the DevTools protocol, for the explorer's
browser tests. One browser, one page target; commands are answered in
order and events are kept until a test reads them. Loopback only."""

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import websocket  # Debian's python3-websocket

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
]


def chromium_path():
    return shutil.which("chromium")


class CdpError(Exception):
    pass


class Browser:
    """Starts chromium with a fresh profile and attaches to one page."""

    def __init__(self, timeout=30.0, width=1100, height=900, language="en-US"):
        self.profile = tempfile.mkdtemp(prefix="creg-chromium-")
        self.log_path = os.path.join(self.profile, "chromium.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [chromium_path(), *FLAGS, f"--user-data-dir={self.profile}", f"--lang={language}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        url = self._wait_for_endpoint(timeout)
        self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _wait_for_endpoint(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                m = re.search(rb"DevTools listening on (ws://127\.0\.0\.1:\d+/\S+)", f.read())
            if m:
                return m.group(1).decode()
            if self.process.poll() is not None:
                break
            time.sleep(0.02)  # polling a file for a condition, with a deadline
        with open(self.log_path, "rb") as f:
            raise CdpError("chromium did not start:\n" + f.read().decode(errors="replace"))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _receive(self):
        message = json.loads(self.ws.recv())
        if "id" not in message:
            self.events.append(message)
        return message

    def send(self, method, params=None, session=None):
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        self.ws.send(json.dumps(command))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                return message.get("result", {})

    def page(self, method, params=None):
        return self.send(method, params, self.session)

    def evaluate(self, expression, await_promise=True):
        """The value of a JavaScript expression in the page (JSON-able)."""
        result = self.page("Runtime.evaluate", {"expression": expression,
                                                "awaitPromise": await_promise,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression, timeout=10.0):
        """Polls a JavaScript condition until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CdpError(f"timed out waiting for {expression}")
            self.page("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 20))",
                                           "awaitPromise": True})

    def drain(self):
        """Reads the events that arrived so far (without blocking long)."""
        self.ws.settimeout(0.05)
        try:
            while True:
                self._receive()
        except websocket.WebSocketTimeoutException:
            pass
        finally:
            self.ws.settimeout(30)
        events, self.events = self.events, []
        return events

    def navigate(self, url):
        self.page("Page.navigate", {"url": url})

    def screenshot(self, path):
        data = self.page("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(path, "wb") as f:
            f.write(base64.b64decode(data["data"]))


def console_errors(events):
    """Console errors, uncaught exceptions, browser-logged errors (failed
    loads, CSP violations) and JavaScript dialogs among `events`."""
    found = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console: " + " ".join(str(a.get("value", a.get("description")))
                                                for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            found.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            found.append(f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
        elif method == "Page.javascriptDialogOpening":
            found.append("dialog: " + params.get("message", ""))
    return found


def requests(events):
    """URLs of the requests the page sent among `events`."""
    return [e["params"]["request"]["url"] for e in events
            if e.get("method") == "Network.requestWillBeSent"]
