"""The web explorer in a real browser: headless Chromium driven over the
DevTools protocol against a real cregd on 127.0.0.1 with a small registry.
One node and one browser serve every case. Screenshots go to
CREG_EXPLORER_ARTIFACTS (the build folder). Exits 77 (skipped) when
chromium or python3-websocket is not installed."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import cdp
    from registry import FORUM, HOSTILE, ORIGIN, Registry
except ImportError as e:  # python3-websocket missing
    print(f"skipped: {e}")
    sys.exit(77)

if cdp.chromium_path() is None:
    print("skipped: chromium is not installed (scripts/test installs it)")
    sys.exit(77)

ARTIFACTS = os.environ.get("CREG_EXPLORER_ARTIFACTS", "explorer-artifacts")
REGISTRY = None
BROWSER = None


def setUpModule():
    global REGISTRY, BROWSER
    os.makedirs(ARTIFACTS, exist_ok=True)
    REGISTRY = Registry()
    try:
        REGISTRY.populate()
        BROWSER = cdp.Browser()
    except BaseException:
        REGISTRY.close()
        raise


def tearDownModule():
    if BROWSER:
        BROWSER.close()
    if REGISTRY:
        REGISTRY.close()


def tamper(certificate, change):
    doc = json.loads(certificate)
    change(doc)
    return json.dumps(doc, indent=2)


class ExplorerTest(unittest.TestCase):
    def setUp(self):
        self.browser = BROWSER
        self.browser.drain()

    def open(self, route, language="en"):
        """Opens a page in `language` and waits until it has rendered."""
        b = self.browser
        b.navigate(REGISTRY.url + "#/" + route)
        b.wait_until("document.readyState === 'complete' && !!document.getElementById('top')")
        b.evaluate(f"localStorage.setItem('creg.language', '{language}')")
        if b.evaluate("document.querySelector('[data-lang][aria-pressed=true]')"
                      "?.dataset.lang") != language:
            b.evaluate(f"document.querySelector('[data-lang={language}]').click()")
        b.wait_until("document.querySelector('main[data-ready]') !== null")

    def assert_no_console_errors(self):
        self.assertEqual(cdp.console_errors(self.browser.drain()), [])

    def screenshot(self, name):
        self.browser.screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def paste_key(self, key):
        self.browser.evaluate(
            "(() => { const i = document.getElementById('verifier-key');"
            f" i.value = {json.dumps(key)}; i.dispatchEvent(new Event('input')); }})()")

    def drop(self, text, name="certificate.json"):
        """Drops a file on the drop zone as a person would, and returns the
        outcome element's data and text once shown."""
        b = self.browser
        b.evaluate("document.querySelector('#verify-result')?.remove()")
        b.evaluate(
            "(() => { const dt = new DataTransfer();"
            f" dt.items.add(new File([{json.dumps(text)}], {json.dumps(name)},"
            " {type: 'application/json'}));"
            " document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop',"
            " {dataTransfer: dt, bubbles: true, cancelable: true})); })()")
        b.wait_until("document.querySelector('#verify-result') !== null")
        return b.evaluate("(() => { const r = document.querySelector('#verify-result');"
                          " return {outcome: r.dataset.outcome, check: r.dataset.check || '',"
                          " text: r.innerText}; })()")

    def test_registry_page_shows_the_signed_log(self):
        self.open("")
        self.assertEqual(self.browser.evaluate(
            "document.getElementById('registry-origin').textContent"), ORIGIN)
        self.assertIn("entries", self.browser.evaluate("document.querySelector('main').innerText"))
        self.screenshot("registry")
        self.assert_no_console_errors()

    def test_pages_are_served_with_a_strict_policy(self):
        self.browser.navigate("about:blank")
        self.open("verify")
        events = self.browser.drain()
        self.assertEqual(cdp.console_errors(events), [])
        documents = [e["params"]["response"] for e in events
                     if e.get("method") == "Network.responseReceived"
                     and e["params"]["type"] == "Document"]
        self.assertEqual(len(documents), 1)
        headers = {k.lower(): v for k, v in documents[0]["headers"].items()}
        self.assertTrue(headers.get("content-security-policy", "").startswith("default-src 'self'"))
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        self.assertEqual(headers.get("referrer-policy"), "no-referrer")
        self.assertEqual(headers.get("content-type"), "text/html; charset=utf-8")
        # The policy holds: an inline script does not run, and the browser says so.
        ran = self.browser.evaluate(
            "(() => { const s = document.createElement('script');"
            " s.textContent = 'window.inlineRan = true'; document.body.append(s);"
            " return window.inlineRan === true; })()")
        self.assertFalse(ran)
        errors = cdp.console_errors(self.browser.drain())
        self.assertTrue(any("Content Security Policy" in e for e in errors), errors)

    def test_a_dropped_certificate_verifies_offline(self):
        self.open("verify")
        self.paste_key(REGISTRY.verifier_key)
        self.browser.drain()
        result = self.drop(REGISTRY.certificates["forum"])
        self.assertEqual(result["outcome"], "verified", result["text"])
        self.assertIn(FORUM, result["text"])
        self.assertIn("(pasted by you)", result["text"])
        self.assertIn(REGISTRY.retirements["forum"], result["text"])
        # Read and checked in the browser: not one request to the server.
        self.assertEqual(cdp.requests(self.browser.drain()), [])
        self.screenshot("verify-dropped")
        self.assert_no_console_errors()

    def test_a_tampered_certificate_is_refused_and_says_why(self):
        self.open("verify")
        self.paste_key(REGISTRY.verifier_key)
        forum = REGISTRY.certificates["forum"]

        def beneficiary(doc):
            doc["retirement"]["beneficiary"] = "Someone Else"

        def proof(doc):
            p = doc["inclusion_proof"]
            p[0] = ("A" if p[0][0] != "A" else "B") + p[0][1:]

        def root(doc):
            lines = doc["checkpoint"].split("\n")
            lines[1] = str(int(lines[1]) + 1)
            doc["checkpoint"] = "\n".join(lines)

        def field(doc):
            doc["extra"] = 1

        cases = [
            (beneficiary, "summary", "retirement.beneficiary"),
            (proof, "inclusion", "does not lead to the signed root"),
            (root, "checkpoint", "does not verify"),
            (field, "document", "unknown field extra"),
        ]
        for change, check, why in cases:
            result = self.drop(tamper(forum, change))
            self.assertEqual((result["outcome"], result["check"]), ("refused", check),
                             result["text"])
            self.assertIn(why, result["text"])
        self.screenshot("verify-tampered")
        result = self.drop("not json")
        self.assertEqual(result["check"], "document")
        # The genuine certificate against another registry's key.
        other = REGISTRY.verifier_key.split("+")
        self.paste_key("+".join(["other.example", *other[1:]]))
        self.assertEqual(self.drop(forum)["check"], "key")
        self.assert_no_console_errors()

    def test_a_hostile_beneficiary_shows_as_text_and_runs_nothing(self):
        self.open("verify")
        self.paste_key(REGISTRY.verifier_key)
        result = self.drop(REGISTRY.certificates["hostile"])
        self.assertEqual(result["outcome"], "verified", result["text"])
        self.assertIn(HOSTILE, result["text"])
        self.assertEqual(self.browser.evaluate("document.querySelectorAll('main img').length"), 0)
        events = self.browser.drain()
        self.assertFalse([e for e in events if e.get("method") == "Page.javascriptDialogOpening"])
        self.assertEqual(cdp.console_errors(events), [])

    def test_the_pages_speak_chinese(self):
        self.open("verify", language="zh")
        self.assertEqual(self.browser.evaluate("document.documentElement.lang"), "zh-CN")
        self.assertIn("验证注销证书", self.browser.evaluate("document.querySelector('h1').textContent"))
        self.paste_key(REGISTRY.verifier_key)
        result = self.drop(REGISTRY.certificates["forum"])
        self.assertEqual(result["outcome"], "verified")
        self.assertIn("已验证", result["text"])
        self.screenshot("verify-zh")
        self.assert_no_console_errors()
        self.open("verify", language="en")


if __name__ == "__main__":
    unittest.main(verbosity=2)
