// The invalid-policy corpus: every directory under test/fixtures/invalid is a small policies directory
// holding one mistake a platform engineer makes (or one way out of the sandbox someone tries), and its
// expect.json lists the diagnostics the compiler must report for it: code, severity, file, line, and
// optionally a piece of the message. Any other error must at least share a code and file with an
// expected one (so a fixture cannot pass because of a mistake it was not written to show), and an error
// case must never produce an IR.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { compilePolicies } from "../src/compiler/compile.ts";
import { catalog } from "../src/compiler/diagnostics/catalog.ts";
import type { Diagnostic } from "../src/compiler/diagnostics/diagnostic.ts";

interface ExpectedDiagnostic {
  code: string;
  severity: "error" | "warning";
  file: string;
  line: number;
  /** A substring of the message, where the wording is what the case is about. */
  message?: string;
}

const corpus = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures/invalid");
const cases = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

// The time limit is wall-clock: cases that end use the 2 s default, so that a busy CI machine cannot
// turn them into timeouts; the runaway cases (TM0005) use a shorter one to stay quick, still long
// enough for the profiler to see where they spin.
const RUNAWAY_TIMEOUT_MS = 1000;

// A secret in the compiler's environment that sandbox cases try to read, and the credentials in a file
// outside the policies directory that a symbolic link points at: neither may ever come out.
const CANARY = `canary-${randomUUID()}`;
process.env.TYPEMESH_CANARY_SECRET = CANARY;
const outsideCredentials = JSON.parse(readFileSync(path.join(corpus, "../outside-policies/docker-config.json"), "utf8")) as {
  auths: Record<string, { auth: string }>;
};
const SECRETS = [CANARY, ...Object.values(outsideCredentials.auths).map((a) => a.auth)];

function readExpected(name: string): ExpectedDiagnostic[] {
  return JSON.parse(readFileSync(path.join(corpus, name, "expect.json"), "utf8")) as ExpectedDiagnostic[];
}

function show(d: Diagnostic): string {
  const at = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : "(no location)";
  return `${d.code} ${d.severity} ${at} ${d.message}`;
}

function matches(actual: Diagnostic, expected: ExpectedDiagnostic): boolean {
  return actual.code === expected.code && actual.severity === expected.severity &&
    actual.location?.file === expected.file && actual.location.line === expected.line &&
    (expected.message === undefined || actual.message.includes(expected.message));
}

for (const name of cases) {
  test(name, async () => {
    const expected = readExpected(name);
    const runaway = expected.some((e) => e.code === "TM0005");
    const result = await compilePolicies(path.join(corpus, name), runaway ? { evalTimeoutMs: RUNAWAY_TIMEOUT_MS } : {});
    const actual = result.diagnostics;
    const listing = `\nactual diagnostics of ${name}:\n${actual.map((d) => `  ${show(d)}`).join("\n") || "  (none)"}`;

    for (const e of expected) {
      const wanted = `${e.code} ${e.severity} ${e.file}:${e.line}${e.message ? ` "…${e.message}…"` : ""}`;
      assert.ok(actual.some((d) => matches(d, e)), `${name}: expected ${wanted}${listing}`);
    }
    for (const d of actual.filter((a) => a.severity === "error")) {
      const explained = expected.some((e) => e.code === d.code && e.file === d.location?.file);
      assert.ok(explained, `${name}: unexpected error ${show(d)}${listing}`);
    }
    if (expected.some((e) => e.severity === "error")) {
      assert.equal(result.ir, undefined, `${name}: an IR was produced despite errors${listing}`);
    } else {
      assert.ok(result.ir, `${name}: warnings alone must not stop the IR${listing}`);
    }
    const everything = JSON.stringify({ diagnostics: actual, graph: result.graph, ir: result.ir });
    for (const secret of SECRETS) {
      assert.ok(!everything.includes(secret), `${name}: a secret of the host (${secret.slice(0, 12)}…) leaked into the compile result${listing}`);
    }
  });
}

test("the corpus covers every semantic rule's code and every sandbox failure", () => {
  const covered = new Set(cases.flatMap((name) => readExpected(name).map((e) => e.code)));
  const wanted = Object.keys(catalog).filter((code) => code.startsWith("TM1") || /^TM000[1-6]$/.test(code));
  const missing = wanted.filter((code) => !covered.has(code));
  assert.deepEqual(missing, [], `no invalid case expects ${missing.join(", ")}`);
  assert.ok(cases.length >= 40, `the corpus has ${cases.length} cases; keep at least 40`);
});
