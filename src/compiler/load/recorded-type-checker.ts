// The type checker of a one-shot compile (check, build, plan's sides): answered from the check record
// of the last compile when every input is unchanged (check-record.ts), otherwise by a type checker's
// thread, whose answers are then recorded for the next compile. Either way load.ts sees the one
// TypeCheckWorker interface and the same answers.
import type { Diagnostic, SourceLocation } from "../diagnostics/diagnostic.ts";
import { checkRecordFile, checkRecordKey, readCheckRecord, saveCheckRecord, type CheckRecord } from "./check-record.ts";
import { callKey, type DeclarationSite } from "./declaration-site.ts";
import { createTypeCheckWorker, type TypeCheckWorker } from "./type-check-worker.ts";

export interface RecordedTypeChecker extends TypeCheckWorker {
  /** Whether this compile's answers came from the record, or from a type checker's thread (one was started). */
  answeredBy(): "record" | "type checker" | undefined;
}

/** Without a state file (the cache off), simply the type checker's thread. */
export function createRecordedTypeChecker(root: string, stateFile: string | undefined): RecordedTypeChecker {
  if (!stateFile) {
    const checker = createTypeCheckWorker(root);
    return { ...checker, answeredBy: () => "type checker" };
  }
  const recordFile = checkRecordFile(stateFile);
  let live: TypeCheckWorker | undefined;
  let files: readonly string[] = [];
  let liveStart: Promise<Diagnostic[]> | undefined;
  let record: Promise<CheckRecord | undefined> = Promise.resolve(undefined);
  let key = "";
  // What the live checker answered, kept while every answer came from it.
  const answered: { computedImports?: Diagnostic[]; typeDiagnostics?: Diagnostic[]; sites?: [string, DeclarationSite][] } = {};

  /**
   * The type checker's thread, started on the files of this compile (once). Its answers come in the
   * order asked, so anything asked after this is answered on that program.
   */
  const started = (): { checker: TypeCheckWorker; computedImports: Promise<Diagnostic[]> } => {
    live ??= createTypeCheckWorker(root, { stateFile });
    liveStart ??= live.start(files);
    return { checker: live, computedImports: liveStart };
  };

  let hitSeen = false;
  return {
    answeredBy: () => (live ? "type checker" : hitSeen ? "record" : undefined),
    start(startFiles) {
      files = [...startFiles];
      key = checkRecordKey(root, files);
      record = readCheckRecord(recordFile, key);
      return record.then(async (hit) => {
        hitSeen = hit !== undefined;
        if (hit) return hit.computedImports;
        const computedImports = await started().computedImports;
        answered.computedImports = computedImports;
        return computedImports;
      });
    },
    async diagnostics() {
      const hit = await record;
      if (hit) return hit.typeDiagnostics;
      const diagnostics = await started().checker.diagnostics();
      answered.typeDiagnostics = diagnostics;
      return diagnostics;
    },
    async locate(calls: readonly SourceLocation[]) {
      const hit = await record;
      if (hit) {
        const sites = new Map(hit.sites);
        const found = calls.map((call) => sites.get(callKey(call)));
        if (found.every((site) => site !== undefined)) return found as DeclarationSite[];
      }
      // A miss, or a call the record does not know: the live checker locates them all.
      const sites = await started().checker.locate(calls);
      if (!hit) answered.sites = calls.map((call, i) => [callKey(call), sites[i]!]);
      return sites;
    },
    runawaySite: (location) => started().checker.runawaySite(location),
    inputs: () => started().checker.inputs(),
    async dispose() {
      if (!live) return;
      const { computedImports, typeDiagnostics, sites } = answered;
      if (computedImports && typeDiagnostics && sites) {
        const inputs = await live.inputs().catch(() => undefined);
        if (inputs) saveCheckRecord(recordFile, { key, inputs, computedImports, typeDiagnostics, sites });
      }
      await live.dispose();
    },
  };
}
