// Maps positions in the evaluated bundle back to policy sources, using Node's own source-map reader.
import { SourceMap } from "node:module";
import path from "node:path";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { BUNDLE_NAME } from "./bundle.ts";
import { dslDir } from "./paths.ts";
import { relativePolicyPath } from "./policy-files.ts";

export interface BundlePosition {
  line: number; // 1-based, as in stack traces
  column: number; // 1-based
}

export interface SourceMapper {
  /** The policy-source location of a bundle position, or undefined for the compiler's own code. */
  toPolicy(position: BundlePosition): SourceLocation | undefined;
  /** Reads the map now rather than at the first lookup. */
  prepare(): void;
}

export function createSourceMapper(root: string, sourceMap: string): SourceMapper {
  // Parsed on first use (a 1,000-module map takes ~0.4 s): the sandbox starts evaluating without it.
  let map: SourceMap | undefined;
  const read = () => (map ??= new SourceMap(JSON.parse(sourceMap)));
  return {
    prepare: () => { read(); },
    toPolicy({ line, column }) {
      const entry = read().findEntry(line - 1, column - 1) as
        { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (!entry.originalSource || entry.originalLine === undefined) return undefined;
      const absolute = path.resolve(root, entry.originalSource.replace(/^file:\/\//, ""));
      if (absolute.startsWith(dslDir) || !absolute.startsWith(root) || absolute.endsWith("<stdin>")) return undefined;
      return {
        file: relativePolicyPath(root, absolute),
        line: entry.originalLine + 1,
        column: (entry.originalColumn ?? 0) + 1,
      };
    },
  };
}

const FRAME = new RegExp(`${BUNDLE_NAME.replace(".", "\\.")}:(\\d+):(\\d+)`);

/** The innermost stack frame that lies in a policy module (not in typemesh's own code). */
export function policyFrame(stack: string, mapper: SourceMapper): SourceLocation | undefined {
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const location = mapper.toPolicy({ line: Number(match[1]), column: Number(match[2]) });
    if (location) return location;
  }
  return undefined;
}
