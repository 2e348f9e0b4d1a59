// A bundle source feeds the control plane: it produces bundles (from policies, a file or git) and
// reports why it could not when the input is broken, without applying anything.
import type { Bundle } from "../../../compiler/emit/bundle.ts";

export interface SourceSink {
  /** A new bundle from the source; the control plane applies it if it differs from what is in force. */
  bundle(bundle: Bundle, origin: string): void;
  /** The source's input is broken; nothing changes. */
  problem(origin: string, text: string): void;
}

export interface BundleSource {
  readonly description: string;
  start(sink: SourceSink): Promise<void>;
  stop(): Promise<void>;
}
