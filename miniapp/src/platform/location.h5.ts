import type { GetPosition } from './types';

/**
 * The browser's position (WGS-84: within a few hundred metres of gcj02 in China, enough to order stores by
 * distance), or null when refused, unavailable or slower than 5 s.
 */
export const getPosition: GetPosition = () =>
  new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      () => resolve(null),
      { timeout: 5_000, maximumAge: 300_000 },
    );
  });
