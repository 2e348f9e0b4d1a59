// Watches a bundle file (what `typemesh build` writes) and applies each valid version of it.
import { readFileSync, watchFile, unwatchFile } from "node:fs";
import path from "node:path";
import { readBundle } from "../../../compiler/ir/read-bundle.ts";
import type { BundleSource, SourceSink } from "./types.ts";

export function fileSource(file: string, intervalMs = 250): BundleSource {
  const absolute = path.resolve(file);
  const read = (sink: SourceSink) => {
    const origin = `file:${absolute}`;
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (error) {
      sink.problem(origin, `cannot read ${absolute}: ${(error as Error).message}`);
      return;
    }
    const reading = readBundle(text);
    if (reading.bundle) sink.bundle(reading.bundle, origin);
    else sink.problem(origin, `bundle refused: ${reading.problems.join("; ")}`);
  };
  return {
    description: `bundle file ${absolute}`,
    async start(sink) {
      read(sink);
      // watchFile polls by stat: it survives the rename with which build replaces the file.
      watchFile(absolute, { interval: intervalMs }, () => read(sink));
    },
    async stop() {
      unwatchFile(absolute);
    },
  };
}
