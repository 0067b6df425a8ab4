export interface QualityResult {
  failures: string[];
  checks: { name: string; success: boolean; text: string }[];
  /** Bytes per package: `main`, then each subpackage root (`clerk/`). */
  sizes: Record<string, number>;
  files: number;
  modules: number;
}
export const MAIN_PACKAGE_BUDGET: number;
export function runQuality(distDir: string): Promise<QualityResult>;
export function report(result: QualityResult): string;
