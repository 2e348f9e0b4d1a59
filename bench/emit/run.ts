// Emit benchmark: building the bundle alone (compile + bundle, what `typemesh build --target bundle`
// does) against emitting every target too (`--target all`), measured in one run over several
// repetitions; medians are printed, with each phase on its own.
//
//   node --import tsx bench/emit/run.ts [--dir policies/] [--demo-copies 1000] [--reps 5] [--json]
//
// --dir compiles that policy repository (default: the demo mesh in policies/); point it at the compile
// bench's generated 1,000-service repository once that exists. --demo-copies N instead writes a
// repository of N services copied from the --dir one into a temporary directory (bench/emit/demo-copies.ts).
import path from "node:path";
import { parseArgs } from "node:util";
import { compilePolicies } from "../../src/compiler/compile.ts";
import { createBundle, serializeBundle } from "../../src/compiler/emit/bundle.ts";
import { emitTarget, targetNames } from "../../src/compiler/emit/targets/index.ts";
import type { MeshIR } from "../../src/compiler/ir/schema.ts";
import { rmSync } from "node:fs";
import { median } from "../support/stats.ts";
import { writeDemoCopies } from "./demo-copies.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "policies" },
    reps: { type: "string", default: "5" },
    "demo-copies": { type: "string" },
    json: { type: "boolean", default: false },
  },
});

const copies = values["demo-copies"] ? Number(values["demo-copies"]) : undefined;
const dir = copies ? writeDemoCopies(path.resolve(values.dir!), copies) : path.resolve(values.dir!);
const reps = Math.max(1, Number(values.reps));
const ms = (n: number) => `${n.toFixed(1)} ms`;

function time<T>(f: () => T): [T, number] {
  const start = performance.now();
  const value = f();
  return [value, performance.now() - start];
}

const samples: Record<string, number[]> = { compile: [], bundle: [], ...Object.fromEntries(targetNames.map((t) => [t, []])) };
let sizes: Record<string, { files: number; bytes: number }> = {};
let services = 0;

for (let rep = 0; rep < reps; rep++) {
  const start = performance.now();
  const compiled = await compilePolicies(dir);
  samples.compile!.push(performance.now() - start);
  if (!compiled.ir) throw new Error(`${dir} does not compile: ${compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  const ir: MeshIR = compiled.ir;
  services = ir.services.length;
  const [bundleText, bundleMs] = time(() => serializeBundle(createBundle(ir)));
  samples.bundle!.push(bundleMs);
  sizes = { bundle: { files: 1, bytes: bundleText.length } };
  for (const target of targetNames) {
    const [output, took] = time(() => emitTarget(target, ir));
    samples[target]!.push(took);
    sizes[target] = { files: output.files.length, bytes: output.files.reduce((n, f) => n + f.content.length, 0) };
  }
}

if (copies) rmSync(dir, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<string, number>;
const emitAll = targetNames.reduce((n, t) => n + m[t]!, 0);
const bundleAlone = m.compile! + m.bundle!;
const everything = bundleAlone + emitAll;
const result = {
  dir: copies ? `${copies} services copied from ${values.dir}` : path.relative(process.cwd(), dir) || ".",
  services,
  reps,
  medianMs: m,
  sizes,
  buildBundleMs: bundleAlone,
  buildAllTargetsMs: everything,
  ratio: everything / bundleAlone,
  emitOnlyRatio: (m.bundle! + emitAll) / m.bundle!,
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`typemesh emit bench — ${result.dir} (${services} services), ${reps} repetitions, medians`);
  console.log(`  compile              ${ms(m.compile!)}`);
  console.log(`  bundle               ${ms(m.bundle!)}  (${sizes.bundle!.bytes} bytes)`);
  for (const t of targetNames) console.log(`  ${t.padEnd(20)} ${ms(m[t]!)}  (${sizes[t]!.files} files, ${sizes[t]!.bytes} bytes)`);
  console.log(`  build --target bundle ${ms(bundleAlone)}`);
  console.log(`  build --target all    ${ms(everything)}  = ${result.ratio.toFixed(2)}× the bundle build (acceptance: ≤ 2×)`);
  console.log(`  emit only: bundle + 3 targets = ${result.emitOnlyRatio.toFixed(1)}× serializing the bundle alone`);
}
