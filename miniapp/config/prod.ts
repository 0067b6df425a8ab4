import type { UserConfigExport } from '@tarojs/cli';

/** Production: minified, no source maps in the output (nothing beyond the bundle leaves the build). */
export default {
  mini: { enableSourceMap: false },
  h5: { enableSourceMap: false },
} satisfies UserConfigExport<'webpack5'>;
