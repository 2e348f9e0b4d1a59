// The CA's roots, persisted in the control plane's state directory (ca/): generated on first start, or
// the operator's own (cert and key files, read where they are and never copied). Several roots may be
// trusted at once while the trust bundle rotates; exactly one signs.
import { createHash, X509Certificate as NodeCertificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateKeyPair, importSigningKey, privateKeyPem, randomSerial, SIGNING_ALGORITHM, x509 } from "../../identity/x509.ts";

export interface OperatorRoot {
  certFile: string;
  keyFile: string;
}

export interface Root {
  /** The first 16 hex digits of the certificate's SHA-256 fingerprint. */
  id: string;
  source: "generated" | "operator";
  certificatePem: string;
  certificate: NodeCertificate;
  signingKey: CryptoKey;
  createdAt: string;
}

interface RootRecord {
  id: string;
  source: Root["source"];
  createdAt: string;
  certFile: string;
  keyFile: string;
}

interface StoredState {
  active: string;
  roots: RootRecord[];
}

const ROOT_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;

function writeAtomically(file: string, content: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

export function rootId(certificatePem: string): string {
  return createHash("sha256").update(new NodeCertificate(certificatePem).raw).digest("hex").slice(0, 16);
}

async function loadRoot(record: RootRecord): Promise<Root> {
  const certificatePem = readFileSync(record.certFile, "utf8");
  const certificate = new NodeCertificate(certificatePem);
  if (!certificate.ca) throw new Error(`${record.certFile} is not a CA certificate (basicConstraints CA:TRUE is required)`);
  const signingKey = await importSigningKey(readFileSync(record.keyFile, "utf8"));
  return { id: record.id, source: record.source, certificatePem, certificate, signingKey, createdAt: record.createdAt };
}

export class RootStore {
  private constructor(
    private readonly dir: string,
    private roots: Root[],
    private activeId: string,
    private readonly records: RootRecord[],
  ) {}

  /** Opens the store in `<stateDir>/ca`, creating a root (or adopting the operator's) on first start. */
  static async open(stateDir: string, trustDomain: string, operator?: OperatorRoot): Promise<RootStore> {
    const dir = path.join(stateDir, "ca");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let state: StoredState | undefined;
    try {
      state = JSON.parse(readFileSync(path.join(dir, "roots.json"), "utf8")) as StoredState;
    } catch {
      state = undefined;
    }
    const store = new RootStore(dir, [], "", state?.roots ?? []);
    for (const record of store.records) store.roots.push(await loadRoot(record));
    if (operator) {
      const pem = readFileSync(operator.certFile, "utf8");
      const id = rootId(pem);
      if (!store.records.some((r) => r.id === id)) {
        const record: RootRecord = { id, source: "operator", createdAt: new Date().toISOString(), certFile: path.resolve(operator.certFile), keyFile: path.resolve(operator.keyFile) };
        store.roots.push(await loadRoot(record));
        store.records.push(record);
        // An operator's root given on first start signs from the start; a later one joins as a new root
        // that `activate` switches to, like a generated one.
        if (store.roots.length === 1) state = { active: id, roots: store.records };
      }
    }
    if (store.roots.length === 0) await store.add(trustDomain);
    store.activeId = state?.active && store.roots.some((r) => r.id === state!.active) ? state.active : store.roots[0]!.id;
    store.save();
    return store;
  }

  all(): readonly Root[] {
    return this.roots;
  }

  active(): Root {
    return this.roots.find((r) => r.id === this.activeId)!;
  }

  /** Generates a new root and trusts it; it signs only once activated. */
  async add(trustDomain: string, now = new Date()): Promise<Root> {
    const keys = await generateKeyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `O=typemesh, CN=typemesh root ${trustDomain} ${now.toISOString()}`,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + ROOT_LIFETIME_MS),
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const certificatePem = certificate.toString("pem");
    const id = rootId(certificatePem);
    const record: RootRecord = {
      id, source: "generated", createdAt: now.toISOString(),
      certFile: path.join(this.dir, `${id}.cert.pem`), keyFile: path.join(this.dir, `${id}.key.pem`),
    };
    writeAtomically(record.keyFile, await privateKeyPem(keys.privateKey), 0o600);
    chmodSync(record.keyFile, 0o600);
    writeAtomically(record.certFile, certificatePem);
    this.records.push(record);
    const root = await loadRoot(record);
    this.roots.push(root);
    if (!this.activeId) this.activeId = id;
    this.save();
    return root;
  }

  activate(id: string): void {
    if (!this.roots.some((r) => r.id === id)) throw new Error(`no root ${id}`);
    this.activeId = id;
    this.save();
  }

  /** Stops trusting a root (its files stay on disk). The signing root cannot be retired. */
  retire(id: string): void {
    if (id === this.activeId) throw new Error(`root ${id} signs certificates: activate another root first`);
    const index = this.records.findIndex((r) => r.id === id);
    if (index < 0) throw new Error(`no root ${id}`);
    this.records.splice(index, 1);
    this.roots = this.roots.filter((r) => r.id !== id);
    this.save();
  }

  private save(): void {
    writeAtomically(path.join(this.dir, "roots.json"), `${JSON.stringify({ active: this.activeId, roots: this.records } satisfies StoredState, null, 2)}\n`);
  }
}
