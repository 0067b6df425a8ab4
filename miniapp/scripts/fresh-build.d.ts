export type BuildTarget = 'weapp' | 'h5';
export const MINIAPP: string;
export function distDir(target: BuildTarget): string;
export function staleReason(target: BuildTarget): string | null;
export function ensureFreshBuild(target: BuildTarget, opts?: { log?: (message: string) => void }): { built: boolean; dir: string };
