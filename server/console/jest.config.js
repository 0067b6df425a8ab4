/** Component tests: jsdom + @swc/jest (see ../shared/research/console.md §4). */
const swc = (syntax, tsx) => [
  '@swc/jest',
  {
    jsc: { parser: syntax === 'typescript' ? { syntax, tsx } : { syntax }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];
module.exports = {
  displayName: 'console',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  transform: { '^.+\\.tsx$': swc('typescript', true), '^.+\\.ts$': swc('typescript', false), '^.+\\.m?js$': swc('ecmascript') },
  // ESM-only packages
  transformIgnorePatterns: ['/node_modules/(?!(echarts|zrender)/)'],
  moduleNameMapper: { '\\.(css|less)$': '<rootDir>/test/__mocks__/style.ts', '^@o2o/shared$': '<rootDir>/../../shared/src/index.ts' },
  testTimeout: 30_000,
};
