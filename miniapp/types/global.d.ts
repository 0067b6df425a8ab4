/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.jpg';
declare module '*.svg';
declare module '*.css';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    /** Build target, replaced at build time by Taro. */
    TARO_ENV: 'weapp' | 'h5' | string;
    /** Mini-program appid for project.config.json (not a secret). */
    TARO_APP_ID?: string;
    /** Base URL of the API server, e.g. http://127.0.0.1:3000 (replaced at build time; empty on H5 = same origin). */
    TARO_APP_API_BASE?: string;
    /** Base URL of the WeChat emulator; read only by `*.h5.*` platform files. */
    TARO_APP_EMULATOR_BASE?: string;
    /** Subscribe-message template ids (public): the pickup notice and the offers notice. */
    TARO_APP_SUBSCRIBE_PICKUP_TMPL?: string;
    TARO_APP_SUBSCRIBE_OFFER_TMPL?: string;
  }
}

/** The encoder core of `qrcode` (the package's typings only describe its entry point). */
declare module 'qrcode/lib/core/qrcode' {
  export function create(
    data: string | { data: string | number[] | Uint8Array; mode?: 'byte' | 'numeric' | 'alphanumeric' | 'kanji' }[],
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number; maskPattern?: number },
  ): { modules: { size: number; data: Uint8Array }; version: number };
}
