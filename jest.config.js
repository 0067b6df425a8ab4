/** Root jest: one project per workspace. DB suites read TEST_DB_TARGETS set by scripts/test.js / test/global-setup. */
module.exports = {
  projects: ['<rootDir>/shared', '<rootDir>/server', '<rootDir>/server/console', '<rootDir>/miniapp'],
};
