/** Root jest: one project per workspace. DB suites read TEST_DB_TARGETS set by scripts/test.js / test/global-setup. */
module.exports = {
  projects: ['<rootDir>/shared', '<rootDir>/server', '<rootDir>/server/console', '<rootDir>/miniapp'],
  // A global option (ignored inside `projects`): database harnesses migrate a fresh schema in beforeAll, which
  // takes seconds on a loaded machine; jest's 5 s default failed whole suites in their hooks.
  testTimeout: 60_000,
};
