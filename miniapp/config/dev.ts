import type { UserConfigExport } from '@tarojs/cli';

/** Local development (`--watch`): readable output and build stats. */
export default {
  logger: { quiet: false, stats: true },
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>;
