// simulate's authorization and mTLS cases (test/simulate/cases.json, features authz.* and mtls.*),
// replayed against real proxies with real certificates: straight at the destination's inbound with the
// caller's certificate (or in plaintext when the case has no caller), and through the caller's own
// sidecar. Both must agree with what simulate says.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { findService, simulate, type SimulatedRequest } from "../../../src/compiler/simulate/simulate.ts";
import { demoBundle, direct, startZeroTrustMesh, viaSidecar, type ZeroTrustMesh } from "./harness.ts";

const here = path.dirname(new URL(import.meta.url).pathname);
const table = JSON.parse(readFileSync(path.join(here, "../../simulate/cases.json"), "utf8")) as {
  cases: { name: string; features: string[]; request: SimulatedRequest }[];
};
const cases = table.cases.filter((c) => c.features.some((f) => f.startsWith("authz.") || f.startsWith("mtls.")));

describe("simulate's authorization cases against real proxies", { timeout: 120_000 }, () => {
  let mesh: ZeroTrustMesh;
  before(async () => {
    mesh = await startZeroTrustMesh({ workloads: [["frontend", "v1"], ["checkout", "v1"], ["checkout", "v2"], ["catalog", "v1"], ["payments", "v1"]] });
  });
  after(() => mesh.stop());

  test("there are cases to replay", () => assert.ok(cases.length >= 8, `${cases.length} cases`));

  for (const c of cases) {
    test(c.name, async () => {
      const { ir } = await demoBundle();
      const expected = simulate(ir, c.request).authorization!;
      const to = findService(ir, c.request.to)!;
      const from = c.request.from === undefined ? undefined : findService(ir, c.request.from)!;
      const method = c.request.method ?? "GET";
      const target = c.request.path ?? "/";

      // At the destination's inbound: exactly simulate's decision and reason.
      const reply = await direct(mesh.workloads.get(`${to.name}-v1`)!.ports.inbound, method, target, from && await mesh.certificateFor(from.id));
      if (expected.decision === "allow") {
        assert.equal(reply.status, 200, `allowed by simulate (${expected.reason}), the proxy said ${reply.status} ${reply.reason}: ${reply.body}`);
        assert.equal(reply.headers["x-app-version"], "v1", "the app answered");
      } else if (expected.reason === "mtls-required") {
        assert.equal(reply.status, 0, `plaintext to strict ${to.id} was answered: ${reply.status}`);
      } else {
        assert.equal(reply.status, 403);
        assert.equal(reply.reason, expected.reason);
      }

      // Through the caller's sidecar: the same verdict end to end.
      if (from) {
        const sidecar = mesh.workloads.get(`${from.name}-v1`)!.ports.outbound;
        const end = await viaSidecar(sidecar, to.name, method, target, c.request.headers ?? {});
        if (expected.decision === "allow") assert.equal(end.status, 200, `${end.status} ${end.reason}: ${end.body}`);
        else assert.equal(end.status, 403, `${end.status} ${end.reason}: ${end.body}`);
      }
    });
  }
});
