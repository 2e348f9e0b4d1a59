#!/usr/bin/env node
// typemesh's command line. The sources are TypeScript; `npm ci` prebuilds them (scripts/prebuild.mjs):
// a sidecar (`typemesh proxy`) runs dist/proxy.mjs, every other command dist/cli.mjs, each while it is
// not older than any of its sources, without tsx's loader thread (faster to start; about 40 MB less per
// sidecar). Otherwise, or with TYPEMESH_FROM_SOURCE=1, the sources run through tsx's loader.
import { prebuilt } from "./prebuilt.js";

const root = new URL("../", import.meta.url);
const entry = process.env.TYPEMESH_FROM_SOURCE ? undefined : prebuilt(root, process.argv[2] === "proxy" ? "proxy" : "cli");
if (entry) {
  await import(entry.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
