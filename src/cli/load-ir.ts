// Where commands get a MeshIR from: a built bundle file (--bundle) or by compiling a directory.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { MeshIR } from "../compiler/ir/schema.ts";
import { CommandError } from "./errors.ts";
import { formatDiagnostics } from "../compiler/diagnostics/format.ts";

export async function loadIR(dir: string, bundleFile?: string): Promise<MeshIR> {
  if (bundleFile) {
    let text: string;
    try {
      text = readFileSync(bundleFile, "utf8");
    } catch (error) {
      throw new CommandError(`cannot read bundle ${bundleFile}: ${(error as Error).message}`);
    }
    const { readBundle } = await import("../compiler/ir/read-bundle.ts"); // loaded when needed (check.ts says why)
    const reading = readBundle(text);
    if (!reading.bundle) throw new CommandError(`${bundleFile} is not a valid bundle:\n  ${reading.problems.join("\n  ")}`);
    return reading.bundle.ir;
  }
  const root = path.resolve(dir);
  // The compiler is loaded only when there is a directory to compile (check.ts says why).
  const { compilePolicies } = await import("../compiler/compile.ts");
  const result = await compilePolicies(root);
  if (!result.ir) throw new CommandError(`the policies do not compile:\n\n${formatDiagnostics(root, result.diagnostics)}`);
  return result.ir;
}
