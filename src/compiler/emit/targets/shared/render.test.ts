import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { renderResources, toYaml } from "./render.ts";
import { resource } from "./resource.ts";

test("keys come in a fixed order: apiVersion, kind, metadata, spec, then alphabetical", () => {
  const text = toYaml({ spec: { z: 1, a: { y: 2, b: 3 } }, metadata: { name: "x" }, kind: "K", apiVersion: "v1" });
  assert.equal(text, "apiVersion: v1\nkind: K\nmetadata:\n  name: x\nspec:\n  a:\n    b: 3\n    \"y\": 2\n  z: 1\n");
});

test("strings that YAML 1.1 would read as something else stay quoted", () => {
  const values = ["yes", "no", "on", "off", "y", "012", "1e3", "2", "true", "null", "~", "12:30"];
  const spec = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
  const text = toYaml({ spec });
  for (const v of values) assert.ok(text.includes(`"${v}"`), `${v} is quoted in:\n${text}`);
  assert.deepEqual(parse(text).spec, spec);
});

test("one file per resource and a kustomization listing them, sorted", () => {
  const files = renderResources([
    resource("v1", "B", { name: "b", namespace: "ns" }, {}),
    resource("v1", "A", { name: "a", namespace: "ns" }, {}),
  ]);
  assert.deepEqual(files.map((f) => f.path), ["kustomization.yaml", "ns/a.a.yaml", "ns/b.b.yaml"]);
  assert.deepEqual(parse(files[0]!.content).resources, ["ns/a.a.yaml", "ns/b.b.yaml"]);
});

test("two resources on one path are an emitter bug, not a silent overwrite", () => {
  const twice = resource("v1", "A", { name: "a", namespace: "ns" }, {});
  assert.throws(() => renderResources([twice, twice]), /two resources render to ns\/a\.a\.yaml/);
});
