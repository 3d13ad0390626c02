"""A small registry for the explorer's tests, made the way a person makes
one (scripts/demo): `cregd init`, a node on 127.0.0.1 with --http, and the
creg CLI. Programs come from CREGD, CREG (environment) as ctest sets them."""

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ORIGIN = "explorer.creg.test"
FORUM = "Forum Organising Committee"
HOSTILE = "<img src=x onerror=alert(1)>"


class Registry:
    def __init__(self, read_policy="public-log"):
        self.cregd = os.environ["CREGD"]
        self.creg = os.environ["CREG"]
        self.dir = tempfile.mkdtemp(prefix="creg-explorer-")
        self.data = os.path.join(self.dir, "creg-data")
        self.run([self.cregd, "init", "--data", self.data, "--origin", ORIGIN])
        with open(os.path.join(self.data, "verifier.key")) as f:
            self.verifier_key = f.read().strip()
        # Another registry's key of the same name, which signed none of this.
        other = os.path.join(self.dir, "other-data")
        self.run([self.cregd, "init", "--data", other, "--origin", ORIGIN])
        with open(os.path.join(other, "verifier.key")) as f:
            self.other_key = f.read().strip()
        self.log_path = os.path.join(self.dir, "cregd.log")
        self.log = open(self.log_path, "wb")
        self.node = subprocess.Popen(
            [self.cregd, "run", "--data", self.data, "--listen", "127.0.0.1:0",
             "--http", "127.0.0.1:0", "--read-policy", read_policy],
            stdout=subprocess.DEVNULL, stderr=self.log)
        self.address, self.http = self._wait_for_addresses()
        self.url = f"http://{self.http}/"
        self.env = dict(os.environ, CREG_NODE=self.address)
        self.retirements = {}
        self.certificates = {}

    def _wait_for_addresses(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
            node = re.search(r"serving on (127\.0\.0\.1:\d+)", text)
            http = re.search(r"on http://(127\.0\.0\.1:\d+)/ ", text)
            if node and http:
                return node.group(1), http.group(1)
            if self.node.poll() is not None:
                raise RuntimeError("cregd stopped:\n" + text)
            time.sleep(0.02)  # polling its log for a condition, with a deadline
        raise RuntimeError("cregd did not start serving")

    def run(self, args):
        result = subprocess.run(args, cwd=self.dir, env=getattr(self, "env", None),
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {result.returncode}:\n"
                               f"{result.stdout}{result.stderr}")
        return result.stdout

    def creg_cmd(self, *args):
        return self.run([self.creg, *args])

    def populate(self):
        """The demo's story, plus a retirement for a hostile beneficiary and one
        for NDC use of credits authorised under Article 6, some of them
        labelled."""
        for who in ("developer", "organiser"):
            self.creg_cmd("keygen", os.path.join(self.dir, f"{who}.key"))
            self.creg_cmd("account", "open", who, "--public-key",
                          os.path.join(self.dir, f"{who}.key.pub"), "--name", who.title())
        self.creg_cmd("project", "register", "yunnan-dali-wind", "--name", "Dali Wind Farm Phase II",
                      "--standard", "VCS", "--methodology", "ACM0002", "--country", "CN",
                      "--proponent", "developer")
        self.creg_cmd("issue", "--project", "yunnan-dali-wind", "--vintage", "2025",
                      "--quantity", "10000", "--to", "developer",
                      "--verification-ref", "VR-DALI-2025-01")
        dev = ["--account", "developer", "--key", os.path.join(self.dir, "developer.key")]
        org = ["--account", "organiser", "--key", os.path.join(self.dir, "organiser.key")]
        self.creg_cmd("transfer", *dev, "--to", "organiser", "--batch", "1", "--quantity", "500")
        for name, beneficiary, quantity in (("forum", FORUM, "120"), ("hostile", HOSTILE, "5")):
            out = self.creg_cmd("retire", *org, "--batch", "1", "--quantity", quantity,
                                "--beneficiary", beneficiary, "--reason", "voluntary-event-offset",
                                "--details", "offsetting the forum", "--country-of-use", "CN",
                                "--claim-reference", "FORUM-2026-OFFSET")
            rid = re.search(r" as (R\d+): committed", out).group(1)
            self.retirements[name] = rid
            path = os.path.join(self.dir, f"{name}-certificate.json")
            self.creg_cmd("cert", rid, "-o", path)
            with open(path) as f:
                self.certificates[name] = f.read()
        self.creg_cmd("authorize", "--serials", "1:201-300", "--party", "GH", "--reference",
                      "GH LoA 2026-001", "--date", "2026-03-02", "--uses", "ndc,oimp",
                      "--first-transfer", "use-or-cancellation")
        self.creg_cmd("label", "add", "--serials", "1:201-205", "--label", "ccp",
                      "--reference", "ICVCM CCP approval 2025-014")
        out = self.creg_cmd("retire", *org, "--serials", "1:201-210", "--beneficiary",
                            "Swiss Confederation", "--reason", "compliance", "--use", "ndc",
                            "--using-entity", "Switzerland")
        rid = re.search(r" as (R\d+): committed", out).group(1)
        self.retirements["article6"] = rid
        path = os.path.join(self.dir, "article6-certificate.json")
        self.creg_cmd("cert", rid, "-o", path)
        with open(path) as f:
            self.certificates["article6"] = f.read()

    def serves_api(self):
        """True if the node answers /api/v1/status."""
        try:
            with urllib.request.urlopen(self.url + "api/v1/status", timeout=10) as answer:
                return answer.status == 200
        except urllib.error.HTTPError:
            return False

    def close(self):
        self.node.terminate()
        try:
            self.node.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.node.kill()
            self.node.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
