#!/usr/bin/env node
// typemesh's command line. The sources are TypeScript, run through tsx's loader; a sidecar
// (`typemesh proxy`) runs prebuilt (dist/proxy.mjs, scripts/build-proxy.mjs) while that is not older
// than any of its sources, without the loader's thread: about 40 MB less per sidecar.
// TYPEMESH_FROM_SOURCE=1 always runs the sources.
import { prebuiltProxy } from "./prebuilt.js";

const prebuilt = process.argv[2] === "proxy" && !process.env.TYPEMESH_FROM_SOURCE ? prebuiltProxy(new URL("../", import.meta.url)) : undefined;
if (prebuilt) {
  await import(prebuilt.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
