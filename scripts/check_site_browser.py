#!/usr/bin/env python3
"""The browser part of scripts/check-site: axe-core, a keyboard walk and screenshots in Chromium.

Usage: check_site_browser.py BASE_URL OUTPUT_DIR SCREENSHOT_DIR SAMPLE

Loads a sample of each page type of the generated site from BASE_URL (the site served by nginx),
in Debian's headless Chromium driven by Selenium through /usr/bin/chromedriver (offline: no
Selenium Manager), with axe-core (as bundled by the PyPI package axe-selenium-python) injected
before any page script runs. For each sampled page:

- axe-core (its default rules: WCAG 2 A and AA, best practices), and its colour-contrast rule again
  in the dark colour scheme and its scrollable-region rule at 390 px: a serious or critical violation fails; minor and moderate ones are
  printed as notes;
- the keyboard: Tab from the top of the page until focus comes back round; every link and control
  that is rendered must receive focus, in a cycle without a trap, and each must show a visible focus
  indicator (an outline or box shadow) and a box on screen while focused;
- screenshots (the first page of each type): full-page PNG at 1280 px and 390 px wide, and at
  1280 px in the dark colour scheme, into SCREENSHOT_DIR (nothing is written when it is "-").

Each failure is printed on its own line as "FAIL <check> <page>: <what>"; exit status 1 when any.
"""
import base64
import json
import os
import pathlib
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

# Page types, in report order: (name, test on the path below the output folder).
PAGE_TYPES = [
    ("dashboard", lambda p: p == ("index.html",)),
    ("team", lambda p: len(p) == 3 and p[0] == "teams" and p[2] == "index.html"),
    ("principal", lambda p: len(p) == 4 and p[0] == "teams" and p[2] == "principals"),
    ("team-checklist", lambda p: len(p) == 4 and p[0] == "teams" and p[2] == "checklists"),
    ("quarter-checklists", lambda p: len(p) == 2 and p[0] == "checklists"),
    ("procedure", lambda p: len(p) == 2 and p[0] == "procedures"),
]

BLOCKING_IMPACTS = ("serious", "critical")
SCREEN_WIDTHS = (1280, 390)
MAX_SCREENSHOT_HEIGHT = 12000
MAX_TABS = 1500

failures = []


def fail(check, page, what):
    failures.append((check, page, what))
    print(f"FAIL {check} {page}: {what}", flush=True)


def note(check, page, what):
    print(f"note {check} {page}: {what}", flush=True)


def sample(paths, count):
    """Up to count paths spread evenly over the sorted list, always with the first and the last."""
    paths = sorted(paths)
    if len(paths) <= count:
        return paths
    if count == 1:
        return paths[:1]
    step = (len(paths) - 1) / (count - 1)
    return sorted({paths[round(i * step)] for i in range(count)})


def find_axe_source():
    import axe_selenium_python

    path = pathlib.Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    return path.read_text(encoding="utf-8")


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",  # needed as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=1280,900",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    service = Service("/usr/bin/chromedriver", log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    return driver


def set_colour_scheme(driver, scheme):
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )


def set_width(driver, width):
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def run_axe(driver, check, page, rules=None):
    """axe-core's default rule set (WCAG 2.x A and AA and best practices), or only the given rules."""
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        if (typeof axe === 'undefined') { done({error: 'axe-core was not injected'}); return; }
        const options = {resultTypes: ['violations']};
        if (arguments[0]) options.runOnly = {type: 'rule', values: arguments[0]};
        axe.run(document, options)
          .then(r => done({violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''}))}))}))
          .catch(e => done({error: String(e)}));
        """,
        rules,
    )
    if "error" in result:
        fail(check, page, f"axe-core did not run: {result['error']}")
        return
    for violation in result["violations"]:
        targets = [n["target"] for n in violation["nodes"]]
        shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
        text = f"{violation['id']} ({violation['impact']}): {violation['help']}: {shown}"
        if violation["impact"] in BLOCKING_IMPACTS:
            fail(check, page, text)
        else:
            note(check, page, text)


KEYBOARD_PREPARE = """
// Links and controls must be reachable whatever their tabindex; other elements only when they
// ask for it with tabindex >= 0 (tabindex="-1" on them is for focus by script).
const interactive = 'a[href], area[href], button, input:not([type=hidden]), select, textarea,'
  + ' details > summary:first-of-type, iframe, [contenteditable=""], [contenteditable=true]';
const all = Array.from(document.querySelectorAll(interactive + ', [tabindex]'));
const expected = [];
all.forEach((el, i) => {
  el.setAttribute('data-check-site-kb', String(i));
  const disabled = el.disabled === true;
  const wanted = el.matches(interactive) || el.tabIndex >= 0;
  const rendered = el.checkVisibility({visibilityProperty: true});
  if (!disabled && wanted && rendered) expected.push(i);
});
if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
window.scrollTo(0, 0);
return expected;
"""

KEYBOARD_STATE = """
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
let idx = el.getAttribute('data-check-site-kb');
const style = getComputedStyle(el);
const rect = el.getBoundingClientRect();
const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
const shadow = style.boxShadow && style.boxShadow !== 'none';
const onScreen = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
  && rect.left < window.innerWidth && rect.top < window.innerHeight;
let label = el.tagName.toLowerCase();
if (el.id) label += '#' + el.id;
const href = el.getAttribute('href');
if (href) label += '[href="' + href + '"]';
const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
if (text) label += ' "' + text + '"';
// Chromium makes a scrollable box without focusable content a Tab stop of its own.
const scroller = (el.scrollWidth > el.clientWidth && /auto|scroll/.test(style.overflowX))
  || (el.scrollHeight > el.clientHeight && /auto|scroll/.test(style.overflowY));
