// Acceptance 3: a plan whose markdown would pass GitHub's 65,536-character limit (a 500-service change)
// is cut to fit, keeps the headline and every risk it can, and says what was cut and where the rest is.
import assert from "node:assert/strict";
import { test } from "node:test";
import { diffMeshes } from "../../src/compiler/diff/diff.ts";
import type { ImpactReport } from "../../src/compiler/diff/report.ts";
import type { MeshIR, ServiceIR } from "../../src/compiler/ir/schema.ts";
import { renderMarkdown } from "../../src/gitops/render/markdown.ts";

const at = (line: number) => ({ file: "services.policy.ts", line, column: 3 });

function service(i: number, timeoutMs: number, mtls: "strict" | "permissive"): ServiceIR {
  const name = `svc-${String(i).padStart(3, "0")}`;
  return {
    id: `shop/${name}`, name, namespace: "shop", port: 8080, identity: `spiffe://t.local/ns/shop/sa/${name}`, mtls, loadBalancer: "round-robin",
    versions: [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }],
    routes: [
      { name: "api", matches: [{ path: { kind: "prefix", value: "/api/" }, headers: [], query: [], methods: ["GET"] }], destinations: [{ version: "v1", weight: 100 }], timeoutMs, source: at(i * 10 + 1) },
      { name: "default", matches: [], destinations: [{ version: "v1", weight: 90 }, { version: "v2", weight: 10 }], timeoutMs, source: at(i * 10 + 5) },
    ],
    authorization: { allow: [], deny: [] }, source: at(i * 10),
  };
}

const mesh = (timeoutMs: number, weakenEvery: number): MeshIR => ({
  apiVersion: "typemesh.dev/v1", mesh: { trustDomain: "t.local", mtls: "strict" },
  services: Array.from({ length: 500 }, (_, i) => service(i, timeoutMs, i % weakenEvery === 0 && timeoutMs > 1000 ? "permissive" : "strict")),
});

test("a 500-service plan is cut under 65,536 characters with headline and risks kept", () => {
  const diff = diffMeshes(mesh(1000, 10), mesh(5000, 10));
  const report: ImpactReport = {
    schemaVersion: 1, policiesPath: "policies", base: { ref: "origin/main", compiled: true, diagnostics: [] },
    head: { ref: "working tree", compiled: true, diagnostics: [] }, ...diff, liveTraffic: { status: "not-requested" },
  };
  assert.equal(report.services.length, 500);
  assert.equal(report.risks.length, 50, "every tenth service had its mTLS weakened");
  const uncut = renderMarkdown(report, { limit: Number.MAX_SAFE_INTEGER });
  assert.ok(uncut.length > 65_536, `the uncut report is long (${uncut.length})`);

  const cut = renderMarkdown(report, { whereFull: "The full report is in the workflow's artifact." });
  assert.ok(cut.length <= 65_536, `cut to ${cut.length}`);
  assert.ok(cut.includes(report.headline), "the headline stays");
  for (const risk of report.risks) assert.ok(cut.includes(risk.service), `risk on ${risk.service} stays`);
  assert.match(cut, /✂️ \d+ sections not shown to stay within GitHub's 65,536-character limit: service shop\/svc-\d+/);
  assert.match(cut, /The full report is in the workflow's artifact\./);
  assert.match(cut, /#### shop\/svc-000/, "services shown until the budget runs out");
  // Whole sections only: every <details> that opens also closes.
  assert.equal((cut.match(/<details/g) ?? []).length, (cut.match(/<\/details>/g) ?? []).length);
});

test("risks too many for half the budget are shortened with a count, never dropped silently", () => {
  const diff = diffMeshes(mesh(1000, 1), mesh(5000, 1));
  const report: ImpactReport = {
    schemaVersion: 1, policiesPath: "policies", base: { ref: "main", compiled: true, diagnostics: [] },
    head: { ref: "working tree", compiled: true, diagnostics: [] }, ...diff, liveTraffic: { status: "not-requested" },
  };
  assert.equal(report.risks.length, 500);
  const cut = renderMarkdown(report, { limit: 20_000 });
  assert.ok(cut.length <= 20_000);
  assert.ok(cut.includes(report.headline));
  assert.match(cut, /… and \d+ more risks: see the full plan/);
});
