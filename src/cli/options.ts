// Parsers for option values shared by several commands.
import { UsageError } from "./errors.ts";

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${JSON.stringify(text)} is not a port (0–65535)`);
  return port;
}

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(text);
  if (!match) throw new UsageError(`${JSON.stringify(text)} is not HOST:PORT`);
  return { host: match[1]!, port: parsePort(match[2]!) };
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${JSON.stringify(text)} is not a positive whole number`);
  return n;
}

export function parseNonNegativeInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${JSON.stringify(text)} is not a whole number (0 or more)`);
  return n;
}

/** The admin token from an option or TYPEMESH_ADMIN_TOKEN. */
export function adminToken(given: string | undefined): string | undefined {
  return given ?? process.env.TYPEMESH_ADMIN_TOKEN;
}
