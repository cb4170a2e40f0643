// What the visitor sees, in every layout: never a wall, no layout shift,
// usable at 320 px and at 200% zoom, in the right language for screen
// readers. Also writes the README's screenshots into docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { start, visitor, ready } from "./helpers.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

const LAYOUTS = ["bar", "box", "center"];
const BUTTONS = ["Aceitar todos", "Rejeitar todos", "Preferências"];

/** Restarts Biscoito on the demo page with `layout`, as a maintainer's config would. */
async function withLayout(page, layout) {
  await page.goto(env.base + "/");
  await ready(page);
  const problems = await page.evaluate((l) => Biscoito.init({ layout: l, policyUrl: "/defensoria/privacidade.html" }), layout);
  assert.deepEqual(problems, []);
  await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
}

async function fits(page, width) {
  return page.evaluate((w) => {
    const root = document.getElementById("biscoito").shadowRoot;
    const rects = [...root.querySelectorAll(".banner, .banner *")].map((e) => e.getBoundingClientRect());
    return {
      left: Math.min(...rects.map((r) => r.left)),
      right: Math.max(...rects.map((r) => r.right)),
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      w,
    };
  }, width);
}

// 200% zoom of a 1280×800 window is a 640×400 CSS-pixel viewport at twice the
// device pixels; 320 px is WCAG's reflow width (400% of 1280).
for (const layout of LAYOUTS) {
  for (const [label, viewport, deviceScaleFactor] of [["200% zoom", { width: 640, height: 400 }, 2], ["320 px", { width: 320, height: 640 }, 1]]) {
    test(`${layout} layout at ${label}: no horizontal scrolling, every action reachable and large enough`, async () => {
      const { context, page } = await visitor(env, { viewport, deviceScaleFactor });
      await withLayout(page, layout);
      const f = await fits(page, viewport.width);
      assert.ok(f.left >= 0 && f.right <= viewport.width, JSON.stringify(f));
      assert.ok(f.scroll <= f.client, JSON.stringify(f));
      // The banner scrolls inside itself when its text is taller than it
      // may be; its three choices stay in view and clickable without that.
      const hidden = await page.evaluate((names) => {
        const root = document.getElementById("biscoito").shadowRoot;
        return names.filter((name) => {
          const button = [...root.querySelectorAll(".banner button")].find((b) => b.textContent === name);
          const r = button.getBoundingClientRect();
          return root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== button;
        });
      }, BUTTONS);
      assert.deepEqual(hidden, [], "choices out of view before any scrolling");
      for (const name of BUTTONS) {
        const button = page.getByRole("button", { name, exact: true });
        await button.scrollIntoViewIfNeeded();
        const box = await button.boundingBox();
        assert.ok(box.width >= 24 && box.height >= 24, `${name} ${box.width}x${box.height}`);
        assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `${name} reachable inside the viewport: ${JSON.stringify(box)}`);
      }
      // Reject works from there, as easily as at full size.
      await page.getByRole("button", { name: "Rejeitar todos" }).click();
      assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all");
      await context.close();
    });
  }
}

for (const layout of LAYOUTS) {
  test(`${layout} layout is no cookie wall and shifts no page content`, async () => {
    const { context, page } = await visitor(env);
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__shift += entry.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(env.base + "/");
    await ready(page);
    const before = await page.locator("main h1").boundingBox();
    await withLayout(page, layout);
    await page.waitForTimeout(300);
    assert.deepEqual(await page.locator("main h1").boundingBox(), before, "page content did not move");
    assert.equal(await page.evaluate(() => window.__shift), 0, "cumulative layout shift");
    assert.equal(await page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelector(".backdrop")), null, "no backdrop behind the banner");
    // Keyboard focus on the page's last link is not hidden under the banner (WCAG 2.4.11).
    const link = page.getByRole("link", { name: "Política de privacidade" }).last();
    await link.focus();
    const [l, b] = await page.evaluate(() => {
      const focused = document.activeElement.getBoundingClientRect();
      const banner = document.getElementById("biscoito").shadowRoot.querySelector(".banner").getBoundingClientRect();
      return [{ top: focused.top, bottom: focused.bottom, left: focused.left, right: focused.right }, { top: banner.top, left: banner.left }];
    });
    assert.ok(l.bottom <= b.top || l.right <= b.left, `focused link ${JSON.stringify(l)} under the banner ${JSON.stringify(b)}`);
    // The page stays usable: its own link is clickable while the banner is up.
    await link.click();
    await page.waitForURL(/privacidade/);
    await context.close();
  });
}

