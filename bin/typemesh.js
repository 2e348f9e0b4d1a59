#!/usr/bin/env node
// typemesh's command line. The sources are TypeScript, run through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
