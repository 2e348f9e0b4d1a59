// The admin API (token-protected): apply a bundle, roll back, list proxies, bundle history.
//   GET  /api/status            current bundle and every proxy's state
//   GET  /api/proxies           proxies only
//   GET  /api/bundles           history, newest last
//   GET  /api/bundles/current   the bundle in force
//   POST /api/bundles           apply a bundle (body: bundle JSON)   → 200 | 400 with problems
//   POST /api/rollback          {"version"?: string}; default the previous one → 200 | 404 | 409
//   GET  /api/traffic?window=30&reporter=source   live traffic per edge over the last `window` seconds
//   /api/rollouts…              see rollouts/api.ts
//   /api/ca…, /api/join-tokens… see ca/ca-api.ts
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBundle } from "../../compiler/ir/read-bundle.ts";
import type { ControlPlane } from "./control-plane.ts";
import { BodyTooLarge, readBody, sendJson } from "./http-helpers.ts";
import { bearerToken, tokensEqual } from "./tokens.ts";
import { handleRollouts } from "./rollouts/api.ts";
import { handleIdentityApi, isIdentityPath } from "./ca/ca-api.ts";

const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;

export async function handleAdmin(cp: ControlPlane, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!tokensEqual(bearerToken(req.headers.authorization), cp.adminToken)) {
    sendJson(res, 401, { error: "missing or wrong admin token" }, { "www-authenticate": 'Bearer realm="typemesh"' });
    return;
  }
  if (url.pathname === "/api/rollouts" || url.pathname.startsWith("/api/rollouts/")) return handleRollouts(cp, req, res, url);
  if (isIdentityPath(url.pathname)) return handleIdentityApi(cp, req, res, url);
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case "GET /api/status":
      return sendJson(res, 200, cp.status());
    case "GET /api/proxies":
      return sendJson(res, 200, cp.status().proxies);
    case "GET /api/traffic": {
      const seconds = Number(url.searchParams.get("window") ?? "30");
      const reporter = url.searchParams.get("reporter") ?? "source";
      if (!(seconds > 0 && seconds <= 600) || (reporter !== "source" && reporter !== "destination")) {
        return sendJson(res, 400, { error: "window is 1–600 seconds; reporter is source or destination" });
      }
      return sendJson(res, 200, { windowSeconds: seconds, reporter, edges: cp.traffic.edges(seconds * 1000, reporter) });
    }
    case "GET /api/bundles":
      return sendJson(res, 200, cp.history());
    case "GET /api/bundles/current": {
      const bundle = cp.currentBundle();
      return bundle ? sendJson(res, 200, bundle) : sendJson(res, 404, { error: "no bundle applied yet" });
    }
    case "POST /api/bundles": {
      let text: string;
      try {
        text = await readBody(req, MAX_BUNDLE_BYTES);
      } catch (error) {
        return sendJson(res, error instanceof BodyTooLarge ? 413 : 400, { error: (error as Error).message });
      }
      const reading = readBundle(text);
      if (!reading.bundle) return sendJson(res, 400, { error: "bundle refused", problems: reading.problems });
      const outcome = cp.apply(reading.bundle, "api");
      return sendJson(res, 200, outcome);
    }
    case "POST /api/rollback": {
      let version: string | undefined;
      try {
        const text = await readBody(req, 4096);
        const parsed = text.trim() ? JSON.parse(text) as { version?: unknown } : {};
        if (parsed.version !== undefined && typeof parsed.version !== "string") throw new Error("version must be a string");
        version = parsed.version as string | undefined;
      } catch (error) {
        return sendJson(res, 400, { error: `bad rollback request: ${(error as Error).message}` });
      }
      const outcome = cp.rollback(version);
      return "error" in outcome ? sendJson(res, outcome.status, { error: outcome.error }) : sendJson(res, 200, outcome);
    }
    default:
      return sendJson(res, 404, { error: `no such endpoint: ${route}` });
  }
}