test("a page control partly under the banner takes a click at once; keyboard focus on it still scrolls it clear", async () => {
  // At 640×480 the banner covers the lower part of the first video's
  // "allow" button on the test page; its upper part is clear.
  const { context, page } = await visitor(env, { viewport: { width: 640, height: 480 } });
  await page.goto(env.base + "/test/model.html?rev=1&gpc=0&blocked=0");
  await ready(page);
  const allow = page.locator(".biscoito-placeholder:has(+ iframe[data-service=youtube]) [data-action=allow]");
  const bannerTop = () => page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelector(".banner").getBoundingClientRect().top);
  const box = await allow.boundingBox();
  const top = await bannerTop();
  assert.ok(box.y < top && box.y + box.height > top, `the button ${JSON.stringify(box)} straddles the banner's top edge (${top})`);
  // Keyboard: focus lands on it and it is scrolled out from under the banner (WCAG 2.4.11).
  await page.keyboard.press("Tab");
  let focused = "";
  for (let i = 0; i < 10 && focused !== "allow"; i++) {
    focused = await allow.evaluate((b) => (b.getRootNode().activeElement === b ? "allow" : ""));
    if (focused !== "allow") await page.keyboard.press("Tab");
  }
  assert.equal(focused, "allow", "the button is reached by Tab");
  const moved = await allow.boundingBox();
  assert.ok(moved.y + moved.height <= (await bannerTop()), `focused by keyboard, ${JSON.stringify(moved)} is clear of the banner`);
  await context.close();
  // Mouse: pressed where it shows, it is not scrolled away before the release, and the click counts.
  const second = await visitor(env, { viewport: { width: 640, height: 480 } });
  await second.page.goto(env.base + "/test/model.html?rev=1&gpc=0&blocked=0");
  await ready(second.page);
  // Just above the banner: where a scroll that clears the button's whole box would move it from.
  const visible = await second.page.locator(".biscoito-placeholder:has(+ iframe[data-service=youtube]) [data-action=allow]").boundingBox();
  await second.page.mouse.click(visible.x + visible.width / 2, (await second.page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelector(".banner").getBoundingClientRect().top)) - 4);
  await second.page.waitForFunction(() => Biscoito.consent()?.services.youtube === true, null, { timeout: 3000 })
    .catch(() => assert.fail("one click on the visible part of the button allowed nothing"));
  await second.context.close();
});

test("the banner carries its own lang when it differs from the page's", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const langOf = () => page.evaluate(() => {
    const root = document.getElementById("biscoito").shadowRoot;
    return root.querySelector(".banner").closest("[lang]").getAttribute("lang");
  });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "pt-BR");
  assert.equal(await langOf(), "pt-BR");
  for (const [code, accept] of [["en", "Accept all"], ["es", "Aceptar todas"]]) {
    await page.evaluate((c) => Biscoito.setLanguage(c), code);
    assert.equal(await langOf(), code);
    assert.ok(await page.getByRole("button", { name: accept, exact: true }).isVisible(), accept);
  }
  await context.close();
});

test("screenshots of both layers, light and dark, desktop and 320 px, for the docs", async () => {
  const dir = new URL("../../docs/screenshots/", import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  for (const scheme of ["light", "dark"]) {
    for (const [size, viewport] of [["desktop", { width: 1280, height: 720 }], ["320", { width: 320, height: 640 }]]) {
      const { context, page } = await visitor(env, { viewport, colorScheme: scheme, reducedMotion: "reduce" });
      await page.goto(env.base + "/");
      await ready(page);
      await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
      await page.screenshot({ path: `${dir}banner-${scheme}-${size}.png` });
      await page.getByRole("button", { name: "Preferências", exact: true }).click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      assert.ok(await dialog.isVisible());
      // The click left the pointer over whatever button took Preferências' place.
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${dir}preferences-${scheme}-${size}.png` });
      await context.close();
    }
  }
});

test("the banner fades in only for visitors who have not asked for reduced motion", async () => {
  for (const [reducedMotion, expected] of [["reduce", "none"], ["no-preference", "bsc-in"]]) {
    const { context, page } = await visitor(env, { reducedMotion });
    await page.goto(env.base + "/");
    await ready(page);
    await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
    const animation = await page.evaluate(() => getComputedStyle(document.getElementById("biscoito").shadowRoot.querySelector(".banner")).animationName);
    assert.equal(animation, expected, reducedMotion);
    await context.close();
  }
});
