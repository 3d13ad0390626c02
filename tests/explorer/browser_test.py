"""The web explorer in a real browser: headless Chromium driven over the
DevTools protocol against a real cregd on 127.0.0.1 with a small registry.
One node and one browser serve every case. Screenshots go to
CREG_EXPLORER_ARTIFACTS (the build folder). Exits 77 (skipped) when
chromium or python3-websocket is not installed."""

import json
import os
import sys
import unittest
from urllib.parse import quote

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
HAS_API = False


def needs_api(test):
    """Cases of pages that read the JSON API, which a node may not serve yet."""
    def run(self):
        if not HAS_API:
            self.skipTest("this node does not serve /api/v1/")
        return test(self)
    run.__name__ = test.__name__
    return run


def setUpModule():
    global REGISTRY, BROWSER, HAS_API
    os.makedirs(ARTIFACTS, exist_ok=True)
    REGISTRY = Registry()
    try:
        REGISTRY.populate()
        HAS_API = REGISTRY.serves_api()
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
        # A key one case pasted is not another's.
        if self.browser.evaluate("location.origin") == REGISTRY.url.rstrip("/"):
            self.browser.evaluate("localStorage.removeItem('creg.verifier-key')")
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

    @needs_api
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

    def test_an_article6_certificate_verifies_and_its_use_is_checked(self):
        self.open("verify")
        self.paste_key(REGISTRY.verifier_key)
        certificate = REGISTRY.certificates["article6"]
        summary = json.loads(certificate)["retirement"]
        self.assertEqual(summary["use"], "ndc")
        self.assertEqual(summary["article6"][0]["uses"], ["ndc", "oimp"])
        result = self.drop(certificate)
        self.assertEqual(result["outcome"], "verified", result["text"])

        def use(doc):
            doc["retirement"]["use"] = "oimp"

        def adjustment(doc):
            doc["retirement"]["article6"][0]["adjustment"] = "applied"

        def unauthorised(doc):
            del doc["retirement"]["article6"]

        for change, field in ((use, "retirement.use"), (adjustment, "retirement.article6"),
                              (unauthorised, "retirement.article6")):
            result = self.drop(tamper(certificate, change))
            self.assertEqual((result["outcome"], result["check"]), ("refused", "summary"),
                             result["text"])
            self.assertIn(field, result["text"])
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
        # The genuine certificate against another key, and a malformed key.
        self.paste_key(REGISTRY.other_key)
        result = self.drop(forum)
        self.assertEqual(result["check"], "checkpoint")
        self.assertIn("no signature by key", result["text"])
        other = REGISTRY.verifier_key.split("+")
        self.paste_key("+".join(["other.example", *other[1:]]))
        result = self.drop(forum)
        self.assertEqual(result["check"], "key")
        self.assertIn("the key id does not match the key", result["text"])
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


    @needs_api
    def test_the_retirement_page_shows_it_verified(self):
        rid = REGISTRY.retirements["forum"]
        self.open("retirement/" + rid)
        result = self.browser.evaluate(
            "(() => { const r = document.querySelector('#verify-result');"
            " return r && {outcome: r.dataset.outcome, text: r.innerText}; })()")
        self.assertEqual(result["outcome"], "verified", result["text"])
        self.assertIn("(served by this same server)", result["text"])
        self.assertIn(FORUM, self.browser.evaluate("document.getElementById('beneficiary').textContent"))
        self.screenshot("retirement")
        # With the key from a trusted channel pasted, the page says so.
        self.paste_key(REGISTRY.verifier_key + " ")
        self.assertIn("also the key this server serves",
                      self.browser.evaluate("document.getElementById('key-source').textContent"))
        self.paste_key(REGISTRY.other_key)
        self.browser.evaluate("document.getElementById('verify-button').click()")
        self.browser.wait_until("document.querySelector('#verify-result')?.dataset.outcome === 'refused'")
        self.assertIn("(pasted by you)",
                      self.browser.evaluate("document.getElementById('verify-result').innerText"))
        self.assert_no_console_errors()

    @needs_api
    def test_the_retirement_page_shows_use_labels_and_article6(self):
        b = self.browser
        text = lambda id: b.evaluate(f"document.getElementById('{id}')?.innerText ?? null")
        self.open("retirement/" + REGISTRY.retirements["article6"])
        b.wait_until("document.querySelector('#verify-result') !== null")
        self.assertEqual(b.evaluate("document.querySelector('#verify-result').dataset.outcome"),
                         "verified")
        self.assertEqual(text("use"), "towards a nationally determined contribution (NDC)")
        self.assertEqual(text("using-entity"), "Switzerland")
        self.assertEqual(text("labels"), "1:201-205: ccp")
        self.assertEqual(text("article6"),
                         "1:201-205: authorised by GH for NDC use, OIMP use (GH LoA 2026-001, "
                         "2026-03-02), first transfer at use or cancellation; corresponding "
                         "adjustment pending\n"
                         "1:206-210: authorised by GH for NDC use, OIMP use (GH LoA 2026-001, "
                         "2026-03-02), first transfer at use or cancellation; corresponding "
                         "adjustment pending")
        self.screenshot("retirement-article6")
        self.open("retirement/" + REGISTRY.retirements["article6"], language="zh")
        self.assertEqual(text("use"), "用于国家自主贡献（NDC）")
        self.assertIn("相应调整待进行", text("article6"))
        # A voluntary retirement of credits with neither: the use, and no
        # using entity, labels or Article 6 rows.
        self.open("retirement/" + REGISTRY.retirements["forum"])
        self.assertEqual(text("use"), "voluntary")
        for absent in ("using-entity", "labels", "article6"):
            self.assertIsNone(text(absent), absent)
        self.assert_no_console_errors()

    @needs_api
    def test_a_hostile_beneficiary_on_every_page_is_text(self):
        rid = REGISTRY.retirements["hostile"]
        for route in ("retirement/" + rid, "search/beneficiary/" + quote(HOSTILE, safe="")):
            self.open(route)
            text = self.browser.evaluate("document.querySelector('main').innerText")
            self.assertIn(HOSTILE, text, route)
            self.assertEqual(self.browser.evaluate("document.querySelectorAll('img').length"), 0)
            events = self.browser.drain()
            self.assertFalse([e for e in events if e.get("method") == "Page.javascriptDialogOpening"])
            self.assertEqual(cdp.console_errors(events), [], route)
        self.screenshot("search-hostile")

    @needs_api
    def test_every_page_loads_without_a_console_error(self):
        forum = REGISTRY.retirements["forum"]
        pages = {
            "registry": "", "projects": "projects", "project": "project/yunnan-dali-wind",
            "batch": "batch/1", "retirement-" + forum: "retirement/" + forum,
            "search": "search", "search-forum": "search/beneficiary/" + quote(FORUM, safe=""),
            "serial": "serial", "serial-lookup": "serial/1:7", "verify": "verify",
            "not-found": "nowhere",
        }
        for language in ("en", "zh"):
            for name, route in pages.items():
                self.open(route, language=language)
                self.assertEqual(cdp.console_errors(self.browser.drain()), [], route)
                self.assertFalse(self.browser.evaluate("!!document.getElementById('page-error')"),
                                 route)
                self.screenshot(f"{name}-{language}")
        self.open("", language="en")

    @needs_api
    def test_the_registry_page_has_totals_and_a_chart(self):
        self.open("")
        totals = self.browser.evaluate("document.getElementById('totals').innerText")
        self.assertIn("10,000", totals)
        self.assertIn("135", totals)  # forum 120, hostile 5, Article 6 10
        self.assertEqual(self.browser.evaluate(
            "document.querySelectorAll('#timeline-chart path.series').length"), 3)
        self.assertEqual(self.browser.evaluate(
            "document.getElementById('verifier-key-served').textContent"), REGISTRY.verifier_key)

    @needs_api
    def test_the_batch_picture_zooms(self):
        self.open("batch/1")
        b = self.browser
        self.assertGreaterEqual(b.evaluate("document.querySelectorAll('#block-map rect.block').length"), 3)
        # Retired: forum, hostile, and the Article 6 retirement in two blocks
        # (the labelled 201-205 and 206-210).
        self.assertEqual(b.evaluate("document.querySelectorAll('#block-map rect.status-retired').length"), 4)
        whole = b.evaluate("document.getElementById('block-range').textContent")
        b.evaluate("document.getElementById('zoom-in').click()")
        b.evaluate("document.getElementById('zoom-in').click()")
        self.assertNotEqual(b.evaluate("document.getElementById('block-range').textContent"), whole)
        b.evaluate("document.getElementById('zoom-reset').click()")
        self.assertEqual(b.evaluate("document.getElementById('block-range').textContent"), whole)
        b.evaluate("document.querySelector('#block-map rect.status-retired')"
                   ".dispatchEvent(new MouseEvent('click'))")
        self.assertIn("R", b.evaluate("document.getElementById('block-detail').innerText"))
        self.assert_no_console_errors()

    @needs_api
    def test_both_catalogues_have_the_same_messages(self):
        self.open("")
        missing = self.browser.evaluate(
            "Promise.all([import('/js/i18n/en.js'), import('/js/i18n/zh.js')]).then(([en, zh]) => {"
            " const a = Object.keys(en.default), b = Object.keys(zh.default);"
            " return a.filter(k => !b.includes(k)).concat(b.filter(k => !a.includes(k))); })")
        self.assertEqual(missing, [])

if __name__ == "__main__":
    unittest.main(verbosity=2)
