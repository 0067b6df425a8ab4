import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * Taro 4.2.1 build configuration (webpack5). Settings verified in TOOLCHAIN.md §6:
 * - `outputRoot: dist/${TARO_ENV}` so weapp and h5 never overwrite each other;
 * - `shared/src` is TypeScript outside `src/`: it needs `compile.include` on both ends plus the alias;
 * - build with `--no-check` (the config check fetches a schema from GitHub).
 */
const sharedSrc = path.resolve(__dirname, '..', '..', 'shared', 'src');

/**
 * The only values that reach the client bundle. Everything here is public by definition:
 * never add a secret. Shell variables win over the defaults; `.env*` files in miniapp/ are also read by Taro.
 */
const isH5 = process.env.TARO_ENV === 'h5';
const isDev = process.env.NODE_ENV === 'development';
const clientEnv = {
  // Empty = same origin: `npm start` serves the H5 build at /h5/ on the API's own origin, whatever its PORT.
  // The weapp build and the H5 dev server (127.0.0.1:10086) need an absolute base.
  TARO_APP_API_BASE: process.env.TARO_APP_API_BASE ?? (isH5 && !isDev ? '' : 'http://127.0.0.1:3000'),
  // Read only by the `*.h5.ts(x)` platform files; the weapp bundle never contains it.
  TARO_APP_EMULATOR_BASE: process.env.TARO_APP_EMULATOR_BASE || 'http://127.0.0.1:3100',
  // Subscribe-message template ids (public, from the mini-program admin). weapp: unset = never ask; the H5 build
  // talks to the emulator, which takes any id.
  TARO_APP_SUBSCRIBE_PICKUP_TMPL: process.env.TARO_APP_SUBSCRIBE_PICKUP_TMPL || (isH5 ? 'dev_pickup_tmpl' : ''),
  TARO_APP_SUBSCRIBE_OFFER_TMPL: process.env.TARO_APP_SUBSCRIBE_OFFER_TMPL || (isH5 ? 'dev_offer_tmpl' : ''),
};

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'o2o-miniapp',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    env: Object.fromEntries(Object.entries(clientEnv).map(([k, v]) => [k, JSON.stringify(v)])),
    defineConstants: {},
    alias: { '@o2o/shared': sharedSrc },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [sharedSrc] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/h5/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [sharedSrc] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      devServer: { host: '127.0.0.1' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
