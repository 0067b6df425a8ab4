/**
 * The miniapp jest project (run from the repo root: `npx jest --selectProjects miniapp`).
 * Taro's own test utils do not work with Taro 4 (TOOLCHAIN.md §8), so `@tarojs/taro` and
 * `@tarojs/components` are replaced by small DOM stand-ins in test/__mocks__ and pages are rendered
 * with @testing-library/react in jsdom.
 */
const swc = (tsx) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2022',
    },
  },
];

module.exports = {
  displayName: 'miniapp',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  transform: {
    '^.+\\.tsx$': swc(true),
    '^.+\\.ts$': swc(false),
  },
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/__mocks__/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/__mocks__/components.tsx',
    '\\.(css|scss|sass|less)$': '<rootDir>/test/__mocks__/style.ts',
    '\\.(png|jpe?g|gif|svg|webp)$': '<rootDir>/test/__mocks__/file.ts',
    '^@o2o/shared$': '<rootDir>/../shared/src/index.ts',
    '^@o2o/shared/(.*)$': '<rootDir>/../shared/src/$1',
  },
};
