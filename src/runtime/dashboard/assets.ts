// The dashboard's front end, bundled by esbuild in memory the first time a page asks for it: nothing
// generated is committed or written to disk, and no asset comes from outside the control plane.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { packagePath } from "../../package-root.ts";

const UI_DIR = `${packagePath("src/runtime/dashboard/ui")}${path.sep}`;

export interface DashboardAssets {
  html: string;
  js: string;
  css: string;
  /** Content hash of the JS and CSS: their ETag, and the cache-buster in the page's links. */
  hash: string;
}

let assets: Promise<DashboardAssets> | undefined;

/** Builds once per process; a failed build is retried on the next request. */
export function dashboardAssets(): Promise<DashboardAssets> {
  assets ??= buildAssets().catch((error: unknown) => {
    assets = undefined;
    throw error;
  });
  return assets;
}

async function buildAssets(): Promise<DashboardAssets> {
  const result = await build({
    entryPoints: [`${UI_DIR}main.ts`, `${UI_DIR}styles.css`],
    bundle: true,
    write: false,
    outdir: "/dashboard",
    format: "iife",
    platform: "browser",
    target: ["chrome109", "firefox115", "safari16"],
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? "";
  const js = file(".js");
  const css = file(".css");
  const hash = createHash("sha256").update(js).update(css).digest("hex").slice(0, 12);
  const html = readFileSync(`${UI_DIR}index.html`, "utf8").replaceAll("{{hash}}", hash);
  return { html, js, css, hash };
}
