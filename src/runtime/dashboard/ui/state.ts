// The page's state and routes. Everything a view draws comes from here; nothing in it grows without
// bound (the live state is replaced, not appended; the change list is the server's newest 50).
import type { MeshIR } from "../../../compiler/ir/schema.ts";
import type { ChangeEntry } from "../changes.ts";
import type { LiveState } from "../live-state.ts";
import type { FeedStatus } from "./api.ts";

export type Route =
  | { view: "topology" }
  | { view: "service"; id: string }
  | { view: "proxies" }
  | { view: "changes" }
  | { view: "rollouts" };

export interface AppState {
  live?: LiveState;
  /** Page time of the last live state. */
  receivedAt?: number;
  feed: FeedStatus;
  /** The bundle in force as declared (rollouts' weights are applied when drawn). */
  bundle?: { version: string; ir: MeshIR };
  changes?: ChangeEntry[];
  changesError?: string;
  route: Route;
  notice?: { kind: "ok" | "error"; text: string };
}

export interface Actions {
  navigate(hash: string): void;
  rollback(entry: ChangeEntry): void;
  retryNow(): void;
}

export const VIEWS = [
  { view: "topology", label: "Topology", hash: "#/topology" },
  { view: "proxies", label: "Proxies", hash: "#/proxies" },
  { view: "changes", label: "Changes", hash: "#/changes" },
  { view: "rollouts", label: "Rollouts", hash: "#/rollouts" },
] as const;

export function parseRoute(hash: string): Route {
  const [, view, ...rest] = hash.replace(/^#/, "").split("/");
  switch (view) {
    case "service": {
      const id = decodeURIComponent(rest.join("/"));
      return id ? { view: "service", id } : { view: "topology" };
    }
    case "proxies":
    case "changes":
    case "rollouts":
      return { view };
    default:
      return { view: "topology" };
  }
}

export function serviceHash(id: string): string {
  return `#/service/${id.split("/").map(encodeURIComponent).join("/")}`;
}
