// The shared suite: every emit target over the same policy cases (and the demo mesh). Whatever a target
// emits must validate against the official schemas with nothing the API server would prune, come out
// byte-identical every time, list every file in its kustomization, and report — at a policy line, with
// a TM3xxx code — whatever it could not express.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { catalog } from "../../src/compiler/diagnostics/catalog.ts";
import { emitTarget, targetNames } from "../../src/compiler/emit/targets/index.ts";
import type { MeshIR } from "../../src/compiler/ir/schema.ts";
import { cases } from "./support/cases.ts";
import { demoIR } from "./support/manifests.ts";
import { checkManifest } from "./support/schemas.ts";

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** The same IR with every object's keys in reverse order: emit output must not depend on key order. */
function reordered<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reordered) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) as T;
  return value;
}

const allCases: [string, () => Promise<MeshIR> | MeshIR][] = [...Object.entries(cases), ["demo", demoIR]];

for (const target of targetNames) {
  describe(`emit target ${target}`, () => {
    for (const [name, make] of allCases) {
      test(`${name}: every manifest validates and nothing would be pruned`, async () => {
        const { files } = emitTarget(target, await make());
        for (const file of files.filter((f) => f.path !== "kustomization.yaml")) {
          const object = parse(file.content);
          assert.deepEqual(checkManifest(object), [], `${target} ${file.path}`);
          assert.match(object.metadata.name, K8S_NAME, file.path);
          assert.ok(object.metadata.namespace, `${file.path} has a namespace`);
          assert.equal(object.metadata.labels["app.kubernetes.io/managed-by"], "typemesh");
          assert.equal(file.path, `${object.metadata.namespace}/${object.metadata.name}.${object.kind.toLowerCase()}.yaml`);
        }
      });

      test(`${name}: the kustomization lists exactly the emitted files, sorted`, async () => {
        const { files } = emitTarget(target, await make());
        const kustomization = files.find((f) => f.path === "kustomization.yaml");
        assert.ok(kustomization, "kustomization.yaml is emitted");
        const listed = parse(kustomization.content).resources ?? [];
        const emitted = files.map((f) => f.path).filter((p) => p !== "kustomization.yaml");
        assert.deepEqual(listed, [...emitted].sort());
        assert.deepEqual(files.map((f) => f.path), [...files.map((f) => f.path)].sort(), "files come sorted by path");
      });

      test(`${name}: output is deterministic, whatever the IR's key order`, async () => {
        const ir = await make();
        const first = emitTarget(target, ir);
        assert.deepEqual(emitTarget(target, ir), first);
        assert.deepEqual(emitTarget(target, reordered(structuredClone(ir))), first);
      });

      test(`${name}: what the target cannot express is a located TM3xxx warning`, async () => {
        const ir = await make();
        const { diagnostics } = emitTarget(target, ir);
        for (const d of diagnostics) {
          assert.match(d.code, /^TM3\d{3}$/);
          assert.ok(d.code in catalog, `${d.code} is in the catalog`);
          assert.equal(d.severity, "warning");
          assert.ok(d.message.startsWith(`${target}: `), d.message);
          assert.ok(d.location || !ir.mesh.source, `${d.code} has a location: ${d.message}`);
        }
      });

      test(`${name}: --strict-targets turns them into errors and emits nothing`, async () => {
        const ir = await make();
        const lenient = emitTarget(target, ir);
        const strict = emitTarget(target, ir, { strictTargets: true });
        assert.equal(strict.diagnostics.length, lenient.diagnostics.length);
        assert.ok(strict.diagnostics.every((d) => d.severity === "error"));
        assert.deepEqual(strict.files, lenient.diagnostics.length > 0 ? [] : lenient.files);
      });
    }
  });
}
