/** Scan a QR or bar code: its text, or null when the user cancelled. Rejects on a real failure. */
export type ScanCode = () => Promise<string | null>;
