import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, test } from "node:test";
import { compilePolicies } from "../compile.ts";
import { createBundle, serializeBundle } from "../emit/bundle.ts";
import { readBundle } from "./read-bundle.ts";
import type { MeshIR } from "./schema.ts";

const policies = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../policies");

describe("readBundle", () => {
  let ir: MeshIR;
  before(async () => {
    const result = await compilePolicies(policies);
    assert.ok(result.ir);
    ir = result.ir;
  });

  test("accepts what build writes", () => {
    const reading = readBundle(serializeBundle(createBundle(ir)));
    assert.equal(reading.problems, undefined);
    assert.equal(reading.bundle?.version, createBundle(ir).version);
  });

  test("refuses garbage, a foreign document, and a truncated file with the reason", () => {
    assert.match(readBundle("{not json").problems?.[0] ?? "", /not JSON/);
    assert.match(readBundle('{"kind":"Deployment"}').problems?.[0] ?? "", /not a typemesh bundle/);
    const text = serializeBundle(createBundle(ir));
    assert.ok(readBundle(text.slice(0, text.length / 2)).problems);
  });

  test("refuses a hand-edited bundle whose version no longer matches its content", () => {
    const edited = structuredClone(createBundle(ir));
    edited.ir.services[0]!.port = 9999;
    assert.match(readBundle(JSON.stringify(edited)).problems?.[0] ?? "", /does not match the content/);
  });

  test("refuses an inconsistent bundle even with a matching version", () => {
    const broken = structuredClone(ir);
    broken.services[0]!.routes[0]!.destinations = [{ version: "v9", weight: 100 }];
    const reading = readBundle(JSON.stringify(createBundle(broken)));
    assert.match(reading.problems?.join("\n") ?? "", /unknown version v9/);
  });

  test("refuses a bundle whose IR breaks the schema", () => {
    const broken = structuredClone(ir) as unknown as { services: { port: unknown }[] };
    broken.services[0]!.port = "eighty";
    assert.match(readBundle(JSON.stringify(createBundle(broken as unknown as MeshIR))).problems?.join("\n") ?? "", /port/);
  });
});
