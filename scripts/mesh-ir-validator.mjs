// The MeshIR validator as JavaScript written at build time (ajv's standalone code), for the prebuilt
// sidecar: scripts/prebuild.mjs puts it in dist/proxy.mjs in place of src/compiler/ir/validate.ts. The
// proxy validates every config view it is sent (runtime/proxy/router.ts), and compiling the schema when
// it starts meant loading TypeBox (to build the schema) and ajv's compiler (to compile it): about 8 MB
// of every sidecar's RSS (issue 3: ≤ 80 MB per proxy). The generated code is the code ajv compiles from
// the same schema with the same options, so it answers as validate.ts does (test/cli/prebuilt-validator.test.ts).
import * as esbuild from "esbuild";
import { Ajv } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

/** validate.ts's options; `code` only asks for source that can stand alone as an ES module. */
const OPTIONS = { allErrors: true, strict: false };

/**
 * An ES module exporting `validateMeshIR(value): string[]`, as validate.ts does, for `schema`. Helpers
 * the code calls (ajv/dist/runtime/*, for uniqueItems, minLength and the like) are imported from ajv.
 */
export function validatorModule(schema) {
  const ajv = new Ajv({ ...OPTIONS, code: { source: true, esm: true } });
  let code = (standaloneCode.default ?? standaloneCode)(ajv, ajv.compile(schema));
  // ajv refers to its runtime helpers with require() even in ES module output; import them instead.
  const helpers = new Map();
  code = code.replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_, specifier) => {
    if (!helpers.has(specifier)) helpers.set(specifier, `ajvRuntime${helpers.size}`);
    return helpers.get(specifier);
  });
  if (/\brequire\(/.test(code)) throw new Error("ajv's standalone MeshIR validator requires a module it does not import");
  const imports = [...helpers].map(([specifier, name]) => `import ${name} from "${specifier}.js";\n`).join("");
  return `${imports}${code}
// The problems as src/compiler/ir/validate.ts words them.
export function validateMeshIR(ir) {
  if (validate(ir)) return [];
  return (validate.errors ?? []).map((e) => \`\${e.instancePath || "/"} \${e.message ?? "is invalid"}\`);
}
`;
}

/**
 * The MeshIR schema (src/compiler/ir/schema.ts, bundled by esbuild with TypeBox) and the repository's
 * files it was built from: the prebuilt sidecar is stale when any of them changes.
 */
export async function meshIrSchema(repo) {
  const built = await esbuild.build({
    absWorkingDir: repo, entryPoints: ["src/compiler/ir/schema.ts"], bundle: true, platform: "node", format: "esm",
    target: "node20", write: false, metafile: true, logLevel: "warning",
  });
  const module = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString("base64")}`);
  return { schema: module.MeshIR, inputs: Object.keys(built.metafile.inputs).filter((file) => !file.includes("node_modules/")) };
}