if (idx === null && scroller) {
  window.checkSiteScrollers = (window.checkSiteScrollers || 0) + 1;
  idx = 'scroller-' + window.checkSiteScrollers;
  el.setAttribute('data-check-site-kb', idx);
}
return {idx: idx, label: label, visible: outline || shadow, onScreen: onScreen};
"""

KEYBOARD_LABEL = """
const el = document.querySelector('[data-check-site-kb="' + arguments[0] + '"]');
let label = el.tagName.toLowerCase();
if (el.id) label += '#' + el.id;
const href = el.getAttribute('href');
if (href) label += '[href="' + href + '"]';
const text = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
if (text) label += ' "' + text + '"';
return label;
"""


def check_keyboard(driver, page):
    expected = driver.execute_script(KEYBOARD_PREPARE)
    expected_set = {str(i) for i in expected}
    if not expected_set:
        return 0
    seen = []
    seen_set = set()
    limit = min(MAX_TABS, len(expected_set) * 2 + 10)
    actions = ActionChains(driver)
    # Focus starts on the document: the first Tab goes to the first focusable element.
    for _ in range(limit):
        actions.send_keys(Keys.TAB).perform()
        state = driver.execute_script(KEYBOARD_STATE)
        if state is None:
            if seen:
                break  # focus left the page's last element: one full cycle
            continue
        idx = state["idx"]
        if idx is None:
            fail("keyboard", page, f"focus went to an element that is not a link or control: {state['label']}")
            continue
        if idx in seen_set:
            if idx == seen[0]:
                break  # wrapped round to the first element
            fail("keyboard", page, f"focus trap: Tab came back to {state['label']} before reaching every link")
            break
        seen.append(idx)
        seen_set.add(idx)
        if not state["visible"]:
            fail("keyboard", page, f"no visible focus indicator on {state['label']}")
        if not state["onScreen"]:
            fail("keyboard", page, f"focused element is not on screen: {state['label']}")
    missing = [i for i in expected if str(i) not in seen_set]
    if missing and len(seen) < MAX_TABS:
        labels = [driver.execute_script(KEYBOARD_LABEL, str(i)) for i in missing[:5]]
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        fail("keyboard", page, f"{len(missing)} of {len(expected)} links/controls never got focus by Tab: "
             + ", ".join(labels) + more)
    elif missing:
        note("keyboard", page, f"stopped after {MAX_TABS} Tab presses; {len(missing)} links not walked")
    return len(seen)


def screenshot(driver, path, width):
    set_width(driver, width)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    time.sleep(0.1)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    height = min(int(size["height"]) + 1, MAX_SCREENSHOT_HEIGHT)
    overflow = driver.execute_script("return document.documentElement.scrollWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    return overflow


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 64
    base_url, output_dir, screenshot_dir, count = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    base_url = base_url.rstrip("/") + "/"
    pages = sorted(p.relative_to(output_dir).parts for p in output_dir.rglob("*.html"))
    plan = []
    for name, test in PAGE_TYPES:
        of_type = ["/".join(p) for p in pages if test(p)]
        chosen = sample(of_type, count)
        if chosen:
            print(f"browser: {name}: {len(chosen)} of {len(of_type)} pages", flush=True)
        plan.extend((name, page, i == 0) for i, page in enumerate(chosen))
    other = ["/".join(p) for p in pages if not any(test(p) for _, test in PAGE_TYPES)]
    if other:
        note("browser", "-", f"{len(other)} pages of no known type not sampled, e.g. {other[0]}")
    shots = None if screenshot_dir == "-" else pathlib.Path(screenshot_dir)
    if shots:
        shots.mkdir(parents=True, exist_ok=True)

    axe_source = find_axe_source()
    driver = start_browser()
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": axe_source})
        started = time.monotonic()
        for kind, page, first in plan:
            set_width(driver, 1280)
            set_colour_scheme(driver, "light")
            driver.get(base_url + page)
            if not driver.execute_script("return typeof axe !== 'undefined'"):
                fail("axe", page, "axe-core could not be injected into the page")
                continue
            run_axe(driver, "axe", page)
            # Only the contrast of colours changes with the colour scheme.
            set_colour_scheme(driver, "dark")
            run_axe(driver, "axe-dark", page, ["color-contrast"])
            set_colour_scheme(driver, "light")
            walked = check_keyboard(driver, page)
            # A box that scrolls sideways on a phone must be reachable by keyboard too.
            set_width(driver, 390)
            run_axe(driver, "axe-390", page, ["scrollable-region-focusable"])
            set_width(driver, 1280)
            print(f"checked {page}: axe, {walked} stops by Tab", flush=True)
            if shots and first:
                for width in SCREEN_WIDTHS:
                    overflow = screenshot(driver, shots / f"{kind}-{width}.png", width)
                    if overflow > width:
                        note("layout", page, f"at {width} px the page is {overflow} px wide (scrolls sideways)")
                set_colour_scheme(driver, "dark")
                screenshot(driver, shots / f"{kind}-1280-dark.png", 1280)
                set_colour_scheme(driver, "light")
        print(f"browser: {len(plan)} pages in {time.monotonic() - started:.1f} s", flush=True)
    finally:
        driver.quit()
    if shots:
        print(f"browser: screenshots in {shots}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
