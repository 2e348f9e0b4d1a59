// Compiles a policies directory and recompiles on every edit. A policy with an error is reported and
// changes nothing: the bundle in force stays.
import type { FSWatcher } from "node:fs";
import path from "node:path";
import { createBundle } from "../../../compiler/emit/bundle.ts";
import { formatDiagnostics } from "../../../compiler/diagnostics/format.ts";
import { hasErrors } from "../../../compiler/diagnostics/diagnostic.ts";
import { watchPolicies } from "../../../compiler/load/watch.ts";
import { createCompileSession, type CompileSession } from "../../../compiler/session.ts";
import type { BundleSource, SourceSink } from "./types.ts";

export function policiesSource(dir: string, options: { watch?: boolean } = {}): BundleSource {
  const root = path.resolve(dir);
  let session: CompileSession | undefined;
  let watcher: FSWatcher | undefined;
  let queue = Promise.resolve();
  const compile = async (sink: SourceSink) => {
    const result = await session!.compile();
    const origin = `policies:${root}`;
    if (!result.ir || hasErrors(result.diagnostics)) {
      sink.problem(origin, formatDiagnostics(root, result.diagnostics));
      return;
    }
    sink.bundle(createBundle(result.ir), origin);
  };
  return {
    description: `policies directory ${root}`,
    async start(sink) {
      session = createCompileSession(root);
      await compile(sink);
      if (options.watch !== false) {
        watcher = watchPolicies(root, () => { queue = queue.then(() => compile(sink)).catch(() => {}); });
      }
    },
    async stop() {
      watcher?.close();
      await queue;
      await session?.dispose();
    },
  };
}
