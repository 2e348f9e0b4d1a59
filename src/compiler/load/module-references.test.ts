// The imports a file's syntax names, and whether it reaches past them: what tells, without a program,
// which files a changed declaration concerns (declaration-check.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { moduleReferences, reachesPastImports } from "./module-references.ts";
import { ts } from "./typescript.ts";

const parse = (text: string) => ts.createSourceFile("/p/a.policy.ts", text, ts.ScriptTarget.ES2022, true);

test("every kind of module reference is found", () => {
  const file = parse(`import { a } from "./a";
import type { B } from "./b";
export { c } from "./c";
export * from "./d";
import e = require("./e");
export type T = import("./f").T;
export const g = () => import("./g");
export const h = import(\`./h\`);
export const computed = (name: string) => import(name);
`);
  assert.deepEqual(moduleReferences(file).map((literal) => literal.text), ["./a", "./b", "./c", "./d", "./e", "./f", "./g", "./h"]);
  assert.deepEqual(moduleReferences(parse(`export declare const web: import("typemesh").ServiceDefinition<"v1">;\n`)).map((l) => l.text), ["typemesh"]);
});

test("globals, augmentations, ambient modules and reference directives reach past the imports", () => {
  assert.equal(reachesPastImports(parse(`import { a } from "./a";\nexport const b = a;\n`)), false);
  assert.equal(reachesPastImports(parse(`export namespace N { export const x = 1; }\n`)), false, "a namespace is the module's own");
  assert.equal(reachesPastImports(parse(`const x = 1;\n`)), true, "a script's declarations are global");
  assert.equal(reachesPastImports(parse(`export {};\ndeclare global { var x: number; }\n`)), true);
  assert.equal(reachesPastImports(parse(`export {};\ndeclare module "typemesh" { interface X {} }\n`)), true);
  assert.equal(reachesPastImports(parse(`/// <reference path="./other.ts" />\nexport {};\n`)), true);
  assert.equal(reachesPastImports(parse(`/// <reference lib="dom" />\nexport {};\n`)), true);
});
