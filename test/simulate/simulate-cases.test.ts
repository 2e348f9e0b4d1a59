// The reference semantics table: every case of cases.json against simulate over the demo mesh.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { compilePolicies } from "../../src/compiler/compile.ts";
import type { MeshIR } from "../../src/compiler/ir/schema.ts";
import { simulate, type SimulatedRequest } from "../../src/compiler/simulate/simulate.ts";
import { assertContains } from "../support/contains.ts";

const here = path.dirname(new URL(import.meta.url).pathname);
const table = JSON.parse(readFileSync(path.join(here, "cases.json"), "utf8")) as {
  cases: { name: string; features: string[]; request: SimulatedRequest; expect: Record<string, unknown> }[];
};

describe("simulate over the demo mesh", () => {
  let ir: MeshIR;
  before(async () => {
    const result = await compilePolicies(path.join(here, "../../policies"));
    assert.ok(result.ir, JSON.stringify(result.diagnostics));
    ir = result.ir;
  });

  for (const c of table.cases) {
    test(c.name, () => assertContains(simulate(ir, c.request), c.expect));
  }

  test("the table covers every feature", () => {
    const covered = new Set(table.cases.flatMap((c) => c.features));
    for (const feature of [
      "order", "match.path.exact", "match.path.prefix", "match.path.regex", "match.header.exact", "match.header.prefix",
      "match.header.regex", "match.header.present", "match.query", "match.method", "split", "timeout", "retries",
      "retries.non-idempotent", "fault.delay", "fault.abort", "mirror", "headers.request", "headers.response",
      "mtls.strict", "mtls.permissive", "authz.allow", "authz.deny", "authz.default-deny", "authz.method", "authz.path",
    ]) assert.ok(covered.has(feature), `no case covers ${feature}`);
  });
});
