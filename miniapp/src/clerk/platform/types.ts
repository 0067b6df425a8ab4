/** Scan a QR or bar code: its text, or null when the user cancelled. Rejects on a real failure. */
export type ScanCode = () => Promise<string | null>;

/**
 * How saving an image ended: `saved` in the phone's album (weapp), `denied` when the album permission is
 * refused (the page offers the settings), `cancelled` by the user, `opened` when the platform could only
 * hand the image to the browser (H5: a download / a tab to long-press in).
 */
export type SaveImageOutcome = 'saved' | 'denied' | 'cancelled' | 'opened';

/** Saves the image at `url` (an absolute URL needing no Authorization). Rejects on any other failure. */
export type SaveImage = (url: string, fileName: string) => Promise<SaveImageOutcome>;

/** Opens the platform's permission settings; resolves whether album access is now granted. */
export type OpenAlbumSettings = () => Promise<boolean>;
