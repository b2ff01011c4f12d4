"""Hardening: form controls' borders stand out 3:1 from what is behind them (WCAG 1.4.11).

Measured in Chromium from the computed styles: each visible text box, radio button and check box
on the sign-in page and the public forms (asking for support, a concern, volunteering), its
border against its own fill and against the nearest painted background around it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kindred.accounts.models import User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

# The browser runs in a process of its own: a second Playwright in this process would clash with
# the one tests/browser keeps open for the whole session.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """
() => {
  const painted = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const selector =
    "input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select";
  return [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0)
    .filter((el) => !el.checked)
    .map((el) => ({
      kind: el.type || el.tagName.toLowerCase(),
      name: el.name,
      border: getComputedStyle(el).borderTopColor,
      width: parseFloat(getComputedStyle(el).borderTopWidth),
      inside: getComputedStyle(el).backgroundColor,
      outside: painted(el.parentElement),
    }));
}
"""


def rgb(colour: str) -> tuple[float, float, float]:
    values = [float(v) for v in re.findall(r"[\d.]+", colour)[:3]]
    return values[0], values[1], values[2]


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    a, b = sorted((luminance(rgb(first)), luminance(rgb(second))), reverse=True)
    return (a + 0.05) / (b + 0.05)


BROWSE = """
import json, sys
from playwright.sync_api import sync_playwright
base, chromium, args, measure, paths = json.loads(sys.stdin.read())
seen = []
with sync_playwright() as running:
    browser = running.chromium.launch(executable_path=chromium, args=args)
    page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 800})
    page.route(lambda url: not url.startswith(base), lambda route: route.abort())
    for path in paths:
        page.goto(path)
        seen.extend(page.evaluate(measure))
    browser.close()
print(json.dumps(seen))
"""


def controls_on(base_url: str, paths: list[str]) -> list[dict[str, object]]:
    given = json.dumps([base_url, CHROMIUM, CHROMIUM_ARGS, MEASURE, paths])
    result = subprocess.run(
        [sys.executable, "-c", BROWSE],
        input=given,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    measured: list[dict[str, object]] = json.loads(result.stdout)
    return measured


def test_form_control_borders_reach_3_to_1(
    live_server: object, personas: dict[str, User | None]
) -> None:
    # Given the pages where people type: sign in, ask for support, raise a concern, volunteer
    paths = ["/account/login/", "/ask/", "/concern/", "/volunteer-with-us/"]
    seen = controls_on(str(live_server), paths)

    # Then every unchecked control's edge stands out 3:1 inside and out
    kinds = {str(control["kind"]) for control in seen}
    assert {"email", "password", "radio", "checkbox", "text"} <= kinds, kinds
    too_faint = [
        control
        for control in seen
        if float(str(control["width"])) < 1
        or contrast(str(control["border"]), str(control["inside"])) < 3
        or contrast(str(control["border"]), str(control["outside"])) < 3
    ]
    assert not too_faint, too_faint


def test_the_contrast_arithmetic() -> None:
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    # Pico's own light border on its field fill: why kindred.css overrides it.
    assert contrast("rgb(207, 213, 226)", "rgb(251, 251.5, 252.25)") < 3
