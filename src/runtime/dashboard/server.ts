// The dashboard's HTTP surface, mounted on the control plane's port (docs/dashboard.md):
//   GET /dashboard/                  the page (no data in it: anyone may load it; it asks for the token)
//   GET /dashboard/app.js, app.css   the front end, bundled in memory (assets.ts)
//   GET /api/events                  live state as server-sent events          ┐ admin token: Bearer
//   GET /api/dashboard/changes       bundle history with impact summaries      ┘ (events: or ?token=)
// Everything else stays the admin API's.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Bundle } from "../../compiler/emit/bundle.ts";
import { sendJson } from "../control-plane/http-helpers.ts";
import { bearerToken, tokensEqual } from "../control-plane/tokens.ts";
import { dashboardAssets } from "./assets.ts";
import { ChangeLog } from "./changes.ts";
import { LiveEvents, type LiveEventsOptions } from "./live-events.ts";
import type { DashboardSource } from "./live-state.ts";

export const DASHBOARD_PATH = "/dashboard/";

const PAGE_HEADERS = {
  // Only our own script, style and API: no CDN, no inline script, no framing.
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export interface Dashboard {
  /** Serves the request if it is the dashboard's; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  readonly live: LiveEvents;
}

export function createDashboard(source: DashboardSource, loadBundle: (version: string) => Bundle | undefined, options: LiveEventsOptions = {}): Dashboard {
  const live = new LiveEvents(source, options);
  const changes = new ChangeLog(loadBundle);
  const authorized = (req: IncomingMessage, url: URL, allowQuery: boolean) =>
    tokensEqual(bearerToken(req.headers.authorization) ?? (allowQuery ? url.searchParams.get("token") ?? undefined : undefined), source.adminToken);
  const refuse = (res: ServerResponse) =>
    sendJson(res, 401, { error: "missing or wrong admin token" }, { "www-authenticate": 'Bearer realm="typemesh"' });

  function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
    dashboardAssets().then((assets) => {
      if (name === "index.html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...PAGE_HEADERS });
        res.end(assets.html);
        return;
      }
      const etag = `"${assets.hash}"`;
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      const [type, body] = name === "app.js" ? ["text/javascript", assets.js] : ["text/css", assets.css];
      res.writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache", etag, "x-content-type-options": "nosniff" });
      res.end(body);
    }).catch((error: Error) => sendJson(res, 500, { error: `dashboard build failed: ${error.message}` }));
  }

  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const { pathname } = url;
    if (pathname === "/dashboard") {
      res.writeHead(308, { location: DASHBOARD_PATH });
      res.end();
      return true;
    }
    if (pathname.startsWith(DASHBOARD_PATH)) {
      const name = pathname.slice(DASHBOARD_PATH.length) || "index.html";
      if (req.method !== "GET" && req.method !== "HEAD") sendJson(res, 405, { error: "GET" });
      else if (["index.html", "app.js", "app.css"].includes(name)) serveAsset(req, res, name);
      else sendJson(res, 404, { error: "not found" });
      return true;
    }
    if (pathname === "/api/events" && req.method === "GET") {
      if (!authorized(req, url, true)) refuse(res);
      else live.subscribe(res);
      return true;
    }
    if (pathname === "/api/dashboard/changes" && req.method === "GET") {
      if (!authorized(req, url, false)) refuse(res);
      else {
        const limit = Math.min(200, Math.max(1, Number(url.searchParams.get("limit") ?? "50") || 50));
        sendJson(res, 200, changes.list(source.history(), limit));
      }
      return true;
    }
    return false;
  }

  return { handle, live };
}
