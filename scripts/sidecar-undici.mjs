// undici for the prebuilt sidecar: scripts/prebuild.mjs resolves the sidecar's `import … from "undici"`
// to the module below. undici's own index loads all of undici (fetch, WebSocket, EventSource, the HTTP
// cache, the mocks, every agent and interceptor): about 8 MB of every sidecar's RSS (issue 3: ≤ 80 MB per
// proxy), for a proxy that uses a Pool, buildConnector and util.parseHeaders. This exports those as the
// index does, from the files that define them, and gives dispatchers their request/stream/pipeline/
// upgrade/connect methods as the index does. An import of anything else from "undici" in the sidecar
// fails the build (esbuild: no matching export): add it here, as undici's index.js exports it.
// test/cli/prebuilt-sidecar.test.ts checks that these are undici's own.
export const SIDECAR_UNDICI = `
import Dispatcher from "undici/lib/dispatcher/dispatcher.js";
import api from "undici/lib/api/index.js";
import Pool from "undici/lib/dispatcher/pool.js";
import buildConnector from "undici/lib/core/connect.js";
import coreUtil from "undici/lib/core/util.js";
Object.assign(Dispatcher.prototype, api);
export { Dispatcher, Pool, buildConnector };
export const util = { parseHeaders: coreUtil.parseHeaders, headerNameToString: coreUtil.headerNameToString };
`;

/** The esbuild plugin: "undici" is SIDECAR_UNDICI, whose own imports stay external (node_modules). */
export const sidecarUndici = {
  name: "sidecar-undici",
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "sidecar-undici" }));
    build.onLoad({ filter: /.*/, namespace: "sidecar-undici" }, () => ({ contents: SIDECAR_UNDICI, loader: "js", resolveDir: build.initialOptions.absWorkingDir }));
  },
};
