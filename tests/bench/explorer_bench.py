#!/usr/bin/python3
"""How long a retirement page takes to show its certificate verified, in
headless Chromium: from the start of navigation to the outcome on screen
(the page's performance mark 'creg-verified'), over fresh navigations of
the retirement page of a small registry built as tests/explorer does.
Reports medians over RUNS navigations, with, from the same navigations,
the time to DOMContentLoaded and the verification step alone (certificate
fetch and every check). Needs chromium and python3-websocket.

  CREGD=build/node/cregd CREG=build/tools/cli/creg tests/bench/explorer_bench.py [RUNS]
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "explorer"))

import cdp  # noqa: E402
from registry import Registry  # noqa: E402

MEASURE = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const verified = performance.getEntriesByName('creg-verified')[0];
  const start = performance.getEntriesByName('creg-verify-start')[0];
  return {verified: verified.startTime, dom: nav.domContentLoadedEventEnd,
          verify: verified.startTime - start.startTime,
          outcome: document.getElementById('verify-result').dataset.outcome};
})()"""


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    registry = Registry()
    browser = None
    try:
        registry.populate()
        browser = cdp.Browser()
        url = registry.url + "#/retirement/" + registry.retirements["forum"]
        rows = []
        for i in range(runs + 1):
            browser.navigate("about:blank")
            browser.wait_until("location.href === 'about:blank'")
            browser.navigate(url)
            browser.wait_until("performance.getEntriesByName('creg-verified').length > 0", 30)
            row = browser.evaluate(MEASURE)
            if row["outcome"] != "verified":
                raise SystemExit(f"run {i}: the page did not verify: {row}")
            if i > 0:  # the first navigation warms the browser up
                rows.append(row)
        med = {k: statistics.median(r[k] for r in rows) for k in ("verified", "dom", "verify")}
        print(f"retirement page, {runs} navigations, headless Chromium, medians:")
        print(f"  verified after navigation start  {med['verified']:7.1f} ms "
              f"(min {min(r['verified'] for r in rows):.1f}, max {max(r['verified'] for r in rows):.1f})")
        print(f"  DOMContentLoaded                 {med['dom']:7.1f} ms")
        print(f"  verification step (fetch+checks) {med['verify']:7.1f} ms")
        print(f"  verified / DOMContentLoaded      {med['verified'] / med['dom']:7.2f} x")
    finally:
        if browser:
            browser.close()
        registry.close()


if __name__ == "__main__":
    main()
