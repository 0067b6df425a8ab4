export interface SecretFinding {
  file: string;
  rule: string;
  excerpt: string;
}
export function knownSecrets(env?: Record<string, string | undefined>, devSecretsFile?: string): Map<string, string>;
export function scanForSecrets(dirs: string[], opts?: { secrets?: Map<string, string> }): { findings: SecretFinding[]; scanned: number };
export const RULES: { id: string; re: RegExp }[];
