// Join tokens, each bound to one service: a proxy that presents one may join as that service only, get
// that service's certificate and read that service's view. Only SHA-256 digests are stored (state dir
// ca/join-tokens.json); tokens given by the operator at start live in memory only.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface JoinTokenInfo {
  id: string;
  /** The service id ("namespace/name") the token is bound to. */
  service: string;
  createdAt: string;
  source: "api" | "operator";
}

interface StoredToken extends JoinTokenInfo {
  digest: string;
}

const digestOf = (token: string) => createHash("sha256").update(token).digest();

export class JoinTokens {
  private readonly file: string;
  private tokens: StoredToken[] = [];
  private readonly operatorTokens: StoredToken[] = [];

  constructor(stateDir: string, operator: Record<string, string> = {}) {
    this.file = path.join(stateDir, "ca", "join-tokens.json");
    try {
      this.tokens = JSON.parse(readFileSync(this.file, "utf8")) as StoredToken[];
    } catch {
      this.tokens = [];
    }
    for (const [token, service] of Object.entries(operator)) {
      this.operatorTokens.push({
        id: digestOf(token).toString("hex").slice(0, 12), service, createdAt: new Date().toISOString(), source: "operator", digest: digestOf(token).toString("hex"),
      });
    }
  }

  /** No tokens at all: the control plane runs open enrollment. */
  get empty(): boolean {
    return this.tokens.length === 0 && this.operatorTokens.length === 0;
  }

  issue(service: string): { token: string; info: JoinTokenInfo } {
    const token = `tmj_${randomBytes(24).toString("base64url")}`;
    const stored: StoredToken = {
      id: randomBytes(6).toString("hex"), service, createdAt: new Date().toISOString(), source: "api", digest: digestOf(token).toString("hex"),
    };
    this.tokens.push(stored);
    this.save();
    return { token, info: publicInfo(stored) };
  }

  revoke(id: string): boolean {
    const before = this.tokens.length;
    this.tokens = this.tokens.filter((t) => t.id !== id);
    if (this.tokens.length === before) return false;
    this.save();
    return true;
  }

  list(): JoinTokenInfo[] {
    return [...this.operatorTokens, ...this.tokens].map(publicInfo);
  }

  /** The service a token is bound to; compares every digest in constant time. */
  serviceOf(token: string | undefined): string | undefined {
    if (token === undefined) return undefined;
    const given = digestOf(token);
    let found: string | undefined;
    for (const t of [...this.operatorTokens, ...this.tokens]) {
      if (timingSafeEqual(given, Buffer.from(t.digest, "hex"))) found = t.service;
    }
    return found;
  }

  private save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.tokens, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function publicInfo(t: StoredToken): JoinTokenInfo {
  return { id: t.id, service: t.service, createdAt: t.createdAt, source: t.source };
}
