// The rollout part of the admin API (token already checked by admin-api.ts):
//   GET  /api/rollouts                         every rollout, active first
//   POST /api/rollouts                         start one: RolloutRequest JSON → 201 | 400 | 409
//   GET  /api/rollouts/<service>               the latest rollout of a service
//   POST /api/rollouts/<service>/<action>      pause | resume | abort | promote
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControlPlane } from "../control-plane.ts";
import { readBody, sendJson } from "../http-helpers.ts";
import type { Outcome } from "./controller.ts";
import { planRollout, type RolloutRequest } from "./plan.ts";

function answer(res: ServerResponse, outcome: Outcome, created = false): void {
  if ("error" in outcome) sendJson(res, outcome.status, { error: outcome.error });
  else sendJson(res, created ? 201 : 200, outcome.rollout);
}

export async function handleRollouts(cp: ControlPlane, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const parts = url.pathname.split("/").slice(3).map(decodeURIComponent); // after /api/rollouts
  const controller = cp.rollouts;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "")) {
    if (req.method === "GET") return sendJson(res, 200, controller.list());
    if (req.method !== "POST") return sendJson(res, 405, { error: "GET or POST" });
    let request: RolloutRequest;
    try {
      request = JSON.parse(await readBody(req, 64 * 1024)) as RolloutRequest;
      if (!request || typeof request.service !== "string") throw new Error("service is required");
    } catch (error) {
      return sendJson(res, 400, { error: `bad rollout request: ${(error as Error).message}` });
    }
    const bundle = cp.currentBundle();
    if (!bundle) return sendJson(res, 409, { error: "no bundle applied yet" });
    const plan = planRollout(bundle.ir, request);
    if ("error" in plan) return sendJson(res, 400, plan);
    return answer(res, controller.start(plan, bundle), true);
  }
  const [service, action] = parts as [string, string | undefined];
  if (action === undefined && req.method === "GET") {
    const rollout = controller.find(service);
    return rollout ? sendJson(res, 200, rollout) : sendJson(res, 404, { error: `no rollout for ${service}` });
  }
  if (req.method !== "POST") return sendJson(res, 405, { error: "POST" });
  switch (action) {
    case "pause": return answer(res, controller.pause(service));
    case "resume": return answer(res, controller.resume(service, cp.currentBundle()));
    case "abort": return answer(res, controller.abort(service));
    case "promote": return answer(res, controller.promote(service));
    default: return sendJson(res, 404, { error: `no rollout action ${action}` });
  }
}
