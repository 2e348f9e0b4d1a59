// Packages for the prebuilt sidecar: scripts/prebuild.mjs resolves the sidecar's `import … from "<name>"`
// of each package below to the module written here, which exports what the proxy uses as the package's
// index exports it, from the files that define it. A package's index loads all of the package: for a
// proxy, about 8 MB of RSS in undici's case (fetch, WebSocket, EventSource, the HTTP cache, the mocks,
// every agent and interceptor) and 2 MB in prom-client's (the cluster aggregator, the Pushgateway client,
// default metrics, Summary's t-digest), of every sidecar (issue 3: ≤ 80 MB per proxy). An import of
// anything else from these packages in the sidecar fails the build (esbuild: no matching export): add it
// here as the package's index exports it. test/cli/prebuilt-sidecar.test.ts checks that each export is
// the package's own.
export const SIDECAR_PACKAGES = {
  undici: `
import Dispatcher from "undici/lib/dispatcher/dispatcher.js";
import api from "undici/lib/api/index.js";
import Pool from "undici/lib/dispatcher/pool.js";
import buildConnector from "undici/lib/core/connect.js";
import coreUtil from "undici/lib/core/util.js";
// As undici's index.js does: every dispatcher's request, stream, pipeline, upgrade and connect.
Object.assign(Dispatcher.prototype, api);
export { Dispatcher, Pool, buildConnector };
export const util = { parseHeaders: coreUtil.parseHeaders, headerNameToString: coreUtil.headerNameToString };
`,
  "prom-client": `
import Registry from "prom-client/lib/registry.js";
import Counter from "prom-client/lib/counter.js";
import Gauge from "prom-client/lib/gauge.js";
export { Registry, Counter, Gauge };
export const register = Registry.globalRegistry;
`,
};

/** The esbuild plugin: each package above is its module here, whose own imports stay external (node_modules). */
export const sidecarPackages = {
  name: "sidecar-packages",
  setup(build) {
    const names = Object.keys(SIDECAR_PACKAGES).map((name) => name.replace(/[-/]/g, "\\$&"));
    build.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (args) => ({ path: args.path, namespace: "sidecar-packages" }));
    build.onLoad({ filter: /.*/, namespace: "sidecar-packages" }, (args) => ({
      contents: SIDECAR_PACKAGES[args.path], loader: "js", resolveDir: build.initialOptions.absWorkingDir,
    }));
  },
};
