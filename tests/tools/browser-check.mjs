// Open every page of a static HTML site in headless Chromium (Debian's system
// package, driven by playwright-core) and report what a person's browser would
// hit: console errors, uncaught exceptions, failed loads, any attempt to reach
// the network, and any dialog (an alert means injected script ran). Takes a
// full-page PNG screenshot of each page.
//
// Usage: node browser-check.mjs SITE_DIR SCREENSHOT_DIR [--chromium /usr/bin/chromium]
//
// Prints one JSON document on stdout:
//   {"pages": [{"path", "title", "h1", "console_errors", "page_errors",
//               "failed_requests", "external_requests", "dialogs",
//               "screenshot"}], "ok": bool}
// where the four lists hold strings, "path" is relative to SITE_DIR with "/",
// and "screenshot" is the absolute path of SCREENSHOT_DIR/<path with / as __>.png
// (null if it could not be taken).
// Exit 0 when ok, 1 when any page has a problem (or not exactly one <h1>),
// 2 on a usage error or when Chromium cannot be launched.
//
// Nothing leaves the machine: every request whose URL is not file: or data: is
// aborted by page.route before it is sent (and recorded), WebSockets are
// intercepted the same way, and Chromium's own resolver and proxy are pointed
// at nothing so that preconnects and DNS prefetches cannot go out either.
import { readdirSync, statSync, mkdirSync, existsSync } from "node:fs";
import { join, resolve, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const USAGE = "usage: node browser-check.mjs SITE_DIR SCREENSHOT_DIR [--chromium /usr/bin/chromium]";
const NAV_TIMEOUT_MS = 30000;

function fail(message) {
  process.stderr.write(`browser-check: ${message}\n`);
  process.exit(2);
}

// ---- arguments -------------------------------------------------------------
let chromiumPath = "/usr/bin/chromium";
const positional = [];
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--chromium") {
      if (i + 1 >= args.length) fail(`--chromium needs a path\n${USAGE}`);
      chromiumPath = args[++i];
    } else if (a.startsWith("--chromium=")) {
      chromiumPath = a.slice("--chromium=".length);
    } else if (a === "-h" || a === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a.startsWith("-") && a !== "-") {
      fail(`unknown option ${a}\n${USAGE}`);
    } else {
      positional.push(a);
    }
  }
}
if (positional.length !== 2) fail(USAGE);
const siteDir = resolve(positional[0]);
const shotDir = resolve(positional[1]);
if (!existsSync(siteDir) || !statSync(siteDir).isDirectory()) fail(`not a directory: ${positional[0]}`);
if (!chromiumPath || !existsSync(chromiumPath)) fail(`Chromium not found at ${chromiumPath} (install Debian's chromium package or pass --chromium PATH)`);

// ---- the pages ---------------------------------------------------------------
function htmlFiles(dir) {
  const out = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(full));
    else if (e.isFile() && e.name.endsWith(".html")) out.push(full);
  }
  return out;
}
const files = htmlFiles(siteDir);
if (files.length === 0) fail(`no .html files under ${positional[0]}`);
try {
  mkdirSync(shotDir, { recursive: true });
} catch (e) {
  fail(`cannot create ${positional[1]}: ${e.message}`);
}

// ---- the browser -------------------------------------------------------------
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  fail(`cannot load playwright-core (run npm ci --prefix tests/tools): ${e.message}`);
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox", // Chromium refuses to start as root with its sandbox on
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Belt and braces behind page.route: no name resolves and every
      // connection, even to an IP literal, goes to a proxy that is not there.
      "--host-resolver-rules=MAP * ~NOTFOUND",
      "--proxy-server=http://127.0.0.1:9",
      "--proxy-bypass-list=<-loopback>",
    ],
  });
} catch (e) {
  fail(`cannot launch Chromium at ${chromiumPath}: ${e.message}`);
}

const isLocal = (url) => url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:");

const pages = [];
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  for (const file of files) {
    const rel = relative(siteDir, file).split(sep).join("/");
    const shot = join(shotDir, `${rel.split("/").join("__")}.png`);
    const record = {
      path: rel,
      title: "",
      h1: 0,
      console_errors: [],
      page_errors: [],
      failed_requests: [],
      external_requests: [],
      dialogs: [],
      screenshot: null, // the PNG's path once it is written
    };
    pages.push(record);
    const blocked = new Set();
    let page;
    try {
      page = await context.newPage();
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        // The browser's own "Failed to load resource" for a request we blocked
        // is already under external_requests.
        if (blocked.has(msg.location()?.url)) return;
        const loc = msg.location();
        const where = loc && loc.url ? ` (${relativeUrl(loc.url)}:${loc.lineNumber + 1})` : "";
        record.console_errors.push(`${msg.text()}${where}`);
      });
      page.on("pageerror", (err) => record.page_errors.push(err.stack || err.message || String(err)));
      page.on("requestfailed", (req) => {
        if (blocked.has(req.url())) return;
        record.failed_requests.push(`${relativeUrl(req.url())}: ${req.failure()?.errorText ?? "failed"}`);
      });
      page.on("dialog", async (dialog) => {
        record.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        await dialog.dismiss().catch(() => {});
      });
      await page.route((url) => !isLocal(url.href), async (route) => {
        const url = route.request().url();
        blocked.add(url);
        record.external_requests.push(url);
        await route.abort("blockedbyclient").catch(() => {});
      });
      await page.routeWebSocket(/.*/, (ws) => {
        blocked.add(ws.url());
        record.external_requests.push(ws.url());
        ws.close().catch(() => {});
      });

      await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: NAV_TIMEOUT_MS });
      // One round trip for both (a locator count costs a selector-engine injection).
      [record.title, record.h1] = await withTimeout(
        page.evaluate(() => [document.title, document.querySelectorAll("h1").length]),
        NAV_TIMEOUT_MS,
        "reading the title and <h1> count",
      );
      await page.screenshot({ path: shot, fullPage: true });
      record.screenshot = shot;
    } catch (e) {
      record.page_errors.push(`browser-check: ${String(e.message || e).split("\n")[0]}`);
    } finally {
      if (page) await page.close().catch(() => {});
    }
  }
  await context.close().catch(() => {});
} finally {
  await browser.close().catch(() => {});
}

// page.evaluate has no timeout of its own: a page stuck in a script loop
// would hang the whole run.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function relativeUrl(url) {
  const base = pathToFileURL(siteDir).href + "/";
  return url.startsWith(base) ? url.slice(base.length) : url;
}

const problem = (p) =>
  p.h1 !== 1 ||
  p.console_errors.length > 0 ||
  p.page_errors.length > 0 ||
  p.failed_requests.length > 0 ||
  p.external_requests.length > 0 ||
  p.dialogs.length > 0;
const ok = !pages.some(problem);
process.stdout.write(`${JSON.stringify({ pages, ok }, null, 2)}\n`);
process.exitCode = ok ? 0 : 1;
