// react-router reads TextEncoder at load; jsdom does not provide it (imported first by tests that route).
import { TextDecoder, TextEncoder } from 'node:util';

Object.assign(globalThis, { TextEncoder, TextDecoder });
